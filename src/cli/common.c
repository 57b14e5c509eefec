/* common.c — what the subcommands that open a database share: settings
 * from file, environment and flags, and a migrated connection. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/log.h"
#include "id/seal.h"
#include "registry/registry.h"

/* Settings from file, environment and flags; prints the error and returns
 * non-zero when they are bad or positional arguments are left over. */
int fz_cli_settings(fz_config *cfg, int argc, char **argv, const char *usage) {
  int rest;
  fz_error e;
  if (fz_config_from_args(cfg, argc, argv, 1, &rest, &e)) {
    fprintf(stderr, "fazhi %s: %s\n", argv[0], e.message);
    return 2;
  }
  if (rest > 0) {
    fprintf(stderr, "fazhi %s: unexpected argument \"%s\"\nusage: %s\n",
            argv[0], argv[1], usage);
    return 2;
  }
  fz_log_set_level((fz_log_level)fz_log_level_parse(cfg->log_level));
  return 0;
}

/* For sqlite:PATH, creates PATH's folder if it is missing (one level, like
 * var/ in a fresh checkout). */
static void make_sqlite_folder(const char *url) {
  if (strncmp(url, "sqlite:", 7) != 0) return;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s", url + 7);
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir) return;
  *slash = '\0';
  if (mkdir(dir, 0750) != 0 && errno != EEXIST)
    fprintf(stderr, "fazhi: cannot create %s: %s\n", dir, strerror(errno));
}

/* Opens one connection and migrates it; prints what went wrong. */
fz_db *fz_cli_open_migrated(const char *url, int *version) {
  fz_db *db;
  fz_error e;
  make_sqlite_folder(url);
  if (fz_db_open(url, &db, &e)) {
    fprintf(stderr, "fazhi: cannot open the database: %s\n", e.message);
    return NULL;
  }
  if (fz_db_migrate(db, version, &e)) {
    fprintf(stderr, "fazhi: cannot migrate the database: %s\n", e.message);
    fz_db_close(db);
    return NULL;
  }
  return db;
}

fz_seal_key *fz_cli_seal_key(const fz_config *cfg, int create) {
  char path[1100];
  fz_config_id_key(cfg, path, sizeof path);
  fz_error e;
  fz_seal_key *key = NULL;
  fz_err rc = fz_seal_key_load(path, &key, &e);
  if (rc == FZ_NOTFOUND && create) {
    char dir[1100];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
      *slash = '\0';
      mkdir(dir, 0750); /* one level, like var/ in a fresh checkout */
    }
    rc = fz_seal_key_create(path, &e);
    if (!rc) rc = fz_seal_key_load(path, &key, &e);
  }
  if (rc) {
    fprintf(stderr, "fazhi: %s; ID numbers (身份证号) cannot be stored\n",
            e.message);
    return NULL;
  }
  fz_reg_set_seal_key(key);
  return key;
}

int fz_cli_read_file(const char *who, const char *name, fz_buf *b) {
  FILE *f = fopen(name, "rb");
  if (!f) {
    fprintf(stderr, "%s: cannot open %s: %s\n", who, name, strerror(errno));
    return -1;
  }
  static char chunk[1 << 16];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && !b->err)
    fz_buf_append(b, chunk, n);
  int bad = ferror(f);
  fclose(f);
  if (bad || b->err) {
    fprintf(stderr, "%s: cannot read %s: %s\n", who, name,
            bad ? "read error" : b->err == FZ_TOOBIG ? "the file is too large"
                                                     : "out of memory");
    return -1;
  }
  return 0;
}
