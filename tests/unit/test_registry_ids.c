/* test_registry_ids.c — a list of ids as a registry value (an officer's
 * department_ids): normalised to ascending ids joined by ';' whatever the
 * separators and spaces, and refused with the field and the bad id when
 * an element is no positive integer, is repeated, or is one too many. */
#include <stdio.h>
#include <string.h>

#include "registry/kind_int.h"
#include "test.h"

static int ids_field(void) {
  return fz_reg_field_find(FZ_REG_OFFICER, "department_ids");
}

/* Checks in as the officer's department_ids: the code, with the normal form
 * in *out (into buf) and the error in *e. */
static fz_err check(const char *in, char *buf, size_t size, const char **out,
                    fz_error *e) {
  memset(e, 0, sizeof *e);
  return fz_reg_value_check(FZ_REG_OFFICER, (size_t)ids_field(), in, buf,
                            size, out, e);
}

static void test_normal_form(void) {
  CHECK(ids_field() >= 0);
  char buf[640];
  const char *out;
  fz_error e;
  CHECK_INT(check("9; 3,5", buf, sizeof buf, &out, &e), FZ_OK);
  CHECK_STR(out, "3;5;9");
  CHECK_INT(check("", buf, sizeof buf, &out, &e), FZ_OK);
  CHECK_STR(out, "");
  CHECK_INT(check(" 12 ;; ", buf, sizeof buf, &out, &e), FZ_OK);
  CHECK_STR(out, "12");
  CHECK_INT(check("100;20;3", buf, sizeof buf, &out, &e), FZ_OK);
  CHECK_STR(out, "3;20;100"); /* numbers, not text, in order */
  CHECK_INT(check("9007199254740991", buf, sizeof buf, &out, &e), FZ_OK);
}

static void test_refusals_name_the_field_and_the_id(void) {
  char buf[640];
  const char *out;
  fz_error e;
  static const char *const bad[] = {"3;x", "0", "-4", "1.5", "3;4a",
                                    "9007199254740992",
                                    "123456789012345678901234567890"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    CHECK_INT(check(bad[i], buf, sizeof buf, &out, &e), FZ_INVALID);
    CHECK_STR(e.field, "department_ids");
    CHECK_CONTAINS(e.message, " / ");
  }
  CHECK_INT(check("3;x", buf, sizeof buf, &out, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "\"x\"");
  CHECK_INT(check("5;7;5", buf, sizeof buf, &out, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "5");
  CHECK_CONTAINS(e.message, "twice");
}

static void test_at_most_sixteen(void) {
  char list[256] = "", buf[640];
  const char *out;
  fz_error e;
  for (int i = 1; i <= 16; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d",
             i > 1 ? ";" : "", 17 - i);
  CHECK_INT(check(list, buf, sizeof buf, &out, &e), FZ_OK);
  CHECK_STR(out, "1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16");
  snprintf(list + strlen(list), sizeof list - strlen(list), ";17");
  CHECK_INT(check(list, buf, sizeof buf, &out, &e), FZ_INVALID);
  CHECK_STR(e.field, "department_ids");
  CHECK_CONTAINS(e.message, "16");
}

static void test_sort_in_place(void) {
  char v[64] = "9;3;5";
  fz_reg_ids_sort(v);
  CHECK_STR(v, "3;5;9");
  char one[8] = "42";
  fz_reg_ids_sort(one);
  CHECK_STR(one, "42");
  char empty[4] = "";
  fz_reg_ids_sort(empty);
  CHECK_STR(empty, "");
  char odd[16] = "3;x;1"; /* not a list of ids: left as it is */
  fz_reg_ids_sort(odd);
  CHECK_STR(odd, "3;x;1");
}

int main(void) {
  RUN(test_normal_form);
  RUN(test_refusals_name_the_field_and_the_id);
  RUN(test_at_most_sixteen);
  RUN(test_sort_in_place);
  return TEST_END();
}
