/* sign.c — SM2 and Ed25519 keys through OpenSSL 3 EVP: generation, PEM
 * files written atomically with mode 0600, signing and verification. */
#include "ledger/sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "core/secretfile.h"

#define KEY_FILE_MAX (64 * 1024)

struct fz_signer {
  fz_sig_alg alg;
  EVP_PKEY *pkey;
};

struct fz_verifier {
  fz_sig_alg alg;
  EVP_PKEY *pkey;
  uint8_t raw[FZ_PUBKEY_MAX];
  size_t raw_len;
};

/* Sets err to code with what failed, adding OpenSSL's reason if it left
 * one, and empties OpenSSL's error queue so that it cannot leak into an
 * unrelated later report. */
static fz_err ossl_fail(fz_error *err, fz_err code, const char *field,
                        const char *what) {
  unsigned long e = ERR_peek_last_error();
  const char *why = e ? ERR_reason_error_string(e) : NULL;
  ERR_clear_error();
  if (why) return fz_error_set(err, code, field, "%s: %s", what, why);
  return fz_error_set(err, code, field, "%s", what);
}

fz_err fz_sig_alg_parse(const char *name, fz_sig_alg *alg, fz_error *err) {
  if (name && strcmp(name, "sm2") == 0) {
    *alg = FZ_SIG_SM2;
  } else if (name && strcmp(name, "ed25519") == 0) {
    *alg = FZ_SIG_ED25519;
  } else {
    return fz_error_set(err, FZ_INVALID, "alg",
                        "unknown signature algorithm '%s' (use sm2 or "
                        "ed25519)", name ? name : "");
  }
  return FZ_OK;
}

const char *fz_sig_alg_name(fz_sig_alg alg) {
  switch (alg) {
  case FZ_SIG_SM2: return "sm2";
  case FZ_SIG_ED25519: return "ed25519";
  }
  return "?";
}

/* The EVP name of alg; NULL if unknown. */
static const char *evp_name(fz_sig_alg alg) {
  switch (alg) {
  case FZ_SIG_SM2: return "SM2";
  case FZ_SIG_ED25519: return "ED25519";
  }
  return NULL;
}

/* Which of our algorithms pkey is, checked against want (0: either). */
static fz_err classify(EVP_PKEY *pkey, fz_sig_alg want, fz_sig_alg *alg,
                       const char *field, fz_error *err) {
  if (EVP_PKEY_is_a(pkey, "SM2")) {
    *alg = FZ_SIG_SM2;
  } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
    *alg = FZ_SIG_ED25519;
  } else {
    const char *t = EVP_PKEY_get0_type_name(pkey);
    return fz_error_set(err, FZ_UNSUPPORTED, field,
                        "the key is %s; fazhi signs with SM2 or Ed25519",
                        t ? t : "of an unknown type");
  }
  if (want && *alg != want)
    return fz_error_set(err, FZ_TYPE, field, "the key is %s, expected %s",
                        fz_sig_alg_name(*alg), fz_sig_alg_name(want));
  return FZ_OK;
}

/* ---- Private keys ---------------------------------------------------- */

fz_err fz_signer_generate(fz_sig_alg alg, fz_signer **out, fz_error *err) {
  *out = NULL;
  const char *name = evp_name(alg);
  if (!name)
    return fz_error_set(err, FZ_INVALID, "alg", "unknown signature algorithm");
  fz_signer *s = malloc(sizeof *s);
  if (!s) return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  s->alg = alg;
  s->pkey = EVP_PKEY_Q_keygen(NULL, NULL, name);
  if (!s->pkey) {
    free(s);
    return ossl_fail(err, FZ_INTERNAL, "alg", "key generation failed");
  }
  *out = s;
  return FZ_OK;
}

fz_err fz_signer_save(const fz_signer *s, const char *path, fz_error *err) {
  char *pem = NULL;
  /* A secure-memory BIO clears the PEM when it is freed. */
  BIO *bio = BIO_new(BIO_s_secmem());
  if (!bio || !PEM_write_bio_PrivateKey(bio, s->pkey, NULL, NULL, 0, NULL,
                                        NULL)) {
    BIO_free(bio);
    return ossl_fail(err, FZ_INTERNAL, "key", "cannot encode the private key");
  }
  long pem_len = BIO_get_mem_data(bio, &pem);
  fz_err rc = fz_secret_file_create(path, pem, (size_t)pem_len, err);
  BIO_free(bio);
  return rc;
}

/* A PEM password callback that refuses: library code never prompts. */
static int no_password(char *buf, int size, int rwflag, void *u) {
  return -1;
}

fz_err fz_signer_load(const char *path, fz_sig_alg want, fz_signer **out,
                      fz_error *err) {
  *out = NULL;
  fz_err rc = FZ_OK;
  char *data = NULL;
  size_t len = 0;
  EVP_PKEY *pkey = NULL;
  BIO *bio = NULL;

  /* One byte more than a key file may hold, to tell "too long". */
  data = malloc(KEY_FILE_MAX + 1);
  if (!data) return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  rc = fz_secret_file_read(path, data, KEY_FILE_MAX + 1, &len, err);
  if (rc) goto out;
  if (len > KEY_FILE_MAX) {
    rc = fz_error_set(err, FZ_TOOBIG, "path",
                      "key file '%s' is over %d bytes", path, KEY_FILE_MAX);
    goto out;
  }
  data[len] = '\0';
  if (strstr(data, "ENCRYPTED")) {
    rc = fz_error_set(err, FZ_UNSUPPORTED, "path",
                      "key file '%s' is encrypted; fazhi reads unencrypted "
                      "PKCS#8 keys protected by file mode", path);
    goto out;
  }
  bio = BIO_new_mem_buf(data, (int)len);
  if (bio) pkey = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
  if (!pkey) {
    ERR_clear_error();
    rc = fz_error_set(err, FZ_PARSE, "path",
                      "key file '%s' holds no PEM private key", path);
    goto out;
  }
  fz_sig_alg alg;
  rc = classify(pkey, want, &alg, "path", err);
  if (rc) goto out;
  fz_signer *s = malloc(sizeof *s);
  if (!s) {
    rc = fz_error_set(err, FZ_NOMEM, NULL, NULL);
    goto out;
  }
  s->alg = alg;
  s->pkey = pkey;
  pkey = NULL;
  *out = s;

out:
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  OPENSSL_clear_free(data, KEY_FILE_MAX + 1);
  return rc;
}

fz_sig_alg fz_signer_alg(const fz_signer *s) { return s->alg; }

/* A digest context set up for alg: SM3 with the SM2 ID, or Ed25519's own
 * (pure) mode.  *pctx receives the SM2 key context the caller must free
 * after *mctx, since EVP_MD_CTX_set_pkey_ctx does not hand it over. */
static int md_init(EVP_PKEY *pkey, fz_sig_alg alg, int sign,
                   EVP_MD_CTX **mctx, EVP_PKEY_CTX **pctx) {
  *pctx = NULL;
  *mctx = EVP_MD_CTX_new();
  if (!*mctx) return 0;
  const char *md = NULL;
  if (alg == FZ_SIG_SM2) {
    md = "SM3";
    *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (!*pctx ||
        EVP_PKEY_CTX_set1_id(*pctx, FZ_SM2_ID, sizeof FZ_SM2_ID - 1) <= 0)
      return 0;
    EVP_MD_CTX_set_pkey_ctx(*mctx, *pctx);
  }
  return sign ? EVP_DigestSignInit_ex(*mctx, NULL, md, NULL, NULL, pkey, NULL)
              : EVP_DigestVerifyInit_ex(*mctx, NULL, md, NULL, NULL, pkey,
                                        NULL);
}

fz_err fz_signer_sign(const fz_signer *s, const void *msg, size_t len,
                      uint8_t sig[FZ_SIG_MAX], size_t *sig_len, fz_error *err) {
  EVP_MD_CTX *mctx;
  EVP_PKEY_CTX *pctx;
  fz_err rc = FZ_OK;
  *sig_len = FZ_SIG_MAX;
  if (md_init(s->pkey, s->alg, 1, &mctx, &pctx) != 1 ||
      EVP_DigestSign(mctx, sig, sig_len, msg, len) != 1) {
    *sig_len = 0;
    rc = ossl_fail(err, FZ_INTERNAL, "key", "signing failed");
  }
  EVP_MD_CTX_free(mctx);
  EVP_PKEY_CTX_free(pctx);
  return rc;
}

/* A verifier for the public half of pkey, by way of its raw bytes: one
 * canonical form and one set of checks, however the key arrived. */
static fz_err verifier_of(EVP_PKEY *pkey, fz_sig_alg alg, fz_verifier **out,
                          fz_error *err) {
  *out = NULL;
  uint8_t raw[FZ_PUBKEY_MAX];
  size_t len = sizeof raw;
  if (alg == FZ_SIG_ED25519) {
    if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1)
      return ossl_fail(err, FZ_INTERNAL, "key", "cannot get the public key");
  } else {
    /* X and Y rather than the encoded point, which keeps whatever
     * compression the key was read with. */
    BIGNUM *x = NULL, *y = NULL;
    int ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
             EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) &&
             BN_bn2binpad(x, raw + 1, 32) == 32 &&
             BN_bn2binpad(y, raw + 33, 32) == 32;
    BN_free(x);
    BN_free(y);
    if (!ok)
      return ossl_fail(err, FZ_INTERNAL, "key", "cannot get the public key");
    raw[0] = 0x04;
    len = 65;
  }
  return fz_verifier_from_raw(alg, raw, len, out, err);
}

fz_err fz_signer_verifier(const fz_signer *s, fz_verifier **out,
                          fz_error *err) {
  return verifier_of(s->pkey, s->alg, out, err);
}

void fz_signer_free(fz_signer *s) {
  if (!s) return;
  EVP_PKEY_free(s->pkey);
  free(s);
}

/* ---- Public keys ----------------------------------------------------- */

fz_err fz_verifier_from_raw(fz_sig_alg alg, const uint8_t *pub, size_t len,
                            fz_verifier **out, fz_error *err) {
  *out = NULL;
  EVP_PKEY *pkey = NULL;
  if (alg == FZ_SIG_ED25519) {
    if (len != 32)
      return fz_error_set(err, FZ_INVALID, "key",
                          "an Ed25519 public key is 32 bytes, not %zu", len);
    /* A small-order key would accept one signature for many texts. */
    if (sodium_init() < 0 || !crypto_core_ed25519_is_valid_point(pub))
      return fz_error_set(err, FZ_INVALID, "key",
                          "not a valid Ed25519 public key");
    pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pub, len);
  } else if (alg == FZ_SIG_SM2) {
    if (len != 65 || pub[0] != 0x04)
      return fz_error_set(err, FZ_INVALID, "key",
                          "an SM2 public key is 65 bytes 04 ‖ X ‖ Y");
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                         (char *)"SM2", 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                          (void *)pub, len),
        OSSL_PARAM_construct_end()};
    if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
  } else {
    return fz_error_set(err, FZ_INVALID, "alg", "unknown signature algorithm");
  }
  if (!pkey) return ossl_fail(err, FZ_INVALID, "key", "not a valid public key");
  fz_verifier *v = malloc(sizeof *v);
  if (!v) {
    EVP_PKEY_free(pkey);
    return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  }
  v->alg = alg;
  v->pkey = pkey;
  memcpy(v->raw, pub, len);
  v->raw_len = len;
  *out = v;
  return FZ_OK;
}

fz_err fz_verifier_from_pem(const char *pem, size_t len, fz_sig_alg want,
                            fz_verifier **out, fz_error *err) {
  *out = NULL;
  if (len > KEY_FILE_MAX)
    return fz_error_set(err, FZ_TOOBIG, "key", "public key PEM too large");
  BIO *bio = BIO_new_mem_buf(pem, (int)len);
  EVP_PKEY *pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, no_password, NULL)
                       : NULL;
  BIO_free(bio);
  if (!pkey) {
    ERR_clear_error();
    return fz_error_set(err, FZ_PARSE, "key", "no PEM public key found");
  }
  fz_sig_alg alg;
  fz_err rc = classify(pkey, want, &alg, "key", err);
  if (rc == FZ_OK) rc = verifier_of(pkey, alg, out, err);
  EVP_PKEY_free(pkey);
  return rc;
}

fz_err fz_verifier_to_pem(const fz_verifier *v, fz_buf *out) {
  if (out->err) return out->err;
  BIO *bio = BIO_new(BIO_s_mem());
  char *p;
  if (!bio || !PEM_write_bio_PUBKEY(bio, v->pkey)) {
    BIO_free(bio);
    ERR_clear_error();
    return FZ_INTERNAL;
  }
  long n = BIO_get_mem_data(bio, &p);
  fz_buf_append(out, p, (size_t)n);
  BIO_free(bio);
  return out->err;
}

size_t fz_verifier_raw(const fz_verifier *v, uint8_t out[FZ_PUBKEY_MAX]) {
  memcpy(out, v->raw, v->raw_len);
  return v->raw_len;
}

fz_sig_alg fz_verifier_alg(const fz_verifier *v) { return v->alg; }

int fz_verifier_equal(const fz_verifier *a, const fz_verifier *b) {
  return a->alg == b->alg && a->raw_len == b->raw_len &&
         memcmp(a->raw, b->raw, a->raw_len) == 0;
}

fz_verifier *fz_verifier_dup(const fz_verifier *v) {
  fz_verifier *d = malloc(sizeof *d);
  if (!d) return NULL;
  if (EVP_PKEY_up_ref(v->pkey) != 1) {
    free(d);
    return NULL;
  }
  *d = *v;
  return d;
}

fz_err fz_verifier_verify(const fz_verifier *v, const void *msg, size_t len,
                          const uint8_t *sig, size_t sig_len, fz_error *err) {
  EVP_MD_CTX *mctx;
  EVP_PKEY_CTX *pctx;
  int ok = md_init(v->pkey, v->alg, 0, &mctx, &pctx) == 1 &&
           EVP_DigestVerify(mctx, sig, sig_len, msg, len) == 1;
  EVP_MD_CTX_free(mctx);
  EVP_PKEY_CTX_free(pctx);
  ERR_clear_error();
  if (!ok)
    return fz_error_set(err, FZ_INVALID, "signature",
                        "%s signature does not verify", fz_sig_alg_name(v->alg));
  return FZ_OK;
}

void fz_verifier_free(fz_verifier *v) {
  if (!v) return;
  EVP_PKEY_free(v->pkey);
  free(v);
}
