/* api_import.c — bulk imports over HTTP: the CSV is uploaded as the body
 * of POST /api/v1/imports/{kind} (streamed to disk and hashed with SM3 as
 * it arrives), then imported in batches through the writer.  Each batch
 * commits with its ledger event, its rejected rows and the import's
 * progress, which GET /api/v1/imports/{id} shows while it runs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/api.h"
#include "core/clock.h"
#include "registry/api.h"
#include "registry/import.h"

#define BATCH_ROWS 5000
#define MAX_STORED_ERRORS 10000 /* rejected rows kept per import */

typedef struct imp {
  const fz_principal *by;
  int64_t id, user_id, now;
  const char *kind, *file_name, *sm3, *encoding, *message;
  unsigned long long bytes_total, bytes_done;
  fz_import *im;
  long long stored_errors;
  int failed;
} imp;

static fz_err run_sql(fz_db *db, const char *sql, const char *fmt,
                      fz_error *err, ...) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  va_list ap;
  va_start(ap, err);
  for (int i = 0; fmt[i]; i++) {
    if (fmt[i] == 'I') fz_stmt_bind_int64(st, i + 1, va_arg(ap, int64_t));
    else fz_stmt_bind_text(st, i + 1, va_arg(ap, const char *), -1);
  }
  va_end(ap);
  int r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

static fz_err w_begin(fz_db *db, void *c, fz_error *err) {
  imp *j = c;
  fz_err rc = fz_db_query_int64(
      db, "SELECT COALESCE(MAX(id), 0) + 1 FROM imports", &j->id, err);
  if (!rc)
    rc = run_sql(db,
                 "INSERT INTO imports (id, kind, file_name, file_sm3, "
                 "bytes_total, bytes_done, encoding, rows_done, inserted, "
                 "rejected, status, message, user_id, created_at, finished_at) "
                 "VALUES (?, ?, ?, ?, ?, 0, '', 0, 0, 0, 'running', '', ?, ?, 0)",
                 "ISSSIII", err, j->id, j->kind, j->file_name, j->sm3,
                 (int64_t)j->bytes_total, j->user_id, j->now);
  return rc;
}

static int on_reject(void *c, fz_db *db, long line, const char *field,
                     const char *reason) {
  imp *j = c;
  if (j->stored_errors >= MAX_STORED_ERRORS) return 0;
  fz_error e;
  if (run_sql(db,
              "INSERT INTO import_errors (import_id, line, field, reason) "
              "VALUES (?, ?, ?, ?)",
              "IISS", &e, j->id, (int64_t)line, field, reason))
    return -1;
  j->stored_errors++;
  return 0;
}

static fz_err progress(fz_db *db, imp *j, const char *status, fz_error *err) {
  fz_import_stats s = {0};
  if (j->im) fz_import_get_stats(j->im, &s);
  return run_sql(db,
                 "UPDATE imports SET bytes_done = ?, encoding = ?, rows_done = ?, "
                 "inserted = ?, rejected = ?, status = ?, message = ?, "
                 "finished_at = ? WHERE id = ?",
                 "ISIIISSII", err, (int64_t)j->bytes_done,
                 j->encoding ? j->encoding : "", (int64_t)s.rows,
                 (int64_t)s.inserted, (int64_t)s.rejected, status,
                 j->message ? j->message : "",
                 strcmp(status, "running") ? fz_now_ms() : (int64_t)0, j->id);
}

static fz_err w_batch(fz_db *db, void *c, fz_error *err) {
  imp *j = c;
  fz_import_set_now(j->im, fz_now_ms());
  fz_err rc = fz_import_write(db, j->im, err);
  if (!rc) rc = progress(db, j, "running", err);
  return rc;
}

static fz_err w_end(fz_db *db, void *c, fz_error *err) {
  imp *j = c;
  return progress(db, j, j->failed ? "failed" : "done", err);
}

static json_t *import_json(fz_stmt *st) {
  long long total = fz_stmt_column_int64(st, 4), done = fz_stmt_column_int64(st, 5);
  return json_pack(
      "{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:I, s:I, s:I, s:s, s:s, s:I, "
      "s:I}",
      "id", (json_int_t)fz_stmt_column_int64(st, 0), "kind",
      fz_stmt_column_text(st, 1), "file_name", fz_stmt_column_text(st, 2),
      "file_sm3", fz_stmt_column_text(st, 3), "bytes_total", (json_int_t)total,
      "bytes_done", (json_int_t)done, "percent",
      (json_int_t)(total ? done * 100 / total : 100), "encoding",
      fz_stmt_column_text(st, 6), "rows", (json_int_t)fz_stmt_column_int64(st, 7),
      "inserted", (json_int_t)fz_stmt_column_int64(st, 8), "rejected",
      (json_int_t)fz_stmt_column_int64(st, 9), "status",
      fz_stmt_column_text(st, 10), "message", fz_stmt_column_text(st, 11),
      "created_at", (json_int_t)fz_stmt_column_int64(st, 12), "finished_at",
      (json_int_t)fz_stmt_column_int64(st, 13));
}

#define IMPORT_COLUMNS                                                       \
  "id, kind, file_name, file_sm3, bytes_total, bytes_done, encoding, "      \
  "rows_done, inserted, rejected, status, message, created_at, finished_at"

/* Replies with import id, if it is the user's (or for the CLI). */
static void reply_import(fz_req *r, const fz_principal *by, int64_t id,
                         int status) {
  fz_stmt *st;
  fz_error e;
  if (fz_db_prepare(fz_req_db(r),
                    "SELECT " IMPORT_COLUMNS " FROM imports WHERE id = ? AND "
                    "user_id = ?", &st, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_stmt_bind_int64(st, 1, id);
  fz_stmt_bind_int64(st, 2, by->scope.user_id);
  int rc = fz_stmt_step(st, &e);
  if (rc == FZ_STEP_ROW) fz_reply_json(r, status, import_json(st));
  else if (rc == FZ_STEP_DONE)
    fz_reply_error(r, 404, FZ_NOTFOUND, "id", "没有编号为 %lld 的导入 / no "
                   "import %lld of yours", (long long)id, (long long)id);
  else fz_reply_fz_error(r, &e);
  fz_stmt_finalize(st);
}

void fz_api_import_start(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  fz_reg_kind k;
  fz_error e;
  if (fz_reg_kind_parse(fz_req_param(r, "kind"), &k, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  if (!fz_reg_can_write(&a.who, k)) {
    fz_reply_error(r, 403, FZ_FORBIDDEN, "", "此账号无权导入%s / this account "
                   "may not import %s", fz_reg_kind_label(k), fz_reg_kind_name(k));
    return;
  }
  int fd;
  unsigned long long size;
  const char *sm3;
  if (fz_req_upload(r, &fd, &size, &sm3) || size == 0) {
    fz_reply_error(r, 422, FZ_MISSING, "file", "请上传 CSV 文件作为请求体 / "
                   "send the CSV file as the request body");
    return;
  }
  const char *name = fz_req_query(r, "name");
  if (name && (!*name || strlen(name) > 128 || strpbrk(name, "/\\\r\n"))) {
    fz_reply_error(r, 400, FZ_INVALID, "name", "文件名应为 1–128 字节且不含 / "
                   "\\ 或换行 / a file name of 1 to 128 bytes");
    return;
  }
  imp j = {.by = &a.who, .user_id = a.who.scope.user_id, .now = fz_now_ms(),
           .kind = fz_reg_kind_name(k), .file_name = name ? name : "upload.csv",
           .sm3 = sm3, .bytes_total = size};
  if (fz_req_write(r, w_begin, &j, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  char oid[24];
  snprintf(oid, sizeof oid, "%lld", (long long)j.id);
  FILE *f = fdopen(dup(fd), "rb");
  fz_csv *csv = NULL;
  fz_import_opts o = {k, &a.who, j.file_name, sm3, oid, on_reject, &j};
  fz_err rc = f ? fz_csv_open_file(&csv, f, &e)
                : fz_error_set(&e, FZ_IO, "file", "cannot read the upload");
  if (!rc) j.encoding = fz_csv_encoding(csv);
  if (!rc) rc = fz_import_open(&j.im, csv, &o, &e);
  int more = 1;
  while (!rc && more) {
    rc = fz_import_read(j.im, BATCH_ROWS, &more, &e);
    j.bytes_done = more ? fz_import_bytes_read(j.im) : size;
    if (!rc) rc = fz_req_write(r, w_batch, &j, &e);
  }
  fz_error end_err;
  j.failed = rc != FZ_OK;
  j.message = rc ? e.message : "";
  fz_err end = fz_req_write(r, w_end, &j, &end_err);
  fz_import_free(j.im);
  fz_csv_free(csv);
  if (f) fclose(f);
  if (rc) {
    fz_reply_fz_error(r, &e);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)j.id);
    fz_reply_header(r, "X-Import-Id", id);
  } else if (end) {
    fz_reply_fz_error(r, &end_err);
  } else {
    reply_import(r, &a.who, j.id, 201);
  }
}

void fz_api_import_list(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  fz_stmt *st;
  fz_error e;
  if (fz_db_prepare(fz_req_db(r),
                    "SELECT " IMPORT_COLUMNS " FROM imports WHERE user_id = ? "
                    "ORDER BY id DESC LIMIT 50", &st, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_stmt_bind_int64(st, 1, a.who.scope.user_id);
  json_t *items = json_array();
  int rc;
  while ((rc = fz_stmt_step(st, &e)) == FZ_STEP_ROW)
    json_array_append_new(items, import_json(st));
  fz_stmt_finalize(st);
  if (rc != FZ_STEP_DONE) {
    json_decref(items);
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void fz_api_import_get(fz_req *r) {
  fz_auth a;
  int64_t id;
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id)) return;
  reply_import(r, &a.who, id, 200);
}

void fz_api_import_errors(fz_req *r) {
  fz_auth a;
  int64_t id;
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id)) return;
  fz_stmt *st;
  fz_error e;
  if (fz_db_prepare(fz_req_db(r),
                    "SELECT e.line, e.field, e.reason FROM import_errors e JOIN "
                    "imports i ON i.id = e.import_id WHERE e.import_id = ? AND "
                    "i.user_id = ? ORDER BY e.line",
                    &st, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_stmt_bind_int64(st, 1, id);
  fz_stmt_bind_int64(st, 2, a.who.scope.user_id);
  json_t *items = json_array();
  int rc;
  while ((rc = fz_stmt_step(st, &e)) == FZ_STEP_ROW)
    json_array_append_new(
        items, json_pack("{s:I, s:s, s:s}", "line",
                         (json_int_t)fz_stmt_column_int64(st, 0), "field",
                         fz_stmt_column_text(st, 1), "reason",
                         fz_stmt_column_text(st, 2)));
  fz_stmt_finalize(st);
  if (rc != FZ_STEP_DONE) {
    json_decref(items);
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200, json_pack("{s:I, s:o}", "import_id", (json_int_t)id,
                                  "items", items));
}
