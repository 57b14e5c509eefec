/* reply.c — request accessors and the JSON and error replies. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "http/http_int.h"

const char *fz_req_method(const fz_req *r) { return r->method; }
const char *fz_req_path(const fz_req *r) { return r->path; }
const char *fz_req_id(const fz_req *r) { return r->id; }
fz_arena *fz_req_arena(fz_req *r) { return r->arena; }
const fz_config *fz_req_config(const fz_req *r) { return r->app->cfg; }
const fz_app *fz_req_app(const fz_req *r) { return r->app; }

fz_err fz_req_write(fz_req *r, fz_write_fn fn, void *ctx, fz_error *err) {
  fz_req_db_release(r);
  return fz_write(r->app->writer, fn, ctx, err);
}

const char *fz_req_param(const fz_req *r, const char *name) {
  size_t len = strlen(name);
  for (int i = 0; i < r->params.n; i++)
    if (r->params.name_len[i] == len &&
        memcmp(r->params.name[i], name, len) == 0)
      return r->params.value[i];
  return NULL;
}

const char *fz_req_query(const fz_req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *fz_req_header(const fz_req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *fz_req_cookie(const fz_req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

fz_db *fz_req_db(fz_req *r) {
  if (!r->db) r->db = fz_pool_get(r->app->pool);
  return r->db;
}

/* Runs one statement without parameters or rows, prepared once per
 * connection by the statement cache. */
static fz_err run_cached(fz_db *db, const char *sql) {
  fz_stmt *st;
  fz_error e;
  fz_err rc = fz_db_prepare(db, sql, &st, &e);
  if (rc) return rc;
  int r = fz_stmt_step(st, &e);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_db *fz_req_db_read(fz_req *r) {
  fz_db *db = fz_req_db(r);
  /* A deferred BEGIN takes no lock: the first read takes the snapshot.
   * PostgreSQL would pay a round trip for each of BEGIN and COMMIT. */
  if (!r->snapshot && fz_db_backend(db) == FZ_BACKEND_SQLITE &&
      !fz_db_in_transaction(db) && run_cached(db, "BEGIN") == FZ_OK)
    r->snapshot = 1;
  return db;
}

void fz_req_db_read_end(fz_req *r) {
  if (!r->snapshot) return;
  r->snapshot = 0;
  if (run_cached(r->db, "COMMIT")) fz_db_rollback(r->db);
}

void fz_req_db_release(fz_req *r) {
  if (!r->db) return;
  fz_req_db_read_end(r);
  fz_pool_put(r->app->pool, r->db);
  r->db = NULL;
}

int fz_http_status(fz_err code) {
  switch (code) {
  case FZ_OK: return 200;
  case FZ_INVALID: case FZ_PARSE: case FZ_TYPE: case FZ_UNKNOWN:
  case FZ_RANGE: return 400;
  case FZ_UNAUTHORIZED: return 401;
  case FZ_FORBIDDEN: return 403;
  case FZ_NOTFOUND: return 404;
  case FZ_EXISTS: case FZ_CONFLICT: return 409;
  case FZ_TOOBIG: return 413;
  case FZ_MISSING: case FZ_NODATA: return 422;
  case FZ_BUSY: case FZ_DB: return 503;
  case FZ_UNSUPPORTED: return 501;
  default: return 500;
  }
}

/* Queues a response once; later calls are ignored (first reply wins). */
static void queue(fz_req *r, int status, struct MHD_Response *resp,
                  const char *content_type) {
  if (!resp) {
    fz_log(FZ_LOG_ERROR, "http.reply", "req=%s msg=\"cannot create response\"", r->id);
    return;
  }
  if (r->response) {
    MHD_destroy_response(resp);
    return;
  }
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  MHD_add_response_header(resp, "X-Request-Id", r->id);
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  r->response = resp;
  r->status = status;
}

void fz_reply_json(fz_req *r, int status, json_t *body) {
  char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
  json_decref(body);
  if (!text) {
    static const char oom[] =
        "{\"error\":{\"code\":\"out_of_memory\",\"message\":\"out of memory\"}}";
    queue(r, 500, MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom,
                                                  MHD_RESPMEM_PERSISTENT),
          "application/json; charset=utf-8");
    return;
  }
  queue(r, status,
        MHD_create_response_from_buffer(strlen(text), text,
                                        MHD_RESPMEM_MUST_FREE),
        "application/json; charset=utf-8");
}

void fz_reply_json_text(fz_req *r, int status, fz_buf *body) {
  if (body->err || !body->data) {
    fz_buf_free(body);
    fz_reply_json(r, status, NULL); /* the out-of-memory answer */
    return;
  }
  size_t len = body->len;
  char *text = body->data;
  fz_buf_init(body, 0); /* the response owns the text now */
  queue(r, status,
        MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE),
        "application/json; charset=utf-8");
}

void fz_reply_error(fz_req *r, int status, fz_err code, const char *field,
                    const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  json_t *e = json_pack("{s:s, s:s}", "code", fz_err_name(code), "message", msg);
  if (e && field && *field) json_object_set_new(e, "field", json_string(field));
  fz_reply_json(r, status, e ? json_pack("{s:o}", "error", e) : NULL);
}

void fz_reply_fz_error(fz_req *r, const fz_error *e) {
  fz_reply_error(r, fz_http_status(e->code), e->code, e->field, "%s",
                 e->message[0] ? e->message : fz_err_message(e->code));
}

fz_err fz_reply_header(fz_req *r, const char *name, const char *value) {
  if (!r->response) return FZ_INVALID;
  return MHD_add_response_header(r->response, name, value) == MHD_YES
             ? FZ_OK : FZ_NOMEM;
}

fz_err fz_req_upload(fz_req *r, int *fd, unsigned long long *size,
                     const char **sm3_hex) {
  if (r->upload_fd < 0) return FZ_NODATA;
  *fd = r->upload_fd;
  *size = r->upload_size;
  *sm3_hex = r->upload_sm3;
  return FZ_OK;
}

/* 1 for the bytes RFC 5987 leaves unencoded (attr-char). */
static int attr_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         (c >= 'a' && c <= 'z') || (c && strchr("!#$&+-.^_`|~", c));
}

/* A file name as RFC 5987 wants it in Content-Disposition: every byte but
 * the attr-chars percent-encoded.  A name too long for the header is cut
 * before a whole UTF-8 character, never inside one. */
static void encode_name(const char *name, char *out, size_t size) {
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *p = (const unsigned char *)name;
  size_t n = 0;
  while (*p) {
    size_t len = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
    size_t need = 0, i;
    for (i = 0; i < len && p[i]; i++) need += attr_char(p[i]) ? 1 : 3;
    if (i < len || n + need >= size) break;
    for (i = 0; i < len; i++, p++) {
      if (attr_char(*p)) {
        out[n++] = (char)*p;
      } else {
        out[n++] = '%';
        out[n++] = hex[*p >> 4];
        out[n++] = hex[*p & 15];
      }
    }
  }
  out[n] = '\0';
}

/* Names the download of the reply just queued (when it is this one). */
static void disposition(fz_req *r, struct MHD_Response *resp,
                        const char *filename) {
  if (r->response != resp || !filename) return;
  char name[480], cd[512];
  encode_name(filename, name, sizeof name);
  snprintf(cd, sizeof cd, "attachment; filename*=UTF-8''%s", name);
  MHD_add_response_header(resp, "Content-Disposition", cd);
}

void fz_reply_file(fz_req *r, int status, const char *content_type, int fd,
                   unsigned long long size, const char *filename) {
  struct MHD_Response *resp = MHD_create_response_from_fd_at_offset64(size, fd, 0);
  queue(r, status, resp, content_type);
  disposition(r, resp, filename);
}

void fz_reply_bytes(fz_req *r, int status, const char *content_type,
                    const void *data, size_t len, const char *filename) {
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      len, (void *)data, MHD_RESPMEM_MUST_COPY);
  queue(r, status, resp, content_type);
  disposition(r, resp, filename);
}

void fz_reply_static(fz_req *r, int status, const char *content_type,
                     const void *data, size_t len) {
  queue(r, status,
        MHD_create_response_from_buffer(len, (void *)data,
                                        MHD_RESPMEM_PERSISTENT),
        content_type);
}

json_t *fz_req_json_body(fz_req *r, const fz_json_field *fields, size_t n) {
  const char *ct = fz_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
  if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
      (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
    fz_reply_error(r, 415, FZ_UNSUPPORTED, "Content-Type",
                   "the body must be sent as Content-Type: application/json, "
                   "not %s", ct ? ct : "(none)");
    return NULL;
  }
  if (r->body.len == 0) {
    fz_reply_error(r, 400, FZ_PARSE, "", "the request needs a JSON body");
    return NULL;
  }
  fz_error e;
  if (fz_json_parse(r->body.data, r->body.len, &r->json, &e) ||
      (fields ? fz_json_check(r->json, fields, n, &e)
              : !json_is_object(r->json)
                    ? fz_error_set(&e, FZ_TYPE, "", "the body must be a JSON "
                                                    "object")
                    : FZ_OK)) {
    fz_reply_fz_error(r, &e);
    return NULL;
  }
  return r->json;
}
