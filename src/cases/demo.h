/* demo.h — the enforcement cases of `fazhi demo`: after the registry demo
 * (registry/demo.h), the discretion benchmarks and lenient lists of
 * data/discretion/ are loaded, the demo officers and 法制审核员 get their
 * officer records, hearing thresholds are set for the demo (example
 * figures, to be replaced by the province's or department's), and cases of
 * 沈阳 and 大连 show every stage: a lead, an investigation (one long
 * overdue), a notice within its hearing window, a case awaiting 法制审核,
 * decided and published decisions, 免罚 no-penalty cases, a decision
 * outside its benchmark with its written reason, a 简易程序 fine, a
 * 行政检查 without a basis, a 扣押 extended once, a dropped lead, and a
 * case followed to the archive.
 *
 * Each step is one transaction made by the account that would make it
 * (sy.officer, sy.head, sy.reviewer, …), as the server would, with dates
 * set back from today so that deadlines fall as described.  The cases are
 * made once: the meta key demo.cases marks them done. */
#ifndef FZ_CASES_DEMO_H
#define FZ_CASES_DEMO_H

#include <stdint.h>

#include "core/error.h"
#include "store/db.h"

typedef struct fz_cases_demo_stats {
  int versions;        /* discretion versions made by this run */
  int cases;           /* cases made by this run (0 when made before) */
  int steps;           /* their steps */
  int64_t reviewer_officer; /* sy.reviewer's officer record */
} fz_cases_demo_stats;

/* Loads the discretion data, links the demo officers and reviewers, sets
 * the demo hearing thresholds and, when with_cases is 1, makes the demo
 * cases; outside any transaction.  FZ_NOTFOUND (field "demo.loaded")
 * before the registry demo; otherwise the error of the step that failed,
 * its message prefixed with the case and step (the steps before stay). */
fz_err fz_cases_demo_load(fz_db *db, int with_cases,
                          fz_cases_demo_stats *st, fz_error *err);

#endif
