/* json.c — strict parsing, field checks and canonical output over jansson. */
#include "core/json.h"

#include <string.h>

fz_err fz_json_parse(const char *text, size_t len, json_t **out,
                     fz_error *err) {
  json_error_t je;
  *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if (!*out)
    return fz_error_set(err, FZ_PARSE, "", "JSON 格式错误（第 %d 行第 %d 列） / "
                        "malformed JSON at line %d, column %d: %s", je.line,
                        je.column, je.line, je.column, je.text);
  return FZ_OK;
}

const char *fz_json_type_name(fz_json_type t) {
  switch (t) {
  case FZ_JSON_STRING: return "string";
  case FZ_JSON_INTEGER: return "integer";
  case FZ_JSON_NUMBER: return "number";
  case FZ_JSON_BOOL: return "boolean";
  case FZ_JSON_OBJECT: return "object";
  case FZ_JSON_ARRAY: return "array";
  }
  return "value";
}

static int type_ok(const json_t *v, fz_json_type t) {
  switch (t) {
  case FZ_JSON_STRING: return json_is_string(v);
  case FZ_JSON_INTEGER: return json_is_integer(v);
  case FZ_JSON_NUMBER: return json_is_number(v);
  case FZ_JSON_BOOL: return json_is_boolean(v);
  case FZ_JSON_OBJECT: return json_is_object(v);
  case FZ_JSON_ARRAY: return json_is_array(v);
  }
  return 0;
}

/* The Chinese name of an English one of the two lists above. */
static const char *zh_type(const char *en) {
  static const char *const names[][2] = {
      {"object", "对象"},    {"array", "数组"},  {"string", "字符串"},
      {"integer", "整数"},   {"number", "数字"}, {"boolean", "布尔值"},
      {"null", "null"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i][0], en) == 0) return names[i][1];
  return "值";
}

static const char *actual_type(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "object";
  case JSON_ARRAY: return "array";
  case JSON_STRING: return "string";
  case JSON_INTEGER: return "integer";
  case JSON_REAL: return "number";
  case JSON_TRUE: case JSON_FALSE: return "boolean";
  case JSON_NULL: return "null";
  }
  return "value";
}

fz_err fz_json_check(const json_t *v, const fz_json_field *fields, size_t n,
                     fz_error *err) {
  if (!json_is_object(v))
    return fz_error_set(err, FZ_TYPE, "", "请求体应为 JSON 对象，而不是%s / the "
                        "body must be a JSON object, not %s",
                        zh_type(actual_type(v)), actual_type(v));
  const char *key;
  json_t *val;
  json_object_foreach((json_t *)v, key, val) {
    size_t i = 0;
    while (i < n && strcmp(fields[i].name, key) != 0) i++;
    if (i == n) {
      char known[512] = "";
      size_t used = 0;
      for (size_t j = 0; j < n && used < sizeof known; j++) {
        int w = snprintf(known + used, sizeof known - used, "%s%s",
                         j ? ", " : "", fields[j].name);
        if (w > 0) used += (size_t)w;
      }
      return fz_error_set(err, FZ_UNKNOWN, key, "未知字段 \"%s\"（可用字段："
                          "%s） / unknown field \"%s\" (accepted: %s)", key,
                          known, key, known);
    }
    if (!type_ok(val, fields[i].type)) {
      const char *want = fz_json_type_name(fields[i].type);
      const char *got = actual_type(val);
      return fz_error_set(err, FZ_TYPE, key, "字段 \"%s\" 应为%s，而不是%s / "
                          "field \"%s\" must be %s %s, not %s", key,
                          zh_type(want), zh_type(got), key,
                          fields[i].type == FZ_JSON_INTEGER ||
                                  fields[i].type == FZ_JSON_ARRAY
                              ? "an"
                              : "a",
                          want, got);
    }
    if (fields[i].max_len && json_is_string(val) &&
        json_string_length(val) > fields[i].max_len)
      return fz_error_set(err, FZ_INVALID, key, "字段 \"%s\" 超过 %zu 字节 / "
                          "field \"%s\" is longer than %zu bytes", key,
                          fields[i].max_len, key, fields[i].max_len);
  }
  for (size_t i = 0; i < n; i++)
    if (fields[i].required && !json_object_get(v, fields[i].name))
      return fz_error_set(err, FZ_MISSING, fields[i].name,
                          "缺少字段 \"%s\" / field \"%s\" is required",
                          fields[i].name, fields[i].name);
  return FZ_OK;
}

char *fz_json_canonical(const json_t *v) {
  return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

json_t *fz_json_text_or_null(const char *s) {
  return s && *s ? json_string(s) : json_null();
}
