/* fuzz_config.c — the configuration file parser. */
#include <stdint.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_config c;
  fz_error e;
  fz_config_defaults(&c);
  fz_config_parse(&c, (const char *)data, size, "fuzz.conf", &e);
  return 0;
}
