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

fz_err fz_error_set(fz_error *e, fz_err code, const char *field,
                    const char *fmt, ...) {
  if (!e) return code;
  e->code = code;
  snprintf(e->field, sizeof e->field, "%s", field ? field : "");
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
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
