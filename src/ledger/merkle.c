/* merkle.c — the ledger's hashes (core/digest.h) and the RFC 9162 §2.1 Merkle
 * tree: roots and proofs built from complete subtrees, their verification,
 * and the append stream. */
#include "ledger/merkle.h"

#include <string.h>

/* ---- hash functions ---- */

/* out = H(a ‖ b ‖ c); all zeros for an unknown alg (see merkle.h). */
static void digest3(fz_hash_alg alg, const void *a, size_t an, const void *b,
                    size_t bn, const void *c, size_t cn,
                    uint8_t out[FZ_HASH_LEN]) {
  fz_bytes piece[3] = {{a, an}, {b, bn}, {c, cn}};
  fz_digest(alg, piece, 3, out);
}

fz_err fz_hash_parse(const char *name, fz_hash_alg *alg, fz_error *err) {
  fz_hash_alg a;
  if (name && strcmp(name, "sm3") == 0)
    a = FZ_HASH_SM3;
  else if (name && strcmp(name, "sha256") == 0)
    a = FZ_HASH_SHA256;
  else
    return fz_error_set(err, FZ_INVALID, "hash",
                        "unknown hash \"%s\": use sm3 or sha256",
                        name ? name : "");
  if (!fz_digest_available(a))
    return fz_error_set(err, FZ_UNSUPPORTED, "hash",
                        "the crypto library in use has no %s", fz_hash_name(a));
  *alg = a;
  return FZ_OK;
}

const char *fz_hash_name(fz_hash_alg alg) {
  switch (alg) {
  case FZ_HASH_SM3: return "sm3";
  case FZ_HASH_SHA256: return "sha256";
  }
  return "unknown";
}

void fz_hash(fz_hash_alg alg, const void *data, size_t len,
             uint8_t out[FZ_HASH_LEN]) {
  digest3(alg, data, len, NULL, 0, NULL, 0, out);
}

void fz_merkle_leaf_hash(fz_hash_alg alg, const void *data, size_t len,
                         uint8_t out[FZ_HASH_LEN]) {
  static const uint8_t prefix = 0x00;
  digest3(alg, &prefix, 1, data, len, NULL, 0, out);
}

void fz_merkle_node_hash(fz_hash_alg alg, const uint8_t left[FZ_HASH_LEN],
                         const uint8_t right[FZ_HASH_LEN],
                         uint8_t out[FZ_HASH_LEN]) {
  static const uint8_t prefix = 0x01;
  digest3(alg, &prefix, 1, left, FZ_HASH_LEN, right, FZ_HASH_LEN, out);
}

/* ---- building from complete subtrees ---- */

typedef struct tree {
  fz_hash_alg alg;
  fz_merkle_get get;
  void *ctx;
} tree;

/* The largest power of two below n (n >= 2): where RFC 9162 splits D[n]. */
static uint64_t split(uint64_t n) {
  return UINT64_C(1) << (63 - __builtin_clzll(n - 1));
}

/* MTH(D[start:start+len]), len >= 1, for a subtree of the RFC tree: either
 * complete (one look-up) or on the right edge, start then being a multiple
 * of every power of two up to len.  The right edge is the complete subtrees
 * of len's 1-bits, folded from the smallest, which ends the range. */
static fz_err subtree(const tree *t, uint64_t start, uint64_t len,
                      uint8_t out[FZ_HASH_LEN]) {
  uint64_t end = start + len;
  uint8_t part[FZ_HASH_LEN];
  for (int first = 1; len; first = 0) {
    unsigned level = (unsigned)__builtin_ctzll(len);
    uint64_t n = UINT64_C(1) << level;
    end -= n;
    len -= n;
    fz_err rc = t->get(t->ctx, level, end >> level, first ? out : part);
    if (rc) return rc;
    if (!first) fz_merkle_node_hash(t->alg, part, out, out);
  }
  return FZ_OK;
}

fz_err fz_merkle_root(fz_hash_alg alg, fz_merkle_get get, void *ctx,
                      uint64_t size, uint8_t out[FZ_HASH_LEN]) {
  if (size > FZ_MERKLE_MAX_SIZE) return FZ_RANGE;
  if (size == 0) {
    fz_hash(alg, NULL, 0, out);
    return FZ_OK;
  }
  tree t = {alg, get, ctx};
  return subtree(&t, 0, size, out);
}

/* PATH(m, D[n]) of RFC 6962 §2.1.1, walked from the root down: each step
 * records the sibling of the half holding leaf m.  The path lists them leaf
 * side first, so a dry walk counts them and the real one fills from the
 * end.  Only a right sibling can be incomplete, and only once: below a left
 * turn every subtree is complete. */
fz_err fz_merkle_inclusion(fz_hash_alg alg, fz_merkle_get get, void *ctx,
                           uint64_t index, uint64_t size,
                           uint8_t path[][FZ_HASH_LEN], size_t *len) {
  *len = 0;
  if (index >= size || size > FZ_MERKLE_MAX_SIZE) return FZ_RANGE;
  size_t count = 0;
  for (uint64_t m = index, n = size; n > 1; count++) {
    uint64_t k = split(n);
    if (m < k) {
      n = k;
    } else {
      m -= k;
      n -= k;
    }
  }
  tree t = {alg, get, ctx};
  size_t pos = count;
  for (uint64_t start = 0, m = index, n = size; n > 1;) {
    uint64_t k = split(n);
    fz_err rc;
    if (m < k) {
      rc = subtree(&t, start + k, n - k, path[--pos]);
      n = k;
    } else {
      rc = subtree(&t, start, k, path[--pos]);
      start += k;
      m -= k;
      n -= k;
    }
    if (rc) return rc;
  }
  *len = count;
  return FZ_OK;
}

/* PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 6962 §2.1.2, walked from
 * the root down like the path above.  Once the walk turns right the old
 * root is no longer a node of the new tree (b = false), so the proof opens
 * with the subtree where the walk stops: MTH(D[m]) of that level. */
fz_err fz_merkle_consistency(fz_hash_alg alg, fz_merkle_get get, void *ctx,
                             uint64_t m, uint64_t n,
                             uint8_t path[][FZ_HASH_LEN], size_t *len) {
  *len = 0;
  if (m == 0 || m > n || n > FZ_MERKLE_MAX_SIZE) return FZ_RANGE;
  size_t count = 0;
  int whole = 1; /* b: the old tree is a node on the way */
  for (uint64_t a = m, b = n; a != b; count++) {
    uint64_t k = split(b);
    if (a <= k) {
      b = k;
    } else {
      a -= k;
      b -= k;
      whole = 0;
    }
  }
  count += !whole;
  tree t = {alg, get, ctx};
  size_t pos = count;
  uint64_t start = 0, a = m, b = n;
  while (a != b) {
    uint64_t k = split(b);
    fz_err rc;
    if (a <= k) {
      rc = subtree(&t, start + k, b - k, path[--pos]);
      b = k;
    } else {
      rc = subtree(&t, start, k, path[--pos]);
      start += k;
      a -= k;
      b -= k;
    }
    if (rc) return rc;
  }
  if (!whole) {
    fz_err rc = subtree(&t, start, a, path[--pos]);
    if (rc) return rc;
  }
  *len = count;
  return FZ_OK;
}

/* ---- verification ---- */

fz_err fz_merkle_verify_inclusion(fz_hash_alg alg,
                                  const uint8_t leaf[FZ_HASH_LEN],
                                  uint64_t index, uint64_t size,
                                  const uint8_t path[][FZ_HASH_LEN],
                                  size_t len, const uint8_t root[FZ_HASH_LEN]) {
  if (index >= size) return FZ_INVALID;
  uint64_t fn = index, sn = size - 1;
  uint8_t r[FZ_HASH_LEN];
  memcpy(r, leaf, FZ_HASH_LEN);
  for (size_t i = 0; i < len; i++) {
    if (sn == 0) return FZ_INVALID;
    if ((fn & 1) || fn == sn) {
      fz_merkle_node_hash(alg, path[i], r, r);
      while (fn != 0 && !(fn & 1)) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      fz_merkle_node_hash(alg, r, path[i], r);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && memcmp(r, root, FZ_HASH_LEN) == 0 ? FZ_OK : FZ_INVALID;
}

fz_err fz_merkle_verify_consistency(fz_hash_alg alg, uint64_t m, uint64_t n,
                                    const uint8_t root_m[FZ_HASH_LEN],
                                    const uint8_t root_n[FZ_HASH_LEN],
                                    const uint8_t path[][FZ_HASH_LEN],
                                    size_t len) {
  if (m == 0 || m > n) return FZ_INVALID;
  if (m == n)
    return len == 0 && memcmp(root_m, root_n, FZ_HASH_LEN) == 0 ? FZ_OK
                                                                : FZ_INVALID;
  if (len == 0) return FZ_INVALID;
  /* When m is a power of two its root is a node of the new tree and the
   * proof leaves it out: RFC 9162 prepends it; here it just seeds fr, sr. */
  size_t i = 0;
  const uint8_t *seed = root_m;
  if (m & (m - 1)) seed = path[i++];
  uint8_t fr[FZ_HASH_LEN], sr[FZ_HASH_LEN];
  memcpy(fr, seed, FZ_HASH_LEN);
  memcpy(sr, seed, FZ_HASH_LEN);
  uint64_t fn = m - 1, sn = n - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  for (; i < len; i++) {
    if (sn == 0) return FZ_INVALID;
    if ((fn & 1) || fn == sn) {
      fz_merkle_node_hash(alg, path[i], fr, fr);
      fz_merkle_node_hash(alg, path[i], sr, sr);
      while (fn != 0 && !(fn & 1)) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      fz_merkle_node_hash(alg, sr, path[i], sr);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && memcmp(fr, root_m, FZ_HASH_LEN) == 0 &&
                 memcmp(sr, root_n, FZ_HASH_LEN) == 0
             ? FZ_OK
             : FZ_INVALID;
}

/* ---- the append stream ---- */

void fz_merkle_stream_init(fz_merkle_stream *s, fz_hash_alg alg) {
  s->alg = alg;
  s->size = 0;
  s->depth = 0;
}

fz_err fz_merkle_stream_resume(fz_merkle_stream *s, fz_hash_alg alg,
                               uint64_t size, fz_merkle_get get, void *ctx) {
  fz_merkle_stream_init(s, alg);
  if (size > FZ_MERKLE_MAX_SIZE) return FZ_RANGE;
  uint64_t start = 0;
  for (int level = 63; level >= 0; level--) {
    uint64_t n = UINT64_C(1) << level;
    if (!(size & n)) continue;
    fz_err rc = get(ctx, (unsigned)level, start >> level, s->stack[s->depth]);
    if (rc) {
      fz_merkle_stream_init(s, alg);
      return rc;
    }
    s->level[s->depth++] = (unsigned)level;
    start += n;
  }
  s->size = size;
  return FZ_OK;
}

/* The new leaf closes one subtree per trailing 1-bit of the old size: the
 * top of the stack while its level equals the level reached.  They are
 * folded without popping, so that a failing emit leaves s as it was. */
fz_err fz_merkle_stream_push(fz_merkle_stream *s,
                             const uint8_t leaf[FZ_HASH_LEN],
                             fz_merkle_emit emit, void *ctx) {
  if (s->size >= FZ_MERKLE_MAX_SIZE) return FZ_RANGE;
  uint8_t h[FZ_HASH_LEN];
  memcpy(h, leaf, FZ_HASH_LEN);
  unsigned level = 0;
  int top = s->depth;
  for (;;) {
    if (emit) {
      fz_err rc = emit(ctx, level, s->size >> level, h);
      if (rc) return rc;
    }
    if (top == 0 || s->level[top - 1] != level) break;
    top--;
    fz_merkle_node_hash(s->alg, s->stack[top], h, h);
    level++;
  }
  memcpy(s->stack[top], h, FZ_HASH_LEN);
  s->level[top] = level;
  s->depth = top + 1;
  s->size++;
  return FZ_OK;
}

void fz_merkle_stream_root(const fz_merkle_stream *s,
                           uint8_t out[FZ_HASH_LEN]) {
  if (s->depth == 0) {
    fz_hash(s->alg, NULL, 0, out);
    return;
  }
  memcpy(out, s->stack[s->depth - 1], FZ_HASH_LEN);
  for (int i = s->depth - 2; i >= 0; i--)
    fz_merkle_node_hash(s->alg, s->stack[i], out, out);
}

/* ---- leaves in memory ---- */

fz_err fz_merkle_leaves_get(void *ctx, unsigned level, uint64_t index,
                            uint8_t out[FZ_HASH_LEN]) {
  const fz_merkle_leaves *l = ctx;
  if (level > 63 || index >= (l->count >> level)) return FZ_RANGE;
  if (level == 0) {
    memcpy(out, l->hash[index], FZ_HASH_LEN);
    return FZ_OK;
  }
  uint8_t left[FZ_HASH_LEN];
  fz_err rc = fz_merkle_leaves_get(ctx, level - 1, 2 * index, left);
  if (!rc) rc = fz_merkle_leaves_get(ctx, level - 1, 2 * index + 1, out);
  if (!rc) fz_merkle_node_hash(l->alg, left, out, out);
  return rc;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int fz_hash_from_hex(const char *hex, uint8_t out[FZ_HASH_LEN]) {
  if (!hex || strlen(hex) != 2 * FZ_HASH_LEN) return 0;
  for (int i = 0; i < FZ_HASH_LEN; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return 0;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return 1;
}

char *fz_hash_hex(const uint8_t h[FZ_HASH_LEN], char out[FZ_HASH_HEX]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < FZ_HASH_LEN; i++) {
    out[2 * i] = digits[h[i] >> 4];
    out[2 * i + 1] = digits[h[i] & 15];
  }
  out[2 * FZ_HASH_LEN] = '\0';
  return out;
}
