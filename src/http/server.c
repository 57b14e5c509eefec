/* server.c — libmicrohttpd glue: one fz_req per request, body limits,
 * dispatch through the router, request logs, graceful shutdown. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <stdint.h>

#include "core/log.h"
#include "http/http_int.h"
#include "http/static.h"

struct fz_server {
  struct MHD_Daemon *daemon;
  const fz_app *app;
  int threads;
  atomic_int active;       /* requests between first call and completion */
  atomic_ullong next_id;
  unsigned prefix;         /* random per process, so ids differ across servers */
};

static double ms_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
         (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Takes the client's X-Request-Id when it is short and plain (so a proxy's
 * id follows the request), otherwise makes one. */
static void set_request_id(fz_server *s, fz_req *r) {
  const char *in = fz_req_header(r, "X-Request-Id");
  if (in) {
    size_t n = strlen(in);
    if (n > 0 && n < 64 && strspn(in, "abcdefghijklmnopqrstuvwxyz"
                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789-_.") == n) {
      memcpy(r->id, in, n + 1);
      return;
    }
  }
  unsigned long long seq = atomic_fetch_add(&s->next_id, 1) + 1;
  snprintf(r->id, sizeof r->id, "%08x-%06llx", s->prefix, seq);
}

static fz_req *req_new(fz_server *s, struct MHD_Connection *conn,
                       const char *url, const char *method) {
  fz_arena *a = fz_arena_new();
  if (!a) return NULL;
  fz_req *r = fz_arena_alloc(a, sizeof *r);
  if (!r) {
    fz_arena_free(a);
    return NULL;
  }
  r->arena = a;
  r->conn = conn;
  r->app = s->app;
  r->method = fz_arena_strndup(a, method, 16);
  r->path = fz_arena_strndup(a, url, 8192);
  fz_buf_init(&r->body, (size_t)s->app->cfg->body_limit);
  r->upload_fd = -1;
  clock_gettime(CLOCK_MONOTONIC, &r->start);
  set_request_id(s, r);
  return r;
}

static void req_free(fz_req *r) {
  if (!r) return;
  if (r->upload_fd >= 0) close(r->upload_fd);
  EVP_MD_CTX_free(r->upload_md);
  if (r->response) MHD_destroy_response(r->response);
  json_decref(r->json);
  fz_buf_free(&r->body);
  fz_arena_free(r->arena);
}

/* The folder for spooled uploads: TMPDIR, else /var/tmp (on disk, where
 * /tmp may be memory). */
static const char *spool_dir(void) {
  const char *t = getenv("TMPDIR");
  return t && *t ? t : "/var/tmp";
}

/* Starts spooling the body of an upload route to an unlinked file. */
static int upload_start(fz_req *r) {
  char path[512];
  snprintf(path, sizeof path, "%s/fazhi-upload-XXXXXX", spool_dir());
  r->upload_fd = mkstemp(path);
  if (r->upload_fd < 0) return -1;
  unlink(path);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  r->upload_md = md;
  return md && EVP_DigestInit_ex(md, EVP_sm3(), NULL) ? 0 : -1;
}

static int upload_append(fz_req *r, const char *data, size_t n) {
  if (r->upload_size + n > (unsigned long long)r->app->cfg->upload_limit) {
    r->body_too_big = 1;
    return 0;
  }
  r->upload_size += n;
  if (!EVP_DigestUpdate(r->upload_md, data, n)) return -1;
  while (n) {
    ssize_t w = write(r->upload_fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    data += w;
    n -= (size_t)w;
  }
  return 0;
}

static int upload_finish(fz_req *r) {
  unsigned char d[32];
  unsigned len = 0;
  if (!EVP_DigestFinal_ex(r->upload_md, d, &len) || len != 32 ||
      lseek(r->upload_fd, 0, SEEK_SET) != 0)
    return -1;
  for (int i = 0; i < 32; i++)
    snprintf(r->upload_sm3 + 2 * i, 3, "%02x", d[i]);
  return 0;
}

/* Is path under /api (where an unknown path stays a JSON 404)? */
static int is_api(const char *path) {
  return strncmp(path, "/api", 4) == 0 && (path[4] == '/' || path[4] == '\0');
}

/* Routes and runs the handler, leaving a response in r->response. */
static void dispatch(fz_req *r) {
  if (r->body_too_big) {
    long limit = r->upload_fd >= 0 ? r->app->cfg->upload_limit
                                   : r->app->cfg->body_limit;
    fz_reply_error(r, 413, FZ_TOOBIG, "", "the request body exceeds the "
                   "limit of %ld bytes", limit);
    return;
  }
  if (r->upload_fd >= 0 && upload_finish(r)) {
    fz_reply_error(r, 500, FZ_IO, "", "cannot store the uploaded file");
    return;
  }
  if (r->body.err) {
    fz_reply_error(r, 500, r->body.err, "", "cannot hold the request body");
    return;
  }
  int known;
  char allow[128];
  r->route = fz_route_match(r->method, r->path, r->arena, &r->params, &known,
                            allow, sizeof allow);
  if (!r->route) {
    if (known) {
      fz_reply_error(r, 405, FZ_UNSUPPORTED, "", "%s is not allowed on %s; "
                     "allowed: %s", r->method, r->path, allow);
      if (r->response) MHD_add_response_header(r->response, MHD_HTTP_HEADER_ALLOW, allow);
    } else if (!is_api(r->path) && (strcmp(r->method, "GET") == 0 ||
                                    strcmp(r->method, "HEAD") == 0)) {
      /* The console and the portal: web/dist, or its single page. */
      fz_static_serve(r, r->app->cfg->web);
    } else {
      fz_reply_error(r, 404, FZ_NOTFOUND, "", "no endpoint %s",
                     is_api(r->path) ? r->path : "here");
    }
    return;
  }
  r->route->handler(r);
  fz_req_db_release(r);
  if (!r->response)
    fz_reply_error(r, 500, FZ_INTERNAL, "", "the handler gave no answer");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  fz_server *s = cls;
  fz_req *r = *con_cls;
  if (!r) {
    r = req_new(s, conn, url, method);
    if (!r) return MHD_NO;
    *con_cls = r;
    atomic_fetch_add(&s->active, 1);
    /* An upload route's body goes to a file, not to memory. */
    int known;
    char allow[128];
    fz_params params;
    const fz_route *route = fz_route_match(r->method, r->path, r->arena,
                                           &params, &known, allow,
                                           sizeof allow);
    int spooled = route && (route->flags & FZ_ROUTE_UPLOAD);
    if (spooled && upload_start(r)) {
      fz_reply_error(r, 503, FZ_IO, "", "cannot spool the upload");
      return MHD_queue_response(conn, (unsigned)r->status, r->response);
    }
    long limit = spooled ? s->app->cfg->upload_limit : s->app->cfg->body_limit;
    /* A declared length over the limit is refused before reading the body. */
    const char *cl = fz_req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
      char *end;
      errno = 0;
      unsigned long long n = strtoull(cl, &end, 10);
      if (errno || *end || n > (unsigned long long)limit) {
        r->body_too_big = 1;
        dispatch(r);
        return MHD_queue_response(conn, (unsigned)r->status, r->response);
      }
    }
    return MHD_YES;
  }
  if (*upload_size) {
    if (r->upload_fd >= 0) {
      if (!r->body_too_big && upload_append(r, upload, *upload_size)) {
        *upload_size = 0;
        return MHD_NO; /* the disk failed: drop the connection */
      }
    } else if (!r->body_too_big &&
               fz_buf_append(&r->body, upload, *upload_size) == FZ_TOOBIG) {
      r->body_too_big = 1;
    }
    *upload_size = 0;
    return MHD_YES;
  }
  if (r->response) return MHD_YES; /* already answered (413 up front) */
  dispatch(r);
  return MHD_queue_response(conn, (unsigned)r->status, r->response);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  fz_server *s = cls;
  fz_req *r = *con_cls;
  if (!r) return;
  char path[256];
  const char *shown = r->route ? r->route->pattern : fz_log_value(r->path, path, sizeof path);
  fz_log(r->status >= 500 ? FZ_LOG_WARN : FZ_LOG_INFO, "http.request",
         "req=%s method=%s path=%s status=%d ms=%.3f%s", r->id, r->method,
         shown, r->status, ms_since(&r->start),
         toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
  fz_req_db_release(r);
  req_free(r);
  *con_cls = NULL;
  atomic_fetch_sub(&s->active, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) {
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
  char v[600];
  fz_log(FZ_LOG_WARN, "http.mhd", "msg=%s", fz_log_value(msg, v, sizeof v));
}

/* Parses "A.B.C.D:PORT" or "[v6]:PORT" into addr. */
static fz_err parse_listen(const char *s, struct sockaddr_storage *addr,
                           int *v6, fz_error *err) {
  char host[64];
  const char *colon = strrchr(s, ':');
  if (!colon || colon == s)
    return fz_error_set(err, FZ_INVALID, "listen", "listen must be ADDR:PORT "
                        "(e.g. 127.0.0.1:8080 or [::1]:8080), not \"%s\"", s);
  size_t hlen = (size_t)(colon - s);
  if (s[0] == '[' && hlen >= 2 && s[hlen - 1] == ']') {
    s++;
    hlen -= 2;
  }
  if (hlen >= sizeof host)
    return fz_error_set(err, FZ_INVALID, "listen", "listen address too long");
  memcpy(host, s, hlen);
  host[hlen] = '\0';
  char *end;
  errno = 0;
  long port = strtol(colon + 1, &end, 10);
  if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
    return fz_error_set(err, FZ_INVALID, "listen", "port must be 0 to 65535, "
                        "not \"%s\"", colon + 1);
  memset(addr, 0, sizeof *addr);
  struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *v6 = 0;
  } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    *v6 = 1;
  } else {
    return fz_error_set(err, FZ_INVALID, "listen", "\"%s\" is not an IPv4 or "
                        "IPv6 address", host);
  }
  return FZ_OK;
}

fz_err fz_server_start(const fz_app *app, fz_server **out, fz_error *err) {
  const fz_config *cfg = app->cfg;
  *out = NULL;
  struct sockaddr_storage addr;
  int v6 = 0;
  fz_err rc = parse_listen(cfg->listen, &addr, &v6, err);
  if (rc) return rc;
  fz_server *s = calloc(1, sizeof *s);
  if (!s) return fz_error_set(err, FZ_NOMEM, "", NULL);
  s->app = app;
  s->threads = fz_config_threads(cfg);
  FILE *ur = fopen("/dev/urandom", "rb");
  if (!ur || fread(&s->prefix, sizeof s->prefix, 1, ur) != 1)
    s->prefix = (unsigned)getpid();
  if (ur) fclose(ur);

  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                   MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
  if (v6) flags |= MHD_USE_IPv6;
  s->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, s,
      MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->threads,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->read_timeout,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
      MHD_OPTION_END);
  if (!s->daemon) {
    free(s);
    return fz_error_set(err, FZ_IO, "listen", "cannot listen on %s (address "
                        "in use, or not allowed)", cfg->listen);
  }
  *out = s;
  return FZ_OK;
}

int fz_server_threads(const fz_server *s) { return s->threads; }

void fz_server_stop(fz_server *s) {
  if (!s) return;
  MHD_socket fd = MHD_quiesce_daemon(s->daemon);
  if (fd != MHD_INVALID_SOCKET) close(fd);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int waited = 0;
  while (atomic_load(&s->active) > 0 &&
         ms_since(&t0) < 1000.0 * s->app->cfg->shutdown_grace) {
    struct timespec nap = {0, 10 * 1000 * 1000};
    nanosleep(&nap, NULL);
    waited = 1;
  }
  int left = atomic_load(&s->active);
  fz_log(left ? FZ_LOG_WARN : FZ_LOG_INFO, "http.shutdown",
         "in_flight_left=%d waited_ms=%.0f", left, waited ? ms_since(&t0) : 0.0);
  MHD_stop_daemon(s->daemon);
  free(s);
}
