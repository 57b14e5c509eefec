/* ledger.h — the tamper-evident ledger (执法全过程记录, 行政处罚法 Art. 47):
 * every change to the platform's state appends one event, in the same
 * database transaction as the change, to an RFC 9162 Merkle log that
 * outsiders can verify (DESIGN §4). */
#ifndef FZ_LEDGER_H
#define FZ_LEDGER_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "ledger/merkle.h"
#include "store/db.h"

/* What happened, by whom, to what.  Strings are borrowed; data is an
 * object (or NULL for {}) of strings, integers, booleans, null, arrays and
 * objects — never real numbers, so that the canonical form is exact. */
typedef struct fz_event {
  const char *actor;       /* "user:12", "token:3", "system", "cli" */
  const char *action;      /* dotted: "auth.login", "ledger.checkpoint" */
  const char *object_type; /* "user", "entity", "plan", … */
  const char *object_id;
  json_t *data;
} fz_event;

/* The hash algorithm of this database's ledger, fixed when it was created
 * (meta "ledger.hash"; SM3 unless `fazhi init --ledger-hash sha256`). */
fz_err fz_ledger_alg(fz_db *db, fz_hash_alg *alg, fz_error *err);

/* Fixes the algorithm of a new ledger.  FZ_CONFLICT if the ledger already
 * has another one (it can never change); FZ_OK if it has this one. */
fz_err fz_ledger_set_alg(fz_db *db, fz_hash_alg alg, fz_error *err);

/* The canonical JSON of an event at seq and ts (ms since the epoch):
 * {"action","actor","data","object":{"id","type"},"seq","ts"}, keys
 * sorted, no insignificant whitespace.  Returns a malloc'd string (the
 * caller frees) or NULL with *err filled (a real number in data, a field
 * missing or not a string, out of memory). */
char *fz_event_canonical(const fz_event *ev, uint64_t seq, int64_t ts,
                         fz_error *err);

/* Appends ev as the next event.  Must run inside the caller's open
 * transaction (fz_db_begin), together with the change it records, so that
 * both commit or neither does; FZ_INVALID otherwise.  ts 0 means now.
 * *seq (may be NULL) receives the event's sequence number. */
fz_err fz_ledger_append(fz_db *db, const fz_event *ev, int64_t ts,
                        uint64_t *seq, fz_error *err);

/* Appends an event by actor about object_type number id, whose data is
 * stolen (NULL: {}), like fz_ledger_append. */
fz_err fz_ledger_append_about(fz_db *db, const char *actor, const char *action,
                              const char *object_type, int64_t id,
                              json_t *data, int64_t ts, uint64_t *seq,
                              fz_error *err);

/* The number of events (the tree size). */
fz_err fz_ledger_size(fz_db *db, uint64_t *size, fz_error *err);

/* The root of the first `size` events, from the stored subtree hashes. */
fz_err fz_ledger_root(fz_db *db, fz_hash_alg alg, uint64_t size,
                      uint8_t root[FZ_HASH_LEN], fz_error *err);

/* A fz_merkle_get over this database's stored subtree hashes; ctx is the
 * fz_db.  For proofs: fz_merkle_inclusion(alg, fz_ledger_node_get, db, …). */
fz_err fz_ledger_node_get(void *db, unsigned level, uint64_t index,
                          uint8_t out[FZ_HASH_LEN]);

/* What fz_ledger_verify found. */
typedef struct fz_ledger_report {
  uint64_t events;         /* events read */
  uint64_t checkpoints;    /* checkpoints whose root matched */
  int ok;                  /* 1 when everything matched */
  int64_t bad_seq;         /* the first bad event, or -1 */
  char reason[512];        /* what did not match, when !ok */
  uint8_t root[FZ_HASH_LEN];
} fz_ledger_report;

/* Recomputes the whole ledger from its rows: contiguous seqs from 0, each
 * body canonical and holding its own seq, each leaf hash, every stored
 * subtree hash, and the root of every stored checkpoint.  The signatures of
 * checkpoints are checked by the caller, who holds the key.  Returns FZ_OK
 * with report->ok telling the verdict, or an error when the rows cannot be
 * read at all. */
fz_err fz_ledger_verify(fz_db *db, fz_ledger_report *report, fz_error *err);

#endif
