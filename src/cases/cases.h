/* cases.h — enforcement cases run by the book: 行政处罚 (普通程序, 简易程序),
 * 行政检查 outside random plans and 行政强制 (查封、扣押), with the three
 * systems (三项制度: 公示, 全过程记录, 重大执法决定法制审核; DESIGN §7).
 *
 * A case moves by steps.  Each step is refused, with the article it
 * breaks and nothing written, unless the law allows it now; otherwise it
 * changes the case and appends one ledger event (action "case.<step>") in
 * the caller's transaction (an fz_write_fn).  fz_case_get lists the steps
 * that are legal next, so that a form only offers those.
 *
 * 行政处罚, 普通程序:
 *   lead ─file→ investigating ─notify→ notified [─hearing_request→ hearing
 *   ─hearing→ notified] [─submit_review→ review ─review→ notified]
 *   [─discuss→ notified] ─decide→ decided ─serve→ served [─execute→
 *   executed] ─close→ closed ─archive→ archived
 * 行政处罚, 简易程序: lead ─decide→ served (当场交付, Art. 52) ─execute→ …
 * 行政检查: lead ─inspect→ closed ─archive→ archived
 * 行政强制: lead ─file→ investigating ─seize→ seized [─extend→ seized]
 *   ─release→ closed ─archive→ archived
 * and from lead or investigating, drop (不予立案 / 撤销立案) → dropped.
 * A decided case may be published (publish) and its publication withdrawn
 * (withdraw); evidence may be added until the decision.
 *
 * Who: file, decide, discuss, extend, drop, publish, withdraw — the
 * 部门负责人 (approve_case) of the case's department; review — a 法制审核员
 * (review_legal) holding the legal professional qualification who is not
 * a handler; every other step — a handler of the case, or the head.
 * Times are ms since the epoch passed in; dates are YYYY-MM-DD. */
#ifndef FZ_CASES_H
#define FZ_CASES_H

#include <jansson.h>
#include <stdint.h>

#include "auth/account.h"
#include "core/buf.h"
#include "core/error.h"
#include "store/db.h"

typedef enum fz_case_stage {
  FZ_CASE_LEAD = 0,      /* 线索 */
  FZ_CASE_INVESTIGATING, /* 已立案，调查取证 */
  FZ_CASE_NOTIFIED,      /* 已告知（陈述、申辩、听证） */
  FZ_CASE_HEARING,       /* 当事人要求听证 */
  FZ_CASE_REVIEW,        /* 法制审核中 */
  FZ_CASE_DECIDED,       /* 已决定 */
  FZ_CASE_SERVED,        /* 已送达 */
  FZ_CASE_EXECUTED,      /* 已执行 */
  FZ_CASE_SEIZED,        /* 查封、扣押中 */
  FZ_CASE_CLOSED,        /* 已结案 */
  FZ_CASE_ARCHIVED,      /* 已归档 */
  FZ_CASE_DROPPED,       /* 不予立案 / 撤销立案 */
  FZ_CASE__COUNT
} fz_case_stage;

const char *fz_case_stage_name(fz_case_stage s);  /* "investigating" */
const char *fz_case_stage_label(fz_case_stage s); /* "调查取证" */

/* Opens a case (a lead) from spec:
 *   "kind"          "penalty" | "inspection" | "coercion"
 *   "procedure"     penalty only: "ordinary" (default) | "simple"
 *   "department_id" the 执法主体, in by's scope
 *   "matter_code"   an active 执法事项 of the department's kind
 *   "party_type"    "organisation" | "person"
 *   "party_name"    the party; a person's name is masked on every public
 *                   surface
 *   "entity_code"   统一社会信用代码 (required for an organisation)
 *   "act_date"      the act, or its start when continuing
 *   "act_end_date"  the end of a continuing act, or absent
 *   "discovered_on" when the act was discovered (default today)
 *   "grave_harm"    true when life, health or financial safety is involved
 *                   and there was harm (Art. 36: five years, not two)
 *   "facts"         the facts as found so far (text)
 *   "source"        "complaint" | "plan_entry" | "inspection_task" |
 *                   "referral" | "patrol" | "other"
 *   "source_ref"    the complaint, 涉企检查计划 entry or task it comes from
 *                   (inspection_task: the task's id; its result must have
 *                   found a problem, and the task is linked to the case)
 *   "officers"      [officer ids], required for 简易程序 and 行政检查
 * A penalty case past Art. 36's period is refused with the computation;
 * a 行政检查 citing neither a plan entry nor a complaint is opened but
 * raises a supervision alert.  *id receives the case. */
fz_err fz_case_create(fz_db *db, const fz_principal *by, const json_t *spec,
                      int64_t now, int64_t *id, fz_error *err);

/* Runs step `step` (a name above, or "facts" to update the facts that
 * evaluation reads) on case id with its body; see case steps in step.c for
 * each body.  FZ_CONFLICT when the step is not legal now (the message
 * cites the article), FZ_FORBIDDEN for the wrong person. */
fz_err fz_case_step(fz_db *db, const fz_principal *by, int64_t id,
                    const char *step, const json_t *body, int64_t now,
                    fz_error *err);

/* The case as a new JSON object: its fields, stage (with label), handlers,
 * steps so far (with ledger seq), evidence, deadlines (each with rule,
 * article, due date, state), alerts, and "next_steps": the steps legal now
 * for by, each with its label, or why it is not yet possible. */
fz_err fz_case_get(fz_db *db, const fz_principal *by, int64_t id,
                   const char *today, json_t **out, fz_error *err);
/* The same as JSON text appended to out (what the API answers). */
fz_err fz_case_get_text(fz_db *db, const fz_principal *by, int64_t id,
                        const char *today, fz_buf *out, fz_error *err);

/* Cases in by's scope, newest first: {"items", "next_cursor"}.  Filters
 * in q: stage, kind, department_id, q (text over party and case number). */
typedef struct fz_case_query {
  const char *stage, *kind, *text, *cursor;
  int64_t department_id;
  int limit;
} fz_case_query;
fz_err fz_case_list(fz_db *db, const fz_principal *by, const fz_case_query *q,
                    fz_buf *out, fz_error *err);

/* Evaluates the case's facts against the benchmarks and lists in force
 * (discretion.h), first offence from the party's history for the same
 * matter, at the act date and the decision date (or today). */
fz_err fz_case_evaluate(fz_db *db, const fz_principal *by, int64_t id,
                        const char *today, json_t **out, fz_error *err);

/* Adds an evidence file to case id (as fz_task_evidence in inspect.h). */
fz_err fz_case_evidence(fz_db *db, const fz_principal *by, int64_t id,
                        int fd, unsigned long long size, const char *sm3_hex,
                        const char *name, const char *content_type,
                        int64_t now, int64_t *evidence_id, fz_error *err);
fz_err fz_case_evidence_get(fz_db *db, const fz_principal *by,
                            int64_t evidence_id, void **data, size_t *size,
                            json_t **meta, fz_error *err);

/* Deadlines of the agency in by's scope that are overdue ("overdue") or
 * due within days calendar days ("near") on today: {"items": [{case,
 * department, deadline {rule, due, state, …}}]}; only department_id's
 * when it is > 0, only the cases by handles when mine is 1. */
fz_err fz_case_deadlines(fz_db *db, const fz_principal *by, const char *state,
                         int64_t department_id, int mine, const char *today,
                         int days, fz_buf *out, fz_error *err);

/* Supervision alerts in by's scope, newest first (decisions outside the
 * benchmark, penalties despite a 免罚 hit, inspections without a basis,
 * late withdrawals). */
fz_err fz_case_alerts(fz_db *db, const fz_principal *by, const char *cursor,
                      int limit, fz_buf *out, fz_error *err);

/* Counts for the supervision dashboard, in by's scope: cases by stage and
 * kind, overdue deadlines, lenient-list use (免罚, 从轻, 减轻), decisions
 * outside benchmarks, inspections without a basis. */
fz_err fz_case_stats(fz_db *db, const fz_principal *by, const char *today,
                     json_t **out, fz_error *err);

/* The hearing thresholds (Art. 63 较大数额), set per department kind and
 * party type by the province or department: a list, and an upsert by a
 * holder of manage_registry: {"department_kind", "party_type", "fine",
 * "confiscation", "basis"}. */
fz_err fz_hearing_thresholds(fz_db *db, json_t **out, fz_error *err);
fz_err fz_hearing_threshold_set(fz_db *db, const fz_principal *by,
                                const json_t *spec, int64_t now,
                                fz_error *err);

/* ---- Public (公示) --------------------------------------------------- */

/* Published decisions, newest first, natural persons masked. */
fz_err fz_decision_public_list(fz_db *db, const char *cursor, int limit,
                               json_t **out, fz_error *err);

/* One published (or withdrawn) decision with the seq of its decision and
 * publication events; the API adds their inclusion proofs. */
fz_err fz_decision_public_get(fz_db *db, int64_t id, json_t **out,
                              fz_error *err);

#endif
