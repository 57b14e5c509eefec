/* region.c — 行政区划 codes and names (GB/T 2260): the strict parser of
 * regions.tsv, the built-in table loaded once, and look-ups by code. */
#include "id/id_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"

#define NAME_MAX_BYTES 96
#define EMBED_NAME "data/regions/regions.tsv"

typedef struct entry {
  int code;
  char code_s[7];
  const char *name; /* into the table's text */
} entry;

struct fz_region_table {
  char *text; /* a copy of the file, lines cut at tab and newline */
  entry *v;   /* sorted by code */
  size_t n;
};

/* ---- Parsing ------------------------------------------------------------ */

static fz_err bad_line(fz_error *err, size_t line, const char *why) {
  return fz_error_set(err, FZ_PARSE, "regions", "line %zu: %s", line, why);
}

/* Checks one record line p[0..len) and fills *e.  prev is the code of the
 * record before, or -1. */
static fz_err parse_record(char *p, size_t len, size_t line, int prev,
                           entry *e, fz_error *err) {
  if (len < 7 || p[6] != '\t')
    return bad_line(err, line, "expected a 6-digit code, a tab and a name");
  int code = 0;
  for (int i = 0; i < 6; i++) {
    if (p[i] < '0' || p[i] > '9')
      return bad_line(err, line, "the code must be 6 digits");
    code = code * 10 + (p[i] - '0');
  }
  if (code < 10000)
    return bad_line(err, line, "the code must not start with 00");
  if (code <= prev) {
    char why[96];
    snprintf(why, sizeof why,
             "code %06d is not after %06d (codes must be sorted, no "
             "duplicates)",
             code, prev);
    return bad_line(err, line, why);
  }
  const unsigned char *name = (const unsigned char *)p + 7;
  size_t nlen = len - 7;
  if (nlen == 0 || nlen > NAME_MAX_BYTES)
    return bad_line(err, line, "the name must be 1 to 96 bytes");
  for (size_t i = 0; i < nlen;) {
    if (name[i] < 0x20 || name[i] == 0x7f)
      return bad_line(err, line, "control character (tab, CR, NUL…) in name");
    size_t k = id_utf8_seq(name + i, nlen - i);
    if (!k) return bad_line(err, line, "the name is not UTF-8");
    i += k;
  }
  e->code = code;
  memcpy(e->code_s, p, 6);
  e->code_s[6] = '\0';
  p[len] = '\0';
  e->name = (const char *)name;
  return FZ_OK;
}

fz_err fz_region_parse(const char *data, size_t len, fz_region_table **out,
                       fz_error *err) {
  *out = NULL;
  if (!data) len = 0;
  size_t lines = 1;
  for (size_t i = 0; i < len; i++) lines += data[i] == '\n';

  fz_region_table *t = calloc(1, sizeof *t);
  if (!t) return fz_error_set(err, FZ_NOMEM, "regions", NULL);
  t->text = malloc(len + 1);
  t->v = calloc(lines, sizeof *t->v);
  if (!t->text || !t->v) {
    fz_region_table_free(t);
    return fz_error_set(err, FZ_NOMEM, "regions", NULL);
  }
  if (len) memcpy(t->text, data, len);
  t->text[len] = '\0';

  char *p = t->text, *end = t->text + len;
  for (size_t line = 1; p < end; line++) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    char *eol = nl ? nl : end;
    if (*p != '#') {
      int prev = t->n ? t->v[t->n - 1].code : -1;
      fz_err rc = parse_record(p, (size_t)(eol - p), line, prev, &t->v[t->n],
                               err);
      if (rc) {
        fz_region_table_free(t);
        return rc;
      }
      t->n++;
    }
    p = eol + 1;
  }
  if (t->n == 0) {
    fz_region_table_free(t);
    return fz_error_set(err, FZ_PARSE, "regions", "no regions in the file");
  }
  *out = t;
  return FZ_OK;
}

size_t fz_region_table_count(const fz_region_table *t) { return t ? t->n : 0; }

void fz_region_table_free(fz_region_table *t) {
  if (!t) return;
  free(t->text);
  free(t->v);
  free(t);
}

/* ---- Look-ups on a table ------------------------------------------------- */

static const entry *find(const fz_region_table *t, int code) {
  size_t lo = 0, hi = t->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->v[mid].code == code) return &t->v[mid];
    if (t->v[mid].code < code) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

/* The code of s if it is exactly 6 digits, else -1. */
static int code_of(const char *s) {
  if (!s) return -1;
  int c = 0;
  for (int i = 0; i < 6; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    c = c * 10 + (s[i] - '0');
  }
  return s[6] == '\0' ? c : -1;
}

/* GB/T 2260 codes are 2 digits of province, 2 of prefecture, 2 of county.
 * The parent is the nearest of XXYY00 and XX0000 that is in the table, so
 * that counties of a municipality (110101) and 省直辖县级行政区划 (419001) hang
 * directly under their province. */
static const entry *parent_of(const fz_region_table *t, int code) {
  const entry *e = NULL;
  if (code % 100) e = find(t, code - code % 100);
  if (!e && code % 10000) e = find(t, code - code % 10000);
  return e;
}

/* ---- The built-in table -------------------------------------------------- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static fz_region_table *builtin;
static fz_error builtin_err;

static void load_builtin(void) {
  const fz_embed *f = fz_embed_find(EMBED_NAME);
  if (!f) {
    fz_error_set(&builtin_err, FZ_NODATA, "regions", "%s is not embedded",
                 EMBED_NAME);
    return;
  }
  fz_error e;
  if (fz_region_parse((const char *)f->data, f->len, &builtin, &e))
    fz_error_set(&builtin_err, FZ_NODATA, "regions", "%s: %s", EMBED_NAME,
                 e.message);
}

static const fz_region_table *table(void) {
  pthread_once(&once, load_builtin);
  return builtin;
}

fz_err fz_region_load(fz_error *err) {
  if (table()) return FZ_OK;
  if (err) *err = builtin_err;
  return builtin_err.code;
}

const char *fz_region_name(const char *code6) {
  const fz_region_table *t = table();
  int c = code_of(code6);
  const entry *e = t && c >= 0 ? find(t, c) : NULL;
  return e ? e->name : NULL;
}

fz_err fz_region_full_name(const char *code6, char *buf, size_t size) {
  if (size) buf[0] = '\0';
  int c = code_of(code6);
  if (c < 0) return FZ_INVALID;
  const fz_region_table *t = table();
  const entry *chain[3];
  int n = 0;
  for (const entry *e = t ? find(t, c) : NULL; e && n < 3;
       e = parent_of(t, e->code))
    chain[n++] = e;
  if (n == 0) return FZ_NOTFOUND;

  size_t used = 0;
  const char *last = "";
  while (n-- > 0) {
    /* 620201 嘉峪关市 under 620200 嘉峪关市: say it once. */
    if (strcmp(chain[n]->name, last) == 0) continue;
    last = chain[n]->name;
    int k = snprintf(buf + used, size - used, "%s", last);
    if (k < 0 || (size_t)k >= size - used) {
      if (size) buf[0] = '\0';
      return FZ_TOOBIG;
    }
    used += (size_t)k;
  }
  return FZ_OK;
}

const char *fz_region_parent(const char *code6) {
  const fz_region_table *t = table();
  int c = code_of(code6);
  const entry *e = t && c >= 0 ? parent_of(t, c) : NULL;
  return e ? e->code_s : NULL;
}

fz_err fz_region_children(const char *prefix, fz_region_visit fn, void *ctx) {
  size_t plen = prefix ? strlen(prefix) : 0;
  if (plen != 0 && plen != 2 && plen != 4 && plen != 6) return FZ_INVALID;
  char code6[7] = "000000";
  if (plen) memcpy(code6, prefix, plen);
  int c = plen ? code_of(code6) : 0;
  if (c < 0 || (plen && c < 10000)) return FZ_INVALID;

  const fz_region_table *t = table();
  if (!t) return FZ_NODATA;
  const entry *parent = c ? find(t, c) : NULL;
  if (c && !parent) return FZ_NOTFOUND;

  /* Children share the parent's province; the provinces are everything. */
  for (size_t i = 0; i < t->n; i++) {
    const entry *e = &t->v[i];
    if (c && (e->code / 10000 != c / 10000 || e->code <= c)) continue;
    if (parent_of(t, e->code) == parent && fn(e->code_s, e->name, ctx)) break;
  }
  return FZ_OK;
}

void id_set_region(fz_id_result *r, const char *s) {
  char code6[7];
  memcpy(code6, s, 6);
  code6[6] = '\0';
  if (code_of(code6) < 0) return;
  memcpy(r->region_code, code6, sizeof code6);
  if (fz_region_full_name(code6, r->region_name, sizeof r->region_name) ==
      FZ_OK) {
    r->region_exact = 1;
    return;
  }
  const char *up = fz_region_parent(code6);
  if (up) fz_region_full_name(up, r->region_name, sizeof r->region_name);
}
