/* hexlines.h — Merkle leaves written as hex, one per line: what `fazhi
 * merkle` reads and what outside auditors feed it.  An empty line is the
 * empty leaf, upper- and lower-case digits are accepted, a trailing \r is
 * dropped, and a final newline does not start another leaf.  Input comes in
 * chunks of any size and only the leaf hashes are kept. */
#ifndef FZ_LEDGER_HEXLINES_H
#define FZ_LEDGER_HEXLINES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ledger/merkle.h"

#define FZ_HEXLINES_MAX_LEAF (1u << 20)              /* bytes, decoded */
#define FZ_HEXLINES_MAX_LEAVES (UINT64_C(1) << 26)   /* 2 GiB of hashes */

typedef struct fz_hexlines fz_hexlines;

/* A reader hashing leaves with alg into *out (NULL on failure); FZ_NOMEM. */
fz_err fz_hexlines_new(fz_hash_alg alg, fz_hexlines **out);

/* Reads the next len bytes.  The first error sticks: it is returned again by
 * every later call, and err (if non-NULL) names the line and why —
 * FZ_PARSE for a bad digit, an odd number of digits or a \r inside a line,
 * FZ_TOOBIG past FZ_HEXLINES_MAX_LEAF or FZ_HEXLINES_MAX_LEAVES, FZ_NOMEM. */
fz_err fz_hexlines_feed(fz_hexlines *p, const void *data, size_t len,
                        fz_error *err);

/* Ends the input: a last line without a newline is a leaf too.  Errors as
 * fz_hexlines_feed.  Feeding after the end is FZ_INVALID. */
fz_err fz_hexlines_end(fz_hexlines *p, fz_error *err);

/* The leaf hashes read so far, as a fz_merkle_get context; valid until the
 * next feed or the free. */
fz_merkle_leaves fz_hexlines_leaves(const fz_hexlines *p);

/* Frees p; NULL is a no-op. */
void fz_hexlines_free(fz_hexlines *p);

#endif
