/* plan.c — a random-inspection plan while it is a draft: what it draws
 * from, in which strata, with whose officers and secrets; and what all
 * plan steps share (loading, scope, the head, events). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cal/cal.h"
#include "core/json.h"
#include "inspect/plan_int.h"
#include "ledger/merkle.h"
#include "ledger/ledger.h"
#include "registry/registry.h"

static const char *const status_names[FZ_PLAN__COUNT] = {
    "draft", "committed", "revealed", "drawn",
    "in_progress", "results_recorded", "published"};
static const char *const status_labels[FZ_PLAN__COUNT] = {
    "草稿", "已承诺", "已揭示", "已抽取", "检查中", "结果已录入", "已公示"};

const char *const fz_inspect_results[] = {
    "未发现问题",
    "未按规定公示应当公示的信息",
    "公示信息隐瞒真实情况弄虚作假",
    "发现问题已责令改正",
    "发现问题待后续处理",
    "不配合检查情节严重",
    "未发现开展本次抽查涉及的经营活动",
    "通过登记的住所(经营场所)无法联系",
    NULL};

const char *fz_plan_status_name(fz_plan_status s) {
  return (unsigned)s < FZ_PLAN__COUNT ? status_names[s] : "?";
}

const char *fz_plan_status_label(fz_plan_status s) {
  return (unsigned)s < FZ_PLAN__COUNT ? status_labels[s] : "?";
}

fz_err fz_plan_status_parse(const char *name, fz_plan_status *s,
                            fz_error *err) {
  for (int i = 0; i < FZ_PLAN__COUNT; i++)
    if (name && (strcmp(name, status_names[i]) == 0 ||
                 strcmp(name, status_labels[i]) == 0)) {
      *s = (fz_plan_status)i;
      return FZ_OK;
    }
  return fz_error_set(err, FZ_INVALID, "status",
                      "计划状态应为 draft、committed、revealed、drawn、"
                      "in_progress、results_recorded 或 published / unknown "
                      "plan status \"%s\"", name ? name : "");
}

/* ---- Small shared helpers --------------------------------------------- */

void fz_inspect_hex(const uint8_t b[32], char out[65]) { fz_hash_hex(b, out); }

fz_err fz_inspect_unhex(const char *hex, const char *field, uint8_t b[32],
                        fz_error *err) {
  if (fz_hash_from_hex(hex, b)) return FZ_OK;
  return fz_error_set(err, FZ_INVALID, field,
                      "%s 应为 64 位十六进制数（32 字节） / %s must be 64 "
                      "hex digits (32 bytes)", field, field);
}

fz_err fz_inspect_event(fz_db *db, const fz_principal *by, const char *action,
                        const char *object, int64_t id, json_t *data,
                        int64_t now, uint64_t *seq, fz_error *err) {
  return fz_ledger_append_about(db, by->actor, action, object, id, data, now,
                                seq, err);
}

fz_err fz_plan_departments_json(fz_db *db, int64_t plan, json_t *a,
                                fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT d.id, d.name FROM plan_departments "
                            "pd JOIN departments d ON d.id = pd.department_id "
                            "WHERE pd.plan_id = ? ORDER BY pd.position", &st,
                            err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, plan);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    json_array_append_new(a, json_pack("{s:I, s:s}", "id",
                                       (json_int_t)fz_stmt_column_int64(st, 0),
                                       "name", fz_stmt_column_text(st, 1)));
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_inspect_officer_of(fz_db *db, const fz_principal *by,
                             int64_t *officer_id, fz_error *err) {
  *officer_id = 0;
  if (by->cli || !by->scope.user_id) return FZ_OK;
  return fz_query_int(db, "SELECT id FROM officers WHERE user_id = ? AND "
                        "active = 1 AND auxiliary = 0", &by->scope.user_id, 1,
                        0, officer_id, err);
}

fz_err fz_plan_scope_sql(fz_db *db, const fz_principal *by,
                         const char *plan_column, fz_buf *sql,
                         const char **binds, int *nbind, char *store,
                         size_t store_size, fz_error *err) {
  if (by->cli) return FZ_OK;
  /* The user id as text in the first bytes of store; the departments'
   * restriction keeps the rest. */
  snprintf(store, 24, "%lld", (long long)by->scope.user_id);
  binds[(*nbind)++] = store;
  fz_buf_printf(sql, " AND (%s IN (SELECT pp.plan_id FROM plan_participants "
                "pp WHERE pp.user_id = ?)", plan_column);
  /* Without business data (三员) only the plans one takes part in. */
  if (!fz_role_can(by->scope.roles, FZ_PERM_READ_BUSINESS)) {
    fz_buf_puts(sql, ")");
    return FZ_OK;
  }
  fz_buf_printf(sql, " OR %s IN (SELECT pd.plan_id FROM plan_departments pd "
                "WHERE 1 = 1", plan_column);
  fz_err rc = fz_reg_scope_departments(db, &by->scope, "pd.department_id",
                                       sql, binds, nbind, store + 24,
                                       store_size - 24, err);
  fz_buf_puts(sql, "))");
  return rc;
}

/* ---- Loading ----------------------------------------------------------- */

#define PLAN_COLUMNS                                                         \
  "p.id, p.name, p.year, p.lead_department_id, p.items, p.pool_region, "     \
  "p.pool_kind, p.pool_industry, p.pool_status, p.stratify_by, "             \
  "p.team_size, p.officer_cap, p.entity_cap, p.inspector_area, "             \
  "p.window_from, p.window_to, p.public_value_source, p.public_value, "      \
  "p.status, p.commit_seq, p.commit_leaf, p.seed, p.publish_due, "           \
  "p.published_at, p.created_at, p.updated_at"

static void copy_col(fz_stmt *st, int col, char *dst, size_t size) {
  const char *s = fz_stmt_column_text(st, col);
  snprintf(dst, size, "%s", s ? s : "");
}

static void read_row(fz_stmt *st, fz_plan_row *p) {
  memset(p, 0, sizeof *p);
  p->id = fz_stmt_column_int64(st, 0);
  copy_col(st, 1, p->name, sizeof p->name);
  p->year = (int)fz_stmt_column_int64(st, 2);
  p->lead = fz_stmt_column_int64(st, 3);
  copy_col(st, 4, p->items, sizeof p->items);
  copy_col(st, 5, p->pool_region, sizeof p->pool_region);
  copy_col(st, 6, p->pool_kind, sizeof p->pool_kind);
  copy_col(st, 7, p->pool_industry, sizeof p->pool_industry);
  copy_col(st, 8, p->pool_status, sizeof p->pool_status);
  copy_col(st, 9, p->stratify_by, sizeof p->stratify_by);
  p->team_size = (int)fz_stmt_column_int64(st, 10);
  p->officer_cap = (int)fz_stmt_column_int64(st, 11);
  p->entity_cap = (int)fz_stmt_column_int64(st, 12);
  copy_col(st, 13, p->inspector_area, sizeof p->inspector_area);
  copy_col(st, 14, p->window_from, sizeof p->window_from);
  copy_col(st, 15, p->window_to, sizeof p->window_to);
  copy_col(st, 16, p->public_value_source, sizeof p->public_value_source);
  p->has_public_value = !fz_stmt_column_is_null(st, 17);
  copy_col(st, 17, p->public_value, sizeof p->public_value);
  fz_plan_status s = FZ_PLAN_DRAFT;
  fz_plan_status_parse(fz_stmt_column_text(st, 18), &s, NULL);
  p->status = s;
  p->commit_seq = fz_stmt_column_is_null(st, 19) ? -1
                                                  : fz_stmt_column_int64(st, 19);
  copy_col(st, 20, p->commit_leaf, sizeof p->commit_leaf);
  copy_col(st, 21, p->seed, sizeof p->seed);
  copy_col(st, 22, p->publish_due, sizeof p->publish_due);
  p->published_at = fz_stmt_column_int64(st, 23);
  p->created_at = fz_stmt_column_int64(st, 24);
  p->updated_at = fz_stmt_column_int64(st, 25);
}

static fz_err load(fz_db *db, const fz_principal *by, int64_t id,
                   fz_plan_row *p, fz_error *err) {
  fz_buf sql;
  fz_buf_init(&sql, 1 << 14);
  fz_qparams q = {0};
  char store[512];
  fz_buf_puts(&sql, "SELECT " PLAN_COLUMNS " FROM plans p WHERE p.id = ?");
  fz_qp_num(&q, id);
  fz_err rc = by ? fz_plan_scope_sql(db, by, "p.id", &sql, q.text, &q.n,
                                     store, sizeof store, err)
                 : FZ_OK;
  fz_stmt *st = NULL;
  if (rc) fz_buf_free(&sql);
  else rc = fz_query_prepare(db, &sql, &q, &st, err);
  if (rc) return rc;
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) read_row(st, p);
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "id", "抽查计划 %lld 不存在 / no "
                        "plan %lld", (long long)id, (long long)id);
  if (r != FZ_STEP_ROW) return (fz_err)r;
  rc = fz_db_prepare(db, "SELECT department_id FROM plan_departments WHERE "
                     "plan_id = ? ORDER BY position", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    if (p->ndepartments < FZ_DRAW_MAX_DEPARTMENTS)
      p->departments[p->ndepartments++] = fz_stmt_column_int64(st, 0);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_plan_load(fz_db *db, const fz_principal *by, int64_t id,
                    fz_plan_row *p, fz_error *err) {
  return load(db, by, id, p, err);
}

fz_err fz_plan_load_any(fz_db *db, int64_t id, fz_plan_row *p,
                        fz_error *err) {
  return load(db, NULL, id, p, err);
}

/* 1 in *yes if department lies in by's scope. */
static fz_err department_visible(fz_db *db, const fz_principal *by,
                                 int64_t department, int *yes,
                                 fz_error *err) {
  json_t *o = NULL;
  fz_error e;
  fz_err rc = fz_reg_get(db, by, FZ_REG_DEPARTMENT, department, FZ_VIEW_FULL,
                         &o, &e);
  json_decref(o);
  *yes = rc == FZ_OK;
  if (rc && rc != FZ_NOTFOUND) *err = e;
  return rc == FZ_NOTFOUND ? FZ_OK : rc;
}

fz_err fz_plan_require_head(fz_db *db, const fz_principal *by,
                            const fz_plan_row *p, fz_error *err) {
  if (by->cli) return FZ_OK;
  int yes = 0;
  if (fz_role_can(by->scope.roles, FZ_PERM_APPROVE_CASE)) {
    fz_err rc = department_visible(db, by, p->lead, &yes, err);
    if (rc) return rc;
  }
  if (!yes)
    return fz_error_set(err, FZ_FORBIDDEN, "plan",
                        "只有牵头执法主体的部门负责人可以办理此步骤 / only a "
                        "head (部门负责人) of the plan's lead department may do "
                        "this");
  return FZ_OK;
}

fz_err fz_plan_require_status(const fz_plan_row *p, fz_plan_status want,
                              const char *step, fz_error *err) {
  if (p->status == want) return FZ_OK;
  return fz_error_set(err, FZ_CONFLICT, "status",
                      "抽查计划当前为「%s」，%s须在「%s」状态下进行 / the plan "
                      "is %s; %s needs it %s",
                      fz_plan_status_label(p->status), step,
                      fz_plan_status_label(want),
                      fz_plan_status_name(p->status), step,
                      fz_plan_status_name(want));
}

fz_err fz_plan_set_status(fz_db *db, int64_t id, fz_plan_status s,
                          int64_t now, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "UPDATE plans SET status = ?, updated_at = ? "
                            "WHERE id = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, fz_plan_status_name(s), -1);
  fz_stmt_bind_int64(st, 2, now);
  fz_stmt_bind_int64(st, 3, id);
  int r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* ---- The specification of a draft ------------------------------------- */

/* A checked specification. */
typedef struct spec {
  json_t *norm; /* the normal form, recorded in the ledger */
  const char *name, *pool_region, *pool_kind, *pool_industry, *pool_status;
  const char *stratify_by, *inspector_area, *window_from, *window_to;
  const char *public_value_source;
  char items[1024];
  int64_t deps[FZ_DRAW_MAX_DEPARTMENTS];
  size_t ndeps;
  int64_t parts[FZ_DRAW_MAX_SECRETS];
  char labels[FZ_DRAW_MAX_SECRETS][96];
  size_t nparts;
  int team_size, officer_cap, entity_cap, year;
} spec;

static const char *const stratify_names[] = {"credit_grade", "risk_level",
                                             "none", NULL};

static const fz_json_field spec_fields[] = {
    {"name", FZ_JSON_STRING, 1, 200},
    {"departments", FZ_JSON_ARRAY, 1, 0},
    {"items", FZ_JSON_ARRAY, 1, 0},
    {"pool_region", FZ_JSON_STRING, 0, 12},
    {"pool_kind", FZ_JSON_STRING, 0, 32},
    {"pool_industry", FZ_JSON_STRING, 0, 8},
    {"pool_status", FZ_JSON_STRING, 0, 16},
    {"stratify_by", FZ_JSON_STRING, 1, 16},
    {"strata", FZ_JSON_ARRAY, 1, 0},
    {"team_size", FZ_JSON_INTEGER, 0, 0},
    {"officer_cap", FZ_JSON_INTEGER, 0, 0},
    {"entity_cap", FZ_JSON_INTEGER, 0, 0},
    {"inspector_area", FZ_JSON_STRING, 0, 60},
    {"window_from", FZ_JSON_STRING, 1, 10},
    {"window_to", FZ_JSON_STRING, 1, 10},
    {"participants", FZ_JSON_ARRAY, 1, 0},
    {"public_value_source", FZ_JSON_STRING, 0, 500},
};
#define NSPEC (sizeof spec_fields / sizeof spec_fields[0])

static const char *str_or(const json_t *o, const char *key, const char *dflt) {
  const json_t *v = json_object_get(o, key);
  return json_is_string(v) ? json_string_value(v) : dflt;
}

/* Checks a registry value of field name of kind k (normalising it). */
static fz_err reg_value(fz_reg_kind k, const char *name, const char *field,
                        const char *in, char *buf, size_t size,
                        const char **out, fz_error *err) {
  /* "" is "any" (no filter), though the entity's own field requires a
   * value. */
  if (!in || !*in) {
    *out = "";
    return FZ_OK;
  }
  int i = fz_reg_field_find(k, name);
  fz_err rc = fz_reg_value_check(k, (size_t)i, in, buf, size, out, err);
  if (rc) snprintf(err->field, sizeof err->field, "%s", field);
  return rc;
}

/* A list of distinct positive ids (1..max). */
static fz_err id_list(const json_t *a, const char *field, size_t max,
                      int64_t *ids, size_t *n, fz_error *err) {
  size_t count = json_array_size(a);
  if (count < 1 || count > max)
    return fz_error_set(err, FZ_INVALID, field, "%s 应有 1 至 %zu 项 / %s "
                        "takes 1 to %zu entries", field, max, field, max);
  for (size_t i = 0; i < count; i++) {
    const json_t *v = json_array_get(a, i);
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
      return fz_error_set(err, FZ_TYPE, field, "%s[%zu] 应为正整数 ID / "
                          "%s[%zu] must be a positive id", field, i, field, i);
    ids[i] = json_integer_value(v);
    for (size_t j = 0; j < i; j++)
      if (ids[j] == ids[i])
        return fz_error_set(err, FZ_INVALID, field, "%s 中 %lld 重复 / %lld "
                            "appears twice in %s", field, (long long)ids[i],
                            (long long)ids[i], field);
  }
  *n = count;
  return FZ_OK;
}

/* The departments: active, the lead in by's scope, the others in its
 * region; their kinds into kinds (';' around each) and the lead's region. */
static fz_err check_departments(fz_db *db, const fz_principal *by, spec *s,
                                char *kinds, size_t kinds_size,
                                char *lead_region, fz_error *err) {
  size_t used = 0;
  kinds[used++] = ';';
  kinds[used] = 0;
  for (size_t i = 0; i < s->ndeps; i++) {
    fz_stmt *st;
    fz_err rc = fz_db_prepare(db, "SELECT kind, region_code FROM departments "
                              "WHERE id = ? AND active = 1", &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, s->deps[i]);
    int r = fz_stmt_step(st, err);
    char kind[64] = "", region[16] = "";
    if (r == FZ_STEP_ROW) {
      copy_col(st, 0, kind, sizeof kind);
      copy_col(st, 1, region, sizeof region);
    }
    fz_stmt_finalize(st);
    if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
    int yes = r == FZ_STEP_ROW;
    if (yes && i == 0) {
      rc = department_visible(db, by, s->deps[i], &yes, err);
      if (rc) return rc;
    } else if (yes) {
      yes = by->cli || fz_scope_allows_region(&by->scope, region);
    }
    if (!yes)
      return fz_error_set(err, FZ_INVALID, "departments",
                          "执法主体 %lld 不存在、已停用或不在您的范围内 / no "
                          "active department %lld in your scope",
                          (long long)s->deps[i], (long long)s->deps[i]);
    if (i == 0) snprintf(lead_region, 16, "%s", region);
    int n = snprintf(kinds + used, kinds_size - used, "%s;", kind);
    if (n > 0 && (size_t)n < kinds_size - used) used += (size_t)n;
  }
  return FZ_OK;
}

/* The items: active 抽查事项 of one of the departments' kinds. */
static fz_err check_items(fz_db *db, const json_t *a, const char *kinds,
                          spec *s, fz_error *err) {
  size_t count = json_array_size(a), used = 0;
  if (count < 1 || count > 32)
    return fz_error_set(err, FZ_INVALID, "items", "抽查事项应有 1 至 32 项 / "
                        "items takes 1 to 32 codes");
  for (size_t i = 0; i < count; i++) {
    const json_t *v = json_array_get(a, i);
    if (!json_is_string(v))
      return fz_error_set(err, FZ_TYPE, "items", "items[%zu] 应为事项编码 / "
                          "items[%zu] must be a code", i, i);
    const char *code = json_string_value(v);
    fz_stmt *st;
    fz_err rc = fz_db_prepare(db, "SELECT department_kind FROM items WHERE "
                              "code = ? AND active = 1", &st, err);
    if (rc) return rc;
    fz_stmt_bind_text(st, 1, code, -1);
    int r = fz_stmt_step(st, err);
    char kind[72] = "";
    if (r == FZ_STEP_ROW) {
      const char *k = fz_stmt_column_text(st, 0);
      snprintf(kind, sizeof kind, ";%s;", k ? k : "");
    }
    fz_stmt_finalize(st);
    if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
    if (r == FZ_STEP_DONE)
      return fz_error_set(err, FZ_INVALID, "items", "抽查事项 %s 不存在或已停用"
                          " / no active inspection item %s", code, code);
    if (!strstr(kinds, kind))
      return fz_error_set(err, FZ_INVALID, "items", "抽查事项 %s 不属于本计划"
                          "任何执法主体的领域 / item %s belongs to none of the "
                          "plan's departments' kinds", code, code);
    char listed[sizeof s->items + 2], wanted[80];
    snprintf(listed, sizeof listed, ";%s;", s->items);
    snprintf(wanted, sizeof wanted, ";%s;", code);
    if (strstr(listed, wanted) || used + strlen(code) + 2 > sizeof s->items)
      return fz_error_set(err, FZ_INVALID, "items", "抽查事项 %s 重复或过多 / "
                          "item %s repeated, or too many", code, code);
    used += (size_t)snprintf(s->items + used, sizeof s->items - used, "%s%s",
                             i ? ";" : "", code);
  }
  return FZ_OK;
}

/* The strata: keys valid for stratify_by and distinct; each a ratio
 * (decimal text in [0, 1]) or a count ≥ 0. */
static fz_err check_strata(const json_t *a, const char *by_field,
                           json_t *norm, fz_error *err) {
  static const char *const grades[] = {"A", "B", "C", "D", FZ_INSPECT_UNRATED,
                                       NULL};
  static const char *const risks[] = {"低", "一般", "较高", "高",
                                      FZ_INSPECT_UNRATED, NULL};
  static const char *const all[] = {"全部", NULL};
  const char *const *keys = strcmp(by_field, "credit_grade") == 0 ? grades
                            : strcmp(by_field, "risk_level") == 0 ? risks
                                                                  : all;
  size_t count = json_array_size(a);
  if (count < 1 || count > FZ_DRAW_MAX_STRATA || (keys == all && count != 1))
    return fz_error_set(err, FZ_INVALID, "strata", "分层应有 1 至 %d 层（不分层"
                        "时恰 1 层「全部」） / strata takes 1 to %d entries "
                        "(exactly one, \"全部\", without stratification)",
                        FZ_DRAW_MAX_STRATA, FZ_DRAW_MAX_STRATA);
  json_t *out = json_array();
  for (size_t i = 0; i < count; i++) {
    const json_t *o = json_array_get(a, i);
    const json_t *key = json_object_get(o, "key");
    const json_t *ratio = json_object_get(o, "ratio");
    const json_t *cnt = json_object_get(o, "count");
    char field[32];
    snprintf(field, sizeof field, "strata[%zu]", i);
    if (!json_is_object(o) || !json_is_string(key) ||
        json_object_size(o) != 2 || !ratio == !cnt) {
      json_decref(out);
      return fz_error_set(err, FZ_TYPE, field, "每层应为 {\"key\", \"ratio\"} "
                          "或 {\"key\", \"count\"} / each stratum is {key, "
                          "ratio} or {key, count}");
    }
    const char *k = json_string_value(key);
    int known = 0;
    for (size_t j = 0; keys[j]; j++) known |= strcmp(keys[j], k) == 0;
    for (size_t j = 0; j < i; j++)
      if (strcmp(str_or(json_array_get(a, j), "key", ""), k) == 0) known = 0;
    size_t n;
    fz_error e;
    fz_err rc = FZ_OK;
    if (!known)
      rc = fz_error_set(err, FZ_INVALID, field, "分层「%s」不是 %s 的取值或重复"
                        " / stratum key \"%s\" is not a value of %s, or "
                        "repeats", k, by_field, k, by_field);
    else if (ratio && !json_is_string(ratio))
      rc = fz_error_set(err, FZ_TYPE, field, "抽查比例应为小数字符串，如 "
                        "\"0.05\" / ratio is a decimal string such as \"0.05\"");
    else if (cnt && (!json_is_integer(cnt) || json_integer_value(cnt) < 0 ||
                     json_integer_value(cnt) > 100000000))
      rc = fz_error_set(err, FZ_INVALID, field, "抽查数量应为非负整数 / count "
                        "must be a non-negative integer");
    else if (ratio && fz_draw_take(-1, json_string_value(ratio), 0, &n, &e))
      rc = fz_error_set(err, FZ_INVALID, field, "%s", e.message);
    if (rc) {
      json_decref(out);
      return rc;
    }
    json_array_append_new(out, json_deep_copy(o));
  }
  json_object_set_new(norm, "strata", out);
  return FZ_OK;
}

/* The participants: active business users; one of a plan department, one
 * supervisor (司法局).  Labels say the role, never the person's name. */
static fz_err check_participants(fz_db *db, spec *s, fz_error *err) {
  int has_dept = 0, has_supervisor = 0;
  for (size_t i = 0; i < s->nparts; i++) {
    fz_stmt *st;
    fz_err rc = fz_db_prepare(db, "SELECT roles, department_id FROM users "
                              "WHERE id = ? AND status = 'active'", &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, s->parts[i]);
    int r = fz_stmt_step(st, err);
    fz_roles roles = 0;
    int64_t dep = 0;
    if (r == FZ_STEP_ROW) {
      roles = (fz_roles)fz_stmt_column_int64(st, 0);
      dep = fz_stmt_column_int64(st, 1);
    }
    fz_stmt_finalize(st);
    if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
    static const fz_role order[] = {FZ_ROLE_SUPERVISOR,
                                    FZ_ROLE_SOCIAL_SUPERVISOR,
                                    FZ_ROLE_DEPT_HEAD, FZ_ROLE_OFFICER};
    const char *label = NULL;
    for (size_t j = 0; !label && j < 4; j++)
      if (roles & FZ_ROLE_BIT(order[j])) label = fz_role_label(order[j]);
    if (!label || (roles & FZ_ROLES_ADMIN))
      return fz_error_set(err, FZ_INVALID, "participants",
                          "参与人 %lld 不是在用的业务账号（执法监督员、社会监督员"
                          "、部门负责人或执法人员） / participant %lld is no "
                          "active business account", (long long)s->parts[i],
                          (long long)s->parts[i]);
    if (roles & FZ_ROLE_BIT(FZ_ROLE_SUPERVISOR)) has_supervisor = 1;
    for (size_t j = 0; j < s->ndeps; j++)
      if (dep == s->deps[j] && (roles & (FZ_ROLE_BIT(FZ_ROLE_DEPT_HEAD) |
                                         FZ_ROLE_BIT(FZ_ROLE_OFFICER))))
        has_dept = 1;
    snprintf(s->labels[i], sizeof s->labels[i], "%s user:%lld", label,
             (long long)s->parts[i]);
  }
  if (!has_dept || !has_supervisor)
    return fz_error_set(err, FZ_INVALID, "participants",
                        "参与人须至少包括本计划执法主体的一名人员和一名执法监督员"
                        "（司法局） / participants need someone of a plan "
                        "department and a supervisor (司法局)");
  return FZ_OK;
}

/* The pool region by default: the lead department's code without its
 * trailing "00" pairs (210100 → 2101, the city with its counties). */
static void default_region(const char *code, char *out, size_t size) {
  size_t len = strlen(code);
  while (len > 2 && code[len - 1] == '0' && code[len - 2] == '0') len -= 2;
  snprintf(out, size, "%.*s", (int)len, code);
}

static fz_err check_spec(fz_db *db, const fz_principal *by, const json_t *in,
                         spec *s, fz_error *err) {
  memset(s, 0, sizeof *s);
  fz_err rc = fz_json_check(in, spec_fields, NSPEC, err);
  if (rc) return rc;
  s->norm = json_deep_copy(in);
  if (!s->norm) return fz_error_set(err, FZ_NOMEM, "", NULL);
  json_t *n = s->norm;
  s->name = str_or(in, "name", "");
  if (!*s->name)
    return fz_error_set(err, FZ_MISSING, "name", "计划名称不能为空 / name is "
                        "empty");
  rc = id_list(json_object_get(in, "departments"), "departments",
               FZ_DRAW_MAX_DEPARTMENTS, s->deps, &s->ndeps, err);
  char kinds[1024], lead_region[16] = "";
  if (!rc) rc = check_departments(db, by, s, kinds, sizeof kinds, lead_region,
                                  err);
  if (!rc) rc = check_items(db, json_object_get(in, "items"), kinds, s, err);
  if (rc) return rc;
  json_object_set_new(n, "items", json_array());
  for (char *save = NULL, *copy = strdup(s->items), *t = strtok_r(copy, ";", &save);
       t || (free(copy), 0); t = strtok_r(NULL, ";", &save))
    json_array_append_new(json_object_get(n, "items"), json_string(t));

  /* The pool. */
  char region[16];
  default_region(lead_region, region, sizeof region);
  s->pool_region = str_or(in, "pool_region", region);
  size_t rl = strlen(s->pool_region);
  if ((rl != 2 && rl != 4 && rl != 6) ||
      strspn(s->pool_region, "0123456789") != rl ||
      (!by->cli && strncmp(s->pool_region, by->scope.region_prefix,
                           strlen(by->scope.region_prefix)) != 0 &&
       strncmp(by->scope.region_prefix, s->pool_region, rl) != 0))
    return fz_error_set(err, FZ_INVALID, "pool_region", "抽查对象的行政区划应为"
                        " 2、4 或 6 位代码前缀且在您的范围内 / pool_region is a "
                        "2-, 4- or 6-digit GB/T 2260 prefix within your scope");
  if (!by->cli && strlen(by->scope.region_prefix) > rl)
    s->pool_region = by->scope.region_prefix; /* never wider than the scope */
  json_object_set_new(n, "pool_region", json_string(s->pool_region));
  char kb[64], ib[16], sb[32];
  const char *v;
  v = "";
  rc = *str_or(in, "pool_kind", "")
           ? reg_value(FZ_REG_ENTITY, "kind", "pool_kind",
                       str_or(in, "pool_kind", ""), kb, sizeof kb, &v, err)
           : FZ_OK;
  if (rc) return rc;
  json_object_set_new(n, "pool_kind", json_string(v));
  v = "";
  rc = *str_or(in, "pool_industry", "")
           ? reg_value(FZ_REG_ENTITY, "industry", "pool_industry",
                       str_or(in, "pool_industry", ""), ib, sizeof ib, &v, err)
           : FZ_OK;
  if (rc) return rc;
  json_object_set_new(n, "pool_industry", json_string(v));
  rc = reg_value(FZ_REG_ENTITY, "status", "pool_status",
                 str_or(in, "pool_status", "存续"), sb, sizeof sb, &v, err);
  if (rc) return rc;
  json_object_set_new(n, "pool_status", json_string(*v ? v : "存续"));
  s->pool_kind = json_string_value(json_object_get(n, "pool_kind"));
  s->pool_industry = json_string_value(json_object_get(n, "pool_industry"));
  s->pool_status = json_string_value(json_object_get(n, "pool_status"));

  /* Strata. */
  s->stratify_by = str_or(in, "stratify_by", "");
  int known = 0;
  for (size_t i = 0; stratify_names[i]; i++)
    known |= strcmp(stratify_names[i], s->stratify_by) == 0;
  if (!known)
    return fz_error_set(err, FZ_INVALID, "stratify_by", "分层依据应为 "
                        "credit_grade（信用等级）、risk_level（风险等级）或 none"
                        " / stratify_by is credit_grade, risk_level or none");
  rc = check_strata(json_object_get(in, "strata"), s->stratify_by, n, err);
  if (rc) return rc;

  /* Teams and caps. */
  const json_t *t = json_object_get(in, "team_size");
  json_int_t team = t ? json_integer_value(t) : 2;
  if (team < 2 || team > FZ_DRAW_MAX_TEAM)
    return fz_error_set(err, FZ_INVALID, "team_size", "检查组至少 2 名执法人员"
                        "（《行政处罚法》第四十二条），至多 %d 名 / a team has "
                        "at least 2 officers (行政处罚法 Art. 42), at most %d",
                        FZ_DRAW_MAX_TEAM, FZ_DRAW_MAX_TEAM);
  if ((size_t)team < s->ndeps)
    return fz_error_set(err, FZ_INVALID, "team_size", "联合抽查每个执法主体至少"
                        "派 1 人，检查组不能少于 %zu 人 / a joint plan takes one "
                        "officer per department: at least %zu", s->ndeps,
                        s->ndeps);
  s->team_size = (int)team;
  t = json_object_get(in, "officer_cap");
  json_int_t cap = t ? json_integer_value(t) : 0;
  if (cap < 0 || cap > 100000)
    return fz_error_set(err, FZ_INVALID, "officer_cap", "每名执法人员任务上限"
                        "应在 0（自动）至 100000 之间 / officer_cap is 0 (auto) "
                        "to 100000");
  s->officer_cap = (int)cap;
  t = json_object_get(in, "entity_cap");
  json_int_t ecap = t ? json_integer_value(t) : 1;
  if (ecap < 1 || ecap > 100)
    return fz_error_set(err, FZ_INVALID, "entity_cap", "同一对象每年每部门抽查"
                        "次数上限应在 1 至 100 之间 / entity_cap is 1 to 100");
  s->entity_cap = (int)ecap;
  json_object_set_new(n, "team_size", json_integer(team));
  json_object_set_new(n, "officer_cap", json_integer(cap));
  json_object_set_new(n, "entity_cap", json_integer(ecap));
  s->inspector_area = str_or(in, "inspector_area", "");
  json_object_set_new(n, "inspector_area", json_string(s->inspector_area));

  /* The window. */
  s->window_from = str_or(in, "window_from", "");
  s->window_to = str_or(in, "window_to", "");
  fz_date d1, d2;
  char f1[FZ_DATE_BUF], f2[FZ_DATE_BUF];
  rc = fz_date_parse(s->window_from, &d1, err);
  if (rc) {
    snprintf(err->field, sizeof err->field, "window_from");
    return rc;
  }
  rc = fz_date_parse(s->window_to, &d2, err);
  if (rc) {
    snprintf(err->field, sizeof err->field, "window_to");
    return rc;
  }
  fz_date_format(d1, f1);
  fz_date_format(d2, f2);
  if (fz_date_cmp(d1, d2) > 0)
    return fz_error_set(err, FZ_INVALID, "window_to", "检查期限止 %s 早于起 %s "
                        "/ the window ends before it starts", f2, f1);
  s->year = d1.y;
  json_object_set_new(n, "window_from", json_string(f1));
  json_object_set_new(n, "window_to", json_string(f2));
  s->window_from = json_string_value(json_object_get(n, "window_from"));
  s->window_to = json_string_value(json_object_get(n, "window_to"));

  /* Participants and the public value. */
  rc = id_list(json_object_get(in, "participants"), "participants",
               FZ_DRAW_MAX_SECRETS, s->parts, &s->nparts, err);
  if (!rc) rc = check_participants(db, s, err);
  if (rc) return rc;
  const json_t *pv = json_object_get(in, "public_value_source");
  s->public_value_source = json_is_string(pv) ? json_string_value(pv) : "";
  json_object_set_new(n, "public_value_source",
                      *s->public_value_source
                          ? json_string(s->public_value_source)
                          : json_null());
  s->public_value_source =
      *s->public_value_source
          ? json_string_value(json_object_get(n, "public_value_source"))
          : "";
  s->name = json_string_value(json_object_get(n, "name"));
  s->stratify_by = json_string_value(json_object_get(n, "stratify_by"));
  s->inspector_area = json_string_value(json_object_get(n, "inspector_area"));
  s->pool_region = json_string_value(json_object_get(n, "pool_region"));
  return FZ_OK;
}

/* Writes s's rows for plan id: the plan's columns, its departments,
 * strata and (when parts) participants. */
static fz_err write_spec(fz_db *db, int64_t id, const spec *s, int creating,
                         int parts, const fz_principal *by, int64_t now,
                         fz_error *err) {
  fz_stmt *st;
  const char *sql =
      creating
          ? "INSERT INTO plans (name, year, lead_department_id, items, "
            "pool_region, pool_kind, pool_industry, pool_status, stratify_by, "
            "team_size, officer_cap, entity_cap, inspector_area, window_from, "
            "window_to, public_value_source, status, excluded_at_cap, "
            "created_by, created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', 0, ?, ?, ?, ?)"
          : "UPDATE plans SET name = ?, year = ?, lead_department_id = ?, "
            "items = ?, pool_region = ?, pool_kind = ?, pool_industry = ?, "
            "pool_status = ?, stratify_by = ?, team_size = ?, officer_cap = ?, "
            "entity_cap = ?, inspector_area = ?, window_from = ?, window_to = "
            "?, public_value_source = ?, updated_at = ? WHERE id = ?";
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  int i = 1;
  fz_stmt_bind_text(st, i++, s->name, -1);
  fz_stmt_bind_int64(st, i++, s->year);
  fz_stmt_bind_int64(st, i++, s->deps[0]);
  fz_stmt_bind_text(st, i++, s->items, -1);
  fz_stmt_bind_text(st, i++, s->pool_region, -1);
  fz_stmt_bind_text(st, i++, s->pool_kind, -1);
  fz_stmt_bind_text(st, i++, s->pool_industry, -1);
  fz_stmt_bind_text(st, i++, s->pool_status, -1);
  fz_stmt_bind_text(st, i++, s->stratify_by, -1);
  fz_stmt_bind_int64(st, i++, s->team_size);
  fz_stmt_bind_int64(st, i++, s->officer_cap);
  fz_stmt_bind_int64(st, i++, s->entity_cap);
  fz_stmt_bind_text(st, i++, s->inspector_area, -1);
  fz_stmt_bind_text(st, i++, s->window_from, -1);
  fz_stmt_bind_text(st, i++, s->window_to, -1);
  fz_stmt_bind_text(st, i++, s->public_value_source, -1);
  if (creating) {
    fz_stmt_bind_int64(st, i++, by->scope.user_id);
    fz_stmt_bind_int64(st, i++, now);
  }
  fz_stmt_bind_int64(st, i++, now);
  fz_stmt_bind_int64(st, i++, id);
  int r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) return (fz_err)r;

  /* Children: replaced as a whole while the plan is a draft. */
  static const char *const clear[] = {
      "DELETE FROM plan_departments WHERE plan_id = ?",
      "DELETE FROM plan_strata WHERE plan_id = ?",
      "DELETE FROM plan_participants WHERE plan_id = ?"};
  for (size_t c = 0; c < (parts ? 3u : 2u); c++) {
    rc = fz_db_prepare(db, clear[c], &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, id);
    r = fz_stmt_step(st, err);
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE) return (fz_err)r;
  }
  for (size_t d = 0; d < s->ndeps; d++) {
    rc = fz_db_prepare(db, "INSERT INTO plan_departments (plan_id, position, "
                       "department_id) VALUES (?, ?, ?)", &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, id);
    fz_stmt_bind_int64(st, 2, (int64_t)d);
    fz_stmt_bind_int64(st, 3, s->deps[d]);
    r = fz_stmt_step(st, err);
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE) return (fz_err)r;
  }
  const json_t *strata = json_object_get(s->norm, "strata");
  for (size_t k = 0; k < json_array_size(strata); k++) {
    const json_t *o = json_array_get(strata, k);
    rc = fz_db_prepare(db, "INSERT INTO plan_strata (plan_id, position, key, "
                       "ratio, count) VALUES (?, ?, ?, ?, ?)", &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, id);
    fz_stmt_bind_int64(st, 2, (int64_t)k);
    fz_stmt_bind_text(st, 3, str_or(o, "key", ""), -1);
    const json_t *ratio = json_object_get(o, "ratio");
    const json_t *cnt = json_object_get(o, "count");
    if (ratio) fz_stmt_bind_text(st, 4, json_string_value(ratio), -1);
    else fz_stmt_bind_null(st, 4);
    if (cnt) fz_stmt_bind_int64(st, 5, json_integer_value(cnt));
    else fz_stmt_bind_null(st, 5);
    r = fz_stmt_step(st, err);
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE) return (fz_err)r;
  }
  for (size_t p = 0; parts && p < s->nparts; p++) {
    rc = fz_db_prepare(db, "INSERT INTO plan_participants (plan_id, position, "
                       "user_id, label) VALUES (?, ?, ?, ?)", &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, id);
    fz_stmt_bind_int64(st, 2, (int64_t)p);
    fz_stmt_bind_int64(st, 3, s->parts[p]);
    fz_stmt_bind_text(st, 4, s->labels[p], -1);
    r = fz_stmt_step(st, err);
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE) return (fz_err)r;
  }
  return FZ_OK;
}

fz_err fz_plan_create(fz_db *db, const fz_principal *by, const json_t *in,
                      int64_t now, int64_t *id, fz_error *err) {
  if (!by->cli && !fz_role_can(by->scope.roles, FZ_PERM_APPROVE_CASE))
    return fz_error_set(err, FZ_FORBIDDEN, "plan", "只有部门负责人可以制定抽查"
                        "计划 / only a head (部门负责人) makes plans");
  spec s;
  fz_err rc = check_spec(db, by, in, &s, err);
  if (!rc) rc = fz_query_int(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM "
                               "plans", NULL, 0, 1, id, err);
  if (!rc) rc = write_spec(db, *id, &s, 1, 1, by, now, err);
  if (!rc) {
    json_t *data = s.norm;
    s.norm = NULL;
    rc = fz_inspect_event(db, by, "plan.create", "plan", *id, data, now,
                          NULL, err);
  }
  json_decref(s.norm);
  return rc;
}

/* The specification of a stored plan, in the form check_spec reads. */
static json_t *spec_of(fz_db *db, const fz_plan_row *p, fz_error *err) {
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s, "
                        "s:s, s:s}", "name", p->name, "pool_region",
                        p->pool_region, "pool_kind", p->pool_kind,
                        "pool_industry", p->pool_industry, "pool_status",
                        p->pool_status, "stratify_by", p->stratify_by,
                        "team_size", p->team_size, "officer_cap",
                        p->officer_cap, "entity_cap", p->entity_cap,
                        "inspector_area", p->inspector_area, "window_from",
                        p->window_from, "window_to", p->window_to);
  if (!o) return NULL;
  json_object_set_new(o, "public_value_source",
                      p->public_value_source[0]
                          ? json_string(p->public_value_source)
                          : json_null());
  json_t *deps = json_array(), *items = json_array(), *strata = json_array(),
         *parts = json_array();
  for (size_t i = 0; i < p->ndepartments; i++)
    json_array_append_new(deps, json_integer(p->departments[i]));
  char copy[sizeof p->items];
  snprintf(copy, sizeof copy, "%s", p->items);
  char *save = NULL;
  for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save))
    json_array_append_new(items, json_string(t));
  fz_stmt *st;
  int r = FZ_STEP_DONE;
  if (!fz_db_prepare(db, "SELECT key, ratio, count FROM plan_strata WHERE "
                     "plan_id = ? ORDER BY position", &st, err)) {
    fz_stmt_bind_int64(st, 1, p->id);
    while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
      json_t *k = json_pack("{s:s}", "key", fz_stmt_column_text(st, 0));
      if (!fz_stmt_column_is_null(st, 1))
        json_object_set_new(k, "ratio",
                            json_string(fz_stmt_column_text(st, 1)));
      else
        json_object_set_new(k, "count",
                            json_integer(fz_stmt_column_int64(st, 2)));
      json_array_append_new(strata, k);
    }
    fz_stmt_finalize(st);
  }
  if (r == FZ_STEP_DONE &&
      !fz_db_prepare(db, "SELECT user_id FROM plan_participants WHERE "
                     "plan_id = ? ORDER BY position", &st, err)) {
    fz_stmt_bind_int64(st, 1, p->id);
    while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
      json_array_append_new(parts, json_integer(fz_stmt_column_int64(st, 0)));
    fz_stmt_finalize(st);
  }
  json_object_set_new(o, "departments", deps);
  json_object_set_new(o, "items", items);
  json_object_set_new(o, "strata", strata);
  json_object_set_new(o, "participants", parts);
  if (r != FZ_STEP_DONE) {
    json_decref(o);
    return NULL;
  }
  return o;
}

fz_err fz_plan_update(fz_db *db, const fz_principal *by, int64_t id,
                      const json_t *changes, int64_t now, fz_error *err) {
  fz_plan_row p;
  fz_err rc = fz_plan_load(db, by, id, &p, err);
  if (!rc) rc = fz_plan_require_head(db, by, &p, err);
  if (!rc) rc = fz_plan_require_status(&p, FZ_PLAN_DRAFT, "修改计划", err);
  if (rc) return rc;
  if (!json_is_object(changes) || json_object_size(changes) == 0)
    return fz_error_set(err, FZ_MISSING, "", "没有要修改的字段 / nothing to "
                        "change");
  json_t *before = spec_of(db, &p, err);
  if (!before) return err->code ? err->code : FZ_NOMEM;
  json_t *merged = json_deep_copy(before);
  json_object_update(merged, (json_t *)changes);
  spec s;
  rc = check_spec(db, by, merged, &s, err);
  int64_t committed = 0;
  int parts = json_object_get(changes, "participants") != NULL;
  if (!rc && parts)
    rc = fz_query_int(db, "SELECT COUNT(*) FROM plan_participants WHERE "
                        "plan_id = ? AND commit_hex IS NOT NULL", &id, 1, 0,
                        &committed, err);
  if (!rc && parts && committed &&
      !json_equal(json_object_get(before, "participants"),
                  json_object_get(s.norm, "participants")))
    rc = fz_error_set(err, FZ_CONFLICT, "participants", "已有参与人提交承诺，"
                      "不能再更换参与人 / a participant has committed: the "
                      "participants can no longer change");
  json_t *was = json_object(), *now_ = json_object();
  const char *key;
  json_t *v;
  if (!rc) {
    json_object_foreach(s.norm, key, v) {
      json_t *old = json_object_get(before, key);
      if (!old || !json_equal(old, v)) {
        json_object_set(was, key, old ? old : json_null());
        json_object_set(now_, key, v);
      }
    }
    if (json_object_size(now_) == 0)
      rc = fz_error_set(err, FZ_CONFLICT, "", "没有变化 / nothing would "
                        "change");
  }
  if (!rc) rc = write_spec(db, id, &s, 0, parts && !committed, by, now, err);
  if (!rc) {
    json_t *data = json_pack("{s:o, s:o}", "before", was, "after", now_);
    was = now_ = NULL;
    rc = fz_inspect_event(db, by, "plan.update", "plan", id, data, now, NULL,
                          err);
  }
  json_decref(was);
  json_decref(now_);
  json_decref(s.norm);
  json_decref(merged);
  json_decref(before);
  return rc;
}

/* ---- Participants' commitments ----------------------------------------- */

fz_err fz_plan_participant(fz_db *db, const fz_principal *by, int64_t plan,
                           const char *field, int64_t *pos, char commit[65],
                           int *revealed, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT position, commit_hex, secret_hex FROM "
                            "plan_participants WHERE plan_id = ? AND "
                            "user_id = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, plan);
  fz_stmt_bind_int64(st, 2, by->scope.user_id);
  int r = fz_stmt_step(st, err);
  *pos = -1;
  commit[0] = 0;
  *revealed = 0;
  if (r == FZ_STEP_ROW) {
    const char *c = fz_stmt_column_text(st, 1);
    *pos = fz_stmt_column_int64(st, 0);
    snprintf(commit, 65, "%s", c ? c : "");
    *revealed = !fz_stmt_column_is_null(st, 2);
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
  if (*pos < 0)
    return fz_error_set(err, FZ_FORBIDDEN, field, "您不是本计划的参与人 / "
                        "you are not a participant of this plan");
  return FZ_OK;
}

fz_err fz_plan_participant_commit(fz_db *db, const fz_principal *by,
                                  int64_t id, const char *commit_hex,
                                  int64_t now, fz_error *err) {
  fz_plan_row p;
  uint8_t c[32];
  fz_err rc = fz_plan_load(db, by, id, &p, err);
  if (!rc) rc = fz_plan_require_status(&p, FZ_PLAN_DRAFT, "提交承诺", err);
  if (!rc) rc = fz_inspect_unhex(commit_hex, "commit", c, err);
  if (rc) return rc;
  int64_t pos;
  char had[65];
  int revealed;
  rc = fz_plan_participant(db, by, id, "commit", &pos, had, &revealed, err);
  if (rc) return rc;
  if (had[0])
    return fz_error_set(err, FZ_CONFLICT, "commit", "您已提交过承诺，不能更改 "
                        "/ you have already committed");
  fz_stmt *st;
  int r;
  char hex[65];
  fz_inspect_hex(c, hex);
  rc = fz_db_prepare(db, "UPDATE plan_participants SET commit_hex = ?, "
                     "committed_at = ? WHERE plan_id = ? AND position = ?",
                     &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, hex, -1);
  fz_stmt_bind_int64(st, 2, now);
  fz_stmt_bind_int64(st, 3, id);
  fz_stmt_bind_int64(st, 4, pos);
  r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) return (fz_err)r;
  return fz_inspect_event(db, by, "plan.participant_commit", "plan", id,
                          json_pack("{s:I, s:s}", "position", (json_int_t)pos,
                                    "commit", hex),
                          now, NULL, err);
}
