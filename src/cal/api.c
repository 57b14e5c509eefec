/* api.c — working days and statutory deadlines over HTTP. */
#include "cal/api.h"

#include "cal/cal.h"

static const char *const day_kinds[] = {"workday", "weekend", "holiday",
                                        "makeup"};

/* The process-wide calendar, or NULL after replying 500. */
static const fz_cal *calendar(fz_req *r) {
  fz_error e;
  const fz_cal *cal = fz_cal_default(&e);
  if (!cal) fz_reply_error(r, 500, FZ_INTERNAL, "", "%s", e.message);
  return cal;
}

static json_t *rule_json(const fz_deadline_rule *d) {
  return json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "id", d->id, "law",
                   d->law, "article", d->article, "n", d->n, "kind",
                   fz_period_kind_name(d->kind), "from", d->from, "what",
                   d->what);
}

void fz_api_calendar_day(fz_req *r) {
  const fz_cal *cal = calendar(r);
  if (!cal) return;
  fz_date d;
  fz_cal_day day;
  fz_error e;
  if (fz_date_parse(fz_req_param(r, "date"), &d, &e) ||
      fz_cal_day_info(cal, d, &day, &e)) {
    fz_error_set_field(&e, "date");
    fz_reply_fz_error(r, &e);
    return;
  }
  char buf[FZ_DATE_BUF];
  const fz_cal_year *year = fz_cal_find_year(cal, d.y);
  fz_reply_json(r, 200, json_pack("{s:s, s:b, s:i, s:s, s:s?, s:s?}", "date",
                                  fz_date_format(d, buf), "workday",
                                  day.workday, "weekday", fz_date_weekday(d),
                                  "kind", day_kinds[day.kind], "label",
                                  day.label && *day.label ? day.label : NULL,
                                  "notice", fz_cal_year_notice(year)));
}

void fz_api_deadline_list(fz_req *r) {
  const fz_deadline_rule *rules;
  size_t n;
  fz_error e;
  if (fz_deadline_rules(&rules, &n, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  json_t *list = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(list, rule_json(&rules[i]));
  fz_reply_json(r, 200, json_pack("{s:o}", "rules", list));
}

void fz_api_deadline_compute(fz_req *r) {
  const fz_cal *cal = calendar(r);
  if (!cal) return;
  const char *from = fz_req_query(r, "from");
  if (!from) {
    fz_reply_error(r, 422, FZ_MISSING, "from", "the query parameter from "
                   "(YYYY-MM-DD, the day the period counts from) is required");
    return;
  }
  fz_date start;
  fz_deadline dl;
  fz_error e;
  if (fz_date_parse(from, &start, &e)) {
    fz_error_set_field(&e, "from");
    fz_reply_fz_error(r, &e);
    return;
  }
  if (fz_deadline_compute(cal, fz_req_param(r, "id"), start, &dl, &e)) {
    fz_error_set_field(&e, e.code == FZ_NOTFOUND ? "id" : "from");
    fz_reply_fz_error(r, &e);
    return;
  }
  char a[FZ_DATE_BUF], b[FZ_DATE_BUF], c[FZ_DATE_BUF];
  fz_reply_json(r, 200, json_pack("{s:o, s:s, s:s, s:s, s:b, s:s}", "rule",
                                  rule_json(dl.rule), "from",
                                  fz_date_format(dl.start, a), "due",
                                  fz_date_format(dl.date, b), "nominal",
                                  fz_date_format(dl.nominal, c), "rolled",
                                  dl.rolled, "explanation", dl.explanation));
}
