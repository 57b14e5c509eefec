/* cmd_calendar.c — `fazhi calendar …` (working days) and `fazhi deadline …`
 * (statutory deadlines with their citation). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "cli/cli.h"
#include "core/config.h"

static const char calendar_usage[] =
    "usage: fazhi calendar [--data-dir DIR] VERB …\n"
    "  is-workday YYYY-MM-DD        yes or no\n"
    "  add-workdays YYYY-MM-DD N    the date N working days later (counting\n"
    "                               from the next day; N = 0 is the date)\n"
    "  day YYYY-MM-DD               the date, its weekday, kind and name\n"
    "  years                        the loaded years: year, source, notice\n"
    "  check FILE…                  parse calendar files without loading them\n"
    "DIR/calendar holds an administrator's YYYY.txt files; they add years,\n"
    "or replace the built-in ones (see data/calendar/README.md).  data_dir\n"
    "may also come from FAZHI_DATA_DIR or the --config file, as for serve.\n";

static const char deadline_usage[] =
    "usage: fazhi deadline [--data-dir DIR] RULE_ID YYYY-MM-DD\n"
    "       fazhi deadline --list\n"
    "Prints the deadline on the first line, then the legal basis and how it\n"
    "was counted.  --list prints id, law, article, n and kind of every rule.\n";

/* Applies the settings `serve` takes (--config FILE, FAZHI_* variables,
 * --key value flags), removing them from argv; *argc becomes 1 + the number
 * of arguments left.  The data_dir setting's calendar/ folder, if set, is
 * written to dir (else dir is "").  Returns -1 after printing an error. */
static int settings(const char *cmd, int *argc, char **argv, char *dir,
                    size_t size) {
  fz_config cfg;
  fz_error e;
  int rest;
  if (fz_config_from_args(&cfg, *argc, argv, 1, &rest, &e)) {
    fprintf(stderr, "fazhi %s: %s\n", cmd, e.message);
    return -1;
  }
  *argc = 1 + rest;
  dir[0] = '\0';
  if (cfg.data_dir[0] &&
      (size_t)snprintf(dir, size, "%s/calendar", cfg.data_dir) >= size) {
    fprintf(stderr, "fazhi %s: data_dir is too long\n", cmd);
    return -1;
  }
  return 0;
}

/* Loads the calendar (built-in, plus dir if given); prints the error and
 * returns NULL on failure.  *owned is what the caller frees. */
static const fz_cal *open_calendar(const char *cmd, const char *dir,
                                   fz_cal **owned) {
  fz_error e;
  *owned = NULL;
  if (dir) {
    if (fz_cal_load_dir(dir, owned, &e)) {
      fprintf(stderr, "fazhi %s: %s\n", cmd, e.message);
      return NULL;
    }
    return *owned;
  }
  const fz_cal *cal = fz_cal_default(&e);
  if (!cal) fprintf(stderr, "fazhi %s: %s\n", cmd, e.message);
  return cal;
}

static int parse_date_arg(const char *cmd, const char *s, fz_date *d) {
  fz_error e;
  if (fz_date_parse(s, d, &e)) {
    fprintf(stderr, "fazhi %s: %s\n", cmd, e.message);
    return -1;
  }
  return 0;
}

/* A count of working days: 1 to 6 decimal digits, nothing else. */
static int parse_count(const char *cmd, const char *s, long *n) {
  size_t len = strlen(s);
  int ok = len >= 1 && len <= 6;
  for (size_t i = 0; ok && i < len; i++) ok = s[i] >= '0' && s[i] <= '9';
  if (!ok) {
    fprintf(stderr,
            "fazhi %s: \"%s\" is not a number of working days (0-999999)\n",
            cmd, s);
    return -1;
  }
  *n = strtol(s, NULL, 10);
  return 0;
}

static const char *const day_kind_names[] = {"workday", "weekend", "holiday",
                                             "makeup"};

static int calendar_verb(const fz_cal *cal, int argc, char **argv) {
  const char *verb = argv[0];
  fz_error e;
  fz_date d;
  char buf[FZ_DATE_BUF];

  if (strcmp(verb, "is-workday") == 0 && argc == 2) {
    int yes;
    if (parse_date_arg("calendar", argv[1], &d)) return 2;
    if (fz_cal_is_workday(cal, d, &yes, &e)) goto fail;
    puts(yes ? "yes" : "no");
    return 0;
  }
  if (strcmp(verb, "add-workdays") == 0 && argc == 3) {
    long n;
    fz_date out;
    if (parse_date_arg("calendar", argv[1], &d) ||
        parse_count("calendar", argv[2], &n))
      return 2;
    if (fz_cal_add_workdays(cal, d, n, &out, &e)) goto fail;
    puts(fz_date_format(out, buf));
    return 0;
  }
  if (strcmp(verb, "day") == 0 && argc == 2) {
    fz_cal_day day;
    if (parse_date_arg("calendar", argv[1], &d)) return 2;
    if (fz_cal_day_info(cal, d, &day, &e)) goto fail;
    printf("%s\t%s\t%s\t%s\n", fz_date_format(d, buf),
           fz_date_weekday_name(fz_date_weekday(d)), day_kind_names[day.kind],
           day.label);
    return 0;
  }
  if (strcmp(verb, "years") == 0 && argc == 1) {
    for (size_t i = 0; i < fz_cal_year_count(cal); i++) {
      const fz_cal_year *y = fz_cal_year_at(cal, i);
      printf("%d\t%s\t%s\n", fz_cal_year_year(y), fz_cal_year_source(y),
             fz_cal_year_notice(y));
    }
    return 0;
  }
  fprintf(stderr, "fazhi calendar: unknown verb or wrong arguments\n%s",
          calendar_usage);
  return 2;
fail:
  fprintf(stderr, "fazhi calendar: %s\n", e.message);
  return 2;
}

/* `check FILE…`: parses each file on its own; 0 if all are good. */
static int calendar_check(int argc, char **argv) {
  /* One byte over the parser's limit, so that it reports the size. */
  static char buf[64 * 1024 + 1];
  int rc = 0;
  if (argc < 2) {
    fprintf(stderr, "fazhi calendar: check needs files\n%s", calendar_usage);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      fprintf(stderr, "fazhi calendar: %s: %s\n", argv[i], strerror(errno));
      rc = 2;
      continue;
    }
    size_t n = fread(buf, 1, sizeof buf, f);
    int bad = ferror(f);
    fclose(f);
    fz_cal_year *y;
    fz_error e;
    if (bad) {
      fprintf(stderr, "fazhi calendar: %s: read error\n", argv[i]);
      rc = 2;
    } else if (fz_cal_year_parse(buf, n, argv[i], &y, &e)) {
      fprintf(stderr, "fazhi calendar: %s\n", e.message);
      rc = 2;
    } else {
      printf("%s: ok, year %d, %s\n", argv[i], fz_cal_year_year(y),
             fz_cal_year_notice(y));
      fz_cal_year_free(y);
    }
  }
  return rc;
}

int fz_cmd_calendar(int argc, char **argv) {
  char dir[1100];
  if (settings("calendar", &argc, argv, dir, sizeof dir)) return 2;
  int i = 1;
  if (i >= argc || strcmp(argv[i], "--help") == 0 ||
      strcmp(argv[i], "-h") == 0) {
    fputs(calendar_usage, i >= argc ? stderr : stdout);
    return i >= argc ? 2 : 0;
  }
  if (strcmp(argv[i], "check") == 0) return calendar_check(argc - i, argv + i);
  fz_cal *owned;
  const fz_cal *cal = open_calendar("calendar", dir[0] ? dir : NULL, &owned);
  if (!cal) return 2;
  int rc = calendar_verb(cal, argc - i, argv + i);
  fz_cal_free(owned);
  return rc;
}

static int deadline_list(void) {
  const fz_deadline_rule *r;
  size_t n;
  fz_error e;
  if (fz_deadline_rules(&r, &n, &e)) {
    fprintf(stderr, "fazhi deadline: %s\n", e.message);
    return 2;
  }
  for (size_t i = 0; i < n; i++)
    printf("%s\t%s\t%s\t%d\t%s\n", r[i].id, r[i].law, r[i].article, r[i].n,
           fz_period_kind_name(r[i].kind));
  return 0;
}

int fz_cmd_deadline(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--list") == 0) return deadline_list();
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
                    strcmp(argv[1], "-h") == 0)) {
    fputs(deadline_usage, stdout);
    return 0;
  }
  char dir[1100];
  if (settings("deadline", &argc, argv, dir, sizeof dir)) return 2;
  int i = 1;
  if (argc - i != 2) {
    fputs(deadline_usage, stderr);
    return 2;
  }
  /* The rule first, so that an unknown id is reported with the list of
   * valid ones whatever else is wrong. */
  const fz_deadline_rule *rule;
  fz_error e;
  if (fz_deadline_rule_find(argv[i], &rule, &e)) {
    fprintf(stderr, "fazhi deadline: %s\n", e.message);
    return 2;
  }
  fz_date start;
  if (parse_date_arg("deadline", argv[i + 1], &start)) return 2;
  fz_cal *owned;
  const fz_cal *cal = open_calendar("deadline", dir[0] ? dir : NULL, &owned);
  if (!cal) return 2;
  fz_deadline dl;
  int rc = 0;
  if (fz_deadline_compute(cal, rule->id, start, &dl, &e)) {
    fprintf(stderr, "fazhi deadline: %s\n", e.message);
    rc = 2;
  } else {
    char buf[FZ_DATE_BUF];
    printf("%s\n%s", fz_date_format(dl.date, buf), dl.explanation);
  }
  fz_cal_free(owned);
  return rc;
}
