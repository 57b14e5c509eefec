/* test_merkle.c — SM3 and SHA-256, the RFC 9162 Merkle tree against the
 * Certificate Transparency test vectors and against a naive recursive
 * reference, proofs, the append stream, and the hex-lines reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/hexlines.h"
#include "ledger/merkle.h"
#include "test.h"

typedef uint8_t hash[FZ_HASH_LEN];

/* ---- helpers ---- */

static size_t unhex(const char *s, uint8_t *out) {
  size_t n = strlen(s) / 2;
  for (size_t i = 0; i < n; i++) {
    unsigned v = 0;
    for (int j = 0; j < 2; j++) {
      char c = s[2 * i + j];
      v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    out[i] = (uint8_t)v;
  }
  return n;
}

static const char *tohex(const uint8_t h[FZ_HASH_LEN]) {
  static char s[2 * FZ_HASH_LEN + 1];
  for (int i = 0; i < FZ_HASH_LEN; i++) {
    s[2 * i] = "0123456789abcdef"[h[i] >> 4];
    s[2 * i + 1] = "0123456789abcdef"[h[i] & 15];
  }
  s[2 * FZ_HASH_LEN] = '\0';
  return s;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next_random(void) { /* splitmix64 */
  uint64_t z = (rng += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static uint64_t split_of(uint64_t n) { /* largest power of two below n */
  uint64_t k = 1;
  while (2 * k < n) k *= 2;
  return k;
}

/* MTH(D[n]) straight from the definition in RFC 9162 §2.1.1. */
static void ref_root(fz_hash_alg alg, const hash *d, uint64_t n, hash out) {
  if (n == 0) {
    fz_hash(alg, "", 0, out);
  } else if (n == 1) {
    memcpy(out, d[0], FZ_HASH_LEN);
  } else {
    uint64_t k = split_of(n);
    hash l, r;
    ref_root(alg, d, k, l);
    ref_root(alg, d + k, n - k, r);
    fz_merkle_node_hash(alg, l, r, out);
  }
}

/* PATH(m, D[n]) of RFC 6962 §2.1.1 into p (unless NULL), and in dirs the
 * side of each sibling. */
static void ref_path(fz_hash_alg alg, const hash *d, uint64_t m, uint64_t n,
                     hash *p, size_t *len, char *dirs) {
  if (n <= 1) return;
  uint64_t k = split_of(n);
  if (m < k) {
    ref_path(alg, d, m, k, p, len, dirs);
    if (p) ref_root(alg, d + k, n - k, p[*len]);
    dirs[(*len)++] = 'R';
  } else {
    ref_path(alg, d + k, m - k, n - k, p, len, dirs);
    if (p) ref_root(alg, d, k, p[*len]);
    dirs[(*len)++] = 'L';
  }
  dirs[*len] = '\0';
}

/* SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2. */
static void ref_subproof(fz_hash_alg alg, const hash *d, uint64_t m,
                         uint64_t n, int b, hash *p, size_t *len) {
  if (m == n) {
    if (!b) ref_root(alg, d, m, p[(*len)++]);
    return;
  }
  uint64_t k = split_of(n);
  if (m <= k) {
    ref_subproof(alg, d, m, k, b, p, len);
    ref_root(alg, d + k, n - k, p[(*len)++]);
  } else {
    ref_subproof(alg, d + k, m - k, n - k, 0, p, len);
    ref_root(alg, d, k, p[(*len)++]);
  }
}

/* A fz_merkle_get over leaves that counts its look-ups and those reaching
 * past the tree the proof is about. */
typedef struct counted {
  fz_merkle_leaves leaves;
  uint64_t size;
  int calls, outside;
} counted;

static fz_err counted_get(void *ctx, unsigned level, uint64_t index,
                          uint8_t out[FZ_HASH_LEN]) {
  counted *c = ctx;
  c->calls++;
  if (level > 63 || index >= c->size >> level) c->outside++;
  return fz_merkle_leaves_get(&c->leaves, level, index, out);
}

static int bit_length(uint64_t n) {
  int b = 0;
  while (n) b++, n >>= 1;
  return b;
}

static fz_err failing_get(void *ctx, unsigned level, uint64_t index,
                          uint8_t out[FZ_HASH_LEN]) {
  return FZ_DB;
}

/* ---- the hash functions ---- */

static void hash_primitives(void) {
  hash h;
  /* GB/T 32905-2016, examples 1 and 2. */
  fz_hash(FZ_HASH_SM3, "abc", 3, h);
  CHECK_STR(tohex(h),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  char abcd[65] = "";
  for (int i = 0; i < 16; i++) memcpy(abcd + 4 * i, "abcd", 4);
  fz_hash(FZ_HASH_SM3, abcd, 64, h);
  CHECK_STR(tohex(h),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
  fz_hash(FZ_HASH_SM3, NULL, 0, h);
  CHECK_STR(tohex(h),
            "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
  /* FIPS 180-4. */
  fz_hash(FZ_HASH_SHA256, "abc", 3, h);
  CHECK_STR(tohex(h),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  fz_hash(FZ_HASH_SHA256, "", 0, h);
  CHECK_STR(tohex(h),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  /* Leaf and node hashes are H over the prefixed bytes. */
  uint8_t buf[1 + 2 * FZ_HASH_LEN] = {0x00, 'a', 'b', 'c'};
  hash a, b;
  fz_merkle_leaf_hash(FZ_HASH_SM3, "abc", 3, a);
  fz_hash(FZ_HASH_SM3, buf, 4, b);
  CHECK(memcmp(a, b, FZ_HASH_LEN) == 0);
  fz_hash(FZ_HASH_SM3, "x", 1, h);
  buf[0] = 0x01;
  memcpy(buf + 1, a, FZ_HASH_LEN);
  memcpy(buf + 1 + FZ_HASH_LEN, h, FZ_HASH_LEN);
  fz_merkle_node_hash(FZ_HASH_SM3, a, h, b);
  fz_hash(FZ_HASH_SM3, buf, sizeof buf, a);
  CHECK(memcmp(a, b, FZ_HASH_LEN) == 0);
  /* The output may be one of the inputs. */
  memcpy(a, buf + 1, FZ_HASH_LEN);
  fz_merkle_node_hash(FZ_HASH_SM3, a, h, a);
  CHECK(memcmp(a, b, FZ_HASH_LEN) == 0);
}

static void hash_names(void) {
  fz_hash_alg alg = 0;
  fz_error e;
  CHECK_INT(fz_hash_parse("sm3", &alg, &e), FZ_OK);
  CHECK_INT(alg, FZ_HASH_SM3);
  CHECK_INT(fz_hash_parse("sha256", &alg, NULL), FZ_OK);
  CHECK_INT(alg, FZ_HASH_SHA256);
  CHECK_INT(fz_hash_parse("SHA-256", &alg, &e), FZ_INVALID);
  CHECK_STR(e.field, "hash");
  CHECK_STR(e.message, "unknown hash \"SHA-256\": use sm3 or sha256");
  CHECK_INT(fz_hash_parse("", &alg, &e), FZ_INVALID);
  CHECK_INT(fz_hash_parse(NULL, &alg, NULL), FZ_INVALID);
  CHECK_INT(alg, FZ_HASH_SHA256); /* untouched on failure */
  CHECK_STR(fz_hash_name(FZ_HASH_SM3), "sm3");
  CHECK_STR(fz_hash_name(FZ_HASH_SHA256), "sha256");
  CHECK_STR(fz_hash_name((fz_hash_alg)9), "unknown");
}

/* ---- Certificate Transparency vectors (SHA-256) ----
 * The reference tree of google/certificate-transparency
 * cpp/merkletree/merkle_tree_test.cc, also in Chromium's
 * net/cert/ct_log_verifier_unittest.cc and Trillian's merkle tests. */

static const char *const ct_leaves[8] = {
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f"};

static const char *const ct_roots[9] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

static hash ct_hash[8];
static fz_merkle_leaves ct_tree = {FZ_HASH_SHA256,
                                   (const uint8_t(*)[FZ_HASH_LEN])ct_hash, 8};

static void ct_setup(void) {
  for (int i = 0; i < 8; i++) {
    uint8_t d[16];
    size_t n = unhex(ct_leaves[i], d);
    fz_merkle_leaf_hash(FZ_HASH_SHA256, d, n, ct_hash[i]);
  }
}

/* A proof vector: indices are 0-based (the C++ source counts leaves from 1
 * in its inclusion vectors). */
typedef struct vector {
  uint64_t a, n; /* leaf index or old size, tree size */
  size_t len;
  const char *proof[3];
} vector;

static const vector ct_inclusion[] = {
    {0, 1, 0, {NULL}},
    {0, 8, 3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5, 8, 3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, 1,
     {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1, 5, 3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const vector ct_consistency[] = {
    {1, 1, 0, {NULL}},
    {1, 8, 3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6, 8, 3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 5, 2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static void ct_roots_match(void) {
  ct_setup();
  fz_merkle_stream s;
  fz_merkle_stream_init(&s, FZ_HASH_SHA256);
  for (uint64_t n = 0; n <= 8; n++) {
    hash r;
    CHECK_INT(fz_merkle_root(FZ_HASH_SHA256, fz_merkle_leaves_get, &ct_tree,
                             n, r),
              FZ_OK);
    CHECK_STR(tohex(r), ct_roots[n]);
    fz_merkle_stream_root(&s, r);
    CHECK_STR(tohex(r), ct_roots[n]);
    if (n < 8) CHECK_INT(fz_merkle_stream_push(&s, ct_hash[n], NULL, NULL), 0);
  }
}

static void ct_inclusion_proofs(void) {
  ct_setup();
  for (size_t v = 0; v < sizeof ct_inclusion / sizeof *ct_inclusion; v++) {
    const vector *t = &ct_inclusion[v];
    hash p[FZ_MERKLE_MAX_PATH], root;
    size_t len = 99;
    CHECK_INT(fz_merkle_inclusion(FZ_HASH_SHA256, fz_merkle_leaves_get,
                                  &ct_tree, t->a, t->n, p, &len),
              FZ_OK);
    CHECK_INT(len, t->len);
    for (size_t i = 0; i < t->len && i < len; i++)
      CHECK_STR(tohex(p[i]), t->proof[i]);
    unhex(ct_roots[t->n], root);
    CHECK_INT(fz_merkle_verify_inclusion(FZ_HASH_SHA256, ct_hash[t->a], t->a,
                                         t->n, (const uint8_t(*)[32])p, len,
                                         root),
              FZ_OK);
  }
}

static void ct_consistency_proofs(void) {
  ct_setup();
  const fz_hash_alg H = FZ_HASH_SHA256;
  for (size_t v = 0; v < sizeof ct_consistency / sizeof *ct_consistency;
       v++) {
    const vector *t = &ct_consistency[v];
    hash p[FZ_MERKLE_MAX_PATH + 2], r1, r2, bad;
    size_t len = 99;
    CHECK_INT(fz_merkle_consistency(H, fz_merkle_leaves_get, &ct_tree, t->a,
                                    t->n, p, &len),
              FZ_OK);
    CHECK_INT(len, t->len);
    for (size_t i = 0; i < t->len && i < len; i++)
      CHECK_STR(tohex(p[i]), t->proof[i]);
    unhex(ct_roots[t->a], r1);
    unhex(ct_roots[t->n], r2);
    const uint8_t(*cp)[32] = (const uint8_t(*)[32])p;
    CHECK_INT(fz_merkle_verify_consistency(H, t->a, t->n, r1, r2, cp, len),
              FZ_OK);
    if (len == 0) continue;

    /* The negative cases of Chromium's ct_log_verifier_unittest.cc. */
    const uint64_t m = t->a, n = t->n;
    CHECK(fz_merkle_verify_consistency(H, m - 1, n, r1, r2, cp, len));
    CHECK(fz_merkle_verify_consistency(H, m + 1, n, r1, r2, cp, len));
    CHECK(fz_merkle_verify_consistency(H, m ^ 2, n, r1, r2, cp, len));
    CHECK(fz_merkle_verify_consistency(H, m, n * 2, r1, r2, cp, len));
    CHECK(fz_merkle_verify_consistency(H, m, n / 2, r1, r2, cp, len));
    memset(bad, 0x5a, sizeof bad);
    CHECK(fz_merkle_verify_consistency(H, m, n, r1, bad, cp, len));
    CHECK(fz_merkle_verify_consistency(H, m, n, bad, r2, cp, len));
    CHECK(fz_merkle_verify_consistency(H, m, n, r2, r1, cp, len));
    CHECK(fz_merkle_verify_consistency(H, m, n, r1, r2, cp, 0));
    for (size_t j = 0; j < len; j++) {
      hash keep;
      memcpy(keep, p[j], FZ_HASH_LEN);
      memcpy(p[j], ct_roots[0], FZ_HASH_LEN); /* any other value */
      CHECK(fz_merkle_verify_consistency(H, m, n, r1, r2, cp, len));
      memcpy(p[j], keep, FZ_HASH_LEN);
    }
    memset(p[len], 0, FZ_HASH_LEN); /* garbage at the end */
    CHECK(fz_merkle_verify_consistency(H, m, n, r1, r2, cp, len + 1));
    memcpy(p[len], p[len - 1], FZ_HASH_LEN);
    CHECK(fz_merkle_verify_consistency(H, m, n, r1, r2, cp, len + 1));
    CHECK(fz_merkle_verify_consistency(H, m, n, r1, r2, cp, len - 1));
    memmove(p[1], p[0], len * FZ_HASH_LEN); /* garbage at the start */
    memset(p[0], 0, FZ_HASH_LEN);
    CHECK(fz_merkle_verify_consistency(H, m, n, r1, r2, cp, len + 1));
    memcpy(p[0], p[1], FZ_HASH_LEN);
    CHECK(fz_merkle_verify_consistency(H, m, n, r1, r2, cp, len + 1));
  }
  /* Trees of equal size: the proof is empty and the roots equal. */
  hash r1;
  unhex(ct_roots[3], r1);
  const uint8_t(*none)[32] = NULL;
  CHECK_INT(fz_merkle_verify_consistency(H, 3, 3, r1, r1, none, 0), FZ_OK);
  CHECK(fz_merkle_verify_consistency(H, 3, 3, r1, r1,
                                     (const uint8_t(*)[32])ct_hash, 1));
  CHECK(fz_merkle_verify_consistency(H, 3, 3, r1, ct_hash[0], none, 0));
  CHECK(fz_merkle_verify_consistency(H, 0, 3, r1, r1, none, 0));
  CHECK(fz_merkle_verify_consistency(H, 0, 0, r1, r1, none, 0));
  CHECK(fz_merkle_verify_consistency(H, 4, 3, r1, r1, none, 0));
}

/* ---- SM3 trees of every size up to 70 against the reference ---- */

#define NMAX 70

static hash rand_leaf[NMAX];
static fz_merkle_leaves rand_tree = {FZ_HASH_SM3,
                                     (const uint8_t(*)[FZ_HASH_LEN])rand_leaf,
                                     NMAX};

static void rand_setup(void) {
  rng = 42;
  for (int i = 0; i < NMAX; i++) {
    uint8_t d[40] = {(uint8_t)i}; /* distinct leaves, of 1 to 40 bytes */
    size_t n = 1 + next_random() % sizeof d;
    for (size_t j = 1; j < n; j++) d[j] = (uint8_t)next_random();
    fz_merkle_leaf_hash(FZ_HASH_SM3, d, n, rand_leaf[i]);
  }
}

static void sm3_roots(void) {
  rand_setup();
  for (uint64_t n = 0; n <= NMAX; n++) {
    hash want, got;
    ref_root(FZ_HASH_SM3, rand_leaf, n, want);
    counted c = {rand_tree, n, 0, 0};
    CHECK_INT(fz_merkle_root(FZ_HASH_SM3, counted_get, &c, n, got), FZ_OK);
    CHECK(memcmp(want, got, FZ_HASH_LEN) == 0);
    CHECK(c.calls <= bit_length(n));
    CHECK_INT(c.outside, 0);
  }
}

static void sm3_inclusion_every_index(void) {
  rand_setup();
  const fz_hash_alg H = FZ_HASH_SM3;
  for (uint64_t n = 1; n <= NMAX; n++) {
    hash root;
    ref_root(H, rand_leaf, n, root);
    for (uint64_t i = 0; i < n; i++) {
      hash want[FZ_MERKLE_MAX_PATH], p[FZ_MERKLE_MAX_PATH];
      size_t wlen = 0, len = 99;
      char d[FZ_MERKLE_MAX_PATH + 1] = "";
      ref_path(H, rand_leaf, i, n, want, &wlen, d);
      counted c = {rand_tree, n, 0, 0};
      CHECK_INT(fz_merkle_inclusion(H, counted_get, &c, i, n, p, &len), 0);
      CHECK_INT(len, wlen);
      CHECK(memcmp(p, want, wlen * FZ_HASH_LEN) == 0);
      CHECK(c.calls <= 2 * bit_length(n));
      CHECK_INT(c.outside, 0);

      const uint8_t(*cp)[32] = (const uint8_t(*)[32])p;
      CHECK_INT(fz_merkle_verify_inclusion(H, rand_leaf[i], i, n, cp, len,
                                           root),
                FZ_OK);
      for (size_t j = 0; j < len; j++)
        for (int bit = 0; bit < 8 * FZ_HASH_LEN; bit += 127) {
          p[j][bit / 8] ^= (uint8_t)(1 << bit % 8);
          CHECK(fz_merkle_verify_inclusion(H, rand_leaf[i], i, n, cp, len,
                                           root));
          p[j][bit / 8] ^= (uint8_t)(1 << bit % 8);
        }
      if (len) CHECK(fz_merkle_verify_inclusion(H, rand_leaf[i], i, n, cp,
                                                len - 1, root));
      memcpy(p[len], root, FZ_HASH_LEN);
      CHECK(fz_merkle_verify_inclusion(H, rand_leaf[i], i, n, cp, len + 1,
                                       root));
      CHECK(fz_merkle_verify_inclusion(H, rand_leaf[(i + 1) % n], i, n, cp,
                                       len, root) || n == 1);
      /* Another index never verifies: leaf positions differ in the sides
       * of their siblings. */
      for (uint64_t j = 0; j < n + 2; j++)
        if (j != i)
          CHECK(fz_merkle_verify_inclusion(H, rand_leaf[i], j, n, cp, len,
                                           root));
      /* Another size verifies exactly when its path has the same sides,
       * since the proof binds the root, not the size (a signed tree head
       * binds both). */
      for (uint64_t m = i + 1; m <= n + 2 && m <= NMAX; m++) {
        size_t mlen = 0;
        char other[FZ_MERKLE_MAX_PATH + 1] = "";
        ref_path(H, rand_leaf, i, m, NULL, &mlen, other);
        int same = mlen == wlen && strcmp(other, d) == 0;
        CHECK_INT(fz_merkle_verify_inclusion(H, rand_leaf[i], i, m, cp, len,
                                             root) == FZ_OK,
                  same);
      }
    }
  }
}

static void sm3_consistency_every_size(void) {
  rand_setup();
  const fz_hash_alg H = FZ_HASH_SM3;
  hash roots[NMAX + 1];
  for (uint64_t n = 0; n <= NMAX; n++)
    ref_root(H, rand_leaf, n, roots[n]);
  for (uint64_t n = 1; n <= NMAX; n++) {
    for (uint64_t m = 1; m <= n; m++) {
      hash want[FZ_MERKLE_MAX_PATH], p[FZ_MERKLE_MAX_PATH];
      size_t wlen = 0, len = 99;
      ref_subproof(H, rand_leaf, m, n, 1, want, &wlen);
      counted c = {rand_tree, n, 0, 0};
      CHECK_INT(fz_merkle_consistency(H, counted_get, &c, m, n, p, &len), 0);
      CHECK_INT(len, wlen);
      CHECK(memcmp(p, want, wlen * FZ_HASH_LEN) == 0);
      CHECK(c.calls <= 2 * bit_length(n));
      CHECK_INT(c.outside, 0);

      const uint8_t(*cp)[32] = (const uint8_t(*)[32])p;
      CHECK_INT(fz_merkle_verify_consistency(H, m, n, roots[m], roots[n], cp,
                                             len),
                FZ_OK);
      for (size_t j = 0; j < len; j++)
        for (int bit = 0; bit < 8 * FZ_HASH_LEN; bit += 127) {
          p[j][bit / 8] ^= (uint8_t)(1 << bit % 8);
          CHECK(fz_merkle_verify_consistency(H, m, n, roots[m], roots[n], cp,
                                             len));
          p[j][bit / 8] ^= (uint8_t)(1 << bit % 8);
        }
      if (len) CHECK(fz_merkle_verify_consistency(H, m, n, roots[m],
                                                  roots[n], cp, len - 1));
      memcpy(p[len], roots[n], FZ_HASH_LEN);
      CHECK(fz_merkle_verify_consistency(H, m, n, roots[m], roots[n], cp,
                                         len + 1));
      if (m < n)
        CHECK(fz_merkle_verify_consistency(H, m, n, roots[n], roots[m], cp,
                                           len));
      /* Any other pair of sizes, with their own true roots, fails. */
      for (uint64_t m2 = 1; m2 <= NMAX; m2++)
        for (uint64_t n2 = m2; n2 <= NMAX; n2++)
          if ((m2 != m || n2 != n) && (n2 == n || m2 == m))
            CHECK(fz_merkle_verify_consistency(H, m2, n2, roots[m2],
                                               roots[n2], cp, len));
    }
  }
}

/* ---- look-ups stay O(log n) at any size ---- */

/* A tree whose leaves are all alike, so that any subtree hash costs one
 * hash per level: proofs at 2^63 leaves can be checked for real. */
typedef struct uniform {
  hash level[64];
  uint64_t size;
  int calls, outside;
} uniform;

static fz_err uniform_get(void *ctx, unsigned level, uint64_t index,
                          uint8_t out[FZ_HASH_LEN]) {
  uniform *u = ctx;
  u->calls++;
  if (level > 63 || index >= u->size >> level) {
    u->outside++;
    return FZ_RANGE;
  }
  memcpy(out, u->level[level], FZ_HASH_LEN);
  return FZ_OK;
}

static void uniform_init(uniform *u, uint64_t size) {
  fz_merkle_leaf_hash(FZ_HASH_SM3, "x", 1, u->level[0]);
  for (int i = 1; i < 64; i++)
    fz_merkle_node_hash(FZ_HASH_SM3, u->level[i - 1], u->level[i - 1],
                        u->level[i]);
  u->size = size;
  u->calls = u->outside = 0;
}

static void huge_trees(void) {
  const uint64_t MAX = FZ_MERKLE_MAX_SIZE;
  const uint64_t sizes[] = {MAX, MAX - 1, (MAX >> 1) + 1, 0x5555555555555555u,
                            1000000007u};
  rng = 7;
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
    uint64_t n = sizes[s];
    uniform u;
    uniform_init(&u, n);
    hash root, p[FZ_MERKLE_MAX_PATH];
    CHECK_INT(fz_merkle_root(FZ_HASH_SM3, uniform_get, &u, n, root), FZ_OK);
    for (int k = 0; k < 40; k++) {
      uint64_t a = k == 0 ? 0 : k == 1 ? n - 1 : next_random() % n;
      size_t len;
      u.calls = 0;
      CHECK_INT(fz_merkle_inclusion(FZ_HASH_SM3, uniform_get, &u, a, n, p,
                                    &len),
                FZ_OK);
      CHECK(u.calls <= 2 * bit_length(n));
      CHECK(len <= FZ_MERKLE_MAX_PATH);
      CHECK_INT(fz_merkle_verify_inclusion(FZ_HASH_SM3, u.level[0], a, n,
                                           (const uint8_t(*)[32])p, len, root),
                FZ_OK);

      uint64_t m = k == 0 ? 1 : k == 1 ? n - 1 : k == 2 ? n : a + 1;
      hash mroot;
      CHECK_INT(fz_merkle_root(FZ_HASH_SM3, uniform_get, &u, m, mroot), 0);
      u.calls = 0;
      CHECK_INT(fz_merkle_consistency(FZ_HASH_SM3, uniform_get, &u, m, n, p,
                                      &len),
                FZ_OK);
      CHECK(u.calls <= 2 * bit_length(n));
      CHECK(len <= FZ_MERKLE_MAX_PATH);
      CHECK_INT(fz_merkle_verify_consistency(FZ_HASH_SM3, m, n, mroot, root,
                                             (const uint8_t(*)[32])p, len),
                FZ_OK);
    }
    CHECK_INT(u.outside, 0);
  }
  /* The longest consistency proof there is: 64 hashes. */
  uniform u;
  uniform_init(&u, MAX);
  hash p[FZ_MERKLE_MAX_PATH];
  size_t len;
  CHECK_INT(fz_merkle_consistency(FZ_HASH_SM3, uniform_get, &u, MAX - 1, MAX,
                                  p, &len),
            FZ_OK);
  CHECK_INT(len, 64);
}

static void range_errors(void) {
  rand_setup();
  const fz_hash_alg H = FZ_HASH_SM3;
  hash p[FZ_MERKLE_MAX_PATH], r;
  size_t len = 99;
  fz_merkle_get get = fz_merkle_leaves_get;
  void *c = &rand_tree;
  CHECK_INT(fz_merkle_inclusion(H, get, c, 5, 5, p, &len), FZ_RANGE);
  CHECK_INT(len, 0);
  CHECK_INT(fz_merkle_inclusion(H, get, c, 0, 0, p, &len), FZ_RANGE);
  CHECK_INT(fz_merkle_inclusion(H, get, c, 0, FZ_MERKLE_MAX_SIZE + 1, p, &len),
            FZ_RANGE);
  CHECK_INT(fz_merkle_consistency(H, get, c, 0, 5, p, &len), FZ_RANGE);
  CHECK_INT(fz_merkle_consistency(H, get, c, 6, 5, p, &len), FZ_RANGE);
  CHECK_INT(fz_merkle_consistency(H, get, c, 1, FZ_MERKLE_MAX_SIZE + 1, p,
                                  &len),
            FZ_RANGE);
  CHECK_INT(fz_merkle_root(H, get, c, FZ_MERKLE_MAX_SIZE + 1, r), FZ_RANGE);
  /* A store's failure is passed on. */
  CHECK_INT(fz_merkle_root(H, failing_get, NULL, 3, r), FZ_DB);
  CHECK_INT(fz_merkle_inclusion(H, failing_get, NULL, 1, 3, p, &len), FZ_DB);
  CHECK_INT(len, 0);
  CHECK_INT(fz_merkle_consistency(H, failing_get, NULL, 1, 3, p, &len), FZ_DB);
  CHECK_INT(len, 0);
  /* A single leaf: its hash is the root, the path empty. */
  CHECK_INT(fz_merkle_inclusion(H, failing_get, NULL, 0, 1, p, &len), FZ_OK);
  CHECK_INT(len, 0);
  CHECK_INT(fz_merkle_verify_inclusion(H, rand_leaf[0], 0, 1, NULL, 0,
                                       rand_leaf[0]),
            FZ_OK);
  CHECK(fz_merkle_verify_inclusion(H, rand_leaf[0], 1, 1, NULL, 0,
                                   rand_leaf[0]));
  CHECK(fz_merkle_verify_inclusion(H, rand_leaf[0], 0, 0, NULL, 0,
                                   rand_leaf[0]));
  /* Subtrees past the leaves in memory are refused. */
  CHECK_INT(fz_merkle_leaves_get(c, 0, NMAX, r), FZ_RANGE);
  CHECK_INT(fz_merkle_leaves_get(c, 6, 1, r), FZ_RANGE); /* 64..127 */
  CHECK_INT(fz_merkle_leaves_get(c, 6, 0, r), FZ_OK);
  CHECK_INT(fz_merkle_leaves_get(c, 64, 0, r), FZ_RANGE);
  CHECK_INT(fz_merkle_root(H, get, c, NMAX + 1, r), FZ_RANGE);
}

/* ---- the append stream ---- */

typedef struct seen {
  int count[8][NMAX];
  int wrong;      /* emitted hashes unlike the reference */
  int fail_after; /* emits to accept before failing; -1: never fail */
} seen;

static fz_err record(void *ctx, unsigned level, uint64_t index,
                     const uint8_t h[FZ_HASH_LEN]) {
  seen *s = ctx;
  if (s->fail_after == 0) return FZ_IO;
  if (s->fail_after > 0) s->fail_after--;
  uint64_t n = UINT64_C(1) << level;
  if (level >= 8 || (index + 1) * n > NMAX) {
    s->wrong++;
    return FZ_OK;
  }
  hash want;
  ref_root(FZ_HASH_SM3, rand_leaf + index * n, n, want);
  if (memcmp(want, h, FZ_HASH_LEN) != 0) s->wrong++;
  s->count[level][index]++;
  return FZ_OK;
}

static void stream_roots_and_emits(void) {
  rand_setup();
  seen *sn = calloc(1, sizeof *sn);
  if (!sn) return;
  sn->fail_after = -1;
  fz_merkle_stream s;
  fz_merkle_stream_init(&s, FZ_HASH_SM3);
  for (uint64_t n = 0; n <= NMAX; n++) {
    hash want, got;
    ref_root(FZ_HASH_SM3, rand_leaf, n, want);
    fz_merkle_stream_root(&s, got);
    CHECK(memcmp(want, got, FZ_HASH_LEN) == 0);
    CHECK_INT(s.size, n);
    CHECK_INT(s.depth, __builtin_popcountll(n));
    if (n < NMAX)
      CHECK_INT(fz_merkle_stream_push(&s, rand_leaf[n], record, sn), FZ_OK);
  }
  /* Each complete subtree of the 70 leaves, exactly once. */
  CHECK_INT(sn->wrong, 0);
  for (unsigned level = 0; level < 8; level++)
    for (uint64_t i = 0; i < NMAX; i++)
      CHECK_INT(sn->count[level][i], ((i + 1) << level) <= NMAX);
  free(sn);
}

static void stream_resume(void) {
  rand_setup();
  for (uint64_t start = 0; start <= NMAX; start++) {
    fz_merkle_stream s;
    counted c = {rand_tree, start, 0, 0};
    CHECK_INT(fz_merkle_stream_resume(&s, FZ_HASH_SM3, start, counted_get, &c),
              FZ_OK);
    CHECK_INT(c.calls, __builtin_popcountll(start));
    CHECK_INT(c.outside, 0);
    for (uint64_t n = start; n <= NMAX; n++) {
      hash want, got;
      ref_root(FZ_HASH_SM3, rand_leaf, n, want);
      fz_merkle_stream_root(&s, got);
      CHECK(memcmp(want, got, FZ_HASH_LEN) == 0);
      if (n < NMAX) CHECK_INT(fz_merkle_stream_push(&s, rand_leaf[n], NULL,
                                                    NULL),
                              FZ_OK);
    }
  }
  /* A failed resume leaves an empty stream. */
  fz_merkle_stream s;
  CHECK_INT(fz_merkle_stream_resume(&s, FZ_HASH_SM3, 5, failing_get, NULL),
            FZ_DB);
  CHECK_INT(s.size, 0);
  CHECK_INT(s.depth, 0);
  CHECK_INT(fz_merkle_stream_resume(&s, FZ_HASH_SM3, FZ_MERKLE_MAX_SIZE + 1,
                                    failing_get, NULL),
            FZ_RANGE);
  /* The largest tree takes no more leaves. */
  uniform u;
  uniform_init(&u, FZ_MERKLE_MAX_SIZE);
  CHECK_INT(fz_merkle_stream_resume(&s, FZ_HASH_SM3, FZ_MERKLE_MAX_SIZE - 1,
                                    uniform_get, &u),
            FZ_OK);
  CHECK_INT(s.depth, 63);
  CHECK_INT(fz_merkle_stream_push(&s, u.level[0], NULL, NULL), FZ_OK);
  CHECK_INT(s.depth, 1);
  hash r, want;
  fz_merkle_stream_root(&s, r);
  CHECK_INT(fz_merkle_root(FZ_HASH_SM3, uniform_get, &u, FZ_MERKLE_MAX_SIZE,
                           want),
            FZ_OK);
  CHECK(memcmp(r, want, FZ_HASH_LEN) == 0);
  CHECK_INT(fz_merkle_stream_push(&s, u.level[0], NULL, NULL), FZ_RANGE);
}

static void stream_emit_failure(void) {
  rand_setup();
  seen *sn = calloc(1, sizeof *sn);
  if (!sn) return;
  fz_merkle_stream s, before;
  fz_merkle_stream_init(&s, FZ_HASH_SM3);
  for (uint64_t n = 0; n < 16; n++) {
    /* Fail at each emit this leaf makes: the stream must stay as it was. */
    for (int k = 0; k <= __builtin_ctzll(~n); k++) {
      memcpy(&before, &s, sizeof s);
      sn->fail_after = k;
      CHECK_INT(fz_merkle_stream_push(&s, rand_leaf[n], record, sn), FZ_IO);
      CHECK(memcmp(&before, &s, sizeof s) == 0);
    }
    sn->fail_after = -1;
    CHECK_INT(fz_merkle_stream_push(&s, rand_leaf[n], record, sn), FZ_OK);
  }
  hash want, got;
  ref_root(FZ_HASH_SM3, rand_leaf, 16, want);
  fz_merkle_stream_root(&s, got);
  CHECK(memcmp(want, got, FZ_HASH_LEN) == 0);
  CHECK_INT(sn->wrong, 0);
  free(sn);
}

/* ---- hex lines ---- */

/* Reads text (fed in two parts, split at cut) into leaf hashes. */
static fz_err read_lines(fz_hash_alg alg, const char *text, size_t len,
                         size_t cut, hash *out, uint64_t *count,
                         fz_error *err) {
  fz_hexlines *p = NULL;
  fz_err rc = fz_hexlines_new(alg, &p);
  if (!rc) rc = fz_hexlines_feed(p, text, cut, err);
  if (!rc) rc = fz_hexlines_feed(p, text + cut, len - cut, err);
  if (!rc) rc = fz_hexlines_end(p, err);
  if (!rc) {
    fz_merkle_leaves l = fz_hexlines_leaves(p);
    *count = l.count;
    if (out) memcpy(out, l.hash, l.count * FZ_HASH_LEN);
  }
  fz_hexlines_free(p);
  return rc;
}

static void hexlines_reads_leaves(void) {
  ct_setup();
  const char *text =
      "\n00\n10\n2021\n3031\n40414243\r\n5051525354555657\n"
      "606162636465666768696A6B6C6D6E6F";
  for (size_t cut = 0; cut <= strlen(text); cut++) {
    hash got[8];
    uint64_t n = 0;
    CHECK_INT(read_lines(FZ_HASH_SHA256, text, strlen(text), cut, got, &n,
                         NULL),
              FZ_OK);
    CHECK_INT(n, 8);
    CHECK(memcmp(got, ct_hash, sizeof got) == 0);
  }
  /* Lines and leaves. */
  static const struct {
    const char *text;
    uint64_t leaves;
  } cases[] = {{"", 0},      {"\n", 1},     {"\n\n", 2}, {"\r\n", 1},
               {"ab", 1},    {"ab\n", 1},   {"ab\r", 1}, {"ab\n\n", 2},
               {"\r", 1},    {"aB\ncd", 2}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    uint64_t n = 99;
    const char *t = cases[i].text;
    CHECK_INT(read_lines(FZ_HASH_SM3, t, strlen(t), 0, NULL, &n, NULL), 0);
    CHECK_INT(n, cases[i].leaves);
  }
  hash a[2], b[2];
  uint64_t n;
  read_lines(FZ_HASH_SM3, "AbCd\r\n\r\n", 8, 3, a, &n, NULL);
  read_lines(FZ_HASH_SM3, "abcd\n\n", 6, 0, b, &n, NULL);
  CHECK(memcmp(a, b, sizeof a) == 0);
  hash abcd;
  fz_merkle_leaf_hash(FZ_HASH_SM3, "\xab\xcd", 2, abcd);
  CHECK(memcmp(a[0], abcd, FZ_HASH_LEN) == 0);
}

static void hexlines_errors(void) {
  static const struct {
    const char *text;
    fz_err code;
    const char *message;
  } cases[] = {
      {"abc\n", FZ_PARSE, "line 1: odd number of hex digits"},
      {"00\n\nabc", FZ_PARSE, "line 3: odd number of hex digits"},
      {"00\nzz\n", FZ_PARSE, "line 2, column 1: 'z' is not a hex digit"},
      {"0 0", FZ_PARSE, "line 1, column 2: byte 0x20 is not a hex digit"},
      {"00\n0x00", FZ_PARSE, "line 2, column 2: 'x' is not a hex digit"},
      {"\xe6\xb3\x95", FZ_PARSE,
       "line 1, column 1: byte 0xe6 is not a hex digit"},
      {"a\rb\n", FZ_PARSE,
       "line 1, column 2: a carriage return may only end a line"},
      {"ab\r\r\n", FZ_PARSE,
       "line 1, column 3: a carriage return may only end a line"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *t = cases[i].text;
    for (size_t cut = 0; cut <= strlen(t); cut++) {
      fz_error e;
      uint64_t n;
      CHECK_INT(read_lines(FZ_HASH_SM3, t, strlen(t), cut, NULL, &n, &e),
                cases[i].code);
      CHECK_STR(e.message, cases[i].message);
    }
  }
  /* A NUL byte is just a bad byte. */
  fz_error e;
  uint64_t n;
  CHECK_INT(read_lines(FZ_HASH_SM3, "00\0", 3, 0, NULL, &n, &e), FZ_PARSE);
  CHECK_STR(e.message, "line 1, column 3: byte 0x00 is not a hex digit");

  /* The first error sticks; input after the end is refused. */
  fz_hexlines *p = NULL;
  CHECK_INT(fz_hexlines_new(FZ_HASH_SM3, &p), FZ_OK);
  if (!p) return;
  CHECK_INT(fz_hexlines_feed(p, "00\nq", 4, &e), FZ_PARSE);
  CHECK_INT(fz_hexlines_feed(p, "00\n", 3, &e), FZ_PARSE);
  CHECK_INT(fz_hexlines_end(p, &e), FZ_PARSE);
  CHECK_STR(e.message, "line 2, column 1: 'q' is not a hex digit");
  CHECK_INT(fz_hexlines_leaves(p).count, 1);
  fz_hexlines_free(p);
  CHECK_INT(fz_hexlines_new(FZ_HASH_SM3, &p), FZ_OK);
  if (!p) return;
  CHECK_INT(fz_hexlines_feed(p, "00", 2, NULL), FZ_OK);
  CHECK_INT(fz_hexlines_end(p, NULL), FZ_OK);
  CHECK_INT(fz_hexlines_end(p, NULL), FZ_OK);
  CHECK_INT(fz_hexlines_leaves(p).count, 1);
  CHECK_INT(fz_hexlines_feed(p, "00", 2, &e), FZ_INVALID);
  CHECK_STR(e.message, "input after its end");
  fz_hexlines_free(p);
  fz_hexlines_free(NULL);
}

static void hexlines_leaf_limit(void) {
  size_t max = 2 * (size_t)FZ_HEXLINES_MAX_LEAF;
  char *t = malloc(max + 4);
  if (!t) return;
  memset(t, 'f', max + 4);
  t[max] = '\n';
  fz_error e;
  uint64_t n = 0;
  /* A leaf of the largest size, then one a byte too long. */
  CHECK_INT(read_lines(FZ_HASH_SM3, t, max + 1, 0, NULL, &n, &e), FZ_OK);
  CHECK_INT(n, 1);
  t[max] = 'f';
  CHECK_INT(read_lines(FZ_HASH_SM3, t, max + 2, max / 2, NULL, &n, &e),
            FZ_TOOBIG);
  CHECK_STR(e.message, "line 1: a leaf may have at most 1048576 bytes");
  free(t);
}

int main(void) {
  RUN(hash_primitives);
  RUN(hash_names);
  RUN(ct_roots_match);
  RUN(ct_inclusion_proofs);
  RUN(ct_consistency_proofs);
  RUN(sm3_roots);
  RUN(sm3_inclusion_every_index);
  RUN(sm3_consistency_every_size);
  RUN(huge_trees);
  RUN(range_errors);
  RUN(stream_roots_and_emits);
  RUN(stream_resume);
  RUN(stream_emit_failure);
  RUN(hexlines_reads_leaves);
  RUN(hexlines_errors);
  RUN(hexlines_leaf_limit);
  return TEST_END();
}
