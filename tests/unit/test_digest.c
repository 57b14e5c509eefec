/* test_digest.c — core/digest: known answers for SM3 (GB/T 32905-2016's
 * examples) and SHA-256 (FIPS 180-2), and the same hash as OpenSSL's EVP
 * for many lengths cut into pieces at random places, and over files. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/digest.h"
#include "test.h"

static void hex(const uint8_t *h, char out[65]) {
  for (int i = 0; i < 32; i++) {
    out[2 * i] = "0123456789abcdef"[h[i] >> 4];
    out[2 * i + 1] = "0123456789abcdef"[h[i] & 15];
  }
  out[64] = 0;
}

static void test_known_answers(void) {
  uint8_t h[32];
  char x[65];
  fz_bytes abc = {"abc", 3};
  CHECK(fz_digest(FZ_HASH_SM3, &abc, 1, h));
  hex(h, x);
  CHECK_STR(x, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  /* The standard's second example: "abcd" sixteen times, in pieces. */
  fz_bytes abcd[2] = {{"abcdabcdabcdabcdabcdabcdabcdabcd", 32},
                      {"abcdabcdabcdabcdabcdabcdabcdabcd", 32}};
  CHECK(fz_digest(FZ_HASH_SM3, abcd, 2, h));
  hex(h, x);
  CHECK_STR(x, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
  CHECK(fz_digest(FZ_HASH_SHA256, &abc, 1, h));
  hex(h, x);
  CHECK_STR(x, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  /* No pieces, and one empty piece, are both the empty message. */
  CHECK(fz_digest(FZ_HASH_SM3, NULL, 0, h));
  hex(h, x);
  CHECK_STR(x, "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
  fz_bytes empty = {"", 0};
  CHECK(fz_digest(FZ_HASH_SHA256, &empty, 1, h));
  hex(h, x);
  CHECK_STR(x, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_refusals(void) {
  uint8_t h[32];
  memset(h, 0xaa, sizeof h);
  fz_bytes abc = {"abc", 3};
  CHECK(!fz_digest((fz_hash_alg)99, &abc, 1, h));
  int zero = 1;
  for (int i = 0; i < 32; i++) zero &= h[i] == 0;
  CHECK(zero);
  CHECK(!fz_digest(FZ_HASH_SM3, &abc, FZ_DIGEST_MAX_PIECES + 1, h));
  CHECK(!fz_digest(FZ_HASH_SM3, &abc, -1, h));
  CHECK(!fz_digest_available((fz_hash_alg)0));
  CHECK(fz_digest_available(FZ_HASH_SM3));
  CHECK(fz_digest_available(FZ_HASH_SHA256));
}

/* The hashes of every length 0..600 (and a few long ones), each cut into
 * up to four pieces, agree with OpenSSL's. */
static void test_same_as_openssl(void) {
  enum { MAX = 70000 };
  uint8_t *buf = malloc(MAX);
  CHECK(buf != NULL);
  if (!buf) return;
  srand(7);
  for (int i = 0; i < MAX; i++) buf[i] = (uint8_t)rand();
  const char *names[2] = {"SM3", "SHA2-256"};
  fz_hash_alg algs[2] = {FZ_HASH_SM3, FZ_HASH_SHA256};
  int mismatches = 0, cases = 0;
  for (int a = 0; a < 2; a++) {
    EVP_MD *md = EVP_MD_fetch(NULL, names[a], NULL);
    CHECK(md != NULL);
    if (!md) continue;
    for (size_t len = 0; len < MAX; len += len < 600 ? 1 : 9973) {
      uint8_t mine[32], theirs[32];
      unsigned int n = 0;
      CHECK(EVP_Digest(buf, len, theirs, &n, md, NULL) && n == 32);
      size_t c1 = len ? (size_t)rand() % (len + 1) : 0;
      size_t c2 = c1 + (len - c1 ? (size_t)rand() % (len - c1 + 1) : 0);
      fz_bytes piece[4] = {{buf, c1}, {buf + c1, c2 - c1}, {buf + c2, len - c2},
                           {"", 0}};
      /* An empty fourth piece for odd lengths. */
      fz_digest(algs[a], piece, len % 2 ? 4 : 3, mine);
      mismatches += memcmp(mine, theirs, 32) != 0;
      cases++;
    }
    EVP_MD_free(md);
  }
  CHECK(cases > 1200);
  CHECK_INT(mismatches, 0);
  free(buf);
}

/* A file's digest, read to its end in 64 KiB reads: empty, shorter than
 * one read, exactly one, and across several with a tail; each as OpenSSL
 * hashes the same bytes.  A read error is refused. */
static void test_files(void) {
  enum { MAX = 200003 };
  uint8_t *buf = malloc(MAX);
  CHECK(buf != NULL);
  if (!buf) return;
  for (int i = 0; i < MAX; i++) buf[i] = (uint8_t)(i * 131 + (i >> 9));
  size_t lens[] = {0, 3, 65536, MAX};
  for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) break;
    CHECK(fwrite(buf, 1, lens[k], f) == lens[k]);
    rewind(f);
    uint8_t mine[32], theirs[32];
    unsigned int n = 0;
    CHECK(fz_digest_file(FZ_HASH_SM3, f, mine));
    CHECK(EVP_Digest(buf, lens[k], theirs, &n, EVP_sm3(), NULL) && n == 32);
    CHECK(memcmp(mine, theirs, 32) == 0);
    /* Read to its end already: what is left is the empty message. */
    CHECK(fz_digest_file(FZ_HASH_SHA256, f, mine));
    char x[65];
    hex(mine, x);
    CHECK_STR(x, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    fclose(f);
  }
  /* A directory opens for reading but fails the first read. */
  FILE *dir = fopen("/", "r");
  CHECK(dir != NULL);
  if (dir) {
    uint8_t h[32];
    memset(h, 0xaa, sizeof h);
    CHECK(!fz_digest_file(FZ_HASH_SM3, dir, h));
    CHECK(h[0] == 0 && h[31] == 0);
    CHECK(!fz_digest_file((fz_hash_alg)99, dir, h));
    fclose(dir);
  }
  free(buf);
}

int main(void) {
  RUN(test_known_answers);
  RUN(test_refusals);
  RUN(test_same_as_openssl);
  RUN(test_files);
  return TEST_END();
}
