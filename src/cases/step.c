/* step.c — the steps of a case, each refused with the article it would
 * break unless the law allows it now (cases.h has the map of steps). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "cases/case_int.h"
#include "cases/circumstances.h"
#include "cases/discretion.h"
#include "core/money.h"
#include "registry/registry.h"

/* What a step has to work with. */
typedef struct step_ctx {
  fz_db *db;
  const fz_principal *by;
  fz_case_row c;
  const json_t *body;
  int64_t now;
  char today[11];
  int64_t officer; /* by's officer record, or 0 */
  int handler;     /* 1 when that officer handles the case */
  int dry;         /* 1: check who and when only, change nothing */
} step_ctx;

/* After a step's checks of stage and person: a dry run stops here. */
#define GUARDED(x, rc)             \
  do {                             \
    if ((rc) || (x)->dry) return (rc); \
  } while (0)

typedef fz_err (*step_fn)(step_ctx *x, fz_error *err);

static int is_kind(const step_ctx *x, const char *kind) {
  return strcmp(x->c.kind, kind) == 0;
}

static fz_err wrong_stage(const step_ctx *x, const char *step_zh,
                          const char *needs, fz_error *err) {
  /* A dry run leaves steps of another stage out of next_steps without
   * showing why: the message is not worth writing for each of them. */
  if (x->dry) return fz_error_set(err, FZ_CONFLICT, "stage", NULL);
  return fz_error_set(err, FZ_CONFLICT, "stage", "案件处于「%s」阶段，不能%s"
                      "（%s）/ the case is %s: this step is not possible now",
                      fz_case_stage_label(x->c.stage), step_zh, needs,
                      fz_case_stage_name(x->c.stage));
}

static fz_err need_head(const step_ctx *x, const char *step_zh,
                        fz_error *err) {
  if (fz_case_is_head(x->by)) return FZ_OK;
  return fz_error_set(err, FZ_FORBIDDEN, "", "%s须由行政机关负责人批准（部门负"
                      "责人，approve_case）/ %s needs the head of the "
                      "department (approve_case)", step_zh, step_zh);
}

static fz_err need_handler(const step_ctx *x, const char *step_zh,
                           fz_error *err) {
  if (x->handler || fz_case_is_head(x->by)) return FZ_OK;
  return fz_error_set(err, FZ_FORBIDDEN, "", "%s须由本案承办人员或部门负责人"
                      "办理 / %s is for a handler of the case or the head",
                      step_zh, step_zh);
}

/* Reads an optional date member (default today) that may not lie in the
 * future nor before after (the date of the step it follows). */
static fz_err step_date(const step_ctx *x, const char *name, const char *after,
                        char out[11], fz_error *err) {
  fz_err rc = fz_case_date_member(x->body, name, x->today, out, err);
  if (rc) return rc;
  if (strcmp(out, x->today) > 0)
    return fz_error_set(err, FZ_INVALID, name, "%s（%s）不能晚于今天 / %s "
                        "cannot lie in the future", name, out, name);
  if (after && after[0] && strcmp(out, after) < 0)
    return fz_error_set(err, FZ_INVALID, name, "%s（%s）不能早于上一环节的日期"
                        " %s / %s cannot precede the previous step (%s)", name,
                        out, after, name, after);
  return FZ_OK;
}

/* Sets one column of the case (text, or integer when text is NULL). */
static fz_err set_col(step_ctx *x, const char *column, const char *text,
                      int64_t n, fz_error *err) {
  char sql[128];
  snprintf(sql, sizeof sql, "UPDATE cases SET %s = ? WHERE id = ?", column);
  fz_qparams q = {0};
  if (text) fz_qp_text(&q, text);
  else fz_qp_num(&q, n);
  fz_qp_num(&q, x->c.id);
  return fz_query_exec(x->db, sql, &q, err);
}

/* Reads kinds (an array of 行政处罚法 Art. 9 kinds) and an optional fine in
 * 元 from body into a canonical array and 分. */
static fz_err read_penalty(const json_t *body, json_t **kinds, int64_t *fine,
                           fz_error *err) {
  json_t *k = json_object_get(body, "kinds");
  json_t *f = json_object_get(body, "fine");
  *fine = 0;
  *kinds = NULL;
  if (!json_is_array(k))
    return fz_error_set(err, k ? FZ_TYPE : FZ_MISSING, "kinds", "kinds 应为"
                        "处罚种类的数组，如 [\"警告\", \"罚款\"]（不予处罚为空"
                        "数组）/ kinds is an array of penalty kinds");
  int has_fine = 0;
  for (size_t i = 0; i < json_array_size(k); i++) {
    const char *s = json_string_value(json_array_get(k, i));
    if (!s || fz_penalty_kind_find(s) < 0)
      return fz_error_set(err, FZ_INVALID, "kinds", "kinds[%zu] 不是《中华人民"
                          "共和国行政处罚法》第九条规定的处罚种类 / kinds[%zu] "
                          "is not a kind of Art. 9", i, i);
    if (fz_penalty_kind_find(s) == FZ_PENALTY_FINE_BIT) has_fine = 1;
  }
  if (f) {
    fz_err rc = fz_money_json(f, "fine", fine, err);
    if (rc) return rc;
  }
  if (has_fine != (*fine > 0))
    return fz_error_set(err, FZ_INVALID, "fine", has_fine
                        ? "处罚种类含罚款时须写明罚款数额 / a fine needs its amount"
                        : "未选择罚款种类却填写了罚款数额 / an amount without the "
                          "kind 罚款");
  *kinds = json_deep_copy(k);
  return *kinds ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
}

/* ---- 立案, facts, 不予立案 -------------------------------------------------- */

static fz_err step_file(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_LEAD || is_kind(x, "inspection") ||
      strcmp(x->c.procedure, "simple") == 0)
    return wrong_stage(x, "立案", "立案只适用于普通程序的线索", err);
  fz_err rc = need_head(x, "立案", err);
  GUARDED(x, rc);
  char filed[11];
  int64_t team[FZ_CASE_MAX_OFFICERS];
  size_t n = 0;
  if (!rc) rc = step_date(x, "filed_on", x->c.discovered_on, filed, err);
  if (!rc) rc = fz_case_check_team(x->db, &x->c,
                                   json_object_get(x->body, "officers"), filed,
                                   team, &n, err);
  if (!rc) rc = fz_case_set_team(x->db, x->c.id, team, n, err);
  if (!rc) rc = set_col(x, "filed_on", filed, 0, err);
  /* 行政处罚法 Art. 60: decided within ninety days of 立案. */
  if (!rc && is_kind(x, "penalty"))
    rc = fz_case_deadline_open(x->db, x->c.id, "penalty.decide", filed, 0,
                               NULL, err);
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++) json_array_append_new(a, json_integer(team[i]));
  if (!rc) return fz_case_record(x->db, x->by, x->c.id, "file",
                                 FZ_CASE_INVESTIGATING,
                                 json_pack("{s:s, s:o}", "filed_on", filed,
                                           "officers", a),
                                 "", x->now, NULL, err);
  json_decref(a);
  return rc;
}

static fz_err step_facts(step_ctx *x, fz_error *err) {
  if (x->c.stage > FZ_CASE_REVIEW || x->c.stage == FZ_CASE_LEAD)
    return wrong_stage(x, "修改案件事实", "立案后、决定前", err);
  fz_err rc = need_handler(x, "认定事实", err);
  GUARDED(x, rc);
  static const fz_json_field fields[] = {
      {"facts", FZ_JSON_STRING, 0, FZ_CASE_TEXT_MAX},
      {"circumstances", FZ_JSON_OBJECT, 0, 0},
      {"review_grounds", FZ_JSON_ARRAY, 0, 0},
      {"complex", FZ_JSON_BOOL, 0, 0},
  };
  rc = fz_json_check(x->body, fields, sizeof fields / sizeof *fields, err);
  if (rc) return rc;
  json_t *data = json_object();
  const char *facts;
  rc = fz_case_text_member(x->body, "facts", 0, &facts, err);
  if (!rc && json_object_get(x->body, "facts")) {
    rc = set_col(x, "facts", facts, 0, err);
    json_object_set_new(data, "facts", json_string(facts));
  }
  json_t *circ = json_object_get(x->body, "circumstances");
  if (!rc && circ) {
    char *text = NULL;
    rc = fz_circumstances_canonical(circ, &text, err);
    if (!rc) rc = set_col(x, "circumstances", text, 0, err);
    if (!rc) json_object_set_new(data, "circumstances", json_loads(text, 0, NULL));
    free(text);
  }
  json_t *grounds = json_object_get(x->body, "review_grounds");
  if (!rc && grounds) {
    char g[16];
    rc = fz_review_grounds_parse(grounds, g, err);
    if (!rc) rc = set_col(x, "review_grounds", g, 0, err);
    if (!rc) json_object_set_new(data, "review_grounds", json_string(g));
  }
  json_t *cx = json_object_get(x->body, "complex");
  if (!rc && cx) {
    rc = set_col(x, "complex", NULL, json_is_true(cx), err);
    json_object_set_new(data, "complex", json_boolean(json_is_true(cx)));
  }
  if (!rc) return fz_case_record(x->db, x->by, x->c.id, "facts", x->c.stage,
                                 data, "", x->now, NULL, err);
  json_decref(data);
  return rc;
}

static fz_err step_drop(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_LEAD && x->c.stage != FZ_CASE_INVESTIGATING)
    return wrong_stage(x, "不予立案或撤销立案", "仅限线索或调查阶段", err);
  const char *reason;
  fz_err rc = need_head(x, "不予立案或撤销立案", err);
  GUARDED(x, rc);
  if (!rc) rc = fz_case_text_member(x->body, "reason", 4, &reason, err);
  if (!rc) rc = fz_case_deadline_met(x->db, x->c.id, "penalty.decide",
                                     x->today, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "drop", FZ_CASE_DROPPED,
                        json_pack("{s:s}", "reason", reason), reason, x->now,
                        NULL, err);
}

/* ---- 告知 and 听证 (Art. 44, 45, 63, 64) ------------------------------------ */

/* Art. 63: the kinds that always carry the right to a hearing. */
static int heavy_kind(const char *k) {
  static const char *const heavy[] = {"降低资质等级", "吊销许可证件",
                                      "责令停产停业", "责令关闭", "限制从业"};
  for (size_t i = 0; i < sizeof heavy / sizeof *heavy; i++)
    if (strcmp(k, heavy[i]) == 0) return 1;
  return 0;
}

/* Whether the proposed penalty gives the party a right to a hearing, and
 * why, in words citing Art. 63. */
static fz_err hearing_right(step_ctx *x, const json_t *kinds, int64_t fine,
                            int64_t confiscation, int *right, char *why,
                            size_t size, fz_error *err) {
  *right = 0;
  for (size_t i = 0; i < json_array_size(kinds); i++) {
    const char *k = json_string_value(json_array_get(kinds, i));
    if (heavy_kind(k)) {
      *right = 1;
      snprintf(why, size, "拟作出%s，当事人有权要求听证（《中华人民共和国行政处"
               "罚法》第六十三条第一款）", k);
      return FZ_OK;
    }
  }
  if (fine <= 0 && confiscation <= 0) {
    snprintf(why, size, "拟作出的处罚不属于《中华人民共和国行政处罚法》第六十三"
             "条规定的听证范围");
    return FZ_OK;
  }
  fz_stmt *st;
  fz_err rc = fz_db_prepare(x->db, "SELECT fine, confiscation, basis FROM "
                            "hearing_thresholds WHERE department_kind = ? AND "
                            "party_type = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, x->c.department_kind, -1);
  fz_stmt_bind_text(st, 2, x->c.party_type, -1);
  int r = fz_stmt_step(st, err);
  char a[32], t[32];
  if (r == FZ_STEP_ROW) {
    int64_t tf = fz_stmt_column_int64(st, 0), tc = fz_stmt_column_int64(st, 1);
    const char *basis = fz_stmt_column_text(st, 2);
    if (fine > 0 && fine >= tf) {
      *right = 1;
      fz_disc_amount_text(fine, a, sizeof a);
      fz_disc_amount_text(tf, t, sizeof t);
      snprintf(why, size, "拟罚款 %s 元，达到较大数额标准 %s 元（%s），当事人有权"
               "要求听证（《中华人民共和国行政处罚法》第六十三条第一款第一项）",
               a, t, basis);
    } else if (confiscation > 0 && confiscation >= tc) {
      *right = 1;
      fz_disc_amount_text(confiscation, a, sizeof a);
      fz_disc_amount_text(tc, t, sizeof t);
      snprintf(why, size, "拟没收 %s 元，达到较大数额标准 %s 元（%s），当事人有权"
               "要求听证（《中华人民共和国行政处罚法》第六十三条第一款第二项）",
               a, t, basis);
    } else {
      fz_disc_amount_text(tf, t, sizeof t);
      snprintf(why, size, "拟处罚款未达较大数额标准 %s 元（%s），不属于听证范围",
               t, basis);
    }
  } else if (r == FZ_STEP_DONE) {
    /* No threshold is set for this kind of department and party: the
     * right is offered rather than withheld on a guess. */
    *right = 1;
    snprintf(why, size, "本类执法主体未配置较大数额标准，按有利于当事人的原则告知"
             "听证权利（《中华人民共和国行政处罚法》第六十三条）");
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

static fz_err step_notify(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_INVESTIGATING || !is_kind(x, "penalty"))
    return wrong_stage(x, "告知", "调查终结后告知拟作出的处罚", err);
  fz_err rc = need_handler(x, "告知", err);
  GUARDED(x, rc);
  json_t *kinds = NULL;
  int64_t fine = 0, confiscation = 0;
  char on[11], why[512] = "", due[11] = "";
  int right = 0;
  if (!rc) rc = step_date(x, "notified_on", x->c.filed_on, on, err);
  if (!rc) rc = read_penalty(x->body, &kinds, &fine, err);
  json_t *cv = json_object_get(x->body, "confiscation");
  if (!rc && cv) rc = fz_money_json(cv, "confiscation", &confiscation, err);
  if (!rc) rc = hearing_right(x, kinds, fine, confiscation, &right, why,
                              sizeof why, err);
  json_t *proposed = rc ? NULL : json_pack("{s:O, s:o, s:o, s:b, s:s}",
                                           "kinds", kinds, "fine",
                                           fz_money_to_json(fine),
                                           "confiscation",
                                           fz_money_to_json(confiscation),
                                           "hearing_right", right,
                                           "hearing_why", why);
  char *text = proposed ? fz_json_canonical(proposed) : NULL;
  if (!rc && !text) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc) rc = set_col(x, "proposed", text, 0, err);
  if (!rc) rc = set_col(x, "notified_on", on, 0, err);
  if (!rc) rc = set_col(x, "hearing", right ? "open" : "none", 0, err);
  /* Art. 64(一): the party asks within five working days of the notice. */
  if (!rc && right)
    rc = fz_case_deadline_open(x->db, x->c.id, "penalty.hearing_request", on,
                               1, due, err);
  free(text);
  json_decref(kinds);
  if (rc) {
    json_decref(proposed);
    return rc;
  }
  json_object_set_new(proposed, "notified_on", json_string(on));
  if (due[0]) json_object_set_new(proposed, "hearing_request_due", json_string(due));
  return fz_case_record(x->db, x->by, x->c.id, "notify", FZ_CASE_NOTIFIED,
                        proposed, why, x->now, NULL, err);
}

/* The due date of the hearing request, or "" when none is set. */
static fz_err hearing_due(step_ctx *x, char due[11], fz_error *err) {
  fz_stmt *st;
  due[0] = 0;
  fz_err rc = fz_db_prepare(x->db, "SELECT due FROM case_deadlines WHERE "
                            "case_id = ? AND rule_id = "
                            "'penalty.hearing_request'", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, x->c.id);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) snprintf(due, 11, "%s", fz_stmt_column_text(st, 0));
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

static fz_err step_hearing_request(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_NOTIFIED || strcmp(x->c.hearing, "open") != 0)
    return wrong_stage(x, "登记听证申请", "告知听证权利后、期限届满前", err);
  char on[11], due[11];
  fz_err rc = need_handler(x, "登记听证申请", err);
  GUARDED(x, rc);
  if (!rc) rc = step_date(x, "requested_on", x->c.notified_on, on, err);
  if (!rc) rc = hearing_due(x, due, err);
  if (!rc && due[0] && strcmp(on, due) > 0)
    rc = fz_error_set(err, FZ_CONFLICT, "requested_on", "当事人应在告知后五个"
                      "工作日内（%s 前）提出听证要求，%s 已逾期（《中华人民共和国"
                      "行政处罚法》第六十四条第一项）/ a hearing is asked for "
                      "within five working days, by %s (Art. 64(一))", due, on,
                      due);
  if (!rc) rc = set_col(x, "hearing", "requested", 0, err);
  if (!rc) rc = fz_case_deadline_met(x->db, x->c.id, "penalty.hearing_request",
                                     on, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "hearing_request",
                        FZ_CASE_HEARING,
                        json_pack("{s:s}", "requested_on", on), "", x->now,
                        NULL, err);
}

static fz_err step_hearing_waive(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_NOTIFIED || strcmp(x->c.hearing, "open") != 0)
    return wrong_stage(x, "登记放弃听证", "告知听证权利后", err);
  char on[11];
  fz_err rc = need_handler(x, "登记放弃听证", err);
  GUARDED(x, rc);
  if (!rc) rc = step_date(x, "waived_on", x->c.notified_on, on, err);
  if (!rc) rc = set_col(x, "hearing", "waived", 0, err);
  if (!rc) rc = fz_case_deadline_met(x->db, x->c.id, "penalty.hearing_request",
                                     on, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "hearing_waive",
                        FZ_CASE_NOTIFIED, json_pack("{s:s}", "waived_on", on),
                        "", x->now, NULL, err);
}

static fz_err step_hearing(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_HEARING)
    return wrong_stage(x, "举行听证", "当事人要求听证后", err);
  fz_err rc = need_handler(x, "记录听证", err);
  GUARDED(x, rc);
  char notice[11], held[11];
  const char *record;
  json_t *chair = json_object_get(x->body, "chair");
  if (!rc) rc = fz_case_date_member(x->body, "notice_on", NULL, notice, err);
  if (!rc) rc = step_date(x, "held_on", notice, held, err);
  if (!rc) rc = fz_case_text_member(x->body, "record", 10, &record, err);
  if (!rc && (!json_is_integer(chair) || json_integer_value(chair) <= 0))
    rc = fz_error_set(err, chair ? FZ_TYPE : FZ_MISSING, "chair", "chair 为听证"
                      "主持人的执法人员 id / chair is the presiding officer's "
                      "id");
  int investigator = 0;
  if (!rc) rc = fz_case_is_handler(x->db, x->c.id, json_integer_value(chair),
                                   &investigator, err);
  /* Art. 64(四): the hearing is chaired by someone who did not
   * investigate the case. */
  if (!rc && investigator)
    rc = fz_error_set(err, FZ_CONFLICT, "chair", "听证由行政机关指定的非本案调"
                      "查人员主持（《中华人民共和国行政处罚法》第六十四条第四项）"
                      "：执法人员 %lld 是本案调查人员 / the chair investigated "
                      "the case (Art. 64(四))",
                      (long long)json_integer_value(chair));
  /* Art. 64(二): the party is told seven days before the hearing. */
  if (!rc) {
    fz_date n, h;
    fz_date_parse(notice, &n, NULL);
    fz_date_parse(held, &h, NULL);
    if (fz_date_to_days(h) - fz_date_to_days(n) < 7)
      rc = fz_error_set(err, FZ_CONFLICT, "held_on", "应当在举行听证的七日前通知"
                        "当事人（《中华人民共和国行政处罚法》第六十四条第二项）："
                        "%s 通知、%s 举行不足七日 / the party is told seven days "
                        "before the hearing (Art. 64(二))", notice, held);
  }
  if (!rc) rc = set_col(x, "hearing", "held", 0, err);
  if (!rc) rc = set_col(x, "hearing_chair", NULL, json_integer_value(chair), err);
  /* Art. 58(二): a case that went through a hearing is reviewed. */
  if (!rc && !strchr(x->c.review_grounds, '2')) {
    char g[16];
    json_t *a = json_array();
    for (const char *p = x->c.review_grounds; *p; p++)
      if (*p >= '1' && *p <= '4') json_array_append_new(a, json_integer(*p - '0'));
    json_array_append_new(a, json_integer(2));
    rc = fz_review_grounds_parse(a, g, err);
    json_decref(a);
    if (!rc) rc = set_col(x, "review_grounds", g, 0, err);
  }
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "hearing", FZ_CASE_NOTIFIED,
                        json_pack("{s:s, s:s, s:I, s:s}", "notice_on", notice,
                                  "held_on", held, "chair",
                                  json_integer_value(chair), "record", record),
                        "", x->now, NULL, err);
}

/* ---- 法制审核 and 集体讨论 (Art. 57, 58) ------------------------------------- */

static fz_err step_submit_review(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_NOTIFIED || strcmp(x->c.hearing, "open") == 0 ||
      strcmp(x->c.review_state, "approved") == 0)
    return wrong_stage(x, "提交法制审核", strcmp(x->c.hearing, "open") == 0
                       ? "听证申请期限内当事人尚未要求或放弃听证"
                       : "告知之后、尚未通过审核", err);
  fz_err rc = need_handler(x, "提交法制审核", err);
  GUARDED(x, rc);
  if (!rc) rc = set_col(x, "review_state", "pending", 0, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "submit_review", FZ_CASE_REVIEW,
                        NULL, "", x->now, NULL, err);
}

static fz_err step_review(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_REVIEW)
    return wrong_stage(x, "法制审核", "提交审核之后", err);
  /* Art. 58: the reviewer is a 法制审核员 of the deciding agency (行政机关
   * 中……的人员) holding the legal professional qualification, and not a
   * handler of the case. */
  if (!x->by->cli && !fz_role_can(x->by->scope.roles, FZ_PERM_REVIEW_LEGAL))
    return fz_error_set(err, FZ_FORBIDDEN, "", "法制审核须由法制审核人员进行"
                        "（《中华人民共和国行政处罚法》第五十八条）/ legal "
                        "review is for a legal reviewer (Art. 58)");
  if (x->handler)
    return fz_error_set(err, FZ_CONFLICT, "reviewer", "本案承办人员不得对本案"
                        "进行法制审核（《中华人民共和国行政处罚法》第五十八条）/ "
                        "a handler may not review his own case (Art. 58)");
  if (!x->by->cli) {
    /* His qualification, and whether he serves the case's department. */
    fz_buf sql;
    fz_buf_init(&sql, 1024);
    fz_buf_puts(&sql, "SELECT o.legal_qualification, (SELECT COUNT(*) FROM "
                "officers m WHERE m.id = o.id");
    fz_reg_officer_in_sql(&sql, "m", &x->c.department_id, 1);
    fz_buf_puts(&sql, ") FROM officers o WHERE o.id = ?");
    fz_stmt *st = NULL;
    fz_err rc = sql.err ? fz_error_set(err, sql.err, "", NULL)
                        : fz_db_prepare(x->db, sql.data, &st, err);
    fz_buf_free(&sql);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, x->officer);
    int r = fz_stmt_step(st, err);
    int qualified = r == FZ_STEP_ROW && fz_stmt_column_int64(st, 0) != 0;
    int serves = r == FZ_STEP_ROW && fz_stmt_column_int64(st, 1) > 0;
    fz_stmt_finalize(st);
    if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
    if (!serves)
      return fz_error_set(err, FZ_CONFLICT, "reviewer", "法制审核由作出决定的"
                          "行政机关（%s）的法制审核人员进行，本账号的执法人员不属"
                          "于该执法主体（《中华人民共和国行政处罚法》第五十八条）/ "
                          "the reviewer does not serve the case's department "
                          "%lld, the agency that decides (Art. 58)",
                          x->c.department_name,
                          (long long)x->c.department_id);
    if (!qualified)
      return fz_error_set(err, FZ_CONFLICT, "reviewer", "初次从事行政处罚决定法"
                          "制审核的人员应当通过国家统一法律职业资格考试取得法律职"
                          "业资格（《中华人民共和国行政处罚法》第五十八条第二款）"
                          "；本账号未登记法律职业资格 / the reviewer holds no "
                          "legal professional qualification (Art. 58 ¶2)");
  }
  if (x->dry) return FZ_OK;
  const char *result = json_string_value(json_object_get(x->body, "result"));
  const char *opinion;
  fz_err rc = fz_case_text_member(x->body, "opinion", 2, &opinion, err);
  if (rc) return rc;
  int approved = result && strcmp(result, "approved") == 0;
  if (!approved && (!result || strcmp(result, "returned") != 0))
    return fz_error_set(err, FZ_INVALID, "result", "result 应为 approved（审核"
                        "通过）或 returned（退回补充调查）/ result is approved or "
                        "returned");
  rc = set_col(x, "review_state", approved ? "approved" : "returned", 0, err);
  if (!rc) rc = set_col(x, "reviewer_id", NULL, x->officer, err);
  if (rc) return rc;
  /* Returned: back to investigation, with the notice to be given again. */
  return fz_case_record(x->db, x->by, x->c.id, "review",
                        approved ? FZ_CASE_NOTIFIED : FZ_CASE_INVESTIGATING,
                        json_pack("{s:s, s:s, s:I}", "result", result,
                                  "opinion", opinion, "reviewer",
                                  (json_int_t)x->officer),
                        opinion, x->now, NULL, err);
}

static fz_err step_discuss(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_NOTIFIED || strcmp(x->c.hearing, "open") == 0)
    return wrong_stage(x, "集体讨论", "告知及听证程序完成后", err);
  fz_err rc = need_head(x, "集体讨论", err);
  if (!rc && x->c.review_grounds[0] &&
      strcmp(x->c.review_state, "approved") != 0)
    rc = fz_error_set(err, FZ_CONFLICT, "review", "本案须先经法制审核通过再提交"
                      "集体讨论（《中华人民共和国行政处罚法》第五十八条）/ the "
                      "legal review comes first (Art. 58)");
  GUARDED(x, rc);
  char on[11];
  const char *minutes;
  if (!rc) rc = step_date(x, "held_on", x->c.notified_on, on, err);
  if (!rc) rc = fz_case_text_member(x->body, "minutes", 10, &minutes, err);
  if (!rc) rc = set_col(x, "discussed_on", on, 0, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "discuss", FZ_CASE_NOTIFIED,
                        json_pack("{s:s, s:s}", "held_on", on, "minutes",
                                  minutes),
                        "", x->now, NULL, err);
}

/* ---- 决定 (Art. 33, 51, 57, 58, 62) --------------------------------------- */

/* What keeps an ordinary case from being decided now, or FZ_OK. */
static fz_err decide_ready(step_ctx *x, fz_error *err) {
  if (strcmp(x->c.hearing, "open") == 0) {
    char due[11];
    fz_err rc = hearing_due(x, due, err);
    if (rc) return rc;
    if (!due[0] || strcmp(x->today, due) <= 0)
      return fz_error_set(err, FZ_CONFLICT, "hearing", "当事人可在 %s 前要求听证"
                          "，期限届满或当事人放弃前不得作出决定（《中华人民共和国行"
                          "政处罚法》第六十二条、第六十四条）/ the party may ask "
                          "for a hearing until %s (Art. 62, 64)", due, due);
  }
  if (x->c.review_grounds[0] && strcmp(x->c.review_state, "approved") != 0) {
    char grounds[256] = "";
    size_t n = 0;
    for (const char *p = x->c.review_grounds; *p; p++)
      if (*p != ',')
        n += (size_t)snprintf(grounds + n, sizeof grounds - n, "%s",
                              fz_review_ground_label(*p));
    return fz_error_set(err, FZ_CONFLICT, "review", "本案属于%s，未经法制审核或"
                        "审核未通过的，不得作出决定（《中华人民共和国行政处罚法》"
                        "第五十八条）/ a legal review must approve the decision "
                        "first (Art. 58)", grounds);
  }
  if (x->c.complex && !x->c.discussed_on[0])
    return fz_error_set(err, FZ_CONFLICT, "discussion", "情节复杂或者重大违法行为"
                        "给予行政处罚，行政机关负责人应当集体讨论决定（《中华人民"
                        "共和国行政处罚法》第五十七条第二款）/ a complex or serious"
                        " case is decided collectively (Art. 57 ¶2)");
  return FZ_OK;
}

/* Art. 51: on the spot only a warning or a fine of at most 200 元 (a
 * person) or 3,000 元 (an organisation). */
static fz_err simple_limits(step_ctx *x, const json_t *kinds, int64_t fine,
                            fz_error *err) {
  int person = strcmp(x->c.party_type, "person") == 0;
  int64_t cap = person ? 20000 : 300000;
  for (size_t i = 0; i < json_array_size(kinds); i++) {
    int k = fz_penalty_kind_find(json_string_value(json_array_get(kinds, i)));
    if (k != FZ_PENALTY_FINE_BIT && strcmp(fz_penalty_kind_name(k), "警告") != 0)
      return fz_error_set(err, FZ_CONFLICT, "kinds", "简易程序只能当场作出警告或"
                          "罚款（《中华人民共和国行政处罚法》第五十一条）/ on the "
                          "spot only a warning or a fine (Art. 51)");
  }
  if (json_array_size(kinds) == 0)
    return fz_error_set(err, FZ_CONFLICT, "kinds", "简易程序用于当场作出处罚决定"
                        "；不予处罚的应按普通程序办理 / the simple procedure "
                        "decides a penalty on the spot");
  if (fine > cap)
    return fz_error_set(err, FZ_CONFLICT, "fine", "简易程序对%s罚款不得超过 %s "
                        "元（《中华人民共和国行政处罚法》第五十一条）/ on the spot"
                        " a fine of at most %s yuan (Art. 51)",
                        person ? "公民" : "法人或者其他组织",
                        person ? "200" : "3,000", person ? "200" : "3000");
  return FZ_OK;
}

static fz_err step_decide(step_ctx *x, fz_error *err) {
  int simple = strcmp(x->c.procedure, "simple") == 0;
  if (!is_kind(x, "penalty") ||
      (simple ? x->c.stage != FZ_CASE_LEAD : x->c.stage != FZ_CASE_NOTIFIED))
    return wrong_stage(x, "作出决定", simple ? "简易程序当场决定"
                       : "告知、听证、法制审核等程序完成后", err);
  fz_err rc = simple ? need_handler(x, "当场作出处罚决定", err)
                     : need_head(x, "作出行政处罚决定", err);
  if (!rc && !simple) rc = decide_ready(x, err);
  GUARDED(x, rc);
  json_t *kinds = NULL, *evaluation = NULL, *findings = NULL;
  int64_t fine = 0;
  char on[11];
  const char *reason = "", *education = "";
  if (!rc) rc = step_date(x, "decided_on", simple ? x->c.discovered_on
                                                  : x->c.notified_on, on, err);
  if (!rc) rc = read_penalty(x->body, &kinds, &fine, err);
  if (!rc && simple) rc = simple_limits(x, kinds, fine, err);
  if (!rc) rc = fz_case_text_member(x->body, "reason", 0, &reason, err);
  if (!rc) rc = fz_case_text_member(x->body, "education", 0, &education, err);
  if (!rc) rc = fz_case_evaluation(x->db, &x->c, on, &evaluation, err);
  /* No benchmark in force for the matter: the decision stands on the
   * statute alone, and its record says that none applied. */
  if (rc == FZ_NODATA) {
    rc = FZ_OK;
    if (err) fz_error_clear(err);
    evaluation = json_pack("{s:n}", "versions");
    findings = json_array();
  } else if (!rc) {
    rc = fz_discretion_check_decision(evaluation, kinds, fine, &findings, err);
  }
  int no_penalty = kinds && json_array_size(kinds) == 0;
  /* DESIGN §7: a decision outside the benchmark needs a written reason
   * and raises a supervision alert. */
  if (!rc && json_array_size(findings) > 0 && strlen(reason) < 10) {
    json_t *f0 = json_array_get(findings, 0);
    rc = fz_error_set(err, FZ_CONFLICT, "reason", "%s（%s）：偏离裁量基准的决定须"
                      "书面说明理由（至少 10 字节）/ a decision outside the "
                      "benchmark needs a written reason",
                      json_string_value(json_object_get(f0, "text")),
                      json_string_value(json_object_get(f0, "citation")));
  }
  /* Art. 33 ¶3: whoever is not punished is educated, and the record
   * says how. */
  if (!rc && no_penalty && strlen(education) < 4)
    rc = fz_error_set(err, FZ_MISSING, "education", "对当事人不予行政处罚的，应"
                      "当对当事人进行教育，并记录教育的方式和内容（《中华人民共和国"
                      "行政处罚法》第三十三条第三款）/ record the education given"
                      " (Art. 33 ¶3)");
  const char *mitigation = json_string_value(json_object_get(evaluation,
                                                             "mitigation"));
  const char *lenient = no_penalty ? "免罚" : mitigation ? mitigation : "";
  json_t *decision = NULL;
  char *text = NULL;
  if (!rc) {
    decision = json_pack("{s:O, s:o, s:s, s:s, s:s, s:O, s:O, s:b}", "kinds",
                         kinds, "fine", fz_money_to_json(fine), "decided_on",
                         on, "reason", reason, "education", education,
                         "findings", findings, "versions",
                         json_object_get(evaluation, "versions"),
                         "party_present",
                         !json_is_false(json_object_get(x->body,
                                                        "party_present")));
    text = decision ? fz_json_canonical(decision) : NULL;
    if (!text) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  }
  if (!rc) rc = set_col(x, "decision", text, 0, err);
  if (!rc) rc = set_col(x, "decided_on", on, 0, err);
  if (!rc) rc = set_col(x, "fine", NULL, fine, err);
  if (!rc) rc = set_col(x, "no_penalty", NULL, no_penalty, err);
  if (!rc) rc = set_col(x, "outside_range", NULL, json_array_size(findings) > 0,
                        err);
  if (!rc) rc = set_col(x, "lenient", lenient, 0, err);
  if (!rc) rc = fz_case_deadline_met(x->db, x->c.id, "penalty.decide", on, err);
  /* 国办发〔2018〕118号: a penalty decision is public within seven working
   * days; Art. 61: served within seven working days when the party was
   * absent; Art. 52: on the spot it is handed over at once. */
  if (!rc) rc = fz_case_deadline_open(x->db, x->c.id, "penalty.publish", on, 0,
                                      NULL, err);
  if (!rc && !simple && json_is_false(json_object_get(x->body, "party_present")))
    rc = fz_case_deadline_open(x->db, x->c.id, "penalty.serve", on, 0, NULL,
                               err);
  if (!rc && simple) rc = set_col(x, "served_on", on, 0, err);
  if (!rc && simple && fine > 0)
    rc = fz_case_deadline_open(x->db, x->c.id, "penalty.pay", on, 1, NULL, err);
  free(text);
  json_decref(kinds);
  json_decref(evaluation);
  uint64_t seq = 0;
  if (!rc) {
    json_object_set_new(decision, "simple", json_boolean(simple));
    rc = fz_case_record(x->db, x->by, x->c.id, "decide",
                        simple ? FZ_CASE_SERVED : FZ_CASE_DECIDED, decision,
                        reason, x->now, &seq, err);
    decision = NULL;
  }
  if (!rc) rc = set_col(x, "decide_seq", NULL, (int64_t)seq, err);
  for (size_t i = 0; !rc && i < json_array_size(findings); i++) {
    json_t *f = json_array_get(findings, i);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s（%s）；理由：%s",
             json_string_value(json_object_get(f, "text")),
             json_string_value(json_object_get(f, "citation")), reason);
    rc = fz_case_alert(x->db, &x->c,
                       json_string_value(json_object_get(f, "code")), msg, seq,
                       x->now, err);
  }
  json_decref(decision);
  json_decref(findings);
  return rc;
}

/* ---- 送达, 执行, 结案, 归档 --------------------------------------------------- */

static fz_err step_serve(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_DECIDED)
    return wrong_stage(x, "送达", "作出决定之后（《中华人民共和国行政处罚法》第六"
                       "十一条）", err);
  char on[11];
  const char *method;
  fz_err rc = need_handler(x, "送达", err);
  GUARDED(x, rc);
  if (!rc) rc = step_date(x, "served_on", x->c.decided_on, on, err);
  if (!rc) rc = fz_case_text_member(x->body, "method", 2, &method, err);
  if (!rc) rc = set_col(x, "served_on", on, 0, err);
  if (!rc) rc = fz_case_deadline_met(x->db, x->c.id, "penalty.serve", on, err);
  /* Art. 67: the fine is paid within fifteen days of service. */
  if (!rc && x->c.fine > 0)
    rc = fz_case_deadline_open(x->db, x->c.id, "penalty.pay", on, 1, NULL, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "serve", FZ_CASE_SERVED,
                        json_pack("{s:s, s:s}", "served_on", on, "method",
                                  method),
                        "", x->now, NULL, err);
}

static fz_err step_execute(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_SERVED || x->c.no_penalty)
    return wrong_stage(x, "登记执行", "送达后执行处罚决定", err);
  char on[11];
  const char *how;
  fz_err rc = need_handler(x, "登记执行", err);
  GUARDED(x, rc);
  if (!rc) rc = step_date(x, "executed_on", x->c.served_on, on, err);
  if (!rc) rc = fz_case_text_member(x->body, "how", 2, &how, err);
  if (!rc) rc = set_col(x, "executed_on", on, 0, err);
  if (!rc) rc = fz_case_deadline_met(x->db, x->c.id, "penalty.pay", on, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "execute", FZ_CASE_EXECUTED,
                        json_pack("{s:s, s:s}", "executed_on", on, "how", how),
                        "", x->now, NULL, err);
}

static fz_err step_close(step_ctx *x, fz_error *err) {
  int ok = x->c.stage == FZ_CASE_EXECUTED ||
           (x->c.stage == FZ_CASE_SERVED && x->c.no_penalty);
  if (!ok)
    return wrong_stage(x, "结案", "处罚决定执行完毕后（不予处罚的，送达后）", err);
  char on[11];
  fz_err rc = need_head(x, "结案", err);
  GUARDED(x, rc);
  if (!rc) rc = step_date(x, "closed_on", NULL, on, err);
  if (!rc) rc = set_col(x, "closed_on", on, 0, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "close", FZ_CASE_CLOSED,
                        json_pack("{s:s}", "closed_on", on), "", x->now, NULL,
                        err);
}

static fz_err step_archive(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_CLOSED)
    return wrong_stage(x, "归档", "结案之后", err);
  char on[11];
  fz_err rc = need_handler(x, "归档", err);
  GUARDED(x, rc);
  if (!rc) rc = step_date(x, "archived_on", NULL, on, err);
  if (!rc) rc = set_col(x, "archived_on", on, 0, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "archive", FZ_CASE_ARCHIVED,
                        json_pack("{s:s}", "archived_on", on), "", x->now,
                        NULL, err);
}

/* ---- 公示 (国办发〔2018〕118号; Art. 48) ------------------------------------ */

static fz_err step_publish(step_ctx *x, fz_error *err) {
  if (!is_kind(x, "penalty") || !x->c.decided_on[0] || x->c.published_at)
    return wrong_stage(x, "公示处罚决定", x->c.published_at ? "已经公示"
                       : "作出决定之后", err);
  fz_err rc = need_head(x, "公示处罚决定", err);
  GUARDED(x, rc);
  if (!rc) rc = fz_case_deadline_met(x->db, x->c.id, "penalty.publish",
                                     x->today, err);
  uint64_t seq = 0;
  if (!rc) rc = fz_case_record(x->db, x->by, x->c.id, "publish", x->c.stage,
                               json_pack("{s:I}", "decide_seq",
                                         (json_int_t)x->c.decide_seq),
                               "", x->now, &seq, err);
  if (!rc) rc = set_col(x, "published_at", NULL, x->now, err);
  if (!rc) rc = set_col(x, "publish_seq", NULL, (int64_t)seq, err);
  return rc;
}

static fz_err step_withdraw(step_ctx *x, fz_error *err) {
  if (!x->c.published_at || x->c.withdrawn_at)
    return wrong_stage(x, "撤回公示", x->c.withdrawn_at ? "已经撤回"
                       : "公示之后", err);
  char changed[11], due[11] = "";
  const char *reason;
  fz_err rc = need_head(x, "撤回公示", err);
  GUARDED(x, rc);
  if (!rc) rc = fz_case_text_member(x->body, "reason", 4, &reason, err);
  if (!rc) rc = step_date(x, "changed_on", x->c.decided_on, changed, err);
  /* Art. 48: a changed or revoked decision's publication is withdrawn
   * within three working days. */
  if (!rc) rc = fz_case_deadline_open(x->db, x->c.id, "penalty.withdraw",
                                      changed, 0, due, err);
  if (!rc) rc = fz_case_deadline_met(x->db, x->c.id, "penalty.withdraw",
                                     x->today, err);
  if (!rc) rc = set_col(x, "withdrawn_at", NULL, x->now, err);
  if (!rc) rc = set_col(x, "withdraw_reason", reason, 0, err);
  uint64_t seq = 0;
  if (!rc) rc = fz_case_record(x->db, x->by, x->c.id, "withdraw", x->c.stage,
                               json_pack("{s:s, s:s}", "reason", reason,
                                         "changed_on", changed),
                               reason, x->now, &seq, err);
  if (!rc && due[0] && strcmp(x->today, due) > 0) {
    char msg[512];
    snprintf(msg, sizeof msg, "处罚决定于 %s 变更或撤销，公示应在 %s 前撤回，实际"
             "于 %s 撤回（《中华人民共和国行政处罚法》第四十八条）", changed, due,
             x->today);
    rc = fz_case_alert(x->db, &x->c, "late_withdrawal", msg, seq, x->now, err);
  }
  return rc;
}

/* ---- 行政检查 and 行政强制 ---------------------------------------------------- */

static fz_err step_inspect(step_ctx *x, fz_error *err) {
  if (!is_kind(x, "inspection") || x->c.stage != FZ_CASE_LEAD)
    return wrong_stage(x, "记录检查结果", "行政检查开始后", err);
  char on[11];
  const char *result;
  fz_err rc = need_handler(x, "记录检查结果", err);
  GUARDED(x, rc);
  if (!rc) rc = step_date(x, "inspected_on", x->c.discovered_on, on, err);
  if (!rc) rc = fz_case_text_member(x->body, "result", 2, &result, err);
  if (!rc) rc = set_col(x, "closed_on", on, 0, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "inspect", FZ_CASE_CLOSED,
                        json_pack("{s:s, s:s}", "inspected_on", on, "result",
                                  result),
                        result, x->now, NULL, err);
}

static fz_err step_seize(step_ctx *x, fz_error *err) {
  if (!is_kind(x, "coercion") || x->c.stage != FZ_CASE_INVESTIGATING)
    return wrong_stage(x, "实施查封、扣押", "经负责人批准立案后", err);
  const char *measure = json_string_value(json_object_get(x->body, "measure"));
  const char *items;
  char on[11];
  fz_err rc = need_handler(x, "实施查封、扣押", err);
  GUARDED(x, rc);
  if (!rc && (!measure || (strcmp(measure, "查封") != 0 &&
                           strcmp(measure, "扣押") != 0)))
    rc = fz_error_set(err, FZ_INVALID, "measure", "measure 应为「查封」或「扣押」"
                      "（《中华人民共和国行政强制法》第九条）/ measure is 查封 or "
                      "扣押");
  if (!rc) rc = fz_case_text_member(x->body, "items", 2, &items, err);
  if (!rc) rc = step_date(x, "seized_on", x->c.filed_on, on, err);
  if (!rc) rc = set_col(x, "seized_on", on, 0, err);
  /* 行政强制法 Art. 25: thirty days, extendable once by thirty. */
  if (!rc) rc = fz_case_deadline_open(x->db, x->c.id, "coercion.seizure", on, 0,
                                      NULL, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "seize", FZ_CASE_SEIZED,
                        json_pack("{s:s, s:s, s:s}", "measure", measure,
                                  "items", items, "seized_on", on),
                        "", x->now, NULL, err);
}

static fz_err step_extend(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_SEIZED)
    return wrong_stage(x, "延长查封、扣押期限", "查封、扣押期间", err);
  if (x->c.seizure_extended)
    return fz_error_set(err, FZ_CONFLICT, "extend", "查封、扣押期限只能延长一次，"
                        "延长期限不得超过三十日（《中华人民共和国行政强制法》第二十"
                        "五条）/ the period is extended once only (Art. 25)");
  const char *reason;
  fz_err rc = need_head(x, "延长查封、扣押期限", err);
  GUARDED(x, rc);
  if (!rc) rc = fz_case_text_member(x->body, "reason", 4, &reason, err);
  char due[11] = "";
  fz_stmt *st;
  if (!rc) rc = fz_db_prepare(x->db, "SELECT due FROM case_deadlines WHERE "
                              "case_id = ? AND rule_id = 'coercion.seizure'",
                              &st, err);
  if (!rc) {
    fz_stmt_bind_int64(st, 1, x->c.id);
    if (fz_stmt_step(st, err) == FZ_STEP_ROW)
      snprintf(due, sizeof due, "%s", fz_stmt_column_text(st, 0));
    fz_stmt_finalize(st);
  }
  /* The extension counts thirty more days from the end of the first
   * period, and is decided before it ends. */
  if (!rc && due[0] && strcmp(x->today, due) > 0)
    rc = fz_error_set(err, FZ_CONFLICT, "extend", "查封、扣押期限已于 %s 届满，"
                      "不能再延长（《中华人民共和国行政强制法》第二十五条）/ the "
                      "period ended on %s", due, due);
  char new_due[11] = "";
  if (!rc && due[0])
    rc = fz_case_deadline_open(x->db, x->c.id, "coercion.seizure", due, 0,
                               new_due, err);
  if (!rc) rc = set_col(x, "seizure_extended", NULL, 1, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "extend", FZ_CASE_SEIZED,
                        json_pack("{s:s, s:s}", "reason", reason, "due",
                                  new_due),
                        reason, x->now, NULL, err);
}

static fz_err step_release(step_ctx *x, fz_error *err) {
  if (x->c.stage != FZ_CASE_SEIZED)
    return wrong_stage(x, "解除查封、扣押", "查封、扣押期间", err);
  char on[11];
  const char *outcome;
  fz_err rc = need_handler(x, "解除查封、扣押或作出处理决定", err);
  GUARDED(x, rc);
  if (!rc) rc = step_date(x, "released_on", x->c.seized_on, on, err);
  if (!rc) rc = fz_case_text_member(x->body, "outcome", 2, &outcome, err);
  if (!rc) rc = fz_case_deadline_met(x->db, x->c.id, "coercion.seizure", on,
                                     err);
  if (!rc) rc = set_col(x, "closed_on", on, 0, err);
  if (rc) return rc;
  return fz_case_record(x->db, x->by, x->c.id, "release", FZ_CASE_CLOSED,
                        json_pack("{s:s, s:s}", "released_on", on, "outcome",
                                  outcome),
                        outcome, x->now, NULL, err);
}

/* ---- The table of steps ------------------------------------------------- */

typedef struct step_def {
  const char *name, *label;
  step_fn fn;
} step_def;

static const step_def steps[] = {
    {"file", "立案", step_file},
    {"facts", "认定事实与情节", step_facts},
    {"notify", "告知（陈述、申辩、听证）", step_notify},
    {"hearing_request", "登记听证申请", step_hearing_request},
    {"hearing_waive", "登记放弃听证", step_hearing_waive},
    {"hearing", "听证", step_hearing},
    {"submit_review", "提交法制审核", step_submit_review},
    {"review", "法制审核", step_review},
    {"discuss", "集体讨论", step_discuss},
    {"decide", "作出决定", step_decide},
    {"serve", "送达", step_serve},
    {"execute", "执行", step_execute},
    {"close", "结案", step_close},
    {"archive", "归档", step_archive},
    {"publish", "公示", step_publish},
    {"withdraw", "撤回公示", step_withdraw},
    {"inspect", "记录检查结果", step_inspect},
    {"seize", "查封、扣押", step_seize},
    {"extend", "延长查封、扣押", step_extend},
    {"release", "解除查封、扣押", step_release},
    {"drop", "不予立案 / 撤销立案", step_drop},
};

static const step_def *find_step(const char *name) {
  for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
    if (strcmp(steps[i].name, name) == 0) return &steps[i];
  return NULL;
}

/* Fills x for a step on case c (already loaded within by's scope). */
static fz_err ctx_of(step_ctx *x, fz_db *db, const fz_principal *by,
                     const fz_case_row *c, const json_t *body, int64_t now,
                     fz_error *err) {
  memset(x, 0, sizeof *x);
  x->db = db;
  x->by = by;
  x->body = body;
  x->now = now;
  x->c = *c;
  fz_civil_date(now, x->today);
  fz_err rc = fz_case_officer_of(db, by, &x->officer, err);
  if (!rc) rc = fz_case_is_handler(db, c->id, x->officer, &x->handler, err);
  return rc;
}

static fz_err ctx_init(step_ctx *x, fz_db *db, const fz_principal *by,
                       int64_t id, const json_t *body, int64_t now,
                       fz_error *err) {
  fz_case_row c;
  fz_err rc = fz_case_load(db, by, id, &c, err);
  return rc ? rc : ctx_of(x, db, by, &c, body, now, err);
}

fz_err fz_case_step(fz_db *db, const fz_principal *by, int64_t id,
                    const char *step, const json_t *body, int64_t now,
                    fz_error *err) {
  const step_def *d = find_step(step);
  if (!d)
    return fz_error_set(err, FZ_NOTFOUND, "step", "没有「%.40s」这一办案环节 / "
                        "no step %.40s", step, step);
  if (!by->cli && !fz_role_can(by->scope.roles, FZ_PERM_WRITE_BUSINESS) &&
      !fz_role_can(by->scope.roles, FZ_PERM_REVIEW_LEGAL))
    return fz_error_set(err, FZ_FORBIDDEN, "", "此账号无权办理案件 / this "
                        "account may not act on cases");
  if (!json_is_object(body))
    return fz_error_set(err, FZ_TYPE, "", "请求体应为 JSON 对象 / the body is "
                        "a JSON object");
  step_ctx x;
  fz_err rc = ctx_init(&x, db, by, id, body, now, err);
  return rc ? rc : d->fn(&x, err);
}

fz_err fz_case_next_steps(fz_db *db, const fz_principal *by,
                          const fz_case_row *c, int64_t now, json_t *out,
                          fz_error *err) {
  /* A dry run works on the case as its view read it: the guards change
   * nothing in x. */
  step_ctx x;
  fz_err rc = ctx_of(&x, db, by, c, NULL, now, err);
  if (rc) return rc;
  json_t *empty = json_object();
  x.body = empty;
  x.dry = 1;
  for (size_t i = 0; i < sizeof steps / sizeof *steps && !rc; i++) {
    fz_error e = {0};
    fz_err r = steps[i].fn(&x, &e);
    /* Steps of another stage or kind are not offered at all. */
    if (r == FZ_CONFLICT && strcmp(e.field, "stage") == 0) continue;
    if (r && r != FZ_FORBIDDEN && r != FZ_CONFLICT) {
      if (err) *err = e;
      rc = r;
      break;
    }
    json_t *o = json_pack("{s:s, s:s, s:b}", "step", steps[i].name, "label",
                          steps[i].label, "allowed", r == FZ_OK);
    if (r) json_object_set_new(o, "why", json_string(e.message));
    json_array_append_new(out, o);
  }
  json_decref(empty);
  return rc;
}
