/* evaluate.c — a case's facts weighed against the 裁量基准 and the lenient
 * lists in force: the tier, the penalty kinds and fine range, every list
 * entry with each of its conditions met or not, the version applied under
 * 从旧兼从轻 (行政处罚法 Art. 37), and lines that explain all of it, each
 * citing its article; and the check of a decision against that. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "cases/discretion.h"
#include "core/clock.h"
#include "core/money.h"

#define LAW_PENALTY "中华人民共和国行政处罚法"
#define LAW_COERCION "中华人民共和国行政强制法"
#define MAX_LISTS 64 /* list versions in force for one matter on one date */

/* ---- Amounts in words ----------------------------------------------------- */

void fz_disc_amount_text(int64_t fen, char *out, size_t size) {
  char plain[32];
  fz_money_format(fen, plain, sizeof plain);
  const char *dot = strchr(plain, '.');
  const char *digits = plain[0] == '-' ? plain + 1 : plain;
  size_t nint = (size_t)(dot - digits), o = 0;
  char tmp[48];
  if (plain[0] == '-') tmp[o++] = '-';
  for (size_t i = 0; i < nint; i++) {
    if (i && (nint - i) % 3 == 0) tmp[o++] = ',';
    tmp[o++] = digits[i];
  }
  tmp[o] = 0;
  snprintf(out, size, "%s%s", tmp, dot);
}

void fz_disc_times_text(int64_t h, char *out, size_t size) {
  if (h % 100 == 0)
    snprintf(out, size, "%" PRId64, h / 100);
  else if (h % 10 == 0)
    snprintf(out, size, "%" PRId64 ".%" PRId64, h / 100, (h % 100) / 10);
  else
    snprintf(out, size, "%" PRId64 ".%02" PRId64, h / 100, h % 100);
}

/* Appends printf text to out (size bytes) after what it holds. */
static void cat(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void cat(char *out, size_t size, const char *fmt, ...) {
  size_t len = strlen(out);
  if (len + 1 >= size) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out + len, size - len, fmt, ap);
  va_end(ap);
}

static const char *base_label(fz_fine_base b) {
  return b == FZ_BASE_GAINS ? "违法所得" : b == FZ_BASE_GOODS ? "货值金额" : "";
}

/* "罚款 50,000.00 元以上 100,000.00 元以下" or "货值金额 10 倍以上 20 倍以下". */
static void range_words(const fz_fine_rule *rule, const fz_fine_range *r,
                        char *out, size_t size) {
  char a[48], b[48];
  if (r->times) {
    fz_disc_times_text(r->min, a, sizeof a);
    fz_disc_times_text(r->max, b, sizeof b);
    cat(out, size, "%s %s 倍以上 %s 倍以下", base_label(rule->base), a, b);
  } else {
    fz_disc_amount_text(r->min, a, sizeof a);
    fz_disc_amount_text(r->max, b, sizeof b);
    if (r->min == 0)
      cat(out, size, "罚款 %s 元以下", b);
    else
      cat(out, size, "罚款 %s 元以上 %s 元以下", a, b);
  }
}

void fz_fine_describe(const fz_fine_rule *rule, char *text, size_t size) {
  text[0] = 0;
  char s[48];
  if (rule->has_split) {
    fz_disc_amount_text(rule->split, s, sizeof s);
    cat(text, size, "%s%s %s 元的，", base_label(rule->base),
        rule->split_upper ? "不足" : "不超过", s);
    range_words(rule, &rule->lower, text, size);
    cat(text, size, "；%s %s 元%s的，", base_label(rule->base), s,
        rule->split_upper ? "以上" : "以上（不含本数）");
    range_words(rule, &rule->upper, text, size);
  } else {
    range_words(rule, &rule->lower, text, size);
  }
  if (rule->has_floor) {
    fz_disc_amount_text(rule->floor, s, sizeof s);
    cat(text, size, "，且不低于 %s 元", s);
  }
  if (rule->has_ceiling) {
    fz_disc_amount_text(rule->ceiling, s, sizeof s);
    cat(text, size, "，且不高于 %s 元", s);
  }
}

/* base × hundredths / 100, rounded down or up, exact in 64 bits for any
 * base up to FZ_MONEY_MAX and multiples up to 10^4 hundredths. */
static int64_t times_of(int64_t base, int64_t h, int up) {
  int64_t q = base / 100, r = base % 100;
  return q * h + (r * h + (up ? 99 : 0)) / 100;
}

fz_err fz_fine_compute(const fz_fine_rule *rule, int64_t gains, int64_t goods,
                       int64_t *min, int64_t *max, char *text, size_t size,
                       fz_error *err) {
  char a[48], b[48];
  int64_t base = 0;
  text[0] = 0;
  if (rule->base == FZ_BASE_GOODS) {
    if (goods < 0)
      return fz_error_set(err, FZ_INVALID, "goods_value",
                          "本档罚款按货值金额计算，请填写货值金额 (this tier's "
                          "fine is computed from the value of the goods: "
                          "state goods_value)");
    base = goods;
    fz_disc_amount_text(base, a, sizeof a);
    cat(text, size, "货值金额 %s 元", a);
  } else if (rule->base == FZ_BASE_GAINS) {
    base = gains < 0 ? 0 : gains;
    if (base == 0) {
      cat(text, size, "没有违法所得");
    } else {
      fz_disc_amount_text(base, a, sizeof a);
      cat(text, size, "违法所得 %s 元", a);
    }
  }
  const fz_fine_range *r = &rule->lower;
  if (rule->has_split) {
    int upper = base > rule->split || (base == rule->split && rule->split_upper);
    r = upper ? &rule->upper : &rule->lower;
    fz_disc_amount_text(rule->split, b, sizeof b);
    if (base == rule->split)
      cat(text, size, "，恰为分段金额 %s 元，按%s一段计算", b,
          upper ? "以上" : "以下");
    else if (upper)
      cat(text, size, "，%s %s 元", rule->split_upper ? "在" : "超过", b);
    else if (base == 0 && rule->base == FZ_BASE_GAINS)
      cat(text, size, "，适用没有违法所得或者不足 %s 元的一段", b);
    else
      cat(text, size, "，不足 %s 元", b);
    if (upper && rule->split_upper && base != rule->split) cat(text, size, "以上");
  }
  if (text[0]) cat(text, size, "：");
  int64_t lo, hi;
  if (r->times) {
    lo = times_of(base, r->min, 1);
    hi = times_of(base, r->max, 0);
    if (lo > hi) lo = hi = times_of(base, r->min, 0); /* one multiple, not whole 分 */
    fz_disc_times_text(r->min, a, sizeof a);
    fz_disc_times_text(r->max, b, sizeof b);
    cat(text, size, "%s %s 倍以上 %s 倍以下，即", base_label(rule->base), a, b);
  } else {
    lo = r->min;
    hi = r->max;
  }
  fz_disc_amount_text(lo, a, sizeof a);
  fz_disc_amount_text(hi, b, sizeof b);
  cat(text, size, "罚款 %s 元以上 %s 元以下", a, b);
  if (rule->has_floor && (lo < rule->floor || hi < rule->floor)) {
    if (lo < rule->floor) lo = rule->floor;
    if (hi < rule->floor) hi = rule->floor;
    fz_disc_amount_text(rule->floor, a, sizeof a);
    cat(text, size, "；不低于 %s 元", a);
  }
  if (rule->has_ceiling && (hi > rule->ceiling || lo > rule->ceiling)) {
    if (hi > rule->ceiling) hi = rule->ceiling;
    if (lo > rule->ceiling) lo = rule->ceiling;
    fz_disc_amount_text(rule->ceiling, a, sizeof a);
    cat(text, size, "；不高于 %s 元", a);
  }
  if (rule->has_floor || rule->has_ceiling) {
    fz_disc_amount_text(lo, a, sizeof a);
    fz_disc_amount_text(hi, b, sizeof b);
    cat(text, size, "，即 %s 元以上 %s 元以下", a, b);
  }
  *min = lo;
  *max = hi;
  return FZ_OK;
}

/* ---- Facts ------------------------------------------------------------------ */

/* A boolean member: absent or null is dflt. */
static fz_err get_bool(const json_t *o, const char *name, int dflt, int *out,
                       fz_error *err) {
  const json_t *v = json_object_get(o, name);
  if (!v || json_is_null(v)) {
    *out = dflt;
    return FZ_OK;
  }
  if (!json_is_boolean(v))
    return fz_error_set(err, FZ_TYPE, name, "%s 应为 true 或 false (%s must "
                        "be a boolean)", name, name);
  *out = json_is_true(v);
  return FZ_OK;
}

static fz_err get_string(const json_t *o, const char *name, int required,
                         const char **out, fz_error *err) {
  const json_t *v = json_object_get(o, name);
  *out = NULL;
  if (!v || json_is_null(v)) {
    if (required)
      return fz_error_set(err, FZ_MISSING, name, "缺少 %s (%s is required)",
                          name, name);
    return FZ_OK;
  }
  if (!json_is_string(v))
    return fz_error_set(err, FZ_TYPE, name, "%s 应为字符串 (%s must be a "
                        "string)", name, name);
  *out = json_string_value(v);
  return FZ_OK;
}

static fz_err get_amount(const json_t *o, const char *name, int64_t *out,
                         fz_error *err) {
  const json_t *v = json_object_get(o, name);
  *out = -1;
  if (!v || json_is_null(v)) return FZ_OK;
  return fz_money_json(v, name, out, err);
}

fz_err fz_offence_facts_from_json(const json_t *obj, fz_offence_facts *f,
                                  fz_error *err) {
  memset(f, 0, sizeof *f);
  f->first_offence = -1;
  f->illegal_gains_fen = f->goods_value_fen = -1;
  if (!json_is_object(obj))
    return fz_error_set(err, FZ_TYPE, "", "案情应为 JSON 对象 (the facts are "
                        "a JSON object)");
  fz_err rc = get_string(obj, "matter_code", 1, &f->matter_code, err);
  if (!rc) rc = get_string(obj, "act_date", 1, &f->act_date, err);
  if (!rc) rc = get_string(obj, "decision_date", 0, &f->decision_date, err);
  if (!rc) rc = get_string(obj, "harm", 1, &f->harm, err);
  if (rc) return rc;
  const json_t *p = json_object_get(obj, "party_is_person");
  const char *party = NULL;
  if (p && !json_is_null(p)) {
    rc = get_bool(obj, "party_is_person", 0, &f->party_is_person, err);
  } else {
    rc = get_string(obj, "party", 0, &party, err);
    if (!rc && party) {
      if (strcmp(party, "person") == 0 || strcmp(party, "公民") == 0)
        f->party_is_person = 1;
      else if (strcmp(party, "organisation") != 0 &&
               strcmp(party, "法人或者其他组织") != 0)
        rc = fz_error_set(err, FZ_INVALID, "party", "当事人类型应为 person"
                          "（公民）或 organisation（法人或者其他组织） (party is "
                          "person or organisation)");
    }
  }
  if (!rc) rc = get_bool(obj, "corrected", 0, &f->corrected, err);
  if (!rc) rc = get_bool(obj, "no_fault", 0, &f->no_fault, err);
  if (!rc) rc = get_bool(obj, "minor_age", 0, &f->minor_age, err);
  if (rc) return rc;
  const json_t *fo = json_object_get(obj, "first_offence");
  if (fo && !json_is_null(fo)) {
    if (!json_is_boolean(fo))
      return fz_error_set(err, FZ_TYPE, "first_offence", "first_offence 应为 "
                          "true、false 或 null（不明） (true, false or null "
                          "for unknown)");
    f->first_offence = json_is_true(fo);
  }
  const json_t *g = json_object_get(obj, "grounds");
  if (g && !json_is_null(g)) {
    if (!json_is_array(g))
      return fz_error_set(err, FZ_TYPE, "grounds", "grounds 应为数组 (an array "
                          "of Art. 32 ground keys)");
    f->grounds = g;
  }
  rc = get_amount(obj, "illegal_gains", &f->illegal_gains_fen, err);
  if (!rc) rc = get_amount(obj, "goods_value", &f->goods_value_fen, err);
  return rc;
}

/* ---- The evaluation ------------------------------------------------------------ */

/* What one version says for the case. */
typedef struct verdict {
  const fz_bench *b;
  int tier;         /* index, -1 when not punishable */
  int has_fine;
  int64_t min, max; /* 分, 0 without a fine */
  char computed[1024];
} verdict;

/* The facts, checked. */
typedef struct facts {
  const fz_offence_facts *f;
  fz_harm harm;
  fz_party party;
  unsigned grounds;
  char act[11], decision[11];
} facts;

static fz_err check_facts(const fz_offence_facts *f, facts *x, fz_error *err) {
  memset(x, 0, sizeof *x);
  x->f = f;
  fz_date d1, d2;
  if (!f->matter_code || !*f->matter_code)
    return fz_error_set(err, FZ_MISSING, "matter_code", "缺少执法事项编码 "
                        "(matter_code is required)");
  if (!f->act_date)
    return fz_error_set(err, FZ_MISSING, "act_date", "缺少违法行为发生日期 "
                        "(act_date is required)");
  fz_err rc = fz_date_parse(f->act_date, &d1, err);
  if (rc) {
    fz_error_set_field(err, "act_date");
    return FZ_INVALID;
  }
  if (f->decision_date) {
    if (fz_date_parse(f->decision_date, &d2, err)) {
      fz_error_set_field(err, "decision_date");
      return FZ_INVALID;
    }
    snprintf(x->decision, sizeof x->decision, "%s", f->decision_date);
  } else {
    fz_civil_date(fz_now_ms(), x->decision);
    if (fz_date_parse(x->decision, &d2, err)) return FZ_INTERNAL;
  }
  snprintf(x->act, sizeof x->act, "%s", f->act_date);
  if (fz_date_cmp(d2, d1) < 0)
    return fz_error_set(err, FZ_INVALID, "decision_date", "决定日期 %s 早于违法"
                        "行为发生日期 %s (the decision cannot precede the act)",
                        x->decision, x->act);
  if (!f->harm)
    return fz_error_set(err, FZ_MISSING, "harm", "缺少危害后果程度 (harm is "
                        "required: none, slight, general, serious or severe)");
  if ((rc = fz_harm_parse(f->harm, "harm", &x->harm, err))) return rc;
  x->party = f->party_is_person ? FZ_PARTY_PERSON : FZ_PARTY_ORGANISATION;
  if (f->minor_age && !f->party_is_person)
    return fz_error_set(err, FZ_INVALID, "minor_age", "未成年人只能是公民 "
                        "(行政处罚法 Art. 30: only a natural person can be a "
                        "minor)");
  if (f->first_offence < -1 || f->first_offence > 1)
    return fz_error_set(err, FZ_INVALID, "first_offence", "first_offence 应为 "
                        "1、0 或 -1（不明） (1, 0 or -1 for unknown)");
  if (f->illegal_gains_fen < -1 || f->illegal_gains_fen > FZ_MONEY_MAX)
    return fz_error_set(err, FZ_INVALID, "illegal_gains", "违法所得金额无效 "
                        "(illegal gains out of range)");
  if (f->goods_value_fen < -1 || f->goods_value_fen > FZ_MONEY_MAX)
    return fz_error_set(err, FZ_INVALID, "goods_value", "货值金额无效 (goods "
                        "value out of range)");
  if (f->grounds) {
    if (!json_is_array(f->grounds))
      return fz_error_set(err, FZ_TYPE, "grounds", "grounds 应为数组 (an array "
                          "of Art. 32 ground keys)");
    size_t i;
    const json_t *g;
    json_array_foreach(f->grounds, i, g) {
      int k = json_is_string(g) ? fz_ground_find(json_string_value(g)) : -1;
      if (k < 0)
        return fz_error_set(err, FZ_INVALID, "grounds", "未知的从轻减轻情形 "
                            "(行政处罚法 Art. 32 grounds are eliminated_harm, "
                            "coerced, confessed, meritorious, other_legal)");
      x->grounds |= 1u << k;
    }
  }
  return FZ_OK;
}

static int party_covers(fz_party tier, fz_party who) {
  return tier == FZ_PARTY_ANY || tier == who;
}

/* The tier of b for the facts and its range. */
static fz_err judge(const fz_bench *b, const facts *x, verdict *v,
                    fz_error *err) {
  memset(v, 0, sizeof *v);
  v->b = b;
  v->tier = -1;
  if (!b->punishable) return FZ_OK;
  for (size_t i = 0; i < b->ntiers; i++)
    if ((b->tiers[i].harms >> x->harm & 1) &&
        party_covers(b->tiers[i].party, x->party))
      v->tier = (int)i;
  if (v->tier < 0)
    return fz_error_set(err, FZ_NODATA, "harm", "裁量基准 %s（%s）没有适用于"
                        "该危害程度和当事人的档次 (benchmark %" PRId64 " has no "
                        "tier for this harm and party)",
                        b->matter_code, b->version, b->id);
  const fz_bench_tier *t = &b->tiers[v->tier];
  v->has_fine = t->has_fine;
  if (!t->has_fine) return FZ_OK;
  return fz_fine_compute(&t->fine, x->f->illegal_gains_fen,
                         x->f->goods_value_fen, &v->min, &v->max, v->computed,
                         sizeof v->computed, err);
}

/* The lowest minimum and highest maximum over b's fined tiers for the
 * party: the statutory range the tiers divide. */
static fz_err statutory(const fz_bench *b, const facts *x, int64_t *min,
                        int64_t *max, int *any, fz_error *err) {
  *any = 0;
  *min = *max = 0;
  for (size_t i = 0; i < b->ntiers; i++) {
    const fz_bench_tier *t = &b->tiers[i];
    if (!t->has_fine || !party_covers(t->party, x->party)) continue;
    int64_t lo, hi;
    char text[512];
    fz_err rc = fz_fine_compute(&t->fine, x->f->illegal_gains_fen,
                                x->f->goods_value_fen, &lo, &hi, text,
                                sizeof text, err);
    if (rc) return rc;
    if (!*any || lo < *min) *min = lo;
    if (!*any || hi > *max) *max = hi;
    *any = 1;
  }
  return FZ_OK;
}

static json_t *money(int64_t fen) { return fz_money_to_json(fen); }

static void citation(char *out, size_t size, const char *law,
                     const char *article) {
  snprintf(out, size, "《%s》%s", law, article);
}

/* Appends {text, citation} to lines. */
static void line(json_t *lines, const char *cite, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void line(json_t *lines, const char *cite, const char *fmt, ...) {
  char text[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  json_array_append_new(lines, json_pack("{s:s, s:s}", "text", text,
                                         "citation", cite));
}

static json_t *version_json(const verdict *v) {
  if (!v->b) return json_null();
  const fz_bench *b = v->b;
  return json_pack(
      "{s:I, s:s, s:s, s:o, s:b, s:o, s:o, s:o}", "id", (json_int_t)b->id,
      "version", b->version, "effective_from", b->effective_from,
      "effective_to", b->effective_to[0] ? json_string(b->effective_to)
                                         : json_null(),
      "punishable", b->punishable, "tier",
      v->tier >= 0 ? json_string(b->tiers[v->tier].key) : json_null(), "min",
      v->has_fine ? money(v->min) : json_null(), "max",
      v->has_fine ? money(v->max) : json_null());
}

/* "2019版（2020-01-01 起施行）" */
static void version_words(const fz_bench *b, char *out, size_t size) {
  if (b->effective_to[0])
    snprintf(out, size, "「%s」（%s 至 %s 有效）", b->version,
             b->effective_from, b->effective_to);
  else
    snprintf(out, size, "「%s」（%s 起施行）", b->version, b->effective_from);
}

/* What a verdict's tier allows, in words, for the comparison. */
static void verdict_words(const verdict *v, char *out, size_t size) {
  char a[48], b[48];
  if (!v->b->punishable) {
    snprintf(out, size, "不再处罚该行为");
  } else if (!v->has_fine) {
    snprintf(out, size, "「%s」档，不处罚款", v->b->tiers[v->tier].key);
  } else {
    fz_disc_amount_text(v->min, a, sizeof a);
    fz_disc_amount_text(v->max, b, sizeof b);
    snprintf(out, size, "「%s」档，罚款 %s 元至 %s 元", v->b->tiers[v->tier].key,
             a, b);
  }
}

/* Art. 37: 1 when the version at the decision is to be applied. */
static int decision_is_lighter(const verdict *act, const verdict *dec,
                               const char **why) {
  if (!dec->b->punishable) {
    *why = "作出决定时的规定已不再处罚该行为，适用新的规定";
    return 1;
  }
  if (!act->b->punishable) {
    *why = "违法行为发生时的规定不处罚该行为，适用行为时的规定";
    return 0;
  }
  int64_t amax = act->has_fine ? act->max : 0, dmax = dec->has_fine ? dec->max : 0;
  int64_t amin = act->has_fine ? act->min : 0, dmin = dec->has_fine ? dec->min : 0;
  if (dmax < amax) {
    *why = "作出决定时的基准对本案档次规定的罚款上限较低，处罚较轻，适用新的规定";
    return 1;
  }
  if (dmax == amax && dmin < amin) {
    *why = "两版基准罚款上限相同，作出决定时的基准下限较低，处罚较轻，适用新的规定";
    return 1;
  }
  *why = "作出决定时的基准处罚不轻于行为时的基准，适用违法行为发生时的基准";
  return 0;
}

/* One entry's conditions against the facts. */
typedef struct entry_result {
  json_t *checks;
  int verdict; /* 1 applies, 0 not, -1 undetermined */
  char why[1024];
} entry_result;

static void check_add(entry_result *r, const char *condition, json_t *required,
                      json_t *actual, int met) {
  json_array_append_new(
      r->checks,
      json_pack("{s:s, s:o, s:o, s:o}", "condition", condition, "required",
                required, "actual", actual, "met",
                met < 0 ? json_null() : json_boolean(met)));
  if (met == 0) {
    if (r->verdict != 0) r->why[0] = 0;
    r->verdict = 0;
    cat(r->why, sizeof r->why, "%s%s", r->why[0] ? "；" : "不满足：", condition);
  } else if (met < 0 && r->verdict != 0) {
    if (r->verdict == 1) r->why[0] = 0;
    r->verdict = -1;
    cat(r->why, sizeof r->why, "%s%s", r->why[0] ? "；" : "待查明：", condition);
  }
}

static json_t *grounds_json(unsigned bits) {
  json_t *a = json_array();
  for (int i = 0; i < FZ_GROUNDS; i++)
    if (bits >> i & 1) json_array_append_new(a, json_string(fz_ground_name(i)));
  return a;
}

static void judge_entry(const fz_list_entry *e, const facts *x,
                        entry_result *r) {
  char c[256];
  r->checks = json_array();
  r->verdict = 1;
  r->why[0] = 0;
  const fz_offence_facts *f = x->f;
  if (e->party != FZ_PARTY_ANY) {
    snprintf(c, sizeof c, "当事人为%s", fz_party_label(e->party));
    check_add(r, c, json_string(fz_party_name(e->party)),
              json_string(fz_party_name(x->party)), e->party == x->party);
  }
  snprintf(c, sizeof c, "危害后果不超过「%s」", fz_harm_label(e->max_harm));
  check_add(r, c, json_string(fz_harm_name(e->max_harm)),
            json_string(fz_harm_name(x->harm)), x->harm <= e->max_harm);
  if (e->need_corrected)
    check_add(r, "及时改正", json_true(), json_boolean(f->corrected),
              f->corrected != 0);
  if (e->need_first)
    check_add(r, "初次违法", json_true(),
              f->first_offence < 0 ? json_null() : json_boolean(f->first_offence),
              f->first_offence < 0 ? -1 : f->first_offence);
  if (e->need_minor)
    check_add(r, "已满十四周岁不满十八周岁", json_true(),
              json_boolean(f->minor_age), f->minor_age != 0);
  if (e->grounds) {
    c[0] = 0;
    for (int i = 0; i < FZ_GROUNDS; i++)
      if (e->grounds >> i & 1)
        cat(c, sizeof c, "%s%s", c[0] ? "或" : "具有情形：", fz_ground_label(i));
    check_add(r, c, grounds_json(e->grounds), grounds_json(x->grounds),
              (e->grounds & x->grounds) != 0);
  }
  if (e->has_max_gains) {
    char a[48];
    fz_disc_amount_text(e->max_gains, a, sizeof a);
    snprintf(c, sizeof c, "违法所得不超过 %s 元", a);
    int64_t g = f->illegal_gains_fen < 0 ? 0 : f->illegal_gains_fen;
    check_add(r, c, money(e->max_gains), money(g), g <= e->max_gains);
  }
  if (r->verdict == 1) snprintf(r->why, sizeof r->why, "全部条件满足");
}

/* A list entry as evaluated, with where it was found. */
typedef struct considered {
  const fz_list *l;
  const fz_list_entry *e;
  size_t index;
  int at_act, at_decision;
  entry_result r;
} considered;

static fz_err load_lists(fz_db *db, const char *matter, const char *dk,
                         const char *date, fz_list *lists, size_t *nlists,
                         int *flags, int flag, fz_error *err) {
  int64_t ids[MAX_LISTS];
  size_t n;
  fz_err rc = fz_list_in_force(db, dk, date, ids, MAX_LISTS, &n, err);
  for (size_t i = 0; !rc && i < n; i++) {
    size_t j = 0;
    while (j < *nlists && lists[j].id != ids[i]) j++;
    if (j == *nlists) {
      if (*nlists == 2 * MAX_LISTS) break;
      rc = fz_list_load_for(db, ids[i], matter, &lists[j], err);
      if (rc) break;
      flags[j] = 0;
      (*nlists)++;
    }
    flags[j] |= flag;
  }
  return rc;
}

fz_err fz_discretion_evaluate(fz_db *db, const fz_offence_facts *f,
                              json_t **out, fz_error *err) {
  *out = NULL;
  facts x;
  fz_err rc = check_facts(f, &x, err);
  if (rc) return rc;
  fz_disc_matter m;
  if ((rc = fz_disc_matter_get(db, f->matter_code, &m, err))) {
    if (rc == FZ_NOTFOUND) {
      fz_error_set_field(err, "matter_code");
      return FZ_INVALID;
    }
    return rc;
  }

  /* The versions in force at the act and at the decision. */
  fz_bench *ba = malloc(sizeof *ba), *bd = malloc(sizeof *bd);
  /* Not zeroed: fz_list_load_for sets each list as it is loaded, and only
   * the first nlists are ever read.  (Zeroing all of them cost more than
   * the rest of an evaluation.) */
  fz_list *lists = malloc(2 * MAX_LISTS * sizeof *lists);
  int *flags = calloc(2 * MAX_LISTS, sizeof *flags);
  considered *cons = NULL;
  size_t nlists = 0, ncons = 0;
  json_t *o = NULL, *lines = json_array(), *jl = json_array();
  if (!ba || !bd || !lists || !flags || !lines || !jl) {
    rc = fz_error_set(err, FZ_NOMEM, "", NULL);
    goto out;
  }
  int have_a = 0, have_d = 0;
  fz_error e2;
  rc = fz_bench_in_force(db, m.code, x.act, ba, &e2);
  if (rc == FZ_OK) have_a = 1;
  else if (rc != FZ_NOTFOUND) goto fail2;
  rc = fz_bench_in_force(db, m.code, x.decision, bd, &e2);
  if (rc == FZ_OK) have_d = 1;
  else if (rc != FZ_NOTFOUND) goto fail2;
  rc = FZ_OK;
  if (!have_a && !have_d) {
    rc = fz_error_set(err, FZ_NODATA, "matter_code",
                      "执法事项 %s 在违法行为发生时（%s）和作出决定时（%s）均没有"
                      "有效的裁量基准 (no benchmark of matter %s is in force on "
                      "the act date %s or the decision date %s)",
                      m.code, x.act, x.decision, m.code, x.act, x.decision);
    goto out;
  }
  if (have_a && have_d && ba->id == bd->id) have_d = 2; /* the same one */
  verdict va = {0}, vd = {0};
  if (have_a && (rc = judge(ba, &x, &va, err))) goto out;
  if (have_d == 1 && (rc = judge(bd, &x, &vd, err))) goto out;

  char cite[512], cite37[128], cite33_3[128], a[48], b[48];
  citation(cite37, sizeof cite37, LAW_PENALTY, "第三十七条");
  citation(cite33_3, sizeof cite33_3, LAW_PENALTY, "第三十三条第三款");
  citation(cite, sizeof cite, m.law, m.article);
  line(lines, cite, "执法事项 %s「%s」，实施依据%s%s", m.code, m.name, m.law,
       m.article);

  /* 从旧兼从轻. */
  const verdict *ap;
  const char *why;
  char wa[256], wd[256], why_buf[1024];
  if (have_a && have_d == 1) {
    int dec = decision_is_lighter(&va, &vd, &why);
    ap = dec ? &vd : &va;
    version_words(ba, wa, sizeof wa);
    version_words(bd, wd, sizeof wd);
    char ta[128], td[128];
    verdict_words(&va, ta, sizeof ta);
    verdict_words(&vd, td, sizeof td);
    snprintf(why_buf, sizeof why_buf, "违法行为发生时（%s）有效的基准为%s，"
             "本案为%s；作出决定时（%s）有效的基准为%s，本案为%s。%s",
             x.act, wa, ta, x.decision, wd, td, why);
  } else if (have_a) {
    ap = &va;
    version_words(ba, wa, sizeof wa);
    snprintf(why_buf, sizeof why_buf, "违法行为发生时（%s）和作出决定时（%s）"
             "适用同一版基准%s",
             x.act, x.decision, wa);
    if (have_d != 2)
      snprintf(why_buf, sizeof why_buf, "违法行为发生时（%s）有效的基准为%s；"
               "作出决定时（%s）没有有效的基准，适用行为时的基准",
               x.act, wa, x.decision);
  } else {
    ap = &vd;
    version_words(bd, wd, sizeof wd);
    snprintf(why_buf, sizeof why_buf, "违法行为发生时（%s）本事项尚无裁量基准；"
             "作出决定时（%s）有效的基准为%s，适用该基准",
             x.act, x.decision, wd);
  }
  line(lines, cite37, "%s", why_buf);
  const fz_bench *bx = ap->b;
  char bcite[512];
  citation(bcite, sizeof bcite, bx->law, bx->article);

  /* The tier, kinds and range. */
  json_t *tier = json_null(), *kinds = json_array(), *range = json_null();
  json_t *stat = json_null();
  const fz_bench_tier *t = ap->tier >= 0 ? &bx->tiers[ap->tier] : NULL;
  int64_t smin = 0, smax = 0;
  int sany = 0;
  if (t) {
    json_t *harms = json_array();
    for (int h = 0; h < FZ_HARM__COUNT; h++)
      if (t->harms >> h & 1) json_array_append_new(harms, json_string(fz_harm_name((fz_harm)h)));
    tier = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}", "key", t->key, "party",
                     fz_party_name(t->party), "harms", harms, "conditions",
                     t->conditions, "basis", t->basis[0] ? t->basis : bcite,
                     "citation", bcite);
    line(lines, bcite, "%s、当事人为%s：适用「%s」档（%s）%s%s",
         fz_harm_label(x.harm), fz_party_label(x.party), t->key,
         t->conditions, t->basis[0] ? "；档次依据：" : "", t->basis);
    char kw[512] = "";
    for (int i = 0; i < FZ_PENALTY_KINDS; i++)
      if (t->kinds >> i & 1) {
        json_array_append_new(kinds, json_string(fz_penalty_kind_name(i)));
        cat(kw, sizeof kw, "%s%s", kw[0] ? "、" : "", fz_penalty_kind_name(i));
      }
    line(lines, bcite, "可以适用的处罚种类：%s", kw);
    if (ap->has_fine) {
      range = json_pack("{s:o, s:o, s:s, s:s}", "min", money(ap->min), "max",
                        money(ap->max), "computed", ap->computed, "citation",
                        bcite);
      line(lines, bcite, "罚款幅度：%s", ap->computed);
      if ((rc = statutory(bx, &x, &smin, &smax, &sany, err))) goto out_t;
      if (sany)
        stat = json_pack("{s:o, s:o}", "min", money(smin), "max", money(smax));
    } else {
      line(lines, bcite, "本档不处罚款");
    }
  }

  /* First offence. */
  const char *fo_text = f->first_offence == 1   ? "初次违法"
                        : f->first_offence == 0 ? "非初次违法"
                                                : "是否初次违法尚不明确";
  char cite33[128];
  citation(cite33, sizeof cite33, LAW_PENALTY, "第三十三条第一款");
  json_t *first = json_pack("{s:o, s:s}", "value",
                            f->first_offence < 0 ? json_null()
                                                 : json_boolean(f->first_offence),
                            "text", fo_text);
  json_t *undetermined = json_array();

  /* The lists: every entry for this matter in force at either date. */
  int no_penalty = 0, mandatory = 0, no_coercion = 0;
  int mit = 0; /* 0 none, 1 从轻, 2 减轻 */
  int floor_pct = 100, cap_pct = 100;
  char mit_cite[512] = "", mit_rule[1024] = "";
  rc = load_lists(db, m.code, m.department_kind, x.act, lists, &nlists, flags,
                  1, err);
  if (!rc)
    rc = load_lists(db, m.code, m.department_kind, x.decision, lists, &nlists,
                    flags, 2, err);
  size_t total = 0;
  for (size_t i = 0; !rc && i < nlists; i++) total += lists[i].nentries;
  if (!rc && total && !(cons = calloc(total, sizeof *cons)))
    rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  if (rc) goto out_f;
  int need_first_unknown = 0;
  for (size_t i = 0; i < nlists; i++)
    for (size_t k = 0; k < lists[i].nentries; k++) {
      considered *c = &cons[ncons++];
      c->l = &lists[i];
      c->e = &lists[i].entries[k];
      c->index = k;
      c->at_act = flags[i] & 1;
      c->at_decision = (flags[i] & 2) >> 1;
      judge_entry(c->e, &x, &c->r);
      if (c->r.verdict < 0 && c->e->need_first && f->first_offence < 0)
        need_first_unknown = 1;
    }
  if (need_first_unknown) {
    json_array_append_new(undetermined, json_string("first_offence"));
    line(lines, cite33, "%s：须先查明当事人在本事项上是否初次违法，才能判断"
         "以初次违法为条件的清单事项是否适用", fo_text);
  } else {
    line(lines, cite33, "初次违法情况：%s", fo_text);
  }
  for (size_t i = 0; i < ncons; i++) {
    considered *c = &cons[i];
    const fz_list_entry *e = c->e;
    char ecite[512];
    citation(ecite, sizeof ecite, e->law, e->article);
    json_t *in_force = json_array();
    if (c->at_act) json_array_append_new(in_force, json_string("act"));
    if (c->at_decision) json_array_append_new(in_force, json_string("decision"));
    json_array_append_new(
        jl, json_pack("{s:I, s:s, s:s, s:s, s:o, s:I, s:o, s:s, s:s, s:s, "
                      "s:s, s:o, s:o, s:s}",
                      "list_id", (json_int_t)c->l->id, "list_name", c->l->name,
                      "kind", fz_list_kind_name(c->l->kind), "version",
                      c->l->version, "in_force_at", in_force, "entry",
                      (json_int_t)c->index + 1, "matter_code",
                      e->matter_code[0] ? json_string(e->matter_code)
                                        : json_null(),
                      "effect", fz_effect_name(e->effect), "effect_label",
                      fz_effect_label(e->effect), "conditions", e->conditions,
                      "citation", ecite, "checks", c->r.checks, "applies",
                      c->r.verdict < 0 ? json_null() : json_boolean(c->r.verdict),
                      "why", c->r.why));
    c->r.checks = NULL; /* stolen */
    const char *verdict_text = c->r.verdict > 0   ? "适用"
                               : c->r.verdict < 0 ? "尚不能确定是否适用"
                                                  : "不适用";
    line(lines, ecite, "%s「%s」第 %zu 项（%s，%s）：%s——%s", c->l->name,
         c->l->version, c->index + 1, fz_effect_label(e->effect),
         e->conditions, verdict_text, c->r.why);
    if (c->r.verdict <= 0) continue;
    switch (e->effect) {
    case FZ_EFFECT_NO_PENALTY:
      mandatory = 1;
      /* fall through */
    case FZ_EFFECT_MAY_NO_PENALTY:
      no_penalty = 1;
      break;
    case FZ_EFFECT_REDUCED:
      if (mit < 2 || e->reduce_floor_pct < floor_pct) {
        floor_pct = e->reduce_floor_pct;
        snprintf(mit_cite, sizeof mit_cite, "%s", ecite);
      }
      mit = 2;
      break;
    case FZ_EFFECT_LIGHTER:
      if (mit < 2 && (mit == 0 || e->lighten_cap_pct < cap_pct)) {
        cap_pct = e->lighten_cap_pct;
        snprintf(mit_cite, sizeof mit_cite, "%s", ecite);
        mit = 1;
      }
      break;
    case FZ_EFFECT_NO_COERCION:
      no_coercion = 1;
      break;
    default:
      break;
    }
  }
  if (nlists && ncons == 0)
    line(lines, cite33, "现行免罚、从轻减轻、不予强制清单中没有本事项的条目");
  else if (!nlists)
    line(lines, cite33, "违法行为发生时和作出决定时均没有适用于本事项的免罚、"
         "从轻减轻或不予强制清单");

  /* The statutes themselves. */
  if (f->no_fault) {
    char c2[128];
    citation(c2, sizeof c2, LAW_PENALTY, "第三十三条第二款");
    line(lines, c2, "当事人有证据足以证明没有主观过错，不予行政处罚（法律、行政"
         "法规另有规定的，从其规定）");
    no_penalty = mandatory = 1;
  }
  if (!bx->punishable) {
    line(lines, cite37, "适用的规定不再处罚该行为，不予行政处罚");
    no_penalty = mandatory = 1;
  }
  if (x.harm == FZ_HARM_NONE && f->corrected && !no_penalty)
    line(lines, cite33, "提示：违法行为轻微并及时改正，没有造成危害后果的，不予"
         "行政处罚；免罚清单未覆盖本案，须由办案机构判断违法行为是否轻微");
  if (x.grounds || f->minor_age) {
    char c2[128], gw[512] = "";
    citation(c2, sizeof c2, LAW_PENALTY,
             x.grounds ? "第三十二条" : "第三十条");
    for (int i = 0; i < FZ_GROUNDS; i++)
      if (x.grounds >> i & 1)
        cat(gw, sizeof gw, "%s%s", gw[0] ? "；" : "", fz_ground_label(i));
    if (f->minor_age)
      cat(gw, sizeof gw, "%s已满十四周岁不满十八周岁的未成年人", gw[0] ? "；" : "");
    line(lines, c2, "当事人有应当从轻或者减轻行政处罚的情形：%s", gw);
    if (!mit) {
      mit = 1;
      cap_pct = 100;
      snprintf(mit_cite, sizeof mit_cite, "%s", c2);
      snprintf(mit_rule, sizeof mit_rule, "法律规定应当从轻或者减轻；清单未规定"
               "采用哪一种，按从轻处罚计算（在本档幅度内从轻），决定减轻的须说明"
               "理由");
    }
  }
  json_t *mitigated = json_null();
  if (mit && ap->has_fine) {
    int64_t lo, hi;
    if (mit == 2) {
      lo = times_of(smin, floor_pct, 1);
      hi = smin;
      fz_disc_amount_text(smin, a, sizeof a);
      if (!mit_rule[0])
        snprintf(mit_rule, sizeof mit_rule, "减轻处罚：在法定最低罚款 %s 元以下"
                 "处罚，%s", a,
                 floor_pct ? "" : "可以低至零（不处罚款而选择更轻的处罚种类）");
      if (floor_pct) {
        char p[256];
        fz_disc_amount_text(lo, b, sizeof b);
        snprintf(p, sizeof p, "不低于法定最低罚款的 %d%%（%s 元，本地规则）",
                 floor_pct, b);
        cat(mit_rule, sizeof mit_rule, "%s", p);
      }
    } else {
      lo = ap->min;
      hi = ap->min + (ap->max - ap->min) * cap_pct / 100;
      if (!mit_rule[0]) {
        if (cap_pct < 100)
          snprintf(mit_rule, sizeof mit_rule, "从轻处罚：在本档幅度内，不超过"
                   "下限加幅度的 %d%%（本地规则）", cap_pct);
        else
          snprintf(mit_rule, sizeof mit_rule, "从轻处罚：在本档幅度内选择较轻"
                   "的罚款");
      }
    }
    fz_disc_amount_text(lo, a, sizeof a);
    fz_disc_amount_text(hi, b, sizeof b);
    mitigated = json_pack("{s:o, s:o, s:s, s:s}", "min", money(lo), "max",
                          money(hi), "rule", mit_rule, "citation", mit_cite);
    line(lines, mit_cite, "%s：罚款 %s 元以上 %s 元以下", mit_rule, a, b);
  } else if (mit) {
    line(lines, mit_cite, "%s处罚：本档不处罚款，在可选处罚种类中从轻选择",
         mit == 2 ? "减轻" : "从轻");
  }
  if (no_penalty)
    line(lines, cite33_3, "依法不予行政处罚的，行政机关应当对当事人进行教育，"
         "并在案卷中记录教育的方式和内容");
  if (no_coercion) {
    char c2[128];
    citation(c2, sizeof c2, LAW_COERCION, "第十六条第二款");
    line(lines, c2, "违法行为情节显著轻微或者没有明显社会危害的，可以不采取行政"
         "强制措施");
  }

  json_t *facts_json = json_pack(
      "{s:s, s:s, s:s, s:s, s:b, s:o, s:b, s:b, s:o, s:o, s:o}", "act_date",
      x.act, "decision_date", x.decision, "party", fz_party_name(x.party),
      "harm", fz_harm_name(x.harm), "corrected", f->corrected != 0,
      "first_offence",
      f->first_offence < 0 ? json_null() : json_boolean(f->first_offence),
      "no_fault", f->no_fault != 0, "minor_age", f->minor_age != 0, "grounds",
      grounds_json(x.grounds), "illegal_gains",
      f->illegal_gains_fen < 0 ? json_null() : money(f->illegal_gains_fen),
      "goods_value",
      f->goods_value_fen < 0 ? json_null() : money(f->goods_value_fen));
  verdict none = {0};
  o = json_pack(
      "{s:{s:s, s:s, s:s}, s:o, s:{s:o, s:o, s:{s:I, s:s}, s:s}, s:o, s:o, "
      "s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:o, s:o, s:o}",
      "matter", "code", m.code, "name", m.name, "department_kind",
      m.department_kind, "facts", facts_json, "versions", "at_act",
      version_json(have_a ? &va : &none), "at_decision",
      version_json(have_d == 1 ? &vd : have_d == 2 ? &va : &none), "applied",
      "id", (json_int_t)bx->id, "version", bx->version, "why", why_buf,
      "tier", tier, "kinds", kinds, "range", range, "statutory_range", stat,
      "mitigation", mit == 2 ? json_string("减轻") : mit == 1 ? json_string("从轻") : json_null(),
      "mitigated_range", mitigated, "lists", jl, "no_penalty", no_penalty,
      "no_penalty_mandatory", no_penalty && mandatory, "education_required",
      no_penalty, "no_coercion", no_coercion, "first_offence", first,
      "undetermined", undetermined, "lines", lines);
  jl = lines = NULL;
  if (!o) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  goto out;

out_f:
  json_decref(first);
  json_decref(undetermined);
out_t:
  json_decref(tier);
  json_decref(kinds);
  json_decref(range);
  json_decref(stat);
  goto out;
fail2:
  *err = e2;
out:
  for (size_t i = 0; i < ncons; i++) json_decref(cons[i].r.checks);
  for (size_t i = 0; i < nlists; i++) fz_list_clear(&lists[i]);
  free(cons);
  free(lists);
  free(flags);
  free(ba);
  free(bd);
  json_decref(lines);
  json_decref(jl);
  if (rc) {
    json_decref(o);
    o = NULL;
  }
  *out = o;
  return rc;
}

/* ---- Checking a decision --------------------------------------------------- */

static void finding(json_t *a, const char *code, const char *cite,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void finding(json_t *a, const char *code, const char *cite,
                    const char *fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:b, s:b}", "code", code,
                                     "text", text, "citation", cite,
                                     "needs_reason", 1, "alert", 1));
}

static int has_kind(const json_t *kinds, const char *name) {
  size_t i;
  const json_t *k;
  json_array_foreach(kinds, i, k)
    if (json_is_string(k) && strcmp(json_string_value(k), name) == 0) return 1;
  return 0;
}

/* Reads {min, max} (元 strings) of a range object. */
static int read_range(const json_t *r, int64_t *min, int64_t *max) {
  const json_t *a = json_object_get(r, "min"), *b = json_object_get(r, "max");
  return json_is_string(a) && json_is_string(b) &&
         !fz_money_parse(json_string_value(a), "min", min, NULL) &&
         !fz_money_parse(json_string_value(b), "max", max, NULL);
}

fz_err fz_discretion_check_decision(const json_t *ev,
                                    const json_t *decided_kinds,
                                    int64_t fine_fen, json_t **findings,
                                    fz_error *err) {
  *findings = NULL;
  const json_t *kinds = json_object_get(ev, "kinds");
  const json_t *np = json_object_get(ev, "no_penalty");
  const json_t *range = json_object_get(ev, "range");
  const json_t *mr = json_object_get(ev, "mitigated_range");
  if (!json_is_object(ev) || !json_is_array(kinds) || !json_is_boolean(np) ||
      !range || !mr)
    return fz_error_set(err, FZ_INVALID, "evaluation", "不是裁量评估结果 (not "
                        "an evaluation of fz_discretion_evaluate)");
  if (decided_kinds && !json_is_array(decided_kinds))
    return fz_error_set(err, FZ_TYPE, "kinds", "处罚种类应为数组 (decided "
                        "kinds are an array)");
  size_t i;
  const json_t *k;
  json_array_foreach(decided_kinds, i, k)
    if (!json_is_string(k))
      return fz_error_set(err, FZ_TYPE, "kinds", "处罚种类应为字符串 (kind "
                          "names are strings)");
  json_t *a = json_array();
  if (!a) return fz_error_set(err, FZ_NOMEM, "", NULL);
  const json_t *tier = json_object_get(ev, "tier");
  const char *tcite = json_string_value(json_object_get(tier, "citation"));
  char c33[128], c32[128];
  citation(c33, sizeof c33, LAW_PENALTY, "第三十三条");
  citation(c32, sizeof c32, LAW_PENALTY, "第三十二条");
  if (!tcite) tcite = c33;
  size_t nk = decided_kinds ? json_array_size(decided_kinds) : 0;
  int penalised = nk > 0 || fine_fen > 0;
  if (!penalised) {
    if (!json_is_true(np))
      finding(a, "no_penalty_without_ground", tcite,
              "决定不予行政处罚，但评估未发现免罚清单事项、无主观过错或不再处罚"
              "等不予处罚的依据，须说明理由");
    *findings = a;
    return FZ_OK;
  }
  if (json_is_true(np)) {
    const json_t *mand = json_object_get(ev, "no_penalty_mandatory");
    finding(a, "penalty_despite_exemption", c33,
            "评估结果为%s，但决定给予行政处罚，须说明理由",
            json_is_true(mand) ? "不予行政处罚" : "可以不予行政处罚（免罚清单）");
  }
  json_array_foreach(decided_kinds, i, k)
    if (!has_kind(kinds, json_string_value(k)))
      finding(a, "kind_not_allowed", tcite, "处罚种类「%s」不在本档可以适用的"
              "种类之内", json_string_value(k));
  int fines = fine_fen > 0 || has_kind(decided_kinds, "罚款");
  if (fines) {
    int64_t f = fine_fen > 0 ? fine_fen : 0, lo, hi;
    char fa[48], la[48], ha[48];
    fz_disc_amount_text(f, fa, sizeof fa);
    const json_t *use = json_is_object(mr) ? mr : range;
    if (!json_is_object(range)) {
      if (f > 0)
        finding(a, "fine_not_in_tier", tcite, "本档不处罚款，但决定罚款 %s 元",
                fa);
    } else if (!read_range(use, &lo, &hi)) {
      json_decref(a);
      return fz_error_set(err, FZ_INVALID, "evaluation", "评估结果的罚款幅度"
                          "无法读取 (the evaluation's range is malformed)");
    } else {
      const char *cite = tcite;
      if (use == mr && json_is_string(json_object_get(mr, "citation")))
        cite = json_string_value(json_object_get(mr, "citation"));
      fz_disc_amount_text(lo, la, sizeof la);
      fz_disc_amount_text(hi, ha, sizeof ha);
      const char *which = use == mr ? "从轻、减轻后的" : "本档";
      if (f < lo)
        finding(a, "fine_below_range", cite, "罚款 %s 元低于%s幅度 %s 元至 %s 元",
                fa, which, la, ha);
      else if (f > hi)
        finding(a, "fine_above_range", use == mr ? c32 : cite,
                "罚款 %s 元高于%s幅度 %s 元至 %s 元", fa, which, la, ha);
    }
  }
  *findings = a;
  return FZ_OK;
}
