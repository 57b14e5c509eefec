/* export.c — registry records out as a table (CSV or XLSX): one header of
 * Chinese labels that fz_import_open reads back, then one row per record. */
#include "registry/export.h"

#include "registry/rec_int.h"

/* The header an import maps back: each field's label; the ID number only
 * masked, under a label that imports skip. */
static fz_err header(const fz_rkind *k, fz_table *t, fz_error *err) {
  const char *labels[FZ_REC_MAX_FIELDS + 1];
  int order[FZ_REC_MAX_FIELDS + 1];
  size_t n = fz_rec_columns(k, order);
  for (size_t i = 0; i < n; i++) {
    const fz_rfield *f = order[i] < 0 ? NULL : &k->fields[order[i]];
    labels[i] = !f                          ? "启用"
                : f->type == FZ_F_RESIDENT ? FZ_REG_MASKED_ID_LABEL
                                           : f->label;
  }
  return fz_table_header(t, labels, n, err);
}

typedef struct ctx {
  fz_table *t;
  fz_error *err;
  fz_err rc;
} ctx;

static int row(void *c, const char *const *cells, size_t n) {
  ctx *x = c;
  x->rc = fz_table_row(x->t, cells, n, x->err);
  return x->rc != FZ_OK;
}

fz_err fz_reg_export(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                     const fz_reg_query *q, fz_table_format fmt,
                     const char *path, FILE *csv, size_t *rows, fz_error *err) {
  const fz_rkind *k = fz_reg_kind_get(kind);
  fz_table *t = NULL;
  fz_err rc;
  if (fmt == FZ_TABLE_XLSX) {
    fz_table_xlsx_opts xo = {.sheet_name = k->label};
    rc = fz_table_open_xlsx(&t, path, &xo, err);
  } else {
    rc = fz_table_open_csv(&t, csv, err);
  }
  ctx x = {t, err, FZ_OK};
  if (!rc) rc = header(k, t, err);
  if (!rc) rc = fz_reg_each(db, by, kind, q, row, &x, err);
  if (!rc) rc = x.rc;
  if (rows) *rows = t ? fz_table_rows(t) : 0;
  if (t && fz_table_close(t, rc ? NULL : err) && !rc) rc = FZ_IO;
  return rc;
}
