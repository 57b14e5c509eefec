/* buf.c — growable byte buffers with a maximum size and a sticky error. */
#include "core/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fz_buf_init(fz_buf *b, size_t max) {
  b->data = NULL;
  b->len = b->cap = 0;
  b->max = max ? max : SIZE_MAX / 2;
  b->err = FZ_OK;
}

/* Makes room for `extra` more bytes plus the NUL. */
static fz_err reserve(fz_buf *b, size_t extra) {
  if (b->err) return b->err;
  if (extra > b->max - b->len) return b->err = FZ_TOOBIG;
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return FZ_OK;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p) return b->err = FZ_NOMEM;
  b->data = p;
  b->cap = cap;
  return FZ_OK;
}

fz_err fz_buf_append(fz_buf *b, const void *p, size_t n) {
  if (reserve(b, n)) return b->err;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return FZ_OK;
}

fz_err fz_buf_puts(fz_buf *b, const char *s) {
  return fz_buf_append(b, s, strlen(s));
}

fz_err fz_buf_printf(fz_buf *b, const char *fmt, ...) {
  if (b->err) return b->err;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return b->err = FZ_INVALID;
  if (reserve(b, (size_t)n)) return b->err;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return FZ_OK;
}

void fz_buf_reset(fz_buf *b) {
  b->len = 0;
  b->err = FZ_OK;
  if (b->data) b->data[0] = '\0';
}

void fz_buf_free(fz_buf *b) {
  free(b->data);
  fz_buf_init(b, b->max);
}
