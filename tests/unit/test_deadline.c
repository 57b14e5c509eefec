/* test_deadline.c — the deadline rule table and each of its 18 rules computed
 * on dates worked out by hand against the 2024–2026 calendars. */
#include <stdio.h>
#include <string.h>

#include "cal/cal.h"
#include "test.h"

static fz_date D(const char *s) {
  fz_date d = {0, 0, 0};
  if (fz_date_parse(s, &d, NULL)) fprintf(stderr, "  bad test date %s\n", s);
  return d;
}

/* Computes rule from start; checks the deadline and whether it rolled. */
static void expect(const char *rule, const char *start, const char *deadline,
                   int rolled) {
  fz_deadline dl;
  fz_error e;
  char buf[FZ_DATE_BUF];
  const fz_cal *cal = fz_cal_default(&e);
  if (!cal) {
    CHECK(0);
    return;
  }
  fz_err rc = fz_deadline_compute(cal, rule, D(start), &dl, &e);
  if (rc) {
    fprintf(stderr, "  %s from %s: %s\n", rule, start, e.message);
    t_current_failed = 1;
    return;
  }
  if (strcmp(fz_date_format(dl.date, buf), deadline) != 0 ||
      dl.rolled != rolled) {
    fprintf(stderr, "  %s from %s: %s rolled=%d, expected %s rolled=%d\n",
            rule, start, buf, dl.rolled, deadline, rolled);
    t_current_failed = 1;
  }
  CHECK_STR(dl.rule->id, rule);
  CHECK_INT(fz_date_cmp(dl.start, D(start)), 0);
}

static void rule_table(void) {
  const fz_deadline_rule *r;
  size_t n;
  CHECK_INT(fz_deadline_rules(&r, &n, NULL), FZ_OK);
  CHECK_INT(n, 18);
  if (n != 18) return;
  static const char *const ids[18] = {
      "penalty.decide",       "penalty.serve",
      "penalty.hearing_request", "penalty.pay",
      "penalty.publish",      "penalty.withdraw",
      "penalty.register_preserve", "coercion.seizure",
      "coercion.court_apply", "review.apply",
      "review.accept",        "review.decide",
      "review.decide_simple", "disclosure.reply",
      "disclosure.proactive", "inspection.publish",
      "decision.comment",     "decision.legality"};
  static const int ns[18] = {90, 7, 5, 15, 7, 3, 7, 30, 10,
                             60, 5, 60, 30, 20, 20, 20, 30, 7};
  static const char kinds[] = "dwwdwwwdwdwddwwwdw";
  for (int i = 0; i < 18; i++) {
    CHECK_STR(r[i].id, ids[i]);
    CHECK_INT(r[i].n, ns[i]);
    CHECK_INT(r[i].kind, kinds[i] == 'w' ? FZ_PERIOD_WORKDAYS : FZ_PERIOD_DAYS);
    CHECK(r[i].law[0] && r[i].article[0] && r[i].from[0] && r[i].what[0]);
  }
  CHECK_STR(r[0].law, "中华人民共和国行政处罚法");
  CHECK_STR(r[0].article, "第六十条");
  CHECK_STR(r[2].article, "第六十四条第一项");
  CHECK_STR(r[7].law, "中华人民共和国行政强制法");
  CHECK_STR(r[7].article, "第二十五条");
  CHECK_STR(r[9].law, "中华人民共和国行政复议法");
  CHECK_STR(r[13].law, "中华人民共和国政府信息公开条例");
  CHECK_STR(r[13].article, "第三十三条");
  CHECK_STR(r[15].law, "企业信息公示暂行条例");
  CHECK_STR(r[17].law, "重大行政决策程序暂行条例");
  CHECK_STR(r[17].article, "第二十六条");
  CHECK_CONTAINS(r[4].law, "国办发〔2018〕118号");
  CHECK_STR(fz_period_kind_name(FZ_PERIOD_WORKDAYS), "workdays");
  CHECK_STR(fz_period_kind_name(FZ_PERIOD_DAYS), "days");

  const fz_deadline_rule *one;
  CHECK_INT(fz_deadline_rule_find("review.accept", &one, NULL), FZ_OK);
  CHECK(one == &r[10]);
}

static void unknown_rule(void) {
  const fz_deadline_rule *one = NULL;
  fz_error e;
  CHECK_INT(fz_deadline_rule_find("penalty.nope", &one, &e), FZ_NOTFOUND);
  CHECK(one == NULL);
  CHECK_STR(e.field, "rule");
  CHECK_CONTAINS(e.message, "unknown deadline rule \"penalty.nope\"");
  CHECK_CONTAINS(e.message, "valid rules: penalty.decide, penalty.serve, ");
  CHECK_CONTAINS(e.message, "decision.comment, decision.legality");

  fz_deadline dl;
  const fz_cal *cal = fz_cal_default(NULL);
  CHECK_INT(fz_deadline_compute(cal, "x\n\x01", D("2026-01-05"), &dl, &e),
            FZ_NOTFOUND);
  CHECK_CONTAINS(e.message, "\"x??\"");
  CHECK_INT(fz_deadline_compute(cal, "", D("2026-01-05"), &dl, &e),
            FZ_NOTFOUND);
  fz_date bad = {2026, 2, 30};
  CHECK_INT(fz_deadline_compute(cal, "penalty.pay", bad, &dl, &e),
            FZ_INVALID);
}

/* 行政处罚法 (days and workdays). */
static void penalty_rules(void) {
  /* 01-05 + 90 = 04-05, in 清明节 (04-04..04-06): rolls to 04-07. */
  expect("penalty.decide", "2026-01-05", "2026-04-07", 1);
  /* From Mon 09-28: 09-29, 09-30, (国庆 10-01..07), 10-08, 10-09, 10-10
   * (Sat, makeup), (Sun 10-11), 10-12, 10-13. */
  expect("penalty.serve", "2026-09-28", "2026-10-13", 0);
  /* From Fri 2025-01-24: (Sat), 01-26 (Sun, makeup), 01-27, (春节 01-28..
   * 02-04), 02-05, 02-06, 02-07. */
  expect("penalty.hearing_request", "2025-01-24", "2025-02-07", 0);
  /* 09-17 + 15 = 10-02, in 国庆节: rolls to 10-08. */
  expect("penalty.pay", "2026-09-17", "2026-10-08", 1);
  /* 09-25 + 15 = 10-10, a makeup Saturday: a working day, no roll. */
  expect("penalty.pay", "2026-09-25", "2026-10-10", 0);
  /* Across the year end: 12-30, 12-31, (元旦), 01-02, 01-03, (weekend),
   * 01-06, 01-07, 01-08. */
  expect("penalty.publish", "2024-12-27", "2025-01-08", 0);
  /* From Thu 04-30: (劳动节 05-01..05), 05-06, 05-07, 05-08. */
  expect("penalty.withdraw", "2026-04-30", "2026-05-08", 0);
  /* From Wed 05-06: 05-07, 05-08, 05-09 (Sat, makeup), (Sun), 05-11 .. 14. */
  expect("penalty.register_preserve", "2026-05-06", "2026-05-14", 0);
}

/* 行政强制法. */
static void coercion_rules(void) {
  /* 09-08 + 30 = 10-08, the last day of 国庆节、中秋节 2025: rolls to 10-09. */
  expect("coercion.seizure", "2025-09-08", "2025-10-09", 1);
  /* From Tue 02-10: 02-11, 12, 13, 14 (Sat, makeup), (春节 02-15..23),
   * 02-24, 25, 26, 27, 28 (Sat, makeup), (Sun 03-01), 03-02. */
  expect("coercion.court_apply", "2026-02-10", "2026-03-02", 0);
}

/* 行政复议法. */
static void review_rules(void) {
  /* 03-01 + 60 = 04-30, a Thursday. */
  expect("review.apply", "2026-03-01", "2026-04-30", 0);
  /* From Thu 2024-09-12: 09-13, 09-14 (Sat, makeup), (中秋 09-15..17),
   * 09-18, 09-19, 09-20. */
  expect("review.accept", "2024-09-12", "2024-09-20", 0);
  /* 2024-08-01 + 60 = 09-30, a Monday. */
  expect("review.decide", "2024-08-01", "2024-09-30", 0);
  /* Starting on a holiday: 05-02 + 30 = 06-01, in 端午节 (05-31..06-02):
   * rolls to 06-03. */
  expect("review.decide_simple", "2025-05-02", "2025-06-03", 1);
}

/* 政府信息公开条例, 企业信息公示暂行条例, 重大行政决策程序暂行条例. */
static void other_rules(void) {
  /* From Mon 09-21: 3 days, (中秋 09-25..27), 3 days, (国庆 10-01..07),
   * 10-08, 10-09, 10-10 (makeup) = 9, then 10-12..16 = 14, 10-19..23 = 19,
   * 10-26 = 20. */
  expect("disclosure.reply", "2026-09-21", "2026-10-26", 0);
  /* July 2025 has no holidays: the 20th working day after 06-30 is 07-28. */
  expect("disclosure.proactive", "2025-06-30", "2025-07-28", 0);
  /* From Fri 2024-12-20: 12-23..27 = 5, 12-30, 12-31 = 7, (元旦), 01-02,
   * 01-03 = 9, 01-06..10 = 14, 01-13..17 = 19, 01-20 = 20. */
  expect("inspection.publish", "2024-12-20", "2025-01-20", 0);
  /* 11-06 + 30 = 12-06, a Sunday: rolls to Monday 12-07. */
  expect("decision.comment", "2026-11-06", "2026-12-07", 1);
  /* From Wed 06-17: 06-18, (端午 06-19..21), 06-22 .. 06-26, (weekend),
   * 06-29. */
  expect("decision.legality", "2026-06-17", "2026-06-29", 0);
}

static void explanations(void) {
  const fz_cal *cal = fz_cal_default(NULL);
  fz_deadline dl;
  fz_error e;
  char buf[FZ_DATE_BUF];

  CHECK_INT(fz_deadline_compute(cal, "penalty.pay", D("2026-09-17"), &dl, &e),
            FZ_OK);
  CHECK_STR(fz_date_format(dl.nominal, buf), "2026-10-02");
  CHECK_CONTAINS(dl.explanation, "中华人民共和国行政处罚法 第六十七条: ");
  CHECK_CONTAINS(dl.explanation, "15 days from 当事人收到行政处罚决定书之日 "
                                 "(2026-09-17)");
  CHECK_CONTAINS(dl.explanation, "民事诉讼法第八十五条, applied by analogy");
  CHECK_CONTAINS(dl.explanation, "2026-09-17 + 15 days = 2026-10-02");
  CHECK_CONTAINS(dl.explanation, "2026-10-02 is a public holiday (国庆节); "
                                 "rolled to 2026-10-08, the next working day");

  CHECK_INT(fz_deadline_compute(cal, "decision.comment", D("2026-11-06"), &dl,
                                &e),
            FZ_OK);
  CHECK_CONTAINS(dl.explanation, "2026-12-06 is a Sunday, a rest day; "
                                 "rolled to 2026-12-07");

  CHECK_INT(fz_deadline_compute(cal, "review.apply", D("2026-03-01"), &dl, &e),
            FZ_OK);
  CHECK_CONTAINS(dl.explanation, "行政复议法第八十八条 applies 民事诉讼法第八十五条");
  CHECK_CONTAINS(dl.explanation, "2026-04-30 is a working day.");

  CHECK_INT(fz_deadline_compute(cal, "penalty.serve", D("2026-09-28"), &dl,
                                &e),
            FZ_OK);
  CHECK_CONTAINS(dl.explanation, "7 working days from");
  CHECK_CONTAINS(dl.explanation, "counted from the day after 2026-09-28 "
                                 "(行政处罚法第八十五条");
  CHECK_CONTAINS(dl.explanation, "Working day 7 is 2026-10-13; from "
                                 "2026-09-29 to it 8 rest days were skipped "
                                 "(7 public holidays: 国庆节); 调休 makeup "
                                 "days counted as working days (国庆节调休).");

  CHECK_INT(fz_deadline_compute(cal, "coercion.court_apply", D("2026-02-10"),
                                &dl, &e),
            FZ_OK);
  CHECK_CONTAINS(dl.explanation, "行政强制法第六十九条");
  CHECK_CONTAINS(dl.explanation, "(9 public holidays: 春节)");

  CHECK_INT(fz_deadline_compute(cal, "disclosure.proactive", D("2025-06-30"),
                                &dl, &e),
            FZ_OK);
  CHECK_CONTAINS(dl.explanation, "the provision itself counts 工作日");
  CHECK_CONTAINS(dl.explanation, "8 rest days were skipped.");
}

static void unloaded_years(void) {
  const fz_cal *cal = fz_cal_default(NULL);
  fz_deadline dl;
  fz_error e;
  /* Working days: 12-25, 12-28 .. 12-31, then 2027 is needed. */
  CHECK_INT(fz_deadline_compute(cal, "decision.legality", D("2026-12-24"), &dl,
                                &e),
            FZ_NODATA);
  CHECK_CONTAINS(e.message, "year 2027");
  CHECK_INT(dl.date.y, 0);
  /* Calendar days: 11-15 + 60 lands in 2027. */
  CHECK_INT(fz_deadline_compute(cal, "review.apply", D("2026-11-15"), &dl, &e),
            FZ_NODATA);
  CHECK_CONTAINS(e.message, "year 2027 (needed for 2027-01-14)");
  /* A start in 2023 whose period ends inside 2024 needs no 2023 data… */
  expect("penalty.pay", "2023-12-20", "2024-01-04", 0);
  /* …but one that counts 2023 days does. */
  CHECK_INT(fz_deadline_compute(cal, "penalty.serve", D("2023-12-20"), &dl,
                                &e),
            FZ_NODATA);
  CHECK_CONTAINS(e.message, "year 2023");
}

int main(void) {
  RUN(rule_table);
  RUN(unknown_rule);
  RUN(penalty_rules);
  RUN(coercion_rules);
  RUN(review_rules);
  RUN(other_rules);
  RUN(explanations);
  RUN(unloaded_years);
  return TEST_END();
}
