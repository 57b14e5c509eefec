/* export.h — registry records out as CSV or XLSX (registry/table.h), in
 * the column layout that an import reads back. */
#ifndef FZ_REGISTRY_EXPORT_H
#define FZ_REGISTRY_EXPORT_H

#include "registry/registry.h"
#include "registry/table.h"

/* Writes the header row of kind to t. */
fz_err fz_reg_export_header(fz_reg_kind kind, fz_table *t, fz_error *err);

/* Writes the header and every record matching q (its limit ignored) that
 * by may read, in q's order.  The caller closes t. */
fz_err fz_reg_export(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                     const fz_reg_query *q, fz_table *t, fz_error *err);

#endif
