/* fuzz_csv.c — libFuzzer target for src/registry/csv: arbitrary bytes read
 * whole from memory and one byte at a time must give the same records and
 * the same error, alone and after 64 KiB of padding, and every record must
 * be well formed.
 *
 * The reader decides the encoding from the first 64 KiB, which it reads
 * whole however small the reads; only past them do one-byte reads cut
 * characters, CRLFs and "" in two.  So each input is also read after 64 KiB
 * of blank lines (UTF-8) or after a GB18030 line and blank lines, and must
 * give there what it gave alone, line numbers shifted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "registry/csv.h"

#define WINDOW 65536

/* A source that hands out its first `fast` bytes in big reads, then one
 * byte per read (the padding need not be dripped: it is read whole). */
typedef struct drip {
  const uint8_t *p;
  size_t left, fast;
} drip;

static size_t read_drip(void *ctx, char *buf, size_t size) {
  drip *d = ctx;
  size_t k = d->fast ? d->fast : 1;
  if (k > d->left) k = d->left;
  if (k > size) k = size;
  if (k) memcpy(buf, d->p, k);
  d->p += k;
  d->left -= k;
  d->fast -= d->fast < k ? d->fast : k;
  return k;
}

/* Is s[0, n) strict UTF-8?  Written apart from the reader's own check, so
 * that one does not vouch for itself. */
static int utf8_ok(const unsigned char *s, size_t n) {
  static const unsigned least[] = {0, 0x80, 0x800, 0x10000};
  for (size_t i = 0; i < n;) {
    unsigned b = s[i], cp, k; /* k: continuation bytes */
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b >= 0xC0 && b < 0xE0) {
      k = 1;
      cp = b & 0x1F;
    } else if (b >= 0xE0 && b < 0xF0) {
      k = 2;
      cp = b & 0x0F;
    } else if (b >= 0xF0 && b < 0xF8) {
      k = 3;
      cp = b & 0x07;
    } else {
      return 0;
    }
    if (i + k >= n) return 0;
    for (unsigned j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return 0;
      cp = cp << 6 | (s[i + j] & 0x3F);
    }
    if (cp < least[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    i += k + 1;
  }
  return 1;
}

typedef struct limits {
  size_t field, fields;
} limits;

/* Reads data (from memory, or dripped after `fast` bytes when drip is set)
 * and checks what the header promises.  Into whole goes everything,
 * messages included; into rel (if non-NULL) the records and the error code
 * with line numbers less base, records at or before base left out — in
 * binary, since printf would be most of the time.  Returns the open code. */
static fz_err run(const uint8_t *data, size_t size, int dripped, size_t fast,
                  limits lim, long base, fz_buf *whole, fz_buf *rel) {
  fz_csv *c = NULL;
  fz_error err;
  drip d = {data, size, fast};
  fz_err rc = dripped ? fz_csv_open(&c, read_drip, &d, &err)
                      : fz_csv_open_mem(&c, data, size, &err);
  if (rc) {
    if (c || rc == FZ_NODATA || err.code != rc) abort();
    fz_buf_printf(whole, "open %d %s", (int)rc, err.message);
    return rc;
  }
  fz_csv_set_limits(c, lim.field, lim.fields);
  fz_buf_puts(whole, fz_csv_encoding(c));
  const fz_csv_field *f;
  size_t n;
  long line = 0;
  while ((rc = fz_csv_next(c, &f, &n, &err)) == FZ_OK) {
    if (!f || n == 0 || n > lim.fields || fz_csv_line(c) <= line) abort();
    line = fz_csv_line(c);
    fz_buf_append(whole, &line, sizeof line);
    fz_buf_append(whole, &n, sizeof n);
    for (size_t i = 0; i < n; i++) {
      if (f[i].len > lim.field || f[i].s[f[i].len] != '\0' ||
          memchr(f[i].s, '\0', f[i].len) ||
          !utf8_ok((const unsigned char *)f[i].s, f[i].len))
        abort();
      fz_buf_append(whole, &f[i].len, sizeof f[i].len);
      fz_buf_append(whole, f[i].s, f[i].len);
    }
    if (rel && line > base) {
      long l = line - base;
      fz_buf_append(rel, &l, sizeof l);
      for (size_t i = 0; i < n; i++) {
        fz_buf_append(rel, &f[i].len, sizeof f[i].len);
        fz_buf_append(rel, f[i].s, f[i].len);
      }
    }
  }
  if (f || n || err.code != rc || fz_csv_line(c) < line) abort();
  if (rc == FZ_NODATA && fz_csv_bytes_read(c) != size) abort();
  if (fz_csv_bytes_read(c) > size) abort();
  fz_buf_printf(whole, "\nend %d %ld %s", (int)rc, fz_csv_line(c),
                err.message);
  if (rel) {
    long l = fz_csv_line(c) > base ? fz_csv_line(c) - base : 0;
    fz_buf_printf(rel, "\nend %d %ld", (int)rc, l);
  }
  /* The end and errors stick. */
  fz_error again;
  if (fz_csv_next(c, &f, &n, &again) != rc ||
      strcmp(again.message, err.message) != 0)
    abort();
  fz_csv_free(c);
  return FZ_OK;
}

static int same(const fz_buf *a, const fz_buf *b) {
  if (a->err || b->err) abort(); /* out of memory in the fuzzer itself */
  return a->len == b->len && (a->len == 0 || !memcmp(a->data, b->data, a->len));
}

/* Reads data from memory and dripped; they must agree.  Returns the open
 * code, the relative transcript in rel. */
static fz_err both(const uint8_t *data, size_t size, size_t fast, limits lim,
                   long base, fz_buf *rel) {
  fz_buf a, b;
  fz_buf_init(&a, 0);
  fz_buf_init(&b, 0);
  fz_err rc = run(data, size, 0, 0, lim, base, &a, rel);
  run(data, size, 1, fast, lim, base, &b, NULL);
  if (!same(&a, &b)) abort();
  fz_buf_free(&a);
  fz_buf_free(&b);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* Small limits from the first byte, so that they are met often. */
  limits lim = {FZ_CSV_MAX_FIELD_DEFAULT, FZ_CSV_MAX_FIELDS_DEFAULT};
  if (size && data[0] & 1) lim = (limits){7, 4};

  fz_buf alone, late;
  fz_buf_init(&alone, 0);
  fz_buf_init(&late, 0);
  if (both(data, size, 0, lim, 0, &alone) != FZ_OK) goto out;

  /* The encoding it was read in decides the padding.  A BOM would become
   * data after padding, so that case is left to the unit tests. */
  fz_csv *c = NULL;
  if (fz_csv_open_mem(&c, data, size, NULL) != FZ_OK) abort();
  const char *enc = fz_csv_encoding(c);
  int gb = strcmp(enc, "GB18030") == 0;
  int utf8 = strcmp(enc, "UTF-8") == 0;
  fz_csv_free(c);
  if (!gb && !utf8) goto out;

  static const char gb_line[] = "\xc9\xf2\n"; /* 沈, not UTF-8 */
  size_t head = gb ? sizeof gb_line - 1 : 0;
  uint8_t *p = malloc(head + WINDOW + size);
  if (!p) abort();
  memcpy(p, gb_line, head);
  memset(p + head, '\n', WINDOW);
  if (size) memcpy(p + head + WINDOW, data, size);
  both(p, head + WINDOW + size, head + WINDOW, lim, WINDOW + (gb ? 1 : 0),
       &late);
  free(p);
  if (!same(&alone, &late)) abort();

out:
  fz_buf_free(&alone);
  fz_buf_free(&late);
  return 0;
}
