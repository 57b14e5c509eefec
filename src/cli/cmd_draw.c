/* cmd_draw.c — `fazhi draw verify|secret`: recompute a published draw
 * record (双随机, DESIGN §5) with the pools it links to, and make a
 * participant's secret and its commit offline. */
#include <errno.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/json.h"
#include "inspect/draw.h"
#include "ledger/merkle.h"

#define RECORD_MAX ((size_t)1 << 31)              /* bytes of a record */
#define POOL_FILE_MAX ((size_t)50000000 * FZ_DRAW_LINE) /* of a pool file */
#define MAX_POOLS 64

static const char usage[] =
    "usage: fazhi draw verify RECORD.json [--pool KEY=FILE]...\n"
    "       fazhi draw secret\n"
    "verify recomputes a draw record: the commit event's leaf hash, every\n"
    "reveal, the seed, the pools' digests, every ticket, the selection and\n"
    "the teams.  A stratum whose pool the record links to (\"pool\": null)\n"
    "needs --pool KEY=FILE, FILE holding its exact lines.  Exit status: 0\n"
    "verified, 1 a difference (printed to stderr), 2 usage or an unreadable\n"
    "file.\n"
    "secret prints a fresh random secret and its commit SM3(secret), in\n"
    "hex, for a participant to submit the commit now and the secret later.\n";

typedef struct pools {
  const char *key[MAX_POOLS], *file[MAX_POOLS];
  int n;
} pools;

/* The fz_draw_pool_fn of --pool KEY=FILE. */
static fz_err pool_of(void *ctx, const char *key, char **pool, size_t *size,
                      fz_error *err) {
  const pools *p = ctx;
  for (int i = 0; i < p->n; i++) {
    if (strcmp(p->key[i], key) != 0) continue;
    fz_buf b;
    fz_buf_init(&b, POOL_FILE_MAX);
    if (fz_cli_read_file("fazhi draw", p->file[i], &b)) {
      fz_buf_free(&b);
      return fz_error_set(err, FZ_IO, "pool", "cannot read %s", p->file[i]);
    }
    *pool = b.data ? b.data : malloc(1);
    *size = b.len;
    return *pool ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
  }
  return fz_error_set(err, FZ_NOTFOUND, "pool", NULL);
}

static size_t array_size(const json_t *o, const char *key) {
  return json_array_size(json_object_get(o, key));
}

static int verify(int argc, char **argv) {
  const char *file = NULL;
  pools p = {.n = 0};
  for (int i = 2; i < argc; i++) {
    const char *kv = NULL;
    if (strcmp(argv[i], "--pool") == 0 && i + 1 < argc) kv = argv[++i];
    else if (strncmp(argv[i], "--pool=", 7) == 0) kv = argv[i] + 7;
    else if (strncmp(argv[i], "--", 2) == 0 || file) {
      fprintf(stderr, "fazhi draw verify: unexpected argument \"%s\"\n",
              argv[i]);
      fputs(usage, stderr);
      return 2;
    } else {
      file = argv[i];
      continue;
    }
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv || !eq[1] || p.n == MAX_POOLS) {
      fprintf(stderr, "fazhi draw verify: --pool needs KEY=FILE (at most %d), "
              "not \"%s\"\n", MAX_POOLS, kv);
      return 2;
    }
    p.key[p.n] = strndup(kv, (size_t)(eq - kv));
    p.file[p.n] = eq + 1;
    if (!p.key[p.n]) return 2;
    p.n++;
  }
  int status = 2;
  json_t *rec = NULL;
  fz_buf b;
  fz_buf_init(&b, RECORD_MAX);
  if (!file) {
    fputs(usage, stderr);
    goto out;
  }
  if (fz_cli_read_file("fazhi draw", file, &b)) goto out;
  fz_error e;
  if (fz_json_parse(b.data ? b.data : "", b.len, &rec, &e)) {
    fprintf(stderr, "fazhi draw verify: %s: %s\n", file, e.message);
    goto out;
  }
  fz_err rc = fz_draw_verify(rec, pool_of, &p, &e);
  if (rc == FZ_INVALID) {
    size_t fl = strlen(e.field);
    if (fl && strncmp(e.message, e.field, fl) == 0)
      fprintf(stderr, "%s\n", e.message);
    else
      fprintf(stderr, "%s: %s\n", e.field[0] ? e.field : "record", e.message);
    status = 1;
    goto out;
  }
  if (rc) {
    fprintf(stderr, "fazhi draw verify: %s\n", e.message);
    goto out;
  }
  const json_t *strata = json_object_get(rec, "strata");
  size_t selected = 0;
  for (size_t i = 0; i < json_array_size(strata); i++)
    selected += array_size(json_array_get(strata, i), "selected");
  printf("verified plan %lld: %zu strata, %zu selected, %zu teams of %lld, "
         "%zu unstaffed; seed %s\n",
         (long long)json_integer_value(json_object_get(rec, "plan_id")),
         json_array_size(strata), selected, array_size(rec, "teams"),
         (long long)json_integer_value(json_object_get(rec, "team_size")),
         array_size(rec, "unstaffed"),
         json_string_value(json_object_get(rec, "seed")));
  status = fflush(stdout) || ferror(stdout) ? 2 : 0;
out:
  json_decref(rec);
  fz_buf_free(&b);
  for (int i = 0; i < p.n; i++) free((char *)p.key[i]);
  return status;
}

static int secret(void) {
  uint8_t s[FZ_DRAW_HASH], c[FZ_DRAW_HASH];
  char hs[FZ_HASH_HEX], hc[FZ_HASH_HEX];
  if (RAND_bytes(s, sizeof s) != 1) {
    fputs("fazhi draw secret: no random bytes from OpenSSL\n", stderr);
    return 2;
  }
  fz_draw_commit_of(s, c);
  printf("secret %s\ncommit %s\n", fz_hash_hex(s, hs), fz_hash_hex(c, hc));
  memset(s, 0, sizeof s);
  return fflush(stdout) || ferror(stdout) ? 2 : 0;
}

int fz_cmd_draw(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "verify") == 0) return verify(argc, argv);
  if (argc == 2 && strcmp(argv[1], "secret") == 0) return secret();
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
                    strcmp(argv[1], "-h") == 0)) {
    fputs(usage, stdout);
    return 0;
  }
  fputs(usage, stderr);
  return 2;
}
