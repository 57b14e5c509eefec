/* date.c — civil dates: strict YYYY-MM-DD parsing, formatting, weekday and
 * day arithmetic (proleptic Gregorian, H. Hinnant's days_from_civil). */
#include "cal/cal.h"

#include <stdio.h>
#include <string.h>

static int is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int fz_date_month_days(int y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int fz_date_valid(int y, int m, int d) {
  return y >= FZ_DATE_MIN_YEAR && y <= FZ_DATE_MAX_YEAR && m >= 1 && m <= 12 &&
         d >= 1 && d <= fz_date_month_days(y, m);
}

/* Quotes up to 32 bytes of untrusted input for a message, replacing bytes
 * that are not printable ASCII with '?'. */
static const char *quote(const char *s, size_t len, char out[40]) {
  size_t n = len < 32 ? len : 32, i;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
  }
  if (len > n) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
  return out;
}

static int digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

fz_err fz_date_parse_n(const char *s, size_t len, fz_date *out,
                       fz_error *err) {
  char q[40];
  if (!s)
    return fz_error_set(err, FZ_PARSE, "date", "缺少日期 / date is missing");
  quote(s, len, q);
  if (len != 10 || s[4] != '-' || s[7] != '-')
    return fz_error_set(err, FZ_PARSE, "date",
                        "\"%s\" 不是 YYYY-MM-DD 格式的日期 / \"%s\" is not "
                        "a date of the form YYYY-MM-DD", q, q);
  int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
  if (y < 0 || m < 0 || d < 0)
    return fz_error_set(err, FZ_PARSE, "date",
                        "\"%s\" 不是 YYYY-MM-DD 格式的日期（只用数字） / "
                        "\"%s\" is not a date of the form YYYY-MM-DD (digits "
                        "only)", q, q);
  if (y < FZ_DATE_MIN_YEAR || y > FZ_DATE_MAX_YEAR)
    return fz_error_set(err, FZ_RANGE, "date",
                        "\"%s\" 的年份 %d 不在 %d 至 %d 之间 / year %d in "
                        "\"%s\" is outside %d-%d", q, y, FZ_DATE_MIN_YEAR,
                        FZ_DATE_MAX_YEAR, y, q, FZ_DATE_MIN_YEAR,
                        FZ_DATE_MAX_YEAR);
  if (m < 1 || m > 12)
    return fz_error_set(err, FZ_INVALID, "date",
                        "\"%s\" 中没有 %02d 月 / \"%s\" has no month %02d",
                        q, m, q, m);
  if (d < 1 || d > fz_date_month_days(y, m))
    return fz_error_set(err, FZ_INVALID, "date",
                        "\"%s\" 不存在：%04d-%02d 只有 %d 天 / \"%s\" does "
                        "not exist: %04d-%02d has %d days", q, y, m,
                        fz_date_month_days(y, m), q, y, m,
                        fz_date_month_days(y, m));
  out->y = y;
  out->m = m;
  out->d = d;
  return FZ_OK;
}

fz_err fz_date_parse(const char *s, fz_date *out, fz_error *err) {
  return fz_date_parse_n(s, s ? strlen(s) : 0, out, err);
}

/* Writes v as n decimal digits, most significant first (v < 10^n). */
static void put_digits(char *p, int v, int n) {
  while (n-- > 0) {
    p[n] = (char)('0' + v % 10);
    v /= 10;
  }
}

char *fz_date_format(fz_date d, char buf[FZ_DATE_BUF]) {
  /* Clamp so that even an invalid date cannot overflow the buffer. */
  put_digits(buf, d.y < 0 ? 0 : d.y > 9999 ? 9999 : d.y, 4);
  buf[4] = '-';
  put_digits(buf + 5, d.m < 0 ? 0 : d.m > 99 ? 99 : d.m, 2);
  buf[7] = '-';
  put_digits(buf + 8, d.d < 0 ? 0 : d.d > 99 ? 99 : d.d, 2);
  buf[10] = '\0';
  return buf;
}

long fz_date_to_days(fz_date d) {
  long y = d.y - (d.m <= 2);
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153L * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

fz_date fz_date_from_days(long days) {
  long z = days + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  fz_date r;
  r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
  r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
  r.y = (int)(yoe + era * 400 + (r.m <= 2));
  return r;
}

int fz_date_weekday(fz_date d) {
  long z = fz_date_to_days(d); /* 1970-01-01 was a Thursday (4) */
  long w = (z % 7 + 7 + 3) % 7; /* 0 = Monday */
  return (int)w + 1;
}

const char *fz_date_weekday_name(int weekday) {
  static const char *const names[] = {"星期一", "星期二", "星期三", "星期四",
                                      "星期五", "星期六", "星期日"};
  return weekday >= 1 && weekday <= 7 ? names[weekday - 1] : "?";
}

int fz_date_cmp(fz_date a, fz_date b) {
  if (a.y != b.y) return a.y < b.y ? -1 : 1;
  if (a.m != b.m) return a.m < b.m ? -1 : 1;
  if (a.d != b.d) return a.d < b.d ? -1 : 1;
  return 0;
}

fz_err fz_date_add_days(fz_date d, long n, fz_date *out, fz_error *err) {
  char buf[FZ_DATE_BUF];
  /* The supported range spans about 110 000 days; anything beyond that
   * cannot land inside it and must not overflow the arithmetic. */
  if (!fz_date_valid(d.y, d.m, d.d))
    return fz_error_set(err, FZ_INVALID, "date", "%s 不是有效日期 / %s is not "
                        "a valid date", fz_date_format(d, buf), buf);
  if (n > 200000 || n < -200000)
    return fz_error_set(err, FZ_RANGE, "days",
                        "%ld days from %s leaves the years %d-%d", n,
                        fz_date_format(d, buf), FZ_DATE_MIN_YEAR,
                        FZ_DATE_MAX_YEAR);
  fz_date r = fz_date_from_days(fz_date_to_days(d) + n);
  if (!fz_date_valid(r.y, r.m, r.d))
    return fz_error_set(err, FZ_RANGE, "days",
                        "%ld days from %s leaves the years %d-%d", n,
                        fz_date_format(d, buf), FZ_DATE_MIN_YEAR,
                        FZ_DATE_MAX_YEAR);
  *out = r;
  return FZ_OK;
}
