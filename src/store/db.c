/* db.c — the storage API: URL dispatch, transactions, migrations, pool. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/db_int.h"

#define POOL_MAX 1024

fz_err fz_dbi_fail(fz_db *db, fz_error *err, fz_err code, const char *fmt,
                   ...) {
  char msg[sizeof ((fz_db *)0)->errmsg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (db) memcpy(db->errmsg, msg, sizeof msg);
  return fz_error_set(err, code, NULL, "%s", msg);
}

/* ---- connections ------------------------------------------------------- */

static int has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

fz_err fz_db_open(const char *url, fz_db **out, fz_error *err) {
  static const char forms[] =
      "use sqlite:PATH, sqlite::memory: or postgresql://…";
  *out = NULL;
  if (!url || !*url)
    return fz_error_set(err, FZ_INVALID, "url", "no database URL; %s", forms);
  if (has_prefix(url, "sqlite:")) {
    if (!url[7])
      return fz_error_set(err, FZ_INVALID, "url",
                          "database URL \"sqlite:\" has no path; %s", forms);
    return fz_dbi_sqlite_ops.open(url + 7, out, err);
  }
  if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://"))
    return fz_dbi_pg_ops.open(url, out, err);
  /* Name only the scheme: the rest of a URL may hold a password. */
  size_t n = strcspn(url, ":");
  if (!url[n])
    return fz_error_set(err, FZ_INVALID, "url",
                        "database URL has no scheme; %s", forms);
  return fz_error_set(err, FZ_INVALID, "url",
                      "unsupported database URL scheme \"%.*s\"; %s",
                      (int)(n < 32 ? n : 32), url, forms);
}

/* Frees every cached statement (they must not be in use). */
static void drop_cache(fz_db *db) {
  for (int i = 0; i < db->ncache; i++) {
    db->cache[i].st->cached = 0;
    db->ops->finalize(db->cache[i].st);
    free(db->cache[i].sql);
  }
  db->ncache = 0;
}

void *fz_db_slot(fz_db *db, fz_db_slot_id id) { return db->slot[id]; }

int fz_db_data_version(fz_db *db, uint64_t *v) {
  if (!db->ops->data_version) return 0;
  /* A read of the file's header, so that the version is of a transaction
   * that has looked at the database now. */
  fz_stmt *st;
  if (fz_db_prepare(db, "PRAGMA schema_version", &st, NULL)) return 0;
  int r = fz_stmt_step(st, NULL);
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW && db->ops->data_version(db, v) == 0;
}

void fz_db_slot_set(fz_db *db, fz_db_slot_id id, void *p,
                    void (*free_fn)(void *)) {
  if (db->slot[id] && db->slot_free[id] && db->slot[id] != p)
    db->slot_free[id](db->slot[id]);
  db->slot[id] = p;
  db->slot_free[id] = free_fn;
}

void fz_db_close(fz_db *db) {
  if (!db) return;
  for (int i = 0; i < FZ_DB_SLOT__COUNT; i++)
    fz_db_slot_set(db, (fz_db_slot_id)i, NULL, NULL);
  drop_cache(db);
  db->ops->close(db);
}

fz_backend fz_db_backend(const fz_db *db) { return db->ops->backend; }

const char *fz_db_backend_name(const fz_db *db) { return db->ops->name; }

const char *fz_db_errmsg(const fz_db *db) { return db->errmsg; }

fz_err fz_db_exec(fz_db *db, const char *sql, fz_error *err) {
  return db->ops->exec(db, sql, err);
}

fz_err fz_db_exec_cached(fz_db *db, const char *sql, fz_error *err) {
  if (db->ops->backend != FZ_BACKEND_SQLITE) return db->ops->exec(db, sql, err);
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  int r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE) return FZ_OK;
  return r == FZ_STEP_ROW ? fz_dbi_fail(db, err, FZ_INVALID, "%.60s returned "
                                        "rows", sql)
                          : (fz_err)r;
}

/* ---- transactions ------------------------------------------------------ */

fz_err fz_db_read_begin(fz_db *db, int *began, fz_error *err) {
  *began = 0;
  if (db->ops->backend != FZ_BACKEND_SQLITE || db->ops->in_tx(db)) return FZ_OK;
  fz_err rc = fz_db_exec_cached(db, "BEGIN", err);
  *began = !rc;
  return rc;
}

void fz_db_read_end(fz_db *db, int began) {
  if (began && db->ops->in_tx(db) && fz_db_exec_cached(db, "COMMIT", NULL))
    db->ops->exec(db, "ROLLBACK", NULL);
}

fz_err fz_db_tune_writer(fz_db *db, fz_error *err) {
  if (db->ops->backend != FZ_BACKEND_SQLITE) return FZ_OK;
  fz_err rc = fz_db_exec(db, "PRAGMA cache_size = -65536", err);
  return rc ? rc : fz_db_exec(db, "PRAGMA temp_store = MEMORY", err);
}

fz_err fz_db_begin(fz_db *db, fz_error *err) {
  /* Both backends would quietly accept or reject a nested BEGIN in their
   * own ways; refuse it the same way on both. */
  if (db->ops->in_tx(db))
    return fz_dbi_fail(db, err, FZ_INVALID,
                       "a transaction is already open on this connection");
  return db->ops->exec(db, db->ops->begin_sql, err);
}

fz_err fz_db_commit(fz_db *db, fz_error *err) {
  if (!db->ops->in_tx(db))
    return fz_dbi_fail(db, err, FZ_INVALID, "commit without a transaction");
  return db->ops->commit(db, err);
}

fz_err fz_db_rollback(fz_db *db) {
  if (!db->ops->in_tx(db)) return FZ_OK;
  return db->ops->exec(db, "ROLLBACK", NULL);
}

int fz_db_in_transaction(fz_db *db) { return db->ops->in_tx(db); }

/* ---- statements -------------------------------------------------------- */

/* FNV-1a of a statement's text. */
static uint32_t sql_hash(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

/* A free slot of the cache: a new one, or the least recently used idle
 * statement's, finalized; -1 when every slot is busy. */
static int cache_slot(fz_db *db) {
  if (db->ncache < FZ_STMT_CACHE) return db->ncache++;
  int best = -1;
  for (int i = 0; i < db->ncache; i++)
    if (!db->cache[i].busy && (best < 0 || db->cache[i].used < db->cache[best].used))
      best = i;
  if (best >= 0) {
    db->cache[best].st->cached = 0;
    db->ops->finalize(db->cache[best].st);
    free(db->cache[best].sql);
  }
  return best;
}

fz_err fz_db_prepare(fz_db *db, const char *sql, fz_stmt **out,
                     fz_error *err) {
  *out = NULL;
  uint32_t h = sql_hash(sql);
  for (int i = 0; i < db->ncache; i++)
    if (db->cache[i].hash == h && !db->cache[i].busy &&
        strcmp(db->cache[i].sql, sql) == 0) {
      db->cache[i].busy = 1;
      db->cache[i].used = ++db->tick;
      *out = db->cache[i].st;
      return FZ_OK;
    }
  fz_err rc = db->ops->prepare(db, sql, out, err);
  if (rc) return rc;
  char *copy = strdup(sql);
  if (!copy) return FZ_OK; /* uncached, still usable */
  int i = cache_slot(db);
  if (i < 0) {
    free(copy);
    return FZ_OK;
  }
  db->cache[i].sql = copy;
  db->cache[i].hash = h;
  db->cache[i].st = *out;
  db->cache[i].busy = 1;
  db->cache[i].used = ++db->tick;
  (*out)->cached = 1;
  return FZ_OK;
}

fz_err fz_stmt_bind_int64(fz_stmt *st, int idx, int64_t v) {
  return st->db->ops->bind_int64(st, idx, v);
}

fz_err fz_stmt_bind_text(fz_stmt *st, int idx, const char *s, long len) {
  if (!s) return st->db->ops->bind_null(st, idx);
  return st->db->ops->bind_text(st, idx, s, len < 0 ? strlen(s) : (size_t)len);
}

fz_err fz_stmt_bind_text_ref(fz_stmt *st, int idx, const char *s, long len) {
  if (!s || !st->db->ops->bind_text_ref) return fz_stmt_bind_text(st, idx, s, len);
  return st->db->ops->bind_text_ref(st, idx, s,
                                    len < 0 ? strlen(s) : (size_t)len);
}

int64_t fz_db_changes(fz_db *db) {
  return db->ops->changes ? db->ops->changes(db) : -1;
}

fz_err fz_stmt_bind_blob(fz_stmt *st, int idx, const void *p, size_t len) {
  if (!p && len) return FZ_INVALID;
  return st->db->ops->bind_blob(st, idx, len ? p : "", len);
}

fz_err fz_stmt_bind_null(fz_stmt *st, int idx) {
  return st->db->ops->bind_null(st, idx);
}

int fz_stmt_step(fz_stmt *st, fz_error *err) {
  return st->db->ops->step(st, err);
}

fz_err fz_stmt_reset(fz_stmt *st) { return st->db->ops->reset(st); }

int fz_stmt_column_count(const fz_stmt *st) {
  return st->db->ops->column_count(st);
}

int fz_stmt_column_is_null(const fz_stmt *st, int col) {
  return st->db->ops->column_is_null(st, col);
}

int64_t fz_stmt_column_int64(const fz_stmt *st, int col) {
  return st->db->ops->column_int64(st, col);
}

const char *fz_stmt_column_text(const fz_stmt *st, int col) {
  return st->db->ops->column_text(st, col);
}

const void *fz_stmt_column_blob(const fz_stmt *st, int col, size_t *len) {
  size_t n = 0;
  const void *p = st->db->ops->column_blob(st, col, &n);
  if (len) *len = n;
  return p;
}

void fz_stmt_finalize(fz_stmt *st) {
  if (!st) return;
  if (!st->cached) {
    st->db->ops->finalize(st);
    return;
  }
  fz_db *db = st->db;
  db->ops->reset(st);
  for (int i = 0; i < db->ncache; i++)
    if (db->cache[i].st == st) db->cache[i].busy = 0;
}

/* A one-integer query with at most one text parameter (arg may be NULL). */
static fz_err query_int64(fz_db *db, const char *sql, const char *arg,
                          int64_t *out, fz_error *err) {
  fz_stmt *st = NULL;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) goto out;
  if (arg && (rc = fz_stmt_bind_text(st, 1, arg, -1))) {
    fz_dbi_fail(db, err, rc, "cannot bind the parameter of: %s", sql);
    goto out;
  }
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    *out = fz_stmt_column_int64(st, 0);
  } else if (r == FZ_STEP_DONE) {
    rc = fz_dbi_fail(db, err, FZ_NOTFOUND, "query returned no row");
  } else {
    rc = (fz_err)r;
  }
out:
  fz_stmt_finalize(st);
  return rc;
}

fz_err fz_db_query_int64(fz_db *db, const char *sql, int64_t *out,
                         fz_error *err) {
  return query_int64(db, sql, NULL, out, err);
}

/* ---- migrations -------------------------------------------------------- */

static const char mig_dir[] = "src/store/migrations/";

/* Parses "NNN_name.sql" (after mig_dir): returns the number, or -1 when the
 * name does not have that shape. */
static int migration_number(const char *base) {
  int num = 0, digits = 0;
  for (; isdigit((unsigned char)*base); base++, digits++) {
    if (digits == 6) return -1;
    num = num * 10 + (*base - '0');
  }
  size_t n = strlen(base);
  if (digits < 3 || *base != '_' || n < 6 || strcmp(base + n - 4, ".sql"))
    return -1;
  return num;
}

fz_err fz_dbi_migrations(const fz_embed *table, size_t n, size_t *first,
                         int *count, fz_error *err) {
  const size_t dlen = sizeof mig_dir - 1;
  int k = 0;
  *first = n;
  for (size_t i = 0; i < n; i++) {
    const char *name = table[i].name;
    if (strncmp(name, mig_dir, dlen) != 0) continue;
    if (k == 0) *first = i;
    int num = migration_number(name + dlen);
    if (num < 0)
      return fz_error_set(err, FZ_INVALID, "migrations",
                          "migration %s is not named NNN_name.sql", name);
    if (num == k)
      return fz_error_set(err, FZ_INVALID, "migrations",
                          "two migrations are numbered %03d (%s)", num, name);
    if (num != k + 1)
      return fz_error_set(err, FZ_INVALID, "migrations",
                          "migration %s follows %03d; migrations must be "
                          "numbered 1, 2, 3 … without gaps",
                          name, k);
    k++;
  }
  *count = k;
  return FZ_OK;
}

int fz_db_latest_version(void) {
  size_t n, first;
  int count;
  const fz_embed *t = fz_embed_table(&n);
  return fz_dbi_migrations(t, n, &first, &count, NULL) ? -1 : count;
}

static fz_err read_version(fz_db *db, int *version, fz_error *err) {
  int64_t v = 0;
  fz_err rc = query_int64(db, db->ops->has_table_sql, "schema_version", &v,
                          err);
  if (!rc && v)
    rc = query_int64(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version",
                     NULL, &v, err);
  if (!rc) *version = (int)v;
  return rc;
}

fz_err fz_db_schema_version(fz_db *db, int *version, fz_error *err) {
  *version = 0;
  return read_version(db, version, err);
}

/* Runs migration m (number num) and records it, inside the open transaction. */
static fz_err apply_migration(fz_db *db, const fz_embed *m, int num,
                              fz_error *err) {
  const char *base = m->name + sizeof mig_dir - 1;
  const char *label = strchr(base, '_') + 1;
  fz_stmt *st = NULL;
  fz_err rc = db->ops->exec(db, (const char *)m->data, err);
  if (rc) {
    char why[sizeof db->errmsg];
    memcpy(why, db->errmsg, sizeof why);
    rc = fz_dbi_fail(db, err, rc, "migration %s failed: %s", base, why);
    goto out;
  }
  char now[FZ_ISO_TIME_BUF];
  fz_now_iso(now);
  rc = fz_db_prepare(db,
                     "INSERT INTO schema_version (version, name, applied_at) "
                     "VALUES (?, ?, ?)",
                     &st, err);
  if (rc) goto out;
  if ((rc = fz_stmt_bind_int64(st, 1, num)) ||
      (rc = fz_stmt_bind_text(st, 2, label, (long)(strlen(label) - 4))) ||
      (rc = fz_stmt_bind_text(st, 3, now, -1))) {
    rc = fz_dbi_fail(db, err, rc, "cannot bind the schema_version row");
    goto out;
  }
  int r = fz_stmt_step(st, err);
  if (r != FZ_STEP_DONE) rc = r == FZ_STEP_ROW ? FZ_INTERNAL : (fz_err)r;
out:
  fz_stmt_finalize(st);
  return rc;
}

fz_err fz_dbi_migrate(fz_db *db, const fz_embed *table, size_t n,
                      int *version, fz_error *err) {
  size_t first;
  int latest, cur = 0;
  fz_err rc = fz_dbi_migrations(table, n, &first, &latest, err);
  if (rc) goto out;
  if (db->ops->in_tx(db)) {
    rc = fz_dbi_fail(db, err, FZ_INVALID,
                     "cannot migrate inside an open transaction");
    goto out;
  }
  /* One transaction per migration; the version is read again under the
   * write lock of each, so servers starting together take turns and the
   * later ones find the work done. */
  for (;;) {
    if ((rc = fz_db_begin(db, err))) goto out;
    if (db->ops->migrate_lock_sql &&
        (rc = db->ops->exec(db, db->ops->migrate_lock_sql, err)))
      goto out;
    if ((rc = read_version(db, &cur, err))) goto out;
    if (cur > latest) {
      rc = fz_dbi_fail(db, err, FZ_UNSUPPORTED,
                       "database schema %d is newer than this fazhi (%d); "
                       "upgrade fazhi",
                       cur, latest);
      goto out;
    }
    if (cur == latest) break;
    if ((rc = apply_migration(db, &table[first + cur], cur + 1, err)))
      goto out;
    if ((rc = fz_db_commit(db, err))) goto out;
  }
out:
  fz_db_rollback(db);
  if (version) *version = cur;
  return rc;
}

fz_err fz_db_migrate(fz_db *db, int *version, fz_error *err) {
  size_t n;
  const fz_embed *t = fz_embed_table(&n);
  return fz_dbi_migrate(db, t, n, version, err);
}

/* ---- pool -------------------------------------------------------------- */

struct fz_pool {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int size, nfree;
  fz_db **all;  /* every connection, for closing */
  fz_db **idle; /* stack of the connections not handed out */
};

fz_err fz_pool_open(const char *url, int size, fz_pool **out, fz_error *err) {
  fz_pool *p = NULL;
  fz_err rc = FZ_OK;
  *out = NULL;
  if (size < 1 || size > POOL_MAX)
    return fz_error_set(err, FZ_RANGE, "pool_size",
                        "pool size %d is outside 1…%d", size, POOL_MAX);
  if (size > 1 && url && strcmp(url, "sqlite::memory:") == 0)
    return fz_error_set(err, FZ_INVALID, "url",
                        "each connection to sqlite::memory: is a database of "
                        "its own; use a pool of size 1 or a file");
  if (!(p = calloc(1, sizeof *p)) ||
      !(p->all = calloc(size, sizeof(fz_db *))) ||
      !(p->idle = calloc(size, sizeof(fz_db *)))) {
    rc = fz_error_set(err, FZ_NOMEM, NULL, NULL);
    goto out;
  }
  if (pthread_mutex_init(&p->mu, NULL)) {
    rc = fz_error_set(err, FZ_INTERNAL, NULL, "cannot create the pool mutex");
    goto out;
  }
  if (pthread_cond_init(&p->cv, NULL)) {
    pthread_mutex_destroy(&p->mu);
    rc = fz_error_set(err, FZ_INTERNAL, NULL,
                      "cannot create the pool condition");
    goto out;
  }
  p->size = size;
  for (int i = 0; i < size; i++) {
    if ((rc = fz_db_open(url, &p->all[i], err))) goto out;
    p->idle[p->nfree++] = p->all[i];
  }
out:
  if (rc && p) {
    if (p->size) {
      fz_pool_close(p);
    } else {
      free(p->all);
      free(p->idle);
      free(p);
    }
    p = NULL;
  }
  *out = p;
  return rc;
}

fz_db *fz_pool_get(fz_pool *pool) {
  pthread_mutex_lock(&pool->mu);
  while (pool->nfree == 0) pthread_cond_wait(&pool->cv, &pool->mu);
  fz_db *db = pool->idle[--pool->nfree];
  pthread_mutex_unlock(&pool->mu);
  return db;
}

void fz_pool_put(fz_pool *pool, fz_db *db) {
  if (!db) return;
  /* A handler that failed half-way must not leak its transaction (and its
   * locks) to the next user of the connection. */
  if (db->ops->recover && db->ops->recover(db)) drop_cache(db);
  fz_db_rollback(db);
  pthread_mutex_lock(&pool->mu);
  if (pool->nfree < pool->size) {
    pool->idle[pool->nfree++] = db;
    pthread_cond_signal(&pool->cv);
  }
  pthread_mutex_unlock(&pool->mu);
}

void fz_pool_close(fz_pool *pool) {
  if (!pool) return;
  for (int i = 0; i < pool->size; i++) fz_db_close(pool->all[i]);
  pthread_cond_destroy(&pool->cv);
  pthread_mutex_destroy(&pool->mu);
  free(pool->all);
  free(pool->idle);
  free(pool);
}
