/* api.c — 双随机、一公开 over HTTP: plans through commitment, reveal, draw
 * and publication; tasks, their results, evidence and replacements; the
 * supervision list of unpublished results; and the public draw records
 * that anyone can recompute.  Each handler authenticates, validates its
 * parameters, calls the domain (inspect.h) — through the writer for a
 * change — and replies once.  Permission, data scope and every rule of the
 * draw are checked in the domain, not here. */
#include "inspect/api.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/api.h"
#include "core/clock.h"
#include "evidence/api.h"
#include "inspect/inspect.h"
#include "inspect/plan_int.h"

#define STRATUM_KEY_MAX 32

/* ---- Parameters ---------------------------------------------------------- */

/* The body of a step that takes no arguments: none at all, or {}. */
static int empty_body(fz_req *r) {
  static const fz_json_field none[1] = {{"", FZ_JSON_STRING, 0, 0}};
  const char *len = fz_req_header(r, "Content-Length");
  if (!fz_req_header(r, "Transfer-Encoding") && (!len || strcmp(len, "0") == 0))
    return 1;
  return fz_req_json_body(r, none, 0) != NULL;
}

/* A string member of a body already checked against its field list, or
 * dflt when it is absent. */
static const char *member(const json_t *body, const char *name,
                          const char *dflt) {
  const json_t *v = json_object_get(body, name);
  return json_is_string(v) ? json_string_value(v) : dflt;
}

/* Today, the civil date in Beijing: what "overdue" is measured against. */
static void today(char out[11]) { fz_civil_date(fz_now_ms(), out); }

/* ---- Replies ------------------------------------------------------------- */

/* Replies with plan id as by sees it. */
static void reply_plan(fz_req *r, const fz_principal *by, int64_t id,
                       int status) {
  char day[11];
  today(day);
  json_t *o = NULL;
  fz_error e = {0};
  fz_err rc = fz_plan_get(fz_req_db(r), by, id, day, &o, &e);
  if (rc) fz_reply_domain_error(r, rc, &e);
  else fz_reply_json(r, status, o);
}

/* The task itself, or NULL after replying with why not. */
static json_t *task_json(fz_req *r, const fz_principal *by, int64_t id) {
  json_t *o = NULL;
  fz_error e = {0};
  fz_err rc = fz_task_get(fz_req_db(r), by, id, &o, &e);
  if (rc) {
    fz_reply_domain_error(r, rc, &e);
    return NULL;
  }
  return o;
}

/* ---- Changes through the writer ---------------------------------------- */

typedef struct job {
  const fz_principal *by;
  int64_t id, now;
  const json_t *spec;             /* create, update */
  const char *text, *notes;       /* commit hex, secret, value, result */
  const fz_plan_frozen *frozen;   /* commit */
  int64_t officer;                /* replace: who goes */
  int fd;                         /* evidence: the upload */
  unsigned long long size;
  const char *sm3, *name, *content_type;
  int64_t made;                   /* the new plan, evidence or officer */
} job;

static fz_err w_plan_create(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_plan_create(db, j->by, j->spec, j->now, &j->made, err);
}

static fz_err w_plan_update(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_plan_update(db, j->by, j->id, j->spec, j->now, err);
}

static fz_err w_participant_commit(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_plan_participant_commit(db, j->by, j->id, j->text, j->now, err);
}

static fz_err w_commit(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_plan_commit(db, j->by, j->id, j->frozen, j->now, err);
}

static fz_err w_reveal(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_plan_reveal(db, j->by, j->id, j->text, j->now, err);
}

static fz_err w_public_value(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_plan_public_value(db, j->by, j->id, j->text, j->now, err);
}

static fz_err w_draw(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_plan_draw(db, j->by, j->id, j->now, err);
}

static fz_err w_publish(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_plan_publish(db, j->by, j->id, j->now, err);
}

static fz_err w_result(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_task_result(db, j->by, j->id, j->text, j->notes, j->now, err);
}

static fz_err w_evidence(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  if (lseek(j->fd, 0, SEEK_SET) != 0)
    return fz_error_set(err, FZ_IO, "file", "cannot read the upload");
  return fz_task_evidence(db, j->by, j->id, j->fd, j->size, j->sm3, j->name,
                          j->content_type, j->now, &j->made, err);
}

static fz_err w_replace(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_task_replace(db, j->by, j->id, j->officer, j->text, j->now,
                         &j->made, err);
}

/* ---- Plans --------------------------------------------------------------- */

void fz_api_plan_list(fz_req *r) {
  fz_auth a;
  const char *cursor;
  int limit;
  if (!fz_auth_request(r, 0, &a) || !fz_req_paging(r, &cursor, &limit)) return;
  const char *status = fz_req_query(r, "status");
  fz_plan_status s;
  fz_error e = {0};
  if (status && fz_plan_status_parse(status, &s, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  json_t *out = NULL;
  fz_err rc = fz_plan_list(fz_req_db(r), &a.who, status ? fz_plan_status_name(s)
                                                        : NULL,
                           cursor, limit, &out, &e);
  fz_reply_read(r, rc, &e, out);
}

/* The members of a plan's specification are checked by the domain
 * (fz_plan_create), which knows each one's rules; here the body need only
 * be a JSON object. */
void fz_api_plan_create(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  job j = {.by = &a.who, .now = fz_now_ms()};
  if (!(j.spec = fz_req_json_body(r, NULL, 0))) return;
  fz_error e = {0};
  fz_err rc = fz_req_write(r, w_plan_create, &j, &e);
  if (rc) fz_reply_domain_error(r, rc, &e);
  else reply_plan(r, &a.who, j.made, 201);
}

void fz_api_plan_get(fz_req *r) {
  fz_auth a;
  int64_t id;
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id)) return;
  reply_plan(r, &a.who, id, 200);
}

void fz_api_plan_update(fz_req *r) {
  fz_auth a;
  job j = {.now = fz_now_ms()};
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &j.id)) return;
  j.by = &a.who;
  if (!(j.spec = fz_req_json_body(r, NULL, 0))) return;
  fz_error e = {0};
  fz_err rc = fz_req_write(r, w_plan_update, &j, &e);
  if (rc) fz_reply_domain_error(r, rc, &e);
  else reply_plan(r, &a.who, j.id, 200);
}

/* A step of plan {id}: the body (field list f, n members; the first, when
 * n > 0, into j.text), then fn through the writer; replies with the plan. */
static void plan_step(fz_req *r, const fz_json_field *f, size_t n,
                      fz_write_fn fn) {
  fz_auth a;
  job j = {.now = fz_now_ms()};
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &j.id)) return;
  j.by = &a.who;
  if (n) {
    json_t *b = fz_req_json_body(r, f, n);
    if (!b) return;
    j.text = member(b, f[0].name, NULL);
  } else if (!empty_body(r)) {
    return;
  }
  fz_error e = {0};
  fz_err rc = fz_req_write(r, fn, &j, &e);
  if (rc) fz_reply_domain_error(r, rc, &e);
  else reply_plan(r, &a.who, j.id, 200);
}

void fz_api_plan_commitment(fz_req *r) {
  static const fz_json_field f[] = {{"commit", FZ_JSON_STRING, 1, 64}};
  plan_step(r, f, 1, w_participant_commit);
}

void fz_api_plan_reveal(fz_req *r) {
  static const fz_json_field f[] = {{"secret", FZ_JSON_STRING, 1, 64}};
  plan_step(r, f, 1, w_reveal);
}

void fz_api_plan_public_value(fz_req *r) {
  static const fz_json_field f[] = {{"value", FZ_JSON_STRING, 1, 256}};
  plan_step(r, f, 1, w_public_value);
}

void fz_api_plan_draw(fz_req *r) { plan_step(r, NULL, 0, w_draw); }

void fz_api_plan_publish(fz_req *r) { plan_step(r, NULL, 0, w_publish); }

/* The commitment freezes the pools.  They are read first, on this
 * request's own connection, so that the writer — which every change of the
 * installation waits for — only stores them; the domain refuses with
 * FZ_CONFLICT if the plan changed in between. */
void fz_api_plan_commit(fz_req *r) {
  fz_auth a;
  job j = {.now = fz_now_ms()};
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &j.id) ||
      !empty_body(r))
    return;
  j.by = &a.who;
  fz_plan_frozen *f = NULL;
  fz_error e = {0};
  fz_err rc = fz_plan_freeze(fz_req_db(r), &a.who, j.id, j.now, &f, &e);
  if (!rc) {
    j.frozen = f;
    rc = fz_req_write(r, w_commit, &j, &e);
  }
  fz_plan_frozen_free(f);
  if (rc) fz_reply_domain_error(r, rc, &e);
  else reply_plan(r, &a.who, j.id, 200);
}

void fz_api_inspection_overdue(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  char day[11];
  today(day);
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_plan_overdue(fz_req_db(r), &a.who, day, &out, &e);
  fz_reply_read(r, rc, &e, out);
}

/* ---- Tasks --------------------------------------------------------------- */

void fz_api_task_list(fz_req *r) {
  fz_auth a;
  const char *cursor;
  int limit;
  if (!fz_auth_request(r, 0, &a) || !fz_req_paging(r, &cursor, &limit)) return;
  const char *mine = fz_req_query(r, "mine");
  const char *status = fz_req_query(r, "status");
  int64_t plan_id = 0;
  if (!fz_req_query_id(r, "plan_id", &plan_id)) return;
  if (mine && strcmp(mine, "0") != 0 && strcmp(mine, "1") != 0) {
    fz_reply_error(r, 400, FZ_INVALID, "mine", "mine 应为 0 或 1 / mine is 0 "
                   "or 1");
    return;
  }
  if (status && strcmp(status, "open") != 0 && strcmp(status, "done") != 0 &&
      strcmp(status, "unstaffed") != 0) {
    fz_reply_error(r, 400, FZ_INVALID, "status", "status 应为 open（待检查）、"
                   "done（已录入结果）或 unstaffed（未能配齐检查人员） / status "
                   "is open, done or unstaffed");
    return;
  }
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_task_list(fz_req_db(r), &a.who, plan_id,
                           mine && strcmp(mine, "1") == 0, status, cursor,
                           limit, &out, &e);
  fz_reply_read(r, rc, &e, out);
}

void fz_api_task_get(fz_req *r) {
  fz_auth a;
  int64_t id;
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id)) return;
  json_t *o = task_json(r, &a.who, id);
  if (o) fz_reply_json(r, 200, o);
}

void fz_api_task_result(fz_req *r) {
  static const fz_json_field f[] = {{"result", FZ_JSON_STRING, 1, 128},
                                    {"notes", FZ_JSON_STRING, 0, 4000}};
  fz_auth a;
  job j = {.now = fz_now_ms()};
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &j.id)) return;
  json_t *b = fz_req_json_body(r, f, 2);
  if (!b) return;
  j.by = &a.who;
  j.text = member(b, "result", NULL);
  j.notes = member(b, "notes", "");
  fz_error e = {0};
  fz_err rc = fz_req_write(r, w_result, &j, &e);
  json_t *o = rc ? NULL : task_json(r, &a.who, j.id);
  if (rc) fz_reply_domain_error(r, rc, &e);
  else if (o) fz_reply_json(r, 200, o);
}

/* The upload is the request body itself (streamed to disk and hashed with
 * SM3 by the server as it arrives); its name comes in ?name=. */
void fz_api_task_evidence(fz_req *r) {
  fz_auth a;
  job j = {.now = fz_now_ms()};
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &j.id)) return;
  j.by = &a.who;
  fz_upload u;
  if (!fz_evidence_upload(r, &u)) return;
  j.name = u.name;
  j.content_type = u.content_type;
  j.sm3 = u.sm3;
  j.fd = u.fd;
  j.size = u.size;
  fz_error e = {0};
  fz_err rc = fz_req_write(r, w_evidence, &j, &e);
  if (rc) {
    fz_reply_domain_error(r, rc, &e);
    return;
  }
  fz_reply_json(r, 201, json_pack("{s:I, s:s, s:I, s:s}", "id",
                                  (json_int_t)j.made, "sm3", j.sm3, "size",
                                  (json_int_t)j.size, "name", j.name));
}

void fz_api_task_replace(fz_req *r) {
  static const fz_json_field f[] = {{"officer_id", FZ_JSON_INTEGER, 1, 0},
                                    {"reason", FZ_JSON_STRING, 1, 512}};
  fz_auth a;
  job j = {.now = fz_now_ms()};
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &j.id)) return;
  json_t *b = fz_req_json_body(r, f, 2);
  if (!b) return;
  j.by = &a.who;
  j.officer = json_integer_value(json_object_get(b, "officer_id"));
  j.text = member(b, "reason", "");
  if (j.officer <= 0) {
    fz_reply_error(r, 400, FZ_INVALID, "officer_id", "officer_id 应为正整数 / "
                   "officer_id is a positive integer");
    return;
  }
  fz_error e = {0};
  fz_err rc = fz_req_write(r, w_replace, &j, &e);
  json_t *o = rc ? NULL : task_json(r, &a.who, j.id);
  if (rc) fz_reply_domain_error(r, rc, &e);
  else if (o)
    fz_reply_json(r, 200, json_pack("{s:o, s:I}", "task", o, "replacement",
                                    (json_int_t)j.made));
}

/* The file as uploaded, under its name; X-Content-SM3 repeats its digest,
 * so that the download can be checked against the ledger event. */
void fz_api_evidence_get(fz_req *r) {
  fz_auth a;
  int64_t id;
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id)) return;
  void *data = NULL;
  size_t size = 0;
  json_t *meta = NULL;
  fz_error e = {0};
  fz_err rc = fz_task_evidence_get(fz_req_db(r), &a.who, id, &data, &size,
                                   &meta, &e);
  if (rc) {
    fz_reply_domain_error(r, rc, &e);
  } else {
    fz_evidence_reply(r, data, size, meta);
  }
  free(data);
  json_decref(meta);
}

/* ---- Public (no login) -------------------------------------------------- */

void fz_api_public_draw_list(fz_req *r) {
  const char *cursor;
  int limit;
  if (!fz_req_paging(r, &cursor, &limit)) return;
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_draw_public_list(fz_req_db(r), cursor, limit, &out, &e);
  fz_reply_read(r, rc, &e, out);
}

void fz_api_public_draw_get(fz_req *r) {
  int64_t id;
  if (!fz_req_id_param(r, "id", &id)) return;
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_draw_public_get(fz_req_db(r), id, &out, &e);
  fz_reply_read(r, rc, &e, out);
}

/* A stratum key as sent: UTF-8 without control characters or '/'. */
static int key_ok(const char *key) {
  for (const unsigned char *p = (const unsigned char *)key; *p; p++)
    if (*p < 0x20 || *p == 0x7f || *p == '/') return 0;
  json_t *s = json_string(key); /* NULL unless valid UTF-8 */
  json_decref(s);
  return *key && s != NULL;
}

/* One stratum's frozen pool as its exact digested bytes: the codes in
 * ascending order, each followed by "\n"; SM3 of the body is the
 * stratum's pool_digest. */
void fz_api_public_draw_pool(fz_req *r) {
  int64_t id;
  if (!fz_req_id_param(r, "id", &id)) return;
  const char *key = fz_req_param(r, "key");
  if (!key || strlen(key) > STRATUM_KEY_MAX || !key_ok(key)) {
    fz_reply_error(r, 400, FZ_INVALID, "key", "分层键应为 1–%d 字节的 UTF-8 / "
                   "key is a stratum key of 1 to %d bytes", STRATUM_KEY_MAX,
                   STRATUM_KEY_MAX);
    return;
  }
  char *pool = NULL;
  size_t size = 0;
  fz_error e = {0};
  fz_err rc = fz_draw_public_pool(fz_req_db(r), id, key, &pool, &size, &e);
  if (rc) fz_reply_domain_error(r, rc, &e);
  else fz_reply_bytes(r, 200, "text/plain; charset=utf-8", pool, size, NULL);
  free(pool);
}

void fz_api_public_plan_results(fz_req *r) {
  int64_t id;
  if (!fz_req_id_param(r, "id", &id)) return;
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_plan_public_results(fz_req_db(r), id, &out, &e);
  fz_reply_read(r, rc, &e, out);
}
