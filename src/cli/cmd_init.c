/* cmd_init.c — `fazhi init`: create or upgrade a database, fix its ledger's
 * hash and key, and make the 三员 accounts of a new installation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "id/seal.h"
#include "ledger/checkpoint.h"

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
  int64_t now = fz_now_ms(), id;
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
  int rc = fz_cli_settings(&cfg, out, argv, usage);
  if (rc) return rc;
  fz_error e;
  fz_hash_alg alg = FZ_HASH_SM3;
  if (hash_name && fz_hash_parse(hash_name, &alg, &e)) {
    fprintf(stderr, "fazhi init: %s\nusage: %s\n", e.message, usage);
    return 2;
  }
  char key[1100], idkey[1100];
  fz_config_ledger_key(&cfg, key, sizeof key);
  int version;
  fz_db *db = fz_cli_open_migrated(cfg.db, &version);
  if (!db) return 2;

  /* A new installation fixes its ledger's hash, records its own creation
   * as the ledger's first event and creates the 三员 accounts, in one
   * transaction. */
  char *created = NULL;
  admin_secret secrets[3];
  int made_admins = 0;
  fz_err err = fz_db_meta_get(db, "created_at", &created, &e);
  if (err == FZ_NOTFOUND) {
    char now[FZ_ISO_TIME_BUF];
    fz_now_iso(now);
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
  /* The key that seals officers' ID numbers (身份证号) at rest. */
  fz_seal_key *seal = err ? NULL : fz_cli_seal_key(&cfg, 1);
  if (!err && !seal)
    err = fz_error_set(&e, FZ_IO, "id_key", "cannot create the ID number key");
  fz_seal_key_free(seal);
  free(created);
  fz_db_close(db);
  if (err) {
    fprintf(stderr, "fazhi init: %s\n", e.message);
    return 2;
  }
  printf("initialised %s (schema version %d)\n"
         "ledger key: %s (keep it secret; mode 0600)\n"
         "ledger verifier key (publish it): %s\n"
         "ID number key: %s (keep it secret; mode 0600)\n",
         cfg.db, version, key, vkey, fz_config_id_key(&cfg, idkey, sizeof idkey));
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
