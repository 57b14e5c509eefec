/* test_writer.c — group commit: concurrent changes share transactions, a
 * failing change is undone alone, results reach the right caller, and stop
 * drains the queue.  On SQLite and PostgreSQL. */
#include <pthread.h>
#include <stdint.h>

#include "store/writer.h"
#include "testdb.h"

static const char *url;
static fz_writer *writer;

enum { THREADS = 8, PER_THREAD = 40 };

/* Inserts the row n; n < 0 inserts a duplicate of row 0 (a conflict). */
static fz_err insert(fz_db *db, void *ctx, fz_error *err) {
  long n = (long)(intptr_t)ctx;
  fz_stmt *st = NULL;
  fz_err rc = fz_db_prepare(db, "INSERT INTO t_writer (n) VALUES (?)", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, n < 0 ? 0 : n);
  int s = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  return s == FZ_STEP_DONE ? FZ_OK : (fz_err)s;
}

/* Inserts a row, then fails: the row must not stay. */
static fz_err insert_then_fail(fz_db *db, void *ctx, fz_error *err) {
  fz_err rc = insert(db, ctx, err);
  if (rc) return rc;
  return fz_error_set(err, FZ_INVALID, "why", "refused after writing");
}

static void *hammer(void *arg) {
  long base = (long)(intptr_t)arg * 1000;
  long failures = 0;
  for (long i = 1; i <= PER_THREAD; i++) {
    fz_error e;
    if (fz_write(writer, insert, (void *)(intptr_t)(base + i), &e)) failures++;
    /* every tenth write of each thread is one that fails */
    if (i % 10 == 0 && fz_write(writer, insert_then_fail,
                                (void *)(intptr_t)(base + 500 + i), &e) != FZ_INVALID)
      failures++;
  }
  return (void *)(intptr_t)failures;
}

static int64_t count(const char *sql) {
  fz_db *db = testdb_open(url);
  int64_t n = -1;
  if (db) fz_db_query_int64(db, sql, &n, NULL);
  fz_db_close(db);
  return n;
}

static void t_concurrent_changes_share_commits(void) {
  fz_db *db = testdb_open(url);
  if (!db) return;
  fz_error e = {0};
  CHECK_INT(fz_db_exec(db, "DROP TABLE IF EXISTS t_writer; CREATE TABLE "
                           "t_writer (n BIGINT PRIMARY KEY)", &e), FZ_OK);
  fz_db_close(db);
  CHECK_INT(fz_writer_start(url, 0, &writer, &e), FZ_OK);
  if (!writer) return;
  pthread_t th[THREADS];
  for (long t = 0; t < THREADS; t++)
    pthread_create(&th[t], NULL, hammer, (void *)(intptr_t)(t + 1));
  long failures = 0;
  for (int t = 0; t < THREADS; t++) {
    void *f;
    pthread_join(th[t], &f);
    failures += (long)(intptr_t)f;
  }
  CHECK_INT(failures, 0);
  unsigned long long batches, changes;
  fz_writer_stats(writer, &batches, &changes);
  CHECK_INT(changes, THREADS * (PER_THREAD + PER_THREAD / 10));
  CHECK(batches < changes); /* some commits carried several changes */
  printf("  %llu changes in %llu commits\n", changes, batches);

  /* A conflict is reported to its caller and undone alone. */
  CHECK_INT(fz_write(writer, insert, (void *)(intptr_t)1001, &e), FZ_CONFLICT);
  CHECK_INT(e.code, FZ_CONFLICT);
  CHECK_INT(fz_write(writer, insert, (void *)(intptr_t)77000, &e), FZ_OK);
  fz_writer_stop(writer);
  writer = NULL;
  CHECK_INT(count("SELECT count(*) FROM t_writer"), THREADS * PER_THREAD + 1);
  CHECK_INT(count("SELECT count(*) FROM t_writer WHERE n % 1000 > 500"), 0);
}

static void t_stopped_writer_refuses(void) {
  fz_error e = {0};
  CHECK_INT(fz_writer_start("mysql://nowhere", 0, &writer, &e), FZ_INVALID);
  CHECK(writer == NULL);
  fz_writer_stop(NULL);
}

static void suite(const char *u, const char *label) {
  url = u;
  int before = t_passed + t_failed;
  RUN(t_concurrent_changes_share_commits);
  printf("writer on %s: %d tests\n", label, t_passed + t_failed - before);
}

int main(void) {
  RUN(t_stopped_writer_refuses);
  testdb_each(suite, "fz_writer_test");
  return TEST_END();
}
