/* demo.c — the demo plans of 双随机、一公开 (see demo.h): officers linked to
 * the demo accounts, and plans A, B and C taken step by step, each step in
 * its own transaction as the account that would make it. */
#include "inspect/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "core/clock.h"
#include "inspect/plan_int.h"
#include "registry/demo.h"
#include "registry/registry.h"

/* ---- The plans ----------------------------------------------------------- */

typedef struct plan_def {
  char key;
  const char *name; /* printf pattern taking the window's year */
  const char *departments[2];
  const char *items[2];
  const char *pool_region, *pool_industry, *stratify_by;
  const char *strata; /* JSON */
  int from, to;       /* the window, in days from today */
  const char *head;
  const char *officer; /* the demo account of an officer of the lead */
  const char *participants[3];
  int lottery;          /* announces a lottery draw as the public value */
  int reveal;           /* how many participants reveal (in order) */
  fz_plan_status until; /* the state the demo takes it to */
} plan_def;

/* The ratios give a few dozen tasks per plan with the default 20,000
 * entities: about 4,000 of them are 沈阳's, 3,300 大连's, 94 % 存续; grades
 * A 55 %, B 30 %, C 10 %, D 5 % (registry/demo.c).  Riskier strata are
 * drawn more often, as 国办发〔2019〕5号 asks of 差异化抽查. */
static const plan_def plans[FZ_INSPECT_DEMO_PLANS] = {
    {'A',
     "%d年沈阳市市场监管、生态环境部门联合双随机抽查（演示）",
     {"沈阳市市场监督管理局", "沈阳市生态环境局"},
     {"SC-CC-001", "ST-CC-001"},
     "2101",
     "",
     "credit_grade",
     "[{\"key\": \"A\", \"ratio\": \"0.005\"}, {\"key\": \"B\", \"ratio\": "
     "\"0.01\"}, {\"key\": \"C\", \"ratio\": \"0.03\"}, {\"key\": \"D\", "
     "\"count\": 8}]",
     -81,
     -21,
     "sy.head",
     "sy.officer",
     {"sy.head", "ln.supervisor", "ln.social"},
     1,
     3,
     FZ_PLAN_PUBLISHED},
    {'B',
     "%d年大连市市场监管领域双随机抽查（演示）",
     {"大连市市场监督管理局", NULL},
     {"SC-CC-002", "SC-CC-009"},
     "2102",
     "",
     "credit_grade",
     "[{\"key\": \"A\", \"ratio\": \"0.005\"}, {\"key\": \"B\", \"ratio\": "
     "\"0.01\"}, {\"key\": \"C\", \"ratio\": \"0.03\"}, {\"key\": \"D\", "
     "\"count\": 6}]",
     10,
     70,
     "dl.head",
     "dl.officer",
     {"dl.head", "ln.supervisor", "ln.social"},
     0,
     1,
     FZ_PLAN_COMMITTED},
    {'C',
     "%d年沈阳市食品销售者双随机抽查（演示）",
     {"沈阳市市场监督管理局", NULL},
     {"SC-CC-004", NULL},
     "2101",
     "F52",
     "risk_level",
     "[{\"key\": \"高\", \"ratio\": \"0.2\"}, {\"key\": \"较高\", \"ratio\": "
     "\"0.1\"}, {\"key\": \"一般\", \"ratio\": \"0.03\"}, {\"key\": \"低\", "
     "\"ratio\": \"0.01\"}]",
     -150,
     -90,
     "sy.head",
     "sy.officer",
     {"sy.head", "ln.supervisor", NULL},
     0,
     2,
     FZ_PLAN_DRAWN},
};

/* The results officers record: most find nothing (the share 市场监管总局
 * reports year after year), the rest spread over the standard categories
 * (fz_inspect_results, in its order), each with a typical note. */
static const struct {
  int weight; /* of 100 */
  const char *notes;
} outcomes[] = {
    {70, "现场核查经营场所、营业执照及公示信息，未发现问题。"},
    {5, "未按规定公示年度报告中的从业人数和资产状况信息，已责令限期补报。"},
    {2, "年度报告公示的经营场所与实际不符，依法列入经营异常名录。"},
    {8, "现场发现部分商品未明码标价，已当场责令改正。"},
    {4, "发现涉嫌违法的线索，已移送立案审查。"},
    {2, "经营者拒绝提供检查所需资料，已告知法律后果并记录在案。"},
    {5, "检查时未发现开展本次抽查事项涉及的经营活动。"},
    {4, "两次到登记的住所实地核查均无法联系，依法列入经营异常名录。"},
};
#define NOUTCOMES (sizeof outcomes / sizeof outcomes[0])

/* ---- Running the steps --------------------------------------------------- */

typedef struct demo {
  fz_db *db;
  uint64_t seed;
  int64_t now, tick; /* now 0: the clock */
  char today[FZ_DATE_BUF];
  long today_days;
} demo;

static int64_t step_time(demo *d) {
  return d->now ? d->now + d->tick++ : fz_now_ms();
}

/* YYYY-MM-DD of today + days. */
static void day(const demo *d, long days, char out[FZ_DATE_BUF]) {
  fz_date_format(fz_date_from_days(d->today_days + days), out);
}

/* Ends a step's transaction: commits it when rc is FZ_OK, rolls it back
 * otherwise. */
static fz_err end(demo *d, fz_err rc, fz_error *err) {
  if (!rc) rc = fz_db_commit(d->db, err);
  if (rc) fz_db_rollback(d->db);
  return rc;
}

/* Says in err which plan and step failed, keeping code and field. */
static fz_err failed(fz_err rc, char plan, const char *step, fz_error *err) {
  if (!rc || !err) return rc;
  char why[sizeof err->message];
  snprintf(why, sizeof why, "%s", err->message[0] ? err->message
                                                   : fz_err_message(rc));
  snprintf(err->message, sizeof err->message, "演示计划 %c，%.60s：%.400s",
           plan, step, why);
  err->code = rc;
  return rc;
}

/* Runs sql with the text parameters args (NULL-terminated, at most 4) and
 * reads the integer of its first row into *out; FZ_NOTFOUND when none. */
static fz_err query_int(fz_db *db, const char *sql, const char *const *args,
                        int64_t *out, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  for (int i = 0; args && args[i] && i < 4; i++)
    fz_stmt_bind_text(st, i + 1, args[i], -1);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) *out = fz_stmt_column_int64(st, 0);
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE) return FZ_NOTFOUND;
  return r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

/* SM3 of "fazhi-demo:<seed>:<label>": secrets, lottery numbers, results. */
static void demo_hash(const demo *d, const char *label, uint8_t out[32]) {
  char text[256];
  int n = snprintf(text, sizeof text, "fazhi-demo:%llu:%s",
                   (unsigned long long)d->seed, label);
  fz_draw_digest(text, n > 0 && (size_t)n < sizeof text ? (size_t)n : 0, out);
}

/* ---- Officers of the demo accounts --------------------------------------- */

/* Links username's account to a certified officer of his department (the
 * one whose certificate runs longest), unless one is linked already. */
static fz_err link_officer(demo *d, const char *username,
                           fz_inspect_demo_link *l, fz_error *err) {
  snprintf(l->username, sizeof l->username, "%s", username);
  fz_err rc = fz_demo_link_officer(d->db, username, d->today, 0,
                                   step_time(d), &l->officer_id, &l->made,
                                   err);
  if (rc) return rc;
  fz_stmt *st;
  rc = fz_db_prepare(d->db, "SELECT name, cert_no FROM officers WHERE id = ?",
                     &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, l->officer_id);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    const char *name = fz_stmt_column_text(st, 0);
    const char *cert = fz_stmt_column_text(st, 1);
    snprintf(l->officer, sizeof l->officer, "%s", name ? name : "");
    snprintf(l->cert_no, sizeof l->cert_no, "%s", cert ? cert : "");
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* ---- One plan ------------------------------------------------------------ */

static fz_err department_id(fz_db *db, const char *name, int64_t *id,
                            fz_error *err) {
  const char *args[] = {name, NULL};
  fz_err rc = query_int(db, "SELECT id FROM departments WHERE name = ? AND "
                        "active = 1", args, id, err);
  if (rc == FZ_NOTFOUND)
    return fz_error_set(err, FZ_NOTFOUND, "departments", "演示数据中没有%s / "
                        "the demo has no department %s", name, name);
  return rc;
}

/* 1 in *any when the plan's region holds an entity its pool would take. */
static fz_err pool_nonempty(demo *d, const plan_def *p, int *any,
                            fz_error *err) {
  char region_end[16], industry_end[16];
  snprintf(region_end, sizeof region_end, "%s:", p->pool_region);
  snprintf(industry_end, sizeof industry_end, "%s~", p->pool_industry);
  const char *args[] = {p->pool_region, region_end, p->pool_industry,
                        industry_end, NULL};
  if (!p->pool_industry[0]) args[2] = NULL;
  int64_t one = 0;
  fz_err rc = query_int(d->db,
                        p->pool_industry[0]
                            ? "SELECT 1 FROM entities WHERE region_code >= ? "
                              "AND region_code < ? AND industry >= ? AND "
                              "industry < ? AND active = 1 AND status = '存续' "
                              "LIMIT 1"
                            : "SELECT 1 FROM entities WHERE region_code >= ? "
                              "AND region_code < ? AND active = 1 AND status "
                              "= '存续' LIMIT 1",
                        args, &one, err);
  *any = rc == FZ_OK;
  return rc == FZ_NOTFOUND ? FZ_OK : rc;
}

/* How many days to move the window of a plan that will be drawn back so
 * that its publication deadline (inspection.publish, computed at the draw)
 * falls in a year whose 法定节假日 calendar is loaded: a plan ending late in
 * December is due in January, and the next year's calendar is published
 * only late in the year.  0 when it needs no move or none helps. */
static long calendar_shift(const demo *d, const plan_def *p) {
  const fz_cal *cal = fz_cal_default(NULL);
  for (long back = 0; cal && p->until >= FZ_PLAN_DRAWN && back <= 371;
       back += 7) {
    fz_deadline due;
    fz_date end = fz_date_from_days(d->today_days + p->to - back);
    fz_err rc = fz_deadline_compute(cal, "inspection.publish", end, &due,
                                    NULL);
    if (rc != FZ_NODATA) return rc ? 0 : back;
  }
  return 0;
}

/* The plan's specification for fz_plan_create. */
static fz_err spec_of(demo *d, const plan_def *p, json_t **out,
                      fz_error *err) {
  char from[FZ_DATE_BUF], to[FZ_DATE_BUF], name[256], source[128];
  long back = calendar_shift(d, p);
  day(d, p->from - back, from);
  day(d, p->to - back, to);
  snprintf(name, sizeof name, p->name, (int)strtol(from, NULL, 10));
  json_t *deps = json_array(), *items = json_array(), *parts = json_array();
  json_t *strata = json_loads(p->strata, 0, NULL);
  fz_err rc = deps && items && parts && strata
                  ? FZ_OK
                  : fz_error_set(err, FZ_NOMEM, "", NULL);
  for (size_t i = 0; !rc && i < 2 && p->departments[i]; i++) {
    int64_t id = 0;
    rc = department_id(d->db, p->departments[i], &id, err);
    if (!rc) json_array_append_new(deps, json_integer(id));
  }
  for (size_t i = 0; !rc && i < 2 && p->items[i]; i++)
    json_array_append_new(items, json_string(p->items[i]));
  for (size_t i = 0; !rc && i < 3 && p->participants[i]; i++) {
    fz_principal u;
    rc = fz_user_principal(d->db, p->participants[i], &u, err);
    if (!rc) json_array_append_new(parts, json_integer(u.scope.user_id));
  }
  json_t *spec = NULL;
  if (!rc) {
    spec = json_pack("{s:s, s:O, s:O, s:s, s:s, s:s, s:O, s:i, s:s, s:s, "
                     "s:O}", "name", name, "departments", deps, "items",
                     items, "pool_region", p->pool_region, "pool_industry",
                     p->pool_industry, "stratify_by", p->stratify_by,
                     "strata", strata, "team_size", 2, "window_from", from,
                     "window_to", to, "participants", parts);
    if (!spec) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  }
  if (!rc && p->lottery) {
    /* 中国福利彩票3D is drawn every evening: the draw three days before the
     * window opens, after the commitment. */
    fz_date l = fz_date_from_days(d->today_days + p->from - back - 3);
    snprintf(source, sizeof source, "%d年%d月%d日 中国福利彩票3D 开奖号码",
             l.y, l.m, l.d);
    json_object_set_new(spec, "public_value_source", json_string(source));
  }
  json_decref(deps);
  json_decref(items);
  json_decref(parts);
  json_decref(strata);
  if (rc) {
    json_decref(spec);
    return rc;
  }
  *out = spec;
  return FZ_OK;
}

/* The participant rows of a plan, in order. */
typedef struct part_row {
  char username[40];
  int committed, revealed;
} part_row;

static fz_err participants(demo *d, int64_t plan, part_row *rows, size_t max,
                           size_t *n, fz_error *err) {
  fz_stmt *st;
  *n = 0;
  fz_err rc = fz_db_prepare(d->db, "SELECT u.username, pp.commit_hex IS NOT "
                            "NULL, pp.secret_hex IS NOT NULL FROM "
                            "plan_participants pp JOIN users u ON u.id = "
                            "pp.user_id WHERE pp.plan_id = ? ORDER BY "
                            "pp.position", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, plan);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW && *n < max) {
    part_row *p = &rows[(*n)++];
    snprintf(p->username, sizeof p->username, "%s",
             fz_stmt_column_text(st, 0));
    p->committed = (int)fz_stmt_column_int64(st, 1);
    p->revealed = (int)fz_stmt_column_int64(st, 2);
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE || r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

/* A participant's secret for plan key, and its commitment, in hex. */
static void secret_of(const demo *d, char key, const char *username,
                      char secret[65], char commit[65]) {
  char label[96];
  uint8_t s[32], c[32];
  snprintf(label, sizeof label, "plan-%c:secret:%.40s", key, username);
  demo_hash(d, label, s);
  fz_draw_commit_of(s, c);
  fz_inspect_hex(s, secret);
  fz_inspect_hex(c, commit);
}

/* Records the result of every staffed task without one: the officer of the
 * demo account sy.officer or dl.officer for his team's tasks, the head for
 * the others; a hundred to a transaction, as a day's forms are entered. */
static fz_err record_results(demo *d, const plan_def *p, int64_t plan,
                             fz_error *err) {
  fz_principal head, officer;
  int64_t officer_id = 0;
  fz_err rc = fz_user_principal(d->db, p->head, &head, err);
  if (!rc && fz_user_principal(d->db, p->officer, &officer, NULL) == FZ_OK)
    rc = fz_inspect_officer_of(d->db, &officer, &officer_id, err);
  for (int more = 1; !rc && more;) {
    enum { BATCH = 100 };
    int64_t ids[BATCH], own[BATCH];
    char codes[BATCH][FZ_DRAW_CODE + 1];
    size_t n = 0;
    fz_stmt *st;
    rc = fz_db_prepare(d->db, "SELECT t.id, t.entity_uscc, EXISTS (SELECT 1 "
                       "FROM task_officers x WHERE x.task_id = t.id AND "
                       "x.active = 1 AND x.officer_id = ?) FROM tasks t WHERE "
                       "t.plan_id = ? AND t.staffed = 1 AND t.result IS NULL "
                       "ORDER BY t.position LIMIT 100", &st, err);
    if (rc) break;
    fz_stmt_bind_int64(st, 1, officer_id);
    fz_stmt_bind_int64(st, 2, plan);
    int r;
    while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW && n < BATCH) {
      ids[n] = fz_stmt_column_int64(st, 0);
      snprintf(codes[n], sizeof codes[n], "%s", fz_stmt_column_text(st, 1));
      own[n++] = fz_stmt_column_int64(st, 2);
    }
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE && r != FZ_STEP_ROW) return (fz_err)r;
    more = n == BATCH;
    if (!n) break;
    rc = fz_db_begin(d->db, err);
    if (rc) break;
    for (size_t i = 0; !rc && i < n; i++) {
      char label[64];
      uint8_t h[32];
      snprintf(label, sizeof label, "plan-%c:result:%.18s", p->key,
               codes[i]);
      demo_hash(d, label, h);
      int roll = (h[0] << 8 | h[1]) % 100, k = 0;
      while (k + 1 < (int)NOUTCOMES && roll >= outcomes[k].weight)
        roll -= outcomes[k++].weight;
      rc = fz_task_result(d->db, own[i] ? &officer : &head, ids[i],
                          fz_inspect_results[k], outcomes[k].notes,
                          step_time(d), err);
    }
    rc = end(d, rc, err);
  }
  return rc;
}

/* What the plan is now, for the summary. */
static fz_err describe(demo *d, int64_t id,
                       fz_inspect_demo_plan *out, fz_error *err) {
  fz_plan_row p;
  fz_err rc = fz_plan_load_any(d->db, id, &p, err);
  if (rc) return rc;
  out->id = id;
  snprintf(out->name, sizeof out->name, "%s", p.name);
  out->status = p.status;
  snprintf(out->window_from, sizeof out->window_from, "%s", p.window_from);
  snprintf(out->window_to, sizeof out->window_to, "%s", p.window_to);
  snprintf(out->publish_due, sizeof out->publish_due, "%s", p.publish_due);
  out->overdue = p.publish_due[0] && p.status != FZ_PLAN_PUBLISHED &&
                 strcmp(p.publish_due, d->today) < 0;
  part_row rows[FZ_DRAW_MAX_SECRETS];
  size_t n = 0;
  rc = participants(d, id, rows, FZ_DRAW_MAX_SECRETS, &n, err);
  out->participants = (int)n;
  for (size_t i = 0; i < n; i++) {
    out->committed += rows[i].committed;
    out->revealed += rows[i].revealed;
  }
  char pid[24];
  snprintf(pid, sizeof pid, "%lld", (long long)id);
  const char *args[] = {pid, NULL};
  if (!rc)
    rc = query_int(d->db, "SELECT COALESCE(SUM(pool_size), 0) FROM "
                   "plan_strata WHERE plan_id = ?", args, &out->pool, err);
  if (!rc)
    rc = query_int(d->db, "SELECT COUNT(*) FROM tasks WHERE plan_id = ?",
                   args, &out->tasks, err);
  if (!rc)
    rc = query_int(d->db, "SELECT COUNT(*) FROM tasks WHERE plan_id = ? AND "
                   "staffed = 0", args, &out->unstaffed, err);
  if (!rc)
    rc = query_int(d->db, "SELECT COUNT(*) FROM tasks WHERE plan_id = ? AND "
                   "result IS NOT NULL", args, &out->results, err);
  return rc;
}

/* Takes plan def as far as def->until, from wherever it stands. */
static fz_err run_plan(demo *d, const plan_def *def, fz_inspect_demo_plan *out,
                       fz_error *err) {
  out->key = def->key;
  char meta[32], *stored = NULL;
  snprintf(meta, sizeof meta, "demo.plan.%c", def->key);
  int64_t id = 0;
  fz_err rc = fz_db_meta_get(d->db, meta, &stored, err);
  if (rc == FZ_OK) id = strtoll(stored, NULL, 10);
  free(stored);
  if (rc && rc != FZ_NOTFOUND) return rc;

  fz_principal head;
  rc = fz_user_principal(d->db, def->head, &head, err);
  if (rc) return failed(rc, def->key, "负责人", err);

  /* 1. The plan, by the head. */
  if (!id) {
    int any = 0;
    rc = pool_nonempty(d, def, &any, err);
    if (rc) return rc;
    if (!any) {
      out->skipped = "区划内没有存续的监管对象 / no entity in its region";
      return FZ_OK;
    }
    json_t *spec = NULL;
    rc = spec_of(d, def, &spec, err);
    if (!rc) rc = fz_db_begin(d->db, err);
    if (!rc) {
      rc = fz_plan_create(d->db, &head, spec, step_time(d), &id, err);
      char text[24];
      snprintf(text, sizeof text, "%lld", (long long)id);
      if (!rc) rc = fz_db_meta_set(d->db, meta, text, err);
      rc = end(d, rc, err);
    }
    json_decref(spec);
    if (rc) return failed(rc, def->key, "制定计划", err);
    out->steps++;
  }

  fz_plan_row p;
  part_row rows[FZ_DRAW_MAX_SECRETS];
  size_t n = 0;
  rc = fz_plan_load_any(d->db, id, &p, err);
  if (!rc) rc = participants(d, id, rows, FZ_DRAW_MAX_SECRETS, &n, err);
  if (rc) return rc;

  /* 2. Each participant commits to his secret. */
  for (size_t i = 0; p.status == FZ_PLAN_DRAFT && i < n; i++) {
    if (rows[i].committed) continue;
    fz_principal u;
    char secret[65], commit[65];
    secret_of(d, def->key, rows[i].username, secret, commit);
    rc = fz_user_principal(d->db, rows[i].username, &u, err);
    if (!rc) rc = fz_db_begin(d->db, err);
    if (!rc)
      rc = end(d, fz_plan_participant_commit(d->db, &u, id, commit,
                                             step_time(d), err), err);
    if (rc) return failed(rc, def->key, "参与人提交承诺", err);
    rows[i].committed = 1;
    out->steps++;
  }

  /* 3. The head freezes the pools (a read) and commits the plan. */
  if (p.status == FZ_PLAN_DRAFT) {
    fz_plan_frozen *f = NULL;
    rc = fz_plan_freeze(d->db, &head, id, step_time(d), &f, err);
    if (!rc) rc = fz_db_begin(d->db, err);
    if (!rc) rc = end(d, fz_plan_commit(d->db, &head, id, f, step_time(d),
                                        err), err);
    fz_plan_frozen_free(f);
    if (rc) return failed(rc, def->key, "冻结名录并承诺", err);
    out->steps++;
    rc = fz_plan_load_any(d->db, id, &p, err);
    if (rc) return rc;
  }

  /* 4. The participants reveal, as many as the plan shows. */
  for (size_t i = 0; p.status == FZ_PLAN_COMMITTED && i < n &&
                     i < (size_t)def->reveal; i++) {
    if (rows[i].revealed) continue;
    fz_principal u;
    char secret[65], commit[65];
    secret_of(d, def->key, rows[i].username, secret, commit);
    rc = fz_user_principal(d->db, rows[i].username, &u, err);
    if (!rc) rc = fz_db_begin(d->db, err);
    if (!rc)
      rc = end(d, fz_plan_reveal(d->db, &u, id, secret, step_time(d), err),
               err);
    if (rc) return failed(rc, def->key, "参与人揭示秘密", err);
    rows[i].revealed = 1;
    out->steps++;
  }

  /* 5. The supervisor enters the lottery's numbers once drawn. */
  rc = fz_plan_load_any(d->db, id, &p, err);
  if (rc) return rc;
  if (p.status == FZ_PLAN_COMMITTED && p.public_value_source[0] &&
      !p.has_public_value && def->until >= FZ_PLAN_REVEALED) {
    fz_principal sup;
    uint8_t h[32];
    char label[32], value[8];
    snprintf(label, sizeof label, "plan-%c:lottery", def->key);
    demo_hash(d, label, h);
    snprintf(value, sizeof value, "%d%d%d", h[0] % 10, h[1] % 10, h[2] % 10);
    rc = fz_user_principal(d->db, "ln.supervisor", &sup, err);
    if (!rc) rc = fz_db_begin(d->db, err);
    if (!rc)
      rc = end(d, fz_plan_public_value(d->db, &sup, id, value, step_time(d),
                                       err), err);
    if (rc) return failed(rc, def->key, "录入公开随机值", err);
    out->steps++;
    rc = fz_plan_load_any(d->db, id, &p, err);
    if (rc) return rc;
  }

  /* 6. The head draws. */
  if (p.status == FZ_PLAN_REVEALED && def->until >= FZ_PLAN_DRAWN) {
    rc = fz_db_begin(d->db, err);
    if (!rc) rc = end(d, fz_plan_draw(d->db, &head, id, step_time(d), err),
                      err);
    if (rc) return failed(rc, def->key, "抽取", err);
    out->steps++;
    rc = fz_plan_load_any(d->db, id, &p, err);
    if (rc) return rc;
  }

  /* 7. The teams record their results; 8. the head publishes them. */
  if ((p.status == FZ_PLAN_DRAWN || p.status == FZ_PLAN_IN_PROGRESS) &&
      def->until >= FZ_PLAN_RESULTS_RECORDED) {
    rc = record_results(d, def, id, err);
    if (rc) return failed(rc, def->key, "录入检查结果", err);
    out->steps++;
    rc = fz_plan_load_any(d->db, id, &p, err);
    if (rc) return rc;
  }
  if (p.status != FZ_PLAN_PUBLISHED && p.status >= FZ_PLAN_DRAWN &&
      def->until >= FZ_PLAN_PUBLISHED) {
    rc = fz_db_begin(d->db, err);
    if (!rc) rc = end(d, fz_plan_publish(d->db, &head, id, step_time(d), err),
                      err);
    if (rc) return failed(rc, def->key, "公示结果", err);
    out->steps++;
  }
  return FZ_OK;
}

/* ---- The whole ----------------------------------------------------------- */

fz_err fz_inspect_demo_load(fz_db *db, const fz_inspect_demo_opts *o,
                            fz_inspect_demo_stats *st, fz_error *err) {
  memset(st, 0, sizeof *st);
  for (int i = 0; i < FZ_INSPECT_DEMO_PLANS; i++)
    st->plans[i].key = plans[i].key;
  char *v = NULL;
  fz_err rc = fz_db_meta_get(db, "demo.loaded", &v, err);
  free(v);
  if (rc == FZ_NOTFOUND)
    return fz_error_set(err, FZ_NOTFOUND, "demo.loaded", "尚未载入演示数据 / "
                        "the registry demo is not loaded");
  if (rc) return rc;
  demo d = {.db = db, .seed = o->seed, .now = o->now};
  fz_date today;
  if (o->today) {
    rc = fz_date_parse(o->today, &today, err);
    if (rc) return rc;
    fz_date_format(today, d.today);
  } else {
    fz_civil_date(o->now ? o->now : fz_now_ms(), d.today);
    rc = fz_date_parse(d.today, &today, err);
    if (rc) return rc;
  }
  d.today_days = fz_date_to_days(today);

  static const char *const officers[2] = {"sy.officer", "dl.officer"};
  for (int i = 0; !rc && i < 2; i++)
    rc = link_officer(&d, officers[i], &st->links[i], err);
  for (int i = 0; !rc && i < FZ_INSPECT_DEMO_PLANS; i++)
    rc = run_plan(&d, &plans[i], &st->plans[i], err);
  /* The summary, also of what stands after a failure. */
  for (int i = 0; i < 2; i++) {
    fz_inspect_demo_link *l = &st->links[i];
    char oid[24];
    snprintf(oid, sizeof oid, "%lld", (long long)l->officer_id);
    const char *args[] = {oid, NULL};
    if (!l->officer_id) continue;
    fz_error ignored;
    query_int(db, "SELECT COUNT(*) FROM task_officers WHERE officer_id = ? "
              "AND active = 1", args, &l->tasks, &ignored);
    query_int(db, "SELECT COUNT(*) FROM task_officers x JOIN tasks t ON t.id "
              "= x.task_id WHERE x.officer_id = ? AND x.active = 1 AND "
              "t.result IS NULL", args, &l->open, &ignored);
  }
  for (int i = 0; i < FZ_INSPECT_DEMO_PLANS; i++) {
    char meta[32], *stored = NULL;
    snprintf(meta, sizeof meta, "demo.plan.%c", plans[i].key);
    if (fz_db_meta_get(db, meta, &stored, NULL) == FZ_OK) {
      fz_error ignored;
      fz_err r2 = describe(&d, strtoll(stored, NULL, 10),
                           &st->plans[i], rc ? &ignored : err);
      if (!rc) rc = r2;
    }
    free(stored);
  }
  return rc;
}
