/* verify.c — recomputing the whole ledger from its rows (fazhi ledger
 * verify): every event, every stored subtree hash, every checkpoint root. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "ledger/ledger.h"

/* Recomputed subtree hashes, kept per level until compared with the rows. */
typedef struct nodes {
  uint8_t (*hash)[FZ_HASH_LEN];
  size_t n, cap;
} nodes;

typedef struct verifier {
  nodes level[FZ_MERKLE_MAX_PATH];
} verifier;

static fz_err keep_node(void *ctx, unsigned level, uint64_t index,
                        const uint8_t hash[FZ_HASH_LEN]) {
  verifier *v = ctx;
  nodes *l = &v->level[level];
  if (index != l->n) return FZ_INTERNAL;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 1024;
    void *p = realloc(l->hash, cap * FZ_HASH_LEN);
    if (!p) return FZ_NOMEM;
    l->hash = p;
    l->cap = cap;
  }
  memcpy(l->hash[l->n++], hash, FZ_HASH_LEN);
  return FZ_OK;
}

static void bad(fz_ledger_report *r, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void bad(fz_ledger_report *r, int64_t seq, const char *fmt, ...) {
  if (!r->ok) return; /* keep the first */
  r->ok = 0;
  r->bad_seq = seq;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->reason, sizeof r->reason, fmt, ap);
  va_end(ap);
}

/* Checks one stored body: canonical, and holding its own seq. */
static void check_body(fz_ledger_report *r, uint64_t seq, const char *body) {
  json_t *v = NULL;
  if (fz_json_parse(body, strlen(body), &v, NULL)) {
    bad(r, (int64_t)seq, "event %llu: the stored body is not JSON",
        (unsigned long long)seq);
    return;
  }
  char *canon = fz_json_canonical(v);
  json_t *s = json_object_get(v, "seq");
  if (!canon || strcmp(canon, body) != 0)
    bad(r, (int64_t)seq, "event %llu: the stored body is not in canonical "
        "form (edited by hand?)", (unsigned long long)seq);
  else if (!json_is_integer(s) || (uint64_t)json_integer_value(s) != seq)
    bad(r, (int64_t)seq, "event %llu: the body says seq %lld (events "
        "reordered?)", (unsigned long long)seq,
        json_is_integer(s) ? (long long)json_integer_value(s) : -1LL);
  free(canon);
  json_decref(v);
}

/* Compares the stored subtree hashes with the recomputed ones. */
static fz_err check_nodes(fz_db *db, verifier *v, fz_ledger_report *r,
                          fz_error *err) {
  fz_stmt *st = NULL;
  fz_err rc = fz_db_prepare(db, "SELECT level, idx, hash FROM ledger_node "
                            "ORDER BY level, idx", &st, err);
  if (rc) return rc;
  size_t seen[FZ_MERKLE_MAX_PATH] = {0};
  int s;
  while ((s = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    int64_t level = fz_stmt_column_int64(st, 0), idx = fz_stmt_column_int64(st, 1);
    size_t len = 0;
    const uint8_t *h = fz_stmt_column_blob(st, 2, &len);
    if (level < 0 || level >= FZ_MERKLE_MAX_PATH || idx < 0 ||
        (uint64_t)idx >= v->level[level].n) {
      bad(r, -1, "a stored subtree hash (level %lld, index %lld) covers "
          "events that do not exist", (long long)level, (long long)idx);
      continue;
    }
    seen[level]++;
    if (len != FZ_HASH_LEN || memcmp(h, v->level[level].hash[idx], FZ_HASH_LEN))
      bad(r, idx << level, "the stored subtree hash of events %lld..%lld "
          "does not match them", (long long)(idx << level),
          (long long)(((idx + 1) << level) - 1));
  }
  fz_stmt_finalize(st);
  if (s != FZ_STEP_DONE) return (fz_err)s;
  for (int l = 0; l < FZ_MERKLE_MAX_PATH; l++)
    if (seen[l] != v->level[l].n)
      bad(r, -1, "%zu of %zu subtree hashes at level %d are missing",
          v->level[l].n - seen[l], v->level[l].n, l);
  return FZ_OK;
}

fz_err fz_ledger_verify(fz_db *db, fz_ledger_report *r, fz_error *err) {
  memset(r, 0, sizeof *r);
  r->ok = 1;
  r->bad_seq = -1;
  fz_hash_alg alg;
  fz_err rc = fz_ledger_alg(db, &alg, err);
  if (rc) return rc;

  /* Checkpoints, by size, compared as the stream passes their size. */
  fz_stmt *st = NULL;
  size_t ncp = 0, cap = 0, next = 0;
  struct cp { uint64_t size; uint8_t root[FZ_HASH_LEN]; int ok; } *cps = NULL;
  verifier *v = calloc(1, sizeof *v);
  if (!v) return fz_error_set(err, FZ_NOMEM, "", NULL);
  rc = fz_db_prepare(db, "SELECT size, root FROM ledger_checkpoint ORDER BY "
                     "size", &st, err);
  int s = rc ? FZ_DB : FZ_STEP_DONE;
  while (!rc && (s = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    if (ncp == cap) {
      cap = cap ? cap * 2 : 16;
      void *p = realloc(cps, cap * sizeof *cps);
      if (!p) { rc = fz_error_set(err, FZ_NOMEM, "", NULL); break; }
      cps = p;
    }
    size_t len = 0;
    const void *root = fz_stmt_column_blob(st, 1, &len);
    cps[ncp].size = (uint64_t)fz_stmt_column_int64(st, 0);
    cps[ncp].ok = len == FZ_HASH_LEN;
    if (cps[ncp].ok) memcpy(cps[ncp].root, root, FZ_HASH_LEN);
    ncp++;
  }
  fz_stmt_finalize(st);
  st = NULL;
  if (!rc && s != FZ_STEP_DONE) rc = (fz_err)s;
  if (rc) goto out;

  fz_merkle_stream ms;
  fz_merkle_stream_init(&ms, alg);
  uint8_t root[FZ_HASH_LEN];
  fz_merkle_stream_root(&ms, root);
  while (next < ncp && cps[next].size == 0) { /* an empty log's checkpoint */
    if (!cps[next].ok || memcmp(root, cps[next].root, FZ_HASH_LEN))
      bad(r, -1, "the checkpoint of size 0 does not match the empty tree");
    else r->checkpoints++;
    next++;
  }
  if ((rc = fz_db_prepare(db, "SELECT seq, body, leaf_hash FROM ledger_event "
                          "ORDER BY seq", &st, err)))
    goto out;
  uint64_t prev_cp = 0;
  while ((s = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    uint64_t seq = (uint64_t)fz_stmt_column_int64(st, 0);
    const char *body = fz_stmt_column_text(st, 1);
    size_t len = 0;
    const uint8_t *stored = fz_stmt_column_blob(st, 2, &len);
    if (seq != r->events) {
      bad(r, (int64_t)r->events, "event %llu is missing (the next stored is "
          "%llu): deleted?", (unsigned long long)r->events,
          (unsigned long long)seq);
      break;
    }
    uint8_t leaf[FZ_HASH_LEN];
    fz_merkle_leaf_hash(alg, body, strlen(body), leaf);
    if (len != FZ_HASH_LEN || memcmp(leaf, stored, FZ_HASH_LEN))
      bad(r, (int64_t)seq, "event %llu: its body does not hash to the stored "
          "leaf hash (edited?)", (unsigned long long)seq);
    check_body(r, seq, body);
    if ((rc = fz_merkle_stream_push(&ms, leaf, keep_node, v))) {
      fz_error_set(err, rc, "", "out of memory verifying event %llu",
                   (unsigned long long)seq);
      goto out;
    }
    r->events++;
    while (next < ncp && cps[next].size == r->events) {
      fz_merkle_stream_root(&ms, root);
      if (!cps[next].ok || memcmp(root, cps[next].root, FZ_HASH_LEN))
        bad(r, (int64_t)prev_cp, "the events do not match the signed "
            "checkpoint of size %llu: an event among seq %llu..%llu was "
            "altered, added or removed", (unsigned long long)cps[next].size,
            (unsigned long long)prev_cp, (unsigned long long)r->events - 1);
      else r->checkpoints++;
      prev_cp = r->events;
      next++;
    }
  }
  if (s != FZ_STEP_DONE && s != FZ_STEP_ROW) {
    rc = (fz_err)s;
    goto out;
  }
  if (next < ncp)
    bad(r, (int64_t)r->events, "a checkpoint of size %llu exists but only "
        "%llu events are stored: events were deleted",
        (unsigned long long)cps[next].size, (unsigned long long)r->events);
  fz_merkle_stream_root(&ms, r->root);
  fz_stmt_finalize(st);
  st = NULL;
  rc = check_nodes(db, v, r, err);
out:
  fz_stmt_finalize(st);
  for (int l = 0; l < FZ_MERKLE_MAX_PATH; l++) free(v->level[l].hash);
  free(v);
  free(cps);
  return rc;
}
