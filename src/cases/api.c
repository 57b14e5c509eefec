/* api.c — the HTTP face of enforcement cases: open, list, read, take a
 * step, evaluate, add evidence, deadlines, alerts and counts for
 * supervision, hearing thresholds, and the public decisions (公示) with
 * their ledger proofs.  Parsing and authorisation only; the rules are in
 * the domain files. */
#include "cases/api.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/api.h"
#include "cases/archive.h"
#include "cases/cases.h"
#include "core/clock.h"
#include "evidence/api.h"
#include "ledger/api.h"

static void today(char out[11]) { fz_civil_date(fz_now_ms(), out); }

typedef struct job {
  const fz_principal *by;
  int64_t id, now, made;
  const json_t *body;
  const char *step;
  int fd;
  unsigned long long size;
  const char *sm3, *name, *content_type;
} job;

static fz_err w_create(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_case_create(db, j->by, j->body, j->now, &j->made, err);
}
static fz_err w_step(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_case_step(db, j->by, j->id, j->step, j->body, j->now, err);
}
static fz_err w_evidence(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  if (lseek(j->fd, 0, SEEK_SET) != 0)
    return fz_error_set(err, FZ_IO, "file", "cannot read the upload");
  return fz_case_evidence(db, j->by, j->id, j->fd, j->size, j->sm3, j->name,
                          j->content_type, j->now, &j->made, err);
}
static fz_err w_threshold(fz_db *db, void *c, fz_error *err) {
  job *j = c;
  return fz_hearing_threshold_set(db, j->by, j->body, j->now, err);
}

static void reply_text(fz_req *r, fz_err rc, fz_error *e, int status,
                       fz_buf *out) {
  if (rc) {
    fz_buf_free(out);
    fz_reply_domain_error(r, rc, e);
  } else {
    fz_reply_json_text(r, status, out);
  }
}

static void reply_case(fz_req *r, const fz_principal *by, int64_t id,
                       int status) {
  char day[11];
  today(day);
  fz_buf out;
  fz_buf_init(&out, 0);
  fz_error e = {0};
  fz_err rc = fz_case_get_text(fz_req_db(r), by, id, day, &out, &e);
  reply_text(r, rc, &e, status, &out);
}

void fz_api_case_create(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  job j = {.by = &a.who, .now = fz_now_ms()};
  json_t *body = fz_req_json_body(r, NULL, 0);
  if (!body) return;
  j.body = body;
  fz_error e = {0};
  fz_err rc = fz_req_write(r, w_create, &j, &e);
  if (rc) fz_reply_domain_error(r, rc, &e);
  else reply_case(r, &a.who, j.made, 201);
}

void fz_api_case_list(fz_req *r) {
  fz_auth a;
  fz_case_query q = {0};
  if (!fz_auth_request(r, 0, &a) || !fz_req_paging(r, &q.cursor, &q.limit) ||
      !fz_req_query_id(r, "department_id", &q.department_id))
    return;
  q.stage = fz_req_query(r, "stage");
  q.kind = fz_req_query(r, "kind");
  q.text = fz_req_query(r, "q");
  fz_buf out;
  fz_buf_init(&out, 0);
  fz_error e = {0};
  fz_err rc = fz_case_list(fz_req_db(r), &a.who, &q, &out, &e);
  reply_text(r, rc, &e, 200, &out);
}

void fz_api_case_get(fz_req *r) {
  fz_auth a;
  int64_t id;
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id)) return;
  reply_case(r, &a.who, id, 200);
}

/* A step's body is a JSON object, or nothing at all for a step that needs
 * no members. */
void fz_api_case_step(fz_req *r) {
  fz_auth a;
  job j = {.now = fz_now_ms()};
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &j.id)) return;
  j.by = &a.who;
  j.step = fz_req_param(r, "step");
  const char *len = fz_req_header(r, "Content-Length");
  json_t *empty = NULL;
  if (!fz_req_header(r, "Transfer-Encoding") && (!len || strcmp(len, "0") == 0))
    j.body = empty = json_object();
  else if (!(j.body = fz_req_json_body(r, NULL, 0)))
    return;
  fz_error e = {0};
  fz_err rc = fz_req_write(r, w_step, &j, &e);
  json_decref(empty);
  if (rc) fz_reply_domain_error(r, rc, &e);
  else reply_case(r, &a.who, j.id, 200);
}

void fz_api_case_evaluate(fz_req *r) {
  fz_auth a;
  int64_t id;
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id)) return;
  char day[11];
  today(day);
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_case_evaluate(fz_req_db(r), &a.who, id, day, &out, &e);
  fz_reply_read(r, rc, &e, out);
}

void fz_api_case_evidence(fz_req *r) {
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
  if (rc) fz_reply_domain_error(r, rc, &e);
  else reply_case(r, &a.who, j.id, 201);
}

/* The file as uploaded; X-Content-SM3 repeats the digest its ledger event
 * carries. */
void fz_api_case_evidence_get(fz_req *r) {
  fz_auth a;
  int64_t id;
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id)) return;
  void *data = NULL;
  size_t size = 0;
  json_t *meta = NULL;
  fz_error e = {0};
  fz_err rc = fz_case_evidence_get(fz_req_db(r), &a.who, id, &data, &size,
                                   &meta, &e);
  if (rc) {
    fz_reply_domain_error(r, rc, &e);
  } else {
    fz_evidence_reply(r, data, size, meta);
  }
  free(data);
  json_decref(meta);
}

/* The 案卷 as one zip archive (archive.h), its proofs against the current
 * signed checkpoint. */
void fz_api_case_archive(fz_req *r) {
  fz_auth a;
  int64_t id;
  if (!fz_auth_request(r, 0, &a) || !fz_req_id_param(r, "id", &id)) return;
  uint64_t size = 0;
  char *note = fz_api_ledger_current(r, &size);
  if (!note) return;
  char path[512], name[48];
  int fd = fz_req_temp_file(path, sizeof path, ".zip");
  if (fd < 0) {
    free(note);
    fz_reply_error(r, 503, FZ_IO, "", "cannot make a temporary file");
    return;
  }
  fz_error e = {0};
  fz_err rc = fz_case_archive(fz_req_db(r), &a.who, id, note, size, path, &e);
  free(note);
  unlink(path);
  off_t len = rc ? -1 : lseek(fd, 0, SEEK_END);
  if (rc || len < 0) {
    close(fd);
    fz_reply_domain_error(r, rc ? rc : FZ_IO, &e);
    return;
  }
  snprintf(name, sizeof name, "case-%lld.zip", (long long)id);
  fz_reply_file(r, 200, "application/zip", fd, (unsigned long long)len, name);
}

/* ?state=overdue|near (default overdue), department_id, mine=1 (the
 * caller's own cases), days (near: the window in calendar days, default
 * 3). */
void fz_api_case_deadlines(fz_req *r) {
  fz_auth a;
  int64_t dept = 0, days = 3;
  if (!fz_auth_request(r, 0, &a) || !fz_req_query_id(r, "department_id", &dept))
    return;
  const char *state = fz_req_query(r, "state");
  const char *d = fz_req_query(r, "days");
  const char *mine = fz_req_query(r, "mine");
  if (mine && strcmp(mine, "0") != 0 && strcmp(mine, "1") != 0) {
    fz_reply_error(r, 400, FZ_INVALID, "mine", "mine 应为 0 或 1 / mine is 0 "
                   "or 1");
    return;
  }
  if (d && strcmp(d, "0") != 0 && !fz_req_query_id(r, "days", &days)) return;
  if (d && strcmp(d, "0") == 0) days = 0;
  char day[11];
  today(day);
  fz_buf out;
  fz_buf_init(&out, 0);
  fz_error e = {0};
  fz_err rc = fz_case_deadlines(fz_req_db(r), &a.who,
                                state ? state : "overdue", dept,
                                mine && strcmp(mine, "1") == 0, day,
                                (int)(days > 60 ? 61 : days), &out, &e);
  reply_text(r, rc, &e, 200, &out);
}

void fz_api_case_alerts(fz_req *r) {
  fz_auth a;
  const char *cursor;
  int limit;
  if (!fz_auth_request(r, 0, &a) || !fz_req_paging(r, &cursor, &limit)) return;
  fz_buf out;
  fz_buf_init(&out, 0);
  fz_error e = {0};
  fz_err rc = fz_case_alerts(fz_req_db(r), &a.who, cursor, limit, &out, &e);
  reply_text(r, rc, &e, 200, &out);
}

void fz_api_case_stats(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  char day[11];
  today(day);
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_case_stats(fz_req_db(r), &a.who, day, &out, &e);
  fz_reply_read(r, rc, &e, out);
}

void fz_api_hearing_thresholds(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  fz_error e = {0};
  json_t *out = NULL;
  fz_err rc = fz_principal_need_read(&a.who, &e);
  if (!rc) rc = fz_hearing_thresholds(fz_req_db(r), &out, &e);
  fz_reply_read(r, rc, &e, out);
}

void fz_api_hearing_threshold_set(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  job j = {.by = &a.who, .now = fz_now_ms()};
  if (!(j.body = fz_req_json_body(r, NULL, 0))) return;
  fz_error e = {0};
  fz_err rc = fz_req_write(r, w_threshold, &j, &e);
  json_t *out = NULL;
  if (!rc) rc = fz_hearing_thresholds(fz_req_db(r), &out, &e);
  fz_reply_read(r, rc, &e, out);
}

/* ---- Public (no login) -------------------------------------------------- */

void fz_api_public_decision_list(fz_req *r) {
  const char *cursor;
  int limit;
  if (!fz_req_paging(r, &cursor, &limit)) return;
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_decision_public_list(fz_req_db(r), cursor, limit, &out, &e);
  fz_reply_read(r, rc, &e, out);
}

/* The decision with the inclusion proofs of its decision and publication
 * events against the current signed checkpoint: anyone can check that
 * what is shown is what the ledger recorded. */
void fz_api_public_decision_get(fz_req *r) {
  int64_t id;
  if (!fz_req_id_param(r, "id", &id)) return;
  json_t *out = NULL;
  fz_error e = {0};
  fz_err rc = fz_decision_public_get(fz_req_db(r), id, &out, &e);
  if (rc) {
    fz_reply_domain_error(r, rc, &e);
    return;
  }
  uint64_t size = 0;
  char *note = fz_api_ledger_current(r, &size);
  if (!note) {
    json_decref(out);
    return;
  }
  json_t *proofs = json_object();
  const char *keys[] = {"decide_seq", "publish_seq"};
  for (int i = 0; i < 2; i++) {
    json_t *s = json_object_get(out, keys[i]);
    json_t *p = json_is_integer(s)
                    ? fz_api_ledger_proof(fz_req_db(r),
                                          (uint64_t)json_integer_value(s), size)
                    : NULL;
    json_object_set_new(proofs, i ? "publication" : "decision",
                        p ? p : json_null());
  }
  json_object_set_new(out, "ledger", json_pack("{s:s, s:I, s:o}", "checkpoint",
                                               note, "size", (json_int_t)size,
                                               "proofs", proofs));
  free(note);
  fz_reply_json(r, 200, out);
}
