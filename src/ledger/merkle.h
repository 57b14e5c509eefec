/* merkle.h — the hash functions of the ledger and the RFC 9162 §2.1 Merkle
 * tree over them: leaf hash H(0x00 ‖ data), node hash H(0x01 ‖ l ‖ r),
 * split at the largest power of two below n; inclusion and consistency
 * proofs (§2.1.3–2.1.4) generated from stored hashes of complete subtrees,
 * and verified. */
#ifndef FZ_LEDGER_MERKLE_H
#define FZ_LEDGER_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"
#include "core/error.h"

#define FZ_HASH_LEN 32
#define FZ_MERKLE_MAX_PATH 64 /* proof lengths never exceed this */
/* The largest tree: beyond 2^63 leaves a consistency proof could need 65
 * hashes.  Roots, proofs and streams refuse larger sizes with FZ_RANGE. */
#define FZ_MERKLE_MAX_SIZE (UINT64_C(1) << 63)

/* "sm3" / "sha256" → alg; FZ_INVALID naming the accepted names otherwise,
 * FZ_UNSUPPORTED if the library in use cannot compute it. */
fz_err fz_hash_parse(const char *name, fz_hash_alg *alg, fz_error *err);

/* "sm3" or "sha256". */
const char *fz_hash_name(fz_hash_alg alg);

#define FZ_HASH_HEX (2 * FZ_HASH_LEN + 1)

/* Reads exactly 64 hex digits (either case) into out: 1, or 0 for
 * anything else (out is then partly written). */
int fz_hash_from_hex(const char *hex, uint8_t out[FZ_HASH_LEN]);

/* Writes h as lower-case hex into out (FZ_HASH_HEX bytes); returns out. */
char *fz_hash_hex(const uint8_t h[FZ_HASH_LEN], char out[FZ_HASH_HEX]);

/* out = H(data) (core/digest.h).  For an algorithm fz_hash_parse would
 * refuse, out is all zeros. */
void fz_hash(fz_hash_alg alg, const void *data, size_t len,
             uint8_t out[FZ_HASH_LEN]);

/* out = H(0x00 ‖ data). */
void fz_merkle_leaf_hash(fz_hash_alg alg, const void *data, size_t len,
                         uint8_t out[FZ_HASH_LEN]);

/* out = H(0x01 ‖ left ‖ right). */
void fz_merkle_node_hash(fz_hash_alg alg, const uint8_t left[FZ_HASH_LEN],
                         const uint8_t right[FZ_HASH_LEN],
                         uint8_t out[FZ_HASH_LEN]);

/* Hash of the complete subtree of 2^level leaves starting at leaf
 * index * 2^level.  The ledger answers from its stored nodes; tests and the
 * CLI answer from an array of leaf hashes. */
typedef fz_err (*fz_merkle_get)(void *ctx, unsigned level, uint64_t index,
                                uint8_t out[FZ_HASH_LEN]);

/* Root of the first `size` leaves (size 0: H of the empty string), from
 * one look-up per 1-bit of size.  Errors of get are passed on. */
fz_err fz_merkle_root(fz_hash_alg alg, fz_merkle_get get, void *ctx,
                      uint64_t size, uint8_t out[FZ_HASH_LEN]);

/* Audit path of leaf `index` in the tree of `size` leaves, leaf side first;
 * *len receives the number of hashes.  FZ_RANGE unless index < size. */
fz_err fz_merkle_inclusion(fz_hash_alg alg, fz_merkle_get get, void *ctx,
                           uint64_t index, uint64_t size,
                           uint8_t path[][FZ_HASH_LEN], size_t *len);

/* Consistency proof from the tree of m leaves to the tree of n leaves.
 * FZ_RANGE unless 0 < m <= n (m == n gives an empty proof). */
fz_err fz_merkle_consistency(fz_hash_alg alg, fz_merkle_get get, void *ctx,
                             uint64_t m, uint64_t n,
                             uint8_t path[][FZ_HASH_LEN], size_t *len);

/* Checks an inclusion proof (RFC 9162 §2.1.3.2).  FZ_OK or FZ_INVALID. */
fz_err fz_merkle_verify_inclusion(fz_hash_alg alg,
                                  const uint8_t leaf[FZ_HASH_LEN],
                                  uint64_t index, uint64_t size,
                                  const uint8_t path[][FZ_HASH_LEN],
                                  size_t len, const uint8_t root[FZ_HASH_LEN]);

/* Checks a consistency proof (RFC 9162 §2.1.4.2).  FZ_OK or FZ_INVALID;
 * m == n needs an empty proof and equal roots, m == 0 is always FZ_INVALID
 * (as fz_merkle_consistency refuses to make such a proof). */
fz_err fz_merkle_verify_consistency(fz_hash_alg alg, uint64_t m, uint64_t n,
                                    const uint8_t root_m[FZ_HASH_LEN],
                                    const uint8_t root_n[FZ_HASH_LEN],
                                    const uint8_t path[][FZ_HASH_LEN],
                                    size_t len);

/* Appending leaves one by one in O(log n) memory: the stack of complete
 * subtrees.  Each append reports, through `emit` (may be NULL), every
 * complete subtree it completes — (level 0, index n) for the leaf itself,
 * then each parent it closes — so that a store can keep them. */
typedef struct fz_merkle_stream {
  fz_hash_alg alg;
  uint64_t size;
  int depth;                                   /* entries on the stack */
  uint8_t stack[FZ_MERKLE_MAX_PATH][FZ_HASH_LEN];
  unsigned level[FZ_MERKLE_MAX_PATH];
} fz_merkle_stream;

typedef fz_err (*fz_merkle_emit)(void *ctx, unsigned level, uint64_t index,
                                 const uint8_t hash[FZ_HASH_LEN]);

/* Starts an empty stream. */
void fz_merkle_stream_init(fz_merkle_stream *s, fz_hash_alg alg);

/* Rebuilds the stream of a tree of `size` leaves from its complete
 * subtrees (one per 1-bit of size), so that appending can resume.  On error
 * *s is an empty stream. */
fz_err fz_merkle_stream_resume(fz_merkle_stream *s, fz_hash_alg alg,
                               uint64_t size, fz_merkle_get get, void *ctx);

/* Appends one leaf hash; calls emit for each completed subtree.  If emit
 * fails the stream is unchanged and its error is returned (a retry emits the
 * same subtrees again); FZ_RANGE at FZ_MERKLE_MAX_SIZE leaves. */
fz_err fz_merkle_stream_push(fz_merkle_stream *s,
                             const uint8_t leaf[FZ_HASH_LEN],
                             fz_merkle_emit emit, void *ctx);

/* The root of everything pushed so far. */
void fz_merkle_stream_root(const fz_merkle_stream *s, uint8_t out[FZ_HASH_LEN]);

/* A fz_merkle_get over an array of leaf hashes in memory: pass a
 * fz_merkle_leaves as ctx.  Each look-up hashes the whole subtree, so it
 * suits tools and tests, not a ledger. */
typedef struct fz_merkle_leaves {
  fz_hash_alg alg;
  const uint8_t (*hash)[FZ_HASH_LEN]; /* count leaf hashes, not owned */
  uint64_t count;
} fz_merkle_leaves;

/* The fz_merkle_get of a fz_merkle_leaves; FZ_RANGE for a subtree that
 * reaches past count. */
fz_err fz_merkle_leaves_get(void *ctx, unsigned level, uint64_t index,
                            uint8_t out[FZ_HASH_LEN]);

#endif
