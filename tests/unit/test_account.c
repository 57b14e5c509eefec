/* test_account.c — the domain of accounts on SQLite and PostgreSQL: lockout
 * and its release on an injected clock, session idle and absolute expiry,
 * API tokens (roles, expiry, revocation), 三员分立 and data scope, the
 * ledger event of each change, and no secret at rest. */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <string.h>

#include "auth/account.h"
#include "ledger/ledger.h"
#include "testdb.h"

static const char *url;
static fz_error e;

#define T0 1800000000000LL /* an injected clock: 2027-01-15, in ms */
#define MIN (60LL * 1000)

static const fz_account_policy policy = {30 * MIN, 3, 15 * MIN};

/* Ends one change as the writer does: commit on success, else roll back. */
static fz_err tx_end(fz_db *db, fz_err rc) {
  if (rc)
    fz_db_rollback(db);
  else if (fz_db_commit(db, &e))
    return FZ_DB;
  return rc;
}
/* Runs call in a transaction of its own. */
#define TX(db, call) tx_end((db), fz_db_begin((db), &e) ? FZ_DB : (call))

/* A migrated database with no accounts (events of earlier tests stay). */
static fz_db *fresh(void) {
  fz_db *db = testdb_open(url);
  if (db && fz_db_exec(db, "DELETE FROM sessions; DELETE FROM api_tokens; "
                           "DELETE FROM users", &e)) {
    fprintf(stderr, "  %s\n", e.message);
    t_current_failed = 1;
  }
  return db;
}

static int64_t count(fz_db *db, const char *sql) {
  int64_t n = -1;
  if (fz_db_query_int64(db, sql, &n, &e)) fprintf(stderr, "  %s\n", e.message);
  return n;
}

static int64_t events(fz_db *db, const char *action) {
  char sql[160];
  snprintf(sql, sizeof sql,
           "SELECT COUNT(*) FROM ledger_event WHERE action = '%s'", action);
  return count(db, sql);
}

/* The action of the newest event. */
static char last_action[64];
static const char *last(fz_db *db) {
  fz_stmt *st = NULL;
  last_action[0] = '\0';
  if (!fz_db_prepare(db, "SELECT action FROM ledger_event ORDER BY seq DESC "
                         "LIMIT 1", &st, &e) &&
      fz_stmt_step(st, &e) == FZ_STEP_ROW)
    snprintf(last_action, sizeof last_action, "%s", fz_stmt_column_text(st, 0));
  fz_stmt_finalize(st);
  return last_action;
}

static fz_principal cli(void) {
  fz_principal p;
  fz_principal_cli(&p);
  return p;
}

/* Creates a user from the command line (roles given directly). */
static int64_t mkuser(fz_db *db, const char *name, fz_roles roles,
                      const char *region, const char *password) {
  fz_principal by = cli();
  char hash[FZ_PASSWORD_HASH_SIZE];
  CHECK_INT(fz_password_hash(password, 0, 0, hash, &e), FZ_OK);
  fz_user_new u = {name, name, region, 0, roles, 0};
  int64_t id = 0;
  CHECK_INT(TX(db, fz_user_create(db, &by, &u, hash, T0, &id, &e)), FZ_OK);
  return id;
}

/* The principal of a signed-in user. */
static fz_principal as(fz_db *db, int64_t id) {
  fz_principal by = cli(), p;
  fz_session s = {0};
  CHECK_INT(fz_user_get(db, &by, id, &s.user, &e), FZ_OK);
  fz_session_principal(&s, &p);
  return p;
}

#define R(role) FZ_ROLE_BIT(FZ_ROLE_##role)

/* Both steps of a login at time now; returns the final outcome. */
static fz_login_result login(fz_db *db, const char *name, const char *pw,
                             int64_t now, fz_session_new *s) {
  fz_login_result res;
  int64_t id;
  fz_session_new scratch;
  CHECK_INT(fz_login_check(db, name, pw, now, &res, &id, &e), FZ_OK);
  CHECK_INT(
      TX(db, fz_login_record(db, &policy, id, &res, now, s ? s : &scratch, &e)),
      FZ_OK);
  return res;
}

static void t_scope(void) {
  fz_scope all = {1, 0, "", 0}, ln = {1, 0, "21", 0}, sy = {1, 0, "2101", 0};
  CHECK(fz_scope_allows_region(&all, "110105"));
  CHECK(fz_scope_allows_region(&all, NULL));
  CHECK(fz_scope_allows_region(&ln, "210102"));
  CHECK(!fz_scope_allows_region(&ln, "220102"));
  CHECK(!fz_scope_allows_region(&ln, ""));
  CHECK(!fz_scope_allows_region(&ln, NULL));
  CHECK(fz_scope_allows_region(&sy, "2101"));
  CHECK(!fz_scope_allows_region(&sy, "2102"));
}

/* Departments 1 ← 2 ← 3, and 4 on its own; 9 loops onto itself. */
static fz_err parent(void *ctx, int64_t d, int64_t *p) {
  (void)ctx;
  switch (d) {
  case 2: *p = 1; return FZ_OK;
  case 3: *p = 2; return FZ_OK;
  case 1:
  case 4: *p = 0; return FZ_OK;
  case 9: *p = 9; return FZ_OK;
  default: return FZ_NOTFOUND;
  }
}

static void t_department_subtree(void) {
  fz_scope all = {1, 0, "", 0}, d2 = {1, 0, "", 2};
  CHECK(fz_scope_allows_department(&all, 4, parent, NULL));
  CHECK(fz_scope_allows_department(&d2, 2, parent, NULL));
  CHECK(fz_scope_allows_department(&d2, 3, parent, NULL));
  CHECK(!fz_scope_allows_department(&d2, 1, parent, NULL));
  CHECK(!fz_scope_allows_department(&d2, 4, parent, NULL));
  CHECK(!fz_scope_allows_department(&d2, 9, parent, NULL)); /* a loop ends */
  CHECK(!fz_scope_allows_department(&d2, 7, parent, NULL)); /* fails closed */
  CHECK(!fz_scope_allows_department(&d2, 3, NULL, NULL));
}

static void t_checks(void) {
  CHECK_INT(fz_username_check("zhang.san-1", &e), FZ_OK);
  CHECK_INT(fz_username_check("ab", &e), FZ_INVALID);
  CHECK_STR(e.field, "username");
  CHECK_INT(fz_username_check("1abc", &e), FZ_INVALID);
  CHECK_INT(fz_username_check("Zhang", &e), FZ_INVALID);
  CHECK_INT(fz_username_check("张三", &e), FZ_INVALID);
  CHECK_INT(fz_username_check("", &e), FZ_MISSING);
  CHECK_INT(fz_username_check("a23456789012345678901234567890123", &e),
            FZ_INVALID);
  CHECK_INT(fz_region_prefix_check("", &e), FZ_OK);
  CHECK_INT(fz_region_prefix_check("210102001001", &e), FZ_OK);
  CHECK_INT(fz_region_prefix_check("2101020010011", &e), FZ_INVALID);
  CHECK_INT(fz_region_prefix_check("21a", &e), FZ_INVALID);
  CHECK_STR(e.field, "region_prefix");
}

static void t_create_and_scope(void) {
  fz_db *db = fresh();
  if (!db) return;
  int64_t sys = mkuser(db, "sysadmin", R(SYSADMIN), "", "Sys-admin-pw-1");
  int64_t ln = mkuser(db, "ln.sys", R(SYSADMIN), "21", "Ln-admin-pw-1");
  int64_t off = mkuser(db, "officer", R(OFFICER), "2101", "Officer-pw-1");
  CHECK(sys > 0 && ln > sys && off > ln);
  fz_principal s = as(db, sys), l = as(db, ln), o = as(db, off);
  char hash[FZ_PASSWORD_HASH_SIZE];
  CHECK_INT(fz_password_hash("One-time-pw-1", 0, 0, hash, &e), FZ_OK);

  int64_t before = events(db, "user.create"), id = 0;
  fz_user_new u = {"wang.wu", "王五", "2102", 0, 0, 0};
  CHECK_INT(TX(db, fz_user_create(db, &l, &u, hash, T0, &id, &e)), FZ_OK);
  CHECK_INT(events(db, "user.create"), before + 1);
  CHECK_STR(last(db), "user.create");
  fz_user got;
  CHECK_INT(fz_user_get(db, &l, id, &got, &e), FZ_OK);
  CHECK_STR(got.display_name, "王五");
  CHECK(got.must_change && !got.disabled && got.roles == 0);

  /* The name is taken; another province is out of a 辽宁 admin's reach;
   * roles are not given at creation; an officer manages no accounts. */
  CHECK_INT(TX(db, fz_user_create(db, &s, &u, hash, T0, &id, &e)), FZ_EXISTS);
  CHECK_STR(e.field, "username");
  fz_user_new far = {"far.away", "远方", "2201", 0, 0, 0};
  CHECK_INT(TX(db, fz_user_create(db, &l, &far, hash, T0, &id, &e)),
            FZ_FORBIDDEN);
  CHECK_STR(e.field, "region_prefix");
  fz_user_new wide = {"wide", "全省", "", 0, 0, 0};
  CHECK_INT(TX(db, fz_user_create(db, &l, &wide, hash, T0, &id, &e)),
            FZ_FORBIDDEN);
  fz_user_new ranked = {"ranked", "带角色", "21", 0, R(OFFICER), 0};
  CHECK_INT(TX(db, fz_user_create(db, &l, &ranked, hash, T0, &id, &e)),
            FZ_FORBIDDEN);
  CHECK_STR(e.field, "roles");
  CHECK_INT(TX(db, fz_user_create(db, &o, &far, hash, T0, &id, &e)),
            FZ_FORBIDDEN);
  CHECK_INT(events(db, "user.create"), before + 1);

  /* Listing: the 辽宁 admin sees 辽宁's users, not the installation's. */
  CHECK_INT(fz_user_get(db, &l, sys, &got, &e), FZ_NOTFOUND);
  CHECK_INT(fz_user_get(db, &s, off, &got, &e), FZ_OK);
  CHECK_INT(fz_user_get(db, &o, sys, &got, &e), FZ_FORBIDDEN);
  CHECK_INT(fz_user_get(db, &o, off, &got, &e), FZ_OK); /* himself */
  fz_db_close(db);
}

static int count_user(void *ctx, const fz_user *u) {
  (void)u;
  ++*(int *)ctx;
  return 0;
}

static void t_list_by_region(void) {
  fz_db *db = fresh();
  if (!db) return;
  int64_t sys = mkuser(db, "sysadmin", R(SYSADMIN), "", "Sys-admin-pw-1");
  int64_t ln = mkuser(db, "ln.sys", R(SYSADMIN), "21", "Ln-admin-pw-1");
  mkuser(db, "sy.officer", R(OFFICER), "2101", "Officer-pw-1");
  mkuser(db, "jl.officer", R(OFFICER), "22", "Officer-pw-1");
  int64_t aud = mkuser(db, "auditor", R(AUDITOR), "", "Auditor-pw-1");
  fz_principal s = as(db, sys), l = as(db, ln), a = as(db, aud);
  int n = 0;
  CHECK_INT(fz_user_list(db, &s, 0, 100, count_user, &n, &e), FZ_OK);
  CHECK_INT(n, 5);
  n = 0;
  CHECK_INT(fz_user_list(db, &l, 0, 100, count_user, &n, &e), FZ_OK);
  CHECK_INT(n, 2); /* ln.sys and sy.officer */
  n = 0;
  CHECK_INT(fz_user_list(db, &s, sys, 2, count_user, &n, &e), FZ_OK);
  CHECK_INT(n, 2); /* a page after the first */
  CHECK_INT(fz_user_list(db, &a, 0, 100, count_user, &n, &e), FZ_FORBIDDEN);
  fz_db_close(db);
}

static void t_lockout_and_release(void) {
  fz_db *db = fresh();
  if (!db) return;
  int64_t id = mkuser(db, "li.si", R(OFFICER), "21", "Right-pass-1");
  int64_t failed = events(db, "auth.login_failed"),
          locked = events(db, "auth.locked");
  int64_t ok = events(db, "auth.login");
  int64_t t = T0;
  CHECK_INT(login(db, "li.si", "Wrong-pass-1", t, NULL),
            FZ_LOGIN_WRONG_PASSWORD);
  CHECK_INT(login(db, "li.si", "Wrong-pass-2", t + 1, NULL),
            FZ_LOGIN_WRONG_PASSWORD);
  CHECK_INT(events(db, "auth.locked"), locked);
  /* The third failure (the policy's limit) locks the account. */
  CHECK_INT(login(db, "li.si", "Wrong-pass-3", t + 2, NULL),
            FZ_LOGIN_WRONG_PASSWORD);
  CHECK_INT(events(db, "auth.login_failed"), failed + 3);
  CHECK_INT(events(db, "auth.locked"), locked + 1);
  CHECK_STR(last(db), "auth.locked");
  fz_principal by = cli();
  fz_user u;
  CHECK_INT(fz_user_get(db, &by, id, &u, &e), FZ_OK);
  CHECK_INT(u.locked_until, t + 2 + policy.lockout_ms);

  /* Locked: even the right password fails, and is recorded. */
  CHECK_INT(login(db, "li.si", "Right-pass-1", t + 3, NULL), FZ_LOGIN_LOCKED);
  CHECK_INT(
      login(db, "li.si", "Right-pass-1", t + 2 + policy.lockout_ms - 1, NULL),
      FZ_LOGIN_LOCKED);
  CHECK_INT(events(db, "auth.login_failed"), failed + 5);
  CHECK_INT(events(db, "auth.locked"), locked + 1);
  /* Released when the period is over. */
  fz_session_new s;
  CHECK_INT(login(db, "li.si", "Right-pass-1", t + 2 + policy.lockout_ms, &s),
            FZ_LOGIN_OK);
  CHECK_INT(events(db, "auth.login"), ok + 1);
  CHECK_STR(last(db), "auth.login");
  CHECK(strncmp(s.token, "fzs_", 4) == 0 && strncmp(s.csrf, "fzc_", 4) == 0);
  CHECK_INT(fz_user_get(db, &by, id, &u, &e), FZ_OK);
  CHECK_INT(u.failures, 0);

  /* A success clears the count: two failures after it do not lock. */
  t += policy.lockout_ms + 10;
  CHECK_INT(login(db, "li.si", "Wrong-pass-1", t, NULL),
            FZ_LOGIN_WRONG_PASSWORD);
  CHECK_INT(login(db, "li.si", "Wrong-pass-1", t, NULL),
            FZ_LOGIN_WRONG_PASSWORD);
  CHECK_INT(login(db, "li.si", "Right-pass-1", t, NULL), FZ_LOGIN_OK);

  /* Unknown and disabled users fail alike, and are recorded. */
  int64_t f = events(db, "auth.login_failed");
  CHECK_INT(login(db, "nobody", "Right-pass-1", t, NULL),
            FZ_LOGIN_UNKNOWN_USER);
  int64_t adm = mkuser(db, "admin", R(SYSADMIN), "", "Sys-admin-pw-1");
  fz_principal a = as(db, adm);
  CHECK_INT(TX(db, fz_user_disable(db, &a, id, t, &e)), FZ_OK);
  CHECK_INT(login(db, "li.si", "Right-pass-1", t, NULL), FZ_LOGIN_DISABLED);
  CHECK_INT(events(db, "auth.login_failed"), f + 2);
  fz_db_close(db);
}

/* A login that passed the password check while the account was being
 * locked fails when it is recorded. */
static void t_login_rechecks_in_the_transaction(void) {
  fz_db *db = fresh();
  if (!db) return;
  mkuser(db, "racer", R(OFFICER), "", "Right-pass-1");
  fz_login_result res;
  int64_t id;
  CHECK_INT(fz_login_check(db, "racer", "Right-pass-1", T0, &res, &id, &e),
            FZ_OK);
  CHECK_INT(res, FZ_LOGIN_OK);
  for (int i = 0; i < policy.lockout_failures; i++)
    login(db, "racer", "Wrong-pass-1", T0, NULL);
  fz_session_new s;
  CHECK_INT(TX(db, fz_login_record(db, &policy, id, &res, T0, &s, &e)), FZ_OK);
  CHECK_INT(res, FZ_LOGIN_LOCKED);
  CHECK_STR(s.token, "");
  CHECK_INT(count(db, "SELECT COUNT(*) FROM sessions"), 0);
  fz_db_close(db);
}

static void t_session_expiry(void) {
  fz_db *db = fresh();
  if (!db) return;
  mkuser(db, "zhao.liu", R(OFFICER), "", "Right-pass-1");
  fz_session_new n;
  CHECK_INT(login(db, "zhao.liu", "Right-pass-1", T0, &n), FZ_LOGIN_OK);
  fz_session s;
  CHECK_INT(fz_session_find(db, &policy, n.token, T0, &s, &e), FZ_OK);
  CHECK_STR(s.user.username, "zhao.liu");
  CHECK(fz_session_csrf_ok(&s, n.csrf));
  CHECK(!fz_session_csrf_ok(&s, n.token));
  CHECK(!fz_session_csrf_ok(&s, NULL));
  CHECK(!fz_session_csrf_ok(&s,
                            "fzc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  CHECK(!fz_session_needs_touch(&policy, &s, T0 + MIN - 1));
  CHECK(fz_session_needs_touch(&policy, &s, T0 + MIN));

  /* Idle: alive until the idle limit, ended at it. */
  int64_t idle = policy.idle_ms;
  CHECK_INT(fz_session_find(db, &policy, n.token, T0 + idle - 1, &s, &e),
            FZ_OK);
  CHECK_INT(fz_session_find(db, &policy, n.token, T0 + idle, &s, &e),
            FZ_UNAUTHORIZED);
  /* Use keeps it alive, but never past its absolute end. */
  int64_t t = T0;
  for (; t + idle / 2 < T0 + FZ_SESSION_MAX_MS; t += idle / 2) {
    CHECK_INT(fz_session_find(db, &policy, n.token, t + idle / 2, &s, &e),
              FZ_OK);
    CHECK_INT(TX(db, fz_session_touch(db, s.token_hash, t + idle / 2, &e)),
              FZ_OK);
  }
  CHECK_INT(
      fz_session_find(db, &policy, n.token, T0 + FZ_SESSION_MAX_MS - 1, &s, &e),
      FZ_OK);
  CHECK_INT(
      fz_session_find(db, &policy, n.token, T0 + FZ_SESSION_MAX_MS, &s, &e),
      FZ_UNAUTHORIZED);
  /* Malformed and unknown tokens. */
  CHECK_INT(fz_session_find(db, &policy, "fzs_x", T0, &s, &e), FZ_UNAUTHORIZED);
  CHECK_INT(fz_session_find(db, &policy, n.csrf, T0, &s, &e), FZ_UNAUTHORIZED);
  CHECK_INT(fz_session_find(db, &policy, NULL, T0, &s, &e), FZ_UNAUTHORIZED);

  /* A new login removes the ended sessions; logout ends one. */
  fz_session_new m;
  CHECK_INT(login(db, "zhao.liu", "Right-pass-1", T0 + FZ_SESSION_MAX_MS, &m),
            FZ_LOGIN_OK);
  CHECK_INT(count(db, "SELECT COUNT(*) FROM sessions"), 1);
  int64_t t1 = T0 + FZ_SESSION_MAX_MS;
  CHECK_INT(fz_session_find(db, &policy, m.token, t1, &s, &e), FZ_OK);
  fz_principal p;
  fz_session_principal(&s, &p);
  CHECK_STR(p.actor, "user:1");
  int64_t out = events(db, "auth.logout");
  CHECK_INT(TX(db, fz_session_end(db, &p, s.token_hash, t1, &e)), FZ_OK);
  CHECK_INT(events(db, "auth.logout"), out + 1);
  CHECK_INT(fz_session_find(db, &policy, m.token, t1, &s, &e), FZ_UNAUTHORIZED);
  CHECK_INT(TX(db, fz_session_end(db, &p, s.token_hash, t1, &e)),
            FZ_UNAUTHORIZED);
  fz_db_close(db);
}

static void t_password_change(void) {
  fz_db *db = fresh();
  if (!db) return;
  int64_t id = mkuser(db, "qian.qi", R(OFFICER), "", "One-time-pw-1");
  fz_session_new a, b;
  CHECK_INT(login(db, "qian.qi", "One-time-pw-1", T0, &a), FZ_LOGIN_OK);
  CHECK_INT(login(db, "qian.qi", "One-time-pw-1", T0, &b), FZ_LOGIN_OK);
  fz_session s;
  CHECK_INT(fz_session_find(db, &policy, a.token, T0, &s, &e), FZ_OK);
  fz_principal p;
  fz_session_principal(&s, &p);
  CHECK(p.must_change);
  char old[FZ_PASSWORD_HASH_SIZE], new[FZ_PASSWORD_HASH_SIZE];
  CHECK_INT(fz_user_password_hash(db, &p, old, &e), FZ_OK);
  CHECK_INT(fz_password_hash("Second-pw-22", 0, 0, new, &e), FZ_OK);
  /* Checked against a hash that is no longer stored: refused. */
  CHECK_INT(
      TX(db, fz_user_change_password(db, &p, new, new, s.token_hash, T0, &e)),
      FZ_CONFLICT);
  int64_t n = events(db, "auth.password_changed");
  CHECK_INT(
      TX(db, fz_user_change_password(db, &p, old, new, s.token_hash, T0, &e)),
      FZ_OK);
  CHECK_INT(events(db, "auth.password_changed"), n + 1);
  /* The other session has ended; this one lives; the flag is down. */
  CHECK_INT(fz_session_find(db, &policy, b.token, T0, &s, &e), FZ_UNAUTHORIZED);
  CHECK_INT(fz_session_find(db, &policy, a.token, T0, &s, &e), FZ_OK);
  CHECK(!s.user.must_change);
  CHECK_INT(login(db, "qian.qi", "One-time-pw-1", T0, NULL),
            FZ_LOGIN_WRONG_PASSWORD);
  CHECK_INT(login(db, "qian.qi", "Second-pw-22", T0, NULL), FZ_LOGIN_OK);
  (void)id;
  fz_db_close(db);
}

static void t_tokens(void) {
  fz_db *db = fresh();
  if (!db) return;
  int64_t uid =
      mkuser(db, "head", R(OFFICER) | R(DEPT_HEAD), "2101", "Right-pass-1");
  int64_t sid = mkuser(db, "sec", R(SECADMIN), "", "Right-pass-1");
  int64_t aid = mkuser(db, "sys", R(SYSADMIN), "", "Right-pass-1");
  fz_principal u = as(db, uid), sec = as(db, sid), sys = as(db, aid);
  char tok[FZ_TOKEN_SIZE];
  int64_t id = 0, issued = events(db, "token.issue");
  int64_t exp = T0 + 24 * 60 * MIN;
  CHECK_INT(TX(db, fz_apitoken_issue(db, &u, "inspect-sync", R(OFFICER), exp,
                                     T0, tok, &id, &e)),
            FZ_OK);
  CHECK(strncmp(tok, "fzt_", 4) == 0);
  CHECK_INT(events(db, "token.issue"), issued + 1);
  CHECK_STR(last(db), "token.issue");

  fz_principal p;
  CHECK_INT(fz_apitoken_find(db, tok, T0, &p, &e), FZ_OK);
  CHECK_INT(p.token_id, id);
  CHECK_INT(p.scope.user_id, uid);
  CHECK_INT(p.scope.roles, R(OFFICER)); /* the token's, not all its creator's */
  CHECK_STR(p.scope.region_prefix, "2101");
  CHECK_STR(p.actor, "token:1");
  /* Expired at expires_at. */
  CHECK_INT(fz_apitoken_find(db, tok, exp - 1, &p, &e), FZ_OK);
  CHECK_INT(fz_apitoken_find(db, tok, exp, &p, &e), FZ_UNAUTHORIZED);

  /* Roles the creator lacks; no roles; no name; the past; a token issuing
   * a token: all refused, with no event. */
  char bad[FZ_TOKEN_SIZE];
  CHECK_INT(TX(db, fz_apitoken_issue(db, &u, "x", R(SUPERVISOR), exp, T0, bad,
                                     &id, &e)),
            FZ_FORBIDDEN);
  CHECK_STR(e.field, "roles");
  CHECK_STR(bad, "");
  CHECK_INT(TX(db, fz_apitoken_issue(db, &u, "x", 0, exp, T0, bad, &id, &e)),
            FZ_MISSING);
  CHECK_INT(
      TX(db, fz_apitoken_issue(db, &u, "", R(OFFICER), exp, T0, bad, &id, &e)),
      FZ_MISSING);
  CHECK_INT(
      TX(db, fz_apitoken_issue(db, &u, "x", R(OFFICER), T0, T0, bad, &id, &e)),
      FZ_INVALID);
  fz_principal via;
  char tok2[FZ_TOKEN_SIZE];
  CHECK_INT(TX(db, fz_apitoken_issue(db, &u, "second", R(DEPT_HEAD), exp, T0,
                                     tok2, &id, &e)),
            FZ_OK);
  CHECK_INT(fz_apitoken_find(db, tok2, T0, &via, &e), FZ_OK);
  CHECK_INT(TX(db, fz_apitoken_issue(db, &via, "x", R(DEPT_HEAD), exp, T0, bad,
                                     &id, &e)),
            FZ_FORBIDDEN);
  CHECK_INT(events(db, "token.issue"), issued + 2);

  /* The creator loses a role: so does the token. */
  CHECK_INT(TX(db, fz_user_change_roles(db, &sec, uid, 0, R(DEPT_HEAD), T0,
                                        NULL, &e)),
            FZ_OK);
  CHECK_INT(fz_apitoken_find(db, tok2, T0, &via, &e), FZ_OK);
  CHECK_INT(via.scope.roles, 0);

  /* Revocation: by the creator or a sysadmin, once. */
  int64_t revoked = events(db, "token.revoke");
  CHECK_INT(TX(db, fz_apitoken_revoke(db, &sec, id, T0, &e)), FZ_NOTFOUND);
  CHECK_INT(TX(db, fz_apitoken_revoke(db, &sys, id, T0, &e)), FZ_OK);
  CHECK_INT(TX(db, fz_apitoken_revoke(db, &u, id, T0, &e)), FZ_CONFLICT);
  CHECK_INT(events(db, "token.revoke"), revoked + 1);
  CHECK_INT(fz_apitoken_find(db, tok2, T0, &via, &e), FZ_UNAUTHORIZED);
  fz_apitoken t;
  CHECK_INT(fz_apitoken_get(db, &u, id, &t, &e), FZ_OK);
  CHECK_INT(t.revoked_at, T0);
  /* A disabled creator's tokens stop working. */
  CHECK_INT(fz_apitoken_find(db, tok, T0, &p, &e), FZ_OK);
  CHECK_INT(TX(db, fz_user_disable(db, &sys, uid, T0, &e)), FZ_OK);
  CHECK_INT(fz_apitoken_find(db, tok, T0, &p, &e), FZ_UNAUTHORIZED);
  CHECK_INT(fz_apitoken_find(db, "fzt_nope", T0, &p, &e), FZ_UNAUTHORIZED);
  CHECK_INT(fz_apitoken_find(db, NULL, T0, &p, &e), FZ_UNAUTHORIZED);
  fz_db_close(db);
}

static int collect(void *ctx, int64_t seq, const char *body) {
  (void)seq;
  int *n = ctx;
  ++*n;
  CHECK(strstr(body, "\"action\":\"auth.") ||
        strstr(body, "\"action\":\"user.") ||
        strstr(body, "\"action\":\"token."));
  return 0;
}

/* 三员分立: each admin does his own work only, and never on himself. */
static void t_separation_of_the_three(void) {
  fz_db *db = fresh();
  if (!db) return;
  int64_t sys = mkuser(db, "sysadmin", R(SYSADMIN), "", "Right-pass-1");
  int64_t sec = mkuser(db, "secadmin", R(SECADMIN), "", "Right-pass-1");
  int64_t aud = mkuser(db, "auditor", R(AUDITOR), "", "Right-pass-1");
  int64_t off = mkuser(db, "officer", 0, "", "Right-pass-1");
  fz_principal S = as(db, sys), C = as(db, sec), A = as(db, aud);
  char hash[FZ_PASSWORD_HASH_SIZE];
  CHECK_INT(fz_password_hash("Reset-pass-1", 0, 0, hash, &e), FZ_OK);
  int64_t changed = events(db, "user.roles_changed");

  /* Only the secadmin grants roles, never to himself, never breaking the
   * separation (a 三员 role beside a business role). */
  CHECK_INT(
      TX(db, fz_user_change_roles(db, &S, off, R(OFFICER), 0, T0, NULL, &e)),
      FZ_FORBIDDEN);
  CHECK_INT(
      TX(db, fz_user_change_roles(db, &S, sys, R(SECADMIN), 0, T0, NULL, &e)),
      FZ_FORBIDDEN);
  CHECK_INT(
      TX(db, fz_user_change_roles(db, &A, off, R(OFFICER), 0, T0, NULL, &e)),
      FZ_FORBIDDEN);
  CHECK_INT(
      TX(db, fz_user_change_roles(db, &C, sec, R(AUDITOR), 0, T0, NULL, &e)),
      FZ_FORBIDDEN);
  CHECK_STR(e.field, "granter");
  CHECK_INT(
      TX(db, fz_user_change_roles(db, &C, sec, 0, R(SECADMIN), T0, NULL, &e)),
      FZ_FORBIDDEN);
  CHECK_INT(
      TX(db, fz_user_change_roles(db, &C, aud, R(OFFICER), 0, T0, NULL, &e)),
      FZ_CONFLICT);
  CHECK_STR(e.field, "roles");
  CHECK_INT(events(db, "user.roles_changed"), changed);
  fz_roles now = 0;
  CHECK_INT(TX(db, fz_user_change_roles(db, &C, off, R(OFFICER) | R(DEPT_HEAD),
                                        0, T0, &now, &e)),
            FZ_OK);
  CHECK_INT(now, R(OFFICER) | R(DEPT_HEAD));
  CHECK_INT(events(db, "user.roles_changed"), changed + 1);
  CHECK_STR(last(db), "user.roles_changed");
  /* Nothing to change; both at once; a swap in one step. */
  CHECK_INT(
      TX(db, fz_user_change_roles(db, &C, off, R(OFFICER), 0, T0, NULL, &e)),
      FZ_CONFLICT);
  CHECK_INT(TX(db, fz_user_change_roles(db, &C, off, R(OFFICER), R(OFFICER), T0,
                                        NULL, &e)),
            FZ_INVALID);
  CHECK_INT(TX(db, fz_user_change_roles(db, &C, off, 0, 0, T0, NULL, &e)),
            FZ_MISSING);
  CHECK_INT(
      TX(db, fz_user_change_roles(db, &C, off, R(AUDITOR),
                                  R(OFFICER) | R(DEPT_HEAD), T0, &now, &e)),
      FZ_OK);
  CHECK_INT(now, R(AUDITOR));

  /* The secadmin and auditor create no users; the sysadmin does. */
  fz_user_new u = {"new.one", "新人", "", 0, 0, 0};
  int64_t id;
  CHECK_INT(TX(db, fz_user_create(db, &C, &u, hash, T0, &id, &e)),
            FZ_FORBIDDEN);
  CHECK_INT(TX(db, fz_user_create(db, &A, &u, hash, T0, &id, &e)),
            FZ_FORBIDDEN);
  CHECK_INT(TX(db, fz_user_create(db, &S, &u, hash, T0, &id, &e)), FZ_OK);

  /* The sysadmin never disables or resets the secadmin, the auditor, or
   * himself; he may an ordinary account. */
  CHECK_INT(TX(db, fz_user_disable(db, &S, sec, T0, &e)), FZ_FORBIDDEN);
  CHECK_INT(TX(db, fz_user_disable(db, &S, aud, T0, &e)), FZ_FORBIDDEN);
  CHECK_INT(TX(db, fz_user_disable(db, &S, sys, T0, &e)), FZ_FORBIDDEN);
  CHECK_INT(TX(db, fz_user_reset_password(db, &S, sec, hash, T0, &e)),
            FZ_FORBIDDEN);
  CHECK_INT(TX(db, fz_user_reset_password(db, &C, id, hash, T0, &e)),
            FZ_FORBIDDEN);
  int64_t resets = events(db, "user.password_reset");
  CHECK_INT(TX(db, fz_user_reset_password(db, &S, id, hash, T0, &e)), FZ_OK);
  CHECK_INT(events(db, "user.password_reset"), resets + 1);
  int64_t disables = events(db, "user.disable");
  CHECK_INT(TX(db, fz_user_disable(db, &S, id, T0, &e)), FZ_OK);
  CHECK_INT(TX(db, fz_user_disable(db, &S, id, T0, &e)), FZ_CONFLICT);
  CHECK_INT(events(db, "user.disable"), disables + 1);

  /* Security events: the auditor only. */
  int n = 0;
  CHECK_INT(fz_security_events(db, &S, -1, 10, collect, &n, &e), FZ_FORBIDDEN);
  CHECK_INT(fz_security_events(db, &C, -1, 10, collect, &n, &e), FZ_FORBIDDEN);
  CHECK_INT(fz_security_events(db, &A, -1, 10, collect, &n, &e), FZ_OK);
  CHECK(n > 0);
  fz_db_close(db);
}

static void t_security_events(void) {
  fz_db *db = fresh();
  if (!db) return;
  int64_t aud = mkuser(db, "auditor", R(AUDITOR), "", "Right-pass-1");
  fz_principal A = as(db, aud);
  /* An event of another kind, which the auditor's list leaves out. */
  fz_event ev = {"cli", "instance.note", "instance", "1", NULL};
  CHECK_INT(TX(db, fz_ledger_append(db, &ev, T0, NULL, &e)), FZ_OK);
  login(db, "auditor", "Wrong-pass-1", T0, NULL);
  int n = 0;
  CHECK_INT(fz_security_events(db, &A, -1, 1000, collect, &n, &e), FZ_OK);
  CHECK_INT(n,
            count(db,
                  "SELECT COUNT(*) FROM ledger_event WHERE action LIKE "
                  "'auth.%' OR action LIKE 'user.%' OR action LIKE 'token.%'"));
  CHECK(n >= 2);
  n = 0;
  CHECK_INT(fz_security_events(db, &A, -1, 1, collect, &n, &e), FZ_OK);
  CHECK_INT(n, 1);
  fz_db_close(db);
}

/* Does any text or blob in a table hold needle? */
static int table_holds(fz_db *db, const char *table, const char *needle) {
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
  fz_stmt *st = NULL;
  int found = 0;
  if (fz_db_prepare(db, sql, &st, &e)) return -1;
  while (fz_stmt_step(st, &e) == FZ_STEP_ROW)
    for (int c = 0; c < fz_stmt_column_count(st); c++) {
      /* Reading a column as text may convert it in place and free the
       * blob pointer (SQLite's column rules): look at the blob first. */
      size_t len = 0;
      const void *b = fz_stmt_column_blob(st, c, &len);
      if (b && memmem(b, len, needle, strlen(needle))) found = 1;
      const char *t = fz_stmt_column_text(st, c);
      if (t && strstr(t, needle)) found = 1;
    }
  fz_stmt_finalize(st);
  return found;
}

static void t_no_secret_at_rest(void) {
  fz_db *db = fresh();
  if (!db) return;
  int64_t id = mkuser(db, "sun.ba", R(OFFICER), "", "Secret-pass-1");
  fz_session_new s;
  CHECK_INT(login(db, "sun.ba", "Secret-pass-1", T0, &s), FZ_LOGIN_OK);
  login(db, "sun.ba", "Typed-wrong-1", T0, NULL);
  login(db, "Typed-into-name-1", "Secret-pass-1", T0, NULL);
  fz_principal p = as(db, id);
  char tok[FZ_TOKEN_SIZE];
  int64_t tid;
  CHECK_INT(TX(db, fz_apitoken_issue(db, &p, "sync", R(OFFICER), T0 + MIN, T0,
                                     tok, &tid, &e)),
            FZ_OK);
  /* The token's hash is what is stored. */
  unsigned char h[FZ_TOKEN_HASH_LEN];
  fz_token_hash(tok, h);
  CHECK_INT(count(db, "SELECT COUNT(*) FROM api_tokens"), 1);

  const char *secrets[] = {
      "Secret-pass-1", "Typed-wrong-1", "Typed-into-name-1",
      s.token,         s.csrf,          tok,
      s.token + 4,     tok + 4};
  const char *tables[] = {"users", "sessions", "api_tokens", "ledger_event",
                          "meta"};
  for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
    for (size_t j = 0; j < sizeof tables / sizeof *tables; j++) {
      int held = table_holds(db, tables[j], secrets[i]);
      if (held) fprintf(stderr, "  secret %zu found in %s\n", i, tables[j]);
      CHECK_INT(held, 0);
    }
  /* And no token hash goes into the ledger either. */
  fz_stmt *st = NULL;
  int leaked = 0;
  if (!fz_db_prepare(db, "SELECT body FROM ledger_event", &st, &e))
    while (fz_stmt_step(st, &e) == FZ_STEP_ROW) {
      const char *body = fz_stmt_column_text(st, 0);
      char hex[2 * FZ_TOKEN_HASH_LEN + 1];
      for (int k = 0; k < FZ_TOKEN_HASH_LEN; k++)
        snprintf(hex + 2 * k, 3, "%02x", h[k]);
      if (strstr(body, hex)) leaked = 1;
    }
  fz_stmt_finalize(st);
  CHECK_INT(leaked, 0);
  fz_db_close(db);
}

/* A connection keeps what it found for a token while the database is
 * unchanged (auth/token_cache.h).  Another connection's commit (the CLI, a
 * second server) must end that at once: a token revoked, a user disabled
 * or a role taken there is refused here on the next look-up; times are
 * checked again on each one. */
static void t_found_tokens_follow_other_connections(void) {
  fz_db *db = fresh(), *other = NULL;
  if (!db) return;
  if (fz_db_open(url, &other, &e)) {
    fprintf(stderr, "  %s\n", e.message);
    t_current_failed = 1;
    fz_db_close(db);
    return;
  }
  int64_t uid = mkuser(db, "qian.yi", R(OFFICER) | R(DEPT_HEAD), "2101",
                       "Right-pass-1");
  int64_t aid = mkuser(db, "sys2", R(SYSADMIN), "", "Right-pass-1");
  int64_t sid = mkuser(db, "sec2", R(SECADMIN), "", "Right-pass-1");
  fz_principal u = as(db, uid), sys = as(db, aid), sec = as(db, sid);
  char tok[FZ_TOKEN_SIZE], tok2[FZ_TOKEN_SIZE];
  int64_t id = 0, id2 = 0, exp = T0 + 60 * MIN;
  CHECK_INT(TX(db, fz_apitoken_issue(db, &u, "one", R(OFFICER) | R(DEPT_HEAD),
                                     exp, T0, tok, &id, &e)),
            FZ_OK);
  CHECK_INT(TX(db, fz_apitoken_issue(db, &u, "two", R(OFFICER), exp, T0, tok2,
                                     &id2, &e)),
            FZ_OK);
  fz_session_new n;
  CHECK_INT(login(db, "qian.yi", "Right-pass-1", T0, &n), FZ_LOGIN_OK);
  fz_principal p;
  fz_session s;
  for (int i = 0; i < 2; i++) { /* found, then kept */
    CHECK_INT(fz_apitoken_find(db, tok, T0, &p, &e), FZ_OK);
    CHECK_INT(p.scope.roles, R(OFFICER) | R(DEPT_HEAD));
    CHECK_INT(fz_apitoken_find(db, tok2, T0, &p, &e), FZ_OK);
    CHECK_INT(fz_session_find(db, &policy, n.token, T0, &s, &e), FZ_OK);
  }
  /* Kept answers still end on time. */
  CHECK_INT(fz_apitoken_find(db, tok, exp, &p, &e), FZ_UNAUTHORIZED);
  CHECK_INT(fz_session_find(db, &policy, n.token, T0 + policy.idle_ms, &s, &e),
            FZ_UNAUTHORIZED);
  CHECK_INT(fz_apitoken_find(db, tok, T0, &p, &e), FZ_OK);

  /* The other connection takes a role, then revokes token two. */
  CHECK_INT(TX(other, fz_user_change_roles(other, &sec, uid, 0, R(DEPT_HEAD),
                                           T0, NULL, &e)),
            FZ_OK);
  CHECK_INT(fz_apitoken_find(db, tok, T0, &p, &e), FZ_OK);
  CHECK_INT(p.scope.roles, R(OFFICER));
  CHECK_INT(fz_session_find(db, &policy, n.token, T0, &s, &e), FZ_OK);
  CHECK_INT(s.user.roles, R(OFFICER));
  CHECK_INT(TX(other, fz_apitoken_revoke(other, &sys, id2, T0, &e)), FZ_OK);
  CHECK_INT(fz_apitoken_find(db, tok2, T0, &p, &e), FZ_UNAUTHORIZED);
  CHECK_INT(fz_apitoken_find(db, tok, T0, &p, &e), FZ_OK);
  /* It disables the user: his token and session end here too. */
  CHECK_INT(TX(other, fz_user_disable(other, &sys, uid, T0, &e)), FZ_OK);
  CHECK_INT(fz_apitoken_find(db, tok, T0, &p, &e), FZ_UNAUTHORIZED);
  CHECK_INT(fz_session_find(db, &policy, n.token, T0, &s, &e), FZ_UNAUTHORIZED);
  fz_db_close(other);
  fz_db_close(db);
}

static void suite(const char *u, const char *label) {
  url = u;
  int before = t_passed + t_failed;
  RUN(t_create_and_scope);
  RUN(t_list_by_region);
  RUN(t_lockout_and_release);
  RUN(t_login_rechecks_in_the_transaction);
  RUN(t_session_expiry);
  RUN(t_password_change);
  RUN(t_tokens);
  RUN(t_found_tokens_follow_other_connections);
  RUN(t_separation_of_the_three);
  RUN(t_security_events);
  RUN(t_no_secret_at_rest);
  printf("%s: %d tests\n", label, t_passed + t_failed - before);
}

int main(void) {
  RUN(t_scope);
  RUN(t_department_subtree);
  RUN(t_checks);
  testdb_each(suite, "fz_account_test");
  return TEST_END();
}
