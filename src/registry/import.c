/* import.c — bulk import of registry records from CSV, in batches that
 * each commit with one ledger event carrying the file's SM3. */
#include "registry/import.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/digest.h"
#include "ledger/ledger.h"
#include "registry/rec_int.h"

/* A row waiting to be written: its line and its normalised values at
 * offsets into the batch's text. */
typedef struct pending {
  long line;
  size_t off[FZ_REC_MAX_FIELDS];
} pending;

/* A row refused while reading, reported when the batch is written. */
typedef struct refusal {
  long line;
  char field[64];
  char reason[512];
} refusal;

/* One batch: its rows, the rows it refused while reading, and how far
 * into the file it reached. */
typedef struct batch {
  pending *rows;
  size_t nrows, cap;
  refusal *refused;
  size_t nrefused, refcap;
  fz_buf text; /* the rows' values, NUL-separated */
  long long read;              /* data rows read into it */
  unsigned long long bytes;    /* the file's bytes read at its end */
  int more;                    /* 0 once the file has ended */
  fz_err rc;                   /* a read error, with err */
  fz_error err;
} batch;

/* The pending batch is written while the next one is read ahead on a
 * thread of its own (see fz_import_read): the other element of batches. */
struct fz_import {
  fz_import_opts o;
  const fz_rkind *k;
  fz_csv *csv;
  int col[FZ_REC_MAX_FIELDS * 2]; /* field of each CSV column, -1 ignored */
  size_t ncols;
  batch batches[2];
  batch *cur;       /* the pending batch */
  int ahead;        /* 1 while the reader thread fills the other batch */
  int ahead_max;
  pthread_t reader;
  fz_import_stats stats;
  int64_t now;
  fz_rec_row row; /* scratch of the reading side */
  int bulk;       /* the connection's cache is raised for bulk batches */
};

/* Batches at least this large are a bulk load (see bulk_settings). */
#define FZ_IMPORT_BULK_ROWS 20000

/* Column headers that are accepted and ignored: what an export adds. */
static int ignored_column(const char *name) {
  return strcmp(name, "active") == 0 || strcmp(name, "启用") == 0 ||
         strcmp(name, FZ_REG_MASKED_ID_LABEL) == 0 || strcmp(name, "id") == 0;
}

fz_err fz_import_open(fz_import **out, fz_csv *csv, const fz_import_opts *o,
                      fz_error *err) {
  *out = NULL;
  fz_import *im = calloc(1, sizeof *im);
  if (!im) return fz_error_set(err, FZ_NOMEM, "", NULL);
  im->o = *o;
  im->k = fz_reg_kind_get(o->kind);
  im->csv = csv;
  for (int i = 0; i < 2; i++) fz_buf_init(&im->batches[i].text, 0);
  im->cur = &im->batches[0];
  const fz_csv_field *f;
  size_t n;
  fz_err rc = fz_csv_next(csv, &f, &n, err);
  if (rc == FZ_NODATA)
    rc = fz_error_set(err, FZ_MISSING, "file",
                      "文件为空，第一行应为列名 / the file is empty; its first "
                      "line names the columns");
  if (!rc && n > FZ_REC_MAX_FIELDS * 2)
    rc = fz_error_set(err, FZ_INVALID, "file", "列数过多 / too many columns");
  int seen[FZ_REC_MAX_FIELDS] = {0};
  for (size_t i = 0; !rc && i < n; i++) {
    int idx = fz_reg_field_find(o->kind, f[i].s);
    im->col[i] = idx;
    if (idx < 0 && !ignored_column(f[i].s)) {
      char names[768] = "";
      size_t used = 0;
      for (size_t j = 0; j < im->k->nfields; j++) {
        int w = snprintf(names + used, sizeof names - used, "%s%s(%s)",
                         j ? ", " : "", im->k->fields[j].name,
                         im->k->fields[j].label);
        if (w > 0 && (size_t)w < sizeof names - used) used += (size_t)w;
      }
      rc = fz_error_set(err, FZ_INVALID, "file",
                        "第 1 行第 %zu 列 \"%.60s\" 不是%s的字段 / column %zu is "
                        "not a field of %s; the columns are: %s",
                        i + 1, f[i].s, im->k->label, i + 1, im->k->name, names);
    } else if (idx >= 0 && seen[idx]++) {
      rc = fz_error_set(err, FZ_INVALID, "file",
                        "第 1 行：列 \"%.60s\" 重复 / column repeated", f[i].s);
    }
  }
  im->ncols = n;
  for (size_t j = 0; !rc && j < im->k->nfields; j++)
    if ((im->k->fields[j].flags & FZ_FF_REQUIRED) && !seen[j])
      rc = fz_error_set(err, FZ_MISSING, "file",
                        "缺少必需的列 %s（%s） / the required column %s is "
                        "missing",
                        im->k->fields[j].name, im->k->fields[j].label,
                        im->k->fields[j].name);
  if (rc) {
    fz_import_free(im);
    return rc;
  }
  *out = im;
  return FZ_OK;
}

static int refuse(batch *b, long line, const char *field,
                  const char *reason) {
  if (b->nrefused == b->refcap) {
    size_t cap = b->refcap ? b->refcap * 2 : 64;
    refusal *r = realloc(b->refused, cap * sizeof *r);
    if (!r) return -1;
    b->refused = r;
    b->refcap = cap;
  }
  refusal *r = &b->refused[b->nrefused++];
  r->line = line;
  snprintf(r->field, sizeof r->field, "%.63s", field ? field : "");
  snprintf(r->reason, sizeof r->reason, "%.511s", reason);
  return 0;
}

/* Reads and checks up to max rows into b, which is empty. */
static fz_err read_batch(fz_import *im, batch *b, int max, fz_error *err) {
  b->more = 1;
  for (int got = 0; got < max;) {
    const fz_csv_field *f;
    size_t n;
    fz_err rc = fz_csv_next(im->csv, &f, &n, err);
    if (rc == FZ_NODATA) {
      b->more = 0;
      return FZ_OK;
    }
    if (rc) return rc;
    long line = fz_csv_line(im->csv);
    b->read++;
    got++;
    fz_rec rec = {{0}};
    fz_error e = {0};
    fz_err bad = FZ_OK;
    if (n != im->ncols && !(n == 1 && f[0].len == 0))
      bad = fz_error_set(&e, FZ_INVALID, "",
                         "本行有 %zu 列，表头有 %zu 列 / %zu columns, the "
                         "header has %zu",
                         n, im->ncols, n, im->ncols);
    for (size_t i = 0; !bad && i < n; i++) {
      const char *v = f[i].s;
      /* An export guards cells that a spreadsheet would run as formulas
       * with a leading ' (registry/table.h); reading back, drop it. */
      if (v[0] == '\'' && v[1] && strchr("=+-@\t\r", v[1])) v++;
      if (im->col[i] >= 0) rec.v[im->col[i]] = v;
    }
    if (!bad) bad = fz_rec_normalise(im->k, &rec, 1, &im->row, &e);
    if (bad) {
      if (refuse(b, line, e.field, e.message))
        return fz_error_set(err, FZ_NOMEM, "", NULL);
      continue;
    }
    if (b->nrows == b->cap) {
      size_t cap = b->cap ? b->cap * 2 : 1024;
      pending *p = realloc(b->rows, cap * sizeof *p);
      if (!p) return fz_error_set(err, FZ_NOMEM, "", NULL);
      b->rows = p;
      b->cap = cap;
    }
    pending *p = &b->rows[b->nrows++];
    p->line = line;
    for (size_t i = 0; i < im->k->nfields; i++) {
      p->off[i] = b->text.len;
      fz_buf_append(&b->text, im->row.v[i], strlen(im->row.v[i]) + 1);
    }
    if (b->text.err) return fz_error_set(err, b->text.err, "", NULL);
  }
  return FZ_OK;
}

/* Fills b (emptied first) as far as max rows, recording how it ended. */
static void fill(fz_import *im, batch *b, int max) {
  b->nrows = b->nrefused = 0;
  b->read = 0;
  fz_buf_reset(&b->text);
  b->rc = read_batch(im, b, max, &b->err);
  b->bytes = fz_csv_bytes_read(im->csv);
}

static batch *other(fz_import *im) {
  return im->cur == &im->batches[0] ? &im->batches[1] : &im->batches[0];
}

static void *read_ahead(void *arg) {
  fz_import *im = arg;
  fill(im, other(im), im->ahead_max);
  return NULL;
}

/* Waits for the reader thread, if one runs. */
static void join_reader(fz_import *im) {
  if (im->ahead) pthread_join(im->reader, NULL);
  im->ahead = 0;
}

/* The batch just written is done with: the next one, read ahead while it
 * was written (or now, at the first call or when no thread could start),
 * becomes the pending one, and the one after it is read ahead in turn.
 * The CSV reader, the other batch and the scratch row belong to the
 * reader thread while it runs; everything else stays on the caller's. */
fz_err fz_import_read(fz_import *im, int max, int *more, fz_error *err) {
  batch *next = other(im);
  if (im->ahead) join_reader(im);
  else fill(im, next, max);
  im->cur = next;
  im->stats.rows += next->read;
  *more = next->rc == FZ_OK && next->more;
  if (next->rc) {
    *err = next->err;
    return next->rc;
  }
  if (*more) {
    im->ahead_max = max;
    im->ahead = pthread_create(&im->reader, NULL, read_ahead, im) == 0;
  }
  return FZ_OK;
}

unsigned long long fz_import_bytes_read(const fz_import *im) {
  return im->cur->bytes;
}

void fz_import_set_now(fz_import *im, int64_t now) { im->now = now; }

/* Reports the refusals of lines before `before` (all when -1), in order. */
static fz_err flush_refusals(fz_import *im, fz_db *db, size_t *next,
                             long before, fz_error *err) {
  const batch *b = im->cur;
  for (; *next < b->nrefused &&
         (before < 0 || b->refused[*next].line < before);
       (*next)++) {
    refusal *r = &b->refused[*next];
    im->stats.rejected++;
    if (im->o.reject &&
        im->o.reject(im->o.reject_ctx, db, r->line, r->field, r->reason))
      return fz_error_set(err, FZ_DB, "", "cannot record a rejected row");
  }
  return FZ_OK;
}

/* SQLite's page cache (2 MiB by default) is far smaller than what a batch
 * of a bulk file changes in the table and its indexes: it would write
 * pages out to the WAL in the middle of the batch, again and again, where
 * a cache that holds the batch writes each page once, at the commit.  And
 * each insert's statement journal (ON CONFLICT may undo a row half
 * written) goes to a temporary file, six writes a row, unless temporary
 * data stays in memory.  So a batch of FZ_IMPORT_BULK_ROWS or more sets a
 * 256 MiB cache and temporary data in memory on its connection, for the
 * rest of the connection's life: the command line's import, whose
 * connection ends with it.  The server's batches are smaller and leave the
 * writer's connection as it is. */
static fz_err bulk_settings(fz_import *im, fz_db *db, fz_error *err) {
  if (im->bulk || im->cur->nrows < FZ_IMPORT_BULK_ROWS ||
      fz_db_backend(db) != FZ_BACKEND_SQLITE)
    return FZ_OK;
  fz_err rc = fz_db_exec(db, "PRAGMA cache_size = -262144; "
                             "PRAGMA temp_store = MEMORY", err);
  if (!rc) im->bulk = 1;
  return rc;
}

fz_err fz_import_write(fz_db *db, void *ctx, fz_error *err) {
  fz_import *im = ctx;
  batch *b = im->cur;
  if (!b->nrows && !b->nrefused) return FZ_OK;
  int64_t now = im->now ? im->now : fz_now_ms();
  const fz_rkind *k = im->k;
  fz_stmt *st = NULL;
  int64_t id = 0, first_id = 0;
  long long inserted = 0, rejected_before = im->stats.rejected;
  size_t next_refusal = 0;
  fz_err rc = bulk_settings(im, db, err);
  if (!rc) rc = fz_rec_next_id(db, k, &id, err);
  if (!rc) rc = fz_rec_insert_prepare(db, k, &st, err);
  first_id = id;
  const char *v[FZ_REC_MAX_FIELDS];
  for (size_t r = 0; !rc && r < b->nrows; r++) {
    pending *p = &b->rows[r];
    rc = flush_refusals(im, db, &next_refusal, p->line, err);
    for (size_t i = 0; i < k->nfields; i++) v[i] = b->text.data + p->off[i];
    fz_error e = {0};
    int ins = 0;
    fz_err bad = rc ? rc : fz_rec_check_all(db, im->o.by, k, id, v, &e);
    if (!bad) {
      rc = fz_rec_insert_run(db, st, k, id, v, now, &ins, err);
      if (!rc && !ins) bad = fz_rec_exists_error(k, v, &e);
    }
    if (rc) break;
    if (bad == FZ_DB || bad == FZ_NOMEM || bad == FZ_BUSY) {
      rc = bad;
      *err = e;
      break;
    }
    if (bad) {
      im->stats.rejected++;
      if (im->o.reject &&
          im->o.reject(im->o.reject_ctx, db, p->line, e.field, e.message))
        rc = fz_error_set(err, FZ_DB, "", "cannot record a rejected row");
      continue;
    }
    id++;
    inserted++;
  }
  fz_stmt_finalize(st);
  if (!rc) rc = flush_refusals(im, db, &next_refusal, -1, err);
  long first_line = 0, last_line = 0;
  if (b->nrows) first_line = b->rows[0].line, last_line = b->rows[b->nrows - 1].line;
  if (b->nrefused) {
    if (!first_line || b->refused[0].line < first_line)
      first_line = b->refused[0].line;
    if (b->refused[b->nrefused - 1].line > last_line)
      last_line = b->refused[b->nrefused - 1].line;
  }
  if (!rc) {
    char action[64];
    snprintf(action, sizeof action, "%s.import", k->object);
    json_t *data = json_pack(
        "{s:s, s:s, s:s, s:I, s:[I,I], s:I, s:I, s:o}", "kind", k->name,
        "file_name", im->o.file_name ? im->o.file_name : "", "file_sm3",
        im->o.file_sm3 ? im->o.file_sm3 : "", "batch",
        (json_int_t)im->stats.batches + 1, "lines", (json_int_t)first_line,
        (json_int_t)last_line, "inserted", (json_int_t)inserted, "rejected",
        (json_int_t)(im->stats.rejected - rejected_before), "ids",
        inserted ? json_pack("[I,I]", (json_int_t)first_id,
                             (json_int_t)(first_id + inserted - 1))
                 : json_array());
    fz_event ev = {im->o.by->actor, action, "import",
                   im->o.object_id ? im->o.object_id : "", data};
    rc = data ? fz_ledger_append(db, &ev, now, NULL, err)
              : fz_error_set(err, FZ_NOMEM, "", NULL);
    json_decref(data);
  }
  if (rc) {
    /* The batch is undone by the caller: its counts with it. */
    im->stats.rejected = rejected_before;
    return rc;
  }
  im->stats.inserted += inserted;
  im->stats.batches++;
  b->nrows = 0;
  b->nrefused = 0;
  fz_buf_reset(&b->text);
  return FZ_OK;
}

void fz_import_get_stats(const fz_import *im, fz_import_stats *s) {
  *s = im->stats;
}

void fz_import_free(fz_import *im) {
  if (!im) return;
  join_reader(im);
  for (int i = 0; i < 2; i++) {
    free(im->batches[i].rows);
    free(im->batches[i].refused);
    fz_buf_free(&im->batches[i].text);
  }
  free(im);
}

fz_err fz_import_file_sm3(const char *path, char hex[65], fz_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return fz_error_set(err, FZ_IO, "file", "cannot open %s", path);
  uint8_t d[FZ_DIGEST_LEN];
  int ok = fz_digest_file(FZ_HASH_SM3, f, d);
  fclose(f);
  if (!ok) return fz_error_set(err, FZ_IO, "file", "cannot hash %s", path);
  fz_hash_hex(d, hex);
  return FZ_OK;
}
