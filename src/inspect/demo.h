/* demo.h — the random inspections of `fazhi demo` (双随机、一公开): after the
 * registry demo (registry/demo.h), the demo accounts sy.officer and
 * dl.officer get an officer record, and three plans show every stage a
 * plan goes through:
 *
 *   A  沈阳 market and ecology, a joint plan (部门联合抽查) stratified by
 *      credit grade, three participants and an announced public value:
 *      committed, revealed, drawn, every staffed task with a result, and
 *      published on time.
 *   B  大连 market: committed, one participant revealed, the others still
 *      to reveal.
 *   C  沈阳 food retail by risk level, its window long past: drawn with no
 *      result, so that it is overdue on the supervision list.
 *
 * Every step is one transaction, made by the account that would make it
 * (the head, each participant, the supervisor, the officer of a team), as
 * the server would.  Secrets come from the demo seed (SM3 of a label), so
 * the same seed gives the same commitments; the draw's seed binds the
 * commit event too, its time included, so the same selection needs the
 * same data and a fixed clock (opts.now), as the tests use.
 *
 * The windows are set back from today so that A is published on time and
 * C is overdue (and set back further when the publication deadline,
 * computed at the draw, would fall in a year whose calendar is not loaded).
 *
 * The steps are idempotent: a plan is found again through the meta key
 * demo.plan.<A|B|C> and only the steps it still lacks are made, so a run
 * cut short can be completed by running again. */
#ifndef FZ_INSPECT_DEMO_H
#define FZ_INSPECT_DEMO_H

#include <stdint.h>

#include "core/error.h"
#include "inspect/inspect.h"
#include "store/db.h"

#define FZ_INSPECT_DEMO_PLANS 3

typedef struct fz_inspect_demo_opts {
  uint64_t seed;     /* the demo's seed: the participants' secrets */
  const char *today; /* "YYYY-MM-DD" the windows are relative to; NULL =
                        the date of now (北京时间) */
  int64_t now;       /* ms since the epoch of the first step (each later
                        step a millisecond after); 0 = the clock */
} fz_inspect_demo_opts;

/* A demo account linked to an officer record. */
typedef struct fz_inspect_demo_link {
  char username[33];
  int64_t officer_id; /* 0 when the account or a certified officer is missing */
  char officer[64];   /* his name */
  char cert_no[32];
  int made;           /* 1 if this run linked him, 0 if he was already */
  int64_t tasks, open; /* tasks on his teams; of them without a result */
} fz_inspect_demo_link;

/* One demo plan as it stands after the run. */
typedef struct fz_inspect_demo_plan {
  char key;   /* 'A', 'B', 'C' */
  int64_t id; /* 0 when skipped */
  char name[256];
  const char *skipped; /* why it was not made (no entities), or NULL */
  fz_plan_status status;
  char window_from[11], window_to[11], publish_due[11];
  int overdue; /* results unpublished past publish_due */
  int participants, committed, revealed;
  int64_t pool;   /* entities in its frozen pools */
  int64_t tasks;  /* drawn */
  int64_t unstaffed, results;
  int steps;      /* steps this run made */
} fz_inspect_demo_plan;

typedef struct fz_inspect_demo_stats {
  fz_inspect_demo_link links[2];
  fz_inspect_demo_plan plans[FZ_INSPECT_DEMO_PLANS];
} fz_inspect_demo_stats;

/* Links the officers and makes (or completes) plans A, B and C in db, where
 * fz_demo_load has put the registry demo; outside any transaction (each
 * step opens its own).  A plan whose region holds no entity in its pool
 * (`fazhi demo --entities 0`) is skipped, with the reason in its skipped.
 * *st describes what is there afterwards, also on error (as far as the
 * run came).  FZ_NOTFOUND (field "demo.loaded") before the registry demo;
 * otherwise the error of the step that failed, which is rolled back, its
 * message prefixed with the plan and the step; the steps before it stay. */
fz_err fz_inspect_demo_load(fz_db *db, const fz_inspect_demo_opts *o,
                            fz_inspect_demo_stats *st, fz_error *err);

#endif
