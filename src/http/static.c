/* static.c — the web front end's files: path normalising, content types,
 * caching headers (immutable hashed assets, revalidated HTML with an ETag),
 * gzip copies made by the build, and the single-page app's fallback to
 * index.html. */
#include "http/static.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http/http_int.h"

#define IMMUTABLE "public, max-age=31536000, immutable"
#define REVALIDATE "no-cache"
/* The console and portal load nothing from elsewhere: scripts, styles,
 * fonts and API calls all come from this server (no CDN, no web fonts).
 * Element Plus sets inline styles, hence 'unsafe-inline' for styles only. */
#define CSP                                                                  \
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " \
  "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "   \
  "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "             \
  "frame-ancestors 'none'; form-action 'self'"

typedef struct ctype {
  const char *ext;
  const char *type;
  int gzip; /* worth a .gz copy */
} ctype;

static const ctype types[] = {
    {"html", "text/html; charset=utf-8", 1},
    {"js", "text/javascript; charset=utf-8", 1},
    {"mjs", "text/javascript; charset=utf-8", 1},
    {"css", "text/css; charset=utf-8", 1},
    {"json", "application/json; charset=utf-8", 1},
    {"map", "application/json; charset=utf-8", 1},
    {"webmanifest", "application/manifest+json; charset=utf-8", 1},
    {"txt", "text/plain; charset=utf-8", 1},
    {"xml", "application/xml; charset=utf-8", 1},
    {"svg", "image/svg+xml", 1},
    {"png", "image/png", 0},
    {"jpg", "image/jpeg", 0},
    {"jpeg", "image/jpeg", 0},
    {"gif", "image/gif", 0},
    {"webp", "image/webp", 0},
    {"avif", "image/avif", 0},
    {"ico", "image/vnd.microsoft.icon", 0},
    {"woff", "font/woff", 0},
    {"woff2", "font/woff2", 0},
    {"ttf", "font/ttf", 1},
    {"otf", "font/otf", 1},
    {"wasm", "application/wasm", 1},
    {"pdf", "application/pdf", 0},
};

static const ctype *type_of(const char *name) {
  const char *slash = strrchr(name, '/');
  const char *dot = strrchr(slash ? slash + 1 : name, '.');
  if (!dot || !dot[1]) return NULL;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcasecmp(dot + 1, types[i].ext) == 0) return &types[i];
  return NULL;
}

const char *fz_static_type(const char *name) {
  const ctype *t = type_of(name);
  return t ? t->type : "application/octet-stream";
}

int fz_static_immutable(const char *rel) {
  return strncmp(rel, "assets/", 7) == 0 && rel[7] != '\0';
}

fz_err fz_static_path(const char *path, size_t len, char *out, size_t size,
                      fz_error *err) {
  size_t n = 0;
  if (size) out[0] = '\0';
  if (len == 0 || path[0] != '/')
    return fz_error_set(err, FZ_INVALID, "path", "路径须以 / 开头 / a path "
                        "starts with /");
  size_t i = 0;
  while (i < len) {
    while (i < len && path[i] == '/') i++;
    size_t start = i;
    while (i < len && path[i] != '/') {
      unsigned char c = (unsigned char)path[i];
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '%') {
        if (size) out[0] = '\0';
        return fz_error_set(err, FZ_INVALID, "path", "路径含有不允许的字符 / "
                            "the path holds a character that is not allowed "
                            "(control, backslash or %%)");
      }
      i++;
    }
    size_t seg = i - start;
    if (!seg) break; /* trailing slashes */
    if (path[start] == '.') {
      if (size) out[0] = '\0';
      return fz_error_set(err, FZ_INVALID, "path", "路径段不能以 . 开头 / a "
                          "path segment may not start with \".\"");
    }
    size_t need = n + (n ? 1 : 0) + seg;
    if (need + 1 > size || need >= FZ_STATIC_PATH_MAX) {
      if (size) out[0] = '\0';
      return fz_error_set(err, FZ_TOOBIG, "path", "路径过长 / the path is too "
                          "long");
    }
    if (n) out[n++] = '/';
    memcpy(out + n, path + start, seg);
    n += seg;
    out[n] = '\0';
  }
  return FZ_OK;
}

/* Does folder dir hold a regular file index.html? */
static int has_index(const char *dir) {
  char p[PATH_MAX + 16];
  struct stat st;
  snprintf(p, sizeof p, "%s/index.html", dir);
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

fz_err fz_static_root(const char *setting, char *out, size_t size,
                      fz_error *err) {
  char real[PATH_MAX];
  const char *dir = setting && *setting ? setting : "web/dist";
  if (size) out[0] = '\0';
  if (!realpath(dir, real) || !has_index(real)) {
    if (!setting || !*setting) return FZ_OK; /* nothing built: no web root */
    return fz_error_set(err, FZ_NOTFOUND, "web", "网页目录 %s 中没有 "
                        "index.html / the web folder %s has no index.html "
                        "(build it with make)", dir, dir);
  }
  size_t n = strlen(real);
  if (n + 1 > size)
    return fz_error_set(err, FZ_TOOBIG, "web", "the web folder's path is too "
                        "long");
  memcpy(out, real, n + 1);
  return FZ_OK;
}

/* Opens rel under root as a regular file, following symbolic links only
 * while they stay inside root.  Returns the descriptor, or -1 with errno:
 * ENOENT (missing, or not a regular file), EACCES (outside the root). */
static int open_under(const char *root, const char *rel, struct stat *st) {
  char full[PATH_MAX + FZ_STATIC_PATH_MAX + 2], real[PATH_MAX];
  int w = snprintf(full, sizeof full, "%s/%s", root, rel);
  if (w < 0 || (size_t)w >= sizeof full) {
    errno = ENOENT;
    return -1;
  }
  if (!realpath(full, real)) {
    if (errno != EACCES) errno = ENOENT;
    return -1;
  }
  size_t rn = strlen(root);
  if (strncmp(real, root, rn) != 0 || real[rn] != '/') {
    errno = EACCES;
    return -1;
  }
  int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno != EACCES) errno = ENOENT;
    return -1;
  }
  if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    close(fd);
    errno = ENOENT;
    return -1;
  }
  return fd;
}

/* Does the client take gzip?  A plain token check of Accept-Encoding; a
 * "gzip;q=0" refusal is honoured. */
static int takes_gzip(const char *accept) {
  if (!accept) return 0;
  for (const char *p = accept; (p = strstr(p, "gzip")) != NULL; p += 4) {
    if (p != accept && p[-1] != ' ' && p[-1] != ',') continue;
    const char *q = p + 4;
    while (*q == ' ') q++;
    if (*q == ',' || *q == '\0') return 1;
    if (*q == ';') {
      q++;
      while (*q == ' ') q++;
      return !(q[0] == 'q' && q[1] == '=' && strtod(q + 2, NULL) <= 0.0);
    }
  }
  return 0;
}

static void http_date(time_t t, char out[32]) {
  static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
                                 "Sat"};
  static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  if (!gmtime_r(&t, &tm)) {
    out[0] = '\0';
    return;
  }
  snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
           tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
           tm.tm_min, tm.tm_sec);
}

/* Does If-None-Match name etag (or "*")? */
static int etag_matches(const char *inm, const char *etag) {
  if (!inm) return 0;
  if (strcmp(inm, "*") == 0) return 1;
  size_t n = strlen(etag);
  for (const char *p = inm; (p = strstr(p, etag)) != NULL; p += n)
    if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') &&
        (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
      return 1;
  return 0;
}

/* Replaces the reply's Cache-Control and adds the validators. */
static void headers(fz_req *r, const char *cache, const char *etag,
                    const struct stat *st, const ctype *t, int gz) {
  struct MHD_Response *resp = r->response;
  if (!resp) return;
  MHD_del_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
  MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
  char date[32];
  http_date(st->st_mtime, date);
  if (date[0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED, date);
  if (t && t->gzip) MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
  if (gz) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
  if (t && strncmp(t->type, "text/html", 9) == 0) {
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
  }
}

static void not_built(fz_req *r) {
  fz_reply_json(r, 200, json_pack(
      "{s:s, s:s, s:s, s:s}", "name", "fazhi", "message",
      "网页前端尚未构建：请在装有 Node.js 的机器上运行 make，或用 fazhi serve "
      "--web DIR 指定构建好的目录 / the web front end is not built: run make "
      "on a machine with Node.js, or name a built folder with fazhi serve "
      "--web DIR", "api", "/api/v1/openapi.json", "health", "/api/v1/health"));
}

void fz_static_serve(fz_req *r, const char *root) {
  if (!root || !*root) {
    if (strcmp(r->path, "/") == 0) not_built(r);
    else fz_reply_error(r, 404, FZ_NOTFOUND, "", "no endpoint here (the web "
                        "front end is not built)");
    return;
  }
  char rel[FZ_STATIC_PATH_MAX];
  fz_error e;
  if (fz_static_path(r->path, strlen(r->path), rel, sizeof rel, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  const char *name = rel[0] ? rel : "index.html";
  struct stat st;
  int fd = open_under(root, name, &st);
  if (fd < 0 && errno == EACCES) {
    fz_reply_error(r, 404, FZ_NOTFOUND, "", "no such file");
    return;
  }
  if (fd < 0) {
    /* A missing hashed asset is a stale page asking for an old build:
     * 404, not the app's HTML under a script's name. */
    if (fz_static_immutable(rel)) {
      fz_reply_error(r, 404, FZ_NOTFOUND, "", "no such file: %s", rel);
      return;
    }
    name = "index.html";
    fd = open_under(root, name, &st);
    if (fd < 0) {
      fz_reply_error(r, 404, FZ_NOTFOUND, "", "the web front end has no "
                     "index.html");
      return;
    }
  }
  const ctype *t = type_of(name);
  int gz = 0;
  if (t && t->gzip && takes_gzip(fz_req_header(r, "Accept-Encoding"))) {
    char gzname[FZ_STATIC_PATH_MAX + 4];
    struct stat gst;
    snprintf(gzname, sizeof gzname, "%s.gz", name);
    int gfd = open_under(root, gzname, &gst);
    /* Only a copy at least as new as its original stands for it. */
    if (gfd >= 0 && gst.st_mtime >= st.st_mtime) {
      close(fd);
      fd = gfd;
      st = gst;
      gz = 1;
    } else if (gfd >= 0) {
      close(gfd);
    }
  }
  char etag[96];
  snprintf(etag, sizeof etag, "\"%llx-%llx%s\"", (unsigned long long)st.st_size,
           (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
               (unsigned long long)st.st_mtim.tv_nsec,
           gz ? "-gz" : "");
  const char *cache = fz_static_immutable(name) ? IMMUTABLE : REVALIDATE;
  const char *type = t ? t->type : "application/octet-stream";
  if (etag_matches(fz_req_header(r, "If-None-Match"), etag)) {
    close(fd);
    fz_reply_bytes(r, 304, type, "", 0, NULL);
  } else {
    fz_reply_file(r, 200, type, fd, (unsigned long long)st.st_size, NULL);
  }
  headers(r, cache, etag, &st, t, gz);
}
