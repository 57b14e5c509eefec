/* api.c — the account endpoints and the authentication of requests: parse,
 * authenticate, call the domain (account.h) through the one write path,
 * answer.  No secret is ever logged or put in an event. */
#include "auth/api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/log.h"

#define UNAUTHORIZED_LOGIN "用户名或密码错误 / wrong user name or password"

static void policy(fz_req *r, fz_account_policy *p) {
  fz_account_policy_from_config(fz_req_config(r), p);
}

/* Everything one change needs; each write function below uses some. */
typedef struct job {
  const fz_principal *by;
  fz_account_policy pol;
  int64_t now, id, expires_at;
  fz_roles add, remove;
  const char *name, *hash, *old_hash;
  const unsigned char *session;
  const fz_user_new *user;
  fz_login_result res;
  fz_session_new sess;
  char token[FZ_TOKEN_SIZE];
} job;

static fz_err w_login(fz_db *db, void *c, fz_error *e) {
  job *j = c;
  return fz_login_record(db, &j->pol, j->id, &j->res, j->now, &j->sess, e);
}
static fz_err w_touch(fz_db *db, void *c, fz_error *e) {
  job *j = c;
  return fz_session_touch(db, j->session, j->now, e);
}
static fz_err w_logout(fz_db *db, void *c, fz_error *e) {
  job *j = c;
  return fz_session_end(db, j->by, j->session, j->now, e);
}
static fz_err w_password(fz_db *db, void *c, fz_error *e) {
  job *j = c;
  return fz_user_change_password(db, j->by, j->old_hash, j->hash, j->session,
                                 j->now, e);
}
static fz_err w_user_create(fz_db *db, void *c, fz_error *e) {
  job *j = c;
  return fz_user_create(db, j->by, j->user, j->hash, j->now, &j->id, e);
}
static fz_err w_user_disable(fz_db *db, void *c, fz_error *e) {
  job *j = c;
  return fz_user_disable(db, j->by, j->id, j->now, e);
}
static fz_err w_user_reset(fz_db *db, void *c, fz_error *e) {
  job *j = c;
  return fz_user_reset_password(db, j->by, j->id, j->hash, j->now, e);
}
static fz_err w_user_roles(fz_db *db, void *c, fz_error *e) {
  job *j = c;
  return fz_user_change_roles(db, j->by, j->id, j->add, j->remove, j->now, NULL,
                              e);
}
static fz_err w_token_issue(fz_db *db, void *c, fz_error *e) {
  job *j = c;
  return fz_apitoken_issue(db, j->by, j->name, j->add, j->expires_at, j->now,
                           j->token, &j->id, e);
}
static fz_err w_token_revoke(fz_db *db, void *c, fz_error *e) {
  job *j = c;
  return fz_apitoken_revoke(db, j->by, j->id, j->now, e);
}

/* ---- Authentication ------------------------------------------------------- */

/* Behind a proxy that terminates TLS, cookies are marked Secure. */
static int https(const fz_req *r) {
  const char *p = fz_req_header(r, "X-Forwarded-Proto");
  return p && strcasecmp(p, "https") == 0;
}

/* Sets (or, with NULL values, clears) the session cookie, which scripts
 * cannot read, and the CSRF cookie, which the console's script reads after
 * a reload to fill X-CSRF-Token (double submit; the server still checks the
 * header against the session's stored hash). */
static void set_cookies(fz_req *r, const char *session, const char *csrf) {
  const char *secure = https(r) ? "; Secure" : "";
  const char *end = session ? "" : "; Max-Age=0";
  char c[192];
  snprintf(c, sizeof c, "fz_session=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
           session ? session : "", end, secure);
  fz_reply_header(r, "Set-Cookie", c);
  snprintf(c, sizeof c, "fz_csrf=%s; Path=/; SameSite=Strict%s%s",
           csrf ? csrf : "", end, secure);
  fz_reply_header(r, "Set-Cookie", c);
}

static int mutating(const char *method) {
  return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

int fz_auth_request(fz_req *r, unsigned flags, fz_auth *a) {
  memset(a, 0, sizeof *a);
  fz_account_policy pol;
  policy(r, &pol);
  int64_t now = fz_now_ms();
  fz_error e;
  fz_db *db = fz_req_db(r);
  const char *authz = fz_req_header(r, "Authorization");
  if (authz) {
    if (strncasecmp(authz, "Bearer ", 7) != 0) {
      fz_reply_error(r, 401, FZ_UNAUTHORIZED, "Authorization",
                     "send an API token as Authorization: Bearer fzt_…");
      return 0;
    }
    if (fz_apitoken_find(db, authz + 7, now, &a->who, &e)) {
      fz_reply_fz_error(r, &e);
      return 0;
    }
    if (flags & FZ_AUTH_SESSION_ONLY) {
      fz_reply_error(
          r, 403, FZ_FORBIDDEN, "Authorization",
          "this endpoint is for a signed-in person, not an API token");
      return 0;
    }
    return 1;
  }
  const char *cookie = fz_req_cookie(r, "fz_session");
  if (!cookie) {
    fz_reply_error(r, 401, FZ_UNAUTHORIZED, "", "请先登录 / sign in first");
    return 0;
  }
  if (fz_session_find(db, &pol, cookie, now, &a->session, &e)) {
    fz_reply_fz_error(r, &e);
    if (e.code == FZ_UNAUTHORIZED) set_cookies(r, NULL, NULL);
    return 0;
  }
  fz_session_principal(&a->session, &a->who);
  if (mutating(fz_req_method(r)) &&
      !fz_session_csrf_ok(&a->session, fz_req_header(r, "X-CSRF-Token"))) {
    fz_reply_error(r, 403, FZ_FORBIDDEN, "X-CSRF-Token",
                   "send the session's csrf_token (from the login, or the "
                   "fz_csrf cookie) in the X-CSRF-Token header");
    return 0;
  }
  if (a->who.must_change && !(flags & FZ_AUTH_BEFORE_CHANGE)) {
    fz_reply_error(r, 403, FZ_FORBIDDEN, "password",
                   "请先修改一次性密码 / change the one-time password first "
                   "(POST /api/v1/auth/password)");
    return 0;
  }
  if (fz_session_needs_touch(&pol, &a->session, now)) {
    job j = {.now = now, .session = a->session.token_hash};
    if (fz_req_write(r, w_touch, &j, &e))
      fz_log(FZ_LOG_WARN, "auth.touch",
             "req=%s msg=\"cannot refresh the session: %s\"", fz_req_id(r),
             fz_err_name(e.code));
  }
  return 1;
}

/* ---- JSON ----------------------------------------------------------------- */

static json_t *user_json(const fz_user *u, int64_t now) {
  json_t *o = json_pack(
      "{s:I, s:s, s:s, s:o, s:s, s:s, s:b, s:b, s:b, s:I}", "id",
      (json_int_t)u->id, "username", u->username, "display_name",
      u->display_name, "roles", fz_roles_json(u->roles), "region_prefix",
      u->region_prefix, "status", u->disabled ? "disabled" : "active",
      "must_change", u->must_change, "locked", u->locked_until > now, "demo",
      u->demo, "created_at", (json_int_t)u->created_at);
  if (o)
    json_object_set_new(o, "department_id",
                        u->department_id ? json_integer(u->department_id)
                                         : json_null());
  return o;
}

static json_t *token_json(const fz_apitoken *t) {
  return json_pack("{s:I, s:s, s:o, s:I, s:I, s:o, s:I}", "id",
                   (json_int_t)t->id, "name", t->name, "roles",
                   fz_roles_json(t->roles), "user_id", (json_int_t)t->user_id,
                   "expires_at", (json_int_t)t->expires_at, "revoked_at",
                   t->revoked_at ? json_integer(t->revoked_at) : json_null(),
                   "created_at", (json_int_t)t->created_at);
}

/* A decimal from the path or query into *out, def when absent; 0, or -1
 * after replying 400 naming the field. */
static int number(fz_req *r, const char *field, const char *s, int64_t def,
                  int64_t min, int64_t max, int64_t *out) {
  *out = def;
  if (!s) return 0;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) {
    fz_reply_error(r, 400, FZ_INVALID, field,
                   "%s must be a whole number from %lld to %lld", field,
                   (long long)min, (long long)max);
    return -1;
  }
  *out = v;
  return 0;
}

/* The {id} of the path, or -1 after replying 400. */
static int64_t path_id(fz_req *r) {
  int64_t id;
  if (number(r, "id", fz_req_param(r, "id"), -1, 1, INT64_MAX, &id)) return -1;
  return id;
}

/* The after and limit query values of a page; -1 after replying. */
static int paging(fz_req *r, int64_t first, int64_t *after, int64_t *limit) {
  if (number(r, "after", fz_req_query(r, "after"), first, first, INT64_MAX,
             after))
    return -1;
  return number(r, "limit", fz_req_query(r, "limit"), 100, 1, 1000, limit);
}

/* An array of role names into a set; -1 after replying 400 naming field. */
static int roles_of(fz_req *r, const json_t *a, const char *field,
                    fz_roles *out) {
  *out = 0;
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) {
    fz_role role;
    fz_error e;
    if (!json_is_string(v) || fz_role_parse(json_string_value(v), &role, &e)) {
      fz_reply_error(r, 400, FZ_INVALID, field, "%s[%zu]: %s", field, i,
                     json_is_string(v) ? e.message : "a role name is a string");
      return -1;
    }
    *out |= FZ_ROLE_BIT(role);
  }
  return 0;
}

static const char *str(const json_t *body, const char *key) {
  return json_string_value(json_object_get(body, key));
}

/* ---- /auth ---------------------------------------------------------------- */

void fz_api_auth_login(fz_req *r) {
  static const fz_json_field f[] = {
      {"username", FZ_JSON_STRING, 1, 256},
      {"password", FZ_JSON_STRING, 1, FZ_PASSWORD_MAX_BYTES},
  };
  json_t *b = fz_req_json_body(r, f, 2);
  if (!b) return;
  job j = {.now = fz_now_ms()};
  policy(r, &j.pol);
  fz_error e;
  fz_db *db = fz_req_db(r);
  if (fz_login_check(db, str(b, "username"), str(b, "password"), j.now, &j.res,
                     &j.id, &e) ||
      fz_req_write(r, w_login, &j, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  /* Wrong password, unknown user, locked or disabled account: one answer,
   * after the same work (fz_login_check), so none can be told apart. */
  if (j.res != FZ_LOGIN_OK) {
    fz_reply_error(r, 401, FZ_UNAUTHORIZED, "", UNAUTHORIZED_LOGIN);
    return;
  }
  fz_session s;
  if (fz_session_find(db, &j.pol, j.sess.token, j.now, &s, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200,
                json_pack("{s:o, s:s, s:b, s:I}", "user",
                          user_json(&s.user, j.now), "csrf_token", j.sess.csrf,
                          "must_change", s.user.must_change, "idle_timeout",
                          (json_int_t)(j.pol.idle_ms / 1000)));
  set_cookies(r, j.sess.token, j.sess.csrf);
}

void fz_api_auth_logout(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, FZ_AUTH_SESSION_ONLY | FZ_AUTH_BEFORE_CHANGE, &a))
    return;
  job j = {.by = &a.who, .now = fz_now_ms(), .session = a.session.token_hash};
  fz_error e;
  if (fz_req_write(r, w_logout, &j, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200, json_pack("{s:b}", "signed_out", 1));
  set_cookies(r, NULL, NULL);
}

void fz_api_auth_me(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, FZ_AUTH_BEFORE_CHANGE, &a)) return;
  fz_user u = a.session.user;
  fz_error e;
  if (a.who.token_id &&
      fz_user_get(fz_req_db(r), &a.who, a.who.scope.user_id, &u, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  json_t *o = json_pack("{s:o, s:o, s:s, s:b}", "user", user_json(&u, fz_now_ms()),
                        "roles", fz_roles_json(a.who.scope.roles), "via",
                        a.who.token_id ? "token" : "session", "must_change",
                        a.who.must_change);
  if (o && a.who.token_id)
    json_object_set_new(o, "token_id", json_integer(a.who.token_id));
  fz_reply_json(r, 200, o);
}

void fz_api_auth_password(fz_req *r) {
  static const fz_json_field f[] = {
      {"old_password", FZ_JSON_STRING, 1, FZ_PASSWORD_MAX_BYTES},
      {"new_password", FZ_JSON_STRING, 1, FZ_PASSWORD_MAX_BYTES},
  };
  fz_auth a;
  if (!fz_auth_request(r, FZ_AUTH_SESSION_ONLY | FZ_AUTH_BEFORE_CHANGE, &a))
    return;
  json_t *b = fz_req_json_body(r, f, 2);
  if (!b) return;
  const char *old = str(b, "old_password"), *new = str(b, "new_password");
  fz_error e;
  if (fz_password_check(new, a.session.user.username, &e)) {
    fz_error_set_field(&e, "new_password");
    fz_reply_fz_error(r, &e);
    return;
  }
  if (strcmp(old, new) == 0) {
    fz_reply_error(r, 400, FZ_INVALID, "new_password",
                   "新密码不能与旧密码相同 / the new password must differ "
                   "from the old one");
    return;
  }
  char old_hash[FZ_PASSWORD_HASH_SIZE], new_hash[FZ_PASSWORD_HASH_SIZE];
  if (fz_user_password_hash(fz_req_db(r), &a.who, old_hash, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  if (fz_password_verify(old, old_hash)) {
    fz_reply_error(r, 400, FZ_INVALID, "old_password",
                   "当前密码不正确 / the current password is wrong");
    return;
  }
  if (fz_password_hash(new, 0, 0, new_hash, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  job j = {.by = &a.who,
           .now = fz_now_ms(),
           .session = a.session.token_hash,
           .old_hash = old_hash,
           .hash = new_hash};
  if (fz_req_write(r, w_password, &j, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200, json_pack("{s:b}", "must_change", 0));
}

/* ---- /users --------------------------------------------------------------- */

/* Replies with user id as by sees it, with status and, when not NULL, the
 * one-time password that was just set. */
static void reply_user(fz_req *r, const fz_principal *by, int64_t id,
                       int status, const char *otp) {
  fz_user u;
  fz_error e;
  if (fz_user_get(fz_req_db(r), by, id, &u, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  json_t *o = user_json(&u, fz_now_ms());
  if (otp) o = json_pack("{s:o, s:s}", "user", o, "one_time_password", otp);
  fz_reply_json(r, status, o);
}

/* The one-time password of a new or reset account and its hash; 0 after
 * replying. */
static int onetime(fz_req *r, const char *username, char otp[FZ_OTP_LEN + 1],
                   char hash[FZ_PASSWORD_HASH_SIZE]) {
  fz_error e;
  if (fz_password_onetime(username, otp, &e) ||
      fz_password_hash(otp, 0, 0, hash, &e)) {
    fz_reply_fz_error(r, &e);
    return 0;
  }
  return 1;
}

/* The cheap check before an Argon2 run, so that an account without the
 * permission cannot make the server hash; the domain checks again. */
static int may(fz_req *r, const fz_auth *a, fz_perm perm) {
  if (fz_role_can(a->who.scope.roles, perm)) return 1;
  fz_reply_error(r, 403, FZ_FORBIDDEN, "",
                 "this account may not do that (it needs the %s permission)",
                 fz_perm_name(perm));
  return 0;
}

void fz_api_user_create(fz_req *r) {
  static const fz_json_field f[] = {
      {"username", FZ_JSON_STRING, 1, FZ_USERNAME_MAX},
      {"display_name", FZ_JSON_STRING, 1, FZ_DISPLAY_NAME_MAX},
      {"region_prefix", FZ_JSON_STRING, 0, FZ_REGION_PREFIX_MAX},
      {"department_id", FZ_JSON_INTEGER, 0, 0},
  };
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  json_t *b = fz_req_json_body(r, f, 4);
  if (!b) return;
  json_int_t dept = json_integer_value(json_object_get(b, "department_id"));
  if (dept < 0) {
    fz_reply_error(r, 400, FZ_INVALID, "department_id",
                   "department_id is a positive id");
    return;
  }
  fz_user_new u = {.username = str(b, "username"),
                   .display_name = str(b, "display_name"),
                   .region_prefix = str(b, "region_prefix"),
                   .department_id = dept};
  fz_error e;
  if (fz_username_check(u.username, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  if (!may(r, &a, FZ_PERM_MANAGE_ACCOUNTS)) return;
  char otp[FZ_OTP_LEN + 1], hash[FZ_PASSWORD_HASH_SIZE];
  if (!onetime(r, u.username, otp, hash)) return;
  job j = {.by = &a.who, .now = fz_now_ms(), .user = &u, .hash = hash};
  if (fz_req_write(r, w_user_create, &j, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  reply_user(r, &a.who, j.id, 201, otp);
}

typedef struct list_ctx {
  json_t *items;
  int64_t now, last;
  int n;
} list_ctx;

static int add_user(void *c, const fz_user *u) {
  list_ctx *l = c;
  l->last = u->id;
  l->n++;
  return json_array_append_new(l->items, user_json(u, l->now));
}

/* {key: items, next_after: last or null}: null when the page was not full. */
static json_t *page(const char *key, list_ctx *l, int64_t limit) {
  return json_pack("{s:o, s:o}", key, l->items, "next_after",
                   l->n == limit ? json_integer(l->last) : json_null());
}

void fz_api_user_list(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  int64_t after, limit;
  if (paging(r, 0, &after, &limit)) return;
  list_ctx l = {json_array(), fz_now_ms(), 0, 0};
  fz_error e;
  if (fz_user_list(fz_req_db(r), &a.who, after, (int)limit, add_user, &l, &e)) {
    json_decref(l.items);
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200, page("users", &l, limit));
}

/* A colleague as the directory shows him: who he is and what he does,
 * nothing of his account's state. */
static int add_colleague(void *c, const fz_user *u) {
  json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)u->id,
                        "username", u->username, "display_name",
                        u->display_name, "roles", fz_roles_json(u->roles),
                        "region_prefix", u->region_prefix);
  if (o)
    json_object_set_new(o, "department_id",
                        u->department_id ? json_integer(u->department_id)
                                         : json_null());
  return json_array_append_new(c, o);
}

/* ?q= (part of the name or user name), ?role= (a business role): the
 * colleagues a plan's head may name as its participants. */
void fz_api_user_directory(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  const char *q = fz_req_query(r, "q");
  const char *role_name = fz_req_query(r, "role");
  fz_role role = FZ_ROLE__COUNT;
  fz_error e;
  if (role_name && (fz_role_parse(role_name, &role, &e) || fz_role_is_admin(role))) {
    fz_reply_error(r, 400, FZ_INVALID, "role", "role 应为业务角色（officer、"
                   "dept_head、legal_reviewer、supervisor、social_supervisor）"
                   " / role is a business role");
    return;
  }
  if (q && strlen(q) > 64) {
    fz_reply_error(r, 400, FZ_INVALID, "q", "q 至多 64 字节 / q is at most 64 "
                   "bytes");
    return;
  }
  json_t *items = json_array();
  if (fz_user_directory(fz_req_db(r), &a.who, q, role_name ? (int)role : -1, 50,
                        add_colleague, items, &e)) {
    json_decref(items);
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void fz_api_user_get(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  int64_t id = path_id(r);
  if (id > 0) reply_user(r, &a.who, id, 200, NULL);
}

void fz_api_user_disable(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  job j = {.by = &a.who, .now = fz_now_ms(), .id = path_id(r)};
  if (j.id < 0) return;
  fz_error e;
  if (fz_req_write(r, w_user_disable, &j, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  reply_user(r, &a.who, j.id, 200, NULL);
}

void fz_api_user_reset_password(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  int64_t id = path_id(r);
  if (id < 0 || !may(r, &a, FZ_PERM_MANAGE_ACCOUNTS)) return;
  fz_user u;
  fz_error e;
  if (fz_user_get(fz_req_db(r), &a.who, id, &u, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  char otp[FZ_OTP_LEN + 1], hash[FZ_PASSWORD_HASH_SIZE];
  if (!onetime(r, u.username, otp, hash)) return;
  job j = {.by = &a.who, .now = fz_now_ms(), .id = id, .hash = hash};
  if (fz_req_write(r, w_user_reset, &j, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  reply_user(r, &a.who, id, 200, otp);
}

void fz_api_user_roles(fz_req *r) {
  static const fz_json_field f[] = {
      {"add", FZ_JSON_ARRAY, 0, 0},
      {"remove", FZ_JSON_ARRAY, 0, 0},
  };
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  job j = {.by = &a.who, .now = fz_now_ms(), .id = path_id(r)};
  if (j.id < 0) return;
  json_t *b = fz_req_json_body(r, f, 2);
  if (!b || roles_of(r, json_object_get(b, "add"), "add", &j.add) ||
      roles_of(r, json_object_get(b, "remove"), "remove", &j.remove))
    return;
  fz_error e;
  if (fz_req_write(r, w_user_roles, &j, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  reply_user(r, &a.who, j.id, 200, NULL);
}

/* ---- /tokens -------------------------------------------------------------- */

void fz_api_token_issue(fz_req *r) {
  static const fz_json_field f[] = {
      {"name", FZ_JSON_STRING, 1, FZ_TOKEN_NAME_MAX},
      {"roles", FZ_JSON_ARRAY, 1, 0},
      {"expires_in_days", FZ_JSON_INTEGER, 1, 0},
  };
  fz_auth a;
  if (!fz_auth_request(r, FZ_AUTH_SESSION_ONLY, &a)) return;
  json_t *b = fz_req_json_body(r, f, 3);
  job j = {.by = &a.who, .now = fz_now_ms()};
  if (!b || roles_of(r, json_object_get(b, "roles"), "roles", &j.add)) return;
  json_int_t days = json_integer_value(json_object_get(b, "expires_in_days"));
  if (days < 1 || days > FZ_APITOKEN_MAX_DAYS) {
    fz_reply_error(r, 400, FZ_INVALID, "expires_in_days",
                   "expires_in_days must be 1 to %d", FZ_APITOKEN_MAX_DAYS);
    return;
  }
  j.name = str(b, "name");
  j.expires_at = j.now + (int64_t)days * 86400 * 1000;
  fz_error e;
  fz_apitoken t;
  if (fz_req_write(r, w_token_issue, &j, &e) ||
      fz_apitoken_get(fz_req_db(r), &a.who, j.id, &t, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  json_t *o = token_json(&t);
  if (o) json_object_set_new(o, "token", json_string(j.token));
  fz_reply_json(r, 201, o);
}

static int add_token(void *c, const fz_apitoken *t) {
  return json_array_append_new(((list_ctx *)c)->items, token_json(t));
}

void fz_api_token_list(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, FZ_AUTH_SESSION_ONLY, &a)) return;
  list_ctx l = {json_array(), 0, 0, 0};
  fz_error e;
  if (fz_apitoken_list(fz_req_db(r), &a.who, add_token, &l, &e)) {
    json_decref(l.items);
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200, json_pack("{s:o}", "tokens", l.items));
}

void fz_api_token_revoke(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, FZ_AUTH_SESSION_ONLY, &a)) return;
  job j = {.by = &a.who, .now = fz_now_ms(), .id = path_id(r)};
  if (j.id < 0) return;
  fz_error e;
  fz_apitoken t;
  if (fz_req_write(r, w_token_revoke, &j, &e) ||
      fz_apitoken_get(fz_req_db(r), &a.who, j.id, &t, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200, token_json(&t));
}

/* ---- /security/events ----------------------------------------------------- */

static int add_event(void *c, int64_t seq, const char *body) {
  list_ctx *l = c;
  json_t *ev = json_loads(body ? body : "", 0, NULL);
  l->last = seq;
  l->n++;
  return json_array_append_new(l->items, ev ? ev : json_null());
}

void fz_api_security_events(fz_req *r) {
  fz_auth a;
  if (!fz_auth_request(r, 0, &a)) return;
  /* Events count from 0, so the first page is "after -1". */
  int64_t after, limit;
  if (paging(r, -1, &after, &limit)) return;
  list_ctx l = {json_array(), 0, 0, 0};
  fz_error e;
  if (fz_security_events(fz_req_db(r), &a.who, after, (int)limit, add_event, &l,
                         &e)) {
    json_decref(l.items);
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200, page("events", &l, limit));
}
