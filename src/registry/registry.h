/* registry.h — the register of who enforces what on whom: departments
 * (执法主体), officers (执法人员 and 辅助人员), regulated entities (监管对象),
 * the 执法事项 and 抽查事项 catalogues, and declared conflicts (回避).
 *
 * Every kind of record is described by a table of fields (kinds.c), and
 * one set of functions creates, reads, changes, deactivates, lists, imports
 * and exports all of them, so that a rule about fields (validation, masking,
 * what the ledger sees) is written once.  Kind-specific rules (a USCC's
 * region digits, an officer's certificate dates, a department's place in
 * the tree) hang off the table as hooks.
 *
 * Every change appends its ledger event inside the caller's transaction
 * (an fz_write_fn), checks the actor's permission and data scope (DESIGN
 * §8) and refuses with a specific field and reason.  Nothing is deleted:
 * a record is deactivated, and may be reactivated. */
#ifndef FZ_REGISTRY_H
#define FZ_REGISTRY_H

#include <jansson.h>
#include <stdint.h>

#include "auth/account.h"
#include "core/buf.h"
#include "core/error.h"
#include "store/db.h"

typedef enum fz_reg_kind {
  FZ_REG_DEPARTMENT = 0,
  FZ_REG_OFFICER,
  FZ_REG_ENTITY,
  FZ_REG_MATTER,
  FZ_REG_ITEM,
  FZ_REG_CONFLICT,
  FZ_REG__COUNT
} fz_reg_kind;

/* Field types: how a value is checked and stored (always as text, except
 * FZ_F_INT and FZ_F_BOOL, which are integers). */
typedef enum fz_ftype {
  FZ_F_TEXT,     /* free text, no control characters */
  FZ_F_CODE,     /* ASCII letters, digits, '-', '_', '.', '/' */
  FZ_F_ENUM,     /* one of the field's choices */
  FZ_F_DATE,     /* YYYY-MM-DD, a real date */
  FZ_F_INT,      /* a positive integer (an id) */
  FZ_F_BOOL,     /* 1/0; true/false, 是/否 accepted */
  FZ_F_REGION,   /* a known GB/T 2260 code, 6 digits */
  FZ_F_USCC,     /* a valid 统一社会信用代码 (GB 32100) */
  FZ_F_RESIDENT, /* a valid 身份证号, sealed at rest, never shown */
  FZ_F_INDUSTRY, /* a GB/T 4754 section letter, or section and division */
  FZ_F_TAGS,     /* a list of short texts, ';' between them */
  FZ_F_IDS       /* ids of other records, ';' between them, ascending; kept
                  * in a table of the kind's own (its link), max = how many */
} fz_ftype;

/* Field flags. */
enum {
  FZ_FF_REQUIRED = 1 << 0, /* needed at creation */
  FZ_FF_KEY = 1 << 1,      /* the record's code: unique, never changed */
  FZ_FF_PERSONAL = 1 << 2, /* a natural person's name: masked in public */
  FZ_FF_FILTER = 1 << 3,   /* ?field=value lists (prefix for regions) */
  FZ_FF_SEARCH = 1 << 4,   /* ?q= looks inside it */
  FZ_FF_SORT = 1 << 5,     /* ?sort=field or -field */
  FZ_FF_PUBLIC = 1 << 6,   /* shown on the public portal */
  FZ_FF_DEFAULT = 1 << 7   /* an enum left empty at creation: its first choice */
};

typedef struct fz_rfield {
  const char *name;  /* JSON member, CSV column, SQL column */
  const char *label; /* the Chinese name: CSV/XLSX header, messages */
  fz_ftype type;
  unsigned flags;
  int max;                    /* bytes (text, tags) */
  /* FZ_F_ENUM: NULL-terminated; "valid|有效" stores the first form and
   * accepts either.  NULL on an enum: the department kinds (data). */
  const char *const *choices;
} fz_rfield;

#define FZ_REC_MAX_FIELDS 16

/* A record's values as text, in the order of its kind's fields; NULL is
 * absent (at creation) or unchanged (at an update), "" clears an optional
 * field.  Normalised forms: INT decimal, BOOL "1"/"0", TAGS joined by ';'. */
typedef struct fz_rec {
  const char *v[FZ_REC_MAX_FIELDS];
} fz_rec;

typedef struct fz_rkind fz_rkind;

/* The description of kind k; names of kinds are the plural path segment
 * ("departments", "officers", "entities", "matters", "items",
 * "conflicts"). */
const fz_rkind *fz_reg_kind_get(fz_reg_kind k);
fz_err fz_reg_kind_parse(const char *name, fz_reg_kind *k, fz_error *err);
const char *fz_reg_kind_name(fz_reg_kind k);  /* "entities" */
const char *fz_reg_kind_label(fz_reg_kind k); /* "监管对象" */
const char *fz_reg_kind_object(fz_reg_kind k); /* ledger object type "entity" */
size_t fz_reg_nfields(fz_reg_kind k);
const fz_rfield *fz_reg_field(fz_reg_kind k, size_t i);
/* The index of a field by its name or its Chinese label; -1 if none. */
int fz_reg_field_find(fz_reg_kind k, const char *name);

/* Checks and normalises one value of field i.  On FZ_OK, *out points to
 * the normal form (in buf, or at in); otherwise *err names the field and
 * says why.  "" for an optional field means empty. */
fz_err fz_reg_value_check(fz_reg_kind k, size_t i, const char *in, char *buf,
                          size_t size, const char **out, fz_error *err);

/* 1 if by may create and change records of kind k (its permission, not
 * yet its scope). */
int fz_reg_can_write(const fz_principal *by, fz_reg_kind k);

/* ---- Changes (inside the caller's transaction) ------------------------- */

/* Creates a record from rec (values checked by this function), appends
 * "<object>.create" and sets *id.  FZ_EXISTS (field = the key) when the
 * code is taken; FZ_FORBIDDEN without the kind's write permission;
 * FZ_NOTFOUND / FZ_FORBIDDEN outside the actor's scope. */
fz_err fz_reg_create(fz_db *db, const fz_principal *by, fz_reg_kind k,
                     const fz_rec *rec, int64_t now, int64_t *id,
                     fz_error *err);

/* Changes the fields of rec that are not NULL, appends "<object>.update"
 * with the changed fields (before and after).  A key never changes
 * (FZ_CONFLICT).  FZ_CONFLICT also when nothing would change. */
fz_err fz_reg_update(fz_db *db, const fz_principal *by, fz_reg_kind k,
                     int64_t id, const fz_rec *rec, int64_t now,
                     fz_error *err);

/* Deactivates (active 0 → reason recorded) or reactivates a record and
 * appends "<object>.deactivate" / ".reactivate" with the reason.
 * FZ_CONFLICT when it already is in that state. */
fz_err fz_reg_set_active(fz_db *db, const fz_principal *by, fz_reg_kind k,
                         int64_t id, int active, const char *reason,
                         int64_t now, fz_error *err);

/* ---- Reads ------------------------------------------------------------- */

/* How much of a record a reader sees. */
typedef enum fz_reg_view {
  FZ_VIEW_FULL = 0, /* business users in scope: everything but secrets */
  FZ_VIEW_PUBLIC    /* the portal: public fields, persons masked */
} fz_reg_view;

/* The record id of kind k as a new JSON object: {"id", fields…, "active",
 * "created_at", "updated_at"}, plus what the kind adds (an officer's
 * certificate state, an entity's region name).  FZ_NOTFOUND also when it
 * lies outside by's scope. */
fz_err fz_reg_get(fz_db *db, const fz_principal *by, fz_reg_kind k, int64_t id,
                  fz_reg_view view, json_t **out, fz_error *err);

/* The id of the record whose key is key (a USCC, a certificate number, a
 * matter code); FZ_NOTFOUND when none (or out of scope). */
fz_err fz_reg_find(fz_db *db, const fz_principal *by, fz_reg_kind k,
                   const char *key, int64_t *id, fz_error *err);

/* The record whose key is key as fz_reg_get gives it, in one query and
 * written as JSON text to out: the same answers as fz_reg_find and then
 * fz_reg_get (FZ_NOTFOUND when none or out of scope, then FZ_FORBIDDEN
 * without read_business for a non-public view). */
fz_err fz_reg_get_by_code(fz_db *db, const fz_principal *by, fz_reg_kind k,
                          const char *key, fz_reg_view view, fz_buf *out,
                          fz_error *err);

/* What a list asks for.  Strings are borrowed. */
typedef struct fz_reg_query {
  const char *filter[FZ_REC_MAX_FIELDS]; /* per field; NULL = any */
  const char *q;      /* text inside the search fields */
  const char *sort;   /* "name", "-name"; NULL = by id */
  const char *cursor; /* from the previous page's next_cursor */
  int active;         /* 1 active only (default), 0 inactive only, -1 all */
  int limit;          /* 1..1000 */
} fz_reg_query;

/* Fills q from URL query parameters got by get(ctx, name) (a filter per
 * filterable field, "q", "sort", "cursor", "active" = 1|0|all,
 * "limit" ≤ 1000, default 50); FZ_INVALID naming the parameter otherwise. */
fz_err fz_reg_query_parse(fz_reg_kind k,
                          const char *(*get)(void *ctx, const char *name),
                          void *ctx, fz_reg_query *q, fz_error *err);

/* One page: {"items": [...], "next_cursor": "…" or null}. */
fz_err fz_reg_list(fz_db *db, const fz_principal *by, fz_reg_kind k,
                   const fz_reg_query *q, fz_reg_view view, json_t **out,
                   fz_error *err);

/* The same page written as JSON text to out (the API's reply, without
 * making a JSON value of every cell). */
fz_err fz_reg_list_text(fz_db *db, const fz_principal *by, fz_reg_kind k,
                        const fz_reg_query *q, fz_reg_view view, fz_buf *out,
                        fz_error *err);

/* Calls row(ctx, cells, n) for every record matching q (limit ignored) in
 * the order of q, the cells being the kind's fields as export text (the
 * resident ID masked), then "active", then a list of ids kept apart (an
 * officer's department_ids, "3;5").  Stops when row returns non-zero. */
fz_err fz_reg_each(fz_db *db, const fz_principal *by, fz_reg_kind k,
                   const fz_reg_query *q,
                   int (*row)(void *ctx, const char *const *cells, size_t n),
                   void *ctx, fz_error *err);

/* ---- Officers' certificates -------------------------------------------- */

/* What a certificate is on a date. */
typedef enum fz_cert_state {
  FZ_CERT_VALID = 0,
  FZ_CERT_NOT_YET_VALID,
  FZ_CERT_EXPIRED,
  FZ_CERT_SUSPENDED,
  FZ_CERT_REVOKED, /* 收缴 */
  FZ_CERT_INACTIVE /* the officer's record was deactivated */
} fz_cert_state;

const char *fz_cert_state_name(fz_cert_state s);  /* "valid", … */
const char *fz_cert_state_label(fz_cert_state s); /* "有效", … */

/* The public answer for a certificate number: masked name, department (and
 * other_departments: the names of the others he serves),
 * validity and state on today (YYYY-MM-DD; NULL for today's date) as a
 * new JSON object.
 * FZ_NOTFOUND when no officer holds that number (辅助人员 hold none). */
fz_err fz_reg_certificate(fz_db *db, const char *cert_no, const char *today,
                          json_t **out, fz_error *err);

/* Appends the scope restriction of a department id (its subtree) and a
 * region prefix for a column holding a department id, e.g. "t.id" or
 * "t.department_id": " AND column IN (…)", its parameters added to binds
 * (their text kept in store).  Shared by the department, officer and
 * conflict kinds, and by other domains for what belongs to a department
 * (plans, cases). */
fz_err fz_reg_scope_departments(fz_db *db, const fz_scope *s,
                                const char *column, fz_buf *sql,
                                const char **binds, int *nbind, char *store,
                                size_t store_size, fz_error *err);

/* Appends " AND <officer alias> serves one of departments[0..n)": as his
 * primary department (officers.department_id) or as one of his other
 * departments (officer_departments).  What counts as an officer of a
 * department wherever another domain asks (inspector pools, case
 * handlers).  The ids are written into the text (integers: nothing to
 * bind). */
void fz_reg_officer_in_sql(fz_buf *sql, const char *alias,
                           const int64_t *departments, size_t n);

/* ---- Keys --------------------------------------------------------------- */

typedef struct fz_seal_key fz_seal_key;

/* The key that seals 身份证号 (id/seal.h), set once at start by whoever
 * opens the database (serve, import, demo); creating an officer with an ID
 * number without it fails with FZ_NODATA. */
void fz_reg_set_seal_key(const fz_seal_key *key);

#endif
