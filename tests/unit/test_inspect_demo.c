/* test_inspect_demo.c — the demo plans of 双随机、一公开 (inspect/demo.h) on
 * SQLite and PostgreSQL, after the registry demo: the officer accounts
 * linked, plan A published with joint teams and a record anyone can
 * verify, plan B awaiting reveals, plan C on the supervision list of
 * overdue publications; a second run changes nothing; and a demo without
 * entities skips the plans. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "cal/cal.h"
#include "core/clock.h"
#include "id/seal.h"
#include "inspect/demo.h"
#include "inspect/draw.h"
#include "inspect/inspect.h"
#include "ledger/ledger.h"
#include "registry/demo.h"
#include "registry/registry.h"
#include "testdb.h"
#include "testdemo.h"

static fz_error e;

/* The demo's today and its clock (10:00 北京时间 that day), so that the
 * windows, deadlines and certificate states are fixed. */
#define TODAY "2026-06-30"

static int64_t ms_of(int y, int m, int d) {
  fz_date day = {y, m, d};
  return (int64_t)fz_date_to_days(day) * 86400000 + 2 * 3600000;
}

static int64_t today_ms(void) { return ms_of(2026, 6, 30); }

/* testdemo_count() with the one parameter of sql bound to v. */
static int64_t count1(fz_db *db, const char *sql, int64_t v) {
  fz_stmt *st = NULL;
  int64_t n = -1;
  if (!fz_db_prepare(db, sql, &st, &e)) {
    fz_stmt_bind_int64(st, 1, v);
    if (fz_stmt_step(st, &e) == FZ_STEP_ROW) n = fz_stmt_column_int64(st, 0);
  }
  fz_stmt_finalize(st);
  if (n < 0) {
    fprintf(stderr, "  %s: %s\n", sql, e.message);
    t_current_failed = 1;
  }
  return n;
}

/* The registry demo with entities, as `fazhi demo` loads it. */
static void load_registry(fz_db *db, int64_t entities) {
  fz_demo_opts o = {0};
  fz_demo_stats st;
  o.seed = 7;
  o.entities = entities;
  o.batch = 1000;
  o.today = TODAY;
  o.now = today_ms() - 3600000;
  CHECK_INT(fz_demo_load(db, &o, &st, &e), FZ_OK);
  if (t_current_failed) fprintf(stderr, "  registry demo: %s\n", e.message);
}

static fz_inspect_demo_opts plan_opts(void) {
  fz_inspect_demo_opts o = {7, TODAY, today_ms()};
  return o;
}

/* The principal of a demo account, as its session gives it. */
static void principal(fz_db *db, const char *username, fz_principal *p) {
  CHECK_INT(fz_user_principal(db, username, p, &e), FZ_OK);
}

static void check_links(fz_db *db, const fz_inspect_demo_stats *st) {
  CHECK_STR(st->links[0].username, "sy.officer");
  CHECK_STR(st->links[1].username, "dl.officer");
  for (int i = 0; i < 2; i++) {
    CHECK(st->links[i].officer_id > 0);
    CHECK_INT(st->links[i].made, 1);
    CHECK(st->links[i].cert_no[0] != '\0');
    /* In the account's own department, certified, not an auxiliary. */
    CHECK_INT(count1(db, "SELECT COUNT(*) FROM officers o JOIN users u ON "
                     "u.id = o.user_id WHERE o.id = ? AND o.department_id = "
                     "u.department_id AND o.auxiliary = 0 AND o.status = "
                     "'valid' AND o.cert_to >= '" TODAY "'",
                     st->links[i].officer_id),
              1);
  }
}

static void check_plan_a(fz_db *db, const fz_inspect_demo_plan *a) {
  CHECK(a->id > 0);
  CHECK(a->skipped == NULL);
  CHECK_INT(a->status, FZ_PLAN_PUBLISHED);
  CHECK_INT(a->participants, 3);
  CHECK_INT(a->revealed, 3);
  CHECK(a->tasks >= 8);
  CHECK_INT(a->results, a->tasks - a->unstaffed);
  CHECK_INT(a->overdue, 0);
  CHECK_INT(count1(db, "SELECT COUNT(*) FROM plan_departments WHERE plan_id "
                   "= ?", a->id),
            2);
  /* Every staffed team: two officers, one of each department (部门联合),
   * each counted for the department the pool bound him to (an officer
   * may serve a plan department that is not his primary one). */
  CHECK_INT(count1(db, "SELECT COUNT(*) FROM tasks t WHERE t.plan_id = ? AND "
                   "t.staffed = 1 AND (SELECT COUNT(*) FROM task_officers x "
                   "WHERE x.task_id = t.id AND x.active = 1) = 2 AND (SELECT "
                   "COUNT(DISTINCT pi.department_id) FROM task_officers x "
                   "JOIN plan_inspectors pi ON pi.officer_id = x.officer_id "
                   "AND pi.plan_id = t.plan_id JOIN plan_departments pd ON "
                   "pd.department_id = pi.department_id AND pd.plan_id = "
                   "t.plan_id WHERE x.task_id = t.id AND x.active = 1) = 2",
                   a->id),
            a->tasks - a->unstaffed);
  /* Most inspections find nothing; the others are standard categories. */
  CHECK(count1(db, "SELECT COUNT(*) FROM tasks WHERE plan_id = ? AND result "
               "= '未发现问题'", a->id) * 2 >= a->results);
  /* The public value was entered, and the publication was on time. */
  CHECK_INT(count1(db, "SELECT COUNT(*) FROM plans WHERE id = ? AND "
                   "public_value IS NOT NULL AND public_value_source LIKE "
                   "'%中国福利彩票3D%'", a->id),
            1);
  CHECK_INT(count1(db, "SELECT COUNT(*) FROM ledger_event WHERE action = "
                   "'plan.publish' AND object_id = CAST(? AS TEXT) AND body "
                   "LIKE '%\"on_time\":true%'", a->id),
            1);

  /* The record, as the portal gives it, verifies from its own contents. */
  json_t *rec = NULL;
  CHECK_INT(fz_draw_public_get(db, a->id, &rec, &e), FZ_OK);
  fz_error ve;
  CHECK_INT(fz_draw_verify(rec, NULL, NULL, &ve), FZ_OK);
  if (t_current_failed) fprintf(stderr, "  verify: %s\n", ve.message);
  json_t *results = NULL;
  CHECK_INT(fz_plan_public_results(db, a->id, &results, &e), FZ_OK);
  CHECK_INT(json_array_size(json_object_get(results, "items")), a->tasks);
  json_decref(results);
  json_decref(rec);
}

static void check_plan_b(fz_db *db, const fz_inspect_demo_plan *b) {
  CHECK(b->id > 0);
  CHECK_INT(b->status, FZ_PLAN_COMMITTED);
  CHECK_INT(b->participants, 3);
  CHECK_INT(b->committed, 3);
  CHECK_INT(b->revealed, 1);
  CHECK_INT(b->tasks, 0);
  CHECK(b->pool > 0);
  CHECK_INT(count1(db, "SELECT COUNT(*) FROM plan_participants WHERE "
                   "plan_id = ? AND secret_hex IS NULL", b->id),
            2);
  /* The draw waits for the reveals. */
  fz_principal head;
  principal(db, "dl.head", &head);
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  CHECK_INT(fz_plan_draw(db, &head, b->id, today_ms(), &e), FZ_CONFLICT);
  fz_db_rollback(db);
}

static void check_plan_c(fz_db *db, const fz_inspect_demo_plan *c) {
  CHECK(c->id > 0);
  CHECK_INT(c->status, FZ_PLAN_DRAWN);
  CHECK(c->tasks > 0);
  CHECK_INT(c->results, 0);
  CHECK_INT(c->overdue, 1);
  CHECK(strcmp(c->publish_due, TODAY) < 0);
  /* On the supervisor's list of unpublished results, overdue. */
  fz_principal sup;
  principal(db, "ln.supervisor", &sup);
  json_t *list = NULL;
  CHECK_INT(fz_plan_overdue(db, &sup, TODAY, &list, &e), FZ_OK);
  int found = 0;
  json_t *item;
  size_t i;
  json_array_foreach(json_object_get(list, "items"), i, item) {
    if (json_integer_value(json_object_get(item, "id")) != c->id) continue;
    found = 1;
    CHECK(json_is_true(json_object_get(item, "overdue")));
  }
  CHECK_INT(found, 1);
  json_decref(list);
  json_t *rec = NULL;
  CHECK_INT(fz_draw_public_get(db, c->id, &rec, &e), FZ_OK);
  fz_error ve;
  CHECK_INT(fz_draw_verify(rec, NULL, NULL, &ve), FZ_OK);
  if (t_current_failed) fprintf(stderr, "  verify C: %s\n", ve.message);
  json_decref(rec);
}

/* An officer sees his own tasks: those of his officer record's teams. */
static void check_own_tasks(fz_db *db, const fz_inspect_demo_stats *st) {
  fz_principal officer;
  principal(db, "sy.officer", &officer);
  json_t *list = NULL;
  CHECK_INT(fz_task_list(db, &officer, 0, 1, NULL, NULL, 200, &list, &e),
            FZ_OK);
  CHECK_INT(json_array_size(json_object_get(list, "items")),
            count1(db, "SELECT COUNT(*) FROM task_officers WHERE active = 1 "
                   "AND officer_id = ?", st->links[0].officer_id));
  json_decref(list);
}

static void suite(const char *url, const char *label) {
  printf("inspect demo on %s\n", label);
  fz_db *db = testdb_open(url);
  if (!db) return;
  unsigned char master[FZ_SEAL_KEY];
  for (int i = 0; i < FZ_SEAL_KEY; i++) master[i] = (unsigned char)(i * 5 + 3);
  fz_seal_key *key = NULL;
  CHECK_INT(fz_seal_key_from_bytes(master, &key, &e), FZ_OK);
  fz_reg_set_seal_key(key);

  /* Before the registry demo: refused. */
  fz_inspect_demo_opts o = plan_opts();
  fz_inspect_demo_stats st;
  testdemo_init(db, 1);
  CHECK_INT(fz_inspect_demo_load(db, &o, &st, &e), FZ_NOTFOUND);
  CHECK_STR(e.field, "demo.loaded");

  load_registry(db, 5000);
  CHECK_INT(fz_inspect_demo_load(db, &o, &st, &e), FZ_OK);
  if (t_current_failed) fprintf(stderr, "  %s\n", e.message);
  for (int i = 0; i < FZ_INSPECT_DEMO_PLANS; i++)
    printf("  plan %c #%lld %s: pool %lld, %lld drawn, %lld unstaffed, %lld "
           "results, due %s\n",
           st.plans[i].key, (long long)st.plans[i].id,
           fz_plan_status_name(st.plans[i].status),
           (long long)st.plans[i].pool, (long long)st.plans[i].tasks,
           (long long)st.plans[i].unstaffed, (long long)st.plans[i].results,
           st.plans[i].publish_due);
  check_links(db, &st);
  check_plan_a(db, &st.plans[0]);
  check_plan_b(db, &st.plans[1]);
  check_plan_c(db, &st.plans[2]);
  check_own_tasks(db, &st);

  /* Again: every step is there already, nothing is appended. */
  int64_t events = testdemo_count(db, "SELECT COUNT(*) FROM ledger_event");
  fz_inspect_demo_stats again;
  CHECK_INT(fz_inspect_demo_load(db, &o, &again, &e), FZ_OK);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM ledger_event"), events);
  for (int i = 0; i < FZ_INSPECT_DEMO_PLANS; i++) {
    CHECK_INT(again.plans[i].steps, 0);
    CHECK_INT(again.plans[i].id, st.plans[i].id);
    CHECK_INT(again.plans[i].status, st.plans[i].status);
  }
  CHECK_INT(again.links[0].made, 0);
  CHECK_INT(again.links[0].officer_id, st.links[0].officer_id);

  fz_ledger_report rep;
  CHECK_INT(fz_ledger_verify(db, &rep, &e), FZ_OK);
  CHECK_INT(rep.ok, 1);
  fz_reg_set_seal_key(NULL);
  fz_seal_key_free(key);
  fz_db_close(db);
}

/* `fazhi demo --entities 0`: the accounts are linked, the plans skipped. */
static void suite_empty(const char *url, const char *label) {
  printf("inspect demo without entities on %s\n", label);
  fz_db *db = testdb_open(url);
  if (!db) return;
  unsigned char master[FZ_SEAL_KEY] = {1, 2, 3};
  fz_seal_key *key = NULL;
  CHECK_INT(fz_seal_key_from_bytes(master, &key, &e), FZ_OK);
  fz_reg_set_seal_key(key);
  testdemo_init(db, 1);
  load_registry(db, 0);
  fz_inspect_demo_opts o = plan_opts();
  fz_inspect_demo_stats st;
  CHECK_INT(fz_inspect_demo_load(db, &o, &st, &e), FZ_OK);
  if (t_current_failed) fprintf(stderr, "  %s\n", e.message);
  CHECK(st.links[0].officer_id > 0);
  for (int i = 0; i < FZ_INSPECT_DEMO_PLANS; i++) {
    CHECK_INT(st.plans[i].id, 0);
    CHECK(st.plans[i].skipped != NULL);
  }
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM plans"), 0);
  fz_reg_set_seal_key(NULL);
  fz_seal_key_free(key);
  fz_db_close(db);
}

/* A demo run in January: plan A's window would end in late December and
 * be due in a year without a calendar (the draw computes the deadline), so
 * the demo moves it back until the deadline can be computed. */
static void suite_january(const char *url, const char *label) {
  printf("inspect demo in January on %s\n", label);
  fz_db *db = testdb_open(url);
  if (!db) return;
  unsigned char master[FZ_SEAL_KEY] = {9, 8, 7};
  fz_seal_key *key = NULL;
  CHECK_INT(fz_seal_key_from_bytes(master, &key, &e), FZ_OK);
  fz_reg_set_seal_key(key);
  testdemo_init(db, 1);
  load_registry(db, 2000);
  /* Ten days into a year whose calendar is not loaded. */
  fz_inspect_demo_opts o = {7, "2027-01-10", ms_of(2027, 1, 10)};
  fz_inspect_demo_stats st;
  CHECK_INT(fz_inspect_demo_load(db, &o, &st, &e), FZ_OK);
  if (t_current_failed) fprintf(stderr, "  %s\n", e.message);
  CHECK_INT(st.plans[0].status, FZ_PLAN_PUBLISHED);
  CHECK_INT(st.plans[2].status, FZ_PLAN_DRAWN);
  CHECK(strcmp(st.plans[0].window_to, "2026-12-20") <= 0);
  CHECK(st.plans[0].publish_due[0] != '\0');
  fz_reg_set_seal_key(NULL);
  fz_seal_key_free(key);
  fz_db_close(db);
}

static void test_plans(void) { testdb_each(suite, "fz_inspect_demo_test"); }
static void test_january(void) {
  testdb_each(suite_january, "fz_inspect_demo_jan");
}
static void test_empty(void) {
  testdb_each(suite_empty, "fz_inspect_demo_empty");
}

int main(void) {
  RUN(test_plans);
  RUN(test_empty);
  RUN(test_january);
  return TEST_END();
}
