/* http_int.h — the request as the server and the reply helpers share it. */
#ifndef FZ_HTTP_INT_H
#define FZ_HTTP_INT_H

#include <microhttpd.h>
#include <time.h>

#include "core/buf.h"
#include "http/http.h"
#include "http/router.h"

struct fz_req {
  struct MHD_Connection *conn;
  const fz_app *app;
  fz_db *db;                /* taken lazily by fz_req_db */
  int snapshot;             /* db holds the read transaction of fz_req_db_read */
  fz_arena *arena;
  const char *method, *path;
  const fz_route *route;
  fz_params params;
  fz_buf body;
  int body_too_big;
  int upload_fd;            /* an upload route's spooled body, or -1 */
  unsigned long long upload_size;
  void *upload_md;          /* EVP_MD_CTX hashing it */
  char upload_sm3[65];
  json_t *json;             /* parsed body, freed with the request */
  struct MHD_Response *response;
  int status;
  char id[72];
  struct timespec start;
};

/* Ends the read transaction and gives the connection back to the pool. */
void fz_req_db_release(fz_req *r);

#endif
