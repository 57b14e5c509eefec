/* secret.h — the secrets of fazhi accounts: Argon2id password hashes, the
 * password policy, one-time passwords, and opaque random tokens (sessions,
 * CSRF, API) that are stored only as hashes (DESIGN §8). */
#ifndef FZ_AUTH_SECRET_H
#define FZ_AUTH_SECRET_H

#include <stddef.h>

#include "core/error.h"

/* Initialises libsodium once per process; safe from any thread and any
 * number of times.  Every function below calls it, so calling it yourself
 * only moves a failure to start-up.  FZ_OK, or FZ_INTERNAL if libsodium
 * cannot start (then no secret can be made or checked). */
fz_err fz_secret_init(void);

/* ---- Passwords ---------------------------------------------------------- */

#define FZ_PASSWORD_MIN_CHARS 10   /* Unicode code points */
#define FZ_PASSWORD_MIN_CLASSES 3  /* of lower, upper, digit, other */
#define FZ_PASSWORD_MAX_BYTES 1024 /* UTF-8 bytes, NUL excluded */
#define FZ_PASSWORD_HASH_SIZE 128  /* a hash string's buffer, NUL included */

/* Argon2id cost: libsodium's INTERACTIVE limits (2 passes over 64 MiB), the
 * default when a function below is given 0.  Limits below these, or memory
 * above 1 GiB (libsodium's SENSITIVE), are refused as FZ_RANGE. */
#define FZ_PASSWORD_OPSLIMIT 2ULL
#define FZ_PASSWORD_MEMLIMIT ((size_t)64 << 20)

/* Hashes a password with Argon2id into out, in libsodium's string format
 * ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash"), with a fresh random salt.
 * opslimit / memlimit 0 mean the defaults above.  Does not apply the policy
 * (call fz_password_check first).  FZ_MISSING for NULL, FZ_TOOBIG beyond
 * FZ_PASSWORD_MAX_BYTES, FZ_RANGE for limits out of bounds, FZ_NOMEM when
 * Argon2 cannot get its memory, FZ_INTERNAL if libsodium cannot start. */
fz_err fz_password_hash(const char *password, unsigned long long opslimit,
                        size_t memlimit, char out[FZ_PASSWORD_HASH_SIZE],
                        fz_error *err);

/* Checks a password against a stored hash string.  The comparison is
 * libsodium's, constant-time; the work is one Argon2 run with the hash's own
 * limits.  FZ_OK on a match; FZ_INVALID otherwise, for every reason alike
 * (wrong password, NULL, malformed hash, password over the byte limit).
 * Callers must not tell the user more than "wrong user name or password". */
fz_err fz_password_verify(const char *password, const char *hash);

/* For an unknown user (or a locked account): does the same work as
 * fz_password_verify with a hash of the given limits (0 or out of bounds =
 * defaults), so that the answer takes as long as a real check, and returns
 * FZ_INVALID. */
fz_err fz_password_dummy_verify(const char *password,
                                unsigned long long opslimit, size_t memlimit);

/* 1 if a stored hash should be replaced after the next successful login:
 * made with other limits than these (0 = defaults), or not an Argon2id hash
 * string at all; 0 if it is current. */
int fz_password_needs_rehash(const char *hash, unsigned long long opslimit,
                             size_t memlimit);

/* The password policy.  A password must be valid UTF-8 of at most
 * FZ_PASSWORD_MAX_BYTES bytes without control characters, hold at least
 * FZ_PASSWORD_MIN_CHARS code points from at least FZ_PASSWORD_MIN_CLASSES
 * of four classes (ASCII lower-case, ASCII upper-case, ASCII digits, and
 * other: punctuation, space and anything non-ASCII), and not contain the
 * user name, compared ignoring ASCII case, if that name (may be NULL) has
 * three or more characters.  FZ_OK, or FZ_MISSING / FZ_TOOBIG / FZ_INVALID
 * with field "password" and a reason in Chinese and English
 * ("密码至少需要 10 个字符 / at least 10 characters (got 7)") that never
 * quotes the password. */
fz_err fz_password_check(const char *password, const char *username,
                         fz_error *err);

#define FZ_OTP_LEN 16 /* characters of a one-time password */

/* Writes a random one-time password of FZ_OTP_LEN characters and its NUL
 * into out (for first logins and resets, to be changed at once).  The
 * characters come from an alphabet without look-alikes (no 0/O/o, 1/l/I),
 * and the result always passes fz_password_check for this user name (may be
 * NULL).  FZ_OK, or FZ_INTERNAL (out is then ""). */
fz_err fz_password_onetime(const char *username, char out[FZ_OTP_LEN + 1],
                           fz_error *err);

/* ---- Tokens ------------------------------------------------------------- */

/* A token is a prefix naming its kind followed by the base64url encoding
 * (no padding) of FZ_TOKEN_BYTES random bytes: "fzs_" + 43 characters.
 * Prefixes are 1–14 of [a-z0-9] and a final '_'. */
#define FZ_TOKEN_SESSION "fzs_"
#define FZ_TOKEN_CSRF "fzc_"
#define FZ_TOKEN_API "fzt_"
#define FZ_TOKEN_PREFIX_MAX 15 /* bytes, '_' included */
#define FZ_TOKEN_BYTES 32
#define FZ_TOKEN_B64_LEN 43 /* characters after the prefix */
#define FZ_TOKEN_SIZE 64    /* a buffer that holds any token and its NUL */
#define FZ_TOKEN_HASH_LEN 32

/* Writes a new token of the given kind into out[size].  FZ_INVALID for a
 * malformed prefix, FZ_RANGE if size cannot hold prefix + 43 + NUL,
 * FZ_INTERNAL if libsodium cannot start.  On error out is "" when size > 0. */
fz_err fz_token_new(const char *prefix, char *out, size_t size);

/* Checks the shape of a presented token before any look-up: the expected
 * prefix, the length, the base64url alphabet and a canonical encoding of
 * FZ_TOKEN_BYTES bytes.  FZ_OK, or FZ_MISSING / FZ_INVALID with field
 * "token" and a reason that never quotes the token. */
fz_err fz_token_check(const char *token, const char *prefix, fz_error *err);

/* out = SM3(token), the whole string prefix included: the form stored at
 * rest and looked up.  SM3 (GB/T 32905) because the ledger hashes with it
 * by default and a 商用密码 assessment expects it; a token has 256 random
 * bits, so a plain unsalted hash is enough.  FZ_OK, FZ_INVALID for NULL,
 * or FZ_INTERNAL if OpenSSL has no SM3 (out is then zeroed). */
fz_err fz_token_hash(const char *token, unsigned char out[FZ_TOKEN_HASH_LEN]);

/* 1 if two token hashes are equal, 0 if not, in time independent of where
 * they differ (sodium_memcmp). */
int fz_token_hash_equal(const unsigned char a[FZ_TOKEN_HASH_LEN],
                        const unsigned char b[FZ_TOKEN_HASH_LEN]);

#endif
