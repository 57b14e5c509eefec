/* cmd_registry.c — fazhi import and fazhi export: registry records in and
 * out of CSV (and XLSX) files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/account.h"
#include "cli/cli.h"
#include "id/seal.h"
#include "registry/export.h"
#include "registry/import.h"

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Prints a rejected row (the first 50 on stderr) and, with a report file,
 * every one as CSV. */
typedef struct rejects {
  FILE *report;
  long long n;
} rejects;

static int on_reject(void *ctx, fz_db *db, long line, const char *field,
                     const char *reason) {
  rejects *r = ctx;
  if (r->n++ < 50)
    fprintf(stderr, "line %ld: %s%s%s\n", line, field, *field ? ": " : "",
            reason);
  if (r->report) {
    fprintf(r->report, "%ld,%s,\"", line, field);
    for (const char *p = reason; *p; p++) {
      if (*p == '"') fputc('"', r->report);
      fputc(*p, r->report);
    }
    fputs("\"\r\n", r->report);
  }
  return 0;
}

static int import_file(fz_db *db, fz_reg_kind kind, const char *path,
                       int batch, rejects *rj) {
  fz_error e;
  char sm3[65];
  if (fz_import_file_sm3(path, sm3, &e)) {
    fprintf(stderr, "fazhi import: %s\n", e.message);
    return 2;
  }
  FILE *f = fopen(path, "rb");
  fz_csv *csv = NULL;
  if (!f || fz_csv_open_file(&csv, f, &e)) {
    fprintf(stderr, "fazhi import: %s: %s\n", path,
            f ? e.message : "cannot open");
    if (f) fclose(f);
    return 2;
  }
  fz_principal cli;
  fz_principal_cli(&cli);
  const char *base = strrchr(path, '/');
  fz_import_opts o = {kind, &cli, base ? base + 1 : path, sm3, sm3,
                      on_reject, rj};
  fz_import *im = NULL;
  double t0 = seconds();
  fz_err rc = fz_import_open(&im, csv, &o, &e);
  int more = 1;
  while (!rc && more) {
    rc = fz_import_read(im, batch, &more, &e);
    if (!rc) rc = fz_db_begin(db, &e);
    if (!rc) {
      rc = fz_import_write(db, im, &e);
      if (!rc) rc = fz_db_commit(db, &e);
      if (rc) fz_db_rollback(db);
    }
  }
  double t = seconds() - t0;
  fz_import_stats s = {0};
  if (im) fz_import_get_stats(im, &s);
  if (rc)
    fprintf(stderr, "fazhi import: %s\n(%lld rows committed before this)\n",
            e.message, s.inserted);
  else
    printf("imported %s from %s (%s): %lld rows, %lld inserted, %lld "
           "rejected, %lld batches, %.2f s, %.0f rows/s\nfile SM3 %s\n",
           fz_reg_kind_name(kind), path, fz_csv_encoding(csv), s.rows,
           s.inserted, s.rejected, s.batches, t, t > 0 ? (double)s.rows / t : 0,
           sm3);
  fz_import_free(im);
  fz_csv_free(csv);
  fclose(f);
  return rc ? 2 : s.rejected ? 1 : 0;
}

int fz_cmd_import(int argc, char **argv) {
  static const char usage[] =
      "fazhi import departments|officers|entities|matters|items|conflicts "
      "FILE [--db URL] [--batch ROWS] [--report ERRORS.csv]";
  const char *pos[2] = {NULL, NULL}, *report = NULL;
  int npos = 0, out = 1, batch = 50000;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
      batch = (int)strtol(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--report") == 0 && i + 1 < argc) {
      report = argv[++i];
    } else if (argv[i][0] != '-' && npos < 2 &&
               (i == 1 || argv[i - 1][0] != '-' || npos)) {
      pos[npos++] = argv[i];
    } else {
      argv[out++] = argv[i];
    }
  }
  if (npos < 2 || batch < 1 || batch > 1000000) {
    fprintf(stderr, "usage: %s\n", usage);
    return 2;
  }
  fz_config cfg;
  int rc = fz_cli_settings(&cfg, out, argv, usage);
  if (rc) return rc;
  fz_reg_kind kind;
  fz_error e;
  if (fz_reg_kind_parse(pos[0], &kind, &e)) {
    fprintf(stderr, "fazhi import: %s\nusage: %s\n", e.message, usage);
    return 2;
  }
  int version;
  fz_db *db = fz_cli_open_migrated(cfg.db, &version);
  if (!db) return 2;
  fz_seal_key *key = fz_cli_seal_key(&cfg, 0);
  rejects rj = {NULL, 0};
  if (report && !(rj.report = fopen(report, "w"))) {
    fprintf(stderr, "fazhi import: cannot write %s\n", report);
    rc = 2;
  }
  if (rj.report) fputs("\xef\xbb\xbfline,field,reason\r\n", rj.report);
  if (!rc) rc = import_file(db, kind, pos[1], batch, &rj);
  if (rj.report && fclose(rj.report)) rc = 2;
  fz_db_close(db);
  fz_seal_key_free(key);
  return rc;
}

/* ---- export -------------------------------------------------------------- */

typedef struct filters {
  char *name[FZ_REC_MAX_FIELDS + 8], *value[FZ_REC_MAX_FIELDS + 8];
  int n;
} filters;

static const char *get(void *ctx, const char *name) {
  filters *f = ctx;
  for (int i = 0; i < f->n; i++)
    if (strcmp(f->name[i], name) == 0) return f->value[i];
  return NULL;
}

int fz_cmd_export(int argc, char **argv) {
  static const char usage[] =
      "fazhi export departments|officers|entities|matters|items|conflicts "
      "[--format csv|xlsx] [--out FILE] [--where FIELD=VALUE]… [--db URL]";
  const char *kind_name = NULL, *format = "csv", *path = NULL;
  filters fl = {.n = 0};
  int out = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
      format = argv[++i];
    } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      path = argv[++i];
    } else if (strcmp(argv[i], "--where") == 0 && i + 1 < argc) {
      char *eq = strchr(argv[++i], '=');
      if (!eq || fl.n == (int)(sizeof fl.name / sizeof fl.name[0])) {
        fprintf(stderr, "fazhi export: --where FIELD=VALUE\n");
        return 2;
      }
      *eq = '\0';
      fl.name[fl.n] = argv[i];
      fl.value[fl.n++] = eq + 1;
    } else if (!kind_name && argv[i][0] != '-') {
      kind_name = argv[i];
    } else {
      argv[out++] = argv[i];
    }
  }
  fz_config cfg;
  int rc = fz_cli_settings(&cfg, out, argv, usage);
  if (rc) return rc;
  fz_error e;
  fz_reg_kind kind;
  fz_table_format fmt;
  fz_reg_query q;
  if (!kind_name) {
    fprintf(stderr, "usage: %s\n", usage);
    return 2;
  }
  if (fz_reg_kind_parse(kind_name, &kind, &e) ||
      fz_table_format_parse(format, &fmt, &e) ||
      fz_reg_query_parse(kind, get, &fl, &q, &e)) {
    fprintf(stderr, "fazhi export: %s\nusage: %s\n", e.message, usage);
    return 2;
  }
  if (fmt == FZ_TABLE_XLSX && !path) {
    fprintf(stderr, "fazhi export: an XLSX file needs --out FILE\n");
    return 2;
  }
  int version;
  fz_db *db = fz_cli_open_migrated(cfg.db, &version);
  if (!db) return 2;
  fz_principal cli;
  fz_principal_cli(&cli);
  FILE *f = fmt == FZ_TABLE_XLSX ? NULL : path ? fopen(path, "wb") : stdout;
  size_t rows = 0;
  fz_err err = fmt == FZ_TABLE_CSV && !f
                   ? fz_error_set(&e, FZ_IO, "out", "cannot write %s", path)
                   : fz_reg_export(db, &cli, kind, &q, fmt, path, f, &rows, &e);
  if (f && f != stdout && fclose(f) && !err)
    err = fz_error_set(&e, FZ_IO, "out", "cannot write %s", path);
  fz_db_close(db);
  if (err) {
    fprintf(stderr, "fazhi export: %s\n", e.message);
    return 2;
  }
  if (path) fprintf(stderr, "exported %zu %s to %s\n", rows, kind_name, path);
  return 0;
}
