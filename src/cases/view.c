/* view.c — reading cases: one case with its steps, evidence, deadlines,
 * alerts and legal next steps; lists; deadlines near or past; alerts and
 * the supervision counts; evidence files; hearing thresholds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "cases/case_int.h"
#include "core/money.h"
#include "evidence/evidence.h"
#include "ledger/ledger.h"

#define LIST_MAX 200
#define NEAR_DAYS 3 /* a deadline this close is shown as near */

static json_t *text_col(const fz_stmt *st, int i) {
  return fz_json_text_or_null(fz_stmt_column_text(st, i));
}

static json_t *json_col(const fz_stmt *st, int i) {
  const char *s = fz_stmt_column_text(st, i);
  json_t *v = s ? json_loads(s, 0, NULL) : NULL;
  return v ? v : json_null();
}

/* Runs a query of one case id, appending one object per row built by fn. */
static fz_err rows(fz_db *db, const char *sql, int64_t id,
                   json_t *(*fn)(const fz_stmt *st), json_t *a,
                   fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    json_array_append_new(a, fn(st));
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

static json_t *officer_row(const fz_stmt *st) {
  return json_pack("{s:I, s:o, s:o, s:o}", "id",
                   (json_int_t)fz_stmt_column_int64(st, 0), "name",
                   text_col(st, 1), "cert_no", text_col(st, 2), "cert_to",
                   text_col(st, 3));
}

static json_t *step_row(const fz_stmt *st) {
  return json_pack("{s:o, s:o, s:I, s:o, s:o, s:I}", "step", text_col(st, 0),
                   "stage", text_col(st, 1), "seq",
                   (json_int_t)fz_stmt_column_int64(st, 2), "actor",
                   text_col(st, 3), "note", text_col(st, 4), "at",
                   (json_int_t)fz_stmt_column_int64(st, 5));
}

static json_t *evidence_row(const fz_stmt *st) {
  return json_pack("{s:I, s:o, s:o, s:I, s:o, s:I, s:I}", "id",
                   (json_int_t)fz_stmt_column_int64(st, 0), "name",
                   text_col(st, 1), "content_type", text_col(st, 2), "size",
                   (json_int_t)fz_stmt_column_int64(st, 3), "sm3",
                   text_col(st, 4), "seq",
                   (json_int_t)fz_stmt_column_int64(st, 5), "created_at",
                   (json_int_t)fz_stmt_column_int64(st, 6));
}

static json_t *alert_row(const fz_stmt *st) {
  return json_pack("{s:I, s:o, s:o, s:I, s:I}", "id",
                   (json_int_t)fz_stmt_column_int64(st, 0), "kind",
                   text_col(st, 1), "message", text_col(st, 2), "seq",
                   (json_int_t)fz_stmt_column_int64(st, 3), "created_at",
                   (json_int_t)fz_stmt_column_int64(st, 4));
}

/* A deadline with its rule's article and its state on today: met, open,
 * near (within three days) or overdue; a party's own period never counts
 * as the agency's overdue. */
static json_t *deadline_json(const char *rule_id, const char *start,
                             const char *due, int party, const char *met,
                             const char *today, int near_days) {
  const fz_deadline_rule *rule = NULL;
  fz_deadline_rule_find(rule_id, &rule, NULL);
  const char *state = "open";
  if (met && *met) {
    state = !*due || strcmp(met, due) <= 0 ? "met" : "met_late";
  } else if (!*due) {
    state = "no_calendar"; /* the year's holiday notice is not loaded */
  } else if (strcmp(today, due) > 0) {
    state = party ? "lapsed" : "overdue";
  } else {
    fz_date t, d;
    if (!fz_date_parse(today, &t, NULL) && !fz_date_parse(due, &d, NULL) &&
        fz_date_to_days(d) - fz_date_to_days(t) <= near_days)
      state = "near";
  }
  json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:o, s:s}", "rule", rule_id,
                        "start", start, "due", due, "party", party, "met_on",
                        fz_json_text_or_null(met), "state", state);
  if (o && rule) {
    char cite[256];
    snprintf(cite, sizeof cite, "《%s》%s", rule->law, rule->article);
    json_object_set_new(o, "what", json_string(rule->what));
    json_object_set_new(o, "citation", json_string(cite));
    json_object_set_new(o, "period", json_pack("{s:i, s:s}", "n", rule->n,
                                               "kind",
                                               fz_period_kind_name(rule->kind)));
  }
  return o;
}

static fz_err deadlines_of(fz_db *db, int64_t id, const char *today,
                           json_t *a, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT rule_id, start, due, party, met_on "
                            "FROM case_deadlines WHERE case_id = ? ORDER BY "
                            "due", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    json_array_append_new(a, deadline_json(fz_stmt_column_text(st, 0),
                                           fz_stmt_column_text(st, 1),
                                           fz_stmt_column_text(st, 2),
                                           (int)fz_stmt_column_int64(st, 3),
                                           fz_stmt_column_text(st, 4), today,
                                           NEAR_DAYS));
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* The members every view of a case shows, from a row of CASE_SUMMARY. */
#define CASE_SUMMARY                                                          \
  "c.id, c.case_no, c.kind, c.procedure, c.department_id, d.name, "           \
  "c.matter_code, m.name, c.party_type, c.party_name, c.entity_code, "        \
  "c.stage, c.act_date, c.filed_on, c.decided_on, c.fine, c.no_penalty, "     \
  "c.lenient, c.outside_range, c.published_at, c.withdrawn_at, c.updated_at"
#define CASE_FROM                                                             \
  " FROM cases c JOIN departments d ON d.id = c.department_id LEFT JOIN "     \
  "matters m ON m.code = c.matter_code"

static json_t *summary(const fz_stmt *st) {
  fz_case_stage stage = FZ_CASE_LEAD;
  fz_case_stage_parse(fz_stmt_column_text(st, 11), &stage, NULL);
  return json_pack(
      "{s:I, s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, "
      "s:o, s:o, s:o, s:o, s:b, s:o, s:b, s:b, s:b, s:I}",
      "id", (json_int_t)fz_stmt_column_int64(st, 0), "case_no",
      text_col(st, 1), "kind", text_col(st, 2), "procedure", text_col(st, 3),
      "department_id", (json_int_t)fz_stmt_column_int64(st, 4),
      "department_name", text_col(st, 5), "matter_code", text_col(st, 6),
      "matter_name", text_col(st, 7), "party_type", text_col(st, 8),
      "party_name", text_col(st, 9), "entity_code", text_col(st, 10),
      "stage", fz_case_stage_name(stage), "stage_label",
      fz_case_stage_label(stage), "act_date", text_col(st, 12), "filed_on",
      text_col(st, 13), "decided_on", text_col(st, 14), "fine",
      fz_money_to_json(fz_stmt_column_int64(st, 15)), "no_penalty",
      (int)fz_stmt_column_int64(st, 16), "lenient", text_col(st, 17),
      "outside_range", (int)fz_stmt_column_int64(st, 18), "published",
      !fz_stmt_column_is_null(st, 19) && fz_stmt_column_int64(st, 19) > 0,
      "withdrawn",
      !fz_stmt_column_is_null(st, 20) && fz_stmt_column_int64(st, 20) > 0,
      "updated_at", (json_int_t)fz_stmt_column_int64(st, 21));
}

static fz_err case_view(fz_db *db, const fz_principal *by, int64_t id,
                        const char *today, json_t **out, fz_error *err) {
  fz_case_row c;
  fz_err rc = fz_case_load(db, by, id, &c, err);
  if (rc) return rc;
  fz_stmt *st;
  rc = fz_db_prepare(db, "SELECT " CASE_SUMMARY ", c.act_end_date, "
                     "c.discovered_on, c.grave_harm, c.facts, c.circumstances, "
                     "c.source, c.source_ref, c.review_grounds, c.complex, "
                     "c.proposed, c.notified_on, c.hearing, c.review_state, "
                     "c.discussed_on, c.decision, c.served_on, c.executed_on, "
                     "c.seized_on, c.seizure_extended, c.closed_on, "
                     "c.archived_on, c.decide_seq, c.publish_seq, "
                     "c.withdraw_reason" CASE_FROM " WHERE c.id = ?", &st,
                     err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  json_t *o = NULL;
  if (fz_stmt_step(st, err) == FZ_STEP_ROW) {
    o = summary(st);
    json_t *extra = json_pack(
        "{s:o, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, "
        "s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o}",
        "act_end_date", text_col(st, 22), "discovered_on",
        fz_stmt_column_text(st, 23), "grave_harm",
        (int)fz_stmt_column_int64(st, 24), "facts", text_col(st, 25),
        "circumstances", json_col(st, 26), "source", text_col(st, 27),
        "source_ref", text_col(st, 28), "review_grounds", text_col(st, 29),
        "complex", (int)fz_stmt_column_int64(st, 30), "proposed",
        json_col(st, 31), "notified_on", text_col(st, 32), "hearing",
        text_col(st, 33), "review_state", text_col(st, 34), "discussed_on",
        text_col(st, 35), "decision", json_col(st, 36), "served_on",
        text_col(st, 37), "executed_on", text_col(st, 38), "seized_on",
        text_col(st, 39), "seizure_extended",
        (int)fz_stmt_column_int64(st, 40), "closed_on", text_col(st, 41),
        "archived_on", text_col(st, 42), "decide_seq",
        fz_stmt_column_is_null(st, 43)
            ? json_null()
            : json_integer(fz_stmt_column_int64(st, 43)),
        "publish_seq",
        fz_stmt_column_is_null(st, 44)
            ? json_null()
            : json_integer(fz_stmt_column_int64(st, 44)),
        "withdraw_reason", text_col(st, 45));
    json_object_update(o, extra);
    json_decref(extra);
    json_object_set_new(o, "review_required",
                        json_boolean(c.review_grounds[0] != 0));
  }
  fz_stmt_finalize(st);
  if (!o) return fz_error_set(err, FZ_NOMEM, "", NULL);
  json_t *officers = json_array(), *steps = json_array(), *ev = json_array(),
         *dl = json_array(), *alerts = json_array(), *next = json_array();
  json_object_set_new(o, "officers", officers);
  json_object_set_new(o, "steps", steps);
  json_object_set_new(o, "evidence", ev);
  json_object_set_new(o, "deadlines", dl);
  json_object_set_new(o, "alerts", alerts);
  json_object_set_new(o, "next_steps", next);
  rc = rows(db, "SELECT o.id, o.name, o.cert_no, o.cert_to FROM "
            "case_officers co JOIN officers o ON o.id = co.officer_id WHERE "
            "co.case_id = ? ORDER BY co.position", id, officer_row, officers,
            err);
  if (!rc) rc = rows(db, "SELECT step, stage, seq, actor, note, at FROM "
                     "case_steps WHERE case_id = ? ORDER BY id", id, step_row,
                     steps, err);
  if (!rc) rc = rows(db, "SELECT id, name, content_type, size, sm3, seq, "
                     "created_at FROM case_evidence WHERE case_id = ? ORDER "
                     "BY id", id, evidence_row, ev, err);
  if (!rc) rc = rows(db, "SELECT id, kind, message, seq, created_at FROM "
                     "case_alerts WHERE case_id = ? ORDER BY id", id,
                     alert_row, alerts, err);
  if (!rc) rc = deadlines_of(db, id, today, dl, err);
  if (!rc && by) rc = fz_case_next_steps(db, by, &c, fz_now_ms(), next, err);
  if (rc) {
    json_decref(o);
    return rc;
  }
  *out = o;
  return FZ_OK;
}

fz_err fz_case_get(fz_db *db, const fz_principal *by, int64_t id,
                   const char *today, json_t **out, fz_error *err) {
  /* The view is a dozen reads: one snapshot of the case for all of them,
   * so that its steps, deadlines and next steps agree with each other. */
  int began = 0;
  fz_err rc = fz_db_read_begin(db, &began, err);
  if (!rc) rc = case_view(db, by, id, today, out, err);
  fz_db_read_end(db, began);
  return rc;
}

fz_err fz_case_list(fz_db *db, const fz_principal *by, const fz_case_query *q,
                    json_t **out, fz_error *err) {
  fz_err rc = fz_principal_need_read(by, err);
  int64_t after = 0;
  fz_case_stage stage;
  if (!rc) rc = fz_query_cursor(q->cursor, &after, err);
  if (!rc && q->stage) rc = fz_case_stage_parse(q->stage, &stage, err);
  if (rc) return rc;
  int limit = q->limit > 0 && q->limit <= LIST_MAX ? q->limit : 50;
  fz_buf sql;
  fz_buf_init(&sql, 1 << 14);
  fz_qparams p = {0};
  char store[512], like[256];
  fz_buf_puts(&sql, "SELECT " CASE_SUMMARY CASE_FROM " WHERE 1 = 1");
  if (after) {
    fz_buf_puts(&sql, " AND c.id < ?");
    fz_qp_num(&p, after);
  }
  if (q->stage) {
    fz_buf_puts(&sql, " AND c.stage = ?");
    fz_qp_text(&p, q->stage);
  }
  if (q->kind) {
    fz_buf_puts(&sql, " AND c.kind = ?");
    fz_qp_text(&p, q->kind);
  }
  if (q->department_id) {
    fz_buf_puts(&sql, " AND c.department_id = ?");
    fz_qp_num(&p, q->department_id);
  }
  if (q->text && *q->text) {
    snprintf(like, sizeof like, "%%%.200s%%", q->text);
    fz_buf_puts(&sql, " AND (c.party_name LIKE ? OR c.case_no LIKE ? OR "
                "c.entity_code LIKE ?)");
    fz_qp_text(&p, like);
    fz_qp_text(&p, like);
    fz_qp_text(&p, like);
  }
  rc = fz_case_scope_sql(db, by, "c.department_id", &sql, &p, store,
                         sizeof store, err);
  fz_buf_printf(&sql, " ORDER BY c.id DESC LIMIT %d", limit + 1);
  fz_stmt *st = NULL;
  if (rc) fz_buf_free(&sql);
  else rc = fz_query_prepare(db, &sql, &p, &st, err);
  if (rc) return rc;
  json_t *items = json_array();
  int r, n = 0;
  int64_t last = 0;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW && n < limit) {
    json_array_append_new(items, summary(st));
    last = fz_stmt_column_int64(st, 0);
    n++;
  }
  int more = r == FZ_STEP_ROW;
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) {
    json_decref(items);
    return (fz_err)r;
  }
  return fz_query_page(items, more, last, out, err);
}

fz_err fz_case_deadlines(fz_db *db, const fz_principal *by, const char *state,
                         int64_t department_id, int mine, const char *today,
                         int days, json_t **out, fz_error *err) {
  fz_err rc = fz_principal_need_read(by, err);
  if (rc) return rc;
  int overdue = strcmp(state, "overdue") == 0;
  if (!overdue && strcmp(state, "near") != 0)
    return fz_error_set(err, FZ_INVALID, "state", "state 应为 overdue（已逾期）"
                        "或 near（临近到期）/ state is overdue or near");
  if (days < 0 || days > 60)
    return fz_error_set(err, FZ_INVALID, "days", "days 应为 0 至 60 / days is "
                        "0 to 60");
  fz_date t, lim;
  char until[FZ_DATE_BUF];
  if (fz_date_parse(today, &t, err) || fz_date_add_days(t, days, &lim, err))
    return FZ_INVALID;
  fz_date_format(lim, until);
  fz_buf sql;
  fz_buf_init(&sql, 1 << 14);
  fz_qparams p = {0};
  char store[512];
  fz_buf_puts(&sql, "SELECT " CASE_SUMMARY ", k.rule_id, k.start, k.due, "
              "k.party" CASE_FROM " JOIN case_deadlines k ON k.case_id = c.id "
              "WHERE k.met_on IS NULL AND k.party = 0 AND k.due <> '' AND "
              "c.stage <> 'dropped'");
  if (overdue) {
    fz_buf_puts(&sql, " AND k.due < ?");
    fz_qp_text(&p, today);
  } else {
    fz_buf_puts(&sql, " AND k.due >= ? AND k.due <= ?");
    fz_qp_text(&p, today);
    fz_qp_text(&p, until);
  }
  if (department_id) {
    fz_buf_puts(&sql, " AND c.department_id = ?");
    fz_qp_num(&p, department_id);
  }
  if (mine) {
    int64_t officer = 0;
    rc = fz_case_officer_of(db, by, &officer, err);
    fz_buf_puts(&sql, " AND c.id IN (SELECT co.case_id FROM case_officers co "
                "WHERE co.officer_id = ?)");
    fz_qp_num(&p, officer);
  }
  if (!rc) rc = fz_case_scope_sql(db, by, "c.department_id", &sql, &p, store,
                                  sizeof store, err);
  fz_buf_puts(&sql, " ORDER BY k.due, c.id LIMIT 1000");
  fz_stmt *st = NULL;
  if (rc) fz_buf_free(&sql);
  else rc = fz_query_prepare(db, &sql, &p, &st, err);
  if (rc) return rc;
  json_t *items = json_array();
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    json_t *o = summary(st);
    json_object_set_new(o, "deadline",
                        deadline_json(fz_stmt_column_text(st, 22),
                                      fz_stmt_column_text(st, 23),
                                      fz_stmt_column_text(st, 24), 0, NULL,
                                      today, overdue ? NEAR_DAYS : days));
    json_array_append_new(items, o);
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) {
    json_decref(items);
    return (fz_err)r;
  }
  *out = json_pack("{s:o, s:s, s:s}", "items", items, "state", state,
                   "today", today);
  return *out ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
}

fz_err fz_case_alerts(fz_db *db, const fz_principal *by, const char *cursor,
                      int limit, json_t **out, fz_error *err) {
  int64_t after = 0;
  fz_err rc = fz_principal_need_read(by, err);
  if (!rc) rc = fz_query_cursor(cursor, &after, err);
  if (rc) return rc;
  if (limit <= 0 || limit > LIST_MAX) limit = 50;
  fz_buf sql;
  fz_buf_init(&sql, 1 << 14);
  fz_qparams p = {0};
  char store[512];
  fz_buf_puts(&sql, "SELECT a.id, a.kind, a.message, a.seq, a.created_at, "
              "c.id, c.case_no, d.name FROM case_alerts a JOIN cases c ON "
              "c.id = a.case_id JOIN departments d ON d.id = a.department_id "
              "WHERE 1 = 1");
  if (after) {
    fz_buf_puts(&sql, " AND a.id < ?");
    fz_qp_num(&p, after);
  }
  rc = fz_case_scope_sql(db, by, "a.department_id", &sql, &p, store,
                         sizeof store, err);
  fz_buf_printf(&sql, " ORDER BY a.id DESC LIMIT %d", limit + 1);
  fz_stmt *st = NULL;
  if (rc) fz_buf_free(&sql);
  else rc = fz_query_prepare(db, &sql, &p, &st, err);
  if (rc) return rc;
  json_t *items = json_array();
  int r, n = 0;
  int64_t last = 0;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW && n < limit) {
    json_t *o = alert_row(st);
    json_object_set_new(o, "case_id", json_integer(fz_stmt_column_int64(st, 5)));
    json_object_set_new(o, "case_no", text_col(st, 6));
    json_object_set_new(o, "department_name", text_col(st, 7));
    json_array_append_new(items, o);
    last = fz_stmt_column_int64(st, 0);
    n++;
  }
  int more = r == FZ_STEP_ROW;
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) {
    json_decref(items);
    return (fz_err)r;
  }
  return fz_query_page(items, more, last, out, err);
}

/* Adds to o[key] the counts of "SELECT label, COUNT(*) … GROUP BY" over
 * the cases in scope (the query ends in WHERE … so scope can follow). */
static fz_err counts(fz_db *db, const fz_principal *by, const char *select,
                     const char *group, const char *today, json_t *o,
                     const char *key, fz_error *err) {
  fz_buf sql;
  fz_buf_init(&sql, 1 << 14);
  fz_qparams p = {0};
  char store[512];
  fz_buf_puts(&sql, select);
  if (strchr(select, '?')) fz_qp_text(&p, today);
  fz_err rc = fz_case_scope_sql(db, by, "c.department_id", &sql, &p, store,
                                sizeof store, err);
  fz_buf_puts(&sql, group);
  fz_stmt *st = NULL;
  if (rc) fz_buf_free(&sql);
  else rc = fz_query_prepare(db, &sql, &p, &st, err);
  if (rc) return rc;
  json_t *m = json_object();
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    const char *k = fz_stmt_column_text(st, 0);
    json_object_set_new(m, k && *k ? k : "—",
                        json_integer(fz_stmt_column_int64(st, 1)));
  }
  fz_stmt_finalize(st);
  json_object_set_new(o, key, m);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_case_stats(fz_db *db, const fz_principal *by, const char *today,
                     json_t **out, fz_error *err) {
  fz_err rc = fz_principal_need_read(by, err);
  if (rc) return rc;
  json_t *o = json_pack("{s:s}", "today", today);
  if (!o) return fz_error_set(err, FZ_NOMEM, "", NULL);
  rc = counts(db, by, "SELECT c.stage, COUNT(*) FROM cases c WHERE 1 = 1",
              " GROUP BY c.stage", today, o, "by_stage", err);
  if (!rc) rc = counts(db, by, "SELECT c.kind, COUNT(*) FROM cases c WHERE "
                       "1 = 1", " GROUP BY c.kind", today, o, "by_kind", err);
  if (!rc) rc = counts(db, by, "SELECT c.lenient, COUNT(*) FROM cases c "
                       "WHERE c.lenient <> ''", " GROUP BY c.lenient", today,
                       o, "lenient", err);
  if (!rc) rc = counts(db, by, "SELECT d.name, COUNT(*) FROM case_deadlines k "
                       "JOIN cases c ON c.id = k.case_id JOIN departments d ON "
                       "d.id = c.department_id WHERE k.met_on IS NULL AND "
                       "k.party = 0 AND c.stage <> 'dropped' AND k.due <> '' AND "
                       "k.due < ?",
                       " GROUP BY d.name", today, o, "overdue_by_department",
                       err);
  if (!rc) rc = counts(db, by, "SELECT a.kind, COUNT(*) FROM case_alerts a "
                       "JOIN cases c ON c.id = a.case_id WHERE 1 = 1",
                       " GROUP BY a.kind", today, o, "alerts", err);
  if (!rc) rc = counts(db, by, "SELECT d.name, COUNT(*) FROM cases c JOIN "
                       "departments d ON d.id = c.department_id WHERE "
                       "c.outside_range = 1", " GROUP BY d.name", today, o,
                       "outside_range_by_department", err);
  if (rc) {
    json_decref(o);
    return rc;
  }
  *out = o;
  return FZ_OK;
}

/* ---- Evidence ------------------------------------------------------------ */

fz_err fz_case_evidence(fz_db *db, const fz_principal *by, int64_t id,
                        int fd, unsigned long long size, const char *sm3_hex,
                        const char *name, const char *content_type,
                        int64_t now, int64_t *evidence_id, fz_error *err) {
  fz_case_row c;
  int64_t officer = 0;
  int handler = 0;
  fz_err rc = fz_case_load(db, by, id, &c, err);
  if (!rc) rc = fz_case_officer_of(db, by, &officer, err);
  if (!rc) rc = fz_case_is_handler(db, id, officer, &handler, err);
  if (rc) return rc;
  if (!handler && !fz_case_is_head(by))
    return fz_error_set(err, FZ_FORBIDDEN, "", "证据由本案承办人员或部门负责人"
                        "上传 / evidence is added by a handler or the head");
  /* 全过程记录 (Art. 47): evidence is gathered before the decision. */
  if (c.stage >= FZ_CASE_DECIDED && c.stage != FZ_CASE_SEIZED)
    return fz_error_set(err, FZ_CONFLICT, "stage", "案件已%s，不能再添加证据 / "
                        "no evidence after the decision", fz_case_stage_label(c.stage));
  if (!content_type || !*content_type) content_type = "application/octet-stream";
  rc = fz_evidence_check_meta(name, content_type, err);
  if (!rc) rc = fz_evidence_store(db, fd, size, sm3_hex, now, err);
  int64_t eid = 0;
  if (!rc) rc = fz_query_int(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM "
                             "case_evidence", NULL, 0, 1, &eid, err);
  uint64_t seq = 0;
  if (!rc) rc = fz_ledger_append_about(
               db, by->actor, "case.evidence", "case", id,
               json_pack("{s:I, s:s, s:s, s:I, s:s}", "evidence_id",
                         (json_int_t)eid, "name", name, "content_type",
                         content_type, "size", (json_int_t)size, "sm3",
                         sm3_hex),
               now, &seq, err);
  if (!rc) {
    fz_qparams q = {0};
    fz_qp_num(&q, eid);
    fz_qp_num(&q, id);
    fz_qp_text(&q, sm3_hex);
    fz_qp_num(&q, (int64_t)size);
    fz_qp_text(&q, name);
    fz_qp_text(&q, content_type);
    fz_qp_num(&q, (int64_t)seq);
    fz_qp_text(&q, by->actor);
    fz_qp_num(&q, now);
    rc = fz_query_exec(db, "INSERT INTO case_evidence (id, case_id, sm3, size, "
                       "name, content_type, seq, created_by, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &q, err);
  }
  if (!rc && evidence_id) *evidence_id = eid;
  return rc;
}

fz_err fz_case_evidence_get(fz_db *db, const fz_principal *by,
                            int64_t evidence_id, void **data, size_t *size,
                            json_t **meta, fz_error *err) {
  const int64_t args[] = {evidence_id};
  int64_t case_id = 0;
  fz_case_row c;
  fz_err rc = fz_query_int(db, "SELECT case_id FROM case_evidence WHERE id = "
                           "?", args, 1, 0, &case_id, err);
  if (!rc && !case_id)
    rc = fz_error_set(err, FZ_NOTFOUND, "id", "证据 %lld 不存在 / no evidence "
                      "%lld", (long long)evidence_id, (long long)evidence_id);
  if (!rc) rc = fz_case_load(db, by, case_id, &c, err);
  if (rc) return rc;
  fz_stmt *st;
  rc = fz_db_prepare(db, "SELECT v.name, v.content_type, v.size, v.sm3, "
                     "f.data, v.seq FROM case_evidence v JOIN files f ON "
                     "f.sm3 = v.sm3 WHERE v.id = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, evidence_id);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    size_t len = 0;
    const void *blob = fz_stmt_column_blob(st, 4, &len);
    rc = fz_evidence_copy_checked(blob, len, fz_stmt_column_text(st, 3),
                                  fz_stmt_column_int64(st, 2), data, err);
    if (!rc) {
      *size = len;
      *meta = json_pack("{s:I, s:I, s:o, s:o, s:I, s:o, s:I}", "id",
                        (json_int_t)evidence_id, "case_id",
                        (json_int_t)case_id, "name", text_col(st, 0),
                        "content_type", text_col(st, 1), "size",
                        (json_int_t)len, "sm3", text_col(st, 3), "seq",
                        (json_int_t)fz_stmt_column_int64(st, 5));
    }
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW ? rc : r == FZ_STEP_DONE ? FZ_NOTFOUND : (fz_err)r;
}

/* ---- Hearing thresholds (Art. 63) ---------------------------------------- */

fz_err fz_hearing_thresholds(fz_db *db, json_t **out, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT department_kind, party_type, fine, "
                            "confiscation, basis, updated_at FROM "
                            "hearing_thresholds ORDER BY department_kind, "
                            "party_type", &st, err);
  if (rc) return rc;
  json_t *items = json_array();
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    json_array_append_new(
        items, json_pack("{s:o, s:o, s:o, s:o, s:o, s:I}", "department_kind",
                         text_col(st, 0), "party_type", text_col(st, 1),
                         "fine", fz_money_to_json(fz_stmt_column_int64(st, 2)),
                         "confiscation",
                         fz_money_to_json(fz_stmt_column_int64(st, 3)),
                         "basis", text_col(st, 4), "updated_at",
                         (json_int_t)fz_stmt_column_int64(st, 5)));
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) {
    json_decref(items);
    return (fz_err)r;
  }
  *out = json_pack("{s:o}", "items", items);
  return FZ_OK;
}

fz_err fz_hearing_threshold_set(fz_db *db, const fz_principal *by,
                                const json_t *spec, int64_t now,
                                fz_error *err) {
  static const fz_json_field fields[] = {
      {"department_kind", FZ_JSON_STRING, 1, 31},
      {"party_type", FZ_JSON_STRING, 1, 16},
      {"fine", FZ_JSON_STRING, 1, 24},
      {"confiscation", FZ_JSON_STRING, 1, 24},
      {"basis", FZ_JSON_STRING, 1, 500},
  };
  if (!by->cli && !fz_role_can(by->scope.roles, FZ_PERM_MANAGE_REGISTRY))
    return fz_error_set(err, FZ_FORBIDDEN, "", "设置听证标准须有 manage_registry"
                        " 权限 / setting hearing thresholds needs "
                        "manage_registry");
  fz_err rc = fz_json_check(spec, fields, sizeof fields / sizeof *fields, err);
  int64_t fine = 0, conf = 0;
  const char *basis = "";
  if (!rc) rc = fz_money_json(json_object_get(spec, "fine"), "fine", &fine, err);
  if (!rc) rc = fz_money_json(json_object_get(spec, "confiscation"),
                              "confiscation", &conf, err);
  if (!rc) rc = fz_case_text_member(spec, "basis", 4, &basis, err);
  const char *kind = json_string_value(json_object_get(spec, "department_kind"));
  const char *party = json_string_value(json_object_get(spec, "party_type"));
  if (!rc && strcmp(party, "organisation") != 0 && strcmp(party, "person") != 0)
    rc = fz_error_set(err, FZ_INVALID, "party_type", "party_type 应为 "
                      "organisation 或 person");
  if (!rc && (fine <= 0 || conf <= 0))
    rc = fz_error_set(err, FZ_INVALID, fine <= 0 ? "fine" : "confiscation",
                      "较大数额标准应大于零 / a threshold is above zero");
  int64_t known = 0;
  if (!rc) {
    fz_stmt *st;
    rc = fz_db_prepare(db, "SELECT COUNT(*) FROM departments WHERE kind = ?",
                       &st, err);
    if (!rc) {
      fz_stmt_bind_text(st, 1, kind, -1);
      if (fz_stmt_step(st, err) == FZ_STEP_ROW) known = fz_stmt_column_int64(st, 0);
      fz_stmt_finalize(st);
    }
    if (!rc && !known)
      rc = fz_error_set(err, FZ_INVALID, "department_kind", "没有该类别（%s）的"
                        "执法主体 / no department of kind %s", kind, kind);
  }
  if (rc) return rc;
  fz_qparams q = {0};
  fz_qp_text(&q, kind);
  fz_qp_text(&q, party);
  fz_qp_num(&q, fine);
  fz_qp_num(&q, conf);
  fz_qp_text(&q, basis);
  fz_qp_num(&q, now);
  rc = fz_query_exec(db, "INSERT INTO hearing_thresholds (department_kind, "
                     "party_type, fine, confiscation, basis, updated_at) VALUES "
                     "(?, ?, ?, ?, ?, ?) ON CONFLICT (department_kind, "
                     "party_type) DO UPDATE SET fine = excluded.fine, "
                     "confiscation = excluded.confiscation, basis = "
                     "excluded.basis, updated_at = excluded.updated_at", &q,
                     err);
  if (rc) return rc;
  json_t *data = json_pack("{s:s, s:s, s:I, s:I, s:s}", "department_kind",
                           kind, "party_type", party, "fine", (json_int_t)fine,
                           "confiscation", (json_int_t)conf, "basis", basis);
  return fz_ledger_append_about(db, by->actor, "case.hearing_threshold",
                                "hearing_threshold", 0, data, now, NULL, err);
}
