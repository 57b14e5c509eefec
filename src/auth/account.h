/* account.h — the accounts of fazhi: users, their sessions and API tokens,
 * lockout after failed logins, and the data scope of whoever acts
 * (DESIGN §8).  The domain layer: no HTTP here.
 *
 * Every function that changes the database appends its own ledger event
 * and must run inside the caller's open transaction (an fz_write_fn), so
 * that the change and its event commit together or not at all.  Times are
 * passed in as milliseconds since the epoch, so that tests drive the clock.
 * Permission, scope and 三员分立 checks are made here, not only in the API:
 * a function refuses with FZ_FORBIDDEN (no permission) or FZ_NOTFOUND (an
 * object outside the actor's scope, which must not learn it exists). */
#ifndef FZ_AUTH_ACCOUNT_H
#define FZ_AUTH_ACCOUNT_H

#include <jansson.h>
#include <stdint.h>

#include "auth/role.h"
#include "auth/secret.h"
#include "core/config.h"
#include "core/error.h"
#include "store/db.h"

#define FZ_USERNAME_MAX 32       /* bytes of a user name */
#define FZ_DISPLAY_NAME_MAX 128  /* bytes of a display name (UTF-8) */
#define FZ_REGION_PREFIX_MAX 12  /* digits of a region prefix */
#define FZ_TOKEN_NAME_MAX 64     /* bytes of an API token's name */
#define FZ_APITOKEN_MAX_DAYS 366 /* longest life of an API token */
#define FZ_SESSION_MAX_MS (12LL * 3600 * 1000) /* a session's longest life */

/* What a principal may see: its own id and roles, and the region-code
 * prefix and department (with its subtree) it works in. */
typedef struct fz_scope {
  int64_t user_id;
  fz_roles roles;
  char region_prefix[FZ_REGION_PREFIX_MAX + 1]; /* "" = the installation */
  int64_t department_id;                        /* 0 = every department */
} fz_scope;

/* Who acts: a signed-in user, an API token (acting for its creator with at
 * most the token's roles), or the command line, which has the database in
 * hand anyway and passes every permission check. */
typedef struct fz_principal {
  fz_scope scope;
  int64_t token_id; /* the API token used; 0 for a session or the CLI */
  int cli;          /* 1 for the command line */
  int must_change;  /* the session's user still has a one-time password */
  char actor[32];   /* "user:12", "token:3", "cli": the ledger's actor */
} fz_principal;

/* FZ_OK if p may read business data (case, inspection and registry data:
 * every role but the 三员) or is the command line; FZ_FORBIDDEN otherwise. */
fz_err fz_principal_need_read(const fz_principal *p, fz_error *err);

/* Fills *p as the command line (actor "cli", no user, every region). */
void fz_principal_cli(fz_principal *p);

/* 1 if region_code (a GB/T 2260 code, may be NULL) lies within the scope's
 * region prefix; every code does when the prefix is "". */
int fz_scope_allows_region(const fz_scope *s, const char *region_code);

/* Finds the parent of a department: FZ_OK with *parent (0 at the top), or
 * an error.  Departments are another module's; it passes this in. */
typedef fz_err (*fz_department_parent_fn)(void *ctx, int64_t department,
                                          int64_t *parent);

/* 1 if department lies in the subtree under the scope's department (always
 * when the scope has none), following parents with fn; 0 otherwise, and 0
 * when a look-up fails or the chain is deeper than 64 (fail closed). */
int fz_scope_allows_department(const fz_scope *s, int64_t department,
                               fz_department_parent_fn fn, void *ctx);

/* The settings of sessions and lockout, in milliseconds. */
typedef struct fz_account_policy {
  int64_t idle_ms;      /* a session unused this long has ended */
  int lockout_failures; /* failed logins in a row that lock an account */
  int64_t lockout_ms;   /* how long the lock holds */
} fz_account_policy;

/* The policy of a configuration (session_idle, lockout_*). */
void fz_account_policy_from_config(const fz_config *cfg, fz_account_policy *p);

/* The names of a role set as a new JSON array (["officer", …], in role
 * order); NULL when out of memory. */
json_t *fz_roles_json(fz_roles roles);

/* ---- Users -------------------------------------------------------------- */

typedef struct fz_user {
  int64_t id;
  char username[FZ_USERNAME_MAX + 1];
  char display_name[FZ_DISPLAY_NAME_MAX + 1];
  fz_roles roles;
  char region_prefix[FZ_REGION_PREFIX_MAX + 1];
  int64_t department_id; /* 0 = none */
  int must_change, disabled, demo, failures;
  int64_t locked_until, created_at;
} fz_user;

/* What a new user is made of.  Strings are borrowed. */
typedef struct fz_user_new {
  const char *username;
  const char *display_name;
  const char *region_prefix; /* NULL = "" */
  int64_t department_id;     /* 0 = none */
  fz_roles roles;            /* only the CLI may give roles at creation */
  int demo;
} fz_user_new;

/* A user name: 3 to 32 of a-z 0-9 . _ -, starting with a letter.  FZ_OK,
 * or FZ_MISSING / FZ_INVALID with field "username" and why. */
fz_err fz_username_check(const char *name, fz_error *err);

/* A region prefix: 0 to 12 ASCII digits.  FZ_OK, or FZ_INVALID with field
 * "region_prefix". */
fz_err fz_region_prefix_check(const char *prefix, fz_error *err);

/* Creates a user with password_hash (from fz_password_hash) and
 * must_change set, and appends user.create.  Needs manage_accounts and a
 * region prefix within by's; roles other than none only from the CLI
 * (others grant them through fz_user_change_roles).  *id receives the new
 * id.  FZ_EXISTS (field "username") when the name is taken; FZ_INVALID for
 * bad fields; FZ_FORBIDDEN. */
fz_err fz_user_create(fz_db *db, const fz_principal *by, const fz_user_new *u,
                      const char *password_hash, int64_t now, int64_t *id,
                      fz_error *err);

/* Reads user id into *out for someone who manages accounts or grants
 * roles (or for the user himself).  FZ_NOTFOUND also when the user lies
 * outside by's region; FZ_FORBIDDEN without the permission. */
fz_err fz_user_get(fz_db *db, const fz_principal *by, int64_t id, fz_user *out,
                   fz_error *err);

/* Calls each(ctx, user) for the users with id > after, by id, at most
 * limit of them, whose region prefix lies within by's; stops early when
 * each returns non-zero.  Same permissions as fz_user_get. */
/* The colleagues a business user may name (a plan's participants: the
 * department, the 司法局 supervisor, a 社会监督员): active users holding a
 * business role whose region lies within by's or above it (a provincial
 * supervisor for a city officer), whose name or user name contains q (may
 * be NULL), holding role when role >= 0; at most limit, by user name.
 * Needs read_business; no 三员 account is ever listed. */
fz_err fz_user_directory(fz_db *db, const fz_principal *by, const char *q,
                         int role, int limit,
                         int (*each)(void *ctx, const fz_user *u), void *ctx,
                         fz_error *err);

fz_err fz_user_list(fz_db *db, const fz_principal *by, int64_t after, int limit,
                    int (*each)(void *ctx, const fz_user *u), void *ctx,
                    fz_error *err);

/* Disables a user, ends his sessions and appends user.disable.  Needs
 * manage_accounts; never one's own account, and (三员分立) never the
 * account of a secadmin or auditor.  FZ_CONFLICT if already disabled. */
fz_err fz_user_disable(fz_db *db, const fz_principal *by, int64_t id,
                       int64_t now, fz_error *err);

/* Gives a user a new one-time password (its hash), sets must_change,
 * clears a lockout, ends his sessions and appends user.password_reset.
 * The same permissions as fz_user_disable. */
fz_err fz_user_reset_password(fz_db *db, const fz_principal *by, int64_t id,
                              const char *password_hash, int64_t now,
                              fz_error *err);

/* Adds and removes roles (bit sets, not both empty, not overlapping) under
 * the rules of role.h, and appends user.roles_changed.  *roles (may be
 * NULL) receives the new set.  FZ_FORBIDDEN (field "granter") unless by is
 * a secadmin acting on another account; FZ_CONFLICT (field "roles") when
 * the result would break 三员分立 or nothing would change. */
fz_err fz_user_change_roles(fz_db *db, const fz_principal *by, int64_t id,
                            fz_roles add, fz_roles remove, int64_t now,
                            fz_roles *roles, fz_error *err);

/* The stored password hash of by's own account into out. */
fz_err fz_user_password_hash(fz_db *db, const fz_principal *by,
                             char out[FZ_PASSWORD_HASH_SIZE], fz_error *err);

/* Replaces the password of by's own account (a session, not a token) with
 * new_hash, clears must_change, ends his other sessions (all but keep,
 * which may be NULL) and appends auth.password_changed.  old_hash is the
 * hash the old password was checked against: FZ_CONFLICT if it changed in
 * the meantime. */
fz_err fz_user_change_password(fz_db *db, const fz_principal *by,
                               const char *old_hash, const char *new_hash,
                               const unsigned char keep[FZ_TOKEN_HASH_LEN],
                               int64_t now, fz_error *err);

/* ---- Logins and sessions ------------------------------------------------ */

typedef enum fz_login_result {
  FZ_LOGIN_OK = 0,
  FZ_LOGIN_WRONG_PASSWORD,
  FZ_LOGIN_UNKNOWN_USER,
  FZ_LOGIN_LOCKED,
  FZ_LOGIN_DISABLED
} fz_login_result;

/* "ok", "wrong_password", …: the reason recorded in the ledger. */
const char *fz_login_result_name(fz_login_result r);

/* Step one of a login, outside any transaction (it takes one Argon2 run,
 * too long to hold the writer): finds the user and checks the password.
 * Every outcome costs the same one Argon2 run (a dummy one for an unknown,
 * locked or disabled user), so the time tells nothing.  *res receives the
 * outcome, *user_id the user (0 when unknown).  An error only when the
 * database cannot be read. */
fz_err fz_login_check(fz_db *db, const char *username, const char *password,
                      int64_t now, fz_login_result *res, int64_t *user_id,
                      fz_error *err);

/* A new session's secrets, shown to the client once. */
typedef struct fz_session_new {
  char token[FZ_TOKEN_SIZE]; /* fzs_…, the session cookie */
  char csrf[FZ_TOKEN_SIZE];  /* fzc_…, the X-CSRF-Token header */
} fz_session_new;

/* Step two, inside the transaction: records the outcome of step one.
 * Looks at the user again, so a login that passed step one while the
 * account was being locked or disabled fails here (*res changes).  On
 * FZ_LOGIN_OK: clears the failures, removes ended sessions, creates a
 * session into *out and appends auth.login.  Otherwise appends
 * auth.login_failed (and auth.locked when this failure reaches the
 * policy's limit, which locks the account for lockout_ms).  Returns FZ_OK
 * in both cases: a failure is a security event and must commit. */
fz_err fz_login_record(fz_db *db, const fz_account_policy *pol, int64_t user_id,
                       fz_login_result *res, int64_t now, fz_session_new *out,
                       fz_error *err);

typedef struct fz_session {
  unsigned char token_hash[FZ_TOKEN_HASH_LEN];
  unsigned char csrf_hash[FZ_TOKEN_HASH_LEN];
  fz_user user;
  int64_t created_at, last_seen, expires;
} fz_session;

/* Finds the live session of a session token (read only).  FZ_UNAUTHORIZED
 * for a malformed, unknown or ended token (idle longer than the policy
 * allows, past its absolute end) or a disabled user. */
fz_err fz_session_find(fz_db *db, const fz_account_policy *pol,
                       const char *token, int64_t now, fz_session *out,
                       fz_error *err);

/* The principal of a session's user. */
void fz_session_principal(const fz_session *s, fz_principal *p);

/* Fills *p for the active user named username, as a session of his would:
 * for the command line acting step by step as the people who would (the
 * demo, benchmarks, tests).  FZ_NOTFOUND (field "username") when there is
 * no such user or he is disabled. */
fz_err fz_user_principal(fz_db *db, const char *username, fz_principal *p,
                         fz_error *err);

/* 1 if csrf is the CSRF token of this session (constant time). */
int fz_session_csrf_ok(const fz_session *s, const char *csrf);

/* 1 when last_seen should be refreshed: at most once a minute (more often
 * only when the idle limit is short), so that reads rarely write. */
int fz_session_needs_touch(const fz_account_policy *pol, const fz_session *s,
                           int64_t now);

/* Sets last_seen of a session to now (no event: not a change of state
 * anyone audits).  FZ_OK also when the session has gone. */
fz_err fz_session_touch(fz_db *db, const unsigned char hash[FZ_TOKEN_HASH_LEN],
                        int64_t now, fz_error *err);

/* Ends by's session (logout) and appends auth.logout.  FZ_UNAUTHORIZED
 * when it had already ended. */
fz_err fz_session_end(fz_db *db, const fz_principal *by,
                      const unsigned char hash[FZ_TOKEN_HASH_LEN], int64_t now,
                      fz_error *err);

/* ---- API tokens --------------------------------------------------------- */

typedef struct fz_apitoken {
  int64_t id;
  char name[FZ_TOKEN_NAME_MAX + 1];
  fz_roles roles;
  int64_t user_id; /* the creator, whose scope the token acts in */
  int64_t expires_at, revoked_at, created_at; /* revoked_at 0 = in force */
} fz_apitoken;

/* Issues a token for by's own account (a session, not another token) with
 * roles, a non-empty subset of by's, valid until expires_at; appends
 * token.issue.  The token (fzt_…) is written into token, to be shown once;
 * only its hash is kept.  *id receives its id. */
fz_err fz_apitoken_issue(fz_db *db, const fz_principal *by, const char *name,
                         fz_roles roles, int64_t expires_at, int64_t now,
                         char token[FZ_TOKEN_SIZE], int64_t *id, fz_error *err);

/* Resolves a presented API token into the principal it acts as: its
 * creator's scope with the roles the token and the creator still both
 * hold.  FZ_UNAUTHORIZED for a malformed, unknown, revoked or expired
 * token, or a disabled creator. */
fz_err fz_apitoken_find(fz_db *db, const char *token, int64_t now,
                        fz_principal *out, fz_error *err);

/* Reads token id into *out, if it is by's or by manages accounts (within
 * his region). */
fz_err fz_apitoken_get(fz_db *db, const fz_principal *by, int64_t id,
                       fz_apitoken *out, fz_error *err);

/* Calls each(ctx, token) for by's tokens, or every token within his region
 * when he manages accounts, newest first; stops when each returns non-zero. */
fz_err fz_apitoken_list(fz_db *db, const fz_principal *by,
                        int (*each)(void *ctx, const fz_apitoken *t), void *ctx,
                        fz_error *err);

/* Revokes a token (by's own, or any within his region when he manages
 * accounts) and appends token.revoke.  FZ_CONFLICT if already revoked. */
fz_err fz_apitoken_revoke(fz_db *db, const fz_principal *by, int64_t id,
                          int64_t now, fz_error *err);

/* ---- Security events ---------------------------------------------------- */

/* Calls each(ctx, seq, body) for the ledger events of accounts (actions
 * auth.*, user.*, token.*) with seq > after, in order, at most limit; body
 * is the event's canonical JSON.  Needs read_security_events (auditor). */
fz_err fz_security_events(fz_db *db, const fz_principal *by, int64_t after,
                          int limit,
                          int (*each)(void *ctx, int64_t seq, const char *body),
                          void *ctx, fz_error *err);

#endif
