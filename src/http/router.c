/* router.c — patterns like /api/v1/regions/{code}: literal segments match
 * exactly, {name} segments match one non-empty segment. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

/* Matches one pattern; fills params when it does. */
static int match(const char *pat, const char *path, fz_arena *a,
                 fz_params *params) {
  params->n = 0;
  while (*pat && *path) {
    if (*pat == '{') {
      const char *close = strchr(pat, '}');
      const char *end = strchr(path, '/');
      size_t vlen = end ? (size_t)(end - path) : strlen(path);
      if (!close || vlen == 0 || params->n == FZ_MAX_PARAMS) return 0;
      if (a) {
        int i = params->n++;
        params->name[i] = pat + 1;
        params->name_len[i] = (size_t)(close - pat - 1);
        params->value[i] = fz_arena_strndup(a, path, vlen);
        if (!params->value[i]) return 0;
      }
      pat = close + 1;
      path += vlen;
      continue;
    }
    if (*pat != *path) return 0;
    pat++;
    path++;
  }
  return *pat == '\0' && *path == '\0';
}

const fz_route *fz_route_match(const char *method, const char *path,
                               fz_arena *a, fz_params *params,
                               int *path_known, char *allow, size_t size) {
  size_t n;
  const fz_route *routes = fz_routes(&n);
  const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
  *path_known = 0;
  if (size) allow[0] = '\0';
  size_t used = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(routes[i].method, m) == 0 && match(routes[i].pattern, path, a, params))
      return &routes[i];
  }
  for (size_t i = 0; i < n; i++) {
    fz_params scratch;
    if (match(routes[i].pattern, path, NULL, &scratch)) {
      *path_known = 1;
      int w = snprintf(allow + used, size - used, "%s%s", used ? ", " : "",
                       routes[i].method);
      if (w > 0 && (size_t)w < size - used) used += (size_t)w;
    }
  }
  return NULL;
}
