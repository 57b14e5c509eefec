/* router.h — matching a method and path against the route table. */
#ifndef FZ_HTTP_ROUTER_H
#define FZ_HTTP_ROUTER_H

#include <stddef.h>

#include "http/http.h"

enum { FZ_MAX_PARAMS = 8 };

typedef struct fz_params {
  int n;
  const char *name[FZ_MAX_PARAMS];
  size_t name_len[FZ_MAX_PARAMS];
  char *value[FZ_MAX_PARAMS]; /* copies in the arena */
} fz_params;

/* Finds the route for method and path (HEAD matches GET routes).  Returns
 * it with its {params} filled, or NULL; then *path_known is 1 when the path
 * exists under another method (405) and allow (size bytes) lists those. */
const fz_route *fz_route_match(const char *method, const char *path,
                               fz_arena *a, fz_params *params,
                               int *path_known, char *allow, size_t size);

#endif
