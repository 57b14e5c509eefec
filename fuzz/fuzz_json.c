/* fuzz_json.c — request bodies: strict JSON parsing, the field check that
 * every endpoint runs, and canonical output of what parsed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

static const fz_json_field fields[] = {
    {"code", FZ_JSON_STRING, 1, 64},   {"kind", FZ_JSON_STRING, 0, 16},
    {"n", FZ_JSON_INTEGER, 0, 0},      {"ratio", FZ_JSON_NUMBER, 0, 0},
    {"ok", FZ_JSON_BOOL, 0, 0},        {"items", FZ_JSON_ARRAY, 0, 0},
    {"filter", FZ_JSON_OBJECT, 0, 0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *v;
  fz_error e;
  if (fz_json_parse((const char *)data, size, &v, &e)) return 0;
  fz_json_check(v, fields, sizeof fields / sizeof fields[0], &e);
  char *s = fz_json_canonical(v);
  if (s) {
    /* Canonical text must parse back to an equal value. */
    json_t *back;
    if (fz_json_parse(s, strlen(s), &back, &e) == FZ_OK) {
      if (!json_equal(v, back)) abort();
      json_decref(back);
    }
    free(s);
  }
  json_decref(v);
  return 0;
}
