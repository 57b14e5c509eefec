/* test_auth_role.c — role names, the permission table cell by cell, and the
 * rules of 三员分立 on role sets and grants. */
#include <string.h>

#include "auth/role.h"
#include "test.h"

#define B(r) FZ_ROLE_BIT(FZ_ROLE_##r)

static const fz_role ADMINS[] = {FZ_ROLE_SYSADMIN, FZ_ROLE_SECADMIN,
                                 FZ_ROLE_AUDITOR};
static const fz_role BUSINESS[] = {FZ_ROLE_OFFICER, FZ_ROLE_DEPT_HEAD,
                                   FZ_ROLE_LEGAL_REVIEWER, FZ_ROLE_SUPERVISOR,
                                   FZ_ROLE_SOCIAL_SUPERVISOR};

static void test_names(void) {
  const struct {
    fz_role role;
    const char *name, *label;
    int admin;
  } want[] = {
      {FZ_ROLE_OFFICER, "officer", "执法人员", 0},
      {FZ_ROLE_DEPT_HEAD, "dept_head", "部门负责人", 0},
      {FZ_ROLE_LEGAL_REVIEWER, "legal_reviewer", "法制审核员", 0},
      {FZ_ROLE_SUPERVISOR, "supervisor", "执法监督员", 0},
      {FZ_ROLE_SOCIAL_SUPERVISOR, "social_supervisor", "社会监督员", 0},
      {FZ_ROLE_SYSADMIN, "sysadmin", "系统管理员", 1},
      {FZ_ROLE_SECADMIN, "secadmin", "安全管理员", 1},
      {FZ_ROLE_AUDITOR, "auditor", "审计管理员", 1},
  };
  CHECK_INT(sizeof want / sizeof want[0], FZ_ROLE__COUNT);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    fz_role r = (fz_role)-1;
    CHECK_STR(fz_role_name(want[i].role), want[i].name);
    CHECK_STR(fz_role_label(want[i].role), want[i].label);
    CHECK_INT(fz_role_parse(want[i].name, &r, NULL), FZ_OK);
    CHECK_INT(r, want[i].role);
    CHECK_INT(fz_role_is_admin(want[i].role), want[i].admin);
  }
  CHECK(fz_role_name(FZ_ROLE__COUNT) == NULL);
  CHECK(fz_role_label((fz_role)-1) == NULL);
  CHECK_INT(fz_role_is_admin(FZ_ROLE__COUNT), 0);

  const char *bad[] = {NULL, "", "Officer", "officer ", "admin", "root"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    fz_error e;
    fz_role r = FZ_ROLE_AUDITOR;
    CHECK_INT(fz_role_parse(bad[i], &r, &e), FZ_INVALID);
    CHECK_INT(r, FZ_ROLE_AUDITOR); /* untouched */
    CHECK_STR(e.field, "role");
    CHECK_CONTAINS(e.message,
                   "未知角色 / unknown role (valid: officer, dept_head, "
                   "legal_reviewer, supervisor, social_supervisor, sysadmin, "
                   "secadmin, auditor)");
  }

  const char *perms[] = {"read_business",   "write_business",
                         "manage_accounts", "grant_roles",
                         "read_ledger",     "read_security_events",
                         "manage_config",   "review_legal",
                         "approve_case",    "supervise",
                         "manage_registry"};
  CHECK_INT(sizeof perms / sizeof perms[0], FZ_PERM__COUNT);
  for (int p = 0; p < FZ_PERM__COUNT; p++)
    CHECK_STR(fz_perm_name((fz_perm)p), perms[p]);
  CHECK(fz_perm_name(FZ_PERM__COUNT) == NULL);
}

/* Every cell of the table, written out: a change to who may do what has to
 * change this test too. */
static void test_permission_table(void) {
  /* rb wb ma gr rl rs mc rv ap su mr */
  static const int want[FZ_ROLE__COUNT][FZ_PERM__COUNT] = {
      [FZ_ROLE_OFFICER] = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      [FZ_ROLE_DEPT_HEAD] = {1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1},
      [FZ_ROLE_LEGAL_REVIEWER] = {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
      [FZ_ROLE_SUPERVISOR] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1},
      [FZ_ROLE_SOCIAL_SUPERVISOR] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      [FZ_ROLE_SYSADMIN] = {0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0},
      [FZ_ROLE_SECADMIN] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0},
      [FZ_ROLE_AUDITOR] = {0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0},
  };
  _Static_assert(FZ_PERM_READ_BUSINESS == 0 && FZ_PERM_WRITE_BUSINESS == 1 &&
                     FZ_PERM_MANAGE_ACCOUNTS == 2 && FZ_PERM_GRANT_ROLES == 3 &&
                     FZ_PERM_READ_LEDGER == 4 &&
                     FZ_PERM_READ_SECURITY_EVENTS == 5 &&
                     FZ_PERM_MANAGE_CONFIG == 6 && FZ_PERM_REVIEW_LEGAL == 7 &&
                     FZ_PERM_APPROVE_CASE == 8 && FZ_PERM_SUPERVISE == 9 &&
                     FZ_PERM_MANAGE_REGISTRY == 10 && FZ_PERM__COUNT == 11,
                 "columns of the table above");
  for (int r = 0; r < FZ_ROLE__COUNT; r++)
    for (int p = 0; p < FZ_PERM__COUNT; p++) {
      int got = fz_role_can(FZ_ROLE_BIT(r), (fz_perm)p);
      CHECK_INT(got, want[r][p]);
      if (got != want[r][p])
        fprintf(stderr, "  %s / %s\n", fz_role_name((fz_role)r),
                fz_perm_name((fz_perm)p));
    }

  /* No 三员 role touches business data. */
  for (size_t i = 0; i < 3; i++) {
    CHECK_INT(fz_role_can(FZ_ROLE_BIT(ADMINS[i]), FZ_PERM_READ_BUSINESS), 0);
    CHECK_INT(fz_role_can(FZ_ROLE_BIT(ADMINS[i]), FZ_PERM_WRITE_BUSINESS), 0);
  }

  /* Sets grant the union of their roles. */
  fz_roles head_reviewer = B(DEPT_HEAD) | B(LEGAL_REVIEWER);
  CHECK_INT(fz_role_can(head_reviewer, FZ_PERM_APPROVE_CASE), 1);
  CHECK_INT(fz_role_can(head_reviewer, FZ_PERM_REVIEW_LEGAL), 1);
  CHECK_INT(fz_role_can(head_reviewer, FZ_PERM_SUPERVISE), 0);
  /* Nothing for nobody, for a set breaking 三员分立, for unknown bits, for an
   * unknown permission. */
  for (int p = 0; p < FZ_PERM__COUNT; p++) {
    CHECK_INT(fz_role_can(0, (fz_perm)p), 0);
    CHECK_INT(fz_role_can(B(OFFICER) | B(SYSADMIN), (fz_perm)p), 0);
    CHECK_INT(fz_role_can(B(SECADMIN) | B(AUDITOR), (fz_perm)p), 0);
    CHECK_INT(fz_role_can(B(OFFICER) | FZ_ROLE_BIT(FZ_ROLE__COUNT), (fz_perm)p),
              0);
  }
  CHECK_INT(fz_role_can(B(OFFICER), FZ_PERM__COUNT), 0);
  CHECK_INT(fz_role_can(B(OFFICER), (fz_perm)-1), 0);
}

static void test_separation(void) {
  fz_error e;
  /* Every single role, the empty set and business roles together pass. */
  CHECK_INT(fz_roles_check(0, &e), FZ_OK);
  for (int r = 0; r < FZ_ROLE__COUNT; r++)
    CHECK_INT(fz_roles_check(FZ_ROLE_BIT(r), &e), FZ_OK);
  CHECK_INT(fz_roles_check(FZ_ROLES_BUSINESS, &e), FZ_OK);

  /* Two or three of the 三员 on one account. */
  for (size_t i = 0; i < 3; i++)
    for (size_t j = i + 1; j < 3; j++) {
      fz_roles set = FZ_ROLE_BIT(ADMINS[i]) | FZ_ROLE_BIT(ADMINS[j]);
      CHECK_INT(fz_roles_check(set, &e), FZ_CONFLICT);
      CHECK_STR(e.field, "roles");
      CHECK_CONTAINS(e.message, "三员分立");
      CHECK_CONTAINS(e.message,
                     "one account may hold only one of sysadmin, "
                     "secadmin and auditor");
      CHECK_CONTAINS(e.message, fz_role_name(ADMINS[i]));
      CHECK_CONTAINS(e.message, fz_role_name(ADMINS[j]));
    }
  CHECK_INT(fz_roles_check(FZ_ROLES_ADMIN, &e), FZ_CONFLICT);
  CHECK_CONTAINS(e.message, "(got sysadmin, secadmin, auditor)");

  /* A 三员 role with any business role. */
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < 5; j++) {
      fz_roles set = FZ_ROLE_BIT(ADMINS[i]) | FZ_ROLE_BIT(BUSINESS[j]);
      CHECK_INT(fz_roles_check(set, &e), FZ_CONFLICT);
      CHECK_STR(e.field, "roles");
      CHECK_CONTAINS(e.message, "管理员角色不能兼任业务角色");
      CHECK_CONTAINS(e.message, fz_role_name(ADMINS[i]));
      CHECK_CONTAINS(e.message, fz_role_name(BUSINESS[j]));
    }
  CHECK_INT(fz_roles_check(B(AUDITOR) | B(OFFICER) | B(SUPERVISOR), &e),
            FZ_CONFLICT);
  CHECK_CONTAINS(e.message,
                 "the administrator role auditor cannot be "
                 "combined with business roles (officer, "
                 "supervisor)");

  CHECK_INT(fz_roles_check(FZ_ROLE_BIT(FZ_ROLE__COUNT), &e), FZ_INVALID);
  CHECK_INT(fz_roles_check(0x80000000u, &e), FZ_INVALID);
}

static void test_grant(void) {
  const int64_t sec = 1, user = 2;
  fz_error e;
  /* secadmin grants any single role to someone without roles. */
  for (int r = 0; r < FZ_ROLE__COUNT; r++)
    CHECK_INT(
        fz_role_grant_check(sec, B(SECADMIN), user, 0, FZ_ROLE_BIT(r), &e),
        FZ_OK);
  CHECK_INT(fz_role_grant_check(sec, B(SECADMIN), user, B(OFFICER),
                                B(DEPT_HEAD) | B(LEGAL_REVIEWER), &e),
            FZ_OK);
  /* Granting what is already held is harmless. */
  CHECK_INT(
      fz_role_grant_check(sec, B(SECADMIN), user, B(OFFICER), B(OFFICER), &e),
      FZ_OK);

  /* Never to himself, not even a role he could give to others. */
  CHECK_INT(
      fz_role_grant_check(sec, B(SECADMIN), sec, B(SECADMIN), B(SECADMIN), &e),
      FZ_CONFLICT);
  CHECK_STR(e.field, "granter");
  CHECK_CONTAINS(e.message, "安全管理员不能给自己授予角色");
  CHECK_CONTAINS(e.message,
                 "secadmin may not grant roles on their own account");
  CHECK_INT(fz_role_grant_check(sec, B(SECADMIN), sec, 0, B(OFFICER), &e),
            FZ_CONFLICT);

  /* No one else grants: every other role, nobody, and a set containing
   * secadmin that breaks 三员分立. */
  fz_roles others[] = {B(OFFICER),
                       B(DEPT_HEAD),
                       B(LEGAL_REVIEWER),
                       B(SUPERVISOR),
                       B(SOCIAL_SUPERVISOR),
                       B(SYSADMIN),
                       B(AUDITOR),
                       0,
                       FZ_ROLES_BUSINESS,
                       B(SECADMIN) | B(SYSADMIN),
                       B(SECADMIN) | B(OFFICER)};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
    CHECK_INT(fz_role_grant_check(3, others[i], user, 0, B(OFFICER), &e),
              FZ_CONFLICT);
    CHECK_STR(e.field, "granter");
    CHECK_CONTAINS(e.message,
                   "只有安全管理员可以授予角色 / only the security "
                   "administrator (secadmin) may grant roles");
  }

  /* The result must pass the separation rules. */
  CHECK_INT(
      fz_role_grant_check(sec, B(SECADMIN), user, B(OFFICER), B(SYSADMIN), &e),
      FZ_CONFLICT);
  CHECK_STR(e.field, "roles");
  CHECK_CONTAINS(e.message,
                 "sysadmin cannot be combined with business roles "
                 "(officer)");
  CHECK_INT(
      fz_role_grant_check(sec, B(SECADMIN), user, B(SYSADMIN), B(AUDITOR), &e),
      FZ_CONFLICT);
  CHECK_STR(e.field, "roles");
  CHECK_INT(fz_role_grant_check(sec, B(SECADMIN), user, 0,
                                B(SECADMIN) | B(AUDITOR), &e),
            FZ_CONFLICT);
  CHECK_INT(fz_role_grant_check(sec, B(SECADMIN), user, B(AUDITOR),
                                B(SUPERVISOR), &e),
            FZ_CONFLICT);

  /* Nothing, or no role at all, to grant. */
  CHECK_INT(fz_role_grant_check(sec, B(SECADMIN), user, 0, 0, &e), FZ_INVALID);
  CHECK_STR(e.field, "roles");
  CHECK_INT(fz_role_grant_check(sec, B(SECADMIN), user, 0,
                                FZ_ROLE_BIT(FZ_ROLE__COUNT), &e),
            FZ_INVALID);
}

static void test_revoke(void) {
  fz_error e;
  CHECK_INT(fz_role_revoke_check(1, B(SECADMIN), 2, B(OFFICER), &e), FZ_OK);
  /* Removing a role from a set that breaks 三员分立 is how it gets fixed. */
  CHECK_INT(fz_role_revoke_check(1, B(SECADMIN), 2, B(SYSADMIN), &e), FZ_OK);
  CHECK_INT(fz_role_revoke_check(1, B(SECADMIN), 1, B(SECADMIN), &e),
            FZ_CONFLICT);
  CHECK_STR(e.field, "granter");
  CHECK_CONTAINS(e.message, "安全管理员不能给自己撤销角色");
  CHECK_INT(fz_role_revoke_check(1, B(SYSADMIN), 2, B(OFFICER), &e),
            FZ_CONFLICT);
  CHECK_CONTAINS(e.message,
                 "only the security administrator (secadmin) may "
                 "revoke roles");
  CHECK_INT(fz_role_revoke_check(1, B(SECADMIN), 2, 0, &e), FZ_INVALID);
}

int main(void) {
  RUN(test_names);
  RUN(test_permission_table);
  RUN(test_separation);
  RUN(test_grant);
  RUN(test_revoke);
  return TEST_END();
}
