/* table.h — writes a table (a header row of column labels, then rows of
 * UTF-8 text cells) as CSV or XLSX, for the exports that people open in
 * Excel or WPS.
 *
 * One interface for both formats:
 *
 *     fz_table *t;
 *     rc = fz_table_open_csv(&t, stdout, err);          (or _open_xlsx)
 *     if (!rc) rc = fz_table_header(t, labels, 3, err);
 *     for (each record) if (!rc) rc = fz_table_row(t, cells, 3, err);
 *     rc2 = fz_table_close(t, err);                     (always; frees t)
 *
 * The error is sticky: after the first failure every call returns it again
 * without writing, and fz_table_close reports it, so a caller may also
 * write every row and check only the result of fz_table_close.
 *
 * Cells are always text.  Codes such as 统一社会信用代码 or 身份证号 never
 * become numbers (no lost leading zeros, no 1.1E+17), and nothing becomes a
 * formula.  A cell may be NULL, which is written as an empty cell, the same
 * as "".  Every cell and label must be valid UTF-8 (FZ_INVALID otherwise:
 * one stray byte would make a whole XLSX file unreadable).
 *
 * CSV (RFC 4180): UTF-8 with a byte order mark, which Excel on Chinese
 * Windows needs to read the file as UTF-8 rather than GBK; fields separated
 * by commas; records end with CRLF; a field is quoted, with its quotes
 * doubled, when it holds a comma, a quote, CR or LF, or begins or ends with
 * a space.  Writing streams to a FILE* in constant memory (a 64 KiB buffer).
 *
 * Formula injection (CSV injection, OWASP): a spreadsheet treats a CSV field
 * that begins with = + - or @ (and, in some programs, tab or CR) as a
 * formula, so a value such as =HYPERLINK(…) typed into a form could run in
 * the reader's spreadsheet.  The CSV writer therefore prefixes such a field
 * with a single quote: "=1+2" is written '=1+2, and "-5" is written '-5.
 * Excel shows the quote, and a program that reads the CSV back must strip
 * one leading quote before these six characters.  We accept that cost for
 * negative numbers and telephone numbers like +86…, because an export holds
 * text typed by the public.  XLSX needs no prefix: its cells are written as
 * strings, which Excel never evaluates.
 *
 * XLSX (via libxlsxwriter): strings with a bold, frozen header row and
 * column widths fitted to the header and the first rows.  Written in
 * libxlsxwriter's constant-memory mode: rows go to temporary files, which
 * are zipped into the file at path by fz_table_close (most of the time of a
 * large export is spent there).  A sheet holds at most 1,048,576 rows
 * (Excel's limit) and about 3.5 GiB of XML (see sheet_bytes below); when
 * one is full, the table continues on a new sheet that repeats the
 * header.  XLSX limits also apply: at most 32,767
 * characters in a cell (FZ_TOOBIG).
 *
 * Both formats allow 1 to FZ_TABLE_COLS_MAX columns, and every row must have
 * exactly as many cells as the header has labels. */
#ifndef FZ_REGISTRY_TABLE_H
#define FZ_REGISTRY_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

#define FZ_TABLE_COLS_MAX 16384      /* Excel's column limit (XFD) */
#define FZ_TABLE_SHEET_ROWS 1048576  /* Excel's rows per sheet, header included */
#define FZ_TABLE_CELL_MAX 32767      /* characters in an XLSX cell */
#define FZ_TABLE_SHEET_BYTES ((size_t)3584 << 20) /* XML of a sheet, 3.5 GiB */

typedef enum fz_table_format { FZ_TABLE_CSV = 1, FZ_TABLE_XLSX = 2 } fz_table_format;

/* Reads a format name, "csv" or "xlsx" (as in ?format=csv), into *f.
 * FZ_INVALID on field "format" for anything else, including NULL. */
fz_err fz_table_format_parse(const char *name, fz_table_format *f,
                             fz_error *err);

/* The name of a format ("csv", "xlsx"), which is also its file extension;
 * "?" if unknown. */
const char *fz_table_format_name(fz_table_format f);

/* The media type of a format, for Content-Type; CSV says charset=utf-8. */
const char *fz_table_format_mime(fz_table_format f);

typedef struct fz_table fz_table;

/* Starts a CSV table on f, which stays the caller's: fz_table_close flushes
 * it but does not close it.  Writes the byte order mark.  Sets *out to a
 * table to be given to fz_table_close, or to NULL on failure (FZ_NOMEM). */
fz_err fz_table_open_csv(fz_table **out, FILE *f, fz_error *err);

/* Options of an XLSX table; zero means the default. */
typedef struct fz_table_xlsx_opts {
  /* Name of the first sheet; NULL: "Sheet1".  Later sheets are "Sheet2",
   * "Sheet3"… or "<name> (2)", "<name> (3)"… (shortened to fit Excel's 31
   * characters).  Excel forbids [ ] : * ? / \ and a leading or trailing
   * apostrophe (FZ_INVALID on field "sheet_name"). */
  const char *sheet_name;
  /* Folder for the temporary files, which together grow to about the size
   * of the uncompressed sheets; NULL: the folder of path, since /tmp may be
   * in memory. */
  const char *tmpdir;
  /* Rows per sheet, header included, 2 to FZ_TABLE_SHEET_ROWS; 0 means
   * FZ_TABLE_SHEET_ROWS.  Smaller values exist for tests. */
  size_t sheet_rows;
  /* Bytes of XML after which a sheet is full even if it has rows to spare,
   * as estimated from the cells (an upper bound); 0 means
   * FZ_TABLE_SHEET_BYTES.  A sheet is one member of the zip file, which
   * cannot exceed 4 GiB without ZIP64, and Excel is strict about the ZIP64
   * it accepts, so a table of long texts continues on a new sheet instead.
   * Smaller values exist for tests. */
  size_t sheet_bytes;
} fz_table_xlsx_opts;

/* Starts an XLSX table to be written to path, which is created or
 * truncated now, so that a path that cannot be written fails here rather
 * than after the last row.  opts may be NULL for the defaults; its strings
 * are copied.  Sets *out to a table for fz_table_close, or to NULL on
 * failure: FZ_INVALID or FZ_RANGE for a bad option (path untouched), FZ_IO
 * if tmpdir is not writable (path untouched) or path cannot be created. */
fz_err fz_table_open_xlsx(fz_table **out, const char *path,
                          const fz_table_xlsx_opts *opts, fz_error *err);

/* Writes the header row: n labels (a NULL label is empty).  Must be called
 * once, before any row.  FZ_RANGE if n is 0 or over FZ_TABLE_COLS_MAX,
 * FZ_CONFLICT if called twice. */
fz_err fz_table_header(fz_table *t, const char *const *labels, size_t n,
                       fz_error *err);

/* Writes one row of n cells (a NULL cell is empty); n must equal the number
 * of header labels (FZ_INVALID on field "cells" otherwise).  FZ_IO when
 * writing fails, FZ_INVALID for a cell that is not UTF-8 and FZ_TOOBIG for
 * an XLSX cell over FZ_TABLE_CELL_MAX characters; the message names the row
 * and column. */
fz_err fz_table_row(fz_table *t, const char *const *cells, size_t n,
                    fz_error *err);

/* The number of data rows written so far (header not counted). */
size_t fz_table_rows(const fz_table *t);

/* Finishes the file and frees t (NULL is a no-op returning FZ_OK).  CSV:
 * flushes the buffer and the FILE*.  XLSX: assembles and writes the file;
 * if that or an earlier call failed, the file at path is removed rather
 * than left incomplete.  Returns the first error of the table's life, or
 * FZ_OK; a table that failed earlier fills err again with that error. */
fz_err fz_table_close(fz_table *t, fz_error *err);

#endif
