/* export.h — registry records out as CSV or XLSX (registry/table.h), in
 * the column layout that an import reads back. */
#ifndef FZ_REGISTRY_EXPORT_H
#define FZ_REGISTRY_EXPORT_H

#include <stdio.h>

#include "registry/registry.h"
#include "registry/table.h"

/* Writes every record of kind matching q (its limit ignored) that by may
 * read, in q's order, under a header of Chinese labels: as CSV to csv
 * (which stays the caller's, flushed not closed), or as XLSX to the file
 * at path.  *rows (may be NULL) receives the rows written. */
fz_err fz_reg_export(fz_db *db, const fz_principal *by, fz_reg_kind kind,
                     const fz_reg_query *q, fz_table_format fmt,
                     const char *path, FILE *csv, size_t *rows, fz_error *err);

#endif
