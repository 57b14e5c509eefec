/* api_system.c — health, version, the OpenAPI document, applied migrations. */
#include "http/api_system.h"

#include "core/embed.h"

void fz_api_health(fz_req *r) {
  fz_db *db = fz_req_db(r);
  int64_t version = 0;
  fz_error e;
  /* One indexed read: it proves the database answers, and serve has made
   * sure at start that the table exists. */
  if (fz_db_query_int64(db, "SELECT COALESCE(MAX(version), 0) FROM "
                            "schema_version", &version, &e)) {
    json_t *err = json_pack("{s:s, s:s}", "code", fz_err_name(e.code),
                            "message", e.message);
    fz_reply_json(r, 503, json_pack("{s:s, s:s, s:o}", "status", "unavailable",
                                    "backend", fz_db_backend_name(db),
                                    "error", err));
    return;
  }
  int latest = fz_db_latest_version();
  fz_reply_json(r, version == latest ? 200 : 503,
                json_pack("{s:s, s:s, s:i, s:i}", "status",
                          version == latest ? "ok" : "schema_out_of_date",
                          "backend", fz_db_backend_name(db), "schema_version",
                          (int)version, "schema_latest", latest));
}

void fz_api_version(fz_req *r) {
  fz_reply_json(r, 200, json_pack("{s:s, s:s, s:s, s:i}", "name", "fazhi",
                                  "version", FZ_VERSION, "api", "v1",
                                  "schema_latest", fz_db_latest_version()));
}

void fz_api_openapi(fz_req *r) {
  const fz_embed *doc = fz_embed_find("docs/openapi.json");
  if (!doc) {
    fz_reply_error(r, 500, FZ_INTERNAL, "", "the OpenAPI document is missing "
                   "from this build");
    return;
  }
  fz_reply_static(r, 200, "application/json; charset=utf-8", doc->data,
                  doc->len);
}

void fz_api_migrations(fz_req *r) {
  fz_db *db = fz_req_db(r);
  fz_stmt *st = NULL;
  fz_error e;
  json_t *list = json_array();
  if (fz_db_prepare(db, "SELECT version, name, applied_at FROM schema_version "
                        "ORDER BY version", &st, &e))
    goto fail;
  int rc;
  while ((rc = fz_stmt_step(st, &e)) == FZ_STEP_ROW)
    json_array_append_new(
        list, json_pack("{s:I, s:s?, s:s?}", "version",
                        (json_int_t)fz_stmt_column_int64(st, 0), "name",
                        fz_stmt_column_text(st, 1), "applied_at",
                        fz_stmt_column_text(st, 2)));
  if (rc != FZ_STEP_DONE) goto fail;
  fz_stmt_finalize(st);
  fz_reply_json(r, 200, json_pack("{s:s, s:o}", "backend",
                                  fz_db_backend_name(db), "migrations", list));
  return;
fail:
  fz_stmt_finalize(st);
  json_decref(list);
  fz_reply_fz_error(r, &e);
}
