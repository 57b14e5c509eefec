/* arena.c — a region allocator: a chain of blocks, freed together. */
#include "core/arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = 16 * 1024 };

typedef struct block {
  struct block *next;
  size_t used, size;
  alignas(max_align_t) unsigned char mem[];
} block;

struct fz_arena {
  block *head;
};

fz_arena *fz_arena_new(void) { return calloc(1, sizeof(fz_arena)); }

void *fz_arena_alloc(fz_arena *a, size_t size) {
  const size_t align = alignof(max_align_t);
  if (size > SIZE_MAX / 2) return NULL;
  size = (size + align - 1) & ~(align - 1);
  if (size == 0) size = align;
  block *b = a->head;
  if (!b || b->size - b->used < size) {
    size_t bsize = size > BLOCK ? size : BLOCK;
    b = malloc(sizeof(block) + bsize);
    if (!b) return NULL;
    b->used = 0;
    b->size = bsize;
    /* A large one-off allocation goes behind the current block so that the
     * current block's free space stays usable. */
    if (a->head && size > BLOCK) {
      b->next = a->head->next;
      a->head->next = b;
    } else {
      b->next = a->head;
      a->head = b;
    }
  }
  void *p = b->mem + b->used;
  b->used += size;
  memset(p, 0, size);
  return p;
}

char *fz_arena_strndup(fz_arena *a, const char *s, size_t n) {
  size_t len = strnlen(s, n);
  char *p = fz_arena_alloc(a, len + 1);
  if (!p) return NULL;
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *fz_arena_printf(fz_arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *p = fz_arena_alloc(a, (size_t)n + 1);
  if (!p) return NULL;
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void fz_arena_free(fz_arena *a) {
  if (!a) return;
  block *b = a->head;
  while (b) {
    block *next = b->next;
    free(b);
    b = next;
  }
  free(a);
}
