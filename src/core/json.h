/* json.h — strict JSON in and canonical JSON out, through jansson.
 *
 * Request bodies are parsed strictly (UTF-8, no duplicate keys, no NUL) and
 * checked against a field list: a missing required field, a field of the
 * wrong type and a field the endpoint does not know each get their own error
 * naming the field. */
#ifndef FZ_CORE_JSON_H
#define FZ_CORE_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"

typedef enum fz_json_type {
  FZ_JSON_STRING,
  FZ_JSON_INTEGER,
  FZ_JSON_NUMBER, /* integer or real */
  FZ_JSON_BOOL,
  FZ_JSON_OBJECT,
  FZ_JSON_ARRAY,
} fz_json_type;

typedef struct fz_json_field {
  const char *name;
  fz_json_type type;
  int required;
  size_t max_len; /* strings: most bytes allowed; 0 = no limit */
} fz_json_field;

/* Parses len bytes of JSON text.  On failure returns FZ_PARSE with the line,
 * column and jansson's reason in *err.  The caller owns *out (json_decref). */
fz_err fz_json_parse(const char *text, size_t len, json_t **out, fz_error *err);

/* Checks that v is an object holding only the listed fields, each of its
 * type, with every required one present.  Errors: FZ_TYPE (not an object,
 * or a field of the wrong type), FZ_MISSING, FZ_UNKNOWN, FZ_INVALID (string
 * too long); the field is named in err->field. */
fz_err fz_json_check(const json_t *v, const fz_json_field *fields, size_t n,
                     fz_error *err);

/* The name of a JSON type as a user reads it ("string", "integer", …). */
const char *fz_json_type_name(fz_json_type t);

/* Canonical text of v: keys sorted, no insignificant whitespace, UTF-8 as
 * is.  Returns a malloc'd string the caller frees, or NULL when out of
 * memory. */
char *fz_json_canonical(const json_t *v);

/* A JSON string of s, or null for NULL or "" (a new reference). */
json_t *fz_json_text_or_null(const char *s);

#endif
