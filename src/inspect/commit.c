/* commit.c — the steps that bind a plan's draw (DESIGN §5): freezing the
 * pools, the commitment, the participants' reveals, the announced public
 * value, and the draw itself with its tasks and its public record. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "inspect/plan_int.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "registry/registry.h"

typedef struct frozen_stratum {
  char key[40];
  const char *ratio; /* points into ratio_buf or NULL */
  char ratio_buf[24];
  long long count; /* -1 with a ratio */
  char *pool;      /* lines of FZ_DRAW_LINE bytes */
  size_t size, cap, n;
} frozen_stratum;

struct fz_plan_frozen {
  int64_t plan_id, updated_at;
  frozen_stratum strata[FZ_DRAW_MAX_STRATA];
  size_t nstrata;
  fz_draw_officer *officers;
  size_t nofficers;
  fz_draw_conflict *conflicts;
  size_t nconflicts;
  int64_t excluded, outside;
  int officer_cap;
};

void fz_plan_frozen_free(fz_plan_frozen *f) {
  if (!f) return;
  for (size_t i = 0; i < f->nstrata; i++) free(f->strata[i].pool);
  free(f->officers);
  free(f->conflicts);
  free(f);
}

static int cmp_line(const void *a, const void *b) {
  return memcmp(a, b, FZ_DRAW_CODE);
}

/* The departments as a SQL list "1, 5, 9" (ids are integers). */
static void id_list_sql(const fz_plan_row *p, char *out, size_t size) {
  size_t used = 0;
  out[0] = 0;
  for (size_t i = 0; i < p->ndepartments && used < size; i++)
    used += (size_t)snprintf(out + used, size - used, "%s%lld", i ? ", " : "",
                             (long long)p->departments[i]);
}

/* The entities at the annual cap: those already drawn this year, by a plan
 * sharing a department with p, entity_cap times for that department
 * (国办发〔2024〕54号: 同一企业年度检查频次上限).  Sorted codes. */
static fz_err capped(fz_db *db, const fz_plan_row *p, char **codes,
                     size_t *n, fz_error *err) {
  char deps[512], sql[1024];
  id_list_sql(p, deps, sizeof deps);
  snprintf(sql, sizeof sql,
           "SELECT DISTINCT x.entity_uscc FROM (SELECT t.entity_uscc, "
           "pd.department_id FROM tasks t JOIN plans q ON q.id = t.plan_id "
           "JOIN plan_departments pd ON pd.plan_id = q.id WHERE q.year = ? "
           "AND q.id <> ? AND t.staffed = 1 AND pd.department_id IN (%s) "
           "GROUP BY "
           "t.entity_uscc, pd.department_id HAVING COUNT(*) >= ?) x", deps);
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, p->year);
  fz_stmt_bind_int64(st, 2, p->id);
  fz_stmt_bind_int64(st, 3, p->entity_cap);
  size_t cap = 0;
  int r;
  *codes = NULL;
  *n = 0;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    const char *c = fz_stmt_column_text(st, 0);
    if (!c || strlen(c) != FZ_DRAW_CODE) continue;
    if (*n == cap) {
      cap = cap ? cap * 2 : 256;
      char *grown = realloc(*codes, cap * FZ_DRAW_CODE);
      if (!grown) {
        fz_stmt_finalize(st);
        return fz_error_set(err, FZ_NOMEM, "", NULL);
      }
      *codes = grown;
    }
    memcpy(*codes + *n * FZ_DRAW_CODE, c, FZ_DRAW_CODE);
    (*n)++;
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) return (fz_err)r;
  if (*n) qsort(*codes, *n, FZ_DRAW_CODE, cmp_line);
  return FZ_OK;
}

/* The strata of the plan, their ratio or count. */
static fz_err read_strata(fz_db *db, const fz_plan_row *p, fz_plan_frozen *f,
                          fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT key, ratio, count FROM plan_strata "
                            "WHERE plan_id = ? ORDER BY position", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, p->id);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW &&
         f->nstrata < FZ_DRAW_MAX_STRATA) {
    frozen_stratum *s = &f->strata[f->nstrata++];
    snprintf(s->key, sizeof s->key, "%s", fz_stmt_column_text(st, 0));
    s->count = -1;
    if (fz_stmt_column_is_null(st, 1)) {
      s->count = fz_stmt_column_int64(st, 2);
    } else {
      snprintf(s->ratio_buf, sizeof s->ratio_buf, "%s",
               fz_stmt_column_text(st, 1));
      s->ratio = s->ratio_buf;
    }
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE || r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

static fz_err add_line(frozen_stratum *s, const char *code, fz_error *err) {
  if (s->size == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 1024;
    char *grown = realloc(s->pool, cap * FZ_DRAW_LINE);
    if (!grown) return fz_error_set(err, FZ_NOMEM, "", NULL);
    s->pool = grown;
    s->cap = cap;
  }
  char *line = s->pool + s->size++ * FZ_DRAW_LINE;
  memcpy(line, code, FZ_DRAW_CODE);
  line[FZ_DRAW_CODE] = '\n';
  return FZ_OK;
}

/* The entity pools: the plan's filter, stratified, those at the cap out. */
static fz_err read_pools(fz_db *db, const fz_plan_row *p, fz_plan_frozen *f,
                         fz_error *err) {
  char *cap_codes = NULL;
  size_t ncap = 0;
  fz_err rc = capped(db, p, &cap_codes, &ncap, err);
  if (rc) return rc;
  const char *column = strcmp(p->stratify_by, "none") == 0 ? "''"
                                                          : p->stratify_by;
  char sql[512], region_end[24], industry_end[16];
  snprintf(sql, sizeof sql,
           "SELECT uscc, %s FROM entities WHERE active = 1 AND status = ? AND "
           "region_code >= ? AND region_code < ?%s%s", column,
           p->pool_kind[0] ? " AND kind = ?" : "",
           p->pool_industry[0] ? " AND industry >= ? AND industry < ?" : "");
  /* A prefix as a range (the index serves it): p <= x < p + ":" — ':' sorts
   * right after the digits, and after the letters' upper bound ('~') for
   * industry codes. */
  snprintf(region_end, sizeof region_end, "%s:", p->pool_region);
  snprintf(industry_end, sizeof industry_end, "%s~", p->pool_industry);
  fz_stmt *st;
  rc = fz_db_prepare(db, sql, &st, err);
  if (rc) {
    free(cap_codes);
    return rc;
  }
  int i = 1;
  fz_stmt_bind_text(st, i++, p->pool_status, -1);
  fz_stmt_bind_text(st, i++, p->pool_region, -1);
  fz_stmt_bind_text(st, i++, region_end, -1);
  if (p->pool_kind[0]) fz_stmt_bind_text(st, i++, p->pool_kind, -1);
  if (p->pool_industry[0]) {
    fz_stmt_bind_text(st, i++, p->pool_industry, -1);
    fz_stmt_bind_text(st, i++, industry_end, -1);
  }
  int none = strcmp(p->stratify_by, "none") == 0, r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    const char *code = fz_stmt_column_text(st, 0);
    const char *key = none ? "全部" : fz_stmt_column_text(st, 1);
    if (!key || !*key) key = FZ_INSPECT_UNRATED;
    if (!code || strlen(code) != FZ_DRAW_CODE) continue;
    frozen_stratum *s = NULL;
    for (size_t k = 0; !s && k < f->nstrata; k++)
      if (strcmp(f->strata[k].key, key ? key : "") == 0) s = &f->strata[k];
    if (!s) {
      f->outside++;
    } else if (ncap && bsearch(code, cap_codes, ncap, FZ_DRAW_CODE, cmp_line)) {
      f->excluded++;
    } else if ((rc = add_line(s, code, err))) {
      break;
    }
  }
  fz_stmt_finalize(st);
  free(cap_codes);
  if (rc) return rc;
  if (r != FZ_STEP_DONE) return (fz_err)r;
  for (size_t k = 0; k < f->nstrata; k++) {
    frozen_stratum *s = &f->strata[k];
    if (s->size) qsort(s->pool, s->size, FZ_DRAW_LINE, cmp_line);
    rc = fz_draw_take(s->count, s->ratio, s->size, &s->n, err);
    if (rc) return rc;
  }
  return FZ_OK;
}

/* One pass of read_inspectors: the officers (pass 0) or their conflicts
 * (pass 1) that sql selects, appended to f. */
static fz_err read_pass(fz_db *db, const fz_plan_row *p, const char *sql,
                        const char *area, int pass, fz_plan_frozen *f,
                        fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, p->window_from, -1);
  fz_stmt_bind_text(st, 2, p->window_to, -1);
  if (p->inspector_area[0]) fz_stmt_bind_text(st, 3, area, -1);
  size_t cap = 0;
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    size_t *n = pass ? &f->nconflicts : &f->nofficers;
    size_t item = pass ? sizeof *f->conflicts : sizeof *f->officers;
    void **arr = pass ? (void **)&f->conflicts : (void **)&f->officers;
    if (*n == cap) {
      cap = cap ? cap * 2 : 64;
      void *grown = realloc(*arr, cap * item);
      if (!grown) {
        fz_stmt_finalize(st);
        return fz_error_set(err, FZ_NOMEM, "", NULL);
      }
      *arr = grown;
    }
    if (pass == 0) {
      f->officers[*n] = (fz_draw_officer){fz_stmt_column_int64(st, 0),
                                          fz_stmt_column_int64(st, 1)};
    } else {
      fz_draw_conflict *c = &f->conflicts[*n];
      c->officer_id = fz_stmt_column_int64(st, 0);
      snprintf(c->code, sizeof c->code, "%s", fz_stmt_column_text(st, 1));
    }
    (*n)++;
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* The inspector pool: officers (not 辅助人员) serving one of the plan's
 * departments, as their primary department or as another, whose
 * certificate is valid over the whole window and who hold the area; and
 * the conflicts declared for them.  Each is bound to one department, the
 * one the draw counts him for in a joint plan (DESIGN §5.4): his primary
 * department when it is a plan department, else the first of his others
 * in the plan's order of departments. */
static fz_err read_inspectors(fz_db *db, const fz_plan_row *p,
                              fz_plan_frozen *f, fz_error *err) {
  char deps[512];
  id_list_sql(p, deps, sizeof deps);
  fz_buf where, sql;
  fz_buf_init(&where, 1 << 13);
  fz_buf_init(&sql, 1 << 14);
  fz_buf_puts(&where, "o.active = 1 AND o.auxiliary = 0 AND o.status = "
              "'valid' AND o.cert_from <= ? AND o.cert_to >= ?");
  fz_reg_officer_in_sql(&where, "o", p->departments, p->ndepartments);
  if (p->inspector_area[0]) fz_buf_puts(&where, " AND ';' || o.areas || ';' LIKE ?");
  char area[80];
  snprintf(area, sizeof area, "%%;%s;%%", p->inspector_area);
  fz_err rc = where.err ? fz_error_set(err, where.err, "", NULL) : FZ_OK;
  for (int pass = 0; !rc && pass < 2; pass++) {
    fz_buf_reset(&sql);
    if (pass == 0)
      fz_buf_printf(&sql, "SELECT o.id, CASE WHEN o.department_id IN (%s) "
                    "THEN o.department_id ELSE (SELECT od.department_id FROM "
                    "officer_departments od JOIN plan_departments pd ON "
                    "pd.department_id = od.department_id WHERE pd.plan_id = "
                    "%lld AND od.officer_id = o.id ORDER BY pd.position LIMIT "
                    "1) END FROM officers o WHERE %s ORDER BY o.id", deps,
                    (long long)p->id, where.data);
    else
      fz_buf_printf(&sql, "SELECT c.officer_id, c.entity_uscc FROM "
                    "conflicts c JOIN officers o ON o.id = c.officer_id WHERE "
                    "c.active = 1 AND %s ORDER BY c.officer_id, c.entity_uscc",
                    where.data);
    if (sql.err) {
      rc = fz_error_set(err, sql.err, "", NULL);
      break;
    }
    rc = read_pass(db, p, sql.data, area, pass, f, err);
  }
  fz_buf_free(&where);
  fz_buf_free(&sql);
  return rc;
}

fz_err fz_plan_freeze(fz_db *db, const fz_principal *by, int64_t id,
                      int64_t now, fz_plan_frozen **out, fz_error *err) {
  (void)now;
  *out = NULL;
  fz_plan_row p;
  fz_err rc = fz_plan_load(db, by, id, &p, err);
  if (!rc) rc = fz_plan_require_head(db, by, &p, err);
  if (!rc) rc = fz_plan_require_status(&p, FZ_PLAN_DRAFT, "承诺", err);
  if (rc) return rc;
  fz_plan_frozen *f = calloc(1, sizeof *f);
  if (!f) return fz_error_set(err, FZ_NOMEM, "", NULL);
  f->plan_id = id;
  f->updated_at = p.updated_at;
  rc = read_strata(db, &p, f, err);
  if (!rc) rc = read_pools(db, &p, f, err);
  if (!rc) rc = read_inspectors(db, &p, f, err);
  if (rc) {
    fz_plan_frozen_free(f);
    return rc;
  }
  size_t slots = 0;
  for (size_t k = 0; k < f->nstrata; k++) slots += f->strata[k].n;
  slots *= (size_t)p.team_size;
  f->officer_cap = p.officer_cap;
  /* By default an even share with some slack: the greedy walk fills the
   * best-ranked officers first, and conflicts and a joint plan's
   * departments leave some officers fewer tasks than others. */
  if (!f->officer_cap && f->nofficers) {
    size_t even = (slots + f->nofficers - 1) / f->nofficers;
    size_t cap = even + (even / 10 > 2 ? even / 10 : 2);
    f->officer_cap = cap > 100000 ? 100000 : (int)cap;
  }
  if (f->officer_cap < 1) f->officer_cap = 1;
  *out = f;
  return FZ_OK;
}

/* ---- Commitment ---------------------------------------------------------- */

/* The participants' commitments, in order: {participant, commit}; a
 * participant without one is refused. */
static fz_err commits_of(fz_db *db, int64_t plan, json_t *out, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT label, commit_hex FROM "
                            "plan_participants WHERE plan_id = ? ORDER BY "
                            "position", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, plan);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    if (fz_stmt_column_is_null(st, 1)) {
      rc = fz_error_set(err, FZ_CONFLICT, "commit", "参与人「%s」尚未提交承诺 / "
                        "participant %s has not committed yet",
                        fz_stmt_column_text(st, 0),
                        fz_stmt_column_text(st, 0));
      break;
    }
    json_array_append_new(out, json_pack("{s:s, s:s}", "participant",
                                         fz_stmt_column_text(st, 0),
                                         "commit",
                                         fz_stmt_column_text(st, 1)));
  }
  fz_stmt_finalize(st);
  if (rc) return rc;
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* Refuses a commitment that would bind a draw that cannot happen. */
static fz_err check_frozen(const fz_plan_row *p, const fz_plan_frozen *f,
                           fz_error *err) {
  size_t total = 0, n = 0;
  for (size_t k = 0; k < f->nstrata; k++) {
    total += f->strata[k].size;
    n += f->strata[k].n;
  }
  if (!total)
    return fz_error_set(err, FZ_NODATA, "pool_region", "抽查对象库为空：区划 %s"
                        "内没有符合条件的对象（已达年度上限 %lld 户，不在任何分层 "
                        "%lld 户） / the pool is empty (at the annual cap: "
                        "%lld, in no stratum: %lld)", p->pool_region,
                        (long long)f->excluded, (long long)f->outside,
                        (long long)f->excluded, (long long)f->outside);
  if (!n)
    return fz_error_set(err, FZ_NODATA, "strata", "各层抽取数量均为 0，不会抽中"
                        "任何对象 / every stratum takes 0: nothing would be "
                        "drawn");
  if (f->nofficers < (size_t)p->team_size)
    return fz_error_set(err, FZ_NODATA, "team_size", "持有效执法证件（覆盖整个"
                        "检查期限）的执法人员只有 %zu 名，少于检查组人数 %d / only "
                        "%zu certified officers for a team of %d", f->nofficers,
                        p->team_size, f->nofficers, p->team_size);
  for (size_t d = 0; p->ndepartments > 1 && d < p->ndepartments; d++) {
    int has = 0;
    for (size_t o = 0; o < f->nofficers; o++)
      has |= f->officers[o].department_id == p->departments[d];
    if (!has)
      return fz_error_set(err, FZ_NODATA, "departments", "联合抽查的执法主体 "
                          "%lld 没有持有效证件的执法人员 / department %lld of "
                          "the joint plan has no certified officer",
                          (long long)p->departments[d],
                          (long long)p->departments[d]);
  }
  return FZ_OK;
}

static void digest_hex(const void *data, size_t len, char out[65]) {
  uint8_t h[32];
  fz_draw_digest(data, len, h);
  fz_inspect_hex(h, out);
}

/* The bytes of the inspector pool's and the conflicts' digests. */
static fz_err pool_texts(const fz_plan_frozen *f, fz_buf *officers,
                         fz_buf *conflicts, fz_error *err) {
  for (size_t i = 0; i < f->nofficers; i++)
    fz_buf_printf(officers, "%lld\n", (long long)f->officers[i].id);
  for (size_t i = 0; i < f->nconflicts; i++)
    fz_buf_printf(conflicts, "%lld %s\n", (long long)f->conflicts[i].officer_id,
                  f->conflicts[i].code);
  if (officers->err || conflicts->err)
    return fz_error_set(err, FZ_NOMEM, "", NULL);
  return FZ_OK;
}

static fz_err store_frozen(fz_db *db, int64_t plan, const fz_plan_frozen *f,
                           json_t *strata, fz_error *err) {
  fz_stmt *st;
  fz_err rc;
  for (size_t k = 0; k < f->nstrata; k++) {
    const frozen_stratum *s = &f->strata[k];
    char digest[65];
    digest_hex(s->pool ? s->pool : "", s->size * FZ_DRAW_LINE, digest);
    rc = fz_db_prepare(db, "UPDATE plan_strata SET pool_size = ?, "
                       "pool_digest = ?, n = ?, pool = ? WHERE plan_id = ? AND "
                       "key = ?", &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, (int64_t)s->size);
    fz_stmt_bind_text(st, 2, digest, -1);
    fz_stmt_bind_int64(st, 3, (int64_t)s->n);
    fz_stmt_bind_blob(st, 4, s->pool ? s->pool : "", s->size * FZ_DRAW_LINE);
    fz_stmt_bind_int64(st, 5, plan);
    fz_stmt_bind_text(st, 6, s->key, -1);
    int r = fz_stmt_step(st, err);
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE) return (fz_err)r;
    json_t *o = json_pack("{s:s, s:I, s:s, s:I}", "key", s->key, "pool_size",
                          (json_int_t)s->size, "pool_digest", digest, "n",
                          (json_int_t)s->n);
    if (s->ratio) json_object_set_new(o, "ratio", json_string(s->ratio));
    else json_object_set_new(o, "count", json_integer(s->count));
    json_array_append_new(strata, o);
  }
  rc = fz_db_prepare(db, "INSERT INTO plan_inspectors (plan_id, officer_id, "
                     "department_id) VALUES (?, ?, ?)", &st, err);
  if (rc) return rc;
  int r = FZ_STEP_DONE;
  for (size_t i = 0; i < f->nofficers && r == FZ_STEP_DONE; i++) {
    fz_stmt_reset(st);
    fz_stmt_bind_int64(st, 1, plan);
    fz_stmt_bind_int64(st, 2, f->officers[i].id);
    fz_stmt_bind_int64(st, 3, f->officers[i].department_id);
    r = fz_stmt_step(st, err);
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) return (fz_err)r;
  rc = fz_db_prepare(db, "INSERT INTO plan_conflicts (plan_id, officer_id, "
                     "entity_uscc) VALUES (?, ?, ?)", &st, err);
  if (rc) return rc;
  for (size_t i = 0; i < f->nconflicts && r == FZ_STEP_DONE; i++) {
    fz_stmt_reset(st);
    fz_stmt_bind_int64(st, 1, plan);
    fz_stmt_bind_int64(st, 2, f->conflicts[i].officer_id);
    fz_stmt_bind_text(st, 3, f->conflicts[i].code, -1);
    r = fz_stmt_step(st, err);
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_plan_commit(fz_db *db, const fz_principal *by, int64_t id,
                      const fz_plan_frozen *f, int64_t now, fz_error *err) {
  fz_plan_row p;
  fz_err rc = fz_plan_load(db, by, id, &p, err);
  if (!rc) rc = fz_plan_require_head(db, by, &p, err);
  if (!rc && p.status != FZ_PLAN_DRAFT)
    rc = fz_error_set(err, FZ_CONFLICT, "status", "本计划已作出承诺（账本第 "
                      "%lld 条），不能再次承诺 / the plan is already committed "
                      "(ledger seq %lld): one commitment per plan",
                      (long long)p.commit_seq, (long long)p.commit_seq);
  if (!rc && (f->plan_id != id || f->updated_at != p.updated_at))
    rc = fz_error_set(err, FZ_CONFLICT, "plan", "计划在读取对象库后被修改，请重"
                      "试 / the plan changed while its pools were read: try "
                      "again");
  json_t *commits = json_array(), *strata = json_array();
  if (!rc) rc = commits_of(db, id, commits, err);
  if (!rc) rc = check_frozen(&p, f, err);
  if (!rc) rc = store_frozen(db, id, f, strata, err);
  fz_buf officers, conflicts;
  fz_buf_init(&officers, 1 << 26);
  fz_buf_init(&conflicts, 1 << 26);
  if (!rc) rc = pool_texts(f, &officers, &conflicts, err);
  json_t *data = NULL;
  if (!rc) {
    char od[65], cd[65];
    digest_hex(officers.data ? officers.data : "", officers.len, od);
    digest_hex(conflicts.data ? conflicts.data : "", conflicts.len, cd);
    json_t *deps = json_array();
    for (size_t i = 0; i < p.ndepartments; i++)
      json_array_append_new(deps, json_integer(p.departments[i]));
    data = json_pack(
        "{s:s, s:o, s:o, s:o, s:{s:I, s:s}, s:s, s:o, s:i, s:i, s:I, s:I, "
        "s:s, s:s, s:s, s:s}",
        "name", p.name, "commits", commits, "public_value_source",
        p.public_value_source[0] ? json_string(p.public_value_source)
                                 : json_null(),
        "strata", strata, "inspectors", "pool_size", (json_int_t)f->nofficers,
        "pool_digest", od, "conflicts_digest", cd, "departments", deps,
        "team_size", p.team_size, "officer_cap", f->officer_cap,
        "excluded_at_cap", (json_int_t)f->excluded, "outside_strata",
        (json_int_t)f->outside, "cap_rule",
        "同一对象同一部门每年被抽中不超过 entity_cap 次（国办发〔2024〕54号）",
        "window_from", p.window_from, "window_to", p.window_to,
        "pool_region", p.pool_region);
    commits = strata = NULL;
    if (data) json_object_set_new(data, "entity_cap",
                                  json_integer(p.entity_cap));
    if (!data) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  }
  fz_buf_free(&officers);
  fz_buf_free(&conflicts);
  json_decref(commits);
  json_decref(strata);
  uint64_t seq = 0;
  if (!rc) {
    rc = fz_inspect_event(db, by, "plan.commit", "plan", id, data, now, &seq,
                          err);
    data = NULL;
  }
  json_decref(data);
  if (rc) return rc;

  /* C, the leaf hash of the commitment. */
  fz_stmt *st;
  rc = fz_db_prepare(db, "SELECT leaf_hash FROM ledger_event WHERE seq = ?",
                     &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, (int64_t)seq);
  int r = fz_stmt_step(st, err);
  char leaf[65] = "";
  size_t len = 0;
  const void *h = r == FZ_STEP_ROW ? fz_stmt_column_blob(st, 0, &len) : NULL;
  if (h && len == 32) fz_inspect_hex(h, leaf);
  fz_stmt_finalize(st);
  if (!leaf[0])
    return r == FZ_STEP_ROW || r == FZ_STEP_DONE
               ? fz_error_set(err, FZ_INTERNAL, "", "no leaf for seq %llu",
                              (unsigned long long)seq)
               : (fz_err)r;
  rc = fz_db_prepare(db, "UPDATE plans SET status = 'committed', commit_seq = "
                     "?, commit_leaf = ?, officer_cap = ?, excluded_at_cap = ?, "
                     "updated_at = ? WHERE id = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, (int64_t)seq);
  fz_stmt_bind_text(st, 2, leaf, -1);
  fz_stmt_bind_int64(st, 3, f->officer_cap);
  fz_stmt_bind_int64(st, 4, f->excluded);
  fz_stmt_bind_int64(st, 5, now);
  fz_stmt_bind_int64(st, 6, id);
  r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* ---- Reveal and the public value --------------------------------------- */

/* Moves a committed plan to revealed when every secret is in and the
 * announced public value (if any) too. */
static fz_err maybe_revealed(fz_db *db, const fz_plan_row *p, int64_t now,
                             fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT COUNT(*) FROM plan_participants WHERE "
                            "plan_id = ? AND secret_hex IS NULL", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, p->id);
  int r = fz_stmt_step(st, err);
  int64_t missing = r == FZ_STEP_ROW ? fz_stmt_column_int64(st, 0) : 1;
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW) return (fz_err)r;
  fz_plan_row q;
  rc = fz_plan_load_any(db, p->id, &q, err);
  if (rc) return rc;
  if (missing || (q.public_value_source[0] && !q.has_public_value))
    return FZ_OK;
  return fz_plan_set_status(db, p->id, FZ_PLAN_REVEALED, now, err);
}

fz_err fz_plan_reveal(fz_db *db, const fz_principal *by, int64_t id,
                      const char *secret_hex, int64_t now, fz_error *err) {
  fz_plan_row p;
  uint8_t secret[32], c[32];
  fz_err rc = fz_plan_load(db, by, id, &p, err);
  if (!rc) rc = fz_plan_require_status(&p, FZ_PLAN_COMMITTED, "揭示秘密", err);
  if (!rc) rc = fz_inspect_unhex(secret_hex, "secret", secret, err);
  if (rc) return rc;
  int64_t pos;
  char commit[65];
  int had;
  rc = fz_plan_participant(db, by, id, "secret", &pos, commit, &had, err);
  if (rc) return rc;
  if (had)
    return fz_error_set(err, FZ_CONFLICT, "secret", "您已揭示过秘密 / you have "
                        "already revealed your secret");
  char got[65];
  fz_draw_commit_of(secret, c);
  fz_inspect_hex(c, got);
  if (strcmp(got, commit) != 0)
    return fz_error_set(err, FZ_INVALID, "secret", "秘密与承诺不符：SM3(秘密) = "
                        "%s，承诺为 %s / the secret does not match the "
                        "commitment", got, commit);
  char hex[65];
  fz_inspect_hex(secret, hex);
  fz_stmt *st;
  int r;
  rc = fz_db_prepare(db, "UPDATE plan_participants SET secret_hex = ?, "
                     "revealed_at = ? WHERE plan_id = ? AND position = ?", &st,
                     err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, hex, -1);
  fz_stmt_bind_int64(st, 2, now);
  fz_stmt_bind_int64(st, 3, id);
  fz_stmt_bind_int64(st, 4, pos);
  r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) return (fz_err)r;
  rc = fz_inspect_event(db, by, "plan.reveal", "plan", id,
                        json_pack("{s:I, s:s, s:s}", "position",
                                  (json_int_t)pos, "commit", commit, "secret",
                                  hex),
                        now, NULL, err);
  return rc ? rc : maybe_revealed(db, &p, now, err);
}

fz_err fz_plan_public_value(fz_db *db, const fz_principal *by, int64_t id,
                            const char *value, int64_t now, fz_error *err) {
  fz_plan_row p;
  fz_err rc = fz_plan_load(db, by, id, &p, err);
  if (rc) return rc;
  if (!by->cli && !fz_role_can(by->scope.roles, FZ_PERM_SUPERVISE) &&
      fz_plan_require_head(db, by, &p, err))
    return fz_error_set(err, FZ_FORBIDDEN, "value", "只有牵头部门负责人或执法"
                        "监督员可以录入公开随机值 / only the plan's head or a "
                        "supervisor enters the public value");
  rc = fz_plan_require_status(&p, FZ_PLAN_COMMITTED, "录入公开随机值", err);
  if (rc) return rc;
  if (!p.public_value_source[0])
    return fz_error_set(err, FZ_CONFLICT, "value", "本计划承诺时未约定公开随机"
                        "值 / the plan announced no public value");
  if (p.has_public_value)
    return fz_error_set(err, FZ_CONFLICT, "value", "公开随机值已录入：%s / the "
                        "public value is already in", p.public_value);
  size_t len = value ? strlen(value) : 0;
  int bad = len == 0 || len > 256;
  for (size_t i = 0; i < len; i++) bad |= (unsigned char)value[i] < 0x20;
  if (bad)
    return fz_error_set(err, FZ_INVALID, "value", "公开随机值应为 1 至 256 字节"
                        "的文本，不含控制字符 / value is 1 to 256 bytes of text "
                        "without control characters");
  fz_stmt *st;
  rc = fz_db_prepare(db, "UPDATE plans SET public_value = ?, updated_at = ? "
                     "WHERE id = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, value, -1);
  fz_stmt_bind_int64(st, 2, now);
  fz_stmt_bind_int64(st, 3, id);
  int r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) return (fz_err)r;
  rc = fz_inspect_event(db, by, "plan.public_value", "plan", id,
                        json_pack("{s:s, s:s}", "source",
                                  p.public_value_source, "value", value),
                        now, NULL, err);
  return rc ? rc : maybe_revealed(db, &p, now, err);
}

/* ---- The draw ------------------------------------------------------------ */

/* What a draw reads back from the commitment. */
typedef struct bound {
  fz_draw_stratum strata[FZ_DRAW_MAX_STRATA];
  char keys[FZ_DRAW_MAX_STRATA][40];
  char ratios[FZ_DRAW_MAX_STRATA][24];
  const char *ratio_of[FZ_DRAW_MAX_STRATA];
  long long counts[FZ_DRAW_MAX_STRATA];
  char *pools[FZ_DRAW_MAX_STRATA];
  uint8_t digests[FZ_DRAW_MAX_STRATA][32]; /* as committed */
  size_t nstrata;
  uint8_t secrets[FZ_DRAW_MAX_SECRETS][32], commits[FZ_DRAW_MAX_SECRETS][32];
  char labels[FZ_DRAW_MAX_SECRETS][96];
  const char *label_of[FZ_DRAW_MAX_SECRETS];
  size_t nsecrets;
  fz_draw_officer *officers;
  size_t nofficers;
  fz_draw_conflict *conflicts;
  size_t nconflicts;
  char *event;
} bound;

static void bound_free(bound *b) {
  for (size_t i = 0; i < b->nstrata; i++) free(b->pools[i]);
  free(b->officers);
  free(b->conflicts);
  free(b->event);
}

static fz_err read_bound(fz_db *db, const fz_plan_row *p, bound *b,
                         fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT key, ratio, count, n, pool, "
                            "pool_digest FROM plan_strata WHERE plan_id = ? "
                            "ORDER BY position", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, p->id);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW &&
         b->nstrata < FZ_DRAW_MAX_STRATA) {
    size_t k = b->nstrata++, len = 0;
    snprintf(b->keys[k], sizeof b->keys[k], "%s", fz_stmt_column_text(st, 0));
    b->ratio_of[k] = NULL;
    b->counts[k] = -1;
    if (!fz_stmt_column_is_null(st, 1)) {
      snprintf(b->ratios[k], sizeof b->ratios[k], "%s",
               fz_stmt_column_text(st, 1));
      b->ratio_of[k] = b->ratios[k];
    } else {
      b->counts[k] = fz_stmt_column_int64(st, 2);
    }
    const void *pool = fz_stmt_column_blob(st, 4, &len);
    b->pools[k] = malloc(len ? len : 1);
    if (!b->pools[k]) {
      rc = fz_error_set(err, FZ_NOMEM, "", NULL);
      break;
    }
    if (len) memcpy(b->pools[k], pool, len);
    rc = fz_inspect_unhex(fz_stmt_column_text(st, 5), "pool_digest",
                          b->digests[k], err);
    if (rc) break;
    b->strata[k] = (fz_draw_stratum){b->keys[k], b->pools[k],
                                     len / FZ_DRAW_LINE,
                                     (size_t)fz_stmt_column_int64(st, 3)};
  }
  fz_stmt_finalize(st);
  if (rc) return rc;
  if (r != FZ_STEP_DONE) return (fz_err)r;

  rc = fz_db_prepare(db, "SELECT label, commit_hex, secret_hex FROM "
                     "plan_participants WHERE plan_id = ? ORDER BY position",
                     &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, p->id);
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW && !rc &&
         b->nsecrets < FZ_DRAW_MAX_SECRETS) {
    size_t i = b->nsecrets++;
    snprintf(b->labels[i], sizeof b->labels[i], "%s",
             fz_stmt_column_text(st, 0));
    b->label_of[i] = b->labels[i];
    rc = fz_inspect_unhex(fz_stmt_column_text(st, 1), "commit", b->commits[i],
                          err);
    if (!rc)
      rc = fz_inspect_unhex(fz_stmt_column_text(st, 2), "secret",
                            b->secrets[i], err);
  }
  fz_stmt_finalize(st);
  if (rc) return rc;
  if (r != FZ_STEP_DONE) return (fz_err)r;

  for (int pass = 0; pass < 2; pass++) {
    rc = fz_db_prepare(db, pass ? "SELECT officer_id, entity_uscc FROM "
                                  "plan_conflicts WHERE plan_id = ? ORDER BY "
                                  "officer_id, entity_uscc"
                                : "SELECT officer_id, department_id FROM "
                                  "plan_inspectors WHERE plan_id = ? ORDER BY "
                                  "officer_id",
                       &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, p->id);
    size_t cap = 0;
    while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
      size_t *n = pass ? &b->nconflicts : &b->nofficers;
      size_t item = pass ? sizeof *b->conflicts : sizeof *b->officers;
      void **arr = pass ? (void **)&b->conflicts : (void **)&b->officers;
      if (*n == cap) {
        cap = cap ? cap * 2 : 64;
        void *grown = realloc(*arr, cap * item);
        if (!grown) {
          rc = fz_error_set(err, FZ_NOMEM, "", NULL);
          break;
        }
        *arr = grown;
      }
      if (pass) {
        b->conflicts[*n].officer_id = fz_stmt_column_int64(st, 0);
        snprintf(b->conflicts[*n].code, sizeof b->conflicts[*n].code, "%s",
                 fz_stmt_column_text(st, 1));
      } else {
        b->officers[*n] = (fz_draw_officer){fz_stmt_column_int64(st, 0),
                                            fz_stmt_column_int64(st, 1)};
      }
      (*n)++;
    }
    fz_stmt_finalize(st);
    if (rc) return rc;
    if (r != FZ_STEP_DONE) return (fz_err)r;
  }

  rc = fz_db_prepare(db, "SELECT body FROM ledger_event WHERE seq = ?", &st,
                     err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, p->commit_seq);
  r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) b->event = strdup(fz_stmt_column_text(st, 0));
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW) return r == FZ_STEP_DONE ? FZ_INTERNAL : (fz_err)r;
  return b->event ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
}

/* Inserts the tasks and their teams in ticket order. */
static fz_err insert_tasks(fz_db *db, int64_t plan, const bound *b,
                           const fz_draw_result *res, fz_error *err) {
  fz_stmt *st;
  int64_t next = 0;
  fz_err rc = fz_db_prepare(db, "SELECT COALESCE(MAX(id), 0) FROM tasks", &st,
                            err);
  if (rc) return rc;
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) next = fz_stmt_column_int64(st, 0);
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW) return (fz_err)r;
  fz_stmt *task_st = NULL, *team_st = NULL;
  rc = fz_db_prepare(db, "INSERT INTO tasks (id, plan_id, position, stratum, "
                     "entity_uscc, ticket, staffed, notes, case_ref) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, '', '')", &task_st, err);
  if (!rc) rc = fz_db_prepare(db, "INSERT INTO task_officers (task_id, "
                              "officer_id, position, active) VALUES (?, ?, ?, "
                              "1)", &team_st, err);
  r = FZ_STEP_DONE;
  for (size_t i = 0; !rc && i < res->npicks && r == FZ_STEP_DONE; i++) {
    const fz_draw_pick *pk = &res->picks[i];
    const fz_draw_stratum *s = &b->strata[pk->stratum];
    const int64_t *team = res->team + i * (size_t)res->team_size;
    char ticket[65];
    fz_inspect_hex(pk->ticket, ticket);
    int64_t task = ++next;
    fz_stmt_reset(task_st);
    fz_stmt_bind_int64(task_st, 1, task);
    fz_stmt_bind_int64(task_st, 2, plan);
    fz_stmt_bind_int64(task_st, 3, (int64_t)i);
    fz_stmt_bind_text(task_st, 4, s->key, -1);
    fz_stmt_bind_text(task_st, 5, s->pool + (size_t)pk->index * FZ_DRAW_LINE,
                      FZ_DRAW_CODE);
    fz_stmt_bind_text(task_st, 6, ticket, -1);
    fz_stmt_bind_int64(task_st, 7, team[0] != 0);
    r = fz_stmt_step(task_st, err);
    for (int j = 0; j < res->team_size && team[0] && r == FZ_STEP_DONE; j++) {
      fz_stmt_reset(team_st);
      fz_stmt_bind_int64(team_st, 1, task);
      fz_stmt_bind_int64(team_st, 2, team[j]);
      fz_stmt_bind_int64(team_st, 3, j);
      r = fz_stmt_step(team_st, err);
    }
  }
  fz_stmt_finalize(task_st);
  fz_stmt_finalize(team_st);
  if (rc) return rc;
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* The public draw record and its SM3, made apart from the database. */
typedef struct record_job {
  fz_draw_meta meta;
  const fz_draw_input *in;
  const fz_draw_result *res;
  char *text;   /* the record's JSON, or NULL when out of memory */
  char sm3[65];
} record_job;

static void *make_record(void *arg) {
  record_job *j = arg;
  json_t *record = fz_draw_record(&j->meta, j->in, j->res);
  j->text = record ? json_dumps(record, JSON_COMPACT) : NULL;
  json_decref(record);
  if (j->text) digest_hex(j->text, strlen(j->text), j->sm3);
  return NULL;
}

fz_err fz_plan_draw(fz_db *db, const fz_principal *by, int64_t id,
                    int64_t now, fz_error *err) {
  fz_plan_row p;
  fz_err rc = fz_plan_load(db, by, id, &p, err);
  if (!rc) rc = fz_plan_require_head(db, by, &p, err);
  if (!rc && p.status == FZ_PLAN_COMMITTED)
    rc = fz_error_set(err, FZ_CONFLICT, "status", "尚有参与人未揭示秘密%s，不能"
                      "抽取 / not every secret%s is revealed yet: no draw "
                      "before every reveal",
                      p.public_value_source[0] ? "或公开随机值未录入" : "",
                      p.public_value_source[0] ? " (or the public value)" : "");
  if (!rc) rc = fz_plan_require_status(&p, FZ_PLAN_REVEALED, "抽取", err);
  if (rc) return rc;
  bound b;
  memset(&b, 0, sizeof b);
  fz_draw_result res;
  memset(&res, 0, sizeof res);
  rc = read_bound(db, &p, &b, err);
  fz_draw_input in = {.secrets = (const uint8_t(*)[32])b.secrets,
                      .nsecrets = b.nsecrets,
                      .public_value = p.public_value_source[0]
                                          ? p.public_value
                                          : NULL,
                      .strata = b.strata,
                      .nstrata = b.nstrata,
                      .officers = b.officers,
                      .nofficers = b.nofficers,
                      .departments = p.departments,
                      .ndepartments = p.ndepartments,
                      .conflicts = b.conflicts,
                      .nconflicts = b.nconflicts,
                      .team_size = p.team_size,
                      .officer_cap = p.officer_cap,
                      .threads = 0};
  if (!rc) rc = fz_inspect_unhex(p.commit_leaf, "commit_leaf", in.commitment,
                                 err);
  if (!rc) rc = fz_draw_run(&in, &res, err);

  /* The record, as the public will read it: made from the draw alone, on
   * a thread of its own while this one stores the tasks. */
  char seed[65] = "", url[96];
  fz_hash_alg alg = FZ_HASH_SM3;
  if (!rc) rc = fz_ledger_alg(db, &alg, err);
  snprintf(url, sizeof url, "/api/v1/public/draws/%lld/pools/%%s",
           (long long)id);
  record_job rj = {.meta = {.plan_id = id,
                            .hash = fz_hash_name(alg),
                            .commit_seq = (uint64_t)p.commit_seq,
                            .commit_event = b.event,
                            .participants = b.label_of,
                            .commits = (const uint8_t(*)[32])b.commits,
                            .ratios = b.ratio_of,
                            .counts = b.counts,
                            .pool_digests = (const uint8_t(*)[32])b.digests,
                            .pool_url = url,
                            .inline_max = FZ_DRAW_INLINE_MAX},
                   .in = &in,
                   .res = &res};
  pthread_t thread;
  int threaded = !rc && pthread_create(&thread, NULL, make_record, &rj) == 0;
  if (!rc && !threaded) make_record(&rj);
  if (!rc) rc = insert_tasks(db, id, &b, &res, err);
  if (threaded) pthread_join(thread, NULL);
  char *text = rj.text;
  if (!rc && !text) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc) fz_inspect_hex(res.seed, seed);
  fz_stmt *st;
  if (!rc) rc = fz_db_prepare(db, "INSERT INTO plan_records (plan_id, record, "
                              "record_sm3) VALUES (?, ?, ?)", &st, err);
  if (!rc) {
    fz_stmt_bind_int64(st, 1, id);
    fz_stmt_bind_text(st, 2, text, -1);
    fz_stmt_bind_text(st, 3, rj.sm3, -1);
    int r = fz_stmt_step(st, err);
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE) rc = (fz_err)r;
  }
  free(text);

  /* 一公开: the results are due inspection.publish after the window. */
  fz_deadline due;
  fz_date end;
  char due_text[FZ_DATE_BUF] = "";
  /* A year with no calendar yet leaves the deadline open (the view says
   * so) rather than stopping the draw: it is computed once the State
   * Council's notice for that year is loaded. */
  char due_note[sizeof err->message] = "";
  if (!rc) {
    const fz_cal *cal = fz_cal_default(err);
    rc = cal ? fz_date_parse(p.window_to, &end, err) : err->code;
    if (!rc) rc = fz_deadline_compute(cal, "inspection.publish", end, &due, err);
    if (!rc) fz_date_format(due.date, due_text);
    if (rc == FZ_NODATA) {
      snprintf(due_note, sizeof due_note, "%s", err->message);
      rc = FZ_OK;
    }
  }
  if (!rc) rc = fz_db_prepare(db, "UPDATE plans SET status = 'drawn', seed = ?, "
                              "publish_due = ?, updated_at = ? WHERE id = ?",
                              &st, err);
  if (!rc) {
    fz_stmt_bind_text(st, 1, seed, -1);
    if (due_text[0]) fz_stmt_bind_text(st, 2, due_text, -1);
    else fz_stmt_bind_null(st, 2);
    fz_stmt_bind_int64(st, 3, now);
    fz_stmt_bind_int64(st, 4, id);
    int r = fz_stmt_step(st, err);
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE) rc = (fz_err)r;
  }
  if (!rc)
    rc = fz_inspect_event(db, by, "plan.draw", "plan", id,
                          json_pack("{s:s, s:s, s:I, s:I, s:o, s:o}", "seed",
                                    seed, "record_sm3", rj.sm3, "selected",
                                    (json_int_t)res.npicks, "unstaffed",
                                    (json_int_t)res.nunstaffed, "publish_due",
                                    fz_json_text_or_null(due_text),
                                    "publish_due_note",
                                    fz_json_text_or_null(due_note)),
                          now, NULL, err);
  fz_draw_result_free(&res);
  bound_free(&b);
  return rc;
}
