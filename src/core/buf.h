/* buf.h — growable byte buffers with a maximum size and a sticky error.
 *
 * After the first failure (out of memory, or growth past max) every append is
 * a no-op and the error stays in b->err, so a builder checks once at the end.
 * The contents are always NUL-terminated when data is non-NULL. */
#ifndef FZ_CORE_BUF_H
#define FZ_CORE_BUF_H

#include <stddef.h>

#include "core/error.h"

typedef struct fz_buf {
  char *data;  /* NULL until the first append */
  size_t len;  /* bytes used, not counting the terminating NUL */
  size_t cap;  /* bytes allocated */
  size_t max;  /* largest len allowed; 0 means SIZE_MAX / 2 */
  fz_err err;  /* FZ_OK, or the first failure (FZ_NOMEM, FZ_TOOBIG) */
} fz_buf;

/* Initialises an empty buffer that may grow to max bytes (0: no set limit). */
void fz_buf_init(fz_buf *b, size_t max);

/* Appends n bytes.  Returns b->err after the call. */
fz_err fz_buf_append(fz_buf *b, const void *p, size_t n);

/* Appends a NUL-terminated string. */
fz_err fz_buf_puts(fz_buf *b, const char *s);

/* Appends printf-style formatted text. */
fz_err fz_buf_printf(fz_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Empties the buffer (keeping its memory) and clears the error. */
void fz_buf_reset(fz_buf *b);

/* Frees the memory; the buffer is empty and reusable afterwards. */
void fz_buf_free(fz_buf *b);

#endif
