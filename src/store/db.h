/* db.h — the storage interface of fazhi: one API over SQLite and PostgreSQL.
 *
 * SQL is written once in the portable subset with `?` placeholders; the
 * PostgreSQL backend rewrites them to $1, $2, ….  URLs: "sqlite:PATH" (PATH
 * may be ":memory:") and "postgresql://…" / "postgres://…" (passed to libpq).
 *
 * A handle is one connection and is used by one thread at a time; fz_pool
 * hands connections to the HTTP worker threads. */
#ifndef FZ_STORE_DB_H
#define FZ_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct fz_db fz_db;
typedef struct fz_stmt fz_stmt;
typedef struct fz_pool fz_pool;

typedef enum fz_backend { FZ_BACKEND_SQLITE = 1, FZ_BACKEND_PG = 2 } fz_backend;

/* fz_stmt_step results besides errors. */
enum { FZ_STEP_ROW = 100, FZ_STEP_DONE = 101 };

/* Opens a connection.  SQLite: WAL, synchronous=FULL, foreign_keys=ON,
 * busy timeout; the file's folder must exist.  On failure returns an error
 * code, fills *err with the reason (if err is non-NULL) and sets *out to NULL.
 * The caller owns *out and frees it with fz_db_close. */
fz_err fz_db_open(const char *url, fz_db **out, fz_error *err);

/* Closes the connection (rolling back an open transaction).  NULL is a no-op. */
void fz_db_close(fz_db *db);

/* Which backend this is, and its name ("sqlite" or "postgresql"). */
fz_backend fz_db_backend(const fz_db *db);
const char *fz_db_backend_name(const fz_db *db);

/* The last error message of this connection; never NULL. */
const char *fz_db_errmsg(const fz_db *db);

/* Runs one or more statements without parameters or results (DDL, scripts).
 * On failure returns FZ_DB and fills *err. */
fz_err fz_db_exec(fz_db *db, const char *sql, fz_error *err);

/* The modules that keep state of their own on a connection. */
typedef enum fz_db_slot_id {
  FZ_DB_SLOT_LEDGER,
  FZ_DB_SLOT_AUTH,
  FZ_DB_SLOT__COUNT
} fz_db_slot_id;

/* The state a module keeps on this connection (NULL until it sets one).
 * It is a cache the module checks against the database before trusting
 * it: the connection knows nothing of what it means. */
void *fz_db_slot(fz_db *db, fz_db_slot_id id);

/* Reads the version of the database's content as this connection sees it
 * now (in its read transaction, or in one of its own), into *v: any commit
 * since, by any connection or process, changes it.  Returns 1, or 0 when
 * the backend cannot tell (PostgreSQL), so that nothing is cached. */
int fz_db_data_version(fz_db *db, uint64_t *v);

/* The rows db's last INSERT, UPDATE or DELETE changed (SQLite), without a
 * query; -1 where the backend tells only through the statement's result
 * (PostgreSQL: use RETURNING). */
int64_t fz_db_changes(fz_db *db);

/* Sets the module's state on this connection to p (owned by the
 * connection from now on, freed with free_fn when it closes or is
 * replaced; free_fn may be NULL). */
void fz_db_slot_set(fz_db *db, fz_db_slot_id id, void *p,
                    void (*free_fn)(void *));

/* Runs one statement without parameters or results that a connection runs
 * over and over (SAVEPOINT, RELEASE): on SQLite through the statement
 * cache, so that it is parsed once per connection; PostgreSQL cannot
 * prepare such statements, and runs the text.  Errors as fz_db_exec. */
fz_err fz_db_exec_cached(fz_db *db, const char *sql, fz_error *err);

/* Groups the reads that follow into one read transaction on SQLite: one
 * snapshot for all of them, and one lock of the WAL instead of one per
 * statement.  Nothing on PostgreSQL (a read there costs a round trip per
 * statement either way) nor when a transaction is already open.  *began
 * says whether one was started, for fz_db_read_end.  Errors as
 * fz_db_exec. */
fz_err fz_db_read_begin(fz_db *db, int *began, fz_error *err);

/* Ends the read transaction fz_db_read_begin started (began 0: nothing). */
void fz_db_read_end(fz_db *db, int began);

/* Transactions.  begin starts a write transaction (SQLite: BEGIN IMMEDIATE,
 * so that writers queue at the start rather than fail at commit). */
/* Settings for the connection that does all the writing (the writer's,
 * see writer.h).  SQLite: a 64 MiB page cache, since its pages stay valid
 * between transactions when nobody else writes, and a large change (a
 * draw's tasks) need not spill to the WAL before its commit; and
 * statement journals in memory.  Nothing on PostgreSQL. */
fz_err fz_db_tune_writer(fz_db *db, fz_error *err);

fz_err fz_db_begin(fz_db *db, fz_error *err);
fz_err fz_db_commit(fz_db *db, fz_error *err);
fz_err fz_db_rollback(fz_db *db); /* safe to call when no transaction is open */

/* 1 if a transaction is open on this connection, else 0. */
int fz_db_in_transaction(fz_db *db);

/* Prepares one statement.  The caller owns *out (fz_stmt_finalize).
 * Statements are cached per connection by their SQL text: finalize resets
 * a cached statement for the next prepare of the same SQL rather than
 * freeing it, so a request's fixed SQL is parsed once per connection.
 * (On PostgreSQL a cached plan does not survive a change of the tables it
 * reads; migrations run before the pool opens.) */
fz_err fz_db_prepare(fz_db *db, const char *sql, fz_stmt **out, fz_error *err);

/* Binds parameter idx (1-based).  Text and blobs are copied.  len < 0 on
 * text means NUL-terminated.  Returns FZ_RANGE for a bad index. */
fz_err fz_stmt_bind_int64(fz_stmt *st, int idx, int64_t v);
fz_err fz_stmt_bind_text(fz_stmt *st, int idx, const char *s, long len);
fz_err fz_stmt_bind_blob(fz_stmt *st, int idx, const void *p, size_t len);
fz_err fz_stmt_bind_null(fz_stmt *st, int idx);

/* As fz_stmt_bind_text, but SQLite reads s where it lies rather than a
 * copy: s must stay unchanged until the statement is reset or finalized.
 * For the many rows of a bulk write, bound out of the batch's buffer. */
fz_err fz_stmt_bind_text_ref(fz_stmt *st, int idx, const char *s, long len);

/* Executes or advances: returns FZ_STEP_ROW with a row ready, FZ_STEP_DONE
 * when finished, or an fz_err (FZ_DB, FZ_CONFLICT for a unique or foreign
 * key violation, FZ_BUSY) with *err filled. */
int fz_stmt_step(fz_stmt *st, fz_error *err);

/* Clears the results and bindings so the statement can run again. */
fz_err fz_stmt_reset(fz_stmt *st);

/* Column access on the current row (0-based).  Text and blob pointers stay
 * valid until the next step, reset or finalize.  A NULL value reads as 0,
 * NULL text, or a NULL blob of length 0. */
int fz_stmt_column_count(const fz_stmt *st);
int fz_stmt_column_is_null(const fz_stmt *st, int col);
int64_t fz_stmt_column_int64(const fz_stmt *st, int col);
const char *fz_stmt_column_text(const fz_stmt *st, int col);
const void *fz_stmt_column_blob(const fz_stmt *st, int col, size_t *len);

/* Frees the statement.  NULL is a no-op. */
void fz_stmt_finalize(fz_stmt *st);

/* Runs a query with no parameters that returns one integer (e.g. a count);
 * FZ_NOTFOUND when it returns no row. */
fz_err fz_db_query_int64(fz_db *db, const char *sql, int64_t *out,
                         fz_error *err);

/* Applies the numbered migrations in src/store/migrations (embedded) that
 * are newer than the database's schema version, each in its own
 * transaction; on PostgreSQL under an advisory lock so that servers starting
 * together do not race.  *version (may be NULL) receives the final version. */
fz_err fz_db_migrate(fz_db *db, int *version, fz_error *err);

/* The schema version recorded in the database (0 for an empty one). */
fz_err fz_db_schema_version(fz_db *db, int *version, fz_error *err);

/* The highest migration number shipped with this binary. */
int fz_db_latest_version(void);

/* Records value under key in the meta table, replacing an old value
 * (src/store/meta.c).  Run inside a transaction to make it atomic. */
fz_err fz_db_meta_set(fz_db *db, const char *key, const char *value,
                      fz_error *err);

/* Reads the value under key into *value (malloc'd, the caller frees);
 * FZ_NOTFOUND when absent. */
fz_err fz_db_meta_get(fz_db *db, const char *key, char **value,
                      fz_error *err);

/* A fixed-size pool of connections to one URL, safe across threads. */
fz_err fz_pool_open(const char *url, int size, fz_pool **out, fz_error *err);
/* Takes a connection, waiting while all are in use.  Never NULL. */
fz_db *fz_pool_get(fz_pool *pool);
/* Gives a connection back (rolling back any transaction left open). */
void fz_pool_put(fz_pool *pool, fz_db *db);
/* Closes every connection; all must have been given back.  NULL is a no-op. */
void fz_pool_close(fz_pool *pool);

#endif
