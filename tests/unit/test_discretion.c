/* test_discretion.c — 裁量基准 and lenient lists (cases/discretion.h): the
 * fine arithmetic in 分 for fixed, multiple and two-branch rules with their
 * edge amounts; what a version and a list must satisfy; on SQLite and
 * PostgreSQL, versions in their chains, tier selection, 免罚 hits and misses
 * per condition, an unknown first offence, 从旧兼从轻 both ways, NODATA,
 * mitigation, the check of a decision, imports (rejected rows, GB18030,
 * JSON, one event with the file's SM3) and the demo data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "cases/discretion.h"
#include "core/embed.h"
#include "ledger/ledger.h"
#include "registry/registry.h"
#include "testdb.h"

static fz_error e;

#define T0 1800000000000LL /* 2027-01-15, an injected clock */

static json_t *J(const char *text) {
  json_error_t je;
  json_t *v = json_loads(text, 0, &je);
  if (!v) fprintf(stderr, "  bad test JSON: %s at %d\n", je.text, je.column);
  return v;
}

/* ---- Pure: the arithmetic ---------------------------------------------------- */

static fz_fine_rule fixed(int64_t min, int64_t max) {
  fz_fine_rule r = {0};
  r.lower = (fz_fine_range){1, 0, min, max};
  return r;
}

/* 食品安全法 Art. 122: 货值不足一万元 5万–10万; 一万元以上 10–20倍. */
static fz_fine_rule food(void) {
  fz_fine_rule r = {0};
  r.base = FZ_BASE_GOODS;
  r.has_split = 1;
  r.split = 1000000;
  r.split_upper = 1;
  r.lower = (fz_fine_range){1, 0, 5000000, 10000000};
  r.upper = (fz_fine_range){1, 1, 1000, 2000};
  return r;
}

static void fine_fixed_and_multiples(void) {
  int64_t lo, hi;
  char text[1024];
  fz_fine_rule r = fixed(100000, 500000);
  CHECK_INT(fz_fine_compute(&r, -1, -1, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 100000);
  CHECK_INT(hi, 500000);
  CHECK_CONTAINS(text, "罚款 1,000.00 元以上 5,000.00 元以下");

  /* 违法所得 25,000.00 元 × 2–4 倍. */
  r = (fz_fine_rule){0};
  r.base = FZ_BASE_GAINS;
  r.lower = (fz_fine_range){1, 1, 200, 400};
  CHECK_INT(fz_fine_compute(&r, 2500000, -1, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 5000000);
  CHECK_INT(hi, 10000000);
  CHECK_CONTAINS(text, "违法所得 25,000.00 元");
  CHECK_CONTAINS(text, "2 倍以上 4 倍以下");
  /* Rounding stays inside the statute: min up, max down, to the 分. */
  r.lower = (fz_fine_range){1, 1, 250, 350};
  CHECK_INT(fz_fine_compute(&r, 1, -1, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 3); /* 2.5 分 → 3 */
  CHECK_INT(hi, 3); /* 3.5 分 → 3 */
  r.lower = (fz_fine_range){1, 1, 250, 250};
  CHECK_INT(fz_fine_compute(&r, 1, -1, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK(lo <= hi);
  /* No gains: counts as 0, a multiple of nothing is nothing. */
  CHECK_INT(fz_fine_compute(&r, -1, -1, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 0);
  CHECK_CONTAINS(text, "没有违法所得");
  /* The largest amounts do not overflow: 10^13 元 × 100 倍. */
  r.lower = (fz_fine_range){1, 1, 10000, 10000};
  CHECK_INT(fz_fine_compute(&r, 1000000000000000LL, -1, &lo, &hi, text,
                            sizeof text, &e), FZ_OK);
  CHECK_INT(hi, 100000000000000000LL);
  /* A floor and a ceiling bound the multiples. */
  r.lower = (fz_fine_range){1, 1, 100, 500};
  r.has_floor = 1;
  r.floor = 1000000;
  r.has_ceiling = 1;
  r.ceiling = 2000000;
  CHECK_INT(fz_fine_compute(&r, 100000, -1, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 1000000);
  CHECK_INT(hi, 1000000);
  CHECK_CONTAINS(text, "不低于 10,000.00 元");
  CHECK_INT(fz_fine_compute(&r, 1000000, -1, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 1000000);
  CHECK_INT(hi, 2000000);
  CHECK_CONTAINS(text, "不高于 20,000.00 元");
}

static void fine_two_branches_and_edges(void) {
  int64_t lo, hi;
  char text[1024];
  fz_fine_rule r = food();
  CHECK_INT(fz_fine_compute(&r, -1, 800000, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 5000000);
  CHECK_INT(hi, 10000000);
  CHECK_CONTAINS(text, "货值金额 8,000.00 元，不足 10,000.00 元：罚款 50,000.00 元以上 100,000.00 元以下");
  /* Exactly 10,000 元: "一万元以上" includes the number (刑法 Art. 99). */
  CHECK_INT(fz_fine_compute(&r, -1, 1000000, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 10000000);
  CHECK_INT(hi, 20000000);
  CHECK_CONTAINS(text, "恰为分段金额 10,000.00 元");
  CHECK_INT(fz_fine_compute(&r, -1, 999999, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 5000000);
  CHECK_INT(hi, 10000000);
  CHECK_INT(fz_fine_compute(&r, -1, 1000001, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 10000010);
  CHECK_INT(hi, 20000020);
  /* The goods value is needed. */
  CHECK_INT(fz_fine_compute(&r, -1, -1, &lo, &hi, text, sizeof text, &e), FZ_INVALID);
  CHECK_STR(e.field, "goods_value");
  /* 道路运输条例 (2023) Art. 63(一): "超过1万元" and "不足1万元" both leave
   * exactly 1万 out; this rule sends it to the lower branch. */
  r = (fz_fine_rule){0};
  r.base = FZ_BASE_GAINS;
  r.has_split = 1;
  r.split = 1000000;
  r.split_upper = 0;
  r.lower = (fz_fine_range){1, 0, 300000, 1000000};
  r.upper = (fz_fine_range){1, 1, 100, 500};
  CHECK_INT(fz_fine_compute(&r, 1000000, -1, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 300000);
  CHECK_INT(hi, 1000000);
  CHECK_CONTAINS(text, "按以下一段计算");
  CHECK_INT(fz_fine_compute(&r, 1000001, -1, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 1000001);
  CHECK_INT(hi, 5000005);
  CHECK_CONTAINS(text, "超过 10,000.00 元");
  CHECK_INT(fz_fine_compute(&r, -1, -1, &lo, &hi, text, sizeof text, &e), FZ_OK);
  CHECK_INT(lo, 300000); /* 没有违法所得 */
  fz_fine_describe(&r, text, sizeof text);
  CHECK_CONTAINS(text, "违法所得不超过 10,000.00 元的，罚款 3,000.00 元以上 10,000.00 元以下");
  r = food();
  fz_fine_describe(&r, text, sizeof text);
  CHECK_CONTAINS(text, "货值金额不足 10,000.00 元的，罚款 50,000.00 元以上 100,000.00 元以下；货值金额 10,000.00 元以上的，货值金额 10 倍以上 20 倍以下");
  char a[48];
  fz_disc_amount_text(123456789, a, sizeof a);
  CHECK_STR(a, "1,234,567.89");
  fz_disc_amount_text(5, a, sizeof a);
  CHECK_STR(a, "0.05");
  fz_disc_times_text(250, a, sizeof a);
  CHECK_STR(a, "2.5");
  fz_disc_times_text(1025, a, sizeof a);
  CHECK_STR(a, "10.25");
}

/* ---- Pure: what a version must be ---------------------------------------------- */

/* A version of matter over harms with fixed ranges, min/max in 元 per tier
 * (轻微 none+slight, 一般 general, 严重 serious+severe). */
static json_t *bench_spec(const char *matter, const char *version,
                          const char *from, int a, int b, int c, int d) {
  char text[4096];
  snprintf(text, sizeof text,
           "{\"matter_code\":\"%s\",\"version\":\"%s\",\"effective_from\":\"%s\","
           "\"law\":\"测试法\",\"article\":\"第一条\",\"tiers\":["
           "{\"tier\":\"轻微\",\"harms\":[\"none\",\"slight\"],\"conditions\":\"轻\","
           "\"kinds\":[\"警告\",\"罚款\"],\"fine\":{\"lower_min\":\"%d\",\"lower_max\":\"%d\"}},"
           "{\"tier\":\"一般\",\"harms\":[\"general\"],\"conditions\":\"中\","
           "\"kinds\":[\"罚款\"],\"fine\":{\"lower_min\":\"%d\",\"lower_max\":\"%d\"}},"
           "{\"tier\":\"严重\",\"harms\":[\"serious\",\"severe\"],\"conditions\":\"重\","
           "\"kinds\":[\"罚款\",\"吊销许可证件\"],\"fine\":{\"lower_min\":\"%d\",\"lower_max\":\"%d\"}}]}",
           matter, version, from, a, b, b, c, c, d);
  return J(text);
}

static fz_err bench_parse(json_t *spec, int *tier) {
  fz_bench *b = malloc(sizeof *b);
  fz_err rc = fz_bench_from_json(spec, 0, b, tier, &e);
  free(b);
  json_decref(spec);
  return rc;
}

static void versions_are_checked(void) {
  int tier;
  CHECK_INT(bench_parse(bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300), &tier), FZ_OK);
  /* Overlapping tiers are refused, naming the second tier. */
  json_t *s = bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300);
  json_array_append_new(json_object_get(json_array_get(json_object_get(s, "tiers"), 1), "harms"),
                        json_string("slight"));
  CHECK_INT(bench_parse(s, &tier), FZ_CONFLICT);
  CHECK_STR(e.field, "tiers[1].harms");
  CHECK_INT(tier, 1);
  CHECK_CONTAINS(e.message, "不得重叠");
  /* A person's tier and an organisation's may cover the same harm. */
  s = bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300);
  json_t *t = json_object_get(s, "tiers");
  json_object_set_new(json_array_get(t, 2), "party", json_string("person"));
  json_array_append_new(t, J("{\"tier\":\"较重\",\"party\":\"organisation\",\"harms\":[\"serious\","
                             "\"severe\"],\"conditions\":\"单位\",\"kinds\":[\"罚款\"],"
                             "\"fine\":{\"lower_min\":\"1000\",\"lower_max\":\"5000\"}}"));
  CHECK_INT(bench_parse(s, &tier), FZ_OK);
  /* A harm without a tier. */
  s = bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300);
  json_array_remove(json_object_get(json_array_get(json_object_get(s, "tiers"), 2), "harms"), 1);
  CHECK_INT(bench_parse(s, &tier), FZ_INVALID);
  CHECK_STR(e.field, "tiers");
  CHECK_CONTAINS(e.message, "危害后果严重");
  /* 罚款 without a range, a range without 罚款, min above max. */
  s = bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300);
  json_object_del(json_array_get(json_object_get(s, "tiers"), 0), "fine");
  CHECK_INT(bench_parse(s, &tier), FZ_MISSING);
  CHECK_STR(e.field, "tiers[0].fine");
  s = bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300);
  json_object_set_new(json_array_get(json_object_get(s, "tiers"), 0), "kinds", J("[\"警告\"]"));
  CHECK_INT(bench_parse(s, &tier), FZ_INVALID);
  CHECK_STR(e.field, "tiers[0].fine");
  CHECK_INT(bench_parse(bench_spec("X-1", "v1", "2024-01-01", 500, 100, 200, 300), &tier), FZ_INVALID);
  CHECK_STR(e.field, "tiers[0].fine.lower_min");
  /* Multiples need a base; a split needs its upper range. */
  s = bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300);
  json_object_set_new(json_array_get(json_object_get(s, "tiers"), 1), "fine",
                      J("{\"lower_min_times\":\"1\",\"lower_max_times\":\"5\"}"));
  CHECK_INT(bench_parse(s, &tier), FZ_INVALID);
  CHECK_STR(e.field, "tiers[1].fine.base");
  s = bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300);
  json_object_set_new(json_array_get(json_object_get(s, "tiers"), 1), "fine",
                      J("{\"base\":\"goods\",\"split_at\":\"10000\",\"lower_min\":\"1\",\"lower_max\":\"5\"}"));
  CHECK_INT(bench_parse(s, &tier), FZ_INVALID);
  CHECK_STR(e.field, "tiers[1].fine.upper_min");
  /* A kind that is not Art. 9's, an unknown member, dates. */
  s = bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300);
  json_object_set_new(json_array_get(json_object_get(s, "tiers"), 1), "kinds", J("[\"罚款\",\"批评教育\"]"));
  CHECK_INT(bench_parse(s, &tier), FZ_INVALID);
  CHECK_STR(e.field, "tiers[1].kinds");
  s = bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300);
  json_object_set_new(s, "colour", json_string("red"));
  CHECK_INT(bench_parse(s, &tier), FZ_UNKNOWN);
  CHECK_STR(e.field, "colour");
  CHECK_INT(bench_parse(bench_spec("X-1", "v1", "2024-02-30", 0, 100, 200, 300), &tier), FZ_INVALID);
  CHECK_STR(e.field, "effective_from");
  s = bench_spec("X-1", "v1", "2024-01-01", 0, 100, 200, 300);
  json_object_set_new(s, "effective_to", json_string("2023-12-31"));
  CHECK_INT(bench_parse(s, &tier), FZ_INVALID);
  CHECK_STR(e.field, "effective_to");
  /* A version under which the act is no longer punished has no tiers. */
  CHECK_INT(bench_parse(J("{\"matter_code\":\"X-1\",\"version\":\"废止\",\"effective_from\":"
                          "\"2025-01-01\",\"law\":\"测试法\",\"article\":\"第一条\","
                          "\"punishable\":false}"), &tier), FZ_OK);
}

static fz_err list_parse(const char *text) {
  fz_list l;
  int entry;
  json_t *s = J(text);
  fz_err rc = fz_list_from_json(s, 0, &l, &entry, &e);
  fz_list_clear(&l);
  json_decref(s);
  return rc;
}

#define LIST_HEAD(kind) \
  "{\"kind\":\"" kind "\",\"name\":\"清单\",\"version\":\"v1\",\"effective_from\":" \
  "\"2024-01-01\",\"law\":\"中华人民共和国行政处罚法\",\"article\":\"第三十三条\",\"entries\":["
#define ENTRY(extra) \
  "{\"matter_code\":\"X-1\",\"conditions\":\"条件\",\"law\":\"中华人民共和国行政处罚法\"," \
  "\"article\":\"第三十三条第一款\"," extra "}]}"

static void lists_keep_to_the_statutes(void) {
  CHECK_INT(list_parse(LIST_HEAD("exempt") ENTRY("\"max_harm\":\"none\",\"corrected\":true,"
                                                 "\"effect\":\"no_penalty\"")), FZ_OK);
  CHECK_INT(list_parse(LIST_HEAD("免罚清单") ENTRY("\"max_harm\":\"slight\",\"corrected\":true,"
                                                 "\"first_offence\":true,\"effect\":\"可以不予处罚\"")),
            FZ_OK);
  /* Art. 33 ¶1: every exemption needs the act corrected in time. */
  CHECK_INT(list_parse(LIST_HEAD("exempt") ENTRY("\"max_harm\":\"none\",\"effect\":\"no_penalty\"")),
            FZ_INVALID);
  CHECK_STR(e.field, "entries[0].corrected");
  CHECK_CONTAINS(e.message, "第三十三条第一款");
  /* 不予 only without harm; 可以不予 only for a first offence, slight harm. */
  CHECK_INT(list_parse(LIST_HEAD("exempt") ENTRY("\"max_harm\":\"slight\",\"corrected\":true,"
                                                 "\"effect\":\"no_penalty\"")), FZ_INVALID);
  CHECK_STR(e.field, "entries[0].max_harm");
  CHECK_INT(list_parse(LIST_HEAD("exempt") ENTRY("\"max_harm\":\"slight\",\"corrected\":true,"
                                                 "\"effect\":\"may_no_penalty\"")), FZ_INVALID);
  CHECK_STR(e.field, "entries[0].first_offence");
  CHECK_INT(list_parse(LIST_HEAD("exempt") ENTRY("\"max_harm\":\"general\",\"corrected\":true,"
                                                 "\"first_offence\":true,\"effect\":\"may_no_penalty\"")),
            FZ_INVALID);
  CHECK_STR(e.field, "entries[0].max_harm");
  /* An effect of another kind of list; 行政强制法 Art. 16 ¶2. */
  CHECK_INT(list_parse(LIST_HEAD("exempt") ENTRY("\"max_harm\":\"none\",\"corrected\":true,"
                                                 "\"effect\":\"lighter\"")), FZ_INVALID);
  CHECK_STR(e.field, "entries[0].effect");
  CHECK_INT(list_parse(LIST_HEAD("no_coercion") ENTRY("\"max_harm\":\"general\","
                                                      "\"effect\":\"no_coercion\"")), FZ_INVALID);
  CHECK_CONTAINS(e.message, "第十六条第二款");
  /* A mitigation without any condition would lighten every case. */
  CHECK_INT(list_parse(LIST_HEAD("mitigate") ENTRY("\"max_harm\":\"severe\",\"effect\":\"lighter\"")),
            FZ_INVALID);
  CHECK_INT(list_parse(LIST_HEAD("mitigate") ENTRY("\"max_harm\":\"severe\",\"grounds\":[\"coerced\"],"
                                                   "\"effect\":\"reduced\",\"reduce_floor_pct\":30")),
            FZ_OK);
  CHECK_INT(list_parse(LIST_HEAD("mitigate") ENTRY("\"max_harm\":\"severe\",\"grounds\":[\"bribed\"],"
                                                   "\"effect\":\"reduced\"")), FZ_INVALID);
  CHECK_STR(e.field, "entries[0].grounds");
  CHECK_INT(list_parse(LIST_HEAD("mitigate") ENTRY("\"max_harm\":\"severe\",\"grounds\":[\"coerced\"],"
                                                   "\"effect\":\"lighter\",\"reduce_floor_pct\":30")),
            FZ_INVALID);
  CHECK_STR(e.field, "entries[0].reduce_floor_pct");
}

/* ---- On a database ---------------------------------------------------------------- */

static fz_principal cli;

static fz_err tx_end(fz_db *db, fz_err rc) {
  if (rc) fz_db_rollback(db);
  else if (fz_db_commit(db, &e)) return FZ_DB;
  return rc;
}
#define TX(db, call) tx_end((db), fz_db_begin((db), &e) ? FZ_DB : (call))

static int64_t count(fz_db *db, const char *sql) {
  int64_t n = -1;
  if (fz_db_query_int64(db, sql, &n, &e)) fprintf(stderr, "  %s\n", e.message);
  return n;
}

static int64_t ledger_size(fz_db *db) {
  return count(db, "SELECT COUNT(*) FROM ledger_event");
}

static fz_err make_matter(fz_db *db, const char *code, const char *kind,
                          const char *dk) {
  fz_rec rec = {{code, "测试事项", kind, dk, "测试法", "第一条", "县"}};
  int64_t id;
  return fz_reg_create(db, &cli, FZ_REG_MATTER, &rec, T0, &id, &e);
}

/* The 执法事项 of data/registry/matters.tsv, as the registry demo loads them. */
static void load_matters(fz_db *db) {
  const fz_embed *m = fz_embed_find("data/registry/matters.tsv");
  CHECK(m != NULL);
  if (!m) return;
  char *text = strndup((const char *)m->data, m->len), *save = NULL;
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  int header = 1;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (line[0] == '#') continue;
    if (header) {
      header = 0;
      continue;
    }
    fz_rec rec = {{0}};
    char *p = line;
    for (int i = 0; i < 7 && p; i++) {
      rec.v[i] = p;
      p = strchr(p, '\t');
      if (p) *p++ = 0;
    }
    int64_t id;
    if (fz_reg_create(db, &cli, FZ_REG_MATTER, &rec, T0, &id, &e)) {
      fprintf(stderr, "  matter %s: %s\n", rec.v[0], e.message);
      t_current_failed = 1;
    }
  }
  CHECK_INT(fz_db_commit(db, &e), FZ_OK);
  free(text);
}

static void setup(fz_db *db) {
  CHECK_INT(fz_db_begin(db, &e), FZ_OK);
  CHECK_INT(fz_ledger_set_alg(db, FZ_HASH_SM3, &e), FZ_OK);
  CHECK_INT(make_matter(db, "T-CF-001", "行政处罚", "culture"), FZ_OK);
  CHECK_INT(make_matter(db, "T-CF-002", "行政处罚", "culture"), FZ_OK);
  CHECK_INT(make_matter(db, "T-CF-003", "行政处罚", "culture"), FZ_OK);
  CHECK_INT(make_matter(db, "T-JC-001", "行政检查", "culture"), FZ_OK);
  CHECK_INT(make_matter(db, "T-QZ-001", "行政强制", "culture"), FZ_OK);
  CHECK_INT(make_matter(db, "T-CF-901", "行政处罚", "ecology"), FZ_OK);
  CHECK_INT(fz_db_commit(db, &e), FZ_OK);
  load_matters(db);
}

static fz_err create(fz_db *db, const fz_principal *by, json_t *spec,
                     int64_t *id) {
  fz_err rc = TX(db, fz_bench_create(db, by, spec, T0, id, &e));
  json_decref(spec);
  return rc;
}

static fz_err supersede(fz_db *db, int64_t old, json_t *spec, int64_t *id) {
  fz_err rc = TX(db, fz_bench_supersede(db, &cli, old, spec, T0, id, &e));
  json_decref(spec);
  return rc;
}

static void chains(fz_db *db) {
  int64_t v1, v2, v3, x;
  int64_t n0 = ledger_size(db);
  CHECK_INT(create(db, &cli, bench_spec("T-CF-001", "2020版", "2020-01-01", 0, 1000, 5000, 10000), &v1), FZ_OK);
  CHECK_INT(ledger_size(db), n0 + 1);
  CHECK_INT(count(db, "SELECT COUNT(*) FROM ledger_event WHERE action = 'benchmark.create'"), 1);
  /* An open version is superseded, not followed. */
  CHECK_INT(create(db, &cli, bench_spec("T-CF-001", "2023版", "2023-01-01", 0, 500, 2000, 8000), &x), FZ_CONFLICT);
  CHECK_CONTAINS(e.message, "替代");
  CHECK_INT(create(db, &cli, bench_spec("T-CF-001", "2020版", "2024-01-01", 0, 500, 2000, 8000), &x), FZ_EXISTS);
  CHECK_STR(e.field, "version");
  /* A successor starts after its predecessor started. */
  CHECK_INT(supersede(db, v1, bench_spec("T-CF-001", "2019版", "2020-01-01", 0, 1, 2, 3), &x), FZ_CONFLICT);
  CHECK_STR(e.field, "effective_from");
  CHECK_INT(ledger_size(db), n0 + 1); /* refusals write nothing */
  /* The matter may be left out of a successor. */
  json_t *s = bench_spec("T-CF-001", "2023版", "2023-01-01", 0, 500, 2000, 8000);
  json_object_del(s, "matter_code");
  CHECK_INT(supersede(db, v1, s, &v2), FZ_OK);
  CHECK_INT(ledger_size(db), n0 + 2);
  fz_bench *b = malloc(sizeof *b);
  CHECK_INT(fz_bench_load(db, v1, b, &e), FZ_OK);
  CHECK_STR(b->effective_to, "2022-12-31");
  CHECK_INT(b->superseded, 1);
  CHECK_INT(b->superseded_by, v2);
  CHECK_INT(fz_bench_load(db, v2, b, &e), FZ_OK);
  CHECK_INT(b->supersedes, v1);
  CHECK_STR(b->matter_code, "T-CF-001");
  /* Only the latest can be superseded. */
  CHECK_INT(supersede(db, v1, bench_spec("T-CF-001", "2024版", "2024-06-01", 0, 1, 2, 3), &x), FZ_CONFLICT);
  CHECK_STR(e.field, "id");
  /* A version with an end date: the next starts the day after, no gap. */
  s = bench_spec("T-CF-002", "临时版", "2024-01-01", 0, 10, 20, 30);
  json_object_set_new(s, "effective_to", json_string("2024-06-30"));
  CHECK_INT(create(db, &cli, s, &v3), FZ_OK);
  CHECK_INT(create(db, &cli, bench_spec("T-CF-002", "正式版", "2024-08-01", 0, 10, 20, 30), &x), FZ_CONFLICT);
  CHECK_CONTAINS(e.message, "2024-07-01");
  CHECK_INT(create(db, &cli, bench_spec("T-CF-002", "正式版", "2024-06-30", 0, 10, 20, 30), &x), FZ_CONFLICT);
  CHECK_INT(create(db, &cli, bench_spec("T-CF-002", "正式版", "2024-07-01", 0, 10, 20, 30), &x), FZ_OK);
  CHECK_INT(fz_bench_in_force(db, "T-CF-002", "2024-06-30", b, &e), FZ_OK);
  CHECK_INT(b->id, v3);
  CHECK_INT(fz_bench_in_force(db, "T-CF-002", "2024-07-01", b, &e), FZ_OK);
  CHECK_INT(b->id, x);
  CHECK_INT(fz_bench_in_force(db, "T-CF-002", "2023-12-31", b, &e), FZ_NOTFOUND);
  free(b);
  /* Only 行政处罚 matters that exist. */
  CHECK_INT(create(db, &cli, bench_spec("T-JC-001", "v", "2024-01-01", 0, 1, 2, 3), &x), FZ_INVALID);
  CHECK_STR(e.field, "matter_code");
  CHECK_INT(create(db, &cli, bench_spec("NO-SUCH", "v", "2024-01-01", 0, 1, 2, 3), &x), FZ_INVALID);
  CHECK_STR(e.field, "matter_code");
  /* Writers need manage_registry; readers read_business. */
  fz_principal officer = cli, admin = cli;
  officer.cli = admin.cli = 0;
  officer.scope.roles = FZ_ROLE_BIT(FZ_ROLE_OFFICER);
  admin.scope.roles = FZ_ROLE_BIT(FZ_ROLE_SYSADMIN);
  snprintf(officer.actor, sizeof officer.actor, "user:9");
  CHECK_INT(create(db, &officer, bench_spec("T-CF-003", "v", "2024-01-01", 0, 1, 2, 3), &x), FZ_FORBIDDEN);
  json_t *o = NULL;
  CHECK_INT(fz_bench_get(db, &officer, v1, "2024-01-01", &o, &e), FZ_OK);
  json_decref(o);
  o = NULL;
  CHECK_INT(fz_bench_get(db, &admin, v1, "2024-01-01", &o, &e), FZ_FORBIDDEN);
  CHECK_INT(fz_bench_get(db, NULL, v1, "2024-01-01", &o, &e), FZ_OK); /* public */
  CHECK_STR(json_string_value(json_object_get(o, "status")), "superseded");
  CHECK(json_is_false(json_object_get(o, "in_force")));
  json_decref(o);
  fz_disc_query q = {.matter_code = "T-CF-001", .on = "2024-01-01"};
  CHECK_INT(fz_bench_list(db, NULL, &q, "2024-01-01", &o, &e), FZ_OK);
  CHECK_INT(json_array_size(json_object_get(o, "items")), 1);
  CHECK_INT(json_integer_value(json_object_get(json_array_get(json_object_get(o, "items"), 0), "id")), v2);
  json_decref(o);
}

/* Evaluates facts; NULL (and a failed check) unless rc is expected. */
static json_t *eval(fz_db *db, fz_offence_facts *f, fz_err want) {
  json_t *o = NULL;
  fz_err rc = fz_discretion_evaluate(db, f, &o, &e);
  CHECK_INT(rc, want);
  if (rc != want) fprintf(stderr, "  evaluate: %s\n", e.message);
  return o;
}

static const char *str(const json_t *o, const char *path) {
  /* "a.b.c" through objects. */
  char buf[128];
  snprintf(buf, sizeof buf, "%s", path);
  const json_t *v = o;
  for (char *save = NULL, *p = strtok_r(buf, ".", &save); p && v; p = strtok_r(NULL, ".", &save))
    v = json_object_get(v, p);
  return json_string_value(v);
}

static fz_offence_facts facts(const char *matter, const char *act,
                              const char *decision, const char *harm) {
  fz_offence_facts f = {matter, act, decision, 0, harm, 0, -1, 0, 0, NULL, -1, -1};
  return f;
}

/* Every line cites a law and an article. */
static void lines_cite(const json_t *o) {
  const json_t *lines = json_object_get(o, "lines");
  CHECK(json_array_size(lines) >= 4);
  size_t i;
  const json_t *l;
  json_array_foreach(lines, i, l) {
    const char *c = json_string_value(json_object_get(l, "citation"));
    CHECK(c && strstr(c, "《") && strstr(c, "第"));
    CHECK(json_string_value(json_object_get(l, "text")) != NULL);
  }
}

static void evaluation(fz_db *db) {
  /* T-CF-001: 2020版 轻微 0–1000, 一般 1000–5000, 严重 5000–10000;
   * 2023版 (from 2023-01-01) 轻微 0–500, 一般 500–2000, 严重 2000–8000. */
  fz_offence_facts f = facts("T-CF-001", "2024-03-01", "2024-05-01", "general");
  json_t *o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "tier.key"), "一般");
  CHECK_STR(str(o, "range.min"), "500.00");
  CHECK_STR(str(o, "range.max"), "2000.00");
  CHECK_STR(str(o, "versions.applied.version"), "2023版");
  CHECK_STR(str(o, "statutory_range.min"), "0.00");
  CHECK_STR(str(o, "statutory_range.max"), "8000.00");
  CHECK(json_is_null(json_object_get(o, "mitigation")));
  CHECK(json_is_false(json_object_get(o, "no_penalty")));
  lines_cite(o);
  json_decref(o);
  f.harm = "severe";
  o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "tier.key"), "严重");
  CHECK_INT(json_array_size(json_object_get(o, "kinds")), 2);
  json_decref(o);

  /* 从旧兼从轻: the act under 2020版, the decision under the lighter 2023版. */
  f = facts("T-CF-001", "2022-06-01", "2023-03-01", "general");
  o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "versions.at_act.version"), "2020版");
  CHECK_STR(str(o, "versions.at_decision.version"), "2023版");
  CHECK_STR(str(o, "versions.applied.version"), "2023版");
  CHECK_STR(str(o, "range.max"), "2000.00");
  CHECK_CONTAINS(str(o, "versions.why"), "上限较低");
  CHECK_CONTAINS(json_string_value(json_object_get(json_array_get(json_object_get(o, "lines"), 1),
                                                   "citation")), "第三十七条");
  json_decref(o);
  /* …and the other way: a heavier new version does not reach back. */
  int64_t h1, h2;
  CHECK_INT(create(db, &cli, bench_spec("T-CF-003", "旧版", "2020-01-01", 0, 100, 200, 300), &h1), FZ_OK);
  CHECK_INT(supersede(db, h1, bench_spec("T-CF-003", "新版", "2023-01-01", 0, 1000, 2000, 3000), &h2), FZ_OK);
  f = facts("T-CF-003", "2022-06-01", "2023-03-01", "slight");
  o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "versions.applied.version"), "旧版");
  CHECK_STR(str(o, "range.max"), "100.00");
  CHECK_CONTAINS(str(o, "versions.why"), "适用违法行为发生时的基准");
  json_decref(o);
  /* Equal maxima: the lower minimum is lighter. */
  int64_t h3;
  CHECK_INT(supersede(db, h2, bench_spec("T-CF-003", "三版", "2024-01-01", 0, 500, 2000, 3000), &h3), FZ_OK);
  f = facts("T-CF-003", "2023-06-01", "2024-03-01", "general");
  o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "versions.applied.version"), "三版");
  CHECK_STR(str(o, "range.min"), "500.00");
  json_decref(o);
  /* A later version under which the act is no longer punished. */
  int64_t h4;
  CHECK_INT(supersede(db, h3, J("{\"version\":\"废止版\",\"effective_from\":\"2025-01-01\","
                                "\"law\":\"测试法\",\"article\":\"第一条\",\"punishable\":false}"), &h4),
            FZ_OK);
  f = facts("T-CF-003", "2024-06-01", "2025-02-01", "severe");
  o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "versions.applied.version"), "废止版");
  CHECK(json_is_true(json_object_get(o, "no_penalty")));
  CHECK(json_is_true(json_object_get(o, "no_penalty_mandatory")));
  CHECK(json_is_null(json_object_get(o, "range")));
  json_decref(o);
  /* No benchmark at either date: NODATA naming both. */
  f = facts("T-CF-001", "2019-01-01", "2019-06-01", "general");
  o = eval(db, &f, FZ_NODATA);
  CHECK_CONTAINS(e.message, "2019-01-01");
  CHECK_CONTAINS(e.message, "2019-06-01");
  /* Only at the decision: that one, and why. */
  f = facts("T-CF-001", "2019-06-01", "2020-06-01", "general");
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_null(json_object_get(json_object_get(o, "versions"), "at_act")));
  CHECK_CONTAINS(str(o, "versions.why"), "尚无裁量基准");
  json_decref(o);
  /* Bad facts name their field. */
  f = facts("T-CF-001", "2024-03-01", "2024-02-01", "general");
  o = eval(db, &f, FZ_INVALID);
  CHECK_STR(e.field, "decision_date");
  f = facts("T-CF-001", "2024-03-01", "2024-05-01", "awful");
  o = eval(db, &f, FZ_INVALID);
  CHECK_STR(e.field, "harm");
  f = facts("T-XX-404", "2024-03-01", "2024-05-01", "general");
  o = eval(db, &f, FZ_INVALID);
  CHECK_STR(e.field, "matter_code");
  f = facts("T-CF-001", "2024-13-01", "2024-05-01", "general");
  o = eval(db, &f, FZ_INVALID);
  CHECK_STR(e.field, "act_date");
  f = facts("T-CF-001", "2024-03-01", "2024-05-01", "general");
  f.minor_age = 1; /* an organisation cannot be a minor */
  o = eval(db, &f, FZ_INVALID);
  CHECK_STR(e.field, "minor_age");
  json_t *g = J("[\"bribed\"]");
  f = facts("T-CF-001", "2024-03-01", "2024-05-01", "general");
  f.grounds = g;
  o = eval(db, &f, FZ_INVALID);
  CHECK_STR(e.field, "grounds");
  json_decref(g);

  /* Facts from JSON, as the lead's case module and the API pass them. */
  json_t *fj = J("{\"matter_code\":\"T-CF-001\",\"act_date\":\"2024-03-01\",\"harm\":\"general\","
                 "\"party\":\"person\",\"first_offence\":null,\"goods_value\":\"8000\",\"other\":1}");
  CHECK_INT(fz_offence_facts_from_json(fj, &f, &e), FZ_OK);
  CHECK_INT(f.party_is_person, 1);
  CHECK_INT(f.first_offence, -1);
  CHECK_INT(f.goods_value_fen, 800000);
  CHECK_INT(f.illegal_gains_fen, -1);
  CHECK(f.decision_date == NULL);
  o = eval(db, &f, FZ_OK); /* decided today */
  json_decref(o);
  json_decref(fj);
  fj = J("{\"matter_code\":\"T-CF-001\",\"harm\":\"general\"}");
  CHECK_INT(fz_offence_facts_from_json(fj, &f, &e), FZ_MISSING);
  CHECK_STR(e.field, "act_date");
  json_decref(fj);
  fj = J("{\"matter_code\":\"T-CF-001\",\"act_date\":\"2024-03-01\",\"harm\":\"general\","
         "\"goods_value\":-5}");
  CHECK_INT(fz_offence_facts_from_json(fj, &f, &e), FZ_INVALID);
  CHECK_STR(e.field, "goods_value");
  json_decref(fj);
}

static fz_err make_list(fz_db *db, const char *text, int64_t *id) {
  json_t *s = J(text);
  fz_err rc = TX(db, fz_list_create(db, &cli, s, T0, id, &e));
  json_decref(s);
  return rc;
}

/* The entry of list_id in an evaluation's lists. */
static const json_t *entry_of(const json_t *o, int64_t list_id, int entry) {
  size_t i;
  const json_t *x;
  json_array_foreach(json_object_get(o, "lists"), i, x)
    if (json_integer_value(json_object_get(x, "list_id")) == list_id &&
        json_integer_value(json_object_get(x, "entry")) == entry)
      return x;
  return NULL;
}

static void lenient_lists(fz_db *db) {
  int64_t ex, mit, nc, x;
  CHECK_INT(make_list(db,
    "{\"kind\":\"exempt\",\"department_kind\":\"culture\",\"name\":\"测试免罚清单\",\"version\":\"v1\","
    "\"effective_from\":\"2023-01-01\",\"law\":\"中华人民共和国行政处罚法\",\"article\":\"第三十三条第一款\","
    "\"entries\":[{\"matter_code\":\"T-CF-001\",\"max_harm\":\"none\",\"corrected\":true,"
    "\"effect\":\"no_penalty\",\"conditions\":\"无危害后果并及时改正\",\"law\":\"中华人民共和国行政处罚法\","
    "\"article\":\"第三十三条第一款\"},{\"matter_code\":\"T-CF-001\",\"max_harm\":\"slight\","
    "\"corrected\":true,\"first_offence\":true,\"effect\":\"may_no_penalty\",\"conditions\":\"初次违法"
    "危害轻微及时改正\",\"law\":\"中华人民共和国行政处罚法\",\"article\":\"第三十三条第一款\"}]}", &ex),
    FZ_OK);
  CHECK_INT(make_list(db,
    "{\"kind\":\"mitigate\",\"department_kind\":\"culture\",\"name\":\"从轻减轻清单\",\"version\":\"v1\",\"effective_from\":\"2023-01-01\","
    "\"law\":\"中华人民共和国行政处罚法\",\"article\":\"第三十二条\",\"entries\":["
    "{\"max_harm\":\"severe\",\"grounds\":[\"coerced\"],\"effect\":\"reduced\",\"reduce_floor_pct\":30,"
    "\"conditions\":\"受胁迫\",\"law\":\"中华人民共和国行政处罚法\",\"article\":\"第三十二条第（二）项\"},"
    "{\"max_harm\":\"severe\",\"grounds\":[\"confessed\"],\"effect\":\"lighter\",\"lighten_cap_pct\":50,"
    "\"conditions\":\"主动供述\",\"law\":\"中华人民共和国行政处罚法\",\"article\":\"第三十二条第（三）项\"}]}",
    &mit), FZ_OK);
  CHECK_INT(make_list(db,
    "{\"kind\":\"no_coercion\",\"department_kind\":\"culture\",\"name\":\"不予强制清单\","
    "\"version\":\"v1\",\"effective_from\":\"2023-01-01\",\"law\":\"中华人民共和国行政强制法\","
    "\"article\":\"第十六条第二款\",\"entries\":[{\"matter_code\":\"T-CF-001\",\"measure_code\":"
    "\"T-QZ-001\",\"max_harm\":\"slight\",\"effect\":\"no_coercion\",\"conditions\":\"显著轻微\","
    "\"law\":\"中华人民共和国行政强制法\",\"article\":\"第十六条第二款\"}]}", &nc), FZ_OK);
  /* A matter of another department kind, or not a penalty matter. */
  CHECK_INT(make_list(db,
    "{\"kind\":\"exempt\",\"department_kind\":\"culture\",\"name\":\"测试免罚清单\",\"version\":\"v0\","
    "\"effective_from\":\"2024-01-01\",\"law\":\"中华人民共和国行政处罚法\",\"article\":\"第三十三条\","
    "\"entries\":[{\"matter_code\":\"T-CF-901\",\"max_harm\":\"none\",\"corrected\":true,"
    "\"effect\":\"no_penalty\",\"conditions\":\"x\",\"law\":\"中华人民共和国行政处罚法\","
    "\"article\":\"第三十三条\"}]}", &x), FZ_INVALID);
  CHECK_STR(e.field, "entries[0].matter_code");

  /* A 不予处罚 hit: no harm, corrected. */
  fz_offence_facts f = facts("T-CF-001", "2024-03-01", "2024-05-01", "none");
  f.corrected = 1;
  json_t *o = eval(db, &f, FZ_OK);
  CHECK(json_is_true(json_object_get(o, "no_penalty")));
  CHECK(json_is_true(json_object_get(o, "no_penalty_mandatory")));
  CHECK(json_is_true(json_object_get(o, "education_required")));
  CHECK(json_is_true(json_object_get(o, "no_coercion")));
  const json_t *x0 = entry_of(o, ex, 1);
  CHECK(x0 && json_is_true(json_object_get(x0, "applies")));
  int edu = 0;
  size_t i;
  const json_t *l;
  json_array_foreach(json_object_get(o, "lines"), i, l)
    edu |= strstr(json_string_value(json_object_get(l, "citation")), "第三十三条第三款") != NULL;
  CHECK(edu);
  lines_cite(o);
  json_decref(o);
  /* Missed: not corrected. */
  f.corrected = 0;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_false(json_object_get(o, "no_penalty")));
  x0 = entry_of(o, ex, 1);
  CHECK(x0 && json_is_false(json_object_get(x0, "applies")));
  CHECK_CONTAINS(json_string_value(json_object_get(x0, "why")), "及时改正");
  json_decref(o);
  /* 可以不予: slight harm, corrected — first offence unknown, then known. */
  f = facts("T-CF-001", "2024-03-01", "2024-05-01", "slight");
  f.corrected = 1;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_false(json_object_get(o, "no_penalty")));
  x0 = entry_of(o, ex, 2);
  CHECK(x0 && json_is_null(json_object_get(x0, "applies")));
  CHECK_STR(json_string_value(json_array_get(json_object_get(o, "undetermined"), 0)), "first_offence");
  CHECK(json_is_null(json_object_get(json_object_get(o, "first_offence"), "value")));
  x0 = entry_of(o, ex, 1); /* harm too high for 不予 */
  CHECK(x0 && json_is_false(json_object_get(x0, "applies")));
  json_decref(o);
  f.first_offence = 1;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_true(json_object_get(o, "no_penalty")));
  CHECK(json_is_false(json_object_get(o, "no_penalty_mandatory")));
  CHECK_INT(json_array_size(json_object_get(o, "undetermined")), 0);
  json_decref(o);
  f.first_offence = 0;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_false(json_object_get(o, "no_penalty")));
  json_decref(o);
  /* Too much harm for anything; the lists are still shown, not applied. */
  f = facts("T-CF-001", "2024-03-01", "2024-05-01", "general");
  f.corrected = f.first_offence = 1;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_false(json_object_get(o, "no_penalty")));
  CHECK(json_is_false(json_object_get(o, "no_coercion")));
  CHECK(json_array_size(json_object_get(o, "lists")) >= 5);
  json_decref(o);
  /* Before the list took effect it was not in force at either date. */
  f = facts("T-CF-001", "2022-03-01", "2022-05-01", "none");
  f.corrected = 1;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_false(json_object_get(o, "no_penalty")));
  CHECK_INT(json_array_size(json_object_get(o, "lists")), 0);
  json_decref(o);
  /* A list in force at the decision though not at the act still helps
   * the party (Art. 37). */
  f = facts("T-CF-001", "2022-12-01", "2023-02-01", "none");
  f.corrected = 1;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_true(json_object_get(o, "no_penalty")));
  x0 = entry_of(o, ex, 1);
  CHECK_INT(json_array_size(json_object_get(x0, "in_force_at")), 1);
  json_decref(o);
  /* No fault (Art. 33 ¶2): no penalty whatever the lists say. */
  f = facts("T-CF-001", "2024-03-01", "2024-05-01", "severe");
  f.no_fault = 1;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_true(json_object_get(o, "no_penalty_mandatory")));
  json_decref(o);

  /* Mitigation: 减轻 with the local floor; 从轻 with the local cap. */
  json_t *g = J("[\"coerced\"]");
  f = facts("T-CF-001", "2024-03-01", "2024-05-01", "severe");
  f.grounds = g;
  o = eval(db, &f, FZ_OK);
  CHECK_STR(json_string_value(json_object_get(o, "mitigation")), "减轻");
  /* 2023版 严重 2000–8000; the statutory minimum over its tiers is 0. */
  CHECK_STR(str(o, "mitigated_range.max"), "0.00");
  json_decref(o);
  json_decref(g);
  g = J("[\"confessed\"]");
  f.grounds = g;
  o = eval(db, &f, FZ_OK);
  CHECK_STR(json_string_value(json_object_get(o, "mitigation")), "从轻");
  CHECK_STR(str(o, "mitigated_range.min"), "2000.00");
  CHECK_STR(str(o, "mitigated_range.max"), "5000.00"); /* 2000 + 50% of 6000 */
  json_decref(o);
  json_decref(g);
  /* A ground no list names: the statute alone, 从轻. */
  g = J("[\"eliminated_harm\"]");
  f.grounds = g;
  o = eval(db, &f, FZ_OK);
  CHECK_STR(json_string_value(json_object_get(o, "mitigation")), "从轻");
  CHECK_STR(str(o, "mitigated_range.max"), "8000.00");
  CHECK_CONTAINS(str(o, "mitigated_range.rule"), "法律规定应当从轻或者减轻");
  json_decref(o);
  json_decref(g);

  /* The check of a decision. */
  f = facts("T-CF-001", "2024-03-01", "2024-05-01", "general");
  o = eval(db, &f, FZ_OK); /* 一般 500–2000: 罚款 only */
  json_t *kinds = J("[\"罚款\"]"), *fd = NULL;
  CHECK_INT(fz_discretion_check_decision(o, kinds, 150000, &fd, &e), FZ_OK);
  CHECK_INT(json_array_size(fd), 0);
  json_decref(fd);
  CHECK_INT(fz_discretion_check_decision(o, kinds, 250000, &fd, &e), FZ_OK);
  CHECK_STR(json_string_value(json_object_get(json_array_get(fd, 0), "code")), "fine_above_range");
  json_decref(fd);
  CHECK_INT(fz_discretion_check_decision(o, kinds, 40000, &fd, &e), FZ_OK);
  CHECK_STR(json_string_value(json_object_get(json_array_get(fd, 0), "code")), "fine_below_range");
  json_decref(fd);
  json_decref(kinds);
  kinds = J("[\"罚款\",\"吊销许可证件\"]");
  CHECK_INT(fz_discretion_check_decision(o, kinds, 150000, &fd, &e), FZ_OK);
  CHECK_STR(json_string_value(json_object_get(json_array_get(fd, 0), "code")), "kind_not_allowed");
  json_decref(fd);
  json_decref(kinds);
  kinds = json_array();
  CHECK_INT(fz_discretion_check_decision(o, kinds, 0, &fd, &e), FZ_OK);
  CHECK_STR(json_string_value(json_object_get(json_array_get(fd, 0), "code")), "no_penalty_without_ground");
  json_decref(fd);
  json_decref(o);
  f = facts("T-CF-001", "2024-03-01", "2024-05-01", "none");
  f.corrected = 1;
  o = eval(db, &f, FZ_OK);
  CHECK_INT(fz_discretion_check_decision(o, kinds, 0, &fd, &e), FZ_OK);
  CHECK_INT(json_array_size(fd), 0); /* 不予处罚 as the list says */
  json_decref(fd);
  json_decref(kinds);
  kinds = J("[\"警告\"]");
  CHECK_INT(fz_discretion_check_decision(o, kinds, 0, &fd, &e), FZ_OK);
  CHECK_STR(json_string_value(json_object_get(json_array_get(fd, 0), "code")), "penalty_despite_exemption");
  json_decref(fd);
  CHECK_INT(fz_discretion_check_decision(kinds, kinds, 0, &fd, &e), FZ_INVALID);
  json_decref(kinds);
  json_decref(o);

  /* The public view of entries in force. */
  fz_disc_query q = {.kind = "exempt", .matter_code = "T-CF-001"};
  CHECK_INT(fz_list_entries_in_force(db, &q, "2024-01-01", &o, &e), FZ_OK);
  CHECK_INT(json_array_size(json_object_get(o, "items")), 2);
  json_decref(o);
  q = (fz_disc_query){.limit = 1};
  CHECK_INT(fz_list_entries_in_force(db, &q, "2024-01-01", &o, &e), FZ_OK);
  CHECK_INT(json_array_size(json_object_get(o, "items")), 1);
  CHECK(json_is_string(json_object_get(o, "next_cursor")));
  json_decref(o);
}

static const char csv_good_and_bad[] =
    "matter_code,version,effective_from,law,article,tier,party,harms,conditions,kinds,"
    "lower_min,lower_max\n"
    "T-CF-901,v1,2024-01-01,测试法,第一条,轻微,,无;轻微,轻,罚款,0,100\n"
    "T-CF-901,v1,2024-01-01,测试法,第一条,一般,,一般,中,罚款,100,500\n"
    "T-CF-901,v1,2024-01-01,测试法,第一条,严重,,较重;严重,重,罚款,500,900\n"
    "T-CF-002,bad,2030-01-01,测试法,第一条,轻微,,无,轻,罚款,0,100\n"         /* 5 */
    "T-CF-002,bad,2030-01-01,测试法,第一条,一般,,轻微;一般,中,罚款,900,100\n" /* 6: min>max */
    "T-CF-002,bad,2030-01-01,测试法,第一条,严重,,较重;严重,重,罚款,1000,2000\n"
    "NO-SUCH,v1,2024-01-01,测试法,第一条,轻微,,无;轻微;一般;较重;严重,全部,罚款,0,1\n" /* 8 */
    "T-CF-003,v9,2031-01-01,测试法,第一条,一般,,无;轻微;一般;较重;严重,全部,罚款,x,1\n"; /* 9 */

static void imports(fz_db *db) {
  fz_disc_import *im = NULL;
  CHECK_INT(fz_disc_import_parse(FZ_DISC_BENCHMARKS, csv_good_and_bad, strlen(csv_good_and_bad), -1,
                                 &im, &e), FZ_OK);
  if (!im) return;
  CHECK_STR(fz_disc_import_encoding(im), "UTF-8");
  int64_t n0 = ledger_size(db);
  json_t *rep = NULL;
  CHECK_INT(TX(db, fz_disc_import_write(db, &cli, im, "test.csv", "ab12", T0, &rep, &e)), FZ_OK);
  CHECK_INT(ledger_size(db), n0 + 1); /* one event for the batch */
  CHECK_INT(count(db, "SELECT COUNT(*) FROM ledger_event WHERE action = 'benchmark.import' "
                      "AND object_id = 'ab12'"), 1);
  CHECK_INT(json_integer_value(json_object_get(rep, "created")), 1);
  json_t *rej = json_object_get(rep, "rejected");
  CHECK_INT(json_array_size(rej), 5);
  /* Each refused row with its line, field and reason, in line order. */
  static const long lines[] = {5, 6, 7, 8, 9};
  static const char *const fields[] = {"", "lower_min", "", "matter_code", "lower_min"};
  for (size_t i = 0; i < 5; i++) {
    json_t *r = json_array_get(rej, i);
    CHECK_INT(json_integer_value(json_object_get(r, "line")), lines[i]);
    CHECK_STR(json_string_value(json_object_get(r, "field")), fields[i]);
    CHECK(strlen(json_string_value(json_object_get(r, "reason"))) > 5);
  }
  CHECK_CONTAINS(json_string_value(json_object_get(json_array_get(rej, 0), "reason")), "第 6 行");
  json_decref(rep);
  fz_disc_import_free(im);
  fz_bench *b = malloc(sizeof *b);
  CHECK_INT(fz_bench_in_force(db, "T-CF-901", "2024-06-01", b, &e), FZ_OK);
  CHECK_INT(b->ntiers, 3);
  CHECK_STR(b->department_kind, "ecology");

  /* The same file again: every version exists; nothing is written. */
  n0 = ledger_size(db);
  CHECK_INT(fz_disc_import_parse(FZ_DISC_BENCHMARKS, csv_good_and_bad, strlen(csv_good_and_bad), 0,
                                 &im, &e), FZ_OK);
  CHECK_INT(TX(db, fz_disc_import_write(db, &cli, im, "test.csv", "ab12", T0, &rep, &e)), FZ_INVALID);
  CHECK_INT(ledger_size(db), n0);
  CHECK_INT(json_integer_value(json_object_get(rep, "created")), 0);
  json_decref(rep);
  fz_disc_import_free(im);

  /* GB18030, as Excel saves on Chinese Windows: 版本 v2 supersedes v1. */
  static const char gb[] =
      "matter_code,\xb0\xe6\xb1\xbe,effective_from,law,article,tier,harms,conditions,kinds,lower_min,lower_max\n"
      "T-CF-901,v2,2025-01-01,\xb2\xe2\xca\xd4,\xb5\xda\xd2\xbb\xcc\xf5,\xd2\xbb\xb0\xe3,"
      "none;slight;general;serious;severe,\xc8\xab\xb2\xbf,\xb7\xa3\xbf\xee,0,50\n";
  CHECK_INT(fz_disc_import_parse(FZ_DISC_BENCHMARKS, gb, strlen(gb), -1, &im, &e), FZ_OK);
  if (!im) return;
  CHECK_STR(fz_disc_import_encoding(im), "GB18030");
  CHECK_INT(TX(db, fz_disc_import_write(db, &cli, im, "gb.csv", "cd34", T0, &rep, &e)), FZ_OK);
  CHECK_INT(json_integer_value(json_object_get(rep, "created")), 1);
  CHECK(json_is_integer(json_object_get(json_array_get(json_object_get(rep, "versions"), 0), "supersedes")));
  json_decref(rep);
  fz_disc_import_free(im);
  CHECK_INT(fz_bench_in_force(db, "T-CF-901", "2025-06-01", b, &e), FZ_OK);
  CHECK_STR(b->tiers[0].key, "一般");
  CHECK_STR(b->law, "测试");
  CHECK_INT(fz_bench_in_force(db, "T-CF-901", "2024-12-31", b, &e), FZ_OK);
  CHECK_STR(b->version, "v1");
  CHECK_STR(b->effective_to, "2024-12-31");

  /* Export → import: the CSV an export writes parses back whole. */
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  fz_disc_query q = {.matter_code = "T-CF-901"};
  CHECK_INT(fz_disc_export_table(db, &cli, FZ_DISC_BENCHMARKS, &q, 0, NULL, f, &e), FZ_OK);
  fclose(f);
  CHECK(len > 3 && !memcmp(buf, "\xef\xbb\xbf", 3));
  CHECK_INT(fz_disc_import_parse(FZ_DISC_BENCHMARKS, buf, len, -1, &im, &e), FZ_OK);
  if (im) {
    CHECK_INT(fz_disc_import_versions(im), 2);
    CHECK_INT(fz_disc_import_rejected(im), 0);
  }
  fz_disc_import_free(im);
  free(buf);
  /* …and the JSON export too. */
  json_t *js = NULL;
  CHECK_INT(fz_disc_export_json(db, &cli, FZ_DISC_BENCHMARKS, &q, &js, &e), FZ_OK);
  char *text = json_dumps(js, 0);
  CHECK_INT(fz_disc_import_parse(FZ_DISC_BENCHMARKS, text, strlen(text), -1, &im, &e), FZ_OK);
  if (im) {
    CHECK_STR(fz_disc_import_encoding(im), "JSON");
    CHECK_INT(fz_disc_import_versions(im), 2);
    CHECK_INT(fz_disc_import_rejected(im), 0);
  }
  fz_disc_import_free(im);
  free(text);
  json_decref(js);
  /* A JSON item that is wrong names its item and path. */
  static const char bad_json[] =
      "{\"benchmarks\":[{\"matter_code\":\"T-CF-901\",\"version\":\"v3\",\"effective_from\":"
      "\"2026-01-01\",\"law\":\"x\",\"article\":\"y\",\"tiers\":[{\"tier\":\"一般\",\"harms\":"
      "[\"none\",\"slight\",\"general\",\"serious\",\"severe\"],\"conditions\":\"c\",\"kinds\":"
      "[\"罚款\"],\"fine\":{\"lower_min\":\"9\",\"lower_max\":\"1\"}}]}]}";
  CHECK_INT(fz_disc_import_parse(FZ_DISC_BENCHMARKS, bad_json, strlen(bad_json), 1, &im, &e), FZ_OK);
  n0 = ledger_size(db);
  CHECK_INT(TX(db, fz_disc_import_write(db, &cli, im, "bad.json", "ef56", T0, &rep, &e)), FZ_INVALID);
  json_t *r0 = json_array_get(json_object_get(rep, "rejected"), 0);
  CHECK_INT(json_integer_value(json_object_get(r0, "item")), 1);
  CHECK_STR(json_string_value(json_object_get(r0, "field")), "tiers[0].fine.lower_min");
  CHECK_INT(ledger_size(db), n0);
  json_decref(rep);
  fz_disc_import_free(im);
  /* Files that cannot be read at all. */
  CHECK_INT(fz_disc_import_parse(FZ_DISC_BENCHMARKS, "", 0, 0, &im, &e), FZ_MISSING);
  CHECK_INT(fz_disc_import_parse(FZ_DISC_BENCHMARKS, "matter_code,colour\n", 19, 0, &im, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "colour");
  CHECK_INT(fz_disc_import_parse(FZ_DISC_BENCHMARKS, "{\"lists\":[]}", 12, -1, &im, &e), FZ_INVALID);
  free(b);
}

static void demo(fz_db *db) {
  int64_t n0 = ledger_size(db);
  int made = 0;
  fz_error_clear(&e);
  CHECK_INT(fz_discretion_demo(db, &cli, T0, &made, &e), FZ_OK);
  if (e.code) fprintf(stderr, "  demo: %s\n", e.message);
  CHECK(made >= 20);
  CHECK_INT(ledger_size(db), n0 + 2); /* one import event per file */
  CHECK_INT(fz_discretion_demo(db, &cli, T0, &made, &e), FZ_OK);
  CHECK_INT(made, 0);
  CHECK_INT(ledger_size(db), n0 + 2);
  /* Every department kind of the demo has two matters or more. */
  CHECK(count(db, "SELECT COUNT(DISTINCT department_kind) FROM discretion_benchmarks "
                  "WHERE matter_code NOT LIKE 'T-%'") >= 5);
  /* 食品安全法 Art. 122 at exactly 10,000 元 of goods: 10–20 倍, here the
   * 一般 tier's 14–16 倍. */
  fz_offence_facts f = facts("SC-CF-001", "2024-03-01", "2024-05-01", "general");
  f.goods_value_fen = 1000000;
  json_t *o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "range.min"), "140000.00");
  CHECK_STR(str(o, "range.max"), "160000.00");
  CHECK_STR(str(o, "statutory_range.min"), "100000.00");
  CHECK_STR(str(o, "statutory_range.max"), "200000.00");
  json_decref(o);
  f.goods_value_fen = 800000;
  o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "range.min"), "70000.00");
  CHECK_CONTAINS(str(o, "range.computed"), "货值金额 8,000.00 元，不足 10,000.00 元");
  json_decref(o);
  /* 道路运输条例 Art. 63: the 2023版 is lighter for an act of 2022. */
  f = facts("JT-CF-001", "2022-06-01", "2024-01-10", "general");
  o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "versions.at_act.version"), "2020版");
  CHECK_STR(str(o, "versions.applied.version"), "2023版");
  CHECK_STR(str(o, "range.min"), "5000.00");
  CHECK_STR(str(o, "range.max"), "8000.00");
  json_decref(o);
  /* 价格法 Art. 42 and the market 免罚清单 of 2023 (可以不予处罚). */
  f = facts("SC-CF-007", "2024-03-01", "2024-05-01", "slight");
  f.corrected = f.first_offence = 1;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_true(json_object_get(o, "no_penalty")));
  CHECK(json_is_false(json_object_get(o, "no_penalty_mandatory")));
  json_decref(o);
  /* 固体废物污染环境防治法 Art. 111: persons and organisations apart. */
  f = facts("CG-CF-008", "2024-03-01", "2024-05-01", "general");
  f.party_is_person = 1;
  o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "range.max"), "350.00");
  json_decref(o);
  f.party_is_person = 0;
  o = eval(db, &f, FZ_OK);
  CHECK_STR(str(o, "range.max"), "250000.00");
  json_decref(o);
  /* The urban 免罚 entry is for persons: an organisation misses it on
   * that condition alone. */
  f = facts("CG-CF-008", "2024-03-01", "2024-05-01", "slight");
  f.corrected = f.first_offence = 1;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_false(json_object_get(o, "no_penalty")));
  const json_t *x = json_array_get(json_object_get(o, "lists"), 0);
  const json_t *c0 = json_array_get(json_object_get(x, "checks"), 0);
  CHECK_STR(json_string_value(json_object_get(c0, "condition")), "当事人为公民");
  CHECK(json_is_false(json_object_get(c0, "met")));
  CHECK_INT(json_array_size(json_object_get(x, "checks")), 4);
  json_decref(o);
  f.party_is_person = 1;
  o = eval(db, &f, FZ_OK);
  CHECK(json_is_true(json_object_get(o, "no_penalty")));
  json_decref(o);
}

static void suite(const char *u, const char *label) {
  printf("%s\n", label);
  fz_db *db = testdb_open(u);
  if (!db) return;
  fz_principal_cli(&cli);
  setup(db);
  if (t_current_failed) {
    fz_db_close(db);
    return;
  }
  chains(db);
  evaluation(db);
  lenient_lists(db);
  imports(db);
  demo(db);
  fz_db_close(db);
}

static void on_every_backend(void) { testdb_each(suite, "fz_test_discretion"); }

int main(void) {
  RUN(fine_fixed_and_multiples);
  RUN(fine_two_branches_and_edges);
  RUN(versions_are_checked);
  RUN(lists_keep_to_the_statutes);
  RUN(on_every_backend);
  return TEST_END();
}
