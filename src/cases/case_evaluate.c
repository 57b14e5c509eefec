/* case_evaluate.c — a case's facts put to the discretion benchmarks and
 * lenient lists (discretion.h): first offence from the party's history,
 * the act date and the decision date. */
#include <stdlib.h>
#include <string.h>

#include "cases/case_int.h"
#include "cases/discretion.h"
#include "core/money.h"

/* 1 when the party has no earlier penalty for the same matter decided
 * before this act, 0 when it has; -1 when unknown (a person, who is not in
 * the register, unless the case states it). */
static fz_err first_offence(fz_db *db, const fz_case_row *c,
                            const json_t *circ, int *out, fz_error *err) {
  if (!c->entity_code[0]) {
    json_t *v = json_object_get(circ, "first_offence");
    *out = json_is_boolean(v) ? json_is_true(v) : -1;
    return FZ_OK;
  }
  fz_qparams q = {0};
  fz_qp_text(&q, c->entity_code);
  fz_qp_text(&q, c->matter_code);
  fz_qp_num(&q, c->id);
  fz_qp_text(&q, c->act_date);
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT COUNT(*) FROM cases WHERE entity_code "
                            "= ? AND matter_code = ? AND id <> ? AND kind = "
                            "'penalty' AND no_penalty = 0 AND decided_on IS "
                            "NOT NULL AND decided_on < ? AND stage <> "
                            "'dropped'", &st, err);
  if (rc) return rc;
  fz_qp_bind(st, &q);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) *out = fz_stmt_column_int64(st, 0) == 0;
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

static int64_t amount(const json_t *circ, const char *name) {
  int64_t fen;
  json_t *v = json_object_get(circ, name);
  return v && !fz_money_json(v, name, &fen, NULL) ? fen : -1;
}

fz_err fz_case_evaluation(fz_db *db, const fz_case_row *c,
                          const char *decision_date, json_t **out,
                          fz_error *err) {
  json_t *circ = NULL;
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT circumstances FROM cases WHERE id = ?",
                            &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, c->id);
  if (fz_stmt_step(st, err) == FZ_STEP_ROW)
    circ = json_loads(fz_stmt_column_text(st, 0), 0, NULL);
  fz_stmt_finalize(st);
  if (!circ) return fz_error_set(err, FZ_INTERNAL, "circumstances", NULL);
  const char *harm = json_string_value(json_object_get(circ, "harm"));
  if (!harm) {
    json_decref(circ);
    return fz_error_set(err, FZ_MISSING, "circumstances.harm", "请先认定危害"
                        "后果（circumstances.harm：none、slight、general、"
                        "serious、severe）再适用裁量基准 / establish the harm "
                        "first");
  }
  fz_offence_facts f = {
      .matter_code = c->matter_code,
      .act_date = c->act_end_date[0] ? c->act_end_date : c->act_date,
      .decision_date = decision_date,
      .party_is_person = strcmp(c->party_type, "person") == 0,
      .harm = harm,
      .corrected = json_is_true(json_object_get(circ, "corrected")),
      .no_fault = json_is_true(json_object_get(circ, "no_fault")),
      .minor_age = json_is_true(json_object_get(circ, "minor_age")),
      .grounds = json_object_get(circ, "grounds"),
      .illegal_gains_fen = amount(circ, "illegal_gains"),
      .goods_value_fen = amount(circ, "goods_value"),
  };
  rc = first_offence(db, c, circ, &f.first_offence, err);
  if (!rc) rc = fz_discretion_evaluate(db, &f, out, err);
  json_decref(circ);
  return rc;
}

fz_err fz_case_evaluate(fz_db *db, const fz_principal *by, int64_t id,
                        const char *today, json_t **out, fz_error *err) {
  fz_case_row c;
  fz_err rc = fz_case_load(db, by, id, &c, err);
  if (rc) return rc;
  if (strcmp(c.kind, "penalty") != 0)
    return fz_error_set(err, FZ_CONFLICT, "kind", "裁量基准只适用于行政处罚案件"
                        " / benchmarks apply to penalty cases");
  return fz_case_evaluation(db, &c, c.decided_on[0] ? c.decided_on : today,
                            out, err);
}
