/* error.c — names and messages of the error codes, and fz_error helpers. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {
#define FZ_ERR_NAME(n, s, m) s,
    FZ_ERR_MAP(FZ_ERR_NAME)
#undef FZ_ERR_NAME
};

static const char *const messages[] = {
#define FZ_ERR_MSG(n, s, m) m,
    FZ_ERR_MAP(FZ_ERR_MSG)
#undef FZ_ERR_MSG
};

const char *fz_err_name(fz_err code) {
  if ((unsigned)code >= FZ_ERR__COUNT) return "unknown_error";
  return names[code];
}

const char *fz_err_message(fz_err code) {
  if ((unsigned)code >= FZ_ERR__COUNT) return "unknown error";
  return messages[code];
}

/* Cuts a string that snprintf truncated back to its last whole UTF-8
 * character, so that a long message never ends inside one (which would
 * make the JSON of the error reply invalid). */
static void utf8_trim(char *s, int written, size_t size) {
  if (written < 0 || (size_t)written < size) return;
  size_t n = strlen(s);
  size_t i = n;
  while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
  if (i == 0) return;
  unsigned char lead = (unsigned char)s[i - 1];
  size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (n - (i - 1) < need) s[i - 1] = '\0';
}

fz_err fz_error_set(fz_error *e, fz_err code, const char *field,
                    const char *fmt, ...) {
  if (!e) return code;
  e->code = code;
  snprintf(e->field, sizeof e->field, "%s", field ? field : "");
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    utf8_trim(e->message, n, sizeof e->message);
  } else {
    snprintf(e->message, sizeof e->message, "%s", fz_err_message(code));
  }
  return code;
}

void fz_error_set_field(fz_error *e, const char *field) {
  if (e) snprintf(e->field, sizeof e->field, "%s", field ? field : "");
}

void fz_error_clear(fz_error *e) {
  if (!e) return;
  e->code = FZ_OK;
  e->field[0] = '\0';
  e->message[0] = '\0';
}
