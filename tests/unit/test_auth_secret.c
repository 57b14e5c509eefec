/* test_auth_secret.c — password hashes, the password policy, one-time
 * passwords and tokens. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/secret.h"
#include "test.h"

/* ---- Hashing ---- */

static void test_hash_round_trip(void) {
  const char *pw = "Correct-Horse-9";
  char h1[FZ_PASSWORD_HASH_SIZE], h2[FZ_PASSWORD_HASH_SIZE];
  fz_error e;
  CHECK_INT(fz_secret_init(), FZ_OK);
  CHECK_INT(fz_password_hash(pw, 0, 0, h1, &e), FZ_OK);
  CHECK(strncmp(h1, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0);
  CHECK(strstr(h1, pw) == NULL);
  CHECK_INT(fz_password_verify(pw, h1), FZ_OK);
  CHECK_INT(fz_password_verify("Correct-Horse-8", h1), FZ_INVALID);
  CHECK_INT(fz_password_verify("", h1), FZ_INVALID);
  /* A fresh salt each time. */
  CHECK_INT(fz_password_hash(pw, 0, 0, h2, &e), FZ_OK);
  CHECK(strcmp(h1, h2) != 0);
  CHECK_INT(fz_password_verify(pw, h2), FZ_OK);
  /* Multi-byte passwords hash their UTF-8 bytes. */
  CHECK_INT(fz_password_hash("密码安全很重要Ab1", 0, 0, h2, &e), FZ_OK);
  CHECK_INT(fz_password_verify("密码安全很重要Ab1", h2), FZ_OK);
  CHECK_INT(fz_password_verify("密码安全很重要ab1", h2), FZ_INVALID);
}

static void test_hash_refusals(void) {
  char h[FZ_PASSWORD_HASH_SIZE];
  fz_error e;
  CHECK_INT(fz_password_hash(NULL, 0, 0, h, &e), FZ_MISSING);
  CHECK_STR(h, "");
  char big[FZ_PASSWORD_MAX_BYTES + 2];
  memset(big, 'A', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  CHECK_INT(fz_password_hash(big, 0, 0, h, &e), FZ_TOOBIG);
  CHECK_INT(fz_password_hash("Correct-Horse-9", 1, 0, h, &e), FZ_RANGE);
  CHECK_STR(e.field, "opslimit");
  CHECK_INT(fz_password_hash("Correct-Horse-9", 0, 1 << 20, h, &e), FZ_RANGE);
  CHECK_STR(e.field, "memlimit");
  CHECK_INT(
      fz_password_hash("Correct-Horse-9", 0, ((size_t)1 << 30) + 1, h, &e),
      FZ_RANGE);
  CHECK(strstr(e.message, "Correct") == NULL);

  /* Verification fails alike for every kind of bad input. */
  CHECK_INT(fz_password_verify(NULL, "$argon2id$"), FZ_INVALID);
  CHECK_INT(fz_password_verify("Correct-Horse-9", NULL), FZ_INVALID);
  CHECK_INT(fz_password_verify("Correct-Horse-9", ""), FZ_INVALID);
  CHECK_INT(fz_password_verify("Correct-Horse-9", "$argon2id$v=19$garbage"),
            FZ_INVALID);
  CHECK_INT(fz_password_verify(big, "$argon2id$"), FZ_INVALID);
  char unterminated[FZ_PASSWORD_HASH_SIZE + 8];
  memset(unterminated, 'x', sizeof unterminated - 1);
  unterminated[sizeof unterminated - 1] = '\0';
  CHECK_INT(fz_password_verify("Correct-Horse-9", unterminated), FZ_INVALID);
}

static void test_needs_rehash(void) {
  char h[FZ_PASSWORD_HASH_SIZE];
  CHECK_INT(fz_password_hash("Correct-Horse-9", 0, 0, h, NULL), FZ_OK);
  CHECK_INT(fz_password_needs_rehash(h, 0, 0), 0);
  CHECK_INT(
      fz_password_needs_rehash(h, FZ_PASSWORD_OPSLIMIT, FZ_PASSWORD_MEMLIMIT),
      0);
  CHECK_INT(fz_password_needs_rehash(h, 3, 0), 1);
  CHECK_INT(fz_password_needs_rehash(h, 0, (size_t)128 << 20), 1);
  CHECK_INT(fz_password_needs_rehash(NULL, 0, 0), 1);
  CHECK_INT(fz_password_needs_rehash("", 0, 0), 1);
  CHECK_INT(fz_password_needs_rehash("$2y$10$bcrypt", 0, 0), 1);
  /* A hash made stronger than asked for verifies, and is flagged. */
  CHECK_INT(fz_password_hash("Correct-Horse-9", 3, 0, h, NULL), FZ_OK);
  CHECK_INT(fz_password_verify("Correct-Horse-9", h), FZ_OK);
  CHECK_INT(fz_password_needs_rehash(h, 0, 0), 1);
  CHECK_INT(fz_password_needs_rehash(h, 3, 0), 0);
  /* Argon2i (which needs 3 passes) with the limits asked for still
   * verifies, but must become Argon2id. */
  CHECK_INT(
      crypto_pwhash_str_alg(h, "Correct-Horse-9", 15, 3, FZ_PASSWORD_MEMLIMIT,
                            crypto_pwhash_ALG_ARGON2I13),
      0);
  CHECK_INT(fz_password_verify("Correct-Horse-9", h), FZ_OK);
  CHECK_INT(fz_password_needs_rehash(h, 3, 0), 1);
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An unknown user must cost what a wrong password costs.  The fastest of a
 * few runs of each, interleaved, within a factor of two. */
static void test_dummy_verify_timing(void) {
  char h[FZ_PASSWORD_HASH_SIZE];
  CHECK_INT(fz_password_hash("Correct-Horse-9", 0, 0, h, NULL), FZ_OK);
  double real = 1e9, dummy = 1e9;
  for (int i = 0; i < 4; i++) {
    double t0 = seconds();
    CHECK_INT(fz_password_verify("Wrong-Horse-99", h), FZ_INVALID);
    double t1 = seconds();
    CHECK_INT(fz_password_dummy_verify("Wrong-Horse-99", 0, 0), FZ_INVALID);
    double t2 = seconds();
    if (t1 - t0 < real) real = t1 - t0;
    if (t2 - t1 < dummy) dummy = t2 - t1;
  }
  CHECK(dummy < 2 * real);
  CHECK(real < 2 * dummy);
  if (!(dummy < 2 * real && real < 2 * dummy))
    fprintf(stderr, "  real %.3fs, dummy %.3fs\n", real, dummy);
  /* Even the right password of some user is refused. */
  CHECK_INT(fz_password_dummy_verify("Correct-Horse-9", 0, 0), FZ_INVALID);
  CHECK_INT(fz_password_dummy_verify(NULL, 0, 0), FZ_INVALID);
}

/* ---- Policy ---- */

typedef struct refusal {
  const char *password, *username;
  fz_err code;
  const char *reason; /* a part of the message */
} refusal;

static void test_policy_refusals(void) {
  const refusal cases[] = {
      {"", NULL, FZ_MISSING, "请输入密码 / a password is required"},
      {"Qx7!vbn", NULL, FZ_INVALID,
       "密码至少需要 10 个字符 / at least 10 characters (got 7)"},
      {"Qx7!vbnmp", NULL, FZ_INVALID, "(got 9)"},
      {"zzzzqqqqwwww", NULL, FZ_INVALID,
       "missing: upper-case letters, digits, other characters"},
      {"zzzzqqqqwwww", NULL, FZ_INVALID, "缺少:大写字母、数字、其他字符"},
      {"zzzzQQQQwwww", NULL, FZ_INVALID,
       "needs at least 3 of 4 character classes"},
      {"zzzzQQQQwwww", NULL, FZ_INVALID, "(missing: digits, other characters)"},
      {"98765432109", NULL, FZ_INVALID,
       "missing: lower-case letters, "
       "upper-case letters, other"},
      {"密码安全很重要密码安全", NULL, FZ_INVALID,
       "missing: lower-case letters, upper-case letters, digits)"},
      {"Qx7!vbnmpk\xff", NULL, FZ_INVALID, "not valid UTF-8"},
      {"Qx7!vbnmpk\xc0\xaf", NULL, FZ_INVALID, "UTF-8"},         /* overlong */
      {"Qx7!vbnmpk\xe0\x80\xaf", NULL, FZ_INVALID, "UTF-8"},     /* overlong */
      {"Qx7!vbnmpk\xed\xa0\x80", NULL, FZ_INVALID, "UTF-8"},     /* surrogate */
      {"Qx7!vbnmpk\xf4\x90\x80\x80", NULL, FZ_INVALID, "UTF-8"}, /* >10FFFF */
      {"Qx7!vbnmpk\xe5\xaf", NULL, FZ_INVALID, "UTF-8"},         /* cut */
      {"Qx7!vbnmpk\x80", NULL, FZ_INVALID, "UTF-8"}, /* lone continuation */
      {"Qx7!vbnmpk\n", NULL, FZ_INVALID,
       "密码不能包含控制字符(如换行、制表符) / must not contain control "
       "characters"},
      {"Qx7!\tvbnmpk", NULL, FZ_INVALID, "control characters"},
      {"Qx7!vbnmpk\x7f", NULL, FZ_INVALID, "control characters"},
      {"Qx7!vbnmpk\xc2\x85", NULL, FZ_INVALID, "control characters"}, /* NEL */
      {"Zhangsan-2024", "zhangsan", FZ_INVALID,
       "密码不能包含用户名 / must not contain the user name"},
      {"2024-ZHANGSAN!", "ZhangSan", FZ_INVALID, "user name"},
      {"Qx7!vbnmpkXY", "Qx7!vbnmpkXY", FZ_INVALID, "user name"}, /* equal */
      {"Qx7!张三丰vbnmp", "张三丰", FZ_INVALID, "user name"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const refusal *c = &cases[i];
    fz_error e;
    fz_err rc = fz_password_check(c->password, c->username, &e);
    CHECK_INT(rc, c->code);
    CHECK_INT(e.code, c->code);
    CHECK_STR(e.field, "password");
    CHECK_CONTAINS(e.message, c->reason);
    if (*c->password) CHECK(strstr(e.message, c->password) == NULL);
    if (rc != c->code) fprintf(stderr, "  case %zu\n", i);
  }

  fz_error e;
  CHECK_INT(fz_password_check(NULL, "zhangsan", &e), FZ_MISSING);
  CHECK_STR(e.field, "password");
  /* One byte over the limit, and exactly at it. */
  char big[FZ_PASSWORD_MAX_BYTES + 2];
  memset(big, 'q', sizeof big - 1);
  memcpy(big, "Qx7!", 4);
  big[sizeof big - 1] = '\0';
  CHECK_INT(fz_password_check(big, NULL, &e), FZ_TOOBIG);
  CHECK_STR(e.message,
            "密码不能超过 1024 字节 / at most 1024 bytes (got 1025)");
  big[FZ_PASSWORD_MAX_BYTES] = '\0';
  CHECK_INT(fz_password_check(big, NULL, &e), FZ_OK);
}

static void test_policy_accepts(void) {
  const refusal ok[] = {
      {"Qx7!vbnmpk", NULL, FZ_OK, ""},    /* exactly 10 */
      {"zzzzQQQQww1", NULL, FZ_OK, ""},   /* no "other" */
      {"zzzz qqqq 1", NULL, FZ_OK, ""},   /* space is "other" */
      {"Climbing-2024", "li", FZ_OK, ""}, /* names under 3 characters */
      {"Zhangsan-2024", "zhangsi", FZ_OK, ""},
      {"Zhangsan-2024", "", FZ_OK, ""},
      {"密码安全很重要ab1", NULL, FZ_OK, ""}, /* 10 code points, 24 bytes */
      {"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
       "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
       "aA1",
       NULL, FZ_OK, ""}, /* seven emoji + 3 = 10 code points */
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    fz_error e;
    CHECK_INT(fz_password_check(ok[i].password, ok[i].username, &e), FZ_OK);
  }
}

/* Lengths are counted in code points: 9 CJK characters are 27 bytes but
 * still too short. */
static void test_policy_counts_code_points(void) {
  fz_error e;
  CHECK_INT(fz_password_check("密码安全很重要a1", NULL, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "(got 9)");
  CHECK_INT(fz_password_check("密码安全很重要啊啊a1", NULL, &e), FZ_OK);
  CHECK_INT(fz_password_check("Ab1\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f"
                              "\x98\x80",
                              NULL, &e),
            FZ_INVALID);
  CHECK_CONTAINS(e.message, "(got 6)");
}

/* ---- One-time passwords ---- */

static void test_onetime(void) {
  static const char alphabet[] =
      "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  int seen[256] = {0};
  char prev[FZ_OTP_LEN + 1] = "";
  for (int i = 0; i < 1000; i++) {
    char otp[FZ_OTP_LEN + 1];
    fz_error e;
    const char *user = i % 2 ? "abc" : NULL;
    CHECK_INT(fz_password_onetime(user, otp, &e), FZ_OK);
    CHECK_INT(strlen(otp), FZ_OTP_LEN);
    CHECK_INT(fz_password_check(otp, user, &e), FZ_OK);
    CHECK(strspn(otp, alphabet) == FZ_OTP_LEN);
    CHECK(strcmp(otp, prev) != 0);
    for (int k = 0; otp[k]; k++) seen[(unsigned char)otp[k]] = 1;
    memcpy(prev, otp, sizeof prev);
  }
  CHECK(!seen['0'] && !seen['O'] && !seen['o']);
  CHECK(!seen['1'] && !seen['l'] && !seen['I']);
  /* 16 000 draws from 56 symbols reach every one of them. */
  for (const char *a = alphabet; *a; a++) CHECK(seen[(unsigned char)*a]);
}

/* ---- Tokens ---- */

#define TOKENS 10000
static char tokens[TOKENS][FZ_TOKEN_SIZE];

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

static void test_token_new(void) {
  const char *prefixes[] = {FZ_TOKEN_SESSION, FZ_TOKEN_CSRF, FZ_TOKEN_API};
  for (int i = 0; i < TOKENS; i++) {
    const char *p = prefixes[i % 3];
    CHECK_INT(fz_token_new(p, tokens[i], sizeof tokens[i]), FZ_OK);
    CHECK(strncmp(tokens[i], p, 4) == 0);
    CHECK_INT(strlen(tokens[i]), 4 + FZ_TOKEN_B64_LEN);
    CHECK(strspn(tokens[i] + 4,
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
                 "stuvwxyz0123456789-_") == FZ_TOKEN_B64_LEN);
    CHECK_INT(fz_token_check(tokens[i], p, NULL), FZ_OK);
  }
  qsort(tokens, TOKENS, sizeof tokens[0], cmp_str);
  int dups = 0;
  for (int i = 1; i < TOKENS; i++)
    dups += strcmp(tokens[i - 1], tokens[i]) == 0;
  CHECK_INT(dups, 0);

  /* Any well-formed prefix; the buffer must hold it all. */
  char t[FZ_TOKEN_SIZE];
  CHECK_INT(fz_token_new("x_", t, 2 + 43 + 1), FZ_OK);
  CHECK_INT(strlen(t), 45);
  CHECK_INT(fz_token_new("abcdefghijklm9_", t, sizeof t), FZ_OK);
  CHECK_INT(fz_token_check(t, "abcdefghijklm9_", NULL), FZ_OK);
  CHECK_INT(fz_token_new("fzs_", t, 4 + 43), FZ_RANGE);
  CHECK_STR(t, "");
  const char *bad[] = {NULL,   "",      "_",     "fzs",
                       "FZS_", "fz-s_", "fzs__", "abcdefghijklmn9_",
                       "fzs_x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK_INT(fz_token_new(bad[i], t, sizeof t), FZ_INVALID);
    CHECK_STR(t, "");
  }
}

static void test_token_hash(void) {
  /* SM3("abc"), GB/T 32905-2016 Appendix A example 1. */
  static const char sm3_abc[] =
      "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
  unsigned char h[FZ_TOKEN_HASH_LEN], h2[FZ_TOKEN_HASH_LEN];
  char hex[2 * FZ_TOKEN_HASH_LEN + 1];
  CHECK_INT(fz_token_hash("abc", h), FZ_OK);
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  CHECK_STR(hex, sm3_abc);

  char t[FZ_TOKEN_SIZE], u[FZ_TOKEN_SIZE];
  CHECK_INT(fz_token_new(FZ_TOKEN_SESSION, t, sizeof t), FZ_OK);
  CHECK_INT(fz_token_new(FZ_TOKEN_SESSION, u, sizeof u), FZ_OK);
  CHECK_INT(fz_token_hash(t, h), FZ_OK);
  CHECK_INT(fz_token_hash(t, h2), FZ_OK);
  CHECK(memcmp(h, h2, sizeof h) == 0); /* stable */
  CHECK_INT(fz_token_hash_equal(h, h2), 1);
  CHECK_INT(fz_token_hash(u, h2), FZ_OK);
  CHECK_INT(fz_token_hash_equal(h, h2), 0);
  /* The prefix is hashed too: a CSRF token is not a session token. */
  char csrf[FZ_TOKEN_SIZE];
  memcpy(csrf, t, sizeof csrf);
  csrf[2] = 'c';
  CHECK_INT(fz_token_hash(csrf, h2), FZ_OK);
  CHECK_INT(fz_token_hash_equal(h, h2), 0);
  CHECK_INT(fz_token_hash(NULL, h2), FZ_INVALID);
}

static void test_token_hash_equal(void) {
  unsigned char a[FZ_TOKEN_HASH_LEN], b[FZ_TOKEN_HASH_LEN];
  randombytes_buf(a, sizeof a);
  memcpy(b, a, sizeof b);
  CHECK_INT(fz_token_hash_equal(a, b), 1);
  b[0] ^= 1;
  CHECK_INT(fz_token_hash_equal(a, b), 0);
  b[0] ^= 1;
  b[FZ_TOKEN_HASH_LEN - 1] ^= 0x80;
  CHECK_INT(fz_token_hash_equal(a, b), 0);
}

static void test_token_check_refusals(void) {
  static const char b64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char t[FZ_TOKEN_SIZE];
  CHECK_INT(fz_token_new(FZ_TOKEN_SESSION, t, sizeof t), FZ_OK);
  const char *secret = t + 4;

  char wrong_kind[FZ_TOKEN_SIZE], short_[FZ_TOKEN_SIZE];
  char long_[FZ_TOKEN_SIZE + 1];
  char bad_char[FZ_TOKEN_SIZE], non_ascii[FZ_TOKEN_SIZE + 1];
  char non_canonical[FZ_TOKEN_SIZE], padded[FZ_TOKEN_SIZE];
  memcpy(wrong_kind, t, sizeof t);
  wrong_kind[2] = 't';
  snprintf(short_, sizeof short_, "%.46s", t);
  snprintf(long_, sizeof long_, "%sA", t);
  memcpy(bad_char, t, sizeof t);
  bad_char[10] = '+';
  /* Same byte length, one character not ASCII. */
  snprintf(non_ascii, sizeof non_ascii, "%.45s\xc3\xa9", t);
  /* The last character carries 2 bits that must be zero. */
  memcpy(non_canonical, t, sizeof t);
  non_canonical[46] = b64[(strchr(b64, t[46]) - b64) | 1];
  snprintf(padded, sizeof padded, "%.46s=", t);
  char huge[10000];
  memset(huge, 'A', sizeof huge - 1);
  memcpy(huge, "fzs_", 4);
  huge[sizeof huge - 1] = '\0';

  const struct {
    const char *token;
    fz_err code;
    const char *reason;
  } cases[] = {
      {NULL, FZ_MISSING, "no token given"},
      {"", FZ_MISSING, "no token given"},
      {wrong_kind, FZ_INVALID, "wrong kind of token (expected prefix fzs_)"},
      {"Bearer x", FZ_INVALID, "expected prefix fzs_"},
      {short_, FZ_INVALID, "wrong length (expected 47 characters, got 46)"},
      {long_, FZ_INVALID, "wrong length (expected 47 characters, got 48)"},
      {huge, FZ_INVALID, "got >= 64"},
      {bad_char, FZ_INVALID, "characters outside the base64url alphabet"},
      {non_ascii, FZ_INVALID, "base64url alphabet"},
      {padded, FZ_INVALID, "base64url alphabet"},
      {non_canonical, FZ_INVALID, "not a canonical encoding of 32 bytes"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    fz_error e;
    CHECK_INT(fz_token_check(cases[i].token, FZ_TOKEN_SESSION, &e),
              cases[i].code);
    CHECK_STR(e.field, "token");
    CHECK_CONTAINS(e.message, cases[i].reason);
    /* No part of the secret in the message. */
    char part[9];
    snprintf(part, sizeof part, "%.8s", secret);
    CHECK(strstr(e.message, part) == NULL);
  }
  fz_error e;
  CHECK_INT(fz_token_check(t, "bad", &e), FZ_INVALID);
  CHECK_STR(e.field, "prefix");
  CHECK_INT(fz_token_check(t, FZ_TOKEN_SESSION, &e), FZ_OK);
}

int main(void) {
  RUN(test_hash_round_trip);
  RUN(test_hash_refusals);
  RUN(test_needs_rehash);
  RUN(test_dummy_verify_timing);
  RUN(test_policy_refusals);
  RUN(test_policy_accepts);
  RUN(test_policy_counts_code_points);
  RUN(test_onetime);
  RUN(test_token_new);
  RUN(test_token_hash);
  RUN(test_token_hash_equal);
  RUN(test_token_check_refusals);
  return TEST_END();
}
