/* cmd_ledger.c — `fazhi ledger …`: verify the whole ledger, make or print
 * its latest signed checkpoint, check a checkpoint file against a key, and
 * print the ledger's public verifier key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/config.h"
#include "ledger/checkpoint.h"

static const char usage[] =
    "usage: fazhi ledger verify [--db URL]\n"
    "       fazhi ledger checkpoint [--db URL]\n"
    "       fazhi ledger verify-checkpoint FILE --key VERIFIER_KEY\n"
    "       fazhi ledger key [--db URL]\n";

static fz_db *open_db(const fz_config *cfg, const char *verb) {
  fz_db *db = NULL;
  fz_error e;
  if (fz_db_open(cfg->db, &db, &e)) {
    fprintf(stderr, "fazhi ledger %s: %s\n", verb, e.message);
    return NULL;
  }
  return db;
}

static int verify(const fz_config *cfg) {
  fz_db *db = open_db(cfg, "verify");
  if (!db) return 2;
  fz_error e;
  fz_ledger_report r;
  fz_err rc = fz_ledger_verify(db, &r, &e);
  if (!rc && r.ok) rc = fz_ledger_verify_signatures(db, &r, &e);
  fz_db_close(db);
  if (rc) {
    fprintf(stderr, "fazhi ledger verify: %s\n", e.message);
    return 2;
  }
  if (!r.ok) {
    if (r.bad_seq >= 0)
      printf("FAILED at seq %lld: %s\n", (long long)r.bad_seq, r.reason);
    else
      printf("FAILED: %s\n", r.reason);
    return 1;
  }
  char root[FZ_HASH_HEX];
  printf("verified %llu events and %llu signed checkpoints; root %s\n",
         (unsigned long long)r.events, (unsigned long long)r.checkpoints,
         fz_hash_hex(r.root, root));
  return 0;
}

static int checkpoint(const fz_config *cfg) {
  char path[1100];
  fz_signer *s = NULL;
  fz_error e;
  if (fz_signer_load(fz_config_ledger_key(cfg, path, sizeof path), 0, &s, &e)) {
    fprintf(stderr, "fazhi ledger checkpoint: %s\n", e.message);
    return 2;
  }
  fz_db *db = open_db(cfg, "checkpoint");
  char *note = NULL;
  uint64_t size;
  fz_err rc = db ? fz_db_begin(db, &e) : FZ_DB;
  if (!rc) rc = fz_ledger_checkpoint(db, s, &note, &size, &e);
  if (!rc) rc = fz_db_commit(db, &e);
  if (rc && db) {
    fz_db_rollback(db);
    fprintf(stderr, "fazhi ledger checkpoint: %s\n", e.message);
  }
  if (!rc) fputs(note, stdout);
  free(note);
  fz_db_close(db);
  fz_signer_free(s);
  return rc ? 2 : 0;
}

static int key(const fz_config *cfg) {
  fz_db *db = open_db(cfg, "key");
  if (!db) return 2;
  char *vkey = NULL;
  fz_error e;
  fz_err rc = fz_ledger_vkey(db, &vkey, &e);
  fz_db_close(db);
  if (rc) {
    fprintf(stderr, "fazhi ledger key: %s\n", e.message);
    return 2;
  }
  printf("%s\n", vkey);
  free(vkey);
  return 0;
}

/* verify-checkpoint FILE --key VKEY: exit 0 verified, 1 not, 2 usage. */
static int verify_checkpoint(int argc, char **argv) {
  const char *file = NULL, *vkey = NULL;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) vkey = argv[++i];
    else if (!file) file = argv[i];
    else file = NULL, i = argc;
  }
  if (!file || !vkey) {
    fputs(usage, stderr);
    return 2;
  }
  fz_buf b;
  fz_buf_init(&b, FZ_NOTE_MAX + 1);
  if (fz_cli_read_file("fazhi ledger", file, &b)) {
    fz_buf_free(&b);
    return 2;
  }
  fz_checkpoint cp;
  fz_error e;
  int rc = 0;
  if (b.err || fz_checkpoint_verify(b.data ? b.data : "", b.len, vkey, &cp, &e)) {
    printf("FAILED: %s\n", b.err ? "the file is too large" : e.message);
    rc = 1;
  } else {
    char root[FZ_HASH_HEX];
    printf("verified: %s, %llu events, root %s\n", cp.origin,
           (unsigned long long)cp.size, fz_hash_hex(cp.root, root));
  }
  fz_buf_free(&b);
  return rc;
}

int fz_cmd_ledger(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "verify-checkpoint") == 0)
    return verify_checkpoint(argc, argv);
  fz_config cfg;
  fz_error e;
  int rest;
  if (fz_config_from_args(&cfg, argc, argv, 1, &rest, &e)) {
    fprintf(stderr, "fazhi ledger: %s\n", e.message);
    return 2;
  }
  if (rest == 1 && strcmp(argv[1], "verify") == 0) return verify(&cfg);
  if (rest == 1 && strcmp(argv[1], "checkpoint") == 0) return checkpoint(&cfg);
  if (rest == 1 && strcmp(argv[1], "key") == 0) return key(&cfg);
  fputs(usage, stderr);
  return 2;
}
