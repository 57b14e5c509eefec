/* test_cal.c — dates, the calendar file parser, the shipped 2024–2026
 * calendars (every holiday block's edges and every 调休 day), working-day
 * arithmetic, unloaded years and the administrator's directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cal/cal.h"
#include "test.h"

static fz_date D(const char *s) {
  fz_date d = {0, 0, 0};
  if (fz_date_parse(s, &d, NULL)) fprintf(stderr, "  bad test date %s\n", s);
  return d;
}

static const fz_cal *cal(void) {
  fz_error e;
  const fz_cal *c = fz_cal_default(&e);
  if (!c) fprintf(stderr, "  default calendar: %s\n", e.message);
  return c;
}

/* 1 working day, 0 rest day, -1 error. */
static int wd(const fz_cal *c, const char *s) {
  int yes;
  return fz_cal_is_workday(c, D(s), &yes, NULL) ? -1 : yes;
}

/* The date n working days after s, or the error's name. */
static const char *addw(const fz_cal *c, const char *s, long n) {
  static char buf[FZ_DATE_BUF];
  fz_date out;
  fz_err rc = fz_cal_add_workdays(c, D(s), n, &out, NULL);
  return rc ? fz_err_name(rc) : fz_date_format(out, buf);
}

/* ---- Dates ------------------------------------------------------------- */

static void date_parse_valid(void) {
  fz_date d;
  CHECK_INT(fz_date_parse("2025-01-28", &d, NULL), FZ_OK);
  CHECK_INT(d.y, 2025);
  CHECK_INT(d.m, 1);
  CHECK_INT(d.d, 28);
  CHECK_INT(fz_date_parse("2024-02-29", &d, NULL), FZ_OK); /* leap */
  CHECK_INT(fz_date_parse("2000-02-29", &d, NULL), FZ_OK); /* 400 rule */
  CHECK_INT(fz_date_parse("1900-01-01", &d, NULL), FZ_OK);
  CHECK_INT(fz_date_parse("2199-12-31", &d, NULL), FZ_OK);
  CHECK_INT(fz_date_parse_n("2025-12-31xyz", 10, &d, NULL), FZ_OK);
  CHECK_INT(d.d, 31);
}

static void date_parse_refusals(void) {
  fz_error e;
  fz_date d = {1, 2, 3};
  CHECK_INT(fz_date_parse("2025-02-29", &d, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "does not exist");
  CHECK_CONTAINS(e.message, "2025-02 has 28 days");
  CHECK_INT(d.y, 1); /* untouched on error */
  CHECK_INT(fz_date_parse("1900-02-29", &d, NULL), FZ_INVALID); /* 100 rule */
  CHECK_INT(fz_date_parse("2100-02-29", &d, NULL), FZ_INVALID);
  CHECK_INT(fz_date_parse("2025-04-31", &d, NULL), FZ_INVALID);
  CHECK_INT(fz_date_parse("2025-13-01", &d, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "no month 13");
  CHECK_INT(fz_date_parse("2025-00-10", &d, NULL), FZ_INVALID);
  CHECK_INT(fz_date_parse("2025-01-00", &d, NULL), FZ_INVALID);
  CHECK_INT(fz_date_parse("1899-12-31", &d, &e), FZ_RANGE);
  CHECK_CONTAINS(e.message, "1900-2199");
  CHECK_INT(fz_date_parse("2200-01-01", &d, NULL), FZ_RANGE);
  CHECK_INT(fz_date_parse("2025-1-01", &d, &e), FZ_PARSE);
  CHECK_CONTAINS(e.message, "\"2025-1-01\" is not a date of the form YYYY-MM-DD");
  CHECK_INT(fz_date_parse("2025-01-011", &d, NULL), FZ_PARSE);
  CHECK_INT(fz_date_parse(" 2025-01-01", &d, NULL), FZ_PARSE);
  CHECK_INT(fz_date_parse("2025/01/01", &d, NULL), FZ_PARSE);
  CHECK_INT(fz_date_parse("2025-0a-01", &d, &e), FZ_PARSE);
  CHECK_CONTAINS(e.message, "digits only");
  CHECK_INT(fz_date_parse("+025-01-01", &d, NULL), FZ_PARSE);
  CHECK_INT(fz_date_parse("", &d, NULL), FZ_PARSE);
  CHECK_INT(fz_date_parse(NULL, &d, NULL), FZ_PARSE);
  CHECK_INT(fz_date_parse_n("2025-01\00001", 10, &d, &e), FZ_PARSE);
  CHECK_CONTAINS(e.message, "\"2025-01?01\""); /* NUL shown safely */
}

static void date_format_weekday_arith(void) {
  char buf[FZ_DATE_BUF];
  CHECK_STR(fz_date_format(D("1900-01-01"), buf), "1900-01-01");
  CHECK_INT(fz_date_weekday(D("1970-01-01")), 4); /* Thursday */
  CHECK_INT(fz_date_weekday(D("1900-01-01")), 1); /* Monday */
  CHECK_INT(fz_date_weekday(D("2000-01-01")), 6);
  CHECK_INT(fz_date_weekday(D("2026-10-01")), 4);
  CHECK_INT(fz_date_weekday(D("2025-01-26")), 7);
  CHECK_STR(fz_date_weekday_name(7), "星期日");
  CHECK_STR(fz_date_weekday_name(0), "?");
  CHECK_INT(fz_date_to_days(D("1970-01-01")), 0);
  CHECK_INT(fz_date_to_days(D("2000-03-01")), 11017);
  CHECK_INT(fz_date_to_days(D("1900-01-01")), -25567);

  fz_date d;
  CHECK_INT(fz_date_add_days(D("2024-02-28"), 1, &d, NULL), FZ_OK);
  CHECK_STR(fz_date_format(d, buf), "2024-02-29");
  CHECK_INT(fz_date_add_days(D("2024-02-28"), 2, &d, NULL), FZ_OK);
  CHECK_STR(fz_date_format(d, buf), "2024-03-01");
  CHECK_INT(fz_date_add_days(D("2025-03-01"), -1, &d, NULL), FZ_OK);
  CHECK_STR(fz_date_format(d, buf), "2025-02-28");
  CHECK_INT(fz_date_add_days(D("2026-09-17"), 15, &d, NULL), FZ_OK);
  CHECK_STR(fz_date_format(d, buf), "2026-10-02");
  CHECK_INT(fz_date_add_days(D("2199-12-31"), 1, &d, NULL), FZ_RANGE);
  CHECK_INT(fz_date_add_days(D("1900-01-01"), -1, &d, NULL), FZ_RANGE);
  CHECK_INT(fz_date_add_days(D("2025-01-01"), 1000000000L, &d, NULL), FZ_RANGE);
  fz_date bad = {2025, 2, 30};
  CHECK_INT(fz_date_add_days(bad, 1, &d, NULL), FZ_INVALID);

  CHECK(fz_date_cmp(D("2025-01-01"), D("2024-12-31")) > 0);
  CHECK(fz_date_cmp(D("2025-01-01"), D("2025-01-02")) < 0);
  CHECK_INT(fz_date_cmp(D("2025-06-15"), D("2025-06-15")), 0);

  /* Every day of the range survives the round trip and the weekday cycles. */
  long first = fz_date_to_days(D("1900-01-01"));
  long last = fz_date_to_days(D("2199-12-31"));
  int ok = 1, prev = 0;
  for (long z = first; z <= last && ok; z++) {
    fz_date x = fz_date_from_days(z);
    int w = fz_date_weekday(x);
    ok = fz_date_valid(x.y, x.m, x.d) && fz_date_to_days(x) == z &&
         (prev == 0 || w == prev % 7 + 1);
    prev = w;
  }
  CHECK(ok);
  CHECK_INT(last - first + 1, 109573); /* 300 years, 73 leap days */
}

/* ---- The parser ---------------------------------------------------------- */

static const char good_file[] =
    "# test\n"
    "notice 测试通知\n"
    "year 2025\n"
    "\n"
    "off  2025-01-28..2025-02-04  春节\n"
    "work 2025-01-26              春节调休\r\n"
    "  # indented comment\n"
    "off 2025-10-01 国庆节";

static void parse_good(void) {
  fz_cal_year *y = NULL;
  fz_error e;
  CHECK_INT(fz_cal_year_parse(good_file, strlen(good_file), "t.txt", &y, &e),
            FZ_OK);
  if (!y) return;
  CHECK_INT(fz_cal_year_year(y), 2025);
  CHECK_STR(fz_cal_year_notice(y), "测试通知");
  CHECK_STR(fz_cal_year_source(y), "t.txt");
  fz_cal_year_free(y);
  fz_cal_year_free(NULL);
}

/* Parses text and expects FZ_PARSE with "t.txt:LINE:" and a phrase. */
static void refuse(const char *text, int line, const char *phrase) {
  fz_cal_year *y = (fz_cal_year *)1;
  fz_error e;
  char where[32];
  fz_error_clear(&e);
  CHECK_INT(fz_cal_year_parse(text, strlen(text), "t.txt", &y, &e), FZ_PARSE);
  CHECK(y == NULL);
  snprintf(where, sizeof where, "t.txt:%d: ", line);
  CHECK_CONTAINS(e.message, where);
  CHECK_CONTAINS(e.message, phrase);
}

#define HEAD "notice N\nyear 2025\n"

static void parse_refusals(void) {
  refuse(HEAD "off 2025-02-30 X\n", 3, "does not exist");
  refuse(HEAD "off 2025-2-3 X\n", 3, "neither YYYY-MM-DD nor");
  refuse(HEAD "off 2025-01-01\n", 3, "needs a name");
  refuse(HEAD "off\n", 3, "needs a date");
  refuse(HEAD "\n\noff 2024-12-31 X\n", 5, "outside the file's year 2025");
  refuse(HEAD "off 2025-12-30..2026-01-02 X\n", 3, "outside the file's year");
  refuse(HEAD "off 2025-02-04..2025-01-28 X\n", 3, "not in order");
  refuse(HEAD "off 2025-02-04..2025-02-04 X\n", 3, "not in order");
  refuse(HEAD "off 2025-01-28..2025-02-04 春节\nwork 2025-02-01 调休\n", 4,
         "2025-02-01 is listed as off on line 3 and as work here");
  refuse(HEAD "work 2025-02-08 调休\noff 2025-02-07..2025-02-09 X\n", 4,
         "2025-02-08 is listed as work on line 3 and as off here");
  refuse(HEAD "off 2025-01-01 X\nwork 2025-01-27 调休\n", 4,
         "work day 2025-01-27 is a Monday");
  refuse(HEAD "holiday 2025-01-01 X\n", 3, "unknown directive \"holiday\"");
  refuse(HEAD "Off 2025-01-01 X\n", 3, "unknown directive");
  refuse(HEAD "off 2025-01-01 元旦\noff 2025-01-01 元旦\n", 4,
         "2025-01-01 is already listed as off on line 3");
  refuse(HEAD "off 2025-01-28..2025-02-04 春节\noff 2025-02-04..2025-02-05 X\n",
         4, "2025-02-04 is already listed as off on line 3");
  refuse(HEAD "off 2025-01-01 X\nwork 2025-01-26 A\nwork 2025-01-26 B\n", 5,
         "already listed as work on line 4");
  refuse("notice N\noff 2025-01-01 X\nyear 2025\n", 2, "before the `year`");
  refuse(HEAD "year 2025\n", 3, "a second `year` line");
  refuse(HEAD "notice M\n", 3, "a second `notice` line");
  refuse("notice N\nyear 25\n", 2, "`year` needs a year 1900-2199");
  refuse("notice N\nyear 20250\n", 2, "`year` needs a year");
  refuse("notice N\nyear 2300\n", 2, "`year` needs a year");
  refuse("notice\n", 1, "needs the notice's title");
  refuse("notice N\nyear 2025\n", 3, "no `off` days");
  refuse("notice N\noff\n", 2, "before the `year` line");
  refuse("year 2025\noff 2025-01-01 X\n", 3, "no `notice` line");
  refuse("# only a comment\n", 2, "no `year` line");
  refuse("", 1, "no `year` line");
  refuse(HEAD "off 2025-01-01 \xe5\x85\n", 3, "not UTF-8");
  refuse(HEAD "off 2025-01-01 \xc0\xaf\n", 3, "not UTF-8"); /* overlong */
  refuse(HEAD "off 2025-01-01 A\x01" "B\n", 3, "control characters");

  /* A NUL byte inside the buffer. */
  static const char nul[] = HEAD "off 2025-01-01 A\0B\n";
  fz_cal_year *y = (fz_cal_year *)1;
  fz_error e;
  CHECK_INT(fz_cal_year_parse(nul, sizeof nul - 1, "t.txt", &y, &e), FZ_PARSE);
  CHECK(y == NULL);
  CHECK_CONTAINS(e.message, "t.txt:3: not UTF-8 text");
}

static void parse_limits(void) {
  char big[2100];
  memset(big, 'x', sizeof big);
  memcpy(big, HEAD "off 2025-01-01 ", strlen(HEAD "off 2025-01-01 "));
  big[sizeof big - 1] = '\0';
  refuse(big, 3, "line longer than 1024 bytes");

  char label[200];
  snprintf(label, sizeof label, HEAD "off 2025-01-01 %0100d\n", 0);
  refuse(label, 3, "name longer than 95 bytes");

  fz_cal_year *y;
  fz_error e;
  static char huge[70000];
  memset(huge, '#', sizeof huge);
  CHECK_INT(fz_cal_year_parse(huge, sizeof huge, "h.txt", &y, &e), FZ_TOOBIG);
  CHECK_CONTAINS(e.message, "h.txt");
}

/* ---- The shipped calendars ----------------------------------------------- */

static void embedded_years(void) {
  const fz_cal *c = cal();
  if (!c) return;
  CHECK_INT(fz_cal_year_count(c), 3);
  CHECK_INT(fz_cal_year_year(fz_cal_year_at(c, 0)), 2024);
  CHECK_INT(fz_cal_year_year(fz_cal_year_at(c, 2)), 2026);
  CHECK(fz_cal_year_at(c, 3) == NULL);
  CHECK_CONTAINS(fz_cal_year_notice(fz_cal_find_year(c, 2024)),
                 "国办发明电〔2023〕7号");
  CHECK_CONTAINS(fz_cal_year_notice(fz_cal_find_year(c, 2025)),
                 "国办发明电〔2024〕12号");
  CHECK_CONTAINS(fz_cal_year_notice(fz_cal_find_year(c, 2026)),
                 "2026年部分节假日安排");
  CHECK_STR(fz_cal_year_source(fz_cal_find_year(c, 2025)),
            "data/calendar/2025.txt");
  CHECK(fz_cal_find_year(c, 2027) == NULL);
  CHECK(fz_cal_default(NULL) == c); /* loaded once */
}

typedef struct {
  const char *date;
  int workday;
} day_case;

static void check_days(const day_case *cases, size_t n) {
  const fz_cal *c = cal();
  if (!c) return;
  for (size_t i = 0; i < n; i++) {
    int got = wd(c, cases[i].date);
    if (got != cases[i].workday) {
      fprintf(stderr, "  %s: workday %d, expected %d\n", cases[i].date, got,
              cases[i].workday);
      t_current_failed = 1;
    }
  }
}

/* 国办发明电〔2023〕7号: for each block the day before, the first and last
 * day, the day after; every 调休 day; an ordinary weekend. */
static void year_2024(void) {
  static const day_case cases[] = {
      {"2024-01-01", 0}, {"2024-01-02", 1},                    /* 元旦 */
      {"2024-02-04", 1},                                       /* 调休 Sun */
      {"2024-02-09", 1}, {"2024-02-10", 0}, {"2024-02-17", 0}, /* 春节 */
      {"2024-02-18", 1}, {"2024-02-19", 1},                    /* 调休 Sun */
      {"2024-04-03", 1}, {"2024-04-04", 0}, {"2024-04-06", 0}, /* 清明节 */
      {"2024-04-07", 1},                                       /* 调休 Sun */
      {"2024-04-28", 1},                                       /* 调休 Sun */
      {"2024-04-30", 1}, {"2024-05-01", 0}, {"2024-05-05", 0}, /* 劳动节 */
      {"2024-05-06", 1}, {"2024-05-11", 1},                    /* 调休 Sat */
      {"2024-06-07", 1}, {"2024-06-08", 0}, {"2024-06-09", 0}, /* 端午节 */
      {"2024-06-10", 0}, {"2024-06-11", 1},
      {"2024-09-13", 1}, {"2024-09-14", 1},                    /* 调休 Sat */
      {"2024-09-15", 0}, {"2024-09-17", 0}, {"2024-09-18", 1}, /* 中秋节 */
      {"2024-09-29", 1},                                       /* 调休 Sun */
      {"2024-09-30", 1}, {"2024-10-01", 0}, {"2024-10-07", 0}, /* 国庆节 */
      {"2024-10-08", 1}, {"2024-10-12", 1},                    /* 调休 Sat */
      {"2024-10-13", 0},
      {"2024-03-09", 0}, {"2024-03-10", 0}, {"2024-03-11", 1}, /* weekend */
  };
  check_days(cases, sizeof cases / sizeof cases[0]);
}

/* 国办发明电〔2024〕12号, as LAW.md's table. */
static void year_2025(void) {
  static const day_case cases[] = {
      {"2024-12-31", 1}, {"2025-01-01", 0}, {"2025-01-02", 1}, /* 元旦 */
      {"2025-01-26", 1},                                       /* 调休 Sun */
      {"2025-01-27", 1}, {"2025-01-28", 0}, {"2025-02-04", 0}, /* 春节 */
      {"2025-02-05", 1}, {"2025-02-08", 1},                    /* 调休 Sat */
      {"2025-02-09", 0},
      {"2025-04-03", 1}, {"2025-04-04", 0}, {"2025-04-06", 0}, /* 清明节 */
      {"2025-04-07", 1},
      {"2025-04-27", 1},                                       /* 调休 Sun */
      {"2025-04-30", 1}, {"2025-05-01", 0}, {"2025-05-05", 0}, /* 劳动节 */
      {"2025-05-06", 1},
      {"2025-05-30", 1}, {"2025-05-31", 0}, {"2025-06-02", 0}, /* 端午节 */
      {"2025-06-03", 1},
      {"2025-09-28", 1},                                       /* 调休 Sun */
      {"2025-09-30", 1}, {"2025-10-01", 0}, {"2025-10-08", 0}, /* 国庆、中秋 */
      {"2025-10-09", 1}, {"2025-10-11", 1},                    /* 调休 Sat */
      {"2025-10-12", 0},
      {"2025-03-08", 0}, {"2025-03-09", 0}, {"2025-03-10", 1}, /* weekend */
  };
  check_days(cases, sizeof cases / sizeof cases[0]);
}

/* The 2026 notice (2025-11-04), as LAW.md's table. */
static void year_2026(void) {
  static const day_case cases[] = {
      {"2025-12-31", 1}, {"2026-01-01", 0}, {"2026-01-03", 0}, /* 元旦 */
      {"2026-01-04", 1},                                       /* 调休 Sun */
      {"2026-01-05", 1},
      {"2026-02-13", 1}, {"2026-02-14", 1},                    /* 调休 Sat */
      {"2026-02-15", 0}, {"2026-02-23", 0}, {"2026-02-24", 1}, /* 春节 */
      {"2026-02-28", 1}, {"2026-03-01", 0},                    /* 调休 Sat */
      {"2026-04-03", 1}, {"2026-04-04", 0}, {"2026-04-06", 0}, /* 清明节 */
      {"2026-04-07", 1},
      {"2026-04-30", 1}, {"2026-05-01", 0}, {"2026-05-05", 0}, /* 劳动节 */
      {"2026-05-06", 1}, {"2026-05-09", 1},                    /* 调休 Sat */
      {"2026-06-18", 1}, {"2026-06-19", 0}, {"2026-06-21", 0}, /* 端午节 */
      {"2026-06-22", 1},
      {"2026-09-20", 1},                                       /* 调休 Sun */
      {"2026-09-24", 1}, {"2026-09-25", 0}, {"2026-09-27", 0}, /* 中秋节 */
      {"2026-09-28", 1},
      {"2026-09-30", 1}, {"2026-10-01", 0}, {"2026-10-07", 0}, /* 国庆节 */
      {"2026-10-08", 1}, {"2026-10-10", 1},                    /* 调休 Sat */
      {"2026-10-11", 0},
      {"2026-03-07", 0}, {"2026-03-08", 0}, {"2026-03-09", 1}, /* weekend */
      {"2026-12-31", 1},
  };
  check_days(cases, sizeof cases / sizeof cases[0]);
}

static void day_info_labels(void) {
  const fz_cal *c = cal();
  if (!c) return;
  fz_cal_day day;
  CHECK_INT(fz_cal_day_info(c, D("2025-10-03"), &day, NULL), FZ_OK);
  CHECK_INT(day.kind, FZ_DAY_HOLIDAY);
  CHECK_INT(day.workday, 0);
  CHECK_STR(day.label, "国庆节、中秋节");
  CHECK_INT(fz_cal_day_info(c, D("2026-02-28"), &day, NULL), FZ_OK);
  CHECK_INT(day.kind, FZ_DAY_MAKEUP);
  CHECK_INT(day.workday, 1);
  CHECK_STR(day.label, "春节调休");
  CHECK_INT(fz_cal_day_info(c, D("2026-03-07"), &day, NULL), FZ_OK);
  CHECK_INT(day.kind, FZ_DAY_WEEKEND);
  CHECK_STR(day.label, "");
  CHECK_INT(fz_cal_day_info(c, D("2026-03-09"), &day, NULL), FZ_OK);
  CHECK_INT(day.kind, FZ_DAY_WORKDAY);
  fz_date bad = {2026, 2, 29};
  int yes;
  CHECK_INT(fz_cal_is_workday(c, bad, &yes, NULL), FZ_INVALID);
}

/* ---- Working-day arithmetic ---------------------------------------------- */

static void add_workdays(void) {
  const fz_cal *c = cal();
  if (!c) return;
  /* 春节 2025: 01-26 (Sun) makeup, 01-27, then 01-28..02-04 off. */
  CHECK_STR(addw(c, "2025-01-24", 3), "2025-02-05");
  /* 春节 2026: 02-14 (Sat) makeup, 02-15..02-23 off. */
  CHECK_STR(addw(c, "2026-02-13", 2), "2026-02-24");
  /* 国庆 2026: 10-01..10-07 off, 10-10 (Sat) makeup. */
  CHECK_STR(addw(c, "2026-09-30", 1), "2026-10-08");
  CHECK_STR(addw(c, "2026-09-30", 3), "2026-10-10");
  CHECK_STR(addw(c, "2026-09-30", 4), "2026-10-12");
  /* 国庆、中秋 2025: 09-28 (Sun) makeup, 10-01..10-08 off. */
  CHECK_STR(addw(c, "2025-09-26", 5), "2025-10-10");
  /* Year ends: 2025-01-01 off; 2026-01-01..03 off, 01-04 (Sun) makeup. */
  CHECK_STR(addw(c, "2024-12-30", 3), "2025-01-03");
  CHECK_STR(addw(c, "2025-12-30", 2), "2026-01-04");
  /* Counting starts the day after, even when the start is a holiday. */
  CHECK_STR(addw(c, "2026-10-03", 1), "2026-10-08");
  /* n = 0 is the date itself, working day or not. */
  CHECK_STR(addw(c, "2026-10-03", 0), "2026-10-03");
  CHECK_STR(addw(c, "2026-10-08", 0), "2026-10-08");
  /* A whole year: 2025 has 248 working days (365 − 104 weekend days
   * − 18 holidays on weekdays + 5 makeup days). */
  CHECK_STR(addw(c, "2024-12-31", 248), "2025-12-31");
  CHECK_STR(addw(c, "2024-12-31", 247), "2025-12-30");
  CHECK_STR(addw(c, "2025-01-01", -1), "invalid_value");

  fz_date out;
  CHECK_INT(fz_cal_next_workday(c, D("2026-10-02"), &out, NULL), FZ_OK);
  CHECK_INT(fz_date_cmp(out, D("2026-10-08")), 0);
  CHECK_INT(fz_cal_next_workday(c, D("2026-10-08"), &out, NULL), FZ_OK);
  CHECK_INT(fz_date_cmp(out, D("2026-10-08")), 0);
}

static void unloaded_years(void) {
  const fz_cal *c = cal();
  if (!c) return;
  fz_error e;
  int yes = 7;
  CHECK_INT(fz_cal_is_workday(c, D("2023-06-01"), &yes, &e), FZ_NODATA);
  CHECK_CONTAINS(e.message, "no working-day calendar is loaded for the year 2023");
  CHECK_INT(yes, 7);
  CHECK_INT(fz_cal_is_workday(c, D("2027-01-04"), &yes, &e), FZ_NODATA);
  CHECK_CONTAINS(e.message, "year 2027");
  CHECK_STR(e.field, "date");

  fz_date out = {0, 0, 0};
  /* 2026-12-31 is the last day that needs no 2027 calendar. */
  CHECK_STR(addw(c, "2026-12-30", 1), "2026-12-31");
  CHECK_INT(fz_cal_add_workdays(c, D("2026-12-30"), 2, &out, &e), FZ_NODATA);
  CHECK_CONTAINS(e.message, "year 2027 (needed for 2027-01-01)");
  CHECK_INT(out.y, 0);
  CHECK_INT(fz_cal_add_workdays(c, D("2023-12-29"), 1, &out, &e), FZ_NODATA);
  CHECK_CONTAINS(e.message, "year 2023");
  /* Starting in 2023 needs only the days counted, which are in 2024. */
  CHECK_STR(addw(c, "2023-12-31", 1), "2024-01-02");
  CHECK_INT(fz_cal_next_workday(c, D("2027-01-01"), &out, &e), FZ_NODATA);
}

/* ---- The administrator's directory --------------------------------------- */

static int write_file(const char *dir, const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  fputs(text, f);
  return fclose(f);
}

static void remove_file(const char *dir, const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  unlink(path);
}

static void directory_override(void) {
  char dir[] = "/tmp/fz_cal_test_XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(0);
    return;
  }
  CHECK_INT(write_file(dir, "2027.txt",
                       "notice 2027 测试\nyear 2027\n"
                       "off 2027-01-01 元旦\nwork 2027-01-03 元旦调休\n"),
            0);
  /* Replaces the embedded 2026: 2026-03-02 (a Monday) becomes a holiday,
   * and the real 2026 holidays are gone. */
  CHECK_INT(write_file(dir, "2026.txt",
                       "notice 替换\nyear 2026\noff 2026-03-02 测试假日\n"),
            0);
  CHECK_INT(write_file(dir, "README.md", "not a calendar\n"), 0);

  fz_cal *c = NULL;
  fz_error e;
  CHECK_INT(fz_cal_load_dir(dir, &c, &e), FZ_OK);
  if (c) {
    CHECK_INT(fz_cal_year_count(c), 4);
    CHECK_STR(fz_cal_year_notice(fz_cal_find_year(c, 2026)), "替换");
    CHECK_CONTAINS(fz_cal_year_source(fz_cal_find_year(c, 2026)), "/2026.txt");
    CHECK_INT(wd(c, "2026-03-02"), 0);
    CHECK_INT(wd(c, "2026-10-01"), 1); /* no longer a holiday */
    CHECK_INT(wd(c, "2025-10-01"), 0); /* embedded 2025 still there */
    CHECK_INT(wd(c, "2027-01-01"), 0);
    CHECK_INT(wd(c, "2027-01-03"), 1);
    CHECK_STR(addw(c, "2026-12-30", 2), "2027-01-03");
    CHECK_INT(wd(c, "2028-01-03"), -1);
    fz_cal_free(c);
  }
  fz_cal_free(NULL);

  /* Any bad file fails the whole load, naming the file and line. */
  CHECK_INT(write_file(dir, "2028.txt",
                       "notice N\nyear 2028\nwork 2028-01-03 X\n"),
            0);
  c = (fz_cal *)1;
  CHECK_INT(fz_cal_load_dir(dir, &c, &e), FZ_PARSE);
  CHECK(c == NULL);
  CHECK_CONTAINS(e.message, "/2028.txt:3: work day 2028-01-03 is a Monday");
  remove_file(dir, "2028.txt");

  CHECK_INT(write_file(dir, "2029.txt",
                       "notice N\nyear 2030\noff 2030-01-01 X\n"),
            0);
  CHECK_INT(fz_cal_load_dir(dir, &c, &e), FZ_PARSE);
  CHECK_CONTAINS(e.message, "says `year 2030` but is named 2029.txt");
  remove_file(dir, "2029.txt");

  CHECK_INT(write_file(dir, "holidays.txt", "x\n"), 0);
  CHECK_INT(fz_cal_load_dir(dir, &c, &e), FZ_PARSE);
  CHECK_CONTAINS(e.message, "must be named YYYY.txt");
  remove_file(dir, "holidays.txt");

  remove_file(dir, "2027.txt");
  remove_file(dir, "2026.txt");
  remove_file(dir, "README.md");
  rmdir(dir);
  CHECK_INT(fz_cal_load_dir(dir, &c, &e), FZ_IO);
  CHECK_CONTAINS(e.message, dir);

  /* Embedded only. */
  CHECK_INT(fz_cal_load_dir(NULL, &c, &e), FZ_OK);
  if (c) CHECK_INT(fz_cal_year_count(c), 3);
  fz_cal_free(c);

  /* The default set is already loaded (by the tests above): too late. */
  CHECK_INT(fz_cal_default_init("/nonexistent", &e), FZ_CONFLICT);
}

int main(void) {
  RUN(date_parse_valid);
  RUN(date_parse_refusals);
  RUN(date_format_weekday_arith);
  RUN(parse_good);
  RUN(parse_refusals);
  RUN(parse_limits);
  RUN(embedded_years);
  RUN(year_2024);
  RUN(year_2025);
  RUN(year_2026);
  RUN(day_info_labels);
  RUN(add_workdays);
  RUN(unloaded_years);
  RUN(directory_override);
  return TEST_END();
}
