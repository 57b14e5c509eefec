/* static.h — the built web front end (web/dist: the console and the public
 * portal) served by `fazhi serve` for every GET that is not an API path:
 * the file when it exists, else index.html, so that the single-page app's
 * own routes (/console/plans/3, /draws/1) load on a reload.  Hashed assets
 * (assets/…) are cached for a year, everything else revalidated; paths
 * that would leave the web root — "..", dot files, encoded separators,
 * symbolic links pointing outside — are refused. */
#ifndef FZ_HTTP_STATIC_H
#define FZ_HTTP_STATIC_H

#include <stddef.h>

#include "core/error.h"
#include "http/http.h"

#define FZ_STATIC_PATH_MAX 1024 /* bytes of a normalised relative path */

/* Resolves the web root to serve: the setting (config "web", flag --web)
 * when it is not empty, which must then be a folder with an index.html;
 * else web/dist under the working folder when it has one, else none.
 * Writes the absolute, symlink-free folder into out (size bytes), or ""
 * for none.  FZ_NOTFOUND (field "web") when a folder was named but holds
 * no index.html; FZ_TOOBIG when the path does not fit. */
fz_err fz_static_root(const char *setting, char *out, size_t size,
                      fz_error *err);

/* Turns the path of a request (already percent-decoded by the server,
 * without its query) into a path relative to the web root: "/" → "",
 * "/assets/app-1a2b.js" → "assets/app-1a2b.js"; repeated slashes collapse
 * and a trailing one is dropped.  Refuses (FZ_INVALID, field "path") a
 * path that does not start with "/", any segment that starts with "."
 * (".", "..", dot files), and backslashes, "%" (a second encoding),
 * control characters and NUL bytes; FZ_TOOBIG when the result would not
 * fit in size bytes.  out is "" after an error. */
fz_err fz_static_path(const char *path, size_t len, char *out, size_t size,
                      fz_error *err);

/* The Content-Type for a file name, by its extension (case-insensitive);
 * "application/octet-stream" when unknown.  Never NULL. */
const char *fz_static_type(const char *name);

/* 1 when a normalised relative path is a content-hashed build asset (under
 * assets/), which never changes under its name and may be cached for a
 * year; else 0. */
int fz_static_immutable(const char *rel);

/* Answers a GET or HEAD of a path outside /api/ from root (as made by
 * fz_static_root; "" answers a short note that the web front end is not
 * built).  Replies exactly once. */
void fz_static_serve(fz_req *r, const char *root);

#endif
