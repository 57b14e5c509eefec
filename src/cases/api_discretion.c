/* api_discretion.c — 裁量基准 and lenient lists over HTTP: versions made,
 * superseded, listed, read, imported (CSV or JSON, the file's SM3 in the
 * batch's one ledger event) and exported; the evaluation of facts; and the
 * public views.  Each handler authenticates, reads its parameters, calls
 * the domain (discretion.h) — through the writer for a change — and replies
 * once.  Permissions and every rule of the data are checked in the domain. */
#include "cases/api_discretion.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/api.h"
#include "cal/cal.h"
#include "cases/discretion.h"
#include "core/clock.h"
#include "registry/registry.h"

#define IMPORT_MAX_BYTES (16ULL << 20) /* an import file held in memory */

/* The family named by the path: /api/v1/[public/]benchmarks or
 * /lenient-lists. */
static fz_disc_family family(fz_req *r) {
  return strstr(fz_req_path(r), "/lenient-lists") ? FZ_DISC_LISTS
                                                  : FZ_DISC_BENCHMARKS;
}

static void reply_err(fz_req *r, fz_err rc, fz_error *e) {
  if (e->code == FZ_OK) fz_error_set(e, rc ? rc : FZ_INTERNAL, "", NULL);
  fz_reply_fz_error(r, e);
}

static void today(char out[11]) { fz_civil_date(fz_now_ms(), out); }

/* The filters of a list or export; replies 400 naming the parameter. */
static int query(fz_req *r, fz_disc_query *q, char dk[64], char kind[16]) {
  memset(q, 0, sizeof *q);
  q->matter_code = fz_req_query(r, "matter");
  q->status = fz_req_query(r, "status");
  q->on = fz_req_query(r, "on");
  q->limit = 50;
  const char *d = fz_req_query(r, "department_kind");
  const char *k = fz_req_query(r, "kind");
  const char *c = fz_req_query(r, "cursor");
  const char *l = fz_req_query(r, "limit");
  fz_error e;
  fz_date day;
  if (q->status && strcmp(q->status, "active") && strcmp(q->status, "superseded")) {
    fz_reply_error(r, 400, FZ_INVALID, "status", "status 应为 active 或 "
                   "superseded (status is active or superseded)");
    return 0;
  }
  if (q->on && fz_date_parse(q->on, &day, &e)) {
    fz_reply_error(r, 400, FZ_INVALID, "on", "on 应为 YYYY-MM-DD 格式的日期 (on "
                   "is a date)");
    return 0;
  }
  if (q->matter_code && (!*q->matter_code || strlen(q->matter_code) > 32)) {
    fz_reply_error(r, 400, FZ_INVALID, "matter", "matter 应为执法事项编码 "
                   "(matter is a matter code)");
    return 0;
  }
  if (d) {
    int idx = fz_reg_field_find(FZ_REG_MATTER, "department_kind");
    char buf[128];
    const char *v;
    if (idx < 0 || !*d ||
        fz_reg_value_check(FZ_REG_MATTER, (size_t)idx, d, buf, sizeof buf, &v,
                           &e)) {
      fz_reply_error(r, 400, FZ_INVALID, "department_kind", "未知的部门类别 "
                     "(unknown department kind)");
      return 0;
    }
    snprintf(dk, 64, "%s", v);
    q->department_kind = dk;
  }
  if (k) {
    fz_list_kind lk;
    if (fz_list_kind_parse(k, &lk, &e)) {
      fz_reply_fz_error(r, &e);
      return 0;
    }
    snprintf(kind, 16, "%s", fz_list_kind_name(lk));
    q->kind = kind;
  }
  if (c) {
    char *end;
    long long v = isdigit((unsigned char)*c) && strlen(c) <= 18
                      ? strtoll(c, &end, 10)
                      : 0;
    if (v <= 0 || *end) {
      fz_reply_error(r, 400, FZ_INVALID, "cursor", "cursor 应为上一页的 "
                     "next_cursor (use the next_cursor of the page before)");
      return 0;
    }
    q->cursor = v;
  }
  if (l) {
    char *end;
    long v = isdigit((unsigned char)*l) && strlen(l) <= 4 ? strtol(l, &end, 10)
                                                          : 0;
    if (v < 1 || v > 200 || *end) {
      fz_reply_error(r, 400, FZ_INVALID, "limit", "limit 应为 1 至 200 的整数 "
                     "(limit is 1 to 200)");
      return 0;
    }
    q->limit = (int)v;
  }
  return 1;
}

/* ---- Reads ------------------------------------------------------------------------ */

static void list_for(fz_req *r, const fz_principal *by) {
  fz_disc_query q;
  char dk[64], kind[16], day[11];
  if (!query(r, &q, dk, kind)) return;
  today(day);
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = family(r) == FZ_DISC_BENCHMARKS
                  ? fz_bench_list(fz_req_db(r), by, &q, day, &out, &e)
                  : fz_list_list(fz_req_db(r), by, &q, day, &out, &e);
  if (rc) reply_err(r, rc, &e);
  else fz_reply_json(r, 200, out);
}

static void get_for(fz_req *r, const fz_principal *by, int64_t id,
                    int status) {
  char day[11];
  today(day);
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = family(r) == FZ_DISC_BENCHMARKS
                  ? fz_bench_get(fz_req_db(r), by, id, day, &out, &e)
                  : fz_list_get(fz_req_db(r), by, id, day, &out, &e);
  if (rc) reply_err(r, rc, &e);
  else fz_reply_json(r, status, out);
}

void fz_api_disc_list(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  list_for(r, &a.who);
}

void fz_api_disc_get(fz_req *r) {
  fz_auth a;
  int64_t id;
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id)) return;
  get_for(r, &a.who, id, 200);
}

void fz_api_public_benchmarks(fz_req *r) {
  /* The portal shows what is in force (on a date, today by default). */
  fz_disc_query q;
  char dk[64], kind[16], day[11];
  if (!query(r, &q, dk, kind)) return;
  today(day);
  if (!q.on) q.on = day;
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_bench_list(fz_req_db(r), NULL, &q, day, &out, &e);
  if (rc) reply_err(r, rc, &e);
  else fz_reply_json(r, 200, out);
}

void fz_api_public_benchmark(fz_req *r) {
  int64_t id;
  if (!fz_req_id_param(r, "id", &id)) return;
  get_for(r, NULL, id, 200);
}

void fz_api_public_lenient_lists(fz_req *r) {
  fz_disc_query q;
  char dk[64], kind[16], day[11];
  if (!query(r, &q, dk, kind)) return;
  today(day);
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_list_entries_in_force(fz_req_db(r), &q, day, &out, &e);
  if (rc) reply_err(r, rc, &e);
  else fz_reply_json(r, 200, out);
}

/* ---- Changes ------------------------------------------------------------------------ */

typedef struct job {
  const fz_principal *by;
  fz_disc_family fam;
  int64_t old_id, now, made;
  const json_t *spec;
  fz_disc_import *im;
  const char *file_name, *sm3;
  json_t *report;
} job;

static fz_err w_change(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  if (j->fam == FZ_DISC_BENCHMARKS)
    return j->old_id ? fz_bench_supersede(db, j->by, j->old_id, j->spec,
                                          j->now, &j->made, err)
                     : fz_bench_create(db, j->by, j->spec, j->now, &j->made,
                                       err);
  return j->old_id ? fz_list_supersede(db, j->by, j->old_id, j->spec, j->now,
                                       &j->made, err)
                   : fz_list_create(db, j->by, j->spec, j->now, &j->made, err);
}

static void change(fz_req *r, int supersede) {
  fz_auth a;
  int64_t old = 0;
  if (!fz_auth_request(r, 0, &a)) return;
  if (supersede && !fz_req_id_param(r, "id", &old)) return;
  json_t *body = fz_req_json_body(r, NULL, 0);
  if (!body) return;
  job j = {.by = &a.who, .fam = family(r), .old_id = old, .now = fz_now_ms(),
           .spec = body};
  fz_error e = {0};
  fz_err rc = fz_req_write(r, w_change, &j, &e);
  if (rc) reply_err(r, rc, &e);
  else get_for(r, &a.who, j.made, 201);
}

void fz_api_disc_create(fz_req *r) { change(r, 0); }

void fz_api_disc_supersede(fz_req *r) { change(r, 1); }

static fz_err w_import(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  json_decref(j->report);
  j->report = NULL;
  return fz_disc_import_write(db, j->by, j->im, j->file_name, j->sm3, j->now,
                              &j->report, err);
}

void fz_api_disc_import(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  fz_error e = {0};
  if (!fz_role_can(a.who.scope.roles, FZ_PERM_MANAGE_REGISTRY)) {
    fz_reply_error(r, 403, FZ_FORBIDDEN, "", "此账号无权导入裁量基准和清单 "
                   "(this account may not import benchmarks or lists: "
                   "manage_registry)");
    return;
  }
  const char *format = fz_req_query(r, "format");
  int json = -1;
  if (format) {
    if (!strcmp(format, "json")) json = 1;
    else if (!strcmp(format, "csv")) json = 0;
    else {
      fz_reply_error(r, 400, FZ_INVALID, "format", "format 应为 csv 或 json "
                     "(format is csv or json)");
      return;
    }
  }
  const char *name = fz_req_query(r, "name");
  if (name && (!*name || strlen(name) > 128 || strpbrk(name, "/\\\r\n"))) {
    fz_reply_error(r, 400, FZ_INVALID, "name", "文件名应为 1–128 字节且不含 / \\"
                   " 或换行 (a file name of 1 to 128 bytes)");
    return;
  }
  int fd;
  unsigned long long size;
  const char *sm3;
  if (fz_req_upload(r, &fd, &size, &sm3) || size == 0) {
    fz_reply_error(r, 422, FZ_MISSING, "file", "请上传 CSV 或 JSON 文件作为请求"
                   "体 (send the file as the request body)");
    return;
  }
  if (size > IMPORT_MAX_BYTES) {
    fz_reply_error(r, 413, FZ_TOOBIG, "file", "导入文件最大 %llu MiB (an import "
                   "file is at most %llu MiB)", IMPORT_MAX_BYTES >> 20,
                   IMPORT_MAX_BYTES >> 20);
    return;
  }
  char *data = malloc(size + 1);
  size_t got = 0;
  if (data && lseek(fd, 0, SEEK_SET) == 0)
    while (got < size) {
      ssize_t n = read(fd, data + got, size - got);
      if (n <= 0) break;
      got += (size_t)n;
    }
  if (!data || got != size) {
    free(data);
    fz_reply_error(r, 503, FZ_IO, "file", "cannot read the upload");
    return;
  }
  job j = {.by = &a.who, .fam = family(r), .now = fz_now_ms(),
           .file_name = name ? name : json == 1 ? "upload.json" : "upload.csv",
           .sm3 = sm3};
  fz_err rc = fz_disc_import_parse(j.fam, data, size, json, &j.im, &e);
  if (!rc) rc = fz_req_write(r, w_import, &j, &e);
  if (rc == FZ_INVALID && j.report) {
    /* Nothing was imported: the error carries the rows refused. */
    json_t *err = json_pack("{s:s, s:s, s:s, s:O}", "code",
                            fz_err_name(FZ_INVALID), "message", e.message,
                            "field", "file", "report", j.report);
    fz_reply_json(r, 422, json_pack("{s:o}", "error", err));
  } else if (rc) {
    reply_err(r, rc, &e);
  } else {
    fz_reply_json(r, 201, json_incref(j.report));
  }
  json_decref(j.report);
  fz_disc_import_free(j.im);
  free(data);
}

/* ---- Export -------------------------------------------------------------------------- */

void fz_api_disc_export(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  fz_disc_query q;
  char dk[64], kind[16];
  if (!query(r, &q, dk, kind)) return;
  fz_disc_family fam = family(r);
  const char *format = fz_req_query(r, "format");
  const char *base = fam == FZ_DISC_BENCHMARKS ? "benchmarks" : "lenient-lists";
  fz_error e = {0};
  fz_err rc;
  if (format && !strcmp(format, "json")) {
    json_t *out = NULL;
    rc = fz_disc_export_json(fz_req_db(r), &a.who, fam, &q, &out, &e);
    if (rc) {
      reply_err(r, rc, &e);
      return;
    }
    char *text = json_dumps(out, JSON_INDENT(1));
    json_decref(out);
    if (!text) {
      fz_reply_error(r, 500, FZ_NOMEM, "", NULL);
      return;
    }
    char fn[64];
    snprintf(fn, sizeof fn, "%s.json", base);
    fz_reply_bytes(r, 200, "application/json", text, strlen(text), fn);
    free(text);
    return;
  }
  int xlsx = format && !strcmp(format, "xlsx");
  if (format && !xlsx && strcmp(format, "csv")) {
    fz_reply_error(r, 400, FZ_INVALID, "format", "format 应为 csv、xlsx 或 json "
                   "(format is csv, xlsx or json)");
    return;
  }
  char path[512], fn[64];
  const char *suffix = xlsx ? ".xlsx" : ".csv";
  snprintf(fn, sizeof fn, "%s%s", base, suffix);
  int fd = fz_req_temp_file(path, sizeof path, suffix);
  if (fd < 0) {
    fz_reply_error(r, 503, FZ_IO, "", "cannot make a temporary file");
    return;
  }
  FILE *f = xlsx ? NULL : fdopen(dup(fd), "wb");
  rc = !xlsx && !f ? fz_error_set(&e, FZ_IO, "", "cannot write the export")
                   : fz_disc_export_table(fz_req_db(r), &a.who, fam, &q, xlsx,
                                          path, f, &e);
  if (f && fclose(f) && !rc)
    rc = fz_error_set(&e, FZ_IO, "", "cannot write the export");
  unlink(path);
  off_t size = lseek(fd, 0, SEEK_END);
  if (rc || size < 0) {
    close(fd);
    if (!rc) fz_error_set(&e, FZ_IO, "", "cannot read the export back");
    reply_err(r, rc ? rc : FZ_IO, &e);
    return;
  }
  fz_reply_file(r, 200,
                xlsx ? "application/vnd.openxmlformats-officedocument."
                       "spreadsheetml.sheet"
                     : "text/csv; charset=utf-8",
                fd, (unsigned long long)size, fn);
}

/* ---- Evaluate -------------------------------------------------------------------------- */

void fz_api_disc_evaluate(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  if (!fz_role_can(a.who.scope.roles, FZ_PERM_READ_BUSINESS)) {
    fz_reply_error(r, 403, FZ_FORBIDDEN, "", "此账号无权查看业务数据 (this "
                   "account may not read business data: read_business)");
    return;
  }
  json_t *body = fz_req_json_body(r, NULL, 0);
  if (!body) return;
  fz_offence_facts f;
  fz_error e = {0};
  json_t *out = NULL;
  fz_err rc = fz_offence_facts_from_json(body, &f, &e);
  if (!rc) rc = fz_discretion_evaluate(fz_req_db(r), &f, &out, &e);
  if (rc) reply_err(r, rc, &e);
  else fz_reply_json(r, 200, out);
}
