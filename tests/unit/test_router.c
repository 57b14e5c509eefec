/* test_router.c — route matching, and that docs/openapi.json describes
 * every routed endpoint (and nothing that is not routed). */
#include <ctype.h>
#include <jansson.h>
#include <strings.h>

#include "core/embed.h"
#include "http/router.h"
#include "test.h"

static void matches_literals_and_params(void) {
  fz_arena *a = fz_arena_new();
  fz_params p;
  int known;
  char allow[64];
  const fz_route *r = fz_route_match("GET", "/api/v1/health", a, &p, &known,
                                     allow, sizeof allow);
  CHECK(r != NULL);
  if (r) CHECK_STR(r->pattern, "/api/v1/health");
  r = fz_route_match("GET", "/api/v1/regions/210102", a, &p, &known, allow,
                     sizeof allow);
  CHECK(r != NULL);
  if (r) CHECK_STR(r->pattern, "/api/v1/regions/{code}");
  CHECK_INT(p.n, 1);
  CHECK_STR(p.value[0], "210102");
  CHECK(fz_route_match("HEAD", "/api/v1/health", a, &p, &known, allow,
                       sizeof allow) != NULL);
  /* An empty parameter, an extra segment and a trailing slash do not match. */
  CHECK(fz_route_match("GET", "/api/v1/regions/", a, &p, &known, allow,
                       sizeof allow) == NULL);
  CHECK(fz_route_match("GET", "/api/v1/regions/1/2", a, &p, &known, allow,
                       sizeof allow) == NULL);
  CHECK(fz_route_match("GET", "/api/v1/health/", a, &p, &known, allow,
                       sizeof allow) == NULL);
  CHECK_INT(known, 0);
  CHECK(fz_route_match("POST", "/api/v1/health", a, &p, &known, allow,
                       sizeof allow) == NULL);
  CHECK_INT(known, 1);
  CHECK_STR(allow, "GET");
  fz_arena_free(a);
}

static void openapi_describes_every_route(void) {
  const fz_embed *doc = fz_embed_find("docs/openapi.json");
  CHECK(doc != NULL);
  if (!doc) return;
  json_error_t je;
  json_t *api = json_loadb((const char *)doc->data, doc->len, 0, &je);
  CHECK(api != NULL);
  json_t *paths = json_object_get(api, "paths");
  size_t n;
  const fz_route *routes = fz_routes(&n);
  CHECK(n > 0);
  for (size_t i = 0; i < n; i++) {
    char method[16];
    size_t j = 0;
    for (; routes[i].method[j] && j < sizeof method - 1; j++)
      method[j] = (char)tolower((unsigned char)routes[i].method[j]);
    method[j] = '\0';
    json_t *op = json_object_get(json_object_get(paths, routes[i].pattern), method);
    if (!op) fprintf(stderr, "  not in openapi.json: %s %s\n", routes[i].method,
                     routes[i].pattern);
    CHECK(op != NULL);
  }
  /* And the document promises nothing the server does not route. */
  const char *path;
  json_t *item;
  json_object_foreach(paths, path, item) {
    const char *m;
    json_t *op;
    json_object_foreach(item, m, op) {
      int found = 0;
      for (size_t i = 0; i < n; i++)
        if (strcmp(routes[i].pattern, path) == 0 &&
            strcasecmp(routes[i].method, m) == 0)
          found = 1;
      if (!found) fprintf(stderr, "  documented but not routed: %s %s\n", m, path);
      CHECK(found);
    }
  }
  json_decref(api);
}

int main(void) {
  RUN(matches_literals_and_params);
  RUN(openapi_describes_every_route);
  return TEST_END();
}
