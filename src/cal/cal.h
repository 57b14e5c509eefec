/* cal.h — civil dates, the working-day calendar (法定节假日 and 调休 from the
 * State Council's yearly notices, loaded as data) and statutory deadlines.
 *
 * A day is a working day if it is Monday to Friday and not a public holiday,
 * or if it is a 调休 makeup day (DESIGN.md §6).  A date in a year with no
 * calendar loaded is an FZ_NODATA error naming that year, never a guess.
 * Calendars and rules are immutable once loaded, so threads share them. */
#ifndef FZ_CAL_CAL_H
#define FZ_CAL_CAL_H

#include <stddef.h>

#include "core/error.h"

/* ---- Dates ------------------------------------------------------------ */

#define FZ_DATE_MIN_YEAR 1900
#define FZ_DATE_MAX_YEAR 2199
#define FZ_DATE_BUF 11 /* "YYYY-MM-DD" and its NUL */

/* A civil (proleptic Gregorian) date; valid when it names a real day in
 * FZ_DATE_MIN_YEAR..FZ_DATE_MAX_YEAR. */
typedef struct fz_date {
  int y, m, d;
} fz_date;

/* Days in month m of year y (Gregorian leap years); 0 if m is not 1–12. */
int fz_date_month_days(int y, int m);

/* 1 if y-m-d is a real date in the supported years, else 0. */
int fz_date_valid(int y, int m, int d);

/* Parses exactly len bytes of strict "YYYY-MM-DD" (ten bytes, zero-padded,
 * no spaces) into *out.  Errors: FZ_PARSE for the wrong shape, FZ_RANGE for
 * a year outside the supported range, FZ_INVALID for a day that does not
 * exist (2025-02-29); the message quotes the input and says what is wrong. */
fz_err fz_date_parse_n(const char *s, size_t len, fz_date *out, fz_error *err);

/* fz_date_parse_n() on a NUL-terminated string. */
fz_err fz_date_parse(const char *s, fz_date *out, fz_error *err);

/* Writes d as "YYYY-MM-DD" into buf (FZ_DATE_BUF bytes); returns buf. */
char *fz_date_format(fz_date d, char buf[FZ_DATE_BUF]);

/* Days since 1970-01-01 (negative before it).  d must be valid. */
long fz_date_to_days(fz_date d);

/* The date `days` days after 1970-01-01 (any long; the result may fall
 * outside the supported years, check it with fz_date_valid()). */
fz_date fz_date_from_days(long days);

/* ISO weekday of a valid date: 1 = Monday … 7 = Sunday. */
int fz_date_weekday(fz_date d);

/* Chinese name of an ISO weekday ("星期一" … "星期日"); "?" if out of range. */
const char *fz_date_weekday_name(int weekday);

/* <0, 0, >0 as a is before, equal to, after b. */
int fz_date_cmp(fz_date a, fz_date b);

/* *out = d + n days (n may be negative).  FZ_RANGE if the result leaves the
 * supported years; *out is unchanged then. */
fz_err fz_date_add_days(fz_date d, long n, fz_date *out, fz_error *err);

/* ---- One year's calendar file ------------------------------------------ */

/* One parsed calendar file (see data/calendar/README.md for the format). */
typedef struct fz_cal_year fz_cal_year;

/* Parses a calendar file held in buf[0..len) (need not be NUL-terminated).
 * `source` names it in messages (e.g. "data/calendar/2025.txt"; NULL is
 * "calendar").  On success *out is a new year the caller frees with
 * fz_cal_year_free().  Errors are FZ_PARSE (or FZ_NOMEM, FZ_TOOBIG) with
 * the message "SOURCE:LINE: reason". */
fz_err fz_cal_year_parse(const char *buf, size_t len, const char *source,
                         fz_cal_year **out, fz_error *err);

/* Frees a year; NULL is a no-op. */
void fz_cal_year_free(fz_cal_year *y);

/* The year the file covers. */
int fz_cal_year_year(const fz_cal_year *y);

/* The notice line (e.g. "国务院办公厅关于2025年部分节假日安排的通知（国办发明电
 * 〔2024〕12号）") and the source name; both owned by the year. */
const char *fz_cal_year_notice(const fz_cal_year *y);
const char *fz_cal_year_source(const fz_cal_year *y);

/* ---- The calendar set ----------------------------------------------------- */

/* The set of loaded years.  Immutable after loading: share it freely. */
typedef struct fz_cal fz_cal;

/* Loads every embedded data/calendar/YYYY.txt and then, if dir is not NULL,
 * every YYYY.txt in dir (an administrator's directory); a file in dir for
 * a year that is embedded replaces it.  Other files in dir are ignored; a
 * .txt not named YYYY.txt, a file whose `year` line differs from its name,
 * or any parse error fails the whole load (FZ_PARSE, FZ_IO, FZ_NOMEM,
 * FZ_TOOBIG).  On success *out is a new set the caller frees. */
fz_err fz_cal_load_dir(const char *dir, fz_cal **out, fz_error *err);

/* Frees a set; NULL is a no-op. */
void fz_cal_free(fz_cal *cal);

/* The process-wide set, loaded once (pthread_once) from the embedded files
 * and from the directory given to fz_cal_default_init(), if that ran first.
 * Never freed.  NULL on error, with the load's error copied into *err. */
const fz_cal *fz_cal_default(fz_error *err);

/* Chooses the administrator's calendar directory for the process-wide set
 * and loads it now; call once at start-up, before any fz_cal_default().
 * FZ_CONFLICT if the default set was already loaded; otherwise as
 * fz_cal_load_dir(). */
fz_err fz_cal_default_init(const char *dir, fz_error *err);

/* Number of years loaded, and the i-th of them in ascending year order
 * (NULL if i is out of range).  Owned by the set. */
size_t fz_cal_year_count(const fz_cal *cal);
const fz_cal_year *fz_cal_year_at(const fz_cal *cal, size_t i);

/* The year's calendar, or NULL if that year is not loaded. */
const fz_cal_year *fz_cal_find_year(const fz_cal *cal, int year);

/* What a day is. */
typedef enum fz_day_kind {
  FZ_DAY_WORKDAY = 0, /* Monday to Friday, nothing special */
  FZ_DAY_WEEKEND,     /* Saturday or Sunday, nothing special */
  FZ_DAY_HOLIDAY,     /* listed `off` in the year's file */
  FZ_DAY_MAKEUP       /* listed `work`: a 调休 Saturday or Sunday */
} fz_day_kind;

typedef struct fz_cal_day {
  fz_day_kind kind;
  int workday;       /* 1 if a working day */
  const char *label; /* the file's name for a holiday/makeup day ("春节"),
                        "" otherwise; owned by the set */
} fz_cal_day;

/* Classifies d.  FZ_INVALID if d is not a valid date; FZ_NODATA if no
 * calendar is loaded for d's year (the message names the year). */
fz_err fz_cal_day_info(const fz_cal *cal, fz_date d, fz_cal_day *out,
                       fz_error *err);

/* *yes = 1 if d is a working day, else 0.  Errors as fz_cal_day_info(). */
fz_err fz_cal_is_workday(const fz_cal *cal, fz_date d, int *yes,
                         fz_error *err);

/* *out = the n-th working day after d, counting from the day after d
 * (n = 0 gives d itself).  FZ_INVALID for n < 0 or an invalid d; FZ_NODATA
 * naming the first year reached that has no calendar. */
fz_err fz_cal_add_workdays(const fz_cal *cal, fz_date d, long n, fz_date *out,
                           fz_error *err);

/* *out = d if it is a working day, else the next working day after it.
 * Errors as fz_cal_add_workdays(). */
fz_err fz_cal_next_workday(const fz_cal *cal, fz_date d, fz_date *out,
                           fz_error *err);

/* ---- Statutory deadline rules ------------------------------------------- */

typedef enum fz_period_kind {
  FZ_PERIOD_DAYS = 0, /* calendar days: start + n, rolled to a working day */
  FZ_PERIOD_WORKDAYS  /* working days, counted from the day after the start */
} fz_period_kind;

/* One row of data/rules/deadlines.tsv.  All strings are owned by the
 * process-wide rule table and live as long as the process. */
typedef struct fz_deadline_rule {
  const char *id;      /* "penalty.pay" */
  const char *law;     /* full name: "中华人民共和国行政处罚法" */
  const char *article; /* as cited: "第六十七条" */
  int n;               /* length of the period */
  fz_period_kind kind;
  const char *from;    /* what the period counts from, in Chinese */
  const char *what;    /* what must happen by the deadline, in Chinese */
} fz_deadline_rule;

/* "days" or "workdays". */
const char *fz_period_kind_name(fz_period_kind kind);

/* The whole rule table, in file order; parsed once from the embedded
 * data/rules/deadlines.tsv.  FZ_INTERNAL (with the line) if that file is
 * malformed, which the unit tests rule out. */
fz_err fz_deadline_rules(const fz_deadline_rule **rules, size_t *count,
                         fz_error *err);

/* The rule with this id.  FZ_NOTFOUND if there is none; the message lists
 * every valid id. */
fz_err fz_deadline_rule_find(const char *id, const fz_deadline_rule **rule,
                             fz_error *err);

/* A computed deadline. */
typedef struct fz_deadline {
  const fz_deadline_rule *rule;
  fz_date start;       /* the day the period counts from */
  fz_date nominal;     /* start + n (days) or the n-th working day */
  fz_date date;        /* the deadline: nominal, or rolled forward */
  int rolled;          /* 1 if date is after nominal */
  char explanation[2048]; /* lines citing law and article, and any roll */
} fz_deadline;

/* Computes rule_id's deadline for a period counted from start.  Calendar-day
 * periods end on start + n and, if that is not a working day, on the next
 * working day (民事诉讼法 Art. 85); working-day periods end on the n-th
 * working day after start (行政处罚法 Art. 85).  Errors: FZ_NOTFOUND for an
 * unknown rule (listing the valid ids), FZ_NODATA naming a year without a
 * calendar, FZ_INVALID/FZ_RANGE for a bad start. */
fz_err fz_deadline_compute(const fz_cal *cal, const char *rule_id,
                           fz_date start, fz_deadline *out, fz_error *err);

#endif
