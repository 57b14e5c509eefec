/* meta.c — the key/value facts an installation records about itself
 * (when it was created, whether it holds demo data). */
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

fz_err fz_db_meta_set(fz_db *db, const char *key, const char *value,
                      fz_error *err) {
  fz_stmt *st = NULL;
  fz_err rc = fz_db_prepare(db, "DELETE FROM meta WHERE key = ?", &st, err);
  if (!rc) rc = fz_stmt_bind_text(st, 1, key, -1);
  if (!rc && fz_stmt_step(st, err) != FZ_STEP_DONE) rc = err ? err->code : FZ_DB;
  fz_stmt_finalize(st);
  st = NULL;
  if (!rc) rc = fz_db_prepare(db, "INSERT INTO meta (key, value) VALUES (?, ?)",
                              &st, err);
  if (!rc) rc = fz_stmt_bind_text(st, 1, key, -1);
  if (!rc) rc = fz_stmt_bind_text(st, 2, value, -1);
  if (!rc && fz_stmt_step(st, err) != FZ_STEP_DONE) rc = err ? err->code : FZ_DB;
  fz_stmt_finalize(st);
  return rc;
}

fz_err fz_db_meta_get(fz_db *db, const char *key, char **value,
                      fz_error *err) {
  *value = NULL;
  fz_stmt *st = NULL;
  fz_err rc = fz_db_prepare(db, "SELECT value FROM meta WHERE key = ?", &st, err);
  if (!rc) rc = fz_stmt_bind_text(st, 1, key, -1);
  if (!rc) {
    int s = fz_stmt_step(st, err);
    if (s == FZ_STEP_ROW) {
      *value = strdup(fz_stmt_column_text(st, 0));
      if (!*value) rc = fz_error_set(err, FZ_NOMEM, key, NULL);
    } else if (s == FZ_STEP_DONE) {
      rc = fz_error_set(err, FZ_NOTFOUND, key, "no meta value \"%s\"", key);
    } else {
      rc = (fz_err)s;
    }
  }
  fz_stmt_finalize(st);
  return rc;
}
