/* certificate.c — what an officer's 执法证 is on a given day, and the
 * public look-up a shop owner uses to check the person at the door. */
#include <stdio.h>
#include <string.h>

#include "cal/cal.h"
#include "id/id.h"
#include "registry/rec_int.h"

static const char *const state_names[] = {"valid",   "not_yet_valid",
                                          "expired", "suspended",
                                          "revoked", "inactive"};
static const char *const state_labels[] = {
    "有效", "尚未生效", "已过期", "已暂扣", "已收缴", "已注销"};

const char *fz_cert_state_name(fz_cert_state s) {
  return (unsigned)s <= FZ_CERT_INACTIVE ? state_names[s] : NULL;
}

const char *fz_cert_state_label(fz_cert_state s) {
  return (unsigned)s <= FZ_CERT_INACTIVE ? state_labels[s] : NULL;
}

/* The state of a certificate with these stored values on today. */
static fz_cert_state state_of(const char *status, const char *from,
                              const char *to, int active, const char *today) {
  if (!active) return FZ_CERT_INACTIVE;
  if (strcmp(status, "revoked") == 0) return FZ_CERT_REVOKED;
  if (strcmp(status, "suspended") == 0) return FZ_CERT_SUSPENDED;
  if (strcmp(today, from) < 0) return FZ_CERT_NOT_YET_VALID;
  if (strcmp(today, to) > 0) return FZ_CERT_EXPIRED;
  return FZ_CERT_VALID;
}

/* Today (in China) as YYYY-MM-DD. */
static void today_iso(char out[FZ_DATE_BUF]) {
  fz_id_date t = fz_id_today();
  fz_date_format((fz_date){t.year, t.month, t.day}, out);
}

/* An officer's certificate state today; a 辅助人员 has none. */
fz_err fz_reg_decorate_officer(fz_db *db, const fz_rview *r, fz_reg_view view,
                               json_t *o, fz_error *err) {
  if (strcmp(r->v[6], "1") == 0) {
    json_object_set_new(o, "certificate", json_null());
    return FZ_OK;
  }
  char today[FZ_DATE_BUF];
  today_iso(today);
  json_t *active = json_object_get(o, "active");
  fz_cert_state s = state_of(r->v[5], r->v[3], r->v[4],
                             json_is_true(active), today);
  json_object_set_new(o, "certificate",
                      json_pack("{s:s, s:s, s:s}", "state",
                                fz_cert_state_name(s), "label",
                                fz_cert_state_label(s), "on", today));
  return FZ_OK;
}

/* The names of the other departments officer id serves, in id order,
 * into a (the public look-up shows where else he may act). */
static fz_err other_departments(fz_db *db, int64_t id, json_t *a,
                                fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(
      db,
      "SELECT d.name FROM officer_departments od JOIN departments d ON "
      "d.id = od.department_id WHERE od.officer_id = ? ORDER BY d.id",
      &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    json_array_append_new(a, json_string(fz_stmt_column_text(st, 0)));
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_reg_certificate(fz_db *db, const char *cert_no, const char *today,
                          json_t **out, fz_error *err) {
  char now[FZ_DATE_BUF];
  if (!today) today_iso(now), today = now;
  if (!cert_no || !*cert_no || strlen(cert_no) > 32)
    return fz_error_set(err, FZ_INVALID, "cert_no",
                        "请输入执法证号 / give a certificate number");
  fz_stmt *st;
  fz_err rc = fz_db_prepare(
      db,
      "SELECT o.name, o.cert_from, o.cert_to, o.status, o.active, d.name, "
      "d.region_code, o.areas, o.id FROM officers o JOIN departments d ON "
      "d.id = o.department_id WHERE o.cert_no = ? AND o.auxiliary = 0",
      &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, cert_no, -1);
  int r = fz_stmt_step(st, err);
  int64_t officer = 0;
  if (r == FZ_STEP_ROW) {
    officer = fz_stmt_column_int64(st, 8);
    char masked[128];
    if (fz_mask_name(fz_stmt_column_text(st, 0), masked, sizeof masked))
      snprintf(masked, sizeof masked, "*");
    fz_cert_state s = state_of(
        fz_stmt_column_text(st, 3), fz_stmt_column_text(st, 1),
        fz_stmt_column_text(st, 2), (int)fz_stmt_column_int64(st, 4), today);
    *out = json_pack(
        "{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:b}", "cert_no",
        cert_no, "name", masked, "department", fz_stmt_column_text(st, 5),
        "region_code", fz_stmt_column_text(st, 6), "areas",
        fz_reg_tags_json(fz_stmt_column_text(st, 7)), "valid_from", fz_stmt_column_text(st, 1),
        "valid_to", fz_stmt_column_text(st, 2), "state",
        fz_cert_state_name(s), "label", fz_cert_state_label(s), "valid",
        s == FZ_CERT_VALID);
    if (*out) json_object_set_new(*out, "checked_on", json_string(today));
  }
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "cert_no",
                        "未找到执法证号 %s：此人不是登记在册的行政执法人员 / "
                        "no enforcement officer holds certificate %s",
                        cert_no, cert_no);
  if (r != FZ_STEP_ROW) return (fz_err)r;
  if (!*out) return fz_error_set(err, FZ_NOMEM, "", NULL);
  json_t *others = json_array();
  json_object_set_new(*out, "other_departments", others);
  rc = others ? other_departments(db, officer, others, err)
                      : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}
