/* http.h — what a domain's HTTP handlers (src/<domain>/api.c) see of a
 * request, and how they answer.  Handlers parse, validate and authorise,
 * call the domain, and reply exactly once; a handler that does not reply
 * produces a 500. */
#ifndef FZ_HTTP_H
#define FZ_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/error.h"
#include "core/json.h"
#include "store/db.h"
#include "store/writer.h"

typedef struct fz_signer fz_signer;

/* What every request shares: the settings, the pool of read connections,
 * the one write path, and the ledger's signing key (NULL when this server
 * has none: checkpoints are then only read, never made). */
typedef struct fz_app {
  const fz_config *cfg;
  fz_pool *pool;
  fz_writer *writer;
  const fz_signer *signer;
} fz_app;

typedef struct fz_req fz_req;
typedef void (*fz_handler)(fz_req *req);

/* One endpoint: method, path pattern with {name} segments, the handler, and
 * a summary.  Every route must be described in docs/openapi.json; a unit
 * test checks that. */
typedef struct fz_route {
  const char *method;
  const char *pattern;
  fz_handler handler;
  unsigned flags; /* FZ_ROUTE_UPLOAD */
} fz_route;

/* The body of an upload route is not held in memory: it streams to a
 * temporary file (up to the upload_limit setting) and is hashed with SM3
 * as it arrives; the handler reads it with fz_req_upload. */
#define FZ_ROUTE_UPLOAD 1u

/* The routing table (src/http/routes.c); *n receives its length. */
const fz_route *fz_routes(size_t *n);

/* Request accessors.  Strings live as long as the request. */
const char *fz_req_method(const fz_req *r);
const char *fz_req_path(const fz_req *r);
const char *fz_req_param(const fz_req *r, const char *name); /* {name} */
const char *fz_req_query(const fz_req *r, const char *name); /* ?name= */
const char *fz_req_header(const fz_req *r, const char *name);
const char *fz_req_cookie(const fz_req *r, const char *name);
const char *fz_req_id(const fz_req *r);
fz_arena *fz_req_arena(fz_req *r);
const fz_config *fz_req_config(const fz_req *r);
const fz_app *fz_req_app(const fz_req *r);

/* Runs a change through the app's writer (group commit; see writer.h).
 * The request's connection goes back to the pool while the change waits
 * for its commit, so that waiting requests hold no connection; a read
 * after it takes a fresh one, which sees the change. */
fz_err fz_req_write(fz_req *r, fz_write_fn fn, void *ctx, fz_error *err);

/* A database connection for this request, taken from the pool on first use
 * and given back when the handler returns (or writes).  Never NULL. */
fz_db *fz_req_db(fz_req *r);

/* The same connection for a handler that only reads: on SQLite its reads
 * until the handler returns share one read transaction (one snapshot, and
 * one round of locks instead of one per statement).  Only for handlers
 * that neither write on it nor read after fz_req_write (the snapshot would
 * not show the write).  Never NULL. */
fz_db *fz_req_db_read(fz_req *r);

/* Ends the read transaction of fz_req_db_read, if any (the server does so
 * before it gives the connection back). */
void fz_req_db_read_end(fz_req *r);

/* Parses the body as a JSON object holding only the given fields.  Returns
 * the object (owned by the request; do not decref) or NULL after replying
 * with the right 4xx: 400 malformed JSON or wrong type, 415 not JSON,
 * 422 missing field, 400 unknown field.  fields NULL: any object, whose
 * members the handler checks itself. */
json_t *fz_req_json_body(fz_req *r, const fz_json_field *fields, size_t n);

/* Replies with a JSON body (stolen: the reply takes the reference). */
void fz_reply_json(fz_req *r, int status, json_t *body);

/* Replies with JSON text already written to body, whose memory the reply
 * takes (body is left empty); a buffer with an error replies 500. */
void fz_reply_json_text(fz_req *r, int status, fz_buf *body);

/* Replies {"error":{"code","message","field"}} with the given status. */
void fz_reply_error(fz_req *r, int status, fz_err code, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Replies with an fz_error, choosing the status from its code (see
 * fz_http_status). */
void fz_reply_fz_error(fz_req *r, const fz_error *e);

/* Adds a header (e.g. Set-Cookie, which may repeat) to the reply already
 * queued; both strings are copied.  Call it after the reply.  FZ_INVALID
 * when nothing is queued yet, FZ_NOMEM when it cannot be added. */
fz_err fz_reply_header(fz_req *r, const char *name, const char *value);

/* The uploaded body of an upload route: an open, unlinked temporary file
 * positioned at its start (the request keeps it and closes it), its size
 * and its SM3 in hex.  FZ_NODATA for a route that is not an upload. */
fz_err fz_req_upload(fz_req *r, int *fd, unsigned long long *size,
                     const char **sm3_hex);

/* Replies with the contents of an open file (size bytes from its start),
 * which the reply takes over and closes; filename (may be NULL) names the
 * download in Content-Disposition. */
void fz_reply_file(fz_req *r, int status, const char *content_type, int fd,
                   unsigned long long size, const char *filename);

/* Replies with a copy of len bytes; filename as for fz_reply_file.  The
 * file name is sent RFC 5987-encoded by both. */
void fz_reply_bytes(fz_req *r, int status, const char *content_type,
                    const void *data, size_t len, const char *filename);
/* Replies with raw bytes that outlive the request (embedded files). */
void fz_reply_static(fz_req *r, int status, const char *content_type,
                     const void *data, size_t len);

/* ---- Parameters every API reads (params.c) ----------------------------- */

/* The path parameter name as a record id (1 to 2^31 - 1, the range of
 * the INTEGER id columns) into *id; replies 400 naming it and returns 0
 * otherwise. */
int fz_req_id_param(fz_req *r, const char *name, int64_t *id);

/* The optional query parameter name as a record id into *id (0 when
 * absent); replies 400 naming it and returns 0 otherwise. */
int fz_req_query_id(fz_req *r, const char *name, int64_t *id);

/* The paging parameters of a list: cursor (the next_cursor of the page
 * before; absent for the first page) and limit (1 to 200, default 50).
 * Replies 400 naming the parameter and returns 0 otherwise. */
int fz_req_paging(fz_req *r, const char **cursor, int *limit);

/* Makes a temporary file for a reply built on disk (an export, an
 * archive) under $TMPDIR or /var/tmp, its name ending in suffix, into path;
 * returns its descriptor, or -1.  The caller unlinks path. */
int fz_req_temp_file(char *path, size_t size, const char *suffix);

/* Replies with a domain error; one that failed without saying why still
 * answers with its code's status, never 200. */
void fz_reply_domain_error(fz_req *r, fz_err rc, fz_error *e);

/* Replies 200 with out (stolen) when rc is FZ_OK, else with the error. */
void fz_reply_read(fz_req *r, fz_err rc, fz_error *e, json_t *out);

/* The HTTP status that fits an error code: 400 invalid/parse/type/unknown,
 * 401 unauthorized, 403 forbidden, 404 not found, 409 exists/conflict, 413 too large, 422 missing/no data,
 * 503 busy/database, 500 otherwise. */
int fz_http_status(fz_err code);

#endif
