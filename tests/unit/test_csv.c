/* test_csv.c — the streaming CSV reader: RFC 4180 records, line endings and
 * line numbers, encoding detection (BOM, UTF-8, GB18030 converted as it
 * streams, UTF-16 refused), every error with the line it names, the limits,
 * read failures, and the same results however the input is chunked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "registry/csv.h"
#include "test.h"

/* ---- helpers ---- */

/* A source handing out at most step bytes per read, and failing with
 * FZ_CSV_READ_ERROR once fail_at bytes are out (if fail_at is non-zero). */
typedef struct src {
  const char *data;
  size_t len, pos, step, fail_at;
} src;

static size_t read_src(void *ctx, char *buf, size_t size) {
  src *s = ctx;
  if (s->fail_at && s->pos >= s->fail_at) return FZ_CSV_READ_ERROR;
  size_t k = s->len - s->pos;
  if (k > s->step) k = s->step;
  if (k > size) k = size;
  if (s->fail_at && k > s->fail_at - s->pos) k = s->fail_at - s->pos;
  memcpy(buf, s->data + s->pos, k);
  s->pos += k;
  return k;
}

static fz_error last_err; /* the error of the last parse(), if any */
static long last_line;    /* fz_csv_line after the last parse() */
static long line_base;    /* lines of padding before the input (see parse) */

/* Reads everything from c into t: the encoding, then "LINE:f|f|f" for each
 * record (CR and LF shown as \r and \n), then "$" at the end or "!name@LINE"
 * on an error, LINE being the one its message names.  Line numbers are
 * counted from line_base, and records in the padding before it are left
 * out.  Checks that every field is a C string of its length. */
static void transcribe(fz_csv *c, fz_buf *t) {
  fz_buf_printf(t, "[%s]", fz_csv_encoding(c));
  const fz_csv_field *f;
  size_t n;
  fz_error err;
  fz_err rc;
  while ((rc = fz_csv_next(c, &f, &n, &err)) == FZ_OK) {
    CHECK(n >= 1);
    for (size_t i = 0; i < n; i++) {
      CHECK(f[i].s[f[i].len] == '\0');
      CHECK(strlen(f[i].s) == f[i].len);
    }
    long line = fz_csv_line(c) - line_base;
    if (line <= 0) continue;
    fz_buf_printf(t, "%ld:", line);
    for (size_t i = 0; i < n; i++) {
      if (i) fz_buf_puts(t, "|");
      for (size_t k = 0; k < f[i].len; k++) {
        char ch = f[i].s[k];
        if (ch == '\r') fz_buf_puts(t, "\\r");
        else if (ch == '\n') fz_buf_puts(t, "\\n");
        else fz_buf_append(t, &ch, 1);
      }
    }
    fz_buf_puts(t, "\n");
  }
  CHECK(f == NULL && n == 0);
  CHECK_INT(err.code, rc);
  if (rc == FZ_NODATA) {
    fz_buf_puts(t, "$");
  } else {
    static const char mark[] = "第 ";
    long at = 0;
    if (strncmp(err.message, mark, strlen(mark)) == 0)
      at = strtol(err.message + strlen(mark), NULL, 10) - line_base;
    fz_buf_printf(t, "!%s@%ld", fz_err_name(rc), at);
  }
  last_err = err;
  last_line = fz_csv_line(c) - line_base;
  /* The end and errors stick. */
  fz_error again;
  CHECK_INT(fz_csv_next(c, &f, &n, &again), rc);
  CHECK_STR(again.message, err.message);
}

/* Parses len bytes at data with the memory reader and with readers of 1, 2,
 * 3, 7 and 4093 bytes at a time, checks that all give the same transcript,
 * and puts it in out. */
static void parse_steps(const char *data, size_t len, size_t max_field,
                        size_t max_fields, fz_buf *out) {
  static const size_t steps[] = {0, 1, 2, 3, 7, 4093};
  for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
    fz_buf t;
    fz_buf_init(&t, 0);
    fz_csv *c = NULL;
    fz_error err;
    src s = {data, len, 0, steps[i], 0};
    fz_err rc = steps[i] ? fz_csv_open(&c, read_src, &s, &err)
                         : fz_csv_open_mem(&c, data, len, &err);
    if (rc) {
      CHECK(c == NULL);
      fz_buf_printf(&t, "!open:%s", fz_err_name(rc));
      last_err = err;
    } else {
      fz_csv_set_limits(c, max_field, max_fields);
      transcribe(c, &t);
      CHECK(fz_csv_bytes_read(c) <= len);
      fz_csv_free(c);
    }
    CHECK_INT(t.err, FZ_OK);
    if (i == 0) {
      fz_buf_append(out, t.data, t.len);
    } else if (strcmp(t.data, out->data) != 0) {
      fprintf(stderr, "  step %zu gave\n%s\n  memory gave\n%s\n", steps[i],
              t.data, out->data);
      CHECK(0);
    }
    fz_buf_free(&t);
  }
}

/* The reader decides the encoding from the first 64 KiB, which it reads
 * whole however small the reads of its source; only past them do small
 * reads cut characters, CRLFs and "" in two.  So parse() reads every input
 * also after 64 KiB of blank lines (and, for GB18030, a first line that is
 * not UTF-8), and checks that it gives the same transcript. */
#define WINDOW 65536

/* Returns the transcript (see transcribe) of len bytes at data, read as
 * parse_steps does, alone and after padding; valid until the next call.
 * Limits of 0 are defaults.  last_err and last_line are those of the input
 * read alone. */
static const char *parse_limits(const char *data, size_t len,
                                size_t max_field, size_t max_fields) {
  static fz_buf plain;
  fz_buf_free(&plain);
  fz_buf_init(&plain, 0);
  parse_steps(data, len, max_field, max_fields, &plain);
  fz_error err = last_err;
  long line = last_line;

  static const char bom[] = "\xEF\xBB\xBF", gb[] = "\xc9\xf2\n"; /* 沈 */
  const char *head = NULL;
  size_t skip = 0;
  if (strncmp(plain.data, "[UTF-8]", 7) == 0) {
    head = "";
  } else if (strncmp(plain.data, "[UTF-8 (BOM)]", 13) == 0) {
    head = bom;
    skip = 3;
  } else if (strncmp(plain.data, "[GB18030]", 9) == 0) {
    head = gb;
    line_base = 1;
  }
  if (head) {
    fz_buf padded, late;
    fz_buf_init(&padded, 0);
    fz_buf_init(&late, 0);
    fz_buf_puts(&padded, head);
    for (int i = 0; i < WINDOW; i++) fz_buf_puts(&padded, "\n");
    line_base += WINDOW;
    fz_buf_append(&padded, data + skip, len - skip);
    parse_steps(padded.data, padded.len, max_field, max_fields, &late);
    if (strcmp(late.data, plain.data) != 0) {
      fprintf(stderr, "  after 64 KiB it gave\n%s\n  alone it gave\n%s\n",
              late.data, plain.data);
      CHECK(0);
    }
    fz_buf_free(&padded);
    fz_buf_free(&late);
  }
  line_base = 0;
  last_err = err;
  last_line = line;
  return plain.data;
}

static const char *parse_n(const char *data, size_t len) {
  return parse_limits(data, len, 0, 0);
}

static const char *parse(const char *s) { return parse_n(s, strlen(s)); }

/* Appends lines "row,N\n" to b until it holds at least size bytes; returns
 * the number of lines. */
static long pad_lines(fz_buf *b, size_t size) {
  long lines = 0;
  while (b->len < size) fz_buf_printf(b, "row,%ld\n", ++lines);
  return lines;
}

/* ---- format ---- */

static void plain_records(void) {
  CHECK_STR(parse("a,b,c\n1,2,3\n"), "[UTF-8]1:a|b|c\n2:1|2|3\n$");
  CHECK_STR(parse(",a,,\nx\n"), "[UTF-8]1:|a||\n2:x\n$");
  CHECK_STR(parse(" a , b \n"), "[UTF-8]1: a | b \n$"); /* spaces are data */
  CHECK_STR(parse("名称,代码\n沈阳市,210100\n"),
            "[UTF-8]1:名称|代码\n2:沈阳市|210100\n$");
}

static void quoted_fields(void) {
  CHECK_STR(parse("\"a,b\",\"c\"\"d\",\"e\nf\"\n\"\"\nz\n"),
            "[UTF-8]1:a,b|c\"d|e\\nf\n3:\n4:z\n$");
  CHECK_STR(parse("\"\",\"\"\n"), "[UTF-8]1:|\n$");
  CHECK_STR(parse("\"a\"\"\"\"b\"\n"), "[UTF-8]1:a\"\"b\n$");
  CHECK_STR(parse("\"\"\"\"\n"), "[UTF-8]1:\"\n$");
  /* A quote inside an unquoted field is an ordinary character. */
  CHECK_STR(parse("ab\"c,5\" pipe\n"), "[UTF-8]1:ab\"c|5\" pipe\n$");
  /* Several line breaks in one field: the next record's line counts them. */
  CHECK_STR(parse("\"1\n2\n\n3\",x\ny\n"), "[UTF-8]1:1\\n2\\n\\n3|x\n5:y\n$");
  /* A quoted field may end the input. */
  CHECK_STR(parse("a,\"b\""), "[UTF-8]1:a|b\n$");
}

static void line_endings(void) {
  CHECK_STR(parse("a,b\r\nc,d\r\n"), "[UTF-8]1:a|b\n2:c|d\n$");
  /* CRLF inside quotes is kept, and is one line. */
  CHECK_STR(parse("\"x\r\ny\",z\r\nw\r\n"), "[UTF-8]1:x\\r\\ny|z\n3:w\n$");
  /* A lone CR ends a record too, and is a line. */
  CHECK_STR(parse("a,b\rc\r\rd"), "[UTF-8]1:a|b\n2:c\n4:d\n$");
  CHECK_STR(parse("\"p\rq\"\rr\r"), "[UTF-8]1:p\\rq\n3:r\n$");
  /* CR, data, LF inside quotes: two line ends, not one CRLF. */
  CHECK_STR(parse("\"p\rq\nr\",x\ns\n"), "[UTF-8]1:p\\rq\\nr|x\n4:s\n$");
  /* LF CR is two line ends, so a blank line between. */
  CHECK_STR(parse("a\n\rb\n"), "[UTF-8]1:a\n3:b\n$");
  CHECK_STR(parse("\"a\"\r\n\"b\"\r"), "[UTF-8]1:a\n2:b\n$");
}

static void last_record_without_newline(void) {
  CHECK_STR(parse("a,b\nc,d"), "[UTF-8]1:a|b\n2:c|d\n$");
  CHECK_STR(parse("a,b\nc,"), "[UTF-8]1:a|b\n2:c|\n$");
  CHECK_STR(parse("a\n\"q\""), "[UTF-8]1:a\n2:q\n$");
  CHECK_STR(parse("x"), "[UTF-8]1:x\n$");
  CHECK_STR(parse(","), "[UTF-8]1:|\n$");
}

static void blank_lines_and_numbering(void) {
  CHECK_STR(parse("\n\na\n\r\n\nb\n\n"), "[UTF-8]3:a\n6:b\n$");
  CHECK_STR(parse("\r\n\r\nh1,h2\r\n\r\nv1,v2\r\n"),
            "[UTF-8]3:h1|h2\n5:v1|v2\n$");
  /* A line holding "" is a record of one empty field, not a blank line. */
  CHECK_STR(parse("a\n\"\"\nb\n"), "[UTF-8]1:a\n2:\n3:b\n$");
}

static void empty_and_header_only(void) {
  CHECK_STR(parse(""), "[UTF-8]$");
  CHECK_INT(last_line, 0);
  CHECK_STR(parse("\n\r\n\r\n"), "[UTF-8]$");
  CHECK_STR(parse("名称,统一社会信用代码\n"),
            "[UTF-8]1:名称|统一社会信用代码\n$");
  CHECK_INT(last_line, 1);
  CHECK_STR(parse("名称,统一社会信用代码"),
            "[UTF-8]1:名称|统一社会信用代码\n$");

  fz_csv *c = NULL;
  const fz_csv_field *f = NULL;
  size_t n = 1;
  fz_error err;
  CHECK_INT(fz_csv_open_mem(&c, NULL, 0, &err), FZ_OK);
  CHECK_INT(fz_csv_next(c, &f, &n, &err), FZ_NODATA);
  CHECK(f == NULL && n == 0);
  CHECK_INT(fz_csv_next(c, &f, &n, NULL), FZ_NODATA);
  CHECK_INT(fz_csv_bytes_read(c), 0);
  fz_csv_free(c);
  fz_csv_free(NULL);
}

/* ---- encodings ---- */

static void utf8_bom(void) {
  CHECK_STR(parse("\xEF\xBB\xBFid,名称\n1,沈阳市\n"),
            "[UTF-8 (BOM)]1:id|名称\n2:1|沈阳市\n$");
  CHECK_STR(parse("\xEF\xBB\xBF\"a\"\n"), "[UTF-8 (BOM)]1:a\n$");
  CHECK_STR(parse("\xEF\xBB\xBF"), "[UTF-8 (BOM)]$");
  /* Only the first BOM is one; a second is the data U+FEFF. */
  CHECK_STR(parse("\xEF\xBB\xBF\xEF\xBB\xBFx\n"),
            "[UTF-8 (BOM)]1:\xEF\xBB\xBFx\n$");
  /* After a BOM the file is UTF-8 whatever follows. */
  CHECK_STR(parse("\xEF\xBB\xBF" "a\n\xc9\xf2\n"),
            "[UTF-8 (BOM)]1:a\n!parse_error@2");
  CHECK_CONTAINS(last_err.message, "第 2 行");
}

static void gb18030(void) {
  /* 沈阳市 in GBK, as Excel saves it on Chinese Windows. */
  CHECK_STR(parse("\xc9\xf2\xd1\xf4\xca\xd0,x\n"), "[GB18030]1:沈阳市|x\n$");
  /* Four-byte sequences: U+20000 𠀀 (outside the BMP) and U+00A5 ¥. */
  CHECK_STR(parse("\xc9\xf2\xd1\xf4,\x95\x32\x82\x36,\x81\x30\x84\x36\n"),
            "[GB18030]1:沈阳|\xF0\xA0\x80\x80|\xC2\xA5\n$");
  /* Quotes, separators and line ends around converted text. */
  CHECK_STR(parse("\"\xc9\xf2,\x95\x32\x82\x36\"\r\n\r\n\"a\"\"\xd1\xf4\"\r\n"),
            "[GB18030]1:沈,\xF0\xA0\x80\x80\n3:a\"阳\n$");
  /* 联通 in GBK: the classic that a loose check takes for UTF-8. */
  CHECK_STR(parse("\xc1\xaa\xcd\xa8\n"), "[GB18030]1:联通\n$");
  /* No final newline after a multibyte character. */
  CHECK_STR(parse("a\n\xca\xd0"), "[GB18030]1:a\n2:市\n$");
}

/* parse() reads every input a byte at a time past the first 64 KiB; here
 * the characters straddle the end of the reader's own 64 KiB buffer, in
 * reads from memory. */
static void gb18030_split_across_chunks(void) {
  for (size_t at = 65530; at <= 65540; at++) {
    for (int four = 0; four <= 1; four++) {
      fz_buf b, want;
      fz_buf_init(&b, 0);
      fz_buf_init(&want, 0);
      fz_buf_puts(&b, "\xc9\xf2\n"); /* not UTF-8: detected as GB18030 */
      fz_buf_puts(&want, "[GB18030]1:沈\n");
      long line = 1;
      while (b.len + 4 < at) {
        fz_buf_puts(&b, "x\n");
        line++;
        fz_buf_printf(&want, "%ld:x\n", line);
      }
      size_t ys = 0;
      for (; b.len < at; ys++) fz_buf_puts(&b, "y");
      fz_buf_puts(&b, four ? "\x95\x32\x82\x36" : "\xca\xd0");
      fz_buf_puts(&b, ",z\n");
      fz_buf_printf(&want, "%ld:", line + 1);
      for (size_t i = 0; i < ys; i++) fz_buf_puts(&want, "y");
      fz_buf_puts(&want, four ? "\xF0\xA0\x80\x80|z\n$" : "市|z\n$");
      CHECK_STR(parse_n(b.data, b.len), want.data);
      fz_buf_free(&b);
      fz_buf_free(&want);
    }
  }
}

static void gb18030_errors(void) {
  /* 0x80 and 0xFF are not GB18030; the error names the line. */
  CHECK_STR(parse("\xc9\xf2\nok\n\x80,x\n"),
            "[GB18030]1:沈\n2:ok\n!parse_error@3");
  CHECK_CONTAINS(last_err.message, "第 3 行：不是有效的 GB18030 文本");
  CHECK_INT(last_line, 3);
  CHECK_STR(parse("\xc9\xf2\n\"a\nb\xff\"\n"), "[GB18030]1:沈\n!parse_error@3");
  CHECK_CONTAINS(last_err.message, "第 3 行");
  /* A lead byte then a byte that cannot follow it. */
  CHECK_STR(parse("\xc9\xf2\n\xc9\x20\n"), "[GB18030]1:沈\n!parse_error@2");
  CHECK_CONTAINS(last_err.message, "第 2 行");
  /* Cut short by the end of the file: two and four-byte sequences. */
  CHECK_STR(parse("\xc9\xf2\n\xc9"), "[GB18030]1:沈\n!parse_error@2");
  CHECK_CONTAINS(last_err.message, "第 2 行：文件末尾的 GB18030 字符不完整");
  CHECK_STR(parse("\xc9\xf2\n\x81\x30\x81"), "[GB18030]1:沈\n!parse_error@2");
  CHECK_CONTAINS(last_err.message, "incomplete GB18030");
}

static void utf8_checked_after_detection(void) {
  /* The first 64 KiB are ASCII, so the file is taken for UTF-8; GBK text
   * further down is then an error that says where. */
  fz_buf b;
  fz_buf_init(&b, 0);
  long lines = pad_lines(&b, 70000);
  fz_buf_puts(&b, "bad,\xc9\xf2\xd1\xf4\n");
  const char *t = parse_n(b.data, b.len);
  CHECK(strncmp(t, "[UTF-8]1:row|1\n", 15) == 0);
  CHECK(strstr(t, "!parse_error") != NULL);
  char want[64];
  snprintf(want, sizeof want, "%ld:row|%ld\n!parse_error", lines, lines);
  CHECK_CONTAINS(t, want);
  snprintf(want, sizeof want, "第 %ld 行：不是有效的 UTF-8", lines + 1);
  CHECK_CONTAINS(last_err.message, want);
  CHECK_CONTAINS(last_err.message, "invalid UTF-8");
  CHECK_INT(last_line, lines + 1);

  /* Overlong forms, surrogates and stray continuation bytes are not UTF-8
   * either, nor is a character cut by the end of the file. */
  static const char *const bad[] = {"\xC0\xAF", "\xED\xA0\x80", "\x80",
                                    "\xF4\x90\x80\x80", "\xE6\xB2"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    b.len = 0;
    lines = pad_lines(&b, 66000);
    fz_buf_printf(&b, "\"q\n%s\"", bad[i]);
    parse_n(b.data, b.len);
    CHECK_INT(last_err.code, FZ_PARSE);
    snprintf(want, sizeof want, "第 %ld 行", lines + 2);
    CHECK_CONTAINS(last_err.message, want);
  }

  /* A valid character across the reader's 64 KiB buffer is fine. */
  for (size_t at = 65533; at <= 65536; at++) {
    b.len = 0;
    while (b.len + 100 < at) fz_buf_printf(&b, "%099d\n", 0);
    while (b.len < at) fz_buf_puts(&b, "a");
    fz_buf_puts(&b, "沈𠀀\n");
    t = parse_n(b.data, b.len);
    CHECK(strstr(t, "沈𠀀\n$") != NULL);
  }
  fz_buf_free(&b);
}

static void utf16_refused(void) {
  static const char le[] = "\xFF\xFE" "a\0,\0b\0\n\0";
  static const char be[] = "\xFE\xFF" "\0a\0,\0b\0\n";
  CHECK_STR(parse_n(le, sizeof le - 1), "!open:unsupported");
  CHECK_CONTAINS(last_err.message,
                 "UTF-16 文件不受支持，请另存为 UTF-8 或 GB18030 CSV");
  CHECK_STR(parse_n(be, sizeof be - 1), "!open:unsupported");
  CHECK_STR(parse_n("\xFF\xFE", 2), "!open:unsupported");
  /* Without a BOM it shows as NUL bytes, refused with a hint. */
  CHECK_STR(parse_n(le + 2, sizeof le - 3), "[UTF-8]!parse_error@1");
  CHECK_CONTAINS(last_err.message, "第 1 行：含有 NUL 字节");
  CHECK_STR(parse_n("a\n\"b\0\"", 6), "[UTF-8]1:a\n!parse_error@2");
  CHECK_CONTAINS(last_err.message, "UTF-16");
}

/* ---- errors ---- */

static void unterminated_quote(void) {
  CHECK_STR(parse("a,b\nc,\"d\ne\n"), "[UTF-8]1:a|b\n!parse_error@2");
  CHECK_STR(last_err.message,
            "第 2 行：引号未闭合 (line 2: unterminated quoted field)");
  CHECK_STR(last_err.field, "csv");
  CHECK_INT(last_line, 2);
  CHECK_STR(parse("a,\n\n\"x\ny\nz"), "[UTF-8]1:a|\n!parse_error@3");
  CHECK_CONTAINS(last_err.message, "第 3 行：引号未闭合");
  CHECK_INT(last_line, 3);
  /* The line of the quote, not of the record. */
  CHECK_STR(parse("h\n\"p\nq\",\"x\ny"), "[UTF-8]1:h\n!parse_error@3");
  CHECK_CONTAINS(last_err.message, "第 3 行：引号未闭合");
  CHECK_INT(last_line, 2);
  CHECK_STR(parse("\""), "[UTF-8]!parse_error@1");
  CHECK_CONTAINS(last_err.message, "第 1 行");
  /* A doubled quote at the end does not close the field. */
  CHECK_STR(parse("\"abc\"\""), "[UTF-8]!parse_error@1");
}

static void junk_after_closing_quote(void) {
  CHECK_STR(parse("x\n\"a\"b,c\n"), "[UTF-8]1:x\n!parse_error@2");
  CHECK_STR(last_err.message,
            "第 2 行：第 1 个字段的闭合引号后有多余的字符 (line 2: "
            "unexpected character after the closing quote of field 1)");
  CHECK_STR(parse("a,\"b\" ,c\n"), "[UTF-8]!parse_error@1");
  CHECK_CONTAINS(last_err.message, "field 2");
  CHECK_STR(parse("\"a\nb\"\"\"c\n"), "[UTF-8]!parse_error@2");
  CHECK_CONTAINS(last_err.message, "第 2 行");
}

static void field_too_long(void) {
  size_t max = FZ_CSV_MAX_FIELD_DEFAULT;
  char *s = malloc(max + 16);
  CHECK(s != NULL);
  if (!s) return;
  memset(s, 'x', max + 1);
  memcpy(s + max, "\n", 2);
  const char *t = parse_n(s, max + 1);
  CHECK_INT(strlen(t), strlen("[UTF-8]1:\n$") + max);
  /* One byte more, unquoted and quoted. */
  memcpy(s + max, "x\n", 3);
  CHECK_STR(parse_n(s, max + 2), "[UTF-8]!too_large@1");
  CHECK_STR(last_err.message, "第 1 行：第 1 个字段超过 65536 字节 "
                              "(line 1: field 1 is longer than 65536 bytes)");
  s[0] = '"';
  memcpy(s + max + 1, "x\"\n", 4);
  CHECK_STR(parse_n(s, max + 4), "[UTF-8]!too_large@1");
  CHECK_CONTAINS(last_err.message, "是否有引号未闭合");
  free(s);

  /* Small limits: the field is counted after "" becomes one quote. */
  CHECK_STR(parse_limits("abcd,\"ab\"\"c\"\n", 13, 4, 0),
            "[UTF-8]1:abcd|ab\"c\n$");
  CHECK_STR(parse_limits("a\nabcde\n", 8, 4, 0), "[UTF-8]1:a\n!too_large@2");
  CHECK_CONTAINS(last_err.message, "第 2 行：第 1 个字段超过 4 字节");
  CHECK_STR(parse_limits("x,\"ab\"\"cd\"\n", 11, 4, 0), "[UTF-8]!too_large@1");
  CHECK_CONTAINS(last_err.message, "第 2 个字段");
  CHECK_STR(parse_limits("\"ab\r\ncd\"\n", 9, 4, 0), "[UTF-8]!too_large@1");
  /* An unquoted field at the limit at the end of the input. */
  CHECK_STR(parse_limits("abcd", 4, 4, 0), "[UTF-8]1:abcd\n$");
  /* GB18030 text is measured in UTF-8: 沈阳 is 4 bytes in GBK, 6 in UTF-8. */
  CHECK_STR(parse_limits("\xc9\xf2\xd1\xf4\n", 5, 5, 0), "[GB18030]!too_large@1");
  CHECK_STR(parse_limits("\xc9\xf2\xd1\xf4\n", 5, 6, 0), "[GB18030]1:沈阳\n$");

  /* A quote left open in a big file shows as a field too long, at the
   * quote's line. */
  fz_buf b;
  fz_buf_init(&b, 0);
  fz_buf_puts(&b, "h\n\"open\n");
  pad_lines(&b, 200000);
  parse_n(b.data, b.len);
  CHECK_INT(last_err.code, FZ_TOOBIG);
  CHECK_CONTAINS(last_err.message,
                 "第 2 行：第 1 个字段超过 65536 字节，是否有引号未闭合");
  fz_buf_free(&b);
}

static void too_many_fields(void) {
  fz_buf b;
  fz_buf_init(&b, 0);
  fz_buf_puts(&b, "h\n");
  for (int i = 0; i < 255; i++) fz_buf_puts(&b, "f,");
  fz_buf_puts(&b, "f\n");
  const char *t = parse_n(b.data, b.len);
  CHECK_INT(strlen(t), strlen("[UTF-8]1:h\n2:\n$") + 256 * 2 - 1);
  b.len -= 1;
  fz_buf_puts(&b, ",\n");
  CHECK_STR(parse_n(b.data, b.len), "[UTF-8]1:h\n!too_large@2");
  CHECK_STR(last_err.message, "第 2 行：一条记录超过 256 个字段 "
                              "(line 2: more than 256 fields in a record)");
  fz_buf_free(&b);

  CHECK_STR(parse_limits("a,b,c\n", 6, 0, 3), "[UTF-8]1:a|b|c\n$");
  CHECK_STR(parse_limits("a,b,c,\n", 7, 0, 3), "[UTF-8]!too_large@1");
  CHECK_STR(parse_limits("\"a\",\"b\",\"c\",\"d\"\n", 16, 0, 3),
            "[UTF-8]!too_large@1");
  CHECK_STR(parse_limits("x\n\ny\n", 5, 0, 1), "[UTF-8]1:x\n3:y\n$");
  CHECK_STR(parse_limits("x,\n", 3, 0, 1), "[UTF-8]!too_large@1");
}

static void nul_bytes_refused(void) {
  CHECK_STR(parse_n("a,\0b\n", 5), "[UTF-8]!parse_error@1");
  CHECK_STR(parse_n("\"a\"\0\n", 5), "[UTF-8]!parse_error@1");
  CHECK_CONTAINS(last_err.message, "NUL");
  CHECK_STR(parse_n("\xc9\xf2\n\0", 4), "[GB18030]1:沈\n!parse_error@2");
  CHECK_CONTAINS(last_err.message, "第 2 行");
}

/* ---- sources ---- */

static void read_errors(void) {
  fz_buf b;
  fz_buf_init(&b, 0);
  pad_lines(&b, 200000);
  fz_csv *c = NULL;
  fz_error err;

  /* Failing while the encoding is detected fails the open. */
  src s = {b.data, b.len, 0, 1000, 5000};
  CHECK_INT(fz_csv_open(&c, read_src, &s, &err), FZ_IO);
  CHECK(c == NULL);
  CHECK_CONTAINS(err.message, "读取 CSV 失败");

  /* Failing later ends the records with FZ_IO, which sticks. */
  src s2 = {b.data, b.len, 0, 4096, 100000};
  CHECK_INT(fz_csv_open(&c, read_src, &s2, &err), FZ_OK);
  const fz_csv_field *f;
  size_t n;
  fz_err rc;
  long records = 0;
  while ((rc = fz_csv_next(c, &f, &n, &err)) == FZ_OK) records++;
  CHECK_INT(rc, FZ_IO);
  CHECK_CONTAINS(err.message, "读取 CSV 失败 (read error near line");
  CHECK(records > 1000 && records < 100000 / 8);
  CHECK_INT(fz_csv_bytes_read(c), 100000);
  CHECK_INT(fz_csv_next(c, &f, &n, &err), FZ_IO);
  fz_csv_free(c);
  fz_buf_free(&b);
}

static void file_source_and_progress(void) {
  FILE *f = tmpfile();
  CHECK(f != NULL);
  if (!f) return;
  fputs("\xc3\xfb\xb3\xc6,\xb4\xfa\xc2\xeb\r\n", f); /* 名称,代码 */
  for (int i = 0; i < 20000; i++)
    fprintf(f, "\xc9\xf2\xd1\xf4\xca\xd0%d,\"21%04d\"\r\n", i, i);
  long size = ftell(f);
  rewind(f);

  fz_csv *c = NULL;
  fz_error err;
  CHECK_INT(fz_csv_open_file(&c, f, &err), FZ_OK);
  if (!c) return;
  CHECK_STR(fz_csv_encoding(c), "GB18030");
  CHECK_INT(fz_csv_bytes_read(c), 65536);
  const fz_csv_field *fl;
  size_t n;
  fz_err rc;
  long records = 0;
  unsigned long long last = 0;
  while ((rc = fz_csv_next(c, &fl, &n, &err)) == FZ_OK) {
    CHECK_INT(n, 2);
    CHECK_INT(fz_csv_line(c), records + 1);
    if (records == 0) {
      CHECK_STR(fl[0].s, "名称");
      CHECK_STR(fl[1].s, "代码");
    } else if (records == 12345) {
      CHECK_STR(fl[0].s, "沈阳市12344");
      CHECK_STR(fl[1].s, "2112344");
    }
    CHECK(fz_csv_bytes_read(c) >= last);
    last = fz_csv_bytes_read(c);
    records++;
  }
  CHECK_INT(rc, FZ_NODATA);
  CHECK_INT(records, 20001);
  CHECK_INT(fz_csv_bytes_read(c), size);
  fz_csv_free(c);
  fclose(f);
}

/* A long input made on the fly: records of every shape cross many buffer
 * boundaries, and the reader's memory does not grow with the input. */
typedef struct gen {
  long rows, next;
  char pending[256];
  size_t plen, ppos;
} gen;

static size_t gen_row(long i, char *out, size_t cap) {
  int k;
  if (i % 7 == 3)
    k = snprintf(out, cap, "%ld,\"多行\r\n字段 %ld\",\"逗号,引号\"\"\"\r\n", i,
                 i);
  else if (i % 11 == 5)
    k = snprintf(out, cap, "%ld,,\n\n", i);
  else
    k = snprintf(out, cap, "%ld,沈阳市和平区,91210102MA0XXXXX%02ld\r\n", i,
                 i % 100);
  return (size_t)k;
}

static size_t read_gen(void *ctx, char *buf, size_t size) {
  gen *g = ctx;
  size_t put = 0, lim = size < 4093 ? size : 4093; /* odd reads */
  while (put < lim) {
    if (g->ppos == g->plen) {
      if (g->next == g->rows) break;
      g->plen = gen_row(g->next++, g->pending, sizeof g->pending);
      g->ppos = 0;
    }
    size_t k = g->plen - g->ppos;
    if (k > lim - put) k = lim - put;
    memcpy(buf + put, g->pending + g->ppos, k);
    g->ppos += k;
    put += k;
  }
  return put;
}

static void long_stream(void) {
  gen g = {300000, 0, {0}, 0, 0};
  fz_csv *c = NULL;
  fz_error err;
  CHECK_INT(fz_csv_open(&c, read_gen, &g, &err), FZ_OK);
  if (!c) return;
  CHECK_STR(fz_csv_encoding(c), "UTF-8");
  const fz_csv_field *f;
  size_t n;
  fz_err rc;
  long i = 0, line = 1, bad = 0;
  char want[128];
  while ((rc = fz_csv_next(c, &f, &n, &err)) == FZ_OK) {
    if (fz_csv_line(c) != line) bad++;
    snprintf(want, sizeof want, "%ld", i);
    if (strcmp(f[0].s, want) != 0) bad++;
    if (i % 7 == 3) {
      snprintf(want, sizeof want, "多行\r\n字段 %ld", i);
      if (n != 3 || strcmp(f[1].s, want) != 0 ||
          strcmp(f[2].s, "逗号,引号\"") != 0)
        bad++;
      line += 2;
    } else if (i % 11 == 5) {
      if (n != 3 || f[1].len != 0 || f[2].len != 0) bad++;
      line += 2;
    } else {
      if (n != 3 || strcmp(f[1].s, "沈阳市和平区") != 0) bad++;
      line += 1;
    }
    i++;
  }
  CHECK_INT(rc, FZ_NODATA);
  CHECK_INT(i, 300000);
  CHECK_INT(bad, 0);
  fz_csv_free(c);
}

int main(void) {
  RUN(plain_records);
  RUN(quoted_fields);
  RUN(line_endings);
  RUN(last_record_without_newline);
  RUN(blank_lines_and_numbering);
  RUN(empty_and_header_only);
  RUN(utf8_bom);
  RUN(gb18030);
  RUN(gb18030_split_across_chunks);
  RUN(gb18030_errors);
  RUN(utf8_checked_after_detection);
  RUN(utf16_refused);
  RUN(unterminated_quote);
  RUN(junk_after_closing_quote);
  RUN(field_too_long);
  RUN(too_many_fields);
  RUN(nul_bytes_refused);
  RUN(read_errors);
  RUN(file_source_and_progress);
  RUN(long_stream);
  return TEST_END();
}
