/* embed.c — look-up in the generated table of embedded files. */
#include "core/embed.h"

#include <string.h>

const fz_embed *fz_embed_find(const char *name) {
  size_t n;
  const fz_embed *t = fz_embed_table(&n);
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(name, t[mid].name);
    if (c == 0) return &t[mid];
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}
