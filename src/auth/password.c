/* password.c — Argon2id password hashes (libsodium), the password policy and
 * one-time passwords. */
#include "auth/secret.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

_Static_assert(FZ_PASSWORD_HASH_SIZE == crypto_pwhash_STRBYTES,
               "hash buffer size is libsodium's");
_Static_assert(FZ_PASSWORD_OPSLIMIT == crypto_pwhash_OPSLIMIT_INTERACTIVE &&
                   FZ_PASSWORD_MEMLIMIT == crypto_pwhash_MEMLIMIT_INTERACTIVE,
               "default limits are libsodium's INTERACTIVE");

/* Argon2 output length of libsodium's string format, so that the dummy
 * verification computes exactly what a real one does. */
#define STR_HASH_BYTES 32U

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ok;

static void sodium_start(void) { sodium_ok = sodium_init() >= 0; }

fz_err fz_secret_init(void) {
  pthread_once(&sodium_once, sodium_start);
  return sodium_ok ? FZ_OK : FZ_INTERNAL;
}

/* ---- Hashing ------------------------------------------------------------ */

/* Resolves 0 to the defaults and checks the bounds of secret.h. */
static fz_err limits(unsigned long long *ops, size_t *mem, fz_error *err) {
  if (*ops == 0) *ops = FZ_PASSWORD_OPSLIMIT;
  if (*mem == 0) *mem = FZ_PASSWORD_MEMLIMIT;
  if (*ops < FZ_PASSWORD_OPSLIMIT || *ops > crypto_pwhash_OPSLIMIT_MAX)
    return fz_error_set(err, FZ_RANGE, "opslimit",
                        "Argon2 passes must be %llu to %llu (got %llu)",
                        FZ_PASSWORD_OPSLIMIT,
                        (unsigned long long)crypto_pwhash_OPSLIMIT_MAX, *ops);
  if (*mem < FZ_PASSWORD_MEMLIMIT || *mem > crypto_pwhash_MEMLIMIT_SENSITIVE)
    return fz_error_set(err, FZ_RANGE, "memlimit",
                        "Argon2 memory must be %zu to %zu bytes (got %zu)",
                        FZ_PASSWORD_MEMLIMIT,
                        (size_t)crypto_pwhash_MEMLIMIT_SENSITIVE, *mem);
  return FZ_OK;
}

fz_err fz_password_hash(const char *password, unsigned long long opslimit,
                        size_t memlimit, char out[FZ_PASSWORD_HASH_SIZE],
                        fz_error *err) {
  out[0] = '\0';
  if (fz_secret_init())
    return fz_error_set(err, FZ_INTERNAL, NULL, "libsodium failed to start");
  if (!password)
    return fz_error_set(err, FZ_MISSING, "password", "no password given");
  size_t len = strlen(password);
  if (len > FZ_PASSWORD_MAX_BYTES)
    return fz_error_set(err, FZ_TOOBIG, "password",
                        "password longer than %d bytes", FZ_PASSWORD_MAX_BYTES);
  fz_err rc = limits(&opslimit, &memlimit, err);
  if (rc) return rc;
  if (crypto_pwhash_str_alg(out, password, len, opslimit, memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    out[0] = '\0';
    return fz_error_set(err, FZ_NOMEM, NULL,
                        "Argon2 could not get %zu bytes of memory", memlimit);
  }
  return FZ_OK;
}

fz_err fz_password_verify(const char *password, const char *hash) {
  if (fz_secret_init() || !password || !hash) return FZ_INVALID;
  size_t len = strlen(password);
  if (len > FZ_PASSWORD_MAX_BYTES) return FZ_INVALID;
  /* libsodium reads at most crypto_pwhash_STRBYTES of the string. */
  if (strnlen(hash, FZ_PASSWORD_HASH_SIZE) >= FZ_PASSWORD_HASH_SIZE)
    return FZ_INVALID;
  return crypto_pwhash_str_verify(hash, password, len) == 0 ? FZ_OK
                                                            : FZ_INVALID;
}

fz_err fz_password_dummy_verify(const char *password,
                                unsigned long long opslimit, size_t memlimit) {
  /* The same early exits as fz_password_verify; they depend only on what
   * the caller sent, never on whether the user exists. */
  if (fz_secret_init() || !password) return FZ_INVALID;
  size_t len = strlen(password);
  if (len > FZ_PASSWORD_MAX_BYTES) return FZ_INVALID;
  if (limits(&opslimit, &memlimit, NULL)) {
    opslimit = FZ_PASSWORD_OPSLIMIT;
    memlimit = FZ_PASSWORD_MEMLIMIT;
  }
  /* A real verification is one Argon2id run with the stored limits into 32
   * bytes (decoding the string and comparing 32 bytes cost nanoseconds next
   * to it): do the same run, on a fixed salt, and throw the result away. */
  static const unsigned char salt[crypto_pwhash_SALTBYTES] = {
      'f', 'a', 'z', 'h', 'i', '-', 'd', 'u',
      'm', 'm', 'y', '-', 's', 'a', 'l', 't'};
  unsigned char h[STR_HASH_BYTES];
  (void)!crypto_pwhash(h, sizeof h, password, len, salt, opslimit, memlimit,
                       crypto_pwhash_ALG_ARGON2ID13);
  sodium_memzero(h, sizeof h);
  return FZ_INVALID;
}

int fz_password_needs_rehash(const char *hash, unsigned long long opslimit,
                             size_t memlimit) {
  if (fz_secret_init() || !hash ||
      strnlen(hash, FZ_PASSWORD_HASH_SIZE) >= FZ_PASSWORD_HASH_SIZE)
    return 1;
  if (opslimit == 0) opslimit = FZ_PASSWORD_OPSLIMIT;
  if (memlimit == 0) memlimit = FZ_PASSWORD_MEMLIMIT;
  /* The Argon2id-specific call: -1 (not an Argon2id string, e.g. Argon2i)
   * means rehash as well. */
  return crypto_pwhash_argon2id_str_needs_rehash(hash, opslimit, memlimit) != 0;
}

/* ---- Policy ------------------------------------------------------------- */

enum { C_LOWER = 1, C_UPPER = 2, C_DIGIT = 4, C_OTHER = 8 };

static const struct {
  int bit;
  const char *zh, *en;
} class_names[4] = {{C_LOWER, "小写字母", "lower-case letters"},
                    {C_UPPER, "大写字母", "upper-case letters"},
                    {C_DIGIT, "数字", "digits"},
                    {C_OTHER, "其他字符", "other characters"}};

/* The names of the classes a password lacks, "数字、其他字符" and
 * "digits, other characters". */
static void missing_classes(int classes, char *zh, size_t zsize, char *en,
                            size_t esize) {
  size_t zl = 0, el = 0;
  zh[0] = en[0] = '\0';
  for (size_t k = 0; k < 4; k++) {
    if (classes & class_names[k].bit || zl >= zsize || el >= esize) continue;
    zl += (size_t)snprintf(zh + zl, zsize - zl, "%s%s", zl ? "、" : "",
                           class_names[k].zh);
    el += (size_t)snprintf(en + el, esize - el, "%s%s", el ? ", " : "",
                           class_names[k].en);
  }
}

/* Decodes the code point at s[*i] (strict RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) and advances *i.  0 or -1. */
static int utf8_next(const unsigned char *s, size_t n, size_t *i,
                     uint32_t *cp) {
  unsigned char b = s[*i];
  size_t len;
  uint32_t min, c;
  if (b < 0x80) {
    *cp = b;
    (*i)++;
    return 0;
  } else if (b >= 0xC2 && b <= 0xDF) {
    len = 2, min = 0x80, c = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3, min = 0x800, c = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4, min = 0x10000, c = b & 0x07;
  } else {
    return -1;
  }
  if (n - *i < len) return -1;
  for (size_t k = 1; k < len; k++) {
    if ((s[*i + k] & 0xC0) != 0x80) return -1;
    c = (c << 6) | (s[*i + k] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return -1;
  *cp = c;
  *i += len;
  return 0;
}

static int class_of(uint32_t c) {
  if (c >= 'a' && c <= 'z') return C_LOWER;
  if (c >= 'A' && c <= 'Z') return C_UPPER;
  if (c >= '0' && c <= '9') return C_DIGIT;
  return C_OTHER;
}

static unsigned char fold(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Does hay contain needle, ignoring ASCII case?  Bytes of multi-byte UTF-8
 * sequences are never ASCII, so they compare exactly. */
static int contains_ci(const char *hay, const char *needle) {
  size_t n = strlen(hay), m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++) {
    size_t k = 0;
    while (k < m &&
           fold((unsigned char)hay[i + k]) == fold((unsigned char)needle[k]))
      k++;
    if (k == m) return 1;
  }
  return 0;
}

/* Code points of a string, counting every byte that does not continue a
 * sequence (exact for valid UTF-8, an estimate otherwise). */
static size_t count_chars(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

fz_err fz_password_check(const char *password, const char *username,
                         fz_error *err) {
  if (!password || !*password)
    return fz_error_set(err, FZ_MISSING, "password",
                        "请输入密码 / a password is required");
  size_t n = strlen(password);
  if (n > FZ_PASSWORD_MAX_BYTES)
    return fz_error_set(err, FZ_TOOBIG, "password",
                        "密码不能超过 %d 字节 / at most %d bytes (got %zu)",
                        FZ_PASSWORD_MAX_BYTES, FZ_PASSWORD_MAX_BYTES, n);

  const unsigned char *s = (const unsigned char *)password;
  size_t chars = 0;
  int classes = 0;
  for (size_t i = 0; i < n; chars++) {
    uint32_t c;
    if (utf8_next(s, n, &i, &c))
      return fz_error_set(err, FZ_INVALID, "password",
                          "密码不是有效的 UTF-8 文本 / not valid UTF-8 text");
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
      return fz_error_set(err, FZ_INVALID, "password",
                          "密码不能包含控制字符(如换行、制表符) / must not "
                          "contain control characters such as newline or tab");
    classes |= class_of(c);
  }
  if (chars < FZ_PASSWORD_MIN_CHARS)
    return fz_error_set(err, FZ_INVALID, "password",
                        "密码至少需要 %d 个字符 / at least %d characters "
                        "(got %zu)",
                        FZ_PASSWORD_MIN_CHARS, FZ_PASSWORD_MIN_CHARS, chars);

  int have = 0;
  for (size_t k = 0; k < 4; k++) have += (classes & class_names[k].bit) != 0;
  if (have < FZ_PASSWORD_MIN_CLASSES) {
    char zh[64], en[96];
    missing_classes(classes, zh, sizeof zh, en, sizeof en);
    return fz_error_set(err, FZ_INVALID, "password",
                        "密码需包含小写字母、大写字母、数字、其他字符中的至少 "
                        "%d 类(缺少:%s) / needs at least %d of 4 character "
                        "classes: lower-case, upper-case, digits, other "
                        "(missing: %s)",
                        FZ_PASSWORD_MIN_CLASSES, zh, FZ_PASSWORD_MIN_CLASSES,
                        en);
  }

  if (username && count_chars(username) >= 3 && contains_ci(password, username))
    return fz_error_set(err, FZ_INVALID, "password",
                        "密码不能包含用户名 / must not contain the user name");
  return FZ_OK;
}

/* ---- One-time passwords ------------------------------------------------- */

/* Letters and digits without look-alikes: no 0/O/o, 1/l/I.  56 symbols, so
 * 16 of them carry 16 · log2(56) ≈ 93 bits. */
static const char otp_alphabet[] =
    "abcdefghijkmnpqrstuvwxyz"
    "ABCDEFGHJKLMNPQRSTUVWXYZ"
    "23456789";

fz_err fz_password_onetime(const char *username, char out[FZ_OTP_LEN + 1],
                           fz_error *err) {
  out[0] = '\0';
  if (fz_secret_init())
    return fz_error_set(err, FZ_INTERNAL, NULL, "libsodium failed to start");
  /* Draw uniformly and start again when the policy refuses (about one draw
   * in twelve lacks a digit): the result is uniform over passing strings. */
  for (int attempt = 0; attempt < 1000; attempt++) {
    for (int k = 0; k < FZ_OTP_LEN; k++)
      out[k] = otp_alphabet[randombytes_uniform(sizeof otp_alphabet - 1)];
    out[FZ_OTP_LEN] = '\0';
    if (fz_password_check(out, username, NULL) == FZ_OK) return FZ_OK;
  }
  sodium_memzero(out, FZ_OTP_LEN + 1);
  return fz_error_set(err, FZ_INTERNAL, "password",
                      "could not draw a one-time password that passes the "
                      "policy");
}
