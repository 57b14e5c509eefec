/* uscc.c — 统一社会信用代码 (GB 32100-2015) with its embedded 组织机构代码
 * (GB 11714), the kind detection of fz_id_check, and the result helpers the
 * other files of src/id share. */
#include "id/id_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* GB 32100-2015 §4.1: the code's 31 characters; a character's value is its
 * index.  I, O, Z, S and V are left out so they cannot be read as 1, 0, 2, 5
 * and U. */
static const char ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* GB 32100-2015 §5: weight of position i is 3^(i-1) mod 31. */
static const int WEIGHTS[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                29, 25, 13, 8,  24, 10, 30, 28};

/* GB 11714-1997 §5: weights of the eight body characters. */
static const int ORG_WEIGHTS[8] = {3, 7, 9, 10, 5, 8, 4, 2};

static int uscc_value(unsigned char c) {
  const char *p = c ? strchr(ALPHABET, c) : NULL;
  return p ? (int)(p - ALPHABET) : -1;
}

/* GB 11714: digits are worth 0–9 and letters A–Z 10–35. */
static int org_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

char fz_uscc_check_char(const char *first17) {
  if (!first17 || strlen(first17) != 17) return 0;
  int sum = 0;
  for (int i = 0; i < 17; i++) {
    int v = uscc_value((unsigned char)first17[i]);
    if (v < 0) return 0;
    sum += v * WEIGHTS[i];
  }
  return ALPHABET[(31 - sum % 31) % 31]; /* 31 → 0 */
}

char fz_orgcode_check_char(const char *first8) {
  if (!first8 || strlen(first8) != 8) return 0;
  int sum = 0;
  for (int i = 0; i < 8; i++) {
    int v = org_value((unsigned char)first8[i]);
    if (v < 0) return 0;
    sum += v * ORG_WEIGHTS[i];
  }
  int c = 11 - sum % 11; /* 10 → X, 11 → 0 */
  return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

const char *fz_id_kind_name(fz_id_kind kind) {
  return kind == FZ_ID_RESIDENT ? "居民身份证号" : "统一社会信用代码";
}

size_t id_begin(fz_id_result *r, fz_id_kind kind, const char *in) {
  memset(r, 0, sizeof *r);
  r->kind = kind;
  size_t len;
  const char *s = id_trim(in ? in : "", &len);
  size_t chars = 0;
  for (size_t i = 0; i < len;) {
    size_t n = id_utf8_seq((const unsigned char *)s + i, len - i);
    i += n ? n : 1;
    chars++;
  }
  if (len < sizeof r->code) {
    for (size_t i = 0; i < len; i++)
      r->code[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
    r->code[len] = '\0';
  }
  return chars;
}

size_t id_first_bad(const char *s, int (*ok)(unsigned char c, size_t pos)) {
  size_t len = strlen(s), pos = 1;
  for (size_t i = 0; i < len; pos++) {
    size_t n = id_utf8_seq((const unsigned char *)s + i, len - i);
    if (n != 1 || !ok((unsigned char)s[i], pos)) return pos;
    i += n;
  }
  return 0;
}

void id_describe(const char *s, size_t pos, char *buf, size_t size) {
  size_t len = strlen(s), i = 0, n = 0;
  for (size_t k = 1; i < len; k++, i += n ? n : 1) {
    n = id_utf8_seq((const unsigned char *)s + i, len - i);
    if (k == pos) break;
  }
  unsigned char c = i < len ? (unsigned char)s[i] : 0;
  if (i >= len)
    snprintf(buf, size, "(none)");
  else if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f)))
    snprintf(buf, size, "byte 0x%02X", c);
  else
    snprintf(buf, size, "'%.*s'", (int)n, s + i);
}

fz_err id_fail_length(fz_id_result *r, size_t chars) {
  return id_fail(r, "长度为 %zu 个字符，应为 18 位 / length: got %zu "
                 "characters, need 18", chars, chars);
}

fz_err id_fail_checksum(fz_id_result *r, char got, char want) {
  return id_fail(r, "校验码错误：第 18 位为 '%c'，应为 '%c' / checksum: got "
                 "'%c', expected '%c' (position 18)", got, want, got, want);
}

fz_err id_fail(fz_id_result *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  r->err.code = FZ_INVALID;
  snprintf(r->err.field, sizeof r->err.field, "code");
  vsnprintf(r->err.message, sizeof r->err.message, fmt, ap);
  va_end(ap);
  r->valid = 0;
  return FZ_INVALID;
}

static int uscc_char_ok(unsigned char c, size_t pos) {
  (void)pos;
  return uscc_value(c) >= 0;
}

fz_err fz_uscc_validate(const char *code, fz_id_result *r) {
  size_t chars = id_begin(r, FZ_ID_USCC, code);
  const char *s = r->code;
  if (chars != FZ_ID_LEN)
    return id_fail_length(r, chars);

  size_t bad = id_first_bad(s, uscc_char_ok);
  if (bad) {
    char what[32];
    id_describe(s, bad, what, sizeof what);
    if (strlen(s) == FZ_ID_LEN && strchr("IOZSV", s[bad - 1]))
      return id_fail(r,
                     "第 %zu 位为 %s，不使用字母 I、O、Z、S、V（GB "
                     "32100-2015） / character: position %zu is %s; the "
                     "letters I, O, Z, S and V are not used (GB 32100-2015)",
                     bad, what, bad, what);
    return id_fail(r,
                   "第 %zu 位为 %s，只可为数字和除 I、O、Z、S、V 以外的大写"
                   "字母 / character: position %zu is %s; allowed are 0-9 and "
                   "A-Z except I, O, Z, S, V",
                   bad, what, bad, what);
  }
  id_set_region(r, s + 2);

  char body[18];
  memcpy(body, s, 17);
  body[17] = '\0';
  char want = fz_uscc_check_char(body);
  if (s[17] != want)
    return id_fail_checksum(r, s[17], want);

  /* GB 32100-2015 §4.3: positions 9–17 are the 主体标识码, a 组织机构代码
   * whose last character is its own GB 11714 check. */
  char org[9];
  memcpy(org, s + 8, 8);
  org[8] = '\0';
  want = fz_orgcode_check_char(org);
  if (s[16] != want)
    return id_fail(r,
                   "组织机构代码（第 9 至 17 位，GB 11714）校验错误：第 17 位为 "
                   "'%c'，应为 '%c' / organization code check (GB 11714, "
                   "positions 9-17): got '%c', expected '%c' (position 17)",
                   s[16], want, s[16], want);
  r->valid = 1;
  return FZ_OK;
}

/* Does the normalised text look like a resident ID rather than a USCC: only
 * digits (an X last excepted), at least 14, and positions 7-14 shaped like a
 * birth date (year 1900-2099, month 01-12, day 01-31)?  The shape, not a
 * real date: 19490230 must be reported as an impossible birth date, not as
 * a USCC checksum failure. */
static int looks_resident(const char *s) {
  size_t n = strlen(s);
  if (n < 14) return 0;
  for (size_t i = 0; i < n; i++)
    if (!(s[i] >= '0' && s[i] <= '9') && !(i == n - 1 && s[i] == 'X'))
      return 0;
  const char *d = s + 6;
  int century = (d[0] - '0') * 10 + (d[1] - '0');
  int month = (d[4] - '0') * 10 + (d[5] - '0');
  int day = (d[6] - '0') * 10 + (d[7] - '0');
  return (century == 19 || century == 20) && month >= 1 && month <= 12 &&
         day >= 1 && day <= 31;
}

fz_err fz_id_check(const char *code, fz_id_date today, fz_id_result *r) {
  fz_id_result u, p;
  fz_uscc_validate(code, &u);
  fz_resident_validate(code, today, &p);
  if (u.valid != p.valid)
    *r = u.valid ? u : p;
  else
    *r = looks_resident(p.code) ? p : u;
  return r->err.code;
}
