/* sqlite.c — the SQLite backend of db.h. */
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/db_int.h"

#define BUSY_MS 5000

typedef struct sq_db {
  fz_db base;
  sqlite3 *h;
} sq_db;

typedef struct sq_stmt {
  fz_stmt base;
  sqlite3_stmt *s;
  int done; /* stays done until reset, rather than silently re-running */
} sq_stmt;

#define DB(d) ((sq_db *)(d))
#define ST(st) ((sq_stmt *)(st))

static fz_err map_rc(int rc) {
  switch (rc & 0xff) {
  case SQLITE_OK: return FZ_OK;
  case SQLITE_CONSTRAINT: return FZ_CONFLICT;
  case SQLITE_BUSY:
  case SQLITE_LOCKED: return FZ_BUSY;
  case SQLITE_NOMEM: return FZ_NOMEM;
  case SQLITE_RANGE: return FZ_RANGE;
  case SQLITE_TOOBIG: return FZ_TOOBIG;
  case SQLITE_MISUSE: return FZ_INVALID;
  default: return FZ_DB;
  }
}

/* Records the connection's current error under the code rc maps to. */
static fz_err fail(sq_db *d, fz_error *err, int rc) {
  return fz_dbi_fail(&d->base, err, map_rc(rc), "sqlite: %s",
                     sqlite3_errmsg(d->h));
}

/* SQLite would create the file but not its folder; say which is missing. */
static fz_err check_folder(const char *path, fz_error *err) {
  const char *slash = strrchr(path, '/');
  if (!slash) return FZ_OK;
  char *dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
  if (!dir) return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  struct stat sb;
  fz_err rc = FZ_OK;
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
    rc = fz_error_set(err, FZ_NOTFOUND, "url",
                      "the folder %s of database %s does not exist; "
                      "create it first",
                      dir, path);
  free(dir);
  return rc;
}

/* Copies the first column of the first row of sql into buf ("" if none). */
static fz_err pragma_text(sq_db *d, const char *sql, char *buf, size_t size,
                          fz_error *err) {
  sqlite3_stmt *s = NULL;
  int r = sqlite3_prepare_v2(d->h, sql, -1, &s, NULL);
  if (r) return fail(d, err, r);
  buf[0] = '\0';
  r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    const unsigned char *t = sqlite3_column_text(s, 0);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
    r = SQLITE_OK;
  } else if (r == SQLITE_DONE) {
    r = SQLITE_OK;
  }
  fz_err rc = r ? fail(d, err, r) : FZ_OK;
  sqlite3_finalize(s);
  return rc;
}

/* Sets the settings db.h promises and reads each back: a pragma SQLite does
 * not know, or a file system without WAL, fails quietly otherwise. */
static fz_err configure(sq_db *d, const char *path, int memory,
                        fz_error *err) {
  static const struct {
    const char *set, *get, *want;
  } pragmas[] = {
      {"PRAGMA journal_mode = WAL", "PRAGMA journal_mode", "wal"},
      {"PRAGMA synchronous = FULL", "PRAGMA synchronous", "2"},
      {"PRAGMA foreign_keys = ON", "PRAGMA foreign_keys", "1"},
      {NULL, "PRAGMA busy_timeout", "5000"},
  };
  char got[32];
  for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
    const char *want = pragmas[i].want;
    if (i == 0 && memory) want = "memory"; /* no WAL without a file */
    int r = pragmas[i].set ? sqlite3_exec(d->h, pragmas[i].set, NULL, NULL,
                                          NULL)
                           : SQLITE_OK;
    if (r) return fail(d, err, r);
    fz_err rc = pragma_text(d, pragmas[i].get, got, sizeof got, err);
    if (rc) return rc;
    if (strcmp(got, want) != 0)
      return fz_dbi_fail(&d->base, err, FZ_DB,
                         "sqlite: %s: %s reads back \"%s\", not \"%s\"", path,
                         pragmas[i].get, got, want);
  }
  return FZ_OK;
}

static void sq_close(fz_db *db) {
  if (!db) return;
  sqlite3_close_v2(DB(db)->h); /* rolls back an open transaction */
  free(db);
}

/* SQLite counts every allocation it makes under one mutex of the whole
 * process unless told not to; nothing here reads those counts, and with a
 * writer and the HTTP threads all allocating the mutex is contended.  It
 * can only be turned off before SQLite initialises (if something else
 * initialised it first, the call fails and the counts stay on). */
static void sqlite_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static fz_err sq_open(const char *path, fz_db **out, fz_error *err) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, sqlite_setup);
  int memory = strcmp(path, ":memory:") == 0;
  fz_err rc = memory ? FZ_OK : check_folder(path, err);
  if (rc) return rc;
  sq_db *d = calloc(1, sizeof *d);
  if (!d) return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  d->base.ops = &fz_dbi_sqlite_ops;
  int r = sqlite3_open_v2(path, &d->h,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                              SQLITE_OPEN_NOMUTEX,
                          NULL);
  if (r) {
    rc = d->h ? fz_dbi_fail(NULL, err, map_rc(r), "sqlite: cannot open %s: %s",
                            path, sqlite3_errmsg(d->h))
              : fz_error_set(err, FZ_NOMEM, NULL, NULL);
    goto out;
  }
  sqlite3_extended_result_codes(d->h, 1);
  sqlite3_busy_timeout(d->h, BUSY_MS);
  /* "x" is an identifier in PostgreSQL; make SQLite agree, so that SQL
   * that would break there fails in the SQLite tests too. */
  sqlite3_db_config(d->h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
  sqlite3_db_config(d->h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
  rc = configure(d, path, memory, err);
out:
  if (rc) {
    sq_close(&d->base);
    return rc;
  }
  *out = &d->base;
  return FZ_OK;
}

static fz_err sq_exec(fz_db *db, const char *sql, fz_error *err) {
  int r = sqlite3_exec(DB(db)->h, sql, NULL, NULL, NULL);
  return r ? fail(DB(db), err, r) : FZ_OK;
}

static int sq_in_tx(fz_db *db) { return !sqlite3_get_autocommit(DB(db)->h); }

static int sq_data_version(fz_db *db, uint64_t *v) {
  unsigned u = 0;
  /* A write transaction's own changes are not counted until it commits. */
  if (sqlite3_txn_state(DB(db)->h, "main") == SQLITE_TXN_WRITE ||
      sqlite3_file_control(DB(db)->h, "main", SQLITE_FCNTL_DATA_VERSION, &u))
    return -1;
  *v = u;
  return 0;
}

static int64_t sq_changes(fz_db *db) { return sqlite3_changes64(DB(db)->h); }

static fz_err sq_commit(fz_db *db, fz_error *err) {
  return sq_exec(db, "COMMIT", err);
}

static fz_err sq_prepare(fz_db *db, const char *sql, fz_stmt **out,
                         fz_error *err) {
  sq_db *d = DB(db);
  sqlite3_stmt *s = NULL, *extra = NULL;
  const char *tail = NULL;
  int r = sqlite3_prepare_v2(d->h, sql, -1, &s, &tail);
  if (r) return fail(d, err, r);
  if (!s) return fz_dbi_fail(db, err, FZ_INVALID, "sqlite: no SQL statement");
  /* PostgreSQL prepares one statement only; so do we, rather than ignore
   * the rest.  The tail is empty if it prepares to nothing. */
  r = sqlite3_prepare_v2(d->h, tail, -1, &extra, NULL);
  sqlite3_finalize(extra);
  if (r || extra) {
    sqlite3_finalize(s);
    return fz_dbi_fail(db, err, FZ_INVALID,
                       "sqlite: one statement expected (use fz_db_exec for "
                       "scripts): %.100s",
                       sql);
  }
  sq_stmt *st = calloc(1, sizeof *st);
  if (!st) {
    sqlite3_finalize(s);
    return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  }
  st->base.db = db;
  st->s = s;
  *out = &st->base;
  return FZ_OK;
}

static fz_err sq_bind_int64(fz_stmt *st, int idx, int64_t v) {
  return map_rc(sqlite3_bind_int64(ST(st)->s, idx, v));
}

static fz_err sq_bind_text(fz_stmt *st, int idx, const char *s, size_t len) {
  if (len > INT_MAX) return FZ_TOOBIG;
  return map_rc(sqlite3_bind_text64(ST(st)->s, idx, s, len, SQLITE_TRANSIENT,
                                    SQLITE_UTF8));
}

static fz_err sq_bind_text_ref(fz_stmt *st, int idx, const char *s,
                               size_t len) {
  if (len > INT_MAX) return FZ_TOOBIG;
  return map_rc(sqlite3_bind_text64(ST(st)->s, idx, s, len, SQLITE_STATIC,
                                    SQLITE_UTF8));
}

static fz_err sq_bind_blob(fz_stmt *st, int idx, const void *p, size_t len) {
  if (len > INT_MAX) return FZ_TOOBIG;
  return map_rc(sqlite3_bind_blob64(ST(st)->s, idx, p, len, SQLITE_TRANSIENT));
}

static fz_err sq_bind_null(fz_stmt *st, int idx) {
  return map_rc(sqlite3_bind_null(ST(st)->s, idx));
}

static int sq_step(fz_stmt *st, fz_error *err) {
  sq_stmt *s = ST(st);
  if (s->done) return FZ_STEP_DONE;
  int r = sqlite3_step(s->s);
  if (r == SQLITE_ROW) return FZ_STEP_ROW;
  if (r == SQLITE_DONE) {
    s->done = 1;
    return FZ_STEP_DONE;
  }
  return fail(DB(st->db), err, r);
}

static fz_err sq_reset(fz_stmt *st) {
  /* sqlite3_reset repeats the last step's error, already reported. */
  sqlite3_reset(ST(st)->s);
  sqlite3_clear_bindings(ST(st)->s);
  ST(st)->done = 0;
  return FZ_OK;
}

static int sq_column_count(const fz_stmt *st) {
  return sqlite3_column_count(ST(st)->s);
}

/* Column reads outside the current row are undefined in SQLite; make them
 * read as NULL. */
static int valid(const fz_stmt *st, int col) {
  return col >= 0 && col < sqlite3_data_count(ST(st)->s);
}

static int sq_column_is_null(const fz_stmt *st, int col) {
  return !valid(st, col) || sqlite3_column_type(ST(st)->s, col) == SQLITE_NULL;
}

static int64_t sq_column_int64(const fz_stmt *st, int col) {
  return valid(st, col) ? sqlite3_column_int64(ST(st)->s, col) : 0;
}

static const char *sq_column_text(const fz_stmt *st, int col) {
  if (!valid(st, col)) return NULL;
  return (const char *)sqlite3_column_text(ST(st)->s, col);
}

static const void *sq_column_blob(const fz_stmt *st, int col, size_t *len) {
  *len = 0;
  if (sq_column_is_null(st, col)) return NULL;
  const void *p = sqlite3_column_blob(ST(st)->s, col);
  *len = (size_t)sqlite3_column_bytes(ST(st)->s, col);
  return p ? p : ""; /* an empty blob is not NULL */
}

static void sq_finalize(fz_stmt *st) {
  sqlite3_finalize(ST(st)->s);
  free(st);
}

const fz_db_ops fz_dbi_sqlite_ops = {
    .backend = FZ_BACKEND_SQLITE,
    .name = "sqlite",
    .begin_sql = "BEGIN IMMEDIATE",
    .has_table_sql = "SELECT count(*) FROM sqlite_master "
                     "WHERE type = 'table' AND name = ?",
    .migrate_lock_sql = NULL,
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .in_tx = sq_in_tx,
    .commit = sq_commit,
    .recover = NULL,
    .data_version = sq_data_version,
    .changes = sq_changes,
    .prepare = sq_prepare,
    .bind_int64 = sq_bind_int64,
    .bind_text = sq_bind_text,
    .bind_text_ref = sq_bind_text_ref,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .reset = sq_reset,
    .column_count = sq_column_count,
    .column_is_null = sq_column_is_null,
    .column_int64 = sq_column_int64,
    .column_text = sq_column_text,
    .column_blob = sq_column_blob,
    .finalize = sq_finalize,
};
