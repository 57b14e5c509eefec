/* record.c — the draw record (DESIGN §5.6): the JSON that publishes a draw,
 * built from its inputs and results, and its verifier, which recomputes
 * everything from the record alone (and the pools it links to) and names
 * the first place that differs.  The verifier reads untrusted input: it
 * checks every type, bounds every size and allocates only in proportion to
 * what it was actually given. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "inspect/draw.h"
#include "ledger/merkle.h"

#define POOL_MAX 50000000       /* lines of one stratum's pool */
#define OFFICERS_MAX 1000000    /* ids in the inspector pool */
#define CONFLICTS_MAX 10000000  /* officer ↔ entity pairs */
#define KEY_MAX 32              /* bytes of a stratum key */
#define ID_LINE 21              /* an id line: at most 19 digits and "\n" */
#define CONFLICT_LINE 40        /* "<id> <code>\n" */

typedef char hexbuf[2 * FZ_DRAW_HASH + 1];

static const char *hex(const uint8_t h[FZ_DRAW_HASH], hexbuf out) {
  for (int i = 0; i < FZ_DRAW_HASH; i++) {
    out[2 * i] = "0123456789abcdef"[h[i] >> 4];
    out[2 * i + 1] = "0123456789abcdef"[h[i] & 15];
  }
  out[2 * FZ_DRAW_HASH] = '\0';
  return out;
}

/* SM3 over the inspector pool's lines: each id in decimal and "\n".
 * -1 when out of memory. */
static int officers_digest(const fz_draw_officer *o, size_t n,
                           uint8_t out[FZ_DRAW_HASH]) {
  char *lines = malloc(n ? n * ID_LINE : 1);
  if (!lines) return -1;
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(lines + len, ID_LINE, "%lld\n",
                     (long long)o[i].id);
    if (w > 0 && w < ID_LINE) len += (size_t)w;
  }
  fz_draw_digest(lines, len, out);
  free(lines);
  return 0;
}

/* SM3 over the conflicts' lines "<officer_id> <code>\n" in the given
 * order.  -1 when out of memory. */
static int conflicts_digest(const fz_draw_conflict *c, size_t n,
                            uint8_t out[FZ_DRAW_HASH]) {
  char *lines = malloc(n ? n * CONFLICT_LINE : 1);
  if (!lines) return -1;
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(lines + len, CONFLICT_LINE, "%lld %.18s\n",
                     (long long)c[i].officer_id, c[i].code);
    if (w > 0 && w < CONFLICT_LINE) len += (size_t)w;
  }
  fz_draw_digest(lines, len, out);
  free(lines);
  return 0;
}

static int conflict_cmp(const void *pa, const void *pb) {
  const fz_draw_conflict *a = pa, *b = pb;
  if (a->officer_id != b->officer_id)
    return a->officer_id < b->officer_id ? -1 : 1;
  return memcmp(a->code, b->code, FZ_DRAW_CODE);
}

/* ---- building ----------------------------------------------------------- */

/* Sets o[k] = v; a NULL v (a failed constructor) or a failed set marks
 * *bad, so that the builder checks once at the end. */
static void put(json_t *o, const char *k, json_t *v, int *bad) {
  if (!o || json_object_set_new(o, k, v)) *bad = 1;
}

static void push(json_t *a, json_t *v, int *bad) {
  if (!a || json_array_append_new(a, v)) *bad = 1;
}

static json_t *jhash(const uint8_t h[FZ_DRAW_HASH]) {
  hexbuf s;
  return json_string(hex(h, s));
}

static json_t *jcode(const char *code) {
  return json_stringn(code, FZ_DRAW_CODE);
}

static int unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

/* The pool URL: the pattern with its "%s" replaced by the percent-encoded
 * key and "%%" by "%".  NULL when out of memory. */
static json_t *pool_url(const char *pattern, const char *key) {
  fz_buf b;
  fz_buf_init(&b, 8192);
  for (const char *p = pattern; *p; p++) {
    if (p[0] == '%' && p[1] == 's') {
      for (const unsigned char *k = (const unsigned char *)key; *k; k++) {
        if (unreserved(*k))
          fz_buf_append(&b, k, 1);
        else
          fz_buf_printf(&b, "%%%02X", *k);
      }
      p++;
    } else if (p[0] == '%' && p[1] == '%') {
      fz_buf_append(&b, "%", 1);
      p++;
    } else {
      fz_buf_append(&b, p, 1);
    }
  }
  json_t *v = b.err ? NULL : json_string(b.data ? b.data : "");
  fz_buf_free(&b);
  return v;
}

json_t *fz_draw_record(const fz_draw_meta *meta, const fz_draw_input *in,
                       const fz_draw_result *res) {
  if (!meta || !in || !res || !meta->hash || !meta->commit_event ||
      !meta->participants || !meta->commits)
    return NULL;
  int bad = 0;
  hexbuf hx;
  json_t *r = json_object();
  if (!r) return NULL;
  put(r, "algo", json_string(FZ_DRAW_ALGO), &bad);
  put(r, "plan_id", json_integer(meta->plan_id), &bad);
  json_t *c = json_object();
  put(c, "seq", json_integer((json_int_t)meta->commit_seq), &bad);
  put(c, "leaf_hash", jhash(in->commitment), &bad);
  put(c, "hash", json_string(meta->hash), &bad);
  put(c, "event", json_string(meta->commit_event), &bad);
  put(r, "commitment", c, &bad);

  json_t *rv = json_array();
  for (size_t i = 0; i < in->nsecrets; i++) {
    json_t *o = json_object();
    put(o, "participant", json_string(meta->participants[i]), &bad);
    put(o, "commit", jhash(meta->commits[i]), &bad);
    put(o, "secret", jhash(in->secrets[i]), &bad);
    push(rv, o, &bad);
  }
  put(r, "reveals", rv, &bad);
  put(r, "public_value",
      in->public_value ? json_string(in->public_value) : json_null(), &bad);
  put(r, "seed", json_string(hex(res->seed, hx)), &bad);

  json_t *strata = json_array();
  for (size_t s = 0; s < in->nstrata; s++) {
    const fz_draw_stratum *st = &in->strata[s];
    json_t *o = json_object();
    uint8_t d[FZ_DRAW_HASH];
    put(o, "key", json_string(st->key), &bad);
    if (meta->ratios && meta->ratios[s])
      put(o, "ratio", json_string(meta->ratios[s]), &bad);
    else
      put(o, "count", json_integer(meta->counts && meta->counts[s] >= 0
                                       ? meta->counts[s]
                                       : (json_int_t)st->n), &bad);
    put(o, "pool_size", json_integer((json_int_t)st->pool_size), &bad);
    if (meta->pool_digests)
      memcpy(d, meta->pool_digests[s], sizeof d);
    else
      fz_draw_digest(st->pool, st->pool_size * FZ_DRAW_LINE, d);
    put(o, "pool_digest", jhash(d), &bad);
    put(o, "n", json_integer((json_int_t)st->n), &bad);
    if (st->pool_size <= meta->inline_max) {
      json_t *pool = json_array();
      for (size_t i = 0; i < st->pool_size; i++)
        push(pool, jcode(st->pool + i * FZ_DRAW_LINE), &bad);
      put(o, "pool", pool, &bad);
    } else {
      put(o, "pool", json_null(), &bad);
      if (meta->pool_url)
        put(o, "pool_url", pool_url(meta->pool_url, st->key), &bad);
    }
    json_t *sel = json_array();
    for (size_t p = 0; p < res->npicks; p++) {
      const fz_draw_pick *pk = &res->picks[p];
      if (pk->stratum != s) continue;
      json_t *e = json_object();
      put(e, "code", jcode(st->pool + (size_t)pk->index * FZ_DRAW_LINE), &bad);
      put(e, "ticket", jhash(pk->ticket), &bad);
      push(sel, e, &bad);
    }
    put(o, "selected", sel, &bad);
    push(strata, o, &bad);
  }
  put(r, "strata", strata, &bad);

  json_t *insp = json_object(), *ids = json_array(), *deps = json_array();
  uint8_t d[FZ_DRAW_HASH];
  for (size_t i = 0; i < in->nofficers; i++) {
    push(ids, json_integer(in->officers[i].id), &bad);
    push(deps, json_integer(in->officers[i].department_id), &bad);
  }
  put(insp, "pool_size", json_integer((json_int_t)in->nofficers), &bad);
  if (officers_digest(in->officers, in->nofficers, d)) bad = 1;
  put(insp, "pool_digest", jhash(d), &bad);
  put(insp, "pool", ids, &bad);
  put(insp, "departments", deps, &bad);
  put(r, "inspectors", insp, &bad);

  /* The conflicts as digested: sorted by officer, then code, once each. */
  fz_draw_conflict *cf = NULL;
  size_t ncf = 0;
  if (in->nconflicts) {
    cf = malloc(in->nconflicts * sizeof *cf);
    if (!cf) bad = 1;
    else {
      memcpy(cf, in->conflicts, in->nconflicts * sizeof *cf);
      qsort(cf, in->nconflicts, sizeof *cf, conflict_cmp);
      for (size_t i = 0; i < in->nconflicts; i++)
        if (!ncf || conflict_cmp(&cf[ncf - 1], &cf[i]) != 0) cf[ncf++] = cf[i];
    }
  }
  json_t *cfs = json_array();
  for (size_t i = 0; i < ncf; i++) {
    json_t *o = json_object();
    put(o, "officer", json_integer(cf[i].officer_id), &bad);
    put(o, "code", jcode(cf[i].code), &bad);
    push(cfs, o, &bad);
  }
  put(r, "conflicts", cfs, &bad);
  if (conflicts_digest(cf, ncf, d)) bad = 1;
  put(r, "conflicts_digest", jhash(d), &bad);
  free(cf);

  json_t *dl = json_array();
  for (size_t i = 0; i < in->ndepartments; i++)
    push(dl, json_integer(in->departments[i]), &bad);
  put(r, "departments", dl, &bad);
  put(r, "team_size", json_integer(in->team_size), &bad);
  put(r, "officer_cap", json_integer(in->officer_cap), &bad);

  json_t *teams = json_array(), *unstaffed = json_array();
  size_t ts = res->team_size > 0 ? (size_t)res->team_size : 0;
  for (size_t p = 0; p < res->npicks; p++) {
    const fz_draw_pick *pk = &res->picks[p];
    const char *code = in->strata[pk->stratum].pool +
                       (size_t)pk->index * FZ_DRAW_LINE;
    if (!ts || !res->team || res->team[p * ts] == 0) {
      push(unstaffed, jcode(code), &bad);
      continue;
    }
    json_t *o = json_object(), *ofs = json_array();
    put(o, "code", jcode(code), &bad);
    for (size_t j = 0; j < ts; j++)
      push(ofs, json_integer(res->team[p * ts + j]), &bad);
    put(o, "officers", ofs, &bad);
    push(teams, o, &bad);
  }
  put(r, "teams", teams, &bad);
  put(r, "unstaffed", unstaffed, &bad);
  if (bad) {
    json_decref(r);
    return NULL;
  }
  return r;
}

/* ---- verifying ---------------------------------------------------------- */

#define PATH 96

/* FZ_INVALID at path, the message starting with the path. */
static fz_err fail(fz_error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static fz_err fail(fz_error *err, const char *path, const char *fmt, ...) {
  char msg[448];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return fz_error_set(err, FZ_INVALID, path, "%s: %s", path, msg);
}

/* path = parent.key (or key at the top). */
/* Marks a path cut short (never, for the paths of a record). */
static const char *cut(char out[PATH], int w) {
  if (w < 0 || w >= PATH) memcpy(out + PATH - 4, "...", 4);
  return out;
}

static const char *join(char out[PATH], const char *parent, const char *key) {
  return cut(out, snprintf(out, PATH, "%s%s%s", parent, *parent ? "." : "",
                           key));
}

static const char *index_path(char out[PATH], const char *parent, size_t i) {
  return cut(out, snprintf(out, PATH, "%s[%zu]", parent, i));
}

static fz_err get_member(const json_t *o, const char *key, const char *parent,
                         json_type type, const char *what, json_t **v,
                         char path[PATH], fz_error *err) {
  join(path, parent, key);
  *v = json_is_object(o) ? json_object_get(o, key) : NULL;
  if (!*v || json_typeof(*v) != type)
    return fail(err, path, "缺少或不是%s / missing or not %s",
                type == JSON_STRING ? "字符串" :
                type == JSON_INTEGER ? "整数" :
                type == JSON_ARRAY ? "数组" : "对象", what);
  return FZ_OK;
}

static fz_err get_string(const json_t *o, const char *key, const char *parent,
                         const char **s, size_t *len, char path[PATH],
                         fz_error *err) {
  json_t *v;
  fz_err rc = get_member(o, key, parent, JSON_STRING, "a string", &v, path,
                         err);
  if (rc) return rc;
  *s = json_string_value(v);
  *len = json_string_length(v);
  return FZ_OK;
}

/* A string without NUL bytes, min..max bytes long. */
static fz_err get_text(const json_t *o, const char *key, const char *parent,
                       size_t min, size_t max, const char **s,
                       char path[PATH], fz_error *err) {
  size_t len;
  fz_err rc = get_string(o, key, parent, s, &len, path, err);
  if (rc) return rc;
  if (strlen(*s) != len || len < min || len > max)
    return fail(err, path, "须为 %zu 到 %zu 字节的文本 / must be text of %zu "
                "to %zu bytes", min, max, min, max);
  return FZ_OK;
}

static fz_err get_int(const json_t *o, const char *key, const char *parent,
                      long long min, long long max, long long *n,
                      char path[PATH], fz_error *err) {
  json_t *v;
  fz_err rc = get_member(o, key, parent, JSON_INTEGER, "an integer", &v, path,
                         err);
  if (rc) return rc;
  *n = json_integer_value(v);
  if (*n < min || *n > max)
    return fail(err, path, "须在 %lld 到 %lld 之间 / must be from %lld to "
                "%lld, not %lld", min, max, min, max, *n);
  return FZ_OK;
}

static int parse_hash(const char *s, size_t len, uint8_t out[FZ_DRAW_HASH]) {
  if (len != 2 * FZ_DRAW_HASH) return -1;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    unsigned v;
    if (c >= '0' && c <= '9') v = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v = (unsigned)(c - 'a' + 10);
    else return -1;
    if (i % 2 == 0) out[i / 2] = (uint8_t)(v << 4);
    else out[i / 2] |= (uint8_t)v;
  }
  return 0;
}

static fz_err get_hash(const json_t *o, const char *key, const char *parent,
                       uint8_t out[FZ_DRAW_HASH], char path[PATH],
                       fz_error *err) {
  const char *s;
  size_t len;
  fz_err rc = get_string(o, key, parent, &s, &len, path, err);
  if (rc) return rc;
  if (parse_hash(s, len, out))
    return fail(err, path, "须为 64 位小写十六进制 / must be 64 lower-case hex "
                "digits");
  return FZ_OK;
}

static fz_err get_array(const json_t *o, const char *key, const char *parent,
                        size_t max, json_t **a, char path[PATH],
                        fz_error *err) {
  fz_err rc = get_member(o, key, parent, JSON_ARRAY, "an array", a, path, err);
  if (rc) return rc;
  if (json_array_size(*a) > max)
    return fail(err, path, "至多 %zu 项 / at most %zu items, not %zu", max, max,
                json_array_size(*a));
  return FZ_OK;
}

static int is_code(const char *s, size_t len) {
  if (len != FZ_DRAW_CODE) return 0;
  for (size_t i = 0; i < len; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
      return 0;
  return 1;
}

static fz_err get_code(const json_t *o, const char *key, const char *parent,
                       const char **code, char path[PATH], fz_error *err) {
  size_t len;
  fz_err rc = get_string(o, key, parent, code, &len, path, err);
  if (rc) return rc;
  if (!is_code(*code, len))
    return fail(err, path, "须为 18 位代码 / must be an 18-character code of "
                "0-9 and A-Z");
  return FZ_OK;
}

/* An element of an array that must be a code; *code gets its text. */
static fz_err code_at(const json_t *a, size_t i, const char *parent,
                      const char **code, char path[PATH], fz_error *err) {
  json_t *v = json_array_get(a, i);
  index_path(path, parent, i);
  if (!json_is_string(v) || !is_code(json_string_value(v),
                                     json_string_length(v)))
    return fail(err, path, "须为 18 位代码 / must be an 18-character code of "
                "0-9 and A-Z");
  *code = json_string_value(v);
  return FZ_OK;
}

/* The commit event's member must equal what the record established. */
static fz_err event_hash(const json_t *ev, const char *key, const char *parent,
                         const uint8_t want[FZ_DRAW_HASH], const char *what,
                         fz_error *err) {
  char path[PATH];
  uint8_t h[FZ_DRAW_HASH];
  fz_err rc = get_hash(ev, key, parent, h, path, err);
  if (rc) return rc;
  if (memcmp(h, want, FZ_DRAW_HASH) != 0) {
    hexbuf a, b;
    return fail(err, path, "the commit event says %s, %s is %s", hex(h, a),
                what, hex(want, b));
  }
  return FZ_OK;
}

static fz_err event_int(const json_t *ev, const char *key, const char *parent,
                        long long want, const char *what, fz_error *err) {
  char path[PATH];
  long long v;
  fz_err rc = get_int(ev, key, parent, LLONG_MIN, LLONG_MAX, &v, path, err);
  if (rc) return rc;
  if (v != want)
    return fail(err, path, "the commit event says %lld, %s is %lld", v, what,
                want);
  return FZ_OK;
}

static fz_err differs_hash(fz_error *err, const char *path,
                           const uint8_t rec[FZ_DRAW_HASH],
                           const uint8_t got[FZ_DRAW_HASH]) {
  if (memcmp(rec, got, FZ_DRAW_HASH) == 0) return FZ_OK;
  hexbuf a, b;
  return fail(err, path, "record says %s, recomputed %s", hex(rec, a),
              hex(got, b));
}

/* Everything the verifier owns. */
typedef struct vstate {
  json_t *event;
  uint8_t (*secrets)[FZ_DRAW_HASH];
  fz_draw_officer *officers;
  fz_draw_conflict *conflicts;
  int64_t departments[FZ_DRAW_MAX_DEPARTMENTS];
  fz_draw_stratum strata[FZ_DRAW_MAX_STRATA];
  char *pools[FZ_DRAW_MAX_STRATA];
  fz_draw_result res;
  int have_res;
} vstate;

static void vstate_free(vstate *v) {
  json_decref(v->event);
  free(v->secrets);
  free(v->officers);
  free(v->conflicts);
  for (int i = 0; i < FZ_DRAW_MAX_STRATA; i++) free(v->pools[i]);
  if (v->have_res) fz_draw_result_free(&v->res);
}

/* The commitment: its hash, its event and the event's leaf hash.  Fills
 * *leaf, v->event and *data (the event's data). */
static fz_err check_commitment(const json_t *rec, vstate *v,
                               uint8_t leaf[FZ_DRAW_HASH], json_t **data,
                               fz_error *err) {
  char path[PATH];
  json_t *c;
  const char *hname, *ev;
  size_t hlen, evlen;
  long long seq, eseq;
  fz_hash_alg alg;
  uint8_t claimed[FZ_DRAW_HASH];
  fz_err rc;
  if ((rc = get_member(rec, "commitment", "", JSON_OBJECT, "an object", &c,
                       path, err)) ||
      (rc = get_string(c, "hash", "commitment", &hname, &hlen, path, err)))
    return rc;
  fz_error e;
  if (strlen(hname) != hlen || fz_hash_parse(hname, &alg, &e))
    return fail(err, path, "须为 sm3 或 sha256 / must be sm3 or sha256");
  if ((rc = get_int(c, "seq", "commitment", 0, LLONG_MAX, &seq, path, err)) ||
      (rc = get_string(c, "event", "commitment", &ev, &evlen, path, err)) ||
      (rc = get_hash(c, "leaf_hash", "commitment", claimed, path, err)))
    return rc;
  fz_merkle_leaf_hash(alg, ev, evlen, leaf);
  if ((rc = differs_hash(err, "commitment.leaf_hash", claimed, leaf)))
    return rc;
  json_error_t je;
  v->event = json_loadb(ev, evlen, JSON_REJECT_DUPLICATES, &je);
  if (!json_is_object(v->event))
    return fail(err, "commitment.event", "不是 JSON 对象 / not a JSON object "
                "(%s)", v->event ? "another type" : je.text);
  if ((rc = get_int(v->event, "seq", "commitment.event", 0, LLONG_MAX, &eseq,
                    path, err)))
    return rc;
  if (eseq != seq)
    return fail(err, "commitment.seq", "record says %lld, the commit event "
                "says %lld", seq, eseq);
  const char *action;
  size_t alen;
  if ((rc = get_string(v->event, "action", "commitment.event", &action, &alen,
                       path, err)))
    return rc;
  if (strlen(action) != alen || strcmp(action, "plan.commit") != 0)
    return fail(err, path, "须为 plan.commit / must be \"plan.commit\", not "
                "\"%.40s\"", action);
  return get_member(v->event, "data", "commitment.event", JSON_OBJECT,
                    "an object", data, path, err);
}

/* The reveals against their commits and the event's; fills v->secrets. */
static fz_err check_reveals(const json_t *rec, const json_t *data, vstate *v,
                            size_t *nsecrets, fz_error *err) {
  char path[PATH], p[PATH], ep[PATH];
  json_t *rv, *ec;
  fz_err rc;
  if ((rc = get_array(rec, "reveals", "", FZ_DRAW_MAX_SECRETS, &rv, path,
                      err)) ||
      (rc = get_array(data, "commits", "commitment.event.data",
                      FZ_DRAW_MAX_SECRETS, &ec, path, err)))
    return rc;
  size_t n = json_array_size(rv);
  if (n < 1)
    return fail(err, "reveals", "至少须有一个揭示 / at least one reveal is "
                "needed");
  if (json_array_size(ec) != n)
    return fail(err, "commitment.event.data.commits", "the commit event has "
                "%zu commits, the record reveals %zu", json_array_size(ec), n);
  if (!(v->secrets = malloc(n * sizeof *v->secrets)))
    return fz_error_set(err, FZ_NOMEM, "", NULL);
  for (size_t i = 0; i < n; i++) {
    json_t *r = json_array_get(rv, i), *e = json_array_get(ec, i);
    const char *who, *ewho;
    size_t wlen, ewlen;
    uint8_t commit[FZ_DRAW_HASH], ecommit[FZ_DRAW_HASH], got[FZ_DRAW_HASH];
    index_path(p, "reveals", i);
    index_path(ep, "commitment.event.data.commits", i);
    if ((rc = get_string(r, "participant", p, &who, &wlen, path, err)) ||
        (rc = get_hash(r, "commit", p, commit, path, err)) ||
        (rc = get_hash(r, "secret", p, v->secrets[i], path, err)) ||
        (rc = get_string(e, "participant", ep, &ewho, &ewlen, path, err)) ||
        (rc = get_hash(e, "commit", ep, ecommit, path, err)))
      return rc;
    fz_draw_commit_of(v->secrets[i], got);
    if (memcmp(got, commit, FZ_DRAW_HASH) != 0) {
      hexbuf a, b;
      /* A secret that matches the event's commit convicts the record's
       * copy of the commit instead. */
      int commit_wrong = memcmp(got, ecommit, FZ_DRAW_HASH) == 0;
      return fail(err, join(path, p, commit_wrong ? "commit" : "secret"),
                  "the secret's SM3 is %s, the commit is %s", hex(got, a),
                  hex(commit, b));
    }
    if (wlen != ewlen || memcmp(who, ewho, wlen) != 0)
      return fail(err, join(path, ep, "participant"), "the commit event says "
                  "\"%.60s\", the record says \"%.60s\"", ewho, who);
    if ((rc = event_hash(e, "commit", ep, commit, "the revealed secret's SM3",
                         err)))
      return rc;
  }
  *nsecrets = n;
  return FZ_OK;
}

/* team_size, officer_cap and departments, with the event's. */
static fz_err check_plan(const json_t *rec, const json_t *data, vstate *v,
                         fz_draw_input *in, fz_error *err) {
  char path[PATH];
  const char *ed = "commitment.event.data";
  long long ts, cap;
  json_t *deps, *edeps;
  fz_err rc;
  if ((rc = get_int(rec, "team_size", "", 2, FZ_DRAW_MAX_TEAM, &ts, path,
                    err)) ||
      (rc = get_int(rec, "officer_cap", "", 1, INT_MAX, &cap, path, err)) ||
      (rc = get_array(rec, "departments", "", FZ_DRAW_MAX_DEPARTMENTS, &deps,
                      path, err)))
    return rc;
  size_t nd = json_array_size(deps);
  for (size_t i = 0; i < nd; i++) {
    json_t *d = json_array_get(deps, i);
    index_path(path, "departments", i);
    if (!json_is_integer(d) || json_integer_value(d) <= 0)
      return fail(err, path, "须为正整数 / must be a positive integer");
    v->departments[i] = json_integer_value(d);
    for (size_t j = 0; j < i; j++)
      if (v->departments[j] == v->departments[i])
        return fail(err, path, "部门重复 / department %lld appears twice",
                    (long long)v->departments[i]);
  }
  if ((size_t)ts < nd)
    return fail(err, "team_size", "须不少于联合部门数 / must be at least the "
                "number of departments (%zu)", nd);
  if ((rc = event_int(data, "team_size", ed, ts, "the record's", err)) ||
      (rc = event_int(data, "officer_cap", ed, cap, "the record's", err)) ||
      (rc = get_array(data, "departments", ed, FZ_DRAW_MAX_DEPARTMENTS,
                      &edeps, path, err)))
    return rc;
  if (json_array_size(edeps) != nd)
    return fail(err, path, "the commit event lists %zu departments, the "
                "record %zu", json_array_size(edeps), nd);
  for (size_t i = 0; i < nd; i++) {
    json_t *d = json_array_get(edeps, i);
    index_path(path, "commitment.event.data.departments", i);
    if (!json_is_integer(d) || json_integer_value(d) != v->departments[i])
      return fail(err, path, "the commit event does not say %lld, as the "
                  "record does", (long long)v->departments[i]);
  }
  in->team_size = (int)ts;
  in->officer_cap = (int)cap;
  in->departments = v->departments;
  in->ndepartments = nd;
  return FZ_OK;
}

static fz_err check_inspectors(const json_t *rec, const json_t *data,
                               vstate *v, fz_draw_input *in, fz_error *err) {
  char path[PATH];
  json_t *insp, *pool, *deps, *einsp;
  long long size;
  uint8_t digest[FZ_DRAW_HASH], got[FZ_DRAW_HASH];
  fz_err rc;
  if ((rc = get_member(rec, "inspectors", "", JSON_OBJECT, "an object", &insp,
                       path, err)) ||
      (rc = get_array(insp, "pool", "inspectors", OFFICERS_MAX, &pool, path,
                      err)) ||
      (rc = get_array(insp, "departments", "inspectors", OFFICERS_MAX, &deps,
                      path, err)) ||
      (rc = get_int(insp, "pool_size", "inspectors", 0, OFFICERS_MAX, &size,
                    path, err)) ||
      (rc = get_hash(insp, "pool_digest", "inspectors", digest, path, err)))
    return rc;
  size_t n = json_array_size(pool);
  if ((size_t)size != n)
    return fail(err, "inspectors.pool_size", "record says %lld, the pool "
                "lists %zu", size, n);
  if (json_array_size(deps) != n)
    return fail(err, "inspectors.departments", "须与名录一一对应 / must give "
                "one department for each of the %zu officers, not %zu", n,
                json_array_size(deps));
  if (n && !(v->officers = malloc(n * sizeof *v->officers)))
    return fz_error_set(err, FZ_NOMEM, "", NULL);
  for (size_t i = 0; i < n; i++) {
    json_t *id = json_array_get(pool, i), *d = json_array_get(deps, i);
    index_path(path, "inspectors.pool", i);
    if (!json_is_integer(id) || json_integer_value(id) <= 0)
      return fail(err, path, "须为正整数 / must be a positive integer");
    if (i && json_integer_value(id) <= v->officers[i - 1].id)
      return fail(err, path, "未按升序排列或重复 / not in ascending order (or "
                  "repeated)");
    index_path(path, "inspectors.departments", i);
    if (!json_is_integer(d) || json_integer_value(d) <= 0)
      return fail(err, path, "须为正整数 / must be a positive integer");
    v->officers[i] = (fz_draw_officer){.id = json_integer_value(id),
                                       .department_id = json_integer_value(d)};
    size_t k = 0;
    while (k < in->ndepartments &&
           in->departments[k] != v->officers[i].department_id)
      k++;
    if (in->ndepartments >= 2 && k == in->ndepartments)
      return fail(err, path, "部门 %lld 不在联合部门中 / department %lld is "
                  "not one of the plan's departments",
                  (long long)v->officers[i].department_id,
                  (long long)v->officers[i].department_id);
  }
  if (officers_digest(v->officers, n, got))
    return fz_error_set(err, FZ_NOMEM, "", NULL);
  if ((rc = differs_hash(err, "inspectors.pool_digest", digest, got)) ||
      (rc = get_member(data, "inspectors", "commitment.event.data",
                       JSON_OBJECT, "an object", &einsp, path, err)) ||
      (rc = event_int(einsp, "pool_size", "commitment.event.data.inspectors",
                      (long long)n, "the record's", err)) ||
      (rc = event_hash(einsp, "pool_digest",
                       "commitment.event.data.inspectors", got,
                       "the pool's digest", err)))
    return rc;
  in->officers = v->officers;
  in->nofficers = n;
  return FZ_OK;
}

static fz_err check_conflicts(const json_t *rec, const json_t *data,
                              vstate *v, fz_draw_input *in, fz_error *err) {
  char path[PATH], p[PATH];
  json_t *cfs;
  uint8_t digest[FZ_DRAW_HASH], got[FZ_DRAW_HASH];
  fz_err rc;
  if ((rc = get_array(rec, "conflicts", "", CONFLICTS_MAX, &cfs, path, err)) ||
      (rc = get_hash(rec, "conflicts_digest", "", digest, path, err)))
    return rc;
  size_t n = json_array_size(cfs);
  if (n && !(v->conflicts = malloc(n * sizeof *v->conflicts)))
    return fz_error_set(err, FZ_NOMEM, "", NULL);
  for (size_t i = 0; i < n; i++) {
    json_t *c = json_array_get(cfs, i);
    long long officer;
    const char *code;
    index_path(p, "conflicts", i);
    if ((rc = get_int(c, "officer", p, 1, LLONG_MAX, &officer, path, err)) ||
        (rc = get_code(c, "code", p, &code, path, err)))
      return rc;
    fz_draw_conflict *x = &v->conflicts[i];
    x->officer_id = officer;
    memcpy(x->code, code, FZ_DRAW_CODE);
    x->code[FZ_DRAW_CODE] = '\0';
    if (i && conflict_cmp(&v->conflicts[i - 1], x) >= 0)
      return fail(err, p, "未按人员编号、代码升序排列或重复 / not in ascending "
                  "order of officer, then code (or repeated)");
  }
  if (conflicts_digest(v->conflicts, n, got))
    return fz_error_set(err, FZ_NOMEM, "", NULL);
  if ((rc = differs_hash(err, "conflicts_digest", digest, got)) ||
      (rc = event_hash(data, "conflicts_digest", "commitment.event.data", got,
                       "the conflicts' digest", err)))
    return rc;
  in->conflicts = v->conflicts;
  in->nconflicts = n;
  return FZ_OK;
}

/* One stratum: its key, its n, its pool (inline or linked), its digest,
 * and what the event says of each. */
static fz_err check_stratum(const json_t *st, const json_t *est, size_t i,
                            fz_draw_pool_fn pool_fn, void *ctx, vstate *v,
                            fz_error *err) {
  char path[PATH], p[PATH], ep[PATH];
  const char *key;
  long long size, n, count = -1;
  uint8_t digest[FZ_DRAW_HASH], got[FZ_DRAW_HASH];
  json_t *pool;
  fz_err rc;
  index_path(p, "strata", i);
  index_path(ep, "commitment.event.data.strata", i);
  if ((rc = get_text(st, "key", p, 1, KEY_MAX, &key, path, err)))
    return rc;
  for (size_t j = 0; j < i; j++)
    if (strcmp(v->strata[j].key, key) == 0)
      return fail(err, path, "分层键重复 / the key \"%s\" appears twice", key);
  const char *ekey;
  if ((rc = get_text(est, "key", ep, 0, SIZE_MAX, &ekey, path, err)))
    return rc;
  if (strcmp(ekey, key) != 0)
    return fail(err, path, "the commit event says \"%.40s\", the record says "
                "\"%s\"", ekey, key);

  json_t *ratio = json_object_get(st, "ratio");
  json_t *cnt = json_object_get(st, "count");
  if ((ratio != NULL) == (cnt != NULL))
    return fail(err, p, "须有 ratio 或 count 之一 / needs exactly one of "
                "\"ratio\" and \"count\"");
  const char *rtext = NULL;
  if (ratio && (rc = get_text(st, "ratio", p, 1, 16, &rtext, path, err)))
    return rc;
  if (cnt && (rc = get_int(st, "count", p, 0, LLONG_MAX, &count, path, err)))
    return rc;
  if ((rc = get_int(st, "pool_size", p, 0, POOL_MAX, &size, path, err)) ||
      (rc = get_hash(st, "pool_digest", p, digest, path, err)) ||
      (rc = get_int(st, "n", p, 0, LLONG_MAX, &n, path, err)))
    return rc;
  size_t want;
  fz_error e;
  if (fz_draw_take(count, rtext, (size_t)size, &want, &e))
    return fail(err, join(path, p, ratio ? "ratio" : "count"), "%s",
                e.message);
  if ((size_t)n != want)
    return fail(err, join(path, p, "n"), "record says %lld, recomputed %zu "
                "from %s %.16s of %lld", n, want, ratio ? "ratio" : "count",
                ratio ? rtext : "", size);

  pool = json_object_get(st, "pool");
  char *lines = NULL;
  if (json_is_array(pool)) {
    size_t m = json_array_size(pool);
    if (m > POOL_MAX || m != (size_t)size)
      return fail(err, join(path, p, "pool_size"), "record says %lld, the "
                  "pool lists %zu", size, m);
    if (!(lines = v->pools[i] = malloc(m ? m * FZ_DRAW_LINE : 1)))
      return fz_error_set(err, FZ_NOMEM, "", NULL);
    char pp[PATH];
    join(pp, p, "pool");
    for (size_t k = 0; k < m; k++) {
      const char *code;
      if ((rc = code_at(pool, k, pp, &code, path, err))) return rc;
      memcpy(lines + k * FZ_DRAW_LINE, code, FZ_DRAW_CODE);
      lines[k * FZ_DRAW_LINE + FZ_DRAW_CODE] = '\n';
      if (k && memcmp(lines + (k - 1) * FZ_DRAW_LINE, code, FZ_DRAW_CODE) >= 0)
        return fail(err, path, "未按升序排列或重复 / not after %s[%zu] in "
                    "ascending order (or repeats it)", pp, k - 1);
    }
  } else if (json_is_null(pool)) {
    char *got_pool = NULL;
    size_t got_size = 0;
    fz_err prc = pool_fn ? pool_fn(ctx, key, &got_pool, &got_size, &e)
                         : FZ_NOTFOUND;
    join(path, p, "pool");
    if (prc) {
      free(got_pool);
      if (prc == FZ_NOTFOUND)
        return fail(err, path, "名录未随记录提供 / the pool is linked, not "
                    "inline, and was not supplied (stratum \"%s\")", key);
      /* The caller could not read it (I/O, memory): not a difference. */
      return fz_error_set(err, prc, path, "%s: %s", path, e.message);
    }
    lines = v->pools[i] = got_pool;
    if (got_size % FZ_DRAW_LINE || got_size / FZ_DRAW_LINE != (size_t)size)
      return fail(err, join(path, p, "pool_size"), "record says %lld, the "
                  "supplied pool has %zu bytes (%zu lines of %d bytes)", size,
                  got_size, got_size / FZ_DRAW_LINE, FZ_DRAW_LINE);
    if (fz_draw_pool_check(lines, (size_t)size, &e))
      return fail(err, path, "%s", e.message);
  } else {
    return fail(err, join(path, p, "pool"), "须为数组或 null / must be an "
                "array or null");
  }
  fz_draw_digest(lines, (size_t)size * FZ_DRAW_LINE, got);
  if ((rc = differs_hash(err, join(path, p, "pool_digest"), digest, got)) ||
      (rc = event_int(est, "pool_size", ep, size, "the pool's", err)) ||
      (rc = event_hash(est, "pool_digest", ep, got, "the pool's digest",
                       err)) ||
      (rc = event_int(est, "n", ep, n, "the recomputed", err)))
    return rc;
  v->strata[i] = (fz_draw_stratum){.key = key, .pool = lines,
                                   .pool_size = (size_t)size, .n = (size_t)n};
  return FZ_OK;
}

/* The selection of each stratum, against the recomputed picks. */
static fz_err check_selected(const json_t *strata, const fz_draw_input *in,
                             const fz_draw_result *res, fz_error *err) {
  char path[PATH], p[PATH], sp[PATH];
  for (size_t s = 0; s < in->nstrata; s++) {
    json_t *sel;
    fz_err rc;
    index_path(p, "strata", s);
    if ((rc = get_array(json_array_get(strata, s), "selected", p, POOL_MAX,
                        &sel, path, err)))
      return rc;
    join(sp, p, "selected");
    size_t j = 0, m = json_array_size(sel);
    for (size_t k = 0; k < res->npicks; k++) {
      const fz_draw_pick *pk = &res->picks[k];
      if (pk->stratum != s) continue;
      const char *code = in->strata[s].pool + (size_t)pk->index * FZ_DRAW_LINE;
      char e[PATH];
      index_path(e, sp, j);
      if (j >= m)
        return fail(err, sp, "record lists %zu, recomputed %zu (the next is "
                    "%.18s)", m, in->strata[s].n, code);
      json_t *x = json_array_get(sel, j++);
      const char *rcode;
      uint8_t t[FZ_DRAW_HASH];
      if ((rc = get_code(x, "code", e, &rcode, path, err))) return rc;
      if (memcmp(rcode, code, FZ_DRAW_CODE) != 0)
        return fail(err, path, "record says %s, recomputed %.18s", rcode,
                    code);
      if ((rc = get_hash(x, "ticket", e, t, path, err)) ||
          (rc = differs_hash(err, path, t, pk->ticket)))
        return rc;
    }
    if (j != m)
      return fail(err, sp, "record lists %zu, recomputed %zu", m, j);
  }
  return FZ_OK;
}

/* The teams and the unstaffed list, walking the picks in ticket order. */
static fz_err check_teams(const json_t *rec, const fz_draw_input *in,
                          const fz_draw_result *res, fz_error *err) {
  char path[PATH], tp[PATH];
  json_t *teams, *uns;
  fz_err rc;
  if ((rc = get_array(rec, "teams", "", SIZE_MAX, &teams, path, err)) ||
      (rc = get_array(rec, "unstaffed", "", SIZE_MAX, &uns, path, err)))
    return rc;
  size_t nt = json_array_size(teams), nu = json_array_size(uns), t = 0, u = 0;
  size_t ts = (size_t)in->team_size;
  for (size_t k = 0; k < res->npicks; k++) {
    const fz_draw_pick *pk = &res->picks[k];
    const char *code = in->strata[pk->stratum].pool +
                       (size_t)pk->index * FZ_DRAW_LINE;
    const int64_t *row = res->team + k * ts;
    if (row[0] == 0) {
      const char *rcode;
      if (u >= nu)
        return fail(err, "unstaffed", "record lists %zu, recomputed more "
                    "(the next is %.18s)", nu, code);
      if ((rc = code_at(uns, u, "unstaffed", &rcode, path, err))) return rc;
      u++;
      if (memcmp(rcode, code, FZ_DRAW_CODE) != 0)
        return fail(err, path, "record says %s, recomputed %.18s", rcode,
                    code);
      continue;
    }
    if (t >= nt)
      return fail(err, "teams", "record lists %zu, recomputed more (the next "
                  "is for %.18s)", nt, code);
    json_t *x = json_array_get(teams, t), *ofs;
    const char *rcode;
    index_path(tp, "teams", t++);
    if ((rc = get_code(x, "code", tp, &rcode, path, err))) return rc;
    if (memcmp(rcode, code, FZ_DRAW_CODE) != 0)
      return fail(err, path, "record says %s, recomputed %.18s", rcode, code);
    if ((rc = get_array(x, "officers", tp, FZ_DRAW_MAX_TEAM, &ofs, path,
                        err)))
      return rc;
    if (json_array_size(ofs) != ts)
      return fail(err, path, "record lists %zu officers, recomputed %zu",
                  json_array_size(ofs), ts);
    char op[PATH];
    join(op, tp, "officers");
    for (size_t j = 0; j < ts; j++) {
      json_t *o = json_array_get(ofs, j);
      index_path(path, op, j);
      if (!json_is_integer(o) || json_integer_value(o) != row[j])
        return fail(err, path, "record says %s, recomputed %lld",
                    json_is_integer(o) ? "another officer" : "a non-integer",
                    (long long)row[j]);
    }
  }
  if (t != nt)
    return fail(err, "teams", "record lists %zu, recomputed %zu", nt, t);
  if (u != nu)
    return fail(err, "unstaffed", "record lists %zu, recomputed %zu", nu, u);
  return FZ_OK;
}

fz_err fz_draw_verify(const json_t *record, fz_draw_pool_fn pool_fn,
                      void *ctx, fz_error *err) {
  char path[PATH];
  vstate v = {.event = NULL};
  fz_draw_input in = {.threads = 0};
  json_t *data = NULL, *strata, *estrata, *pv, *epv;
  const char *algo;
  uint8_t seed[FZ_DRAW_HASH], got[FZ_DRAW_HASH];
  fz_err rc;
  if (!json_is_object(record)) {
    rc = fail(err, "record", "须为 JSON 对象 / must be a JSON object");
    goto out;
  }
  if ((rc = get_text(record, "algo", "", 1, 64, &algo, path, err))) goto out;
  if (strcmp(algo, FZ_DRAW_ALGO) != 0) {
    rc = fail(err, path, "须为 %s / must be \"%s\", not \"%s\"", FZ_DRAW_ALGO,
              FZ_DRAW_ALGO, algo);
    goto out;
  }
  long long plan_id;
  if ((rc = get_int(record, "plan_id", "", LLONG_MIN, LLONG_MAX, &plan_id,
                    path, err)) ||
      (rc = check_commitment(record, &v, in.commitment, &data, err)) ||
      (rc = check_reveals(record, data, &v, &in.nsecrets, err)))
    goto out;
  in.secrets = (const uint8_t(*)[FZ_DRAW_HASH])v.secrets;

  /* The public value is there exactly when the plan announced its source. */
  pv = json_object_get(record, "public_value");
  epv = json_object_get(data, "public_value_source");
  if (!pv || !(json_is_null(pv) || json_is_string(pv)) ||
      (json_is_string(pv) &&
       strlen(json_string_value(pv)) != json_string_length(pv))) {
    rc = fail(err, "public_value", "须为文本或 null / must be text or null");
    goto out;
  }
  if (!epv || !(json_is_null(epv) || json_is_string(epv))) {
    rc = fail(err, "commitment.event.data.public_value_source", "须为文本或 "
              "null / must be text or null");
    goto out;
  }
  if (json_is_null(pv) != json_is_null(epv)) {
    rc = fail(err, "public_value", json_is_null(pv)
              ? "the commit event names a source of a public value, the "
                "record has none"
              : "the record has a public value, the commit event named no "
                "source for one");
    goto out;
  }
  in.public_value = json_is_string(pv) ? json_string_value(pv) : NULL;

  if ((rc = check_plan(record, data, &v, &in, err)) ||
      (rc = check_inspectors(record, data, &v, &in, err)) ||
      (rc = check_conflicts(record, data, &v, &in, err)) ||
      (rc = get_array(record, "strata", "", FZ_DRAW_MAX_STRATA, &strata, path,
                      err)) ||
      (rc = get_array(data, "strata", "commitment.event.data",
                      FZ_DRAW_MAX_STRATA, &estrata, path, err)))
    goto out;
  size_t ns = json_array_size(strata);
  if (ns < 1) {
    rc = fail(err, "strata", "至少须有一个分层 / at least one stratum is "
              "needed");
    goto out;
  }
  if (json_array_size(estrata) != ns) {
    rc = fail(err, path, "the commit event has %zu strata, the record %zu",
              json_array_size(estrata), ns);
    goto out;
  }
  for (size_t i = 0; i < ns; i++)
    if ((rc = check_stratum(json_array_get(strata, i),
                            json_array_get(estrata, i), i, pool_fn, ctx, &v,
                            err)))
      goto out;
  in.strata = v.strata;
  in.nstrata = ns;

  if ((rc = get_hash(record, "seed", "", seed, path, err))) goto out;
  fz_draw_seed(in.commitment, in.secrets, in.nsecrets, in.public_value, got);
  if ((rc = differs_hash(err, "seed", seed, got))) goto out;

  fz_error e;
  rc = fz_draw_run(&in, &v.res, &e);
  if (rc) {
    rc = rc == FZ_INVALID
             ? fail(err, e.field[0] ? e.field : "record", "%s", e.message)
             : fz_error_set(err, rc, "", "%s", e.message);
    goto out;
  }
  v.have_res = 1;
  if ((rc = check_selected(strata, &in, &v.res, err)) ||
      (rc = check_teams(record, &in, &v.res, err)))
    goto out;
  fz_error_clear(err);
out:
  vstate_free(&v);
  return rc;
}
