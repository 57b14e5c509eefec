/* params.c — the path and paging parameters every API reads, and the
 * replies of a domain call. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 200

/* Record ids are INTEGER columns, 32 bits on PostgreSQL: a larger number
 * names no record, and is refused here rather than as a database error. */
#define ID_MAX 2147483647

/* 1 and *out when s is a decimal integer from 1 to ID_MAX. */
static int record_id(const char *s, int64_t *out) {
  if (!s || !isdigit((unsigned char)*s) || strlen(s) > 10) return 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (*end || v <= 0 || v > ID_MAX) return 0;
  *out = v;
  return 1;
}

/* The 400 for a parameter that is not a record id. */
static void bad_id(fz_req *r, const char *name) {
  fz_reply_error(r, 400, FZ_INVALID, name, "%s 应为 1 至 %d 的整数 / %s is "
                 "an integer from 1 to %d", name, ID_MAX, name, ID_MAX);
}

int fz_req_id_param(fz_req *r, const char *name, int64_t *id) {
  if (record_id(fz_req_param(r, name), id)) return 1;
  bad_id(r, name);
  return 0;
}

int fz_req_query_id(fz_req *r, const char *name, int64_t *id) {
  const char *s = fz_req_query(r, name);
  *id = 0;
  if (!s || record_id(s, id)) return 1;
  bad_id(r, name);
  return 0;
}

int fz_req_paging(fz_req *r, const char **cursor, int *limit) {
  const char *c = fz_req_query(r, "cursor");
  const char *l = fz_req_query(r, "limit");
  int64_t v;
  *cursor = c;
  *limit = LIMIT_DEFAULT;
  if (c && !record_id(c, &v)) {
    fz_reply_error(r, 400, FZ_INVALID, "cursor", "cursor 应为上一页的 "
                   "next_cursor / cursor is the next_cursor of the page "
                   "before");
    return 0;
  }
  if (l) {
    if (!record_id(l, &v) || v > LIMIT_MAX) {
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
