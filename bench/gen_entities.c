/* gen_entities.c — writes N regulated entities of the 辽宁省 demo
 * (registry/demo.h) as a UTF-8 CSV file for `fazhi import entities`, the
 * rows bench/registry.sh imports.  Every code is a valid, unique
 * 统一社会信用代码 whose region digits are the entity's county.
 *
 *   gen_entities N [--seed S] [--out FILE] [--codes FILE --every K]
 *
 * --codes writes the code of every K-th entity (one a line) for the HTTP
 * look-up benchmark. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/demo.h"

static const char header[] =
    "uscc,name,kind,region_code,address,industry,legal_rep,credit_grade,"
    "credit_date,credit_source,risk_level,status,tags\n";

/* One CSV field: quoted when it holds a comma, a quote or a line break. */
static void field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static long long number(const char *s, const char *what) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (!*s || *end || errno || v < 0) {
    fprintf(stderr, "gen_entities: %s must be a whole number\n", what);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv) {
  long long n = -1, seed = 1, every = 100;
  const char *out = NULL, *codes = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--seed") == 0 && v) seed = number(argv[++i], "--seed");
    else if (strcmp(a, "--out") == 0 && v) out = argv[++i];
    else if (strcmp(a, "--codes") == 0 && v) codes = argv[++i];
    else if (strcmp(a, "--every") == 0 && v) every = number(argv[++i], a);
    else if (n < 0 && a[0] != '-') n = number(a, "N");
    else n = -2;
  }
  if (n < 0 || every < 1) {
    fprintf(stderr, "usage: gen_entities N [--seed S] [--out FILE] "
                    "[--codes FILE --every K]\n");
    return 2;
  }
  fz_demo_gen *g;
  fz_error e;
  if (fz_demo_gen_new((uint64_t)seed, n, NULL, &g, &e)) {
    fprintf(stderr, "gen_entities: %s\n", e.message);
    return 2;
  }
  FILE *f = out ? fopen(out, "w") : stdout;
  FILE *c = codes ? fopen(codes, "w") : NULL;
  if (!f || (codes && !c)) {
    fprintf(stderr, "gen_entities: cannot write %s\n", !f ? out : codes);
    return 2;
  }
  static char buf[1 << 20];
  setvbuf(f, buf, _IOFBF, sizeof buf);
  fputs(header, f);
  fz_demo_entity ent;
  for (long long i = 0; i < n; i++) {
    fz_demo_entity_make(g, 0, i, &ent);
    for (int j = 0; j < FZ_DEMO_ENTITY_FIELDS; j++) {
      if (j) fputc(',', f);
      field(f, ent.v[j]);
    }
    fputc('\n', f);
    if (c && i % every == 0) fprintf(c, "%s\n", ent.v[0]);
  }
  int bad = ferror(f) || (out && fclose(f) != 0) || (c && fclose(c) != 0);
  fz_demo_gen_free(g);
  if (bad) {
    fprintf(stderr, "gen_entities: write error\n");
    return 2;
  }
  return 0;
}
