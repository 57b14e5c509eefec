/* csv.h — a streaming CSV reader for bulk imports: RFC 4180 records pulled
 * from any byte source in constant memory, with the encoding (UTF-8, UTF-8
 * with a BOM, or GB18030 as Excel saves it on Chinese Windows) detected from
 * the first 64 KiB and everything handed out as UTF-8.
 *
 * Format.  Comma separator; a field may be quoted with ", and inside quotes
 * "" is one quote while commas, CR and LF are data.  A quote anywhere else in
 * an unquoted field is an ordinary character.  Records end with LF, CRLF or
 * a lone CR; a last record without a line ending is fine.  Blank lines are
 * skipped but counted: line numbers are physical lines, 1-based, the header
 * included, so that a user can find "第 N 行" in Excel or a text editor.
 *
 * Encoding.  A UTF-8 BOM (EF BB BF) is dropped and means UTF-8.  A UTF-16
 * BOM is refused.  Otherwise, if the first 64 KiB are valid UTF-8 the file is
 * UTF-8 and any invalid byte later is an error; if not, the file is GB18030
 * and is converted with iconv(3) as it streams.  NUL bytes are refused, so
 * every field is also a C string.
 *
 * Errors are sticky: after the first one every fz_csv_next returns it again.
 * Messages are Chinese, then English in parentheses, and name the line:
 *   FZ_PARSE        unterminated quote, a character after a closing quote,
 *                   invalid UTF-8 or GB18030, a NUL byte
 *   FZ_TOOBIG       a field longer, or a record with more fields, than the
 *                   limits allow (fz_csv_set_limits)
 *   FZ_UNSUPPORTED  UTF-16, or no GB18030 converter on this system
 *   FZ_IO           the read callback failed
 *   FZ_NOMEM        out of memory
 *
 *   fz_csv *c;
 *   rc = fz_csv_open_file(&c, f, err);
 *   if (rc) return rc;
 *   while ((rc = fz_csv_next(c, &fields, &n, err)) == FZ_OK)
 *     …fields[0].s … fields[n - 1].s, from line fz_csv_line(c)…
 *   if (rc == FZ_NODATA) rc = FZ_OK;  (the end, not an error)
 *   fz_csv_free(c); */
#ifndef FZ_REGISTRY_CSV_H
#define FZ_REGISTRY_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

#define FZ_CSV_MAX_FIELD_DEFAULT ((size_t)64 * 1024) /* bytes, UTF-8 */
#define FZ_CSV_MAX_FIELDS_DEFAULT ((size_t)256)      /* fields in a record */

/* What a read callback returns when the source failed; 0 means the end. */
#define FZ_CSV_READ_ERROR ((size_t)-1)

/* Puts up to size bytes of the input into buf and returns how many (at least
 * 1), 0 at the end of the input, or FZ_CSV_READ_ERROR.  Short reads are
 * fine; after it returned 0 or an error it is not called again. */
typedef size_t (*fz_csv_read_fn)(void *ctx, char *buf, size_t size);

typedef struct fz_csv fz_csv;

/* One field of a record: s[len] is '\0' and s holds no other NUL. */
typedef struct fz_csv_field {
  const char *s;
  size_t len;
} fz_csv_field;

/* Opens a reader on read(ctx, …), which must outlive it, and reads the first
 * 64 KiB to detect the encoding.  Sets *out (NULL on failure).  Returns
 * FZ_OK, or FZ_UNSUPPORTED (UTF-16; GB18030 without an iconv converter),
 * FZ_IO (the first reads failed) or FZ_NOMEM, with err filled in. */
fz_err fz_csv_open(fz_csv **out, fz_csv_read_fn read, void *ctx,
                   fz_error *err);

/* fz_csv_open on a stdio stream from its current position.  The caller keeps
 * f and closes it after fz_csv_free. */
fz_err fz_csv_open_file(fz_csv **out, FILE *f, fz_error *err);

/* fz_csv_open on len bytes at data, which are not copied and must outlive
 * the reader. */
fz_err fz_csv_open_mem(fz_csv **out, const void *data, size_t len,
                       fz_error *err);

/* Sets the largest field, in bytes after conversion to UTF-8 (GB18030 text
 * grows by half), and the most fields in one record; 0 keeps the default.
 * Call it before the first fz_csv_next.  Memory stays within about
 * max_fields * (max_field + 1) bytes plus 256 KiB of buffers. */
void fz_csv_set_limits(fz_csv *c, size_t max_field, size_t max_fields);

/* Reads the next record.  On FZ_OK *fields points to *n >= 1 fields, owned by
 * the reader and valid until the next call or fz_csv_free.  At the end of the
 * input it returns FZ_NODATA with *fields NULL and *n 0, as often as it is
 * called (FZ_NODATA means "no more records" here, not an error).  Any other
 * code is an error (see the top of this file); it sticks. */
fz_err fz_csv_next(fz_csv *c, const fz_csv_field **fields, size_t *n,
                   fz_error *err);

/* The physical line (1-based) where the record last returned began, or where
 * the record that failed began; 0 before the first record. */
long fz_csv_line(const fz_csv *c);

/* "UTF-8", "UTF-8 (BOM)" or "GB18030"; never NULL. */
const char *fz_csv_encoding(const fz_csv *c);

/* Bytes the reader has taken from its source so far, for a progress bar
 * against the file size.  The reader reads ahead by at most 64 KiB. */
unsigned long long fz_csv_bytes_read(const fz_csv *c);

/* Frees the reader (not its source); NULL is a no-op. */
void fz_csv_free(fz_csv *c);

#endif
