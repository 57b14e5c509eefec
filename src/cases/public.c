/* public.c — 公示 after the fact: published penalty decisions (国办发
 * 〔2018〕118号) with natural persons masked (DESIGN §8), withdrawn ones
 * with their reason (Art. 48), each with the ledger seqs of its decision
 * and publication so that anyone can check them against a checkpoint. */
#include <stdio.h>
#include <string.h>

#include "cases/case_int.h"
#include "core/money.h"
#include "id/id.h"

#define PUBLIC_MAX 200

#define DECISION_COLUMNS                                                      \
  "c.id, c.case_no, d.name, c.matter_code, m.name, m.law, m.article, "        \
  "c.party_type, c.party_name, c.entity_code, c.decided_on, c.decision, "     \
  "c.fine, c.no_penalty, c.published_at, c.withdrawn_at, c.withdraw_reason, " \
  "c.decide_seq, c.publish_seq, c.facts"
#define DECISION_FROM                                                         \
  " FROM cases c JOIN departments d ON d.id = c.department_id LEFT JOIN "     \
  "matters m ON m.code = c.matter_code WHERE c.kind = 'penalty' AND "         \
  "c.published_at IS NOT NULL"

static json_t *text(const fz_stmt *st, int i) {
  return fz_json_text_or_null(fz_stmt_column_text(st, i));
}

static json_t *decision_json(const fz_stmt *st, int full) {
  int person = strcmp(fz_stmt_column_text(st, 7), "person") == 0;
  char masked[256];
  const char *party = fz_stmt_column_text(st, 8);
  /* A natural person is named only masked; an organisation by its name
   * and 统一社会信用代码. */
  if (person && fz_mask_name(party, masked, sizeof masked)) masked[0] = 0;
  json_t *decision = json_loads(fz_stmt_column_text(st, 11), 0, NULL);
  char basis[512];
  snprintf(basis, sizeof basis, "《%s》%s",
           fz_stmt_column_text(st, 5) ? fz_stmt_column_text(st, 5) : "",
           fz_stmt_column_text(st, 6) ? fz_stmt_column_text(st, 6) : "");
  json_t *o = json_pack(
      "{s:I, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:I, "
      "s:b, s:o}",
      "id", (json_int_t)fz_stmt_column_int64(st, 0), "case_no", text(st, 1),
      "department_name", text(st, 2), "matter_code", text(st, 3),
      "matter_name", text(st, 4), "basis", basis, "party_type",
      fz_stmt_column_text(st, 7), "party", person ? masked : party,
      "entity_code", person ? json_null() : text(st, 9), "decided_on",
      text(st, 10), "kinds",
      decision ? json_incref(json_object_get(decision, "kinds")) : json_null(),
      "no_penalty", (int)fz_stmt_column_int64(st, 13), "published_at",
      (json_int_t)fz_stmt_column_int64(st, 14), "withdrawn",
      !fz_stmt_column_is_null(st, 15) && fz_stmt_column_int64(st, 15) > 0,
      "fine", fz_money_to_json(fz_stmt_column_int64(st, 12)));
  if (o && !fz_stmt_column_is_null(st, 15) && fz_stmt_column_int64(st, 15)) {
    json_object_set_new(o, "withdrawn_at", json_integer(fz_stmt_column_int64(st, 15)));
    json_object_set_new(o, "withdraw_reason", text(st, 16));
  }
  if (o && full) {
    json_object_set_new(o, "decide_seq", json_integer(fz_stmt_column_int64(st, 17)));
    json_object_set_new(o, "publish_seq", json_integer(fz_stmt_column_int64(st, 18)));
    /* The facts of a person's case stay in the file: they may name him. */
    json_object_set_new(o, "facts", person ? json_null() : text(st, 19));
  }
  json_decref(decision);
  return o;
}

fz_err fz_decision_public_list(fz_db *db, const char *cursor, int limit,
                               json_t **out, fz_error *err) {
  int64_t after = 0;
  fz_err rc = fz_query_cursor(cursor, &after, err);
  if (rc) return rc;
  if (limit <= 0 || limit > PUBLIC_MAX) limit = 50;
  fz_buf sql;
  fz_buf_init(&sql, 4096);
  fz_qparams q = {0};
  fz_buf_puts(&sql, "SELECT " DECISION_COLUMNS DECISION_FROM);
  if (after) {
    fz_buf_puts(&sql, " AND c.id < ?");
    fz_qp_num(&q, after);
  }
  fz_buf_printf(&sql, " ORDER BY c.id DESC LIMIT %d", limit + 1);
  fz_stmt *st;
  rc = fz_query_prepare(db, &sql, &q, &st, err);
  if (rc) return rc;
  json_t *items = json_array();
  int r, n = 0;
  int64_t last = 0;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW && n < limit) {
    json_array_append_new(items, decision_json(st, 0));
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

fz_err fz_decision_public_get(fz_db *db, int64_t id, json_t **out,
                              fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT " DECISION_COLUMNS DECISION_FROM
                            " AND c.id = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) *out = decision_json(st, 1);
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "id", "没有已公示的处罚决定 %lld / no "
                        "published decision %lld", (long long)id,
                        (long long)id);
  return r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}
