/* jtext.c — JSON text straight into a buffer, as jansson's compact dump. */
#include "core/jtext.h"

#include <stdlib.h>
#include <string.h>

/* 1 if s[0..n) is well-formed UTF-8, which is what jansson's json_string
 * accepts: no overlong forms, no surrogates, nothing past U+10FFFF. */
int fz_jt_utf8_ok(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len = c >= 0xc2 && c <= 0xdf   ? 2
                 : c >= 0xe0 && c <= 0xef ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4
                                          : 0;
    if (!len || i + len > n) return 0;
    unsigned cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
    for (size_t j = 1; j < len; j++) {
      if ((s[i + j] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + j] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
      return 0;
    i += len;
  }
  return 1;
}

/* Escaped as jansson's compact dump escapes: the quote, the backslash and
 * the control characters. */
void fz_jt_string(fz_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  fz_buf_append(b, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    fz_buf_append(b, s + run, i - run);
    run = i + 1;
    char e[7] = {'\\', 0};
    size_t elen = 2;
    switch (c) {
    case '"': e[1] = '"'; break;
    case '\\': e[1] = '\\'; break;
    case '\b': e[1] = 'b'; break;
    case '\f': e[1] = 'f'; break;
    case '\n': e[1] = 'n'; break;
    case '\r': e[1] = 'r'; break;
    case '\t': e[1] = 't'; break;
    default:
      memcpy(e + 1, "u00", 3);
      e[4] = hex[c >> 4];
      e[5] = hex[c & 15];
      elen = 6;
    }
    fz_buf_append(b, e, elen);
  }
  fz_buf_append(b, s + run, n - run);
  fz_buf_append(b, "\"", 1);
}

/* In decimal without snprintf, which would parse its format each time. */
void fz_jt_decimal(fz_buf *b, long long v) {
  char num[24];
  size_t i = sizeof num;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                               : (unsigned long long)v;
  do num[--i] = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0) num[--i] = '-';
  fz_buf_append(b, num + i, sizeof num - i);
}

void fz_jt_init(fz_jtext *w, fz_buf *b) {
  memset(w, 0, sizeof *w);
  w->b = b;
}

/* The comma before a value, unless it follows its key or comes first. */
static void before_value(fz_jtext *w) {
  if (w->after_key) {
    w->after_key = 0;
    return;
  }
  if (w->depth > 0) {
    if (w->count[w->depth - 1]) fz_buf_append(w->b, ",", 1);
    w->count[w->depth - 1] = 1;
  }
}

void fz_jt_open(fz_jtext *w, char bracket) {
  before_value(w);
  fz_buf_append(w->b, &bracket, 1);
  if (w->depth < FZ_JT_DEPTH) w->count[w->depth++] = 0;
}

void fz_jt_close(fz_jtext *w, char bracket) {
  fz_buf_append(w->b, &bracket, 1);
  if (w->depth > 0) w->depth--;
}

void fz_jt_key(fz_jtext *w, const char *key) {
  before_value(w);
  fz_jt_string(w->b, key, strlen(key));
  fz_buf_append(w->b, ":", 1);
  w->after_key = 1;
}

void fz_jt_null(fz_jtext *w) {
  before_value(w);
  fz_buf_append(w->b, "null", 4);
}

void fz_jt_str(fz_jtext *w, const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (!s || !fz_jt_utf8_ok(s, n)) {
    fz_jt_null(w);
    return;
  }
  before_value(w);
  fz_jt_string(w->b, s, n);
}

void fz_jt_text(fz_jtext *w, const char *s) {
  if (s && *s) fz_jt_str(w, s);
  else fz_jt_null(w);
}

void fz_jt_int(fz_jtext *w, long long v) {
  before_value(w);
  fz_jt_decimal(w->b, v);
}

void fz_jt_bool(fz_jtext *w, int v) {
  before_value(w);
  if (v) fz_buf_append(w->b, "true", 4);
  else fz_buf_append(w->b, "false", 5);
}

void fz_jt_raw(fz_jtext *w, const char *json) {
  if (!json || !*json) {
    fz_jt_null(w);
    return;
  }
  before_value(w);
  fz_buf_puts(w->b, json);
}

static int dump_part(const char *p, size_t n, void *b) {
  return fz_buf_append(b, p, n) == 0 ? 0 : -1;
}

void fz_jt_json(fz_jtext *w, const json_t *v) {
  if (!v) {
    fz_jt_null(w);
    return;
  }
  before_value(w);
  json_dump_callback(v, dump_part, w->b, JSON_COMPACT | JSON_ENCODE_ANY);
}
