/* token_cache.c — a connection's answers for the tokens it has found. */
#include "auth/token_cache.h"

#include <stdlib.h>
#include <string.h>

enum { ENTRIES = 16 }; /* tokens in use at once on one connection */

typedef struct entry {
  fz_found_kind kind; /* 0: empty */
  unsigned char hash[FZ_TOKEN_HASH_LEN];
  fz_found found;
} entry;

typedef struct cache {
  uint64_t version; /* of the database when the entries were found */
  int checked;      /* version was read by the last fz_found_get */
  unsigned next;    /* the entry to replace next */
  entry e[ENTRIES];
} cache;

/* The connection's cache, emptied when the database changed; NULL when
 * nothing can be kept. */
static cache *current(fz_db *db) {
  uint64_t v;
  if (!fz_db_data_version(db, &v)) return NULL;
  cache *c = fz_db_slot(db, FZ_DB_SLOT_AUTH);
  if (!c) {
    if (!(c = calloc(1, sizeof *c))) return NULL;
    fz_db_slot_set(db, FZ_DB_SLOT_AUTH, c, free);
  } else if (c->version != v) {
    memset(c->e, 0, sizeof c->e);
  }
  c->version = v;
  c->checked = 1;
  return c;
}

int fz_found_get(fz_db *db, fz_found_kind kind,
                 const unsigned char hash[FZ_TOKEN_HASH_LEN], fz_found *out) {
  cache *c = fz_db_slot(db, FZ_DB_SLOT_AUTH);
  if (c) c->checked = 0;
  if (!(c = current(db))) return 0;
  for (int i = 0; i < ENTRIES; i++)
    if (c->e[i].kind == kind &&
        memcmp(c->e[i].hash, hash, FZ_TOKEN_HASH_LEN) == 0) {
      *out = c->e[i].found;
      return 1;
    }
  return 0;
}

void fz_found_put(fz_db *db, fz_found_kind kind,
                  const unsigned char hash[FZ_TOKEN_HASH_LEN],
                  const fz_found *in) {
  cache *c = fz_db_slot(db, FZ_DB_SLOT_AUTH);
  /* Only right after a get that read the version: the answer is of that
   * version or a later one, and a later one never matches again. */
  if (!c || !c->checked) return;
  c->checked = 0;
  entry *e = &c->e[c->next++ % ENTRIES];
  e->kind = kind;
  memcpy(e->hash, hash, FZ_TOKEN_HASH_LEN);
  e->found = *in;
}
