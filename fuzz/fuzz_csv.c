/* fuzz_csv.c — libFuzzer target for src/registry/csv: arbitrary bytes read
 * whole from memory and a few bytes at a time must give the same records and
 * the same error, and every record must be well formed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "registry/csv.h"

/* A source handing out at most step bytes per read. */
typedef struct drip {
  const uint8_t *p;
  size_t left, step;
} drip;

static size_t read_drip(void *ctx, char *buf, size_t size) {
  drip *d = ctx;
  size_t k = d->left < d->step ? d->left : d->step;
  if (k > size) k = size;
  if (k) memcpy(buf, d->p, k);
  d->p += k;
  d->left -= k;
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

/* Opens a reader on data (from memory when step is 0), reads every record
 * into t (in binary: printf would be most of the time) and checks what the
 * header promises. */
static void run(const uint8_t *data, size_t size, size_t step,
                size_t max_field, size_t max_fields, fz_buf *t) {
  fz_csv *c = NULL;
  fz_error err;
  drip d = {data, size, step};
  fz_err rc = step ? fz_csv_open(&c, read_drip, &d, &err)
                   : fz_csv_open_mem(&c, data, size, &err);
  if (rc) {
    if (c || rc == FZ_NODATA || err.code != rc) abort();
    fz_buf_printf(t, "open %d %s", (int)rc, err.message);
    return;
  }
  fz_csv_set_limits(c, max_field, max_fields);
  fz_buf_printf(t, "%s\n", fz_csv_encoding(c));
  const fz_csv_field *f;
  size_t n;
  long line = 0;
  while ((rc = fz_csv_next(c, &f, &n, &err)) == FZ_OK) {
    if (!f || n == 0 || n > max_fields || fz_csv_line(c) <= line) abort();
    line = fz_csv_line(c);
    fz_buf_append(t, &line, sizeof line);
    fz_buf_append(t, &n, sizeof n);
    for (size_t i = 0; i < n; i++) {
      if (f[i].len > max_field || f[i].s[f[i].len] != '\0' ||
          memchr(f[i].s, '\0', f[i].len) ||
          !utf8_ok((const unsigned char *)f[i].s, f[i].len))
        abort();
      fz_buf_append(t, &f[i].len, sizeof f[i].len);
      fz_buf_append(t, f[i].s, f[i].len);
    }
  }
  if (f || n || err.code != rc || fz_csv_line(c) < line) abort();
  if (rc == FZ_NODATA && fz_csv_bytes_read(c) != size) abort();
  if (fz_csv_bytes_read(c) > size) abort();
  fz_buf_printf(t, "\nend %d %ld %s", (int)rc, fz_csv_line(c), err.message);
  /* The end and errors stick. */
  fz_error again;
  if (fz_csv_next(c, &f, &n, &again) != rc ||
      strcmp(again.message, err.message) != 0)
    abort();
  fz_csv_free(c);
}

/* Runs data two ways with the same limits; aborts if they disagree. */
static void compare(const uint8_t *data, size_t size, size_t step,
                    size_t max_field, size_t max_fields) {
  fz_buf a, b;
  fz_buf_init(&a, 0);
  fz_buf_init(&b, 0);
  run(data, size, 0, max_field, max_fields, &a);
  run(data, size, step, max_field, max_fields, &b);
  if (a.err || b.err) abort(); /* out of memory in the fuzzer itself */
  if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) abort();
  fz_buf_free(&a);
  fz_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* One byte at a time cuts every multibyte character and every CRLF. */
  compare(data, size, 1, FZ_CSV_MAX_FIELD_DEFAULT, FZ_CSV_MAX_FIELDS_DEFAULT);
  compare(data, size, 3, 7, 4);

  /* After 64 KiB of ASCII the input is taken for UTF-8 and checked as it
   * streams, past the window where the encoding was decided. */
  enum { PAD = 64 * 1024 };
  uint8_t *p = malloc(PAD + size);
  if (!p) return 0;
  memset(p, 'x', PAD); /* long lines: few records, so the pad is cheap */
  for (size_t i = 0; i < PAD; i += 1024) p[i + 500] = ',', p[i + 1023] = '\n';
  if (size) memcpy(p + PAD, data, size);
  compare(p, PAD + size, 4093, FZ_CSV_MAX_FIELD_DEFAULT, 4);
  free(p);
  return 0;
}
