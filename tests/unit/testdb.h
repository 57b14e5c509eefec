/* testdb.h — runs a test suite on every backend: a fresh SQLite file, and
 * PostgreSQL (FAZHI_TEST_PG_URL, from scripts/pgtmp) in a schema of its own
 * made afresh, so reruns and other suites on the same server never collide. */
#ifndef FZ_TESTDB_H
#define FZ_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "test.h"

/* Opens url and migrates it; NULL (and a failed check) on error. */
static inline fz_db *testdb_open(const char *url) {
  fz_db *db = NULL;
  fz_error e = {0};
  if (fz_db_open(url, &db, &e) || fz_db_migrate(db, NULL, &e)) {
    fprintf(stderr, "  open %s: %s\n", url, e.message);
    fz_db_close(db);
    t_current_failed = 1;
    t_failed++;
    return NULL;
  }
  return db;
}

/* Calls suite(url, label) for each backend; schema names the PG schema. */
static inline void testdb_each(void (*suite)(const char *url, const char *label),
                               const char *schema) {
  char dir[] = "/tmp/fz-testdb-XXXXXX", u[1200];
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    t_failed++;
    return;
  }
  snprintf(u, sizeof u, "sqlite:%s/test.db", dir);
  suite(u, "sqlite");
  static const char *const suffixes[] = {"", "-wal", "-shm"};
  for (int i = 0; i < 3; i++) {
    snprintf(u, sizeof u, "%s/test.db%s", dir, suffixes[i]);
    unlink(u);
  }
  rmdir(dir);

  const char *base = getenv("FAZHI_TEST_PG_URL");
  if (!base) {
    printf("PostgreSQL skipped (set FAZHI_TEST_PG_URL to test it)\n");
    return;
  }
  fz_db *db = NULL;
  fz_error e = {0};
  if (fz_db_open(base, &db, &e)) {
    fprintf(stderr, "cannot reach FAZHI_TEST_PG_URL: %s\n", e.message);
    t_failed++;
    return;
  }
  snprintf(u, sizeof u, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
           schema, schema);
  if (fz_db_exec(db, u, &e)) {
    fprintf(stderr, "%s\n", e.message);
    t_failed++;
  } else {
    snprintf(u, sizeof u, "%s%coptions=-csearch_path%%3D%s", base,
             strchr(base, '?') ? '&' : '?', schema);
    suite(u, "postgresql");
    snprintf(u, sizeof u, "DROP SCHEMA %s CASCADE", schema);
    fz_db_exec(db, u, &e);
  }
  fz_db_close(db);
}

#endif
