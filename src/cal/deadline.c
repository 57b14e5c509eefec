/* deadline.c — statutory deadline rules (data/rules/deadlines.tsv) and their
 * computation on the working-day calendar, with an explanation that cites
 * the law. */
#include "cal/cal.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"

#define RULES_FILE "data/rules/deadlines.tsv"
#define RULES_HEADER "id\tlaw\tarticle\tn\tkind\tfrom\twhat"
#define MAX_RULES 64
#define NCOLS 7

/* ---- The rule table ------------------------------------------------------ */

static pthread_once_t rules_once = PTHREAD_ONCE_INIT;
static fz_deadline_rule rules[MAX_RULES];
static size_t nrules;
static char *rules_text; /* private copy; fields point into it */
static fz_error rules_err;

static fz_err rules_fail(int line, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records a malformed rules file; the table is then empty. */
static fz_err rules_fail(int line, const char *fmt, ...) {
  char reason[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  nrules = 0;
  return fz_error_set(&rules_err, FZ_INTERNAL, "rules", "%s:%d: %s",
                      RULES_FILE, line, reason);
}

static int id_ok(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
          *s == '_'))
      return 0;
  return 1;
}

/* Parses one row, already cut into NUL-terminated fields. */
static fz_err parse_row(char **f, int line) {
  if (nrules == MAX_RULES) return rules_fail(line, "more than %d rules", MAX_RULES);
  if (!id_ok(f[0]))
    return rules_fail(line, "bad id \"%s\" (a-z, 0-9, '.', '_')", f[0]);
  for (size_t i = 0; i < nrules; i++)
    if (strcmp(rules[i].id, f[0]) == 0)
      return rules_fail(line, "duplicate id \"%s\"", f[0]);
  for (int c = 1; c < NCOLS; c++)
    if (!*f[c]) return rules_fail(line, "empty column in rule \"%s\"", f[0]);
  int n = 0;
  for (const char *p = f[3]; *p; p++) {
    if (*p < '0' || *p > '9' || n > 999)
      return rules_fail(line, "n must be a number 1-9999, not \"%s\"", f[3]);
    n = n * 10 + (*p - '0');
  }
  if (n < 1) return rules_fail(line, "n must be a number 1-9999, not \"%s\"", f[3]);
  fz_deadline_rule *r = &rules[nrules];
  if (strcmp(f[4], "days") == 0) r->kind = FZ_PERIOD_DAYS;
  else if (strcmp(f[4], "workdays") == 0) r->kind = FZ_PERIOD_WORKDAYS;
  else return rules_fail(line, "kind must be days or workdays, not \"%s\"", f[4]);
  r->id = f[0];
  r->law = f[1];
  r->article = f[2];
  r->n = n;
  r->from = f[5];
  r->what = f[6];
  nrules++;
  return FZ_OK;
}

static void load_rules(void) {
  const fz_embed *e = fz_embed_find(RULES_FILE);
  if (!e) {
    rules_fail(0, "%s", "not embedded in this build");
    return;
  }
  rules_text = malloc(e->len + 1);
  if (!rules_text) {
    fz_error_set(&rules_err, FZ_NOMEM, "rules", NULL);
    return;
  }
  memcpy(rules_text, e->data, e->len);
  rules_text[e->len] = '\0';

  char *s = rules_text;
  int line = 0;
  while (*s) {
    char *nl = strchr(s, '\n');
    if (nl) *nl = '\0';
    size_t n = strlen(s);
    if (n && s[n - 1] == '\r') s[--n] = '\0';
    line++;
    if (line == 1) {
      if (strcmp(s, RULES_HEADER) != 0) {
        rules_fail(line, "the header must be \"%s\"", RULES_HEADER);
        return;
      }
    } else if (n) {
      char *f[NCOLS];
      int c = 0;
      f[c++] = s;
      for (char *p = s; *p; p++) {
        if (*p != '\t') continue;
        if (c == NCOLS) {
          rules_fail(line, "%s", "more than 7 tab-separated columns");
          return;
        }
        *p = '\0';
        f[c++] = p + 1;
      }
      if (c != NCOLS) {
        rules_fail(line, "%s", "fewer than 7 tab-separated columns");
        return;
      }
      if (parse_row(f, line)) return;
    }
    if (!nl) break;
    s = nl + 1;
  }
  if (nrules == 0) rules_fail(line, "%s", "no rules");
}

const char *fz_period_kind_name(fz_period_kind kind) {
  return kind == FZ_PERIOD_WORKDAYS ? "workdays" : "days";
}

fz_err fz_deadline_rules(const fz_deadline_rule **out, size_t *count,
                         fz_error *err) {
  pthread_once(&rules_once, load_rules);
  if (nrules == 0) {
    if (err) *err = rules_err;
    *out = NULL;
    *count = 0;
    return rules_err.code ? rules_err.code : FZ_INTERNAL;
  }
  *out = rules;
  *count = nrules;
  return FZ_OK;
}

fz_err fz_deadline_rule_find(const char *id, const fz_deadline_rule **rule,
                             fz_error *err) {
  const fz_deadline_rule *all;
  size_t n;
  fz_err rc = fz_deadline_rules(&all, &n, err);
  if (rc) return rc;
  if (!id) id = "";
  for (size_t i = 0; i < n; i++) {
    if (strcmp(all[i].id, id) == 0) {
      *rule = &all[i];
      return FZ_OK;
    }
  }
  char ids[400] = "", shown[44];
  size_t len = 0, k;
  for (size_t i = 0; i < n && len < sizeof ids; i++)
    len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%s",
                            i ? ", " : "", all[i].id);
  /* The id comes from outside: show at most 40 printable ASCII bytes. */
  for (k = 0; id[k] && k < 40; k++)
    shown[k] = id[k] >= 0x20 && id[k] < 0x7f ? id[k] : '?';
  shown[k] = '\0';
  return fz_error_set(err, FZ_NOTFOUND, "rule",
                      "unknown deadline rule \"%s\"; valid rules: %s", shown,
                      ids);
}

/* ---- Computation --------------------------------------------------------- */

/* How each law counts its periods.  A law not listed sets working days in
 * the provision itself ("20个工作日") and, for calendar days, is read with
 * 民事诉讼法 Art. 85 by analogy (DESIGN.md §6). */
static const struct {
  const char *law, *workdays, *days;
} counting[] = {
    {"中华人民共和国行政处罚法",
     "行政处罚法第八十五条: 二日、三日、五日、七日 are working days, "
     "法定节假日 excluded",
     NULL},
    {"中华人民共和国行政强制法",
     "行政强制法第六十九条: periods of ten days or less are working days, "
     "法定节假日 excluded",
     NULL},
    {"中华人民共和国行政复议法",
     "行政复议法第八十八条: 三日、五日、七日、十日 are working days, "
     "法定休假日 excluded",
     "行政复议法第八十八条 applies 民事诉讼法第八十五条"},
};

static const char *counting_basis(const fz_deadline_rule *r) {
  for (size_t i = 0; i < sizeof counting / sizeof counting[0]; i++) {
    if (strcmp(counting[i].law, r->law) != 0) continue;
    if (r->kind == FZ_PERIOD_WORKDAYS && counting[i].workdays)
      return counting[i].workdays;
    if (r->kind == FZ_PERIOD_DAYS && counting[i].days)
      return counting[i].days;
  }
  return r->kind == FZ_PERIOD_WORKDAYS
             ? "the provision itself counts 工作日"
             : "民事诉讼法第八十五条, applied by analogy";
}

typedef struct text {
  char *p;
  size_t cap, len;
} text;

static void put(text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends to t, truncating silently at its capacity. */
static void put(text *t, const char *fmt, ...) {
  if (t->len + 1 >= t->cap) return;
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
  va_end(ap);
  if (r < 0) return;
  t->len += (size_t)r < t->cap - t->len ? (size_t)r : t->cap - t->len - 1;
}

/* Remembers up to four distinct holiday names for the explanation. */
typedef struct names {
  const char *v[4];
  int n;
} names;

static void names_add(names *ns, const char *s) {
  for (int i = 0; i < ns->n; i++)
    if (strcmp(ns->v[i], s) == 0) return;
  if (ns->n < 4) ns->v[ns->n++] = s;
}

static void names_put(text *t, const names *ns) {
  for (int i = 0; i < ns->n; i++) put(t, "%s%s", i ? "、" : "", ns->v[i]);
}

/* Working days: the n-th working day after start (行政处罚法 Art. 85). */
static fz_err compute_workdays(const fz_cal *cal, fz_deadline *out, text *t,
                               fz_error *err) {
  const fz_deadline_rule *r = out->rule;
  char a[FZ_DATE_BUF], b[FZ_DATE_BUF];
  fz_date cur = out->start;
  int rest = 0, holidays = 0, counted = 0;
  names hol = {{0}, 0}, makeup = {{0}, 0};
  while (counted < r->n) {
    fz_cal_day day;
    fz_err rc = fz_date_add_days(cur, 1, &cur, err);
    if (!rc) rc = fz_cal_day_info(cal, cur, &day, err);
    if (rc) return rc;
    if (day.workday) {
      counted++;
      if (day.kind == FZ_DAY_MAKEUP) names_add(&makeup, day.label);
    } else {
      rest++;
      if (day.kind == FZ_DAY_HOLIDAY) holidays++, names_add(&hol, day.label);
    }
  }
  out->nominal = out->date = cur;
  fz_date first;
  fz_date_add_days(out->start, 1, &first, NULL);
  put(t, "Working days, counted from the day after %s (%s).\n",
      fz_date_format(out->start, a), counting_basis(r));
  put(t, "Working day %d is %s; from %s to it ", r->n,
      fz_date_format(cur, b), fz_date_format(first, a));
  if (rest == 0) {
    put(t, "no day was skipped");
  } else {
    put(t, "%d rest day%s skipped", rest, rest == 1 ? " was" : "s were");
    if (holidays) {
      put(t, " (%d public holiday%s: ", holidays, holidays == 1 ? "" : "s");
      names_put(t, &hol);
      put(t, ")");
    }
  }
  if (makeup.n) {
    put(t, "; 调休 makeup days counted as working days (");
    names_put(t, &makeup);
    put(t, ")");
  }
  put(t, ".\n");
  return FZ_OK;
}

/* Calendar days: start + n; a last day that is not a working day moves to
 * the next working day (民事诉讼法 Art. 85: 期间开始的日不计算在期间内；期间
 * 届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期). */
static fz_err compute_days(const fz_cal *cal, fz_deadline *out, text *t,
                           fz_error *err) {
  const fz_deadline_rule *r = out->rule;
  char a[FZ_DATE_BUF], b[FZ_DATE_BUF];
  fz_cal_day day;
  fz_err rc = fz_date_add_days(out->start, r->n, &out->nominal, err);
  if (!rc) rc = fz_cal_day_info(cal, out->nominal, &day, err);
  if (!rc) rc = fz_cal_next_workday(cal, out->nominal, &out->date, err);
  if (rc) return rc;
  out->rolled = fz_date_cmp(out->date, out->nominal) != 0;
  put(t, "Calendar days, the start day not counted (%s): %s + %d days = %s.\n",
      counting_basis(r), fz_date_format(out->start, a), r->n,
      fz_date_format(out->nominal, b));
  if (!out->rolled) {
    put(t, "%s is a working day.\n", b);
  } else {
    if (day.kind == FZ_DAY_HOLIDAY)
      put(t, "%s is a public holiday (%s)", b, day.label);
    else
      put(t, "%s is a %s, a rest day", b,
          fz_date_weekday(out->nominal) == 6 ? "Saturday" : "Sunday");
    put(t, "; rolled to %s, the next working day.\n",
        fz_date_format(out->date, a));
  }
  return FZ_OK;
}

fz_err fz_deadline_compute(const fz_cal *cal, const char *rule_id,
                           fz_date start, fz_deadline *out, fz_error *err) {
  const fz_deadline_rule *r;
  char s[FZ_DATE_BUF];
  fz_err rc = fz_deadline_rule_find(rule_id, &r, err);
  if (rc) return rc;
  if (!fz_date_valid(start.y, start.m, start.d))
    return fz_error_set(err, FZ_INVALID, "start", "%s is not a valid date",
                        fz_date_format(start, s));
  memset(out, 0, sizeof *out);
  out->rule = r;
  out->start = start;
  text t = {out->explanation, sizeof out->explanation, 0};
  put(&t, "%s %s: %s; %d %s from %s (%s).\n", r->law, r->article, r->what,
      r->n, r->kind == FZ_PERIOD_WORKDAYS ? "working days" : "days", r->from,
      fz_date_format(start, s));
  rc = r->kind == FZ_PERIOD_WORKDAYS ? compute_workdays(cal, out, &t, err)
                                     : compute_days(cal, out, &t, err);
  if (rc) memset(out, 0, sizeof *out);
  return rc;
}
