/* fuzz_case_archive.c — libFuzzer target for the offline check of a case
 * file (cases/archive.h): arbitrary bytes read as a zip archive with its
 * manifest, checkpoint, events and evidence.  Whatever the input, the check
 * must end with FZ_OK and a verdict (a reason when not ok), or FZ_PARSE,
 * FZ_TOOBIG or FZ_NOMEM — never crash, leak or run away. */
#include <stdint.h>
#include <stdlib.h>

#include "cases/archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_archive_report r;
  fz_error err;
  fz_err rc = fz_case_archive_verify(data, size, NULL, &r, &err);
  if (rc == FZ_OK) {
    if (!r.ok && !r.reason[0]) abort();
  } else if (rc != FZ_PARSE && rc != FZ_TOOBIG && rc != FZ_NOMEM) {
    abort();
  }
  return 0;
}
