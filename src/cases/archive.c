/* archive.c — writing a case's 案卷 as a zip archive (archive.h) with
 * libarchive: the manifest, the checkpoint, the case's events and its
 * evidence files. */
#include "cases/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/case_int.h"
#include "evidence/evidence.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"

/* Adds one file to the archive. */
static fz_err add(struct archive *a, const char *name, const void *data,
                  size_t len, int64_t mtime, fz_error *err) {
  struct archive_entry *e = archive_entry_new();
  if (!e) return fz_error_set(err, FZ_NOMEM, "", NULL);
  archive_entry_set_pathname(e, name);
  archive_entry_set_size(e, (la_int64_t)len);
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_mtime(e, (time_t)(mtime / 1000), 0);
  fz_err rc = FZ_OK;
  if (archive_write_header(a, e) != ARCHIVE_OK ||
      (len && archive_write_data(a, data, len) != (la_ssize_t)len))
    rc = fz_error_set(err, FZ_IO, "archive", "写入案卷失败：%s / cannot write "
                      "the archive: %s", archive_error_string(a),
                      archive_error_string(a));
  archive_entry_free(e);
  return rc;
}

static json_t *hex_path(uint8_t path[][FZ_HASH_LEN], size_t len) {
  json_t *a = json_array();
  char h[FZ_HASH_HEX];
  for (size_t i = 0; a && i < len; i++)
    json_array_append_new(a, json_string(fz_hash_hex(path[i], h)));
  return a;
}

/* The case's events up to size: each written as events/<seq>.json and
 * listed with its proof in list. */
static fz_err add_events(fz_db *db, struct archive *a, int64_t id,
                         fz_hash_alg alg, uint64_t size, int64_t now,
                         json_t *list, fz_error *err) {
  fz_stmt *st;
  char oid[24];
  snprintf(oid, sizeof oid, "%lld", (long long)id);
  fz_err rc = fz_db_prepare(db, "SELECT seq, action, body, leaf_hash FROM "
                            "ledger_event WHERE object_type = 'case' AND "
                            "object_id = ? AND seq < ? ORDER BY seq", &st,
                            err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, oid, -1);
  fz_stmt_bind_int64(st, 2, (int64_t)size);
  int r;
  while (!rc && (r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    uint64_t seq = (uint64_t)fz_stmt_column_int64(st, 0);
    const char *body = fz_stmt_column_text(st, 2);
    size_t leaf_len = 0;
    const uint8_t *leaf = fz_stmt_column_blob(st, 3, &leaf_len);
    uint8_t path[FZ_MERKLE_MAX_PATH][FZ_HASH_LEN];
    size_t n = 0;
    if (leaf_len != FZ_HASH_LEN ||
        fz_merkle_inclusion(alg, fz_ledger_node_get, db, seq, size, path, &n)) {
      rc = fz_error_set(err, FZ_INTERNAL, "ledger", "无法生成事件 %llu 的包含"
                        "证明 / cannot prove event %llu",
                        (unsigned long long)seq, (unsigned long long)seq);
      break;
    }
    char name[48], h[FZ_HASH_HEX];
    snprintf(name, sizeof name, "events/%llu.json", (unsigned long long)seq);
    rc = add(a, name, body, strlen(body), now, err);
    json_array_append_new(
        list, json_pack("{s:I, s:s, s:s, s:o, s:s}", "seq", (json_int_t)seq,
                        "action", fz_stmt_column_text(st, 1), "leaf_hash",
                        fz_hash_hex(leaf, h), "inclusion_proof",
                        hex_path(path, n), "path", name));
  }
  fz_stmt_finalize(st);
  if (!rc && r != FZ_STEP_DONE) rc = (fz_err)r;
  return rc;
}

/* The evidence files, each checked against its SM3 on the way out. */
static fz_err add_evidence(fz_db *db, struct archive *a, int64_t id,
                           int64_t now, json_t *list, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT v.id, v.name, v.content_type, "
                            "v.size, v.sm3, v.seq, f.data FROM case_evidence "
                            "v JOIN files f ON f.sm3 = v.sm3 WHERE v.case_id "
                            "= ? ORDER BY v.id", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  int r;
  while (!rc && (r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    size_t len = 0;
    const void *blob = fz_stmt_column_blob(st, 6, &len);
    void *copy = NULL;
    const char *sm3 = fz_stmt_column_text(st, 4);
    rc = fz_evidence_copy_checked(blob, len, sm3, fz_stmt_column_int64(st, 3),
                                  &copy, err);
    if (rc) break;
    char name[300];
    snprintf(name, sizeof name, "evidence/%lld-%s",
             (long long)fz_stmt_column_int64(st, 0), fz_stmt_column_text(st, 1));
    rc = add(a, name, copy, len, now, err);
    free(copy);
    json_array_append_new(
        list, json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:s}", "id",
                        (json_int_t)fz_stmt_column_int64(st, 0), "name",
                        fz_stmt_column_text(st, 1), "content_type",
                        fz_stmt_column_text(st, 2), "size", (json_int_t)len,
                        "sm3", sm3, "seq",
                        (json_int_t)fz_stmt_column_int64(st, 5), "path",
                        name));
  }
  fz_stmt_finalize(st);
  if (!rc && r != FZ_STEP_DONE) rc = (fz_err)r;
  return rc;
}

fz_err fz_case_archive(fz_db *db, const fz_principal *by, int64_t id,
                       const char *note, uint64_t size, const char *path,
                       fz_error *err) {
  char today[11];
  int64_t now = fz_now_ms();
  fz_civil_date(now, today);
  json_t *c = NULL, *events = json_array(), *evidence = json_array();
  char *vkey = NULL;
  fz_hash_alg alg;
  fz_err rc = fz_case_get(db, by, id, today, &c, err);
  if (!rc) rc = fz_ledger_alg(db, &alg, err);
  if (!rc) rc = fz_ledger_vkey(db, &vkey, err);
  struct archive *a = rc ? NULL : archive_write_new();
  if (!rc && (!a || archive_write_set_format_zip(a) != ARCHIVE_OK ||
              archive_write_open_filename(a, path) != ARCHIVE_OK))
    rc = fz_error_set(err, FZ_IO, "archive", "无法创建案卷文件：%s / cannot "
                      "create the archive: %s",
                      a ? archive_error_string(a) : "out of memory",
                      a ? archive_error_string(a) : "out of memory");
  if (!rc) rc = add(a, "checkpoint.txt", note, strlen(note), now, err);
  if (!rc) rc = add_events(db, a, id, alg, size, now, events, err);
  if (!rc) rc = add_evidence(db, a, id, now, evidence, err);
  if (!rc) {
    json_object_del(c, "next_steps"); /* what the downloader could do */
    json_t *m = json_pack("{s:s, s:O, s:{s:s, s:s, s:I}, s:O, s:O}", "format",
                          FZ_ARCHIVE_FORMAT, "case", c, "ledger", "hash",
                          fz_hash_name(alg), "verifier_key", vkey, "size",
                          (json_int_t)size, "events", events, "evidence",
                          evidence);
    char *text = m ? json_dumps(m, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
    rc = text ? add(a, "manifest.json", text, strlen(text), now, err)
              : fz_error_set(err, FZ_NOMEM, "", NULL);
    free(text);
    json_decref(m);
  }
  if (a) {
    if (archive_write_close(a) != ARCHIVE_OK && !rc)
      rc = fz_error_set(err, FZ_IO, "archive", "写入案卷失败：%s / cannot "
                        "write the archive: %s", archive_error_string(a),
                        archive_error_string(a));
    archive_write_free(a);
  }
  free(vkey);
  json_decref(c);
  json_decref(events);
  json_decref(evidence);
  return rc;
}
