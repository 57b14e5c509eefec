/* public.c — what anyone may read without signing in (一公开): the plans
 * with a commitment, each draw's record (or its commitment so far) with
 * the frozen pools, and the published results.  Entities are legal
 * persons named in public registers; officers appear only by id, and no
 * natural person's name is shown (DESIGN §8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "inspect/plan_int.h"
#include "ledger/ledger.h"

#define LIST_MAX 200
#define POOL_URL "/api/v1/public/draws/%lld/pools/%s"

/* A plan as the public knows it: FZ_NOTFOUND while it is a draft (nothing
 * is bound yet), alike for a plan that does not exist. */
static fz_err load_public(fz_db *db, int64_t id, fz_plan_row *p,
                          fz_error *err) {
  fz_err rc = fz_plan_load_any(db, id, p, err);
  if (!rc && p->status == FZ_PLAN_DRAFT)
    rc = fz_error_set(err, FZ_NOTFOUND, "id", "抽查计划 %lld 不存在 / no "
                      "plan %lld", (long long)id, (long long)id);
  return rc;
}

#define LIST_SQL                                                             \
  "SELECT p.id, p.name, p.status, p.window_from, p.window_to, p.commit_seq, " \
  "(SELECT COALESCE(SUM(s.pool_size), 0) FROM plan_strata s WHERE "          \
  "s.plan_id = p.id), (SELECT COALESCE(SUM(s.n), 0) FROM plan_strata s "     \
  "WHERE s.plan_id = p.id) FROM plans p WHERE p.status <> 'draft'"
#define LIST_ORDER " ORDER BY p.id DESC LIMIT ?"

fz_err fz_draw_public_list(fz_db *db, const char *cursor, int limit,
                           json_t **out, fz_error *err) {
  int64_t after = 0;
  if (limit < 1 || limit > LIST_MAX)
    return fz_error_set(err, FZ_INVALID, "limit", "limit 应在 1 至 %d 之间 / "
                        "limit is 1 to %d", LIST_MAX, LIST_MAX);
  fz_err rc = fz_query_cursor(cursor, &after, err);
  if (rc) return rc;
  /* Two texts rather than a bound "infinity": PostgreSQL's ids are int4. */
  fz_stmt *st;
  rc = fz_db_prepare(db, after ? LIST_SQL " AND p.id < ?" LIST_ORDER
                               : LIST_SQL LIST_ORDER, &st, err);
  if (rc) return rc;
  int i = 1;
  if (after) fz_stmt_bind_int64(st, i++, after);
  fz_stmt_bind_int64(st, i, (int64_t)limit + 1);
  json_t *items = json_array();
  int64_t last = 0;
  int n = 0, more = 0, r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    if (n == limit) {
      more = 1;
      break;
    }
    fz_plan_status s = FZ_PLAN_DRAFT;
    fz_plan_status_parse(fz_stmt_column_text(st, 2), &s, NULL);
    last = fz_stmt_column_int64(st, 0);
    json_t *deps = json_array();
    rc = fz_plan_departments_json(db, last, deps, err);
    if (rc) break;
    json_array_append_new(
        items,
        json_pack("{s:I, s:s, s:s, s:s, s:o, s:{s:s, s:s}, s:I, s:I, s:b, "
                  "s:o}",
                  "id", (json_int_t)last, "name", fz_stmt_column_text(st, 1),
                  "status", fz_plan_status_name(s), "status_label",
                  fz_plan_status_label(s), "departments", deps, "window",
                  "from", fz_stmt_column_text(st, 3), "to",
                  fz_stmt_column_text(st, 4), "pool_size",
                  (json_int_t)fz_stmt_column_int64(st, 6), "n",
                  (json_int_t)fz_stmt_column_int64(st, 7), "drawn",
                  s >= FZ_PLAN_DRAWN, "commit_seq",
                  fz_stmt_column_is_null(st, 5)
                      ? json_null()
                      : json_integer(fz_stmt_column_int64(st, 5))));
    n++;
  }
  fz_stmt_finalize(st);
  if (!rc && r != FZ_STEP_ROW && r != FZ_STEP_DONE) rc = (fz_err)r;
  if (rc) {
    json_decref(items);
    return rc;
  }
  return fz_query_page(items, more, last, out, err);
}

/* The replacements on the plan's tasks since the draw, from the ledger's
 * task.replace events, in order: [{code, out, in, reason, seq}].  The
 * ledger is their one record; the draw record stays as the draw made
 * it. */
static fz_err replacements_json(fz_db *db, int64_t plan, json_t **out,
                                fz_error *err) {
  json_t *a = json_array();
  fz_stmt *st;
  fz_err rc = a ? fz_db_prepare(db, "SELECT seq, body FROM ledger_event "
                                "WHERE object_type = 'task' AND action = "
                                "'task.replace' AND object_id IN (SELECT "
                                "CAST(t.id AS TEXT) FROM tasks t WHERE "
                                "t.plan_id = ?) ORDER BY seq", &st, err)
                : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (rc) {
    json_decref(a);
    return rc;
  }
  fz_stmt_bind_int64(st, 1, plan);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    const char *body = fz_stmt_column_text(st, 1);
    json_t *ev = body ? json_loads(body, 0, NULL) : NULL;
    json_t *d = json_object_get(ev, "data");
    json_t *o = json_object();
    static const char *const keys[] = {"code", "out", "in", "reason"};
    for (size_t i = 0; o && i < 4; i++) {
      json_t *v = json_object_get(d, keys[i]);
      json_object_set(o, keys[i], v ? v : json_null());
    }
    json_object_set_new(o, "seq", json_integer(fz_stmt_column_int64(st, 0)));
    json_array_append_new(a, o);
    json_decref(ev);
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) {
    json_decref(a);
    return (fz_err)r;
  }
  *out = a;
  return FZ_OK;
}

/* Appends to out the percent-encoding (RFC 3986) of s. */
static void url_escape(const char *s, char *out, size_t size) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = 0;
  for (const unsigned char *c = (const unsigned char *)s; *c && n + 4 < size;
       c++) {
    if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
        (*c >= '0' && *c <= '9') || strchr("-._~", *c)) {
      out[n++] = (char)*c;
    } else {
      out[n++] = '%';
      out[n++] = hex[*c >> 4];
      out[n++] = hex[*c & 15];
    }
  }
  out[n] = 0;
}

/* The commit event at seq: its canonical text and leaf hash, and its data
 * parsed (new). */
static fz_err commit_event(fz_db *db, int64_t seq, json_t **body,
                           char leaf[65], json_t **data, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT body, leaf_hash FROM ledger_event "
                            "WHERE seq = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, seq);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    const char *text = fz_stmt_column_text(st, 0);
    size_t len = 0;
    const void *h = fz_stmt_column_blob(st, 1, &len);
    json_t *ev = text ? json_loads(text, 0, NULL) : NULL;
    *body = text ? json_string(text) : NULL;
    *data = json_incref(json_object_get(ev, "data"));
    json_decref(ev);
    if (len == 32) fz_inspect_hex(h, leaf);
    else leaf[0] = 0;
    if (!*body || !*data) {
      json_decref(*body);
      json_decref(*data);
      rc = fz_error_set(err, FZ_INTERNAL, "commit_seq", "账本事件 %lld 不是可读"
                        "的承诺事件 / ledger event %lld is no readable commit "
                        "event", (long long)seq, (long long)seq);
    }
  }
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_INTERNAL, "commit_seq", "账本中没有承诺事件 "
                        "%lld / the ledger has no event %lld", (long long)seq,
                        (long long)seq);
  return r == FZ_STEP_ROW ? rc : (fz_err)r;
}

/* Before the draw: the commitment so far (DESIGN §5.1–5.2). */
static fz_err commitment_json(fz_db *db, const fz_plan_row *p, json_t **out,
                              fz_error *err) {
  fz_hash_alg alg;
  json_t *event = NULL, *data = NULL;
  char leaf[65];
  fz_err rc = fz_ledger_alg(db, &alg, err);
  if (!rc) rc = commit_event(db, p->commit_seq, &event, leaf, &data, err);
  if (rc) return rc;
  json_t *o = json_pack(
      "{s:s, s:I, s:b, s:s, s:{s:I, s:s, s:s, s:o}, s:o, s:o}", "algo",
      FZ_DRAW_ALGO, "plan_id", (json_int_t)p->id, "drawn", 0, "status",
      fz_plan_status_name(p->status), "commitment", "seq",
      (json_int_t)p->commit_seq, "leaf_hash", leaf[0] ? leaf : p->commit_leaf,
      "hash", fz_hash_name(alg), "event", event, "public_value_source",
      fz_json_text_or_null(p->public_value_source), "public_value",
      p->has_public_value ? json_string(p->public_value) : json_null());
  json_t *reveals = json_array(), *strata = json_array();
  /* The inspector pool as the commitment bound it (draw.h). */
  json_t *insp = json_object_get(data, "inspectors");
  json_t *isize = json_object_get(insp, "pool_size");
  json_t *idigest = json_object_get(insp, "pool_digest");
  json_object_set_new(o, "inspectors",
                      json_pack("{s:O, s:O}", "pool_size",
                                isize ? isize : json_null(), "pool_digest",
                                idigest ? idigest : json_null()));
  json_decref(data);
  rc = o && reveals && strata ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);

  fz_stmt *st;
  int r = FZ_STEP_DONE;
  if (!rc) rc = fz_db_prepare(db, "SELECT label, commit_hex, secret_hex FROM "
                              "plan_participants WHERE plan_id = ? ORDER BY "
                              "position", &st, err);
  if (!rc) {
    fz_stmt_bind_int64(st, 1, p->id);
    while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
      json_array_append_new(
          reveals, json_pack("{s:s, s:o, s:o}", "participant",
                             fz_stmt_column_text(st, 0), "commit",
                             fz_json_text_or_null(fz_stmt_column_text(st, 1)),
                             "secret",
                             fz_json_text_or_null(fz_stmt_column_text(st, 2))));
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE) rc = (fz_err)r;
  }
  if (!rc) rc = fz_db_prepare(db, "SELECT key, ratio, count, pool_size, "
                              "pool_digest, n FROM plan_strata WHERE plan_id "
                              "= ? ORDER BY position", &st, err);
  if (!rc) {
    fz_stmt_bind_int64(st, 1, p->id);
    while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
      const char *key = fz_stmt_column_text(st, 0);
      char esc[3 * 64 + 1], url[sizeof esc + 64];
      url_escape(key ? key : "", esc, sizeof esc);
      snprintf(url, sizeof url, POOL_URL, (long long)p->id, esc);
      json_t *s = json_pack("{s:s, s:I, s:s, s:I, s:s}", "key", key,
                            "pool_size",
                            (json_int_t)fz_stmt_column_int64(st, 3),
                            "pool_digest", fz_stmt_column_text(st, 4), "n",
                            (json_int_t)fz_stmt_column_int64(st, 5),
                            "pool_url", url);
      if (!fz_stmt_column_is_null(st, 1))
        json_object_set_new(s, "ratio",
                            json_string(fz_stmt_column_text(st, 1)));
      else
        json_object_set_new(s, "count",
                            json_integer(fz_stmt_column_int64(st, 2)));
      json_array_append_new(strata, s);
    }
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE) rc = (fz_err)r;
  }
  if (rc) {
    json_decref(o);
    json_decref(reveals);
    json_decref(strata);
    return rc;
  }
  json_object_set_new(o, "reveals", reveals);
  json_object_set_new(o, "strata", strata);
  *out = o;
  return FZ_OK;
}

/* After the draw: the record as stored, with the replacements since. */
static fz_err record_json(fz_db *db, const fz_plan_row *p, json_t **out,
                          fz_error *err) {
  fz_stmt *st;
  json_t *rec = NULL, *repl = NULL;
  fz_err rc = fz_db_prepare(db, "SELECT record FROM plan_records WHERE "
                            "plan_id = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, p->id);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    const char *text = fz_stmt_column_text(st, 0);
    rc = fz_json_parse(text ? text : "", text ? strlen(text) : 0, &rec, err);
  }
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_INTERNAL, "record", "抽查计划 %lld 已抽取但没有"
                        "抽取记录 / plan %lld is drawn but has no draw record",
                        (long long)p->id, (long long)p->id);
  if (r != FZ_STEP_ROW) return (fz_err)r;
  if (!rc) rc = replacements_json(db, p->id, &repl, err);
  if (rc) {
    json_decref(rec);
    return rc;
  }
  json_object_set_new(rec, "drawn", json_true());
  json_object_set_new(rec, "status", json_string(fz_plan_status_name(
                                         p->status)));
  json_object_set_new(rec, "replacements", repl);
  *out = rec;
  return FZ_OK;
}

fz_err fz_draw_public_get(fz_db *db, int64_t id, json_t **out, fz_error *err) {
  fz_plan_row p;
  fz_err rc = load_public(db, id, &p, err);
  if (rc) return rc;
  return p.status >= FZ_PLAN_DRAWN ? record_json(db, &p, out, err)
                                   : commitment_json(db, &p, out, err);
}

fz_err fz_draw_public_pool(fz_db *db, int64_t id, const char *key,
                           char **pool, size_t *size, fz_error *err) {
  fz_plan_row p;
  fz_err rc = load_public(db, id, &p, err);
  if (rc) return rc;
  fz_stmt *st;
  rc = fz_db_prepare(db, "SELECT pool FROM plan_strata WHERE plan_id = ? AND "
                     "key = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  fz_stmt_bind_text(st, 2, key ? key : "", -1);
  int r = fz_stmt_step(st, err);
  int found = r == FZ_STEP_ROW && !fz_stmt_column_is_null(st, 0);
  if (found) {
    size_t len = 0;
    const void *b = fz_stmt_column_blob(st, 0, &len);
    *pool = malloc(len + 1);
    if (*pool) {
      if (len) memcpy(*pool, b, len);
      (*pool)[len] = 0;
      *size = len;
    } else {
      rc = fz_error_set(err, FZ_NOMEM, "", NULL);
    }
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
  if (!found)
    return fz_error_set(err, FZ_NOTFOUND, "key", "抽查计划 %lld 没有分层「%s」"
                        "的名录 / plan %lld has no pool for stratum \"%s\"",
                        (long long)id, key ? key : "", (long long)id,
                        key ? key : "");
  return rc;
}

/* [{code, name}] of the plan's 抽查事项 (codes ';'-separated). */
static fz_err items_json(fz_db *db, const char *codes, json_t *a,
                         fz_error *err) {
  for (const char *s = codes; *s;) {
    size_t len = strcspn(s, ";");
    char code[128];
    snprintf(code, sizeof code, "%.*s", (int)len, s);
    s += len + (s[len] == ';');
    if (!code[0]) continue;
    fz_stmt *st;
    fz_err rc = fz_db_prepare(db, "SELECT name FROM items WHERE code = ?",
                              &st, err);
    if (rc) return rc;
    fz_stmt_bind_text(st, 1, code, -1);
    int r = fz_stmt_step(st, err);
    json_array_append_new(
        a, json_pack("{s:s, s:o}", "code", code, "name",
                     r == FZ_STEP_ROW
                         ? fz_json_text_or_null(fz_stmt_column_text(st, 0))
                         : json_null()));
    fz_stmt_finalize(st);
    if (r != FZ_STEP_ROW && r != FZ_STEP_DONE) return (fz_err)r;
  }
  return FZ_OK;
}

fz_err fz_plan_public_results(fz_db *db, int64_t id, json_t **out,
                              fz_error *err) {
  fz_plan_row p;
  fz_err rc = fz_plan_load_any(db, id, &p, err);
  if (!rc && p.status != FZ_PLAN_PUBLISHED)
    rc = fz_error_set(err, FZ_NOTFOUND, "id", "抽查计划 %lld 的结果尚未公示 / "
                      "the results of plan %lld are not published",
                      (long long)id, (long long)id);
  if (rc) return rc;
  json_t *deps = json_array(), *items = json_array(), *tasks = json_array();
  rc = deps && items && tasks ? fz_plan_departments_json(db, id, deps, err)
                      : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc) rc = items_json(db, p.items, items, err);
  fz_stmt *st;
  if (!rc) rc = fz_db_prepare(db, "SELECT t.entity_uscc, e.name, "
                              "e.region_code, t.result, t.stratum, t.staffed "
                              "FROM tasks t LEFT JOIN entities e ON e.uscc = "
                              "t.entity_uscc WHERE t.plan_id = ? ORDER BY "
                              "t.position", &st, err);
  if (!rc) {
    fz_stmt_bind_int64(st, 1, id);
    int r;
    while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
      int staffed = fz_stmt_column_int64(st, 5) != 0;
      json_t *o = json_pack(
          "{s:s, s:o, s:o, s:o, s:s}", "code", fz_stmt_column_text(st, 0),
          "name", fz_json_text_or_null(fz_stmt_column_text(st, 1)), "region_code",
          fz_json_text_or_null(fz_stmt_column_text(st, 2)), "result",
          staffed ? fz_json_text_or_null(fz_stmt_column_text(st, 3)) : json_null(),
          "stratum", fz_stmt_column_text(st, 4));
      if (o && !staffed) json_object_set_new(o, "unstaffed", json_true());
      json_array_append_new(tasks, o);
    }
    fz_stmt_finalize(st);
    if (r != FZ_STEP_DONE) rc = (fz_err)r;
  }
  if (rc) {
    json_decref(deps);
    json_decref(items);
    json_decref(tasks);
    return rc;
  }
  *out = json_pack("{s:{s:I, s:s, s:o, s:o, s:{s:s, s:s}, s:I, s:o}, s:o}",
                   "plan", "id", (json_int_t)id, "name", p.name,
                   "departments", deps, "items", items, "window", "from",
                   p.window_from, "to", p.window_to, "published_at",
                   (json_int_t)p.published_at, "publish_due",
                   fz_json_text_or_null(p.publish_due), "items", tasks);
  return *out ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
}
