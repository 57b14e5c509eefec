/* resident.c — 居民身份证号 (GB 11643-1999): check character, birth date and
 * sex; the masks public pages apply to natural persons (DESIGN §8); and the
 * UTF-8 and trimming helpers of src/id. */
#include "id/id_int.h"

#include "cal/cal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* GB 11643-1999 §8.2 (ISO 7064 MOD 11-2): weights 2^(18-i) mod 11, and the
 * check character for each remainder of the weighted sum. */
static const int WEIGHTS[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char CHECK[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

size_t id_utf8_seq(const unsigned char *s, size_t n) {
  if (n == 0) return 0;
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;      /* no overlong forms */
    else if (c == 0xED) hi = 0x9F; /* no surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F; /* nothing above U+10FFFF */
  } else
    return 0;
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return len;
}

static size_t space_at(const char *s, size_t len) {
  if (len >= 1 && s[0] && strchr(" \t\r\n\v\f", s[0])) return 1;
  if (len >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) return 3; /* U+3000 */
  return 0;
}

const char *id_trim(const char *s, size_t *len) {
  size_t n = strlen(s), k;
  while ((k = space_at(s, n)) > 0) s += k, n -= k;
  for (;;) {
    if (n >= 1 && space_at(s + n - 1, 1)) n--;
    else if (n >= 3 && space_at(s + n - 3, 3) == 3) n -= 3;
    else break;
  }
  *len = n;
  return s;
}

char fz_resident_check_char(const char *first17) {
  if (!first17 || strlen(first17) != 17) return 0;
  int sum = 0;
  for (int i = 0; i < 17; i++) {
    if (first17[i] < '0' || first17[i] > '9') return 0;
    sum += (first17[i] - '0') * WEIGHTS[i];
  }
  return CHECK[sum % 11];
}

static int digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

int id_birth_date(const char *s, fz_id_date today, fz_id_date *d, char *why,
                  size_t size) {
  int y = digits(s, 4), m = y < 0 ? -1 : digits(s + 4, 2),
      dd = m < 0 ? -1 : digits(s + 6, 2);
  if (dd < 0) {
    snprintf(why, size, "出生日期（第 7 至 14 位）应为数字 / birth date: "
             "positions 7-14 must be digits");
    return -1;
  }
  if (m < 1 || m > 12) {
    snprintf(why, size, "出生日期 %.8s（第 7 至 14 位）中没有 %02d 月 / birth "
             "date: month %02d in %.8s (positions 7-14) does not exist", s, m,
             m, s);
    return -1;
  }
  if (dd < 1 || dd > fz_date_month_days(y, m)) {
    if (m == 2 && dd == 29)
      snprintf(why, size,
               "出生日期 %.8s（第 7 至 14 位）不存在：%04d 年不是闰年 / birth "
               "date: day 29 in %.8s (positions 7-14) does not exist: %04d is "
               "not a leap year",
               s, y, s, y);
    else
      snprintf(why, size,
               "出生日期 %.8s（第 7 至 14 位）不存在：%02d 月只有 %d 天 / "
               "birth date: day %02d in %.8s (positions 7-14) does not "
               "exist: month %02d has %d days",
               s, m, fz_date_month_days(y, m), dd, s, m,
               fz_date_month_days(y, m));
    return -1;
  }
  if (y < 1900) {
    snprintf(why, size, "出生日期 %.8s（第 7 至 14 位）早于 1900-01-01 / birth "
             "date: %.8s (positions 7-14) is before 1900-01-01", s, s);
    return -1;
  }
  long ymd = y * 10000L + m * 100 + dd;
  if (ymd > today.year * 10000L + today.month * 100 + today.day) {
    snprintf(why, size, "出生日期 %.8s（第 7 至 14 位）晚于今天 "
             "%04d-%02d-%02d / birth date: %.8s (positions 7-14) is after "
             "today, %04d-%02d-%02d",
             s, today.year, today.month, today.day, s, today.year,
             today.month, today.day);
    return -1;
  }
  if (d) *d = (fz_id_date){y, m, dd};
  return 0;
}

static int resident_char_ok(unsigned char c, size_t pos) {
  return (c >= '0' && c <= '9') || (pos == FZ_ID_LEN && c == 'X');
}

fz_err fz_resident_validate(const char *code, fz_id_date today,
                            fz_id_result *r) {
  size_t chars = id_begin(r, FZ_ID_RESIDENT, code);
  const char *s = r->code;
  if (chars != FZ_ID_LEN)
    return id_fail_length(r, chars);

  size_t bad = id_first_bad(s, resident_char_ok);
  if (bad) {
    char what[32];
    id_describe(s, bad, what, sizeof what);
    int last = bad == FZ_ID_LEN;
    return id_fail(r, "第 %zu 位为 %s，%s / character: position %zu is %s; %s",
                   bad, what, last ? "第 18 位应为数字或 X" : "第 1 至 17 位应为数字",
                   bad, what,
                   last ? "position 18 must be a digit or X"
                        : "positions 1-17 must be digits");
  }
  /* GB 11643-1999 §5: 地址码 (1–6), 出生日期码 (7–14), 顺序码 (15–17),
   * 校验码 (18). */
  id_set_region(r, s);
  fz_id_date birth;
  char why[320];
  if (id_birth_date(s + 6, today, &birth, why, sizeof why))
    return id_fail(r, "%s", why);

  char body[18];
  memcpy(body, s, 17);
  body[17] = '\0';
  char want = fz_resident_check_char(body);
  if (s[17] != want)
    return id_fail_checksum(r, s[17], want);
  r->valid = 1;
  r->birth = birth;
  /* GB 11643-1999 §5.3: the 顺序码 is odd for men, even for women. */
  r->sex = (s[16] - '0') % 2 ? FZ_SEX_MALE : FZ_SEX_FEMALE;
  return FZ_OK;
}

/* Writes the first `head` and last `tail` of the n characters of s[0..len)
 * with a '*' for each character between them. */
static fz_err mask(const char *s, size_t len, size_t n, size_t head,
                   size_t tail, char *buf, size_t size) {
  size_t hb = 0, tb = 0, k = 0;
  for (size_t i = 0; i < len; k++) {
    size_t step = id_utf8_seq((const unsigned char *)s + i, len - i);
    i += step;
    if (k + 1 == head) hb = i;
    if (k + tail == n) tb = len - (i - step);
  }
  if (tail == 0) tb = 0;
  size_t stars = n - head - tail, need = hb + stars + tb + 1;
  if (need > size) {
    if (size) buf[0] = '\0';
    return FZ_TOOBIG;
  }
  memcpy(buf, s, hb);
  memset(buf + hb, '*', stars);
  memcpy(buf + hb + stars, s + len - tb, tb);
  buf[need - 1] = '\0';
  return FZ_OK;
}

/* Trims `in`, checks it is UTF-8 and counts its characters into *n. */
static const char *prepare(const char *in, size_t *len, size_t *n, char *buf,
                           size_t size) {
  if (size) buf[0] = '\0';
  if (!in) return NULL;
  const char *s = id_trim(in, len);
  *n = 0;
  for (size_t i = 0; i < *len; (*n)++) {
    size_t step = id_utf8_seq((const unsigned char *)s + i, *len - i);
    if (!step) return NULL;
    i += step;
  }
  return s;
}

fz_err fz_mask_resident(const char *in, char *buf, size_t size) {
  size_t len, n;
  const char *s = prepare(in, &len, &n, buf, size);
  if (!s) return FZ_INVALID;
  return n > 10 ? mask(s, len, n, 6, 4, buf, size)
                : mask(s, len, n, 0, 0, buf, size);
}

fz_err fz_mask_name(const char *in, char *buf, size_t size) {
  size_t len, n;
  const char *s = prepare(in, &len, &n, buf, size);
  if (!s) return FZ_INVALID;
  if (n <= 1) return mask(s, len, n, 0, 0, buf, size);
  return mask(s, len, n, 1, n == 2 ? 0 : 1, buf, size);
}

fz_err fz_mask_phone(const char *in, char *buf, size_t size) {
  size_t len, n;
  const char *s = prepare(in, &len, &n, buf, size);
  if (!s) return FZ_INVALID;
  return n > 7 ? mask(s, len, n, 3, 4, buf, size)
               : mask(s, len, n, 0, 0, buf, size);
}

fz_id_date fz_id_today(void) {
  /* 北京时间, the platform's civil date, whatever the host's time zone. */
  time_t t = time(NULL) + 8 * 3600;
  struct tm tm;
  gmtime_r(&t, &tm);
  return (fz_id_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}
