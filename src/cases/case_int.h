/* case_int.h — what the files of src/cases share: a case's row, who may
 * act on it, its steps, deadlines and alerts. */
#ifndef FZ_CASES_CASE_INT_H
#define FZ_CASES_CASE_INT_H

#include "cases/cases.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/json.h"
#include "store/query.h"

#define FZ_CASE_TEXT_MAX 4000 /* bytes of facts, opinions, minutes, reasons */
#define FZ_CASE_MAX_OFFICERS 8

/* A case as stored, with its department's kind. */
typedef struct fz_case_row {
  int64_t id;
  char case_no[64];
  char kind[16], procedure[16];
  int64_t department_id;
  char department_kind[32], department_name[256];
  char matter_code[32];
  char party_type[16], party_name[256], entity_code[20];
  char act_date[11], act_end_date[11], discovered_on[11];
  int grave_harm;
  fz_case_stage stage;
  char filed_on[11], notified_on[11], decided_on[11], served_on[11];
  char seized_on[11], discussed_on[11];
  char review_grounds[16];
  int complex;
  char hearing[12];      /* none | open | requested | held | waived */
  char review_state[12]; /* none | pending | approved | returned */
  int64_t reviewer_id, hearing_chair;
  int no_penalty, outside_range, seizure_extended;
  char lenient[16];
  int64_t fine; /* 分 */
  int64_t decide_seq, published_at, withdrawn_at;
} fz_case_row;

/* Reads case id into *c; FZ_NOTFOUND when there is none or its
 * department is outside by's scope (by NULL: no scope, public views). */
fz_err fz_case_load(fz_db *db, const fz_principal *by, int64_t id,
                    fz_case_row *c, fz_error *err);

/* Appends " AND <column> IN (departments in by's scope)"; nothing for the
 * CLI. */
fz_err fz_case_scope_sql(fz_db *db, const fz_principal *by,
                         const char *column, fz_buf *sql, fz_qparams *q,
                         char *store, size_t store_size, fz_error *err);

/* Parses a stage name. */
fz_err fz_case_stage_parse(const char *name, fz_case_stage *s, fz_error *err);

/* 1 if by may approve for the case's department (部门负责人) or is the CLI. */
int fz_case_is_head(const fz_principal *by);

/* by's officer record (officers.user_id), or 0; and whether it is among
 * the case's handlers. */
fz_err fz_case_officer_of(fz_db *db, const fz_principal *by, int64_t *officer,
                          fz_error *err);
fz_err fz_case_is_handler(fz_db *db, int64_t case_id, int64_t officer,
                          int *yes, fz_error *err);

/* Checks officer ids (a JSON array) as a team for case c on date: at least
 * two (行政处罚法 Art. 42), each an active officer (not 辅助人员) with a
 * certificate valid on date, none in 回避 with the party (Art. 43), none
 * twice.  Fills ids and *n.  FZ_CONFLICT / FZ_INVALID naming "officers"
 * with the officer and the article otherwise. */
fz_err fz_case_check_team(fz_db *db, const fz_case_row *c, const json_t *ids,
                          const char *date, int64_t out[FZ_CASE_MAX_OFFICERS],
                          size_t *n, fz_error *err);

/* Stores the team (replacing any earlier one). */
fz_err fz_case_set_team(fz_db *db, int64_t case_id, const int64_t *ids,
                        size_t n, fz_error *err);

/* Appends the event "case.<step>" about c (data stolen, NULL = {}), logs
 * the step with the stage after it and note, and sets the case's stage
 * and updated_at.  *seq may be NULL. */
fz_err fz_case_record(fz_db *db, const fz_principal *by, int64_t case_id,
                      const char *step, fz_case_stage after, json_t *data,
                      const char *note, int64_t now, uint64_t *seq,
                      fz_error *err);

/* Opens deadline rule_id counted from start for the case (party = 1 for
 * the party's own period) and writes its due date into due (may be NULL).
 * A year without a calendar leaves it out and says so in note (may be
 * NULL) rather than stopping the step. */
fz_err fz_case_deadline_open(fz_db *db, int64_t case_id, const char *rule_id,
                             const char *start, int party, char due[11],
                             fz_error *err);

/* Marks deadline rule_id met on date (nothing when it is not open). */
fz_err fz_case_deadline_met(fz_db *db, int64_t case_id, const char *rule_id,
                            const char *date, fz_error *err);

/* Raises a supervision alert about c, tied to the event seq. */
fz_err fz_case_alert(fz_db *db, const fz_case_row *c, const char *kind,
                     const char *message, uint64_t seq, int64_t now,
                     fz_error *err);

/* Reads the date member name of body into out: YYYY-MM-DD, required or
 * dflt when absent (dflt NULL: required). */
fz_err fz_case_date_member(const json_t *body, const char *name,
                           const char *dflt, char out[11], fz_error *err);

/* Reads a text member: required when min > 0, at most FZ_CASE_TEXT_MAX
 * bytes, no control characters but newlines and tabs; *out "" when
 * absent and optional. */
fz_err fz_case_text_member(const json_t *body, const char *name, size_t min,
                           const char **out, fz_error *err);

/* Appends to out the steps by may take now on case c (as fz_case_load read
 * it for by): [{step, label, allowed, why}] — steps of another stage are
 * left out; a step refused for the person or a precondition says why. */
fz_err fz_case_next_steps(fz_db *db, const fz_principal *by,
                          const fz_case_row *c, int64_t now, json_t *out,
                          fz_error *err);

/* Evaluates case c's circumstances (discretion.h) with decision_date as
 * the decision's date: a new JSON object into *out.  FZ_MISSING naming
 * "circumstances.harm" until the harm is established. */
fz_err fz_case_evaluation(fz_db *db, const fz_case_row *c,
                          const char *decision_date, json_t **out,
                          fz_error *err);

#endif
