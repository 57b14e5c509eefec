/* query.h — queries built piece by piece (filters, scope, paging) and the
 * small reads every domain makes: one integer, a page of items. */
#ifndef FZ_STORE_QUERY_H
#define FZ_STORE_QUERY_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "store/db.h"

/* The parameters of a built query, in placeholder order: texts (borrowed)
 * and integers. */
typedef struct fz_qparams {
  const char *text[32];
  int64_t num[32];
  int is_num[32];
  int n;
} fz_qparams;
void fz_qp_num(fz_qparams *q, int64_t v);
void fz_qp_text(fz_qparams *q, const char *s);
void fz_qp_bind(fz_stmt *st, const fz_qparams *q);

/* Prepares a query built in sql (freed here, whatever happens) and binds
 * q: FZ_NOMEM / FZ_TOOBIG when the text could not be built. */
fz_err fz_query_prepare(fz_db *db, fz_buf *sql, const fz_qparams *q,
                        fz_stmt **st, fz_error *err);

/* Runs one statement that returns nothing with the parameters q (NULL
 * text binds SQL NULL). */
fz_err fz_query_exec(fz_db *db, const char *sql, const fz_qparams *q,
                     fz_error *err);

/* Runs sql with nargs integer parameters and reads one integer; *out =
 * dflt when there is no row or it is NULL. */
fz_err fz_query_int(fz_db *db, const char *sql, const int64_t *args,
                    int nargs, int64_t dflt, int64_t *out, fz_error *err);

/* A page {"items": items (stolen), "next_cursor": last as text when more,
 * else null}. */
fz_err fz_query_page(json_t *items, int more, int64_t last, json_t **out,
                     fz_error *err);

/* A page cursor: the last id of the previous page (0 when cursor is
 * NULL); FZ_INVALID naming "cursor" otherwise. */
fz_err fz_query_cursor(const char *cursor, int64_t *id, fz_error *err);

#endif
