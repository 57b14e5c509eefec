/* create.c — opening a case: the party, the act and its limitation period
 * (行政处罚法 Art. 36), the matter, and the basis a 行政检查 must cite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "cases/case_int.h"
#include "cases/circumstances.h"
#include "id/id.h"
#include "inspect/inspect.h"

static const char *const kinds[] = {"penalty", "inspection", "coercion"};
/* The 执法事项 kind (registry) each case kind runs under. */
static const char *const matter_kinds[] = {"行政处罚", "行政检查", "行政强制"};
static const char *const sources[] = {"complaint", "plan_entry",
                                      "inspection_task", "referral",
                                      "patrol", "other"};

static int index_of(const char *s, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(s, list[i]) == 0) return (int)i;
  return -1;
}

/* The last day of a period of years from d: the same month and day, or the
 * month's last day when it has none (2024-02-29 + 2 years = 2026-02-28). */
static fz_date plus_years(fz_date d, int years) {
  fz_date r = {d.y + years, d.m, d.d};
  int max = fz_date_month_days(r.y, r.m);
  if (r.d > max) r.d = max;
  return r;
}

/* 行政处罚法 Art. 36: no penalty for an act undiscovered for two years
 * (five where life, health or financial safety is involved and there was
 * harm), counted from the act or from the end of a continuing act. */
static fz_err check_limitation(const char *act, const char *act_end,
                               const char *discovered, int grave,
                               fz_error *err) {
  fz_date from, found;
  const char *start = act_end[0] ? act_end : act;
  if (fz_date_parse(start, &from, err) || fz_date_parse(discovered, &found, err))
    return FZ_INVALID;
  int years = grave ? 5 : 2;
  fz_date last = plus_years(from, years);
  if (fz_date_cmp(found, last) <= 0) return FZ_OK;
  char last_text[FZ_DATE_BUF];
  fz_date_format(last, last_text);
  return fz_error_set(
      err, FZ_CONFLICT, "discovered_on",
      "已过行政处罚时效：违法行为%s之日为 %s，时效 %s 年%s，至 %s 届满；发现之日 "
      "%s 已超过时效，不再给予行政处罚（《中华人民共和国行政处罚法》第三十六条）"
      " / past the limitation period of Art. 36: counted from %s, %d years "
      "end on %s, discovered on %s",
      act_end[0] ? "终了" : "发生", start, grave ? "五" : "二",
      grave ? "（涉及公民生命健康安全、金融安全且有危害后果）" : "", last_text,
      discovered, start, years, last_text, discovered);
}

/* Reads the department (active, in scope) and checks the matter against
 * it: *dept_kind receives the department's kind. */
static fz_err check_department_matter(fz_db *db, const fz_principal *by,
                                      int64_t dept, const char *matter,
                                      int kind, fz_error *err) {
  fz_buf sql;
  fz_buf_init(&sql, 4096);
  fz_qparams q = {0};
  char store[512];
  fz_buf_puts(&sql, "SELECT d.kind, (SELECT m.kind FROM matters m WHERE "
              "m.code = ? AND m.active = 1 AND m.department_kind = d.kind), "
              "(SELECT COUNT(*) FROM matters m WHERE m.code = ? AND "
              "m.active = 1) FROM departments d WHERE d.id = ? AND d.active = 1");
  fz_qp_text(&q, matter);
  fz_qp_text(&q, matter);
  fz_qp_num(&q, dept);
  fz_err rc = fz_case_scope_sql(db, by, "d.id", &sql, &q, store, sizeof store,
                                err);
  fz_stmt *st = NULL;
  if (rc) fz_buf_free(&sql);
  else rc = fz_query_prepare(db, &sql, &q, &st, err);
  if (rc) return rc;
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_DONE) {
    rc = fz_error_set(err, FZ_NOTFOUND, "department_id", "执法主体 %lld 不存在"
                      "、已停用或不在本账号的数据范围内 / department %lld does "
                      "not exist, is inactive or lies outside this account's "
                      "scope", (long long)dept, (long long)dept);
  } else if (r != FZ_STEP_ROW) {
    rc = (fz_err)r;
  } else if (fz_stmt_column_is_null(st, 1)) {
    rc = fz_error_set(err, FZ_INVALID, "matter_code", fz_stmt_column_int64(st, 2)
                      ? "执法事项 %s 不属于该执法主体的类别（%s）/ matter %s is "
                        "not of the department's kind (%s)"
                      : "执法事项 %s 不存在或已停用（%s）/ no active matter %s "
                        "(%s)", matter, fz_stmt_column_text(st, 0), matter,
                      fz_stmt_column_text(st, 0));
  } else if (strcmp(fz_stmt_column_text(st, 1), matter_kinds[kind]) != 0) {
    rc = fz_error_set(err, FZ_INVALID, "matter_code", "执法事项 %s 为%s事项，"
                      "不能作为%s案件办理 / matter %s is a %s matter, not %s",
                      matter, fz_stmt_column_text(st, 1), matter_kinds[kind],
                      matter, fz_stmt_column_text(st, 1), matter_kinds[kind]);
  }
  fz_stmt_finalize(st);
  return rc;
}

/* The next case number of a department in a year: "P-12-2026-00007" for
 * a 行政处罚 case (I: 行政检查, C: 行政强制), counted in case_numbers. */
static fz_err next_case_no(fz_db *db, int kind, int64_t dept, const char *day,
                           char *out, size_t size, fz_error *err) {
  char prefix[40];
  snprintf(prefix, sizeof prefix, "%c-%lld-%.4s-", "PIC"[kind],
           (long long)dept, day);
  fz_qparams q = {0};
  fz_qp_text(&q, prefix);
  fz_err rc = fz_query_exec(db, "INSERT INTO case_numbers (prefix, last) "
                            "VALUES (?, 1) ON CONFLICT (prefix) DO UPDATE SET "
                            "last = case_numbers.last + 1", &q, err);
  fz_stmt *st;
  if (!rc) rc = fz_db_prepare(db, "SELECT last FROM case_numbers WHERE prefix "
                              "= ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, prefix, -1);
  int r = fz_stmt_step(st, err);
  long long n = r == FZ_STEP_ROW ? fz_stmt_column_int64(st, 0) : 0;
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW) return r == FZ_STEP_DONE ? FZ_INTERNAL : (fz_err)r;
  snprintf(out, size, "%s%05lld", prefix, n % 100000000);
  return FZ_OK;
}

static const fz_json_field spec_fields[] = {
    {"kind", FZ_JSON_STRING, 1, 16},
    {"procedure", FZ_JSON_STRING, 0, 16},
    {"department_id", FZ_JSON_INTEGER, 1, 0},
    {"matter_code", FZ_JSON_STRING, 1, 31},
    {"party_type", FZ_JSON_STRING, 1, 16},
    {"party_name", FZ_JSON_STRING, 1, 200},
    {"entity_code", FZ_JSON_STRING, 0, 18},
    {"act_date", FZ_JSON_STRING, 1, 10},
    {"act_end_date", FZ_JSON_STRING, 0, 10},
    {"discovered_on", FZ_JSON_STRING, 0, 10},
    {"grave_harm", FZ_JSON_BOOL, 0, 0},
    {"facts", FZ_JSON_STRING, 0, FZ_CASE_TEXT_MAX},
    {"source", FZ_JSON_STRING, 1, 32},
    {"source_ref", FZ_JSON_STRING, 0, 200},
    {"officers", FZ_JSON_ARRAY, 0, 0},
    {"circumstances", FZ_JSON_OBJECT, 0, 0},
    {"review_grounds", FZ_JSON_ARRAY, 0, 0},
    {"complex", FZ_JSON_BOOL, 0, 0},
};

fz_err fz_case_create(fz_db *db, const fz_principal *by, const json_t *spec,
                      int64_t now, int64_t *id, fz_error *err) {
  if (!by->cli && !fz_role_can(by->scope.roles, FZ_PERM_WRITE_BUSINESS))
    return fz_error_set(err, FZ_FORBIDDEN, "", "此账号无权办理案件 / this "
                        "account may not open cases (write_business)");
  fz_err rc = fz_json_check(spec, spec_fields,
                            sizeof spec_fields / sizeof *spec_fields, err);
  if (rc) return rc;
  fz_case_row c;
  memset(&c, 0, sizeof c);
  char today[11];
  fz_civil_date(now, today);

  int kind = index_of(json_string_value(json_object_get(spec, "kind")), kinds,
                      3);
  if (kind < 0)
    return fz_error_set(err, FZ_INVALID, "kind", "kind 应为 penalty（行政处罚）"
                        "、inspection（行政检查）或 coercion（行政强制）/ kind "
                        "is penalty, inspection or coercion");
  snprintf(c.kind, sizeof c.kind, "%s", kinds[kind]);
  const char *proc = json_string_value(json_object_get(spec, "procedure"));
  if (!proc) proc = "ordinary";
  if (strcmp(proc, "ordinary") != 0 &&
      (strcmp(proc, "simple") != 0 || kind != 0))
    return fz_error_set(err, FZ_INVALID, "procedure", "procedure 应为 ordinary"
                        "（普通程序）或 simple（简易程序，仅限行政处罚）/ "
                        "procedure is ordinary, or simple for a penalty");
  snprintf(c.procedure, sizeof c.procedure, "%s", proc);
  c.department_id = json_integer_value(json_object_get(spec, "department_id"));
  snprintf(c.matter_code, sizeof c.matter_code, "%s",
           json_string_value(json_object_get(spec, "matter_code")));

  const char *ptype = json_string_value(json_object_get(spec, "party_type"));
  if (strcmp(ptype, "organisation") != 0 && strcmp(ptype, "person") != 0)
    return fz_error_set(err, FZ_INVALID, "party_type", "party_type 应为 "
                        "organisation（法人或其他组织）或 person（公民）/ "
                        "party_type is organisation or person");
  snprintf(c.party_type, sizeof c.party_type, "%s", ptype);
  const char *pname;
  rc = fz_case_text_member(spec, "party_name", 1, &pname, err);
  if (rc) return rc;
  snprintf(c.party_name, sizeof c.party_name, "%s", pname);
  const char *code = json_string_value(json_object_get(spec, "entity_code"));
  if (code && *code) {
    fz_id_result r;
    if (fz_uscc_validate(code, &r))
      return fz_error_set(err, FZ_INVALID, "entity_code", "统一社会信用代码无效"
                          "：%s / invalid 统一社会信用代码: %s", r.err.message,
                          r.err.message);
    snprintf(c.entity_code, sizeof c.entity_code, "%.18s", r.code);
  } else if (strcmp(ptype, "organisation") == 0) {
    return fz_error_set(err, FZ_MISSING, "entity_code", "当事人为法人或其他组织"
                        "时须填写统一社会信用代码 / an organisation is named by "
                        "its 统一社会信用代码");
  }

  if ((rc = fz_case_date_member(spec, "act_date", NULL, c.act_date, err)) ||
      (rc = fz_case_date_member(spec, "discovered_on", today, c.discovered_on,
                                err)))
    return rc;
  if (json_object_get(spec, "act_end_date") &&
      (rc = fz_case_date_member(spec, "act_end_date", NULL, c.act_end_date,
                                err)))
    return rc;
  if (c.act_end_date[0] && strcmp(c.act_end_date, c.act_date) < 0)
    return fz_error_set(err, FZ_INVALID, "act_end_date", "行为终了日期 %s 早于"
                        "发生日期 %s / act_end_date is before act_date",
                        c.act_end_date, c.act_date);
  const char *last_act = c.act_end_date[0] ? c.act_end_date : c.act_date;
  if (strcmp(c.discovered_on, c.act_date) < 0 ||
      strcmp(c.discovered_on, today) > 0)
    return fz_error_set(err, FZ_INVALID, "discovered_on", "发现日期 %s 应在违法"
                        "行为发生（%s）之后、今天（%s）之前 / discovered_on lies "
                        "between the act and today", c.discovered_on,
                        c.act_date, today);
  if (strcmp(last_act, today) > 0)
    return fz_error_set(err, FZ_INVALID, "act_date", "违法行为日期 %s 晚于今天 "
                        "/ the act cannot lie in the future", last_act);
  c.grave_harm = json_is_true(json_object_get(spec, "grave_harm"));
  if (kind == 0 &&
      (rc = check_limitation(c.act_date, c.act_end_date, c.discovered_on,
                             c.grave_harm, err)))
    return rc;

  const char *source = json_string_value(json_object_get(spec, "source"));
  if (index_of(source, sources, sizeof sources / sizeof *sources) < 0)
    return fz_error_set(err, FZ_INVALID, "source", "source 应为 complaint（投诉"
                        "举报）、plan_entry（涉企检查计划）、inspection_task（双"
                        "随机抽查）、referral（移送）、patrol（巡查）或 other / "
                        "unknown source");
  const char *source_ref, *facts;
  if ((rc = fz_case_text_member(spec, "source_ref", 0, &source_ref, err)) ||
      (rc = fz_case_text_member(spec, "facts", 0, &facts, err)))
    return rc;

  rc = check_department_matter(db, by, c.department_id, c.matter_code, kind,
                               err);
  if (rc) return rc;

  char *circ = NULL, grounds[16] = "";
  rc = fz_circumstances_canonical(json_object_get(spec, "circumstances"),
                                  &circ, err);
  if (!rc) rc = fz_review_grounds_parse(json_object_get(spec, "review_grounds"),
                                        grounds, err);
  int64_t team[FZ_CASE_MAX_OFFICERS];
  size_t nteam = 0;
  json_t *officers = json_object_get(spec, "officers");
  /* 简易程序 and 行政检查 are done on the spot: the team is known now. */
  if (!rc && (officers || strcmp(proc, "simple") == 0 || kind == 1)) {
    if (!officers)
      rc = fz_error_set(err, FZ_MISSING, "officers", "简易程序和行政检查须在开"
                        "始时列明执法人员（至少两人）/ name the officers (at "
                        "least two)");
    else
      rc = fz_case_check_team(db, &c, officers, today, team, &nteam, err);
  }
  char case_no[64];
  int64_t new_id = 0;
  if (!rc) rc = next_case_no(db, kind, c.department_id, today, case_no,
                             sizeof case_no, err);
  if (!rc) rc = fz_query_int(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM cases",
                             NULL, 0, 1, &new_id, err);
  if (!rc) {
    fz_qparams q = {0};
    fz_qp_num(&q, new_id);
    fz_qp_text(&q, case_no);
    fz_qp_text(&q, c.kind);
    fz_qp_text(&q, c.procedure);
    fz_qp_num(&q, c.department_id);
    fz_qp_text(&q, c.matter_code);
    fz_qp_text(&q, c.party_type);
    fz_qp_text(&q, c.party_name);
    fz_qp_text(&q, c.entity_code);
    fz_qp_text(&q, c.act_date);
    fz_qp_text(&q, c.act_end_date);
    fz_qp_text(&q, c.discovered_on);
    fz_qp_num(&q, c.grave_harm);
    fz_qp_text(&q, facts);
    fz_qp_text(&q, circ);
    fz_qp_text(&q, source);
    fz_qp_text(&q, source_ref);
    fz_qp_text(&q, grounds);
    fz_qp_num(&q, json_is_true(json_object_get(spec, "complex")));
    fz_qp_text(&q, by->actor);
    fz_qp_num(&q, now);
    fz_qp_num(&q, now);
    rc = fz_query_exec(db, "INSERT INTO cases (id, case_no, kind, procedure, "
                       "department_id, matter_code, party_type, party_name, "
                       "entity_code, act_date, act_end_date, discovered_on, "
                       "grave_harm, facts, circumstances, source, source_ref, "
                       "stage, review_grounds, complex, hearing, review_state, "
                       "no_penalty, outside_range, lenient, fine, "
                       "seizure_extended, created_by, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "?, 'lead', ?, ?, 'none', 'none', 0, 0, '', 0, 0, ?, "
                       "?, ?)", &q, err);
  }
  free(circ);
  if (!rc && nteam) rc = fz_case_set_team(db, new_id, team, nteam, err);
  if (rc) return rc;

  json_t *data = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s}",
                           "case_no", case_no, "kind", c.kind, "procedure",
                           c.procedure, "department_id",
                           (json_int_t)c.department_id, "matter_code",
                           c.matter_code, "party_type", c.party_type,
                           "act_date", c.act_date, "discovered_on",
                           c.discovered_on, "source", source);
  if (data && nteam) {
    json_t *a = json_array();
    for (size_t i = 0; i < nteam; i++)
      json_array_append_new(a, json_integer(team[i]));
    json_object_set_new(data, "officers", a);
  }
  uint64_t seq = 0;
  rc = fz_case_record(db, by, new_id, "create", FZ_CASE_LEAD, data, "", now,
                      &seq, err);
  /* A case opened by a random inspection's result is linked to its task
   * (双随机: 检查结果可以依法立案查处). */
  if (!rc && strcmp(source, "inspection_task") == 0) {
    char *end;
    long long task = strtoll(source_ref, &end, 10);
    if (!source_ref[0] || *end || task <= 0)
      rc = fz_error_set(err, FZ_INVALID, "source_ref", "source 为 "
                        "inspection_task 时，source_ref 为检查任务的 id / "
                        "source_ref is the task's id");
    else
      rc = fz_task_link_case(db, by, task, c.entity_code, case_no, now, err);
  }
  /* A 行政检查 outside random plans must cite a filed 涉企检查计划 entry or
   * a complaint lead (国办发〔2024〕54号); without one it is flagged. */
  if (!rc && kind == 1 &&
      ((strcmp(source, "plan_entry") != 0 && strcmp(source, "complaint") != 0)
       || !source_ref[0])) {
    c.id = new_id;
    rc = fz_case_alert(db, &c, "inspection_without_basis", "行政检查未列明涉企"
                       "检查计划条目或投诉举报线索（国办发〔2024〕54号）",
                       seq, now, err);
  }
  if (!rc) *id = new_id;
  return rc;
}
