/* db_int.h — private vtable and helpers shared by db.c, sqlite.c and pg.c. */
#ifndef FZ_STORE_DB_INT_H
#define FZ_STORE_DB_INT_H

#include <stdarg.h>
#include <stdint.h>

#include "core/embed.h"
#include "store/db.h"

typedef struct fz_db_ops fz_db_ops;

/* The common head of every backend's connection; a backend's own struct
 * starts with it, so a fz_db * converts to the backend's type and back. */
enum { FZ_STMT_CACHE = 256 };

struct fz_db {
  const fz_db_ops *ops;
  char errmsg[512]; /* last error of this connection, "" if none */
  /* Prepared statements kept for reuse, keyed by their SQL text: requests
   * run the same few statements over and over, and preparing is a large
   * part of a short query's cost.  fz_stmt_finalize resets a cached
   * statement and gives it back here; fz_db_close frees them.  When the
   * cache is full the least recently used idle statement makes room. */
  struct {
    char *sql;
    uint32_t hash; /* of sql, compared first */
    fz_stmt *st;
    int busy;
    uint64_t used; /* tick of the last prepare */
  } cache[FZ_STMT_CACHE];
  int ncache;
  uint64_t tick;
  /* Per-connection state of other modules (fz_db_slot), freed on close. */
  void *slot[FZ_DB_SLOT__COUNT];
  void (*slot_free[FZ_DB_SLOT__COUNT])(void *);
};

/* The common head of every backend's statement. */
struct fz_stmt {
  fz_db *db;
  int cached; /* owned by db->cache: finalize resets instead of freeing */
};

/* What a backend provides.  db.c checks arguments and the transaction state
 * before calling; backends report failures through fz_dbi_fail. */
struct fz_db_ops {
  fz_backend backend;
  const char *name;      /* "sqlite", "postgresql" */
  const char *begin_sql; /* statement that starts a write transaction */
  /* One `?` (a table name) → one row with 1 if the table exists in the
   * schema where CREATE TABLE puts new tables, else 0. */
  const char *has_table_sql;
  /* Run first in each migration's transaction to keep other servers out
   * until it commits; NULL when begin_sql already does (SQLite). */
  const char *migrate_lock_sql;
  /* Opens the connection named by target (the URL after "sqlite:" for
   * SQLite, the whole URL for PostgreSQL). */
  fz_err (*open)(const char *target, fz_db **out, fz_error *err);
  void (*close)(fz_db *db);
  fz_err (*exec)(fz_db *db, const char *sql, fz_error *err);
  int (*in_tx)(fz_db *db); /* is a transaction open (or failed and open)? */
  fz_err (*commit)(fz_db *db, fz_error *err);
  /* Called when a pooled connection comes back: reconnects a connection the
   * server dropped, returning 1 then (its prepared statements are gone),
   * else 0.  May be NULL. */
  int (*recover)(fz_db *db);
  /* The version of the database content the connection's last read
   * transaction saw, which any commit changes (SQLite).  NULL when the
   * backend has none that a connection can read cheaply. */
  int (*data_version)(fz_db *db, uint64_t *v);
  /* The rows the last INSERT, UPDATE or DELETE changed; NULL when the
   * backend reports them only with the statement's result. */
  int64_t (*changes)(fz_db *db);
  fz_err (*prepare)(fz_db *db, const char *sql, fz_stmt **out, fz_error *err);
  fz_err (*bind_int64)(fz_stmt *st, int idx, int64_t v);
  fz_err (*bind_text)(fz_stmt *st, int idx, const char *s, size_t len);
  /* As bind_text, reading s in place until the reset.  May be NULL. */
  fz_err (*bind_text_ref)(fz_stmt *st, int idx, const char *s, size_t len);
  fz_err (*bind_blob)(fz_stmt *st, int idx, const void *p, size_t len);
  fz_err (*bind_null)(fz_stmt *st, int idx);
  int (*step)(fz_stmt *st, fz_error *err);
  fz_err (*reset)(fz_stmt *st);
  int (*column_count)(const fz_stmt *st);
  int (*column_is_null)(const fz_stmt *st, int col);
  int64_t (*column_int64)(const fz_stmt *st, int col);
  const char *(*column_text)(const fz_stmt *st, int col);
  const void *(*column_blob)(const fz_stmt *st, int col, size_t *len);
  void (*finalize)(fz_stmt *st);
};

extern const fz_db_ops fz_dbi_sqlite_ops;
extern const fz_db_ops fz_dbi_pg_ops;

/* Records a printf-style message as db's last error (db may be NULL) and
 * fills *err (may be NULL) with code and the same message.  Returns code. */
fz_err fz_dbi_fail(fz_db *db, fz_error *err, fz_err code, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));

/* Rewrites the `?` placeholders of sql to $1, $2, … for PostgreSQL, leaving
 * those inside '…' literals, "…" identifiers and comments alone.  *out is
 * malloc'd and owned by the caller; *nparams receives the count.  Returns
 * FZ_NOMEM or FZ_TOOBIG (more than 65535 placeholders). */
fz_err fz_dbi_pg_rewrite(const char *sql, char **out, int *nparams);

/* Finds the migrations in an embedded table (sorted by name): files named
 * "src/store/migrations/NNN_name.sql", numbered 1, 2, 3 … without gaps or
 * duplicates.  Migration k is table[*first + k - 1]; *count receives how
 * many there are.  A malformed set is FZ_INVALID with *err naming the file. */
fz_err fz_dbi_migrations(const fz_embed *table, size_t n, size_t *first,
                         int *count, fz_error *err);

/* fz_db_migrate over the migrations of an arbitrary table (tests use it to
 * apply a set that fails part-way). */
fz_err fz_dbi_migrate(fz_db *db, const fz_embed *table, size_t n,
                      int *version, fz_error *err);

#endif
