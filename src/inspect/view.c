/* view.c — what a signed-in user reads about random-inspection plans: one
 * plan with its departments, strata, participants, task counts and
 * publication deadline, and pages of the plans in his scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "core/clock.h"
#include "inspect/plan_int.h"

#define LIST_MAX 200

/* today as given (a real YYYY-MM-DD), or the platform's date now. */
static fz_err today_of(const char *today, char out[11], fz_error *err) {
  if (!today) {
    fz_civil_date(fz_now_ms(), out);
    return FZ_OK;
  }
  fz_date d;
  fz_err rc = fz_date_parse(today, &d, err);
  if (rc) {
    fz_error_set_field(err, "today");
    return rc;
  }
  fz_date_format(d, out);
  return FZ_OK;
}

/* 1 when a plan in state s with publication deadline due is late on
 * today: drawn, its results not yet published, and today after the due
 * date. */
static int is_overdue(fz_plan_status s, const char *due, const char *today) {
  return s >= FZ_PLAN_DRAWN && s < FZ_PLAN_PUBLISHED && due && *due &&
         strcmp(today, due) > 0;
}

/* [{key, ratio | count, pool_size, pool_digest, n}]: sizes, digests and n
 * are null before the commitment; the pools themselves never appear. */
static fz_err strata_json(fz_db *db, int64_t plan, json_t *a, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT key, ratio, count, pool_size, "
                            "pool_digest, n FROM plan_strata WHERE plan_id = "
                            "? ORDER BY position", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, plan);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    json_t *o = json_pack("{s:s}", "key", fz_stmt_column_text(st, 0));
    if (!o) continue;
    if (!fz_stmt_column_is_null(st, 1))
      json_object_set_new(o, "ratio", json_string(fz_stmt_column_text(st, 1)));
    else
      json_object_set_new(o, "count",
                          json_integer(fz_stmt_column_int64(st, 2)));
    for (int c = 3; c <= 5; c++) {
      static const char *const names[] = {"pool_size", "pool_digest", "n"};
      json_t *v = fz_stmt_column_is_null(st, c) ? json_null()
                  : c == 4 ? json_string(fz_stmt_column_text(st, c))
                           : json_integer(fz_stmt_column_int64(st, c));
      json_object_set_new(o, names[c - 3], v);
    }
    json_array_append_new(a, o);
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* [{position, user_id, label, committed, commit, revealed, secret}]: the
 * secret only once revealed. */
static fz_err participants_json(fz_db *db, int64_t plan, json_t *a,
                                fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT position, user_id, label, "
                            "commit_hex, secret_hex FROM plan_participants "
                            "WHERE plan_id = ? ORDER BY position", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, plan);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    const char *commit = fz_stmt_column_text(st, 3);
    const char *secret = fz_stmt_column_text(st, 4);
    json_array_append_new(
        a, json_pack("{s:I, s:I, s:s, s:b, s:o, s:b, s:o}", "position",
                     (json_int_t)fz_stmt_column_int64(st, 0), "user_id",
                     (json_int_t)fz_stmt_column_int64(st, 1), "label",
                     fz_stmt_column_text(st, 2), "committed", commit != NULL,
                     "commit", fz_json_text_or_null(commit), "revealed",
                     secret != NULL, "secret", fz_json_text_or_null(secret)));
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_plan_task_counts(fz_db *db, int64_t plan, json_t **out,
                           fz_error *err) {
  json_t *by_result = json_object();
  fz_stmt *st;
  fz_err rc = by_result ? fz_db_prepare(db, "SELECT staffed, result, "
                                        "COUNT(*) FROM tasks WHERE plan_id = "
                                        "? GROUP BY staffed, result", &st, err)
                        : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (rc) {
    json_decref(by_result);
    return rc;
  }
  fz_stmt_bind_int64(st, 1, plan);
  int64_t total = 0, staffed = 0, with_result = 0;
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    int64_t n = fz_stmt_column_int64(st, 2);
    const char *result = fz_stmt_column_text(st, 1);
    total += n;
    if (fz_stmt_column_int64(st, 0)) staffed += n;
    if (result) {
      with_result += n;
      json_t *had = json_object_get(by_result, result);
      json_object_set_new(by_result, result,
                          json_integer(json_integer_value(had) + n));
    }
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) {
    json_decref(by_result);
    return (fz_err)r;
  }
  *out = json_pack("{s:I, s:I, s:I, s:I, s:o}", "total", (json_int_t)total,
                   "staffed", (json_int_t)staffed, "unstaffed",
                   (json_int_t)(total - staffed), "with_result",
                   (json_int_t)with_result, "by_result", by_result);
  return *out ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
}

/* The task counts of a plan as its view shows them: every category of
 * result, with 0 where none. */
static fz_err tasks_json(fz_db *db, int64_t plan, json_t **out,
                         fz_error *err) {
  fz_err rc = fz_plan_task_counts(db, plan, out, err);
  json_t *by_result = json_object_get(*out, "by_result");
  for (size_t i = 0; !rc && fz_inspect_results[i]; i++)
    if (!json_object_get(by_result, fz_inspect_results[i]))
      json_object_set_new(by_result, fz_inspect_results[i], json_integer(0));
  return rc;
}

/* The publication deadline (企业信息公示暂行条例 Art. 6–7: 20 working days
 * from the end of the inspection), fixed at the draw: {date, rule, law,
 * article}, or null before the draw. */
static fz_err deadline_json(const fz_plan_row *p, json_t **out,
                            fz_error *err) {
  *out = json_null();
  if (!p->publish_due[0]) return FZ_OK;
  const fz_deadline_rule *rule;
  fz_err rc = fz_deadline_rule_find("inspection.publish", &rule, err);
  if (rc) return rc;
  *out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "date", p->publish_due,
                   "rule", rule->id, "law", rule->law, "article",
                   rule->article, "what", rule->what);
  return *out ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
}

static fz_err excluded_at_cap(fz_db *db, int64_t plan, int64_t *n,
                              fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT excluded_at_cap FROM plans WHERE id "
                            "= ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, plan);
  int r = fz_stmt_step(st, err);
  *n = r == FZ_STEP_ROW ? fz_stmt_column_int64(st, 0) : 0;
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* The whole plan p as a new JSON object. */
static fz_err plan_json(fz_db *db, const fz_plan_row *p, const char *today,
                        json_t **out, fz_error *err) {
  json_t *o = json_object(), *deps = json_array(), *items = json_array(),
         *strata = json_array(), *parts = json_array(), *tasks = NULL,
         *deadline = NULL;
  int64_t excluded = 0;
  fz_err rc = o && deps && items && strata && parts
                  ? FZ_OK
                  : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc) rc = fz_plan_departments_json(db, p->id, deps, err);
  if (!rc) rc = strata_json(db, p->id, strata, err);
  if (!rc) rc = participants_json(db, p->id, parts, err);
  if (!rc) rc = tasks_json(db, p->id, &tasks, err);
  if (!rc) rc = deadline_json(p, &deadline, err);
  if (!rc) rc = excluded_at_cap(db, p->id, &excluded, err);
  if (rc) {
    json_decref(o);
    json_decref(deps);
    json_decref(items);
    json_decref(strata);
    json_decref(parts);
    json_decref(tasks);
    json_decref(deadline);
    return rc;
  }
  for (const char *s = p->items; *s;) {
    size_t len = strcspn(s, ";");
    if (len) json_array_append_new(items, json_stringn(s, len));
    s += len + (s[len] == ';');
  }
  json_object_set_new(o, "id", json_integer(p->id));
  json_object_set_new(o, "name", json_string(p->name));
  json_object_set_new(o, "year", json_integer(p->year));
  json_object_set_new(o, "status", json_string(fz_plan_status_name(p->status)));
  json_object_set_new(o, "status_label",
                      json_string(fz_plan_status_label(p->status)));
  json_object_set_new(o, "lead_department_id", json_integer(p->lead));
  json_object_set_new(o, "departments", deps);
  json_object_set_new(o, "items", items);
  json_object_set_new(o, "pool_region", json_string(p->pool_region));
  json_object_set_new(o, "pool_kind", json_string(p->pool_kind));
  json_object_set_new(o, "pool_industry", json_string(p->pool_industry));
  json_object_set_new(o, "pool_status", json_string(p->pool_status));
  json_object_set_new(o, "stratify_by", json_string(p->stratify_by));
  json_object_set_new(o, "strata", strata);
  json_object_set_new(o, "team_size", json_integer(p->team_size));
  json_object_set_new(o, "officer_cap", json_integer(p->officer_cap));
  json_object_set_new(o, "entity_cap", json_integer(p->entity_cap));
  json_object_set_new(o, "inspector_area", json_string(p->inspector_area));
  json_object_set_new(o, "window_from", json_string(p->window_from));
  json_object_set_new(o, "window_to", json_string(p->window_to));
  json_object_set_new(o, "participants", parts);
  json_object_set_new(o, "public_value_source",
                      fz_json_text_or_null(p->public_value_source));
  json_object_set_new(o, "public_value", p->has_public_value
                                             ? json_string(p->public_value)
                                             : json_null());
  json_object_set_new(o, "commit_seq", p->commit_seq >= 0
                                           ? json_integer(p->commit_seq)
                                           : json_null());
  json_object_set_new(o, "commit_leaf", fz_json_text_or_null(p->commit_leaf));
  json_object_set_new(o, "seed", fz_json_text_or_null(p->seed));
  json_object_set_new(o, "excluded_at_cap", json_integer(excluded));
  json_object_set_new(o, "tasks", tasks);
  json_object_set_new(o, "publish_due", fz_json_text_or_null(p->publish_due));
  json_object_set_new(o, "publish_deadline", deadline);
  json_object_set_new(o, "overdue", json_boolean(is_overdue(
                                        p->status, p->publish_due, today)));
  json_object_set_new(o, "published_at",
                      p->status == FZ_PLAN_PUBLISHED
                          ? json_integer(p->published_at)
                          : json_null());
  json_object_set_new(o, "created_at", json_integer(p->created_at));
  json_object_set_new(o, "updated_at", json_integer(p->updated_at));
  *out = o;
  return FZ_OK;
}

fz_err fz_plan_get(fz_db *db, const fz_principal *by, int64_t id,
                   const char *today, json_t **out, fz_error *err) {
  char day[11];
  fz_plan_row p;
  fz_err rc = today_of(today, day, err);
  if (!rc) rc = fz_plan_load(db, by, id, &p, err);
  if (!rc) rc = plan_json(db, &p, day, out, err);
  return rc;
}

fz_err fz_plan_list(fz_db *db, const fz_principal *by, const char *status,
                    const char *cursor, int limit, json_t **out,
                    fz_error *err) {
  fz_plan_status want = FZ_PLAN_DRAFT;
  int64_t after = 0;
  if (limit < 1 || limit > LIST_MAX)
    return fz_error_set(err, FZ_INVALID, "limit", "limit 应在 1 至 %d 之间 / "
                        "limit is 1 to %d", LIST_MAX, LIST_MAX);
  fz_err rc = status ? fz_plan_status_parse(status, &want, err) : FZ_OK;
  if (!rc) rc = fz_query_cursor(cursor, &after, err);
  if (rc) return rc;
  /* The list takes no date: overdue is judged on the platform's today. */
  char today[11];
  fz_civil_date(fz_now_ms(), today);

  fz_buf sql;
  fz_buf_init(&sql, 1 << 14);
  fz_qparams q = {0};
  char store[512];
  fz_buf_puts(&sql, "SELECT p.id, p.name, p.status, d.name, p.window_from, "
              "p.window_to, p.publish_due, (SELECT COUNT(*) FROM tasks t "
              "WHERE t.plan_id = p.id) FROM plans p LEFT JOIN departments d "
              "ON d.id = p.lead_department_id WHERE 1 = 1");
  if (status) {
    fz_buf_puts(&sql, " AND p.status = ?");
    fz_qp_text(&q, fz_plan_status_name(want));
  }
  if (after) {
    fz_buf_puts(&sql, " AND p.id < ?");
    fz_qp_num(&q, after);
  }
  rc = fz_plan_scope_sql(db, by, "p.id", &sql, q.text, &q.n, store,
                         sizeof store, err);
  fz_buf_puts(&sql, " ORDER BY p.id DESC LIMIT ?");
  fz_qp_num(&q, (int64_t)limit + 1);
  fz_stmt *st = NULL;
  if (rc) fz_buf_free(&sql);
  else rc = fz_query_prepare(db, &sql, &q, &st, err);
  if (rc) return rc;

  json_t *items = json_array();
  int64_t last = 0;
  int n = 0, more = 0, r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    if (n == limit) {
      more = 1;
      break;
    }
    fz_plan_status s = FZ_PLAN_DRAFT;
    fz_plan_status_parse(fz_stmt_column_text(st, 2), &s, NULL);
    const char *due = fz_stmt_column_text(st, 6);
    last = fz_stmt_column_int64(st, 0);
    json_array_append_new(
        items,
        json_pack("{s:I, s:s, s:s, s:s, s:o, s:{s:s, s:s}, s:I, s:o, s:b}",
                  "id", (json_int_t)last, "name", fz_stmt_column_text(st, 1),
                  "status", fz_plan_status_name(s), "status_label",
                  fz_plan_status_label(s), "lead_department",
                  fz_json_text_or_null(fz_stmt_column_text(st, 3)), "window", "from",
                  fz_stmt_column_text(st, 4), "to",
                  fz_stmt_column_text(st, 5), "tasks",
                  (json_int_t)fz_stmt_column_int64(st, 7), "publish_due",
                  fz_json_text_or_null(due), "overdue", is_overdue(s, due, today)));
    n++;
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) {
    json_decref(items);
    return (fz_err)r;
  }
  return fz_query_page(items, more, last, out, err);
}
