/* demo.c — the enforcement cases of `fazhi demo` (see demo.h). */
#include "cases/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "cases/cases.h"
#include "cases/discretion.h"
#include "core/buf.h"
#include "core/clock.h"
#include "registry/demo.h"
#include "registry/registry.h"
#include "store/query.h"

/* A step of a demo case: who takes it, and its body, in which
 *   @D  the department's id       @T  the two handlers [a, b]
 *   @C  an entity's 信用代码       @N  its name
 *   @dN the date N days ago        @M  the department's 行政检查 matter
 * are filled in. */
typedef struct demo_step {
  const char *who; /* "officer" | "head" | "reviewer": of the city */
  const char *step;
  const char *body;
} demo_step;

typedef struct demo_case {
  const char *city; /* "sy" 沈阳, "dl" 大连 */
  const char *what; /* for messages */
  const char *spec;
  demo_step steps[10];
} demo_case;

#define ORG(act, found, extra)                                              \
  "{\"kind\": \"penalty\", \"department_id\": @D, \"matter_code\": "        \
  "\"SC-CF-007\", \"party_type\": \"organisation\", \"party_name\": \"@N\", " \
  "\"entity_code\": \"@C\", \"act_date\": \"" act "\", \"discovered_on\": "  \
  "\"" found "\", \"source\": \"complaint\", \"source_ref\": "               \
  "\"12345热线工单\", \"facts\": \"经营场所内部分商品未按规定标示价格\"" extra "}"

static const demo_case cases[] = {
    {"sy", "线索", ORG("@d8", "@d3", ", \"circumstances\": {\"harm\": \"slight\"}"), {{0}}},
    {"sy", "调查取证", ORG("@d20", "@d12", ", \"circumstances\": {\"harm\": \"slight\"}"),
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d10\"}"}}},
    {"sy", "调查取证，超过九十日未作决定",
     ORG("@d200", "@d130", ", \"circumstances\": {\"harm\": \"general\"}"),
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d125\"}"}}},
    {"sy", "已告知，听证申请期内",
     "{\"kind\": \"penalty\", \"department_id\": @D, \"matter_code\": "
     "\"SC-CF-007\", \"party_type\": \"person\", \"party_name\": \"李建军\", "
     "\"act_date\": \"@d30\", \"discovered_on\": \"@d25\", \"source\": "
     "\"patrol\", \"facts\": \"个体摊位销售商品未明码标价\", \"circumstances\": "
     "{\"harm\": \"general\"}}",
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d20\"}"},
      {"officer", "notify", "{\"kinds\": [\"罚款\"], \"fine\": \"2500\", "
                            "\"notified_on\": \"@d1\"}"}}},
    {"sy", "法制审核中",
     ORG("@d40", "@d35", ", \"circumstances\": {\"harm\": \"general\"}, "
                         "\"review_grounds\": [3]"),
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d34\"}"},
      {"officer", "notify", "{\"kinds\": [\"罚款\"], \"fine\": \"1500\", "
                            "\"notified_on\": \"@d10\"}"},
      {"officer", "submit_review", "{}"}}},
    {"sy", "已决定并公示",
     ORG("@d60", "@d55", ", \"circumstances\": {\"harm\": \"general\"}"),
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d54\"}"},
      {"officer", "notify", "{\"kinds\": [\"罚款\"], \"fine\": \"2000\", "
                            "\"notified_on\": \"@d30\"}"},
      {"head", "decide", "{\"kinds\": [\"罚款\"], \"fine\": \"2000\", "
                         "\"decided_on\": \"@d25\", \"party_present\": false}"},
      {"officer", "serve", "{\"served_on\": \"@d24\", \"method\": \"邮寄送达\"}"},
      {"head", "publish", "{}"}}},
    {"sy", "结案归档",
     ORG("@d90", "@d85", ", \"circumstances\": {\"harm\": \"slight\", "
                         "\"corrected\": false}"),
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d84\"}"},
      {"officer", "notify", "{\"kinds\": [\"罚款\"], \"fine\": \"800\", "
                            "\"notified_on\": \"@d60\"}"},
      {"head", "decide", "{\"kinds\": [\"罚款\"], \"fine\": \"800\", "
                         "\"decided_on\": \"@d50\"}"},
      {"head", "publish", "{}"},
      {"officer", "serve", "{\"served_on\": \"@d50\", \"method\": \"直接送达\"}"},
      {"officer", "execute", "{\"executed_on\": \"@d45\", \"how\": "
                             "\"当事人通过电子缴款缴纳罚款\"}"},
      {"head", "close", "{\"closed_on\": \"@d40\"}"},
      {"officer", "archive", "{\"archived_on\": \"@d38\"}"}}},
    {"sy", "免罚：轻微并及时改正，没有造成危害后果",
     ORG("@d30", "@d28", ", \"circumstances\": {\"harm\": \"none\", "
                         "\"corrected\": true}"),
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d27\"}"},
      {"officer", "notify", "{\"kinds\": [], \"notified_on\": \"@d24\"}"},
      {"head", "decide", "{\"kinds\": [], \"decided_on\": \"@d20\", "
                         "\"education\": \"现场宣讲《明码标价和禁止价格欺诈规定》，"
                         "当事人当场补齐价签\"}"},
      {"officer", "serve", "{\"served_on\": \"@d20\", \"method\": \"直接送达\"}"},
      {"head", "close", "{\"closed_on\": \"@d19\"}"}}},
    {"sy", "免罚：初次违法且危害后果轻微并及时改正",
     ORG("@d26", "@d25", ", \"circumstances\": {\"harm\": \"slight\", "
                         "\"corrected\": true}"),
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d24\"}"},
      {"officer", "notify", "{\"kinds\": [], \"notified_on\": \"@d20\"}"},
      {"head", "decide", "{\"kinds\": [], \"decided_on\": \"@d15\", "
                         "\"education\": \"约谈经营者，发放价格行为提醒告诫书\"}"},
      {"officer", "serve", "{\"served_on\": \"@d15\", \"method\": \"直接送达\"}"}}},
    {"sy", "偏离裁量基准（书面说明理由）",
     ORG("@d50", "@d45", ", \"circumstances\": {\"harm\": \"slight\", "
                         "\"corrected\": false}"),
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d44\"}"},
      {"officer", "notify", "{\"kinds\": [\"罚款\"], \"fine\": \"3000\", "
                            "\"notified_on\": \"@d30\"}"},
      {"head", "decide", "{\"kinds\": [\"罚款\"], \"fine\": \"3000\", "
                         "\"decided_on\": \"@d22\", \"reason\": \"当事人经两次"
                         "责令改正仍拒不标价，且一年内被投诉五次，经集体研究按较"
                         "重档处罚\"}"},
      {"officer", "serve", "{\"served_on\": \"@d22\", \"method\": \"直接送达\"}"},
      {"head", "publish", "{}"}}},
    {"sy", "简易程序当场处罚",
     "{\"kind\": \"penalty\", \"procedure\": \"simple\", \"department_id\": "
     "@D, \"matter_code\": \"SC-CF-007\", \"party_type\": \"person\", "
     "\"party_name\": \"赵德明\", \"act_date\": \"@d6\", \"discovered_on\": "
     "\"@d6\", \"source\": \"patrol\", \"officers\": @T, \"facts\": "
     "\"流动摊贩所售水果未标示价格\", \"circumstances\": {\"harm\": "
     "\"slight\", \"corrected\": false}}",
     {{"officer", "decide", "{\"kinds\": [\"罚款\"], \"fine\": \"100\", "
                            "\"decided_on\": \"@d6\"}"},
      {"officer", "execute", "{\"executed_on\": \"@d6\", \"how\": "
                             "\"当场收缴罚款并出具专用票据\"}"}}},
    {"sy", "行政检查（未列明检查计划或投诉线索）",
     "{\"kind\": \"inspection\", \"department_id\": @D, \"matter_code\": "
     "\"@M\", \"party_type\": \"organisation\", \"party_name\": \"@N\", "
     "\"entity_code\": \"@C\", \"act_date\": \"@d5\", \"discovered_on\": "
     "\"@d5\", \"source\": \"patrol\", \"officers\": @T}",
     {{"officer", "inspect", "{\"inspected_on\": \"@d5\", \"result\": "
                             "\"未发现违法行为\"}"}}},
    {"sy", "扣押，延长一次",
     "{\"kind\": \"coercion\", \"department_id\": @D, \"matter_code\": "
     "\"SC-QZ-001\", \"party_type\": \"organisation\", \"party_name\": "
     "\"@N\", \"entity_code\": \"@C\", \"act_date\": \"@d25\", "
     "\"discovered_on\": \"@d22\", \"source\": \"complaint\", \"source_ref\": "
     "\"12345热线工单\", \"facts\": \"涉嫌销售不符合食品安全标准的冷冻食品\"}",
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d21\"}"},
      {"officer", "seize", "{\"measure\": \"扣押\", \"items\": "
                           "\"冷冻肉制品 20 箱（抽样送检）\", \"seized_on\": \"@d20\"}"},
      {"head", "extend", "{\"reason\": \"检验报告尚未出具，需延长扣押期限\"}"}}},
    {"sy", "不予立案", ORG("@d15", "@d9", ""),
     {{"head", "drop", "{\"reason\": \"经核查，举报所称商品已按规定明码标价，"
                       "违法事实不成立\"}"}}},
    {"dl", "线索", ORG("@d9", "@d4", ", \"circumstances\": {\"harm\": \"slight\"}"), {{0}}},
    {"dl", "已决定并公示",
     ORG("@d45", "@d40", ", \"circumstances\": {\"harm\": \"general\"}"),
     {{"head", "file", "{\"officers\": @T, \"filed_on\": \"@d39\"}"},
      {"officer", "notify", "{\"kinds\": [\"罚款\"], \"fine\": \"1200\", "
                            "\"notified_on\": \"@d25\"}"},
      {"head", "decide", "{\"kinds\": [\"罚款\"], \"fine\": \"1200\", "
                         "\"decided_on\": \"@d18\"}"},
      {"officer", "serve", "{\"served_on\": \"@d18\", \"method\": \"直接送达\"}"},
      {"head", "publish", "{}"}}},
};

/* What one city's cases are made with. */
typedef struct city {
  const char *key;
  int64_t department;
  int64_t team[2];
  char matter[32];
  fz_principal officer, head, reviewer;
  char (*codes)[20];
  char (*names)[256];
  int nentities, next;
} city;

typedef struct demo {
  fz_db *db;
  long today_days;
  int64_t tick;
  city cities[2];
} demo;

static int64_t step_time(demo *d) { return fz_now_ms() + d->tick++; }

/* Fills in the markers of tpl (see demo_step) into out. */
static fz_err expand(demo *d, city *c, const char *tpl, int *took,
                     fz_buf *out, fz_error *err) {
  fz_buf_reset(out);
  for (const char *p = tpl; *p; p++) {
    if (*p != '@') {
      fz_buf_append(out, p, 1);
      continue;
    }
    char next = p[1];
    if (next == 'd') {
      char *end;
      long n = strtol(p + 2, &end, 10);
      char date[FZ_DATE_BUF];
      fz_date_format(fz_date_from_days(d->today_days - n), date);
      fz_buf_puts(out, date);
      p = end - 1;
      continue;
    }
    if ((next == 'C' || next == 'N') && !*took) {
      if (c->next >= c->nentities)
        return fz_error_set(err, FZ_NOTFOUND, "entities", "演示案件需要更多%s"
                            "的监管对象 / the demo cases need more entities",
                            c->key);
      *took = 1;
    }
    switch (next) {
    case 'D': fz_buf_printf(out, "%lld", (long long)c->department); break;
    case 'T':
      fz_buf_printf(out, "[%lld, %lld]", (long long)c->team[0],
                    (long long)c->team[1]);
      break;
    case 'C': fz_buf_puts(out, c->codes[c->next]); break;
    case 'N': fz_buf_puts(out, c->names[c->next]); break;
    case 'M': fz_buf_puts(out, c->matter); break;
    default: fz_buf_append(out, p, 1); continue;
    }
    p++;
  }
  return out->err ? fz_error_set(err, out->err, "", NULL) : FZ_OK;
}

/* Runs one write in its own transaction. */
static fz_err in_tx(fz_db *db, fz_err (*fn)(void *), void *ctx,
                    fz_error *err) {
  fz_err rc = fz_db_begin(db, err);
  if (rc) return rc;
  rc = fn(ctx);
  if (!rc) rc = fz_db_commit(db, err);
  if (rc) fz_db_rollback(db);
  return rc;
}

typedef struct call {
  demo *d;
  const fz_principal *by;
  json_t *body;
  const char *step;
  int64_t id;
  fz_error *err;
} call;

static fz_err do_create(void *ctx) {
  call *k = ctx;
  return fz_case_create(k->d->db, k->by, k->body, step_time(k->d), &k->id,
                        k->err);
}

static fz_err do_step(void *ctx) {
  call *k = ctx;
  return fz_case_step(k->d->db, k->by, k->id, k->step, k->body,
                      step_time(k->d), k->err);
}

/* Says in err which case and step failed, keeping code and field. */
static fz_err failed(fz_err rc, const demo_case *dc, const char *step,
                     fz_error *err) {
  if (!rc || !err) return rc;
  char why[sizeof err->message];
  snprintf(why, sizeof why, "%s", err->message[0] ? err->message
                                                   : fz_err_message(rc));
  snprintf(err->message, sizeof err->message, "演示案件「%.60s」，%.30s：%.380s",
           dc->what, step, why);
  return rc;
}

static fz_err run_case(demo *d, const demo_case *dc, fz_cases_demo_stats *st,
                       fz_error *err) {
  city *c = strcmp(dc->city, "sy") == 0 ? &d->cities[0] : &d->cities[1];
  fz_buf text;
  fz_buf_init(&text, 1 << 14);
  int took = 0;
  call k = {d, &c->officer, NULL, "create", 0, err};
  fz_err rc = expand(d, c, dc->spec, &took, &text, err);
  if (!rc && !(k.body = json_loads(text.data, 0, NULL)))
    rc = fz_error_set(err, FZ_INTERNAL, "spec", "bad demo template");
  if (!rc) rc = in_tx(d->db, do_create, &k, err);
  json_decref(k.body);
  if (!rc) st->cases++;
  for (int i = 0; !rc && i < 10 && dc->steps[i].step; i++) {
    const demo_step *s = &dc->steps[i];
    k.step = s->step;
    k.by = strcmp(s->who, "head") == 0       ? &c->head
           : strcmp(s->who, "reviewer") == 0 ? &c->reviewer
                                             : &c->officer;
    int unused = 1;
    rc = expand(d, c, s->body, &unused, &text, err);
    if (!rc && !(k.body = json_loads(text.data, 0, NULL)))
      rc = fz_error_set(err, FZ_INTERNAL, "body", "bad demo template");
    if (!rc) rc = in_tx(d->db, do_step, &k, err);
    json_decref(k.body);
    if (!rc) st->steps++;
  }
  c->next += took;
  fz_buf_free(&text);
  return failed(rc, dc, k.step, err);
}

/* The city's department, handlers, matter and entities. */
static fz_err city_load(demo *d, city *c, const char *key, const char *today,
                        fz_cases_demo_stats *st, fz_error *err) {
  char name[64];
  c->key = key;
  snprintf(name, sizeof name, "%s.officer", key);
  fz_err rc = fz_user_principal(d->db, name, &c->officer, err);
  snprintf(name, sizeof name, "%s.head", key);
  if (!rc) rc = fz_user_principal(d->db, name, &c->head, err);
  snprintf(name, sizeof name, "%s.reviewer", key);
  if (!rc) rc = fz_user_principal(d->db, name, &c->reviewer, err);
  int made;
  int64_t reviewer = 0;
  snprintf(name, sizeof name, "%s.officer", key);
  if (!rc) rc = fz_demo_link_officer(d->db, name, today, 0, step_time(d),
                                     &c->team[0], &made, err);
  snprintf(name, sizeof name, "%s.reviewer", key);
  if (!rc) rc = fz_demo_link_officer(d->db, name, today, 1, step_time(d),
                                     &reviewer, &made, err);
  if (rc) return rc;
  if (c == &d->cities[0]) st->reviewer_officer = reviewer;
  c->department = c->officer.scope.department_id;
  /* The second handler serves the department, preferably as another
   * department of his (a 综合行政执法 officer who acts for 市场监管 too,
   * see registry/demo.c), so that the demo's cases show one. */
  fz_buf sql;
  fz_buf_init(&sql, 4096);
  fz_buf_puts(&sql, "SELECT o.id FROM officers o WHERE o.active = 1 AND "
              "o.auxiliary = 0 AND o.status = 'valid' AND o.cert_from <= ? "
              "AND o.cert_to >= ? AND o.id <> ? AND o.id <> ? AND NOT EXISTS "
              "(SELECT 1 FROM conflicts f WHERE f.officer_id = o.id AND "
              "f.active = 1)");
  fz_reg_officer_in_sql(&sql, "o", &c->department, 1);
  fz_buf_printf(&sql, " ORDER BY CASE WHEN o.department_id = %lld THEN 1 "
                "ELSE 0 END, o.id LIMIT 1", (long long)c->department);
  fz_stmt *st2 = NULL;
  rc = sql.err ? fz_error_set(err, sql.err, "", NULL)
               : fz_db_prepare(d->db, sql.data, &st2, err);
  fz_buf_free(&sql);
  if (rc) return rc;
  fz_stmt_bind_text(st2, 1, today, -1);
  fz_stmt_bind_text(st2, 2, today, -1);
  fz_stmt_bind_int64(st2, 3, c->team[0]);
  fz_stmt_bind_int64(st2, 4, reviewer);
  int r = fz_stmt_step(st2, err);
  if (r == FZ_STEP_ROW) c->team[1] = fz_stmt_column_int64(st2, 0);
  fz_stmt_finalize(st2);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "officers", "%s 的部门没有第二名持证"
                        "执法人员 / no second certified officer", key);
  if (r != FZ_STEP_ROW) return (fz_err)r;
  rc = fz_db_prepare(d->db, "SELECT m.code FROM matters m JOIN departments "
                     "dd ON dd.kind = m.department_kind WHERE dd.id = ? AND "
                     "m.kind = '行政检查' AND m.active = 1 ORDER BY m.code "
                     "LIMIT 1", &st2, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st2, 1, c->department);
  if (fz_stmt_step(st2, err) == FZ_STEP_ROW)
    snprintf(c->matter, sizeof c->matter, "%s", fz_stmt_column_text(st2, 0));
  fz_stmt_finalize(st2);
  /* Entities of the city in the register, none with a declared conflict
   * with the handlers. */
  enum { WANT = 16 };
  c->codes = calloc(WANT, sizeof *c->codes);
  c->names = calloc(WANT, sizeof *c->names);
  if (!c->codes || !c->names) return fz_error_set(err, FZ_NOMEM, "", NULL);
  rc = fz_db_prepare(d->db, "SELECT e.uscc, e.name FROM entities e JOIN "
                     "departments dd ON dd.id = ? WHERE e.region_code LIKE "
                     "substr(dd.region_code, 1, 4) || '%' AND e.active = 1 AND "
                     "e.status = '存续' AND NOT EXISTS (SELECT 1 FROM "
                     "conflicts f WHERE f.entity_uscc = e.uscc) ORDER BY e.id "
                     "LIMIT 16", &st2, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st2, 1, c->department);
  while ((r = fz_stmt_step(st2, err)) == FZ_STEP_ROW && c->nentities < WANT) {
    snprintf(c->codes[c->nentities], sizeof *c->codes, "%s",
             fz_stmt_column_text(st2, 0));
    snprintf(c->names[c->nentities], sizeof *c->names, "%s",
             fz_stmt_column_text(st2, 1));
    c->nentities++;
  }
  fz_stmt_finalize(st2);
  return r == FZ_STEP_DONE || r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

typedef struct threshold_call {
  demo *d;
  const char *party, *fine;
  fz_error *err;
} threshold_call;

/* Example figures for the demo only: 较大数额 is set by each province or
 * department (Art. 63), and an installation enters its own — which the
 * demo never overwrites. */
static fz_err do_threshold(void *ctx) {
  threshold_call *t = ctx;
  fz_stmt *st;
  fz_err rc = fz_db_prepare(t->d->db, "SELECT COUNT(*) FROM hearing_thresholds "
                            "WHERE department_kind = 'market' AND party_type "
                            "= ?", &st, t->err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, t->party, -1);
  int64_t have = fz_stmt_step(st, t->err) == FZ_STEP_ROW
                     ? fz_stmt_column_int64(st, 0) : 0;
  fz_stmt_finalize(st);
  if (have) return FZ_OK;
  fz_principal cli;
  fz_principal_cli(&cli);
  json_t *spec = json_pack("{s:s, s:s, s:s, s:s, s:s}", "department_kind",
                           "market", "party_type", t->party, "fine", t->fine,
                           "confiscation", t->fine, "basis",
                           "演示值：较大数额标准由省或部门规定，使用前须按本地规定"
                           "配置");
  rc = fz_hearing_threshold_set(t->d->db, &cli, spec, step_time(t->d), t->err);
  json_decref(spec);
  return rc;
}

typedef struct disc_call {
  demo *d;
  int *versions;
  fz_error *err;
} disc_call;

static fz_err do_discretion(void *ctx) {
  disc_call *k = ctx;
  fz_principal cli;
  fz_principal_cli(&cli);
  return fz_discretion_demo(k->d->db, &cli, step_time(k->d), k->versions,
                            k->err);
}

static fz_err mark_done(void *ctx) {
  call *k = ctx;
  return fz_db_meta_set(k->d->db, "demo.cases", "1", k->err);
}

fz_err fz_cases_demo_load(fz_db *db, int with_cases,
                          fz_cases_demo_stats *st, fz_error *err) {
  memset(st, 0, sizeof *st);
  demo d = {.db = db};
  char today[11];
  fz_civil_date(fz_now_ms(), today);
  fz_date t;
  fz_err rc = fz_date_parse(today, &t, err);
  if (rc) return rc;
  d.today_days = fz_date_to_days(t);
  char *loaded = NULL;
  rc = fz_db_meta_get(db, "demo.loaded", &loaded, err);
  free(loaded);
  if (rc == FZ_NOTFOUND)
    return fz_error_set(err, FZ_NOTFOUND, "demo.loaded", "先载入登记演示数据 "
                        "(fazhi demo) / load the registry demo first");
  if (rc) return rc;

  disc_call dk = {&d, &st->versions, err};
  rc = in_tx(db, do_discretion, &dk, err);
  for (int i = 0; !rc && i < 2; i++) {
    threshold_call tc = {&d, i ? "person" : "organisation",
                         i ? "10000" : "100000", err};
    rc = in_tx(db, do_threshold, &tc, err);
  }
  if (!rc) rc = city_load(&d, &d.cities[0], "sy", today, st, err);
  if (!rc) rc = city_load(&d, &d.cities[1], "dl", today, st, err);
  char *done = NULL;
  if (!rc && with_cases) {
    fz_err have = fz_db_meta_get(db, "demo.cases", &done, err);
    free(done);
    if (have == FZ_OK) with_cases = 0;
    else if (have != FZ_NOTFOUND) rc = have;
  }
  for (size_t i = 0; !rc && with_cases && i < sizeof cases / sizeof *cases;
       i++)
    rc = run_case(&d, &cases[i], st, err);
  if (!rc && with_cases) {
    call k = {&d, NULL, NULL, NULL, 0, err};
    rc = in_tx(db, mark_done, &k, err);
  }
  for (int i = 0; i < 2; i++) {
    free(d.cities[i].codes);
    free(d.cities[i].names);
  }
  return rc;
}
