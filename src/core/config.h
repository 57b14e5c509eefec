/* config.h — the settings of a fazhi process.  Sources, each overriding the
 * one before: built-in defaults < configuration file (`key = value` lines,
 * `#` comments) < environment (FAZHI_<KEY>, e.g. FAZHI_DB) < command-line
 * flags (--key value or --key=value, '-' and '_' alike). */
#ifndef FZ_CORE_CONFIG_H
#define FZ_CORE_CONFIG_H

#include <stddef.h>

#include "core/error.h"

typedef struct fz_config {
  char db[1024];        /* database URL: sqlite:PATH or postgresql://… */
  char listen[128];     /* ADDR:PORT, [IPv6]:PORT */
  char data_dir[1024];  /* admin overrides of data/ (calendars); "" = none */
  char log_level[16];   /* debug, info, warn, error, off */
  char id_key[1024];    /* the key sealing ID numbers; "" = beside a
                           SQLite database (PATH.idkey), else var/id.key */
  char ledger_key[1024]; /* the ledger's private key file; "" = beside a
                            SQLite database (PATH.key), else var/ledger.key */
  char ledger_origin[256]; /* the ledger's name in its checkpoints */
  char web[1024];       /* the built web front end (web/dist) that serve
                           gives for paths outside /api/; "" = web/dist
                           when it exists under the working folder */
  int threads;          /* HTTP worker threads; 0 = 32 per core */
  long body_limit;      /* largest request body in bytes */
  long upload_limit;    /* largest uploaded file (bulk imports) in bytes */
  int read_timeout;     /* seconds a connection may stay idle mid-request */
  int shutdown_grace;   /* seconds in-flight requests get at shutdown */
  int session_idle;     /* seconds of disuse that end a session */
  int lockout_failures; /* failed logins in a row that lock an account */
  int lockout_seconds;  /* how long such a lock holds */
} fz_config;

/* The ledger key file to use: c->ledger_key, or its default.  Writes into
 * buf (size bytes) and returns buf. */
const char *fz_config_ledger_key(const fz_config *c, char *buf, size_t size);

/* The same for the key that seals personal ID numbers (id/seal.h). */
const char *fz_config_id_key(const fz_config *c, char *buf, size_t size);

/* Fills *c with the built-in defaults. */
void fz_config_defaults(fz_config *c);

/* The HTTP worker threads: the setting, else 32 per core.  Most of them
 * are usually waiting for the writer's commit (group commit batches the
 * changes of the waiting requests), so there are many more than cores.
 * And the read connections they share: one per thread up to 4 per core,
 * since a thread that waits for a commit holds none. */
int fz_config_threads(const fz_config *c);
int fz_config_connections(const fz_config *c);

/* Sets one key from its text form, validating it; unknown keys and bad
 * values are FZ_UNKNOWN / FZ_INVALID with the key as the field. */
fz_err fz_config_set(fz_config *c, const char *key, const char *value,
                     fz_error *err);

/* Parses a configuration file's text (`key = value` per line).  Errors name
 * the line.  `origin` names the file in messages. */
fz_err fz_config_parse(fz_config *c, const char *text, size_t len,
                       const char *origin, fz_error *err);

/* Reads and parses the file at path. */
fz_err fz_config_load_file(fz_config *c, const char *path, fz_error *err);

/* Applies every FAZHI_<KEY> variable set in the environment. */
fz_err fz_config_load_env(fz_config *c, fz_error *err);

/* Applies the whole chain: defaults, the file named by --config FILE or
 * FAZHI_CONFIG (if any), the environment, then the flags in argv[first..].
 * Arguments that are not flags are left in place and counted in *rest
 * (positional arguments, compacted to the front of argv+first). */
fz_err fz_config_from_args(fz_config *c, int argc, char **argv, int first,
                           int *rest, fz_error *err);

#endif
