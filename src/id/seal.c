/* seal.c — SM4-CTR with HMAC-SM3 (encrypt-then-MAC) for ID numbers at rest,
 * the blind index, and the master key file, through OpenSSL 3 EVP. */
#include "id/seal.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "core/secretfile.h"
#include "id/id_int.h"

#define ENC_KEY 16        /* SM4 */
#define KEY_FILE_LEN 65   /* 64 hex digits and a newline */

static const char INFO_ENC[] = "fazhi id seal enc v1";
static const char INFO_MAC[] = "fazhi id seal mac v1";
static const char INFO_INDEX[] = "fazhi id seal index v1";

struct fz_seal_key {
  unsigned char enc[ENC_KEY];
  EVP_CIPHER *sm4_ctr; /* fetched once */
  /* HMAC-SM3 contexts keyed with the MAC and the index key.  They are
   * never fed: each use works on a copy, so one key serves many threads. */
  EVP_MAC_CTX *mac, *index;
};

/* Sets err to code with what failed, adding OpenSSL's reason if it left
 * one, and empties OpenSSL's error queue (as in ledger/sign.c). */
static fz_err ossl_fail(fz_error *err, fz_err code, const char *field,
                        const char *what) {
  unsigned long e = ERR_peek_last_error();
  const char *why = e ? ERR_reason_error_string(e) : NULL;
  ERR_clear_error();
  if (why) return fz_error_set(err, code, field, "%s: %s", what, why);
  return fz_error_set(err, code, field, "%s", what);
}

/* ---- Keys -------------------------------------------------------------- */

/* HKDF-SM3 (RFC 5869) of the master key with no salt: n bytes into out.
 * 1 on success. */
static int hkdf(const unsigned char master[FZ_SEAL_KEY], const char *info,
                unsigned char *out, size_t n) {
  EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
  EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
  OSSL_PARAM p[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SM3",
                                       0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)master,
                                        FZ_SEAL_KEY),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info,
                                        strlen(info)),
      OSSL_PARAM_construct_end()};
  int ok = ctx && EVP_KDF_derive(ctx, out, n, p) == 1;
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  return ok;
}

/* An HMAC-SM3 context keyed with key, ready to be copied and fed; NULL on
 * failure. */
static EVP_MAC_CTX *hmac_sm3(const unsigned char *key, size_t len) {
  EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
  EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
  EVP_MAC_free(mac); /* the context keeps its own reference */
  OSSL_PARAM p[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SM3",
                                       0),
      OSSL_PARAM_construct_end()};
  if (ctx && EVP_MAC_init(ctx, key, len, p) == 1) return ctx;
  EVP_MAC_CTX_free(ctx);
  return NULL;
}

fz_err fz_seal_key_from_bytes(const unsigned char master[FZ_SEAL_KEY],
                              fz_seal_key **out, fz_error *err) {
  *out = NULL;
  unsigned char mac_key[32], index_key[32];
  fz_seal_key *k = OPENSSL_zalloc(sizeof *k);
  if (!k) return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  int ok = hkdf(master, INFO_ENC, k->enc, sizeof k->enc) &&
           hkdf(master, INFO_MAC, mac_key, sizeof mac_key) &&
           hkdf(master, INFO_INDEX, index_key, sizeof index_key) &&
           (k->sm4_ctr = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL)) != NULL &&
           (k->mac = hmac_sm3(mac_key, sizeof mac_key)) != NULL &&
           (k->index = hmac_sm3(index_key, sizeof index_key)) != NULL;
  OPENSSL_cleanse(mac_key, sizeof mac_key);
  OPENSSL_cleanse(index_key, sizeof index_key);
  if (!ok) {
    fz_seal_key_free(k);
    return ossl_fail(err, FZ_INTERNAL, "key",
                     "无法派生密钥 / cannot derive the keys (SM3, SM4 and "
                     "HKDF are needed in OpenSSL)");
  }
  *out = k;
  return FZ_OK;
}

void fz_seal_key_free(fz_seal_key *k) {
  if (!k) return;
  EVP_MAC_CTX_free(k->mac);
  EVP_MAC_CTX_free(k->index);
  EVP_CIPHER_free(k->sm4_ctr);
  OPENSSL_clear_free(k, sizeof *k);
}

fz_err fz_seal_key_create(const char *path, fz_error *err) {
  static const char hex[] = "0123456789abcdef";
  unsigned char master[FZ_SEAL_KEY];
  char text[KEY_FILE_LEN];
  if (RAND_priv_bytes(master, sizeof master) != 1)
    return ossl_fail(err, FZ_INTERNAL, "path",
                     "无法生成随机密钥 / no randomness for a key");
  for (size_t i = 0; i < FZ_SEAL_KEY; i++) {
    text[2 * i] = hex[master[i] >> 4];
    text[2 * i + 1] = hex[master[i] & 15];
  }
  text[KEY_FILE_LEN - 1] = '\n';
  fz_err rc = fz_secret_file_create(path, text, sizeof text, err);
  OPENSSL_cleanse(master, sizeof master);
  OPENSSL_cleanse(text, sizeof text);
  return rc;
}

/* The value of hex digit c, or -1. */
static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

fz_err fz_seal_key_load(const char *path, fz_seal_key **out, fz_error *err) {
  *out = NULL;
  fz_err rc = FZ_OK;
  /* One byte more than a key file may hold, to tell "too long". */
  char text[KEY_FILE_LEN + 1];
  unsigned char master[FZ_SEAL_KEY];
  size_t len = 0;

  rc = fz_secret_file_read(path, text, sizeof text, &len, err);
  if (rc) goto out;
  if (len != 2 * FZ_SEAL_KEY &&
      !(len == KEY_FILE_LEN && text[KEY_FILE_LEN - 1] == '\n')) {
    rc = fz_error_set(err, FZ_PARSE, "path",
                      "密钥文件 '%s' 应为 64 个十六进制数字和换行 / key file "
                      "'%s' must hold 64 hex digits and a newline, not %s%zu "
                      "bytes", path, path, len > KEY_FILE_LEN ? "over " : "",
                      len > KEY_FILE_LEN ? (size_t)KEY_FILE_LEN : len);
    goto out;
  }
  for (size_t i = 0; i < FZ_SEAL_KEY; i++) {
    int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      rc = fz_error_set(err, FZ_PARSE, "path",
                        "密钥文件 '%s' 第 %zu 个字符不是十六进制数字 / "
                        "character %zu of key file '%s' is not a hex digit",
                        path, 2 * i + (hi < 0 ? 1 : 2),
                        2 * i + (hi < 0 ? 1 : 2), path);
      goto out;
    }
    master[i] = (unsigned char)(hi << 4 | lo);
  }
  rc = fz_seal_key_from_bytes(master, out, err);

out:
  OPENSSL_cleanse(text, sizeof text);
  OPENSSL_cleanse(master, sizeof master);
  return rc;
}

/* ---- Sealing ----------------------------------------------------------- */

/* HMAC-SM3 of the n bytes at p under the key of tmpl, into out[32].  1 on
 * success. */
static int hmac(const EVP_MAC_CTX *tmpl, const void *p, size_t n,
                unsigned char out[32]) {
  EVP_MAC_CTX *ctx = EVP_MAC_CTX_dup(tmpl);
  size_t len = 0;
  int ok = ctx && EVP_MAC_update(ctx, p, n) == 1 &&
           EVP_MAC_final(ctx, out, &len, 32) == 1 && len == 32;
  EVP_MAC_CTX_free(ctx);
  return ok;
}

/* SM4-CTR of n bytes from in to out with the key of k and iv: the same
 * operation encrypts and decrypts.  1 on success. */
static int sm4_ctr(const fz_seal_key *k, const unsigned char iv[FZ_SEAL_IV],
                   const unsigned char *in, size_t n, unsigned char *out) {
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  int a = 0, b = 0;
  int ok = ctx && EVP_EncryptInit_ex2(ctx, k->sm4_ctr, k->enc, iv, NULL) == 1 &&
           EVP_EncryptUpdate(ctx, out, &a, in, (int)n) == 1 &&
           EVP_EncryptFinal_ex(ctx, out + a, &b) == 1 && (size_t)(a + b) == n;
  EVP_CIPHER_CTX_free(ctx);
  return ok;
}

fz_err fz_seal(const fz_seal_key *k, const void *plain, size_t len,
               unsigned char *out, size_t out_size, size_t *out_len,
               fz_error *err) {
  *out_len = 0;
  if (len > FZ_SEAL_PLAIN_MAX)
    return fz_error_set(err, FZ_TOOBIG, "plain",
                        "待加密数据过长 / at most %d bytes can be sealed, not "
                        "%zu", FZ_SEAL_PLAIN_MAX, len);
  size_t n = len + FZ_SEAL_OVERHEAD;
  if (out_size < n)
    return fz_error_set(err, FZ_TOOBIG, "plain",
                        "输出缓冲区过小 / sealing %zu bytes needs %zu bytes of "
                        "room, not %zu", len, n, out_size);
  unsigned char *iv = out + 1, *ct = out + 1 + FZ_SEAL_IV;
  out[0] = FZ_SEAL_VERSION;
  /* A random initial counter block: with 128 bits, two seals under one key
   * never share a keystream in practice. */
  if (RAND_bytes(iv, FZ_SEAL_IV) != 1)
    return ossl_fail(err, FZ_INTERNAL, "plain",
                     "无法生成随机数 / no randomness for the IV");
  if (!sm4_ctr(k, iv, plain, len, ct) ||
      !hmac(k->mac, out, 1 + FZ_SEAL_IV + len, ct + len)) {
    OPENSSL_cleanse(out, n);
    return ossl_fail(err, FZ_INTERNAL, "plain", "SM4/SM3 加密失败 / sealing "
                     "failed");
  }
  *out_len = n;
  return FZ_OK;
}

fz_err fz_unseal(const fz_seal_key *k, const unsigned char *in, size_t len,
                 char *plain, size_t plain_size, size_t *plain_len,
                 fz_error *err) {
  *plain_len = 0;
  if (plain_size > 0) plain[0] = '\0';
  if (len < FZ_SEAL_OVERHEAD || len - FZ_SEAL_OVERHEAD > FZ_SEAL_PLAIN_MAX)
    return fz_error_set(err, FZ_INVALID, "sealed",
                        "密文长度无效 / a sealed value is %d to %d bytes, not "
                        "%zu", FZ_SEAL_OVERHEAD,
                        FZ_SEAL_OVERHEAD + FZ_SEAL_PLAIN_MAX, len);
  if (in[0] != FZ_SEAL_VERSION)
    return fz_error_set(err, FZ_INVALID, "sealed",
                        "未知的密文版本 %u / unknown seal version %u",
                        (unsigned)in[0], (unsigned)in[0]);
  size_t n = len - FZ_SEAL_OVERHEAD;
  const unsigned char *tag = in + len - FZ_SEAL_TAG;
  unsigned char want[FZ_SEAL_TAG];
  if (!hmac(k->mac, in, len - FZ_SEAL_TAG, want))
    return ossl_fail(err, FZ_INTERNAL, "sealed", "SM3 计算失败 / HMAC failed");
  if (CRYPTO_memcmp(want, tag, FZ_SEAL_TAG) != 0)
    return fz_error_set(err, FZ_INVALID, "sealed",
                        "密文校验失败：被改动，或用了另一把密钥 / the seal does "
                        "not verify: altered, cut short, or sealed with another "
                        "key");
  if (plain_size < n + 1)
    return fz_error_set(err, FZ_TOOBIG, "sealed",
                        "输出缓冲区过小 / the plaintext needs %zu bytes of "
                        "room, not %zu", n + 1, plain_size);
  if (!sm4_ctr(k, in + 1, in + 1 + FZ_SEAL_IV, n, (unsigned char *)plain)) {
    OPENSSL_cleanse(plain, plain_size);
    plain[0] = '\0';
    return ossl_fail(err, FZ_INTERNAL, "sealed", "SM4 解密失败 / decryption "
                     "failed");
  }
  plain[n] = '\0';
  *plain_len = n;
  return FZ_OK;
}

fz_err fz_seal_index(const fz_seal_key *k, const char *plain,
                     unsigned char out[FZ_SEAL_INDEX], fz_error *err) {
  size_t len = 0;
  const char *s = plain ? id_trim(plain, &len) : NULL;
  if (len == 0)
    return fz_error_set(err, FZ_INVALID, "plain",
                        "没有可索引的内容 / nothing to index");
  if (len > FZ_SEAL_PLAIN_MAX)
    return fz_error_set(err, FZ_TOOBIG, "plain",
                        "待索引数据过长 / at most %d bytes can be indexed, not "
                        "%zu", FZ_SEAL_PLAIN_MAX, len);
  /* Upper-case in a copy; short values (all real ones) stay on the stack. */
  char small[64], *norm = small;
  if (len > sizeof small && !(norm = OPENSSL_malloc(len)))
    return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  for (size_t i = 0; i < len; i++)
    norm[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
  int ok = hmac(k->index, norm, len, out);
  if (norm == small) OPENSSL_cleanse(small, sizeof small);
  else OPENSSL_clear_free(norm, len);
  if (!ok)
    return ossl_fail(err, FZ_INTERNAL, "plain", "SM3 计算失败 / HMAC failed");
  return FZ_OK;
}
