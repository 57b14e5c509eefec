/* fuzz_static_path.c — libFuzzer target for the web front end's request
 * path normaliser (src/http/static.c): whatever the bytes, an accepted
 * path stays inside the web root (no "." or ".." segment, no leading or
 * doubled slash, no backslash, "%" or control byte) and fits its buffer;
 * a refused one leaves the output empty. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/static.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char out[FZ_STATIC_PATH_MAX];
  fz_error e;
  /* Several output sizes, so that the bounds are exercised too. */
  static const size_t sizes[] = {1, 2, 17, 64, sizeof out};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    size_t n = sizes[k];
    memset(out, 'X', sizeof out);
    fz_err rc = fz_static_path((const char *)data, size, out, n, &e);
    if (memchr(out, '\0', n) == NULL) abort();
    if (rc) {
      if (out[0] != '\0') abort();
      continue;
    }
    size_t len = strlen(out);
    if (len >= n) abort();
    if (len && (out[0] == '/' || out[len - 1] == '/')) abort();
    if (strstr(out, "//")) abort();
    for (size_t i = 0; i < len; i++) {
      unsigned char c = (unsigned char)out[i];
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '%') abort();
      if (c == '.' && (i == 0 || out[i - 1] == '/')) abort();
    }
    /* Normalising again changes nothing. */
    char again[FZ_STATIC_PATH_MAX + 1], twice[FZ_STATIC_PATH_MAX + 2];
    again[0] = '/';
    memcpy(again + 1, out, len + 1);
    if (fz_static_path(again, len + 1, twice, sizeof twice, &e) ||
        strcmp(twice, out) != 0)
      abort();
  }
  fz_static_type((const char *)out);
  return 0;
}
