/* cmd_case.c — `fazhi case verify-archive`: check a case's 案卷 offline
 * (cases/archive.h), with the ledger's key obtained independently. */
#include <stdio.h>
#include <string.h>

#include "cases/archive.h"
#include "cli/cli.h"

static const char usage[] =
    "usage: fazhi case verify-archive ARCHIVE.zip [--key VERIFIER_KEY]\n"
    "Checks a case file downloaded from GET /api/v1/cases/{id}/archive: the\n"
    "checkpoint's signature, every event's bytes and inclusion proof against\n"
    "it, that every event is about the case, and every evidence file against\n"
    "the SM3 its ledger event recorded.  --key is the ledger's verifier key\n"
    "(GET /api/v1/ledger/key or `fazhi ledger key`); without it the key in\n"
    "the archive is used, which proves integrity but not origin.  Exit\n"
    "status: 0 verified, 1 a difference (printed), 2 usage or an unreadable\n"
    "file.\n";

static int verify_archive(int argc, char **argv) {
  const char *file = NULL, *vkey = NULL;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
      vkey = argv[++i];
    } else if (strncmp(argv[i], "--", 2) == 0 || file) {
      fprintf(stderr, "fazhi case verify-archive: unexpected argument \"%s\"\n",
              argv[i]);
      fputs(usage, stderr);
      return 2;
    } else {
      file = argv[i];
    }
  }
  if (!file) {
    fputs(usage, stderr);
    return 2;
  }
  fz_buf b;
  fz_buf_init(&b, FZ_ARCHIVE_MAX);
  if (fz_cli_read_file("fazhi case verify-archive", file, &b)) {
    fz_buf_free(&b);
    return 2;
  }
  fz_archive_report r;
  fz_error e = {0};
  fz_err rc = fz_case_archive_verify(b.data ? b.data : "", b.len, vkey, &r,
                                     &e);
  fz_buf_free(&b);
  if (rc) {
    fprintf(stderr, "fazhi case verify-archive: %s: %s\n", file, e.message);
    return 2;
  }
  if (!r.ok) {
    printf("FAILED: %s\n", r.reason);
    return 1;
  }
  printf("verified: case %s, %zu events and %zu evidence files against the "
         "signed checkpoint of %llu events%s\n",
         r.case_no, r.events, r.files, (unsigned long long)r.size,
         vkey ? "" : " (key taken from the archive itself)");
  return 0;
}

int fz_cmd_case(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "verify-archive") == 0)
    return verify_archive(argc, argv);
  fputs(usage, stderr);
  return 2;
}
