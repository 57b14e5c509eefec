/* circumstances.c — the circumstances of an act, checked and made
 * canonical; the grounds of Art. 58. */
#include "cases/circumstances.h"

#include <stdlib.h>
#include <string.h>

#include "cases/discretion.h"
#include "core/json.h"
#include "core/money.h"

static const char *const harms[] = {"none", "slight", "general", "serious",
                                    "severe"};

static int listed(const char *s, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(s, list[i]) == 0) return 1;
  return 0;
}

static fz_err prefixed(fz_err rc, fz_error *err) {
  if (rc && err) {
    char field[64];
    snprintf(field, sizeof field, "circumstances.%.40s", err->field);
    fz_error_set_field(err, field);
  }
  return rc;
}

fz_err fz_circumstances_canonical(const json_t *in, char **out,
                                  fz_error *err) {
  static const fz_json_field fields[] = {
      {"harm", FZ_JSON_STRING, 0, 16},      {"corrected", FZ_JSON_BOOL, 0, 0},
      {"no_fault", FZ_JSON_BOOL, 0, 0},     {"minor_age", FZ_JSON_BOOL, 0, 0},
      {"first_offence", FZ_JSON_BOOL, 0, 0}, {"grounds", FZ_JSON_ARRAY, 0, 0},
      {"illegal_gains", FZ_JSON_STRING, 0, 24},
      {"goods_value", FZ_JSON_STRING, 0, 24},
  };
  *out = NULL;
  json_t *c = in ? json_deep_copy(in) : json_object();
  if (!c) return fz_error_set(err, FZ_NOMEM, "", NULL);
  /* Amounts may come as integers of 元: make them strings first. */
  const char *money[] = {"illegal_gains", "goods_value"};
  fz_err rc = FZ_OK;
  for (size_t i = 0; i < 2 && !rc; i++) {
    json_t *v = json_object_get(c, money[i]);
    int64_t fen;
    if (!v) continue;
    rc = fz_money_json(v, money[i], &fen, err);
    if (!rc) json_object_set_new(c, money[i], fz_money_to_json(fen));
  }
  if (!rc) rc = fz_json_check(c, fields, sizeof fields / sizeof *fields, err);
  const char *harm = json_string_value(json_object_get(c, "harm"));
  if (!rc && harm && !listed(harm, harms, 5))
    rc = fz_error_set(err, FZ_INVALID, "harm", "危害后果应为 none（无）、slight"
                      "（轻微）、general（一般）、serious（较重）或 severe（严重）"
                      " / harm is none, slight, general, serious or severe");
  json_t *g = json_object_get(c, "grounds");
  for (size_t i = 0; !rc && g && i < json_array_size(g); i++) {
    const char *s = json_string_value(json_array_get(g, i));
    int known = 0;
    for (int k = 0; s && fz_ground_name(k); k++)
      known |= strcmp(s, fz_ground_name(k)) == 0;
    if (!known)
      rc = fz_error_set(err, FZ_INVALID, "grounds", "第三十二条情形应为 "
                        "eliminated_harm、coerced、confessed、meritorious、"
                        "other_legal 之一 / an Art. 32 ground is one of "
                        "eliminated_harm, coerced, confessed, meritorious, "
                        "other_legal");
  }
  if (!rc) {
    *out = fz_json_canonical(c);
    if (!*out) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  }
  json_decref(c);
  return prefixed(rc, err);
}

fz_err fz_review_grounds_parse(const json_t *a, char out[16], fz_error *err) {
  int seen[5] = {0};
  out[0] = 0;
  for (size_t i = 0; a && i < json_array_size(a); i++) {
    json_t *v = json_array_get(a, i);
    if (!json_is_integer(v) || json_integer_value(v) < 1 ||
        json_integer_value(v) > 4)
      return fz_error_set(err, FZ_INVALID, "review_grounds", "review_grounds "
                          "为《中华人民共和国行政处罚法》第五十八条第一款的项号 "
                          "1 至 4 / review_grounds are the items 1 to 4 of "
                          "Art. 58");
    seen[json_integer_value(v)] = 1;
  }
  size_t n = 0;
  for (int k = 1; k <= 4; k++)
    if (seen[k]) {
      if (n) out[n++] = ',';
      out[n++] = (char)('0' + k);
    }
  out[n] = 0;
  return FZ_OK;
}

const char *fz_review_ground_label(char k) {
  switch (k) {
  case '1': return "（一）涉及重大公共利益的";
  case '2': return "（二）直接关系当事人或者第三人重大权益，经过听证程序的";
  case '3': return "（三）案件情况疑难复杂、涉及多个法律关系的";
  case '4': return "（四）法律、法规规定应当进行法制审核的其他情形";
  default: return "";
  }
}
