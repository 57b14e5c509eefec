/* testdemo.h — what the demo tests share: a new installation as `fazhi
 * init` records it, and counting rows. */
#ifndef FZ_TESTDEMO_H
#define FZ_TESTDEMO_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "core/clock.h"
#include "ledger/ledger.h"
#include "store/db.h"
#include "test.h"

/* What `fazhi init` records of a new installation (its creation, whether
 * it is a demo, the ledger's hash and first event), without the key files
 * and accounts the demo does not need. */
static inline void testdemo_init(fz_db *db, int demo) {
  fz_error e = {0};
  char now[FZ_ISO_TIME_BUF];
  fz_now_iso(now);
  json_t *data = json_pack("{s:b}", "demo", demo);
  fz_event ev = {"cli", "instance.init", "instance", "1", data};
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  CHECK_INT(fz_db_meta_set(db, "created_at", now, &e), FZ_OK);
  CHECK_INT(fz_db_meta_set(db, "demo", demo ? "true" : "false", &e), FZ_OK);
  CHECK_INT(fz_ledger_set_alg(db, FZ_HASH_SM3, &e), FZ_OK);
  CHECK_INT(fz_ledger_append(db, &ev, 0, NULL, &e), FZ_OK);
  CHECK_INT(fz_db_commit(db, &e), FZ_OK);
  json_decref(data);
}

/* The one integer sql reads; -1 and a failed check on error. */
static inline int64_t testdemo_count(fz_db *db, const char *sql) {
  fz_error e = {0};
  int64_t n = -1;
  if (fz_db_query_int64(db, sql, &n, &e)) {
    fprintf(stderr, "  %s: %s\n", sql, e.message);
    t_current_failed = 1;
  }
  return n;
}

#endif
