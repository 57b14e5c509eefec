/* csv.c — the streaming CSV reader: a source stage that reads raw bytes,
 * detects the encoding and hands out windows of valid UTF-8, and a parser
 * that cuts those windows into records.
 *
 * The source stage never lets a bad byte through: it stops the window just
 * before it and remembers why (enum stop).  The parser consumes the window,
 * and only then raises the error, so the line it names is the line of the bad
 * byte however the input was chunked. */
#include "registry/csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One read, and the window in which the encoding is detected. */
#define RAW_SIZE ((size_t)64 * 1024)
/* GB18030 to UTF-8: 1 byte stays 1, 2 bytes become at most 3, 4 bytes at
 * most 4, so the output is at most 3/2 of the input. */
#define DEC_SIZE (RAW_SIZE / 2 * 3 + 16)

enum enc { ENC_UTF8, ENC_UTF8_BOM, ENC_GB18030 };

/* Why the window ends before the input does. */
enum stop {
  STOP_NONE,
  STOP_UTF8,     /* an invalid byte */
  STOP_UTF8_CUT, /* a character cut short by the end of the input */
  STOP_GB,
  STOP_GB_CUT,
  STOP_IO
};

/* Where the parser is.  S_QUOTE: a quote seen inside a quoted field, which
 * is either the first of "" or the closing quote. */
enum state { S_RECORD, S_FIELD, S_UNQUOTED, S_QUOTED, S_QUOTE };

struct fz_csv {
  /* Source. */
  fz_csv_read_fn read;
  void *ctx;
  FILE *file;            /* fz_csv_open_file */
  const char *mem;       /* fz_csv_open_mem: what is left */
  size_t mem_left;
  int io_errno;          /* set by the file source when fread fails */
  int src_eof;           /* read returned 0 or failed: never call it again */
  unsigned long long bytes;

  /* Decoding.  raw[raw_pos, raw_len) is read but not yet decoded: a
   * character cut by the end of a read, or what did not fit into dec. */
  enum enc enc;
  iconv_t cd;
  char *raw;
  size_t raw_len, raw_pos;
  char *dec;             /* GB18030 only: the converted text */
  const unsigned char *p, *lim; /* the window of UTF-8 not yet parsed */
  enum stop stop;        /* what comes at lim once the window is parsed */

  /* Parsing. */
  enum state st;
  int cr;                /* the last byte was a CR that ended a line */
  long line;             /* the physical line of the byte at p */
  long rec_line, quote_line;
  char *rec;             /* the fields of the record, each NUL-terminated */
  size_t rec_len, rec_cap, fstart;
  size_t *off;           /* where each field starts in rec */
  fz_csv_field *fields;
  size_t n, fields_cap;
  size_t max_field, max_fields;

  int done;              /* the end was reached */
  fz_err rc;             /* the first error, which sticks */
  fz_error err;
};

/* ---- UTF-8 -------------------------------------------------------------- */

enum { U_OK, U_CUT, U_BAD };

/* Returns the length of the longest prefix of s[0, n) made of whole, valid
 * UTF-8 characters (no overlong forms, surrogates or code points past
 * U+10FFFF), and in *status whether the rest is empty (U_OK), a character cut
 * short by the end (U_CUT) or an invalid byte (U_BAD). */
static size_t utf8_prefix(const unsigned char *s, size_t n, int *status) {
  size_t i = 0;
  while (i < n) {
    /* Most of a CSV file is ASCII: test eight bytes at a time. */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & UINT64_C(0x8080808080808080)) break;
      i += 8;
    }
    /* Then one character at a time while they are not ASCII. */
    while (i < n) {
      unsigned char b = s[i];
      if (b < 0x80) {
        i++;
        if (i + 8 <= n) break;
        continue;
      }
      size_t len;
      unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
      if (b >= 0xE1 && b <= 0xEC && i + 2 < n) {
        /* Most Chinese characters: no special case, so check it apart. */
        if ((s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80) {
          *status = U_BAD;
          return i;
        }
        i += 3;
        continue;
      }
      if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
      } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0) lo = 0xA0;      /* overlong */
        else if (b == 0xED) hi = 0x9F; /* surrogates */
      } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0) lo = 0x90;      /* overlong */
        else if (b == 0xF4) hi = 0x8F; /* past U+10FFFF */
      } else {
        *status = U_BAD;
        return i;
      }
      for (size_t k = 1; k < len; k++) {
        if (i + k >= n) {
          *status = U_CUT;
          return i;
        }
        unsigned char t = s[i + k];
        if (k == 1 ? (t < lo || t > hi) : (t < 0x80 || t > 0xBF)) {
          *status = U_BAD;
          return i;
        }
      }
      i += len;
    }
  }
  *status = U_OK;
  return n;
}

/* ---- Source ------------------------------------------------------------- */

static size_t read_file(void *ctx, char *buf, size_t size) {
  fz_csv *c = ctx;
  size_t got = fread(buf, 1, size, c->file);
  if (got == 0 && ferror(c->file)) {
    c->io_errno = errno ? errno : EIO;
    return FZ_CSV_READ_ERROR;
  }
  return got;
}

static size_t read_mem(void *ctx, char *buf, size_t size) {
  fz_csv *c = ctx;
  size_t k = c->mem_left < size ? c->mem_left : size;
  if (k == 0) return 0; /* also: mem may be NULL */
  memcpy(buf, c->mem, k);
  c->mem += k;
  c->mem_left -= k;
  return k;
}

/* Reads once into the free end of raw.  A failure ends the input with
 * STOP_IO; a callback that claims more than it was given has failed too. */
static void read_some(fz_csv *c) {
  size_t room = RAW_SIZE - c->raw_len;
  size_t got = c->read(c->ctx, c->raw + c->raw_len, room);
  if (got == 0) {
    c->src_eof = 1;
  } else if (got > room) {
    c->src_eof = 1;
    c->stop = STOP_IO;
  } else {
    c->raw_len += got;
    c->bytes += got;
  }
}

static void decode_utf8(fz_csv *c) {
  int status;
  size_t k = utf8_prefix((const unsigned char *)c->raw + c->raw_pos,
                         c->raw_len - c->raw_pos, &status);
  c->p = (const unsigned char *)c->raw + c->raw_pos;
  c->lim = c->p + k;
  c->raw_pos += k;
  if (status == U_BAD) c->stop = STOP_UTF8;
  else if (status == U_CUT && c->src_eof) c->stop = STOP_UTF8_CUT;
}

static void decode_gb18030(fz_csv *c) {
  char *in = c->raw + c->raw_pos, *out = c->dec;
  size_t inleft = c->raw_len - c->raw_pos, outleft = DEC_SIZE;
  if (iconv(c->cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
    /* E2BIG: the rest waits for the next window.  EINVAL: a character cut
     * by the end of this read, completed by the next one — unless there is
     * no next one. */
    if (errno == EINVAL) {
      if (c->src_eof) c->stop = STOP_GB_CUT;
    } else if (errno != E2BIG) {
      c->stop = STOP_GB; /* EILSEQ, or anything else that would stall */
    }
  }
  c->raw_pos = (size_t)(in - c->raw);
  c->p = (const unsigned char *)c->dec;
  c->lim = (const unsigned char *)out;
}

/* Makes a new window from what is left of raw and one more read.  The
 * window may be empty (a read of one byte of a two-byte character). */
static void refill(fz_csv *c) {
  size_t keep = c->raw_len - c->raw_pos;
  if (keep && c->raw_pos) memmove(c->raw, c->raw + c->raw_pos, keep);
  c->raw_len = keep;
  c->raw_pos = 0;
  if (!c->src_eof && c->raw_len < RAW_SIZE) read_some(c);
  if (c->stop == STOP_IO) {
    c->p = c->lim = NULL;
    return;
  }
  if (c->enc == ENC_GB18030) decode_gb18030(c);
  else decode_utf8(c);
}

/* ---- Errors ------------------------------------------------------------- */

/* Records the first error, which every later call returns.  Evaluates to
 * -1 for scan(). */
#define FAIL(c, code, ...)                                                   \
  (fz_error_set(&(c)->err, (code), "csv", __VA_ARGS__), (c)->rc = (code), -1)

/* The error the source stage stopped at, raised once the window before it
 * is parsed, with the line the parser reached. */
static void fail_stop(fz_csv *c) {
  long l = c->line;
  int bom = c->enc == ENC_UTF8_BOM;
  if (c->st == S_RECORD) c->rec_line = l;
  switch (c->stop) {
  case STOP_UTF8:
    (void)FAIL(c, FZ_PARSE,
               "第 %ld 行：不是有效的 UTF-8 文本（%s）"
               " (line %ld: invalid UTF-8, though %s)",
               l, bom ? "文件以 UTF-8 BOM 开头" : "文件前 64 KiB 是 UTF-8", l,
               bom ? "the file starts with a UTF-8 BOM"
                   : "its first 64 KiB are UTF-8");
    break;
  case STOP_UTF8_CUT:
    (void)FAIL(c, FZ_PARSE,
               "第 %ld 行：文件末尾的 UTF-8 字符不完整 "
               "(line %ld: incomplete UTF-8 character at the end of the file)",
               l, l);
    break;
  case STOP_GB:
    (void)FAIL(c, FZ_PARSE,
               "第 %ld 行：不是有效的 GB18030 文本 "
               "(line %ld: invalid GB18030 byte sequence)",
               l, l);
    break;
  case STOP_GB_CUT:
    (void)FAIL(c, FZ_PARSE,
               "第 %ld 行：文件末尾的 GB18030 字符不完整 "
               "(line %ld: incomplete GB18030 character at the end of the "
               "file)",
               l, l);
    break;
  default:
    if (c->io_errno)
      (void)FAIL(c, FZ_IO,
                 "第 %ld 行附近读取 CSV 失败：%s (read error near line %ld)",
                 l, strerror(c->io_errno), l);
    else
      (void)FAIL(c, FZ_IO,
                 "第 %ld 行附近读取 CSV 失败 (read error near line %ld)", l,
                 l);
    break;
  }
}

/* ---- Parser ------------------------------------------------------------- */

/* Bytes that end a run of plain data, outside and inside quotes.  NUL is one
 * so that it is refused and every field is a C string. */
static const unsigned char special_plain[256] = {
    [0] = 1, ['\n'] = 1, ['\r'] = 1, [','] = 1};
static const unsigned char special_quoted[256] = {
    [0] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1};

/* Ends the field that began at c->fstart and ends at rec[o]. */
static int end_field(fz_csv *c, size_t o) {
  if (c->n == c->fields_cap) {
    size_t cap = c->fields_cap ? 2 * c->fields_cap : 16;
    if (cap > c->max_fields) cap = c->max_fields;
    if (cap <= c->n) cap = c->n + 1;
    size_t *off = realloc(c->off, cap * sizeof *off);
    if (off) c->off = off;
    fz_csv_field *f = realloc(c->fields, cap * sizeof *f);
    if (f) c->fields = f;
    if (!off || !f)
      return FAIL(c, FZ_NOMEM, "内存不足 (out of memory)");
    c->fields_cap = cap;
  }
  c->rec[o] = '\0';
  c->off[c->n] = c->fstart;
  c->fields[c->n].len = o - c->fstart;
  c->n++;
  return 0;
}

/* Ends the record: the fields get their pointers now that rec has stopped
 * moving. */
static void end_record(fz_csv *c, size_t o) {
  for (size_t i = 0; i < c->n; i++) c->fields[i].s = c->rec + c->off[i];
  c->rec_len = o;
  c->st = S_RECORD;
}

static int too_long(fz_csv *c) {
  size_t k = c->n + 1;
  if (c->st == S_UNQUOTED)
    return FAIL(c, FZ_TOOBIG,
                "第 %ld 行：第 %zu 个字段超过 %zu 字节 "
                "(line %ld: field %zu is longer than %zu bytes)",
                c->line, k, c->max_field, c->line, k, c->max_field);
  /* A quote left open swallows the rest of the file: this is how it shows
   * in a big one, so point at the quote. */
  return FAIL(c, FZ_TOOBIG,
              "第 %ld 行：第 %zu 个字段超过 %zu 字节，是否有引号未闭合？"
              " (line %ld: quoted field %zu is longer than %zu bytes; is a "
              "quote left open?)",
              c->quote_line, k, c->max_field, c->quote_line, k, c->max_field);
}

static int nul_byte(fz_csv *c, long line) {
  return FAIL(c, FZ_PARSE,
              "第 %ld 行：含有 NUL 字节，可能是 UTF-16 或二进制文件 "
              "(line %ld: NUL byte; is this a UTF-16 or binary file?)",
              line, line);
}

static int too_many_fields(fz_csv *c) {
  return FAIL(c, FZ_TOOBIG,
              "第 %ld 行：一条记录超过 %zu 个字段 "
              "(line %ld: more than %zu fields in a record)",
              c->line, c->max_fields, c->line, c->max_fields);
}

/* Parses the window [c->p, c->lim), which is not empty, into rec, which has
 * room for rec_len + (lim - p) + 1 bytes: every byte read writes at most one
 * (a comma or a line end writes the NUL of its field).  Returns 1 when a
 * record is complete, 0 when the window is used up, -1 on an error. */
static int scan(fz_csv *c) {
  const unsigned char *p = c->p, *lim = c->lim;
  char *rec = c->rec;
  size_t o = c->rec_len, max = c->max_field;
  int r = 0;

#define SAVE() (c->p = p, c->rec_len = o)
  while (p < lim) {
    switch (c->st) {
    case S_RECORD:
      /* Blank lines are skipped, but they are lines a user can see. */
      if (*p == '\n') {
        if (!c->cr) c->line++;
        c->cr = 0;
        p++;
        continue;
      }
      if (*p == '\r') {
        c->line++;
        c->cr = 1;
        p++;
        continue;
      }
      c->cr = 0;
      c->rec_line = c->line;
      c->n = 0;
      o = 0;
      c->fstart = 0;
      c->st = S_FIELD;
      /* fall through */
    case S_FIELD:
      if (*p == '"') {
        c->quote_line = c->line;
        c->st = S_QUOTED;
        p++;
        continue;
      }
      c->st = S_UNQUOTED;
      /* fall through */
    case S_UNQUOTED: {
      const unsigned char *q = p;
      while (q < lim && !special_plain[*q]) q++;
      size_t run = (size_t)(q - p);
      if (o - c->fstart + run > max) {
        SAVE();
        return too_long(c);
      }
      memcpy(rec + o, p, run);
      o += run;
      p = q;
      if (p == lim) break;
      unsigned char ch = *p++;
      if (ch == '\0') {
        SAVE();
        return nul_byte(c, c->line);
      }
      if (end_field(c, o)) {
        SAVE();
        return -1;
      }
      o++;
      if (ch == ',') {
        if (c->n == c->max_fields) {
          SAVE();
          return too_many_fields(c);
        }
        c->fstart = o;
        c->st = S_FIELD;
        continue;
      }
      c->line++;
      c->cr = ch == '\r';
      end_record(c, o);
      r = 1;
      goto out;
    }
    case S_QUOTED: {
      const unsigned char *q = p;
      while (q < lim && !special_quoted[*q]) q++;
      size_t run = (size_t)(q - p);
      if (run) c->cr = 0;
      if (o - c->fstart + run > max) {
        SAVE();
        return too_long(c);
      }
      memcpy(rec + o, p, run);
      o += run;
      p = q;
      if (p == lim) break;
      unsigned char ch = *p++;
      if (ch == '"') {
        c->cr = 0;
        c->st = S_QUOTE;
        continue;
      }
      if (ch == '\0') {
        SAVE();
        return nul_byte(c, c->line);
      }
      /* A line break inside quotes is data, and a line. */
      if (o - c->fstart + 1 > max) {
        SAVE();
        return too_long(c);
      }
      rec[o++] = (char)ch;
      if (ch == '\r' || !c->cr) c->line++;
      c->cr = ch == '\r';
      continue;
    }
    case S_QUOTE: {
      unsigned char ch = *p;
      if (ch == '"') { /* "" is one quote */
        if (o - c->fstart + 1 > max) {
          SAVE();
          return too_long(c);
        }
        rec[o++] = '"';
        c->st = S_QUOTED;
        p++;
        continue;
      }
      if (ch != ',' && ch != '\r' && ch != '\n') {
        SAVE();
        if (ch == '\0') return nul_byte(c, c->line);
        return FAIL(c, FZ_PARSE,
                    "第 %ld 行：第 %zu 个字段的闭合引号后有多余的字符 "
                    "(line %ld: unexpected character after the closing "
                    "quote of field %zu)",
                    c->line, c->n + 1, c->line, c->n + 1);
      }
      p++;
      if (end_field(c, o)) {
        SAVE();
        return -1;
      }
      o++;
      if (ch == ',') {
        if (c->n == c->max_fields) {
          SAVE();
          return too_many_fields(c);
        }
        c->fstart = o;
        c->st = S_FIELD;
        continue;
      }
      c->line++;
      c->cr = ch == '\r';
      end_record(c, o);
      r = 1;
      goto out;
    }
    }
  }
out:
  SAVE();
#undef SAVE
  return r;
}

/* The input has ended: a record in progress ends with it.  Returns 1 for a
 * record, 0 at the end, -1 on an error. */
static int scan_end(fz_csv *c) {
  switch (c->st) {
  case S_RECORD:
    c->done = 1;
    return 0;
  case S_QUOTED:
    return FAIL(c, FZ_PARSE,
                "第 %ld 行：引号未闭合 (line %ld: unterminated quoted field)",
                c->quote_line, c->quote_line);
  default:
    /* S_FIELD after a comma: the last field is empty. */
    if (end_field(c, c->rec_len)) return -1;
    end_record(c, c->rec_len + 1);
    return 1;
  }
}

/* Makes room in rec for the window (see scan). */
static int reserve(fz_csv *c) {
  size_t need = c->rec_len + (size_t)(c->lim - c->p) + 1;
  if (need <= c->rec_cap) return 0;
  size_t cap = c->rec_cap ? c->rec_cap : 4096;
  while (cap < need) cap *= 2;
  char *rec = realloc(c->rec, cap);
  if (!rec) return FAIL(c, FZ_NOMEM, "内存不足 (out of memory)");
  c->rec = rec;
  c->rec_cap = cap;
  return 0;
}

/* ---- Public ------------------------------------------------------------- */

static fz_err nomem(fz_error *err) {
  return fz_error_set(err, FZ_NOMEM, "csv", "内存不足 (out of memory)");
}

/* Reads the first RAW_SIZE bytes (or all, if fewer) and decides the
 * encoding from them. */
static fz_err start(fz_csv *c, fz_error *err) {
  c->cd = (iconv_t)-1;
  c->line = 1;
  c->max_field = FZ_CSV_MAX_FIELD_DEFAULT;
  c->max_fields = FZ_CSV_MAX_FIELDS_DEFAULT;
  c->raw = malloc(RAW_SIZE);
  if (!c->raw) return nomem(err);
  while (!c->src_eof && c->raw_len < RAW_SIZE) read_some(c);
  if (c->stop == STOP_IO) {
    if (c->io_errno)
      return fz_error_set(err, FZ_IO, "csv", "读取 CSV 失败：%s (read error)",
                          strerror(c->io_errno));
    return fz_error_set(err, FZ_IO, "csv", "读取 CSV 失败 (read error)");
  }

  const unsigned char *u = (const unsigned char *)c->raw;
  if (c->raw_len >= 2 &&
      ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
    return fz_error_set(err, FZ_UNSUPPORTED, "csv",
                        "UTF-16 文件不受支持，请另存为 UTF-8 或 GB18030 CSV "
                        "(UTF-16 files are not supported; save the file as "
                        "UTF-8 or GB18030 CSV)");
  if (c->raw_len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
    c->enc = ENC_UTF8_BOM;
    c->raw_pos = 3;
    return FZ_OK;
  }
  /* A character cut by the end of the window is fine; cut by the end of the
   * file it is not UTF-8. */
  int status;
  utf8_prefix(u, c->raw_len, &status);
  if (status == U_OK || (status == U_CUT && !c->src_eof)) {
    c->enc = ENC_UTF8;
    return FZ_OK;
  }
  c->enc = ENC_GB18030;
  c->cd = iconv_open("UTF-8", "GB18030");
  if (c->cd == (iconv_t)-1)
    return fz_error_set(err, FZ_UNSUPPORTED, "csv",
                        "文件不是 UTF-8，而本系统无法转换 GB18030：%s "
                        "(the file is not UTF-8 and iconv cannot convert "
                        "GB18030 here)",
                        strerror(errno));
  c->dec = malloc(DEC_SIZE);
  if (!c->dec) return nomem(err);
  return FZ_OK;
}

static fz_err open_with(fz_csv **out, fz_csv *c, fz_error *err) {
  fz_err rc = start(c, err);
  if (rc) {
    fz_csv_free(c);
    c = NULL;
  }
  *out = c;
  return rc;
}

fz_err fz_csv_open(fz_csv **out, fz_csv_read_fn read, void *ctx,
                   fz_error *err) {
  *out = NULL;
  fz_csv *c = calloc(1, sizeof *c);
  if (!c) return nomem(err);
  c->read = read;
  c->ctx = ctx;
  return open_with(out, c, err);
}

fz_err fz_csv_open_file(fz_csv **out, FILE *f, fz_error *err) {
  *out = NULL;
  fz_csv *c = calloc(1, sizeof *c);
  if (!c) return nomem(err);
  c->read = read_file;
  c->ctx = c;
  c->file = f;
  return open_with(out, c, err);
}

fz_err fz_csv_open_mem(fz_csv **out, const void *data, size_t len,
                       fz_error *err) {
  *out = NULL;
  fz_csv *c = calloc(1, sizeof *c);
  if (!c) return nomem(err);
  c->read = read_mem;
  c->ctx = c;
  c->mem = data;
  c->mem_left = data ? len : 0;
  return open_with(out, c, err);
}

void fz_csv_set_limits(fz_csv *c, size_t max_field, size_t max_fields) {
  c->max_field = max_field ? max_field : FZ_CSV_MAX_FIELD_DEFAULT;
  c->max_fields = max_fields ? max_fields : FZ_CSV_MAX_FIELDS_DEFAULT;
}

fz_err fz_csv_next(fz_csv *c, const fz_csv_field **fields, size_t *n,
                   fz_error *err) {
  *fields = NULL;
  *n = 0;
  if (c->rc) goto fail;
  if (c->done) goto end;
  /* Every call starts a record: the last one returned is given up now. */
  c->rec_len = 0;
  c->n = 0;
  for (;;) {
    int r;
    if (c->p == c->lim) {
      if (c->stop) {
        fail_stop(c);
        goto fail;
      }
      if (!(c->src_eof && c->raw_pos == c->raw_len)) {
        refill(c);
        continue;
      }
      r = scan_end(c);
    } else {
      r = reserve(c);
      if (r == 0) r = scan(c);
    }
    if (r > 0) break;
    if (r < 0) goto fail;
    if (c->done) goto end;
  }
  *fields = c->fields;
  *n = c->n;
  fz_error_clear(err);
  return FZ_OK;

fail:
  if (err) *err = c->err;
  return c->rc;
end:
  return fz_error_set(err, FZ_NODATA, "csv", "没有更多记录 (end of input)");
}

long fz_csv_line(const fz_csv *c) { return c->rec_line; }

const char *fz_csv_encoding(const fz_csv *c) {
  switch (c->enc) {
  case ENC_UTF8_BOM:
    return "UTF-8 (BOM)";
  case ENC_GB18030:
    return "GB18030";
  default:
    return "UTF-8";
  }
}

unsigned long long fz_csv_bytes_read(const fz_csv *c) { return c->bytes; }

void fz_csv_free(fz_csv *c) {
  if (!c) return;
  if (c->cd != (iconv_t)-1) iconv_close(c->cd);
  free(c->raw);
  free(c->dec);
  free(c->rec);
  free(c->off);
  free(c->fields);
  free(c);
}
