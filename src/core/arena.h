/* arena.h — a region allocator for the life of one request: many small
 * allocations, one free at the end. */
#ifndef FZ_CORE_ARENA_H
#define FZ_CORE_ARENA_H

#include <stddef.h>

typedef struct fz_arena fz_arena;

/* A new empty arena, or NULL when out of memory. */
fz_arena *fz_arena_new(void);

/* size bytes aligned for any type, zeroed; NULL when out of memory.  The
 * memory lives until fz_arena_free. */
void *fz_arena_alloc(fz_arena *a, size_t size);

/* A copy of the first n bytes of s (n may exceed strlen: stops at NUL),
 * NUL-terminated; NULL when out of memory. */
char *fz_arena_strndup(fz_arena *a, const char *s, size_t n);

/* A formatted string in the arena; NULL when out of memory. */
char *fz_arena_printf(fz_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Frees every allocation and the arena.  NULL is a no-op. */
void fz_arena_free(fz_arena *a);

#endif
