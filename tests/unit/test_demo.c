/* test_demo.c — the 辽宁 demo dataset (registry/demo.h) on SQLite and
 * PostgreSQL: it refuses a database `fazhi init` did not make, a real
 * installation and a second run; a failure in its last transaction leaves
 * no department, officer or account behind and the demo can run again;
 * and what it makes is sound: every city and county covered, every code
 * valid and unique with the county in it, every field accepted by the
 * registry's own checks, officers in every certificate state, the public
 * certificate look-up answering for them, demo logins that work at once,
 * and a ledger that verifies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "core/clock.h"
#include "id/id.h"
#include "id/seal.h"
#include "ledger/ledger.h"
#include "registry/demo.h"
#include "registry/registry.h"
#include "testdb.h"
#include "testdemo.h"

static fz_error e;

/* The demo's "today", so that certificate states are fixed. */
#define TODAY "2026-06-30"

/* Runs sql with param bound to its one or two parameters and returns the
 * integer it selects. */
static int64_t count1(fz_db *db, const char *sql, const char *param) {
  fz_stmt *st = NULL;
  int64_t n = -1;
  if (!fz_db_prepare(db, sql, &st, &e)) {
    fz_stmt_bind_text(st, 1, param, -1);
    if (strchr(strchr(sql, '?') + 1, '?')) fz_stmt_bind_text(st, 2, param, -1);
    if (fz_stmt_step(st, &e) == FZ_STEP_ROW) n = fz_stmt_column_int64(st, 0);
  }
  fz_stmt_finalize(st);
  return n;
}

/* The first text column of the first row of sql into buf ("" if none). */
static const char *text(fz_db *db, const char *sql, char *buf, size_t size) {
  fz_stmt *st = NULL;
  buf[0] = '\0';
  if (!fz_db_prepare(db, sql, &st, &e) && fz_stmt_step(st, &e) == FZ_STEP_ROW &&
      fz_stmt_column_text(st, 0))
    snprintf(buf, size, "%s", fz_stmt_column_text(st, 0));
  fz_stmt_finalize(st);
  return buf;
}

static fz_demo_opts opts(int64_t entities) {
  fz_demo_opts o = {0};
  o.seed = 7;
  o.entities = entities;
  o.batch = 500;
  o.today = TODAY;
  return o;
}

/* ---- The generator alone ------------------------------------------------- */

static int cmp_code(const void *a, const void *b) {
  return strcmp((const char *)a, (const char *)b);
}

static void test_generator(void) {
  fz_demo_gen *g = NULL, *h = NULL;
  CHECK_INT(fz_demo_gen_new(1, -1, NULL, &g, &e), FZ_RANGE);
  CHECK_INT(fz_demo_gen_new(1, FZ_DEMO_ENTITIES_MAX + 1, NULL, &g, &e),
            FZ_RANGE);
  CHECK_INT(fz_demo_gen_new(1, 10, "2026-02-30", &g, &e), FZ_INVALID);
  CHECK(g == NULL);

  /* As many entities as counties: one in each, in code order. */
  CHECK_INT(fz_demo_gen_new(1, 100, TODAY, &g, &e), FZ_OK);
  fz_demo_entity a, b;
  char prev[8] = "";
  for (int i = 0; g && i < 100; i++) {
    fz_demo_entity_make(g, 0, i, &a);
    CHECK(strcmp(a.v[3], prev) > 0);
    snprintf(prev, sizeof prev, "%s", a.v[3]);
  }
  fz_demo_gen_free(g);

  /* The same seed gives the same entity; another seed another one, but
   * codes depend on the running number alone: two runs that follow each
   * other (base = what the first made) never share a code. */
  enum { N = 20000 };
  char(*codes)[19] = calloc(2 * N, sizeof *codes);
  CHECK_INT(fz_demo_gen_new(1, N, TODAY, &g, &e), FZ_OK);
  CHECK_INT(fz_demo_gen_new(2, N, TODAY, &h, &e), FZ_OK);
  if (g && h && codes) {
    fz_demo_entity_make(g, 0, 123, &a);
    fz_demo_entity_make(g, 0, 123, &b);
    for (int f = 0; f < FZ_DEMO_ENTITY_FIELDS; f++) CHECK_STR(a.v[f], b.v[f]);
    fz_demo_entity_make(h, 0, 123, &b);
    CHECK(strcmp(a.v[1], b.v[1]) != 0 || strcmp(a.v[6], b.v[6]) != 0);
    for (int i = 0; i < N; i++) {
      fz_demo_entity_make(g, 0, i, &a);
      fz_demo_entity_make(h, N, i, &b);
      memcpy(codes[i], a.v[0], 19);
      memcpy(codes[N + i], b.v[0], 19);
    }
    qsort(codes, 2 * N, sizeof *codes, cmp_code);
    int dup = 0;
    for (int i = 1; i < 2 * N; i++) dup += strcmp(codes[i - 1], codes[i]) == 0;
    CHECK_INT(dup, 0);
  }
  free(codes);
  fz_demo_gen_free(g);
  fz_demo_gen_free(h);
  fz_demo_gen_free(NULL);
}

/* ---- The whole load, per backend ----------------------------------------- */

/* The expected category digits of an entity kind. */
static int category_fits(const char *uscc, const char *kind) {
  if (strcmp(kind, "企业") == 0) return strncmp(uscc, "91", 2) == 0;
  if (strcmp(kind, "个体工商户") == 0) return strncmp(uscc, "92", 2) == 0;
  if (strcmp(kind, "农民专业合作社") == 0) return strncmp(uscc, "93", 2) == 0;
  if (strcmp(kind, "社会组织") == 0)
    return uscc[0] == '5' && uscc[1] >= '1' && uscc[1] <= '3';
  if (strcmp(kind, "事业单位") == 0) return strncmp(uscc, "12", 2) == 0;
  return 0;
}

/* Every entity: each field passes the registry's own check unchanged, the
 * code validates, its digits 3–8 are the region, its category the kind. */
static void check_entities(fz_db *db, int64_t expected) {
  fz_stmt *st = NULL;
  CHECK_INT(fz_db_prepare(db,
                          "SELECT uscc, name, kind, region_code, address, "
                          "industry, legal_rep, credit_grade, credit_date, "
                          "credit_source, risk_level, status, tags FROM "
                          "entities ORDER BY id",
                          &st, &e),
            FZ_OK);
  int64_t rows = 0, bad_field = 0, bad_code = 0, bad_region = 0, bad_kind = 0;
  while (st && fz_stmt_step(st, &e) == FZ_STEP_ROW) {
    rows++;
    for (int f = 0; f < FZ_DEMO_ENTITY_FIELDS; f++) {
      const char *v = fz_stmt_column_text(st, f), *out;
      char buf[1024];
      fz_error fe;
      if (fz_reg_value_check(FZ_REG_ENTITY, (size_t)f, v ? v : "", buf,
                             sizeof buf, &out, &fe) != FZ_OK ||
          strcmp(out, v ? v : "") != 0) {
        if (bad_field++ < 5)
          fprintf(stderr, "  field %d \"%s\": %s\n", f, v, fe.message);
      }
    }
    const char *uscc = fz_stmt_column_text(st, 0);
    fz_id_result r;
    if (fz_uscc_validate(uscc, &r) != FZ_OK) bad_code++;
    if (strncmp(uscc + 2, fz_stmt_column_text(st, 3), 6) != 0 ||
        !fz_region_name(fz_stmt_column_text(st, 3)) ||
        strncmp(fz_stmt_column_text(st, 3), "21", 2) != 0)
      bad_region++;
    if (!category_fits(uscc, fz_stmt_column_text(st, 2))) bad_kind++;
  }
  fz_stmt_finalize(st);
  CHECK_INT(rows, expected);
  CHECK_INT(bad_field, 0);
  CHECK_INT(bad_code, 0);
  CHECK_INT(bad_region, 0);
  CHECK_INT(bad_kind, 0);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(DISTINCT uscc) FROM entities"), expected);
  /* The mixes the demo promises, roughly. */
  int64_t a =
      testdemo_count(db, "SELECT COUNT(*) FROM entities WHERE credit_grade = 'A'");
  int64_t d =
      testdemo_count(db, "SELECT COUNT(*) FROM entities WHERE credit_grade = 'D'");
  CHECK(a > expected * 45 / 100 && a < expected * 65 / 100);
  CHECK(d > 0 && d < expected * 10 / 100);
  CHECK(testdemo_count(db, "SELECT COUNT(*) FROM entities WHERE status <> '存续'") > 0);
  CHECK(testdemo_count(db, "SELECT COUNT(*) FROM entities WHERE tags <> ''") > 0);
  CHECK(testdemo_count(db, "SELECT COUNT(*) FROM entities WHERE kind = '个体工商户'") > 0);
}

typedef struct coverage {
  fz_db *db;
  int regions, uncovered;
  int city; /* visiting cities (1) or counties (0) */
} coverage;

static int visit(const char *code, const char *name, void *ctx) {
  coverage *c = ctx;
  c->regions++;
  int64_t n = count1(c->db,
                     "SELECT (SELECT COUNT(*) FROM departments WHERE "
                     "region_code = ?) + (SELECT COUNT(*) FROM entities "
                     "WHERE region_code = ?)",
                     code);
  if (n < 1) {
    c->uncovered++;
    fprintf(stderr, "  nothing in %s %s\n", code, name);
  }
  if (c->city) {
    char prefix[5];
    memcpy(prefix, code, 4);
    prefix[4] = '\0';
    c->city = 0;
    fz_region_children(prefix, visit, c);
    c->city = 1;
  }
  return 0;
}

static void check_coverage(fz_db *db) {
  coverage c = {db, 0, 0, 1};
  CHECK_INT(fz_region_children("21", visit, &c), FZ_OK);
  CHECK_INT(c.regions, 114); /* 14 cities, 100 counties and districts */
  CHECK_INT(c.uncovered, 0);
}

static void check_departments(fz_db *db, const fz_demo_stats *st) {
  CHECK_INT(st->departments, 5 + 14 * 6 + 100);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM departments"), st->departments);
  /* Every code valid, a 机关's ('1','1'), with the department's region. */
  fz_stmt *q = NULL;
  int bad = 0, rows = 0;
  CHECK_INT(fz_db_prepare(db, "SELECT uscc, region_code FROM departments",
                          &q, &e),
            FZ_OK);
  while (q && fz_stmt_step(q, &e) == FZ_STEP_ROW) {
    fz_id_result r;
    const char *u = fz_stmt_column_text(q, 0);
    rows++;
    if (fz_uscc_validate(u, &r) || strncmp(u, "11", 2) ||
        strncmp(u + 2, fz_stmt_column_text(q, 1), 6))
      bad++;
  }
  fz_stmt_finalize(q);
  CHECK_INT(rows, st->departments);
  CHECK_INT(bad, 0);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM departments WHERE level = '省'"), 5);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM departments WHERE name = "
                      "'辽宁省司法厅' AND kind = 'justice'"),
            1);
  /* Each county's market department sits under its city's. */
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM departments c JOIN departments p "
                      "ON p.id = c.parent_id WHERE c.level = '县' AND "
                      "c.kind = 'market' AND p.level = '市' AND p.kind = "
                      "'market' AND substr(c.region_code, 1, 4) = "
                      "substr(p.region_code, 1, 4)"),
            100);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM departments WHERE path = ''"), 0);
}

/* The certificate state the public look-up gives for the officer sql
 * selects the certificate of. */
static void check_certificate(fz_db *db, const char *sql, const char *state) {
  char cert[64];
  text(db, sql, cert, sizeof cert);
  CHECK(cert[0] != '\0');
  json_t *o = NULL;
  CHECK_INT(fz_reg_certificate(db, cert, TODAY, &o, &e), FZ_OK);
  CHECK_STR(json_string_value(json_object_get(o, "state")), state);
  json_decref(o);
}

static void check_officers(fz_db *db, const fz_demo_stats *st) {
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM officers"), st->officers);
  CHECK(st->expired >= 14 && st->revoked >= 14 && st->suspended == 1);
  CHECK_INT(st->auxiliaries, st->departments);
  CHECK(st->legal_qualified >= st->departments);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM officers WHERE auxiliary = 0 AND "
                      "status = 'valid' AND cert_to < '" TODAY "'"),
            st->expired);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM officers WHERE status = 'revoked'"),
            st->revoked);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM officers WHERE auxiliary = 1 AND "
                      "cert_no IS NULL AND cert_from = '' AND cert_to = ''"),
            st->auxiliaries);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM officers WHERE auxiliary = 0 AND "
                      "(cert_no IS NULL OR cert_from > cert_to)"),
            0);
  /* Our certificate format: region, department serial, officer serial. */
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM officers o JOIN departments d ON "
                      "d.id = o.department_id WHERE o.auxiliary = 0 AND "
                      "(length(o.cert_no) <> 12 OR substr(o.cert_no, 1, 6) "
                      "<> d.region_code)"),
            0);
  /* ID numbers are sealed, found by a blind index, shown masked. */
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM officers WHERE id_sealed IS NULL "
                      "OR id_index IS NULL OR id_masked NOT LIKE '21%'"),
            0);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(DISTINCT id_index) FROM officers"),
            st->officers);

  check_certificate(db,
                    "SELECT cert_no FROM officers WHERE auxiliary = 0 AND "
                    "status = 'valid' AND cert_to >= '" TODAY "' ORDER BY id "
                    "LIMIT 1",
                    "valid");
  check_certificate(db,
                    "SELECT cert_no FROM officers WHERE auxiliary = 0 AND "
                    "status = 'valid' AND cert_to < '" TODAY "' ORDER BY id "
                    "LIMIT 1",
                    "expired");
  check_certificate(db,
                    "SELECT cert_no FROM officers WHERE status = 'revoked' "
                    "ORDER BY id LIMIT 1",
                    "revoked");
  check_certificate(db,
                    "SELECT cert_no FROM officers WHERE status = 'suspended' "
                    "ORDER BY id LIMIT 1",
                    "suspended");
  json_t *o = NULL;
  CHECK_INT(fz_reg_certificate(db, "210100999999", TODAY, &o, &e),
            FZ_NOTFOUND);
}

static void check_accounts(fz_db *db, const fz_demo_stats *st) {
  size_t n;
  const fz_demo_account *acc = fz_demo_accounts(&n);
  CHECK_INT(st->accounts, (int64_t)n);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM users WHERE demo = 1 AND "
                      "must_change = 0"),
            (int64_t)n);
  CHECK_INT(count1(db,
                   "SELECT COUNT(*) FROM users u JOIN departments d ON d.id = "
                   "u.department_id WHERE u.username = ? AND "
                   "u.region_prefix = '2101' AND d.name = "
                   "'沈阳市市场监督管理局'",
                   "sy.officer"),
            1);
  CHECK_INT(count1(db,
                   "SELECT COUNT(*) FROM users WHERE username = ? AND "
                   "region_prefix = '21' AND department_id IS NULL",
                   "ln.supervisor"),
            1);
  /* A demo login works at once, with the published password. */
  fz_login_result res;
  int64_t uid = 0;
  CHECK_INT(fz_login_check(db, acc[0].username, FZ_DEMO_PASSWORD, fz_now_ms(),
                           &res, &uid, &e),
            FZ_OK);
  CHECK_INT(res, FZ_LOGIN_OK);
  CHECK(uid > 0);
}

static void check_ledger(fz_db *db, const fz_demo_stats *st, int64_t batches) {
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM ledger_event WHERE action = "
                      "'entity.import'"),
            batches);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM ledger_event WHERE action = "
                      "'department.create'"),
            st->departments);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM ledger_event WHERE action = "
                      "'officer.create'"),
            st->officers);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM ledger_event WHERE action = "
                      "'instance.demo'"),
            1);
  /* A batch's event names its ids and the demo's seed. */
  char body[4096];
  text(db,
       "SELECT body FROM ledger_event WHERE action = 'entity.import' ORDER BY "
       "seq DESC LIMIT 1",
       body, sizeof body);
  json_t *ev = json_loads(body, 0, NULL);
  json_t *data = json_object_get(ev, "data");
  CHECK_STR(json_string_value(json_object_get(data, "source")), "demo");
  CHECK_INT(json_integer_value(json_object_get(data, "seed")), 7);
  CHECK_INT(json_integer_value(json_array_get(json_object_get(data, "ids"), 1)),
            testdemo_count(db, "SELECT MAX(id) FROM entities"));
  json_decref(ev);
  fz_ledger_report rep;
  CHECK_INT(fz_ledger_verify(db, &rep, &e), FZ_OK);
  CHECK_INT(rep.ok, 1);
  if (!rep.ok) fprintf(stderr, "  ledger: %s\n", rep.reason);
}

static void suite(const char *url, const char *label) {
  printf("demo on %s\n", label);
  fz_db *db = testdb_open(url);
  if (!db) return;
  fz_demo_stats st;
  fz_demo_opts o = opts(1000);

  /* Not made by `fazhi init`: refused. */
  CHECK_INT(fz_demo_check(db, 0, &e), FZ_NOTFOUND);
  CHECK_STR(e.field, "created_at");
  CHECK_INT(fz_demo_load(db, &o, &st, &e), FZ_NOTFOUND);

  /* A real installation: refused unless forced. */
  testdemo_init(db, 0);
  CHECK_INT(fz_demo_check(db, 0, &e), FZ_FORBIDDEN);
  CHECK_STR(e.field, "demo");
  CHECK_INT(fz_demo_check(db, 1, &e), FZ_OK);
  CHECK_INT(fz_db_meta_set(db, "demo", "true", &e), FZ_OK);
  CHECK_INT(fz_demo_check(db, 0, &e), FZ_OK);

  /* Officers carry ID numbers: no key, no demo. */
  fz_reg_set_seal_key(NULL);
  CHECK_INT(fz_demo_load(db, &o, &st, &e), FZ_NODATA);
  unsigned char master[FZ_SEAL_KEY];
  for (int i = 0; i < FZ_SEAL_KEY; i++) master[i] = (unsigned char)(i * 7 + 1);
  fz_seal_key *key = NULL;
  CHECK_INT(fz_seal_key_from_bytes(master, &key, &e), FZ_OK);
  fz_reg_set_seal_key(key);

  /* The last transaction fails (an account name is taken): no department,
   * officer, catalogue or account is left, nor the mark; the batches of
   * entities before it stay. */
  fz_principal cli;
  fz_principal_cli(&cli);
  char hash[FZ_PASSWORD_HASH_SIZE];
  int64_t uid;
  fz_user_new squatter = {"dl.head", "占用者", "", 0, 0, 0};
  CHECK_INT(fz_password_hash("Squatter-2026x", 0, 0, hash, &e), FZ_OK);
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  CHECK_INT(fz_user_create(db, &cli, &squatter, hash, fz_now_ms(), &uid, &e),
            FZ_OK);
  CHECK_INT(fz_db_commit(db, &e), FZ_OK);
  CHECK_INT(fz_demo_load(db, &o, &st, &e), FZ_EXISTS);
  CHECK_STR(e.field, "username");
  CHECK_INT(st.entities, 1000);
  CHECK_INT(st.entity_batches, 2);
  CHECK_INT(st.departments, 0);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM entities"), 1000);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM departments"), 0);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM officers"), 0);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM matters"), 0);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM users"), 1);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM meta WHERE key = 'demo.loaded'"),
            0);

  /* Run again: the new entities take codes after the first ones. */
  CHECK_INT(fz_db_exec(db, "DELETE FROM users", &e), FZ_OK);
  o = opts(2000);
  CHECK_INT(fz_demo_load(db, &o, &st, &e), FZ_OK);
  if (t_current_failed) fprintf(stderr, "  %s\n", e.message);
  CHECK_INT(st.entities, 2000);
  CHECK_INT(st.entities_skipped, 0);
  CHECK_INT(st.entity_batches, 4);
  CHECK_INT(st.cities, 14);
  CHECK_INT(st.counties, 100);
  CHECK_INT(st.matters, 100);
  CHECK_INT(st.items, 35);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM matters"), st.matters);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM items"), st.items);
  CHECK(st.conflicts >= 24);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM conflicts c JOIN entities t ON "
                      "t.uscc = c.entity_uscc"),
            st.conflicts);

  check_entities(db, 3000);
  check_coverage(db);
  check_departments(db, &st);
  check_officers(db, &st);
  check_accounts(db, &st);
  check_ledger(db, &st, 2 + 4);

  /* Twice: refused, and nothing changes. */
  int64_t events = testdemo_count(db, "SELECT COUNT(*) FROM ledger_event");
  fz_demo_stats again;
  CHECK_INT(fz_demo_load(db, &o, &again, &e), FZ_EXISTS);
  CHECK_STR(e.field, "demo.loaded");
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM ledger_event"), events);
  CHECK_INT(testdemo_count(db, "SELECT COUNT(*) FROM entities"), 3000);

  fz_reg_set_seal_key(NULL);
  fz_seal_key_free(key);
  fz_db_close(db);
}

static void test_load(void) { testdb_each(suite, "fz_demo_test"); }

int main(void) {
  RUN(test_generator);
  RUN(test_load);
  return TEST_END();
}
