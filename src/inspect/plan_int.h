/* plan_int.h — what the files of src/inspect share: a plan's row, its
 * scope, who may act on it, and its ledger events. */
#ifndef FZ_INSPECT_PLAN_INT_H
#define FZ_INSPECT_PLAN_INT_H

#include "core/buf.h"
#include "core/clock.h"
#include "core/json.h"
#include "store/query.h"
#include "inspect/draw.h"
#include "inspect/inspect.h"

/* The stratum of entities with no credit grade or risk level. */
#define FZ_INSPECT_UNRATED "未评级"

/* A plan as stored. */
typedef struct fz_plan_row {
  int64_t id;
  char name[256];
  int year;
  int64_t lead;
  char items[1024];
  char pool_region[16], pool_kind[64], pool_industry[8], pool_status[16];
  char stratify_by[16];
  int team_size, officer_cap, entity_cap;
  char inspector_area[64];
  char window_from[11], window_to[11];
  char public_value_source[512];
  char public_value[257];
  int has_public_value;
  fz_plan_status status;
  int64_t commit_seq; /* -1 before commitment */
  char commit_leaf[65], seed[65], publish_due[11];
  int64_t published_at, created_at, updated_at;
  int64_t departments[FZ_DRAW_MAX_DEPARTMENTS];
  size_t ndepartments;
} fz_plan_row;

/* Reads plan id into *p; FZ_NOTFOUND when there is none or when none of
 * its departments lies in by's scope and by is not a participant. */
fz_err fz_plan_load(fz_db *db, const fz_principal *by, int64_t id,
                    fz_plan_row *p, fz_error *err);

/* Reads plan id without any scope (public views, after a check). */
fz_err fz_plan_load_any(fz_db *db, int64_t id, fz_plan_row *p,
                        fz_error *err);

/* FZ_OK if by may run the plan (create, change, commit, draw, replace,
 * publish): approve_case (部门负责人) with the lead department in scope, or
 * the CLI; FZ_FORBIDDEN naming what is needed otherwise. */
fz_err fz_plan_require_head(fz_db *db, const fz_principal *by,
                            const fz_plan_row *p, fz_error *err);

/* FZ_CONFLICT unless p is in state want; the message says what the plan is
 * and what the step needs. */
fz_err fz_plan_require_status(const fz_plan_row *p, fz_plan_status want,
                              const char *step, fz_error *err);

/* Sets status (and updated_at). */
fz_err fz_plan_set_status(fz_db *db, int64_t id, fz_plan_status s,
                          int64_t now, fz_error *err);

/* Appends an event of object type "plan" (or "task") about id; data is
 * stolen (NULL: {}).  *seq may be NULL. */
fz_err fz_inspect_event(fz_db *db, const fz_principal *by, const char *action,
                        const char *object, int64_t id, json_t *data,
                        int64_t now, uint64_t *seq, fz_error *err);

/* by's place among plan's participants: *pos, his commitment into commit
 * (hex, "" before he commits) and whether his secret is in.  FZ_FORBIDDEN
 * naming field when he is not a participant. */
fz_err fz_plan_participant(fz_db *db, const fz_principal *by, int64_t plan,
                           const char *field, int64_t *pos, char commit[65],
                           int *revealed, fz_error *err);

/* The officer record linked to by's user (officers.user_id), or 0. */
fz_err fz_inspect_officer_of(fz_db *db, const fz_principal *by,
                             int64_t *officer_id, fz_error *err);

/* Appends " AND <plan_column> IN (plans in by's scope)" — plans with a
 * department in scope, or with by as a participant — binding into binds
 * (strings in store).  Nothing for the CLI. */
fz_err fz_plan_scope_sql(fz_db *db, const fz_principal *by,
                         const char *plan_column, fz_buf *sql,
                         const char **binds, int *nbind, char *store,
                         size_t store_size, fz_error *err);

/* The tasks of a plan counted: {"total", "staffed", "unstaffed",
 * "with_result", "by_result": {category: n}} (categories with a task). */
fz_err fz_plan_task_counts(fz_db *db, int64_t plan, json_t **out,
                           fz_error *err);

/* Appends [{id, name}] of the plan's departments, the lead first, to a. */
fz_err fz_plan_departments_json(fz_db *db, int64_t plan, json_t *a,
                                fz_error *err);

/* Lower-case hex of 32 bytes into out (65 bytes), and back: FZ_INVALID
 * naming field unless hex is exactly 64 hex digits. */
void fz_inspect_hex(const uint8_t b[32], char out[65]);
fz_err fz_inspect_unhex(const char *hex, const char *field, uint8_t b[32],
                        fz_error *err);

#endif
