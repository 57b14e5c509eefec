/* fuzz_merkle.c — libFuzzer target for src/ledger: arbitrary bytes as the
 * hex leaves of `fazhi merkle`, fed in two chunks; the tree they make is
 * built by the stream, whose emitted subtrees then answer every inclusion
 * and consistency proof, each of which must verify. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/hexlines.h"
#include "ledger/merkle.h"

#define MAX_LEAVES 256
#define LEVELS 9 /* 2^8 = MAX_LEAVES */

/* The complete subtrees the stream reported, as a ledger would store them. */
typedef struct store {
  uint8_t hash[LEVELS][MAX_LEAVES][FZ_HASH_LEN];
  uint8_t have[LEVELS][MAX_LEAVES];
  uint64_t size;
} store;

static fz_err store_emit(void *ctx, unsigned level, uint64_t index,
                         const uint8_t h[FZ_HASH_LEN]) {
  store *s = ctx;
  /* Exactly once, inside the tree, the leaf as level 0 of the new size. */
  if (level >= LEVELS || ((index + 1) << level) > s->size + 1 ||
      s->have[level][index] || (level == 0 && index != s->size))
    abort();
  s->have[level][index] = 1;
  memcpy(s->hash[level][index], h, FZ_HASH_LEN);
  return FZ_OK;
}

static fz_err store_get(void *ctx, unsigned level, uint64_t index,
                        uint8_t out[FZ_HASH_LEN]) {
  store *s = ctx;
  if (level >= LEVELS || index >= MAX_LEAVES || !s->have[level][index])
    abort(); /* a look-up outside the tree or of a subtree never closed */
  memcpy(out, s->hash[level][index], FZ_HASH_LEN);
  return FZ_OK;
}

static void check(fz_hash_alg alg, const fz_merkle_leaves *leaves) {
  static store s;
  memset(s.have, 0, sizeof s.have);
  s.size = 0;
  uint64_t n = leaves->count < MAX_LEAVES ? leaves->count : MAX_LEAVES;
  uint8_t roots[MAX_LEAVES + 1][FZ_HASH_LEN], r[FZ_HASH_LEN];
  fz_merkle_stream st;
  fz_merkle_stream_init(&st, alg);
  for (uint64_t i = 0; i <= n; i++) {
    fz_merkle_stream_root(&st, roots[i]);
    if (fz_merkle_root(alg, store_get, &s, i, r) ||
        memcmp(r, roots[i], FZ_HASH_LEN) != 0)
      abort();
    if (i < n) {
      if (fz_merkle_stream_push(&st, leaves->hash[i], store_emit, &s))
        abort();
      s.size++;
    }
  }
  if (n == leaves->count &&
      (fz_merkle_root(alg, fz_merkle_leaves_get, (void *)leaves, n, r) ||
       memcmp(r, roots[n], FZ_HASH_LEN) != 0))
    abort();

  uint8_t path[FZ_MERKLE_MAX_PATH][FZ_HASH_LEN];
  const uint8_t(*cp)[FZ_HASH_LEN] = (const uint8_t(*)[FZ_HASH_LEN])path;
  size_t len;
  for (uint64_t i = 0; i < n; i++) {
    if (fz_merkle_inclusion(alg, store_get, &s, i, n, path, &len) ||
        fz_merkle_verify_inclusion(alg, leaves->hash[i], i, n, cp, len,
                                   roots[n]))
      abort();
    if (fz_merkle_consistency(alg, store_get, &s, i + 1, n, path, &len) ||
        fz_merkle_verify_consistency(alg, i + 1, n, roots[i + 1], roots[n],
                                     cp, len))
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_hash_alg alg = size && (data[0] & 1) ? FZ_HASH_SHA256 : FZ_HASH_SM3;
  size_t cut = size ? data[size - 1] % (size + 1) : 0;
  fz_hexlines *p = NULL;
  fz_error e;
  if (fz_hexlines_new(alg, &p)) return 0;
  fz_err rc = fz_hexlines_feed(p, data, cut, &e);
  if (!rc) rc = fz_hexlines_feed(p, data + cut, size - cut, &e);
  if (!rc) rc = fz_hexlines_end(p, &e);
  if (rc == FZ_OK) {
    fz_merkle_leaves l = fz_hexlines_leaves(p);
    check(alg, &l);
  } else if (rc != FZ_NOMEM &&
             ((rc != FZ_PARSE && rc != FZ_TOOBIG) ||
              strncmp(e.message, "line ", 5) != 0)) {
    abort(); /* every error in the input names its line */
  }
  fz_hexlines_free(p);
  return 0;
}
