/* table.c — CSV and XLSX writers behind one table interface: RFC 4180 CSV
 * streamed through a fixed buffer, and XLSX through libxlsxwriter's
 * constant-memory mode, continuing on a new sheet when one is full. */
#include "registry/table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define CSV_BUF (64 * 1024)
#define WIDTH_ROWS 100 /* data rows that column widths are fitted to */
#define WIDTH_MIN 10
#define WIDTH_MAX 60
/* Bytes of sheet XML around a row and a cell, at most: <row r="1048576"
 * spans="1:16384"></row> and <c r="XFD1048576" s="1" t="inlineStr"><is><t
 * xml:space="preserve"></t></is></c>. */
#define ROW_XML 48
#define CELL_XML 80

struct fz_table {
  fz_table_format format;
  fz_error err;  /* FZ_OK, or the first failure, which every call returns */
  size_t ncols;  /* 0 until the header is written */
  char **labels; /* copies of the header labels, for messages and sheets */
  size_t rows;   /* data rows written */

  /* CSV */
  FILE *f;
  char *buf; /* CSV_BUF bytes */
  size_t len;

  /* XLSX */
  char *path, *tmpdir, *sheet_name; /* sheet_name NULL: SheetN */
  int created;                      /* path was created (or truncated) */
  lxw_workbook *wb;
  lxw_worksheet *ws;
  lxw_format *bold;
  size_t sheet_rows; /* limit, header included */
  size_t sheet_bytes; /* limit of the estimated XML of a sheet */
  size_t sheet_xml;   /* estimated XML of the current sheet */
  size_t header_xml;  /* estimated XML of the header row */
  size_t sheet_no;   /* 1-based number of the current sheet */
  size_t sheet_row;  /* index of the next row in the current sheet */
  unsigned *width;   /* per column, in characters of Excel's default font */
};

/* ---- Errors ------------------------------------------------------------ */

/* Copies the sticky error of t to err and returns its code. */
static fz_err report(const fz_table *t, fz_error *err) {
  if (err && t->err.code) *err = t->err;
  return t->err.code;
}

/* Records the first failure of t (later ones are dropped: the first is the
 * cause).  Returns code. */
static fz_err fail(fz_table *t, fz_err code, const char *field,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static fz_err fail(fz_table *t, fz_err code, const char *field,
                   const char *fmt, ...) {
  if (t->err.code) return t->err.code;
  t->err.code = code;
  snprintf(t->err.field, sizeof t->err.field, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->err.message, sizeof t->err.message, fmt, ap);
  va_end(ap);
  return code;
}

/* The length of the first bytes of UTF-8 text s, at most max, that end on
 * a character boundary: for quoting text in a message without cutting a
 * character in two. */
static int clip(const char *s, size_t max) {
  size_t n = strlen(s);
  if (n <= max) return (int)n;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
  return (int)max;
}

/* Where a cell is, for messages: column col (0-based) of data row row
 * (1-based; 0 is the header), named by its label when it has one, in
 * Chinese into zh and in English into en (each WHERE_MAX bytes). */
#define WHERE_MAX 128
static void where(const fz_table *t, size_t row, size_t col, char *zh,
                  char *en) {
  const char *label = t->labels && col < t->ncols ? t->labels[col] : "";
  int n = clip(label, 48);
  if (row == 0) {
    snprintf(zh, WHERE_MAX, "表头第 %zu 列", col + 1);
    snprintf(en, WHERE_MAX, "header column %zu", col + 1);
  } else if (label[0]) {
    snprintf(zh, WHERE_MAX, "第 %zu 行第 %zu 列（%.*s）", row, col + 1, n,
             label);
    snprintf(en, WHERE_MAX, "row %zu, column %zu (%.*s)", row, col + 1, n,
             label);
  } else {
    snprintf(zh, WHERE_MAX, "第 %zu 行第 %zu 列", row, col + 1);
    snprintf(en, WHERE_MAX, "row %zu, column %zu", row, col + 1);
  }
}

/* ---- Text -------------------------------------------------------------- */

/* Checks that s[0..n) is well-formed UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF).  Returns its length in characters,
 * or SIZE_MAX if it is not UTF-8.  If grow is not NULL, adds to it how many
 * bytes XML escaping adds (&amp; for &, _x0001_ for a control character). */
static size_t utf8_chars(const unsigned char *s, size_t n, size_t *grow) {
  size_t chars = 0, g = 0;
  for (size_t i = 0; i < n; chars++) {
    unsigned c = s[i];
    if (c < 0x80) {
      if (c == '&' || c == '"') g += 5;
      else if (c == '<' || c == '>') g += 3;
      else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') g += 6;
      i++;
      continue;
    }
    size_t k;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) k = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
      k = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      k = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return SIZE_MAX;
    }
    if (n - i <= k || s[i + 1] < lo || s[i + 1] > hi) return SIZE_MAX;
    for (size_t j = 2; j <= k; j++)
      if ((s[i + j] & 0xC0) != 0x80) return SIZE_MAX;
    i += k + 1;
  }
  if (grow) *grow += g;
  return chars;
}

/* The width of UTF-8 text s on screen, counting the characters of three and
 * four bytes (汉字, full-width forms) as two columns. */
static size_t display_width(const char *s) {
  size_t w = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x80 || *p >= 0xC0) w++;
    if (*p >= 0xE0) w++;
  }
  return w;
}

/* Does a spreadsheet read a field that begins with c as a formula?  OWASP's
 * list: = + - @, and tab and CR, which some programs skip before one. */
static int formula_start(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
         c == '\r';
}

/* ---- CSV --------------------------------------------------------------- */

/* Writes out the buffer of t: everything accepted so far, even after a
 * refused row, unless writing itself failed. */
static void csv_flush(fz_table *t) {
  if (t->len && t->err.code != FZ_IO && fwrite(t->buf, 1, t->len, t->f) != t->len)
    fail(t, FZ_IO, "", "写入 CSV 失败 / cannot write the CSV: %s",
         strerror(errno));
  t->len = 0;
}

/* Appends n bytes to the output of t. */
static void csv_put(fz_table *t, const char *p, size_t n) {
  if (t->len + n > CSV_BUF) {
    csv_flush(t);
    if (n > CSV_BUF) {
      if (t->err.code != FZ_IO && fwrite(p, 1, n, t->f) != n)
        fail(t, FZ_IO, "", "写入 CSV 失败 / cannot write the CSV: %s",
             strerror(errno));
      return;
    }
  }
  memcpy(t->buf + t->len, p, n);
  t->len += n;
}

/* Appends one field: quoted when RFC 4180 needs it or when it begins or
 * ends with a space (which some readers would trim), and behind a single
 * quote when it begins like a formula (see table.h). */
static void csv_field(fz_table *t, const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n == 0) return;
  int quote = s[0] == ' ' || s[n - 1] == ' ' || strpbrk(s, ",\"\r\n");
  if (quote) csv_put(t, "\"", 1);
  if (formula_start(s[0])) csv_put(t, "'", 1);
  if (!quote) {
    csv_put(t, s, n);
    return;
  }
  for (const char *q; (q = memchr(s, '"', n)) != NULL;) {
    size_t k = (size_t)(q - s) + 1; /* through the quote, then one more */
    csv_put(t, s, k);
    csv_put(t, "\"", 1);
    s += k;
    n -= k;
  }
  csv_put(t, s, n);
  csv_put(t, "\"", 1);
}

/* Writes a record of n fields of row (0: the header). */
static void csv_record(fz_table *t, const char *const *cells, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (i) csv_put(t, ",", 1);
    csv_field(t, cells[i]);
  }
  csv_put(t, "\r\n", 2);
}

fz_err fz_table_open_csv(fz_table **out, FILE *f, fz_error *err) {
  fz_table *t = calloc(1, sizeof *t);
  char *buf = malloc(CSV_BUF);
  if (!t || !buf) {
    free(t);
    free(buf);
    *out = NULL;
    return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  }
  t->format = FZ_TABLE_CSV;
  t->f = f;
  t->buf = buf;
  /* The byte order mark: without it Excel on Chinese Windows reads the
   * file as GBK and shows mojibake. */
  memcpy(t->buf, "\xEF\xBB\xBF", 3);
  t->len = 3;
  *out = t;
  return FZ_OK;
}

/* ---- XLSX -------------------------------------------------------------- */

/* A copy of s (NULL stays NULL); 0 when out of memory. */
static int dup_str(const char *s, char **out) {
  *out = NULL;
  if (!s) return 1;
  size_t n = strlen(s) + 1;
  if (!(*out = malloc(n))) return 0;
  memcpy(*out, s, n);
  return 1;
}

/* The folder of path, malloc'd; "." when path has no slash. */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
  char *d = malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, !slash ? "." : path, n);
  d[n] = '\0';
  return d;
}

/* Maps a libxlsxwriter error to ours, recorded on t.  what says what was
 * being done, in Chinese and English. */
static fz_err lxw_fail(fz_table *t, lxw_error e, const char *what) {
  if (e == LXW_ERROR_MEMORY_MALLOC_FAILED)
    return fail(t, FZ_NOMEM, "", "%s: out of memory", what);
  return fail(t, FZ_IO, "", "%s: %s", what, lxw_strerror(e));
}

/* Writes the n strings of row r of the current sheet, in format fmt. */
static void xlsx_cells(fz_table *t, lxw_row_t r, const char *const *cells,
                       size_t n, lxw_format *fmt) {
  for (size_t i = 0; i < n && !t->err.code; i++) {
    if (!cells[i] || !cells[i][0]) continue;
    lxw_error e = worksheet_write_string(t->ws, r, (lxw_col_t)i, cells[i], fmt);
    if (e) lxw_fail(t, e, "写入单元格失败 / cannot write a cell");
  }
}

/* The name of sheet number no (1-based) into buf: SheetN, or the name the
 * caller chose with " (N)" from the second on, shortened at a character
 * boundary to Excel's 31 characters. */
static void sheet_name(const fz_table *t, size_t no, char *buf, size_t size) {
  if (!t->sheet_name) {
    snprintf(buf, size, "Sheet%zu", no);
    return;
  }
  if (no == 1) {
    snprintf(buf, size, "%s", t->sheet_name);
    return;
  }
  char suffix[32];
  int k = snprintf(suffix, sizeof suffix, " (%zu)", no);
  size_t keep = LXW_SHEETNAME_MAX - (size_t)k, chars = 0, i = 0;
  const unsigned char *s = (const unsigned char *)t->sheet_name;
  for (; s[i] && chars < keep; chars++)
    do i++; while ((s[i] & 0xC0) == 0x80);
  snprintf(buf, size, "%.*s%s", (int)i, t->sheet_name, suffix);
}

/* Adds sheet number t->sheet_no + 1 and, if the header is known, writes it
 * there and freezes it. */
static void xlsx_sheet(fz_table *t) {
  char name[LXW_MAX_SHEETNAME_LENGTH];
  sheet_name(t, t->sheet_no + 1, name, sizeof name);
  lxw_worksheet *ws = workbook_add_worksheet(t->wb, name);
  if (!ws) {
    fail(t, FZ_IO, "", "无法新建工作表 / cannot add sheet \"%s\" (no "
         "temporary file in %s?)", name, t->tmpdir);
    return;
  }
  /* Codes are text on purpose: no green "number stored as text" triangle
   * on every 统一社会信用代码 and 身份证号. */
  worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT,
                          "A1:XFD1048576");
  t->ws = ws;
  t->sheet_no++;
  t->sheet_row = 0;
  t->sheet_xml = 0;
  if (t->ncols) {
    xlsx_cells(t, 0, (const char *const *)t->labels, t->ncols, t->bold);
    worksheet_freeze_panes(ws, 1, 0);
    t->sheet_row = 1;
    t->sheet_xml = t->header_xml;
  }
}

fz_err fz_table_open_xlsx(fz_table **out, const char *path,
                          const fz_table_xlsx_opts *opts, fz_error *err) {
  static const fz_table_xlsx_opts none = {0};
  if (!opts) opts = &none;
  *out = NULL;
  size_t rows = opts->sheet_rows ? opts->sheet_rows : FZ_TABLE_SHEET_ROWS;
  if (rows < 2 || rows > FZ_TABLE_SHEET_ROWS)
    return fz_error_set(err, FZ_RANGE, "sheet_rows",
                        "每个工作表 2 至 %d 行 / a sheet holds 2 to %d rows, "
                        "not %zu", FZ_TABLE_SHEET_ROWS, FZ_TABLE_SHEET_ROWS,
                        rows);
  fz_table *t = calloc(1, sizeof *t);
  if (!t) return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  t->format = FZ_TABLE_XLSX;
  t->sheet_rows = rows;
  t->sheet_bytes = opts->sheet_bytes ? opts->sheet_bytes : FZ_TABLE_SHEET_BYTES;
  if (!dup_str(path, &t->path) || !dup_str(opts->sheet_name, &t->sheet_name) ||
      !(opts->tmpdir ? dup_str(opts->tmpdir, &t->tmpdir)
                     : (t->tmpdir = dir_of(path)) != NULL)) {
    fail(t, FZ_NOMEM, "", "out of memory");
    goto out;
  }
  if (access(t->tmpdir, W_OK | X_OK) != 0) {
    if (opts->tmpdir)
      fail(t, FZ_IO, "tmpdir", "临时文件夹不可写 / cannot write temporary "
           "files in '%s': %s", t->tmpdir, strerror(errno));
    else /* the folder of path, where path cannot be created either */
      fail(t, FZ_IO, "path", "无法创建文件 / cannot create '%s': %s", path,
           strerror(errno));
    goto out;
  }
  lxw_workbook_options o = {.constant_memory = LXW_TRUE,
                            .tmpdir = t->tmpdir,
                            .use_zip64 = LXW_FALSE};
  t->wb = workbook_new_opt(path, &o);
  if (!t->wb) {
    fail(t, FZ_NOMEM, "", "out of memory");
    goto out;
  }
  if (t->sheet_name) {
    lxw_error e = workbook_validate_sheet_name(t->wb, t->sheet_name);
    if (e) {
      fail(t, FZ_INVALID, "sheet_name", "工作表名称无效 / invalid sheet name "
           "\"%s\": %s", t->sheet_name, lxw_strerror(e));
      goto out;
    }
  }
  t->bold = workbook_add_format(t->wb);
  if (!t->bold) {
    fail(t, FZ_NOMEM, "", "out of memory");
    goto out;
  }
  format_set_bold(t->bold);
  /* libxlsxwriter creates the file only when it closes the workbook; make
   * sure now that it can, before the caller spends minutes on rows. */
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY,
                0666);
  if (fd < 0) {
    fail(t, FZ_IO, "path", "无法创建文件 / cannot create '%s': %s", path,
         strerror(errno));
    goto out;
  }
  close(fd);
  t->created = 1;
  xlsx_sheet(t);

out:
  if (t->err.code) {
    fz_err rc = report(t, err);
    fz_table_close(t, NULL);
    return rc;
  }
  *out = t;
  return FZ_OK;
}

/* Widens each column to its widest text so far, for the header and the
 * first WIDTH_ROWS data rows. */
static void fit_widths(fz_table *t, const char *const *cells) {
  for (size_t i = 0; i < t->ncols; i++) {
    size_t w = cells[i] ? display_width(cells[i]) : 0;
    if (w > WIDTH_MAX) w = WIDTH_MAX;
    if (w > t->width[i]) t->width[i] = (unsigned)w;
  }
}

/* Sets the column widths of every sheet and has libxlsxwriter assemble the
 * file, which also frees the workbook. */
static void xlsx_finish(fz_table *t) {
  lxw_worksheet *ws;
  LXW_FOREACH_WORKSHEET(ws, t->wb) {
    for (size_t i = 0; i < t->ncols; i++) {
      unsigned w = t->width[i] + 2;
      if (w < WIDTH_MIN) w = WIDTH_MIN;
      if (w > WIDTH_MAX) w = WIDTH_MAX;
      worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
    }
  }
  lxw_error e = workbook_close(t->wb);
  t->wb = NULL;
  if (e)
    lxw_fail(t, e, "写入 XLSX 文件失败 / cannot write the XLSX file");
}

/* ---- Both -------------------------------------------------------------- */

fz_err fz_table_format_parse(const char *name, fz_table_format *f,
                             fz_error *err) {
  if (name && strcmp(name, "csv") == 0) *f = FZ_TABLE_CSV;
  else if (name && strcmp(name, "xlsx") == 0) *f = FZ_TABLE_XLSX;
  else if (name && utf8_chars((const unsigned char *)name, strlen(name),
                              NULL) != SIZE_MAX)
    return fz_error_set(err, FZ_INVALID, "format",
                        "导出格式只能是 csv 或 xlsx / format must be csv or "
                        "xlsx, not \"%.*s\"", clip(name, 40), name);
  else
    return fz_error_set(err, FZ_INVALID, "format",
                        "导出格式只能是 csv 或 xlsx / format must be csv or "
                        "xlsx");
  return FZ_OK;
}

const char *fz_table_format_name(fz_table_format f) {
  switch (f) {
  case FZ_TABLE_CSV: return "csv";
  case FZ_TABLE_XLSX: return "xlsx";
  }
  return "?";
}

const char *fz_table_format_mime(fz_table_format f) {
  switch (f) {
  case FZ_TABLE_CSV: return "text/csv; charset=utf-8";
  case FZ_TABLE_XLSX:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  return "application/octet-stream";
}

/* Checks the n cells of row (0: the header) before anything of the row is
 * written, so that a refused row leaves no half of itself behind, and sets
 * *xml to the most bytes of XML the row can take in a sheet. */
static fz_err check_cells(fz_table *t, size_t row, const char *const *cells,
                          size_t n, size_t *xml) {
  char zh[WHERE_MAX], en[WHERE_MAX];
  *xml = ROW_XML;
  for (size_t i = 0; i < n; i++) {
    if (!cells[i] || !cells[i][0]) continue;
    size_t len = strlen(cells[i]);
    *xml += CELL_XML + len;
    size_t chars = utf8_chars((const unsigned char *)cells[i], len, xml);
    if (chars == SIZE_MAX) {
      where(t, row, i, zh, en);
      return fail(t, FZ_INVALID, "cells", "%s不是有效的 UTF-8 文本 / %s is "
                  "not valid UTF-8 text", zh, en);
    }
    if (t->format == FZ_TABLE_XLSX && chars > FZ_TABLE_CELL_MAX) {
      where(t, row, i, zh, en);
      return fail(t, FZ_TOOBIG, "cells", "%s有 %zu 字，超过 Excel 单元格上限 "
                  "%d 字 / %s holds %zu characters; an Excel cell holds at "
                  "most %d", zh, chars, FZ_TABLE_CELL_MAX, en, chars,
                  FZ_TABLE_CELL_MAX);
    }
  }
  return FZ_OK;
}

fz_err fz_table_header(fz_table *t, const char *const *labels, size_t n,
                       fz_error *err) {
  if (t->err.code) return report(t, err);
  if (t->ncols)
    fail(t, FZ_CONFLICT, "", "表头已写入 / the header is already written");
  else if (n == 0 || n > FZ_TABLE_COLS_MAX)
    fail(t, FZ_RANGE, "labels", "列数须为 1 至 %d / a table has 1 to %d "
         "columns, not %zu", FZ_TABLE_COLS_MAX, FZ_TABLE_COLS_MAX, n);
  else if (!check_cells(t, 0, labels, n, &t->header_xml)) {
    t->labels = calloc(n, sizeof *t->labels);
    t->width = calloc(n, sizeof *t->width);
    for (size_t i = 0; t->labels && t->width && i < n; i++)
      if (!dup_str(labels[i] ? labels[i] : "", &t->labels[i])) break;
    if (!t->labels || !t->width || !t->labels[n - 1]) {
      if (t->labels)
        for (size_t i = 0; i < n; i++) free(t->labels[i]);
      free(t->labels);
      t->labels = NULL;
      fail(t, FZ_NOMEM, "", "out of memory");
    } else {
      t->ncols = n;
      if (t->format == FZ_TABLE_CSV) {
        csv_record(t, labels, n);
      } else {
        fit_widths(t, labels);
        xlsx_cells(t, 0, labels, n, t->bold);
        worksheet_freeze_panes(t->ws, 1, 0);
        t->sheet_row = 1;
        t->sheet_xml = t->header_xml;
      }
    }
  }
  return report(t, err);
}

fz_err fz_table_row(fz_table *t, const char *const *cells, size_t n,
                    fz_error *err) {
  size_t xml;
  if (t->err.code) return report(t, err);
  if (!t->ncols) {
    fail(t, FZ_CONFLICT, "", "请先写表头 / write the header first");
  } else if (n != t->ncols) {
    fail(t, FZ_INVALID, "cells", "第 %zu 行有 %zu 列，表头有 %zu 列 / row %zu "
         "has %zu cells, the header %zu", t->rows + 1, n, t->ncols,
         t->rows + 1, n, t->ncols);
  } else if (!check_cells(t, t->rows + 1, cells, n, &xml)) {
    if (t->format == FZ_TABLE_CSV) {
      csv_record(t, cells, n);
    } else {
      /* A new sheet when this one is full, or when the row could take its
       * XML past the size a zip member may have without ZIP64. */
      if (t->sheet_row >= t->sheet_rows ||
          (t->sheet_row > 1 && t->sheet_xml + xml > t->sheet_bytes))
        xlsx_sheet(t);
      t->sheet_xml += xml;
      if (t->rows < WIDTH_ROWS) fit_widths(t, cells);
      xlsx_cells(t, (lxw_row_t)t->sheet_row, cells, n, NULL);
      t->sheet_row++;
    }
    if (!t->err.code) t->rows++;
  }
  return report(t, err);
}

size_t fz_table_rows(const fz_table *t) { return t->rows; }

fz_err fz_table_close(fz_table *t, fz_error *err) {
  if (!t) return FZ_OK;
  if (t->format == FZ_TABLE_CSV) {
    csv_flush(t);
    if (t->err.code != FZ_IO && (fflush(t->f) != 0 || ferror(t->f)))
      fail(t, FZ_IO, "", "写入 CSV 失败 / cannot write the CSV: %s",
           strerror(errno));
  } else if (t->wb) {
    if (t->err.code) {
      /* Dropping a workbook unwritten: lxw_workbook_free does not close
       * the temporary file of each sheet in constant-memory mode. */
      lxw_worksheet *ws;
      LXW_FOREACH_WORKSHEET(ws, t->wb) {
        if (ws->optimize_tmpfile) fclose(ws->optimize_tmpfile);
        ws->optimize_tmpfile = NULL;
      }
      lxw_workbook_free(t->wb);
      t->wb = NULL;
    } else {
      xlsx_finish(t);
    }
  }
  /* A file that failed is useless and may mislead: remove it. */
  if (t->created && t->err.code) unlink(t->path);
  fz_err rc = report(t, err);
  if (t->labels)
    for (size_t i = 0; i < t->ncols; i++) free(t->labels[i]);
  free(t->labels);
  free(t->width);
  free(t->buf);
  free(t->path);
  free(t->tmpdir);
  free(t->sheet_name);
  free(t);
  return rc;
}
