/* test_core.c — errors, buffers, arena, logging values, configuration and
 * JSON checks. */
#include <stdint.h>
#include <stdlib.h>
#include <stddef.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/error.h"
#include "core/json.h"
#include "core/log.h"
#include "core/money.h"
#include "test.h"

static void error_names(void) {
  CHECK_STR(fz_err_name(FZ_OK), "ok");
  CHECK_STR(fz_err_name(FZ_UNKNOWN), "unknown_field");
  CHECK_STR(fz_err_name((fz_err)999), "unknown_error");
  for (int i = 0; i < FZ_ERR__COUNT; i++) CHECK(fz_err_message((fz_err)i)[0]);
  fz_error e;
  CHECK_INT(fz_error_set(&e, FZ_INVALID, "code", "bad %d", 7), FZ_INVALID);
  CHECK_STR(e.field, "code");
  CHECK_STR(e.message, "bad 7");
  fz_error_set(&e, FZ_NOTFOUND, NULL, NULL);
  CHECK_STR(e.message, "not found");
  CHECK_INT(fz_error_set(NULL, FZ_IO, "x", "y"), FZ_IO); /* NULL is allowed */
  fz_error_set(&e, FZ_RANGE, "a", "keep this message");
  fz_error_set_field(&e, "from");
  CHECK_STR(e.field, "from");
  CHECK_STR(e.message, "keep this message");
  CHECK_INT(e.code, FZ_RANGE);
  fz_error_set_field(NULL, "x");
}

static void buf_grows_and_stops_at_max(void) {
  fz_buf b;
  fz_buf_init(&b, 10);
  CHECK_INT(fz_buf_puts(&b, "12345"), FZ_OK);
  CHECK_INT(fz_buf_printf(&b, "%d", 6789), FZ_OK);
  CHECK_STR(b.data, "123456789");
  CHECK_INT(fz_buf_append(&b, "0", 1), FZ_OK); /* exactly max */
  CHECK_INT(b.len, 10);
  CHECK_INT(fz_buf_append(&b, "x", 1), FZ_TOOBIG);
  CHECK_INT(fz_buf_puts(&b, ""), FZ_TOOBIG); /* sticky */
  CHECK_STR(b.data, "1234567890");
  fz_buf_reset(&b);
  CHECK_INT(b.err, FZ_OK);
  CHECK_INT(fz_buf_printf(&b, "%s", "abc"), FZ_OK);
  CHECK_STR(b.data, "abc");
  fz_buf_free(&b);
  CHECK(b.data == NULL);
  fz_buf_free(&b); /* twice is fine */
}

static void buf_binary(void) {
  fz_buf b;
  fz_buf_init(&b, 0);
  CHECK_INT(fz_buf_append(&b, "a\0b", 3), FZ_OK);
  CHECK_INT(b.len, 3);
  CHECK(memcmp(b.data, "a\0b", 4) == 0);
  for (int i = 0; i < 10000; i++) fz_buf_append(&b, "xy", 2);
  CHECK_INT(b.len, 20003);
  CHECK_INT(b.err, FZ_OK);
  fz_buf_free(&b);
}

static void arena_allocates_aligned_zeroed(void) {
  fz_arena *a = fz_arena_new();
  CHECK(a != NULL);
  char *s = fz_arena_strndup(a, "hello world", 5);
  CHECK_STR(s, "hello");
  CHECK_STR(fz_arena_strndup(a, "ab", 100), "ab");
  CHECK_STR(fz_arena_printf(a, "%s-%03d", "x", 7), "x-007");
  for (int i = 0; i < 1000; i++) {
    unsigned char *p = fz_arena_alloc(a, (size_t)i * 7 + 1);
    CHECK(p != NULL);
    CHECK(((uintptr_t)p % _Alignof(max_align_t)) == 0);
    CHECK(p[0] == 0 && p[(size_t)i * 7] == 0);
    memset(p, 0xAB, (size_t)i * 7 + 1);
  }
  void *big = fz_arena_alloc(a, 1 << 20); /* larger than a block */
  CHECK(big != NULL);
  CHECK_STR(s, "hello"); /* earlier allocations untouched */
  CHECK(fz_arena_alloc(a, SIZE_MAX) == NULL);
  fz_arena_free(a);
  fz_arena_free(NULL);
}

static void log_values_are_quoted_and_redacted(void) {
  char out[128];
  CHECK_STR(fz_log_value("plain", out, sizeof out), "plain");
  CHECK_STR(fz_log_value("a b", out, sizeof out), "\"a b\"");
  CHECK_STR(fz_log_value("x=\"y\"", out, sizeof out), "\"x=\\\"y\\\"\"");
  CHECK_STR(fz_log_value("", out, sizeof out), "\"\"");
  CHECK_STR(fz_log_value("/api/v1/x/11010519491231002X/y", out, sizeof out),
            "/api/v1/x/[redacted]/y");
  CHECK_STR(fz_log_value("/a/12345678901234", out, sizeof out),
            "/a/12345678901234"); /* 14 digits: kept */
  CHECK_STR(fz_log_value("line\nbreak", out, sizeof out), "\"line?break\"");
  char small[6];
  fz_log_value("abcdefghij", small, sizeof small);
  CHECK_INT(strlen(small), 5);
  fz_log_value("a b c d e f", small, sizeof small);
  CHECK(small[0] == '"' && small[4] == '"' && small[5] == '\0');
  CHECK_INT(fz_log_level_parse("warn"), FZ_LOG_WARN);
  CHECK_INT(fz_log_level_parse("loud"), -1);
}

static void config_precedence(void) {
  fz_config c;
  fz_error e;
  char *argv[] = {"serve", "--db", "sqlite:flag.db", "pos1", "--list",
                  "--threads=3", "pos2", NULL};
  const char *file = "# comment\n db = sqlite:file.db \nlisten=0.0.0.0:9000\n"
                     "threads = 2\nlog_level = warn\n";
  char path[] = "/tmp/fazhi-test-config-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  CHECK_INT(write(fd, file, strlen(file)), (long)strlen(file));
  close(fd);
  setenv("FAZHI_CONFIG", path, 1);
  setenv("FAZHI_LISTEN", "127.0.0.1:7000", 1);
  setenv("FAZHI_LOG_LEVEL", "error", 1);
  int rest = -1;
  CHECK_INT(fz_config_from_args(&c, 7, argv, 1, &rest, &e), FZ_OK);
  CHECK_STR(c.db, "sqlite:flag.db");         /* flag beats file */
  CHECK_STR(c.listen, "127.0.0.1:7000");     /* env beats file */
  CHECK_STR(c.log_level, "error");           /* env beats file */
  CHECK_INT(c.threads, 3);                   /* flag beats file */
  CHECK_INT(c.body_limit, 1 << 20);          /* default */
  CHECK_INT(rest, 3);                        /* pos1 --list pos2 */
  CHECK_STR(argv[1], "pos1");
  CHECK_STR(argv[2], "--list");
  CHECK_STR(argv[3], "pos2");
  unsetenv("FAZHI_CONFIG");
  unsetenv("FAZHI_LISTEN");
  unsetenv("FAZHI_LOG_LEVEL");
  unlink(path);
}

/* Unset, the threads are 32 per core and the connections at most 4 per
 * core; a set thread count is kept, and never has more connections. */
static void config_threads(void) {
  fz_config c;
  fz_config_defaults(&c);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  int cores = n > 0 ? (int)n : 1;
  CHECK_INT(fz_config_threads(&c), 32 * cores < 256 ? 32 * cores : 256);
  CHECK_INT(fz_config_connections(&c), 4 * cores);
  c.threads = 3;
  CHECK_INT(fz_config_threads(&c), 3);
  CHECK_INT(fz_config_connections(&c), 3 < 4 * cores ? 3 : 4 * cores);
  c.threads = 200;
  CHECK_INT(fz_config_threads(&c), 200);
  CHECK_INT(fz_config_connections(&c), 4 * cores);
}

static void config_refusals(void) {
  fz_config c;
  fz_error e;
  fz_config_defaults(&c);
  CHECK_INT(fz_config_set(&c, "threads", "many", &e), FZ_INVALID);
  CHECK_STR(e.field, "threads");
  CHECK_INT(fz_config_set(&c, "threads", "9999", &e), FZ_RANGE);
  CHECK_CONTAINS(e.message, "0 to 256");
  CHECK_INT(fz_config_set(&c, "colour", "red", &e), FZ_UNKNOWN);
  CHECK_CONTAINS(e.message, "body_limit");
  CHECK_INT(fz_config_set(&c, "log_level", "loud", &e), FZ_INVALID);
  CHECK_INT(fz_config_set(&c, "body-limit", "2048", &e), FZ_OK);
  CHECK_INT(c.body_limit, 2048);
  const char *bad = "db = sqlite:x\nthis line has no equals\n";
  CHECK_INT(fz_config_parse(&c, bad, strlen(bad), "f.conf", &e), FZ_PARSE);
  CHECK_CONTAINS(e.message, "f.conf:2");
  CHECK_INT(fz_config_load_file(&c, "/nonexistent/fazhi.conf", &e), FZ_IO);
  CHECK_CONTAINS(e.message, "/nonexistent/fazhi.conf");
  char *argv[] = {"serve", "--db", NULL};
  int rest;
  CHECK_INT(fz_config_from_args(&c, 2, argv, 1, &rest, &e), FZ_MISSING);
  setenv("FAZHI_THREADS", "x", 1);
  CHECK_INT(fz_config_load_env(&c, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "FAZHI_THREADS");
  unsetenv("FAZHI_THREADS");
}

static const fz_json_field fields[] = {
    {"code", FZ_JSON_STRING, 1, 8},
    {"n", FZ_JSON_INTEGER, 0, 0},
    {"tags", FZ_JSON_ARRAY, 0, 0},
};

static fz_err check_text(const char *text, fz_error *e) {
  json_t *v;
  fz_err rc = fz_json_parse(text, strlen(text), &v, e);
  if (rc) return rc;
  rc = fz_json_check(v, fields, 3, e);
  json_decref(v);
  return rc;
}

static void json_checks(void) {
  fz_error e;
  CHECK_INT(check_text("{\"code\":\"ab\",\"n\":3,\"tags\":[]}", &e), FZ_OK);
  CHECK_INT(check_text("{\"code\":\"ab\",", &e), FZ_PARSE);
  CHECK_CONTAINS(e.message, "line 1");
  CHECK_INT(check_text("{\"code\":\"a\",\"code\":\"b\"}", &e), FZ_PARSE);
  CHECK_INT(check_text("[]", &e), FZ_TYPE);
  CHECK_INT(check_text("{\"code\":1}", &e), FZ_TYPE);
  CHECK_STR(e.field, "code");
  CHECK_CONTAINS(e.message, "must be a string, not integer");
  CHECK_INT(check_text("{\"code\":\"a\",\"n\":1.5}", &e), FZ_TYPE);
  CHECK_CONTAINS(e.message, "not number");
  CHECK_INT(check_text("{\"code\":\"a\",\"n\":null}", &e), FZ_TYPE);
  CHECK_INT(check_text("{\"code\":\"a\",\"x\":1}", &e), FZ_UNKNOWN);
  CHECK_STR(e.field, "x");
  CHECK_CONTAINS(e.message, "code, n, tags");
  /* A message cut at its size never ends inside a UTF-8 character. */
  char long_text[1200];
  for (size_t i = 0; i + 3 < sizeof long_text; i += 3) memcpy(long_text + i, "法", 3);
  long_text[sizeof long_text - 3] = '\0';
  for (int shift = 0; shift < 3; shift++) {
    fz_error_set(&e, FZ_INVALID, "x", "%.*s%s", shift, "ab", long_text);
    json_t *j = json_string(e.message); /* NULL unless valid UTF-8 */
    CHECK(j != NULL);
    CHECK(strlen(e.message) >= sizeof e.message - 4);
    json_decref(j);
  }
  CHECK_INT(check_text("{\"n\":1}", &e), FZ_MISSING);
  CHECK_STR(e.field, "code");
  CHECK_INT(check_text("{\"code\":\"123456789\"}", &e), FZ_INVALID);
  CHECK_INT(check_text("{\"code\":\"12345678\"}", &e), FZ_OK);
  CHECK_INT(check_text("{\"code\":\"a\\u0000b\"}", &e), FZ_PARSE);
  CHECK_INT(check_text("{\"code\":\"a\",\"n\":99999999999999999999}", &e), FZ_PARSE);
}

static void json_canonical(void) {
  json_t *v;
  const char *in = "{ \"b\" : [1, {\"z\":1,\"a\":\"中\"}], \"a\": true }";
  CHECK_INT(fz_json_parse(in, strlen(in), &v, NULL), FZ_OK);
  char *s = fz_json_canonical(v);
  CHECK_STR(s, "{\"a\":true,\"b\":[1,{\"a\":\"中\",\"z\":1}]}");
  free(s);
  json_decref(v);
}

static void money_in_fen(void) {
  int64_t f = -1;
  fz_error e;
  CHECK_INT(fz_money_parse("3000", "fine", &f, &e), FZ_OK);
  CHECK_INT(f, 300000);
  CHECK_INT(fz_money_parse("0.5", "fine", &f, &e), FZ_OK);
  CHECK_INT(f, 50);
  CHECK_INT(fz_money_parse("12.34", "fine", &f, &e), FZ_OK);
  CHECK_INT(f, 1234);
  CHECK_INT(fz_money_parse("10000000000000", "fine", &f, &e), FZ_OK);
  CHECK_INT(f, FZ_MONEY_MAX);
  const char *bad[] = {"", ".", "1.", ".5", "-1", "+1", "1e3", "1,000",
                       "1.234", "10000000000001", "99999999999999999999",
                       "1 ", "0x10"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    f = 7;
    CHECK_INT(fz_money_parse(bad[i], "fine", &f, &e), FZ_INVALID);
    CHECK_STR(e.field, "fine");
    CHECK_INT(f, 7); /* untouched on refusal */
  }
  json_t *j = json_integer(200);
  CHECK_INT(fz_money_json(j, "fine", &f, &e), FZ_OK);
  CHECK_INT(f, 20000);
  json_decref(j);
  j = json_real(2.5);
  CHECK_INT(fz_money_json(j, "fine", &f, &e), FZ_TYPE);
  json_decref(j);
  j = json_integer(-1);
  CHECK_INT(fz_money_json(j, "fine", &f, &e), FZ_INVALID);
  json_decref(j);
  char s[32];
  fz_money_format(123456, s, sizeof s);
  CHECK_STR(s, "1234.56");
  fz_money_format(5, s, sizeof s);
  CHECK_STR(s, "0.05");
  fz_money_format(-250, s, sizeof s);
  CHECK_STR(s, "-2.50");
}

int main(void) {
  RUN(money_in_fen);
  RUN(error_names);
  RUN(buf_grows_and_stops_at_max);
  RUN(buf_binary);
  RUN(arena_allocates_aligned_zeroed);
  RUN(log_values_are_quoted_and_redacted);
  RUN(config_precedence);
  RUN(config_refusals);
  RUN(config_threads);
  RUN(json_checks);
  RUN(json_canonical);
  return TEST_END();
}
