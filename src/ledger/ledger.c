/* ledger.c — appending events to the Merkle log in the caller's
 * transaction, and recomputing the whole log from its rows. */
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"

/* Appends are serialised: on SQLite by BEGIN IMMEDIATE already, on
 * PostgreSQL by this transaction-scoped lock (key: "fzledgr" in ASCII). */
static const char pg_lock_sql[] =
    "SELECT 1 FROM pg_advisory_xact_lock(29409707245791090)";

fz_err fz_ledger_alg(fz_db *db, fz_hash_alg *alg, fz_error *err) {
  char *name = NULL;
  fz_err rc = fz_db_meta_get(db, "ledger.hash", &name, err);
  if (rc == FZ_NOTFOUND) {
    *alg = FZ_HASH_SM3; /* the default of DESIGN §4 */
    return FZ_OK;
  }
  if (!rc) rc = fz_hash_parse(name, alg, err);
  free(name);
  return rc;
}

fz_err fz_ledger_set_alg(fz_db *db, fz_hash_alg alg, fz_error *err) {
  char *name = NULL;
  fz_err rc = fz_db_meta_get(db, "ledger.hash", &name, err);
  if (rc == FZ_NOTFOUND) return fz_db_meta_set(db, "ledger.hash", fz_hash_name(alg), err);
  if (!rc && strcmp(name, fz_hash_name(alg)) != 0)
    rc = fz_error_set(err, FZ_CONFLICT, "ledger_hash",
                      "this ledger was created with %s; its hash can never "
                      "change", name);
  free(name);
  return rc;
}

/* Refuses real numbers anywhere in v: canonical JSON carries integers only. */
static fz_err integers_only(const json_t *v, const char *path, fz_error *err) {
  if (json_is_real(v))
    return fz_error_set(err, FZ_TYPE, path, "ledger events carry integers "
                        "only; %s is a real number", path);
  const char *key;
  json_t *item;
  size_t i;
  if (json_is_object(v)) {
    json_object_foreach((json_t *)v, key, item) {
      fz_err rc = integers_only(item, key, err);
      if (rc) return rc;
    }
  } else if (json_is_array(v)) {
    json_array_foreach(v, i, item) {
      fz_err rc = integers_only(item, path, err);
      if (rc) return rc;
    }
  }
  return FZ_OK;
}

char *fz_event_canonical(const fz_event *ev, uint64_t seq, int64_t ts,
                         fz_error *err) {
  static const char *const names[] = {"actor", "action", "object_type",
                                      "object_id"};
  const char *values[] = {ev->actor, ev->action, ev->object_type,
                          ev->object_id};
  for (int i = 0; i < 4; i++)
    if (!values[i] || !*values[i]) {
      fz_error_set(err, FZ_MISSING, names[i], "an event needs %s", names[i]);
      return NULL;
    }
  if (ev->data && !json_is_object(ev->data)) {
    fz_error_set(err, FZ_TYPE, "data", "an event's data must be an object");
    return NULL;
  }
  if (ev->data && integers_only(ev->data, "data", err)) return NULL;
  json_t *e = json_pack("{s:s, s:s, s:o, s:{s:s, s:s}, s:I, s:I}", "actor",
                        ev->actor, "action", ev->action, "data",
                        ev->data ? json_incref(ev->data) : json_object(),
                        "object", "type",
                        ev->object_type, "id", ev->object_id, "seq",
                        (json_int_t)seq, "ts", (json_int_t)ts);
  char *text = e ? fz_json_canonical(e) : NULL;
  json_decref(e);
  if (!text) fz_error_set(err, FZ_NOMEM, "", NULL);
  return text;
}

fz_err fz_ledger_size(fz_db *db, uint64_t *size, fz_error *err) {
  int64_t n = 0;
  fz_err rc = fz_db_query_int64(
      db, "SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_event", &n, err);
  *size = rc ? 0 : (uint64_t)n;
  return rc;
}

fz_err fz_ledger_node_get(void *ctx, unsigned level, uint64_t index,
                          uint8_t out[FZ_HASH_LEN]) {
  fz_db *db = ctx;
  fz_stmt *st = NULL;
  fz_err rc = fz_db_prepare(
      db, "SELECT hash FROM ledger_node WHERE level = ? AND idx = ?", &st, NULL);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, level);
  fz_stmt_bind_int64(st, 2, (int64_t)index);
  int s = fz_stmt_step(st, NULL);
  size_t len = 0;
  const void *h = s == FZ_STEP_ROW ? fz_stmt_column_blob(st, 0, &len) : NULL;
  if (s == FZ_STEP_ROW && len == FZ_HASH_LEN) memcpy(out, h, FZ_HASH_LEN);
  else rc = s == FZ_STEP_ROW || s == FZ_STEP_DONE ? FZ_NOTFOUND : (fz_err)s;
  fz_stmt_finalize(st);
  return rc;
}

fz_err fz_ledger_root(fz_db *db, fz_hash_alg alg, uint64_t size,
                      uint8_t root[FZ_HASH_LEN], fz_error *err) {
  fz_err rc = fz_merkle_root(alg, fz_ledger_node_get, db, size, root);
  if (rc)
    return fz_error_set(err, rc, "", "cannot compute the root of %llu events "
                        "from the stored subtree hashes",
                        (unsigned long long)size);
  return FZ_OK;
}

/* Stores one completed subtree (the stream's emit callback). */
static fz_err store_node(void *ctx, unsigned level, uint64_t index,
                         const uint8_t hash[FZ_HASH_LEN]) {
  fz_db *db = ctx;
  fz_stmt *st = NULL;
  fz_err rc = fz_db_prepare(
      db, "INSERT INTO ledger_node (level, idx, hash) VALUES (?, ?, ?)", &st,
      NULL);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, level);
  fz_stmt_bind_int64(st, 2, (int64_t)index);
  fz_stmt_bind_blob(st, 3, hash, FZ_HASH_LEN);
  int s = fz_stmt_step(st, NULL);
  fz_stmt_finalize(st);
  return s == FZ_STEP_DONE ? FZ_OK : (fz_err)s;
}

/* What an append leaves on its connection for the next one: the stream of
 * the tree's right edge after it, and the leaf it ended with.  The next
 * append trusts it only if the ledger still ends with that leaf at that
 * size (a rolled-back change, another connection's append or a new
 * database all fail the check), and otherwise reads the edge from the
 * stored subtrees and the algorithm from meta as before.  A ledger that
 * still ends with our leaf has the algorithm that hashed it: once events
 * exist it can never change. */
typedef struct edge_cache {
  int valid;
  uint8_t last_leaf[FZ_HASH_LEN];
  fz_merkle_stream s; /* s.size leaves, the last one last_leaf */
} edge_cache;

static edge_cache *edge_of(fz_db *db) {
  edge_cache *c = fz_db_slot(db, FZ_DB_SLOT_LEDGER);
  if (!c && (c = calloc(1, sizeof *c)))
    fz_db_slot_set(db, FZ_DB_SLOT_LEDGER, c, free);
  return c;
}

/* The ledger's size and the hash of its last leaf (size 0: none). */
static fz_err ledger_end(fz_db *db, uint64_t *size, uint8_t last[FZ_HASH_LEN],
                         fz_error *err) {
  fz_stmt *st = NULL;
  fz_err rc = fz_db_prepare(db, "SELECT seq, leaf_hash FROM ledger_event "
                            "ORDER BY seq DESC LIMIT 1", &st, err);
  if (rc) return rc;
  int r = fz_stmt_step(st, err);
  *size = 0;
  memset(last, 0, FZ_HASH_LEN);
  if (r == FZ_STEP_ROW) {
    size_t len = 0;
    const void *h = fz_stmt_column_blob(st, 1, &len);
    *size = (uint64_t)fz_stmt_column_int64(st, 0) + 1;
    if (h && len == FZ_HASH_LEN) memcpy(last, h, FZ_HASH_LEN);
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_ledger_append(fz_db *db, const fz_event *ev, int64_t ts,
                        uint64_t *seq, fz_error *err) {
  if (!fz_db_in_transaction(db))
    return fz_error_set(err, FZ_INVALID, "", "a ledger event must be "
                        "appended inside the transaction of its change");
  fz_err rc;
  int64_t one;
  if (fz_db_backend(db) == FZ_BACKEND_PG &&
      (rc = fz_db_query_int64(db, pg_lock_sql, &one, err)))
    return rc;
  edge_cache *cache = edge_of(db); /* NULL (out of memory): no cache */
  fz_hash_alg alg;
  uint64_t size;
  uint8_t last[FZ_HASH_LEN];
  if ((rc = ledger_end(db, &size, last, err))) return rc;
  int hit = cache && cache->valid && cache->s.size == size &&
            memcmp(cache->last_leaf, last, FZ_HASH_LEN) == 0;
  if (cache) cache->valid = 0; /* until this append has stored its event */
  if (hit) alg = cache->s.alg;
  else if ((rc = fz_ledger_alg(db, &alg, err))) return rc;
  if (ts == 0) ts = fz_now_ms();
  char *body = fz_event_canonical(ev, size, ts, err);
  if (!body) return err ? err->code : FZ_INVALID;

  uint8_t leaf[FZ_HASH_LEN];
  fz_merkle_leaf_hash(alg, body, strlen(body), leaf);
  fz_merkle_stream s;
  fz_stmt *st = NULL;
  if (hit) {
    s = cache->s;
  } else if ((rc = fz_merkle_stream_resume(&s, alg, size, fz_ledger_node_get,
                                           db))) {
    fz_error_set(err, rc, "", "the ledger's subtree hashes for %llu events "
                 "are incomplete; run fazhi ledger verify",
                 (unsigned long long)size);
    goto out;
  }
  if ((rc = fz_merkle_stream_push(&s, leaf, store_node, db))) {
    fz_error_set(err, rc, "", "cannot store the ledger's subtree hashes: %s",
                 fz_db_errmsg(db));
    goto out;
  }
  rc = fz_db_prepare(db, "INSERT INTO ledger_event (seq, ts, actor, action, "
                     "object_type, object_id, body, leaf_hash) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
  if (rc) goto out;
  fz_stmt_bind_int64(st, 1, (int64_t)size);
  fz_stmt_bind_int64(st, 2, ts);
  fz_stmt_bind_text(st, 3, ev->actor, -1);
  fz_stmt_bind_text(st, 4, ev->action, -1);
  fz_stmt_bind_text(st, 5, ev->object_type, -1);
  fz_stmt_bind_text(st, 6, ev->object_id, -1);
  fz_stmt_bind_text(st, 7, body, -1);
  fz_stmt_bind_blob(st, 8, leaf, FZ_HASH_LEN);
  int r = fz_stmt_step(st, err);
  if (r != FZ_STEP_DONE) {
    rc = r == FZ_STEP_ROW ? FZ_INTERNAL : (fz_err)r;
  } else {
    if (seq) *seq = size;
    if (cache) {
      cache->s = s;
      memcpy(cache->last_leaf, leaf, FZ_HASH_LEN);
      cache->valid = 1;
    }
  }
out:
  fz_stmt_finalize(st);
  free(body);
  return rc;
}

fz_err fz_ledger_append_about(fz_db *db, const char *actor, const char *action,
                              const char *object_type, int64_t id,
                              json_t *data, int64_t ts, uint64_t *seq,
                              fz_error *err) {
  char oid[24];
  snprintf(oid, sizeof oid, "%lld", (long long)id);
  if (!data) data = json_object();
  if (!data) return fz_error_set(err, FZ_NOMEM, "", NULL);
  fz_event ev = {actor, action, object_type, oid, data};
  fz_err rc = fz_ledger_append(db, &ev, ts, seq, err);
  json_decref(data);
  return rc;
}
