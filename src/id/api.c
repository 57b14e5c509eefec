/* api.c — checking identifiers and looking up regions over HTTP. */
#include "id/api.h"

#include <string.h>

#include "id/id.h"

static json_t *region_json(const char *code) {
  const char *name = fz_region_name(code);
  if (!name) return NULL;
  char full[FZ_REGION_NAME_MAX];
  if (fz_region_full_name(code, full, sizeof full)) full[0] = '\0';
  const char *parent = fz_region_parent(code);
  return json_pack("{s:s, s:s, s:s, s:s?}", "code", code, "name", name,
                   "full_name", full, "parent", parent);
}

void fz_api_id_check(fz_req *r) {
  static const fz_json_field fields[] = {
      {"code", FZ_JSON_STRING, 1, 64},
      {"kind", FZ_JSON_STRING, 0, 16},
  };
  json_t *body = fz_req_json_body(r, fields, 2);
  if (!body) return;
  const char *code = json_string_value(json_object_get(body, "code"));
  const char *kind = json_string_value(json_object_get(body, "kind"));
  fz_id_result res;
  if (!kind) {
    fz_id_check(code, fz_id_today(), &res);
  } else if (strcmp(kind, "uscc") == 0) {
    fz_uscc_validate(code, &res);
  } else if (strcmp(kind, "resident") == 0) {
    fz_resident_validate(code, fz_id_today(), &res);
  } else {
    fz_reply_error(r, 400, FZ_INVALID, "kind", "kind must be \"uscc\" "
                   "(统一社会信用代码) or \"resident\" (居民身份证号), not \"%s\"", kind);
    return;
  }
  /* A 身份证号 is a natural person's: it is never echoed back whole. */
  char shown[sizeof res.code];
  if (res.kind == FZ_ID_RESIDENT) {
    if (fz_mask_resident(res.code, shown, sizeof shown)) shown[0] = '\0';
  } else {
    memcpy(shown, res.code, sizeof shown);
  }
  json_t *out = json_pack("{s:b, s:s, s:s, s:s}", "valid", res.valid, "kind",
                          res.kind == FZ_ID_RESIDENT ? "resident" : "uscc",
                          "kind_name", fz_id_kind_name(res.kind), "code", shown);
  if (res.region_code[0]) {
    json_t *reg = json_pack("{s:s, s:s, s:b}", "code", res.region_code,
                            "full_name", res.region_name, "exact",
                            res.region_exact);
    json_object_set_new(out, "region", reg);
  }
  if (!res.valid)
    json_object_set_new(out, "reason",
                        json_pack("{s:s, s:s, s:s}", "code",
                                  fz_err_name(res.err.code), "field",
                                  res.err.field, "message", res.err.message));
  fz_reply_json(r, 200, out);
}

/* Refuses anything but six ASCII digits; returns 1 when it replied. */
static int bad_code(fz_req *r, const char *field, const char *code) {
  if (strlen(code) == 6 && strspn(code, "0123456789") == 6) return 0;
  fz_reply_error(r, 400, FZ_INVALID, field, "%s must be a 6-digit GB/T 2260 "
                 "code such as 210102", field);
  return 1;
}

void fz_api_region_get(fz_req *r) {
  const char *code = fz_req_param(r, "code");
  if (bad_code(r, "code", code)) return;
  json_t *reg = region_json(code);
  if (!reg) {
    fz_reply_error(r, 404, FZ_NOTFOUND, "code", "no region %s in the GB/T "
                   "2260 table", code);
    return;
  }
  fz_reply_json(r, 200, reg);
}

static int add_child(const char *code, const char *name, void *ctx) {
  (void)name;
  json_t *reg = region_json(code);
  return reg ? json_array_append_new(ctx, reg) : -1;
}

void fz_api_region_list(fz_req *r) {
  const char *parent = fz_req_query(r, "parent");
  if (parent && bad_code(r, "parent", parent)) return;
  json_t *list = json_array();
  fz_err rc = fz_region_children(parent, add_child, list);
  if (rc) {
    json_decref(list);
    if (rc == FZ_NOTFOUND)
      fz_reply_error(r, 404, rc, "parent", "no region %s in the GB/T 2260 "
                     "table", parent);
    else
      fz_reply_error(r, fz_http_status(rc), rc, "parent", "%s",
                     fz_err_message(rc));
    return;
  }
  fz_reply_json(r, 200, json_pack("{s:s?, s:o}", "parent", parent, "regions",
                                  list));
}
