/* cmd_merkle.c — `fazhi merkle root|inclusion|consistency`: the RFC 9162
 * Merkle tree of hex leaves read from stdin, so that outside auditors can
 * recompute the ledger's roots and proofs with a tool of their own. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/hexlines.h"
#include "ledger/merkle.h"

static const char usage_text[] =
    "usage: fazhi merkle root [--hash sm3|sha256]\n"
    "       fazhi merkle inclusion [--hash sm3|sha256] INDEX\n"
    "       fazhi merkle consistency [--hash sm3|sha256] M\n"
    "Reads the leaves from stdin, one per line in hex (an empty line is the\n"
    "empty leaf), and prints in lower-case hex, one per line: the root of the\n"
    "tree; the audit path of leaf INDEX (from 0), leaf side first; or the\n"
    "proof that the tree of the first M leaves is a prefix of the whole.\n"
    "The tree is RFC 9162 section 2.1's; --hash defaults to sm3.\n";

static int usage(void) {
  fputs(usage_text, stderr);
  return 2;
}

static int fail(const char *msg) {
  fprintf(stderr, "fazhi merkle: %s\n", msg);
  return 2;
}

/* A decimal number of at most 20 digits that fits in 64 bits. */
static int parse_u64(const char *s, uint64_t *out) {
  uint64_t v = 0;
  if (!*s) return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

static void print_hash(const uint8_t h[FZ_HASH_LEN]) {
  char s[FZ_HASH_HEX];
  puts(fz_hash_hex(h, s));
}

/* Reads all of stdin into p; prints the error and returns 2 on failure. */
static int read_leaves(fz_hexlines *p) {
  static char chunk[1 << 16];
  fz_error e;
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
    if (fz_hexlines_feed(p, chunk, n, &e)) return fail(e.message);
  if (ferror(stdin)) return fail("cannot read stdin");
  if (fz_hexlines_end(p, &e)) return fail(e.message);
  return 0;
}

int fz_cmd_merkle(int argc, char **argv) {
  if (argc < 2) return usage();
  const char *verb = argv[1];
  int root = strcmp(verb, "root") == 0;
  if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (!root && strcmp(verb, "inclusion") != 0 &&
      strcmp(verb, "consistency") != 0) {
    fprintf(stderr, "fazhi merkle: unknown verb \"%s\"\n", verb);
    return usage();
  }

  const char *hash_name = "sm3", *number = NULL;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--hash") == 0) {
      if (i + 1 == argc) return fail("--hash needs sm3 or sha256");
      hash_name = argv[++i];
    } else if (strncmp(argv[i], "--hash=", 7) == 0) {
      hash_name = argv[i] + 7;
    } else if (strncmp(argv[i], "--", 2) == 0) {
      fprintf(stderr, "fazhi merkle: unknown option %s\n", argv[i]);
      return usage();
    } else if (!number && !root) {
      number = argv[i];
    } else {
      fprintf(stderr, "fazhi merkle: unexpected argument \"%s\"\n", argv[i]);
      return usage();
    }
  }
  const char *what = strcmp(verb, "inclusion") == 0 ? "INDEX" : "M";
  if (!root && !number) {
    fprintf(stderr, "fazhi merkle: %s %s is missing\n", verb, what);
    return usage();
  }
  uint64_t arg = 0;
  if (number && parse_u64(number, &arg)) {
    fprintf(stderr, "fazhi merkle: %s must be a whole number, not \"%s\"\n",
            what, number);
    return 2;
  }
  fz_hash_alg alg;
  fz_error e;
  if (fz_hash_parse(hash_name, &alg, &e)) return fail(e.message);

  fz_hexlines *p = NULL;
  if (fz_hexlines_new(alg, &p)) return fail("out of memory");
  int status = read_leaves(p);
  if (status) goto out;
  fz_merkle_leaves leaves = fz_hexlines_leaves(p);
  uint64_t n = leaves.count;

  uint8_t path[FZ_MERKLE_MAX_PATH][FZ_HASH_LEN];
  size_t len = 0;
  fz_err rc;
  if (root) {
    rc = fz_merkle_root(alg, fz_merkle_leaves_get, &leaves, n, path[0]);
    len = 1;
  } else if (strcmp(verb, "inclusion") == 0) {
    if (arg >= n) {
      fprintf(stderr,
              "fazhi merkle: INDEX %llu is out of range: stdin has %llu %s, "
              "counted from 0\n",
              (unsigned long long)arg, (unsigned long long)n,
              n == 1 ? "leaf" : "leaves");
      status = 2;
      goto out;
    }
    rc = fz_merkle_inclusion(alg, fz_merkle_leaves_get, &leaves, arg, n, path,
                             &len);
  } else {
    if (arg == 0 || arg > n) {
      fprintf(stderr,
              "fazhi merkle: M %llu is out of range: stdin has %llu %s, and "
              "M must be from 1 to that\n",
              (unsigned long long)arg, (unsigned long long)n,
              n == 1 ? "leaf" : "leaves");
      status = 2;
      goto out;
    }
    rc = fz_merkle_consistency(alg, fz_merkle_leaves_get, &leaves, arg, n,
                               path, &len);
  }
  if (rc) {
    status = fail(fz_err_message(rc));
    goto out;
  }
  for (size_t i = 0; i < len; i++) print_hash(path[i]);
  if (fflush(stdout) || ferror(stdout)) status = fail("cannot write stdout");
out:
  fz_hexlines_free(p);
  return status;
}
