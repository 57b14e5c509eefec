/* server.h — the HTTP server: libmicrohttpd with an epoll thread pool,
 * request limits, request ids, and graceful shutdown. */
#ifndef FZ_HTTP_SERVER_H
#define FZ_HTTP_SERVER_H

#include "core/config.h"
#include "core/error.h"
#include "http/http.h"

typedef struct fz_server fz_server;

/* Starts serving the routes of fz_routes() on app->cfg->listen.  app and
 * what it points to must outlive the server.  The caller owns *out. */
fz_err fz_server_start(const fz_app *app, fz_server **out, fz_error *err);

/* Stops accepting connections, lets in-flight requests finish (up to
 * cfg->shutdown_grace seconds), then stops the threads and frees the server.
 * NULL is a no-op. */
void fz_server_stop(fz_server *s);

/* The worker thread count actually used. */
int fz_server_threads(const fz_server *s);

#endif
