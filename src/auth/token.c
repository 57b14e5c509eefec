/* token.c — opaque random tokens for sessions, CSRF and API access: made
 * from libsodium random bytes, checked for shape, stored as SM3 hashes. */
#include "auth/secret.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

_Static_assert(
    FZ_TOKEN_B64_LEN + 1 ==
        sodium_base64_ENCODED_LEN(FZ_TOKEN_BYTES,
                                  sodium_base64_VARIANT_URLSAFE_NO_PADDING),
    "43 characters encode 32 bytes");
_Static_assert(FZ_TOKEN_PREFIX_MAX + FZ_TOKEN_B64_LEN < FZ_TOKEN_SIZE,
               "FZ_TOKEN_SIZE holds the longest token");

/* Length of a well-formed prefix (1–14 of [a-z0-9] and '_'), or 0. */
static size_t prefix_len(const char *p) {
  size_t n = 0;
  if (!p) return 0;
  while (n < FZ_TOKEN_PREFIX_MAX &&
         ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9')))
    n++;
  return n > 0 && n < FZ_TOKEN_PREFIX_MAX && p[n] == '_' && p[n + 1] == '\0'
             ? n + 1
             : 0;
}

static int is_b64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

fz_err fz_token_new(const char *prefix, char *out, size_t size) {
  if (size > 0) out[0] = '\0';
  size_t p = prefix_len(prefix);
  if (!p) return FZ_INVALID;
  if (size < p + FZ_TOKEN_B64_LEN + 1) return FZ_RANGE;
  if (fz_secret_init()) return FZ_INTERNAL;
  unsigned char raw[FZ_TOKEN_BYTES];
  randombytes_buf(raw, sizeof raw);
  memcpy(out, prefix, p);
  sodium_bin2base64(out + p, size - p, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  return FZ_OK;
}

fz_err fz_token_check(const char *token, const char *prefix, fz_error *err) {
  size_t p = prefix_len(prefix);
  if (!p)
    return fz_error_set(err, FZ_INVALID, "prefix",
                        "a token prefix is 1-14 of [a-z0-9] and '_'");
  if (!token || !*token)
    return fz_error_set(err, FZ_MISSING, "token", "no token given");
  if (strncmp(token, prefix, p) != 0)
    return fz_error_set(err, FZ_INVALID, "token",
                        "wrong kind of token (expected prefix %s)", prefix);
  /* Bounded, so that a long header costs no more than a short one. */
  size_t n = strnlen(token, FZ_TOKEN_SIZE);
  if (n != p + FZ_TOKEN_B64_LEN)
    return fz_error_set(err, FZ_INVALID, "token",
                        "wrong length (expected %zu characters, got %s%zu)",
                        p + FZ_TOKEN_B64_LEN, n == FZ_TOKEN_SIZE ? ">= " : "",
                        n);
  for (size_t i = p; i < n; i++)
    if (!is_b64url(token[i]))
      return fz_error_set(err, FZ_INVALID, "token",
                          "characters outside the base64url alphabet");
  /* 43 characters carry 258 bits: the last two must be zero, as in every
   * token fz_token_new makes. */
  unsigned char raw[FZ_TOKEN_BYTES];
  size_t got = 0;
  const char *end = NULL;
  int rc =
      sodium_base642bin(raw, sizeof raw, token + p, FZ_TOKEN_B64_LEN, NULL,
                        &got, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  if (rc != 0 || got != FZ_TOKEN_BYTES || end != token + n)
    return fz_error_set(err, FZ_INVALID, "token",
                        "not a canonical encoding of %d bytes", FZ_TOKEN_BYTES);
  return FZ_OK;
}

/* SM3 fetched from the provider once: EVP_sm3() in EVP_Digest looks the
 * algorithm up again on every call, which costs more than hashing a token. */
static EVP_MD *sm3_md;
static pthread_once_t sm3_once = PTHREAD_ONCE_INIT;

static void sm3_fetch(void) { sm3_md = EVP_MD_fetch(NULL, "SM3", NULL); }

fz_err fz_token_hash(const char *token, unsigned char out[FZ_TOKEN_HASH_LEN]) {
  unsigned int len = 0;
  pthread_once(&sm3_once, sm3_fetch);
  if (token && sm3_md &&
      EVP_Digest(token, strlen(token), out, &len, sm3_md, NULL) &&
      len == FZ_TOKEN_HASH_LEN)
    return FZ_OK;
  memset(out, 0, FZ_TOKEN_HASH_LEN);
  return token ? FZ_INTERNAL : FZ_INVALID;
}

int fz_token_hash_equal(const unsigned char a[FZ_TOKEN_HASH_LEN],
                        const unsigned char b[FZ_TOKEN_HASH_LEN]) {
  return sodium_memcmp(a, b, FZ_TOKEN_HASH_LEN) == 0;
}
