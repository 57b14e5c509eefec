/* error.h — the one error enum of fazhi, with a name and a message for each
 * code, and fz_error: a code plus the field and the human reason. */
#ifndef FZ_CORE_ERROR_H
#define FZ_CORE_ERROR_H

#include <stddef.h>

/* X(NAME, "name", "default message").  0 is success. */
#define FZ_ERR_MAP(X)                                                         \
  X(OK, "ok", "success")                                                      \
  X(NOMEM, "out_of_memory", "out of memory")                                  \
  X(INVALID, "invalid_value", "invalid value")                                \
  X(RANGE, "out_of_range", "value out of range")                              \
  X(TOOBIG, "too_large", "data exceeds its size limit")                       \
  X(NOTFOUND, "not_found", "not found")                                       \
  X(EXISTS, "already_exists", "already exists")                               \
  X(PARSE, "parse_error", "malformed input")                                  \
  X(TYPE, "wrong_type", "value has the wrong type")                           \
  X(MISSING, "missing_field", "a required field is missing")                  \
  X(UNKNOWN, "unknown_field", "unknown field")                                \
  X(NODATA, "no_data", "required reference data is not loaded")               \
  X(CONFLICT, "conflict", "conflicts with the current state")                 \
  X(IO, "io_error", "input/output error")                                     \
  X(DB, "database_error", "database error")                                   \
  X(BUSY, "busy", "resource busy, try again")                                 \
  X(UNSUPPORTED, "unsupported", "not supported")                              \
  X(UNAUTHORIZED, "unauthorized", "sign in first")                            \
  X(FORBIDDEN, "forbidden", "not allowed for this account")                   \
  X(INTERNAL, "internal_error", "internal error")

typedef enum fz_err {
#define FZ_ERR_ENUM(n, s, m) FZ_##n,
  FZ_ERR_MAP(FZ_ERR_ENUM)
#undef FZ_ERR_ENUM
  FZ_ERR__COUNT
} fz_err;

/* A code with its details: which field, and why in words a user can act on.
 * Functions that can fail in more than one way fill one in when the caller
 * passes a non-NULL pointer. */
typedef struct fz_error {
  fz_err code;
  char field[64];
  char message[512];
} fz_error;

/* The stable snake_case name of a code ("invalid_value"); never NULL. */
const char *fz_err_name(fz_err code);

/* The default English message of a code; never NULL. */
const char *fz_err_message(fz_err code);

/* Fills *e (if e is non-NULL) with code, field (may be NULL) and a printf-style
 * message (NULL means the code's default message). Returns code, so that
 * `return fz_error_set(e, FZ_INVALID, "code", "…");` reads naturally. */
fz_err fz_error_set(fz_error *e, fz_err code, const char *field,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Names the field of an error already set, keeping its code and message.
 * NULL e is a no-op. */
void fz_error_set_field(fz_error *e, const char *field);

/* Clears *e to FZ_OK with empty field and message.  NULL is a no-op. */
void fz_error_clear(fz_error *e);

#endif
