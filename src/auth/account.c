/* account.c — users, sessions, API tokens, lockout and data scope: the rules
 * of fazhi's accounts over the users, sessions and api_tokens tables, each
 * change with its ledger event in the caller's transaction. */
#include "auth/account.h"
#include "auth/token_cache.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"

#define USER_COLS                                                              \
  "u.id, u.username, u.display_name, u.roles, u.region_prefix, "               \
  "u.department_id, u.must_change, u.status, u.failures, u.locked_until, "     \
  "u.demo, u.created_at"
#define TOKEN_COLS                                                             \
  "t.id, t.name, t.roles, t.user_id, t.expires_at, t.revoked_at, t.created_at"

/* ---- Scope ---------------------------------------------------------------- */

void fz_principal_cli(fz_principal *p) {
  memset(p, 0, sizeof *p);
  p->cli = 1;
  snprintf(p->actor, sizeof p->actor, "cli");
}

int fz_scope_allows_region(const fz_scope *s, const char *region_code) {
  size_t n = strlen(s->region_prefix);
  if (n == 0) return 1;
  return region_code && strncmp(region_code, s->region_prefix, n) == 0;
}

int fz_scope_allows_department(const fz_scope *s, int64_t department,
                               fz_department_parent_fn fn, void *ctx) {
  if (s->department_id == 0) return 1;
  for (int depth = 0; depth < 64 && department != 0; depth++) {
    if (department == s->department_id) return 1;
    if (!fn || fn(ctx, department, &department)) return 0;
  }
  return 0;
}

void fz_account_policy_from_config(const fz_config *cfg, fz_account_policy *p) {
  p->idle_ms = (int64_t)cfg->session_idle * 1000;
  p->lockout_failures = cfg->lockout_failures;
  p->lockout_ms = (int64_t)cfg->lockout_seconds * 1000;
}

json_t *fz_roles_json(fz_roles roles) {
  json_t *a = json_array();
  for (int r = 0; a && r < FZ_ROLE__COUNT; r++)
    if ((roles & FZ_ROLE_BIT(r)) &&
        json_array_append_new(a, json_string(fz_role_name((fz_role)r)))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

/* ---- Helpers -------------------------------------------------------------- */

/* Prepares sql and binds its parameters as fmt says, one letter each:
 * I an int64_t, S a string (NULL binds NULL), H a token hash (32 bytes). */
static fz_err prepare(fz_db *db, fz_stmt **st, fz_error *err, const char *sql,
                      const char *fmt, ...) {
  fz_err rc = fz_db_prepare(db, sql, st, err);
  if (rc) return rc;
  va_list ap;
  va_start(ap, fmt);
  for (int i = 0; fmt[i] && !rc; i++) {
    if (fmt[i] == 'I') {
      rc = fz_stmt_bind_int64(*st, i + 1, va_arg(ap, int64_t));
    } else if (fmt[i] == 'S') {
      const char *s = va_arg(ap, const char *);
      rc = s ? fz_stmt_bind_text(*st, i + 1, s, -1)
             : fz_stmt_bind_null(*st, i + 1);
    } else {
      rc = fz_stmt_bind_blob(*st, i + 1, va_arg(ap, const unsigned char *),
                             FZ_TOKEN_HASH_LEN);
    }
  }
  va_end(ap);
  if (rc) {
    fz_stmt_finalize(*st);
    *st = NULL;
    return fz_error_set(err, rc, "", "cannot bind a parameter");
  }
  return FZ_OK;
}

/* Steps a statement that returns no rows and finalizes it. */
static fz_err run(fz_stmt *st, fz_error *err) {
  int r = fz_stmt_step(st, err);
  fz_stmt_finalize(st);
  if (r == FZ_STEP_DONE) return FZ_OK;
  return r == FZ_STEP_ROW ? fz_error_set(err, FZ_INTERNAL, "", "unexpected row")
                          : (fz_err)r;
}

/* Steps a query expected to give one row: FZ_OK with the row ready,
 * FZ_NOTFOUND (the statement finalized), or an error (finalized). */
static fz_err row(fz_stmt *st, fz_error *err) {
  int r = fz_stmt_step(st, err);
  if (r == FZ_STEP_ROW) return FZ_OK;
  fz_stmt_finalize(st);
  return r == FZ_STEP_DONE ? FZ_NOTFOUND : (fz_err)r;
}

static void copy(char *dst, size_t size, const char *src) {
  snprintf(dst, size, "%s", src ? src : "");
}

static void read_user(const fz_stmt *st, int c, fz_user *u) {
  memset(u, 0, sizeof *u);
  u->id = fz_stmt_column_int64(st, c);
  copy(u->username, sizeof u->username, fz_stmt_column_text(st, c + 1));
  copy(u->display_name, sizeof u->display_name, fz_stmt_column_text(st, c + 2));
  u->roles = (fz_roles)fz_stmt_column_int64(st, c + 3);
  copy(u->region_prefix, sizeof u->region_prefix,
       fz_stmt_column_text(st, c + 4));
  u->department_id = fz_stmt_column_int64(st, c + 5);
  u->must_change = fz_stmt_column_int64(st, c + 6) != 0;
  const char *status = fz_stmt_column_text(st, c + 7);
  u->disabled = !status || strcmp(status, "active") != 0;
  u->failures = (int)fz_stmt_column_int64(st, c + 8);
  u->locked_until = fz_stmt_column_int64(st, c + 9);
  u->demo = fz_stmt_column_int64(st, c + 10) != 0;
  u->created_at = fz_stmt_column_int64(st, c + 11);
}

static void read_token(const fz_stmt *st, fz_apitoken *t) {
  memset(t, 0, sizeof *t);
  t->id = fz_stmt_column_int64(st, 0);
  copy(t->name, sizeof t->name, fz_stmt_column_text(st, 1));
  t->roles = (fz_roles)fz_stmt_column_int64(st, 2);
  t->user_id = fz_stmt_column_int64(st, 3);
  t->expires_at = fz_stmt_column_int64(st, 4);
  t->revoked_at = fz_stmt_column_int64(st, 5);
  t->created_at = fz_stmt_column_int64(st, 6);
}

static fz_err load_user(fz_db *db, int64_t id, fz_user *u, fz_error *err) {
  fz_stmt *st;
  fz_err rc =
      prepare(db, &st, err, "SELECT " USER_COLS " FROM users u WHERE u.id = ?",
              "I", id);
  if (!rc) rc = row(st, err);
  if (rc == FZ_NOTFOUND)
    return fz_error_set(err, FZ_NOTFOUND, "id", "账号 %lld 不存在 / no user %lld", (long long)id, (long long)id);
  if (rc) return rc;
  read_user(st, 0, u);
  fz_stmt_finalize(st);
  return FZ_OK;
}

/* The next id of a table: one more than the largest.  Servers sharing a
 * PostgreSQL database may pick the same one at the same instant; the
 * primary key refuses the second (see id_race). */
static fz_err next_id(fz_db *db, const char *table, int64_t *id,
                      fz_error *err) {
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(id), 0) + 1 FROM %s", table);
  return fz_db_query_int64(db, sql, id, err);
}

/* The answer when another server took the same new id (or user name) in
 * the same instant: PostgreSQL refused the second insert; a retry works. */
static fz_err id_race(fz_error *err) {
  return fz_error_set(err, FZ_BUSY, "",
                      "another change took the same id at the same moment; "
                      "try again");
}

/* Appends one event; data (may be NULL) is stolen. */
static fz_err event(fz_db *db, const char *actor, const char *action,
                    const char *type, int64_t id, json_t *data, int64_t now,
                    fz_error *err) {
  char oid[24];
  if (id)
    snprintf(oid, sizeof oid, "%lld", (long long)id);
  else
    snprintf(oid, sizeof oid, "unknown");
  fz_err rc = FZ_NOMEM;
  if (data) {
    fz_event ev = {actor, action, type, oid, data};
    rc = fz_ledger_append(db, &ev, now, NULL, err);
  } else {
    fz_error_set(err, rc, "", NULL);
  }
  json_decref(data);
  return rc;
}

static fz_err need(const fz_principal *by, fz_perm perm, fz_error *err) {
  if (by->cli || fz_role_can(by->scope.roles, perm)) return FZ_OK;
  return fz_error_set(
      err, FZ_FORBIDDEN, "",
      "此账号无权执行该操作（需要 %s 权限） / this account may not do that "
        "(it needs the %s permission)",
        fz_perm_name(perm), fz_perm_name(perm));
}

/* Loads a user whom by may administer with perm: FZ_FORBIDDEN without the
 * permission, FZ_NOTFOUND outside by's region. */
static fz_err admin_target(fz_db *db, const fz_principal *by, fz_perm perm,
                           int64_t id, fz_user *u, fz_error *err) {
  fz_err rc = need(by, perm, err);
  if (!rc) rc = load_user(db, id, u, err);
  if (!rc && !fz_scope_allows_region(&by->scope, u->region_prefix))
    rc = fz_error_set(err, FZ_NOTFOUND, "id", "账号 %lld 不存在 / no user %lld", (long long)id, (long long)id);
  return rc;
}

/* Disabling and resetting an account: never one's own (that is what
 * /auth/password is for), and (三员分立) a sysadmin never touches the
 * secadmin or auditor who watch him. */
static fz_err may_manage(const fz_principal *by, const fz_user *u,
                         fz_error *err) {
  if (by->cli) return FZ_OK;
  if (u->id == by->scope.user_id)
    return fz_error_set(err, FZ_FORBIDDEN, "id",
                        "不能对自己的账号执行此操作 / not on your own account");
  if (u->roles & (FZ_ROLE_BIT(FZ_ROLE_SECADMIN) | FZ_ROLE_BIT(FZ_ROLE_AUDITOR)))
    return fz_error_set(
        err, FZ_FORBIDDEN, "id",
        "三员分立：系统管理员不能停用或重置安全管理员、审计管理员"
        "的账号 / a sysadmin may not disable or reset the "
        "account of a secadmin or auditor");
  return FZ_OK;
}

/* Text for a display or token name: 1 to max bytes, no control characters
 * (the JSON layer has already checked the UTF-8). */
static fz_err name_check(const char *s, size_t max, const char *field,
                         fz_error *err) {
  if (!s || !*s)
    return fz_error_set(err, FZ_MISSING, field, "%s 不能为空 / %s is empty", field, field);
  size_t n = strlen(s);
  if (n > max)
    return fz_error_set(err, FZ_INVALID, field, "%s 超过 %zu 字节 / %s is longer than %zu "
                        "bytes", field, max, field, max);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return fz_error_set(err, FZ_INVALID, field,
                          "%s 不得含控制字符 / %s may not hold control "
                        "characters", field, field);
  return FZ_OK;
}

/* ---- Users ---------------------------------------------------------------- */

fz_err fz_username_check(const char *name, fz_error *err) {
  if (!name || !*name)
    return fz_error_set(err, FZ_MISSING, "username", "请输入用户名 / a user name is required");
  size_t n = strlen(name);
  if (n < 3 || n > FZ_USERNAME_MAX || name[0] < 'a' || name[0] > 'z' ||
      strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n)
    return fz_error_set(err, FZ_INVALID, "username",
                        "用户名为 3–%d 个小写字母、数字或 . _ -，以字母开头 / "
                        "a user name is 3 to %d of a-z 0-9 . _ -, starting "
                        "with a letter",
                        FZ_USERNAME_MAX, FZ_USERNAME_MAX);
  return FZ_OK;
}

fz_err fz_region_prefix_check(const char *prefix, fz_error *err) {
  size_t n = prefix ? strlen(prefix) : 0;
  if (n > FZ_REGION_PREFIX_MAX ||
      strspn(prefix ? prefix : "", "0123456789") != n)
    return fz_error_set(err, FZ_INVALID, "region_prefix",
                        "a region prefix is up to %d digits of a GB/T 2260 "
                        "code (\"21\" for 辽宁省, \"2101\" for 沈阳市)",
                        FZ_REGION_PREFIX_MAX);
  return FZ_OK;
}

fz_err fz_user_create(fz_db *db, const fz_principal *by, const fz_user_new *u,
                      const char *password_hash, int64_t now, int64_t *id,
                      fz_error *err) {
  const char *region = u->region_prefix ? u->region_prefix : "";
  fz_err rc = need(by, FZ_PERM_MANAGE_ACCOUNTS, err);
  if (!rc) rc = fz_username_check(u->username, err);
  if (!rc)
    rc = name_check(u->display_name, FZ_DISPLAY_NAME_MAX, "display_name", err);
  if (!rc) rc = fz_region_prefix_check(region, err);
  if (!rc) rc = fz_roles_check(u->roles, err);
  if (rc) return rc;
  if (!by->cli && u->roles)
    return fz_error_set(err, FZ_FORBIDDEN, "roles",
                        "三员分立：角色由安全管理员授予 / roles are granted by "
                        "a secadmin, not at creation");
  if (!fz_scope_allows_region(&by->scope, region))
    return fz_error_set(err, FZ_FORBIDDEN, "region_prefix",
                        "区划 %s 不在本账号的区划 %s 之内 / region %s "
                        "lies outside your own (%s)",
                        region[0] ? region : "(全部)", by->scope.region_prefix,
                        region[0] ? region : "(all)", by->scope.region_prefix);
  if (!password_hash || !*password_hash)
    return fz_error_set(err, FZ_MISSING, "password", "no password hash");

  fz_stmt *st;
  rc = prepare(db, &st, err, "SELECT id FROM users WHERE username = ?", "S",
               u->username);
  if (!rc) rc = row(st, err);
  if (!rc) {
    fz_stmt_finalize(st);
    return fz_error_set(err, FZ_EXISTS, "username", "用户名 %s 已被占用 / the user name %s is "
                        "taken", u->username, u->username);
  }
  if (rc != FZ_NOTFOUND) return rc;
  if ((rc = next_id(db, "users", id, err))) return rc;
  rc = prepare(db, &st, err,
               "INSERT INTO users (id, username, display_name, password_hash, "
               "must_change, roles, region_prefix, department_id, status, "
               "failures, locked_until, demo, created_at) VALUES "
               "(?, ?, ?, ?, 1, ?, ?, ?, 'active', 0, 0, ?, ?)",
               "ISSSISIII", *id, u->username, u->display_name, password_hash,
               (int64_t)u->roles, region, (int64_t)u->department_id,
               (int64_t)(u->demo != 0), now);
  if (!rc && u->department_id == 0) rc = fz_stmt_bind_null(st, 7);
  if (!rc) rc = run(st, err);
  if (rc == FZ_CONFLICT) return id_race(err);
  if (rc) return rc;
  json_t *data =
      json_pack("{s:s, s:s, s:s, s:o, s:b}", "username", u->username,
                "display_name", u->display_name, "region_prefix", region,
                "roles", fz_roles_json(u->roles), "demo", u->demo != 0);
  if (data && u->department_id)
    json_object_set_new(data, "department_id", json_integer(u->department_id));
  return event(db, by->actor, "user.create", "user", *id, data, now, err);
}

fz_err fz_user_get(fz_db *db, const fz_principal *by, int64_t id, fz_user *out,
                   fz_error *err) {
  if (!by->cli && id == by->scope.user_id) return load_user(db, id, out, err);
  fz_perm perm = fz_role_can(by->scope.roles, FZ_PERM_GRANT_ROLES)
                     ? FZ_PERM_GRANT_ROLES
                     : FZ_PERM_MANAGE_ACCOUNTS;
  return admin_target(db, by, perm, id, out, err);
}

fz_err fz_user_list(fz_db *db, const fz_principal *by, int64_t after, int limit,
                    int (*each)(void *ctx, const fz_user *u), void *ctx,
                    fz_error *err) {
  fz_err rc = need(by, FZ_PERM_GRANT_ROLES, NULL)
                  ? need(by, FZ_PERM_MANAGE_ACCOUNTS, err)
                  : FZ_OK;
  if (rc) return rc;
  fz_stmt *st;
  const char *prefix = by->scope.region_prefix;
  rc = prepare(db, &st, err,
               "SELECT " USER_COLS " FROM users u WHERE u.id > ? AND "
               "substr(u.region_prefix, 1, ?) = ? ORDER BY u.id LIMIT ?",
               "IISI", after, (int64_t)strlen(prefix), prefix, (int64_t)limit);
  if (rc) return rc;
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    fz_user u;
    read_user(st, 0, &u);
    if (each(ctx, &u)) break;
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_user_directory(fz_db *db, const fz_principal *by, const char *q,
                         int role, int limit,
                         int (*each)(void *ctx, const fz_user *u), void *ctx,
                         fz_error *err) {
  fz_err rc = fz_principal_need_read(by, err);
  if (rc) return rc;
  const char *prefix = by->scope.region_prefix;
  char like[160];
  snprintf(like, sizeof like, "%%%.120s%%", q ? q : "");
  fz_stmt *st;
  /* Within by's region, or a region that contains it (a prefix of it). */
  rc = prepare(db, &st, err,
               "SELECT " USER_COLS " FROM users u WHERE u.status = 'active' AND "
               "(substr(u.region_prefix, 1, ?) = ? OR substr(?, 1, "
               "length(u.region_prefix)) = u.region_prefix) AND "
               "(u.username LIKE ? OR u.display_name LIKE ?) ORDER BY "
               "u.username LIMIT ?",
               "ISSSSI", (int64_t)strlen(prefix), prefix, prefix, like, like,
               (int64_t)(limit * 4 + 16));
  if (rc) return rc;
  int r, n = 0;
  while (n < limit && (r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    fz_user u;
    read_user(st, 0, &u);
    if (!(u.roles & FZ_ROLES_BUSINESS) || (u.roles & FZ_ROLES_ADMIN)) continue;
    if (role >= 0 && !(u.roles & FZ_ROLE_BIT(role))) continue;
    n++;
    if (each(ctx, &u)) break;
  }
  if (n == limit) r = FZ_STEP_DONE;
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

/* Ends every session of a user but keep (may be NULL). */
static fz_err end_sessions(fz_db *db, int64_t user_id,
                           const unsigned char *keep, fz_error *err) {
  fz_stmt *st;
  fz_err rc = keep ? prepare(db, &st, err,
                             "DELETE FROM sessions WHERE user_id "
                             "= ? AND token_hash <> ?",
                             "IH", user_id, keep)
                   : prepare(db, &st, err,
                             "DELETE FROM sessions WHERE "
                             "user_id = ?",
                             "I", user_id);
  return rc ? rc : run(st, err);
}

fz_err fz_user_disable(fz_db *db, const fz_principal *by, int64_t id,
                       int64_t now, fz_error *err) {
  fz_user u;
  fz_err rc = admin_target(db, by, FZ_PERM_MANAGE_ACCOUNTS, id, &u, err);
  if (!rc) rc = may_manage(by, &u, err);
  if (rc) return rc;
  if (u.disabled)
    return fz_error_set(err, FZ_CONFLICT, "id", "账号 %s 已停用 / user %s is already "
                        "disabled", u.username, u.username);
  fz_stmt *st;
  rc = prepare(db, &st, err,
               "UPDATE users SET status = 'disabled' WHERE id = ?", "I", id);
  if (!rc) rc = run(st, err);
  if (!rc) rc = end_sessions(db, id, NULL, err);
  if (rc) return rc;
  return event(db, by->actor, "user.disable", "user", id,
               json_pack("{s:s}", "username", u.username), now, err);
}

fz_err fz_user_reset_password(fz_db *db, const fz_principal *by, int64_t id,
                              const char *password_hash, int64_t now,
                              fz_error *err) {
  fz_user u;
  fz_err rc = admin_target(db, by, FZ_PERM_MANAGE_ACCOUNTS, id, &u, err);
  if (!rc) rc = may_manage(by, &u, err);
  if (rc) return rc;
  if (!password_hash || !*password_hash)
    return fz_error_set(err, FZ_MISSING, "password", "no password hash");
  fz_stmt *st;
  rc = prepare(db, &st, err,
               "UPDATE users SET password_hash = ?, must_change "
               "= 1, failures = 0, locked_until = 0 WHERE id = ?",
               "SI", password_hash, id);
  if (!rc) rc = run(st, err);
  if (!rc) rc = end_sessions(db, id, NULL, err);
  if (rc) return rc;
  return event(db, by->actor, "user.password_reset", "user", id,
               json_pack("{s:s}", "username", u.username), now, err);
}

fz_err fz_user_change_roles(fz_db *db, const fz_principal *by, int64_t id,
                            fz_roles add, fz_roles remove, int64_t now,
                            fz_roles *roles, fz_error *err) {
  if (!add && !remove)
    return fz_error_set(err, FZ_MISSING, "add", "请指定要增加或撤销的角色 / name roles to add or remove");
  if (add & remove)
    return fz_error_set(err, FZ_INVALID, "remove",
                        "同一角色不能既增加又撤销 / a role cannot be "
                        "both added and removed");
  fz_user u;
  fz_err rc = admin_target(db, by, FZ_PERM_GRANT_ROLES, id, &u, err);
  if (rc) return rc;
  fz_roles kept = u.roles & ~remove, next = kept | add;
  if (!by->cli) {
    fz_error why;
    if (remove)
      rc = fz_role_revoke_check(by->scope.user_id, by->scope.roles, id, remove,
                                &why);
    if (!rc && add)
      rc = fz_role_grant_check(by->scope.user_id, by->scope.roles, id, kept,
                               add, &why);
    /* role.h calls every refusal a conflict; one about the granter himself
     * (not a secadmin, or his own account) is a lack of permission. */
    if (rc == FZ_CONFLICT && strcmp(why.field, "granter") == 0)
      rc = why.code = FZ_FORBIDDEN;
    if (rc) {
      if (err) *err = why;
      return rc;
    }
  }
  if ((rc = fz_roles_check(next, err))) return rc;
  if (next == u.roles)
    return fz_error_set(err, FZ_CONFLICT, "roles",
                        "账号 %s 已恰好持有这些角色 / user %s already "
                        "has exactly these roles", u.username, u.username);
  fz_stmt *st;
  rc = prepare(db, &st, err, "UPDATE users SET roles = ? WHERE id = ?", "II",
               (int64_t)next, id);
  if (!rc) rc = run(st, err);
  if (rc) return rc;
  if (roles) *roles = next;
  return event(db, by->actor, "user.roles_changed", "user", id,
               json_pack("{s:s, s:o, s:o, s:o}", "username", u.username,
                         "added", fz_roles_json(next & ~u.roles), "removed",
                         fz_roles_json(u.roles & ~next), "roles",
                         fz_roles_json(next)),
               now, err);
}

fz_err fz_user_password_hash(fz_db *db, const fz_principal *by,
                             char out[FZ_PASSWORD_HASH_SIZE], fz_error *err) {
  out[0] = '\0';
  fz_stmt *st;
  fz_err rc =
      prepare(db, &st, err, "SELECT password_hash FROM users WHERE id = ?", "I",
              by->scope.user_id);
  if (!rc) rc = row(st, err);
  if (rc)
    return rc == FZ_NOTFOUND ? fz_error_set(err, rc, "", "no such user") : rc;
  copy(out, FZ_PASSWORD_HASH_SIZE, fz_stmt_column_text(st, 0));
  fz_stmt_finalize(st);
  return FZ_OK;
}

fz_err fz_user_change_password(fz_db *db, const fz_principal *by,
                               const char *old_hash, const char *new_hash,
                               const unsigned char keep[FZ_TOKEN_HASH_LEN],
                               int64_t now, fz_error *err) {
  if (by->cli || by->token_id)
    return fz_error_set(err, FZ_FORBIDDEN, "",
                        "修改密码须在登录后的会话中进行 / a password is "
                        "changed in a signed-in session");
  if (!old_hash || !new_hash || !*new_hash)
    return fz_error_set(err, FZ_MISSING, "new_password", "no password hash");
  int64_t id = by->scope.user_id;
  fz_stmt *st;
  fz_err rc = prepare(db, &st, err,
                      "UPDATE users SET password_hash = ?, "
                      "must_change = 0 WHERE id = ? AND password_hash = ?",
                      "SIS", new_hash, id, old_hash);
  if (!rc) rc = run(st, err);
  /* The salt makes new_hash unique: if it is not stored now, the password
   * changed between the check of the old one and this transaction. */
  char stored[FZ_PASSWORD_HASH_SIZE];
  if (!rc) rc = fz_user_password_hash(db, by, stored, err);
  if (rc) return rc;
  if (strcmp(stored, new_hash) != 0)
    return fz_error_set(err, FZ_CONFLICT, "old_password",
                        "密码已在此期间被修改，请重新登录 / the password "
                        "was changed meanwhile; sign in again");
  fz_user u;
  if ((rc = end_sessions(db, id, keep, err)) ||
      (rc = load_user(db, id, &u, err)))
    return rc;
  return event(db, by->actor, "auth.password_changed", "user", id,
               json_pack("{s:s}", "username", u.username), now, err);
}

/* ---- Logins --------------------------------------------------------------- */

const char *fz_login_result_name(fz_login_result r) {
  static const char *const names[] = {"ok", "wrong_password", "unknown_user",
                                      "locked", "disabled"};
  return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "unknown";
}

fz_err fz_login_check(fz_db *db, const char *username, const char *password,
                      int64_t now, fz_login_result *res, int64_t *user_id,
                      fz_error *err) {
  *res = FZ_LOGIN_UNKNOWN_USER;
  *user_id = 0;
  char hash[FZ_PASSWORD_HASH_SIZE] = "";
  fz_stmt *st;
  fz_err rc = prepare(db, &st, err,
                      "SELECT id, password_hash, status, "
                      "locked_until FROM users WHERE username = ?",
                      "S", username ? username : "");
  if (!rc) rc = row(st, err);
  if (rc && rc != FZ_NOTFOUND) return rc;
  if (!rc) {
    const char *status = fz_stmt_column_text(st, 2);
    *user_id = fz_stmt_column_int64(st, 0);
    if (!status || strcmp(status, "active") != 0)
      *res = FZ_LOGIN_DISABLED;
    else if (fz_stmt_column_int64(st, 3) > now)
      *res = FZ_LOGIN_LOCKED;
    else
      copy(hash, sizeof hash, fz_stmt_column_text(st, 1));
    fz_stmt_finalize(st);
  }
  /* One Argon2 run on every path: the answer's time tells nothing. */
  if (hash[0])
    *res = fz_password_verify(password, hash) == FZ_OK
               ? FZ_LOGIN_OK
               : FZ_LOGIN_WRONG_PASSWORD;
  else
    fz_password_dummy_verify(password, 0, 0);
  return FZ_OK;
}

/* Removes the sessions that have ended, whoever they belonged to. */
static fz_err purge_sessions(fz_db *db, const fz_account_policy *pol,
                             int64_t now, fz_error *err) {
  fz_stmt *st;
  fz_err rc = prepare(db, &st, err,
                      "DELETE FROM sessions WHERE expires <= ? "
                      "OR last_seen <= ?",
                      "II", now, now - pol->idle_ms);
  return rc ? rc : run(st, err);
}

static void set_actor(fz_principal *p, const char *kind, int64_t id) {
  snprintf(p->actor, sizeof p->actor, "%s:%lld", kind, (long long)id);
}

static fz_err start_session(fz_db *db, const fz_user *u, int64_t now,
                            fz_session_new *out, fz_error *err) {
  unsigned char th[FZ_TOKEN_HASH_LEN], ch[FZ_TOKEN_HASH_LEN];
  if (fz_token_new(FZ_TOKEN_SESSION, out->token, sizeof out->token) ||
      fz_token_new(FZ_TOKEN_CSRF, out->csrf, sizeof out->csrf) ||
      fz_token_hash(out->token, th) || fz_token_hash(out->csrf, ch))
    return fz_error_set(err, FZ_INTERNAL, "", "cannot make a session token");
  fz_stmt *st;
  fz_err rc =
      prepare(db, &st, err,
              "INSERT INTO sessions (token_hash, "
              "csrf_hash, user_id, created_at, last_seen, expires) "
              "VALUES (?, ?, ?, ?, ?, ?)",
              "HHIIII", th, ch, u->id, now, now, now + FZ_SESSION_MAX_MS);
  return rc ? rc : run(st, err);
}

/* Counts a wrong password against the user, locking the account when the
 * count reaches the policy's limit (the count then starts again). */
static fz_err count_failure(fz_db *db, const fz_account_policy *pol,
                            const fz_user *u, int64_t now, fz_error *err) {
  fz_stmt *st;
  int64_t failures = 0;
  fz_err rc = prepare(db, &st, err,
                      "UPDATE users SET failures = failures + 1 "
                      "WHERE id = ?",
                      "I", u->id);
  if (!rc) rc = run(st, err);
  /* Read after the update: on PostgreSQL the row lock orders concurrent
   * failures, so no two of them see the same count. */
  if (!rc)
    rc = prepare(db, &st, err, "SELECT failures FROM users WHERE id = ?", "I",
                 u->id);
  if (!rc) rc = row(st, err);
  if (rc) return rc;
  failures = fz_stmt_column_int64(st, 0);
  fz_stmt_finalize(st);
  rc = event(db, "anonymous", "auth.login_failed", "user", u->id,
             json_pack("{s:s, s:s, s:I}", "username", u->username, "reason",
                       "wrong_password", "failures", (json_int_t)failures),
             now, err);
  if (rc || failures < pol->lockout_failures) return rc;
  int64_t until = now + pol->lockout_ms;
  rc = prepare(db, &st, err,
               "UPDATE users SET failures = 0, locked_until = ? "
               "WHERE id = ?",
               "II", until, u->id);
  if (!rc) rc = run(st, err);
  if (rc) return rc;
  return event(db, "system", "auth.locked", "user", u->id,
               json_pack("{s:s, s:I, s:I}", "username", u->username, "failures",
                         (json_int_t)failures, "until", (json_int_t)until),
               now, err);
}

fz_err fz_login_record(fz_db *db, const fz_account_policy *pol, int64_t user_id,
                       fz_login_result *res, int64_t now, fz_session_new *out,
                       fz_error *err) {
  memset(out, 0, sizeof *out);
  fz_user u;
  fz_err rc = user_id ? load_user(db, user_id, &u, err) : FZ_NOTFOUND;
  if (rc == FZ_NOTFOUND) {
    /* The name typed is not recorded: it may be a password typed into the
     * wrong field. */
    *res = FZ_LOGIN_UNKNOWN_USER;
    return event(db, "anonymous", "auth.login_failed", "user", 0,
                 json_pack("{s:s}", "reason", "unknown_user"), now, err);
  }
  if (rc) return rc;
  if (u.disabled)
    *res = FZ_LOGIN_DISABLED;
  else if (u.locked_until > now)
    *res = FZ_LOGIN_LOCKED;
  if (*res == FZ_LOGIN_WRONG_PASSWORD)
    return count_failure(db, pol, &u, now, err);
  if (*res != FZ_LOGIN_OK)
    return event(db, "anonymous", "auth.login_failed", "user", u.id,
                 json_pack("{s:s, s:s}", "username", u.username, "reason",
                           fz_login_result_name(*res)),
                 now, err);
  fz_stmt *st;
  rc = prepare(db, &st, err,
               "UPDATE users SET failures = 0, locked_until = 0 "
               "WHERE id = ?",
               "I", u.id);
  if (!rc) rc = run(st, err);
  if (!rc) rc = purge_sessions(db, pol, now, err);
  if (!rc) rc = start_session(db, &u, now, out, err);
  if (rc) return rc;
  char actor[32];
  snprintf(actor, sizeof actor, "user:%lld", (long long)u.id);
  return event(db, actor, "auth.login", "user", u.id,
               json_pack("{s:s, s:b}", "username", u.username, "must_change",
                         u.must_change),
               now, err);
}

/* ---- Sessions ------------------------------------------------------------- */

static fz_err session_ended(fz_error *err) {
  return fz_error_set(err, FZ_UNAUTHORIZED, "", "会话已结束，请重新登录 / the "
                      "session has ended; sign in again");
}

/* A session found is live until its absolute end and while not idle. */
static fz_err session_live(const fz_account_policy *pol, const fz_session *s,
                           int64_t now, fz_error *err) {
  return s->expires <= now || now - s->last_seen >= pol->idle_ms
             ? session_ended(err)
             : FZ_OK;
}

fz_err fz_session_find(fz_db *db, const fz_account_policy *pol,
                       const char *token, int64_t now, fz_session *out,
                       fz_error *err) {
  memset(out, 0, sizeof *out);
  if (fz_token_check(token, FZ_TOKEN_SESSION, NULL) ||
      fz_token_hash(token, out->token_hash))
    return fz_error_set(err, FZ_UNAUTHORIZED, "", "请先登录 / sign in first");
  fz_found f = {0};
  if (fz_found_get(db, FZ_FOUND_SESSION, out->token_hash, &f)) {
    *out = f.session;
    return session_live(pol, out, now, err);
  }
  fz_stmt *st;
  fz_err rc = prepare(db, &st, err,
                      "SELECT s.csrf_hash, s.created_at, "
                      "s.last_seen, s.expires, " USER_COLS " FROM sessions s "
                      "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
                      "H", out->token_hash);
  if (!rc) rc = row(st, err);
  if (rc == FZ_NOTFOUND)
    return fz_error_set(err, FZ_UNAUTHORIZED, "", "请先登录 / sign in first");
  if (rc) return rc;
  size_t len = 0;
  const void *csrf = fz_stmt_column_blob(st, 0, &len);
  if (csrf && len == FZ_TOKEN_HASH_LEN) memcpy(out->csrf_hash, csrf, len);
  out->created_at = fz_stmt_column_int64(st, 1);
  out->last_seen = fz_stmt_column_int64(st, 2);
  out->expires = fz_stmt_column_int64(st, 3);
  read_user(st, 4, &out->user);
  fz_stmt_finalize(st);
  if (len != FZ_TOKEN_HASH_LEN || out->user.disabled)
    return session_ended(err);
  rc = session_live(pol, out, now, err);
  if (!rc) {
    f.session = *out;
    fz_found_put(db, FZ_FOUND_SESSION, out->token_hash, &f);
  }
  return rc;
}

static void user_principal(const fz_user *u, fz_principal *p) {
  memset(p, 0, sizeof *p);
  p->scope.user_id = u->id;
  p->scope.roles = u->roles;
  copy(p->scope.region_prefix, sizeof p->scope.region_prefix,
       u->region_prefix);
  p->scope.department_id = u->department_id;
  p->must_change = u->must_change;
  set_actor(p, "user", u->id);
}

void fz_session_principal(const fz_session *s, fz_principal *p) {
  user_principal(&s->user, p);
}

fz_err fz_user_principal(fz_db *db, const char *username, fz_principal *p,
                         fz_error *err) {
  fz_stmt *st;
  fz_user u;
  fz_err rc = prepare(db, &st, err, "SELECT " USER_COLS " FROM users u "
                      "WHERE u.username = ?", "S", username);
  if (!rc) rc = row(st, err);
  if (rc == FZ_NOTFOUND)
    return fz_error_set(err, FZ_NOTFOUND, "username", "账号 %s 不存在 / no "
                        "user %s", username, username);
  if (rc) return rc;
  read_user(st, 0, &u);
  fz_stmt_finalize(st);
  if (u.disabled)
    return fz_error_set(err, FZ_NOTFOUND, "username", "账号 %s 已停用 / user "
                        "%s is disabled", username, username);
  user_principal(&u, p);
  return FZ_OK;
}

int fz_session_csrf_ok(const fz_session *s, const char *csrf) {
  unsigned char h[FZ_TOKEN_HASH_LEN];
  return csrf && fz_token_check(csrf, FZ_TOKEN_CSRF, NULL) == FZ_OK &&
         fz_token_hash(csrf, h) == FZ_OK &&
         fz_token_hash_equal(h, s->csrf_hash);
}

int fz_session_needs_touch(const fz_account_policy *pol, const fz_session *s,
                           int64_t now) {
  int64_t every = pol->idle_ms / 4 < 60000 ? pol->idle_ms / 4 : 60000;
  return now - s->last_seen >= every;
}

fz_err fz_session_touch(fz_db *db, const unsigned char hash[FZ_TOKEN_HASH_LEN],
                        int64_t now, fz_error *err) {
  fz_stmt *st;
  fz_err rc = prepare(db, &st, err,
                      "UPDATE sessions SET last_seen = ? WHERE "
                      "token_hash = ? AND last_seen < ?",
                      "IHI", now, hash, now);
  return rc ? rc : run(st, err);
}

fz_err fz_session_end(fz_db *db, const fz_principal *by,
                      const unsigned char hash[FZ_TOKEN_HASH_LEN], int64_t now,
                      fz_error *err) {
  fz_stmt *st;
  fz_err rc = prepare(db, &st, err,
                      "SELECT user_id FROM sessions WHERE "
                      "token_hash = ?",
                      "H", hash);
  if (!rc) rc = row(st, err);
  if (rc == FZ_NOTFOUND)
    return fz_error_set(err, FZ_UNAUTHORIZED, "",
                        "会话已结束 / the session has already ended");
  if (rc) return rc;
  int64_t id = fz_stmt_column_int64(st, 0);
  fz_stmt_finalize(st);
  fz_user u;
  rc = prepare(db, &st, err, "DELETE FROM sessions WHERE token_hash = ?", "H",
               hash);
  if (!rc) rc = run(st, err);
  if (!rc) rc = load_user(db, id, &u, err);
  if (rc) return rc;
  return event(db, by->actor, "auth.logout", "user", id,
               json_pack("{s:s}", "username", u.username), now, err);
}

/* ---- API tokens ----------------------------------------------------------- */

fz_err fz_apitoken_issue(fz_db *db, const fz_principal *by, const char *name,
                         fz_roles roles, int64_t expires_at, int64_t now,
                         char token[FZ_TOKEN_SIZE], int64_t *id,
                         fz_error *err) {
  token[0] = '\0';
  if (by->cli || by->token_id)
    return fz_error_set(err, FZ_FORBIDDEN, "",
                        "API 令牌须在登录后的会话中签发 / API tokens are "
                        "issued from a signed-in session");
  fz_err rc = name_check(name, FZ_TOKEN_NAME_MAX, "name", err);
  if (rc) return rc;
  if (!roles)
    return fz_error_set(err, FZ_MISSING, "roles",
                        "令牌至少需要一个角色 / a token needs at least "
                        "one role");
  if (roles & ~by->scope.roles)
    return fz_error_set(err, FZ_FORBIDDEN, "roles",
                        "令牌只能持有签发人自己持有的角色 / a token can "
                        "only hold roles its creator holds");
  if (expires_at <= now)
    return fz_error_set(err, FZ_INVALID, "expires_in_days",
                        "令牌的到期时间应晚于现在 / a token must expire "
                        "in the future");
  unsigned char h[FZ_TOKEN_HASH_LEN];
  if (fz_token_new(FZ_TOKEN_API, token, FZ_TOKEN_SIZE) ||
      fz_token_hash(token, h))
    return fz_error_set(err, FZ_INTERNAL, "", "cannot make a token");
  fz_stmt *st;
  rc = next_id(db, "api_tokens", id, err);
  if (!rc)
    rc = prepare(db, &st, err,
                 "INSERT INTO api_tokens (id, name, "
                 "token_hash, roles, user_id, expires_at, revoked_at, "
                 "created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                 "ISHIIII", *id, name, h, (int64_t)roles, by->scope.user_id,
                 expires_at, now);
  if (!rc) rc = run(st, err);
  if (rc == FZ_CONFLICT) rc = id_race(err);
  if (!rc)
    rc = event(db, by->actor, "token.issue", "token", *id,
               json_pack("{s:s, s:o, s:I, s:I}", "name", name, "roles",
                         fz_roles_json(roles), "user_id",
                         (json_int_t)by->scope.user_id, "expires_at",
                         (json_int_t)expires_at),
               now, err);
  if (rc) token[0] = '\0';
  return rc;
}

static fz_err token_ended(fz_error *err) {
  return fz_error_set(err, FZ_UNAUTHORIZED, "",
                      "API 令牌已被撤销或已过期 / the API token has "
                        "been revoked or has expired");
}

fz_err fz_apitoken_find(fz_db *db, const char *token, int64_t now,
                        fz_principal *out, fz_error *err) {
  memset(out, 0, sizeof *out);
  unsigned char h[FZ_TOKEN_HASH_LEN];
  if (fz_token_check(token, FZ_TOKEN_API, NULL) || fz_token_hash(token, h))
    return fz_error_set(err, FZ_UNAUTHORIZED, "", "不是有效的 API 令牌 / not a valid API token");
  fz_found f = {0};
  if (fz_found_get(db, FZ_FOUND_API, h, &f)) {
    if (f.expires_at <= now) return token_ended(err);
    *out = f.who;
    return FZ_OK;
  }
  fz_stmt *st;
  fz_err rc =
      prepare(db, &st, err,
              "SELECT t.id, t.roles, t.expires_at, "
              "t.revoked_at, " USER_COLS " FROM api_tokens t JOIN users "
              "u ON u.id = t.user_id WHERE t.token_hash = ?",
              "H", h);
  if (!rc) rc = row(st, err);
  if (rc == FZ_NOTFOUND)
    return fz_error_set(err, FZ_UNAUTHORIZED, "", "不是有效的 API 令牌 / not a valid API token");
  if (rc) return rc;
  int64_t id = fz_stmt_column_int64(st, 0);
  fz_roles roles = (fz_roles)fz_stmt_column_int64(st, 1);
  int64_t expires_at = fz_stmt_column_int64(st, 2);
  int revoked = !fz_stmt_column_is_null(st, 3);
  fz_user u;
  read_user(st, 4, &u);
  fz_stmt_finalize(st);
  if (revoked || expires_at <= now || u.disabled) return token_ended(err);
  out->scope.user_id = u.id;
  out->scope.roles = roles & u.roles;
  copy(out->scope.region_prefix, sizeof out->scope.region_prefix,
       u.region_prefix);
  out->scope.department_id = u.department_id;
  out->token_id = id;
  set_actor(out, "token", id);
  f.who = *out;
  f.expires_at = expires_at;
  fz_found_put(db, FZ_FOUND_API, h, &f);
  return FZ_OK;
}

fz_err fz_apitoken_get(fz_db *db, const fz_principal *by, int64_t id,
                       fz_apitoken *out, fz_error *err) {
  fz_stmt *st;
  fz_err rc = prepare(db, &st, err,
                      "SELECT " TOKEN_COLS ", u.region_prefix "
                      "FROM api_tokens t JOIN users u ON u.id = t.user_id "
                      "WHERE t.id = ?",
                      "I", id);
  if (!rc) rc = row(st, err);
  if (rc && rc != FZ_NOTFOUND) return rc;
  int visible = 0;
  if (!rc) {
    read_token(st, out);
    visible = by->cli || out->user_id == by->scope.user_id ||
              (fz_role_can(by->scope.roles, FZ_PERM_MANAGE_ACCOUNTS) &&
               fz_scope_allows_region(&by->scope, fz_stmt_column_text(st, 7)));
    fz_stmt_finalize(st);
  }
  return visible ? FZ_OK
                 : fz_error_set(err, FZ_NOTFOUND, "id", "令牌 %lld 不存在 / no token %lld",
                          (long long)id, (long long)id);
}

fz_err fz_apitoken_list(fz_db *db, const fz_principal *by,
                        int (*each)(void *ctx, const fz_apitoken *t), void *ctx,
                        fz_error *err) {
  fz_stmt *st;
  const char *prefix = by->scope.region_prefix;
  fz_err rc =
      by->cli || fz_role_can(by->scope.roles, FZ_PERM_MANAGE_ACCOUNTS)
          ? prepare(db, &st, err,
                    "SELECT " TOKEN_COLS " FROM api_tokens t "
                    "JOIN users u ON u.id = t.user_id WHERE "
                    "substr(u.region_prefix, 1, ?) = ? ORDER BY t.id DESC "
                    "LIMIT 1000",
                    "IS", (int64_t)strlen(prefix), prefix)
          : prepare(db, &st, err,
                    "SELECT " TOKEN_COLS " FROM api_tokens t "
                    "WHERE t.user_id = ? ORDER BY t.id DESC LIMIT 1000",
                    "I", by->scope.user_id);
  if (rc) return rc;
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    fz_apitoken t;
    read_token(st, &t);
    if (each(ctx, &t)) break;
  }
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_apitoken_revoke(fz_db *db, const fz_principal *by, int64_t id,
                          int64_t now, fz_error *err) {
  fz_apitoken t;
  fz_err rc = fz_apitoken_get(db, by, id, &t, err);
  if (rc) return rc;
  if (t.revoked_at)
    return fz_error_set(err, FZ_CONFLICT, "id", "令牌 %lld 已撤销 / token %lld is already "
                        "revoked", (long long)id, (long long)id);
  fz_stmt *st;
  rc =
      prepare(db, &st, err, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?",
              "II", now, id);
  if (!rc) rc = run(st, err);
  if (rc) return rc;
  return event(
      db, by->actor, "token.revoke", "token", id,
      json_pack("{s:s, s:I}", "name", t.name, "user_id", (json_int_t)t.user_id),
      now, err);
}

/* ---- Security events ------------------------------------------------------ */

fz_err fz_security_events(fz_db *db, const fz_principal *by, int64_t after,
                          int limit,
                          int (*each)(void *ctx, int64_t seq, const char *body),
                          void *ctx, fz_error *err) {
  fz_err rc = need(by, FZ_PERM_READ_SECURITY_EVENTS, err);
  if (rc) return rc;
  fz_stmt *st;
  rc = prepare(db, &st, err,
               "SELECT seq, body FROM ledger_event WHERE seq > ? "
               "AND (action LIKE 'auth.%' OR action LIKE 'user.%' OR action "
               "LIKE 'token.%') ORDER BY seq LIMIT ?",
               "II", after, (int64_t)limit);
  if (rc) return rc;
  int r;
  while ((r = fz_stmt_step(st, err)) == FZ_STEP_ROW)
    if (each(ctx, fz_stmt_column_int64(st, 0), fz_stmt_column_text(st, 1)))
      break;
  fz_stmt_finalize(st);
  return r == FZ_STEP_ROW || r == FZ_STEP_DONE ? FZ_OK : (fz_err)r;
}

fz_err fz_principal_need_read(const fz_principal *p, fz_error *err) {
  if (p->cli || fz_role_can(p->scope.roles, FZ_PERM_READ_BUSINESS))
    return FZ_OK;
  return fz_error_set(err, FZ_FORBIDDEN, "", "此账号无权查看业务数据 / this "
                      "account may not read business data (read_business)");
}
