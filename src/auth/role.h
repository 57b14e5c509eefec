/* role.h — the roles of fazhi users, what each may do, and the rules of
 * 三员分立 that every change of a user's roles must pass (DESIGN §8). */
#ifndef FZ_AUTH_ROLE_H
#define FZ_AUTH_ROLE_H

#include <stdint.h>

#include "core/error.h"

/* Values are bit positions in fz_roles and stable: they may be stored. */
typedef enum fz_role {
  FZ_ROLE_OFFICER = 0,           /* officer: 执法人员 */
  FZ_ROLE_DEPT_HEAD = 1,         /* dept_head: 部门负责人 */
  FZ_ROLE_LEGAL_REVIEWER = 2,    /* legal_reviewer: 法制审核员 */
  FZ_ROLE_SUPERVISOR = 3,        /* supervisor: 执法监督员 (司法局) */
  FZ_ROLE_SOCIAL_SUPERVISOR = 4, /* social_supervisor: 社会监督员 */
  /* The 三员; no business data. */
  FZ_ROLE_SYSADMIN = 5, /* sysadmin: 系统管理员, accounts and configuration */
  FZ_ROLE_SECADMIN = 6, /* secadmin: 安全管理员, grants roles */
  FZ_ROLE_AUDITOR = 7, /* auditor: 审计管理员, ledger and security events */
  FZ_ROLE__COUNT
} fz_role;

/* A user's roles as a bit set: bit r is role r. */
typedef uint32_t fz_roles;

#define FZ_ROLE_BIT(r) ((fz_roles)1 << (r))
#define FZ_ROLES_ALL (FZ_ROLE_BIT(FZ_ROLE__COUNT) - 1)
#define FZ_ROLES_ADMIN                                             \
  (FZ_ROLE_BIT(FZ_ROLE_SYSADMIN) | FZ_ROLE_BIT(FZ_ROLE_SECADMIN) | \
   FZ_ROLE_BIT(FZ_ROLE_AUDITOR))
#define FZ_ROLES_BUSINESS (FZ_ROLES_ALL & ~FZ_ROLES_ADMIN)

/* What the later modules check.  Values are stable. */
typedef enum fz_perm {
  FZ_PERM_READ_BUSINESS = 0,    /* case, inspection and registry data */
  FZ_PERM_WRITE_BUSINESS,       /* create and change that data */
  FZ_PERM_MANAGE_ACCOUNTS,      /* create and disable users, reset passwords */
  FZ_PERM_GRANT_ROLES,          /* grant and revoke roles */
  FZ_PERM_READ_LEDGER,          /* the whole ledger (执法全过程记录) */
  FZ_PERM_READ_SECURITY_EVENTS, /* logins, lockouts, role changes */
  FZ_PERM_MANAGE_CONFIG,        /* system configuration */
  FZ_PERM_REVIEW_LEGAL,         /* 法制审核 of a decision */
  FZ_PERM_APPROVE_CASE,         /* 部门负责人 approval of a case step */
  FZ_PERM_SUPERVISE,            /* read across departments for supervision */
  FZ_PERM_MANAGE_REGISTRY,      /* departments, officers' certificates, catalogues */
  FZ_PERM__COUNT
} fz_perm;

/* "officer", …, "auditor"; NULL for a value out of range. */
const char *fz_role_name(fz_role role);

/* The Chinese label ("执法人员"); NULL for a value out of range. */
const char *fz_role_label(fz_role role);

/* name → *role (exact, lower-case).  FZ_INVALID with field "role" and a
 * message listing the valid names otherwise. */
fz_err fz_role_parse(const char *name, fz_role *role, fz_error *err);

/* 1 for the three 三员 roles (sysadmin, secadmin, auditor), else 0. */
int fz_role_is_admin(fz_role role);

/* "read_business", …; NULL for a value out of range. */
const char *fz_perm_name(fz_perm perm);

/* 1 if a user holding `roles` has `perm`, else 0.  A set that fails
 * fz_roles_check (unknown bits, or a breach of 三员分立 left in stored data)
 * grants nothing, so a bad row fails closed. */
int fz_role_can(fz_roles roles, fz_perm perm);

/* The rules of 三员分立 on one account's set: at most one of the 三员 roles,
 * and a 三员 role never together with a business role.  FZ_OK (the empty
 * set included); FZ_INVALID for bits that are no role; FZ_CONFLICT with
 * field "roles" and the reason in Chinese and English. */
fz_err fz_roles_check(fz_roles roles, fz_error *err);

/* May granter (id, roles) add new_roles to target (id, current roles)?
 * Only a holder of grant_roles (secadmin) may, never to himself, and
 * current | new_roles must pass fz_roles_check.  FZ_OK; FZ_INVALID for an
 * empty or unknown new_roles; FZ_CONFLICT with field "granter" (may not
 * grant) or "roles" (the result breaks 三员分立) and the reason. */
fz_err fz_role_grant_check(int64_t granter_id, fz_roles granter_roles,
                           int64_t target_id, fz_roles target_current_roles,
                           fz_roles new_roles, fz_error *err);

/* May granter remove roles from target?  The same authority as granting:
 * secadmin only, never on himself (which also keeps the last secadmin from
 * removing his own role).  FZ_OK; FZ_INVALID for an empty or unknown set;
 * FZ_CONFLICT with field "granter" and the reason. */
fz_err fz_role_revoke_check(int64_t granter_id, fz_roles granter_roles,
                            int64_t target_id, fz_roles roles, fz_error *err);

#endif
