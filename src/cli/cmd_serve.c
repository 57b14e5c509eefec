/* cmd_serve.c — `fazhi serve` and `fazhi init`: open the database, bring its
 * schema up to date, and serve until SIGTERM or SIGINT. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <time.h>
#include <pthread.h>
#include <unistd.h>

#include "auth/account.h"
#include "cal/cal.h"
#include "cli/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "http/server.h"
#include "id/id.h"
#include "ledger/checkpoint.h"
#include "store/db.h"

/* Settings from file, environment and flags; prints the error and returns
 * non-zero when they are bad or positional arguments are left over. */
static int settings(fz_config *cfg, int argc, char **argv, const char *usage) {
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
static fz_db *open_migrated(const char *url, int *version) {
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

/* The 三员 of a new installation: each account gets a one-time password,
 * printed once by init and stored only as its hash. */
static const struct {
  const char *username, *display_name;
  fz_role role;
} admins[3] = {
    {"sysadmin", "系统管理员", FZ_ROLE_SYSADMIN},
    {"secadmin", "安全管理员", FZ_ROLE_SECADMIN},
    {"auditor", "审计管理员", FZ_ROLE_AUDITOR},
};

typedef struct admin_secret {
  char otp[FZ_OTP_LEN + 1];
  char hash[FZ_PASSWORD_HASH_SIZE];
} admin_secret;

/* Makes the one-time passwords and their hashes (before the transaction:
 * each hash is one Argon2 run). */
static fz_err admin_secrets(admin_secret out[3], fz_error *e) {
  fz_err err = FZ_OK;
  for (int i = 0; i < 3 && !err; i++) {
    err = fz_password_onetime(admins[i].username, out[i].otp, e);
    if (!err) err = fz_password_hash(out[i].otp, 0, 0, out[i].hash, e);
  }
  return err;
}

/* Creates the three accounts inside the open transaction of init, each
 * with its user.create event. */
static fz_err admin_accounts(fz_db *db, const admin_secret s[3], fz_error *e) {
  fz_principal cli;
  fz_principal_cli(&cli);
  int64_t now = (int64_t)time(NULL) * 1000, id;
  fz_err err = FZ_OK;
  for (int i = 0; i < 3 && !err; i++) {
    fz_user_new u = {admins[i].username, admins[i].display_name, "", 0,
                     FZ_ROLE_BIT(admins[i].role), 0};
    err = fz_user_create(db, &cli, &u, s[i].hash, now, &id, e);
  }
  return err;
}

int fz_cmd_init(int argc, char **argv) {
  static const char usage[] =
      "fazhi init [--db URL] [--demo] [--ledger-hash sm3|sha256]";
  int demo = 0, out = 1;
  const char *hash_name = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--demo") == 0) demo = 1;
    else if (strcmp(argv[i], "--ledger-hash") == 0 && i + 1 < argc) hash_name = argv[++i];
    else if (strncmp(argv[i], "--ledger-hash=", 14) == 0) hash_name = argv[i] + 14;
    else argv[out++] = argv[i];
  }
  fz_config cfg;
  int rc = settings(&cfg, out, argv, usage);
  if (rc) return rc;
  fz_error e;
  fz_hash_alg alg = FZ_HASH_SM3;
  if (hash_name && fz_hash_parse(hash_name, &alg, &e)) {
    fprintf(stderr, "fazhi init: %s\nusage: %s\n", e.message, usage);
    return 2;
  }
  char key[1100];
  fz_config_ledger_key(&cfg, key, sizeof key);
  int version;
  fz_db *db = open_migrated(cfg.db, &version);
  if (!db) return 2;

  /* A new installation fixes its ledger's hash, records its own creation
   * as the ledger's first event and creates the 三员 accounts, in one
   * transaction. */
  char *created = NULL;
  admin_secret secrets[3];
  int made_admins = 0;
  fz_err err = fz_db_meta_get(db, "created_at", &created, &e);
  if (err == FZ_NOTFOUND) {
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *data = json_pack("{s:s, s:s, s:b}", "fazhi_version", FZ_VERSION,
                             "ledger_hash", fz_hash_name(alg), "demo", demo);
    fz_event ev = {"cli", "instance.init", "instance", "1", data};
    err = admin_secrets(secrets, &e);
    if (!err) err = fz_db_begin(db, &e);
    if (!err) err = fz_db_meta_set(db, "created_at", now, &e);
    if (!err) err = fz_db_meta_set(db, "demo", demo ? "true" : "false", &e);
    if (!err) err = fz_ledger_set_alg(db, alg, &e);
    if (!err) err = fz_ledger_key_init(db, key, cfg.ledger_origin, NULL, &e);
    if (!err) err = fz_ledger_append(db, &ev, 0, NULL, &e);
    if (!err) err = admin_accounts(db, secrets, &e);
    if (!err) err = fz_db_commit(db, &e);
    if (err) fz_db_rollback(db);
    else made_admins = 1;
    json_decref(data);
  } else if (!err) {
    /* Re-running init checks the installation's identity.  An installation
     * made before accounts existed gets its 三员 now; one with any account
     * never again. */
    int64_t users = 0;
    err = fz_db_query_int64(db, "SELECT COUNT(*) FROM users", &users, &e);
    if (!err && users == 0) err = admin_secrets(secrets, &e);
    if (!err) err = fz_db_begin(db, &e);
    if (!err && hash_name) err = fz_ledger_set_alg(db, alg, &e);
    if (!err) err = fz_ledger_key_init(db, key, cfg.ledger_origin, NULL, &e);
    if (!err && users == 0) err = admin_accounts(db, secrets, &e);
    if (!err) err = fz_db_commit(db, &e);
    if (err) fz_db_rollback(db);
    else made_admins = users == 0;
  }
  char *vkey = NULL;
  if (!err) err = fz_ledger_vkey(db, &vkey, &e);
  free(created);
  fz_db_close(db);
  if (err) {
    fprintf(stderr, "fazhi init: %s\n", e.message);
    return 2;
  }
  printf("initialised %s (schema version %d)\n"
         "ledger key: %s (keep it secret; mode 0600)\n"
         "ledger verifier key (publish it): %s\n", cfg.db, version, key, vkey);
  free(vkey);
  if (made_admins) {
    /* Printed here and nowhere else; never logged, never stored. */
    printf("三员 accounts, each with a one-time password shown only now (it "
           "must be changed at the first login):\n");
    for (int i = 0; i < 3; i++)
      printf("  %-9s %s  %s\n", admins[i].username, secrets[i].otp,
             admins[i].display_name);
  }
  return 0;
}

int fz_cmd_serve(int argc, char **argv) {
  fz_config cfg;
  int rc = settings(&cfg, argc, argv, "fazhi serve [--db URL] [--listen ADDR:PORT]");
  if (rc) return rc;

  /* Block the signals before any thread starts, so that every thread
   * inherits the mask and only sigwait below receives them. */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);

  /* Reference data is checked before serving, so that a broken
   * administrator's calendar stops the start rather than a request. */
  fz_error e;
  char dir[1100];
  snprintf(dir, sizeof dir, "%s/calendar", cfg.data_dir);
  if ((cfg.data_dir[0] ? fz_cal_default_init(dir, &e) != FZ_OK
                       : fz_cal_default(&e) == NULL) ||
      fz_region_load(&e)) {
    fprintf(stderr, "fazhi serve: %s\n", e.message);
    return 2;
  }

  int version;
  fz_db *db = open_migrated(cfg.db, &version);
  if (!db) return 2;
  fz_db_close(db);

  /* The ledger's key signs checkpoints; without it the server still runs
   * and serves the checkpoints made elsewhere (e.g. by another server). */
  char key[1100];
  fz_signer *signer = NULL;
  fz_config_ledger_key(&cfg, key, sizeof key);
  if (fz_signer_load(key, 0, &signer, &e)) {
    if (e.code != FZ_NOTFOUND) {
      fprintf(stderr, "fazhi serve: %s\n", e.message);
      return 2;
    }
    fz_log(FZ_LOG_WARN, "serve.ledger_key", "msg=\"no ledger key: checkpoints "
           "are served but not made here\"");
  }

  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int threads = cfg.threads > 0 ? cfg.threads : (cores > 0 ? (int)cores : 1);
  fz_app app = {&cfg, NULL, NULL, signer};
  fz_server *srv = NULL;
  if (fz_pool_open(cfg.db, threads, &app.pool, &e) ||
      fz_writer_start(cfg.db, 0, &app.writer, &e) ||
      fz_server_start(&app, &srv, &e)) {
    fprintf(stderr, "fazhi serve: %s\n", e.message);
    fz_writer_stop(app.writer);
    fz_pool_close(app.pool);
    fz_signer_free(signer);
    return 2;
  }
  fz_log(FZ_LOG_INFO, "serve.start", "listen=%s backend=%s schema=%d threads=%d",
         cfg.listen, strncmp(cfg.db, "sqlite:", 7) == 0 ? "sqlite" : "postgresql",
         version, fz_server_threads(srv));

  int sig = 0;
  while (sigwait(&sigs, &sig) != 0) {
  }
  fz_log(FZ_LOG_INFO, "serve.stop", "signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
  fz_server_stop(srv);
  fz_writer_stop(app.writer); /* after the requests that queue changes */
  fz_pool_close(app.pool);
  fz_signer_free(signer);
  fz_log(FZ_LOG_INFO, "serve.stopped", "database=closed");
  return 0;
}
