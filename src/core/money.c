/* money.c — decimal amounts in 元 to and from whole 分. */
#include "core/money.h"

#include <inttypes.h>
#include <stdio.h>

fz_err fz_money_parse(const char *s, const char *field, int64_t *fen,
                      fz_error *err) {
  int64_t yuan = 0;
  int digits = 0, decimals = -1, frac = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '.' && decimals < 0 && digits > 0) {
      decimals = 0;
    } else if (*p >= '0' && *p <= '9') {
      if (decimals >= 0) {
        if (++decimals > 2) break;
        frac = frac * 10 + (*p - '0');
      } else {
        if (yuan > FZ_MONEY_MAX / 100) break;
        yuan = yuan * 10 + (*p - '0');
        digits++;
      }
    } else {
      digits = 0;
      break;
    }
  }
  if (digits == 0 || decimals == 0 || decimals > 2 ||
      yuan > FZ_MONEY_MAX / 100)
    return fz_error_set(err, FZ_INVALID, field,
                        "金额应为以元为单位的非负数，最多两位小数，如 "
                        "\"3000\" 或 \"3000.50\" (amount in yuan, at most two "
                        "decimals): \"%.40s\"",
                        s);
  if (decimals == 1) frac *= 10;
  *fen = yuan * 100 + frac;
  return FZ_OK;
}

fz_err fz_money_json(const json_t *v, const char *field, int64_t *fen,
                     fz_error *err) {
  if (json_is_string(v)) return fz_money_parse(json_string_value(v), field, fen, err);
  if (json_is_integer(v)) {
    json_int_t y = json_integer_value(v);
    if (y < 0 || y > FZ_MONEY_MAX / 100)
      return fz_error_set(err, FZ_INVALID, field,
                          "金额应为非负数 (amount must be non-negative and "
                          "at most %" PRId64 " yuan)",
                          FZ_MONEY_MAX / 100);
    *fen = (int64_t)y * 100;
    return FZ_OK;
  }
  return fz_error_set(err, FZ_TYPE, field,
                      "金额应为字符串 \"1234.56\" 或整数元 (amount: a decimal "
                      "string or an integer number of yuan)");
}

void fz_money_format(int64_t fen, char *out, size_t size) {
  const char *sign = fen < 0 ? "-" : "";
  uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
  snprintf(out, size, "%s%" PRIu64 ".%02u", sign, a / 100, (unsigned)(a % 100));
}

json_t *fz_money_to_json(int64_t fen) {
  char s[32];
  fz_money_format(fen, s, sizeof s);
  return json_string(s);
}
