/* task.c — the inspection after the draw: the tasks with their teams,
 * results and evidence, replacing an officer of a team by the draw's own
 * rule, publishing the results (一公开), and the plans whose publication
 * is due. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cal/cal.h"
#include "core/clock.h"
#include "core/json.h"
#include "evidence/evidence.h"
#include "inspect/plan_int.h"
#include "ledger/merkle.h"

#define LIST_MAX 200
#define OVERDUE_MAX 1000
#define NOTES_MAX 2000
#define REASON_MIN 2
#define REASON_MAX 500

/* Appends the tasks by may see (the task row is "t"): those of the plans
 * in his scope, and those whose team holds (or held) officer. */
static fz_err visible(fz_db *db, const fz_principal *by, int64_t officer,
                      fz_buf *sql, fz_qparams *q, char *store, size_t size,
                      fz_error *err) {
  if (by->cli) return FZ_OK;
  fz_buf_puts(sql, " AND ((1 = 1");
  fz_err rc = fz_plan_scope_sql(db, by, "t.plan_id", sql, q->text, &q->n,
                                store, size, err);
  fz_buf_puts(sql, ")");
  if (officer) {
    fz_buf_puts(sql, " OR t.id IN (SELECT v.task_id FROM task_officers v "
                "WHERE v.officer_id = ?)");
    fz_qp_num(q, officer);
  }
  fz_buf_puts(sql, ")");
  return rc;
}

/* Prepares select (ending "WHERE <row>.id = ?", the task row being "t")
 * for id, limited to the tasks by may see. */
static fz_err select_visible(fz_db *db, const fz_principal *by,
                             const char *select, int64_t id, fz_stmt **st,
                             fz_error *err) {
  int64_t officer = 0;
  fz_err rc = fz_principal_need_read(by, err);
  if (!rc) rc = fz_inspect_officer_of(db, by, &officer, err);
  if (rc) return rc;
  fz_buf sql;
  fz_buf_init(&sql, 1 << 14);
  fz_qparams q = {0};
  char store[512];
  fz_buf_puts(&sql, select);
  fz_qp_num(&q, id);
  rc = visible(db, by, officer, &sql, &q, store, sizeof store, err);
  if (rc) {
    fz_buf_free(&sql);
    return rc;
  }
  return fz_query_prepare(db, &sql, &q, st, err);
}

/* Runs one statement that returns nothing, with integer and text
 * parameters given as a format: 'i' an int64_t, 't' a string (NULL binds
 * SQL NULL). */
static fz_err exec(fz_db *db, const char *sql, const char *fmt,
                   const int64_t *nums, const char *const *texts,
                   fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  for (int i = 0, ni = 0, nt = 0; fmt[i]; i++) {
    if (fmt[i] == 'i') {
      fz_stmt_bind_int64(st, i + 1, nums[ni++]);
    } else {
      const char *t = texts[nt++];
      if (t) fz_stmt_bind_text(st, i + 1, t, -1);
      else fz_stmt_bind_null(st, i + 1);
    }
  }
  int r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE || r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

/* ---- Reading tasks ------------------------------------------------------ */

#define TASK_COLUMNS                                                        \
  "t.id, t.plan_id, p.name, t.position, t.stratum, t.entity_uscc, e.name, " \
  "e.region_code, e.address, e.kind, t.ticket, t.staffed, t.result, "       \
  "t.notes, t.case_ref, t.result_by, t.result_at, p.status"
#define TASK_FROM                                                       \
  " FROM tasks t JOIN plans p ON p.id = t.plan_id LEFT JOIN entities e " \
  "ON e.uscc = t.entity_uscc"

/* The team of task id: [{officer_id, name, cert_no, department_id,
 * active, replaced_reason}] in the order they joined it; department_id is
 * the one the plan's frozen pool bound him to (in a joint plan, an officer
 * of several departments serves one of the plan's). */
static fz_err team_json(fz_db *db, int64_t task, json_t *a, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT o.id, o.name, o.cert_no, "
                            "COALESCE(pi.department_id, o.department_id), "
                            "x.active, x.replaced_reason FROM task_officers x "
                            "JOIN officers o ON o.id = x.officer_id JOIN tasks "
                            "t ON t.id = x.task_id LEFT JOIN plan_inspectors "
                            "pi ON pi.plan_id = t.plan_id AND pi.officer_id = "
                            "o.id WHERE x.task_id = ? ORDER BY x.position",
                            &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, task);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    json_array_append_new(
        a, json_pack("{s:I, s:s, s:o, s:I, s:b, s:o}", "officer_id",
                     (json_int_t)fz_stmt_column_int64(st, 0), "name",
                     fz_stmt_column_text(st, 1), "cert_no",
                     fz_json_text_or_null(fz_stmt_column_text(st, 2)),
                     "department_id", (json_int_t)fz_stmt_column_int64(st, 3),
                     "active", (int)fz_stmt_column_int64(st, 4),
                     "replaced_reason",
                     fz_json_text_or_null(fz_stmt_column_text(st, 5))));
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* The evidence of task id: [{id, name, content_type, size, sm3,
 * created_at}]. */
static fz_err evidence_json(fz_db *db, int64_t task, json_t *a,
                            fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT id, name, content_type, size, sm3, "
                            "created_at FROM task_evidence WHERE task_id = ? "
                            "ORDER BY id", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, task);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    json_array_append_new(
        a, json_pack("{s:I, s:s, s:s, s:I, s:s, s:I}", "id",
                     (json_int_t)fz_stmt_column_int64(st, 0), "name",
                     fz_stmt_column_text(st, 1), "content_type",
                     fz_stmt_column_text(st, 2), "size",
                     (json_int_t)fz_stmt_column_int64(st, 3), "sm3",
                     fz_stmt_column_text(st, 4), "created_at",
                     (json_int_t)fz_stmt_column_int64(st, 5)));
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* The task on the current row of a TASK_COLUMNS statement, with its team
 * and evidence, as a new object into *out. */
static fz_err task_json(fz_db *db, fz_stmt *st, json_t **out, fz_error *err) {
  fz_plan_status s = FZ_PLAN_DRAFT;
  fz_plan_status_parse(fz_stmt_column_text(st, 17), &s, NULL);
  int64_t id = fz_stmt_column_int64(st, 0);
  json_t *entity = json_pack(
      "{s:s, s:o, s:o, s:o, s:o}", "uscc", fz_stmt_column_text(st, 5), "name",
      fz_json_text_or_null(fz_stmt_column_text(st, 6)), "region_code",
      fz_json_text_or_null(fz_stmt_column_text(st, 7)), "address",
      fz_json_text_or_null(fz_stmt_column_text(st, 8)), "kind",
      fz_json_text_or_null(fz_stmt_column_text(st, 9)));
  json_t *o = json_pack(
      "{s:I, s:I, s:s, s:s, s:I, s:s, s:o, s:s, s:b, s:o, s:s, s:s, s:o, "
      "s:o}",
      "id", (json_int_t)id, "plan_id",
      (json_int_t)fz_stmt_column_int64(st, 1), "plan_name",
      fz_stmt_column_text(st, 2), "plan_status", fz_plan_status_name(s),
      "position", (json_int_t)fz_stmt_column_int64(st, 3), "stratum",
      fz_stmt_column_text(st, 4), "entity", entity, "ticket",
      fz_stmt_column_text(st, 10), "staffed",
      (int)fz_stmt_column_int64(st, 11), "result",
      fz_json_text_or_null(fz_stmt_column_text(st, 12)), "notes",
      fz_stmt_column_text(st, 13), "case_ref", fz_stmt_column_text(st, 14),
      "result_by", fz_json_text_or_null(fz_stmt_column_text(st, 15)), "result_at",
      fz_stmt_column_is_null(st, 16)
          ? json_null()
          : json_integer(fz_stmt_column_int64(st, 16)));
  json_t *team = json_array(), *evidence = json_array();
  fz_err rc = o && team && evidence ? FZ_OK
                                    : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc) rc = team_json(db, id, team, err);
  if (!rc) rc = evidence_json(db, id, evidence, err);
  if (rc) {
    json_decref(o);
    json_decref(team);
    json_decref(evidence);
    return rc;
  }
  json_object_set_new(o, "team", team);
  json_object_set_new(o, "evidence", evidence);
  *out = o;
  return FZ_OK;
}

fz_err fz_task_list(fz_db *db, const fz_principal *by, int64_t plan_id,
                    int mine, const char *status, const char *cursor,
                    int limit, json_t **out, fz_error *err) {
  static const char *const filters[][2] = {
      {"open", " AND t.staffed = 1 AND t.result IS NULL"},
      {"done", " AND t.result IS NOT NULL"},
      {"unstaffed", " AND t.staffed = 0"}};
  const char *filter = NULL;
  int64_t after = 0, officer = 0;
  fz_err rc = fz_principal_need_read(by, err);
  if (rc) return rc;
  if (limit < 1 || limit > LIST_MAX)
    return fz_error_set(err, FZ_INVALID, "limit", "limit 应在 1 至 %d 之间 / "
                        "limit is 1 to %d", LIST_MAX, LIST_MAX);
  for (size_t i = 0; status && i < 3; i++)
    if (strcmp(status, filters[i][0]) == 0) filter = filters[i][1];
  if (status && !filter)
    return fz_error_set(err, FZ_INVALID, "status", "任务状态应为 open（待检查）"
                        "、done（已录入结果）或 unstaffed（未配备检查组） / "
                        "status is open, done or unstaffed");
  rc = fz_query_cursor(cursor, &after, err);
  if (!rc) rc = fz_inspect_officer_of(db, by, &officer, err);
  if (rc) return rc;
  if (mine && !officer) {
    /* No officer record: no team holds him. */
    *out = json_pack("{s:[], s:n}", "items", "next_cursor");
    return *out ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
  }

  fz_buf sql;
  fz_buf_init(&sql, 1 << 14);
  fz_qparams q = {0};
  char store[512];
  fz_buf_puts(&sql, "SELECT " TASK_COLUMNS TASK_FROM " WHERE 1 = 1");
  if (plan_id) {
    fz_buf_puts(&sql, " AND t.plan_id = ?");
    fz_qp_num(&q, plan_id);
  }
  if (mine) {
    fz_buf_puts(&sql, " AND t.id IN (SELECT m.task_id FROM task_officers m "
                "WHERE m.officer_id = ? AND m.active = 1)");
    fz_qp_num(&q, officer);
  }
  if (filter) fz_buf_puts(&sql, filter);
  if (after) {
    /* Newest plan first, each in ticket order: the page goes on after
     * the (plan, position) of the last task shown. */
    fz_buf_puts(&sql, " AND (t.plan_id < (SELECT c.plan_id FROM tasks c "
                "WHERE c.id = ?) OR (t.plan_id = (SELECT c.plan_id FROM tasks "
                "c WHERE c.id = ?) AND t.position > (SELECT c.position FROM "
                "tasks c WHERE c.id = ?)))");
    fz_qp_num(&q, after);
    fz_qp_num(&q, after);
    fz_qp_num(&q, after);
  }
  rc = visible(db, by, officer, &sql, &q, store, sizeof store, err);
  fz_buf_puts(&sql, " ORDER BY t.plan_id DESC, t.position LIMIT ?");
  fz_qp_num(&q, (int64_t)limit + 1);
  fz_stmt *st = NULL;
  if (rc) fz_buf_free(&sql);
  else rc = fz_query_prepare(db, &sql, &q, &st, err);
  if (rc) return rc;

  json_t *items = json_array();
  int64_t last = 0;
  int n = 0, more = 0, r;
  while (!rc && (r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    if (n == limit) {
      more = 1;
      break;
    }
    json_t *o = NULL;
    rc = task_json(db, st, &o, err);
    if (rc) break;
    json_array_append_new(items, o);
    last = fz_stmt_column_int64(st, 0);
    n++;
  }
  fz_stmt_finalize(st);
  if (!rc && r != FZ_STEP_ROW && r != FZ_STEP_DONE) rc = (fz_err)r;
  if (rc) {
    json_decref(items);
    return rc;
  }
  return fz_query_page(items, more, last, out, err);
}

fz_err fz_task_get(fz_db *db, const fz_principal *by, int64_t id,
                   json_t **out, fz_error *err) {
  fz_stmt *st;
  fz_err rc = select_visible(db, by, "SELECT " TASK_COLUMNS TASK_FROM " WHERE t.id = ?",
                             id, &st, err);
  if (rc) return rc;
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) rc = task_json(db, st, out, err);
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "id", "检查任务 %lld 不存在 / no "
                        "task %lld", (long long)id, (long long)id);
  return r == FZ_STEP_ROW ? rc : (fz_err)r;
}

/* ---- Working on a task ------------------------------------------------ */

/* What the steps on one task read of it. */
typedef struct task_row {
  int64_t id, plan_id;
  int staffed, has_result;
  char uscc[32];
  char result[128];
  char notes[NOTES_MAX + 1];
} task_row;

/* Reads task id into *t if by may see it; FZ_NOTFOUND otherwise. */
static fz_err task_load(fz_db *db, const fz_principal *by, int64_t id,
                        task_row *t, fz_error *err) {
  fz_stmt *st;
  fz_err rc = select_visible(db, by, "SELECT t.id, t.plan_id, t.staffed, t.entity_uscc, "
              "t.result, t.notes FROM tasks t WHERE t.id = ?",
                             id, &st, err);
  if (rc) return rc;
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    const char *s;
    memset(t, 0, sizeof *t);
    t->id = fz_stmt_column_int64(st, 0);
    t->plan_id = fz_stmt_column_int64(st, 1);
    t->staffed = fz_stmt_column_int64(st, 2) != 0;
    s = fz_stmt_column_text(st, 3);
    snprintf(t->uscc, sizeof t->uscc, "%s", s ? s : "");
    s = fz_stmt_column_text(st, 4);
    t->has_result = s != NULL;
    snprintf(t->result, sizeof t->result, "%s", s ? s : "");
    s = fz_stmt_column_text(st, 5);
    snprintf(t->notes, sizeof t->notes, "%s", s ? s : "");
  }
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "id", "检查任务 %lld 不存在 / no "
                        "task %lld", (long long)id, (long long)id);
  return r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

/* FZ_CONFLICT unless the plan is drawn and its results not yet published:
 * the steps on tasks (step, in Chinese and English) happen in between. */
static fz_err require_working(const fz_plan_row *p, const char *zh,
                              const char *en, fz_error *err) {
  if (p->status >= FZ_PLAN_DRAWN && p->status < FZ_PLAN_PUBLISHED)
    return FZ_OK;
  if (p->status == FZ_PLAN_PUBLISHED)
    return fz_error_set(err, FZ_CONFLICT, "status", "抽查结果已公示，不能再%s"
                        " / the results are published: %s is closed", zh, en);
  return fz_error_set(err, FZ_CONFLICT, "status", "抽查计划当前为「%s」，尚未"
                      "抽取，不能%s / the plan is %s, not drawn yet: %s waits "
                      "for the draw", fz_plan_status_label(p->status), zh,
                      fz_plan_status_name(p->status), en);
}

/* 1 in *yes if officer is an active member of task's team. */
static fz_err on_team(fz_db *db, int64_t task, int64_t officer, int *yes,
                      fz_error *err) {
  int64_t args[2] = {task, officer}, n = 0;
  fz_err rc = fz_query_int(db, "SELECT COUNT(*) FROM task_officers WHERE "
                        "task_id = ? AND officer_id = ? AND active = 1", args,
                        2, 0, &n, err);
  *yes = n > 0;
  return rc;
}

/* FZ_OK if by may record on the task: an active officer of its team, or
 * the plan's head. */
static fz_err require_team_or_head(fz_db *db, const fz_principal *by,
                                   const task_row *t, const fz_plan_row *p,
                                   fz_error *err) {
  if (by->cli) return FZ_OK;
  int64_t officer = 0;
  int yes = 0;
  fz_err rc = fz_inspect_officer_of(db, by, &officer, err);
  if (!rc && officer) rc = on_team(db, t->id, officer, &yes, err);
  if (rc || yes) return rc;
  fz_error e = {0};
  rc = fz_plan_require_head(db, by, p, &e);
  if (rc == FZ_FORBIDDEN)
    return fz_error_set(err, FZ_FORBIDDEN, "task", "只有本任务检查组的在岗执法"
                        "人员或牵头执法主体的部门负责人可以办理 / only an "
                        "active officer of the task's team or a head of the "
                        "plan's lead department may do this");
  if (rc) *err = e;
  return rc;
}

/* Loads task id and its plan for a record on it (a result, evidence):
 * visible, by on its team or the head, the plan between the draw and
 * publication, the task staffed. */
static fz_err open_task(fz_db *db, const fz_principal *by, int64_t id,
                        const char *zh, const char *en, task_row *t,
                        fz_plan_row *p, fz_error *err) {
  fz_err rc = task_load(db, by, id, t, err);
  if (!rc) rc = fz_plan_load_any(db, t->plan_id, p, err);
  if (!rc) rc = require_team_or_head(db, by, t, p, err);
  if (!rc) rc = require_working(p, zh, en, err);
  if (rc) return rc;
  /* DESIGN §5.4: a task the draw could not staff is published as
   * unstaffed.  The same pool and caps that left it empty still hold, so
   * no replacement can staff it later; it takes no result. */
  if (!t->staffed)
    return fz_error_set(err, FZ_CONFLICT, "task", "该任务抽取时未能配齐检查组"
                        "，将作为「未配备检查人员」公示，不能%s / the draw "
                        "could not staff this task: it is published as "
                        "unstaffed, and %s is not possible", zh, en);
  return FZ_OK;
}

/* Text of at most max bytes, valid UTF-8 (jansson checks it), without
 * control characters other than newline and tab when multiline. */
static int text_ok(const char *s, size_t max, int multiline) {
  size_t len = strlen(s);
  if (len > max) return 0;
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    if ((*c < 0x20 && !(multiline && (*c == '\n' || *c == '\t' ||
                                      *c == '\r'))) ||
        *c == 0x7f)
      return 0;
  json_t *probe = json_string(s);
  json_decref(probe);
  return probe != NULL;
}

/* The count of staffed tasks of plan still without a result. */
static fz_err missing_results(fz_db *db, int64_t plan, int64_t *n,
                              fz_error *err) {
  return fz_query_int(db, "SELECT COUNT(*) FROM tasks WHERE plan_id = ? AND "
                   "staffed = 1 AND result IS NULL", &plan, 1, 0, n, err);
}

fz_err fz_task_result(fz_db *db, const fz_principal *by, int64_t id,
                      const char *result, const char *notes, int64_t now,
                      fz_error *err) {
  task_row t;
  fz_plan_row p;
  fz_err rc = open_task(db, by, id, "录入检查结果", "recording results", &t, &p,
                        err);
  if (rc) return rc;
  const char *category = NULL;
  for (size_t i = 0; result && fz_inspect_results[i]; i++)
    if (strcmp(result, fz_inspect_results[i]) == 0)
      category = fz_inspect_results[i];
  if (!category) {
    char list[400];
    size_t used = 0;
    list[0] = 0;
    for (size_t i = 0; fz_inspect_results[i]; i++) {
      int k = snprintf(list + used, sizeof list - used, "%s「%s」",
                       i ? "、" : "", fz_inspect_results[i]);
      if (k < 0 || (size_t)k >= sizeof list - used) break;
      used += (size_t)k;
    }
    return fz_error_set(err, FZ_INVALID, "result", "检查结果应为以下之一：%s / "
                        "result must be one of these standard categories",
                        list);
  }
  if (!notes) notes = "";
  if (!text_ok(notes, NOTES_MAX, 1))
    return fz_error_set(err, FZ_INVALID, "notes", "检查情况说明至多 %d 字节，"
                        "须为 UTF-8 文本 / notes are UTF-8 text of at most %d "
                        "bytes", NOTES_MAX, NOTES_MAX);
  if (t.has_result && strcmp(t.result, category) == 0 &&
      strcmp(t.notes, notes) == 0)
    return fz_error_set(err, FZ_CONFLICT, "result", "检查结果与说明均未变化 / "
                        "nothing would change");

  const int64_t nums[] = {now, id};
  const char *const texts[] = {category, notes, by->actor};
  rc = exec(db, "UPDATE tasks SET result = ?, notes = ?, result_by = ?, "
            "result_at = ? WHERE id = ?", "tttii", nums, texts, err);
  int64_t missing = 0;
  if (!rc) rc = missing_results(db, p.id, &missing, err);
  fz_plan_status next = missing ? FZ_PLAN_IN_PROGRESS
                                : FZ_PLAN_RESULTS_RECORDED;
  if (!rc && next != p.status)
    rc = fz_plan_set_status(db, p.id, next, now, err);
  if (rc) return rc;
  json_t *data = json_pack(
      "{s:I, s:s, s:s, s:I, s:o, s:s}", "plan_id", (json_int_t)p.id, "code",
      t.uscc, "result", category, "notes_length", (json_int_t)strlen(notes),
      "before", t.has_result ? json_string(t.result) : json_null(),
      "plan_status", fz_plan_status_name(next));
  if (!data) return fz_error_set(err, FZ_NOMEM, "", NULL);
  return fz_inspect_event(db, by, "task.result", "task", id, data, now, NULL,
                          err);
}

fz_err fz_task_evidence(fz_db *db, const fz_principal *by, int64_t id,
                        int fd, unsigned long long size, const char *sm3_hex,
                        const char *name, const char *content_type,
                        int64_t now, int64_t *evidence_id, fz_error *err) {
  task_row t;
  fz_plan_row p;
  fz_err rc = open_task(db, by, id, "添加证据", "adding evidence", &t, &p,
                        err);
  if (rc) return rc;
  if (!content_type || !*content_type)
    content_type = "application/octet-stream";
  rc = fz_evidence_check_meta(name, content_type, err);
  if (!rc) rc = fz_evidence_store(db, fd, size, sm3_hex, now, err);
  if (rc) return rc;
  const char *hex = sm3_hex;
  int64_t eid = 0;
  if (!rc) rc = fz_query_int(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM "
                          "task_evidence", NULL, 0, 1, &eid, err);
  if (!rc) {
    const int64_t nums[] = {eid, id, (int64_t)size, now};
    const char *const texts[] = {hex, name, content_type, by->actor};
    rc = exec(db, "INSERT INTO task_evidence (id, task_id, sm3, size, name, "
              "content_type, created_by, created_at) VALUES (?, ?, ?, ?, ?, "
              "?, ?, ?)", "iitittti", nums, texts, err);
  }
  if (rc) return rc;
  json_t *ev = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s}", "plan_id",
                         (json_int_t)p.id, "evidence_id", (json_int_t)eid,
                         "name", name, "content_type", content_type, "size",
                         (json_int_t)size, "sm3", hex);
  if (!ev) return fz_error_set(err, FZ_NOMEM, "", NULL);
  rc = fz_inspect_event(db, by, "task.evidence", "task", id, ev, now, NULL,
                        err);
  if (!rc && evidence_id) *evidence_id = eid;
  return rc;
}

fz_err fz_task_evidence_get(fz_db *db, const fz_principal *by,
                            int64_t evidence_id, void **data, size_t *size,
                            json_t **meta, fz_error *err) {
  fz_stmt *st;
  fz_err rc = select_visible(db, by, "SELECT v.name, v.content_type, v.size, v.sm3, f.data, "
              "v.task_id FROM task_evidence v JOIN tasks t ON t.id = "
              "v.task_id JOIN files f ON f.sm3 = v.sm3 WHERE v.id = ?",
                             evidence_id, &st, err);
  if (rc) return rc;
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    size_t len = 0;
    const void *blob = fz_stmt_column_blob(st, 4, &len);
    const char *sm3 = fz_stmt_column_text(st, 3);
    /* Evidence is checked on the way out: the bytes must still be those
     * whose SM3 the ledger recorded. */
    rc = fz_evidence_copy_checked(blob, len, sm3, fz_stmt_column_int64(st, 2),
                                  data, err);
    if (!rc) {
      *meta = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s}", "id",
                        (json_int_t)evidence_id, "task_id",
                        (json_int_t)fz_stmt_column_int64(st, 5), "name",
                        fz_stmt_column_text(st, 0), "content_type",
                        fz_stmt_column_text(st, 1), "size", (json_int_t)len,
                        "sm3", sm3);
      if (!*meta) {
        free(*data);
        *data = NULL;
        rc = fz_error_set(err, FZ_NOMEM, "", NULL);
      } else {
        *size = len;
      }
    }
  }
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "id", "证据 %lld 不存在 / no "
                        "evidence %lld", (long long)evidence_id,
                        (long long)evidence_id);
  return r == FZ_STEP_ROW ? rc : (fz_err)r;
}

/* ---- The case a result opens -------------------------------------------- */

fz_err fz_task_link_case(fz_db *db, const fz_principal *by, int64_t id,
                         const char *entity_code, const char *case_no,
                         int64_t now, fz_error *err) {
  task_row t;
  fz_err rc = task_load(db, by, id, &t, err);
  if (rc) {
    fz_error_set_field(err, "source_ref");
    return rc;
  }
  const int64_t args[] = {id};
  int64_t linked = 0;
  rc = fz_query_int(db, "SELECT COUNT(*) FROM tasks WHERE id = ? AND "
                    "case_ref <> ''", args, 1, 0, &linked, err);
  if (rc) return rc;
  if (!t.has_result || strcmp(t.result, fz_inspect_results[0]) == 0)
    return fz_error_set(err, FZ_CONFLICT, "source_ref", "检查任务 %lld %s，不能"
                        "据此立案 / task %lld has no result that found a "
                        "problem", (long long)id, t.has_result
                        ? "的结果为「未发现问题」" : "尚无检查结果",
                        (long long)id);
  if (linked)
    return fz_error_set(err, FZ_CONFLICT, "source_ref", "检查任务 %lld 已关联"
                        "案件 / task %lld has a case already", (long long)id,
                        (long long)id);
  if (strcmp(t.uscc, entity_code) != 0)
    return fz_error_set(err, FZ_CONFLICT, "entity_code", "案件当事人 %s 不是检查"
                        "任务 %lld 的检查对象 %s / the party is not the task's "
                        "entity", entity_code, (long long)id, t.uscc);
  fz_qparams q = {0};
  fz_qp_text(&q, case_no);
  fz_qp_num(&q, id);
  rc = fz_query_exec(db, "UPDATE tasks SET case_ref = ? WHERE id = ?", &q, err);
  if (rc) return rc;
  return fz_inspect_event(db, by, "task.case", "task", id,
                          json_pack("{s:I, s:s}", "plan_id",
                                    (json_int_t)t.plan_id, "case_no", case_no),
                          now, NULL, err);
}

/* ---- Replacing an officer ------------------------------------------------ */

/* The officer cap the draw used: the plan.commit event binds it (draw.h);
 * the plan's own setting if the event lacks it. */
static fz_err commit_cap(fz_db *db, const fz_plan_row *p, int64_t *cap,
                         fz_error *err) {
  *cap = p->officer_cap;
  if (p->commit_seq < 0) return FZ_OK;
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT body FROM ledger_event WHERE seq = ?",
                            &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, p->commit_seq);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    const char *body = fz_stmt_column_text(st, 0);
    json_t *ev = body ? json_loads(body, 0, NULL) : NULL;
    json_t *v = json_object_get(json_object_get(ev, "data"), "officer_cap");
    if (json_is_integer(v) && json_integer_value(v) > 0)
      *cap = json_integer_value(v);
    json_decref(ev);
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* The replacement for officer out on task t of plan p on today, by the
 * draw's rule (DESIGN §5.4): from the frozen pool, not on this team
 * before, not in conflict with the entity (frozen or declared since), a
 * certificate valid today, under the cap; when dep > 0 only of that
 * department.  The best rank SM3(seed ‖ "O" ‖ code ‖ id) wins; *in = 0
 * when no one is eligible. */
static fz_err best_replacement(fz_db *db, const fz_plan_row *p,
                               const task_row *t, const uint8_t seed[32],
                               const char *today, int64_t cap, int64_t dep,
                               int64_t *in, uint8_t best[32],
                               fz_error *err) {
  fz_buf sql;
  fz_buf_init(&sql, 1 << 12);
  fz_buf_puts(&sql,
              "SELECT pi.officer_id FROM plan_inspectors pi JOIN officers o "
              "ON o.id = pi.officer_id WHERE pi.plan_id = ? AND o.active = 1 "
              "AND o.status = 'valid' AND o.cert_from <= ? AND o.cert_to >= ? "
              "AND pi.officer_id NOT IN (SELECT x.officer_id FROM "
              "task_officers x WHERE x.task_id = ?) AND pi.officer_id NOT IN "
              "(SELECT c.officer_id FROM plan_conflicts c WHERE c.plan_id = ? "
              "AND c.entity_uscc = ?) AND pi.officer_id NOT IN (SELECT "
              "k.officer_id FROM conflicts k WHERE k.entity_uscc = ? AND "
              "k.active = 1)");
  if (cap > 0)
    fz_buf_puts(&sql, " AND (SELECT COUNT(*) FROM task_officers y JOIN tasks "
                "z ON z.id = y.task_id WHERE z.plan_id = ? AND y.officer_id = "
                "pi.officer_id AND y.active = 1) < ?");
  if (dep) fz_buf_puts(&sql, " AND pi.department_id = ?");
  fz_buf_puts(&sql, " ORDER BY pi.officer_id");
  fz_stmt *st = NULL;
  fz_err rc = sql.err ? fz_error_set(err, sql.err, "", NULL) : FZ_OK;
  if (!rc) rc = fz_db_prepare(db, sql.data, &st, err);
  fz_buf_free(&sql);
  if (rc) return rc;
  int i = 1;
  fz_stmt_bind_int64(st, i++, p->id);
  fz_stmt_bind_text(st, i++, today, -1);
  fz_stmt_bind_text(st, i++, today, -1);
  fz_stmt_bind_int64(st, i++, t->id);
  fz_stmt_bind_int64(st, i++, p->id);
  fz_stmt_bind_text(st, i++, t->uscc, -1);
  fz_stmt_bind_text(st, i++, t->uscc, -1);
  if (cap > 0) {
    fz_stmt_bind_int64(st, i++, p->id);
    fz_stmt_bind_int64(st, i++, cap);
  }
  if (dep) fz_stmt_bind_int64(st, i++, dep);
  *in = 0;
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    int64_t id = fz_stmt_column_int64(st, 0);
    uint8_t rank[32];
    fz_draw_rank(seed, t->uscc, strlen(t->uscc), id, rank);
    if (!*in || memcmp(rank, best, sizeof rank) < 0) {
      *in = id;
      memcpy(best, rank, sizeof rank);
    }
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_task_replace(fz_db *db, const fz_principal *by, int64_t id,
                       int64_t officer_id, const char *reason, int64_t now,
                       int64_t *replacement, fz_error *err) {
  task_row t;
  fz_plan_row p;
  fz_err rc = task_load(db, by, id, &t, err);
  if (!rc) rc = fz_plan_load_any(db, t.plan_id, &p, err);
  if (!rc) rc = fz_plan_require_head(db, by, &p, err);
  if (!rc) rc = require_working(&p, "更换检查人员", "replacing officers", err);
  if (rc) return rc;
  if (!reason || strlen(reason) < REASON_MIN || !text_ok(reason, REASON_MAX, 1))
    return fz_error_set(err, FZ_INVALID, "reason", "须说明更换理由（%d 至 %d "
                        "字节） / a reason is required (%d to %d bytes)",
                        REASON_MIN, REASON_MAX, REASON_MIN, REASON_MAX);
  int yes = 0;
  rc = on_team(db, id, officer_id, &yes, err);
  if (rc) return rc;
  if (!yes)
    return fz_error_set(err, FZ_INVALID, "officer_id", "执法人员 %lld 不是本"
                        "任务检查组的在岗成员 / officer %lld is not an active "
                        "member of this task's team", (long long)officer_id,
                        (long long)officer_id);
  uint8_t seed[32], rank[32];
  rc = fz_inspect_unhex(p.seed, "seed", seed, err);
  if (rc) return rc;
  int64_t cap = 0, dep = 0, in = 0;
  rc = commit_cap(db, &p, &cap, err);
  if (rc) return rc;

  /* 部门联合抽查: each department keeps someone on the team.  When the
   * outgoing officer was the last of his department (as frozen in the
   * pool), his replacement comes from it. */
  if (p.ndepartments >= 2) {
    int64_t args[] = {p.id, officer_id};
    rc = fz_query_int(db, "SELECT department_id FROM plan_inspectors WHERE "
                   "plan_id = ? AND officer_id = ?", args, 2, 0, &dep, err);
    int64_t others = 0;
    int64_t args2[] = {p.id, id, officer_id, dep};
    if (!rc && dep)
      rc = fz_query_int(db, "SELECT COUNT(*) FROM task_officers x JOIN "
                     "plan_inspectors pi ON pi.officer_id = x.officer_id AND "
                     "pi.plan_id = ? WHERE x.task_id = ? AND x.active = 1 AND "
                     "x.officer_id <> ? AND pi.department_id = ?", args2, 4, 0,
                     &others, err);
    if (rc) return rc;
    if (others) dep = 0;
  }
  char today[11];
  fz_civil_date(now, today);
  rc = best_replacement(db, &p, &t, seed, today, cap, dep, &in, rank, err);
  if (rc) return rc;
  if (!in) {
    if (dep)
      return fz_error_set(err, FZ_CONFLICT, "officer_id", "执法主体 %lld 在冻结"
                          "的检查人员库中已无符合条件的人员（未在本组、无回避、"
                          "证件有效、未达任务上限），检查组保持不变 / no "
                          "eligible officer of department %lld is left in the "
                          "frozen pool (not on this team, no conflict, a valid "
                          "certificate, under the cap); the team is unchanged",
                          (long long)dep, (long long)dep);
    return fz_error_set(err, FZ_CONFLICT, "officer_id", "冻结的检查人员库中已无"
                        "符合条件的人员（未在本组、无回避、证件有效、未达任务上"
                        "限），检查组保持不变 / no eligible officer is left in "
                        "the frozen pool (not on this team, no conflict, a "
                        "valid certificate, under the cap); the team is "
                        "unchanged");
  }

  int64_t pos = 0;
  rc = fz_query_int(db, "SELECT COALESCE(MAX(position), -1) + 1 FROM "
                 "task_officers WHERE task_id = ?", &id, 1, 0, &pos, err);
  if (!rc) {
    const int64_t nums[] = {id, officer_id};
    const char *const texts[] = {reason};
    rc = exec(db, "UPDATE task_officers SET active = 0, replaced_reason = ? "
              "WHERE task_id = ? AND officer_id = ?", "tii", nums, texts, err);
  }
  if (!rc) {
    const int64_t nums[] = {id, in, pos};
    rc = exec(db, "INSERT INTO task_officers (task_id, officer_id, position, "
              "active, replaced_reason) VALUES (?, ?, ?, 1, NULL)", "iii", nums,
              NULL, err);
  }
  if (rc) return rc;
  char hex[65];
  fz_inspect_hex(rank, hex);
  json_t *data = json_pack("{s:I, s:s, s:I, s:I, s:s, s:s}", "plan_id",
                           (json_int_t)p.id, "code", t.uscc, "out",
                           (json_int_t)officer_id, "in", (json_int_t)in,
                           "rank", hex, "reason", reason);
  if (!data) return fz_error_set(err, FZ_NOMEM, "", NULL);
  rc = fz_inspect_event(db, by, "task.replace", "task", id, data, now, NULL,
                        err);
  if (!rc && replacement) *replacement = in;
  return rc;
}

/* ---- Publication (一公开) ---------------------------------------------- */

fz_err fz_plan_publish(fz_db *db, const fz_principal *by, int64_t id,
                       int64_t now, fz_error *err) {
  fz_plan_row p;
  fz_err rc = fz_plan_load(db, by, id, &p, err);
  if (!rc) rc = fz_plan_require_head(db, by, &p, err);
  if (!rc) rc = require_working(&p, "公示", "publication", err);
  if (rc) return rc;
  int64_t missing = 0;
  rc = missing_results(db, id, &missing, err);
  if (rc) return rc;
  if (missing)
    return fz_error_set(err, FZ_CONFLICT, "tasks", "尚有 %lld 项已配备检查组的"
                        "任务未录入检查结果，不能公示 / %lld staffed tasks still "
                        "have no result", (long long)missing,
                        (long long)missing);

  json_t *counts = NULL;
  rc = fz_plan_task_counts(db, id, &counts, err);
  if (rc) return rc;
  char today[11];
  fz_civil_date(now, today);
  /* 企业信息公示暂行条例 Art. 6–7: within 20 working days of the end of the
   * inspection; late publication is still publication, but on record. */
  int on_time = !p.publish_due[0] || strcmp(today, p.publish_due) <= 0;
  const int64_t nums[] = {now, now, id};
  const char *const texts[] = {fz_plan_status_name(FZ_PLAN_PUBLISHED)};
  rc = exec(db, "UPDATE plans SET status = ?, published_at = ?, updated_at = "
            "? WHERE id = ?", "tiii", nums, texts, err);
  json_t *data = NULL;
  if (!rc)
    data = json_pack("{s:O, s:O, s:O, s:s, s:o, s:b}", "tasks",
                     json_object_get(counts, "total"), "unstaffed",
                     json_object_get(counts, "unstaffed"), "by_result",
                     json_object_get(counts, "by_result"), "published_on",
                     today, "publish_due",
                     p.publish_due[0] ? json_string(p.publish_due)
                                      : json_null(),
                     "on_time", on_time);
  json_decref(counts);
  if (rc) return rc;
  if (!data) return fz_error_set(err, FZ_NOMEM, "", NULL);
  return fz_inspect_event(db, by, "plan.publish", "plan", id, data, now, NULL,
                          err);
}

fz_err fz_plan_overdue(fz_db *db, const fz_principal *by, const char *today,
                       json_t **out, fz_error *err) {
  fz_err rc = fz_principal_need_read(by, err);
  if (rc) return rc;
  char now_day[11];
  if (!today) {
    fz_civil_date(fz_now_ms(), now_day);
    today = now_day;
  }
  fz_date day;
  rc = fz_date_parse(today, &day, err);
  if (rc) {
    fz_error_set_field(err, "today");
    return rc;
  }
  char day_s[FZ_DATE_BUF];
  fz_date_format(day, day_s);

  fz_buf sql;
  fz_buf_init(&sql, 1 << 14);
  fz_qparams q = {0};
  char store[512];
  fz_buf_puts(&sql, "SELECT p.id, p.name, p.status, d.name, p.window_to, "
              "p.publish_due, (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = "
              "p.id AND t.staffed = 1 AND t.result IS NULL) FROM plans p LEFT "
              "JOIN departments d ON d.id = p.lead_department_id WHERE "
              "p.status IN ('drawn', 'in_progress', 'results_recorded')");
  rc = fz_plan_scope_sql(db, by, "p.id", &sql, q.text, &q.n, store,
                         sizeof store, err);
  fz_buf_printf(&sql, " ORDER BY COALESCE(p.publish_due, '9999-12-31'), p.id "
                "LIMIT %d", OVERDUE_MAX);
  fz_stmt *st = NULL;
  if (rc) fz_buf_free(&sql);
  else rc = fz_query_prepare(db, &sql, &q, &st, err);
  if (rc) return rc;
  json_t *items = json_array();
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    fz_plan_status s = FZ_PLAN_DRAFT;
    fz_plan_status_parse(fz_stmt_column_text(st, 2), &s, NULL);
    const char *due = fz_stmt_column_text(st, 5);
    fz_date d;
    long late = 0;
    if (due && !fz_date_parse(due, &d, NULL))
      late = fz_date_to_days(day) - fz_date_to_days(d);
    if (late < 0) late = 0;
    const char *lead = fz_stmt_column_text(st, 3);
    json_array_append_new(
        items,
        json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:I, s:b, s:I}", "id",
                  (json_int_t)fz_stmt_column_int64(st, 0), "name",
                  fz_stmt_column_text(st, 1), "status",
                  fz_plan_status_name(s), "status_label",
                  fz_plan_status_label(s), "lead_department",
                  lead ? json_string(lead) : json_null(), "window_to",
                  fz_stmt_column_text(st, 4), "publish_due",
                  due ? json_string(due) : json_null(), "days_overdue",
                  (json_int_t)late, "overdue", late > 0,
                  "tasks_without_result",
                  (json_int_t)fz_stmt_column_int64(st, 6)));
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) {
    json_decref(items);
    return (fz_err)r;
  }
  *out = json_pack("{s:o, s:s}", "items", items, "today", day_s);
  return *out ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
}
