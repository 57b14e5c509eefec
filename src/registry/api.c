/* api.c — the registry over HTTP: /api/v1/{departments, officers, entities,
 * matters, items, conflicts}, bulk imports under /api/v1/imports, and the
 * public certificate look-up and catalogues under /api/v1/public.  Parses,
 * validates and authorises; the rules are in record.c and kinds.c. */
#include "registry/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/api.h"
#include "core/buf.h"
#include "core/clock.h"
#include "registry/export.h"
#include "registry/import.h"

/* The kind named by the path segment after /api/v1/ (or /api/v1/public/). */
static int kind_of(fz_req *r, fz_reg_kind *k) {
  const char *p = fz_req_path(r) + strlen("/api/v1/");
  if (strncmp(p, "public/", 7) == 0) p += 7;
  char name[32];
  size_t n = strcspn(p, "/");
  snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), p);
  fz_error e;
  if (fz_reg_kind_parse(name, k, &e)) {
    fz_reply_fz_error(r, &e);
    return 0;
  }
  return 1;
}

static const char *query(void *r, const char *name) {
  return fz_req_query(r, name);
}

/* ---- JSON bodies into records ----------------------------------------- */

/* The JSON array v of field f as the text value.c reads, ';' between the
 * elements, into *s (in the request's arena; NULL when it does not fit):
 * tags are strings without ';', ids integers.  Returns 0 when an element
 * is of another type. */
static int array_text(fz_req *r, const fz_rfield *f, json_t *v,
                      const char **s) {
  fz_buf b;
  fz_buf_init(&b, 4096);
  size_t j;
  json_t *t;
  int ok = 1;
  json_array_foreach(v, j, t) {
    if (f->type == FZ_F_IDS) {
      /* value.c refuses more than f->max ids: one more is all it needs
       * to see. */
      ok = ok && json_is_integer(t);
      if (ok && j <= (size_t)f->max)
        fz_buf_printf(&b, "%s%lld", j ? ";" : "",
                      (long long)json_integer_value(t));
    } else {
      ok = ok && json_is_string(t) && !strchr(json_string_value(t), ';');
      if (ok) fz_buf_printf(&b, "%s%s", j ? ";" : "", json_string_value(t));
    }
  }
  if (ok && !b.err)
    *s = fz_arena_strndup(fz_req_arena(r), b.data ? b.data : "", b.len);
  fz_buf_free(&b);
  return ok;
}

/* The record in the request's JSON body: each member a field of kind k, of the right
 * JSON type (text as strings, ids as integers, flags as booleans, tags as
 * an array of strings, a list of ids as an array of integers); null clears an optional field.  Replies 400 and
 * returns 0 otherwise.  The strings live in the request's arena. */
static int body_rec(fz_req *r, fz_reg_kind kind, fz_rec *rec) {
  memset(rec, 0, sizeof *rec);
  json_t *body = fz_req_json_body(r, NULL, 0);
  if (!body) return 0;
  const char *key;
  json_t *v;
  json_object_foreach(body, key, v) {
    int i = fz_reg_field_find(kind, key);
    const fz_rfield *f = i >= 0 ? fz_reg_field(kind, (size_t)i) : NULL;
    if (!f || strcmp(f->name, key) != 0) {
      fz_reply_error(r, 400, FZ_UNKNOWN, key, "%s 没有字段 \"%s\" / %s have "
                     "no field \"%s\"", fz_reg_kind_label(kind), key,
                     fz_reg_kind_name(kind), key);
      return 0;
    }
    char buf[64];
    const char *s = NULL;
    if (json_is_null(v)) {
      s = "";
    } else if (f->type == FZ_F_INT && json_is_integer(v)) {
      snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
      s = buf;
    } else if (f->type == FZ_F_BOOL && json_is_boolean(v)) {
      s = json_is_true(v) ? "1" : "0";
    } else if ((f->type == FZ_F_TAGS || f->type == FZ_F_IDS) &&
               json_is_array(v)) {
      if (!array_text(r, f, v, &s)) {
        fz_reply_error(r, 400, FZ_TYPE, key, f->type == FZ_F_IDS
                       ? "%s 应为 ID（整数）的数组 / an array of integer ids"
                       : "%s 应为不含分号的字符串数组 / an array of strings "
                         "without ';'", f->label);
        return 0;
      }
    } else if (json_is_string(v) && f->type != FZ_F_INT &&
               f->type != FZ_F_BOOL && f->type != FZ_F_IDS) {
      s = json_string_value(v);
    }
    if (!s) {
      static const char *const want[][2] = {
          [FZ_F_INT] = {"整数", "an integer"},
          [FZ_F_BOOL] = {"true 或 false", "true or false"},
          [FZ_F_TAGS] = {"字符串数组", "an array of strings"},
          [FZ_F_IDS] = {"ID（整数）的数组", "an array of integer ids"}};
      int known = (size_t)f->type < sizeof want / sizeof want[0] &&
                  want[f->type][0];
      fz_reply_error(r, 400, FZ_TYPE, key, "%s 类型错误，应为%s / %s must be "
                     "%s", f->label, known ? want[f->type][0] : "字符串", key,
                     known ? want[f->type][1] : "a string");
      return 0;
    }
    if (s == buf) s = fz_arena_strndup(fz_req_arena(r), buf, strlen(buf));
    rec->v[i] = s;
  }
  return 1;
}

/* ---- Records ------------------------------------------------------------- */

typedef struct job {
  const fz_principal *by;
  fz_reg_kind kind;
  int64_t id, now;
  fz_rec rec;
  int active;
  const char *reason;
} job;

static fz_err w_create(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_reg_create(db, j->by, j->kind, &j->rec, j->now, &j->id, err);
}

static fz_err w_update(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_reg_update(db, j->by, j->kind, j->id, &j->rec, j->now, err);
}

static fz_err w_set_active(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_reg_set_active(db, j->by, j->kind, j->id, j->active, j->reason,
                           j->now, err);
}

/* Replies with record id as by sees it. */
static void reply_record(fz_req *r, const fz_principal *by, fz_reg_kind k,
                         int64_t id, int status) {
  json_t *o;
  fz_error e;
  if (fz_reg_get(fz_req_db(r), by, k, id, FZ_VIEW_FULL, &o, &e))
    fz_reply_fz_error(r, &e);
  else
    fz_reply_json(r, status, o);
}

void fz_api_reg_list(fz_req *r) {
  fz_reg_kind k;
  fz_auth a;
  if (!kind_of(r, &k)) return;
  fz_req_db_read(r); /* the token and the page read in one snapshot */
  if (!fz_auth_request(r, 0, &a)) return;
  fz_reg_query q;
  fz_buf out;
  fz_buf_init(&out, 0);
  fz_error e;
  if (fz_reg_query_parse(k, query, r, &q, &e) ||
      fz_reg_list_text(fz_req_db(r), &a.who, k, &q, FZ_VIEW_FULL, &out, &e)) {
    fz_buf_free(&out);
    fz_reply_fz_error(r, &e);
  } else {
    fz_reply_json_text(r, 200, &out);
  }
}

void fz_api_reg_create(fz_req *r) {
  fz_reg_kind k;
  fz_auth a;
  if (!kind_of(r, &k) || !fz_auth_request(r, 0, &a)) return;
  job j = {.by = &a.who, .kind = k, .now = fz_now_ms()};
  if (!body_rec(r, k, &j.rec)) return;
  fz_error e;
  if (fz_req_write(r, w_create, &j, &e)) fz_reply_fz_error(r, &e);
  else reply_record(r, &a.who, k, j.id, 201);
}

void fz_api_reg_get(fz_req *r) {
  fz_reg_kind k;
  fz_auth a;
  int64_t id;
  if (!kind_of(r, &k) || !fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id))
    return;
  reply_record(r, &a.who, k, id, 200);
}

void fz_api_reg_by_code(fz_req *r) {
  fz_reg_kind k;
  fz_auth a;
  if (!kind_of(r, &k)) return;
  fz_req_db_read(r); /* the token and the record read in one snapshot */
  if (!fz_auth_request(r, 0, &a)) return;
  fz_buf out;
  fz_buf_init(&out, 0);
  fz_error e;
  if (fz_reg_get_by_code(fz_req_db(r), &a.who, k, fz_req_param(r, "code"),
                         FZ_VIEW_FULL, &out, &e)) {
    fz_buf_free(&out);
    fz_reply_fz_error(r, &e);
  } else {
    fz_reply_json_text(r, 200, &out);
  }
}

void fz_api_reg_update(fz_req *r) {
  fz_reg_kind k;
  fz_auth a;
  job j = {.now = fz_now_ms()};
  if (!kind_of(r, &k) || !fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &j.id))
    return;
  j.by = &a.who;
  j.kind = k;
  if (!body_rec(r, k, &j.rec)) return;
  fz_error e;
  if (fz_req_write(r, w_update, &j, &e)) fz_reply_fz_error(r, &e);
  else reply_record(r, &a.who, k, j.id, 200);
}

static void set_active(fz_req *r, int active) {
  static const fz_json_field f[] = {{"reason", FZ_JSON_STRING, 1, 512}};
  fz_reg_kind k;
  fz_auth a;
  job j = {.now = fz_now_ms(), .active = active};
  if (!kind_of(r, &k) || !fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &j.id))
    return;
  json_t *b = fz_req_json_body(r, f, 1);
  if (!b) return;
  j.by = &a.who;
  j.kind = k;
  j.reason = json_string_value(json_object_get(b, "reason"));
  fz_error e;
  if (fz_req_write(r, w_set_active, &j, &e)) fz_reply_fz_error(r, &e);
  else reply_record(r, &a.who, k, j.id, 200);
}

void fz_api_reg_deactivate(fz_req *r) { set_active(r, 0); }
void fz_api_reg_reactivate(fz_req *r) { set_active(r, 1); }

void fz_api_reg_export(fz_req *r) {
  fz_reg_kind k;
  fz_auth a;
  if (!kind_of(r, &k) || !fz_auth_request(r, 0, &a)) return;
  fz_reg_query q;
  fz_table_format fmt = FZ_TABLE_CSV;
  const char *format = fz_req_query(r, "format");
  fz_error e;
  if (fz_reg_query_parse(k, query, r, &q, &e) ||
      (format && fz_table_format_parse(format, &fmt, &e))) {
    fz_reply_fz_error(r, &e);
    return;
  }
  char path[512];
  int fd = fz_req_temp_file(path, sizeof path, fmt == FZ_TABLE_XLSX ? ".xlsx" : ".csv");
  if (fd < 0) {
    fz_reply_error(r, 503, FZ_IO, "", "cannot make a temporary file");
    return;
  }
  FILE *f = fmt == FZ_TABLE_XLSX ? NULL : fdopen(dup(fd), "wb");
  fz_err rc = fmt == FZ_TABLE_CSV && !f
                  ? fz_error_set(&e, FZ_IO, "", "cannot write the export")
                  : fz_reg_export(fz_req_db(r), &a.who, k, &q, fmt, path, f,
                                  NULL, &e);
  if (f && fclose(f) && !rc) rc = fz_error_set(&e, FZ_IO, "", "cannot write the export");
  unlink(path);
  off_t size = lseek(fd, 0, SEEK_END);
  if (rc || size < 0) {
    close(fd);
    if (!rc) fz_error_set(&e, FZ_IO, "", "cannot read the export back");
    fz_reply_fz_error(r, &e);
    return;
  }
  char name[64];
  snprintf(name, sizeof name, "%s.%s", fz_reg_kind_name(k),
           fz_table_format_name(fmt));
  fz_reply_file(r, 200, fz_table_format_mime(fmt), fd, (unsigned long long)size,
                name);
}

/* ---- Public ------------------------------------------------------------- */

/* The public reads see every department's records (their public fields);
 * they act as nobody in particular, so scope does not narrow them. */
static void public_principal(fz_principal *p) {
  fz_principal_cli(p);
  snprintf(p->actor, sizeof p->actor, "public");
}

void fz_api_public_certificate(fz_req *r) {
  json_t *o;
  fz_error e;
  if (fz_reg_certificate(fz_req_db(r), fz_req_param(r, "cert_no"), NULL, &o,
                         &e))
    fz_reply_fz_error(r, &e);
  else
    fz_reply_json(r, 200, o);
}

void fz_api_public_list(fz_req *r) {
  fz_reg_kind k;
  if (!kind_of(r, &k)) return;
  fz_principal p;
  public_principal(&p);
  fz_reg_query q;
  json_t *out;
  fz_error e;
  int rc = fz_reg_query_parse(k, query, r, &q, &e);
  /* 公示 of officers (DESIGN §7): those who hold a certificate, never the
   * 辅助人员, and only what the public fields show (names masked). */
  int aux = k == FZ_REG_OFFICER ? fz_reg_field_find(k, "auxiliary") : -1;
  if (!rc && aux >= 0) q.filter[aux] = "false";
  if (rc || fz_reg_list(fz_req_db(r), &p, k, &q, FZ_VIEW_PUBLIC, &out, &e))
    fz_reply_fz_error(r, &e);
  else
    fz_reply_json(r, 200, out);
}
