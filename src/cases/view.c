/* view.c — reading cases: one case with its steps, evidence, deadlines,
 * alerts and legal next steps; lists; deadlines near or past; alerts and
 * the supervision counts; evidence files; hearing thresholds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "cases/case_int.h"
#include "core/jtext.h"
#include "core/money.h"
#include "evidence/evidence.h"
#include "ledger/ledger.h"

#define LIST_MAX 200
#define NEAR_DAYS 3 /* a deadline this close is shown as near */

static json_t *text_col(const fz_stmt *st, int i) {
  return fz_json_text_or_null(fz_stmt_column_text(st, i));
}

/* Runs a query of one case id, writing an array of one object per row,
 * made by fn. */
static fz_err rows(fz_db *db, const char *sql, int64_t id,
                   void (*fn)(fz_jtext *w, const fz_stmt *st), fz_jtext *w,
                   fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  int r;
  fz_jt_open(w, '[');
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    fz_jt_open(w, '{');
    fn(w, st);
    fz_jt_close(w, '}');
  }
  fz_jt_close(w, ']');
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* Members named in names ("a,b,c"), one per column from col on: texts
 * ("" shown as null) unless the name starts with '#' (an integer). */
static void columns(fz_jtext *w, const fz_stmt *st, int col,
                    const char *names) {
  char key[48];
  for (const char *p = names; *p; col++) {
    size_t n = strcspn(p, ",");
    int num = *p == '#';
    snprintf(key, sizeof key, "%.*s", (int)(n - (size_t)num), p + num);
    fz_jt_key(w, key);
    if (num) fz_jt_int(w, fz_stmt_column_int64(st, col));
    else fz_jt_text(w, fz_stmt_column_text(st, col));
    p += n + (p[n] == ',');
  }
}

static void officer_row(fz_jtext *w, const fz_stmt *st) {
  columns(w, st, 0, "#id,name,cert_no,cert_to");
}

static void step_row(fz_jtext *w, const fz_stmt *st) {
  columns(w, st, 0, "step,stage,#seq,actor,note,#at");
}

static void evidence_row(fz_jtext *w, const fz_stmt *st) {
  columns(w, st, 0, "#id,name,content_type,#size,sm3,#seq,#created_at");
}

static void alert_row(fz_jtext *w, const fz_stmt *st) {
  columns(w, st, 0, "#id,kind,message,#seq,#created_at");
}

/* A deadline with its rule's article and its state on today: met, open,
 * near (within three days) or overdue; a party's own period never counts
 * as the agency's overdue. */
static void deadline_text(fz_jtext *w, const char *rule_id, const char *start,
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
  fz_jt_open(w, '{');
  fz_jt_key(w, "rule");
  fz_jt_str(w, rule_id);
  fz_jt_key(w, "start");
  fz_jt_str(w, start);
  fz_jt_key(w, "due");
  fz_jt_str(w, due);
  fz_jt_key(w, "party");
  fz_jt_bool(w, party);
  fz_jt_key(w, "met_on");
  fz_jt_text(w, met);
  fz_jt_key(w, "state");
  fz_jt_str(w, state);
  if (rule) {
    char cite[256];
    snprintf(cite, sizeof cite, "《%s》%s", rule->law, rule->article);
    fz_jt_key(w, "what");
    fz_jt_str(w, rule->what);
    fz_jt_key(w, "citation");
    fz_jt_str(w, cite);
    fz_jt_key(w, "period");
    fz_jt_open(w, '{');
    fz_jt_key(w, "n");
    fz_jt_int(w, rule->n);
    fz_jt_key(w, "kind");
    fz_jt_str(w, fz_period_kind_name(rule->kind));
    fz_jt_close(w, '}');
  }
  fz_jt_close(w, '}');
}

static fz_err deadlines_of(fz_db *db, int64_t id, const char *today,
                           fz_jtext *w, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT rule_id, start, due, party, met_on "
                            "FROM case_deadlines WHERE case_id = ? ORDER BY "
                            "due", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  int r;
  fz_jt_open(w, '[');
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    deadline_text(w, fz_stmt_column_text(st, 0), fz_stmt_column_text(st, 1),
                  fz_stmt_column_text(st, 2), (int)fz_stmt_column_int64(st, 3),
                  fz_stmt_column_text(st, 4), today, NEAR_DAYS);
  fz_jt_close(w, ']');
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

/* A 0/1 column as a boolean member. */
static void flag(fz_jtext *w, const char *key, const fz_stmt *st, int col) {
  fz_jt_key(w, key);
  fz_jt_bool(w, fz_stmt_column_int64(st, col) != 0);
}

/* A timestamp column as "was it set". */
static void happened(fz_jtext *w, const char *key, const fz_stmt *st, int col) {
  fz_jt_key(w, key);
  fz_jt_bool(w, !fz_stmt_column_is_null(st, col) &&
                    fz_stmt_column_int64(st, col) > 0);
}

/* The summary's members (the object stays open for more). */
static void summary(fz_jtext *w, const fz_stmt *st) {
  fz_case_stage stage = FZ_CASE_LEAD;
  fz_case_stage_parse(fz_stmt_column_text(st, 11), &stage, NULL);
  columns(w, st, 0, "#id,case_no,kind,procedure,#department_id,"
          "department_name,matter_code,matter_name,party_type,party_name,"
          "entity_code");
  fz_jt_key(w, "stage");
  fz_jt_str(w, fz_case_stage_name(stage));
  fz_jt_key(w, "stage_label");
  fz_jt_str(w, fz_case_stage_label(stage));
  columns(w, st, 12, "act_date,filed_on,decided_on");
  char fine[32];
  fz_money_format(fz_stmt_column_int64(st, 15), fine, sizeof fine);
  fz_jt_key(w, "fine");
  fz_jt_str(w, fine);
  flag(w, "no_penalty", st, 16);
  fz_jt_key(w, "lenient");
  fz_jt_text(w, fz_stmt_column_text(st, 17));
  flag(w, "outside_range", st, 18);
  happened(w, "published", st, 19);
  happened(w, "withdrawn", st, 20);
  fz_jt_key(w, "updated_at");
  fz_jt_int(w, fz_stmt_column_int64(st, 21));
}

/* A column that may be NULL as an integer member or null. */
static void int_or_null(fz_jtext *w, const char *key, const fz_stmt *st,
                        int col) {
  fz_jt_key(w, key);
  if (fz_stmt_column_is_null(st, col)) fz_jt_null(w);
  else fz_jt_int(w, fz_stmt_column_int64(st, col));
}

/* The members of the case's own row after its summary. */
static void details(fz_jtext *w, const fz_stmt *st) {
  columns(w, st, 22, "act_end_date");
  fz_jt_key(w, "discovered_on");
  fz_jt_str(w, fz_stmt_column_text(st, 23));
  flag(w, "grave_harm", st, 24);
  columns(w, st, 25, "facts");
  fz_jt_key(w, "circumstances");
  fz_jt_raw(w, fz_stmt_column_text(st, 26)); /* stored canonical JSON */
  columns(w, st, 27, "source,source_ref,review_grounds");
  flag(w, "complex", st, 30);
  fz_jt_key(w, "proposed");
  fz_jt_raw(w, fz_stmt_column_text(st, 31));
  columns(w, st, 32, "notified_on,hearing,review_state,discussed_on");
  fz_jt_key(w, "decision");
  fz_jt_raw(w, fz_stmt_column_text(st, 36));
  columns(w, st, 37, "served_on,executed_on,seized_on");
  flag(w, "seizure_extended", st, 40);
  columns(w, st, 41, "closed_on,archived_on");
  int_or_null(w, "decide_seq", st, 43);
  int_or_null(w, "publish_seq", st, 44);
  columns(w, st, 45, "withdraw_reason");
}

static fz_err case_view(fz_db *db, const fz_principal *by, int64_t id,
                        const char *today, fz_jtext *w, fz_error *err) {
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
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    fz_jt_open(w, '{');
    summary(w, st);
    details(w, st);
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW) /* fz_case_load found it in the same snapshot */
    return r == FZ_STEP_DONE ? fz_error_set(err, FZ_INTERNAL, "", NULL)
                             : (fz_err)r;
  fz_jt_key(w, "review_required");
  fz_jt_bool(w, c.review_grounds[0] != 0);
  fz_jt_key(w, "officers");
  rc = rows(db, "SELECT o.id, o.name, o.cert_no, o.cert_to FROM "
            "case_officers co JOIN officers o ON o.id = co.officer_id WHERE "
            "co.case_id = ? ORDER BY co.position", id, officer_row, w, err);
  if (!rc) {
    fz_jt_key(w, "steps");
    rc = rows(db, "SELECT step, stage, seq, actor, note, at FROM case_steps "
              "WHERE case_id = ? ORDER BY id", id, step_row, w, err);
  }
  if (!rc) {
    fz_jt_key(w, "evidence");
    rc = rows(db, "SELECT id, name, content_type, size, sm3, seq, created_at "
              "FROM case_evidence WHERE case_id = ? ORDER BY id", id,
              evidence_row, w, err);
  }
  if (!rc) {
    fz_jt_key(w, "deadlines");
    rc = deadlines_of(db, id, today, w, err);
  }
  if (!rc) {
    fz_jt_key(w, "alerts");
    rc = rows(db, "SELECT id, kind, message, seq, created_at FROM "
              "case_alerts WHERE case_id = ? ORDER BY id", id, alert_row, w,
              err);
  }
  json_t *next = json_array();
  if (!rc && by) rc = fz_case_next_steps(db, by, &c, fz_now_ms(), next, err);
  fz_jt_key(w, "next_steps");
  fz_jt_json(w, next);
  json_decref(next);
  fz_jt_close(w, '}');
  return rc;
}

fz_err fz_case_get_text(fz_db *db, const fz_principal *by, int64_t id,
                        const char *today, fz_buf *out, fz_error *err) {
  /* The view is a dozen reads: one snapshot of the case for all of them,
   * so that its steps, deadlines and next steps agree with each other. */
  int began = 0;
  fz_jtext w;
  fz_jt_init(&w, out);
  fz_err rc = fz_db_read_begin(db, &began, err);
  if (!rc) rc = case_view(db, by, id, today, &w, err);
  fz_db_read_end(db, began);
  if (!rc && out->err) rc = fz_error_set(err, out->err, "", NULL);
  return rc;
}

fz_err fz_case_get(fz_db *db, const fz_principal *by, int64_t id,
                   const char *today, json_t **out, fz_error *err) {
  fz_buf text;
  fz_buf_init(&text, 0);
  fz_err rc = fz_case_get_text(db, by, id, today, &text, err);
  if (!rc) rc = fz_json_parse(text.data, text.len, out, err);
  fz_buf_free(&text);
  return rc;
}

/* Closes a page's items and its object, with the cursor of the next page
 * when there is one (as fz_query_page). */
static fz_err page_end(fz_jtext *w, int more, int64_t last, fz_error *err) {
  fz_jt_close(w, ']');
  fz_jt_key(w, "next_cursor");
  char next[24];
  snprintf(next, sizeof next, "%lld", (long long)last);
  if (more) fz_jt_str(w, next);
  else fz_jt_null(w);
  fz_jt_close(w, '}');
  return w->b->err ? fz_error_set(err, w->b->err, "", NULL) : FZ_OK;
}

fz_err fz_case_list(fz_db *db, const fz_principal *by, const fz_case_query *q,
                    fz_buf *out, fz_error *err) {
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
  fz_jtext w;
  fz_jt_init(&w, out);
  fz_jt_open(&w, '{');
  fz_jt_key(&w, "items");
  fz_jt_open(&w, '[');
  int r, n = 0;
  int64_t last = 0;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW && n < limit) {
    fz_jt_open(&w, '{');
    summary(&w, st);
    fz_jt_close(&w, '}');
    last = fz_stmt_column_int64(st, 0);
    n++;
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
  return page_end(&w, r == FZ_STEP_ROW, last, err);
}

fz_err fz_case_deadlines(fz_db *db, const fz_principal *by, const char *state,
                         int64_t department_id, int mine, const char *today,
                         int days, fz_buf *out, fz_error *err) {
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
  fz_jtext w;
  fz_jt_init(&w, out);
  fz_jt_open(&w, '{');
  fz_jt_key(&w, "items");
  fz_jt_open(&w, '[');
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    fz_jt_open(&w, '{');
    summary(&w, st);
    fz_jt_key(&w, "deadline");
    deadline_text(&w, fz_stmt_column_text(st, 22), fz_stmt_column_text(st, 23),
                  fz_stmt_column_text(st, 24), 0, NULL, today,
                  overdue ? NEAR_DAYS : days);
    fz_jt_close(&w, '}');
  }
  fz_jt_close(&w, ']');
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) return (fz_err)r;
  fz_jt_key(&w, "state");
  fz_jt_str(&w, state);
  fz_jt_key(&w, "today");
  fz_jt_str(&w, today);
  fz_jt_close(&w, '}');
  return out->err ? fz_error_set(err, out->err, "", NULL) : FZ_OK;
}

fz_err fz_case_alerts(fz_db *db, const fz_principal *by, const char *cursor,
                      int limit, fz_buf *out, fz_error *err) {
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
  fz_jtext w;
  fz_jt_init(&w, out);
  fz_jt_open(&w, '{');
  fz_jt_key(&w, "items");
  fz_jt_open(&w, '[');
  int r, n = 0;
  int64_t last = 0;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW && n < limit) {
    fz_jt_open(&w, '{');
    alert_row(&w, st);
    columns(&w, st, 5, "#case_id,case_no,department_name");
    fz_jt_close(&w, '}');
    last = fz_stmt_column_int64(st, 0);
    n++;
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
  return page_end(&w, r == FZ_STEP_ROW, last, err);
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
