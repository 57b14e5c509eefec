/* test_cases_demo.c — the enforcement cases of `fazhi demo` (cases/demo.h)
 * on SQLite and PostgreSQL, after the registry demo: the discretion data
 * loaded, the reviewer linked to a qualified officer, cases in every
 * stage (免罚 no-penalty cases, one decision outside its benchmark with its
 * reason and alert, an overdue investigation), every step in the ledger;
 * a second run makes nothing; and before the registry demo, nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cases/case_int.h"
#include "cases/demo.h"
#include "core/clock.h"
#include "id/seal.h"
#include "ledger/ledger.h"
#include "registry/demo.h"
#include "registry/registry.h"
#include "testdb.h"
#include "testdemo.h"

static fz_error e;

/* 1 if case id lies in by's scope by the plain form of the scope's SQL
 * (the subquery over every department), as fz_case_load used to ask. */
static int plain_in_scope(fz_db *db, const fz_principal *by, int64_t id) {
  fz_buf sql;
  fz_buf_init(&sql, 1 << 14);
  fz_qparams q = {0};
  char store[512];
  fz_buf_puts(&sql, "SELECT COUNT(*) FROM cases c JOIN departments d ON d.id "
              "= c.department_id WHERE c.id = ?");
  fz_qp_num(&q, id);
  fz_stmt *st = NULL;
  int n = -1;
  if (fz_case_scope_sql(db, by, "c.department_id", &sql, &q, store,
                        sizeof store, &e) == FZ_OK &&
      fz_query_prepare(db, &sql, &q, &st, &e) == FZ_OK) {
    if (fz_stmt_step(st, &e) == FZ_STEP_ROW) n = (int)fz_stmt_column_int64(st, 0);
    fz_stmt_finalize(st);
  }
  return n;
}

/* fz_case_load finds a case for a scope (a region prefix, a department and
 * those under it, both, neither, a department that does not exist) exactly
 * when the scope's SQL over every department does. */
static void check_scopes(fz_db *db) {
  static const char *const prefixes[] = {"", "21", "2101", "2102", "22"};
  int64_t ndept = testdemo_count(db, "SELECT MAX(id) FROM departments");
  int64_t ncase = testdemo_count(db, "SELECT MAX(id) FROM cases");
  int compared = 0, found = 0;
  for (int64_t dept = 0; dept <= ndept + 1; dept++)
    for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++) {
      fz_principal by = {0};
      by.scope.roles = FZ_ROLE_BIT(FZ_ROLE_OFFICER);
      by.scope.department_id = dept;
      snprintf(by.scope.region_prefix, sizeof by.scope.region_prefix, "%s",
               prefixes[k]);
      snprintf(by.actor, sizeof by.actor, "user:1");
      for (int64_t id = 1; id <= ncase; id++) {
        fz_case_row c;
        fz_error le = {0};
        fz_err rc = fz_case_load(db, &by, id, &c, &le);
        int want = plain_in_scope(db, &by, id);
        if ((rc == FZ_OK) != (want == 1) || (rc && rc != FZ_NOTFOUND)) {
          fprintf(stderr, "  case %lld, department %lld, region \"%s\": "
                  "load %d, plain %d\n", (long long)id, (long long)dept,
                  prefixes[k], rc, want);
          t_current_failed = 1;
          return;
        }
        if (!rc) CHECK_INT(c.id, id);
        compared++;
        found += rc == FZ_OK;
      }
    }
  CHECK(found > 0 && found < compared);
}

static void suite(const char *url, const char *label) {
  printf("cases demo on %s\n", label);
  fz_db *db = testdb_open(url);
  if (!db) return;
  unsigned char master[FZ_SEAL_KEY] = {4, 5, 6};
  fz_seal_key *key = NULL;
  CHECK_INT(fz_seal_key_from_bytes(master, &key, &e), FZ_OK);
  fz_reg_set_seal_key(key);
  testdemo_init(db, 1);

  fz_cases_demo_stats st;
  CHECK_INT(fz_cases_demo_load(db, 1, &st, &e), FZ_NOTFOUND);
  CHECK_STR(e.field, "demo.loaded");
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM cases"), 0);

  fz_demo_opts o = {0};
  fz_demo_stats rs;
  o.seed = 11;
  o.entities = 400;
  o.batch = 400;
  CHECK_INT(fz_demo_load(db, &o, &rs, &e), FZ_OK);
  int64_t before = testdemo_count(db, "SELECT COUNT(*) FROM ledger_event");
  CHECK_INT(fz_cases_demo_load(db, 1, &st, &e), FZ_OK);
  if (t_current_failed) fprintf(stderr, "  %s\n", e.message);
  CHECK(st.versions >= 20);
  CHECK_INT(st.cases, 16);
  CHECK(st.steps >= 40);
  /* Every stage a user meets is there. */
  const char *stages[] = {"lead", "investigating", "notified", "review",
                          "served", "executed", "closed", "archived",
                          "seized", "dropped"};
  for (size_t i = 0; i < sizeof stages / sizeof *stages; i++) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM cases WHERE stage = '%s'",
             stages[i]);
    if (testdemo_count(db, sql) < 1) {
      fprintf(stderr, "  no demo case is %s\n", stages[i]);
      t_current_failed = 1;
    }
  }
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM cases WHERE lenient = '免罚' AND "
                  "no_penalty = 1 AND decision LIKE '%education%'"), 2);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM cases c JOIN case_alerts a ON "
                  "a.case_id = c.id WHERE c.outside_range = 1 AND a.kind = "
                  "'fine_above_range' AND c.decision LIKE '%reason%'"), 1);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM case_alerts WHERE kind = "
                  "'inspection_without_basis'"), 1);
  CHECK(testdemo_count(db, "SELECT COUNT(*) FROM cases WHERE published_at IS NOT "
              "NULL") >= 3);
  /* The long investigation is overdue (Art. 60). */
  char today[11], sql[256];
  fz_civil_date(fz_now_ms(), today);
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM case_deadlines WHERE "
           "rule_id = 'penalty.decide' AND met_on IS NULL AND due <> '' AND "
           "due < '%s'", today);
  CHECK_INT(testdemo_count(db, sql), 1);
  /* The reviewer holds 法律职业资格 and handles no case. */
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM officers WHERE id = %lld "
           "AND legal_qualification = 1", (long long)st.reviewer_officer);
  CHECK_INT(testdemo_count(db, sql), 1);
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM case_officers WHERE "
           "officer_id = %lld", (long long)st.reviewer_officer);
  CHECK_INT(testdemo_count(db, sql), 0);
  /* Each step one event: creation and steps, plus the loads before. */
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM case_steps"), st.cases + st.steps);
  CHECK(testdemo_count(db, "SELECT COUNT(*) FROM ledger_event") - before >=
        st.cases + st.steps);

  check_scopes(db);

  /* Again: nothing new. */
  int64_t events = testdemo_count(db, "SELECT COUNT(*) FROM ledger_event");
  CHECK_INT(fz_cases_demo_load(db, 1, &st, &e), FZ_OK);
  CHECK_INT(st.cases, 0);
  CHECK_INT(st.versions, 0);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM ledger_event"), events);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM cases"), 16);

  fz_reg_set_seal_key(NULL);
  fz_seal_key_free(key);
  fz_db_close(db);
}

static void test_cases_demo(void) { testdb_each(suite, "fz_cases_demo_test"); }

int main(void) {
  RUN(test_cases_demo);
  return TEST_END();
}
