/* rec_int.h — inside the registry: the generic record code of record.c,
 * shared by listing (list.c), importing (import.c) and certificates. */
#ifndef FZ_REGISTRY_REC_INT_H
#define FZ_REGISTRY_REC_INT_H

#include "core/jtext.h"
#include "registry/kind_int.h"

#define FZ_REC_VALUE_MAX 640 /* bytes of one normalised value, with NUL */

/* A record's values with room for them. */
typedef struct fz_rec_row {
  int64_t id;
  const char *v[FZ_REC_MAX_FIELDS]; /* into buf, or NULL (not given) */
  char buf[FZ_REC_MAX_FIELDS][FZ_REC_VALUE_MAX];
  int active;
  int64_t created_at, updated_at;
} fz_rec_row;

/* Checks and normalises every value of in into out; creating fills the
 * absent ones as empty (and defaults), otherwise they stay NULL. */
fz_err fz_rec_normalise(const fz_rkind *k, const fz_rec *in, int creating,
                        fz_rec_row *out, fz_error *err);

/* The rules a record's complete values must pass before they are written:
 * the kind's own check, a free ID number, and by's scope. */
fz_err fz_rec_check_all(fz_db *db, const fz_principal *by, const fz_rkind *k,
                        int64_t id, const char *const *v, fz_error *err);

/* Inserts a checked record as id; *inserted 0 when its code (or pair) was
 * already registered. */
fz_err fz_rec_insert(fz_db *db, const fz_rkind *k, int64_t id,
                     const char *const *v, int64_t now, int *inserted,
                     fz_error *err);

/* The same in two steps, for many rows: prepare once (finalize it after),
 * run per row (the statement is reset after each). */
fz_err fz_rec_insert_prepare(fz_db *db, const fz_rkind *k, fz_stmt **st,
                             fz_error *err);
fz_err fz_rec_insert_run(fz_db *db, fz_stmt *st, const fz_rkind *k,
                         int64_t id, const char *const *v, int64_t now,
                         int *inserted, fz_error *err);

/* The next free id of k's table. */
fz_err fz_rec_next_id(fz_db *db, const fz_rkind *k, int64_t *id,
                      fz_error *err);

/* FZ_EXISTS naming the key, for an insert that found it taken. */
fz_err fz_rec_exists_error(const fz_rkind *k, const char *const *v,
                           fz_error *err);

/* Appends "<object>.<verb>" for record id with data (stolen). */
fz_err fz_rec_event(fz_db *db, const fz_principal *by, const fz_rkind *k,
                    const char *verb, int64_t id, json_t *data, int64_t now,
                    fz_error *err);

/* The SELECT list of k's columns (alias t), and reading a row of it. */
void fz_rec_select_list(fz_db *db, const fz_rkind *k, fz_buf *sql);
void fz_rec_read(const fz_rkind *k, const fz_stmt *st, fz_rec_row *row);

/* The columns of an export and the cells of fz_reg_each, in order, into
 * order (FZ_REC_MAX_FIELDS + 1 of room): the index of each field, -1 for
 * "active".  "active" follows the fields kept in the record's row and
 * precedes a list kept in the link table, which came later: the columns
 * that were there keep their places.  Returns how many (nfields + 1). */
size_t fz_rec_columns(const fz_rkind *k, int *order);

/* Record id within by's scope into row: FZ_NOTFOUND otherwise. */
fz_err fz_rec_load(fz_db *db, const fz_principal *by, const fz_rkind *k,
                   int64_t id, fz_rec_row *row, fz_error *err);

/* A row as the JSON a reader with view sees. */
json_t *fz_rec_json(fz_db *db, const fz_rkind *k, const fz_rec_row *row,
                    fz_reg_view view);

/* The same as JSON text appended to out, without making the JSON values
 * (a page of a list is most of its time in them): the members, their order
 * and their values of fz_rec_json.  Returns out's sticky error. */
fz_err fz_rec_json_text(fz_db *db, const fz_rkind *k, const fz_rec_row *row,
                        fz_reg_view view, fz_buf *out);

/* by's scope restriction (" AND …" on alias t), for the CLI nothing. */
fz_err fz_rec_scope_sql(fz_db *db, const fz_principal *by, const fz_rkind *k,
                        fz_buf *sql, const char **binds, int *nbind,
                        char *store, size_t store_size, fz_error *err);

/* Sets the tree path of department id (and of those below it). */
fz_err fz_rec_department_place(fz_db *db, int64_t id, fz_error *err);

/* An officer's certificate state today (certificate.c). */
fz_err fz_reg_decorate_officer(fz_db *db, const fz_rview *r, fz_reg_view view,
                               json_t *o, fz_error *err);

#endif
