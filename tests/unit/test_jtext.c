/* test_jtext.c — JSON text written straight is what jansson's compact dump
 * of the same members gives: commas, nesting, escapes, null for missing or
 * non-UTF-8 text, integers at their limits, and verbatim stored JSON. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jtext.h"
#include "test.h"

/* Checks that the text in b equals jansson's compact dump of want, and
 * parses back to it. */
static void same_as(fz_buf *b, json_t *want) {
  char *text = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
  CHECK(b->err == FZ_OK);
  CHECK(b->data != NULL);
  if (text && b->data) {
    CHECK_STR(b->data, text);
    json_t *back = json_loadb(b->data, b->len, JSON_DECODE_ANY, NULL);
    CHECK(back && json_equal(back, want));
    json_decref(back);
  }
  free(text);
  json_decref(want);
}

static void members_and_items(void) {
  fz_buf b;
  fz_buf_init(&b, 0);
  fz_jtext w;
  fz_jt_init(&w, &b);
  fz_jt_open(&w, '{');
  fz_jt_key(&w, "id");
  fz_jt_int(&w, 7);
  fz_jt_key(&w, "items");
  fz_jt_open(&w, '[');
  fz_jt_open(&w, '{');
  fz_jt_close(&w, '}');
  fz_jt_int(&w, LLONG_MIN);
  fz_jt_int(&w, LLONG_MAX);
  fz_jt_open(&w, '[');
  fz_jt_close(&w, ']');
  fz_jt_bool(&w, 1);
  fz_jt_bool(&w, 0);
  fz_jt_null(&w);
  fz_jt_close(&w, ']');
  fz_jt_key(&w, "empty");
  fz_jt_open(&w, '[');
  fz_jt_close(&w, ']');
  fz_jt_key(&w, "last");
  fz_jt_int(&w, -1);
  fz_jt_close(&w, '}');
  fz_buf_append(&b, "", 1); /* a C string for the comparison */
  b.len--;
  same_as(&b, json_pack("{s:i, s:[{}, I, I, [], b, b, n], s:[], s:i}", "id",
                        7, "items", (json_int_t)LLONG_MIN,
                        (json_int_t)LLONG_MAX, 1, 0, "empty", "last", -1));
  fz_buf_free(&b);
}

static void strings_escaped_as_jansson(void) {
  const char *cases[] = {"", "plain", "法治 政府", "quote \" and \\ back",
                         "\b\f\n\r\t", "\x01\x1f\x7f", "/slash/", "ends\\"};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    fz_buf b;
    fz_buf_init(&b, 0);
    fz_jtext w;
    fz_jt_init(&w, &b);
    fz_jt_open(&w, '[');
    fz_jt_str(&w, cases[i]);
    fz_jt_close(&w, ']');
    fz_buf_append(&b, "", 1);
    b.len--;
    same_as(&b, json_pack("[s]", cases[i]));
    fz_buf_free(&b);
  }
}

/* NULL and text jansson would refuse become null; fz_jt_text also shows
 * "" as null; stored JSON is copied; a jansson value is dumped in order. */
static void nulls_raw_and_values(void) {
  fz_buf b;
  fz_buf_init(&b, 0);
  fz_jtext w;
  fz_jt_init(&w, &b);
  fz_jt_open(&w, '[');
  fz_jt_str(&w, NULL);
  fz_jt_str(&w, "bad \xff byte");
  fz_jt_str(&w, "\xed\xa0\x80"); /* a surrogate */
  fz_jt_str(&w, "\xc0\xaf");     /* an overlong '/' */
  fz_jt_text(&w, "");
  fz_jt_text(&w, "x");
  fz_jt_raw(&w, NULL);
  fz_jt_raw(&w, "");
  fz_jt_raw(&w, "{\"a\":[1,2]}");
  json_t *v = json_pack("{s:i, s:s}", "z", 1, "a", "b");
  fz_jt_json(&w, v);
  fz_jt_json(&w, NULL);
  fz_jt_close(&w, ']');
  fz_buf_append(&b, "", 1);
  b.len--;
  same_as(&b, json_pack("[n, n, n, n, n, s, n, n, {s:[i, i]}, O, n]", "x",
                        "a", 1, 2, v));
  json_decref(v);
  fz_buf_free(&b);
}

static void utf8_rules(void) {
  CHECK(fz_jt_utf8_ok("", 0));
  CHECK(fz_jt_utf8_ok("\xf0\x9f\x98\x80", 4));   /* U+1F600 */
  CHECK(!fz_jt_utf8_ok("\xf0\x9f\x98", 3));      /* cut short */
  CHECK(!fz_jt_utf8_ok("\xf4\x90\x80\x80", 4));  /* past U+10FFFF */
  CHECK(!fz_jt_utf8_ok("\xe0\x80\xaf", 3));      /* overlong */
  CHECK(fz_jt_utf8_ok("a\0b", 3));                /* NUL is a character */
}

int main(void) {
  RUN(members_and_items);
  RUN(strings_escaped_as_jansson);
  RUN(nulls_raw_and_values);
  RUN(utf8_rules);
  return TEST_END();
}
