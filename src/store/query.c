/* query.c — built queries, one-integer reads and pages. */
#include "store/query.h"

#include <stdio.h>
#include <stdlib.h>

void fz_qp_num(fz_qparams *q, int64_t v) {
  q->is_num[q->n] = 1;
  q->num[q->n++] = v;
}

void fz_qp_text(fz_qparams *q, const char *s) {
  q->is_num[q->n] = 0;
  q->text[q->n++] = s;
}

void fz_qp_bind(fz_stmt *st, const fz_qparams *q) {
  for (int i = 0; i < q->n; i++) {
    if (q->is_num[i]) fz_stmt_bind_int64(st, i + 1, q->num[i]);
    else if (q->text[i]) fz_stmt_bind_text(st, i + 1, q->text[i], -1);
    else fz_stmt_bind_null(st, i + 1);
  }
}

fz_err fz_query_prepare(fz_db *db, fz_buf *sql, const fz_qparams *q,
                        fz_stmt **st, fz_error *err) {
  *st = NULL;
  fz_err rc = sql->err ? fz_error_set(err, sql->err, "", NULL)
                       : fz_db_prepare(db, sql->data, st, err);
  fz_buf_free(sql);
  if (!rc) fz_qp_bind(*st, q);
  return rc;
}

fz_err fz_query_exec(fz_db *db, const char *sql, const fz_qparams *q,
                     fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  fz_qp_bind(st, q);
  int r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE || r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

fz_err fz_query_int(fz_db *db, const char *sql, const int64_t *args,
                    int nargs, int64_t dflt, int64_t *out, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  for (int i = 0; i < nargs; i++) fz_stmt_bind_int64(st, i + 1, args[i]);
  int r = fz_stmt_step(st, err);
  *out = r == FZ_STEP_ROW && !fz_stmt_column_is_null(st, 0)
             ? fz_stmt_column_int64(st, 0)
             : dflt;
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_query_page(json_t *items, int more, int64_t last, json_t **out,
                     fz_error *err) {
  char next[24];
  snprintf(next, sizeof next, "%lld", (long long)last);
  *out = json_pack("{s:o, s:o}", "items", items, "next_cursor",
                   more ? json_string(next) : json_null());
  return *out ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
}

fz_err fz_query_cursor(const char *cursor, int64_t *id, fz_error *err) {
  char *end;
  *id = 0;
  if (!cursor) return FZ_OK;
  long long v = strtoll(cursor, &end, 10);
  if (cursor[0] < '0' || cursor[0] > '9' || *end || v <= 0)
    return fz_error_set(err, FZ_INVALID, "cursor", "cursor 无效：请使用上一页"
                        "返回的 next_cursor / use the next_cursor of the "
                        "previous page");
  *id = v;
  return FZ_OK;
}
