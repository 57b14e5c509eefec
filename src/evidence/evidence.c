/* evidence.c — evidence files stored once per SM3 and checked on the way
 * out. */
#include "evidence/evidence.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/jtext.h"
#include "ledger/merkle.h"

fz_err fz_evidence_check_meta(const char *name, const char *content_type,
                              fz_error *err) {
  size_t len = name ? strlen(name) : 0;
  int ok = len > 0 && len <= FZ_EVIDENCE_NAME_MAX && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0 && !strpbrk(name, "/\\");
  for (const unsigned char *p = (const unsigned char *)name; ok && *p; p++)
    if (*p < 0x20 || *p == 0x7f) ok = 0;
  if (!ok || !fz_jt_utf8_ok(name, len))
    return fz_error_set(err, FZ_INVALID, "name", "文件名应为 1–%d 字节的 "
                        "UTF-8 文件名本身，不含 / \\ 或控制字符 / a file name "
                        "is a base name of 1 to %d bytes of UTF-8 without / "
                        "\\ or control characters", FZ_EVIDENCE_NAME_MAX,
                        FZ_EVIDENCE_NAME_MAX);
  len = content_type ? strlen(content_type) : 0;
  ok = len > 0 && len <= FZ_EVIDENCE_TYPE_MAX;
  for (const char *p = content_type; ok && *p; p++)
    if (*p < 0x20 || *p > 0x7e) ok = 0;
  const char *slash = ok ? strchr(content_type, '/') : NULL;
  if (!slash || slash == content_type || !slash[1] || slash[1] == ';')
    return fz_error_set(err, FZ_INVALID, "content_type", "文件类型应为形如 "
                        "type/subtype 的媒体类型（至多 %d 个可打印 ASCII 字符）"
                        " / content_type is a media type type/subtype of at "
                        "most %d printable ASCII characters",
                        FZ_EVIDENCE_TYPE_MAX, FZ_EVIDENCE_TYPE_MAX);
  return FZ_OK;
}

/* Reads exactly size bytes from fd into a new buffer: FZ_IO when it ends
 * early or fails, FZ_INVALID when there are more. */
static fz_err read_all(int fd, size_t size, unsigned char **out,
                       fz_error *err) {
  unsigned char *buf = malloc(size);
  if (!buf) return fz_error_set(err, FZ_NOMEM, "", NULL);
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(fd, buf + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : 0;
      free(buf);
      if (e)
        return fz_error_set(err, FZ_IO, "file", "读取证据文件失败：%s / "
                            "cannot read the evidence file: %s", strerror(e),
                            strerror(e));
      return fz_error_set(err, FZ_IO, "file", "证据文件只有 %zu 字节，少于声明"
                          "的 %zu 字节 / the file ended after %zu of %zu "
                          "bytes", got, size, got, size);
    }
    got += (size_t)n;
  }
  unsigned char extra;
  ssize_t n;
  while ((n = read(fd, &extra, 1)) < 0 && errno == EINTR) {
  }
  if (n > 0) {
    free(buf);
    return fz_error_set(err, FZ_INVALID, "size", "证据文件长于声明的 %zu 字节"
                        " / the file is longer than the %zu bytes declared",
                        size, size);
  }
  *out = buf;
  return FZ_OK;
}

fz_err fz_evidence_store(fz_db *db, int fd, unsigned long long size,
                         const char *sm3_hex, int64_t now, fz_error *err) {
  if (size > FZ_EVIDENCE_MAX)
    return fz_error_set(err, FZ_TOOBIG, "file", "证据文件不能超过 64 MiB（%llu"
                        " 字节） / an evidence file takes at most 64 MiB (%llu "
                        "bytes)", FZ_EVIDENCE_MAX, FZ_EVIDENCE_MAX);
  if (size == 0)
    return fz_error_set(err, FZ_INVALID, "file", "证据文件为空 / the evidence "
                        "file is empty");
  unsigned char *data = NULL;
  fz_err rc = read_all(fd, (size_t)size, &data, err);
  if (rc) return rc;
  uint8_t h[FZ_HASH_LEN];
  char hex[FZ_HASH_HEX];
  fz_hash(FZ_HASH_SM3, data, (size_t)size, h);
  fz_hash_hex(h, hex);
  if (!sm3_hex || strcmp(hex, sm3_hex) != 0) {
    free(data);
    return fz_error_set(err, FZ_INVALID, "sm3", "收到的文件 SM3 为 %s，与上传"
                        "时计算的不一致 / the SM3 of the bytes received is %s, "
                        "not the one sent", hex, hex);
  }
  fz_stmt *st;
  rc = fz_db_prepare(db, "INSERT INTO files (sm3, size, data, created_at) "
                     "VALUES (?, ?, ?, ?) ON CONFLICT (sm3) DO NOTHING", &st,
                     err);
  if (!rc) {
    fz_stmt_bind_text(st, 1, hex, -1);
    fz_stmt_bind_int64(st, 2, (int64_t)size);
    rc = fz_stmt_bind_blob(st, 3, data, (size_t)size);
    fz_stmt_bind_int64(st, 4, now);
    if (rc) rc = fz_error_set(err, rc, "file", NULL);
    int r = rc ? FZ_STEP_DONE : fz_stmt_step(st, err);
    if (!rc && r != FZ_STEP_DONE) rc = (fz_err)r;
    fz_stmt_finalize(st);
  }
  free(data);
  return rc;
}

fz_err fz_evidence_copy_checked(const void *blob, size_t len,
                                const char *sm3, int64_t size, void **data,
                                fz_error *err) {
  uint8_t h[FZ_HASH_LEN];
  char hex[FZ_HASH_HEX];
  fz_hash(FZ_HASH_SM3, blob, len, h);
  fz_hash_hex(h, hex);
  if (!sm3 || strcmp(hex, sm3) != 0 || (int64_t)len != size)
    return fz_error_set(err, FZ_INTERNAL, "sm3", "存储的文件内容与记录的 SM3 "
                        "%s 不符 / the stored bytes do not match their SM3 %s",
                        sm3 ? sm3 : "", sm3 ? sm3 : "");
  *data = malloc(len ? len : 1);
  if (!*data) return fz_error_set(err, FZ_NOMEM, "", NULL);
  if (len) memcpy(*data, blob, len);
  return FZ_OK;
}
