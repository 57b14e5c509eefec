/* inspect.h — 双随机、一公开: random inspection from plan to published
 * result (seeds 004 items 10–11; DESIGN §5; LAW.md 双随机).
 *
 * A plan moves through
 *   draft → committed → revealed → drawn → in_progress → results_recorded
 *   → published
 * and every step is one ledger event in the caller's transaction (an
 * fz_write_fn), refused with a specific field and reason otherwise, and
 * nothing changes when it is refused.  Permission and data scope are
 * checked here: a plan lies in the scope of each of its departments; a
 * user outside all of them gets FZ_NOTFOUND.
 *
 *   plan.create / plan.update     draft only (部门负责人 of the lead
 *                                 department: approve_case)
 *   plan.participant_commit       each participant once, in draft
 *   plan.commit                   freezes the pools; once (DESIGN §5.1)
 *   plan.reveal                   each participant, after commitment
 *   plan.public_value             the announced value, once
 *   plan.draw                     after every reveal (and the public value)
 *   task.result / task.evidence   an officer of the team, or the head
 *   task.replace                  the head, with a reason
 *   plan.publish                  the head, when every staffed task has a
 *                                 result
 *
 * Times are ms since the epoch, passed in so tests drive the clock; dates
 * are YYYY-MM-DD. */
#ifndef FZ_INSPECT_H
#define FZ_INSPECT_H

#include <jansson.h>
#include <stdint.h>

#include "auth/account.h"
#include "core/error.h"
#include "store/db.h"

/* Plan states, in order. */
typedef enum fz_plan_status {
  FZ_PLAN_DRAFT = 0,
  FZ_PLAN_COMMITTED,
  FZ_PLAN_REVEALED,
  FZ_PLAN_DRAWN,
  FZ_PLAN_IN_PROGRESS,
  FZ_PLAN_RESULTS_RECORDED,
  FZ_PLAN_PUBLISHED,
  FZ_PLAN__COUNT
} fz_plan_status;

const char *fz_plan_status_name(fz_plan_status s);  /* "draft" */
const char *fz_plan_status_label(fz_plan_status s); /* "草稿" */
fz_err fz_plan_status_parse(const char *name, fz_plan_status *s,
                            fz_error *err);

/* The standard result categories of a random inspection, as published;
 * NULL-terminated. */
extern const char *const fz_inspect_results[];

/* ---- Plans ---------------------------------------------------------------- */

/* Creates a draft from spec, a JSON object:
 *   "name"                 text, required
 *   "departments"          [ids], required; the first leads; two or more
 *                          make a joint plan (部门联合抽查)
 *   "items"                [抽查事项 codes], required, active, each of the
 *                          kind of one of the departments
 *   "pool_region"          GB/T 2260 prefix (2, 4 or 6 digits); default the
 *                          lead department's region
 *   "pool_kind"            entity kind, default any
 *   "pool_industry"        GB/T 4754 'C' or 'C13', default any
 *   "pool_status"          default "存续"
 *   "stratify_by"          "credit_grade" | "risk_level" | "none"
 *   "strata"               [{"key", "ratio": "0.05"} or {"key", "count": n}]
 *                          keys: grades A–D, risk levels, "未评级" for
 *                          entities without one; "全部" when stratify_by is none
 *   "team_size"            ≥ 2 (行政处罚法 Art. 42), default 2
 *   "officer_cap"          most tasks per officer, default 0 = computed
 *   "entity_cap"           inspections of one entity per department per
 *                          year, default the setting inspect_entity_cap
 *   "inspector_area"       an enforcement area officers must hold, or ""
 *   "window_from", "window_to"  the inspection window, required
 *   "participants"         [user ids], required: at least one user of a
 *                          plan department and one 执法监督员 (supervisor)
 *   "public_value_source"  the announced future public value, or null
 * and appends plan.create.  *id receives the plan. */
fz_err fz_plan_create(fz_db *db, const fz_principal *by, const json_t *spec,
                      int64_t now, int64_t *id, fz_error *err);

/* Changes the members of spec (as above) of a draft plan: FZ_CONFLICT once
 * it is committed (the draw is bound to it), or once any participant has
 * committed when the participants change. */
fz_err fz_plan_update(fz_db *db, const fz_principal *by, int64_t id,
                      const json_t *spec, int64_t now, fz_error *err);

/* The plan as a new JSON object: its fields, status (with label), the
 * departments, participants (commit, and secret once revealed), strata
 * (pool sizes, digests and n after commitment), the task counts by result,
 * the publication deadline and whether it is overdue on today. */
fz_err fz_plan_get(fz_db *db, const fz_principal *by, int64_t id,
                   const char *today, json_t **out, fz_error *err);

/* Plans in by's scope, newest first: {"items": [...], "next_cursor"}.
 * status may be NULL; cursor is the last id seen or NULL; limit 1..200. */
fz_err fz_plan_list(fz_db *db, const fz_principal *by, const char *status,
                    const char *cursor, int limit, json_t **out,
                    fz_error *err);

/* ---- Commitment, reveal, draw (DESIGN §5) ------------------------------- */

/* A participant's commitment SM3(secret), 64 hex digits.  Only the
 * participant himself, once, while the plan is a draft. */
fz_err fz_plan_participant_commit(fz_db *db, const fz_principal *by,
                                  int64_t id, const char *commit_hex,
                                  int64_t now, fz_error *err);

/* The pools a commitment freezes, read before the write so that the write
 * is short. */
typedef struct fz_plan_frozen fz_plan_frozen;

/* Reads plan id's entity pools (filtered, at the annual cap left out,
 * stratified and sorted) and inspector pool (officers of the plan's
 * departments, not 辅助人员, certificate valid over the whole window,
 * holding the area) with their conflicts, on a read connection. */
fz_err fz_plan_freeze(fz_db *db, const fz_principal *by, int64_t id,
                      int64_t now, fz_plan_frozen **out, fz_error *err);
void fz_plan_frozen_free(fz_plan_frozen *f);

/* Commits plan id with the pools of f: refuses a second commitment, a
 * participant without a commitment, an empty pool, a stratum with n = 0
 * everywhere, fewer officers than a team (or a joint department with
 * none); stores the pools; appends plan.commit whose data binds the draw
 * (draw.h); the plan is committed.  FZ_CONFLICT when the plan changed
 * since f was read. */
fz_err fz_plan_commit(fz_db *db, const fz_principal *by, int64_t id,
                      const fz_plan_frozen *f, int64_t now, fz_error *err);

/* A participant reveals his secret (64 hex digits): refused unless SM3 of
 * it equals his commitment.  When every secret is in (and the public value,
 * if one was announced) the plan is revealed. */
fz_err fz_plan_reveal(fz_db *db, const fz_principal *by, int64_t id,
                      const char *secret_hex, int64_t now, fz_error *err);

/* Records the announced public value (UTF-8, ≤ 256 bytes), once, after
 * commitment; by the plan's head or a supervisor. */
fz_err fz_plan_public_value(fz_db *db, const fz_principal *by, int64_t id,
                            const char *value, int64_t now, fz_error *err);

/* Draws a revealed plan: seed, selection, teams (draw.h), one task per
 * selected entity, the draw record, the publication deadline
 * (inspection.publish from window_to); appends plan.draw. */
fz_err fz_plan_draw(fz_db *db, const fz_principal *by, int64_t id,
                    int64_t now, fz_error *err);

/* ---- Tasks and results ---------------------------------------------------- */

/* Tasks as {"items": [...], "next_cursor"}: of plan_id (0 = any plan in
 * scope); mine = 1 for those whose team holds by's officer record; status
 * "open" | "done" | "unstaffed" | NULL.  Each with the entity's name and
 * region, the team (names and certificate numbers), result and evidence. */
fz_err fz_task_list(fz_db *db, const fz_principal *by, int64_t plan_id,
                    int mine, const char *status, const char *cursor,
                    int limit, json_t **out, fz_error *err);
fz_err fz_task_get(fz_db *db, const fz_principal *by, int64_t id,
                   json_t **out, fz_error *err);

/* Records the result (one of fz_inspect_results) and notes of a task, by
 * an officer of its team or the plan's head; a result may be corrected
 * until the plan is published.  Moves the plan to in_progress, and to
 * results_recorded when every staffed task has one. */
fz_err fz_task_result(fz_db *db, const fz_principal *by, int64_t id,
                      const char *result, const char *notes, int64_t now,
                      fz_error *err);

/* Adds an evidence file (its bytes at fd, size, SM3 hex as the upload
 * computed it) to a task; name and content_type as sent.  *evidence_id
 * receives it.  The event carries the SM3. */
fz_err fz_task_evidence(fz_db *db, const fz_principal *by, int64_t id,
                        int fd, unsigned long long size, const char *sm3_hex,
                        const char *name, const char *content_type,
                        int64_t now, int64_t *evidence_id, fz_error *err);

/* Opens an evidence file: its bytes into *data (malloc'd) and metadata
 * into *meta (new JSON: name, content_type, size, sm3). */
fz_err fz_task_evidence_get(fz_db *db, const fz_principal *by,
                            int64_t evidence_id, void **data, size_t *size,
                            json_t **meta, fz_error *err);

/* Replaces officer_id on task id (illness, a conflict found late): the
 * reason is required; the replacement is the best-ranked remaining
 * eligible officer of the frozen pool by the draw's own rule (a joint
 * plan's missing department first); *replacement receives him.
 * FZ_CONFLICT when no one is eligible. */
fz_err fz_task_replace(fz_db *db, const fz_principal *by, int64_t id,
                       int64_t officer_id, const char *reason, int64_t now,
                       int64_t *replacement, fz_error *err);

/* Links task id to the enforcement case case_no that its result opened
 * (in the caller's transaction, by whoever opens the case): the task must
 * be in by's scope, have a result other than 未发现问题, and no case yet;
 * the entity of the case must be the task's (entity_code).  Appends
 * task.case.  FZ_CONFLICT naming "source_ref" otherwise. */
fz_err fz_task_link_case(fz_db *db, const fz_principal *by, int64_t id,
                         const char *entity_code, const char *case_no,
                         int64_t now, fz_error *err);

/* Publishes the results of a plan (一公开). */
fz_err fz_plan_publish(fz_db *db, const fz_principal *by, int64_t id,
                       int64_t now, fz_error *err);

/* For supervision: plans in scope whose results are unpublished, with
 * their deadline, sorted by it; overdue ones (deadline before today)
 * flagged.  {"items": [...]} */
fz_err fz_plan_overdue(fz_db *db, const fz_principal *by, const char *today,
                       json_t **out, fz_error *err);

/* ---- Public (no login) ---------------------------------------------------- */

/* Plans with a commitment: {"items": [{"id", "name", "status", departments,
 * window, "drawn": bool, …}], "next_cursor"}. */
fz_err fz_draw_public_list(fz_db *db, const char *cursor, int limit,
                           json_t **out, fz_error *err);

/* The draw record of plan id (draw.h) as stored at the draw, pools over
 * FZ_DRAW_INLINE_MAX linked to /api/v1/public/draws/{id}/pools/{key}, with
 * "replacements" (each task.replace since: code, out, in, reason, seq)
 * added; before the draw, the commitment so far (the commit event, commits,
 * secrets revealed, pool digests) with "drawn": false. */
fz_err fz_draw_public_get(fz_db *db, int64_t id, json_t **out, fz_error *err);

/* The lines of a stratum's frozen pool (malloc'd). */
fz_err fz_draw_public_pool(fz_db *db, int64_t id, const char *key,
                           char **pool, size_t *size, fz_error *err);

/* The published results of a plan: {"plan", "items": [{"code", "name",
 * "result", "published_at"}]}; FZ_NOTFOUND before publication. */
fz_err fz_plan_public_results(fz_db *db, int64_t id, json_t **out,
                              fz_error *err);

#endif
