/* discretion.c — 裁量基准 and lenient lists as versioned data: their
 * vocabulary, the checks a version must pass, storage, supersession, reads,
 * CSV/JSON import and export, and the demo data (discretion.h). */
#include "cases/discretion.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cal/cal.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/embed.h"
#include "core/json.h"
#include "core/money.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "registry/csv.h"
#include "registry/registry.h"
#include "registry/table.h"

#define PAGE_MAX 200
#define IMPORT_MAX_VERSIONS 5000
#define IMPORT_MAX_ROWS 100000
#define IMPORT_MAX_REPORTED 1000 /* rejected rows listed in a report */

/* ---- Vocabulary ------------------------------------------------------------ */

static const char *const harm_names[FZ_HARM__COUNT] = {
    "none", "slight", "general", "serious", "severe"};
static const char *const harm_labels[FZ_HARM__COUNT] = {
    "没有造成危害后果", "危害后果轻微", "危害后果一般", "危害后果较重",
    "危害后果严重"};
static const char *const harm_short[FZ_HARM__COUNT] = {"无", "轻微", "一般",
                                                       "较重", "严重"};

const char *fz_harm_name(fz_harm h) {
  return (unsigned)h < FZ_HARM__COUNT ? harm_names[h] : "?";
}

const char *fz_harm_label(fz_harm h) {
  return (unsigned)h < FZ_HARM__COUNT ? harm_labels[h] : "?";
}

fz_err fz_harm_parse(const char *s, const char *field, fz_harm *h,
                     fz_error *err) {
  for (int i = 0; s && i < FZ_HARM__COUNT; i++)
    if (strcmp(s, harm_names[i]) == 0 || strcmp(s, harm_labels[i]) == 0 ||
        strcmp(s, harm_short[i]) == 0) {
      *h = (fz_harm)i;
      return FZ_OK;
    }
  return fz_error_set(err, FZ_INVALID, field,
                      "危害后果应为 none（没有造成危害后果）、slight（轻微）、"
                      "general（一般）、serious（较重）或 severe（严重） (harm is "
                      "none, slight, general, serious or severe): \"%.40s\"",
                      s ? s : "");
}

static const char *const party_names[FZ_PARTY__COUNT] = {"any", "person",
                                                         "organisation"};
static const char *const party_labels[FZ_PARTY__COUNT] = {"不限", "公民",
                                                          "法人或者其他组织"};

const char *fz_party_name(fz_party p) {
  return (unsigned)p < FZ_PARTY__COUNT ? party_names[p] : "?";
}

const char *fz_party_label(fz_party p) {
  return (unsigned)p < FZ_PARTY__COUNT ? party_labels[p] : "?";
}

static int party_parse(const char *s, fz_party *p) {
  static const char *const alias[FZ_PARTY__COUNT] = {"", "个人", "单位"};
  if (!s || !*s) {
    *p = FZ_PARTY_ANY;
    return 1;
  }
  for (int i = 0; i < FZ_PARTY__COUNT; i++)
    if (strcmp(s, party_names[i]) == 0 || strcmp(s, party_labels[i]) == 0 ||
        (alias[i][0] && strcmp(s, alias[i]) == 0) ||
        (i == FZ_PARTY_ORGANISATION && strcmp(s, "organization") == 0)) {
      *p = (fz_party)i;
      return 1;
    }
  return 0;
}

/* 行政处罚法 Art. 9 (一)–(五); (六) "其他" is whatever a law adds, named
 * there, so a benchmark names the kinds it allows from this list. */
static const char *const penalty_kinds[FZ_PENALTY_KINDS] = {
    "警告",         "通报批评",     "罚款",         "没收违法所得",
    "没收非法财物", "暂扣许可证件", "降低资质等级", "吊销许可证件",
    "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业",
    "行政拘留"};

const char *fz_penalty_kind_name(int i) {
  return i >= 0 && i < FZ_PENALTY_KINDS ? penalty_kinds[i] : NULL;
}

int fz_penalty_kind_find(const char *name) {
  for (int i = 0; name && i < FZ_PENALTY_KINDS; i++)
    if (strcmp(name, penalty_kinds[i]) == 0) return i;
  return -1;
}

static const char *const ground_names[FZ_GROUNDS] = {
    "eliminated_harm", "coerced", "confessed", "meritorious", "other_legal"};
static const char *const ground_labels[FZ_GROUNDS] = {
    "主动消除或者减轻违法行为危害后果的", "受他人胁迫或者诱骗实施违法行为的",
    "主动供述行政机关尚未掌握的违法行为的",
    "配合行政机关查处违法行为有立功表现的",
    "法律、法规、规章规定其他应当从轻或者减轻行政处罚的"};

const char *fz_ground_name(int i) {
  return i >= 0 && i < FZ_GROUNDS ? ground_names[i] : NULL;
}

const char *fz_ground_label(int i) {
  return i >= 0 && i < FZ_GROUNDS ? ground_labels[i] : NULL;
}

int fz_ground_find(const char *name) {
  for (int i = 0; name && i < FZ_GROUNDS; i++)
    if (strcmp(name, ground_names[i]) == 0 ||
        strcmp(name, ground_labels[i]) == 0)
      return i;
  return -1;
}

static const char *const list_kind_names[FZ_LIST__COUNT] = {
    "exempt", "mitigate", "no_coercion"};
static const char *const list_kind_labels[FZ_LIST__COUNT] = {
    "免罚清单", "从轻减轻处罚清单", "不予行政强制措施清单"};

const char *fz_list_kind_name(fz_list_kind k) {
  return (unsigned)k < FZ_LIST__COUNT ? list_kind_names[k] : "?";
}

const char *fz_list_kind_label(fz_list_kind k) {
  return (unsigned)k < FZ_LIST__COUNT ? list_kind_labels[k] : "?";
}

fz_err fz_list_kind_parse(const char *s, fz_list_kind *k, fz_error *err) {
  for (int i = 0; s && i < FZ_LIST__COUNT; i++)
    if (strcmp(s, list_kind_names[i]) == 0 ||
        strcmp(s, list_kind_labels[i]) == 0) {
      *k = (fz_list_kind)i;
      return FZ_OK;
    }
  return fz_error_set(err, FZ_INVALID, "kind",
                      "清单类别应为 exempt（免罚清单）、mitigate（从轻减轻处罚"
                      "清单）或 no_coercion（不予行政强制措施清单） (list kind "
                      "is exempt, mitigate or no_coercion)");
}

static const char *const effect_names[FZ_EFFECT__COUNT] = {
    "no_penalty", "may_no_penalty", "lighter", "reduced", "no_coercion"};
static const char *const effect_labels[FZ_EFFECT__COUNT] = {
    "不予行政处罚", "可以不予行政处罚", "从轻处罚", "减轻处罚",
    "可以不采取行政强制措施"};

const char *fz_effect_name(fz_effect e) {
  return (unsigned)e < FZ_EFFECT__COUNT ? effect_names[e] : "?";
}

const char *fz_effect_label(fz_effect e) {
  return (unsigned)e < FZ_EFFECT__COUNT ? effect_labels[e] : "?";
}

static int effect_parse(const char *s, fz_effect *e) {
  static const char *const alias[FZ_EFFECT__COUNT] = {
      "不予处罚", "可以不予处罚", "从轻", "减轻", "不予强制"};
  for (int i = 0; s && i < FZ_EFFECT__COUNT; i++)
    if (strcmp(s, effect_names[i]) == 0 || strcmp(s, effect_labels[i]) == 0 ||
        strcmp(s, alias[i]) == 0) {
      *e = (fz_effect)i;
      return 1;
    }
  return 0;
}

static const char *const tier_keys[] = {"轻微", "较轻", "一般", "较重", "严重",
                                        NULL};


/* ---- Checking members of a JSON spec --------------------------------------- */

/* Cuts s (of size bytes, NUL-terminated within) so that it ends on a whole
 * UTF-8 character: a message cut short by snprintf must stay valid UTF-8,
 * or the JSON reply that carries it cannot be made. */
static void utf8_trim(char *s) {
  size_t n = strlen(s), i = n;
  while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
  if (i == 0) return;
  unsigned char lead = (unsigned char)s[i - 1];
  size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (n - (i - 1) < want) s[i - 1] = 0;
}

/* Fills err with code, the member's path (prefix + name) and a message. */
static fz_err bad(fz_error *err, fz_err code, const char *prefix,
                  const char *name, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static fz_err bad(fz_error *err, fz_err code, const char *prefix,
                  const char *name, const char *fmt, ...) {
  char path[64], msg[512];
  snprintf(path, sizeof path, "%s%s", prefix, name);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg - 1, fmt, ap);
  va_end(ap);
  utf8_trim(msg);
  return fz_error_set(err, code, path, "%s", msg);
}

/* Refuses members of o not in names (nor, when lenient, in extra). */
static fz_err only_members(const json_t *o, const char *prefix,
                           const char *const *names, const char *const *extra,
                           int lenient, fz_error *err) {
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)o, key, v) {
    int ok = 0;
    for (size_t i = 0; !ok && names[i]; i++) ok = strcmp(key, names[i]) == 0;
    for (size_t i = 0; !ok && lenient && extra && extra[i]; i++)
      ok = strcmp(key, extra[i]) == 0;
    if (!ok)
      return bad(err, FZ_UNKNOWN, prefix, key, "未知字段 %.40s (unknown field)",
                 key);
  }
  return FZ_OK;
}

/* Text without control characters (newlines allowed when nl). */
static int clean_text(const char *s, int nl) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p < 0x20 && !(nl && *p == '\n')) || *p == 0x7f) return 0;
  return 1;
}

/* A string member: absent, null or "" is *out = "" (FZ_MISSING when
 * required); at most max bytes. */
static fz_err text_member(const json_t *o, const char *prefix,
                          const char *name, int required, size_t max, int nl,
                          const char **out, fz_error *err) {
  const json_t *v = json_object_get(o, name);
  *out = "";
  if (v && !json_is_null(v) && !json_is_string(v))
    return bad(err, FZ_TYPE, prefix, name, "%s 应为字符串 (%s must be a "
               "string)", name, name);
  const char *s = v ? json_string_value(v) : NULL;
  if (!s || !*s) {
    if (required)
      return bad(err, FZ_MISSING, prefix, name, "缺少 %s (%s is required)",
                 name, name);
    return FZ_OK;
  }
  if (strlen(s) > max)
    return bad(err, FZ_INVALID, prefix, name, "%s 最长 %zu 字节 (%s is at "
               "most %zu bytes)", name, max, name, max);
  if (!clean_text(s, nl))
    return bad(err, FZ_INVALID, prefix, name, "%s 含有控制字符 (%s holds a "
               "control character)", name, name);
  *out = s;
  return FZ_OK;
}

static fz_err code_member(const json_t *o, const char *prefix,
                          const char *name, int required, char *out,
                          fz_error *err) {
  const char *s;
  fz_err rc = text_member(o, prefix, name, required, FZ_CODE_MAX, 0, &s, err);
  if (rc) return rc;
  for (const char *p = s; *p; p++)
    if (!isalnum((unsigned char)*p) && !strchr("-_./", *p))
      return bad(err, FZ_INVALID, prefix, name, "事项编码只能由字母、数字和 - _ "
                 ". / 组成 (a code holds letters, digits and - _ . /): "
                 "\"%.40s\"", s);
  snprintf(out, FZ_CODE_MAX + 1, "%s", s);
  return FZ_OK;
}

static fz_err date_member(const json_t *o, const char *prefix,
                          const char *name, int required, char out[11],
                          fz_error *err) {
  const char *s;
  fz_err rc = text_member(o, prefix, name, required, 10, 0, &s, err);
  if (rc) return rc;
  out[0] = 0;
  if (!*s) return FZ_OK;
  fz_date d;
  fz_error e;
  if (fz_date_parse(s, &d, &e))
    return bad(err, FZ_INVALID, prefix, name, "%s 应为 YYYY-MM-DD 格式的日期："
               "%s (%s is a date)", name, e.message, name);
  snprintf(out, 11, "%s", s);
  return FZ_OK;
}

static fz_err bool_member(const json_t *o, const char *prefix,
                          const char *name, int dflt, int *out,
                          fz_error *err) {
  const json_t *v = json_object_get(o, name);
  *out = dflt;
  if (!v || json_is_null(v)) return FZ_OK;
  if (!json_is_boolean(v))
    return bad(err, FZ_TYPE, prefix, name, "%s 应为 true 或 false (%s is a "
               "boolean)", name, name);
  *out = json_is_true(v);
  return FZ_OK;
}

static fz_err pct_member(const json_t *o, const char *prefix, const char *name,
                         int dflt, int *out, fz_error *err) {
  const json_t *v = json_object_get(o, name);
  *out = dflt;
  if (!v || json_is_null(v)) return FZ_OK;
  if (!json_is_integer(v))
    return bad(err, FZ_TYPE, prefix, name, "%s 应为 0 至 100 的整数 (%s is an "
               "integer percentage)", name, name);
  json_int_t i = json_integer_value(v);
  if (i < 0 || i > 100)
    return bad(err, FZ_INVALID, prefix, name, "%s 应为 0 至 100 的整数 (%s is "
               "a percentage from 0 to 100)", name, name);
  *out = (int)i;
  return FZ_OK;
}

static fz_err amount_member(const json_t *o, const char *prefix,
                            const char *name, int *present, int64_t *fen,
                            fz_error *err) {
  const json_t *v = json_object_get(o, name);
  *present = 0;
  *fen = 0;
  if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
    return FZ_OK;
  char path[64];
  snprintf(path, sizeof path, "%.40s%.20s", prefix, name);
  fz_err rc = fz_money_json(v, path, fen, err);
  if (!rc) *present = 1;
  return rc;
}

/* A multiple of the base, "10" or "2.5": hundredths, 0 to 100 times. */
static fz_err times_member(const json_t *o, const char *prefix,
                           const char *name, int *present, int64_t *h,
                           fz_error *err) {
  const json_t *v = json_object_get(o, name);
  *present = 0;
  *h = 0;
  if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
    return FZ_OK;
  fz_error e;
  int64_t x;
  int ok = json_is_integer(v) ? json_integer_value(v) >= 0 &&
                                    json_integer_value(v) <= 100 &&
                                    (x = json_integer_value(v) * 100, 1)
           : json_is_string(v)
               ? fz_money_parse(json_string_value(v), name, &x, &e) == FZ_OK
               : 0;
  if (!ok || x > 10000)
    return bad(err, json_is_string(v) || json_is_integer(v) ? FZ_INVALID
                                                            : FZ_TYPE,
               prefix, name, "%s 应为 0 至 100 之间、最多两位小数的倍数，如 "
               "\"10\" 或 \"2.5\" (a multiple from 0 to 100 with at most two "
               "decimals)", name);
  *present = 1;
  *h = x;
  return FZ_OK;
}

/* ---- A fine rule ------------------------------------------------------------ */

static const char *const fine_members[] = {
    "base",         "split_at",        "split_equal",     "lower_min",
    "lower_max",    "lower_min_times", "lower_max_times", "upper_min",
    "upper_max",    "upper_min_times", "upper_max_times", "floor",
    "ceiling",      NULL};
static const char *const fine_extra[] = {"text", NULL};

/* One side (lower_ or upper_) of a rule. */
static fz_err fine_range(const json_t *o, const char *prefix, const char *side,
                         fz_fine_base base, fz_fine_range *r, fz_error *err) {
  char n1[32], n2[32], n3[32], n4[32];
  snprintf(n1, sizeof n1, "%s_min", side);
  snprintf(n2, sizeof n2, "%s_max", side);
  snprintf(n3, sizeof n3, "%s_min_times", side);
  snprintf(n4, sizeof n4, "%s_max_times", side);
  int p1, p2, p3, p4;
  int64_t a, b, c, d;
  fz_err rc = amount_member(o, prefix, n1, &p1, &a, err);
  if (!rc) rc = amount_member(o, prefix, n2, &p2, &b, err);
  if (!rc) rc = times_member(o, prefix, n3, &p3, &c, err);
  if (!rc) rc = times_member(o, prefix, n4, &p4, &d, err);
  if (rc) return rc;
  memset(r, 0, sizeof *r);
  if ((p1 || p2) && (p3 || p4))
    return bad(err, FZ_INVALID, prefix, n1, "罚款幅度应为固定金额（%s、%s）或"
               "倍数（%s、%s）之一 (a range is amounts or multiples, not "
               "both)", n1, n2, n3, n4);
  if (p1 || p2) {
    if (!p1 || !p2)
      return bad(err, FZ_MISSING, prefix, p1 ? n2 : n1, "罚款幅度须同时给出下限"
                 "和上限 (a range needs both its minimum and maximum; write "
                 "\"0\" for \"…以下\")");
    if (a > b)
      return bad(err, FZ_INVALID, prefix, n1, "罚款下限高于上限 (the minimum "
                 "exceeds the maximum)");
    *r = (fz_fine_range){1, 0, a, b};
    return FZ_OK;
  }
  if (p3 || p4) {
    if (!p3 || !p4)
      return bad(err, FZ_MISSING, prefix, p3 ? n4 : n3, "倍数幅度须同时给出下"
                 "限和上限 (a multiple range needs both ends)");
    if (base == FZ_BASE_NONE)
      return bad(err, FZ_INVALID, prefix, "base", "按倍数计罚须指明计罚基数："
                 "违法所得（gains）或货值金额（goods） (multiples need a base: "
                 "gains or goods)");
    if (c > d)
      return bad(err, FZ_INVALID, prefix, n3, "倍数下限高于上限 (the minimum "
                 "multiple exceeds the maximum)");
    *r = (fz_fine_range){1, 1, c, d};
    return FZ_OK;
  }
  return FZ_OK;
}

static fz_err fine_from_json(const json_t *o, const char *prefix, int lenient,
                             fz_fine_rule *f, fz_error *err) {
  memset(f, 0, sizeof *f);
  if (!json_is_object(o))
    return bad(err, FZ_TYPE, prefix, "", "fine 应为对象或 null (fine is an "
               "object or null)");
  fz_err rc = only_members(o, prefix, fine_members, fine_extra, lenient, err);
  const char *base, *eq;
  if (!rc) rc = text_member(o, prefix, "base", 0, 32, 0, &base, err);
  if (!rc) rc = text_member(o, prefix, "split_equal", 0, 32, 0, &eq, err);
  if (rc) return rc;
  if (!*base || strcmp(base, "none") == 0 || strcmp(base, "无") == 0)
    f->base = FZ_BASE_NONE;
  else if (strcmp(base, "gains") == 0 || strcmp(base, "违法所得") == 0)
    f->base = FZ_BASE_GAINS;
  else if (strcmp(base, "goods") == 0 || strcmp(base, "货值金额") == 0)
    f->base = FZ_BASE_GOODS;
  else
    return bad(err, FZ_INVALID, prefix, "base", "计罚基数应为 gains（违法所得）"
               "或 goods（货值金额），或留空 (base is gains, goods or empty)");
  if ((rc = amount_member(o, prefix, "split_at", &f->has_split, &f->split, err)))
    return rc;
  if (f->has_split && f->base == FZ_BASE_NONE)
    return bad(err, FZ_INVALID, prefix, "base", "分段计罚须指明计罚基数 (a "
               "split needs a base)");
  if (!*eq || strcmp(eq, "upper") == 0 || strcmp(eq, "以上") == 0)
    f->split_upper = 1;
  else if (strcmp(eq, "lower") == 0 || strcmp(eq, "以下") == 0)
    f->split_upper = 0;
  else
    return bad(err, FZ_INVALID, prefix, "split_equal", "分段点归属应为 upper"
               "（恰为分段金额时按以上一段）或 lower（按以下一段） (split_equal "
               "is upper or lower)");
  if ((rc = fine_range(o, prefix, "lower", f->base, &f->lower, err)) ||
      (rc = fine_range(o, prefix, "upper", f->base, &f->upper, err)))
    return rc;
  if (!f->lower.present)
    return bad(err, FZ_MISSING, prefix, "lower_min", "缺少罚款幅度：lower_min"
               "/lower_max（元）或 lower_min_times/lower_max_times（倍） (the "
               "fine range is missing)");
  if (f->has_split != f->upper.present)
    return bad(err, FZ_INVALID, prefix, f->has_split ? "upper_min" : "split_at",
               "分段金额与分段以上的罚款幅度须同时给出 (split_at and the upper "
               "range go together)");
  if ((rc = amount_member(o, prefix, "floor", &f->has_floor, &f->floor, err)) ||
      (rc = amount_member(o, prefix, "ceiling", &f->has_ceiling, &f->ceiling,
                          err)))
    return rc;
  if (f->has_floor && f->has_ceiling && f->floor > f->ceiling)
    return bad(err, FZ_INVALID, prefix, "floor", "最低罚款高于最高罚款 (the "
               "floor exceeds the ceiling)");
  return FZ_OK;
}

static json_t *amount_json(int64_t fen) { return fz_money_to_json(fen); }

static json_t *times_json(int64_t h) {
  char s[32];
  fz_disc_times_text(h, s, sizeof s);
  return json_string(s);
}

static void range_to_json(json_t *o, const char *side, const fz_fine_range *r) {
  char n[32];
  if (!r->present) return;
  snprintf(n, sizeof n, r->times ? "%s_min_times" : "%s_min", side);
  json_object_set_new(o, n, r->times ? times_json(r->min) : amount_json(r->min));
  snprintf(n, sizeof n, r->times ? "%s_max_times" : "%s_max", side);
  json_object_set_new(o, n, r->times ? times_json(r->max) : amount_json(r->max));
}

static json_t *fine_to_json(const fz_fine_rule *f) {
  json_t *o = json_object();
  if (!o) return NULL;
  json_object_set_new(o, "base", f->base == FZ_BASE_GAINS   ? json_string("gains")
                                 : f->base == FZ_BASE_GOODS ? json_string("goods")
                                                            : json_null());
  if (f->has_split) {
    json_object_set_new(o, "split_at", amount_json(f->split));
    json_object_set_new(o, "split_equal",
                        json_string(f->split_upper ? "upper" : "lower"));
  }
  range_to_json(o, "lower", &f->lower);
  range_to_json(o, "upper", &f->upper);
  if (f->has_floor) json_object_set_new(o, "floor", amount_json(f->floor));
  if (f->has_ceiling) json_object_set_new(o, "ceiling", amount_json(f->ceiling));
  char text[1024];
  fz_fine_describe(f, text, sizeof text);
  json_object_set_new(o, "text", json_string(text));
  return o;
}

/* ---- A benchmark version ----------------------------------------------------- */

static const char *const bench_members[] = {
    "matter_code", "version", "effective_from", "effective_to", "law",
    "article",     "punishable", "note",       "tiers",        NULL};
static const char *const bench_extra[] = {
    "id", "matter_name", "department_kind", "status", "in_force", "supersedes",
    "superseded_by", "created_at", "created_by", NULL};
static const char *const tier_members[] = {"tier", "party", "harms",
                                           "conditions", "kinds", "fine",
                                           "basis", NULL};
static const char *const tier_extra[] = {"party_label", NULL};

/* An array of strings, or (for CSV) nothing else. */
static fz_err string_array(const json_t *o, const char *prefix,
                           const char *name, const json_t **out,
                           fz_error *err) {
  const json_t *v = json_object_get(o, name);
  *out = NULL;
  if (!v || json_is_null(v)) return FZ_OK;
  if (!json_is_array(v))
    return bad(err, FZ_TYPE, prefix, name, "%s 应为字符串数组 (%s is an array "
               "of strings)", name, name);
  size_t i;
  const json_t *s;
  json_array_foreach(v, i, s)
    if (!json_is_string(s))
      return bad(err, FZ_TYPE, prefix, name, "%s 应为字符串数组 (%s is an "
                 "array of strings)", name, name);
  *out = v;
  return FZ_OK;
}

static fz_err tier_from_json(const json_t *o, const char *prefix, int lenient,
                             fz_bench_tier *t, fz_error *err) {
  memset(t, 0, sizeof *t);
  if (!json_is_object(o))
    return bad(err, FZ_TYPE, prefix, "", "档次应为对象 (a tier is an object)");
  fz_err rc = only_members(o, prefix, tier_members, tier_extra, lenient, err);
  const char *key, *party, *cond, *basis;
  const json_t *harms, *kinds;
  if (!rc) rc = text_member(o, prefix, "tier", 1, 32, 0, &key, err);
  if (!rc) rc = text_member(o, prefix, "party", 0, 64, 0, &party, err);
  if (!rc) rc = text_member(o, prefix, "conditions", 1, FZ_TEXT_MAX - 1, 1,
                            &cond, err);
  if (!rc) rc = text_member(o, prefix, "basis", 0, FZ_TEXT_MAX - 1, 1, &basis,
                            err);
  if (!rc) rc = string_array(o, prefix, "harms", &harms, err);
  if (!rc) rc = string_array(o, prefix, "kinds", &kinds, err);
  if (rc) return rc;
  int known = 0;
  for (size_t i = 0; tier_keys[i]; i++) known |= strcmp(key, tier_keys[i]) == 0;
  if (!known)
    return bad(err, FZ_INVALID, prefix, "tier", "裁量档次应为 轻微、较轻、一般、"
               "较重 或 严重 (the tier is one of the five: 轻微 较轻 一般 较重 "
               "严重): \"%.40s\"", key);
  snprintf(t->key, sizeof t->key, "%s", key);
  if (!party_parse(party, &t->party))
    return bad(err, FZ_INVALID, prefix, "party", "当事人类型应为 any（不限）、"
               "person（公民）或 organisation（法人或者其他组织） (party is any, "
               "person or organisation)");
  snprintf(t->conditions, sizeof t->conditions, "%s", cond);
  snprintf(t->basis, sizeof t->basis, "%s", basis);
  if (!harms || !json_array_size(harms))
    return bad(err, FZ_MISSING, prefix, "harms", "缺少本档适用的危害后果程度 "
               "(harms: the harm levels this tier covers)");
  size_t i;
  const json_t *s;
  json_array_foreach(harms, i, s) {
    fz_harm h;
    char path[64];
    snprintf(path, sizeof path, "%sharms", prefix);
    if ((rc = fz_harm_parse(json_string_value(s), path, &h, err))) return rc;
    if (t->harms >> h & 1)
      return bad(err, FZ_INVALID, prefix, "harms", "危害后果「%s」重复 "
                 "(repeated)", fz_harm_label(h));
    t->harms |= 1u << h;
  }
  if (!kinds || !json_array_size(kinds))
    return bad(err, FZ_MISSING, prefix, "kinds", "缺少本档可以适用的处罚种类 "
               "(kinds: the penalty kinds of 行政处罚法 Art. 9 this tier "
               "allows)");
  json_array_foreach(kinds, i, s) {
    int k = fz_penalty_kind_find(json_string_value(s));
    if (k < 0)
      return bad(err, FZ_INVALID, prefix, "kinds", "「%.60s」不是行政处罚法第九"
                 "条规定的处罚种类 (not a penalty kind of Art. 9: 警告 通报批评 "
                 "罚款 没收违法所得 没收非法财物 暂扣许可证件 降低资质等级 吊销"
                 "许可证件 限制开展生产经营活动 责令停产停业 责令关闭 限制从业 "
                 "行政拘留)", json_string_value(s));
    if (t->kinds >> k & 1)
      return bad(err, FZ_INVALID, prefix, "kinds", "处罚种类「%s」重复 "
                 "(repeated)", penalty_kinds[k]);
    t->kinds |= 1u << k;
  }
  t->has_fine = t->kinds >> FZ_PENALTY_FINE_BIT & 1;
  const json_t *fine = json_object_get(o, "fine");
  int fine_given = fine && !json_is_null(fine);
  if (t->has_fine && !fine_given)
    return bad(err, FZ_MISSING, prefix, "fine", "本档处罚种类包括罚款，须给出罚"
               "款幅度 (the tier allows 罚款: give its range)");
  if (!t->has_fine && fine_given)
    return bad(err, FZ_INVALID, prefix, "fine", "本档处罚种类不包括罚款，不应给"
               "出罚款幅度 (a range without 罚款 among the kinds)");
  if (fine_given) {
    char fp[64];
    snprintf(fp, sizeof fp, "%sfine.", prefix);
    if ((rc = fine_from_json(fine, fp, lenient, &t->fine, err))) return rc;
  }
  return FZ_OK;
}

/* The version's dates: from required, to (if any) not before it. */
static fz_err dates_from_json(const json_t *spec, char from[11], char to[11],
                              fz_error *err) {
  fz_err rc = date_member(spec, "", "effective_from", 1, from, err);
  if (!rc) rc = date_member(spec, "", "effective_to", 0, to, err);
  if (!rc && to[0] && strcmp(to, from) < 0)
    rc = bad(err, FZ_INVALID, "", "effective_to", "失效日期 %s 早于施行日期 %s "
             "(effective_to precedes effective_from)", to, from);
  return rc;
}

fz_err fz_bench_from_json(const json_t *spec, int lenient, fz_bench *b,
                          int *tier, fz_error *err) {
  memset(b, 0, sizeof *b);
  *tier = -1;
  if (!json_is_object(spec))
    return fz_error_set(err, FZ_TYPE, "", "裁量基准应为 JSON 对象 (a benchmark "
                        "version is a JSON object)");
  fz_err rc = only_members(spec, "", bench_members, bench_extra, lenient, err);
  const char *version, *law, *article, *note;
  if (!rc) rc = code_member(spec, "", "matter_code", 1, b->matter_code, err);
  if (!rc) rc = text_member(spec, "", "version", 1, FZ_VERSION_MAX, 0, &version,
                            err);
  if (!rc) rc = dates_from_json(spec, b->effective_from, b->effective_to, err);
  if (!rc) rc = text_member(spec, "", "law", 1, FZ_LAW_MAX, 0, &law, err);
  if (!rc) rc = text_member(spec, "", "article", 1, FZ_ARTICLE_MAX, 0,
                            &article, err);
  if (!rc) rc = text_member(spec, "", "note", 0, FZ_TEXT_MAX - 1, 1, &note,
                            err);
  if (!rc) rc = bool_member(spec, "", "punishable", 1, &b->punishable, err);
  if (rc) return rc;
  snprintf(b->version, sizeof b->version, "%s", version);
  snprintf(b->law, sizeof b->law, "%s", law);
  snprintf(b->article, sizeof b->article, "%s", article);
  snprintf(b->note, sizeof b->note, "%s", note);
  const json_t *tiers = json_object_get(spec, "tiers");
  if (tiers && !json_is_null(tiers) && !json_is_array(tiers))
    return fz_error_set(err, FZ_TYPE, "tiers", "tiers 应为数组 (tiers is an "
                        "array)");
  size_t n = tiers ? json_array_size(tiers) : 0;
  if (!b->punishable) {
    if (n)
      return fz_error_set(err, FZ_INVALID, "tiers", "不再处罚的版本不应有裁量档"
                          "次 (a version under which the act is no longer "
                          "punished has no tiers; 行政处罚法 Art. 37)");
    return FZ_OK;
  }
  if (n == 0)
    return fz_error_set(err, FZ_MISSING, "tiers", "缺少裁量档次 (tiers are "
                        "required)");
  if (n > FZ_BENCH_MAX_TIERS)
    return fz_error_set(err, FZ_TOOBIG, "tiers", "裁量档次最多 %d 个 (at most "
                        "%d tiers)", FZ_BENCH_MAX_TIERS, FZ_BENCH_MAX_TIERS);
  for (size_t i = 0; i < n; i++) {
    char prefix[32];
    snprintf(prefix, sizeof prefix, "tiers[%zu].", i);
    *tier = (int)i;
    if ((rc = tier_from_json(json_array_get(tiers, i), prefix, lenient,
                             &b->tiers[i], err)))
      return rc;
    b->ntiers = i + 1;
    /* Tiers of one version divide the cases: no two may claim the same harm
     * for the same party, nor take the same name. */
    const fz_bench_tier *t = &b->tiers[i];
    for (size_t j = 0; j < i; j++) {
      const fz_bench_tier *u = &b->tiers[j];
      int parties = t->party == FZ_PARTY_ANY || u->party == FZ_PARTY_ANY ||
                    t->party == u->party;
      if (parties && (t->harms & u->harms)) {
        fz_harm h = FZ_HARM_NONE;
        while (!((t->harms & u->harms) >> h & 1)) h++;
        return bad(err, FZ_CONFLICT, prefix, "harms", "第 %zu 档「%s」与第 %zu "
                   "档「%s」都适用于危害后果「%s」，档次不得重叠 (tiers %zu and "
                   "%zu overlap)", i + 1, t->key, j + 1, u->key,
                   fz_harm_label(h), j + 1, i + 1);
      }
      if (parties && strcmp(t->key, u->key) == 0)
        return bad(err, FZ_CONFLICT, prefix, "tier", "档次「%s」重复 (tier %zu "
                   "repeats tier %zu)", t->key, i + 1, j + 1);
    }
  }
  *tier = -1;
  /* And they leave no case without a tier. */
  for (int p = FZ_PARTY_PERSON; p <= FZ_PARTY_ORGANISATION; p++)
    for (int h = 0; h < FZ_HARM__COUNT; h++) {
      int covered = 0;
      for (size_t i = 0; i < n; i++)
        covered |= (b->tiers[i].harms >> h & 1) &&
                   (b->tiers[i].party == FZ_PARTY_ANY ||
                    b->tiers[i].party == (fz_party)p);
      if (!covered)
        return fz_error_set(err, FZ_INVALID, "tiers", "危害后果「%s」对%s没有"
                            "适用的档次；各档应覆盖全部危害程度 (no tier covers "
                            "harm %s for a %s)", harm_labels[h],
                            party_labels[p], harm_names[h], party_names[p]);
    }
  return FZ_OK;
}

static json_t *date_or_null(const char *d) {
  return d && d[0] ? json_string(d) : json_null();
}

static json_t *id_or_null(int64_t id) {
  return id ? json_integer((json_int_t)id) : json_null();
}

static int in_force_on(const char *from, const char *to, const char *day) {
  return strcmp(from, day) <= 0 && (!to[0] || strcmp(to, day) >= 0);
}

json_t *fz_bench_to_json(const fz_bench *b, const char *today) {
  json_t *tiers = json_array();
  for (size_t i = 0; tiers && i < b->ntiers; i++) {
    const fz_bench_tier *t = &b->tiers[i];
    json_t *harms = json_array(), *kinds = json_array();
    for (int h = 0; h < FZ_HARM__COUNT; h++)
      if (t->harms >> h & 1) json_array_append_new(harms, json_string(harm_names[h]));
    for (int k = 0; k < FZ_PENALTY_KINDS; k++)
      if (t->kinds >> k & 1)
        json_array_append_new(kinds, json_string(penalty_kinds[k]));
    json_array_append_new(
        tiers, json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:s}", "tier",
                         t->key, "party", party_names[t->party], "party_label",
                         party_labels[t->party], "harms", harms, "conditions",
                         t->conditions, "kinds", kinds, "fine",
                         t->has_fine ? fine_to_json(&t->fine) : json_null(),
                         "basis", t->basis));
  }
  json_t *o = json_pack(
      "{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:b, s:s, s:s, s:o, "
      "s:o, s:I, s:s, s:o}",
      "id", (json_int_t)b->id, "matter_code", b->matter_code, "matter_name",
      b->matter_name, "department_kind", b->department_kind, "version",
      b->version, "effective_from", b->effective_from, "effective_to",
      date_or_null(b->effective_to), "law", b->law, "article", b->article,
      "punishable", b->punishable, "note", b->note, "status",
      b->superseded ? "superseded" : "active", "supersedes",
      id_or_null(b->supersedes), "superseded_by", id_or_null(b->superseded_by),
      "created_at", (json_int_t)b->created_at, "created_by", b->created_by,
      "tiers", tiers);
  if (o && today)
    json_object_set_new(o, "in_force",
                        json_boolean(in_force_on(b->effective_from,
                                                 b->effective_to, today)));
  return o;
}

/* ---- A lenient list version ---------------------------------------------------- */

static const char *const list_members[] = {
    "kind",    "department_kind", "name", "version", "effective_from",
    "effective_to", "law",        "article", "note",  "entries", NULL};
static const char *const list_extra[] = {
    "id", "kind_label", "status", "in_force", "supersedes", "superseded_by",
    "created_at", "created_by", NULL};
static const char *const entry_members[] = {
    "matter_code", "measure_code", "party",   "max_harm",     "corrected",
    "first_offence", "minor",      "grounds", "max_gains",    "effect",
    "reduce_floor_pct", "lighten_cap_pct", "conditions", "law", "article",
    NULL};
static const char *const entry_extra[] = {"effect_label", "party_label", NULL};

void fz_list_clear(fz_list *l) {
  if (!l) return;
  free(l->entries);
  l->entries = NULL;
  l->nentries = 0;
}

/* A department kind: "" stays "" (every kind); else the registry's code. */
static fz_err department_kind(const char *in, const char *field, char *out,
                              fz_error *err) {
  out[0] = 0;
  if (!in || !*in || strcmp(in, "all") == 0 || strcmp(in, "全部") == 0)
    return FZ_OK;
  int idx = fz_reg_field_find(FZ_REG_MATTER, "department_kind");
  char buf[128];
  const char *v;
  if (idx < 0 ||
      fz_reg_value_check(FZ_REG_MATTER, (size_t)idx, in, buf, sizeof buf, &v,
                         err)) {
    fz_error_set_field(err, field);
    return FZ_INVALID;
  }
  snprintf(out, FZ_CODE_MAX + 1, "%s", v);
  return FZ_OK;
}

static fz_err entry_from_json(const json_t *o, const char *prefix, int lenient,
                              fz_list_kind kind, fz_list_entry *e,
                              fz_error *err) {
  memset(e, 0, sizeof *e);
  if (!json_is_object(o))
    return bad(err, FZ_TYPE, prefix, "", "清单条目应为对象 (an entry is an "
               "object)");
  fz_err rc = only_members(o, prefix, entry_members, entry_extra, lenient, err);
  const char *party, *harm, *effect, *cond, *law, *article;
  const json_t *grounds;
  if (!rc) rc = code_member(o, prefix, "matter_code", 0, e->matter_code, err);
  if (!rc) rc = code_member(o, prefix, "measure_code", 0, e->measure_code, err);
  if (!rc) rc = text_member(o, prefix, "party", 0, 64, 0, &party, err);
  if (!rc) rc = text_member(o, prefix, "max_harm", 1, 64, 0, &harm, err);
  if (!rc) rc = bool_member(o, prefix, "corrected", 0, &e->need_corrected, err);
  if (!rc) rc = bool_member(o, prefix, "first_offence", 0, &e->need_first, err);
  if (!rc) rc = bool_member(o, prefix, "minor", 0, &e->need_minor, err);
  if (!rc) rc = string_array(o, prefix, "grounds", &grounds, err);
  if (!rc) rc = amount_member(o, prefix, "max_gains", &e->has_max_gains,
                              &e->max_gains, err);
  if (!rc) rc = text_member(o, prefix, "effect", 1, 64, 0, &effect, err);
  if (!rc) rc = pct_member(o, prefix, "reduce_floor_pct", 0,
                           &e->reduce_floor_pct, err);
  if (!rc) rc = pct_member(o, prefix, "lighten_cap_pct", 100,
                           &e->lighten_cap_pct, err);
  if (!rc) rc = text_member(o, prefix, "conditions", 1, FZ_TEXT_MAX - 1, 1,
                            &cond, err);
  if (!rc) rc = text_member(o, prefix, "law", 1, FZ_LAW_MAX, 0, &law, err);
  if (!rc) rc = text_member(o, prefix, "article", 1, FZ_ARTICLE_MAX, 0,
                            &article, err);
  if (rc) return rc;
  if (!party_parse(party, &e->party))
    return bad(err, FZ_INVALID, prefix, "party", "当事人类型应为 any、person 或 "
               "organisation (party is any, person or organisation)");
  char path[64];
  snprintf(path, sizeof path, "%smax_harm", prefix);
  if ((rc = fz_harm_parse(harm, path, &e->max_harm, err))) return rc;
  size_t i;
  const json_t *g;
  json_array_foreach(grounds, i, g) {
    int k = fz_ground_find(json_string_value(g));
    if (k < 0)
      return bad(err, FZ_INVALID, prefix, "grounds", "「%.60s」不是行政处罚法第"
                 "三十二条的情形 (Art. 32 grounds are eliminated_harm, coerced, "
                 "confessed, meritorious, other_legal)", json_string_value(g));
    e->grounds |= 1u << k;
  }
  if (!effect_parse(effect, &e->effect))
    return bad(err, FZ_INVALID, prefix, "effect", "处理方式应为 no_penalty"
               "（不予行政处罚）、may_no_penalty（可以不予行政处罚）、lighter"
               "（从轻）、reduced（减轻）或 no_coercion（可以不采取行政强制措施） "
               "(unknown effect)");
  snprintf(e->conditions, sizeof e->conditions, "%s", cond);
  snprintf(e->law, sizeof e->law, "%s", law);
  snprintf(e->article, sizeof e->article, "%s", article);

  /* What each kind of list may say. */
  static const fz_effect allowed[FZ_LIST__COUNT][2] = {
      {FZ_EFFECT_NO_PENALTY, FZ_EFFECT_MAY_NO_PENALTY},
      {FZ_EFFECT_LIGHTER, FZ_EFFECT_REDUCED},
      {FZ_EFFECT_NO_COERCION, FZ_EFFECT_NO_COERCION}};
  if (e->effect != allowed[kind][0] && e->effect != allowed[kind][1])
    return bad(err, FZ_INVALID, prefix, "effect", "%s的条目不能规定「%s」 (this "
               "effect does not belong to a %s list)", list_kind_labels[kind],
               effect_labels[e->effect], list_kind_names[kind]);
  if (e->effect != FZ_EFFECT_REDUCED && e->reduce_floor_pct)
    return bad(err, FZ_INVALID, prefix, "reduce_floor_pct", "只有减轻处罚的条目"
               "才有减轻下限比例 (only a reduced entry has one)");
  if (e->effect != FZ_EFFECT_LIGHTER && e->lighten_cap_pct != 100)
    return bad(err, FZ_INVALID, prefix, "lighten_cap_pct", "只有从轻处罚的条目"
               "才有从轻上限比例 (only a lighter entry has one)");
  if (e->measure_code[0] && kind != FZ_LIST_NO_COERCION)
    return bad(err, FZ_INVALID, prefix, "measure_code", "只有不予行政强制措施"
               "清单的条目指明强制措施 (only a no_coercion entry names a "
               "measure)");
  switch (kind) {
  case FZ_LIST_EXEMPT:
    /* 行政处罚法 Art. 33 ¶1: both sentences need the act corrected in time;
     * 不予 only without harmful consequences, 可以不予 only for a first
     * offence with at most slight harm. */
    if (!e->need_corrected)
      return bad(err, FZ_INVALID, prefix, "corrected", "免罚清单的条目须以及时"
                 "改正为条件（行政处罚法第三十三条第一款） (an exemption needs "
                 "the act corrected in time: Art. 33 ¶1)");
    if (e->effect == FZ_EFFECT_NO_PENALTY && e->max_harm != FZ_HARM_NONE)
      return bad(err, FZ_INVALID, prefix, "max_harm", "不予行政处罚以没有造成危"
                 "害后果为限（行政处罚法第三十三条第一款） (不予处罚 only "
                 "without harmful consequences: Art. 33 ¶1)");
    if (e->effect == FZ_EFFECT_MAY_NO_PENALTY &&
        (!e->need_first || e->max_harm > FZ_HARM_SLIGHT))
      return bad(err, FZ_INVALID, prefix,
                 e->need_first ? "max_harm" : "first_offence",
                 "可以不予行政处罚以初次违法且危害后果轻微为限（行政处罚法第三十"
                 "三条第一款） (可以不予处罚 only for a first offence with at most "
                 "slight harm: Art. 33 ¶1)");
    break;
  case FZ_LIST_MITIGATE:
    if (!e->grounds && !e->need_minor && !e->need_corrected &&
        !e->need_first && !e->has_max_gains && e->max_harm == FZ_HARM_SEVERE)
      return bad(err, FZ_INVALID, prefix, "conditions", "从轻减轻条目须至少有一"
                 "个条件，否则将适用于每一案件 (an entry without any condition "
                 "would lighten every case)");
    break;
  case FZ_LIST_NO_COERCION:
    /* 行政强制法 Art. 16 ¶2: 情节显著轻微或者没有明显社会危害. */
    if (e->max_harm > FZ_HARM_SLIGHT)
      return bad(err, FZ_INVALID, prefix, "max_harm", "不采取行政强制措施以情节"
                 "显著轻微或者没有明显社会危害为限（行政强制法第十六条第二款） "
                 "(at most slight harm: 行政强制法 Art. 16 ¶2)");
    break;
  default:
    break;
  }
  return FZ_OK;
}

fz_err fz_list_from_json(const json_t *spec, int lenient, fz_list *l,
                         int *entry, fz_error *err) {
  memset(l, 0, sizeof *l);
  *entry = -1;
  if (!json_is_object(spec))
    return fz_error_set(err, FZ_TYPE, "", "清单应为 JSON 对象 (a list version "
                        "is a JSON object)");
  fz_err rc = only_members(spec, "", list_members, list_extra, lenient, err);
  const char *kind, *dk, *name, *version, *law, *article, *note;
  if (!rc) rc = text_member(spec, "", "kind", 1, 64, 0, &kind, err);
  if (!rc) rc = fz_list_kind_parse(kind, &l->kind, err);
  if (!rc) rc = text_member(spec, "", "department_kind", 0, 128, 0, &dk, err);
  if (!rc) rc = department_kind(dk, "department_kind", l->department_kind, err);
  if (!rc) rc = text_member(spec, "", "name", 1, 255, 0, &name, err);
  if (!rc) rc = text_member(spec, "", "version", 1, FZ_VERSION_MAX, 0, &version,
                            err);
  if (!rc) rc = dates_from_json(spec, l->effective_from, l->effective_to, err);
  if (!rc) rc = text_member(spec, "", "law", 1, FZ_LAW_MAX, 0, &law, err);
  if (!rc) rc = text_member(spec, "", "article", 1, FZ_ARTICLE_MAX, 0,
                            &article, err);
  if (!rc) rc = text_member(spec, "", "note", 0, FZ_TEXT_MAX - 1, 1, &note,
                            err);
  if (rc) return rc;
  snprintf(l->name, sizeof l->name, "%s", name);
  snprintf(l->version, sizeof l->version, "%s", version);
  snprintf(l->law, sizeof l->law, "%s", law);
  snprintf(l->article, sizeof l->article, "%s", article);
  snprintf(l->note, sizeof l->note, "%s", note);
  const json_t *entries = json_object_get(spec, "entries");
  if (!json_is_array(entries) || !json_array_size(entries))
    return fz_error_set(err, entries && !json_is_null(entries) &&
                                     !json_is_array(entries)
                                 ? FZ_TYPE
                                 : FZ_MISSING,
                        "entries", "缺少清单条目 (entries: a non-empty array)");
  size_t n = json_array_size(entries);
  if (n > FZ_LIST_MAX_ENTRIES)
    return fz_error_set(err, FZ_TOOBIG, "entries", "一个清单最多 %d 项 (at most "
                        "%d entries)", FZ_LIST_MAX_ENTRIES, FZ_LIST_MAX_ENTRIES);
  if (!(l->entries = calloc(n, sizeof *l->entries)))
    return fz_error_set(err, FZ_NOMEM, "", NULL);
  for (size_t i = 0; i < n; i++) {
    char prefix[32];
    snprintf(prefix, sizeof prefix, "entries[%zu].", i);
    *entry = (int)i;
    if ((rc = entry_from_json(json_array_get(entries, i), prefix, lenient,
                              l->kind, &l->entries[i], err))) {
      fz_list_clear(l);
      return rc;
    }
    l->nentries = i + 1;
  }
  *entry = -1;
  return FZ_OK;
}

static json_t *entry_to_json(const fz_list_entry *e) {
  json_t *grounds = json_array();
  for (int i = 0; i < FZ_GROUNDS; i++)
    if (e->grounds >> i & 1) json_array_append_new(grounds, json_string(ground_names[i]));
  return json_pack(
      "{s:o, s:o, s:s, s:s, s:b, s:b, s:b, s:o, s:o, s:s, s:s, s:i, s:i, s:s, "
      "s:s, s:s}",
      "matter_code",
      e->matter_code[0] ? json_string(e->matter_code) : json_null(),
      "measure_code",
      e->measure_code[0] ? json_string(e->measure_code) : json_null(), "party",
      party_names[e->party], "max_harm", harm_names[e->max_harm], "corrected",
      e->need_corrected, "first_offence", e->need_first, "minor", e->need_minor,
      "grounds", grounds, "max_gains",
      e->has_max_gains ? amount_json(e->max_gains) : json_null(), "effect",
      effect_names[e->effect], "effect_label", effect_labels[e->effect],
      "reduce_floor_pct", e->reduce_floor_pct, "lighten_cap_pct",
      e->lighten_cap_pct, "conditions", e->conditions, "law", e->law,
      "article", e->article);
}

json_t *fz_list_to_json(const fz_list *l, const char *today) {
  json_t *entries = json_array();
  for (size_t i = 0; entries && i < l->nentries; i++)
    json_array_append_new(entries, entry_to_json(&l->entries[i]));
  json_t *o = json_pack(
      "{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:o, "
      "s:I, s:s, s:o}",
      "id", (json_int_t)l->id, "kind", list_kind_names[l->kind], "kind_label",
      list_kind_labels[l->kind], "department_kind",
      l->department_kind[0] ? json_string(l->department_kind) : json_null(),
      "name", l->name, "version", l->version, "effective_from",
      l->effective_from, "effective_to", date_or_null(l->effective_to), "law",
      l->law, "article", l->article, "note", l->note, "status",
      l->superseded ? "superseded" : "active", "supersedes",
      id_or_null(l->supersedes), "superseded_by", id_or_null(l->superseded_by),
      "created_at", (json_int_t)l->created_at, "created_by", l->created_by,
      "entries", entries);
  if (o && today)
    json_object_set_new(o, "in_force",
                        json_boolean(in_force_on(l->effective_from,
                                                 l->effective_to, today)));
  return o;
}

/* ---- Small database helpers ---------------------------------------------------- */

static void col_text(fz_stmt *st, int col, char *dst, size_t size) {
  const char *s = fz_stmt_column_text(st, col);
  snprintf(dst, size, "%s", s ? s : "");
}

static fz_err step_done(fz_stmt *st, fz_error *err) {
  int r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

static void bind_opt_int(fz_stmt *st, int idx, int present, int64_t v) {
  if (present) fz_stmt_bind_int64(st, idx, v);
  else fz_stmt_bind_null(st, idx);
}

static void bind_opt_text(fz_stmt *st, int idx, const char *s) {
  if (s && *s) fz_stmt_bind_text(st, idx, s, -1);
  else fz_stmt_bind_null(st, idx);
}

/* The next id of a table (writes are serialised by the writer). */
static fz_err next_id(fz_db *db, const char *table, int64_t *id,
                      fz_error *err) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(id), 0) + 1 FROM %s", table);
  return fz_db_query_int64(db, sql, id, err);
}

static fz_err need_write(const fz_principal *by, fz_error *err) {
  if (by && (by->cli || fz_role_can(by->scope.roles, FZ_PERM_MANAGE_REGISTRY)))
    return FZ_OK;
  return fz_error_set(err, FZ_FORBIDDEN, "", "此账号无权制定或修改裁量基准和免罚"
                      "、从轻减轻、不予强制清单 (this account may not change "
                      "benchmarks or lists: manage_registry)");
}

static fz_err need_read(const fz_principal *by, fz_error *err) {
  if (!by || by->cli || fz_role_can(by->scope.roles, FZ_PERM_READ_BUSINESS))
    return FZ_OK;
  return fz_error_set(err, FZ_FORBIDDEN, "", "此账号无权查看业务数据 (this "
                      "account may not read business data: read_business)");
}

/* The day before a date (which is valid). */
static void day_before(const char *d, char out[11]) {
  fz_date x, y;
  out[0] = 0;
  if (fz_date_parse(d, &x, NULL) || fz_date_add_days(x, -1, &y, NULL)) return;
  fz_date_format(y, out);
}

static void day_after(const char *d, char out[11]) {
  fz_date x, y;
  out[0] = 0;
  if (fz_date_parse(d, &x, NULL) || fz_date_add_days(x, 1, &y, NULL)) return;
  fz_date_format(y, out);
}

fz_err fz_disc_matter_get(fz_db *db, const char *code, fz_disc_matter *m,
                          fz_error *err) {
  memset(m, 0, sizeof *m);
  fz_principal cli;
  fz_principal_cli(&cli);
  int64_t id;
  json_t *o = NULL;
  fz_err rc = fz_reg_find(db, &cli, FZ_REG_MATTER, code, &id, err);
  if (rc == FZ_NOTFOUND || rc == FZ_INVALID || rc == FZ_MISSING)
    return fz_error_set(err, FZ_NOTFOUND, "matter_code", "执法事项 %.40s 未登记"
                        " (no matter with this code)", code);
  if (!rc) rc = fz_reg_get(db, &cli, FZ_REG_MATTER, id, FZ_VIEW_FULL, &o, err);
  if (rc) return rc;
#define GET(name, dst) \
  snprintf(dst, sizeof dst, "%s", \
           json_string_value(json_object_get(o, name)) ? json_string_value(json_object_get(o, name)) : "")
  GET("code", m->code);
  GET("name", m->name);
  GET("kind", m->kind);
  GET("department_kind", m->department_kind);
  GET("law", m->law);
  GET("article", m->article);
#undef GET
  m->active = json_is_true(json_object_get(o, "active"));
  json_decref(o);
  return FZ_OK;
}

/* An active matter of the given kind (and department kind, when dk is not
 * ""), for a version or entry; field names it in errors. */
static fz_err need_matter(fz_db *db, const char *code, const char *kind,
                          const char *dk, const char *field,
                          fz_disc_matter *m, fz_error *err) {
  fz_err rc = fz_disc_matter_get(db, code, m, err);
  if (rc == FZ_NOTFOUND) {
    fz_error_set_field(err, field);
    return FZ_INVALID;
  }
  if (rc) return rc;
  if (!m->active || strcmp(m->kind, kind) != 0)
    return fz_error_set(err, FZ_INVALID, field, "执法事项 %s 已停用或不是%s事项 "
                        "(matter %s is inactive or not of kind %s)", code, kind,
                        code, kind);
  if (dk && *dk && strcmp(m->department_kind, dk) != 0)
    return fz_error_set(err, FZ_INVALID, field, "执法事项 %s 属于%s部门，不属于"
                        "本清单的部门类别 %s (the matter belongs to another kind "
                        "of department)", code, m->department_kind, dk);
  return FZ_OK;
}

/* ---- Benchmarks in the database ------------------------------------------------ */

#define BENCH_COLUMNS                                                       \
  "id, matter_code, matter_name, department_kind, version, effective_from, " \
  "effective_to, law, article, punishable, note, status, supersedes, "       \
  "superseded_by, created_at, created_by"

#define TIER_COLUMNS                                                          \
  "tier, party, harms, conditions, kinds, fine, fine_base, split_fen, "       \
  "split_upper, lower_times, lower_min, lower_max, upper_times, upper_min, "  \
  "upper_max, floor_fen, ceiling_fen, basis"

/* "none;slight" ↔ bits over names. */
static void bits_text(unsigned bits, const char *const *names, int n,
                      char *out, size_t size) {
  out[0] = 0;
  for (int i = 0; i < n; i++)
    if (bits >> i & 1) {
      size_t len = strlen(out);
      snprintf(out + len, size - len, "%s%s", len ? ";" : "", names[i]);
    }
}

static unsigned bits_parse(const char *s, const char *const *names, int n) {
  unsigned bits = 0;
  while (s && *s) {
    size_t len = strcspn(s, ";");
    for (int i = 0; i < n; i++)
      if (strlen(names[i]) == len && strncmp(s, names[i], len) == 0)
        bits |= 1u << i;
    s += len;
    if (*s) s++;
  }
  return bits;
}

static fz_err bench_read(fz_db *db, fz_stmt *st, fz_bench *b, fz_error *err) {
  memset(b, 0, sizeof *b);
  b->id = fz_stmt_column_int64(st, 0);
  col_text(st, 1, b->matter_code, sizeof b->matter_code);
  col_text(st, 2, b->matter_name, sizeof b->matter_name);
  col_text(st, 3, b->department_kind, sizeof b->department_kind);
  col_text(st, 4, b->version, sizeof b->version);
  col_text(st, 5, b->effective_from, sizeof b->effective_from);
  col_text(st, 6, b->effective_to, sizeof b->effective_to);
  col_text(st, 7, b->law, sizeof b->law);
  col_text(st, 8, b->article, sizeof b->article);
  b->punishable = (int)fz_stmt_column_int64(st, 9);
  col_text(st, 10, b->note, sizeof b->note);
  const char *status = fz_stmt_column_text(st, 11);
  b->superseded = status && strcmp(status, "superseded") == 0;
  b->supersedes = fz_stmt_column_int64(st, 12);
  b->superseded_by = fz_stmt_column_int64(st, 13);
  b->created_at = fz_stmt_column_int64(st, 14);
  col_text(st, 15, b->created_by, sizeof b->created_by);
  fz_stmt *t;
  fz_err rc = fz_db_prepare(db, "SELECT " TIER_COLUMNS " FROM discretion_tiers "
                            "WHERE benchmark_id = ? ORDER BY position", &t, err);
  if (rc) return rc;
  fz_stmt_bind_int64(t, 1, b->id);
  int r;
  while ((r = fz_stmt_step(t, err)) == FZ_STEP_ROW &&
         b->ntiers < FZ_BENCH_MAX_TIERS) {
    fz_bench_tier *x = &b->tiers[b->ntiers++];
    col_text(t, 0, x->key, sizeof x->key);
    const char *p = fz_stmt_column_text(t, 1);
    if (!party_parse(p, &x->party)) x->party = FZ_PARTY_ANY;
    x->harms = bits_parse(fz_stmt_column_text(t, 2), harm_names, FZ_HARM__COUNT);
    col_text(t, 3, x->conditions, sizeof x->conditions);
    x->kinds = bits_parse(fz_stmt_column_text(t, 4), penalty_kinds,
                          FZ_PENALTY_KINDS);
    x->has_fine = (int)fz_stmt_column_int64(t, 5);
    const char *base = fz_stmt_column_text(t, 6);
    fz_fine_rule *f = &x->fine;
    f->base = base && strcmp(base, "gains") == 0   ? FZ_BASE_GAINS
              : base && strcmp(base, "goods") == 0 ? FZ_BASE_GOODS
                                                   : FZ_BASE_NONE;
    f->has_split = !fz_stmt_column_is_null(t, 7);
    f->split = fz_stmt_column_int64(t, 7);
    f->split_upper = (int)fz_stmt_column_int64(t, 8);
    f->lower.present = x->has_fine;
    f->lower.times = (int)fz_stmt_column_int64(t, 9);
    f->lower.min = fz_stmt_column_int64(t, 10);
    f->lower.max = fz_stmt_column_int64(t, 11);
    f->upper.present = f->has_split;
    f->upper.times = (int)fz_stmt_column_int64(t, 12);
    f->upper.min = fz_stmt_column_int64(t, 13);
    f->upper.max = fz_stmt_column_int64(t, 14);
    f->has_floor = !fz_stmt_column_is_null(t, 15);
    f->floor = fz_stmt_column_int64(t, 15);
    f->has_ceiling = !fz_stmt_column_is_null(t, 16);
    f->ceiling = fz_stmt_column_int64(t, 16);
    col_text(t, 17, x->basis, sizeof x->basis);
  }
  fz_stmt_finalize(t);
  return r == FZ_STEP_DONE || r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

/* Runs a query for one version (its parameters bound by the caller). */
static fz_err bench_one(fz_db *db, fz_stmt *st, fz_bench *b, fz_error *err) {
  int r = fz_stmt_step(st, err);
  fz_err rc = FZ_OK;
  if (r == FZ_STEP_ROW) {
    /* Copy the row out before the tiers' query reuses the connection. */
    rc = bench_read(db, st, b, err);
  } else if (r == FZ_STEP_DONE) {
    rc = FZ_NOTFOUND;
  } else {
    rc = (fz_err)r;
  }
  fz_stmt_finalize(st);
  return rc;
}

fz_err fz_bench_load(fz_db *db, int64_t id, fz_bench *b, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT " BENCH_COLUMNS " FROM "
                            "discretion_benchmarks WHERE id = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  rc = bench_one(db, st, b, err);
  if (rc == FZ_NOTFOUND)
    fz_error_set(err, FZ_NOTFOUND, "id", "裁量基准 %" PRId64 " 不存在 (no "
                 "benchmark version %" PRId64 ")", id, id);
  return rc;
}

fz_err fz_bench_in_force(fz_db *db, const char *matter_code, const char *date,
                         fz_bench *b, fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(
      db, "SELECT " BENCH_COLUMNS " FROM discretion_benchmarks WHERE "
          "matter_code = ? AND effective_from <= ? AND (effective_to IS NULL "
          "OR effective_to >= ?) ORDER BY effective_from DESC LIMIT 1",
      &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, matter_code, -1);
  fz_stmt_bind_text(st, 2, date, -1);
  fz_stmt_bind_text(st, 3, date, -1);
  rc = bench_one(db, st, b, err);
  if (rc == FZ_NOTFOUND)
    fz_error_set(err, FZ_NOTFOUND, "matter_code", "执法事项 %s 在 %s 没有有效的"
                 "裁量基准 (no benchmark in force on that date)", matter_code,
                 date);
  return rc;
}

/* The latest version of a chain: id, dates; *id 0 when there is none. */
typedef struct chain_end {
  int64_t id;
  char from[11], to[11], version[FZ_VERSION_MAX + 1];
} chain_end;

static fz_err chain_latest(fz_db *db, const char *sql, const char *k1,
                           const char *k2, chain_end *c, fz_error *err) {
  memset(c, 0, sizeof *c);
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, k1, -1);
  if (k2) fz_stmt_bind_text(st, 2, k2, -1);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) {
    c->id = fz_stmt_column_int64(st, 0);
    col_text(st, 1, c->from, sizeof c->from);
    col_text(st, 2, c->to, sizeof c->to);
    col_text(st, 3, c->version, sizeof c->version);
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* Where a new version goes in its chain.  old_id > 0: it supersedes that
 * version; 0: it must follow a closed chain; -1: it supersedes the latest
 * when that is open-ended, else follows.  *close receives the version to
 * close (0 none) and close_to its new effective_to. */
static fz_err place(const chain_end *last, int64_t old_id, const char *from,
                    const char *label, int64_t *close, char close_to[11],
                    fz_error *err) {
  *close = 0;
  close_to[0] = 0;
  if (!last->id) {
    if (old_id > 0)
      return fz_error_set(err, FZ_NOTFOUND, "id", "要替代的版本不存在 (the "
                          "version to supersede does not exist)");
    return FZ_OK;
  }
  if (old_id < 0) old_id = last->to[0] ? 0 : last->id;
  char next[11];
  if (old_id > 0) {
    if (last->id != old_id)
      return fz_error_set(err, FZ_CONFLICT, "id", "只能替代最新的版本「%s」"
                          "（编号 %" PRId64 "） (only the latest version of a "
                          "chain can be superseded)", last->version, last->id);
    if (strcmp(from, last->from) <= 0)
      return fz_error_set(err, FZ_CONFLICT, "effective_from", "新版本「%s」的施"
                          "行日期 %s 应晚于被替代版本「%s」的施行日期 %s (a new "
                          "version starts after the one it supersedes)",
                          label, from, last->version, last->from);
    if (last->to[0]) {
      day_after(last->to, next);
      if (strcmp(from, next) > 0)
        return fz_error_set(err, FZ_CONFLICT, "effective_from", "版本「%s」于 "
                            "%s 失效，新版本应于 %s 施行，不得留有空档 (no gap "
                            "between versions: start on %s)", last->version,
                            last->to, next, next);
    }
    *close = last->id;
    day_before(from, close_to);
    return FZ_OK;
  }
  if (!last->to[0])
    return fz_error_set(err, FZ_CONFLICT, "effective_from", "版本「%s」仍然有效"
                        "（%s 起施行，未定失效日期），请以新版本替代它 (version "
                        "%" PRId64 " is open-ended: supersede it)",
                        last->version, last->from, last->id);
  day_after(last->to, next);
  if (strcmp(from, next) != 0)
    return fz_error_set(err, FZ_CONFLICT, "effective_from", "上一版本「%s」于 "
                        "%s 失效，新版本应于 %s 施行，版本之间不得重叠或留有空档"
                        " (versions follow without gap or overlap: start on %s)",
                        last->version, last->to, next, next);
  *close = last->id; /* it ends as planned; the new one follows it */
  snprintf(close_to, 11, "%s", last->to);
  return FZ_OK;
}

static fz_err label_taken(fz_db *db, const char *sql, const char *k1,
                          const char *k2, const char *label, int *taken,
                          fz_error *err) {
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  int i = 1;
  fz_stmt_bind_text(st, i++, k1, -1);
  if (k2) fz_stmt_bind_text(st, i++, k2, -1);
  fz_stmt_bind_text(st, i, label, -1);
  int r = fz_stmt_step(st, err);
  *taken = r == FZ_STEP_ROW;
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* Checks b against the database and fills in what it takes from there
 * (the matter's name and department kind); *close as for place(). */
static fz_err bench_check_db(fz_db *db, fz_bench *b, int64_t old_id,
                             int64_t *close, char close_to[11],
                             fz_error *err) {
  fz_disc_matter m;
  fz_err rc = need_matter(db, b->matter_code, "行政处罚", NULL, "matter_code",
                          &m, err);
  if (rc) return rc;
  snprintf(b->matter_name, sizeof b->matter_name, "%s", m.name);
  snprintf(b->department_kind, sizeof b->department_kind, "%s",
           m.department_kind);
  int taken;
  if ((rc = label_taken(db, "SELECT 1 FROM discretion_benchmarks WHERE "
                        "matter_code = ? AND version = ?", b->matter_code, NULL,
                        b->version, &taken, err)))
    return rc;
  if (taken)
    return fz_error_set(err, FZ_EXISTS, "version", "执法事项 %s 已有版本「%s」 "
                        "(the matter already has this version)",
                        b->matter_code, b->version);
  chain_end last;
  if ((rc = chain_latest(db, "SELECT id, effective_from, effective_to, version "
                         "FROM discretion_benchmarks WHERE matter_code = ? "
                         "ORDER BY effective_from DESC LIMIT 1",
                         b->matter_code, NULL, &last, err)))
    return rc;
  if (old_id > 0 && last.id && last.id != old_id) {
    fz_bench *o = malloc(sizeof *o);
    if (!o) return fz_error_set(err, FZ_NOMEM, "", NULL);
    rc = fz_bench_load(db, old_id, o, err);
    if (!rc && strcmp(o->matter_code, b->matter_code) != 0)
      rc = fz_error_set(err, FZ_INVALID, "matter_code", "新版本的执法事项应与被"
                        "替代的版本相同（%s） (a new version is for the same "
                        "matter)", o->matter_code);
    free(o);
    if (rc) return rc;
  }
  return place(&last, old_id, b->effective_from, b->version, close, close_to,
               err);
}

/* Closes version `close` of table at close_to and links it to its
 * successor. */
static fz_err close_version(fz_db *db, const char *table, int64_t close,
                            const char *close_to, int64_t successor,
                            fz_error *err) {
  char sql[256];
  snprintf(sql, sizeof sql, "UPDATE %s SET effective_to = ?, superseded_by = "
           "?, status = 'superseded' WHERE id = ?", table);
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, sql, &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, close_to, -1);
  fz_stmt_bind_int64(st, 2, successor);
  fz_stmt_bind_int64(st, 3, close);
  return step_done(st, err);
}

static fz_err bench_insert(fz_db *db, fz_bench *b, const fz_principal *by,
                           int64_t close, const char *close_to, int64_t now,
                           fz_error *err) {
  fz_err rc = next_id(db, "discretion_benchmarks", &b->id, err);
  if (rc) return rc;
  b->supersedes = close;
  b->created_at = now;
  snprintf(b->created_by, sizeof b->created_by, "%s", by->actor);
  fz_stmt *st;
  rc = fz_db_prepare(db, "INSERT INTO discretion_benchmarks (" BENCH_COLUMNS
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, "
                     "NULL, ?, ?)", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, b->id);
  fz_stmt_bind_text(st, 2, b->matter_code, -1);
  fz_stmt_bind_text(st, 3, b->matter_name, -1);
  fz_stmt_bind_text(st, 4, b->department_kind, -1);
  fz_stmt_bind_text(st, 5, b->version, -1);
  fz_stmt_bind_text(st, 6, b->effective_from, -1);
  bind_opt_text(st, 7, b->effective_to);
  fz_stmt_bind_text(st, 8, b->law, -1);
  fz_stmt_bind_text(st, 9, b->article, -1);
  fz_stmt_bind_int64(st, 10, b->punishable);
  fz_stmt_bind_text(st, 11, b->note, -1);
  bind_opt_int(st, 12, close != 0, close);
  fz_stmt_bind_int64(st, 13, now);
  fz_stmt_bind_text(st, 14, b->created_by, -1);
  if ((rc = step_done(st, err))) return rc;
  for (size_t i = 0; i < b->ntiers; i++) {
    const fz_bench_tier *t = &b->tiers[i];
    const fz_fine_rule *f = &t->fine;
    char harms[128], kinds[512];
    bits_text(t->harms, harm_names, FZ_HARM__COUNT, harms, sizeof harms);
    bits_text(t->kinds, penalty_kinds, FZ_PENALTY_KINDS, kinds, sizeof kinds);
    rc = fz_db_prepare(db, "INSERT INTO discretion_tiers (benchmark_id, "
                       "position, " TIER_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, "
                       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, b->id);
    fz_stmt_bind_int64(st, 2, (int64_t)i + 1);
    fz_stmt_bind_text(st, 3, t->key, -1);
    fz_stmt_bind_text(st, 4, party_names[t->party], -1);
    fz_stmt_bind_text(st, 5, harms, -1);
    fz_stmt_bind_text(st, 6, t->conditions, -1);
    fz_stmt_bind_text(st, 7, kinds, -1);
    fz_stmt_bind_int64(st, 8, t->has_fine);
    fz_stmt_bind_text(st, 9, f->base == FZ_BASE_GAINS   ? "gains"
                             : f->base == FZ_BASE_GOODS ? "goods"
                                                        : "",
                      -1);
    bind_opt_int(st, 10, f->has_split, f->split);
    fz_stmt_bind_int64(st, 11, f->split_upper);
    fz_stmt_bind_int64(st, 12, f->lower.times);
    bind_opt_int(st, 13, t->has_fine, f->lower.min);
    bind_opt_int(st, 14, t->has_fine, f->lower.max);
    fz_stmt_bind_int64(st, 15, f->upper.times);
    bind_opt_int(st, 16, f->upper.present, f->upper.min);
    bind_opt_int(st, 17, f->upper.present, f->upper.max);
    bind_opt_int(st, 18, f->has_floor, f->floor);
    bind_opt_int(st, 19, f->has_ceiling, f->ceiling);
    fz_stmt_bind_text(st, 20, t->basis, -1);
    if ((rc = step_done(st, err))) return rc;
  }
  if (close)
    rc = close_version(db, "discretion_benchmarks", close, close_to, b->id,
                       err);
  return rc;
}

/* Appends one event about object type/id; data stolen. */
static fz_err event(fz_db *db, const fz_principal *by, const char *action,
                    const char *type, const char *id, json_t *data,
                    int64_t now, fz_error *err) {
  if (!data) return fz_error_set(err, FZ_NOMEM, "", NULL);
  fz_event ev = {by->actor, action, type, id, data};
  fz_err rc = fz_ledger_append(db, &ev, now, NULL, err);
  json_decref(data);
  return rc;
}

static fz_err version_event(fz_db *db, const fz_principal *by,
                            const char *action, const char *type, int64_t id,
                            json_t *version, int64_t closed,
                            const char *close_to, int64_t now, fz_error *err) {
  char oid[24];
  snprintf(oid, sizeof oid, "%" PRId64, id);
  json_t *data = json_pack("{s:o}", "version", version);
  if (data && closed)
    json_object_set_new(data, "closes",
                        json_pack("{s:I, s:s}", "id", (json_int_t)closed,
                                  "effective_to", close_to));
  return event(db, by, action, type, oid, data, now, err);
}

/* create (old_id 0) and supersede (old_id > 0). */
static fz_err bench_change(fz_db *db, const fz_principal *by, int64_t old_id,
                           const json_t *spec, int64_t now, int64_t *id,
                           fz_error *err) {
  *id = 0;
  fz_err rc = need_write(by, err);
  if (rc) return rc;
  fz_bench *b = malloc(sizeof *b), *old = NULL;
  if (!b) return fz_error_set(err, FZ_NOMEM, "", NULL);
  json_t *s = NULL;
  if (old_id > 0) {
    /* The matter may be left out: it is the old version's. */
    old = malloc(sizeof *old);
    rc = old ? fz_bench_load(db, old_id, old, err)
             : fz_error_set(err, FZ_NOMEM, "", NULL);
    if (!rc && json_is_object(spec) && !json_object_get(spec, "matter_code")) {
      s = json_deep_copy(spec);
      if (!s || json_object_set_new(s, "matter_code",
                                    json_string(old->matter_code)))
        rc = fz_error_set(err, FZ_NOMEM, "", NULL);
    }
  }
  int tier;
  int64_t close = 0;
  char close_to[11];
  if (!rc) rc = fz_bench_from_json(s ? s : spec, 0, b, &tier, err);
  if (!rc && old && strcmp(old->matter_code, b->matter_code) != 0)
    rc = fz_error_set(err, FZ_INVALID, "matter_code", "新版本的执法事项应与被替"
                      "代的版本相同（%s） (a new version is for the same matter)",
                      old->matter_code);
  if (!rc) rc = bench_check_db(db, b, old_id, &close, close_to, err);
  if (!rc) rc = bench_insert(db, b, by, close, close_to, now, err);
  if (!rc)
    rc = version_event(db, by, old_id ? "benchmark.supersede"
                                      : "benchmark.create",
                       "benchmark", b->id, fz_bench_to_json(b, NULL), close,
                       close_to, now, err);
  if (!rc) *id = b->id;
  json_decref(s);
  free(old);
  free(b);
  return rc;
}

fz_err fz_bench_create(fz_db *db, const fz_principal *by, const json_t *spec,
                       int64_t now, int64_t *id, fz_error *err) {
  return bench_change(db, by, 0, spec, now, id, err);
}

fz_err fz_bench_supersede(fz_db *db, const fz_principal *by, int64_t old_id,
                          const json_t *spec, int64_t now, int64_t *id,
                          fz_error *err) {
  if (old_id <= 0)
    return fz_error_set(err, FZ_INVALID, "id", "id 应为正整数 (a positive "
                        "integer)");
  return bench_change(db, by, old_id, spec, now, id, err);
}

/* ---- Lists in the database ------------------------------------------------------ */

#define LIST_COLUMNS                                                        \
  "id, kind, department_kind, name, version, effective_from, effective_to, " \
  "law, article, note, status, supersedes, superseded_by, created_at, "      \
  "created_by"

#define ENTRY_COLUMNS                                                       \
  "matter_code, measure_code, party, max_harm, need_corrected, need_first, " \
  "need_minor, grounds, max_gains_fen, effect, reduce_floor_pct, "           \
  "lighten_cap_pct, conditions, law, article"

static void entry_read(fz_stmt *st, int c, fz_list_entry *e) {
  memset(e, 0, sizeof *e);
  col_text(st, c + 0, e->matter_code, sizeof e->matter_code);
  col_text(st, c + 1, e->measure_code, sizeof e->measure_code);
  if (!party_parse(fz_stmt_column_text(st, c + 2), &e->party))
    e->party = FZ_PARTY_ANY;
  fz_harm h = FZ_HARM_NONE;
  fz_harm_parse(fz_stmt_column_text(st, c + 3), "max_harm", &h, NULL);
  e->max_harm = h;
  e->need_corrected = (int)fz_stmt_column_int64(st, c + 4);
  e->need_first = (int)fz_stmt_column_int64(st, c + 5);
  e->need_minor = (int)fz_stmt_column_int64(st, c + 6);
  e->grounds = bits_parse(fz_stmt_column_text(st, c + 7), ground_names,
                          FZ_GROUNDS);
  e->has_max_gains = !fz_stmt_column_is_null(st, c + 8);
  e->max_gains = fz_stmt_column_int64(st, c + 8);
  fz_effect ef = FZ_EFFECT_LIGHTER;
  effect_parse(fz_stmt_column_text(st, c + 9), &ef);
  e->effect = ef;
  e->reduce_floor_pct = (int)fz_stmt_column_int64(st, c + 10);
  e->lighten_cap_pct = (int)fz_stmt_column_int64(st, c + 11);
  col_text(st, c + 12, e->conditions, sizeof e->conditions);
  col_text(st, c + 13, e->law, sizeof e->law);
  col_text(st, c + 14, e->article, sizeof e->article);
}

static void list_read_header(fz_stmt *st, fz_list *l) {
  memset(l, 0, sizeof *l);
  l->id = fz_stmt_column_int64(st, 0);
  fz_list_kind k = FZ_LIST_EXEMPT;
  fz_list_kind_parse(fz_stmt_column_text(st, 1), &k, NULL);
  l->kind = k;
  col_text(st, 2, l->department_kind, sizeof l->department_kind);
  col_text(st, 3, l->name, sizeof l->name);
  col_text(st, 4, l->version, sizeof l->version);
  col_text(st, 5, l->effective_from, sizeof l->effective_from);
  col_text(st, 6, l->effective_to, sizeof l->effective_to);
  col_text(st, 7, l->law, sizeof l->law);
  col_text(st, 8, l->article, sizeof l->article);
  col_text(st, 9, l->note, sizeof l->note);
  const char *status = fz_stmt_column_text(st, 10);
  l->superseded = status && strcmp(status, "superseded") == 0;
  l->supersedes = fz_stmt_column_int64(st, 11);
  l->superseded_by = fz_stmt_column_int64(st, 12);
  l->created_at = fz_stmt_column_int64(st, 13);
  col_text(st, 14, l->created_by, sizeof l->created_by);
}

fz_err fz_list_load_for(fz_db *db, int64_t id, const char *matter_code,
                        fz_list *l, fz_error *err) {
  memset(l, 0, sizeof *l);
  fz_stmt *st;
  fz_err rc = fz_db_prepare(db, "SELECT " LIST_COLUMNS " FROM discretion_lists "
                            "WHERE id = ?", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) list_read_header(st, l);
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE)
    return fz_error_set(err, FZ_NOTFOUND, "id", "清单 %" PRId64 " 不存在 (no "
                        "list version %" PRId64 ")", id, id);
  if (r != FZ_STEP_ROW) return (fz_err)r;
  rc = fz_db_prepare(db, matter_code
                             ? "SELECT " ENTRY_COLUMNS " FROM "
                               "discretion_entries WHERE list_id = ? AND "
                               "(matter_code = ? OR matter_code = '') ORDER BY "
                               "position"
                             : "SELECT " ENTRY_COLUMNS " FROM "
                               "discretion_entries WHERE list_id = ? ORDER BY "
                               "position",
                     &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, id);
  if (matter_code) fz_stmt_bind_text(st, 2, matter_code, -1);
  size_t cap = 0;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    if (l->nentries == cap) {
      size_t nc = cap ? cap * 2 : 16;
      fz_list_entry *p = realloc(l->entries, nc * sizeof *p);
      if (!p) {
        r = fz_error_set(err, FZ_NOMEM, "", NULL);
        break;
      }
      l->entries = p;
      cap = nc;
    }
    entry_read(st, 0, &l->entries[l->nentries++]);
  }
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE) {
    fz_list_clear(l);
    return (fz_err)r;
  }
  return FZ_OK;
}

fz_err fz_list_load(fz_db *db, int64_t id, fz_list *l, fz_error *err) {
  return fz_list_load_for(db, id, NULL, l, err);
}

fz_err fz_list_in_force(fz_db *db, const char *department_kind,
                        const char *date, int64_t *ids, size_t max, size_t *n,
                        fz_error *err) {
  *n = 0;
  fz_stmt *st;
  fz_err rc = fz_db_prepare(
      db, "SELECT id FROM discretion_lists WHERE (department_kind = ? OR "
          "department_kind = '') AND effective_from <= ? AND (effective_to IS "
          "NULL OR effective_to >= ?) ORDER BY id",
      &st, err);
  if (rc) return rc;
  fz_stmt_bind_text(st, 1, department_kind ? department_kind : "", -1);
  fz_stmt_bind_text(st, 2, date, -1);
  fz_stmt_bind_text(st, 3, date, -1);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    if (*n < max) ids[(*n)++] = fz_stmt_column_int64(st, 0);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* The chain of a list: (kind, department kind). */
static fz_err list_check_db(fz_db *db, fz_list *l, int64_t old_id,
                            int64_t *close, char close_to[11], size_t *bad_entry,
                            fz_error *err) {
  *bad_entry = (size_t)-1;
  const char *kind = list_kind_names[l->kind];
  int taken;
  fz_err rc = label_taken(db, "SELECT 1 FROM discretion_lists WHERE kind = ? "
                          "AND department_kind = ? AND version = ?", kind,
                          l->department_kind, l->version, &taken, err);
  if (rc) return rc;
  if (taken)
    return fz_error_set(err, FZ_EXISTS, "version", "%s（%s）已有版本「%s」 (this "
                        "list already has this version)",
                        list_kind_labels[l->kind],
                        l->department_kind[0] ? l->department_kind : "全部部门",
                        l->version);
  for (size_t i = 0; i < l->nentries; i++) {
    const fz_list_entry *e = &l->entries[i];
    fz_disc_matter m;
    *bad_entry = i;
    if (e->matter_code[0] &&
        (rc = need_matter(db, e->matter_code, "行政处罚", l->department_kind,
                          "matter_code", &m, err)))
      return rc;
    if (e->measure_code[0] &&
        (rc = need_matter(db, e->measure_code, "行政强制", l->department_kind,
                          "measure_code", &m, err)))
      return rc;
  }
  *bad_entry = (size_t)-1;
  chain_end last;
  if ((rc = chain_latest(db, "SELECT id, effective_from, effective_to, version "
                         "FROM discretion_lists WHERE kind = ? AND "
                         "department_kind = ? ORDER BY effective_from DESC "
                         "LIMIT 1", kind, l->department_kind, &last, err)))
    return rc;
  if (old_id > 0 && last.id && last.id != old_id) {
    fz_list o;
    rc = fz_list_load_for(db, old_id, "", &o, err);
    if (!rc && (o.kind != l->kind ||
                strcmp(o.department_kind, l->department_kind) != 0))
      rc = fz_error_set(err, FZ_INVALID, "kind", "新版本应与被替代的清单类别和"
                        "部门类别相同 (a new version is of the same kind and "
                        "department kind)");
    fz_list_clear(&o);
    if (rc) return rc;
  }
  return place(&last, old_id, l->effective_from, l->version, close, close_to,
               err);
}

static fz_err list_insert(fz_db *db, fz_list *l, const fz_principal *by,
                          int64_t close, const char *close_to, int64_t now,
                          fz_error *err) {
  fz_err rc = next_id(db, "discretion_lists", &l->id, err);
  if (rc) return rc;
  l->supersedes = close;
  l->created_at = now;
  snprintf(l->created_by, sizeof l->created_by, "%s", by->actor);
  fz_stmt *st;
  rc = fz_db_prepare(db, "INSERT INTO discretion_lists (" LIST_COLUMNS ") "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, NULL, "
                     "?, ?)", &st, err);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, l->id);
  fz_stmt_bind_text(st, 2, list_kind_names[l->kind], -1);
  fz_stmt_bind_text(st, 3, l->department_kind, -1);
  fz_stmt_bind_text(st, 4, l->name, -1);
  fz_stmt_bind_text(st, 5, l->version, -1);
  fz_stmt_bind_text(st, 6, l->effective_from, -1);
  bind_opt_text(st, 7, l->effective_to);
  fz_stmt_bind_text(st, 8, l->law, -1);
  fz_stmt_bind_text(st, 9, l->article, -1);
  fz_stmt_bind_text(st, 10, l->note, -1);
  bind_opt_int(st, 11, close != 0, close);
  fz_stmt_bind_int64(st, 12, now);
  fz_stmt_bind_text(st, 13, l->created_by, -1);
  if ((rc = step_done(st, err))) return rc;
  for (size_t i = 0; i < l->nentries; i++) {
    const fz_list_entry *e = &l->entries[i];
    char grounds[256];
    bits_text(e->grounds, ground_names, FZ_GROUNDS, grounds, sizeof grounds);
    rc = fz_db_prepare(db, "INSERT INTO discretion_entries (list_id, position, "
                       ENTRY_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc) return rc;
    fz_stmt_bind_int64(st, 1, l->id);
    fz_stmt_bind_int64(st, 2, (int64_t)i + 1);
    fz_stmt_bind_text(st, 3, e->matter_code, -1);
    fz_stmt_bind_text(st, 4, e->measure_code, -1);
    fz_stmt_bind_text(st, 5, party_names[e->party], -1);
    fz_stmt_bind_text(st, 6, harm_names[e->max_harm], -1);
    fz_stmt_bind_int64(st, 7, e->need_corrected);
    fz_stmt_bind_int64(st, 8, e->need_first);
    fz_stmt_bind_int64(st, 9, e->need_minor);
    fz_stmt_bind_text(st, 10, grounds, -1);
    bind_opt_int(st, 11, e->has_max_gains, e->max_gains);
    fz_stmt_bind_text(st, 12, effect_names[e->effect], -1);
    fz_stmt_bind_int64(st, 13, e->reduce_floor_pct);
    fz_stmt_bind_int64(st, 14, e->lighten_cap_pct);
    fz_stmt_bind_text(st, 15, e->conditions, -1);
    fz_stmt_bind_text(st, 16, e->law, -1);
    fz_stmt_bind_text(st, 17, e->article, -1);
    if ((rc = step_done(st, err))) return rc;
  }
  if (close)
    rc = close_version(db, "discretion_lists", close, close_to, l->id, err);
  return rc;
}

/* Prefixes err's field with entries[i]. for an entry's database check. */
static void entry_field(fz_error *err, size_t i) {
  if (i == (size_t)-1 || !err) return;
  char f[64];
  snprintf(f, sizeof f, "entries[%zu].%.30s", i, err->field);
  fz_error_set_field(err, f);
}

static fz_err list_change(fz_db *db, const fz_principal *by, int64_t old_id,
                          const json_t *spec, int64_t now, int64_t *id,
                          fz_error *err) {
  *id = 0;
  fz_err rc = need_write(by, err);
  if (rc) return rc;
  json_t *s = NULL;
  fz_list l = {0};
  if (old_id > 0) {
    /* Kind and department kind may be left out: they are the old one's. */
    fz_list old;
    rc = fz_list_load_for(db, old_id, "", &old, err);
    if (!rc && json_is_object(spec)) {
      s = json_deep_copy(spec);
      if (!s) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
      if (!rc && !json_object_get(s, "kind"))
        json_object_set_new(s, "kind", json_string(list_kind_names[old.kind]));
      if (!rc && !json_object_get(s, "department_kind"))
        json_object_set_new(s, "department_kind",
                            json_string(old.department_kind));
      if (!rc && !json_object_get(s, "name"))
        json_object_set_new(s, "name", json_string(old.name));
    }
    fz_list_clear(&old);
  }
  int entry;
  size_t bad_entry = (size_t)-1;
  int64_t close = 0;
  char close_to[11];
  if (!rc) rc = fz_list_from_json(s ? s : spec, 0, &l, &entry, err);
  if (!rc) {
    rc = list_check_db(db, &l, old_id, &close, close_to, &bad_entry, err);
    if (rc) entry_field(err, bad_entry);
  }
  if (!rc) rc = list_insert(db, &l, by, close, close_to, now, err);
  if (!rc)
    rc = version_event(db, by, old_id ? "lenient_list.supersede"
                                      : "lenient_list.create",
                       "lenient_list", l.id, fz_list_to_json(&l, NULL), close,
                       close_to, now, err);
  if (!rc) *id = l.id;
  fz_list_clear(&l);
  json_decref(s);
  return rc;
}

fz_err fz_list_create(fz_db *db, const fz_principal *by, const json_t *spec,
                      int64_t now, int64_t *id, fz_error *err) {
  return list_change(db, by, 0, spec, now, id, err);
}

fz_err fz_list_supersede(fz_db *db, const fz_principal *by, int64_t old_id,
                         const json_t *spec, int64_t now, int64_t *id,
                         fz_error *err) {
  if (old_id <= 0)
    return fz_error_set(err, FZ_INVALID, "id", "id 应为正整数 (a positive "
                        "integer)");
  return list_change(db, by, old_id, spec, now, id, err);
}

/* ---- Reads ------------------------------------------------------------------------ */

/* Up to limit + 1 ids of a family matching q after q->cursor. */
static fz_err select_ids(fz_db *db, fz_disc_family fam, const fz_disc_query *q,
                         int limit, int64_t *ids, int *n, fz_error *err) {
  fz_buf sql;
  fz_buf_init(&sql, 4096);
  const char *binds[8];
  int nb = 0;
  *n = 0;
  fz_buf_puts(&sql, fam == FZ_DISC_BENCHMARKS
                        ? "SELECT id FROM discretion_benchmarks WHERE id > ?"
                        : "SELECT id FROM discretion_lists WHERE id > ?");
  if (q->matter_code) {
    fz_buf_puts(&sql, fam == FZ_DISC_BENCHMARKS
                          ? " AND matter_code = ?"
                          : " AND id IN (SELECT list_id FROM "
                            "discretion_entries WHERE matter_code = ? OR "
                            "matter_code = '')");
    binds[nb++] = q->matter_code;
  }
  if (q->department_kind) {
    fz_buf_puts(&sql, fam == FZ_DISC_BENCHMARKS
                          ? " AND department_kind = ?"
                          : " AND (department_kind = ? OR department_kind = "
                            "'')");
    binds[nb++] = q->department_kind;
  }
  if (q->kind && fam == FZ_DISC_LISTS) {
    fz_buf_puts(&sql, " AND kind = ?");
    binds[nb++] = q->kind;
  }
  if (q->status) {
    fz_buf_puts(&sql, " AND status = ?");
    binds[nb++] = q->status;
  }
  if (q->on) {
    fz_buf_puts(&sql, " AND effective_from <= ? AND (effective_to IS NULL OR "
                "effective_to >= ?)");
    binds[nb++] = q->on;
    binds[nb++] = q->on;
  }
  fz_buf_printf(&sql, " ORDER BY id LIMIT %d", limit + 1);
  fz_stmt *st = NULL;
  fz_err rc = sql.err ? fz_error_set(err, sql.err, "", NULL)
                      : fz_db_prepare(db, sql.data, &st, err);
  fz_buf_free(&sql);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, q->cursor);
  for (int i = 0; i < nb; i++) fz_stmt_bind_text(st, i + 2, binds[i], -1);
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW && *n <= limit)
    ids[(*n)++] = fz_stmt_column_int64(st, 0);
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE || r == FZ_STEP_ROW ? FZ_OK : (fz_err)r;
}

static fz_err page(fz_db *db, fz_disc_family fam, const fz_disc_query *q,
                   const char *today, json_t **out, fz_error *err) {
  *out = NULL;
  int limit = q->limit > 0 && q->limit <= PAGE_MAX ? q->limit : 50;
  int64_t ids[PAGE_MAX + 1];
  int n;
  fz_err rc = select_ids(db, fam, q, limit, ids, &n, err);
  if (rc) return rc;
  json_t *items = json_array();
  fz_bench *b = fam == FZ_DISC_BENCHMARKS ? malloc(sizeof *b) : NULL;
  if (!items || (fam == FZ_DISC_BENCHMARKS && !b))
    rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  int more = n > limit;
  if (more) n = limit;
  for (int i = 0; !rc && i < n; i++) {
    if (fam == FZ_DISC_BENCHMARKS) {
      rc = fz_bench_load(db, ids[i], b, err);
      if (!rc) json_array_append_new(items, fz_bench_to_json(b, today));
    } else {
      fz_list l;
      rc = fz_list_load(db, ids[i], &l, err);
      if (!rc) json_array_append_new(items, fz_list_to_json(&l, today));
      fz_list_clear(&l);
    }
  }
  free(b);
  if (!rc) {
    char next[24];
    snprintf(next, sizeof next, "%" PRId64, n ? ids[n - 1] : 0);
    *out = json_pack("{s:o, s:o}", "items", items, "next_cursor",
                     more ? json_string(next) : json_null());
    items = NULL;
    if (!*out) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  }
  json_decref(items);
  return rc;
}

fz_err fz_bench_list(fz_db *db, const fz_principal *by,
                     const fz_disc_query *q, const char *today, json_t **out,
                     fz_error *err) {
  *out = NULL;
  fz_err rc = need_read(by, err);
  return rc ? rc : page(db, FZ_DISC_BENCHMARKS, q, today, out, err);
}

fz_err fz_bench_get(fz_db *db, const fz_principal *by, int64_t id,
                    const char *today, json_t **out, fz_error *err) {
  *out = NULL;
  fz_err rc = need_read(by, err);
  if (rc) return rc;
  fz_bench *b = malloc(sizeof *b);
  if (!b) return fz_error_set(err, FZ_NOMEM, "", NULL);
  rc = fz_bench_load(db, id, b, err);
  if (!rc && !(*out = fz_bench_to_json(b, today)))
    rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  free(b);
  return rc;
}

fz_err fz_list_list(fz_db *db, const fz_principal *by, const fz_disc_query *q,
                    const char *today, json_t **out, fz_error *err) {
  *out = NULL;
  fz_err rc = need_read(by, err);
  return rc ? rc : page(db, FZ_DISC_LISTS, q, today, out, err);
}

fz_err fz_list_get(fz_db *db, const fz_principal *by, int64_t id,
                   const char *today, json_t **out, fz_error *err) {
  *out = NULL;
  fz_err rc = need_read(by, err);
  if (rc) return rc;
  fz_list l;
  rc = fz_list_load(db, id, &l, err);
  if (!rc && !(*out = fz_list_to_json(&l, today)))
    rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  fz_list_clear(&l);
  return rc;
}

/* Entries are paged by list_id * ENTRY_CURSOR + position. */
#define ENTRY_CURSOR ((int64_t)FZ_LIST_MAX_ENTRIES + 1)

fz_err fz_list_entries_in_force(fz_db *db, const fz_disc_query *q,
                                const char *today, json_t **out,
                                fz_error *err) {
  *out = NULL;
  int limit = q->limit > 0 && q->limit <= PAGE_MAX ? q->limit : 50;
  const char *on = q->on ? q->on : today;
  fz_buf sql;
  fz_buf_init(&sql, 4096);
  const char *binds[6];
  int nb = 0;
  fz_buf_puts(&sql, "SELECT l.id, l.kind, l.department_kind, l.name, "
              "l.version, l.effective_from, l.effective_to, l.law, l.article, "
              "l.note, l.status, l.supersedes, l.superseded_by, l.created_at, "
              "l.created_by, e.position, e.matter_code, e.measure_code, e.party, e.max_harm, "
              "e.need_corrected, e.need_first, e.need_minor, e.grounds, "
              "e.max_gains_fen, e.effect, e.reduce_floor_pct, "
              "e.lighten_cap_pct, e.conditions, e.law, e.article FROM "
              "discretion_lists l JOIN discretion_entries e ON e.list_id = "
              "l.id WHERE l.id * ");
  fz_buf_printf(&sql, "%" PRId64 " + e.position > ? AND l.effective_from <= ? "
                "AND (l.effective_to IS NULL OR l.effective_to >= ?)",
                ENTRY_CURSOR);
  binds[nb++] = on;
  binds[nb++] = on;
  if (q->kind) {
    fz_buf_puts(&sql, " AND l.kind = ?");
    binds[nb++] = q->kind;
  }
  if (q->department_kind) {
    fz_buf_puts(&sql, " AND (l.department_kind = ? OR l.department_kind = '')");
    binds[nb++] = q->department_kind;
  }
  if (q->matter_code) {
    fz_buf_puts(&sql, " AND (e.matter_code = ? OR e.matter_code = '')");
    binds[nb++] = q->matter_code;
  }
  fz_buf_printf(&sql, " ORDER BY l.id, e.position LIMIT %d", limit + 1);
  fz_stmt *st = NULL;
  fz_err rc = sql.err ? fz_error_set(err, sql.err, "", NULL)
                      : fz_db_prepare(db, sql.data, &st, err);
  fz_buf_free(&sql);
  if (rc) return rc;
  fz_stmt_bind_int64(st, 1, q->cursor);
  for (int i = 0; i < nb; i++) fz_stmt_bind_text(st, i + 2, binds[i], -1);
  json_t *items = json_array();
  int r, n = 0;
  int64_t last = 0;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    if (n == limit) break;
    fz_list l;
    fz_list_entry e;
    list_read_header(st, &l);
    int64_t pos = fz_stmt_column_int64(st, 15);
    entry_read(st, 16, &e);
    json_t *o = entry_to_json(&e);
    json_object_set_new(o, "list_id", json_integer((json_int_t)l.id));
    json_object_set_new(o, "entry", json_integer((json_int_t)pos));
    json_object_set_new(o, "list_name", json_string(l.name));
    json_object_set_new(o, "kind", json_string(list_kind_names[l.kind]));
    json_object_set_new(o, "kind_label", json_string(list_kind_labels[l.kind]));
    json_object_set_new(o, "department_kind",
                        l.department_kind[0] ? json_string(l.department_kind)
                                             : json_null());
    json_object_set_new(o, "version", json_string(l.version));
    json_object_set_new(o, "effective_from", json_string(l.effective_from));
    json_object_set_new(o, "effective_to", date_or_null(l.effective_to));
    json_array_append_new(items, o);
    last = l.id * ENTRY_CURSOR + pos;
    n++;
  }
  int more = r == FZ_STEP_ROW;
  fz_stmt_finalize(st);
  if (r != FZ_STEP_DONE && r != FZ_STEP_ROW) {
    json_decref(items);
    return (fz_err)r;
  }
  char next[24];
  snprintf(next, sizeof next, "%" PRId64, last);
  *out = json_pack("{s:s, s:o, s:o}", "on", on, "items", items, "next_cursor",
                   more ? json_string(next) : json_null());
  return *out ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
}

/* ---- Import ------------------------------------------------------------------------ */

/* A column of the CSV layout: its English name and Chinese label (either
 * heads a column), where it goes in a version's JSON — 'V' the version,
 * 'I' the tier or entry, 'F' the tier's fine — under which member, and how
 * the cell is read: 's' text, 'b' 是/否, 'l' a list split at ; ； 、 ，,
 * 'p' a whole number.  Key columns (k) group rows into versions. */
typedef struct col {
  const char *name, *label;
  char level, type;
  int key;
  const char *member;
} col;

static const col bench_cols[] = {
    {"matter_code", "事项编码", 'V', 's', 1, "matter_code"},
    {"version", "版本", 'V', 's', 1, "version"},
    {"effective_from", "施行日期", 'V', 's', 0, "effective_from"},
    {"effective_to", "失效日期", 'V', 's', 0, "effective_to"},
    {"law", "法律依据", 'V', 's', 0, "law"},
    {"article", "条款", 'V', 's', 0, "article"},
    {"punishable", "是否处罚", 'V', 'b', 0, "punishable"},
    {"note", "说明", 'V', 's', 0, "note"},
    {"tier", "裁量档次", 'I', 's', 0, "tier"},
    {"party", "当事人类型", 'I', 's', 0, "party"},
    {"harms", "危害后果", 'I', 'l', 0, "harms"},
    {"conditions", "适用情形", 'I', 's', 0, "conditions"},
    {"kinds", "处罚种类", 'I', 'l', 0, "kinds"},
    {"fine_base", "计罚基数", 'F', 's', 0, "base"},
    {"split_at", "分段金额", 'F', 's', 0, "split_at"},
    {"split_equal", "分段点归属", 'F', 's', 0, "split_equal"},
    {"lower_min", "罚款下限（元）", 'F', 's', 0, "lower_min"},
    {"lower_max", "罚款上限（元）", 'F', 's', 0, "lower_max"},
    {"lower_min_times", "下限倍数", 'F', 's', 0, "lower_min_times"},
    {"lower_max_times", "上限倍数", 'F', 's', 0, "lower_max_times"},
    {"upper_min", "分段以上罚款下限（元）", 'F', 's', 0, "upper_min"},
    {"upper_max", "分段以上罚款上限（元）", 'F', 's', 0, "upper_max"},
    {"upper_min_times", "分段以上下限倍数", 'F', 's', 0, "upper_min_times"},
    {"upper_max_times", "分段以上上限倍数", 'F', 's', 0, "upper_max_times"},
    {"floor", "最低罚款（元）", 'F', 's', 0, "floor"},
    {"ceiling", "最高罚款（元）", 'F', 's', 0, "ceiling"},
    {"basis", "档次依据", 'I', 's', 0, "basis"},
};

static const col list_cols[] = {
    {"kind", "清单类别", 'V', 's', 1, "kind"},
    {"department_kind", "部门类别", 'V', 's', 1, "department_kind"},
    {"name", "清单名称", 'V', 's', 0, "name"},
    {"version", "版本", 'V', 's', 1, "version"},
    {"effective_from", "施行日期", 'V', 's', 0, "effective_from"},
    {"effective_to", "失效日期", 'V', 's', 0, "effective_to"},
    {"list_law", "清单依据", 'V', 's', 0, "law"},
    {"list_article", "清单依据条款", 'V', 's', 0, "article"},
    {"note", "说明", 'V', 's', 0, "note"},
    {"matter_code", "事项编码", 'I', 's', 0, "matter_code"},
    {"measure_code", "强制措施事项编码", 'I', 's', 0, "measure_code"},
    {"party", "当事人类型", 'I', 's', 0, "party"},
    {"max_harm", "危害后果上限", 'I', 's', 0, "max_harm"},
    {"corrected", "须及时改正", 'I', 'b', 0, "corrected"},
    {"first_offence", "须初次违法", 'I', 'b', 0, "first_offence"},
    {"minor", "须为未成年人", 'I', 'b', 0, "minor"},
    {"grounds", "从轻减轻情形", 'I', 'l', 0, "grounds"},
    {"max_gains", "违法所得上限（元）", 'I', 's', 0, "max_gains"},
    {"effect", "处理方式", 'I', 's', 0, "effect"},
    {"reduce_floor_pct", "减轻下限比例", 'I', 'p', 0, "reduce_floor_pct"},
    {"lighten_cap_pct", "从轻上限比例", 'I', 'p', 0, "lighten_cap_pct"},
    {"conditions", "适用条件", 'I', 's', 0, "conditions"},
    {"law", "依据", 'I', 's', 0, "law"},
    {"article", "依据条款", 'I', 's', 0, "article"},
};

#define NCOLS(a) (sizeof a / sizeof a[0])
#define MAX_COLS 32

static const col *family_cols(fz_disc_family fam, size_t *n) {
  *n = fam == FZ_DISC_BENCHMARKS ? NCOLS(bench_cols) : NCOLS(list_cols);
  return fam == FZ_DISC_BENCHMARKS ? bench_cols : list_cols;
}

/* The rows of one version while a file is read. */
typedef struct group {
  char *key;    /* the key cells, joined by \x1f */
  char *vcells; /* the version cells, joined, to compare rows */
  json_t *spec; /* the version's JSON, items under "tiers"/"entries" */
  long *lines;  /* the line of each item (CSV) */
  size_t nlines, cap;
  long bad_line; /* the first refused row, 0 when none */
  int item;      /* 1-based position in a JSON file, 0 for CSV */
  int bad;
} group;

typedef struct reject {
  long line;
  int item;
  char field[64];
  char reason[512];
} reject;

struct fz_disc_import {
  fz_disc_family fam;
  int json;
  const char *encoding;
  long long rows;
  group *groups;
  size_t ngroups, gcap;
  size_t *slots; /* hash of group keys: index + 1, 0 = empty */
  size_t nslots;
  reject *rej;
  size_t nrej, rejcap;
  long long rejected;
};

static fz_err add_reject(fz_disc_import *im, long line, int item,
                         const char *field, const char *reason,
                         fz_error *err) {
  im->rejected++;
  if (im->nrej >= IMPORT_MAX_REPORTED) return FZ_OK;
  if (im->nrej == im->rejcap) {
    size_t cap = im->rejcap ? im->rejcap * 2 : 64;
    reject *r = realloc(im->rej, cap * sizeof *r);
    if (!r) return fz_error_set(err, FZ_NOMEM, "", NULL);
    im->rej = r;
    im->rejcap = cap;
  }
  reject *r = &im->rej[im->nrej++];
  r->line = line;
  r->item = item;
  snprintf(r->field, sizeof r->field, "%s", field ? field : "");
  snprintf(r->reason, sizeof r->reason, "%s", reason);
  utf8_trim(r->reason);
  return FZ_OK;
}

static uint64_t hash_key(const char *s) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

/* The group of key, made when new (*made = 1).  NULL when out of memory or
 * too many versions (err says which). */
static group *group_of(fz_disc_import *im, const char *key, int *made,
                       fz_error *err) {
  *made = 0;
  if (im->ngroups * 2 >= im->nslots) {
    size_t n = im->nslots ? im->nslots * 2 : 256;
    size_t *s = calloc(n, sizeof *s);
    if (!s) {
      fz_error_set(err, FZ_NOMEM, "", NULL);
      return NULL;
    }
    for (size_t i = 0; i < im->ngroups; i++) {
      size_t j = hash_key(im->groups[i].key) & (n - 1);
      while (s[j]) j = (j + 1) & (n - 1);
      s[j] = i + 1;
    }
    free(im->slots);
    im->slots = s;
    im->nslots = n;
  }
  size_t j = hash_key(key) & (im->nslots - 1);
  for (; im->slots[j]; j = (j + 1) & (im->nslots - 1))
    if (strcmp(im->groups[im->slots[j] - 1].key, key) == 0)
      return &im->groups[im->slots[j] - 1];
  if (im->ngroups >= IMPORT_MAX_VERSIONS) {
    fz_error_set(err, FZ_TOOBIG, "file", "一次最多导入 %d 个版本 (at most %d "
                 "versions in one file)", IMPORT_MAX_VERSIONS,
                 IMPORT_MAX_VERSIONS);
    return NULL;
  }
  if (im->ngroups == im->gcap) {
    size_t cap = im->gcap ? im->gcap * 2 : 64;
    group *g = realloc(im->groups, cap * sizeof *g);
    if (!g) {
      fz_error_set(err, FZ_NOMEM, "", NULL);
      return NULL;
    }
    im->groups = g;
    im->gcap = cap;
  }
  group *g = &im->groups[im->ngroups];
  memset(g, 0, sizeof *g);
  if (!(g->key = strdup(key))) {
    fz_error_set(err, FZ_NOMEM, "", NULL);
    return NULL;
  }
  im->slots[j] = ++im->ngroups;
  *made = 1;
  return g;
}

static fz_err group_line(group *g, long line, fz_error *err) {
  if (g->nlines == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 8;
    long *l = realloc(g->lines, cap * sizeof *l);
    if (!l) return fz_error_set(err, FZ_NOMEM, "", NULL);
    g->lines = l;
    g->cap = cap;
  }
  g->lines[g->nlines++] = line;
  return FZ_OK;
}

static const char *items_member(fz_disc_family fam) {
  return fam == FZ_DISC_BENCHMARKS ? "tiers" : "entries";
}

/* The CSV column that a JSON path ("tiers[2].fine.lower_min", "law")
 * came from. */
static const char *column_of(fz_disc_family fam, const char *path,
                             char *out, size_t size) {
  const char *leaf = strrchr(path, '.');
  int item = strchr(path, '[') != NULL, fine = strstr(path, ".fine.") != NULL;
  leaf = leaf ? leaf + 1 : path;
  size_t n;
  const col *cols = family_cols(fam, &n);
  for (size_t i = 0; i < n; i++) {
    char want = fine ? 'F' : item ? 'I' : 'V';
    if (cols[i].level == want && strcmp(cols[i].member, leaf) == 0) {
      snprintf(out, size, "%s", cols[i].name);
      return out;
    }
  }
  /* "tiers" (no tier covers a harm) is about the harms column. */
  snprintf(out, size, "%s", strcmp(leaf, "tiers") == 0 ? "harms" : leaf);
  return out;
}

/* Refuses a version: the row at `at` (its index among the group's lines,
 * -1 for the first) with the reason, every other row pointing there. */
static fz_err refuse_group(fz_disc_import *im, group *g, int at,
                           const fz_error *why, fz_error *err) {
  fz_err rc = FZ_OK;
  if (g->item) {
    rc = add_reject(im, 0, g->item, why->field, why->message, err);
  } else {
    size_t k = at >= 0 && (size_t)at < g->nlines ? (size_t)at : 0;
    char column[64], pointer[256];
    column_of(im->fam, why->field, column, sizeof column);
    long line = g->nlines ? g->lines[k] : 0;
    snprintf(pointer, sizeof pointer, "同一版本的第 %ld 行有误，整个版本未导入 "
             "(the version was refused because of line %ld)", line, line);
    for (size_t i = 0; !rc && i < g->nlines; i++)
      rc = add_reject(im, g->lines[i], 0, i == k ? column : "",
                      i == k ? why->message : pointer, err);
  }
  g->bad = 1;
  json_decref(g->spec);
  g->spec = NULL;
  return rc;
}

/* A cell into JSON per its column's type; FZ_INVALID with why. */
static fz_err cell_json(const col *c, const char *s, json_t **out,
                        fz_error *err) {
  *out = NULL;
  if (!*s) return FZ_OK;
  switch (c->type) {
  case 'b':
    if (!strcmp(s, "是") || !strcmp(s, "true") || !strcmp(s, "1") ||
        !strcmp(s, "TRUE") || !strcmp(s, "Y") || !strcmp(s, "y"))
      *out = json_true();
    else if (!strcmp(s, "否") || !strcmp(s, "false") || !strcmp(s, "0") ||
             !strcmp(s, "FALSE") || !strcmp(s, "N") || !strcmp(s, "n"))
      *out = json_false();
    else
      return fz_error_set(err, FZ_INVALID, c->name, "%s 应为 是 或 否 (%s is "
                          "是 or 否): \"%.40s\"", c->label, c->name, s);
    return FZ_OK;
  case 'p': {
    char *end;
    long v = strtol(s, &end, 10);
    if (!isdigit((unsigned char)*s) || *end || v > 100)
      return fz_error_set(err, FZ_INVALID, c->name, "%s 应为 0 至 100 的整数 "
                          "(%s is a whole number from 0 to 100)", c->label,
                          c->name);
    *out = json_integer(v);
    return FZ_OK;
  }
  case 'l': {
    json_t *a = json_array();
    const char *p = s;
    while (a && *p) {
      static const char *const seps[] = {";", "；", "、", "，", ",", NULL};
      size_t len = strlen(p), cut = len, skip = 0;
      for (size_t i = 0; seps[i]; i++) {
        const char *q = strstr(p, seps[i]);
        if (q && (size_t)(q - p) < cut) {
          cut = (size_t)(q - p);
          skip = strlen(seps[i]);
        }
      }
      size_t b = 0, e = cut;
      while (b < e && p[b] == ' ') b++;
      while (e > b && p[e - 1] == ' ') e--;
      if (e > b) json_array_append_new(a, json_stringn(p + b, e - b));
      p += cut + skip;
    }
    *out = a;
    return a ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
  }
  default:
    *out = json_string(s);
    return *out ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
  }
}

static fz_err parse_csv(fz_disc_import *im, const void *data, size_t len,
                        fz_error *err) {
  fz_csv *csv = NULL;
  fz_err rc = fz_csv_open_mem(&csv, data, len, err);
  if (rc) return rc;
  fz_csv_set_limits(csv, 8192, MAX_COLS * 2);
  im->encoding = fz_csv_encoding(csv);
  size_t ncols;
  const col *cols = family_cols(im->fam, &ncols);
  const col *map[MAX_COLS * 2];
  size_t nmap = 0;
  const fz_csv_field *f;
  size_t n;
  rc = fz_csv_next(csv, &f, &n, err);
  if (rc == FZ_NODATA)
    rc = fz_error_set(err, FZ_MISSING, "file", "文件为空，第一行应为列名 (the "
                      "file is empty; its first line names the columns)");
  int seen[MAX_COLS] = {0};
  for (size_t i = 0; !rc && i < n; i++) {
    const char *name = f[i].s;
    if (i == 0 && !strncmp(name, "\xef\xbb\xbf", 3)) name += 3;
    map[i] = NULL;
    for (size_t j = 0; j < ncols; j++)
      if (!strcmp(name, cols[j].name) || !strcmp(name, cols[j].label)) {
        map[i] = &cols[j];
        if (seen[j]++)
          rc = fz_error_set(err, FZ_INVALID, "file", "第 1 行：列「%.60s」重复 "
                            "(column repeated)", name);
      }
    if (!rc && !map[i]) {
      char names[400] = "";
      for (size_t j = 0; j < ncols; j++) {
        size_t l = strlen(names);
        snprintf(names + l, sizeof names - l, "%s%s", j ? " " : "",
                 cols[j].name);
      }
      char cut[48];
      snprintf(cut, sizeof cut, "%s", name);
      utf8_trim(cut);
      rc = bad(err, FZ_INVALID, "", "file", "第 1 行第 %zu 列「%s」不是可导入的"
               "列 (unknown column %zu; the columns, or their Chinese labels, "
               "are: %s)", i + 1, cut, i + 1, names);
    }
    nmap = i + 1;
  }
  static const char *const required[2][6] = {
      {"matter_code", "version", "effective_from", "tier", "harms", NULL},
      {"kind", "version", "effective_from", "max_harm", "effect", NULL}};
  for (size_t r = 0; !rc && required[im->fam][r]; r++) {
    size_t j = 0;
    while (strcmp(cols[j].name, required[im->fam][r])) j++;
    if (!seen[j])
      rc = fz_error_set(err, FZ_MISSING, "file", "缺少必需的列 %s（%s） (the "
                        "required column %s is missing)", cols[j].name,
                        cols[j].label, cols[j].name);
  }
  while (!rc && (rc = fz_csv_next(csv, &f, &n, err)) == FZ_OK) {
    long line = fz_csv_line(csv);
    int blank = 1;
    for (size_t i = 0; i < n; i++) blank &= f[i].len == 0;
    if (blank) continue;
    if (++im->rows > IMPORT_MAX_ROWS) {
      rc = fz_error_set(err, FZ_TOOBIG, "file", "一次最多导入 %d 行 (at most %d "
                        "rows in one file)", IMPORT_MAX_ROWS, IMPORT_MAX_ROWS);
      break;
    }
    if (n != nmap) {
      char why[128];
      snprintf(why, sizeof why, "本行有 %zu 列，表头有 %zu 列 (%zu columns, "
               "the header has %zu)", n, nmap, n, nmap);
      rc = add_reject(im, line, 0, "", why, err);
      continue;
    }
    fz_buf key, vcells;
    fz_buf_init(&key, 1 << 16);
    fz_buf_init(&vcells, 1 << 16);
    json_t *v = json_object(), *item = json_object(), *fine = json_object();
    fz_error cell_err = {0};
    fz_err bad_cell = v && item && fine ? FZ_OK : FZ_NOMEM;
    for (size_t i = 0; i < n; i++) {
      const char *s = f[i].s;
      /* An export guards cells a spreadsheet would run as formulas with a
       * leading ' (registry/table.h); reading back, drop it. */
      if (s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1])) s++;
      const col *c = map[i];
      if (c->key) fz_buf_printf(&key, "%s\x1f", s);
      if (c->level == 'V') fz_buf_printf(&vcells, "%s\x1f", s);
      json_t *j = NULL;
      if (!bad_cell) bad_cell = cell_json(c, s, &j, &cell_err);
      if (j)
        json_object_set_new(c->level == 'V'   ? v
                            : c->level == 'I' ? item
                                              : fine,
                            c->member, j);
    }
    if (key.err || vcells.err) bad_cell = FZ_NOMEM;
    if (bad_cell == FZ_NOMEM) {
      rc = fz_error_set(err, FZ_NOMEM, "", NULL);
    } else {
      int made;
      group *g = group_of(im, key.data ? key.data : "", &made, err);
      if (!g) {
        rc = err->code ? err->code : FZ_NOMEM;
      } else if (made) {
        g->vcells = strdup(vcells.data ? vcells.data : "");
        g->spec = v;
        v = NULL;
        json_object_set_new(g->spec, items_member(im->fam), json_array());
        if (!g->vcells) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
      } else if (!g->bad && strcmp(g->vcells, vcells.data ? vcells.data : "")) {
        bad_cell = fz_error_set(&cell_err, FZ_INVALID, "", "同一版本各行的版本"
                                "信息（施行日期、依据等）应当相同 (every row of a "
                                "version repeats the same version columns)");
      }
      if (!rc && g && !g->bad) {
        if (json_object_size(fine))
          json_object_set(item, "fine", fine);
        if (!bad_cell) {
          rc = group_line(g, line, err);
          if (!rc)
            json_array_append(json_object_get(g->spec, items_member(im->fam)),
                              item);
        } else {
          /* This row's own reason, then the rest of its version. */
          rc = add_reject(im, line, 0, cell_err.field, cell_err.message, err);
          fz_error why;
          fz_error_set(&why, FZ_INVALID, "", "同一版本的第 %ld 行有误，整个版本"
                       "未导入 (the version was refused because of line %ld)",
                       line, line);
          for (size_t i = 0; !rc && i < g->nlines; i++)
            rc = add_reject(im, g->lines[i], 0, "", why.message, err);
          g->bad = 1;
          g->bad_line = line;
          json_decref(g->spec);
          g->spec = NULL;
        }
      } else if (!rc && g && g->bad) {
        char why[256];
        snprintf(why, sizeof why, "同一版本的第 %ld 行有误，整个版本未导入 (the "
                 "version was refused because of line %ld)", g->bad_line,
                 g->bad_line);
        rc = bad_cell ? add_reject(im, line, 0, cell_err.field,
                                   cell_err.message, err)
                      : add_reject(im, line, 0, "", why, err);
      }
    }
    json_decref(v);
    json_decref(item);
    json_decref(fine);
    fz_buf_free(&key);
    fz_buf_free(&vcells);
  }
  if (rc == FZ_NODATA) {
    rc = FZ_OK;
    fz_error_clear(err);
  }
  fz_csv_free(csv);
  if (rc) return rc;
  /* Each version whole: the checks of fz_*_from_json. */
  fz_bench *b = malloc(sizeof *b);
  if (!b) return fz_error_set(err, FZ_NOMEM, "", NULL);
  for (size_t i = 0; !rc && i < im->ngroups; i++) {
    group *g = &im->groups[i];
    if (g->bad || !g->spec) continue;
    int at;
    fz_error why = {0};
    fz_err bad_v;
    if (im->fam == FZ_DISC_BENCHMARKS) {
      bad_v = fz_bench_from_json(g->spec, 0, b, &at, &why);
    } else {
      fz_list l;
      bad_v = fz_list_from_json(g->spec, 0, &l, &at, &why);
      fz_list_clear(&l);
    }
    if (bad_v == FZ_NOMEM) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
    else if (bad_v) rc = refuse_group(im, g, at, &why, err);
  }
  free(b);
  return rc;
}

static fz_err parse_json(fz_disc_import *im, const void *data, size_t len,
                         fz_error *err) {
  json_t *doc;
  im->encoding = "JSON";
  fz_err rc = fz_json_parse(data, len, &doc, err);
  if (rc) return rc;
  const char *member = im->fam == FZ_DISC_BENCHMARKS ? "benchmarks" : "lists";
  const json_t *items = json_object_get(doc, member);
  if (!json_is_object(doc) || !json_is_array(items) ||
      json_object_size(doc) != 1) {
    json_decref(doc);
    return fz_error_set(err, FZ_INVALID, "file", "JSON 文件应为 {\"%s\": [...]}"
                        "（导出的格式） (a JSON import is {\"%s\": [...]}, as "
                        "exported)", member, member);
  }
  size_t n = json_array_size(items);
  if (n > IMPORT_MAX_VERSIONS) {
    json_decref(doc);
    return fz_error_set(err, FZ_TOOBIG, "file", "一次最多导入 %d 个版本 (at "
                        "most %d versions in one file)", IMPORT_MAX_VERSIONS,
                        IMPORT_MAX_VERSIONS);
  }
  fz_bench *b = malloc(sizeof *b);
  im->groups = calloc(n ? n : 1, sizeof *im->groups);
  if (!b || !im->groups) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  im->gcap = n;
  for (size_t i = 0; !rc && i < n; i++) {
    group *g = &im->groups[im->ngroups++];
    g->item = (int)i + 1;
    g->spec = json_incref(json_array_get(items, i));
    im->rows++;
    int at;
    fz_error why = {0};
    fz_err bad_v;
    if (im->fam == FZ_DISC_BENCHMARKS) {
      bad_v = fz_bench_from_json(g->spec, 1, b, &at, &why);
    } else {
      fz_list l;
      bad_v = fz_list_from_json(g->spec, 1, &l, &at, &why);
      fz_list_clear(&l);
    }
    if (bad_v == FZ_NOMEM) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
    else if (bad_v) rc = refuse_group(im, g, at, &why, err);
  }
  free(b);
  json_decref(doc);
  return rc;
}

fz_err fz_disc_import_parse(fz_disc_family fam, const void *data, size_t len,
                            int json, fz_disc_import **out, fz_error *err) {
  *out = NULL;
  fz_disc_import *im = calloc(1, sizeof *im);
  if (!im) return fz_error_set(err, FZ_NOMEM, "", NULL);
  im->fam = fam;
  if (json < 0) {
    const unsigned char *p = data;
    size_t i = 0;
    if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) i = 3;
    while (i < len && strchr(" \t\r\n", p[i])) i++;
    json = i < len && p[i] == '{';
  }
  im->json = json;
  fz_err rc = json ? parse_json(im, data, len, err)
                   : parse_csv(im, data, len, err);
  if (rc) {
    fz_disc_import_free(im);
    return rc;
  }
  *out = im;
  return FZ_OK;
}

size_t fz_disc_import_versions(const fz_disc_import *im) {
  size_t n = 0;
  for (size_t i = 0; i < im->ngroups; i++) n += !im->groups[i].bad;
  return n;
}

size_t fz_disc_import_rejected(const fz_disc_import *im) {
  return (size_t)im->rejected;
}

const char *fz_disc_import_encoding(const fz_disc_import *im) {
  return im->encoding ? im->encoding : "";
}

void fz_disc_import_free(fz_disc_import *im) {
  if (!im) return;
  for (size_t i = 0; i < im->ngroups; i++) {
    free(im->groups[i].key);
    free(im->groups[i].vcells);
    free(im->groups[i].lines);
    json_decref(im->groups[i].spec);
  }
  free(im->groups);
  free(im->slots);
  free(im->rej);
  free(im);
}

static int reject_order(const void *a, const void *b) {
  const reject *x = a, *y = b;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  return x->item < y->item ? -1 : x->item > y->item;
}

fz_err fz_disc_import_write(fz_db *db, const fz_principal *by,
                            fz_disc_import *im, const char *file_name,
                            const char *file_sm3, int64_t now,
                            json_t **report, fz_error *err) {
  *report = NULL;
  fz_err rc = need_write(by, err);
  if (rc) return rc;
  json_t *versions = json_array();
  fz_bench *b = malloc(sizeof *b);
  if (!versions || !b) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  size_t made = 0;
  for (size_t i = 0; !rc && i < im->ngroups; i++) {
    group *g = &im->groups[i];
    if (g->bad || !g->spec) continue;
    int at = -1;
    fz_error why = {0};
    int64_t close = 0, id = 0;
    char close_to[11] = "", key[128];
    const char *label;
    fz_err bad_v;
    fz_list l = {0};
    if (im->fam == FZ_DISC_BENCHMARKS) {
      bad_v = fz_bench_from_json(g->spec, 1, b, &at, &why);
      if (!bad_v) bad_v = bench_check_db(db, b, -1, &close, close_to, &why);
      if (!bad_v) {
        rc = bench_insert(db, b, by, close, close_to, now, err);
        id = b->id;
      }
      snprintf(key, sizeof key, "%s", b->matter_code);
      label = b->version;
    } else {
      size_t be = (size_t)-1;
      bad_v = fz_list_from_json(g->spec, 1, &l, &at, &why);
      if (!bad_v) {
        bad_v = list_check_db(db, &l, -1, &close, close_to, &be, &why);
        if (bad_v && be != (size_t)-1) {
          at = (int)be;
          entry_field(&why, be);
        }
      }
      if (!bad_v) {
        rc = list_insert(db, &l, by, close, close_to, now, err);
        id = l.id;
      }
      snprintf(key, sizeof key, "%s/%s", list_kind_names[l.kind],
               l.department_kind[0] ? l.department_kind : "*");
      label = l.version;
    }
    if (!rc && bad_v) {
      if (bad_v == FZ_DB || bad_v == FZ_NOMEM || bad_v == FZ_BUSY) {
        *err = why;
        rc = bad_v;
      } else {
        rc = refuse_group(im, g, at, &why, err);
      }
    } else if (!rc) {
      made++;
      json_array_append_new(
          versions, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)id,
                              "key", key, "version", label, "supersedes",
                              id_or_null(close)));
    }
    fz_list_clear(&l);
  }
  free(b);
  if (!rc && im->nrej) qsort(im->rej, im->nrej, sizeof *im->rej, reject_order);
  json_t *rejected = json_array();
  for (size_t i = 0; rejected && i < im->nrej; i++) {
    const reject *r = &im->rej[i];
    json_array_append_new(
        rejected, json_pack("{s:o, s:o, s:s, s:s}", "line",
                            r->line ? json_integer(r->line) : json_null(),
                            "item", r->item ? json_integer(r->item) : json_null(),
                            "field", r->field, "reason", r->reason));
  }
  if (!rc) {
    *report = json_pack(
        "{s:s, s:s, s:s, s:s, s:I, s:I, s:O, s:o, s:I}", "file_name",
        file_name ? file_name : "", "file_sm3", file_sm3 ? file_sm3 : "",
        "format", im->json ? "json" : "csv", "encoding",
        fz_disc_import_encoding(im), "rows", (json_int_t)im->rows, "created",
        (json_int_t)made, "versions", versions, "rejected", rejected,
        "rejected_count", (json_int_t)im->rejected);
    rejected = NULL;
    if (!*report) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  }
  if (!rc && !made)
    rc = fz_error_set(err, FZ_INVALID, "file", "没有可导入的版本：%lld 行全部被"
                      "拒绝，什么也没有写入 (nothing was imported: every row was "
                      "refused)", (long long)im->rejected);
  if (!rc) {
    json_t *data = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:I, s:O, s:I}", "family",
        im->fam == FZ_DISC_BENCHMARKS ? "benchmarks" : "lenient_lists",
        "file_name", file_name ? file_name : "", "file_sm3",
        file_sm3 ? file_sm3 : "", "format", im->json ? "json" : "csv",
        "encoding", fz_disc_import_encoding(im), "rows", (json_int_t)im->rows,
        "versions", versions, "rejected", (json_int_t)im->rejected);
    rc = event(db, by, im->fam == FZ_DISC_BENCHMARKS ? "benchmark.import"
                                                     : "lenient_list.import",
               "import", file_sm3 && *file_sm3 ? file_sm3 : "-", data, now,
               err);
  }
  json_decref(rejected);
  json_decref(versions);
  return rc;
}

/* ---- Export ------------------------------------------------------------------------ */

/* Calls fn for every version of fam matching q, in id order. */
static fz_err each_version(fz_db *db, fz_disc_family fam,
                           const fz_disc_query *q,
                           fz_err (*fn)(void *ctx, const void *version,
                                        fz_error *err),
                           void *ctx, fz_error *err) {
  fz_disc_query p = *q;
  p.cursor = 0;
  int64_t ids[PAGE_MAX + 1];
  fz_bench *b = fam == FZ_DISC_BENCHMARKS ? malloc(sizeof *b) : NULL;
  if (fam == FZ_DISC_BENCHMARKS && !b)
    return fz_error_set(err, FZ_NOMEM, "", NULL);
  fz_err rc = FZ_OK;
  for (;;) {
    int n;
    if ((rc = select_ids(db, fam, &p, PAGE_MAX, ids, &n, err))) break;
    int more = n > PAGE_MAX;
    if (more) n = PAGE_MAX;
    for (int i = 0; !rc && i < n; i++) {
      if (fam == FZ_DISC_BENCHMARKS) {
        rc = fz_bench_load(db, ids[i], b, err);
        if (!rc) rc = fn(ctx, b, err);
      } else {
        fz_list l;
        rc = fz_list_load(db, ids[i], &l, err);
        if (!rc) rc = fn(ctx, &l, err);
        fz_list_clear(&l);
      }
    }
    if (rc || !more) break;
    p.cursor = ids[n - 1];
  }
  free(b);
  return rc;
}

typedef struct table_ctx {
  fz_disc_family fam;
  fz_table *t;
} table_ctx;

static const char *bool_cell(int v) { return v ? "是" : "否"; }

static void amount_cell(int present, int64_t fen, char *out, size_t size) {
  out[0] = 0;
  if (present) fz_money_format(fen, out, size);
}

static void range_cells(const fz_fine_range *r, char c[4][32]) {
  for (int i = 0; i < 4; i++) c[i][0] = 0;
  if (!r->present) return;
  if (r->times) {
    fz_disc_times_text(r->min, c[2], 32);
    fz_disc_times_text(r->max, c[3], 32);
  } else {
    fz_money_format(r->min, c[0], 32);
    fz_money_format(r->max, c[1], 32);
  }
}

static fz_err bench_rows(void *ctx, const void *version, fz_error *err) {
  table_ctx *t = ctx;
  const fz_bench *b = version;
  const char *punish = bool_cell(b->punishable);
  if (!b->ntiers) {
    const char *cells[NCOLS(bench_cols)] = {
        b->matter_code, b->version, b->effective_from, b->effective_to, b->law,
        b->article, punish, b->note};
    return fz_table_row(t->t, cells, NCOLS(bench_cols), err);
  }
  for (size_t i = 0; i < b->ntiers; i++) {
    const fz_bench_tier *x = &b->tiers[i];
    const fz_fine_rule *f = &x->fine;
    char harms[128] = "", kinds[512], split[32], lo[4][32], up[4][32],
         floor[32], ceiling[32];
    for (int h = 0; h < FZ_HARM__COUNT; h++)
      if (x->harms >> h & 1) {
        size_t l = strlen(harms);
        snprintf(harms + l, sizeof harms - l, "%s%s", l ? ";" : "",
                 harm_short[h]);
      }
    bits_text(x->kinds, penalty_kinds, FZ_PENALTY_KINDS, kinds, sizeof kinds);
    amount_cell(x->has_fine && f->has_split, f->split, split, sizeof split);
    range_cells(x->has_fine ? &f->lower : &(fz_fine_range){0}, lo);
    range_cells(x->has_fine ? &f->upper : &(fz_fine_range){0}, up);
    amount_cell(x->has_fine && f->has_floor, f->floor, floor, sizeof floor);
    amount_cell(x->has_fine && f->has_ceiling, f->ceiling, ceiling,
                sizeof ceiling);
    const char *base = !x->has_fine                ? ""
                       : f->base == FZ_BASE_GAINS ? "违法所得"
                       : f->base == FZ_BASE_GOODS ? "货值金额"
                                                  : "";
    const char *cells[NCOLS(bench_cols)] = {
        b->matter_code, b->version, b->effective_from, b->effective_to,
        b->law, b->article, punish, b->note, x->key,
        party_labels[x->party], harms, x->conditions, kinds, base, split,
        x->has_fine && f->has_split ? (f->split_upper ? "以上" : "以下") : "",
        lo[0], lo[1], lo[2], lo[3], up[0], up[1], up[2], up[3], floor,
        ceiling, x->basis};
    fz_err rc = fz_table_row(t->t, cells, NCOLS(bench_cols), err);
    if (rc) return rc;
  }
  return FZ_OK;
}

static fz_err list_rows(void *ctx, const void *version, fz_error *err) {
  table_ctx *t = ctx;
  const fz_list *l = version;
  for (size_t i = 0; i < l->nentries; i++) {
    const fz_list_entry *e = &l->entries[i];
    char grounds[256], gains[32], fl[8], cap[8];
    bits_text(e->grounds, ground_names, FZ_GROUNDS, grounds, sizeof grounds);
    amount_cell(e->has_max_gains, e->max_gains, gains, sizeof gains);
    snprintf(fl, sizeof fl, "%d", e->reduce_floor_pct);
    snprintf(cap, sizeof cap, "%d", e->lighten_cap_pct);
    const char *cells[NCOLS(list_cols)] = {
        list_kind_labels[l->kind], l->department_kind, l->name, l->version,
        l->effective_from, l->effective_to, l->law, l->article, l->note,
        e->matter_code, e->measure_code, party_labels[e->party],
        harm_short[e->max_harm], bool_cell(e->need_corrected),
        bool_cell(e->need_first), bool_cell(e->need_minor), grounds, gains,
        effect_labels[e->effect],
        e->effect == FZ_EFFECT_REDUCED ? fl : "",
        e->effect == FZ_EFFECT_LIGHTER ? cap : "", e->conditions, e->law,
        e->article};
    fz_err rc = fz_table_row(t->t, cells, NCOLS(list_cols), err);
    if (rc) return rc;
  }
  return FZ_OK;
}

fz_err fz_disc_export_table(fz_db *db, const fz_principal *by,
                            fz_disc_family fam, const fz_disc_query *q,
                            int xlsx, const char *path, FILE *f,
                            fz_error *err) {
  fz_err rc = need_read(by, err);
  if (rc) return rc;
  size_t n;
  const col *cols = family_cols(fam, &n);
  const char *labels[MAX_COLS];
  for (size_t i = 0; i < n; i++) labels[i] = cols[i].label;
  table_ctx t = {fam, NULL};
  fz_table_xlsx_opts o = {fam == FZ_DISC_BENCHMARKS ? "裁量基准" : "清单",
                          NULL, 0, 0};
  rc = xlsx ? fz_table_open_xlsx(&t.t, path, &o, err)
            : fz_table_open_csv(&t.t, f, err);
  if (rc) return rc;
  rc = fz_table_header(t.t, labels, n, err);
  if (!rc)
    rc = each_version(db, fam, q, fam == FZ_DISC_BENCHMARKS ? bench_rows
                                                            : list_rows,
                      &t, err);
  fz_error e2;
  fz_err rc2 = fz_table_close(t.t, rc ? &e2 : err);
  return rc ? rc : rc2;
}

typedef struct json_ctx {
  fz_disc_family fam;
  json_t *items;
} json_ctx;

static fz_err json_item(void *ctx, const void *version, fz_error *err) {
  json_ctx *j = ctx;
  json_t *o = j->fam == FZ_DISC_BENCHMARKS ? fz_bench_to_json(version, NULL)
                                           : fz_list_to_json(version, NULL);
  if (!o || json_array_append_new(j->items, o))
    return fz_error_set(err, FZ_NOMEM, "", NULL);
  return FZ_OK;
}

fz_err fz_disc_export_json(fz_db *db, const fz_principal *by,
                           fz_disc_family fam, const fz_disc_query *q,
                           json_t **out, fz_error *err) {
  *out = NULL;
  fz_err rc = need_read(by, err);
  if (rc) return rc;
  json_ctx j = {fam, json_array()};
  if (!j.items) return fz_error_set(err, FZ_NOMEM, "", NULL);
  rc = each_version(db, fam, q, json_item, &j, err);
  if (!rc) {
    *out = json_pack("{s:o}", fam == FZ_DISC_BENCHMARKS ? "benchmarks"
                                                        : "lists",
                     j.items);
    j.items = NULL;
    if (!*out) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  }
  json_decref(j.items);
  return rc;
}

/* ---- Demo -------------------------------------------------------------------------- */

static fz_err demo_file(fz_db *db, const fz_principal *by, fz_disc_family fam,
                        const char *name, int64_t now, int *versions,
                        fz_error *err) {
  const fz_embed *e = fz_embed_find(name);
  if (!e)
    return fz_error_set(err, FZ_NODATA, "file", "内置数据 %s 缺失 (embedded %s "
                        "is missing)", name, name);
  uint8_t h[FZ_HASH_LEN];
  char sm3[FZ_HASH_HEX];
  fz_hash(FZ_HASH_SM3, e->data, e->len, h);
  fz_hash_hex(h, sm3);
  fz_disc_import *im;
  fz_err rc = fz_disc_import_parse(fam, e->data, e->len, 0, &im, err);
  if (rc) return rc;
  json_t *report = NULL;
  rc = fz_disc_import_write(db, by, im, name, sm3, now, &report, err);
  if (!rc && fz_disc_import_rejected(im)) {
    /* The demo data must load whole: name the first refused row. */
    json_t *r0 = json_array_get(json_object_get(report, "rejected"), 0);
    rc = fz_error_set(err, FZ_NODATA, "file", "%s 第 %lld 行（%s）：%s", name,
                      (long long)json_integer_value(json_object_get(r0, "line")),
                      json_string_value(json_object_get(r0, "field")),
                      json_string_value(json_object_get(r0, "reason")));
  }
  if (!rc && versions)
    *versions += (int)json_integer_value(json_object_get(report, "created"));
  json_decref(report);
  fz_disc_import_free(im);
  return rc;
}

fz_err fz_discretion_demo(fz_db *db, const fz_principal *by, int64_t now,
                          int *versions, fz_error *err) {
  if (versions) *versions = 0;
  char *loaded = NULL;
  fz_err rc = fz_db_meta_get(db, "demo.discretion", &loaded, err);
  free(loaded);
  if (rc == FZ_OK) return FZ_OK;
  if (rc != FZ_NOTFOUND) return rc;
  fz_disc_matter m;
  if (fz_disc_matter_get(db, "SC-CF-001", &m, NULL))
    return fz_error_set(err, FZ_NODATA, "matters", "请先载入执法事项目录（fazhi "
                        "demo 的登记部分） (load the registry's matters first)");
  int own = !fz_db_in_transaction(db);
  if (own && (rc = fz_db_begin(db, err))) return rc;
  if (!now) now = fz_now_ms();
  rc = demo_file(db, by, FZ_DISC_BENCHMARKS, "data/discretion/benchmarks.csv",
                 now, versions, err);
  if (!rc)
    rc = demo_file(db, by, FZ_DISC_LISTS, "data/discretion/lists.csv", now,
                   versions, err);
  if (!rc) rc = fz_db_meta_set(db, "demo.discretion", "1", err);
  if (own) {
    if (rc) fz_db_rollback(db);
    else rc = fz_db_commit(db, err);
  }
  return rc;
}
