/* import.h — bulk import of registry records from CSV files (UTF-8 with or
 * without a BOM, or GB18030 as Excel saves it on Chinese Windows).
 *
 * An import reads the file in batches.  fz_import_read parses and checks a
 * batch of rows outside any transaction; fz_import_write then checks them
 * against the database, inserts the good ones and appends ONE ledger event
 * for the batch carrying the file's SM3, all inside the caller's
 * transaction.  Every rejected row is reported with its line, field and
 * reason; the valid rows commit.  A code that is already registered is
 * rejected (an import only adds; changes go through the API). */
#ifndef FZ_REGISTRY_IMPORT_H
#define FZ_REGISTRY_IMPORT_H

#include "registry/csv.h"
#include "registry/registry.h"

typedef struct fz_import fz_import;

/* Reports one rejected row, inside the write's transaction on db.  A
 * non-zero return fails the batch. */
typedef int (*fz_import_reject_fn)(void *ctx, fz_db *db, long line,
                                   const char *field, const char *reason);

typedef struct fz_import_opts {
  fz_reg_kind kind;
  const fz_principal *by;
  const char *file_name;   /* shown in the ledger event */
  const char *file_sm3;    /* 64 hex digits: the file's SM3 */
  const char *object_id;   /* the ledger object id ("import" type) */
  fz_import_reject_fn reject;
  void *reject_ctx;
} fz_import_opts;

typedef struct fz_import_stats {
  long long rows;     /* data rows read */
  long long inserted; /* rows written */
  long long rejected; /* rows refused */
  long long batches;  /* batches written */
} fz_import_stats;

/* Reads the header row of csv (which the import borrows) and maps its
 * columns to the kind's fields by name or Chinese label.  FZ_MISSING names a
 * required column that is absent; FZ_INVALID an unknown or repeated one. */
fz_err fz_import_open(fz_import **out, fz_csv *csv, const fz_import_opts *o,
                      fz_error *err);

/* Reads and checks up to max rows into the pending batch.  FZ_OK with
 * *more 0 when the file has ended.  A CSV error (a broken quote) stops
 * the import: FZ_PARSE with the line.  While there is more, the next batch
 * is read ahead on a thread of its own as the caller writes this one, and
 * the next call takes it; so the csv may not be touched between calls,
 * and max should stay the same. */
fz_err fz_import_read(fz_import *im, int max, int *more, fz_error *err);

/* How far into the file (bytes, as the file holds them) the pending
 * batch reaches. */
unsigned long long fz_import_bytes_read(const fz_import *im);

/* Writes the pending batch in the caller's transaction (an fz_write_fn:
 * ctx is the fz_import).  Does nothing for an empty batch. */
fz_err fz_import_write(fz_db *db, void *im, fz_error *err);

/* Sets the time the next write records (ms; 0 = now). */
void fz_import_set_now(fz_import *im, int64_t now);

void fz_import_get_stats(const fz_import *im, fz_import_stats *s);

void fz_import_free(fz_import *im);

/* The SM3 of a whole file, as 64 hex digits into hex. */
fz_err fz_import_file_sm3(const char *path, char hex[65], fz_error *err);

#endif
