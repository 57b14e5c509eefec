/* value.c — checking and normalising one value of a registry field, the
 * same way whether it came from JSON, a CSV row or the command line. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"
#include "id/id.h"
#include "registry/kind_int.h"

/* Copies in without leading and trailing ASCII spaces into buf. */
static const char *trim(const char *in, char *buf, size_t size) {
  while (*in == ' ') in++;
  size_t n = strlen(in);
  while (n && in[n - 1] == ' ') n--;
  if (n >= size) n = size - 1;
  memcpy(buf, in, n);
  buf[n] = '\0';
  return buf;
}

/* Does choice ("valid|有效") accept s?  *stored receives its first form. */
static int choice_match(const char *choice, const char *s, char *stored,
                        size_t size) {
  const char *bar = strchr(choice, '|');
  size_t first = bar ? (size_t)(bar - choice) : strlen(choice);
  int hit = strlen(s) == first && memcmp(choice, s, first) == 0;
  for (const char *p = bar; p && !hit;) {
    const char *q = strchr(p + 1, '|');
    size_t len = q ? (size_t)(q - p - 1) : strlen(p + 1);
    hit = strlen(s) == len && memcmp(p + 1, s, len) == 0;
    p = q;
  }
  if (hit && size) {
    size_t n = first < size ? first : size - 1;
    memcpy(stored, choice, n);
    stored[n] = '\0';
  }
  return hit;
}

static fz_err check_enum(const fz_rfield *f, const char *s, char *buf,
                         size_t size, fz_error *err) {
  const char *const *c = f->choices ? f->choices : fz_reg_department_kinds();
  if (!c)
    return fz_error_set(err, FZ_NODATA, f->name,
                        "the department kinds are not loaded");
  char list[512] = "";
  size_t used = 0;
  for (size_t i = 0; c[i]; i++) {
    if (choice_match(c[i], s, buf, size)) return FZ_OK;
    int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                     c[i]);
    if (n > 0 && (size_t)n < sizeof list - used) used += (size_t)n;
  }
  return fz_error_set(err, FZ_INVALID, f->name,
                      "%s \"%s\" 不是可选值之一 / not one of: %s", f->label, s,
                      list);
}

static fz_err check_text(const fz_rfield *f, const char *s, fz_error *err) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return fz_error_set(err, FZ_INVALID, f->name,
                          "%s 含有控制字符 / contains a control character",
                          f->label);
  return FZ_OK;
}

static fz_err check_code(const fz_rfield *f, const char *s, fz_error *err) {
  for (const char *p = s; *p; p++)
    if (!isalnum((unsigned char)*p) && !strchr("-_./", *p))
      return fz_error_set(err, FZ_INVALID, f->name,
                          "%s 只能由字母、数字和 - _ . / 组成 / only letters, "
                          "digits and - _ . /",
                          f->label);
  return FZ_OK;
}

static fz_err check_int(const fz_rfield *f, const char *s, char *buf,
                        size_t size, fz_error *err) {
  char *end;
  long long v = strtoll(s, &end, 10);
  if (!isdigit((unsigned char)*s) || *end || v <= 0 || v > 9007199254740991LL)
    return fz_error_set(err, FZ_INVALID, f->name,
                        "%s 应为正整数 / a positive integer", f->label);
  snprintf(buf, size, "%lld", v);
  return FZ_OK;
}

static fz_err check_bool(const fz_rfield *f, const char *s, char *buf,
                         size_t size, fz_error *err) {
  static const char *const yes[] = {"1", "true", "是", "Y", "y", NULL};
  static const char *const no[] = {"0", "false", "否", "N", "n", NULL};
  for (int i = 0; yes[i]; i++)
    if (strcmp(s, yes[i]) == 0) return snprintf(buf, size, "1"), FZ_OK;
  for (int i = 0; no[i]; i++)
    if (strcmp(s, no[i]) == 0) return snprintf(buf, size, "0"), FZ_OK;
  return fz_error_set(err, FZ_INVALID, f->name,
                      "%s 应为 是/否 (1/0, true/false)", f->label);
}

static fz_err check_date(const fz_rfield *f, const char *s, fz_error *err) {
  fz_date d;
  if (strlen(s) != 10 || fz_date_parse(s, &d, NULL) != FZ_OK)
    return fz_error_set(err, FZ_INVALID, f->name,
                        "%s \"%s\" 不是有效日期，格式 YYYY-MM-DD / not a "
                        "date YYYY-MM-DD",
                        f->label, s);
  return FZ_OK;
}

/* A list of tags: ';' or '；' or ',' between them, each trimmed, no empty
 * ones, joined by ';'. */
static fz_err check_tags(const fz_rfield *f, const char *s, char *buf,
                         size_t size, fz_error *err) {
  size_t used = 0;
  buf[0] = '\0';
  const char *p = s;
  while (*p) {
    size_t len = strcspn(p, ";,");
    const char *full = strstr(p, "；");
    if (full && (size_t)(full - p) < len) len = (size_t)(full - p);
    const char *a = p, *b = p + len;
    while (a < b && *a == ' ') a++;
    while (b > a && b[-1] == ' ') b--;
    if (b > a) {
      if (used + (size_t)(b - a) + 2 > size)
        return fz_error_set(err, FZ_TOOBIG, f->name, "%s 过长 / too long",
                            f->label);
      if (used) buf[used++] = ';';
      memcpy(buf + used, a, (size_t)(b - a));
      used += (size_t)(b - a);
      buf[used] = '\0';
    }
    p += len;
    if (*p == ';' || *p == ',') p++;
    else if (strncmp(p, "；", 3) == 0) p += 3;
  }
  return check_text(f, buf, err);
}

#define IDS_MAX 64 /* ids an FZ_F_IDS value may hold, whatever its max */

static int cmp_id(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

/* ids[0..n) ascending, joined by ';' into buf. */
static void ids_join(long long *ids, size_t n, char *buf, size_t size) {
  qsort(ids, n, sizeof *ids, cmp_id);
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s%lld", i ? ";" : "",
                             ids[i]);
}

int fz_reg_ids_next(const char **p, long long *id) {
  char *end;
  *id = strtoll(*p, &end, 10);
  if (!**p || end == *p) return 0;
  *p = end + (*end == ';');
  return 1;
}

void fz_reg_ids_sort(char *v) {
  long long ids[IDS_MAX];
  size_t n = 0, len = strlen(v);
  const char *p = v;
  while (n < IDS_MAX && fz_reg_ids_next(&p, &ids[n])) n++;
  if (*p) return; /* not a list of ids: left as it is */
  if (n < 2) return;
  char out[IDS_MAX * 21];
  ids_join(ids, n, out, sizeof out);
  if (strlen(out) == len) memcpy(v, out, len);
}

/* A list of ids: ';' or ',' between them, spaces around each dropped,
 * each a positive integer, none twice, at most f->max of them; stored
 * ascending and joined by ';', so that a list compares equal to the same
 * list written in another order. */
static fz_err check_ids(const fz_rfield *f, const char *s, char *buf,
                        size_t size, fz_error *err) {
  long long ids[IDS_MAX];
  size_t n = 0, max = f->max > 0 && f->max < IDS_MAX ? (size_t)f->max
                                                      : IDS_MAX;
  for (const char *p = s; *p;) {
    size_t len = strcspn(p, ";,");
    const char *a = p, *b = p + len;
    p += len + (p[len] != '\0');
    while (a < b && *a == ' ') a++;
    while (b > a && b[-1] == ' ') b--;
    if (a == b) continue;
    if (n == max)
      return fz_error_set(err, FZ_INVALID, f->name,
                          "%s 至多 %zu 个 / %s lists at most %zu ids",
                          f->label, max, f->name, max);
    char one[24], *end;
    snprintf(one, sizeof one, "%.*s", (int)(b - a), a);
    long long v = strtoll(one, &end, 10);
    if ((size_t)(b - a) >= sizeof one || !isdigit((unsigned char)one[0]) ||
        *end || v <= 0 || v > 9007199254740991LL)
      return fz_error_set(err, FZ_INVALID, f->name,
                          "%s 中的 \"%.*s\" 不是正整数 ID / %s: \"%.*s\" is "
                          "not an id (a positive integer)",
                          f->label, (int)(b - a > 40 ? 40 : b - a), a, f->name,
                          (int)(b - a > 40 ? 40 : b - a), a);
    for (size_t j = 0; j < n; j++)
      if (ids[j] == v)
        return fz_error_set(err, FZ_INVALID, f->name,
                            "%s 中 %lld 重复 / %s lists %lld twice", f->label,
                            v, f->name, v);
    ids[n++] = v;
  }
  ids_join(ids, n, buf, size);
  return FZ_OK;
}

fz_err fz_reg_value_check(fz_reg_kind kind, size_t i, const char *in,
                          char *buf, size_t size, const char **out,
                          fz_error *err) {
  const fz_rfield *f = fz_reg_field(kind, i);
  char tmp[1024];
  const char *s = trim(in, tmp, sizeof tmp);
  *out = buf;
  if (!*s) {
    if (f->flags & FZ_FF_REQUIRED)
      return fz_error_set(err, FZ_MISSING, f->name, "%s 不能为空 / required",
                          f->label);
    buf[0] = '\0';
    return FZ_OK;
  }
  if (f->max && f->type != FZ_F_IDS && strlen(s) > (size_t)f->max)
    return fz_error_set(err, FZ_TOOBIG, f->name,
                        "%s 超过 %d 字节 / longer than %d bytes", f->label,
                        f->max, f->max);
  fz_id_result r;
  fz_err rc = FZ_OK;
  switch (f->type) {
  case FZ_F_TEXT: rc = check_text(f, s, err); break;
  case FZ_F_CODE: rc = check_code(f, s, err); break;
  case FZ_F_ENUM: return check_enum(f, s, buf, size, err);
  case FZ_F_DATE: rc = check_date(f, s, err); break;
  case FZ_F_INT: return check_int(f, s, buf, size, err);
  case FZ_F_BOOL: return check_bool(f, s, buf, size, err);
  case FZ_F_TAGS: return check_tags(f, s, buf, size, err);
  case FZ_F_IDS: return check_ids(f, s, buf, size, err);
  case FZ_F_REGION:
    if (strlen(s) != 6 || !fz_region_name(s))
      return fz_error_set(err, FZ_INVALID, f->name,
                          "%s \"%s\" 不是已知的 GB/T 2260 行政区划代码 / not a "
                          "known region code",
                          f->label, s);
    break;
  case FZ_F_USCC:
    if (fz_uscc_validate(s, &r) != FZ_OK)
      return fz_error_set(err, FZ_INVALID, f->name, "%s：%s", f->label,
                          r.err.message);
    s = r.code; /* upper case */
    break;
  case FZ_F_RESIDENT:
    if (fz_resident_validate(s, fz_id_today(), &r) != FZ_OK)
      return fz_error_set(err, FZ_INVALID, f->name, "%s：%s", f->label,
                          r.err.message);
    s = r.code;
    break;
  case FZ_F_INDUSTRY:
    if (!fz_reg_industry_known(s))
      return fz_error_set(err, FZ_INVALID, f->name,
                          "%s \"%s\" 不是 GB/T 4754-2017 的门类字母或门类加"
                          "大类（如 C 或 C13） / not a GB/T 4754 section or "
                          "section+division such as C or C13",
                          f->label, s);
    break;
  }
  if (rc) return rc;
  /* Cut at size as snprintf would; a bulk import copies every cell here. */
  size_t n = strnlen(s, size - 1);
  memcpy(buf, s, n);
  buf[n] = '\0';
  return FZ_OK;
}
