/* case.c — opening a case, and what every step shares: loading a case
 * within scope, its team, its recorded steps, deadlines and alerts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "cases/case_int.h"
#include "id/id.h"
#include "ledger/ledger.h"
#include "registry/registry.h"

static const char *const stage_names[FZ_CASE__COUNT] = {
    "lead",   "investigating", "notified", "hearing", "review", "decided",
    "served", "executed",      "seized",   "closed",  "archived", "dropped"};
static const char *const stage_labels[FZ_CASE__COUNT] = {
    "线索",   "调查取证", "已告知",     "听证",   "法制审核", "已决定",
    "已送达", "已执行",   "查封扣押中", "已结案", "已归档",   "不予立案"};

const char *fz_case_stage_name(fz_case_stage s) {
  return (unsigned)s < FZ_CASE__COUNT ? stage_names[s] : "unknown";
}

const char *fz_case_stage_label(fz_case_stage s) {
  return (unsigned)s < FZ_CASE__COUNT ? stage_labels[s] : "未知";
}

fz_err fz_case_stage_parse(const char *name, fz_case_stage *s, fz_error *err) {
  for (int i = 0; i < FZ_CASE__COUNT; i++)
    if (strcmp(name, stage_names[i]) == 0) {
      *s = (fz_case_stage)i;
      return FZ_OK;
    }
  return fz_error_set(err, FZ_INVALID, "stage", "未知的案件阶段 \"%.40s\"；应为 "
                      "lead, investigating, notified, hearing, review, "
                      "decided, served, executed, seized, closed, archived, "
                      "dropped 之一 / unknown stage", name);
}

/* ---- Loading ------------------------------------------------------------ */

#define CASE_COLUMNS                                                          \
  "c.id, c.case_no, c.kind, c.procedure, c.department_id, d.kind, d.name, "   \
  "c.matter_code, c.party_type, c.party_name, c.entity_code, c.act_date, "    \
  "c.act_end_date, c.discovered_on, c.grave_harm, c.stage, c.filed_on, "      \
  "c.notified_on, c.decided_on, c.served_on, c.seized_on, c.discussed_on, "   \
  "c.review_grounds, c.complex, c.hearing, c.review_state, c.reviewer_id, "   \
  "c.hearing_chair, c.no_penalty, c.outside_range, c.seizure_extended, "      \
  "c.lenient, c.fine, c.decide_seq, c.published_at, c.withdrawn_at"

/* Copies column i into out, cut to size - 1 bytes (a case is loaded for
 * every step and every view: a plain copy rather than a printf). */
static void col(const fz_stmt *st, int i, char *out, size_t size) {
  const char *s = fz_stmt_column_text(st, i);
  size_t n = s ? strlen(s) : 0;
  if (n >= size) n = size - 1;
  if (n) memcpy(out, s, n);
  out[n] = 0;
}

static int64_t num(const fz_stmt *st, int i) {
  return fz_stmt_column_is_null(st, i) ? 0 : fz_stmt_column_int64(st, i);
}

static void read_row(const fz_stmt *st, fz_case_row *c) {
  char stage[24];
  memset(c, 0, sizeof *c);
  c->id = num(st, 0);
  col(st, 1, c->case_no, sizeof c->case_no);
  col(st, 2, c->kind, sizeof c->kind);
  col(st, 3, c->procedure, sizeof c->procedure);
  c->department_id = num(st, 4);
  col(st, 5, c->department_kind, sizeof c->department_kind);
  col(st, 6, c->department_name, sizeof c->department_name);
  col(st, 7, c->matter_code, sizeof c->matter_code);
  col(st, 8, c->party_type, sizeof c->party_type);
  col(st, 9, c->party_name, sizeof c->party_name);
  col(st, 10, c->entity_code, sizeof c->entity_code);
  col(st, 11, c->act_date, sizeof c->act_date);
  col(st, 12, c->act_end_date, sizeof c->act_end_date);
  col(st, 13, c->discovered_on, sizeof c->discovered_on);
  c->grave_harm = (int)num(st, 14);
  col(st, 15, stage, sizeof stage);
  fz_case_stage_parse(stage, &c->stage, NULL);
  col(st, 16, c->filed_on, sizeof c->filed_on);
  col(st, 17, c->notified_on, sizeof c->notified_on);
  col(st, 18, c->decided_on, sizeof c->decided_on);
  col(st, 19, c->served_on, sizeof c->served_on);
  col(st, 20, c->seized_on, sizeof c->seized_on);
  col(st, 21, c->discussed_on, sizeof c->discussed_on);
  col(st, 22, c->review_grounds, sizeof c->review_grounds);
  c->complex = (int)num(st, 23);
  col(st, 24, c->hearing, sizeof c->hearing);
  col(st, 25, c->review_state, sizeof c->review_state);
  c->reviewer_id = num(st, 26);
  c->hearing_chair = num(st, 27);
  c->no_penalty = (int)num(st, 28);
  c->outside_range = (int)num(st, 29);
  c->seizure_extended = (int)num(st, 30);
  col(st, 31, c->lenient, sizeof c->lenient);
  c->fine = num(st, 32);
  c->decide_seq = fz_stmt_column_is_null(st, 33) ? -1 : num(st, 33);
  c->published_at = num(st, 34);
  c->withdrawn_at = num(st, 35);
}

fz_err fz_case_scope_sql(fz_db *db, const fz_principal *by,
                         const char *column, fz_buf *sql, fz_qparams *q,
                         char *store, size_t store_size, fz_error *err) {
  if (!by || by->cli) return FZ_OK;
  const char *binds[8];
  int n = 0;
  fz_err rc = fz_reg_scope_departments(db, &by->scope, column, sql, binds, &n,
                                       store, store_size, err);
  for (int i = 0; i < n; i++) fz_qp_text(q, binds[i]);
  return rc;
}

/* The number of times word occurs in s. */
static int occurrences(const char *s, const char *word) {
  int n = 0;
  for (const char *p = s; (p = strstr(p, word)); p += strlen(word)) n++;
  return n;
}

fz_err fz_case_load(fz_db *db, const fz_principal *by, int64_t id,
                    fz_case_row *c, fz_error *err) {
  fz_err rc = by ? fz_principal_need_read(by, err) : FZ_OK;
  if (rc) return rc;
  fz_buf scope, sql;
  fz_buf_init(&scope, 1 << 12);
  fz_buf_init(&sql, 1 << 14);
  fz_qparams q = {0};
  char store[512];
  fz_qp_num(&q, id);
  rc = fz_case_scope_sql(db, by, "c.department_id", &scope, &q, store,
                         sizeof store, err);
  /* A scope that could not be built in full refuses the load. */
  if (!rc && scope.err) rc = fz_error_set(err, scope.err, "", NULL);
  const char *cond = scope.data;
  /* The scope is "department_id IN (SELECT d.id FROM departments d WHERE
   * …)", which SQLite answers by reading every department into a
   * temporary index, each time: most of the cost of a step.  When the
   * condition reads departments only in that one subquery, a table
   * expression of the same name holding only the case's own department
   * makes it one look-up: the case's department is in the subquery's
   * answer over all departments exactly when it is in its answer over
   * that department alone.  Everything else in the statement names
   * main.departments. */
  int one = !rc && cond && *cond && fz_db_backend(db) == FZ_BACKEND_SQLITE &&
            occurrences(cond, "departments") == 1;
  if (one)
    fz_buf_puts(&sql, "WITH departments AS (SELECT * FROM main.departments "
                "WHERE id = (SELECT department_id FROM main.cases WHERE id = "
                "?1)) SELECT " CASE_COLUMNS " FROM main.cases c JOIN "
                "main.departments d ON d.id = c.department_id WHERE c.id = ?1");
  else
    fz_buf_puts(&sql, "SELECT " CASE_COLUMNS " FROM cases c JOIN departments "
                "d ON d.id = c.department_id WHERE c.id = ?");
  if (cond) fz_buf_puts(&sql, cond);
  fz_buf_free(&scope);
  fz_stmt *st = NULL;
  if (rc) fz_buf_free(&sql);
  else rc = fz_query_prepare(db, &sql, &q, &st, err);
  if (rc) return rc;
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) read_row(st, c);
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "id", "案件 %lld 不存在 / no case "
                        "%lld", (long long)id, (long long)id);
  return r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

/* ---- People ------------------------------------------------------------- */

int fz_case_is_head(const fz_principal *by) {
  return by->cli || fz_role_can(by->scope.roles, FZ_PERM_APPROVE_CASE);
}

fz_err fz_case_officer_of(fz_db *db, const fz_principal *by, int64_t *officer,
                          fz_error *err) {
  const int64_t args[] = {by->scope.user_id};
  *officer = 0;
  if (by->cli || !by->scope.user_id) return FZ_OK;
  return fz_query_int(db, "SELECT id FROM officers WHERE user_id = ? AND "
                      "active = 1", args, 1, 0, officer, err);
}

fz_err fz_case_is_handler(fz_db *db, int64_t case_id, int64_t officer,
                          int *yes, fz_error *err) {
  const int64_t args[] = {case_id, officer};
  int64_t n = 0;
  fz_err rc = officer ? fz_query_int(db, "SELECT COUNT(*) FROM case_officers "
                                     "WHERE case_id = ? AND officer_id = ?",
                                     args, 2, 0, &n, err)
                      : FZ_OK;
  *yes = n > 0;
  return rc;
}

fz_err fz_case_check_team(fz_db *db, const fz_case_row *c, const json_t *ids,
                          const char *date, int64_t out[FZ_CASE_MAX_OFFICERS],
                          size_t *n, fz_error *err) {
  if (!json_is_array(ids))
    return fz_error_set(err, FZ_TYPE, "officers", "officers 应为执法人员 id "
                        "的数组 / officers is an array of officer ids");
  size_t count = json_array_size(ids);
  /* 行政处罚法 Art. 42 (and 行政强制法 Art. 18): at least two officers
   * holding 执法证件. */
  if (count < 2)
    return fz_error_set(err, FZ_CONFLICT, "officers", "执法人员不得少于两人"
                        "（《中华人民共和国行政处罚法》第四十二条）/ at least "
                        "two officers (行政处罚法 Art. 42)");
  if (count > FZ_CASE_MAX_OFFICERS)
    return fz_error_set(err, FZ_INVALID, "officers", "至多 %d 名承办人员 / at "
                        "most %d handlers", FZ_CASE_MAX_OFFICERS,
                        FZ_CASE_MAX_OFFICERS);
  /* Column 8: does he serve the case's department, as his primary one or
   * as another (the registry's rule)? */
  fz_buf sql;
  fz_buf_init(&sql, 4096);
  fz_buf_puts(&sql, "SELECT o.name, o.auxiliary, o.active, o.status, "
              "o.cert_from, o.cert_to, o.cert_no, (SELECT COUNT(*) FROM "
              "conflicts f WHERE f.officer_id = o.id AND f.entity_uscc = ? "
              "AND f.active = 1), (SELECT COUNT(*) FROM officers m WHERE "
              "m.id = o.id");
  fz_reg_officer_in_sql(&sql, "m", &c->department_id, 1);
  fz_buf_puts(&sql, ") FROM officers o WHERE o.id = ?");
  fz_stmt *st = NULL;
  fz_err rc = sql.err ? fz_error_set(err, sql.err, "", NULL)
                      : fz_db_prepare(db, sql.data, &st, err);
  fz_buf_free(&sql);
  if (rc) return rc;
  for (size_t i = 0; i < count && !rc; i++) {
    json_t *v = json_array_get(ids, i);
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
      rc = fz_error_set(err, FZ_TYPE, "officers", "officers[%zu] 应为执法人员"
                        " id / officers[%zu] is an officer id", i, i);
      break;
    }
    out[i] = (int64_t)json_integer_value(v);
    for (size_t j = 0; j < i; j++)
      if (out[j] == out[i])
        rc = fz_error_set(err, FZ_INVALID, "officers", "执法人员 %lld 重复 / "
                          "officer %lld is listed twice", (long long)out[i],
                          (long long)out[i]);
    if (rc) break;
    fz_stmt_reset(st);
    fz_stmt_bind_text(st, 1, c->entity_code, -1);
    fz_stmt_bind_int64(st, 2, out[i]);
    int r = fz_stmt_step(st, err);
    if (r == FZ_STEP_DONE) {
      rc = fz_error_set(err, FZ_NOTFOUND, "officers", "执法人员 %lld 不存在 / "
                        "no officer %lld", (long long)out[i],
                        (long long)out[i]);
      break;
    }
    if (r != FZ_STEP_ROW) {
      rc = (fz_err)r;
      break;
    }
    const char *name = fz_stmt_column_text(st, 0);
    const char *status = fz_stmt_column_text(st, 3);
    const char *from = fz_stmt_column_text(st, 4);
    const char *to = fz_stmt_column_text(st, 5);
    if (!fz_stmt_column_int64(st, 8))
      rc = fz_error_set(err, FZ_CONFLICT, "officers", "%s 不是本案执法主体（%s）"
                        "的执法人员，不得承办本案（《中华人民共和国行政处罚法》"
                        "第十七条、第四十二条）/ officer %lld does not serve the "
                        "case's department %lld, as his own department or "
                        "as another (Art. 17, 42)", name,
                        c->department_name, (long long)out[i],
                        (long long)c->department_id);
    else if (fz_stmt_column_int64(st, 1))
      rc = fz_error_set(err, FZ_CONFLICT, "officers", "%s 为辅助人员，不得作为"
                        "执法人员办案（《中华人民共和国行政处罚法》第四十二条）/ "
                        "officer %lld is an auxiliary (辅助人员) and cannot "
                        "handle a case (Art. 42)", name, (long long)out[i]);
    else if (!fz_stmt_column_int64(st, 2) || strcmp(status, "valid") != 0)
      rc = fz_error_set(err, FZ_CONFLICT, "officers", "%s 的执法证件%s，不得"
                        "执法（《中华人民共和国行政处罚法》第四十二条）/ the "
                        "certificate of officer %lld is %s (Art. 42)", name,
                        strcmp(status, "revoked") == 0 ? "已收缴" : "已暂停或"
                        "人员已停用", (long long)out[i], status);
    else if (strcmp(date, from) < 0 || strcmp(date, to) > 0)
      rc = fz_error_set(err, FZ_CONFLICT, "officers", "%s 的执法证件 %s 有效期"
                        "为 %s 至 %s，%s 不在有效期内（《中华人民共和国行政处罚"
                        "法》第四十二条）/ the certificate of officer %lld is "
                        "not valid on %s (Art. 42)", name,
                        fz_stmt_column_text(st, 6), from, to, date,
                        (long long)out[i], date);
    else if (fz_stmt_column_int64(st, 7))
      rc = fz_error_set(err, FZ_CONFLICT, "officers", "%s 与当事人存在利害关系"
                        "，应当回避（《中华人民共和国行政处罚法》第四十三条）/ "
                        "officer %lld has a declared conflict with the party "
                        "(回避, Art. 43)", name, (long long)out[i]);
  }
  fz_stmt_finalize(st);
  if (!rc) *n = count;
  return rc;
}

fz_err fz_case_set_team(fz_db *db, int64_t case_id, const int64_t *ids,
                        size_t n, fz_error *err) {
  fz_qparams q = {0};
  fz_qp_num(&q, case_id);
  fz_err rc = fz_query_exec(db, "DELETE FROM case_officers WHERE case_id = ?",
                            &q, err);
  for (size_t i = 0; i < n && !rc; i++) {
    fz_qparams r = {0};
    fz_qp_num(&r, case_id);
    fz_qp_num(&r, ids[i]);
    fz_qp_num(&r, (int64_t)i);
    rc = fz_query_exec(db, "INSERT INTO case_officers (case_id, officer_id, "
                       "position) VALUES (?, ?, ?)", &r, err);
  }
  return rc;
}

/* ---- Steps, deadlines, alerts ------------------------------------------- */

fz_err fz_case_record(fz_db *db, const fz_principal *by, int64_t case_id,
                      const char *step, fz_case_stage after, json_t *data,
                      const char *note, int64_t now, uint64_t *seq,
                      fz_error *err) {
  char action[48];
  snprintf(action, sizeof action, "case.%s", step);
  if (!data) data = json_object();
  if (data) json_object_set_new(data, "stage", json_string(fz_case_stage_name(after)));
  uint64_t s = 0;
  fz_err rc = fz_ledger_append_about(db, by->actor, action, "case", case_id,
                                     data, now, &s, err);
  int64_t step_id = 0;
  if (!rc) rc = fz_query_int(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM "
                             "case_steps", NULL, 0, 1, &step_id, err);
  if (!rc) {
    fz_qparams q = {0};
    fz_qp_num(&q, step_id);
    fz_qp_num(&q, case_id);
    fz_qp_text(&q, step);
    fz_qp_text(&q, fz_case_stage_name(after));
    fz_qp_num(&q, (int64_t)s);
    fz_qp_text(&q, by->actor);
    fz_qp_text(&q, note ? note : "");
    fz_qp_num(&q, now);
    rc = fz_query_exec(db, "INSERT INTO case_steps (id, case_id, step, stage, "
                       "seq, actor, note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       &q, err);
  }
  if (!rc) {
    fz_qparams q = {0};
    fz_qp_text(&q, fz_case_stage_name(after));
    fz_qp_num(&q, now);
    fz_qp_num(&q, case_id);
    rc = fz_query_exec(db, "UPDATE cases SET stage = ?, updated_at = ? WHERE "
                       "id = ?", &q, err);
  }
  if (!rc && seq) *seq = s;
  return rc;
}

fz_err fz_case_deadline_open(fz_db *db, int64_t case_id, const char *rule_id,
                             const char *start, int party, char due[11],
                             fz_error *err) {
  fz_date d;
  fz_deadline dl;
  fz_error e = {0};
  const fz_cal *cal = fz_cal_default(&e);
  fz_err rc = cal ? fz_date_parse(start, &d, &e) : e.code;
  if (!rc) rc = fz_deadline_compute(cal, rule_id, d, &dl, &e);
  if (due) due[0] = 0;
  /* A year whose calendar is not loaded yet leaves the due date empty: it
   * is not guessed (DESIGN §6), and the case view says which year's
   * State Council notice is missing. */
  char text[FZ_DATE_BUF] = "";
  if (rc && rc != FZ_NODATA) {
    if (err) *err = e;
    return rc;
  }
  if (!rc) fz_date_format(dl.date, text);
  if (due) snprintf(due, 11, "%s", text);
  fz_qparams q = {0};
  fz_qp_num(&q, case_id);
  fz_qp_text(&q, rule_id);
  fz_qp_text(&q, start);
  fz_qp_text(&q, text);
  fz_qp_num(&q, party);
  return fz_query_exec(db, "INSERT INTO case_deadlines (case_id, rule_id, "
                       "start, due, party, met_on) VALUES (?, ?, ?, ?, ?, "
                       "NULL) ON CONFLICT (case_id, rule_id) DO UPDATE SET "
                       "start = excluded.start, due = excluded.due, met_on = "
                       "NULL", &q, err);
}

fz_err fz_case_deadline_met(fz_db *db, int64_t case_id, const char *rule_id,
                            const char *date, fz_error *err) {
  fz_qparams q = {0};
  fz_qp_text(&q, date);
  fz_qp_num(&q, case_id);
  fz_qp_text(&q, rule_id);
  return fz_query_exec(db, "UPDATE case_deadlines SET met_on = ? WHERE "
                       "case_id = ? AND rule_id = ? AND met_on IS NULL", &q,
                       err);
}

fz_err fz_case_alert(fz_db *db, const fz_case_row *c, const char *kind,
                     const char *message, uint64_t seq, int64_t now,
                     fz_error *err) {
  int64_t id = 0;
  fz_err rc = fz_query_int(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM "
                           "case_alerts", NULL, 0, 1, &id, err);
  if (rc) return rc;
  fz_qparams q = {0};
  fz_qp_num(&q, id);
  fz_qp_num(&q, c->id);
  fz_qp_num(&q, c->department_id);
  fz_qp_text(&q, kind);
  fz_qp_text(&q, message);
  fz_qp_num(&q, (int64_t)seq);
  fz_qp_num(&q, now);
  return fz_query_exec(db, "INSERT INTO case_alerts (id, case_id, "
                       "department_id, kind, message, seq, created_at) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?)", &q, err);
}

/* ---- Members of a request ----------------------------------------------- */

fz_err fz_case_date_member(const json_t *body, const char *name,
                           const char *dflt, char out[11], fz_error *err) {
  json_t *v = json_object_get(body, name);
  if (!v && dflt) {
    snprintf(out, 11, "%s", dflt);
    return FZ_OK;
  }
  if (!v)
    return fz_error_set(err, FZ_MISSING, name, "缺少日期 %s（YYYY-MM-DD）/ %s "
                        "(YYYY-MM-DD) is required", name, name);
  fz_date d;
  if (!json_is_string(v) || fz_date_parse(json_string_value(v), &d, err)) {
    fz_error_set(err, FZ_INVALID, name, "%s 应为 YYYY-MM-DD 格式的日期 / %s "
                 "is a date YYYY-MM-DD", name, name);
    return FZ_INVALID;
  }
  fz_date_format(d, out);
  return FZ_OK;
}

fz_err fz_case_text_member(const json_t *body, const char *name, size_t min,
                           const char **out, fz_error *err) {
  json_t *v = json_object_get(body, name);
  *out = "";
  if (!v && min == 0) return FZ_OK;
  if (!v)
    return fz_error_set(err, FZ_MISSING, name, "缺少 %s / %s is required",
                        name, name);
  if (!json_is_string(v))
    return fz_error_set(err, FZ_TYPE, name, "%s 应为文本 / %s is text", name,
                        name);
  const char *s = json_string_value(v);
  size_t len = strlen(s);
  int ok = len >= min && len <= FZ_CASE_TEXT_MAX;
  for (const unsigned char *p = (const unsigned char *)s; ok && *p; p++)
    if ((*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') || *p == 0x7f)
      ok = 0;
  if (!ok)
    return fz_error_set(err, FZ_INVALID, name, "%s 应为 %zu 至 %d 字节的文本，"
                        "不含控制字符 / %s is text of %zu to %d bytes without "
                        "control characters", name, min, FZ_CASE_TEXT_MAX,
                        name, min, FZ_CASE_TEXT_MAX);
  *out = s;
  return FZ_OK;
}
