/* calendar.c — the working-day calendar: parses one year's file from the
 * State Council notice, loads the embedded years plus an administrator's
 * directory, and answers "is this a working day" and "n working days on". */
#include "cal/cal.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"

#define NOTICE_MAX 256
#define SOURCE_MAX 256
#define LABEL_MAX 96
#define LINE_MAX_LEN 1024
#define FILE_MAX (64 * 1024)
#define NYEARS (FZ_DATE_MAX_YEAR - FZ_DATE_MIN_YEAR + 1)
#define EMBED_PREFIX "data/calendar/"

enum { DAY_PLAIN = 0, DAY_OFF, DAY_WORK };

struct fz_cal_year {
  int year;
  char notice[NOTICE_MAX];
  char source[SOURCE_MAX];
  unsigned char kind[366];  /* by day of year, 0-based: DAY_* */
  unsigned short label[366]; /* index into labels */
  int line[366];            /* line that listed the day, for messages */
  /* Every off/work line lists at least one day no other line lists, so a
   * year has at most 366 labels. */
  size_t nlabels;
  char labels[366][LABEL_MAX];
};

struct fz_cal {
  fz_cal_year *years[NYEARS]; /* by year - FZ_DATE_MIN_YEAR */
  size_t count;
  const fz_cal_year *order[NYEARS]; /* the loaded years, ascending */
};

static const char *const weekday_en[] = {"Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday",
                                         "Sunday"};

static int day_of_year(fz_date d) {
  fz_date jan1 = {d.y, 1, 1};
  return (int)(fz_date_to_days(d) - fz_date_to_days(jan1));
}

/* ---- Parsing ------------------------------------------------------------ */

typedef struct parser {
  fz_cal_year *cy;
  const char *source;
  int lineno;
  int have_year, have_notice, offs;
  fz_error *err;
} parser;

static fz_err perr(parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets a parse error "SOURCE:LINE: reason". */
static fz_err perr(parser *p, const char *fmt, ...) {
  char reason[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  return fz_error_set(p->err, FZ_PARSE, "calendar", "%s:%d: %s", p->source,
                      p->lineno, reason);
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* Well-formed UTF-8 with no control characters other than tab. */
static int text_ok(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned c = u[i];
    size_t k;
    unsigned cp;
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) return 0;
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) k = 1, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef) k = 2, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4) k = 3, cp = c & 0x07;
    else return 0;
    if (n - i <= k) return 0;
    for (size_t j = 1; j <= k; j++) {
      if ((u[i + j] & 0xc0) != 0x80) return 0;
      cp = cp << 6 | (u[i + j] & 0x3f);
    }
    if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
      return 0;
    i += k + 1;
  }
  return 1;
}

/* Parses one date of the day list and checks it lies in the file's year. */
static fz_err parse_day(parser *p, const char *s, size_t n, fz_date *out) {
  fz_error e;
  if (fz_date_parse_n(s, n, out, &e)) return perr(p, "%s", e.message);
  if (out->y != p->cy->year)
    return perr(p, "%.10s is outside the file's year %d", s, p->cy->year);
  return FZ_OK;
}

/* `off DATE[..DATE] LABEL` or `work DATE[..DATE] LABEL`. */
static fz_err parse_days(parser *p, int kind, const char *s, size_t n) {
  fz_cal_year *cy = p->cy;
  const char *what = kind == DAY_OFF ? "off" : "work";
  size_t tok = 0;
  while (tok < n && !is_space(s[tok])) tok++;
  size_t lab = tok;
  while (lab < n && is_space(s[lab])) lab++;
  if (!p->have_year)
    return perr(p, "`%s` before the `year` line", what);
  if (tok == 0) return perr(p, "`%s` needs a date or a range A..B", what);
  if (lab == n)
    return perr(p, "`%s` needs a name after the date (e.g. 春节)", what);
  if (n - lab >= LABEL_MAX)
    return perr(p, "name longer than %d bytes", LABEL_MAX - 1);

  fz_date a, b;
  fz_err rc;
  if (tok == 22 && s[10] == '.' && s[11] == '.') {
    if ((rc = parse_day(p, s, 10, &a)) || (rc = parse_day(p, s + 12, 10, &b)))
      return rc;
    if (fz_date_cmp(a, b) >= 0)
      return perr(p, "range %.22s is not in order (first day before last)",
                  s);
  } else if (tok == 10) {
    if ((rc = parse_day(p, s, 10, &a))) return rc;
    b = a;
  } else {
    return perr(p, "\"%.*s\" is neither YYYY-MM-DD nor YYYY-MM-DD..YYYY-MM-DD",
                (int)(tok > 40 ? 40 : tok), s);
  }

  size_t li = cy->nlabels;
  int first = day_of_year(a), last = day_of_year(b);
  for (int i = first; i <= last; i++) {
    char ds[FZ_DATE_BUF];
    fz_date d = fz_date_from_days(fz_date_to_days(a) + (i - first));
    fz_date_format(d, ds);
    if (cy->kind[i] == kind)
      return perr(p, "%s is already listed as %s on line %d", ds, what,
                  cy->line[i]);
    if (cy->kind[i] != DAY_PLAIN)
      return perr(p, "%s is listed as %s on line %d and as %s here", ds,
                  kind == DAY_OFF ? "work" : "off", cy->line[i], what);
    int wd = fz_date_weekday(d);
    /* A 调休 makeup day moves work onto a rest day; on a weekday it would
     * mean nothing, so it is surely a typing error. */
    if (kind == DAY_WORK && wd < 6)
      return perr(p, "work day %s is a %s; a 调休 makeup day must be a "
                     "Saturday or Sunday", ds, weekday_en[wd - 1]);
    cy->kind[i] = (unsigned char)kind;
    cy->label[i] = (unsigned short)li;
    cy->line[i] = p->lineno;
  }
  memcpy(cy->labels[li], s + lab, n - lab);
  cy->labels[li][n - lab] = '\0';
  cy->nlabels++;
  if (kind == DAY_OFF) p->offs++;
  return FZ_OK;
}

static fz_err parse_line(parser *p, const char *s, size_t n) {
  fz_cal_year *cy = p->cy;
  size_t k = 0;
  while (k < n && !is_space(s[k])) k++;
  size_t r = k;
  while (r < n && is_space(s[r])) r++;
  const char *rest = s + r;
  size_t rn = n - r;

  if (k == 6 && memcmp(s, "notice", 6) == 0) {
    if (p->have_notice) return perr(p, "a second `notice` line");
    if (rn == 0) return perr(p, "`notice` needs the notice's title or number");
    if (rn >= NOTICE_MAX)
      return perr(p, "notice longer than %d bytes", NOTICE_MAX - 1);
    memcpy(cy->notice, rest, rn);
    cy->notice[rn] = '\0';
    p->have_notice = 1;
    return FZ_OK;
  }
  if (k == 4 && memcmp(s, "year", 4) == 0) {
    if (p->have_year) return perr(p, "a second `year` line");
    int y = 0;
    for (size_t i = 0; i < rn; i++) {
      if (rest[i] < '0' || rest[i] > '9' || i >= 4) {
        y = -1;
        break;
      }
      y = y * 10 + (rest[i] - '0');
    }
    if (rn != 4 || y < FZ_DATE_MIN_YEAR || y > FZ_DATE_MAX_YEAR)
      return perr(p, "`year` needs a year %d-%d, got \"%.*s\"",
                  FZ_DATE_MIN_YEAR, FZ_DATE_MAX_YEAR, (int)(rn > 20 ? 20 : rn),
                  rest);
    cy->year = y;
    p->have_year = 1;
    return FZ_OK;
  }
  if (k == 3 && memcmp(s, "off", 3) == 0) return parse_days(p, DAY_OFF, rest, rn);
  if (k == 4 && memcmp(s, "work", 4) == 0)
    return parse_days(p, DAY_WORK, rest, rn);
  return perr(p, "unknown directive \"%.*s\" (expected notice, year, off, work)",
              (int)(k > 20 ? 20 : k), s);
}

fz_err fz_cal_year_parse(const char *buf, size_t len, const char *source,
                         fz_cal_year **out, fz_error *err) {
  parser p = {0};
  p.source = source ? source : "calendar";
  p.err = err;
  *out = NULL;
  if (len > FILE_MAX)
    return fz_error_set(err, FZ_TOOBIG, "calendar",
                        "%s: %zu bytes, more than the %d a calendar may have",
                        p.source, len, FILE_MAX);
  p.cy = calloc(1, sizeof *p.cy);
  if (!p.cy) return fz_error_set(err, FZ_NOMEM, "calendar", NULL);
  snprintf(p.cy->source, sizeof p.cy->source, "%s", p.source);

  fz_err rc = FZ_OK;
  size_t pos = 0;
  while (pos < len && !rc) {
    const char *s = buf + pos;
    const char *nl = memchr(s, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - s) : len - pos;
    pos += n + 1;
    p.lineno++;
    if (n > 0 && s[n - 1] == '\r') n--;
    if (n > LINE_MAX_LEN) {
      rc = perr(&p, "line longer than %d bytes", LINE_MAX_LEN);
      break;
    }
    if (!text_ok(s, n)) {
      rc = perr(&p, "not UTF-8 text (or contains control characters)");
      break;
    }
    while (n > 0 && is_space(*s)) s++, n--;
    while (n > 0 && is_space(s[n - 1])) n--;
    if (n == 0 || s[0] == '#') continue;
    rc = parse_line(&p, s, n);
  }
  if (!rc) {
    p.lineno++; /* report problems of the whole file at its end */
    if (!p.have_year) rc = perr(&p, "no `year` line");
    else if (!p.have_notice) rc = perr(&p, "no `notice` line");
    else if (p.offs == 0) rc = perr(&p, "no `off` days: is the file complete?");
  }
  if (rc) {
    free(p.cy);
    return rc;
  }
  *out = p.cy;
  return FZ_OK;
}

void fz_cal_year_free(fz_cal_year *y) { free(y); }

int fz_cal_year_year(const fz_cal_year *y) { return y->year; }

const char *fz_cal_year_notice(const fz_cal_year *y) { return y->notice; }

const char *fz_cal_year_source(const fz_cal_year *y) { return y->source; }

/* ---- Loading -------------------------------------------------------------- */

/* The year named by a file name "YYYY.txt", or -1. */
static int year_of_name(const char *name) {
  if (strlen(name) != 8 || strcmp(name + 4, ".txt") != 0) return -1;
  int y = 0;
  for (int i = 0; i < 4; i++) {
    if (name[i] < '0' || name[i] > '9') return -1;
    y = y * 10 + (name[i] - '0');
  }
  return y >= FZ_DATE_MIN_YEAR && y <= FZ_DATE_MAX_YEAR ? y : -1;
}

/* Parses one file and puts it into the set, replacing the year's calendar
 * if one is loaded. */
static fz_err add_file(fz_cal *cal, const char *name, const char *source,
                       const char *buf, size_t len, fz_error *err) {
  int y = year_of_name(name);
  if (y < 0)
    return fz_error_set(err, FZ_PARSE, "calendar",
                        "%s: a calendar file must be named YYYY.txt "
                        "(%d-%d)",
                        source, FZ_DATE_MIN_YEAR, FZ_DATE_MAX_YEAR);
  fz_cal_year *cy;
  fz_err rc = fz_cal_year_parse(buf, len, source, &cy, err);
  if (rc) return rc;
  if (cy->year != y) {
    fz_error_set(err, FZ_PARSE, "calendar",
                 "%s: the file says `year %d` but is named %s", source,
                 cy->year, name);
    fz_cal_year_free(cy);
    return FZ_PARSE;
  }
  fz_cal_year **slot = &cal->years[y - FZ_DATE_MIN_YEAR];
  if (!*slot) cal->count++;
  fz_cal_year_free(*slot);
  *slot = cy;
  return FZ_OK;
}

/* Reads a whole file of at most FILE_MAX bytes into a new buffer. */
static fz_err read_file(const char *path, char **out, size_t *len,
                        fz_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return fz_error_set(err, FZ_IO, "calendar", "%s: %s", path,
                        strerror(errno));
  char *buf = malloc(FILE_MAX + 1);
  if (!buf) {
    fclose(f);
    return fz_error_set(err, FZ_NOMEM, "calendar", NULL);
  }
  size_t n = fread(buf, 1, FILE_MAX + 1, f);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return fz_error_set(err, FZ_IO, "calendar", "%s: read error", path);
  }
  if (n > FILE_MAX) {
    free(buf);
    return fz_error_set(err, FZ_TOOBIG, "calendar",
                        "%s: larger than the %d bytes a calendar may have",
                        path, FILE_MAX);
  }
  *out = buf;
  *len = n;
  return FZ_OK;
}

static fz_err load_embedded(fz_cal *cal, fz_error *err) {
  size_t n;
  const fz_embed *t = fz_embed_table(&n);
  size_t plen = strlen(EMBED_PREFIX);
  for (size_t i = 0; i < n; i++) {
    const char *name = t[i].name;
    if (strncmp(name, EMBED_PREFIX, plen) != 0) continue;
    size_t nl = strlen(name);
    if (nl < 4 || strcmp(name + nl - 4, ".txt") != 0) continue;
    fz_err rc = add_file(cal, name + plen, name, (const char *)t[i].data,
                         t[i].len, err);
    if (rc) return rc;
  }
  return FZ_OK;
}

static fz_err load_directory(fz_cal *cal, const char *dir, fz_error *err) {
  DIR *d = opendir(dir);
  if (!d)
    return fz_error_set(err, FZ_IO, "calendar",
                        "calendar directory %s: %s", dir, strerror(errno));
  fz_err rc = FZ_OK;
  struct dirent *de;
  while (!rc && (de = readdir(d)) != NULL) {
    const char *name = de->d_name;
    size_t nl = strlen(name);
    if (name[0] == '.' || nl < 4 || strcmp(name + nl - 4, ".txt") != 0)
      continue;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
        sizeof path) {
      rc = fz_error_set(err, FZ_TOOBIG, "calendar", "path too long: %s/%s",
                        dir, name);
      break;
    }
    char *buf = NULL;
    size_t len = 0;
    rc = read_file(path, &buf, &len, err);
    if (rc) break;
    rc = add_file(cal, name, path, buf, len, err);
    free(buf);
  }
  closedir(d);
  return rc;
}

fz_err fz_cal_load_dir(const char *dir, fz_cal **out, fz_error *err) {
  *out = NULL;
  fz_cal *cal = calloc(1, sizeof *cal);
  if (!cal) return fz_error_set(err, FZ_NOMEM, "calendar", NULL);
  fz_err rc = load_embedded(cal, err);
  if (!rc && dir) rc = load_directory(cal, dir, err);
  if (rc) {
    fz_cal_free(cal);
    return rc;
  }
  size_t k = 0;
  for (int i = 0; i < NYEARS; i++)
    if (cal->years[i]) cal->order[k++] = cal->years[i];
  *out = cal;
  return FZ_OK;
}

void fz_cal_free(fz_cal *cal) {
  if (!cal) return;
  for (int i = 0; i < NYEARS; i++) fz_cal_year_free(cal->years[i]);
  free(cal);
}

/* ---- The process-wide set ---------------------------------------------- */

static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t default_mu = PTHREAD_MUTEX_INITIALIZER;
static int default_claimed;
static char default_dir[4096];
static fz_cal *default_cal;
static fz_error default_err;

static void default_load(void) {
  fz_cal_load_dir(default_dir[0] ? default_dir : NULL, &default_cal,
                  &default_err);
}

/* Marks the default set as chosen; returns 1 if it already was.  The
 * directory is recorded only by the first caller. */
static int claim_default(const char *dir) {
  pthread_mutex_lock(&default_mu);
  int was = default_claimed;
  if (!was) {
    default_claimed = 1;
    if (dir) snprintf(default_dir, sizeof default_dir, "%s", dir);
  }
  pthread_mutex_unlock(&default_mu);
  return was;
}

const fz_cal *fz_cal_default(fz_error *err) {
  claim_default(NULL);
  pthread_once(&default_once, default_load);
  if (!default_cal && err) *err = default_err;
  return default_cal;
}

fz_err fz_cal_default_init(const char *dir, fz_error *err) {
  if (claim_default(dir))
    return fz_error_set(err, FZ_CONFLICT, "calendar",
                        "the default calendar is already loaded; choose its "
                        "directory before first use");
  pthread_once(&default_once, default_load);
  if (!default_cal) {
    if (err) *err = default_err;
    return default_err.code;
  }
  return FZ_OK;
}

/* ---- Questions ------------------------------------------------------------ */

size_t fz_cal_year_count(const fz_cal *cal) { return cal->count; }

const fz_cal_year *fz_cal_year_at(const fz_cal *cal, size_t i) {
  return i < cal->count ? cal->order[i] : NULL;
}

const fz_cal_year *fz_cal_find_year(const fz_cal *cal, int year) {
  if (year < FZ_DATE_MIN_YEAR || year > FZ_DATE_MAX_YEAR) return NULL;
  return cal->years[year - FZ_DATE_MIN_YEAR];
}

fz_err fz_cal_day_info(const fz_cal *cal, fz_date d, fz_cal_day *out,
                       fz_error *err) {
  char ds[FZ_DATE_BUF];
  if (!fz_date_valid(d.y, d.m, d.d))
    return fz_error_set(err, FZ_INVALID, "date", "%s is not a valid date",
                        fz_date_format(d, ds));
  const fz_cal_year *cy = fz_cal_find_year(cal, d.y);
  /* DESIGN.md §6: without the year's notice we cannot know its holidays,
   * and guessing from the weekday would silently miscount deadlines. */
  if (!cy)
    return fz_error_set(err, FZ_NODATA, "date",
                        "no working-day calendar is loaded for the year %d "
                        "(needed for %s): add %d.txt from the State Council "
                        "notice to the calendar folder of the data_dir setting "
                        "(see data/calendar/README.md)",
                        d.y, fz_date_format(d, ds), d.y);
  int i = day_of_year(d);
  switch (cy->kind[i]) {
  case DAY_OFF:
    out->kind = FZ_DAY_HOLIDAY;
    out->workday = 0;
    out->label = cy->labels[cy->label[i]];
    break;
  case DAY_WORK:
    out->kind = FZ_DAY_MAKEUP;
    out->workday = 1;
    out->label = cy->labels[cy->label[i]];
    break;
  default:
    out->workday = fz_date_weekday(d) <= 5;
    out->kind = out->workday ? FZ_DAY_WORKDAY : FZ_DAY_WEEKEND;
    out->label = "";
  }
  return FZ_OK;
}

fz_err fz_cal_is_workday(const fz_cal *cal, fz_date d, int *yes,
                         fz_error *err) {
  fz_cal_day day = {0};
  fz_err rc = fz_cal_day_info(cal, d, &day, err);
  if (rc) return rc;
  *yes = day.workday;
  return FZ_OK;
}

fz_err fz_cal_add_workdays(const fz_cal *cal, fz_date d, long n, fz_date *out,
                           fz_error *err) {
  char ds[FZ_DATE_BUF];
  if (n < 0)
    return fz_error_set(err, FZ_INVALID, "n",
                        "the number of working days must be 0 or more, "
                        "not %ld", n);
  if (!fz_date_valid(d.y, d.m, d.d))
    return fz_error_set(err, FZ_INVALID, "date", "%s is not a valid date",
                        fz_date_format(d, ds));
  /* 行政处罚法 Art. 85 / 民事诉讼法 Art. 85: the start day is not counted. */
  fz_date cur = d;
  while (n > 0) {
    fz_err rc = fz_date_add_days(cur, 1, &cur, err);
    if (rc) return rc;
    int yes;
    rc = fz_cal_is_workday(cal, cur, &yes, err);
    if (rc) return rc;
    n -= yes;
  }
  *out = cur;
  return FZ_OK;
}

fz_err fz_cal_next_workday(const fz_cal *cal, fz_date d, fz_date *out,
                           fz_error *err) {
  fz_date cur = d;
  for (;;) {
    int yes;
    fz_err rc = fz_cal_is_workday(cal, cur, &yes, err);
    if (rc) return rc;
    if (yes) break;
    rc = fz_date_add_days(cur, 1, &cur, err);
    if (rc) return rc;
  }
  *out = cur;
  return FZ_OK;
}
