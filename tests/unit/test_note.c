/* test_note.c — SM2 and Ed25519 keys, C2SP signed notes, checkpoints and
 * verifier key strings, including Go's sumdb/note example as an outside
 * reference and OpenSSL's own SM2 verification. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ledger/note.h"
#include "test.h"

static char tmpdir[256];

/* path of a file in this run's folder, in buf[512]. */
static const char *tmp_path(char *buf, const char *name) {
  snprintf(buf, 512, "%s/%s", tmpdir, name);
  return buf;
}

/* The note of text signed by s as name, NUL-terminated in *b. */
static fz_err sign_text(fz_buf *b, const char *text, const fz_signer *s,
                        const char *name) {
  fz_buf_init(b, 0);
  return fz_note_sign(text, strlen(text), s, name, b, NULL);
}

/* Parses note and verifies it against k, filling err. */
static fz_err open_note(const char *note, size_t len, const fz_note_key *k,
                        fz_error *err) {
  fz_note *n;
  fz_err rc = fz_note_parse(note, len, &n, err);
  if (rc) return rc;
  rc = fz_note_verify(n, k, err);
  fz_note_free(n);
  return rc;
}

static fz_note_key *key_of(const fz_signer *s, const char *name) {
  fz_verifier *v = NULL;
  fz_note_key *k = NULL;
  fz_signer_verifier(s, &v, NULL);
  if (v) fz_note_key_new(name, v, &k, NULL);
  fz_verifier_free(v);
  return k;
}

static fz_err parse_err(const char *note, fz_error *err) {
  fz_note *n = NULL;
  fz_err rc = fz_note_parse(note, strlen(note), &n, err);
  fz_note_free(n);
  return rc;
}

/* ---- Go's sumdb/note example (golang.org/x/mod/sumdb/note doc) ---------- */

static const char GO_VKEY[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char GO_TEXT[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
static const char GO_NOTE[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUg"
    "YN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
/* The Ed25519 seed of Go's PRIVATE+KEY+PeterNeumann+c74f20a3+AYEK… */
static const uint8_t GO_SEED[32] = {
    0x81, 0x0a, 0x14, 0x02, 0xd5, 0x14, 0x6c, 0x8d, 0x84, 0xf2, 0x44,
    0x33, 0x30, 0xf5, 0x40, 0x80, 0xeb, 0xf9, 0x8e, 0xe1, 0x7d, 0x9c,
    0x74, 0xf6, 0x25, 0x2f, 0xc5, 0xd5, 0xc7, 0x28, 0x31, 0x73};
static const uint8_t GO_PUB[32] = {
    0x1a, 0x5c, 0xd9, 0x07, 0x14, 0x3c, 0x38, 0x4c, 0x41, 0xe8, 0x30,
    0xc5, 0xbc, 0xe1, 0x2a, 0xa8, 0x81, 0x7e, 0xc5, 0x64, 0x9a, 0xaa,
    0xbf, 0x2c, 0x31, 0x38, 0x8b, 0x35, 0xb2, 0xd7, 0x44, 0xd6};

static void test_key_id_by_hand(void) {
  /* SHA-256("PeterNeumann" ‖ 0x0A ‖ 0x01 ‖ GO_PUB), computed separately
   * (Python hashlib): c74f20a396cc785cf0db7fd5e83a8334c7f4f2ea8da9e5a3c7a1e634
   * 4af9d6bf.  The key ID is its first four bytes. */
  uint8_t in[13 + 1 + 32], h[32];
  memcpy(in, "PeterNeumann\n", 13);
  in[13] = 0x01;
  memcpy(in + 14, GO_PUB, 32);
  unsigned hl = 0;
  EVP_Digest(in, sizeof in, h, &hl, EVP_sha256(), NULL);
  CHECK_INT(h[0], 0xc7);
  CHECK_INT(h[31], 0xbf);

  fz_verifier *v;
  fz_note_key *k;
  CHECK_INT(fz_verifier_from_raw(FZ_SIG_ED25519, GO_PUB, 32, &v, NULL), FZ_OK);
  CHECK_INT(fz_note_key_new("PeterNeumann", v, &k, NULL), FZ_OK);
  CHECK_INT(fz_note_key_id(k), 0xc74f20a3);
  fz_buf b;
  fz_buf_init(&b, 0);
  fz_note_key_format(k, &b);
  CHECK_STR(b.data, GO_VKEY);
  fz_buf_free(&b);
  fz_note_key_free(k);
  fz_verifier_free(v);
}

/* SM2's key ID hashes 0xff ‖ "fz-sm2-sm3" ‖ 04 ‖ X ‖ Y. */
static void test_key_id_sm2(void) {
  fz_signer *s;
  fz_verifier *v;
  fz_note_key *k;
  CHECK_INT(fz_signer_generate(FZ_SIG_SM2, &s, NULL), FZ_OK);
  fz_signer_verifier(s, &v, NULL);
  fz_note_key_new("gov.example/ledger", v, &k, NULL);
  uint8_t in[64 + 76], h[32];
  size_t n = 0;
  memcpy(in, "gov.example/ledger\n\xff" "fz-sm2-sm3", 30);
  n = 30;
  n += fz_verifier_raw(v, in + n);
  CHECK_INT(n, 30 + 65);
  CHECK_INT(in[30], 0x04);
  unsigned hl = 0;
  EVP_Digest(in, n, h, &hl, EVP_sha256(), NULL);
  CHECK_INT(fz_note_key_id(k), (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
                                   (uint32_t)h[2] << 8 | h[3]);
  fz_note_key_free(k);
  fz_verifier_free(v);
  fz_signer_free(s);
}

static void test_go_note_verifies(void) {
  fz_note_key *k;
  fz_error err;
  CHECK_INT(fz_note_key_parse(GO_VKEY, &k, &err), FZ_OK);
  CHECK_STR(fz_note_key_name(k), "PeterNeumann");
  CHECK_INT(open_note(GO_NOTE, strlen(GO_NOTE), k, &err), FZ_OK);
  fz_note *n;
  CHECK_INT(fz_note_parse(GO_NOTE, strlen(GO_NOTE), &n, NULL), FZ_OK);
  size_t len;
  CHECK_STR(fz_note_text(n, &len), GO_TEXT);
  CHECK_INT(len, strlen(GO_TEXT));
  CHECK_INT(fz_note_sig_count(n), 1);
  CHECK_STR(fz_note_sig_at(n, 0)->name, "PeterNeumann");
  CHECK_INT(fz_note_sig_at(n, 0)->key_id, 0xc74f20a3);
  CHECK_INT(fz_note_sig_at(n, 0)->sig_len, 64);
  CHECK(fz_note_sig_at(n, 1) == NULL);
  fz_note_free(n);

  char bad[sizeof GO_NOTE];
  memcpy(bad, GO_NOTE, sizeof GO_NOTE);
  bad[15] = 'Y'; /* cryptographY */
  CHECK_INT(open_note(bad, strlen(bad), k, &err), FZ_INVALID);
  fz_note_key_free(k);
}

/* Ed25519 is deterministic: our note from Go's key is Go's note. */
static void test_go_note_reproduced(void) {
  char path[512];
  tmp_path(path, "go.pem");
  EVP_PKEY *pk =
      EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, GO_SEED, 32);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  CHECK(pk && f && PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL));
  if (f) fclose(f);
  EVP_PKEY_free(pk);

  fz_signer *s = NULL;
  CHECK_INT(fz_signer_load(path, FZ_SIG_ED25519, &s, NULL), FZ_OK);
  if (!s) return;
  fz_buf b;
  CHECK_INT(sign_text(&b, GO_TEXT, s, "PeterNeumann"), FZ_OK);
  CHECK_STR(b.data, GO_NOTE);
  fz_buf_free(&b);
  fz_signer_free(s);
}

/* ---- Round trips and failures -------------------------------------------- */

static void round_trip(fz_sig_alg alg) {
  const char *text = "gov.example/ledger\n42\n"
                     "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
  fz_signer *s, *other;
  CHECK_INT(fz_signer_generate(alg, &s, NULL), FZ_OK);
  CHECK_INT(fz_signer_generate(alg, &other, NULL), FZ_OK);
  CHECK_INT(fz_signer_alg(s), alg);
  fz_note_key *k = key_of(s, "gov.example/ledger");
  fz_note_key *k_other = key_of(other, "gov.example/ledger");
  fz_note_key *k_name = key_of(s, "gov.example/other");
  fz_buf b;
  fz_error err;
  CHECK_INT(sign_text(&b, text, s, "gov.example/ledger"), FZ_OK);
  CHECK_INT(open_note(b.data, b.len, k, &err), FZ_OK);

  /* The text was altered. */
  char *t = strdup(b.data);
  CHECK(t != NULL);
  if (!t) return;
  t[strlen("gov.example/ledger\n")] = '5';
  CHECK_INT(open_note(t, b.len, k, &err), FZ_INVALID);
  CHECK_CONTAINS(err.message, "does not verify");

  /* The signature was altered: one base64 digit well past the key ID. */
  memcpy(t, b.data, b.len + 1);
  char *c = strrchr(t, ' ') + 12;
  *c = *c == 'A' ? 'B' : 'A';
  CHECK_INT(open_note(t, b.len, k, &err), FZ_INVALID);
  CHECK_CONTAINS(err.message, "does not verify");

  /* The same name with another key: its key ID differs. */
  CHECK_INT(open_note(b.data, b.len, k_other, &err), FZ_NOTFOUND);
  CHECK_CONTAINS(err.message, "another key named gov.example/ledger");

  /* The right key under another name. */
  CHECK_INT(open_note(b.data, b.len, k_name, &err), FZ_NOTFOUND);
  CHECK_CONTAINS(err.message, "no signature by key gov.example/other");

  /* A cosigned note: each key finds its own line, ignoring the other. */
  fz_buf b2;
  CHECK_INT(sign_text(&b2, text, other, "witness.example/w1"), FZ_OK);
  fz_buf both;
  fz_buf_init(&both, 0);
  fz_buf_append(&both, b.data, b.len);
  fz_buf_puts(&both, strstr(b2.data, "\n\n") + 2); /* b2's signature line */
  fz_note_key *k_w = key_of(other, "witness.example/w1");
  CHECK_INT(open_note(both.data, both.len, k, &err), FZ_OK);
  CHECK_INT(open_note(both.data, both.len, k_w, &err), FZ_OK);

  free(t);
  fz_buf_free(&b);
  fz_buf_free(&b2);
  fz_buf_free(&both);
  fz_note_key_free(k);
  fz_note_key_free(k_other);
  fz_note_key_free(k_name);
  fz_note_key_free(k_w);
  fz_signer_free(s);
  fz_signer_free(other);
}

static void test_round_trip_sm2(void) { round_trip(FZ_SIG_SM2); }
static void test_round_trip_ed25519(void) { round_trip(FZ_SIG_ED25519); }

static void test_sign_rejects(void) {
  fz_signer *s;
  fz_signer_generate(FZ_SIG_ED25519, &s, NULL);
  fz_buf b;
  fz_error err;
  CHECK_INT(sign_text(&b, "no newline", s, "k"), FZ_INVALID);
  fz_buf_free(&b);
  CHECK_INT(sign_text(&b, "", s, "k"), FZ_INVALID);
  fz_buf_free(&b);
  CHECK_INT(sign_text(&b, "ok\n", s, "a+b"), FZ_INVALID);
  fz_buf_free(&b);
  CHECK_INT(sign_text(&b, "ok\n", s, "a b"), FZ_INVALID);
  fz_buf_free(&b);
  fz_buf_init(&b, 0);
  CHECK_INT(fz_note_sign("tab\there\n", 9, s, "k", &b, &err), FZ_INVALID);
  CHECK_CONTAINS(err.message, "control character 0x09");
  fz_buf_free(&b);
  /* Blank lines inside the text are allowed (signed-note §Format). */
  CHECK_INT(sign_text(&b, "a\n\nb\n", s, "k"), FZ_OK);
  fz_note *n;
  CHECK_INT(fz_note_parse(b.data, b.len, &n, NULL), FZ_OK);
  CHECK_STR(fz_note_text(n, NULL), "a\n\nb\n");
  fz_note_free(n);
  fz_buf_free(&b);
  fz_signer_free(s);
}

/* ---- Key files ------------------------------------------------------------ */

static int count_files(void) {
  DIR *d = opendir(tmpdir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.';
  if (d) closedir(d);
  return n;
}

static void key_file(fz_sig_alg alg, const char *name) {
  char path[512];
  tmp_path(path, name);
  int before = count_files();
  fz_signer *s, *s2 = NULL, *s3;
  fz_error err;
  fz_signer_generate(alg, &s, NULL);
  CHECK_INT(fz_signer_save(s, path, &err), FZ_OK);
  struct stat st;
  CHECK_INT(stat(path, &st), 0);
  CHECK_INT(st.st_mode & 07777, 0600);
  CHECK_INT(count_files(), before + 1); /* no temporary file left behind */

  /* Loading gives the same key: its signature verifies with the old key. */
  CHECK_INT(fz_signer_load(path, 0, &s2, &err), FZ_OK);
  if (s2) {
    fz_note_key *k = key_of(s, "k");
    fz_buf b;
    CHECK_INT(fz_signer_alg(s2), alg);
    CHECK_INT(sign_text(&b, "x\n", s2, "k"), FZ_OK);
    CHECK_INT(open_note(b.data, b.len, k, NULL), FZ_OK);
    fz_buf_free(&b);
    fz_note_key_free(k);
  }

  /* Never overwrite a key. */
  fz_signer_generate(alg, &s3, NULL);
  CHECK_INT(fz_signer_save(s3, path, &err), FZ_EXISTS);
  CHECK_CONTAINS(err.message, "refusing to overwrite");
  CHECK_INT(count_files(), before + 1);

  /* The wrong algorithm. */
  fz_signer *none = NULL;
  fz_sig_alg wrong = alg == FZ_SIG_SM2 ? FZ_SIG_ED25519 : FZ_SIG_SM2;
  CHECK_INT(fz_signer_load(path, wrong, &none, &err), FZ_TYPE);
  CHECK(none == NULL);

  /* A key others can read. */
  chmod(path, 0644);
  CHECK_INT(fz_signer_load(path, alg, &none, &err), FZ_INVALID);
  CHECK_CONTAINS(err.message, "mode 0644");
  CHECK(none == NULL);
  chmod(path, 0640);
  CHECK_INT(fz_signer_load(path, alg, &none, &err), FZ_INVALID);
  CHECK_CONTAINS(err.message, "mode 0640");

  fz_signer_free(s);
  fz_signer_free(s2);
  fz_signer_free(s3);
}

static void test_key_file_sm2(void) { key_file(FZ_SIG_SM2, "sm2.pem"); }
static void test_key_file_ed25519(void) { key_file(FZ_SIG_ED25519, "ed.pem"); }

static void write_file(const char *path, const char *text, mode_t mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd >= 0) {
    CHECK_INT(write(fd, text, strlen(text)), (long long)strlen(text));
    close(fd);
  }
  chmod(path, mode);
}

static void test_key_file_errors(void) {
  char path[512];
  fz_signer *s = NULL;
  fz_error err;
  CHECK_INT(fz_signer_load(tmp_path(path, "missing.pem"), 0, &s, &err),
            FZ_NOTFOUND);
  write_file(tmp_path(path, "junk.pem"), "not a key\n", 0600);
  CHECK_INT(fz_signer_load(path, 0, &s, &err), FZ_PARSE);

  /* A P-256 key is a valid PEM key of the wrong algorithm. */
  EVP_PKEY *p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  int fd = open(tmp_path(path, "p256.pem"), O_WRONLY | O_CREAT | O_EXCL, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  CHECK(f && PEM_write_PrivateKey(f, p256, NULL, NULL, 0, NULL, NULL));
  if (f) fclose(f);
  EVP_PKEY_free(p256);
  CHECK_INT(fz_signer_load(path, 0, &s, &err), FZ_UNSUPPORTED);
  CHECK_CONTAINS(err.message, "SM2 or Ed25519");

  write_file(tmp_path(path, "enc.pem"),
             "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
             "-----END ENCRYPTED PRIVATE KEY-----\n", 0600);
  CHECK_INT(fz_signer_load(path, 0, &s, &err), FZ_UNSUPPORTED);
  CHECK_CONTAINS(err.message, "encrypted");
  CHECK(s == NULL);

  /* Saving into a missing folder. */
  fz_signer_generate(FZ_SIG_ED25519, &s, NULL);
  CHECK_INT(fz_signer_save(s, tmp_path(path, "nodir/k.pem"), &err), FZ_IO);
  fz_signer_free(s);
}

static void pem_round_trip(fz_sig_alg alg) {
  fz_signer *s;
  fz_verifier *v, *v2 = NULL, *v3 = NULL;
  fz_signer_generate(alg, &s, NULL);
  fz_signer_verifier(s, &v, NULL);
  fz_buf pem;
  fz_buf_init(&pem, 0);
  CHECK_INT(fz_verifier_to_pem(v, &pem), FZ_OK);
  CHECK(strstr(pem.data, "-----BEGIN PUBLIC KEY-----") == pem.data);
  CHECK_INT(fz_verifier_from_pem(pem.data, pem.len, alg, &v2, NULL), FZ_OK);
  CHECK(v2 && fz_verifier_equal(v, v2));
  fz_error err;
  CHECK_INT(fz_verifier_from_pem(pem.data, pem.len,
                                 alg == FZ_SIG_SM2 ? FZ_SIG_ED25519 : FZ_SIG_SM2,
                                 &v3, &err),
            FZ_TYPE);
  CHECK_INT(fz_verifier_from_pem("junk", 4, 0, &v3, &err), FZ_PARSE);

  /* Raw bytes round trip, and a signature made by s verifies with v2. */
  uint8_t raw[FZ_PUBKEY_MAX], sig[FZ_SIG_MAX];
  size_t n = fz_verifier_raw(v2, raw), sl;
  CHECK_INT(n, alg == FZ_SIG_SM2 ? 65 : 32);
  CHECK_INT(fz_verifier_from_raw(alg, raw, n, &v3, NULL), FZ_OK);
  CHECK(v3 && fz_verifier_equal(v, v3));
  CHECK_INT(fz_signer_sign(s, "abc", 3, sig, &sl, NULL), FZ_OK);
  CHECK_INT(fz_verifier_verify(v2, "abc", 3, sig, sl, NULL), FZ_OK);
  CHECK_INT(fz_verifier_verify(v2, "abd", 3, sig, sl, &err), FZ_INVALID);
  fz_verifier_free(v3);
  raw[n - 1] ^= 1; /* off the curve (SM2) or not a valid point (mostly) */
  if (alg == FZ_SIG_SM2)
    CHECK_INT(fz_verifier_from_raw(alg, raw, n, &v3, NULL), FZ_INVALID);
  CHECK_INT(fz_verifier_from_raw(alg, raw, n - 1, &v3, NULL), FZ_INVALID);

  fz_buf_free(&pem);
  fz_verifier_free(v);
  fz_verifier_free(v2);
  fz_signer_free(s);
}

static void test_pem_round_trip_sm2(void) { pem_round_trip(FZ_SIG_SM2); }
static void test_pem_round_trip_ed25519(void) { pem_round_trip(FZ_SIG_ED25519); }

static void test_ed25519_small_order_key(void) {
  uint8_t zero[32] = {1}; /* the identity point: order 1 */
  fz_verifier *v = NULL;
  CHECK_INT(fz_verifier_from_raw(FZ_SIG_ED25519, zero, 32, &v, NULL),
            FZ_INVALID);
  CHECK(v == NULL);
}

/* ---- SM2 interoperability with OpenSSL ------------------------------------ */

/* Verifies with plain OpenSSL, the ID set on the context after init (the
 * other way from sign.c). */
static int openssl_sm2_verify(EVP_PKEY *pk, const char *id, const void *msg,
                              size_t len, const uint8_t *sig, size_t sl) {
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pc = NULL;
  int ok = EVP_DigestVerifyInit_ex(m, &pc, "SM3", NULL, NULL, pk, NULL) == 1 &&
           EVP_PKEY_CTX_set1_id(pc, id, strlen(id)) == 1 &&
           EVP_DigestVerify(m, sig, sl, msg, len) == 1;
  EVP_MD_CTX_free(m);
  return ok;
}

static void test_sm2_openssl_interop(void) {
  fz_signer *s;
  fz_verifier *v;
  fz_signer_generate(FZ_SIG_SM2, &s, NULL);
  fz_signer_verifier(s, &v, NULL);
  fz_buf pem;
  fz_buf_init(&pem, 0);
  fz_verifier_to_pem(v, &pem);
  BIO *bio = BIO_new_mem_buf(pem.data, (int)pem.len);
  EVP_PKEY *pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
  BIO_free(bio);
  CHECK(pk && EVP_PKEY_is_a(pk, "SM2"));

  const char msg[] = "行政处罚决定书 2025-001\n";
  uint8_t sig[FZ_SIG_MAX];
  size_t sl;
  CHECK_INT(fz_signer_sign(s, msg, strlen(msg), sig, &sl, NULL), FZ_OK);
  CHECK(sl >= 8 && sig[0] == 0x30); /* DER SEQUENCE */
  CHECK(openssl_sm2_verify(pk, "1234567812345678", msg, strlen(msg), sig, sl));
  CHECK(!openssl_sm2_verify(pk, "1234567812345679", msg, strlen(msg), sig, sl));
  CHECK(!openssl_sm2_verify(pk, "ALICE123@YAHOO.COM", msg, strlen(msg), sig,
                            sl));

  /* And the other way: OpenSSL signs, fazhi verifies. */
  fz_signer_free(s);
  char path[512];
  EVP_PKEY *sk = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
  int fd = open(tmp_path(path, "sm2-openssl.pem"),
                O_WRONLY | O_CREAT | O_EXCL, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  CHECK(sk && f && PEM_write_PrivateKey(f, sk, NULL, NULL, 0, NULL, NULL));
  if (f) fclose(f);
  CHECK_INT(fz_signer_load(path, FZ_SIG_SM2, &s, NULL), FZ_OK);
  fz_verifier_free(v);
  fz_signer_verifier(s, &v, NULL);
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pc = NULL;
  sl = sizeof sig;
  CHECK(EVP_DigestSignInit_ex(m, &pc, "SM3", NULL, NULL, sk, NULL) == 1 &&
        EVP_PKEY_CTX_set1_id(pc, "1234567812345678", 16) == 1 &&
        EVP_DigestSign(m, sig, &sl, (const uint8_t *)msg, strlen(msg)) == 1);
  EVP_MD_CTX_free(m);
  CHECK_INT(fz_verifier_verify(v, msg, strlen(msg), sig, sl, NULL), FZ_OK);

  EVP_PKEY_free(sk);
  EVP_PKEY_free(pk);
  fz_buf_free(&pem);
  fz_verifier_free(v);
  fz_signer_free(s);
}

/* ---- Strict note parsing -------------------------------------------------- */

static void test_parse_rejects(void) {
  fz_error err;
  const char *sig = "\xe2\x80\x94 k AAAAAAA=\n"; /* 5 bytes: ID + 1 */
  char buf[256];
  snprintf(buf, sizeof buf, "text\n\n%s", sig);
  CHECK_INT(parse_err(buf, &err), FZ_OK);

  snprintf(buf, sizeof buf, "text\n%s", sig);
  CHECK_INT(parse_err(buf, &err), FZ_PARSE);
  CHECK_CONTAINS(err.message, "no blank line");
  CHECK_INT(parse_err("text\n\n", &err), FZ_PARSE);
  CHECK_CONTAINS(err.message, "no signature lines");
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94 k AAAAAAA=", &err), FZ_PARSE);
  CHECK_CONTAINS(err.message, "newline");
  CHECK_INT(parse_err("text\n\n- k AAAAAAA=\n", &err), FZ_PARSE);
  CHECK_CONTAINS(err.message, "does not start with");
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94k AAAAAAA=\n", &err), FZ_PARSE);
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94 k AAAA!AA=\n", &err), FZ_PARSE);
  CHECK_CONTAINS(err.message, "base64");
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94 k AAAAAAB=\n", &err), FZ_PARSE);
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94 k AAAAAA==\n", &err), FZ_PARSE);
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94 k AAAAAAA\n", &err), FZ_PARSE);
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94 k  AAAAAAA=\n", &err), FZ_PARSE);
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94 k\n", &err), FZ_PARSE);
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94 a+b AAAAAAA=\n", &err), FZ_PARSE);
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94 a\xe3\x80\x80" "b AAAAAAA=\n",
                      &err), FZ_PARSE); /* U+3000 is a space */
  CHECK_INT(parse_err("text\n\n\xe2\x80\x94  AAAAAAA=\n", &err), FZ_PARSE);

  /* Bad UTF-8 and control characters, anywhere. */
  snprintf(buf, sizeof buf, "a\n\xc0\x80\n\n%s", sig); /* overlong NUL */
  CHECK_INT(parse_err(buf, &err), FZ_PARSE);
  CHECK_STR(err.message, "line 2: invalid UTF-8");
  snprintf(buf, sizeof buf, "\xed\xa0\x80\n\n%s", sig); /* surrogate */
  CHECK_INT(parse_err(buf, &err), FZ_PARSE);
  snprintf(buf, sizeof buf, "\xf4\x90\x80\x80\n\n%s", sig); /* > U+10FFFF */
  CHECK_INT(parse_err(buf, &err), FZ_PARSE);
  snprintf(buf, sizeof buf, "\xe4\xb8\n\n%s", sig); /* truncated */
  CHECK_INT(parse_err(buf, &err), FZ_PARSE);
  snprintf(buf, sizeof buf, "a\r\n\n%s", sig);
  CHECK_INT(parse_err(buf, &err), FZ_PARSE);
  CHECK_STR(err.message, "line 1: control character 0x0d");
  fz_note *n = NULL;
  CHECK_INT(fz_note_parse("a\n\0\n\n", 5, &n, &err), FZ_PARSE);
  CHECK(n == NULL);
  snprintf(buf, sizeof buf, "\xe6\xb3\x95\xe6\xb2\xbb\n\n%s", sig); /* 法治 */
  CHECK_INT(parse_err(buf, &err), FZ_OK);
}

static void test_parse_limits(void) {
  const char *line = "\xe2\x80\x94 k AAAAAAA=\n";
  fz_buf b;
  fz_error err;
  fz_buf_init(&b, 0);
  fz_buf_puts(&b, "text\n\n");
  for (int i = 0; i < FZ_NOTE_MAX_SIGS; i++) fz_buf_puts(&b, line);
  fz_note *n = NULL;
  CHECK_INT(fz_note_parse(b.data, b.len, &n, &err), FZ_OK);
  CHECK_INT(n ? fz_note_sig_count(n) : 0, FZ_NOTE_MAX_SIGS);
  fz_note_free(n);
  fz_buf_puts(&b, line);
  CHECK_INT(fz_note_parse(b.data, b.len, &n, &err), FZ_TOOBIG);
  CHECK_CONTAINS(err.message, "more than 100");

  /* Exactly FZ_NOTE_MAX bytes passes; one more does not. */
  fz_buf_reset(&b);
  size_t tail = strlen(line) + 1;
  for (size_t i = 0; i < FZ_NOTE_MAX - tail; i += 64) {
    size_t k = FZ_NOTE_MAX - tail - i < 64 ? FZ_NOTE_MAX - tail - i : 64;
    char chunk[65];
    memset(chunk, 'x', k - 1);
    chunk[k - 1] = '\n';
    fz_buf_append(&b, chunk, k);
  }
  fz_buf_puts(&b, "\n");
  fz_buf_puts(&b, line);
  CHECK_INT(b.len, FZ_NOTE_MAX);
  CHECK_INT(fz_note_parse(b.data, b.len, &n, &err), FZ_OK);
  fz_note_free(n);
  fz_buf_puts(&b, line);
  CHECK_INT(fz_note_parse(b.data, b.len, &n, &err), FZ_TOOBIG);
  fz_buf_free(&b);
}

/* Unknown signatures are skipped; a note with only unknown ones fails. */
static void test_unknown_signatures_ignored(void) {
  fz_signer *s;
  fz_signer_generate(FZ_SIG_ED25519, &s, NULL);
  fz_note_key *k = key_of(s, "log");
  fz_buf b, both;
  sign_text(&b, "hello\n", s, "log");
  fz_buf_init(&both, 0);
  fz_buf_puts(&both, "hello\n\n\xe2\x80\x94 someone AAAAAAA=\n");
  fz_buf_puts(&both, strstr(b.data, "\n\n") + 2);
  fz_buf_puts(&both, "\xe2\x80\x94 log AAAAAAA=\n"); /* same name, other ID */
  fz_error err;
  CHECK_INT(open_note(both.data, both.len, k, &err), FZ_OK);
  const char *only = "hello\n\n\xe2\x80\x94 someone AAAAAAA=\n";
  CHECK_INT(open_note(only, strlen(only), k, &err), FZ_NOTFOUND);
  fz_buf_free(&b);
  fz_buf_free(&both);
  fz_note_key_free(k);
  fz_signer_free(s);
}

static void test_name_rules(void) {
  CHECK(fz_note_name_valid("example.com/log42"));
  CHECK(fz_note_name_valid("执法记录/北京"));
  CHECK(!fz_note_name_valid(""));
  CHECK(!fz_note_name_valid(NULL));
  CHECK(!fz_note_name_valid("a b"));
  CHECK(!fz_note_name_valid("a+b"));
  CHECK(!fz_note_name_valid("a\xc2\xa0" "b"));     /* NBSP */
  CHECK(!fz_note_name_valid("a\xe2\x80\xa8" "b")); /* LINE SEPARATOR */
  CHECK(!fz_note_name_valid("a\x01"));
  CHECK(!fz_note_name_valid("a\xff"));
}

/* ---- Checkpoints ---------------------------------------------------------- */

static fz_err cp_parse(const char *text, fz_checkpoint *cp, fz_error *err) {
  return fz_checkpoint_parse(text, strlen(text), cp, err);
}

static void test_checkpoint_format(void) {
  uint8_t root[FZ_HASH_LEN];
  for (int i = 0; i < FZ_HASH_LEN; i++) root[i] = (uint8_t)i;
  fz_buf b;
  fz_buf_init(&b, 0);
  CHECK_INT(fz_checkpoint_format("gov.example/ledger", 20852163, root, &b,
                                 NULL), FZ_OK);
  CHECK_STR(b.data, "gov.example/ledger\n20852163\n"
                    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
  fz_checkpoint cp;
  CHECK_INT(fz_checkpoint_parse(b.data, b.len, &cp, NULL), FZ_OK);
  CHECK_STR(cp.origin, "gov.example/ledger");
  CHECK_INT(cp.size, 20852163);
  CHECK(memcmp(cp.root, root, FZ_HASH_LEN) == 0);

  fz_buf_reset(&b);
  CHECK_INT(fz_checkpoint_format("gov.example/ledger", UINT64_MAX, root, &b,
                                 NULL), FZ_OK);
  CHECK_INT(fz_checkpoint_parse(b.data, b.len, &cp, NULL), FZ_OK);
  CHECK(cp.size == UINT64_MAX);
  fz_buf_reset(&b);
  CHECK_INT(fz_checkpoint_format("has space", 0, root, &b, NULL), FZ_INVALID);
  CHECK_INT(fz_checkpoint_format("a+b", 0, root, &b, NULL), FZ_INVALID);
  CHECK_INT(fz_checkpoint_format("", 0, root, &b, NULL), FZ_INVALID);
  fz_buf_free(&b);
}

static void test_checkpoint_strict(void) {
  fz_checkpoint cp;
  fz_error err;
#define ROOT32 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
  CHECK_INT(cp_parse("o\n0\n" ROOT32 "\n", &cp, &err), FZ_OK);
  CHECK_INT(cp.size, 0);
  /* Origins need only be non-empty lines (the key-name form is a SHOULD). */
  CHECK_INT(cp_parse("my log+1\n7\n" ROOT32 "\n", &cp, &err), FZ_OK);
  CHECK_STR(cp.origin, "my log+1");

  CHECK_INT(cp_parse("o\n01\n" ROOT32 "\n", &cp, &err), FZ_PARSE);
  CHECK_CONTAINS(err.message, "leading zero");
  CHECK_INT(cp_parse("o\n00\n" ROOT32 "\n", &cp, &err), FZ_PARSE);
  CHECK_INT(cp_parse("o\n-1\n" ROOT32 "\n", &cp, &err), FZ_PARSE);
  CHECK_CONTAINS(err.message, "not a decimal number");
  CHECK_INT(cp_parse("o\n+1\n" ROOT32 "\n", &cp, &err), FZ_PARSE);
  CHECK_INT(cp_parse("o\n 1\n" ROOT32 "\n", &cp, &err), FZ_PARSE);
  CHECK_INT(cp_parse("o\n1e3\n" ROOT32 "\n", &cp, &err), FZ_PARSE);
  CHECK_INT(cp_parse("o\n18446744073709551615\n" ROOT32 "\n", &cp, &err),
            FZ_OK);
  CHECK_INT(cp_parse("o\n18446744073709551616\n" ROOT32 "\n", &cp, &err),
            FZ_RANGE);
  CHECK_INT(cp_parse("o\n99999999999999999999999\n" ROOT32 "\n", &cp, &err),
            FZ_RANGE);

  /* 31 and 33 bytes of root. */
  CHECK_INT(cp_parse("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n", &cp,
                     &err), FZ_PARSE);
  CHECK_STR(err.message, "the root hash is 31 bytes, expected 32");
  CHECK_INT(cp_parse("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g\n", &cp,
                     &err), FZ_PARSE);
  CHECK_STR(err.message, "the root hash is 33 bytes, expected 32");
  /* Not canonical: unused bits set, missing padding, URL alphabet. */
  CHECK_INT(cp_parse("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=\n", &cp,
                     &err), FZ_PARSE);
  CHECK_INT(cp_parse("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", &cp,
                     &err), FZ_PARSE);
  CHECK_INT(cp_parse("o\n1\n-_ECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", &cp,
                     &err), FZ_PARSE);
  /* Found by fuzz_note: libsodium alone took these two bytes as digits. */
  CHECK_INT(cp_parse("o\n1\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+\xd8\x89"
                     "cTL0tk=\n", &cp, &err), FZ_PARSE);

  /* Line structure. */
  CHECK_INT(cp_parse("o\n1\n" ROOT32, &cp, &err), FZ_PARSE);
  CHECK_CONTAINS(err.message, "root hash line does not end in a newline");
  CHECK_INT(cp_parse("o\n1\n", &cp, &err), FZ_PARSE);
  CHECK_CONTAINS(err.message, "root hash line is missing");
  CHECK_INT(cp_parse("\n1\n" ROOT32 "\n", &cp, &err), FZ_PARSE);
  CHECK_CONTAINS(err.message, "origin line is empty");
  CHECK_INT(cp_parse("o\n\n" ROOT32 "\n", &cp, &err), FZ_PARSE);
  CHECK_INT(cp_parse("o\n1\n" ROOT32 "\next\n", &cp, &err), FZ_UNSUPPORTED);
  CHECK_INT(cp_parse("o\t\n1\n" ROOT32 "\n", &cp, &err), FZ_PARSE);
  CHECK_INT(cp_parse("", &cp, &err), FZ_PARSE);

  char big[FZ_ORIGIN_MAX + 64];
  memset(big, 'o', FZ_ORIGIN_MAX);
  snprintf(big + FZ_ORIGIN_MAX, 64, "\n1\n%s\n", ROOT32);
  CHECK_INT(cp_parse(big, &cp, &err), FZ_TOOBIG);
  snprintf(big + FZ_ORIGIN_MAX - 1, 64, "\n1\n%s\n", ROOT32);
  CHECK_INT(cp_parse(big, &cp, &err), FZ_OK);
  CHECK_INT(strlen(cp.origin), FZ_ORIGIN_MAX - 1);
#undef ROOT32
}

/* A checkpoint end to end: format, sign with SM2, parse, verify, read. */
static void test_checkpoint_signed(void) {
  uint8_t root[FZ_HASH_LEN];
  memset(root, 0xab, sizeof root);
  fz_signer *s;
  fz_signer_generate(FZ_SIG_SM2, &s, NULL);
  fz_buf body, note;
  fz_buf_init(&body, 0);
  fz_buf_init(&note, 0);
  fz_checkpoint_format("gov.example/ledger", 7, root, &body, NULL);
  CHECK_INT(fz_note_sign(body.data, body.len, s, "gov.example/ledger", &note,
                         NULL), FZ_OK);
  fz_note_key *k = key_of(s, "gov.example/ledger");
  fz_note *n;
  fz_checkpoint cp;
  size_t len;
  CHECK_INT(fz_note_parse(note.data, note.len, &n, NULL), FZ_OK);
  CHECK_INT(fz_note_verify(n, k, NULL), FZ_OK);
  const char *text = fz_note_text(n, &len);
  CHECK_INT(fz_checkpoint_parse(text, len, &cp, NULL), FZ_OK);
  CHECK_INT(cp.size, 7);
  CHECK(memcmp(cp.root, root, FZ_HASH_LEN) == 0);
  fz_note_free(n);
  fz_note_key_free(k);
  fz_buf_free(&body);
  fz_buf_free(&note);
  fz_signer_free(s);
}

/* ---- Verifier key strings ------------------------------------------------- */

static void vkey_round_trip(fz_sig_alg alg) {
  fz_signer *s;
  fz_signer_generate(alg, &s, NULL);
  fz_note_key *k = key_of(s, "gov.example/ledger"), *k2 = NULL;
  fz_buf b, b2;
  fz_buf_init(&b, 0);
  fz_buf_init(&b2, 0);
  CHECK_INT(fz_note_key_format(k, &b), FZ_OK);
  fz_error err;
  CHECK_INT(fz_note_key_parse(b.data, &k2, &err), FZ_OK);
  if (k2) {
    CHECK_STR(fz_note_key_name(k2), "gov.example/ledger");
    CHECK_INT(fz_note_key_id(k2), fz_note_key_id(k));
    CHECK(fz_verifier_equal(fz_note_key_verifier(k), fz_note_key_verifier(k2)));
    fz_note_key_format(k2, &b2);
    CHECK_STR(b2.data, b.data);
    /* The parsed key verifies notes signed by s. */
    fz_buf note;
    sign_text(&note, "x\n", s, "gov.example/ledger");
    CHECK_INT(open_note(note.data, note.len, k2, NULL), FZ_OK);
    fz_buf_free(&note);
  }
  if (alg == FZ_SIG_SM2) {
    /* base64(0xff ‖ "fz-sm2-sm3" ‖ 04…) begins "/2Z6LXNtMi1zbTME". */
    CHECK_CONTAINS(b.data, "+/2Z6LXNtMi1zbTME");
  }
  fz_buf_free(&b);
  fz_buf_free(&b2);
  fz_note_key_free(k);
  fz_note_key_free(k2);
  fz_signer_free(s);
}

static void test_vkey_round_trip_sm2(void) { vkey_round_trip(FZ_SIG_SM2); }
static void test_vkey_round_trip_ed25519(void) { vkey_round_trip(FZ_SIG_ED25519); }

static void test_vkey_rejects(void) {
  fz_note_key *k = NULL;
  fz_error err;
  const char *b64 = "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  char buf[256];
#define VK(name, id) (snprintf(buf, sizeof buf, "%s+%s+%s", name, id, b64), buf)
  CHECK_INT(fz_note_key_parse(VK("PeterNeumann", "c74f20a3"), &k, &err), FZ_OK);
  fz_note_key_free(k);
  k = NULL;
  CHECK_INT(fz_note_key_parse(VK("PeterNeumann", "C74F20A3"), &k, &err),
            FZ_PARSE);
  CHECK_INT(fz_note_key_parse(VK("PeterNeumann", "c74f20a"), &k, &err),
            FZ_PARSE);
  CHECK_INT(fz_note_key_parse(VK("PeterNeumann", ""), &k, &err), FZ_PARSE);
  CHECK_INT(fz_note_key_parse(VK("PeterNeumann", "c74f20a4"), &k, &err),
            FZ_INVALID);
  CHECK_CONTAINS(err.message, "does not match");
  CHECK_INT(fz_note_key_parse(VK("PeterNeumanN", "c74f20a3"), &k, &err),
            FZ_INVALID);
  CHECK_INT(fz_note_key_parse(VK("", "c74f20a3"), &k, &err), FZ_PARSE);
  CHECK_INT(fz_note_key_parse(VK("a b", "c74f20a3"), &k, &err), FZ_PARSE);
#undef VK
  CHECK_INT(fz_note_key_parse("PeterNeumann", &k, &err), FZ_PARSE);
  CHECK_INT(fz_note_key_parse("PeterNeumann+c74f20a3", &k, &err), FZ_PARSE);
  CHECK_INT(fz_note_key_parse("PeterNeumann+c74f20a3+", &k, &err), FZ_PARSE);
  /* Type 0x02 (ECDSA): valid form, unknown to fazhi. */
  CHECK_INT(fz_note_key_parse("x+00000000+AgAA", &k, &err), FZ_UNSUPPORTED);
  /* 0xff with another identifier. */
  CHECK_INT(fz_note_key_parse("x+00000000+/3h5eg==", &k, &err), FZ_UNSUPPORTED);
  /* Ed25519 with 31 bytes. */
  CHECK_INT(fz_note_key_parse(
                "x+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10Q=", &k,
                &err),
            FZ_INVALID);
  CHECK_INT(fz_note_key_parse(
                "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW ",
                &k, &err),
            FZ_PARSE);
  CHECK(k == NULL);
}

static void test_alg_names(void) {
  fz_sig_alg a;
  CHECK_INT(fz_sig_alg_parse("sm2", &a, NULL), FZ_OK);
  CHECK_INT(a, FZ_SIG_SM2);
  CHECK_INT(fz_sig_alg_parse("ed25519", &a, NULL), FZ_OK);
  CHECK_INT(a, FZ_SIG_ED25519);
  fz_error err;
  CHECK_INT(fz_sig_alg_parse("rsa", &a, &err), FZ_INVALID);
  CHECK_CONTAINS(err.message, "sm2 or ed25519");
  CHECK_STR(fz_sig_alg_name(FZ_SIG_SM2), "sm2");
  fz_signer_free(NULL);
  fz_verifier_free(NULL);
  fz_note_free(NULL);
  fz_note_key_free(NULL);
}

static void remove_tmpdir(void) {
  DIR *d = opendir(tmpdir);
  char path[512];
  for (struct dirent *e; d && (e = readdir(d));)
    if (e->d_name[0] != '.') unlink(tmp_path(path, e->d_name));
  if (d) closedir(d);
  rmdir(tmpdir);
}

int main(void) {
  const char *t = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/fz_note_XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  RUN(test_alg_names);
  RUN(test_key_id_by_hand);
  RUN(test_key_id_sm2);
  RUN(test_go_note_verifies);
  RUN(test_go_note_reproduced);
  RUN(test_round_trip_sm2);
  RUN(test_round_trip_ed25519);
  RUN(test_sign_rejects);
  RUN(test_key_file_sm2);
  RUN(test_key_file_ed25519);
  RUN(test_key_file_errors);
  RUN(test_pem_round_trip_sm2);
  RUN(test_pem_round_trip_ed25519);
  RUN(test_ed25519_small_order_key);
  RUN(test_sm2_openssl_interop);
  RUN(test_parse_rejects);
  RUN(test_parse_limits);
  RUN(test_unknown_signatures_ignored);
  RUN(test_name_rules);
  RUN(test_checkpoint_format);
  RUN(test_checkpoint_strict);
  RUN(test_checkpoint_signed);
  RUN(test_vkey_round_trip_sm2);
  RUN(test_vkey_round_trip_ed25519);
  RUN(test_vkey_rejects);
  remove_tmpdir();
  return TEST_END();
}
