/* pg.c — the PostgreSQL backend of db.h, over libpq. */
#include <errno.h>
#include <limits.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_int.h"

#define BYTEAOID 17     /* pg_type.oid of bytea */
#define MAX_PARAMS 65535 /* the protocol's limit */
#define MAX_PARAMS_S "65535"
/* "fazhi" in ASCII: the advisory lock that serialises migrations. */
#define MIGRATE_LOCK "439788431465"

typedef struct pg_db {
  fz_db base;
  PGconn *conn;
  unsigned next_id; /* prepared statements are named fz_1, fz_2, … */
  /* Statements finalized while the transaction had failed, when the server
   * refuses DEALLOCATE; freed at the next prepare. */
  unsigned *stale;
  size_t nstale, capstale;
} pg_db;

typedef struct pg_stmt {
  fz_stmt base;
  unsigned id;
  int nparams;
  char **values; /* owned copies; NULL is SQL NULL */
  int *lengths, *formats;
  PGresult *res; /* NULL until the first step */
  int row, nrows, nfields;
  unsigned char **bytea; /* decoded bytea per column of the current row */
  size_t *bytea_len;
} pg_stmt;

#define DB(d) ((pg_db *)(d))
#define ST(st) ((pg_stmt *)(st))

/* libpq prints notices (e.g. "there is no transaction in progress") to
 * stderr by default; library code stays quiet. */
static void quiet(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

static fz_err map_state(const char *state) {
  if (!state) return FZ_DB;
  if (strncmp(state, "23", 2) == 0) return FZ_CONFLICT; /* integrity */
  /* A number too large for its column (an id past the 32 bits of INTEGER)
   * is the caller's bad value, not a failing database. */
  if (!strcmp(state, "22003")) return FZ_INVALID;
  if (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
      !strcmp(state, "55P03"))
    return FZ_BUSY; /* serialization failure, deadlock, lock timeout */
  return FZ_DB;
}

/* Length of s without its trailing newline(s): libpq ends messages so. */
static int trimmed(const char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == ' ')) n--;
  return n > INT_MAX ? INT_MAX : (int)n;
}

/* Records the error of result res (or of the connection, if res holds none). */
static fz_err res_fail(pg_db *d, fz_error *err, const PGresult *res) {
  const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                        : NULL;
  const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)
                           : NULL;
  if (!msg) msg = PQerrorMessage(d->conn);
  return fz_dbi_fail(&d->base, err, map_state(state),
                     "postgresql: %.*s%s%s%s [%s]", trimmed(msg), msg,
                     detail ? " (" : "", detail ? detail : "",
                     detail ? ")" : "", state ? state : "no SQLSTATE");
}

static int can_run(pg_db *d) {
  PGTransactionStatusType t = PQtransactionStatus(d->conn);
  return t == PQTRANS_IDLE || t == PQTRANS_INTRANS;
}

static void deallocate(pg_db *d, unsigned id) {
  char sql[40];
  snprintf(sql, sizeof sql, "DEALLOCATE fz_%u", id);
  PQclear(PQexec(d->conn, sql));
}

static void flush_stale(pg_db *d) {
  if (!can_run(d)) return;
  for (size_t i = 0; i < d->nstale; i++) deallocate(d, d->stale[i]);
  d->nstale = 0;
}

/* Queues a statement to deallocate once the transaction is over.  Out of
 * memory, the server keeps it until the session ends. */
static void forget_later(pg_db *d, unsigned id) {
  if (d->nstale == d->capstale) {
    size_t cap = 2 * d->capstale + 8;
    unsigned *p = realloc(d->stale, cap * sizeof *p);
    if (!p) return;
    d->stale = p;
    d->capstale = cap;
  }
  d->stale[d->nstale++] = id;
}

static void pg_close(fz_db *db) {
  if (!db) return;
  PQfinish(DB(db)->conn); /* the server rolls back an open transaction */
  free(DB(db)->stale);
  free(db);
}

static fz_err pg_open(const char *url, fz_db **out, fz_error *err) {
  /* Later keywords override what the URL says: fazhi speaks UTF-8. */
  static const char *const keys[] = {"dbname", "client_encoding",
                                     "fallback_application_name", NULL};
  const char *vals[] = {url, "UTF8", "fazhi", NULL};
  fz_err rc = FZ_OK;
  pg_db *d = calloc(1, sizeof *d);
  if (!d) return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  d->base.ops = &fz_dbi_pg_ops;
  d->conn = PQconnectdbParams(keys, vals, 1);
  if (!d->conn) {
    rc = fz_error_set(err, FZ_NOMEM, NULL, NULL);
    goto out;
  }
  PQsetNoticeProcessor(d->conn, quiet, NULL);
  if (PQstatus(d->conn) != CONNECTION_OK) {
    const char *m = PQerrorMessage(d->conn);
    rc = fz_error_set(err, FZ_DB, "url", "postgresql: cannot connect: %.*s",
                      trimmed(m), m);
    goto out;
  }
  /* The `?` rewriting assumes backslashes are not escapes in '…'. */
  const char *scs = PQparameterStatus(d->conn, "standard_conforming_strings");
  if (!scs || strcmp(scs, "on") != 0)
    rc = fz_error_set(err, FZ_UNSUPPORTED, "url",
                      "postgresql: the server must run with "
                      "standard_conforming_strings = on");
out:
  if (rc) {
    pg_close(&d->base);
    return rc;
  }
  *out = &d->base;
  return FZ_OK;
}

static fz_err pg_exec(fz_db *db, const char *sql, fz_error *err) {
  PGresult *r = PQexec(DB(db)->conn, sql);
  ExecStatusType s = PQresultStatus(r);
  fz_err rc = FZ_OK;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY)
    rc = res_fail(DB(db), err, r);
  PQclear(r);
  return rc;
}

static int pg_in_tx(fz_db *db) {
  PGTransactionStatusType t = PQtransactionStatus(DB(db)->conn);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

static fz_err pg_commit(fz_db *db, fz_error *err) {
  /* PostgreSQL answers COMMIT of a failed transaction with a quiet
   * ROLLBACK; the caller must hear that nothing was saved. */
  static const char aborted[] =
      "postgresql: the transaction was aborted by an earlier error and has "
      "been rolled back";
  if (PQtransactionStatus(DB(db)->conn) == PQTRANS_INERROR) {
    pg_exec(db, "ROLLBACK", NULL);
    return fz_dbi_fail(db, err, FZ_DB, aborted);
  }
  PGresult *r = PQexec(DB(db)->conn, "COMMIT");
  fz_err rc = FZ_OK;
  if (PQresultStatus(r) != PGRES_COMMAND_OK)
    rc = res_fail(DB(db), err, r);
  else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
    rc = fz_dbi_fail(db, err, FZ_DB, aborted);
  PQclear(r);
  return rc;
}

static int pg_recover(fz_db *db) {
  pg_db *d = DB(db);
  if (PQstatus(d->conn) != CONNECTION_BAD) return 0;
  PQreset(d->conn); /* a new session: the old prepared statements are gone */
  d->nstale = 0;
  return 1;
}

/* ---- `?` → $n ---------------------------------------------------------- */

/* Copies sql to dst (if non-NULL) with placeholders numbered; returns the
 * output length and the number of placeholders in *count. */
static size_t rewrite(const char *p, char *dst, int *count) {
  size_t o = 0;
  int k = 0;
#define PUT(c)                                                               \
  do {                                                                       \
    char c_ = (c);                                                           \
    if (dst) dst[o] = c_;                                                    \
    o++;                                                                     \
  } while (0)
  while (*p) {
    if (*p == '\'' || *p == '"') { /* '' and "" inside just reopen */
      char q = *p;
      PUT(*p++);
      while (*p && *p != q) PUT(*p++);
      if (*p) PUT(*p++);
    } else if (p[0] == '-' && p[1] == '-') {
      while (*p && *p != '\n') PUT(*p++);
    } else if (p[0] == '/' && p[1] == '*') {
      PUT(*p++);
      PUT(*p++);
      while (*p && !(p[0] == '*' && p[1] == '/')) PUT(*p++);
      if (*p) {
        PUT(*p++);
        PUT(*p++);
      }
    } else if (*p == '?') {
      char num[16];
      int m = snprintf(num, sizeof num, "$%d", ++k);
      for (int i = 0; i < m; i++) PUT(num[i]);
      p++;
    } else {
      PUT(*p++);
    }
  }
#undef PUT
  if (dst) dst[o] = '\0';
  *count = k;
  return o;
}

fz_err fz_dbi_pg_rewrite(const char *sql, char **out, int *nparams) {
  *out = NULL;
  size_t n = rewrite(sql, NULL, nparams);
  if (*nparams > MAX_PARAMS) return FZ_TOOBIG;
  if (!(*out = malloc(n + 1))) return FZ_NOMEM;
  rewrite(sql, *out, nparams);
  return FZ_OK;
}

/* ---- statements -------------------------------------------------------- */

static void clear_bytea(pg_stmt *s) {
  for (int i = 0; s->bytea && i < s->nfields; i++) {
    PQfreemem(s->bytea[i]);
    s->bytea[i] = NULL;
  }
}

static fz_err pg_reset(fz_stmt *st) {
  pg_stmt *s = ST(st);
  clear_bytea(s);
  free(s->bytea);
  free(s->bytea_len);
  s->bytea = NULL;
  s->bytea_len = NULL;
  PQclear(s->res);
  s->res = NULL;
  s->row = -1;
  s->nrows = s->nfields = 0;
  for (int i = 0; i < s->nparams; i++) {
    free(s->values[i]);
    s->values[i] = NULL;
    s->lengths[i] = s->formats[i] = 0;
  }
  return FZ_OK;
}

static void pg_finalize(fz_stmt *st) {
  pg_stmt *s = ST(st);
  pg_db *d = DB(st->db);
  pg_reset(st);
  if (can_run(d)) deallocate(d, s->id);
  else forget_later(d, s->id);
  free(s->values);
  free(s->lengths);
  free(s->formats);
  free(s);
}

static fz_err pg_prepare(fz_db *db, const char *sql, fz_stmt **out,
                         fz_error *err) {
  pg_db *d = DB(db);
  char *q = NULL, name[24];
  int np = 0;
  fz_err rc = FZ_OK;
  pg_stmt *s = calloc(1, sizeof *s);
  if (!s) return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  s->base.db = db;
  s->id = ++d->next_id;
  s->row = -1;
  flush_stale(d);
  if ((rc = fz_dbi_pg_rewrite(sql, &q, &np))) {
    fz_dbi_fail(db, err, rc, "postgresql: %s", rc == FZ_TOOBIG
                ? "more than " MAX_PARAMS_S " parameters" : "out of memory");
    goto out;
  }
  s->nparams = np;
  s->values = calloc(np + 1, sizeof *s->values);
  s->lengths = calloc(np + 1, sizeof *s->lengths);
  s->formats = calloc(np + 1, sizeof *s->formats);
  if (!s->values || !s->lengths || !s->formats) {
    rc = fz_error_set(err, FZ_NOMEM, NULL, NULL);
    goto out;
  }
  snprintf(name, sizeof name, "fz_%u", s->id);
  PGresult *r = PQprepare(d->conn, name, q, 0, NULL);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) rc = res_fail(d, err, r);
  PQclear(r);
out:
  free(q);
  if (rc) {
    free(s->values);
    free(s->lengths);
    free(s->formats);
    free(s);
    return rc;
  }
  *out = &s->base;
  return FZ_OK;
}

/* Takes ownership of v (NULL is SQL NULL). */
static fz_err set_param(fz_stmt *st, int idx, char *v, size_t len, int fmt) {
  pg_stmt *s = ST(st);
  if (idx < 1 || idx > s->nparams) {
    free(v);
    return FZ_RANGE;
  }
  free(s->values[idx - 1]);
  s->values[idx - 1] = v;
  s->lengths[idx - 1] = (int)len;
  s->formats[idx - 1] = fmt;
  return FZ_OK;
}

static fz_err pg_bind_int64(fz_stmt *st, int idx, int64_t v) {
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
  char *copy = strdup(buf);
  if (!copy) return FZ_NOMEM;
  return set_param(st, idx, copy, (size_t)n, 0);
}

/* Text goes in text format (NUL-terminated), blobs in binary format. */
static fz_err bind_bytes(fz_stmt *st, int idx, const void *p, size_t len,
                         int fmt) {
  if (idx < 1 || idx > ST(st)->nparams) return FZ_RANGE;
  if (len >= INT_MAX) return FZ_TOOBIG;
  char *copy = malloc(len + 1);
  if (!copy) return FZ_NOMEM;
  memcpy(copy, p, len);
  copy[len] = '\0';
  return set_param(st, idx, copy, len, fmt);
}

static fz_err pg_bind_text(fz_stmt *st, int idx, const char *s, size_t len) {
  if (memchr(s, '\0', len)) return FZ_INVALID; /* PostgreSQL text has none */
  return bind_bytes(st, idx, s, len, 0);
}

static fz_err pg_bind_blob(fz_stmt *st, int idx, const void *p, size_t len) {
  return bind_bytes(st, idx, p, len, 1);
}

static fz_err pg_bind_null(fz_stmt *st, int idx) {
  return set_param(st, idx, NULL, 0, 0);
}

/* Runs the statement and keeps the whole result: rows are walked from it,
 * so other statements can run on the connection while one is being read. */
static fz_err execute(pg_stmt *s, fz_error *err) {
  pg_db *d = DB(s->base.db);
  char name[24];
  snprintf(name, sizeof name, "fz_%u", s->id);
  PGresult *r = PQexecPrepared(d->conn, name, s->nparams,
                               (const char *const *)s->values, s->lengths,
                               s->formats, 0);
  ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    fz_err rc = res_fail(d, err, r);
    PQclear(r);
    return rc;
  }
  s->res = r;
  s->nrows = PQntuples(r);
  s->nfields = PQnfields(r);
  s->bytea = calloc(s->nfields + 1, sizeof *s->bytea);
  s->bytea_len = calloc(s->nfields + 1, sizeof *s->bytea_len);
  if (!s->bytea || !s->bytea_len) {
    pg_reset(&s->base);
    return fz_dbi_fail(&d->base, err, FZ_NOMEM, "out of memory");
  }
  return FZ_OK;
}

static int pg_step(fz_stmt *st, fz_error *err) {
  pg_stmt *s = ST(st);
  if (!s->res) {
    fz_err rc = execute(s, err);
    if (rc) return rc;
  }
  clear_bytea(s);
  if (s->row < s->nrows) s->row++;
  return s->row < s->nrows ? FZ_STEP_ROW : FZ_STEP_DONE;
}

static int pg_column_count(const fz_stmt *st) { return ST(st)->nfields; }

static int valid(const pg_stmt *s, int col) {
  return s->res && s->row >= 0 && s->row < s->nrows && col >= 0 &&
         col < s->nfields;
}

static int pg_column_is_null(const fz_stmt *st, int col) {
  const pg_stmt *s = ST(st);
  return !valid(s, col) || PQgetisnull(s->res, s->row, col);
}

/* Values arrive as text: integers in decimal, booleans as t/f.  Anything
 * else reads as 0, like NULL. */
static int64_t pg_column_int64(const fz_stmt *st, int col) {
  const pg_stmt *s = ST(st);
  if (pg_column_is_null(st, col)) return 0;
  const char *v = PQgetvalue(s->res, s->row, col);
  char *end;
  if (!strcmp(v, "t")) return 1;
  if (!strcmp(v, "f")) return 0;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (errno || end == v || *end) return 0;
  return n;
}

static const char *pg_column_text(const fz_stmt *st, int col) {
  const pg_stmt *s = ST(st);
  return pg_column_is_null(st, col) ? NULL : PQgetvalue(s->res, s->row, col);
}

static const void *pg_column_blob(const fz_stmt *st, int col, size_t *len) {
  pg_stmt *s = ST(st); /* the decoding cache is not part of the value */
  *len = 0;
  if (pg_column_is_null(st, col)) return NULL;
  if (PQftype(s->res, col) != BYTEAOID) {
    *len = (size_t)PQgetlength(s->res, s->row, col);
    return PQgetvalue(s->res, s->row, col);
  }
  if (!s->bytea[col]) {
    const char *v = PQgetvalue(s->res, s->row, col);
    s->bytea[col] = PQunescapeBytea((const unsigned char *)v,
                                    &s->bytea_len[col]);
    if (!s->bytea[col]) return NULL;
  }
  *len = s->bytea_len[col];
  return s->bytea[col];
}

const fz_db_ops fz_dbi_pg_ops = {
    .backend = FZ_BACKEND_PG,
    .name = "postgresql",
    .begin_sql = "BEGIN",
    .has_table_sql = "SELECT count(*) FROM pg_catalog.pg_tables "
                     "WHERE schemaname = current_schema() AND tablename = ?",
    .migrate_lock_sql = "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .in_tx = pg_in_tx,
    .commit = pg_commit,
    .recover = pg_recover,
    .prepare = pg_prepare,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .reset = pg_reset,
    .column_count = pg_column_count,
    .column_is_null = pg_column_is_null,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .finalize = pg_finalize,
};
