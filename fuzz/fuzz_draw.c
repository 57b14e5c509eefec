/* fuzz_draw.c — libFuzzer target for the draw record's verifier
 * (inspect/draw.h): arbitrary bytes parsed as `fazhi draw verify` parses a
 * record, then fz_draw_verify with no linked pools.  Whatever the input,
 * the verifier must answer FZ_OK, FZ_INVALID naming the place (the message
 * starts with the field), or FZ_NOMEM — never crash, leak or run away. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/draw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_error_t je;
  json_t *record = json_loadb((const char *)data, size,
                              JSON_REJECT_DUPLICATES, &je);
  if (!record) return 0;
  fz_error err;
  fz_err rc = fz_draw_verify(record, NULL, NULL, &err);
  if (rc == FZ_INVALID) {
    size_t n = strlen(err.field);
    if (!n || strncmp(err.message, err.field, n) != 0) abort();
  } else if (rc != FZ_OK && rc != FZ_NOMEM) {
    abort();
  }
  json_decref(record);
  return 0;
}
