/* params.c — the path and paging parameters every API reads, and the
 * replies of a domain call. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 200

/* 1 and *out when s is a positive decimal integer that fits in 63 bits. */
static int positive(const char *s, int64_t *out) {
  if (!s || !isdigit((unsigned char)*s) || strlen(s) > 18) return 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (*end || v <= 0) return 0;
  *out = v;
  return 1;
}

int fz_req_id_param(fz_req *r, const char *name, int64_t *id) {
  if (positive(fz_req_param(r, name), id)) return 1;
  fz_reply_error(r, 400, FZ_INVALID, name, "%s 应为正整数 / %s is a positive "
                 "integer", name, name);
  return 0;
}

int fz_req_query_id(fz_req *r, const char *name, int64_t *id) {
  const char *s = fz_req_query(r, name);
  *id = 0;
  if (!s || positive(s, id)) return 1;
  fz_reply_error(r, 400, FZ_INVALID, name, "%s 应为正整数 / %s is a positive "
                 "integer", name, name);
  return 0;
}

int fz_req_paging(fz_req *r, const char **cursor, int *limit) {
  const char *c = fz_req_query(r, "cursor");
  const char *l = fz_req_query(r, "limit");
  int64_t v;
  *cursor = c;
  *limit = LIMIT_DEFAULT;
  if (c && !positive(c, &v)) {
    fz_reply_error(r, 400, FZ_INVALID, "cursor", "cursor 应为上一页的 "
                   "next_cursor / cursor is the next_cursor of the page "
                   "before");
    return 0;
  }
  if (l) {
    if (!positive(l, &v) || v > LIMIT_MAX) {
      fz_reply_error(r, 400, FZ_INVALID, "limit", "limit 应为 1 至 %d 的整数 "
                     "/ limit is an integer from 1 to %d", LIMIT_MAX,
                     LIMIT_MAX);
      return 0;
    }
    *limit = (int)v;
  }
  return 1;
}

void fz_reply_domain_error(fz_req *r, fz_err rc, fz_error *e) {
  if (e->code == FZ_OK) fz_error_set(e, rc ? rc : FZ_INTERNAL, "", NULL);
  fz_reply_fz_error(r, e);
}

void fz_reply_read(fz_req *r, fz_err rc, fz_error *e, json_t *out) {
  if (rc) {
    json_decref(out);
    fz_reply_domain_error(r, rc, e);
  } else {
    fz_reply_json(r, 200, out);
  }
}

int fz_req_temp_file(char *path, size_t size, const char *suffix) {
  const char *t = getenv("TMPDIR");
  snprintf(path, size, "%s/fazhi-reply-XXXXXX%s", t && *t ? t : "/var/tmp",
           suffix);
  return mkstemps(path, (int)strlen(suffix));
}
