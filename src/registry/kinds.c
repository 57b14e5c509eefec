/* kinds.c — the kinds of registry record: their fields, who may change
 * them, what scope they lie in, and the rules that tie one field to
 * another or to other records. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "id/id.h"
#include "registry/rec_int.h"

/* ---- Reference data: department kinds and GB/T 4754 industries --------- */

#define MAX_DEPT_KINDS 64
#define MAX_INDUSTRIES 256

static char *dept_kinds[MAX_DEPT_KINDS + 1];
static char *industries[MAX_INDUSTRIES + 1];
static fz_err data_status = FZ_NODATA;
static pthread_once_t data_once = PTHREAD_ONCE_INIT;

/* The first column of every data row of an embedded TSV file into out
 * (NULL-terminated; at most max), with the second after a '|' when both is
 * is 1 ("market|市场监管": the code and the name a user may type instead);
 * both 2 joins an industry's section and division (see below).
 * The header and '#' lines are skipped. */
static int first_column(const char *name, int both, char **out, size_t max) {
  const fz_embed *f = fz_embed_find(name);
  if (!f) return -1;
  const char *p = (const char *)f->data, *end = p + f->len;
  size_t n = 0;
  int header = 1;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *eol = nl ? nl : end;
    if (p < eol && *p != '#') {
      if (header) {
        header = 0;
      } else {
        const char *tab = memchr(p, '\t', (size_t)(eol - p));
        if (both && tab) {
          const char *tab2 = memchr(tab + 1, '\t', (size_t)(eol - tab - 1));
          tab = tab2 ? tab2 : eol;
        }
        size_t len = (size_t)((tab ? tab : eol) - p);
        if (n == max || !(out[n] = strndup(p, len))) return -1;
        char *t = both ? strchr(out[n], '\t') : NULL;
        if (t) *t = '|';
        if (t && both == 2) {
          /* industries: "13|C" (division, section) becomes "C13"; a
           * section row "C|C" becomes "C". */
          char code[8];
          if (strcmp(out[n], t + 1) == 0 || t - out[n] + 1 > 7)
            *t = '\0';
          else if (snprintf(code, sizeof code, "%s%.*s", t + 1,
                            (int)(t - out[n]), out[n]) < (int)sizeof code)
            memcpy(out[n], code, strlen(code) + 1);
        }
        n++;
      }
    }
    p = nl ? nl + 1 : end;
  }
  out[n] = NULL;
  return n ? 0 : -1;
}

static void load_data(void) {
  if (first_column("data/registry/department_kinds.tsv", 1, dept_kinds,
                   MAX_DEPT_KINDS) == 0 &&
      first_column("data/registry/industries.tsv", 2, industries,
                   MAX_INDUSTRIES) == 0)
    data_status = FZ_OK;
}

fz_err fz_reg_data_load(fz_error *err) {
  pthread_once(&data_once, load_data);
  if (data_status)
    return fz_error_set(err, FZ_NODATA, "",
                        "the registry's reference data (department kinds, "
                        "GB/T 4754 industries) is missing from this build");
  return FZ_OK;
}

static int in_list(char *const *list, const char *code) {
  for (size_t i = 0; list[i]; i++)
    if (strcmp(list[i], code) == 0) return 1;
  return 0;
}

const char *const *fz_reg_department_kinds(void) {
  return fz_reg_data_load(NULL) == FZ_OK ? (const char *const *)dept_kinds
                                         : NULL;
}

int fz_reg_industry_known(const char *code) {
  return fz_reg_data_load(NULL) == FZ_OK && in_list(industries, code);
}

/* ---- Shared hooks -------------------------------------------------------- */

fz_err fz_reg_department_path(fz_db *db, int64_t id, char *buf, size_t size,
                              fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT path FROM departments WHERE id = ?",
                            &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) snprintf(buf, size, "%s", fz_stmt_column_text(st, 0));
  fz_stmt_finalize(st);
  if (r == FZ_STEP_ROW) return FZ_OK;
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "department_id",
                        "执法主体 %lld 不存在 / no department %lld",
                        (long long)id, (long long)id);
  return (fz_err)r;
}

void fz_reg_prefix_sql(fz_buf *sql, const char *column, const char *prefix,
                       const char **binds, int *nbind, char *store,
                       size_t store_size) {
  /* A prefix compared with = or substr rather than LIKE: SQLite recompiles
   * a statement whose LIKE pattern is a bound parameter at each new value,
   * and neither backend takes a LIKE pattern to an expression index. */
  snprintf(store, store_size, "%s", prefix);
  size_t n = strlen(store);
  if (n == 6)
    fz_buf_printf(sql, " AND %s = ?", column);
  else
    fz_buf_printf(sql, " AND substr(%s, 1, %zu) = ?", column, n);
  binds[(*nbind)++] = store;
}

/* " AND <col> starts with the scope's region prefix", when it has one. */
static void region_scope(const fz_scope *s, const char *column, fz_buf *sql,
                         const char **binds, int *nbind, char *store,
                         size_t store_size) {
  if (!s->region_prefix[0]) return;
  fz_reg_prefix_sql(sql, column, s->region_prefix, binds, nbind, store,
                    store_size);
}

fz_err fz_reg_scope_departments(fz_db *db, const fz_scope *s,
                                const char *column, fz_buf *sql,
                                const char **binds, int *nbind, char *store,
                                size_t store_size, fz_error *err) {
  if (!s->region_prefix[0] && !s->department_id) return FZ_OK;
  size_t half = store_size / 2;
  fz_buf_printf(sql, " AND %s IN (SELECT d.id FROM departments d WHERE 1 = 1",
                 column);
  region_scope(s, "d.region_code", sql, binds, nbind, store, half);
  if (s->department_id) {
    char path[256];
    fz_err rc = fz_reg_department_path(db, s->department_id, path, sizeof path,
                                       err);
    /* A scope naming a department that is gone sees nothing (fail closed). */
    if (rc == FZ_NOTFOUND) snprintf(path, sizeof path, "/none/");
    else if (rc) return rc;
    snprintf(store + half, store_size - half, "%s", path);
    fz_buf_printf(sql, " AND substr(d.path, 1, %zu) = ?", strlen(store + half));
    binds[(*nbind)++] = store + half;
  }
  fz_buf_puts(sql, ")");
  return FZ_OK;
}

static fz_err scope_department(fz_db *db, const fz_scope *s, fz_buf *sql,
                               const char **binds, int *nbind, char *store,
                               size_t store_size, fz_error *err) {
  return fz_reg_scope_departments(db, s, "t.id", sql, binds, nbind, store,
                                  store_size, err);
}

/* An officer (alias a) lies in the scope of his primary department and in
 * that of each of his other departments: a reader sees him through any of
 * them (changing him is for the primary one's scope: record.c).  The two
 * restrictions bind the same values, kept at the same places of store. */
static fz_err officer_scope(fz_db *db, const fz_scope *s, const char *a,
                            fz_buf *sql, const char **binds, int *nbind,
                            char *store, size_t store_size, fz_error *err) {
  if (!s->region_prefix[0] && !s->department_id) return FZ_OK;
  char col[64];
  snprintf(col, sizeof col, "%s.department_id", a);
  fz_buf_puts(sql, " AND (1 = 1");
  fz_err rc = fz_reg_scope_departments(db, s, col, sql, binds, nbind, store,
                                       store_size, err);
  fz_buf_printf(sql, " OR %s.id IN (SELECT od.officer_id FROM "
                "officer_departments od WHERE 1 = 1", a);
  if (!rc)
    rc = fz_reg_scope_departments(db, s, "od.department_id", sql, binds,
                                  nbind, store, store_size, err);
  fz_buf_puts(sql, "))");
  return rc;
}

static fz_err scope_officer(fz_db *db, const fz_scope *s, fz_buf *sql,
                            const char **binds, int *nbind, char *store,
                            size_t store_size, fz_error *err) {
  return officer_scope(db, s, "t", sql, binds, nbind, store, store_size, err);
}

/* departments[0..n) as a SQL list "1, 5, 9" appended to sql. */
static void id_list(fz_buf *sql, const int64_t *departments, size_t n) {
  for (size_t i = 0; i < n; i++)
    fz_buf_printf(sql, "%s%lld", i ? ", " : "", (long long)departments[i]);
  if (!n) fz_buf_puts(sql, "NULL"); /* IN (NULL): no department */
}

void fz_reg_officer_in_sql(fz_buf *sql, const char *alias,
                           const int64_t *departments, size_t n) {
  fz_buf_printf(sql, " AND (%s.department_id IN (", alias);
  id_list(sql, departments, n);
  fz_buf_printf(sql, ") OR %s.id IN (SELECT od.officer_id FROM "
                "officer_departments od WHERE od.department_id IN (", alias);
  id_list(sql, departments, n);
  fz_buf_puts(sql, ")))");
}

static fz_err scope_entity(fz_db *db, const fz_scope *s, fz_buf *sql,
                           const char **binds, int *nbind, char *store,
                           size_t store_size, fz_error *err) {
  region_scope(s, "t.region_code", sql, binds, nbind, store, store_size);
  return FZ_OK;
}

/* A conflict lies in the scope of its officer. */
static fz_err scope_conflict(fz_db *db, const fz_scope *s, fz_buf *sql,
                             const char **binds, int *nbind, char *store,
                             size_t store_size, fz_error *err) {
  if (!s->region_prefix[0] && !s->department_id) return FZ_OK;
  fz_buf_puts(sql,
                    " AND t.officer_id IN (SELECT o.id FROM officers o "
                    "WHERE 1 = 1");
  fz_err rc = officer_scope(db, s, "o", sql, binds, nbind, store, store_size,
                            err);
  fz_buf_puts(sql, ")");
  return rc;
}

/* 1 if a row with id exists in table (and is active when active is set). */
static fz_err exists(fz_db *db, const char *sql, const char *text, int64_t id,
                     int *found, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  if (text) fz_stmt_bind_text(st, 1, text, -1);
  else fz_stmt_bind_int64(st, 1, id);
  int r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
  *found = r == FZ_STEP_ROW;
  return FZ_OK;
}

/* ---- Departments (执法主体) -------------------------------------------- */

static const char *const levels[] = {"省", "市", "县", "乡", NULL};

static const fz_rfield department_fields[] = {
    {"name", "名称", FZ_F_TEXT,
     FZ_FF_REQUIRED | FZ_FF_SEARCH | FZ_FF_SORT | FZ_FF_PUBLIC, 128, NULL},
    {"uscc", "统一社会信用代码", FZ_F_USCC,
     FZ_FF_REQUIRED | FZ_FF_KEY | FZ_FF_PUBLIC | FZ_FF_SORT, 18, NULL},
    {"kind", "类别", FZ_F_ENUM, FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC,
     32, NULL},
    {"region_code", "行政区划代码", FZ_F_REGION,
     FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC | FZ_FF_SORT, 6, NULL},
    {"level", "层级", FZ_F_ENUM, FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC,
     8, levels},
    {"parent_id", "上级主体ID", FZ_F_INT, FZ_FF_FILTER | FZ_FF_PUBLIC, 0, NULL},
};

/* A department's parent must exist and must not be itself or below it. */
static fz_err check_department(fz_db *db, const fz_rview *r, fz_error *err) {
  const char *parent = r->v[5];
  if (!parent || !*parent) return FZ_OK;
  int64_t pid = strtoll(parent, NULL, 10);
  char path[256];
  fz_err rc = fz_reg_department_path(db, pid, path, sizeof path, err);
  if (rc == FZ_NOTFOUND)
    return fz_error_set(err, FZ_INVALID, "parent_id",
                        "上级主体 %lld 不存在 / no department %lld",
                        (long long)pid, (long long)pid);
  if (rc) return rc;
  char self[32];
  snprintf(self, sizeof self, "/%lld/", (long long)r->id);
  if (r->id && strstr(path, self))
    return fz_error_set(err, FZ_CONFLICT, "parent_id",
                        "上级主体不能是本主体或其下级 / a department cannot "
                        "sit under itself or one of its own sub-departments");
  return FZ_OK;
}

/* ---- Officers (执法人员, 辅助人员) ------------------------------------- */

static const char *const cert_statuses[] = {"valid|有效", "suspended|暂扣",
                                            "revoked|收缴", NULL};

static const fz_rfield officer_fields[] = {
    {"name", "姓名", FZ_F_TEXT,
     FZ_FF_REQUIRED | FZ_FF_PERSONAL | FZ_FF_SEARCH | FZ_FF_SORT |
         FZ_FF_PUBLIC,
     64, NULL},
    {"id_number", "身份证号", FZ_F_RESIDENT, 0, 18, NULL},
    {"cert_no", "执法证号", FZ_F_CODE,
     FZ_FF_KEY | FZ_FF_PUBLIC | FZ_FF_SORT, 32, NULL},
    {"cert_from", "证件有效期起", FZ_F_DATE, FZ_FF_PUBLIC, 10, NULL},
    {"cert_to", "证件有效期止", FZ_F_DATE,
     FZ_FF_PUBLIC | FZ_FF_SORT, 10, NULL},
    {"status", "证件状态", FZ_F_ENUM,
     FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC, 16, cert_statuses},
    {"auxiliary", "辅助人员", FZ_F_BOOL, FZ_FF_FILTER, 0, NULL},
    {"department_id", "所属执法主体ID", FZ_F_INT,
     FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC, 0, NULL},
    {"areas", "执法领域", FZ_F_TAGS, FZ_FF_FILTER | FZ_FF_PUBLIC, 512, NULL},
    {"legal_qualification", "法律职业资格", FZ_F_BOOL, FZ_FF_FILTER, 0,
     NULL},
    {"user_id", "登录账号ID", FZ_F_INT, FZ_FF_FILTER, 0, NULL},
    /* Kept in officer_departments (the kind's link), not a column. */
    {"department_ids", "其他所属执法主体ID", FZ_F_IDS, FZ_FF_PUBLIC, 16,
     NULL},
};

/* His other departments: each active, none his primary one again (the
 * list itself is checked in value.c: ids, none twice, at most 16). */
static fz_err check_other_departments(fz_db *db, const fz_rview *r,
                                      fz_error *err) {
  long long primary = strtoll(r->v[7], NULL, 10);
  const char *p = r->v[11] ? r->v[11] : "";
  long long d;
  while (fz_reg_ids_next(&p, &d)) {
    if (d == primary)
      return fz_error_set(err, FZ_INVALID, "department_ids",
                          "其他所属执法主体ID 中的 %lld 已是所属执法主体 "
                          "(department_id)，不能重复登记 / department_ids: "
                          "%lld is the officer's primary department "
                          "(department_id)",
                          d, d);
    int found = 0;
    fz_err rc = exists(db, "SELECT 1 FROM departments WHERE id = ? AND "
                       "active = 1", NULL, d, &found, err);
    if (rc) return rc;
    if (!found)
      return fz_error_set(err, FZ_INVALID, "department_ids",
                          "其他所属执法主体ID 中的执法主体 %lld 不存在或已停用 "
                          "/ department_ids: no active department %lld",
                          d, d);
  }
  return FZ_OK;
}

/* An officer holds a certificate with both dates, the second after the
 * first; a 辅助人员 holds none and cannot be given the legal
 * qualification's duties, but may have it recorded. */
static fz_err check_officer(fz_db *db, const fz_rview *r, fz_error *err) {
  const char *cert = r->v[2], *from = r->v[3], *to = r->v[4];
  int aux = r->v[6] && strcmp(r->v[6], "1") == 0;
  int has_cert = cert && *cert;
  if (aux && has_cert)
    return fz_error_set(err, FZ_INVALID, "cert_no",
                        "辅助人员不持有行政执法证件，不能登记执法证号 / an "
                        "auxiliary (辅助人员) holds no enforcement "
                        "certificate");
  if (!aux) {
    if (!has_cert)
      return fz_error_set(err, FZ_MISSING, "cert_no",
                          "执法人员须登记执法证号 / an officer needs a "
                          "certificate number");
    if (!from || !*from || !to || !*to)
      return fz_error_set(err, FZ_MISSING, !from || !*from ? "cert_from"
                                                           : "cert_to",
                          "执法证件须登记有效期起止日期 / a certificate needs "
                          "its validity dates");
    if (strcmp(from, to) > 0)
      return fz_error_set(err, FZ_INVALID, "cert_to",
                          "证件有效期止 %s 早于起始日期 %s / the certificate "
                          "ends before it starts",
                          to, from);
  }
  int found = 0;
  fz_err rc = exists(db, "SELECT 1 FROM departments WHERE id = ? AND active = 1",
                     NULL, strtoll(r->v[7], NULL, 10), &found, err);
  if (rc) return rc;
  if (!found)
    return fz_error_set(err, FZ_INVALID, "department_id",
                        "执法主体 %s 不存在或已停用 / no active department %s",
                        r->v[7], r->v[7]);
  if ((rc = check_other_departments(db, r, err))) return rc;
  /* The login an officer uses: an active business account (三员 hold no
   * business data, 三员分立). */
  const char *user = r->v[10];
  if (!user || !*user) return FZ_OK;
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT 1 FROM users WHERE id = ? AND status = "
           "'active' AND (roles & %u) = 0", (unsigned)FZ_ROLES_ADMIN);
  rc = exists(db, sql, NULL, strtoll(user, NULL, 10), &found, err);
  if (rc) return rc;
  if (!found)
    return fz_error_set(err, FZ_INVALID, "user_id",
                        "登录账号 %s 不存在、已停用或为三员账号 / no active "
                        "business account %s", user, user);
  return FZ_OK;
}

/* ---- Regulated entities (监管对象) ------------------------------------- */

static const char *const entity_kinds[] = {
    "企业", "个体工商户", "农民专业合作社", "社会组织", "事业单位", "其他",
    NULL};
static const char *const grades[] = {"A", "B", "C", "D", NULL};
static const char *const risks[] = {"低", "一般", "较高", "高", NULL};
static const char *const entity_statuses[] = {"存续", "注销", "吊销", NULL};

static const fz_rfield entity_fields[] = {
    {"uscc", "统一社会信用代码", FZ_F_USCC,
     FZ_FF_REQUIRED | FZ_FF_KEY | FZ_FF_PUBLIC | FZ_FF_SORT, 18, NULL},
    {"name", "名称", FZ_F_TEXT,
     FZ_FF_REQUIRED | FZ_FF_SEARCH | FZ_FF_SORT | FZ_FF_PUBLIC, 200, NULL},
    {"kind", "主体类型", FZ_F_ENUM,
     FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC, 32, entity_kinds},
    {"region_code", "行政区划代码", FZ_F_REGION,
     FZ_FF_FILTER | FZ_FF_PUBLIC | FZ_FF_SORT, 6, NULL},
    {"address", "住所", FZ_F_TEXT, FZ_FF_PUBLIC, 256, NULL},
    {"industry", "行业", FZ_F_INDUSTRY, FZ_FF_FILTER | FZ_FF_PUBLIC, 3, NULL},
    {"legal_rep", "法定代表人", FZ_F_TEXT, FZ_FF_PERSONAL | FZ_FF_PUBLIC, 64,
     NULL},
    {"credit_grade", "信用等级", FZ_F_ENUM, FZ_FF_FILTER, 1, grades},
    {"credit_date", "信用评定日期", FZ_F_DATE, 0, 10, NULL},
    {"credit_source", "信用评定来源", FZ_F_TEXT, 0, 128, NULL},
    {"risk_level", "风险等级", FZ_F_ENUM, FZ_FF_FILTER, 8, risks},
    {"status", "登记状态", FZ_F_ENUM,
     FZ_FF_FILTER | FZ_FF_PUBLIC | FZ_FF_DEFAULT, 8, entity_statuses},
    {"tags", "标签", FZ_F_TAGS, FZ_FF_FILTER, 512, NULL},
};

/* The region of an entity defaults to the 登记管理机关 digits of its code
 * (positions 3–8, GB 32100), which must name a known region. */
static fz_err check_entity(fz_db *db, const fz_rview *r, fz_error *err) {
  char region[7];
  memcpy(region, r->v[0] + 2, 6);
  region[6] = '\0';
  if (!fz_region_name(region))
    return fz_error_set(err, FZ_INVALID, "uscc",
                        "统一社会信用代码第3至8位 %s 不是已知的行政区划代码 "
                        "(GB 32100) / the registration-authority digits %s "
                        "name no known region",
                        region, region);
  if (r->v[8] && *r->v[8] && !(r->v[7] && *r->v[7]))
    return fz_error_set(err, FZ_MISSING, "credit_grade",
                        "有信用评定日期却没有信用等级 / a credit date "
                        "without a grade");
  return FZ_OK;
}

/* The full name of the region of entity r ("辽宁省沈阳市和平区") into
 * full, or NULL when the code names no region. */
static const char *entity_region_name(const fz_rview *r, char *full,
                                      size_t size) {
  const char *name = r->v[3] ? fz_region_name(r->v[3]) : NULL;
  if (name && fz_region_full_name(r->v[3], full, size) == FZ_OK) name = full;
  return name;
}

static fz_err decorate_entity(fz_db *db, const fz_rview *r, fz_reg_view view,
                              json_t *o, fz_error *err) {
  char full[256];
  const char *name = entity_region_name(r, full, sizeof full);
  json_object_set_new(o, "region_name", name ? json_string(name) : json_null());
  return FZ_OK;
}

static void decorate_entity_text(const fz_rview *r, fz_reg_view view,
                                 fz_buf *out) {
  char full[256];
  const char *name = entity_region_name(r, full, sizeof full);
  fz_buf_puts(out, ",\"region_name\":");
  if (name) fz_jt_string(out, name, strlen(name));
  else fz_buf_puts(out, "null");
}

/* ---- Catalogues: 执法事项 (权责清单) and 抽查事项 ----------------------- */

static const char *const matter_kinds[] = {
    "行政处罚", "行政检查", "行政强制", "行政许可", "行政征收",
    "行政给付", "行政确认", "行政裁决", "行政奖励", "其他", NULL};

static const fz_rfield matter_fields[] = {
    {"code", "事项编码", FZ_F_CODE,
     FZ_FF_REQUIRED | FZ_FF_KEY | FZ_FF_PUBLIC | FZ_FF_SORT, 32, NULL},
    {"name", "事项名称", FZ_F_TEXT,
     FZ_FF_REQUIRED | FZ_FF_SEARCH | FZ_FF_SORT | FZ_FF_PUBLIC, 200, NULL},
    {"kind", "事项类别", FZ_F_ENUM,
     FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC, 16, matter_kinds},
    {"department_kind", "实施部门类别", FZ_F_ENUM,
     FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC, 32, NULL},
    {"law", "法律依据", FZ_F_TEXT, FZ_FF_REQUIRED | FZ_FF_PUBLIC, 128, NULL},
    {"article", "条款", FZ_F_TEXT, FZ_FF_REQUIRED | FZ_FF_PUBLIC, 64, NULL},
    {"level", "实施层级", FZ_F_ENUM,
     FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC, 8, levels},
};

static const char *const methods[] = {"书面检查", "实地核查", "网络监测",
                                      "抽样检测", "其他", NULL};

static const fz_rfield item_fields[] = {
    {"code", "抽查事项编码", FZ_F_CODE,
     FZ_FF_REQUIRED | FZ_FF_KEY | FZ_FF_PUBLIC | FZ_FF_SORT, 32, NULL},
    {"name", "抽查事项名称", FZ_F_TEXT,
     FZ_FF_REQUIRED | FZ_FF_SEARCH | FZ_FF_SORT | FZ_FF_PUBLIC, 200, NULL},
    {"department_kind", "实施部门类别", FZ_F_ENUM,
     FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC, 32, NULL},
    {"matter_code", "对应执法事项编码", FZ_F_CODE,
     FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC, 32, NULL},
    {"method", "检查方式", FZ_F_ENUM,
     FZ_FF_REQUIRED | FZ_FF_FILTER | FZ_FF_PUBLIC, 16, methods},
    {"law", "法律依据", FZ_F_TEXT, FZ_FF_REQUIRED | FZ_FF_PUBLIC, 128, NULL},
    {"article", "条款", FZ_F_TEXT, FZ_FF_REQUIRED | FZ_FF_PUBLIC, 64, NULL},
};

/* A 抽查事项 carries out a 行政检查 matter of the catalogue. */
static fz_err check_item(fz_db *db, const fz_rview *r, fz_error *err) {
  int found = 0;
  fz_err rc = exists(db,
                     "SELECT 1 FROM matters WHERE code = ? AND active = 1 "
                     "AND kind = '行政检查'",
                     r->v[3], 0, &found, err);
  if (rc) return rc;
  if (!found)
    return fz_error_set(err, FZ_INVALID, "matter_code",
                        "执法事项 %s 不存在、已停用或不是行政检查事项 / no "
                        "active inspection (行政检查) matter %s",
                        r->v[3], r->v[3]);
  return FZ_OK;
}

/* ---- Conflicts (回避) --------------------------------------------------- */

static const fz_rfield conflict_fields[] = {
    {"officer_id", "执法人员ID", FZ_F_INT, FZ_FF_REQUIRED | FZ_FF_FILTER, 0,
     NULL},
    {"entity_uscc", "监管对象统一社会信用代码", FZ_F_USCC,
     FZ_FF_REQUIRED | FZ_FF_FILTER, 18, NULL},
    {"reason", "回避事由", FZ_F_TEXT, FZ_FF_REQUIRED, 256, NULL},
};

static fz_err check_conflict(fz_db *db, const fz_rview *r, fz_error *err) {
  int found = 0;
  fz_err rc = exists(db, "SELECT 1 FROM officers WHERE id = ?", NULL,
                     strtoll(r->v[0], NULL, 10), &found, err);
  if (!rc && !found)
    return fz_error_set(err, FZ_INVALID, "officer_id",
                        "执法人员 %s 不存在 / no officer %s", r->v[0], r->v[0]);
  if (!rc)
    rc = exists(db, "SELECT 1 FROM entities WHERE uscc = ?", r->v[1], 0,
                &found, err);
  if (!rc && !found)
    return fz_error_set(err, FZ_INVALID, "entity_uscc",
                        "监管对象 %s 不存在 / no entity %s", r->v[1], r->v[1]);
  return rc;
}

/* ---- Departments: their place in the tree, and what depends on them ----- */

/* A department with active officers (his primary department or one of his
 * others) or sub-departments stays active: an officer's departments are
 * active ones (check_officer). */
static fz_err department_may_deactivate(fz_db *db, int64_t id, fz_error *err) {
  int64_t n = 0;
  char sql[384];
  snprintf(sql, sizeof sql,
           "SELECT (SELECT COUNT(*) FROM departments WHERE parent_id = %lld "
           "AND active = 1) + (SELECT COUNT(*) FROM officers o WHERE "
           "o.active = 1 AND (o.department_id = %lld OR o.id IN (SELECT "
           "od.officer_id FROM officer_departments od WHERE "
           "od.department_id = %lld)))",
           (long long)id, (long long)id, (long long)id);
  fz_err rc = fz_db_query_int64(db, sql, &n, err);
  if (!rc && n)
    rc = fz_error_set(err, FZ_CONFLICT, "id",
                      "该执法主体下仍有 %lld 个启用的下级主体或执法人员，"
                      "请先调整 / %lld active sub-departments or officers "
                      "still belong to it",
                      (long long)n, (long long)n);
  return rc;
}

/* ---- The table of kinds ------------------------------------------------- */

#define FIELDS(a) .fields = a, .nfields = sizeof a / sizeof a[0]

static const fz_rkind kinds[FZ_REG__COUNT] = {
    [FZ_REG_DEPARTMENT] = {.kind = FZ_REG_DEPARTMENT, .name = "departments",
                           .label = "执法主体", .object = "department",
                           .table = "departments", FIELDS(department_fields),
                           .key = 1, .search = 0,
                           .write_perm = FZ_PERM_MANAGE_REGISTRY,
                           .check = check_department,
                           .scope_sql = scope_department,
                           .parent_field = "parent_id",
                           .parent_kind = FZ_REG_DEPARTMENT,
                           .placed = fz_rec_department_place,
                           .may_deactivate = department_may_deactivate},
    [FZ_REG_OFFICER] = {.kind = FZ_REG_OFFICER, .name = "officers",
                        .label = "执法人员", .object = "officer",
                        .table = "officers", FIELDS(officer_fields), .key = 2,
                        .search = 0, .write_perm = FZ_PERM_MANAGE_REGISTRY,
                        .check = check_officer, .scope_sql = scope_officer,
                        .decorate = fz_reg_decorate_officer,
                        .parent_field = "department_id",
                        .parent_kind = FZ_REG_DEPARTMENT,
                        .link_table = "officer_departments",
                        .link_owner = "officer_id",
                        .link_column = "department_id"},
    [FZ_REG_ENTITY] = {.kind = FZ_REG_ENTITY, .name = "entities",
                       .label = "监管对象", .object = "entity",
                       .table = "entities", FIELDS(entity_fields), .key = 0,
                       .search = 1, .write_perm = FZ_PERM_WRITE_BUSINESS,
                       .check = check_entity, .scope_sql = scope_entity,
                       .decorate = decorate_entity,
                       .decorate_text = decorate_entity_text},
    [FZ_REG_MATTER] = {.kind = FZ_REG_MATTER, .name = "matters",
                       .label = "执法事项", .object = "matter",
                       .table = "matters", FIELDS(matter_fields), .key = 0,
                       .search = 1, .write_perm = FZ_PERM_MANAGE_REGISTRY},
    [FZ_REG_ITEM] = {.kind = FZ_REG_ITEM, .name = "items", .label = "抽查事项",
                     .object = "item", .table = "items", FIELDS(item_fields),
                     .key = 0, .search = 1,
                     .write_perm = FZ_PERM_MANAGE_REGISTRY,
                     .check = check_item},
    [FZ_REG_CONFLICT] = {.kind = FZ_REG_CONFLICT, .name = "conflicts",
                         .label = "回避关系", .object = "conflict",
                         .table = "conflicts", FIELDS(conflict_fields),
                         .key = -1, .search = 2,
                         .write_perm = FZ_PERM_WRITE_BUSINESS,
                         .check = check_conflict, .scope_sql = scope_conflict,
                         .parent_field = "officer_id",
                         .parent_kind = FZ_REG_OFFICER,
                         .unique = "officer_id, entity_uscc"},
};

const fz_rkind *fz_reg_kind_get(fz_reg_kind k) {
  return (unsigned)k < FZ_REG__COUNT ? &kinds[k] : NULL;
}

fz_err fz_reg_kind_parse(const char *name, fz_reg_kind *k, fz_error *err) {
  for (int i = 0; i < FZ_REG__COUNT; i++)
    if (name && strcmp(name, kinds[i].name) == 0) {
      *k = (fz_reg_kind)i;
      return FZ_OK;
    }
  return fz_error_set(err, FZ_INVALID, "kind",
                      "unknown kind of record \"%s\": departments, officers, "
                      "entities, matters, items or conflicts",
                      name ? name : "");
}

const char *fz_reg_kind_name(fz_reg_kind k) { return kinds[k].name; }
const char *fz_reg_kind_label(fz_reg_kind k) { return kinds[k].label; }
const char *fz_reg_kind_object(fz_reg_kind k) { return kinds[k].object; }
size_t fz_reg_nfields(fz_reg_kind k) { return kinds[k].nfields; }
const fz_rfield *fz_reg_field(fz_reg_kind k, size_t i) {
  return i < kinds[k].nfields ? &kinds[k].fields[i] : NULL;
}

int fz_reg_field_find(fz_reg_kind k, const char *name) {
  for (size_t i = 0; i < kinds[k].nfields; i++)
    if (strcmp(kinds[k].fields[i].name, name) == 0 ||
        strcmp(kinds[k].fields[i].label, name) == 0)
      return (int)i;
  return -1;
}

int fz_reg_idx(const fz_rkind *k, const char *name) {
  return fz_reg_field_find(k->kind, name);
}

int fz_reg_link_idx(const fz_rkind *k) {
  for (size_t i = 0; k->link_table && i < k->nfields; i++)
    if (k->fields[i].type == FZ_F_IDS) return (int)i;
  return -1;
}
