/* test_table.c — the table writer: CSV byte for byte (BOM, RFC 4180
 * quoting, the formula guard, NULL cells, Chinese text, a cell larger than
 * the buffer, write errors), and XLSX read back through a small unzip
 * (cells as inline strings, bold frozen header, widths, the rollover to a
 * new sheet that repeats the header, removal of a file that failed). */
#include "registry/table.h"
#include "test.h"
#include "testdir.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>


/* ---- CSV --------------------------------------------------------------- */

/* Writes header and rows (each of ncols cells) as CSV into a malloc'd
 * string; returns fz_table_close's code. */
static fz_err csv_of(const char *const *header, const char *const *rows,
                     size_t nrows, size_t ncols, char **out, size_t *len,
                     fz_error *err) {
  FILE *f = open_memstream(out, len);
  fz_table *t;
  fz_err rc = fz_table_open_csv(&t, f, err);
  if (rc) {
    fclose(f);
    return rc;
  }
  fz_table_header(t, header, ncols, err);
  for (size_t i = 0; i < nrows; i++) fz_table_row(t, rows + i * ncols, ncols, err);
  rc = fz_table_close(t, err);
  fclose(f);
  return rc;
}

static void test_csv_bytes(void) {
  const char *header[] = {"编号", "名称", "备注"};
  const char *rows[] = {
      "1",      "a,b",          "say \"hi\"",     /* comma, quotes */
      "2",      NULL,           "line1\nline2",   /* NULL, LF */
      "3",      " lead",        "trail ",         /* spaces at the ends */
      "=1+2",   "-5",           "@SUM(A1)",       /* formulas */
      "+86 10", "\tx",          "中文,\"引号\"",  /* tab, Chinese */
      "",       "x\r\ny",       "'quoted",        /* empty, CRLF, quote */
      "a b",    "=HYPERLINK(\"http://x\",\"y\")", "91350100M000100Y43",
      "0012345", "1.5E+3",      "\"",
  };
  char *s = NULL;
  size_t len = 0;
  fz_error e = {0};
  CHECK_INT(csv_of(header, rows, 8, 3, &s, &len, &e), FZ_OK);
  const char *want =
      "\xEF\xBB\xBF"
      "编号,名称,备注\r\n"
      "1,\"a,b\",\"say \"\"hi\"\"\"\r\n"
      "2,,\"line1\nline2\"\r\n"
      "3,\" lead\",\"trail \"\r\n"
      "'=1+2,'-5,'@SUM(A1)\r\n"
      "'+86 10,'\tx,\"中文,\"\"引号\"\"\"\r\n"
      ",\"x\r\ny\",'quoted\r\n"
      "a b,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",91350100M000100Y43\r\n"
      "0012345,1.5E+3,\"\"\"\"\r\n";
  CHECK_INT(len, strlen(want));
  CHECK_STR(s, want);
  free(s);
}

/* A CR at the start is both quoted (it holds CR) and guarded. */
static void test_csv_cr_start(void) {
  const char *header[] = {"a"};
  const char *rows[] = {"\rx", "-", "x-", " =1"};
  char *s = NULL;
  size_t len = 0;
  CHECK_INT(csv_of(header, rows, 4, 1, &s, &len, NULL), FZ_OK);
  CHECK_STR(s, "\xEF\xBB\xBF" "a\r\n\"'\rx\"\r\n'-\r\nx-\r\n\" =1\"\r\n");
  free(s);
}

/* An empty table is the BOM alone; a header alone is one record. */
static void test_csv_empty(void) {
  char *s = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&s, &len);
  fz_table *t;
  CHECK_INT(fz_table_open_csv(&t, f, NULL), FZ_OK);
  CHECK_INT(fz_table_close(t, NULL), FZ_OK);
  fclose(f);
  CHECK_INT(len, 3);
  CHECK(memcmp(s, "\xEF\xBB\xBF", 3) == 0);
  free(s);

  const char *header[] = {NULL, "b"};
  CHECK_INT(csv_of(header, NULL, 0, 2, &s, &len, NULL), FZ_OK);
  CHECK_STR(s, "\xEF\xBB\xBF,b\r\n");
  free(s);
}

/* Cells far larger than the 64 KiB buffer, with quotes to double. */
static void test_csv_big_cell(void) {
  size_t n = 200000;
  char *big = malloc(n + 1), *want = malloc(2 * n + 64);
  CHECK(big && want);
  if (!big || !want) {
    free(big);
    free(want);
    return;
  }
  for (size_t i = 0; i < n; i++) big[i] = i % 1000 == 7 ? '"' : 'a' + i % 26;
  big[n] = '\0';
  size_t w = 0;
  memcpy(want + w, "\xEF\xBB\xBFh\r\n\"", 7);
  w += 7;
  for (size_t i = 0; i < n; i++) {
    want[w++] = big[i];
    if (big[i] == '"') want[w++] = '"';
  }
  memcpy(want + w, "\"\r\n", 4);
  const char *header[] = {"h"};
  const char *rows[] = {big};
  char *s = NULL;
  size_t len = 0;
  CHECK_INT(csv_of(header, rows, 1, 1, &s, &len, NULL), FZ_OK);
  CHECK_INT(len, strlen(want));
  CHECK(s && strcmp(s, want) == 0);
  free(s);
  free(big);
  free(want);
}

static void test_csv_errors(void) {
  char *s = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&s, &len);
  fz_table *t;
  fz_error e = {0};
  const char *hdr[] = {"姓名", "身份证号"};
  const char *ok[] = {"张三", "11010519491231002X"};
  const char *bad[] = {"李四", "1101\xC0\xAF"};
  CHECK_INT(fz_table_open_csv(&t, f, &e), FZ_OK);
  CHECK_INT(fz_table_row(t, ok, 2, &e), FZ_CONFLICT); /* no header yet */
  fz_table_close(t, NULL);

  fz_table_open_csv(&t, f, &e);
  CHECK_INT(fz_table_header(t, hdr, 0, &e), FZ_RANGE);
  fz_table_close(t, NULL);

  fz_table_open_csv(&t, f, &e);
  CHECK_INT(fz_table_header(t, hdr, 2, &e), FZ_OK);
  CHECK_INT(fz_table_header(t, hdr, 2, &e), FZ_CONFLICT);
  fz_table_close(t, NULL);

  fz_table_open_csv(&t, f, &e);
  fz_table_header(t, hdr, 2, &e);
  CHECK_INT(fz_table_row(t, ok, 2, &e), FZ_OK);
  CHECK_INT(fz_table_row(t, ok, 1, &e), FZ_INVALID);
  CHECK_STR(e.field, "cells");
  CHECK_CONTAINS(e.message, "row 2 has 1 cells, the header 2");
  fz_table_close(t, NULL);

  fclose(f);
  free(s);

  /* Not UTF-8 (an overlong '/'): refused, naming the place; sticky. */
  f = open_memstream(&s, &len);
  fz_table_open_csv(&t, f, &e);
  fz_table_header(t, hdr, 2, &e);
  CHECK_INT(fz_table_row(t, ok, 2, &e), FZ_OK);
  CHECK_INT(fz_table_row(t, bad, 2, &e), FZ_INVALID);
  CHECK_STR(e.message, "第 2 行第 2 列（身份证号）不是有效的 UTF-8 文本 / row 2, "
                       "column 2 (身份证号) is not valid UTF-8 text");
  CHECK_INT(fz_table_rows(t), 1);
  fz_error e2 = {0};
  CHECK_INT(fz_table_row(t, ok, 2, &e2), FZ_INVALID); /* sticky */
  CHECK_STR(e2.message, e.message);
  CHECK_INT(fz_table_rows(t), 1);
  fz_error e3 = {0};
  CHECK_INT(fz_table_close(t, &e3), FZ_INVALID);
  CHECK_STR(e3.message, e.message);
  fclose(f);
  /* The rows accepted are written; the refused row left nothing behind. */
  CHECK_STR(s, "\xEF\xBB\xBF"
               "姓名,身份证号\r\n张三,11010519491231002X\r\n");
  free(s);

  /* Surrogates, bytes past U+10FFFF and truncated sequences too. */
  const char *bads[] = {"\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE4\xB8", "\xFF",
                        "\x80"};
  for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
    const char *cell[] = {bads[i]};
    CHECK_INT(csv_of(cell, NULL, 0, 1, &s, &len, &e), FZ_INVALID);
    CHECK_CONTAINS(e.message, "header column 1");
    free(s);
  }
  CHECK_INT(fz_table_close(NULL, NULL), FZ_OK);
}

/* A disk that is full: the error comes at the latest from close. */
static void test_csv_write_error(void) {
  FILE *f = fopen("/dev/full", "w");
  if (!f) return;
  fz_table *t;
  fz_error e = {0};
  const char *hdr[] = {"a", "b"};
  fz_table_open_csv(&t, f, &e);
  fz_table_header(t, hdr, 2, &e);
  for (int i = 0; i < 100000; i++) fz_table_row(t, hdr, 2, NULL);
  CHECK_INT(fz_table_close(t, &e), FZ_IO);
  CHECK_CONTAINS(e.message, "cannot write the CSV");
  fclose(f);
}

static void test_format_names(void) {
  fz_table_format f = 0;
  fz_error e = {0};
  CHECK_INT(fz_table_format_parse("csv", &f, &e), FZ_OK);
  CHECK_INT(f, FZ_TABLE_CSV);
  CHECK_INT(fz_table_format_parse("xlsx", &f, &e), FZ_OK);
  CHECK_INT(f, FZ_TABLE_XLSX);
  CHECK_INT(fz_table_format_parse("xls", &f, &e), FZ_INVALID);
  CHECK_STR(e.field, "format");
  CHECK_CONTAINS(e.message, "not \"xls\"");
  CHECK_INT(fz_table_format_parse(NULL, &f, &e), FZ_INVALID);
  CHECK_INT(fz_table_format_parse("\xFF", &f, &e), FZ_INVALID);
  CHECK_STR(fz_table_format_name(FZ_TABLE_CSV), "csv");
  CHECK_STR(fz_table_format_name(FZ_TABLE_XLSX), "xlsx");
  CHECK_STR(fz_table_format_mime(FZ_TABLE_CSV), "text/csv; charset=utf-8");
  CHECK_CONTAINS(fz_table_format_mime(FZ_TABLE_XLSX), "spreadsheetml.sheet");
}

/* ---- XLSX: a small unzip to read back what was written ---------------- */

typedef struct {
  unsigned char *data;
  size_t len;
} blob;

static blob read_all(const char *path) {
  blob b = {0};
  FILE *f = fopen(path, "rb");
  if (!f) return b;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  b.data = malloc(n > 0 ? (size_t)n : 1);
  if (b.data && n > 0 && fread(b.data, 1, (size_t)n, f) == (size_t)n)
    b.len = (size_t)n;
  fclose(f);
  return b;
}

static unsigned get16(const unsigned char *p) { return p[0] | p[1] << 8; }
static unsigned long get32(const unsigned char *p) {
  return p[0] | p[1] << 8 | (unsigned long)p[2] << 16 |
         (unsigned long)p[3] << 24;
}

/* The entry called name in zip z, inflated into a malloc'd NUL-terminated
 * string; NULL if absent or unreadable.  Follows the central directory,
 * which holds the true sizes. */
static char *unzip(const blob *z, const char *name) {
  if (z->len < 22) return NULL;
  size_t eocd = z->len - 22;
  while (eocd > 0 && memcmp(z->data + eocd, "PK\x05\x06", 4) != 0) eocd--;
  if (memcmp(z->data + eocd, "PK\x05\x06", 4) != 0) return NULL;
  unsigned count = get16(z->data + eocd + 10);
  size_t p = get32(z->data + eocd + 16);
  for (unsigned i = 0; i < count && p + 46 <= z->len; i++) {
    const unsigned char *c = z->data + p;
    if (memcmp(c, "PK\x01\x02", 4) != 0) return NULL;
    unsigned method = get16(c + 10), nlen = get16(c + 28);
    unsigned long csize = get32(c + 20), usize = get32(c + 24);
    size_t lho = get32(c + 42);
    if (nlen == strlen(name) && memcmp(c + 46, name, nlen) == 0) {
      const unsigned char *l = z->data + lho;
      size_t data = lho + 30 + get16(l + 26) + get16(l + 28);
      if (data + csize > z->len) return NULL;
      char *out = malloc(usize + 1);
      if (!out) return NULL;
      if (method == 0) {
        memcpy(out, z->data + data, usize);
      } else {
        z_stream s = {0};
        if (inflateInit2(&s, -MAX_WBITS) != Z_OK) {
          free(out);
          return NULL;
        }
        s.next_in = z->data + data;
        s.avail_in = (uInt)csize;
        s.next_out = (unsigned char *)out;
        s.avail_out = (uInt)usize;
        int r = inflate(&s, Z_FINISH);
        inflateEnd(&s);
        if (r != Z_STREAM_END || s.total_out != usize) {
          free(out);
          return NULL;
        }
      }
      out[usize] = '\0';
      return out;
    }
    p += 46 + nlen + get16(c + 30) + get16(c + 32);
  }
  return NULL;
}

/* How many times needle occurs in hay. */
static int count_of(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
    n++;
  return n;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static void test_xlsx_small(void) {
  char path[512];
  tmp_path(path, "small.xlsx");
  fz_table *t;
  fz_error e = {0};
  fz_table_xlsx_opts o = {.sheet_name = "处罚决定"};
  CHECK_INT(fz_table_open_xlsx(&t, path, &o, &e), FZ_OK);
  if (!t) return;
  const char *hdr[] = {"统一社会信用代码", "名称", "金额", "备注"};
  const char *r1[] = {"91350100M000100Y43", "某某有限公司", "0012345",
                      "=1+2"};
  const char *r2[] = {"121200004013590816", NULL, "1.5E+3",
                      "<b>&\"a\x01z\"</b>"};
  CHECK_INT(fz_table_header(t, hdr, 4, &e), FZ_OK);
  CHECK_INT(fz_table_row(t, r1, 4, &e), FZ_OK);
  CHECK_INT(fz_table_row(t, r2, 4, &e), FZ_OK);
  CHECK_INT(fz_table_rows(t), 2);
  CHECK_INT(fz_table_close(t, &e), FZ_OK);

  blob z = read_all(path);
  CHECK(z.len > 1000);
  CHECK(z.data && memcmp(z.data, "PK\x03\x04", 4) == 0);
  char *wb = unzip(&z, "xl/workbook.xml");
  char *sh = unzip(&z, "xl/worksheets/sheet1.xml");
  CHECK(wb && sh);
  CHECK(unzip(&z, "xl/worksheets/sheet2.xml") == NULL);
  CHECK_CONTAINS(wb, "<sheet name=\"处罚决定\"");
  /* Every cell a string, inline (constant-memory mode); no numbers, no
   * formulas. */
  CHECK_INT(count_of(sh, "t=\"inlineStr\""), 4 + 4 + 3);
  CHECK(!strstr(sh, "<f>") && !strstr(sh, "<v>"));
  CHECK_CONTAINS(sh, "<t>121200004013590816</t>");
  CHECK_CONTAINS(sh, "<t>0012345</t>");
  CHECK_CONTAINS(sh, "<t>=1+2</t>");
  CHECK_CONTAINS(sh, "<t>统一社会信用代码</t>");
  CHECK_CONTAINS(sh, "&lt;b&gt;&amp;\"a_x0001_z\"&lt;/b&gt;");
  /* The header in bold (style 1), frozen; widths fitted. */
  CHECK_CONTAINS(sh, "<c r=\"A1\" s=\"1\" t=\"inlineStr\">");
  CHECK_CONTAINS(sh, "<pane ySplit=\"1\" topLeftCell=\"A2\" "
                     "activePane=\"bottomLeft\" state=\"frozen\"/>");
  CHECK_CONTAINS(sh, "<col min=\"1\" max=\"1\" width=\"20.7109375\"");
  CHECK_CONTAINS(sh, "<col min=\"2\" max=\"2\" width=\"14.7109375\"");
  CHECK_CONTAINS(sh, "<col min=\"3\" max=\"3\" width=\"10.7109375\"");
  CHECK_CONTAINS(sh, "<ignoredErrors><ignoredError sqref=\"A1:XFD1048576\" "
                     "numberStoredAsText=\"1\"/></ignoredErrors>");
  char *st = unzip(&z, "xl/styles.xml");
  CHECK_CONTAINS(st, "<b/>");
  free(st);
  free(wb);
  free(sh);
  free(z.data);
  unlink(path);
}

/* Writes rows data rows of 2 cells to path with sheet_rows per sheet; the
 * cells of data row i are "r<i>" and "<i>". */
static fz_err xlsx_rows(const char *path, const char *name, size_t sheet_rows,
                        int rows, fz_error *e) {
  fz_table *t;
  fz_table_xlsx_opts o = {.sheet_name = name, .sheet_rows = sheet_rows};
  fz_err rc = fz_table_open_xlsx(&t, path, &o, e);
  if (rc) return rc;
  const char *hdr[] = {"行", "n"};
  fz_table_header(t, hdr, 2, e);
  for (int i = 1; i <= rows; i++) {
    char a[16], b[16];
    snprintf(a, sizeof a, "r%d", i);
    snprintf(b, sizeof b, "%d", i);
    const char *cells[] = {a, b};
    fz_table_row(t, cells, 2, e);
  }
  return fz_table_close(t, e);
}

/* A sheet of 3 rows holds the header and 2 data rows; 5 rows need 3
 * sheets, and 4 rows exactly 2 (no empty third sheet). */
static void test_xlsx_rollover(void) {
  char path[512];
  fz_error e = {0};
  CHECK_INT(xlsx_rows(tmp_path(path, "roll.xlsx"), NULL, 3, 5, &e), FZ_OK);
  blob z = read_all(path);
  char *wb = unzip(&z, "xl/workbook.xml");
  char *s1 = unzip(&z, "xl/worksheets/sheet1.xml");
  char *s2 = unzip(&z, "xl/worksheets/sheet2.xml");
  char *s3 = unzip(&z, "xl/worksheets/sheet3.xml");
  CHECK(wb && s1 && s2 && s3);
  CHECK(unzip(&z, "xl/worksheets/sheet4.xml") == NULL);
  CHECK_CONTAINS(wb, "<sheet name=\"Sheet1\"");
  CHECK_CONTAINS(wb, "<sheet name=\"Sheet2\"");
  CHECK_CONTAINS(wb, "<sheet name=\"Sheet3\"");
  /* Each sheet starts with the header, bold and frozen. */
  const char *sheets[] = {s1, s2, s3};
  for (int i = 0; i < 3; i++) {
    CHECK_CONTAINS(sheets[i], "<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>行</t>");
    CHECK_CONTAINS(sheets[i], "state=\"frozen\"");
    CHECK_CONTAINS(sheets[i], "<col min=\"1\" max=\"1\"");
  }
  CHECK_CONTAINS(s1, "<c r=\"A3\" t=\"inlineStr\"><is><t>r2</t>");
  CHECK(!strstr(s1, "<t>r3</t>") && !strstr(s1, "r=\"A4\""));
  CHECK_CONTAINS(s2, "<c r=\"A2\" t=\"inlineStr\"><is><t>r3</t>");
  CHECK_CONTAINS(s2, "<c r=\"B3\" t=\"inlineStr\"><is><t>4</t>");
  CHECK_CONTAINS(s3, "<c r=\"A2\" t=\"inlineStr\"><is><t>r5</t>");
  CHECK(!strstr(s3, "r=\"A3\""));
  free(wb);
  free(s1);
  free(s2);
  free(s3);
  free(z.data);

  CHECK_INT(xlsx_rows(path, NULL, 3, 4, &e), FZ_OK);
  z = read_all(path);
  s2 = unzip(&z, "xl/worksheets/sheet2.xml");
  CHECK(s2 && unzip(&z, "xl/worksheets/sheet3.xml") == NULL);
  CHECK_CONTAINS(s2, "<t>r4</t>");
  free(s2);
  free(z.data);

  /* A chosen name gets " (2)"…, shortened to 31 characters. */
  const char *longname = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一";
  CHECK_INT(xlsx_rows(path, longname, 2, 11, &e), FZ_OK);
  z = read_all(path);
  wb = unzip(&z, "xl/workbook.xml");
  CHECK_CONTAINS(wb, "<sheet name=\"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一\"");
  CHECK_CONTAINS(wb, "<sheet name=\"一二三四五六七八九十一二三四五六七八九十一二三四五六七 (2)\"");
  CHECK_CONTAINS(wb, "<sheet name=\"一二三四五六七八九十一二三四五六七八九十一二三四五六 (10)\"");
  CHECK_CONTAINS(wb, "<sheet name=\"一二三四五六七八九十一二三四五六七八九十一二三四五六 (11)\"");
  free(wb);
  free(z.data);
  unlink(path);
}

/* Writes n rows of the one cell cell to path with sheet_bytes per sheet;
 * returns the number of sheets, 0 on failure. */
static int xlsx_bytes(const char *path, size_t sheet_bytes, const char *cell,
                      int n) {
  fz_table *t;
  fz_error e = {0};
  fz_table_xlsx_opts o = {.sheet_bytes = sheet_bytes};
  if (fz_table_open_xlsx(&t, path, &o, &e)) return 0;
  const char *hdr[] = {"a"}, *cells[] = {cell};
  fz_table_header(t, hdr, 1, &e);
  for (int i = 0; i < n; i++) fz_table_row(t, cells, 1, &e);
  if (fz_table_close(t, &e)) return 0;
  blob z = read_all(path);
  int sheets = 0;
  for (;; sheets++) {
    char name[64];
    snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", sheets + 1);
    char *x = unzip(&z, name);
    if (!x) break;
    /* Each sheet has the header and at least one row. */
    if (!strstr(x, "r=\"A1\"") || !strstr(x, "r=\"A2\"")) sheets = -99;
    free(x);
  }
  free(z.data);
  unlink(path);
  return sheets;
}

/* A sheet is also full when its XML could pass sheet_bytes (estimated
 * upwards: 48 bytes a row, 80 a cell, plus the text and its escapes). */
static void test_xlsx_sheet_bytes(void) {
  char path[512], *cell = malloc(5001);
  tmp_path(path, "bytes.xlsx");
  if (!cell) return;
  /* The header takes 129, a row of 1000 'x' 1128: 3 rows fit in 4000. */
  memset(cell, 'x', 1000);
  cell[1000] = '\0';
  CHECK_INT(xlsx_bytes(path, 4000, cell, 3), 1);
  CHECK_INT(xlsx_bytes(path, 4000, cell, 4), 2);
  CHECK_INT(xlsx_bytes(path, 4000, cell, 7), 3);
  /* 200 '&' become 200 "&amp;": 1328 a row, 2 fit. */
  memset(cell, '&', 200);
  cell[200] = '\0';
  CHECK_INT(xlsx_bytes(path, 4000, cell, 2), 1);
  CHECK_INT(xlsx_bytes(path, 4000, cell, 3), 2);
  /* A row larger than a whole sheet still gets a sheet of its own. */
  memset(cell, 'x', 5000);
  cell[5000] = '\0';
  CHECK_INT(xlsx_bytes(path, 4000, cell, 2), 2);
  free(cell);
}

/* Open files of this process, or -1 where /proc is missing. */
static int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  if (!d) return -1;
  int n = 0;
  while (readdir(d)) n++;
  closedir(d);
  return n;
}

static void test_xlsx_errors(void) {
  int fds = open_fds();
  char path[512], other[512];
  fz_table *t = (fz_table *)1;
  fz_error e = {0};
  tmp_path(path, "err.xlsx");

  fz_table_xlsx_opts bad_name = {.sheet_name = "a[b]"};
  CHECK_INT(fz_table_open_xlsx(&t, path, &bad_name, &e), FZ_INVALID);
  CHECK(t == NULL);
  CHECK_STR(e.field, "sheet_name");
  CHECK(!exists(path));
  /* A bad option leaves a file already at path alone. */
  FILE *f = fopen(path, "w");
  if (f) {
    fputs("keep", f);
    fclose(f);
  }
  CHECK_INT(fz_table_open_xlsx(&t, path, &bad_name, &e), FZ_INVALID);
  blob kept = read_all(path);
  CHECK_INT(kept.len, 4);
  free(kept.data);
  unlink(path);
  fz_table_xlsx_opts too_long = {.sheet_name = "12345678901234567890123456789012"};
  CHECK_INT(fz_table_open_xlsx(&t, path, &too_long, &e), FZ_INVALID);

  fz_table_xlsx_opts one_row = {.sheet_rows = 1};
  CHECK_INT(fz_table_open_xlsx(&t, path, &one_row, &e), FZ_RANGE);
  CHECK_STR(e.field, "sheet_rows");
  fz_table_xlsx_opts too_many = {.sheet_rows = FZ_TABLE_SHEET_ROWS + 1};
  CHECK_INT(fz_table_open_xlsx(&t, path, &too_many, &e), FZ_RANGE);

  CHECK_INT(fz_table_open_xlsx(&t, tmp_path(other, "nodir/x.xlsx"), NULL, &e),
            FZ_IO);
  CHECK_STR(e.field, "path");
  CHECK_CONTAINS(e.message, "nodir/x.xlsx");
  CHECK(t == NULL);

  fz_table_xlsx_opts no_tmp = {.tmpdir = tmp_path(other, "nodir")};
  CHECK_INT(fz_table_open_xlsx(&t, path, &no_tmp, &e), FZ_IO);
  CHECK_STR(e.field, "tmpdir");
  CHECK(!exists(path));

  /* A cell over Excel's limit: refused, and the file is removed. */
  size_t n = FZ_TABLE_CELL_MAX + 1;
  char *big = malloc(n + 1);
  if (!big) return;
  memset(big, 'x', n);
  big[n] = '\0';
  CHECK_INT(fz_table_open_xlsx(&t, path, NULL, &e), FZ_OK);
  const char *hdr[] = {"备注"};
  const char *cells[] = {big};
  CHECK_INT(fz_table_header(t, hdr, 1, &e), FZ_OK);
  CHECK_INT(fz_table_row(t, cells, 1, &e), FZ_TOOBIG);
  CHECK_CONTAINS(e.message, "row 1, column 1 (备注) holds 32768 characters");
  CHECK(exists(path));
  CHECK_INT(fz_table_close(t, &e), FZ_TOOBIG);
  CHECK(!exists(path));
  /* 32,767 three-byte characters fit. */
  free(big);
  big = malloc(3 * FZ_TABLE_CELL_MAX + 1);
  if (!big) return;
  for (size_t i = 0; i < FZ_TABLE_CELL_MAX; i++) memcpy(big + 3 * i, "字", 3);
  big[3 * FZ_TABLE_CELL_MAX] = '\0';
  cells[0] = big;
  CHECK_INT(fz_table_open_xlsx(&t, path, NULL, &e), FZ_OK);
  CHECK_INT(fz_table_header(t, hdr, 1, &e), FZ_OK);
  CHECK_INT(fz_table_row(t, cells, 1, &e), FZ_OK);
  CHECK_INT(fz_table_close(t, &e), FZ_OK);
  CHECK(exists(path));
  free(big);

  /* Not UTF-8, after rows were written: refused, file removed. */
  CHECK_INT(fz_table_open_xlsx(&t, path, NULL, &e), FZ_OK);
  const char *bad[] = {"\xE4\xB8"};
  fz_table_header(t, hdr, 1, &e);
  for (int i = 0; i < 10; i++) fz_table_row(t, hdr, 1, &e);
  CHECK_INT(fz_table_row(t, bad, 1, &e), FZ_INVALID);
  CHECK_INT(fz_table_close(t, &e), FZ_INVALID);
  CHECK(!exists(path));
  /* The temporary files of a dropped workbook are closed, too. */
  fz_table_xlsx_opts small = {.sheet_rows = 2};
  CHECK_INT(fz_table_open_xlsx(&t, path, &small, &e), FZ_OK);
  fz_table_header(t, hdr, 1, &e);
  for (int i = 0; i < 10; i++) fz_table_row(t, hdr, 1, &e);
  CHECK_INT(fz_table_row(t, bad, 1, &e), FZ_INVALID);
  CHECK_INT(fz_table_close(t, &e), FZ_INVALID);
  CHECK_INT(open_fds(), fds);

  /* Closed without a header: a valid, empty workbook. */
  CHECK_INT(fz_table_open_xlsx(&t, path, NULL, &e), FZ_OK);
  CHECK_INT(fz_table_close(t, &e), FZ_OK);
  blob z = read_all(path);
  char *s1 = unzip(&z, "xl/worksheets/sheet1.xml");
  CHECK(s1 != NULL);
  free(s1);
  free(z.data);
  unlink(path);
}

/* The folder of the file is the default place for temporary files, and
 * none are left behind. */
static void test_xlsx_no_leftovers(void) {
  char path[512];
  fz_error e = {0};
  CHECK_INT(xlsx_rows(tmp_path(path, "left.xlsx"), NULL, 100, 1000, &e), FZ_OK);
  unlink(path);
  CHECK_INT(tmpdir_leftovers(), 0);
}

int main(void) {
  if (tmpdir_make("fz_table")) return 1;
  RUN(test_csv_bytes);
  RUN(test_csv_cr_start);
  RUN(test_csv_empty);
  RUN(test_csv_big_cell);
  RUN(test_csv_errors);
  RUN(test_csv_write_error);
  RUN(test_format_names);
  RUN(test_xlsx_small);
  RUN(test_xlsx_rollover);
  RUN(test_xlsx_sheet_bytes);
  RUN(test_xlsx_errors);
  RUN(test_xlsx_no_leftovers);
  tmpdir_remove();
  return TEST_END();
}
