/* test_ledger.c — the one write path (an event commits with its change or
 * not at all), proofs from stored subtree hashes, and fazhi ledger verify's
 * verdict on each kind of tampering: edited, deleted, reordered events,
 * altered subtree hashes and checkpoints.  On SQLite and PostgreSQL. */
#include "ledger/ledger.h"
#include "testdb.h"

static const char *url;

/* Appends n events in one transaction each; returns the count appended. */
static int append_n(fz_db *db, int n) {
  fz_error e = {0};
  int done = 0;
  for (int i = 0; i < n; i++) {
    char id[16];
    snprintf(id, sizeof id, "%d", i);
    json_t *data = json_pack("{s:i, s:s, s:[i, b]}", "n", i, "名称", "测试",
                             "list", i * 7, i % 2);
    fz_event ev = {"user:1", "test.append", "thing", id, data};
    if (fz_db_begin(db, &e) == FZ_OK && fz_ledger_append(db, &ev, 1700000000000 + i, NULL, &e) == FZ_OK &&
        fz_db_commit(db, &e) == FZ_OK)
      done++;
    else {
      fprintf(stderr, "  append %d: %s\n", i, e.message);
      fz_db_rollback(db);
    }
    json_decref(data);
  }
  return done;
}

static fz_ledger_report verify(fz_db *db) {
  fz_ledger_report r;
  fz_error e = {0};
  CHECK_INT(fz_ledger_verify(db, &r, &e), FZ_OK);
  return r;
}

/* A fresh database for each test. */
static fz_db *fresh(void) {
  fz_db *db = testdb_open(url);
  if (db) fz_db_exec(db, "DELETE FROM ledger_event; DELETE FROM ledger_node; "
                         "DELETE FROM ledger_checkpoint; "
                         "DELETE FROM meta WHERE key = 'ledger.hash'", NULL);
  return db;
}

static void t_canonical(void) {
  fz_error e = {0};
  json_t *data = json_pack("{s:s, s:i, s:{s:n, s:s}}", "z", "末", "a", 1, "m",
                           "y", "x", "\"q\"");
  fz_event ev = {"user:7", "case.open", "case", "c-1", data};
  char *s = fz_event_canonical(&ev, 3, 1700000000123, &e);
  CHECK_STR(s, "{\"action\":\"case.open\",\"actor\":\"user:7\",\"data\":{\"a\":1,"
               "\"m\":{\"x\":\"\\\"q\\\"\",\"y\":null},\"z\":\"末\"},"
               "\"object\":{\"id\":\"c-1\",\"type\":\"case\"},\"seq\":3,"
               "\"ts\":1700000000123}");
  free(s);
  json_decref(data);
  data = json_pack("{s:[i, f]}", "amounts", 1, 2.5);
  ev.data = data;
  CHECK(fz_event_canonical(&ev, 0, 1, &e) == NULL);
  CHECK_INT(e.code, FZ_TYPE);
  CHECK_CONTAINS(e.message, "integers only");
  json_decref(data);
  ev.data = NULL;
  ev.actor = "";
  CHECK(fz_event_canonical(&ev, 0, 1, &e) == NULL);
  CHECK_STR(e.field, "actor");
}

static void t_append_needs_a_transaction(void) {
  fz_db *db = fresh();
  if (!db) return;
  fz_error e = {0};
  fz_event ev = {"system", "test.x", "thing", "1", NULL};
  CHECK_INT(fz_ledger_append(db, &ev, 0, NULL, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "transaction");
  uint64_t n = 99;
  CHECK_INT(fz_ledger_size(db, &n, &e), FZ_OK);
  CHECK_INT(n, 0);
  /* A rolled-back change takes its event with it. */
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  CHECK_INT(fz_ledger_append(db, &ev, 0, NULL, &e), FZ_OK);
  CHECK_INT(fz_db_rollback(db), FZ_OK);
  CHECK_INT(fz_ledger_size(db, &n, &e), FZ_OK);
  CHECK_INT(n, 0);
  CHECK_INT(fz_db_query_int64(db, "SELECT count(*) FROM ledger_node", (int64_t *)&n, &e), FZ_OK);
  CHECK_INT(n, 0);
  fz_db_close(db);
}

static void t_append_and_prove(void) {
  fz_db *db = fresh();
  if (!db) return;
  fz_error e = {0};
  CHECK_INT(append_n(db, 37), 37);
  fz_hash_alg alg;
  CHECK_INT(fz_ledger_alg(db, &alg, &e), FZ_OK);
  CHECK_INT(alg, FZ_HASH_SM3);
  fz_ledger_report r = verify(db);
  CHECK(r.ok);
  CHECK_INT(r.events, 37);
  uint8_t root[FZ_HASH_LEN], path[FZ_MERKLE_MAX_PATH][FZ_HASH_LEN];
  CHECK_INT(fz_ledger_root(db, alg, 37, root, &e), FZ_OK);
  CHECK(memcmp(root, r.root, FZ_HASH_LEN) == 0);
  /* Every event's inclusion proof verifies against the root. */
  fz_stmt *st = NULL;
  CHECK_INT(fz_db_prepare(db, "SELECT seq, leaf_hash FROM ledger_event ORDER "
                          "BY seq", &st, &e), FZ_OK);
  while (st && fz_stmt_step(st, &e) == FZ_STEP_ROW) {
    uint64_t seq = (uint64_t)fz_stmt_column_int64(st, 0);
    const uint8_t *leaf = fz_stmt_column_blob(st, 1, NULL);
    size_t len = 0;
    CHECK_INT(fz_merkle_inclusion(alg, fz_ledger_node_get, db, seq, 37, path, &len), FZ_OK);
    CHECK_INT(fz_merkle_verify_inclusion(alg, leaf, seq, 37, path, len, root), FZ_OK);
  }
  fz_stmt_finalize(st);
  /* Consistency from every earlier size. */
  for (uint64_t m = 1; m <= 37; m++) {
    uint8_t old[FZ_HASH_LEN];
    size_t len = 0;
    CHECK_INT(fz_ledger_root(db, alg, m, old, &e), FZ_OK);
    CHECK_INT(fz_merkle_consistency(alg, fz_ledger_node_get, db, m, 37, path, &len), FZ_OK);
    CHECK_INT(fz_merkle_verify_consistency(alg, m, 37, old, root, path, len), FZ_OK);
  }
  fz_db_close(db);
}

/* One event in its own savepoint, undone when undo is set. */
static void append_one(fz_db *db, int i, int undo) {
  fz_error e = {0};
  char id[16];
  snprintf(id, sizeof id, "u%d", i);
  fz_event ev = {"user:1", "test.undo", "thing", id, NULL};
  CHECK_INT(fz_db_exec(db, "SAVEPOINT t", &e), FZ_OK);
  CHECK_INT(fz_ledger_append(db, &ev, 1700000100000 + i, NULL, &e), FZ_OK);
  CHECK_INT(fz_db_exec(db, undo ? "ROLLBACK TO SAVEPOINT t" : "RELEASE "
                       "SAVEPOINT t", &e), FZ_OK);
  if (undo) CHECK_INT(fz_db_exec(db, "RELEASE SAVEPOINT t", &e), FZ_OK);
}

/* The tree edge a connection keeps from its last append is trusted only
 * while the ledger still ends with that append: after a rolled-back
 * change (at the same size and at a size regained by other events), a
 * rolled-back transaction and another connection's appends, every root
 * still matches the one recomputed from the events. */
static void t_edge_cache_follows_the_ledger(void) {
  fz_db *db = fresh();
  if (!db) return;
  fz_db *other = testdb_open(url);
  fz_error e = {0};
  CHECK_INT(append_n(db, 5), 5);
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  append_one(db, 1, 0);
  append_one(db, 2, 1); /* undone: the cache is one event ahead */
  append_one(db, 3, 0); /* same seq as the undone one */
  append_one(db, 4, 1);
  append_one(db, 5, 1);
  CHECK_INT(fz_db_commit(db, &e), FZ_OK);
  /* A whole transaction undone, then as many events appended again. */
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  append_one(db, 6, 0);
  fz_db_rollback(db);
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  append_one(db, 7, 0);
  CHECK_INT(fz_db_commit(db, &e), FZ_OK);
  if (other) CHECK_INT(append_n(other, 3), 3);
  CHECK_INT(append_n(db, 2), 2);
  if (other) CHECK_INT(append_n(other, 1), 1);
  fz_ledger_report r = verify(db);
  CHECK(r.ok);
  CHECK_INT(r.events, other ? 14 : 10);
  uint8_t root[FZ_HASH_LEN];
  CHECK_INT(fz_ledger_root(db, FZ_HASH_SM3, r.events, root, &e), FZ_OK);
  CHECK(memcmp(root, r.root, FZ_HASH_LEN) == 0);
  fz_db_close(other);
  fz_db_close(db);
}

static void t_hash_is_fixed(void) {
  fz_db *db = fresh();
  if (!db) return;
  fz_error e = {0};
  CHECK_INT(fz_ledger_set_alg(db, FZ_HASH_SHA256, &e), FZ_OK);
  CHECK_INT(fz_ledger_set_alg(db, FZ_HASH_SHA256, &e), FZ_OK);
  CHECK_INT(fz_ledger_set_alg(db, FZ_HASH_SM3, &e), FZ_CONFLICT);
  CHECK_CONTAINS(e.message, "sha256");
  CHECK_INT(append_n(db, 5), 5);
  fz_ledger_report r = verify(db);
  CHECK(r.ok);
  /* The leaf is SHA-256(0x00 ‖ body). */
  fz_stmt *st = NULL;
  fz_db_prepare(db, "SELECT body, leaf_hash FROM ledger_event WHERE seq = 2", &st, &e);
  if (st && fz_stmt_step(st, &e) == FZ_STEP_ROW) {
    const char *body = fz_stmt_column_text(st, 0);
    uint8_t want[FZ_HASH_LEN];
    fz_merkle_leaf_hash(FZ_HASH_SHA256, body, strlen(body), want);
    CHECK(memcmp(want, fz_stmt_column_blob(st, 1, NULL), FZ_HASH_LEN) == 0);
  } else CHECK(0);
  fz_stmt_finalize(st);
  fz_db_close(db);
}

/* Runs sql on a verified 20-event ledger and expects verify to name bad_seq
 * (-2: any) and say `why`. */
static void tamper(const char *sql, int64_t bad_seq, const char *why) {
  fz_db *db = fresh();
  if (!db) return;
  fz_error e = {0};
  CHECK_INT(append_n(db, 20), 20);
  CHECK(verify(db).ok);
  if (fz_db_exec(db, sql, &e)) fprintf(stderr, "  %s: %s\n", sql, e.message);
  fz_ledger_report r = verify(db);
  CHECK(!r.ok);
  if (bad_seq != -2) CHECK_INT(r.bad_seq, bad_seq);
  CHECK_CONTAINS(r.reason, why);
  fz_db_close(db);
}

static void t_tampering(void) {
  tamper("UPDATE ledger_event SET body = replace(body, '\"n\":7', '\"n\":8') "
         "WHERE seq = 7", 7, "event 7");
  tamper("DELETE FROM ledger_event WHERE seq = 11", 11, "missing");
  tamper("DELETE FROM ledger_event WHERE seq = 19", -1, "subtree");
  /* Swap two events' rows (reorder): each body names its own seq. */
  tamper("UPDATE ledger_event SET seq = -1 WHERE seq = 3; UPDATE ledger_event "
         "SET seq = 3 WHERE seq = 4; UPDATE ledger_event SET seq = 4 WHERE "
         "seq = -1", 3, "reordered");
  tamper("UPDATE ledger_node SET hash = (SELECT leaf_hash FROM ledger_event "
         "WHERE seq = 0) WHERE level = 2 AND idx = 1", 4, "subtree hash of "
         "events 4..7");
  tamper("DELETE FROM ledger_node WHERE level = 3", -1, "missing");
}

/* A forger who rewrites a body and recomputes its leaf and subtree hashes
 * is caught by a checkpoint recorded before. */
static void t_checkpoint_catches_a_consistent_forgery(void) {
  fz_db *db = fresh();
  if (!db) return;
  fz_error e = {0};
  CHECK_INT(append_n(db, 12), 12);
  uint8_t root[FZ_HASH_LEN];
  CHECK_INT(fz_ledger_root(db, FZ_HASH_SM3, 12, root, &e), FZ_OK);
  fz_stmt *st = NULL;
  CHECK_INT(fz_db_prepare(db, "INSERT INTO ledger_checkpoint (size, root, note, "
                          "created_at) VALUES (12, ?, 'note', 'now')", &st, &e), FZ_OK);
  if (st) {
    fz_stmt_bind_blob(st, 1, root, FZ_HASH_LEN);
    CHECK_INT(fz_stmt_step(st, &e), FZ_STEP_DONE);
  }
  fz_stmt_finalize(st);
  fz_ledger_report r = verify(db);
  CHECK(r.ok);
  CHECK_INT(r.checkpoints, 1);
  /* Rewrite history from event 5 on through the real append path, so that
   * every leaf and subtree hash is consistent with the forged bodies. */
  fz_db_exec(db, "DELETE FROM ledger_event WHERE seq >= 5; DELETE FROM "
                 "ledger_node WHERE (idx + 1) * (1 << level) > 5", &e);
  json_t *data = json_pack("{s:s}", "forged", "yes");
  for (int i = 5; i < 12; i++) {
    fz_event ev = {"user:666", "test.append", "thing", "forged", data};
    fz_db_begin(db, &e);
    fz_ledger_append(db, &ev, 1700000000000 + i, NULL, &e);
    fz_db_commit(db, &e);
  }
  json_decref(data);
  r = verify(db);
  CHECK(!r.ok);
  CHECK_CONTAINS(r.reason, "checkpoint of size 12");
  CHECK_INT(r.bad_seq, 0);
  /* And a checkpoint beyond the stored events means deletion. */
  fz_db_exec(db, "DELETE FROM ledger_event WHERE seq = 11; DELETE FROM "
                 "ledger_node WHERE (idx + 1) * (1 << level) > 11", &e);
  r = verify(db);
  CHECK(!r.ok);
  fz_db_close(db);
}

static void suite(const char *u, const char *label) {
  url = u;
  int before = t_passed + t_failed;
  RUN(t_append_needs_a_transaction);
  RUN(t_append_and_prove);
  RUN(t_edge_cache_follows_the_ledger);
  RUN(t_hash_is_fixed);
  RUN(t_tampering);
  RUN(t_checkpoint_catches_a_consistent_forgery);
  printf("ledger on %s: %d tests\n", label, t_passed + t_failed - before);
}

int main(void) {
  RUN(t_canonical);
  testdb_each(suite, "fz_ledger_test");
  return TEST_END();
}
