/* test_store.c — db.h on SQLite, and on PostgreSQL given FAZHI_TEST_PG_URL. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/db.h"
#include "store/db_int.h"
#include "test.h"

static const char *url; /* the backend under test */
static int is_pg, is_memory;

static fz_db *open_db(void) {
  fz_db *db = NULL;
  fz_error e = {0};
  fz_err rc = fz_db_open(url, &db, &e);
  if (rc) fprintf(stderr, "  open %s: %s\n", url, e.message);
  CHECK_INT(rc, FZ_OK);
  return db;
}

#define EXEC(db, sql)                                                        \
  do {                                                                       \
    fz_error e_ = {0};                                                       \
    fz_err rc_ = fz_db_exec(db, sql, &e_);                                   \
    if (rc_) fprintf(stderr, "  exec: %s\n", e_.message);                    \
    CHECK_INT(rc_, FZ_OK);                                                   \
  } while (0)

static int64_t count(fz_db *db, const char *sql) {
  int64_t n = -1;
  fz_error e = {0};
  fz_err rc = fz_db_query_int64(db, sql, &n, &e);
  if (rc) fprintf(stderr, "  %s: %s\n", sql, e.message);
  CHECK_INT(rc, FZ_OK);
  return n;
}

/* Prepares sql, binds one int64 (if bind), and steps once. */
static int run1(fz_db *db, const char *sql, int bind, int64_t v,
                fz_error *e) {
  fz_stmt *st = NULL;
  int r = fz_db_prepare(db, sql, &st, e);
  if (r) return r;
  if (bind) CHECK_INT(fz_stmt_bind_int64(st, 1, v), FZ_OK);
  r = fz_stmt_step(st, e);
  fz_stmt_finalize(st);
  return r;
}

/* ---- every backend ----------------------------------------------------- */

static void t_open_close(void) {
  fz_db *db = open_db();
  if (!db) return;
  CHECK_INT(fz_db_backend(db), is_pg ? FZ_BACKEND_PG : FZ_BACKEND_SQLITE);
  CHECK_STR(fz_db_backend_name(db), is_pg ? "postgresql" : "sqlite");
  CHECK_STR(fz_db_errmsg(db), "");
  fz_db_close(db);
  fz_db_close(NULL);
  fz_stmt_finalize(NULL);
  fz_pool_close(NULL);
}

/* Reads back one setting as text. */
static void check_setting(fz_db *db, const char *sql, const char *want) {
  fz_stmt *st = NULL;
  fz_error e = {0};
  CHECK_INT(fz_db_prepare(db, sql, &st, &e), FZ_OK);
  if (!st) return;
  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_ROW);
  CHECK_STR(fz_stmt_column_text(st, 0), want);
  fz_stmt_finalize(st);
}

static void t_settings(void) {
  fz_db *db = open_db();
  if (!db) return;
  if (is_pg) {
    check_setting(db, "SHOW client_encoding", "UTF8");
    check_setting(db, "SHOW standard_conforming_strings", "on");
  } else {
    check_setting(db, "PRAGMA journal_mode", is_memory ? "memory" : "wal");
    check_setting(db, "PRAGMA synchronous", "2");
    check_setting(db, "PRAGMA foreign_keys", "1");
    check_setting(db, "PRAGMA busy_timeout", "5000");
  }
  fz_db_close(db);
}

static void t_exec(void) {
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  fz_stmt *st = NULL;
  EXEC(db, "DROP TABLE IF EXISTS t_exec;"
           "CREATE TABLE t_exec (n BIGINT);"
           "INSERT INTO t_exec VALUES (1);"
           "INSERT INTO t_exec VALUES (2);");
  CHECK_INT(count(db, "SELECT count(*) FROM t_exec"), 2);
  CHECK_INT(fz_db_exec(db, "CREATE TABLOID x", &e), FZ_DB);
  CHECK_CONTAINS(e.message, fz_db_backend_name(db));
  CHECK_STR(fz_db_errmsg(db), e.message);
  CHECK_INT(fz_db_prepare(db, "SELEC 1", &st, &e), FZ_DB);
  CHECK(st == NULL);
  CHECK(fz_db_prepare(db, "SELECT 1; SELECT 2", &st, &e) != FZ_OK);
  CHECK(st == NULL);
  fz_db_close(db);
}

static void t_types(void) {
  static const unsigned char blob[] = {0, 1, 0, 0xff, 0, 'x', 0};
  static const char zh[] = "法治政府建设 — 行政处罚法第五十八条";
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  fz_stmt *st = NULL;
  EXEC(db, "DROP TABLE IF EXISTS t_types;"
           "CREATE TABLE t_types (id INTEGER PRIMARY KEY, n BIGINT, s TEXT, "
           "b BYTEA)");
  CHECK_INT(fz_db_prepare(db, "INSERT INTO t_types VALUES (?, ?, ?, ?)", &st,
                          &e),
            FZ_OK);
  if (!st) goto out;
  CHECK_INT(fz_stmt_bind_int64(st, 0, 1), FZ_RANGE);
  CHECK_INT(fz_stmt_bind_text(st, 5, "x", -1), FZ_RANGE);
  /* 1: the extremes; 2: empty values; 3: NULLs. */
  CHECK_INT(fz_stmt_bind_int64(st, 1, 1), FZ_OK);
  CHECK_INT(fz_stmt_bind_int64(st, 2, INT64_MIN), FZ_OK);
  CHECK_INT(fz_stmt_bind_text(st, 3, zh, -1), FZ_OK);
  CHECK_INT(fz_stmt_bind_blob(st, 4, blob, sizeof blob), FZ_OK);
  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_DONE);
  CHECK_INT(fz_stmt_reset(st), FZ_OK);
  CHECK_INT(fz_stmt_bind_int64(st, 1, 2), FZ_OK);
  CHECK_INT(fz_stmt_bind_int64(st, 2, INT64_MAX), FZ_OK);
  CHECK_INT(fz_stmt_bind_text(st, 3, "abc", 0), FZ_OK);
  CHECK_INT(fz_stmt_bind_blob(st, 4, NULL, 0), FZ_OK);
  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_DONE);
  CHECK_INT(fz_stmt_reset(st), FZ_OK);
  CHECK_INT(fz_stmt_bind_int64(st, 1, 3), FZ_OK);
  CHECK_INT(fz_stmt_bind_null(st, 2), FZ_OK);
  CHECK_INT(fz_stmt_bind_text(st, 3, NULL, -1), FZ_OK);
  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_DONE); /* 4 left unbound: NULL */
  fz_stmt_finalize(st);
  st = NULL;

  CHECK_INT(fz_db_prepare(db, "SELECT id, n, s, b FROM t_types ORDER BY id",
                          &st, &e),
            FZ_OK);
  if (!st) goto out;
  size_t len = 99;
  const unsigned char *p;
  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_ROW);
  CHECK_INT(fz_stmt_column_count(st), 4);
  CHECK_INT(fz_stmt_column_int64(st, 0), 1);
  CHECK(fz_stmt_column_int64(st, 1) == INT64_MIN);
  CHECK_STR(fz_stmt_column_text(st, 2), zh);
  p = fz_stmt_column_blob(st, 3, &len);
  CHECK_INT(len, sizeof blob);
  CHECK(p && memcmp(p, blob, sizeof blob) == 0);
  CHECK(fz_stmt_column_blob(st, 3, &len) == p); /* decoded once per row */
  CHECK(!fz_stmt_column_is_null(st, 3));
  CHECK(fz_stmt_column_is_null(st, 4)); /* no such column */
  CHECK(fz_stmt_column_text(st, -1) == NULL);

  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_ROW);
  CHECK(fz_stmt_column_int64(st, 1) == INT64_MAX);
  CHECK_STR(fz_stmt_column_text(st, 2), "");
  len = 99;
  CHECK(fz_stmt_column_blob(st, 3, &len) != NULL); /* empty, not NULL */
  CHECK_INT(len, 0);
  CHECK(!fz_stmt_column_is_null(st, 2));

  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_ROW);
  CHECK(fz_stmt_column_is_null(st, 1));
  CHECK_INT(fz_stmt_column_int64(st, 1), 0);
  CHECK(fz_stmt_column_text(st, 2) == NULL);
  len = 99;
  CHECK(fz_stmt_column_blob(st, 3, &len) == NULL);
  CHECK_INT(len, 0);

  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_DONE);
  CHECK(fz_stmt_column_text(st, 2) == NULL); /* no current row */
  fz_stmt_finalize(st);
  st = NULL;

  /* Parameters compare as the types they meet. */
  CHECK_INT(run1(db, "SELECT id FROM t_types WHERE n = ?", 1, INT64_MIN, &e),
            FZ_STEP_ROW);
  CHECK_INT(fz_db_prepare(db, "SELECT id FROM t_types WHERE s = ? AND b = ?",
                          &st, &e),
            FZ_OK);
  if (!st) goto out;
  CHECK_INT(fz_stmt_bind_text(st, 1, zh, (long)strlen(zh)), FZ_OK);
  CHECK_INT(fz_stmt_bind_blob(st, 2, blob, sizeof blob), FZ_OK);
  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_ROW);
  CHECK_INT(fz_stmt_column_int64(st, 0), 1);
out:
  fz_stmt_finalize(st);
  fz_db_close(db);
}

static void t_placeholders(void) {
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  fz_stmt *st = NULL;
  EXEC(db, "DROP TABLE IF EXISTS t_q;"
           "CREATE TABLE t_q (\"a?\" TEXT, b BIGINT)");
  CHECK_INT(fz_db_prepare(db,
                          "INSERT INTO t_q (\"a?\", b) /* ? */ "
                          "VALUES ('it''s ?', ?) -- ?",
                          &st, &e),
            FZ_OK);
  if (!st) goto out;
  CHECK_INT(fz_stmt_bind_int64(st, 2, 7), FZ_RANGE); /* only one */
  CHECK_INT(fz_stmt_bind_int64(st, 1, 42), FZ_OK);
  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_DONE);
  fz_stmt_finalize(st);
  CHECK_INT(fz_db_prepare(db,
                          "SELECT \"a?\", b, '?' FROM t_q "
                          "WHERE \"a?\" = 'it''s ?' AND b = ?",
                          &st, &e),
            FZ_OK);
  if (!st) goto out;
  CHECK_INT(fz_stmt_bind_int64(st, 1, 42), FZ_OK);
  CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_ROW);
  CHECK_STR(fz_stmt_column_text(st, 0), "it's ?");
  CHECK_INT(fz_stmt_column_int64(st, 1), 42);
  CHECK_STR(fz_stmt_column_text(st, 2), "?");
out:
  fz_stmt_finalize(st);
  fz_db_close(db);
}

static void t_reset(void) {
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  fz_stmt *ins = NULL, *sel = NULL;
  EXEC(db, "DROP TABLE IF EXISTS t_reset;"
           "CREATE TABLE t_reset (n BIGINT NOT NULL)");
  CHECK_INT(fz_db_prepare(db, "INSERT INTO t_reset VALUES (?)", &ins, &e),
            FZ_OK);
  CHECK_INT(fz_db_prepare(db, "SELECT n FROM t_reset ORDER BY n", &sel, &e),
            FZ_OK);
  if (!ins || !sel) goto out;
  for (int i = 1; i <= 5; i++) {
    CHECK_INT(fz_stmt_bind_int64(ins, 1, i), FZ_OK);
    CHECK_INT(fz_stmt_step(ins, &e), FZ_STEP_DONE);
    CHECK_INT(fz_stmt_step(ins, &e), FZ_STEP_DONE); /* does not run again */
    CHECK_INT(fz_stmt_reset(ins), FZ_OK);
  }
  CHECK_INT(count(db, "SELECT count(*) FROM t_reset"), 5);
  for (int pass = 0; pass < 2; pass++) {
    int64_t want = 1;
    int r;
    while ((r = fz_stmt_step(sel, &e)) == FZ_STEP_ROW)
      CHECK_INT(fz_stmt_column_int64(sel, 0), want++);
    CHECK_INT(r, FZ_STEP_DONE);
    CHECK_INT(want, 6);
    CHECK_INT(fz_stmt_reset(sel), FZ_OK);
  }
  /* reset cleared the binding: NULL into a NOT NULL column. */
  CHECK_INT(fz_stmt_step(ins, &e), FZ_CONFLICT);
  CHECK_INT(e.code, FZ_CONFLICT);
out:
  fz_stmt_finalize(ins);
  fz_stmt_finalize(sel);
  fz_db_close(db);
}

/* Text bound in place is read from where it lies at the step: a buffer
 * reused for each row gives each row its own value, the length bounds
 * it, and NULL binds NULL.  fz_db_changes counts what the last write did,
 * 0 for an insert ON CONFLICT DO NOTHING that met its key; -1 on
 * PostgreSQL, which tells only through RETURNING. */
static void t_bind_ref_and_changes(void) {
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  fz_stmt *ins = NULL;
  EXEC(db, "DROP TABLE IF EXISTS t_ref;"
           "CREATE TABLE t_ref (k TEXT PRIMARY KEY, v TEXT)");
  CHECK_INT(fz_db_prepare(db, "INSERT INTO t_ref VALUES (?, ?) ON CONFLICT "
                          "(k) DO NOTHING", &ins, &e), FZ_OK);
  if (!ins) goto out;
  char buf[16];
  for (int i = 0; i < 3; i++) {
    snprintf(buf, sizeof buf, "key%d-tail", i);
    CHECK_INT(fz_stmt_bind_text_ref(ins, 1, buf, 4), FZ_OK);
    CHECK_INT(fz_stmt_bind_text_ref(ins, 2, i == 2 ? NULL : buf + 5, -1), FZ_OK);
    CHECK_INT(fz_stmt_step(ins, &e), FZ_STEP_DONE);
    CHECK_INT(fz_db_changes(db), is_pg ? -1 : 1);
    CHECK_INT(fz_stmt_reset(ins), FZ_OK);
    memset(buf, 'x', sizeof buf - 1);
  }
  CHECK_INT(fz_stmt_bind_text_ref(ins, 1, "key1", -1), FZ_OK);
  CHECK_INT(fz_stmt_bind_text_ref(ins, 2, "again", -1), FZ_OK);
  CHECK_INT(fz_stmt_step(ins, &e), FZ_STEP_DONE);
  CHECK_INT(fz_db_changes(db), is_pg ? -1 : 0);
  CHECK_INT(count(db, "SELECT count(*) FROM t_ref WHERE (k, v) IN (('key0', "
                      "'tail'), ('key1', 'tail'))"), 2);
  CHECK_INT(count(db, "SELECT count(*) FROM t_ref WHERE k = 'key2' AND v IS "
                      "NULL"), 1);
  EXEC(db, "UPDATE t_ref SET v = 'new' WHERE k <> 'key2'");
  CHECK_INT(fz_db_changes(db), is_pg ? -1 : 2);
out:
  fz_stmt_finalize(ins);
  fz_db_close(db);
}

/* Prepared statements are cached per connection by their SQL: finalize
 * gives one back reset (bindings cleared), a statement in use is never
 * handed out twice, and the cache's bound is not a limit on statements. */
static void t_cache(void) {
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  EXEC(db, "DROP TABLE IF EXISTS t_cache;"
           "CREATE TABLE t_cache (n BIGINT NOT NULL)");
  fz_stmt *a = NULL, *b = NULL, *c = NULL;
  const char *sql = "INSERT INTO t_cache VALUES (?)";
  CHECK_INT(fz_db_prepare(db, sql, &a, &e), FZ_OK);
  CHECK_INT(fz_db_prepare(db, sql, &b, &e), FZ_OK); /* a is busy */
  CHECK(a && b && a != b);
  if (!a || !b) goto out;
  CHECK_INT(fz_stmt_bind_int64(a, 1, 1), FZ_OK);
  CHECK_INT(fz_stmt_bind_int64(b, 1, 2), FZ_OK);
  CHECK_INT(fz_stmt_step(a, &e), FZ_STEP_DONE);
  CHECK_INT(fz_stmt_step(b, &e), FZ_STEP_DONE);
  fz_stmt_bind_int64(a, 1, 3); /* bound, never stepped */
  fz_stmt_finalize(a);
  CHECK_INT(fz_db_prepare(db, sql, &c, &e), FZ_OK);
  CHECK(c == a);  /* reused */
  if (c) CHECK_INT(fz_stmt_step(c, &e), FZ_CONFLICT); /* binding cleared */
  fz_stmt_finalize(c);
  fz_stmt_finalize(b);
  CHECK_INT(count(db, "SELECT count(*) FROM t_cache"), 2);
  /* More distinct statements than the cache holds all work. */
  for (int i = 0; i < FZ_STMT_CACHE + 8; i++) {
    char q[64];
    int64_t v = -1;
    snprintf(q, sizeof q, "SELECT %d", i);
    CHECK_INT(fz_db_query_int64(db, q, &v, &e), FZ_OK);
    CHECK_INT(v, i);
  }
  CHECK_INT(db->ncache, FZ_STMT_CACHE);
  /* Full, the cache keeps the statements in use and the recently used
   * ones, and lets the least recently used idle one go. */
  fz_stmt *held = NULL, *again = NULL;
  CHECK_INT(fz_db_prepare(db, "SELECT 0", &held, &e), FZ_OK); /* oldest */
  CHECK_INT(fz_db_prepare(db, "SELECT 1", &again, &e), FZ_OK);
  fz_stmt_finalize(again); /* "SELECT 1" is now the newest */
  for (int i = 0; i < FZ_STMT_CACHE; i++) {
    char q[64];
    int64_t v = -1;
    snprintf(q, sizeof q, "SELECT %d + 0", i);
    CHECK_INT(fz_db_query_int64(db, q, &v, &e), FZ_OK);
  }
  int held_cached = 0, newest_cached = 0, oldest_idle_cached = 0;
  for (int i = 0; i < db->ncache; i++) {
    held_cached |= db->cache[i].st == held;
    newest_cached |= strcmp(db->cache[i].sql, "SELECT 1") == 0;
    oldest_idle_cached |= strcmp(db->cache[i].sql, "SELECT 2") == 0;
  }
  CHECK(held_cached);          /* in use: never evicted */
  CHECK(!newest_cached);       /* FZ_STMT_CACHE newer ones came after it */
  CHECK(!oldest_idle_cached);
  int64_t v = -1;
  CHECK_INT(fz_stmt_step(held, &e), FZ_STEP_ROW); /* still works */
  CHECK_INT(fz_stmt_column_int64(held, 0), 0);
  fz_stmt_finalize(held);
  CHECK_INT(fz_db_query_int64(db, "SELECT 2", &v, &e), FZ_OK); /* prepared anew */
  CHECK_INT(v, 2);
  CHECK_INT(db->ncache, FZ_STMT_CACHE);
out:
  fz_db_close(db);
}

static void t_transactions(void) {
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  EXEC(db, "DROP TABLE IF EXISTS t_tx;"
           "CREATE TABLE t_tx (n BIGINT)");
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  EXEC(db, "INSERT INTO t_tx VALUES (1)");
  CHECK_INT(fz_db_commit(db, &e), FZ_OK);
  CHECK_INT(count(db, "SELECT count(*) FROM t_tx"), 1);

  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  CHECK_INT(run1(db, "INSERT INTO t_tx VALUES (?)", 1, 2, &e), FZ_STEP_DONE);
  CHECK_INT(count(db, "SELECT count(*) FROM t_tx"), 2);
  CHECK_INT(fz_db_rollback(db), FZ_OK);
  CHECK_INT(count(db, "SELECT count(*) FROM t_tx WHERE n = 2"), 0);
  CHECK_INT(count(db, "SELECT count(*) FROM t_tx"), 1);

  CHECK_INT(fz_db_rollback(db), FZ_OK); /* none open */
  CHECK_INT(fz_db_commit(db, &e), FZ_INVALID);
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  CHECK_INT(fz_db_begin(db, &e), FZ_INVALID);
  CHECK_INT(fz_db_rollback(db), FZ_OK);

  if (is_pg) { /* a failed statement dooms the transaction: say so */
    CHECK_INT(fz_db_begin(db, &e), FZ_OK);
    EXEC(db, "INSERT INTO t_tx VALUES (3)");
    CHECK_INT(fz_db_exec(db, "INSERT INTO no_such_table VALUES (1)", &e),
              FZ_DB);
    CHECK_INT(fz_db_commit(db, &e), FZ_DB);
    CHECK_CONTAINS(e.message, "rolled back");
    CHECK_INT(count(db, "SELECT count(*) FROM t_tx"), 1);

    /* A statement finalized in a failed transaction, when the server
     * refuses DEALLOCATE, is not left behind on the server. */
    fz_stmt *st = NULL;
    CHECK_INT(fz_db_begin(db, &e), FZ_OK);
    CHECK_INT(fz_db_prepare(db, "SELECT 1", &st, &e), FZ_OK);
    CHECK_INT(fz_db_exec(db, "SELECT nope", &e), FZ_DB);
    fz_stmt_finalize(st);
    CHECK_INT(fz_db_rollback(db), FZ_OK);
    /* What stays on the server is exactly what this connection caches
     * (the count query itself among them). */
    int64_t n = count(db, "SELECT count(*) FROM pg_prepared_statements");
    CHECK_INT(n, db->ncache);
  }

  if (!is_memory) { /* closing rolls back */
    CHECK_INT(fz_db_begin(db, &e), FZ_OK);
    EXEC(db, "INSERT INTO t_tx VALUES (4)");
    fz_db_close(db);
    if (!(db = open_db())) return;
    CHECK_INT(count(db, "SELECT count(*) FROM t_tx"), 1);

  }
  fz_db_close(db);
}

static void t_conflicts(void) {
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  EXEC(db, "DROP TABLE IF EXISTS t_child;"
           "DROP TABLE IF EXISTS t_parent;"
           "CREATE TABLE t_parent (id BIGINT PRIMARY KEY, code TEXT UNIQUE);"
           "CREATE TABLE t_child (id BIGINT PRIMARY KEY,"
           " parent BIGINT NOT NULL REFERENCES t_parent (id));"
           "INSERT INTO t_parent VALUES (1, 'a')");
  CHECK_INT(run1(db, "INSERT INTO t_parent VALUES (?, 'a')", 1, 2, &e),
            FZ_CONFLICT);
  CHECK_INT(e.code, FZ_CONFLICT);
  CHECK_CONTAINS(e.message, "t_parent");
  CHECK_INT(run1(db, "INSERT INTO t_parent VALUES (?, 'b')", 1, 1, &e),
            FZ_CONFLICT);
  CHECK_INT(run1(db, "INSERT INTO t_child VALUES (1, ?)", 1, 99, &e),
            FZ_CONFLICT);
  CHECK_INT(run1(db, "INSERT INTO t_child VALUES (1, ?)", 1, 1, &e),
            FZ_STEP_DONE);
  CHECK_INT(fz_db_exec(db, "DELETE FROM t_parent", &e), FZ_CONFLICT);
  CHECK_INT(count(db, "SELECT count(*) FROM t_parent"), 1);
  fz_db_close(db);
}

static void t_busy(void) {
  if (is_memory) return; /* one connection per database */
  fz_db *a = open_db(), *b = open_db();
  fz_error e = {0};
  if (!a || !b) goto out;
  EXEC(a, "DROP TABLE IF EXISTS t_busy; CREATE TABLE t_busy (n BIGINT)");
  CHECK_INT(fz_db_begin(a, &e), FZ_OK);
  if (is_pg) {
    EXEC(a, "LOCK TABLE t_busy IN ACCESS EXCLUSIVE MODE");
    EXEC(b, "SET lock_timeout = '50ms'");
    CHECK_INT(fz_db_exec(b, "SELECT count(*) FROM t_busy", &e), FZ_BUSY);
  } else {
    EXEC(b, "PRAGMA busy_timeout = 50");
    CHECK_INT(fz_db_begin(b, &e), FZ_BUSY);
  }
  CHECK_INT(e.code, FZ_BUSY);
  CHECK_INT(fz_db_rollback(a), FZ_OK);
  CHECK_INT(fz_db_begin(b, &e), FZ_OK);
  CHECK_INT(fz_db_commit(b, &e), FZ_OK);
out:
  fz_db_close(a);
  fz_db_close(b);
}

static void t_query_int64(void) {
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  int64_t v = 5;
  CHECK_INT(count(db, "SELECT 1 + 2"), 3);
  CHECK_INT(fz_db_query_int64(db, "SELECT 1 WHERE 1 = 0", &v, &e),
            FZ_NOTFOUND);
  CHECK_INT(v, 5);
  CHECK_INT(fz_db_query_int64(db, "SELECT nope FROM nowhere", &v, &e), FZ_DB);
  fz_db_close(db);
}

static void t_meta(void) {
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  char *v = NULL;
  CHECK_INT(fz_db_migrate(db, NULL, &e), FZ_OK);
  EXEC(db, "DELETE FROM meta WHERE key = 'test.key'");
  CHECK_INT(fz_db_meta_get(db, "test.key", &v, &e), FZ_NOTFOUND);
  CHECK(v == NULL);
  CHECK_INT(fz_db_meta_set(db, "test.key", "一", &e), FZ_OK);
  CHECK_INT(fz_db_meta_set(db, "test.key", "二", &e), FZ_OK); /* replaces */
  CHECK_INT(fz_db_meta_get(db, "test.key", &v, &e), FZ_OK);
  CHECK_STR(v, "二");
  free(v);
  CHECK_INT(count(db, "SELECT count(*) FROM meta WHERE key = 'test.key'"), 1);
  /* Inside a rolled-back transaction nothing stays. */
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  CHECK_INT(fz_db_meta_set(db, "test.key", "三", &e), FZ_OK);
  CHECK_INT(fz_db_rollback(db), FZ_OK);
  CHECK_INT(fz_db_meta_get(db, "test.key", &v, &e), FZ_OK);
  CHECK_STR(v, "二");
  free(v);
  fz_db_close(db);
}

/* Drops every table of the current schema, whichever migration made it. */
static void drop_all_tables(fz_db *db) {
  fz_stmt *st = NULL;
  fz_error e = {0};
  char names[64][64];
  int n = 0;
  CHECK_INT(fz_db_prepare(db, is_pg ? "SELECT tablename FROM pg_tables WHERE "
                                      "schemaname = current_schema()"
                                    : "SELECT name FROM sqlite_master WHERE "
                                      "type = 'table'", &st, &e), FZ_OK);
  while (st && n < 64 && fz_stmt_step(st, &e) == FZ_STEP_ROW)
    snprintf(names[n++], sizeof names[0], "%s", fz_stmt_column_text(st, 0));
  fz_stmt_finalize(st);
  if (!is_pg) EXEC(db, "PRAGMA foreign_keys = OFF");
  for (int i = 0; i < n; i++) {
    char sql[128];
    snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %.63s%s", names[i],
             is_pg ? " CASCADE" : "");
    EXEC(db, sql);
  }
  if (!is_pg) EXEC(db, "PRAGMA foreign_keys = ON");
}

static void t_migrate(void) {
  fz_db *db = open_db();
  if (!db) return;
  fz_error e = {0};
  int latest = fz_db_latest_version(), v = -1;
  char newer[160], want[160];
  drop_all_tables(db);
  CHECK_INT(fz_db_schema_version(db, &v, &e), FZ_OK);
  CHECK_INT(v, 0);
  CHECK_INT(fz_db_migrate(db, &v, &e), FZ_OK);
  CHECK_INT(v, latest);
  CHECK_INT(fz_db_schema_version(db, &v, &e), FZ_OK);
  CHECK_INT(v, latest);
  CHECK_INT(count(db, "SELECT count(*) FROM schema_version"), latest);
  CHECK_INT(count(db, "SELECT count(*) FROM schema_version "
                      "WHERE version = 1 AND name = 'init' "
                      "AND applied_at LIKE '____-__-__T__:__:__Z'"),
            1);
  CHECK_INT(count(db, "SELECT count(*) FROM meta"), 0);

  CHECK_INT(fz_db_migrate(db, &v, &e), FZ_OK); /* again: nothing to do */
  CHECK_INT(v, latest);
  CHECK_INT(count(db, "SELECT count(*) FROM schema_version"), latest);

  snprintf(newer, sizeof newer,
           "INSERT INTO schema_version VALUES (%d, 'future', "
           "'2999-01-01T00:00:00Z')",
           latest + 1);
  EXEC(db, newer);
  CHECK_INT(fz_db_migrate(db, &v, &e), FZ_UNSUPPORTED);
  snprintf(want, sizeof want,
           "database schema %d is newer than this fazhi (%d); upgrade fazhi",
           latest + 1, latest);
  CHECK_STR(e.message, want);
  CHECK_INT(v, latest + 1);
  fz_db_close(db);
}

/* A migration that fails half-way leaves neither its tables nor its row. */
static void t_migrate_failure(void) {
  const fz_embed *init = fz_embed_find("src/store/migrations/001_init.sql");
  static const char bad[] = "CREATE TABLE t_mig2 (n BIGINT);"
                            "INSERT INTO t_mig2 VALUES (1);"
                            "INSERT INTO no_such_table VALUES (1);";
  fz_db *db = open_db();
  CHECK(init != NULL);
  if (!db || !init) goto out;
  const fz_embed set[] = {
      *init,
      {"src/store/migrations/002_bad.sql", (const unsigned char *)bad,
       sizeof bad - 1},
  };
  fz_error e = {0};
  int v = -1;
  EXEC(db, "DROP TABLE IF EXISTS schema_version; DROP TABLE IF EXISTS meta;"
           "DROP TABLE IF EXISTS t_mig2");
  CHECK_INT(fz_dbi_migrate(db, set, 2, &v, &e), FZ_DB);
  CHECK_CONTAINS(e.message, "002_bad.sql");
  CHECK_INT(v, 1);
  CHECK_INT(fz_db_schema_version(db, &v, &e), FZ_OK);
  CHECK_INT(v, 1);
  CHECK_INT(fz_db_exec(db, "SELECT count(*) FROM t_mig2", &e), FZ_DB);
  /* The connection is usable and not left inside a transaction. */
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  CHECK_INT(fz_db_rollback(db), FZ_OK);
out:
  fz_db_close(db);
}

typedef struct {
  fz_pool *pool;
  int id, failures;
} worker_arg;

enum { WORKERS = 4, TXS = 25, ROWS_PER_TX = 3 };

static void *worker(void *p) {
  worker_arg *a = p;
  for (int t = 0; t < TXS; t++) {
    fz_db *db = fz_pool_get(a->pool);
    fz_stmt *st = NULL;
    fz_error e = {0};
    int ok = fz_db_begin(db, &e) == FZ_OK &&
             fz_db_prepare(db, "INSERT INTO t_pool VALUES (?, ?)", &st, &e) ==
                 FZ_OK;
    for (int r = 0; ok && r < ROWS_PER_TX; r++) {
      ok = fz_stmt_bind_int64(st, 1, a->id) == FZ_OK &&
           fz_stmt_bind_int64(st, 2, t * ROWS_PER_TX + r) == FZ_OK &&
           fz_stmt_step(st, &e) == FZ_STEP_DONE &&
           fz_stmt_reset(st) == FZ_OK;
    }
    fz_stmt_finalize(st);
    if (ok) ok = fz_db_commit(db, &e) == FZ_OK;
    if (!ok) {
      fprintf(stderr, "  worker %d: %s\n", a->id, e.message);
      a->failures++;
    }
    fz_pool_put(a->pool, db);
  }
  return NULL;
}

/* A connection the server dropped is reconnected when it comes back. */
static void pool_reconnect(void) {
  fz_pool *pool = NULL;
  fz_error e = {0};
  CHECK_INT(fz_pool_open(url, 1, &pool, &e), FZ_OK);
  fz_db *other = open_db();
  if (!pool || !other) goto out;
  fz_db *db = fz_pool_get(pool);
  int64_t pid = count(db, "SELECT pg_backend_pid()");
  fz_stmt *st = NULL;
  CHECK_INT(fz_db_prepare(other, "SELECT pg_terminate_backend(?)", &st, &e),
            FZ_OK);
  if (st) {
    CHECK_INT(fz_stmt_bind_int64(st, 1, pid), FZ_OK);
    CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_ROW);
    fz_stmt_finalize(st);
  }
  CHECK_INT(fz_db_exec(db, "SELECT 1", &e), FZ_DB);
  fz_pool_put(pool, db);
  db = fz_pool_get(pool);
  CHECK_INT(count(db, "SELECT 1"), 1);
  fz_pool_put(pool, db);
out:
  fz_db_close(other);
  fz_pool_close(pool);
}

static void t_pool(void) {
  fz_pool *pool = NULL;
  fz_error e = {0};
  if (is_memory) {
    CHECK_INT(fz_pool_open(url, 2, &pool, &e), FZ_INVALID);
    CHECK(pool == NULL);
    CHECK_INT(fz_pool_open(url, 1, &pool, &e), FZ_OK);
    fz_pool_close(pool);
    return;
  }
  CHECK_INT(fz_pool_open(url, 3, &pool, &e), FZ_OK);
  if (!pool) return;
  fz_db *db = fz_pool_get(pool);
  EXEC(db, "DROP TABLE IF EXISTS t_pool;"
           "CREATE TABLE t_pool (w BIGINT, i BIGINT, PRIMARY KEY (w, i))");
  /* A transaction left open is rolled back when the connection returns. */
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  EXEC(db, "INSERT INTO t_pool VALUES (-1, -1)");
  fz_pool_put(pool, db);
  db = fz_pool_get(pool);
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  CHECK_INT(fz_db_rollback(db), FZ_OK);
  fz_pool_put(pool, db);

  pthread_t th[WORKERS];
  worker_arg args[WORKERS];
  for (int i = 0; i < WORKERS; i++) {
    args[i] = (worker_arg){pool, i, 0};
    CHECK_INT(pthread_create(&th[i], NULL, worker, &args[i]), 0);
  }
  for (int i = 0; i < WORKERS; i++) {
    pthread_join(th[i], NULL);
    CHECK_INT(args[i].failures, 0);
  }
  db = fz_pool_get(pool);
  CHECK_INT(count(db, "SELECT count(*) FROM t_pool"),
            WORKERS * TXS * ROWS_PER_TX);
  fz_pool_put(pool, db);
  fz_pool_close(pool);
  if (is_pg) pool_reconnect();
}

/* ---- no backend needed ------------------------------------------------- */

static void t_bad_urls(void) {
  static const char *const bad[] = {"", "sqlite:", "mysql://u:secret@h/db",
                                    "fazhi.db"};
  fz_db *db = (fz_db *)1;
  fz_error e = {0};
  CHECK_INT(fz_db_open(NULL, &db, &e), FZ_INVALID);
  CHECK(db == NULL);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    db = (fz_db *)1;
    CHECK_INT(fz_db_open(bad[i], &db, &e), FZ_INVALID);
    CHECK(db == NULL);
    CHECK_CONTAINS(e.message, "sqlite:PATH");
    CHECK_CONTAINS(e.message, "postgresql://");
    CHECK(strstr(e.message, "secret") == NULL);
  }
  CHECK_INT(fz_db_open("postgresql:///x?host=/nonexistent-fz-dir&port=1",
                       &db, &e),
            FZ_DB);
  CHECK_CONTAINS(e.message, "cannot connect");
  fz_pool *pool = (fz_pool *)1;
  CHECK_INT(fz_pool_open("nope:x", 2, &pool, &e), FZ_INVALID);
  CHECK(pool == NULL);
  CHECK_INT(fz_pool_open("sqlite::memory:", 0, &pool, &e), FZ_RANGE);
}

static void t_missing_folder(void) {
  fz_db *db = NULL;
  fz_error e = {0};
  CHECK_INT(fz_db_open("sqlite:/tmp/fz-no-such-folder/sub/a.db", &db, &e),
            FZ_NOTFOUND);
  CHECK(db == NULL);
  CHECK_CONTAINS(e.message, "/tmp/fz-no-such-folder/sub ");
  CHECK_CONTAINS(e.message, "does not exist");
}

static void t_rewrite(void) {
  static const struct {
    const char *in, *out;
    int n;
  } cases[] = {
      {"SELECT 1", "SELECT 1", 0},
      {"a = ? AND b = ?", "a = $1 AND b = $2", 2},
      {"'?' || ?", "'?' || $1", 1},
      {"'it''s ?' = ?", "'it''s ?' = $1", 1},
      {"\"a?\" = ? -- ?\n, ?", "\"a?\" = $1 -- ?\n, $2", 2},
      {"/* ? */ ? /* ?", "/* ? */ $1 /* ?", 1},
      {"'unterminated ?", "'unterminated ?", 0},
      {"??????????", "$1$2$3$4$5$6$7$8$9$10", 10},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *out = NULL;
    int n = -1;
    CHECK_INT(fz_dbi_pg_rewrite(cases[i].in, &out, &n), FZ_OK);
    CHECK_STR(out, cases[i].out);
    CHECK_INT(n, cases[i].n);
    free(out);
  }
}

static void t_migration_set(void) {
#define M(name) {"src/store/migrations/" name, (const unsigned char *)"", 0}
  static const fz_embed good[] = {{"data/a.txt", NULL, 0}, M("001_a.sql"),
                                  M("002_b.sql"), {"z.json", NULL, 0}};
  static const fz_embed gap[] = {M("001_a.sql"), M("003_c.sql")};
  static const fz_embed dup[] = {M("001_a.sql"), M("001_b.sql")};
  static const fz_embed late[] = {M("002_b.sql")};
  static const fz_embed badname[] = {M("001_a.sql"), M("2_b.sql")};
  static const fz_embed nosql[] = {M("001_a.txt")};
#undef M
  size_t first = 99;
  int n = -1;
  fz_error e = {0};
  CHECK_INT(fz_dbi_migrations(good, 4, &first, &n, &e), FZ_OK);
  CHECK_INT(first, 1);
  CHECK_INT(n, 2);
  CHECK_INT(fz_dbi_migrations(good, 1, &first, &n, &e), FZ_OK);
  CHECK_INT(n, 0);
  CHECK_INT(fz_dbi_migrations(gap, 2, &first, &n, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "003_c.sql");
  CHECK_INT(fz_dbi_migrations(dup, 2, &first, &n, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "001_b.sql");
  CHECK_INT(fz_dbi_migrations(late, 1, &first, &n, &e), FZ_INVALID);
  CHECK_INT(fz_dbi_migrations(badname, 2, &first, &n, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "2_b.sql");
  CHECK_INT(fz_dbi_migrations(nosql, 1, &first, &n, &e), FZ_INVALID);
  /* The set shipped in this binary is well-formed. */
  size_t count;
  const fz_embed *t = fz_embed_table(&count);
  CHECK_INT(fz_dbi_migrations(t, count, &first, &n, &e), FZ_OK);
  CHECK(n >= 1);
  CHECK_INT(fz_db_latest_version(), n);
}

/* ---- driver ------------------------------------------------------------ */

static void suite(const char *label, const char *u) {
  int before = t_passed + t_failed;
  url = u;
  is_pg = strncmp(u, "postgres", 8) == 0;
  is_memory = strcmp(u, "sqlite::memory:") == 0;
  printf("store: %s\n", label);
  RUN(t_open_close);
  RUN(t_settings);
  RUN(t_exec);
  RUN(t_types);
  RUN(t_placeholders);
  RUN(t_reset);
  RUN(t_bind_ref_and_changes);
  RUN(t_cache);
  RUN(t_transactions);
  RUN(t_conflicts);
  RUN(t_busy);
  RUN(t_query_int64);
  RUN(t_meta); /* before t_migrate, which leaves a "newer" schema behind */
  RUN(t_migrate);
  RUN(t_migrate_failure);
  RUN(t_pool);
  printf("store: %s: %d tests\n", label, t_passed + t_failed - before);
}

/* Runs the suite on PostgreSQL in a schema of its own, made afresh, so that
 * reruns and other tests on the same server do not collide. */
static void pg_suite(const char *base) {
  static const char schema[] = "fz_store_test";
  char u[1024];
  fz_db *db = NULL;
  fz_error e = {0};
  url = base;
  if (fz_db_open(base, &db, &e)) {
    fprintf(stderr, "store: cannot reach FAZHI_TEST_PG_URL: %s\n", e.message);
    t_failed++;
    return;
  }
  snprintf(u, sizeof u, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
           schema, schema);
  EXEC(db, u);
  snprintf(u, sizeof u, "%s%coptions=-csearch_path%%3D%s", base,
           strchr(base, '?') ? '&' : '?', schema);
  suite("postgresql", u);
  snprintf(u, sizeof u, "DROP SCHEMA %s CASCADE", schema);
  EXEC(db, u);
  fz_db_close(db);
}

int main(void) {
  char dir[] = "/tmp/fz-store-XXXXXX", path[128], u[160];
  RUN(t_bad_urls);
  RUN(t_missing_folder);
  RUN(t_rewrite);
  RUN(t_migration_set);

  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  snprintf(path, sizeof path, "%s/test.db", dir);
  snprintf(u, sizeof u, "sqlite:%s", path);
  suite("sqlite file", u);
  suite("sqlite memory", "sqlite::memory:");
  static const char *const suffixes[] = {"", "-wal", "-shm"};
  for (size_t i = 0; i < 3; i++) {
    snprintf(u, sizeof u, "%s%s", path, suffixes[i]);
    unlink(u);
  }
  rmdir(dir);

  const char *pg = getenv("FAZHI_TEST_PG_URL");
  if (pg && *pg)
    pg_suite(pg);
  else
    printf("store: PostgreSQL skipped (set FAZHI_TEST_PG_URL to test it)\n");
  return TEST_END();
}
