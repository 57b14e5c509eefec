/* secretfile.c — key files: created atomically with mode 0600, read only
 * when no one else may read them. */
#include "core/secretfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes all n bytes to fd; 0 or -1 with errno set. */
static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* fsyncs the folder holding path, so that a new name in it is durable. */
static int sync_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  if (!slash) {
    snprintf(dir, sizeof dir, ".");
  } else if (slash == path) {
    snprintf(dir, sizeof dir, "/");
  } else {
    if ((size_t)(slash - path) >= sizeof dir) return -1;
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  }
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

fz_err fz_secret_file_create(const char *path, const void *data, size_t len,
                             fz_error *err) {
  char tmp[4096];
  int n = snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
  if (n < 0 || (size_t)n >= sizeof tmp)
    return fz_error_set(err, FZ_INVALID, "path",
                        "密钥文件路径过长 / key file path too long");
  /* mkstemp: a new name (O_EXCL), mode 0600. */
  int fd = mkstemp(tmp);
  if (fd < 0)
    return fz_error_set(err, FZ_IO, "path", "无法创建 / cannot create '%s': %s",
                        tmp, strerror(errno));
  fz_err rc = FZ_OK;
  /* fchmod: the umask may have taken bits away, never added; 0600 exactly. */
  if (fchmod(fd, 0600) != 0 || write_all(fd, data, len) != 0 ||
      fsync(fd) != 0) {
    rc = fz_error_set(err, FZ_IO, "path", "无法写入 / cannot write '%s': %s",
                      tmp, strerror(errno));
    close(fd);
  } else if (close(fd) != 0) {
    rc = fz_error_set(err, FZ_IO, "path", "无法写入 / cannot write '%s': %s",
                      tmp, strerror(errno));
  } else if (link(tmp, path) != 0) {
    /* link(2), unlike rename(2), refuses to replace an existing key, even
     * one that appeared a moment ago: a replaced key loses what it signed
     * or sealed. */
    if (errno == EEXIST)
      rc = fz_error_set(err, FZ_EXISTS, "path",
                        "密钥文件 '%s' 已存在，不会覆盖 / '%s' already exists; "
                        "refusing to overwrite a key", path, path);
    else
      rc = fz_error_set(err, FZ_IO, "path", "无法创建 / cannot create '%s': %s",
                        path, strerror(errno));
  } else if (sync_dir(path) != 0) {
    rc = fz_error_set(err, FZ_IO, "path",
                      "无法同步目录 / cannot sync the folder of '%s': %s", path,
                      strerror(errno));
  }
  unlink(tmp);
  return rc;
}

fz_err fz_secret_file_read(const char *path, char *buf, size_t size,
                           size_t *len, fz_error *err) {
  *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT)
      return fz_error_set(err, FZ_NOTFOUND, "path",
                          "密钥文件 '%s' 不存在 / key file '%s' does not exist",
                          path, path);
    return fz_error_set(err, FZ_IO, "path",
                        "无法打开密钥文件 / cannot open key file '%s': %s",
                        path, strerror(errno));
  }
  fz_err rc = FZ_OK;
  /* The mode is checked on the open file, so it is the file we read. */
  struct stat st;
  if (fstat(fd, &st) != 0) {
    rc = fz_error_set(err, FZ_IO, "path",
                      "无法读取密钥文件 / cannot stat key file '%s': %s", path,
                      strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    rc = fz_error_set(err, FZ_INVALID, "path",
                      "密钥文件 '%s' 不是普通文件 / key file '%s' is not a "
                      "regular file", path, path);
  } else if (st.st_mode & 077) {
    rc = fz_error_set(err, FZ_INVALID, "path",
                      "密钥文件 '%s' 的权限为 %04o，组用户或其他用户可以访问 / "
                      "key file '%s' has mode %04o; a key must not be "
                      "accessible by group or others (chmod 600 '%s')",
                      path, (unsigned)(st.st_mode & 07777), path,
                      (unsigned)(st.st_mode & 07777), path);
  }
  while (!rc && *len < size) {
    ssize_t r = read(fd, buf + *len, size - *len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0)
      rc = fz_error_set(err, FZ_IO, "path",
                        "无法读取密钥文件 / cannot read key file '%s': %s",
                        path, strerror(errno));
    if (r <= 0) break;
    *len += (size_t)r;
  }
  close(fd);
  return rc;
}
