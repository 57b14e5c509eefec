/* draw.h — the verifiable draw of 双随机 (DESIGN §5), with no database:
 * from frozen pools, the participants' secrets and an optional public
 * value, the seed; from the seed, every entity's ticket, the n smallest
 * tickets of each stratum, and the inspection teams; and the draw record
 * that anyone can recompute (fz_draw_verify, `fazhi draw verify`, the
 * portal).
 *
 * Bytes, exactly (DESIGN §5.5): SM3 over raw bytes; the commitment C and
 * the secrets as 32 raw bytes; the public value as UTF-8; "fz-draw-v1",
 * "E", "O" as ASCII; codes and officer ids (decimal) as ASCII.
 *
 *   seed      = SM3("fz-draw-v1" ‖ C ‖ secret_1 ‖ … ‖ secret_k ‖ public_value)
 *   ticket(e) = SM3(seed ‖ "E" ‖ code(e))
 *   rank(o,e) = SM3(seed ‖ "O" ‖ code(e) ‖ officer_id)
 *
 * A pool digest is SM3 over the pool's lines, each followed by "\n": the
 * codes of a stratum in ascending byte order; the officer ids of the
 * inspector pool in ascending numeric order; the conflicts as
 * "<officer_id> <code>" sorted by officer id, then code. */
#ifndef FZ_INSPECT_DRAW_H
#define FZ_INSPECT_DRAW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define FZ_DRAW_ALGO "fz-draw-v1"
#define FZ_DRAW_HASH 32   /* bytes of SM3 */
#define FZ_DRAW_CODE 18   /* characters of a 统一社会信用代码 */
#define FZ_DRAW_LINE 19   /* a pool line: the code and "\n" */
#define FZ_DRAW_MAX_TEAM 16
#define FZ_DRAW_MAX_SECRETS 16
#define FZ_DRAW_MAX_STRATA 16
#define FZ_DRAW_MAX_DEPARTMENTS 16
#define FZ_DRAW_INLINE_MAX 100000 /* pools larger than this are linked */

/* One stratum's frozen pool: pool_size lines of FZ_DRAW_LINE bytes, the
 * codes in strictly ascending byte order — exactly the digested bytes. */
typedef struct fz_draw_stratum {
  const char *key;  /* "A", "B", … or "全部" (UTF-8, ≤ 32 bytes) */
  const char *pool; /* pool_size * FZ_DRAW_LINE bytes */
  size_t pool_size;
  size_t n; /* how many to take, ≤ pool_size (fz_draw_take) */
} fz_draw_stratum;

typedef struct fz_draw_officer {
  int64_t id;            /* > 0 */
  int64_t department_id; /* > 0 */
} fz_draw_officer;

typedef struct fz_draw_conflict {
  int64_t officer_id;
  char code[FZ_DRAW_CODE + 1];
} fz_draw_conflict;

/* Everything the draw depends on.  All pointers are borrowed. */
typedef struct fz_draw_input {
  uint8_t commitment[FZ_DRAW_HASH]; /* C: the commit event's leaf hash */
  const uint8_t (*secrets)[FZ_DRAW_HASH]; /* in commitment order */
  size_t nsecrets;                        /* 1..FZ_DRAW_MAX_SECRETS */
  const char *public_value;               /* NULL when none was named */
  const fz_draw_stratum *strata;
  size_t nstrata; /* 1..FZ_DRAW_MAX_STRATA, keys distinct */
  /* The inspector pool, ascending by id (ids distinct). */
  const fz_draw_officer *officers;
  size_t nofficers;
  /* A joint plan's departments (部门联合抽查): each task first takes one
   * officer from each, in this order.  ndepartments ≤ 1: not joint. */
  const int64_t *departments;
  size_t ndepartments;
  const fz_draw_conflict *conflicts; /* any order */
  size_t nconflicts;
  int team_size;   /* 2..FZ_DRAW_MAX_TEAM, ≥ ndepartments */
  int officer_cap; /* most tasks one officer takes in this draw, ≥ 1 */
  int threads;     /* for the tickets; ≤ 0: one per core */
} fz_draw_input;

/* One selected entity. */
typedef struct fz_draw_pick {
  uint32_t stratum; /* index into in->strata */
  uint32_t index;   /* line in that stratum's pool */
  uint8_t ticket[FZ_DRAW_HASH];
} fz_draw_pick;

typedef struct fz_draw_result {
  uint8_t seed[FZ_DRAW_HASH];
  /* Every selected entity, all strata together, ascending by ticket (ties
   * by code): the order in which teams are made. */
  fz_draw_pick *picks;
  size_t npicks;
  /* npicks rows of team_size officer ids: for pick i, team[i * team_size
   * + j], in the order they were taken (a joint plan's departments first,
   * then by rank).  An unstaffed pick's row is all 0. */
  int64_t *team;
  int team_size;
  size_t nunstaffed;
} fz_draw_result;

/* How many a stratum takes: count when count ≥ 0 (at most pool_size),
 * else ceil(ratio · pool_size) for ratio a decimal string "0", "1",
 * "0.3", "0.015" (at most 6 decimals, within [0, 1]), computed exactly in
 * integers.  FZ_INVALID with field "ratio" (out of [0, 1], not a decimal)
 * or "count". */
fz_err fz_draw_take(long long count, const char *ratio, size_t pool_size,
                    size_t *n, fz_error *err);

/* seed = SM3("fz-draw-v1" ‖ C ‖ secrets… ‖ public_value). */
void fz_draw_seed(const uint8_t commitment[FZ_DRAW_HASH],
                  const uint8_t (*secrets)[FZ_DRAW_HASH], size_t nsecrets,
                  const char *public_value, uint8_t seed[FZ_DRAW_HASH]);

/* commit = SM3(secret): what a participant submits before the reveal. */
void fz_draw_commit_of(const uint8_t secret[FZ_DRAW_HASH],
                       uint8_t commit[FZ_DRAW_HASH]);

/* ticket(e) and rank(o, e) as above; code is len ASCII bytes. */
void fz_draw_ticket(const uint8_t seed[FZ_DRAW_HASH], const char *code,
                    size_t len, uint8_t out[FZ_DRAW_HASH]);
void fz_draw_rank(const uint8_t seed[FZ_DRAW_HASH], const char *code,
                  size_t len, int64_t officer_id, uint8_t out[FZ_DRAW_HASH]);

/* SM3 over lines (each followed by "\n" already, len bytes in all). */
void fz_draw_digest(const void *lines, size_t len,
                    uint8_t out[FZ_DRAW_HASH]);

/* Checks a stratum pool: pool_size lines of 18 characters [0-9A-Z]
 * and "\n", strictly ascending.  FZ_INVALID naming the first bad line. */
fz_err fz_draw_pool_check(const char *pool, size_t pool_size,
                          fz_error *err);

/* Runs the draw (steps 2–4 of DESIGN §5): the seed; in each stratum the n
 * entities with the smallest tickets (256-bit big-endian, ties by code);
 * then, walking all selected entities in ticket order, the team of each:
 * the eligible officers (in the pool, not in conflict with the entity,
 * fewer than officer_cap tasks so far) ordered by rank, a joint plan's
 * departments served first (the best-ranked eligible officer of each, in
 * the order of in->departments), then the best-ranked of the rest up to
 * team_size.  A task that cannot be fully staffed takes no one and counts
 * as unstaffed — it is never dropped.  Tickets are computed on
 * in->threads threads; the result does not depend on how many.
 * FZ_INVALID (a bad input, naming it), FZ_NOMEM.  The caller frees *out
 * with fz_draw_result_free. */
fz_err fz_draw_run(const fz_draw_input *in, fz_draw_result *out,
                   fz_error *err);
void fz_draw_result_free(fz_draw_result *r);

/* ---- The draw record (DESIGN §5.6) ------------------------------------ */

/* What the record says besides the draw's inputs and results. */
typedef struct fz_draw_meta {
  int64_t plan_id;
  const char *hash;            /* the ledger's hash: "sm3" or "sha256" */
  uint64_t commit_seq;         /* the commit event's ledger seq */
  const char *commit_event;    /* its canonical JSON (leaf = H(0x00‖it)) */
  const char *const *participants; /* nsecrets names ("user:12 司法局") */
  const uint8_t (*commits)[FZ_DRAW_HASH]; /* nsecrets, commitment order */
  const char *const *ratios;   /* per stratum: the ratio text, or NULL */
  const long long *counts;     /* per stratum: the count, or -1 */
  const uint8_t (*pool_digests)[FZ_DRAW_HASH]; /* per stratum, as the
                                  commitment bound them; NULL: computed
                                  from the pools */
  const char *pool_url;        /* printf pattern with %s for the stratum
                                  key, for pools not inlined; may be NULL */
  size_t inline_max;           /* inline pools up to this size */
} fz_draw_meta;

/* The record as a new JSON object:
 *   {"algo": "fz-draw-v1", "plan_id",
 *    "commitment": {"seq", "leaf_hash", "hash", "event"},
 *    "reveals": [{"participant", "commit", "secret"}],
 *    "public_value": string or null, "seed",
 *    "strata": [{"key", "ratio" | "count", "pool_size", "pool_digest", "n",
 *                "pool": [codes] or null, "pool_url" (when not inline),
 *                "selected": [{"code", "ticket"}]}],      (ticket order)
 *    "inspectors": {"pool_size", "pool_digest", "pool": [ids],
 *                   "departments": [department of each pool id]},
 *    "conflicts": [{"officer", "code"}], "conflicts_digest",
 *    "departments": [ids], "team_size", "officer_cap",
 *    "teams": [{"code", "officers": [ids]}],   (ticket order, staffed only)
 *    "unstaffed": [codes]}                     (ticket order)
 * Hashes in lower-case hex.  NULL when out of memory. */
json_t *fz_draw_record(const fz_draw_meta *meta, const fz_draw_input *in,
                       const fz_draw_result *res);

/* The commit event (ledger action "plan.commit") carries in its data, among
 * the plan's own fields, what the draw is bound to; fz_draw_verify reads
 * these members of "data" and nothing else:
 *   "commits": [{"participant", "commit"}]   (commitment order)
 *   "public_value_source": string or null  (the announced public value:
 *                                           the record has a public value
 *                                           exactly when this is not null)
 *   "strata": [{"key", "pool_size", "pool_digest", "n"}]
 *   "inspectors": {"pool_size", "pool_digest"}, "conflicts_digest",
 *   "departments": [ids], "team_size", "officer_cap". */

/* Finds the lines of a stratum pool that a record links to rather than
 * inlines: fills *pool (malloc'd; the verifier frees it) and *size.
 * FZ_NOTFOUND when the caller has no such pool. */
typedef fz_err (*fz_draw_pool_fn)(void *ctx, const char *key, char **pool,
                                  size_t *size, fz_error *err);

/* Recomputes a record from its own contents: the commit event's leaf hash
 * and that the event commits to the record's commits, pool digests, sizes,
 * n, team size, cap, departments and conflicts; every reveal against its
 * commit; the seed; every pool's order and digest; each stratum's n from
 * its ratio or count; the selection with its tickets; the teams and the
 * unstaffed list.  Returns FZ_OK when everything matches; otherwise
 * FZ_INVALID with err->message the first difference ("strata[1].selected[3]
 * .ticket: record says …, recomputed …") and err->field its JSON path.
 * Pools not inline come from pool_fn (may be NULL: then they are missing). */
fz_err fz_draw_verify(const json_t *record, fz_draw_pool_fn pool_fn,
                      void *ctx, fz_error *err);

#endif
