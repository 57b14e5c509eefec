/* role.c — role names and labels, the permission table, and the rules of
 * 三员分立 on granting roles. */
#include "auth/role.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *name, *label;
} roles_info[FZ_ROLE__COUNT] = {
    [FZ_ROLE_OFFICER] = {"officer", "执法人员"},
    [FZ_ROLE_DEPT_HEAD] = {"dept_head", "部门负责人"},
    [FZ_ROLE_LEGAL_REVIEWER] = {"legal_reviewer", "法制审核员"},
    [FZ_ROLE_SUPERVISOR] = {"supervisor", "执法监督员"},
    [FZ_ROLE_SOCIAL_SUPERVISOR] = {"social_supervisor", "社会监督员"},
    [FZ_ROLE_SYSADMIN] = {"sysadmin", "系统管理员"},
    [FZ_ROLE_SECADMIN] = {"secadmin", "安全管理员"},
    [FZ_ROLE_AUDITOR] = {"auditor", "审计管理员"},
};

static const char *const perm_names[FZ_PERM__COUNT] = {
    [FZ_PERM_READ_BUSINESS] = "read_business",
    [FZ_PERM_WRITE_BUSINESS] = "write_business",
    [FZ_PERM_MANAGE_ACCOUNTS] = "manage_accounts",
    [FZ_PERM_GRANT_ROLES] = "grant_roles",
    [FZ_PERM_READ_LEDGER] = "read_ledger",
    [FZ_PERM_READ_SECURITY_EVENTS] = "read_security_events",
    [FZ_PERM_MANAGE_CONFIG] = "manage_config",
    [FZ_PERM_REVIEW_LEGAL] = "review_legal",
    [FZ_PERM_APPROVE_CASE] = "approve_case",
    [FZ_PERM_SUPERVISE] = "supervise",
    [FZ_PERM_MANAGE_REGISTRY] = "manage_registry",
};

/* Who may do what; anything not listed is refused.
 *
 * 三员分立 — 系统管理员、安全管理员、审计管理员 — is the separation of duties
 * commonly required by 等级保护 (GB/T 22239-2019) for 三级 systems: the
 * sysadmin runs accounts and configuration, the secadmin grants roles, the
 * auditor reads the ledger and the security events, and none of them reads
 * or writes business data (DESIGN §8), so that no administrator can both act
 * on a case and cover it up.  fz_role_can enforces the last part even
 * against this table.
 *
 * The social supervisor (社会监督员, an outside citizen) is given nothing
 * here: what he sees is the public portal, which needs no permission. */
static const struct {
  fz_role role;
  fz_perm perm;
} grants[] = {
    {FZ_ROLE_OFFICER, FZ_PERM_READ_BUSINESS},
    {FZ_ROLE_OFFICER, FZ_PERM_WRITE_BUSINESS},

    {FZ_ROLE_DEPT_HEAD, FZ_PERM_READ_BUSINESS},
    {FZ_ROLE_DEPT_HEAD, FZ_PERM_WRITE_BUSINESS},
    {FZ_ROLE_DEPT_HEAD, FZ_PERM_APPROVE_CASE},
    /* Keeps his own department's officers and catalogue entries. */
    {FZ_ROLE_DEPT_HEAD, FZ_PERM_MANAGE_REGISTRY},

    /* Reviews what others decided; writes only the review. */
    {FZ_ROLE_LEGAL_REVIEWER, FZ_PERM_READ_BUSINESS},
    {FZ_ROLE_LEGAL_REVIEWER, FZ_PERM_REVIEW_LEGAL},

    /* The justice bureau reads every department's work but does not do it;
     * it keeps the register of 执法主体 and 执法证件 (and withdraws them). */
    {FZ_ROLE_SUPERVISOR, FZ_PERM_READ_BUSINESS},
    {FZ_ROLE_SUPERVISOR, FZ_PERM_SUPERVISE},
    {FZ_ROLE_SUPERVISOR, FZ_PERM_MANAGE_REGISTRY},

    {FZ_ROLE_SYSADMIN, FZ_PERM_MANAGE_ACCOUNTS},
    {FZ_ROLE_SYSADMIN, FZ_PERM_MANAGE_CONFIG},

    {FZ_ROLE_SECADMIN, FZ_PERM_GRANT_ROLES},

    {FZ_ROLE_AUDITOR, FZ_PERM_READ_LEDGER},
    {FZ_ROLE_AUDITOR, FZ_PERM_READ_SECURITY_EVENTS},
};

/* Permissions that touch case, inspection or registry data: never held by
 * a 三员 role. */
#define PERM_BIT(p) (1u << (p))
static const unsigned business_perms =
    PERM_BIT(FZ_PERM_READ_BUSINESS) | PERM_BIT(FZ_PERM_WRITE_BUSINESS) |
    PERM_BIT(FZ_PERM_REVIEW_LEGAL) | PERM_BIT(FZ_PERM_APPROVE_CASE) |
    PERM_BIT(FZ_PERM_SUPERVISE) | PERM_BIT(FZ_PERM_MANAGE_REGISTRY);

const char *fz_role_name(fz_role role) {
  return (unsigned)role < FZ_ROLE__COUNT ? roles_info[role].name : NULL;
}

const char *fz_role_label(fz_role role) {
  return (unsigned)role < FZ_ROLE__COUNT ? roles_info[role].label : NULL;
}

/* "a, b, c" of the roles in set, into buf. */
static const char *list_roles(fz_roles set, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (int r = 0; r < FZ_ROLE__COUNT && len < size; r++)
    if (set & FZ_ROLE_BIT(r))
      len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                              roles_info[r].name);
  return buf;
}

fz_err fz_role_parse(const char *name, fz_role *role, fz_error *err) {
  for (int r = 0; name && r < FZ_ROLE__COUNT; r++)
    if (strcmp(name, roles_info[r].name) == 0) {
      *role = (fz_role)r;
      return FZ_OK;
    }
  char all[160];
  return fz_error_set(err, FZ_INVALID, "role",
                      "未知角色 / unknown role (valid: %s)",
                      list_roles(FZ_ROLES_ALL, all, sizeof all));
}

int fz_role_is_admin(fz_role role) {
  return (unsigned)role < FZ_ROLE__COUNT &&
         (FZ_ROLES_ADMIN & FZ_ROLE_BIT(role)) != 0;
}

const char *fz_perm_name(fz_perm perm) {
  return (unsigned)perm < FZ_PERM__COUNT ? perm_names[perm] : NULL;
}

int fz_role_can(fz_roles roles, fz_perm perm) {
  if ((unsigned)perm >= FZ_PERM__COUNT || fz_roles_check(roles, NULL)) return 0;
  for (size_t i = 0; i < sizeof grants / sizeof grants[0]; i++) {
    if (grants[i].perm != perm || !(roles & FZ_ROLE_BIT(grants[i].role)))
      continue;
    if (fz_role_is_admin(grants[i].role) && (business_perms & PERM_BIT(perm)))
      continue; /* 三员分立 over the table */
    return 1;
  }
  return 0;
}

fz_err fz_roles_check(fz_roles roles, fz_error *err) {
  if (roles & ~FZ_ROLES_ALL)
    return fz_error_set(err, FZ_INVALID, "roles", "unknown role bits 0x%x",
                        (unsigned)(roles & ~FZ_ROLES_ALL));
  fz_roles admin = roles & FZ_ROLES_ADMIN, business = roles & FZ_ROLES_BUSINESS;
  char a[96], b[96];
  if (admin & (admin - 1))
    return fz_error_set(
        err, FZ_CONFLICT, "roles",
        "三员分立:系统管理员、安全管理员、审计管理员不能由同一账号兼任 / "
        "separation of duties: one account may hold only one of sysadmin, "
        "secadmin and auditor (got %s)",
        list_roles(admin, a, sizeof a));
  if (admin && business)
    return fz_error_set(
        err, FZ_CONFLICT, "roles",
        "三员分立:管理员角色不能兼任业务角色 / separation of duties: the "
        "administrator role %s cannot be combined with business roles (%s)",
        list_roles(admin, a, sizeof a), list_roles(business, b, sizeof b));
  return FZ_OK;
}

/* The authority shared by granting and revoking: a holder of grant_roles,
 * acting on someone else.  verb_zh / verb_en: "授予" / "grant". */
static fz_err check_granter(int64_t granter_id, fz_roles granter_roles,
                            int64_t target_id, fz_roles roles,
                            const char *verb_zh, const char *verb_en,
                            fz_error *err) {
  if (!roles || (roles & ~FZ_ROLES_ALL))
    return fz_error_set(err, FZ_INVALID, "roles",
                        "没有可%s的有效角色 / no valid role to %s", verb_zh,
                        verb_en);
  if (!fz_role_can(granter_roles, FZ_PERM_GRANT_ROLES))
    return fz_error_set(err, FZ_CONFLICT, "granter",
                        "只有安全管理员可以%s角色 / only the security "
                        "administrator (secadmin) may %s roles",
                        verb_zh, verb_en);
  if (granter_id == target_id)
    return fz_error_set(err, FZ_CONFLICT, "granter",
                        "三员分立:安全管理员不能给自己%s角色 / separation of "
                        "duties: secadmin may not %s roles on their own "
                        "account",
                        verb_zh, verb_en);
  return FZ_OK;
}

fz_err fz_role_grant_check(int64_t granter_id, fz_roles granter_roles,
                           int64_t target_id, fz_roles target_current_roles,
                           fz_roles new_roles, fz_error *err) {
  fz_err rc = check_granter(granter_id, granter_roles, target_id, new_roles,
                            "授予", "grant", err);
  if (rc) return rc;
  return fz_roles_check(target_current_roles | new_roles, err);
}

fz_err fz_role_revoke_check(int64_t granter_id, fz_roles granter_roles,
                            int64_t target_id, fz_roles roles, fz_error *err) {
  return check_granter(granter_id, granter_roles, target_id, roles, "撤销",
                       "revoke", err);
}
