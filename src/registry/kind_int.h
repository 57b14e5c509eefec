/* kind_int.h — inside the registry: the description of a kind of record
 * (kinds.c) that the generic code of record.c, import.c and export.c
 * works from. */
#ifndef FZ_REGISTRY_KIND_INT_H
#define FZ_REGISTRY_KIND_INT_H

#include "auth/role.h"
#include "core/buf.h"
#include "registry/registry.h"

/* A record's normalised values (as fz_rec) with the id it has or will
 * have: what the hooks look at. */
typedef struct fz_rview {
  int64_t id; /* 0 while creating */
  const char *const *v;
} fz_rview;

struct fz_rkind {
  fz_reg_kind kind;
  const char *name;   /* "entities": path segment, import/export name */
  const char *label;  /* "监管对象" */
  const char *object; /* "entity": ledger object type and action prefix */
  const char *table;
  const fz_rfield *fields;
  size_t nfields;
  int key;            /* index of the key field, or -1 */
  int search;         /* index of the field ?q= searches (name) */
  fz_perm write_perm; /* what creating and changing needs */
  /* Rules across fields and against other records, on the values a
   * record will have after the change; NULL = none. */
  fz_err (*check)(fz_db *db, const fz_rview *r, fz_error *err);
  /* Appends " AND …" restricting rows of the table (alias t) to by's
   * scope, binding with fz_buf text; NULL = no scope (catalogues).  Each
   * '?' it adds is bound in order from binds[*nbind++]. */
  fz_err (*scope_sql)(fz_db *db, const fz_scope *s, fz_buf *sql,
                      const char **binds, int *nbind, char *store,
                      size_t store_size, fz_error *err);
  /* Adds derived members to a record's JSON (a region's name, a
   * certificate's state today); NULL = none. */
  fz_err (*decorate)(fz_db *db, const fz_rview *r, fz_reg_view view, json_t *o,
                     fz_error *err);
  /* The same members appended as JSON text (",\"name\":value…") for a
   * list's page, when the kind has such a writer; NULL = the page makes
   * them with decorate. */
  void (*decorate_text)(const fz_rview *r, fz_reg_view view, fz_buf *out);
  /* The field naming the record this one hangs from (a department's
   * parent, an officer's department, a conflict's officer), of kind
   * parent_kind: a change may only hang it from a record the actor can
   * see.  NULL = none. */
  const char *parent_field;
  fz_reg_kind parent_kind;
  /* The unique columns whose clash means "already registered", when the
   * kind has no key (NULL otherwise). */
  const char *unique;
  /* Runs after a record was inserted or its parent_field changed (a
   * department's path in the tree); NULL = none. */
  fz_err (*placed)(fz_db *db, int64_t id, fz_error *err);
  /* Refuses to deactivate a record others still depend on; NULL = none. */
  fz_err (*may_deactivate)(fz_db *db, int64_t id, fz_error *err);
  /* Where the kind's FZ_F_IDS field is kept (an officer's other
   * departments): link_table, one row per listed id, link_owner holding
   * the record's id and link_column the listed one.  A list filter on
   * the parent_field matches a record that lists the value too, and the
   * kind's scope (scope_sql) lets a reader see a record through a listed
   * id, while changing it stays for the scope of its parent_field.  NULL
   * = no such field. */
  const char *link_table, *link_owner, *link_column;
};

/* The header label of an ID number in exports: only its masked form is
 * written, and imports skip the column. */
#define FZ_REG_MASKED_ID_LABEL "身份证号(脱敏)"

/* The index of k's FZ_F_IDS field, or -1. */
int fz_reg_link_idx(const fz_rkind *k);

/* An FZ_F_TAGS value ("食品安全;广告") as a JSON array of its tags, empty
 * for an empty or NULL value; NULL when out of memory. */
json_t *fz_reg_tags_json(const char *v);

/* The next id of an FZ_F_IDS value ("3;5;9") at *p into *id, *p moved past
 * it and its ';': 1, or 0 at the end (or at anything that is no id). */
int fz_reg_ids_next(const char **p, long long *id);

/* Sorts the ids of an FZ_F_IDS value ("9;3;5" becomes "3;5;9") in place:
 * what the database gives in no promised order (record.c) reads as the
 * value was written.  At most 64 ids; the rest stay where they are. */
void fz_reg_ids_sort(char *v);

/* The index of the field named name in kind k (which must exist). */
int fz_reg_idx(const fz_rkind *k, const char *name);

/* The department-tree path ("/1/5/") of department id into buf: FZ_OK,
 * FZ_NOTFOUND. */
fz_err fz_reg_department_path(fz_db *db, int64_t id, char *buf, size_t size,
                              fz_error *err);

/* Appends " AND <column> starts with prefix" (1 to 6 digits of a GB/T 2260
 * code) in the form an index can serve, binding the prefix, kept in store
 * (at least 8 bytes), at binds[(*nbind)++]: a whole county code as
 * equality, a city's four digits as the expression that migration
 * 009_registry_list_indexes indexes with the id, so that a page in id
 * order reads only that city's rows; other lengths as substr, which leaves
 * a province-wide prefix to the walk in id order. */
void fz_reg_prefix_sql(fz_buf *sql, const char *column, const char *prefix,
                       const char **binds, int *nbind, char *store,
                       size_t store_size);

/* The loaded choices of department kinds ("market", …) and GB/T 4754
 * industries; FZ_NODATA when the data files are missing. */
fz_err fz_reg_data_load(fz_error *err);
const char *const *fz_reg_department_kinds(void); /* "market|市场监管", … */
int fz_reg_industry_known(const char *code);

/* The seal key set by fz_reg_set_seal_key, or NULL. */
const fz_seal_key *fz_reg_seal_key(void);

#endif
