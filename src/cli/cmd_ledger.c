/* cmd_ledger.c — `fazhi ledger verify`: recomputes the whole ledger from
 * the database and says whether it is intact, naming the first bad event. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "ledger/ledger.h"

static const char usage[] =
    "usage: fazhi ledger verify [--db URL]\n";

static void hex(const uint8_t *p, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = '\0';
}

static int verify(const fz_config *cfg) {
  fz_db *db = NULL;
  fz_error e;
  fz_ledger_report r;
  if (fz_db_open(cfg->db, &db, &e) || fz_ledger_verify(db, &r, &e)) {
    fprintf(stderr, "fazhi ledger verify: %s\n", e.message);
    fz_db_close(db);
    return 2;
  }
  fz_db_close(db);
  if (!r.ok) {
    if (r.bad_seq >= 0)
      printf("FAILED at seq %lld: %s\n", (long long)r.bad_seq, r.reason);
    else
      printf("FAILED: %s\n", r.reason);
    return 1;
  }
  char root[2 * FZ_HASH_LEN + 1];
  hex(r.root, FZ_HASH_LEN, root);
  printf("verified %llu events and %llu checkpoints; root %s\n",
         (unsigned long long)r.events, (unsigned long long)r.checkpoints, root);
  return 0;
}

int fz_cmd_ledger(int argc, char **argv) {
  fz_config cfg;
  fz_error e;
  int rest;
  if (fz_config_from_args(&cfg, argc, argv, 1, &rest, &e)) {
    fprintf(stderr, "fazhi ledger: %s\n", e.message);
    return 2;
  }
  if (rest == 1 && strcmp(argv[1], "verify") == 0) return verify(&cfg);
  fputs(usage, stderr);
  return 2;
}
