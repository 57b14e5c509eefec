/* test_seal.c — sealed ID numbers: round trips, fresh IVs, every altered
 * bit and every cut refused, the wrong key refused, the blind index and its
 * normalisation, known answers computed with the openssl command, and the
 * key file (mode 0600, never overwritten, refused when readable by others
 * or malformed). */
#include "id/seal.h"
#include "test.h"
#include "testdir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>


/* The master key 00 01 02 … 1f. */
static fz_seal_key *counting_key(void) {
  unsigned char m[FZ_SEAL_KEY];
  for (int i = 0; i < FZ_SEAL_KEY; i++) m[i] = (unsigned char)i;
  fz_seal_key *k = NULL;
  fz_error e = {0};
  CHECK_INT(fz_seal_key_from_bytes(m, &k, &e), FZ_OK);
  return k;
}

static size_t unhex(const char *h, unsigned char *out) {
  size_t n = strlen(h) / 2;
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    sscanf(h + 2 * i, "%2x", &v);
    out[i] = (unsigned char)v;
  }
  return n;
}

static const char *ID = "11010519491231002X";

static void test_round_trip(void) {
  fz_seal_key *k = counting_key();
  if (!k) return;
  unsigned char s1[128], s2[128];
  size_t n1, n2, pl;
  char plain[64];
  fz_error e = {0};
  CHECK_INT(fz_seal(k, ID, strlen(ID), s1, sizeof s1, &n1, &e), FZ_OK);
  CHECK_INT(n1, 18 + FZ_SEAL_OVERHEAD);
  CHECK_INT(s1[0], 1);
  CHECK_INT(fz_unseal(k, s1, n1, plain, sizeof plain, &pl, &e), FZ_OK);
  CHECK_INT(pl, 18);
  CHECK_STR(plain, ID);
  /* The ciphertext is not the plaintext. */
  CHECK(memcmp(s1 + 17, ID, 18) != 0);

  /* A fresh IV each time: the seals differ, both open, the index agrees. */
  CHECK_INT(fz_seal(k, ID, strlen(ID), s2, sizeof s2, &n2, &e), FZ_OK);
  CHECK_INT(n2, n1);
  CHECK(memcmp(s1 + 1, s2 + 1, FZ_SEAL_IV) != 0);
  CHECK(memcmp(s1 + 17, s2 + 17, 18) != 0);
  CHECK_INT(fz_unseal(k, s2, n2, plain, sizeof plain, &pl, &e), FZ_OK);
  CHECK_STR(plain, ID);

  /* The empty value and binary values with NULs round-trip too. */
  CHECK_INT(fz_seal(k, "", 0, s1, sizeof s1, &n1, &e), FZ_OK);
  CHECK_INT(n1, FZ_SEAL_OVERHEAD);
  CHECK_INT(fz_unseal(k, s1, n1, plain, sizeof plain, &pl, &e), FZ_OK);
  CHECK_INT(pl, 0);
  CHECK_STR(plain, "");
  CHECK_INT(fz_seal(k, "a\0b", 3, s1, sizeof s1, &n1, &e), FZ_OK);
  CHECK_INT(fz_unseal(k, s1, n1, plain, sizeof plain, &pl, &e), FZ_OK);
  CHECK_INT(pl, 3);
  CHECK(memcmp(plain, "a\0b", 4) == 0);

  /* The longest plaintext allowed, and one byte more. */
  size_t big = FZ_SEAL_PLAIN_MAX + FZ_SEAL_OVERHEAD + 1;
  unsigned char *in = calloc(1, big), *sealed = malloc(big);
  char *back = malloc(big);
  if (in && sealed && back) {
    for (size_t i = 0; i < FZ_SEAL_PLAIN_MAX; i++) in[i] = (unsigned char)i;
    CHECK_INT(fz_seal(k, in, FZ_SEAL_PLAIN_MAX, sealed, big, &n1, &e), FZ_OK);
    CHECK_INT(fz_unseal(k, sealed, n1, back, big, &pl, &e), FZ_OK);
    CHECK_INT(pl, FZ_SEAL_PLAIN_MAX);
    CHECK(memcmp(in, back, pl) == 0);
    CHECK_INT(fz_seal(k, in, FZ_SEAL_PLAIN_MAX + 1, sealed, big, &n1, &e),
              FZ_TOOBIG);
    CHECK_INT(n1, 0);
  }
  free(in);
  free(sealed);
  free(back);
  fz_seal_key_free(k);
}

static void test_buffer_sizes(void) {
  fz_seal_key *k = counting_key();
  if (!k) return;
  unsigned char s[128];
  size_t n, pl;
  char plain[19];
  fz_error e = {0};
  /* Exactly enough room works; one byte less is refused. */
  CHECK_INT(fz_seal(k, ID, 18, s, 18 + FZ_SEAL_OVERHEAD - 1, &n, &e),
            FZ_TOOBIG);
  CHECK_INT(n, 0);
  CHECK_STR(e.field, "plain");
  CHECK_INT(fz_seal(k, ID, 18, s, 18 + FZ_SEAL_OVERHEAD, &n, &e), FZ_OK);
  CHECK_INT(fz_unseal(k, s, n, plain, 18, &pl, &e), FZ_TOOBIG);
  CHECK_STR(plain, "");
  CHECK_INT(pl, 0);
  CHECK_INT(fz_unseal(k, s, n, plain, 19, &pl, &e), FZ_OK);
  CHECK_STR(plain, ID);
  fz_seal_key_free(k);
}

/* Every single bit flipped, in the version, IV, ciphertext or tag, makes the
 * seal fail, and so does every shortening and lengthening. */
static void test_tampering(void) {
  fz_seal_key *k = counting_key();
  if (!k) return;
  unsigned char s[128], t[160];
  size_t n, pl;
  char plain[64];
  fz_error e = {0};
  CHECK_INT(fz_seal(k, ID, 18, s, sizeof s, &n, &e), FZ_OK);
  int accepted = 0;
  for (size_t i = 0; i < n * 8; i++) {
    memcpy(t, s, n);
    t[i / 8] ^= (unsigned char)(1u << (i % 8));
    memcpy(plain, "untouched", 10);
    fz_err rc = fz_unseal(k, t, n, plain, sizeof plain, &pl, &e);
    if (rc != FZ_INVALID || plain[0] || pl) accepted++;
  }
  CHECK_INT(accepted, 0);
  CHECK_STR(e.field, "sealed");
  CHECK_CONTAINS(e.message, "does not verify");
  /* The version byte is named as such. */
  memcpy(t, s, n);
  t[0] = 2;
  CHECK_INT(fz_unseal(k, t, n, plain, sizeof plain, &pl, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "unknown seal version 2");
  for (size_t len = 0; len < n; len++)
    if (fz_unseal(k, s, len, plain, sizeof plain, &pl, &e) != FZ_INVALID)
      accepted++;
  CHECK_INT(accepted, 0);
  memcpy(t, s, n);
  t[n] = 0;
  CHECK_INT(fz_unseal(k, t, n + 1, plain, sizeof plain, &pl, &e), FZ_INVALID);
  /* Tags of different seals are not interchangeable. */
  unsigned char s2[128];
  size_t n2;
  CHECK_INT(fz_seal(k, ID, 18, s2, sizeof s2, &n2, &e), FZ_OK);
  memcpy(t, s, n);
  memcpy(t + n - FZ_SEAL_TAG, s2 + n2 - FZ_SEAL_TAG, FZ_SEAL_TAG);
  CHECK_INT(fz_unseal(k, t, n, plain, sizeof plain, &pl, &e), FZ_INVALID);
  fz_seal_key_free(k);
}

static void test_wrong_key(void) {
  fz_seal_key *k = counting_key(), *other = NULL;
  unsigned char m[FZ_SEAL_KEY] = {0};
  fz_error e = {0};
  CHECK_INT(fz_seal_key_from_bytes(m, &other, &e), FZ_OK);
  if (!k || !other) return;
  unsigned char s[128], i1[FZ_SEAL_INDEX], i2[FZ_SEAL_INDEX];
  size_t n, pl;
  char plain[64];
  CHECK_INT(fz_seal(k, ID, 18, s, sizeof s, &n, &e), FZ_OK);
  CHECK_INT(fz_unseal(other, s, n, plain, sizeof plain, &pl, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "another key");
  CHECK_STR(plain, "");
  CHECK_INT(fz_seal_index(k, ID, i1, &e), FZ_OK);
  CHECK_INT(fz_seal_index(other, ID, i2, &e), FZ_OK);
  CHECK(memcmp(i1, i2, FZ_SEAL_INDEX) != 0);
  fz_seal_key_free(k);
  fz_seal_key_free(other);
  fz_seal_key_free(NULL);
}

static void test_index(void) {
  fz_seal_key *k = counting_key();
  if (!k) return;
  unsigned char a[FZ_SEAL_INDEX], b[FZ_SEAL_INDEX], c[FZ_SEAL_INDEX];
  fz_error e = {0};
  CHECK_INT(fz_seal_index(k, ID, a, &e), FZ_OK);
  CHECK_INT(fz_seal_index(k, " 11010519491231002x\t", b, &e), FZ_OK);
  CHECK(memcmp(a, b, sizeof a) == 0);
  CHECK_INT(fz_seal_index(k, "\xE3\x80\x80" "11010519491231002X" "\xE3\x80\x80",
                          b, &e), FZ_OK);
  CHECK(memcmp(a, b, sizeof a) == 0);
  CHECK_INT(fz_seal_index(k, "110105194912310029", c, &e), FZ_OK);
  CHECK(memcmp(a, c, sizeof a) != 0);
  /* The index is not the MAC of a seal: different keys. */
  unsigned char s[128];
  size_t n;
  CHECK_INT(fz_seal(k, ID, 18, s, sizeof s, &n, &e), FZ_OK);
  CHECK(memcmp(a, s + n - FZ_SEAL_TAG, sizeof a) != 0);

  CHECK_INT(fz_seal_index(k, NULL, c, &e), FZ_INVALID);
  CHECK_INT(fz_seal_index(k, " \t\xE3\x80\x80", c, &e), FZ_INVALID);
  CHECK_STR(e.field, "plain");
  /* A long value (beyond the stack copy) works. */
  char longv[300];
  memset(longv, 'a', sizeof longv - 1);
  longv[sizeof longv - 1] = '\0';
  CHECK_INT(fz_seal_index(k, longv, b, &e), FZ_OK);
  memset(longv, 'A', sizeof longv - 1);
  CHECK_INT(fz_seal_index(k, longv, c, &e), FZ_OK);
  CHECK(memcmp(b, c, sizeof b) == 0);
  fz_seal_key_free(k);
}

/* Known answers, for the master key 000102…1f, computed outside this code:
 *
 *   M=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
 *   openssl kdf -keylen 16 -kdfopt digest:SM3 -kdfopt hexkey:$M \
 *       -kdfopt info:"fazhi id seal enc v1" HKDF        -> ENC
 *   (the same with -keylen 32 and "… mac v1" -> MAC, "… index v1" -> IDX)
 *   printf 11010519491231002X | openssl mac -digest SM3 \
 *       -macopt hexkey:$IDX HMAC                          -> the index
 *   IV=f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff
 *   printf 11010519491231002X | openssl enc -sm4-ctr -K $ENC -iv $IV -> CT
 *   (printf '\x01'; echo -n $IV$CT | xxd -r -p) | openssl mac -digest SM3 \
 *       -macopt hexkey:$MAC HMAC                          -> the tag
 *
 * (OpenSSL 3.0.19; the derived keys were also checked against RFC 5869 HKDF
 * written out in Python over hashlib's SM3.)  ENC is
 * 5354b8e8516b654b8d476f395e8a0c0b. */
static void test_known_answers(void) {
  fz_seal_key *k = counting_key();
  if (!k) return;
  unsigned char want[FZ_SEAL_INDEX], got[FZ_SEAL_INDEX];
  fz_error e = {0};
  unhex("8f158aa8c0acb0ffe8b283b65855ab5cf5944468ca939d6c829320f32e975155",
        want);
  CHECK_INT(fz_seal_index(k, ID, got, &e), FZ_OK);
  CHECK(memcmp(want, got, sizeof got) == 0);

  unsigned char sealed[128];
  size_t n = unhex("01"
                   "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
                   "c238a512e896d6be62eb67d2e3fb465ab8cf"
                   "0ae6b8558ddc30e5b74613b40d014adc"
                   "3d0ffc5f8bb1f713a35992b5164fe06b",
                   sealed);
  CHECK_INT(n, 18 + FZ_SEAL_OVERHEAD);
  char plain[64];
  size_t pl;
  CHECK_INT(fz_unseal(k, sealed, n, plain, sizeof plain, &pl, &e), FZ_OK);
  CHECK_STR(plain, ID);
  fz_seal_key_free(k);
}

static void write_file(const char *path, const char *text, mode_t mode) {
  unlink(path);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) return;
  if (write(fd, text, strlen(text)) < 0) perror("write");
  fchmod(fd, mode);
  close(fd);
}

static void test_key_file(void) {
  char path[512];
  fz_error e = {0};
  tmp_path(path, "seal.key");
  mode_t old = umask(0);
  CHECK_INT(fz_seal_key_create(path, &e), FZ_OK);
  umask(old);
  struct stat st;
  CHECK_INT(stat(path, &st), 0);
  CHECK_INT(st.st_mode & 07777, 0600);
  CHECK_INT(st.st_size, 65);
  /* A second create refuses, and leaves the first key as it was. */
  char before[66] = {0}, after[66] = {0};
  FILE *f = fopen(path, "r");
  if (f) {
    CHECK_INT(fread(before, 1, 65, f), 65);
    fclose(f);
  }
  CHECK(before[64] == '\n');
  CHECK_INT(fz_seal_key_create(path, &e), FZ_EXISTS);
  CHECK_STR(e.field, "path");
  CHECK_CONTAINS(e.message, "refusing to overwrite");
  f = fopen(path, "r");
  if (f) {
    CHECK_INT(fread(after, 1, 65, f), 65);
    fclose(f);
  }
  CHECK_STR(before, after);

  /* The loaded key opens what it sealed, and a reload opens it too. */
  fz_seal_key *k = NULL, *k2 = NULL;
  CHECK_INT(fz_seal_key_load(path, &k, &e), FZ_OK);
  CHECK_INT(fz_seal_key_load(path, &k2, &e), FZ_OK);
  if (k && k2) {
    unsigned char s[128];
    size_t n, pl;
    char plain[64];
    CHECK_INT(fz_seal(k, ID, 18, s, sizeof s, &n, &e), FZ_OK);
    CHECK_INT(fz_unseal(k2, s, n, plain, sizeof plain, &pl, &e), FZ_OK);
    CHECK_STR(plain, ID);
  }
  fz_seal_key_free(k);
  fz_seal_key_free(k2);

  /* The file is what the test's own key gives: hex of 00 01 … 1f. */
  write_file(path, "000102030405060708090A0B0C0D0E0F"
                   "101112131415161718191a1b1c1d1e1f\n", 0600);
  CHECK_INT(fz_seal_key_load(path, &k, &e), FZ_OK);
  if (k) {
    unsigned char want[FZ_SEAL_INDEX], got[FZ_SEAL_INDEX];
    unhex("8f158aa8c0acb0ffe8b283b65855ab5cf5944468ca939d6c829320f32e975155",
          want);
    CHECK_INT(fz_seal_index(k, ID, got, &e), FZ_OK);
    CHECK(memcmp(want, got, sizeof got) == 0);
  }
  fz_seal_key_free(k);
  /* Without the newline is accepted too. */
  write_file(path, "000102030405060708090a0b0c0d0e0f"
                   "101112131415161718191a1b1c1d1e1f", 0600);
  CHECK_INT(fz_seal_key_load(path, &k, &e), FZ_OK);
  fz_seal_key_free(k);
  unlink(path);
}

static void test_key_file_errors(void) {
  char path[512];
  fz_error e = {0};
  fz_seal_key *k = (fz_seal_key *)1;
  const char *good = "000102030405060708090a0b0c0d0e0f"
                     "101112131415161718191a1b1c1d1e1f\n";

  CHECK_INT(fz_seal_key_load(tmp_path(path, "missing.key"), &k, &e),
            FZ_NOTFOUND);
  CHECK(k == NULL);
  CHECK_STR(e.field, "path");

  /* Readable by group or others: refused, saying how to fix it. */
  mode_t modes[] = {0644, 0640, 0604, 0660, 0602, 0610};
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
    write_file(tmp_path(path, "open.key"), good, modes[i]);
    CHECK_INT(fz_seal_key_load(path, &k, &e), FZ_INVALID);
    CHECK(k == NULL);
  }
  write_file(path, good, 0644);
  CHECK_INT(fz_seal_key_load(path, &k, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "has mode 0644");
  CHECK_CONTAINS(e.message, "must not be accessible by group or others");
  CHECK_CONTAINS(e.message, "chmod 600");
  /* 0400 is fine. */
  write_file(path, good, 0400);
  CHECK_INT(fz_seal_key_load(path, &k, &e), FZ_OK);
  fz_seal_key_free(k);
  unlink(path);

  /* A folder is not a key file. */
  CHECK_INT(fz_seal_key_load(tmpdir, &k, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "not a regular file");

  /* Malformed contents. */
  struct {
    const char *text, *why;
  } bad[] = {
      {"", "not 0 bytes"},
      {"00010203\n", "not 9 bytes"},
      {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1\n",
       "character 64 of key file"},
      {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0\n",
       "not over 65 bytes"},
      {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n\n",
       "not over 65 bytes"},
      {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\r\n",
       "not over 65 bytes"},
      {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f ",
       "not 65 bytes"},
      {"0g0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
       "character 2 of key file"},
      {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1 \n",
       "character 64 of key file"},
      {"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END "
       "PRIVATE KEY-----\n",
       "not over 65 bytes"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    write_file(tmp_path(path, "bad.key"), bad[i].text, 0600);
    k = (fz_seal_key *)1;
    CHECK_INT(fz_seal_key_load(path, &k, &e), FZ_PARSE);
    CHECK(k == NULL);
    CHECK_CONTAINS(e.message, bad[i].why);
  }
  CHECK_CONTAINS(e.message, "64 hex digits and a newline");
  unlink(path);

  /* No folder to create the key in. */
  CHECK_INT(fz_seal_key_create(tmp_path(path, "nodir/seal.key"), &e), FZ_IO);
  CHECK_STR(e.field, "path");
}

/* Nothing but the key files the tests made is left behind (no temporary
 * files from fz_seal_key_create). */
static void test_no_leftovers(void) {
  CHECK_INT(tmpdir_leftovers(), 0);
}

int main(void) {
  if (tmpdir_make("fz_seal")) return 1;
  RUN(test_round_trip);
  RUN(test_buffer_sizes);
  RUN(test_tampering);
  RUN(test_wrong_key);
  RUN(test_index);
  RUN(test_known_answers);
  RUN(test_key_file);
  RUN(test_key_file_errors);
  RUN(test_no_leftovers);
  tmpdir_remove();
  return TEST_END();
}
