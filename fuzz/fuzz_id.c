/* fuzz_id.c — libFuzzer target for src/id: arbitrary bytes as a code for
 * every validator and mask, and as a regions.tsv file for the parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "id/id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return 0;
  if (size) memcpy(s, data, size);
  s[size] = '\0';

  const fz_id_date today = {2025, 6, 15};
  fz_id_result r;
  fz_uscc_validate(s, &r);
  fz_resident_validate(s, today, &r);
  fz_id_check(s, today, &r);
  /* What a check returns must be well formed whatever it was fed. */
  if (memchr(r.code, '\0', sizeof r.code) == NULL ||
      memchr(r.err.message, '\0', sizeof r.err.message) == NULL ||
      memchr(r.region_name, '\0', sizeof r.region_name) == NULL ||
      r.valid != (r.err.code == FZ_OK))
    abort();
  if (r.valid && strlen(r.code) != FZ_ID_LEN) abort();
  fz_uscc_check_char(s);
  fz_orgcode_check_char(s);
  fz_resident_check_char(s);

  char out[64];
  for (size_t n = 0; n <= sizeof out; n += 16) {
    fz_mask_resident(s, out, n);
    fz_mask_name(s, out, n);
    fz_mask_phone(s, out, n);
  }

  fz_region_name(s);
  fz_region_parent(s);
  fz_region_full_name(s, out, sizeof out);

  /* The raw bytes, NULs included, as a region file. */
  fz_region_table *t = NULL;
  fz_error err;
  if (fz_region_parse((const char *)data, size, &t, &err) == FZ_OK &&
      fz_region_table_count(t) == 0)
    abort();
  fz_region_table_free(t);
  free(s);
  return 0;
}
