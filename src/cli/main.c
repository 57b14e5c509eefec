/* main.c — the fazhi program: dispatches to the subcommands of cli.h. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: fazhi COMMAND [ARGS]\n"
    "\n"
    "  serve [--db URL] [--listen ADDR:PORT]   serve the API (default\n"
    "                                          sqlite:var/fazhi.db on 127.0.0.1:8080)\n"
    "  init [--db URL] [--demo]                create or upgrade a database\n"
    "  version                                 print the version\n"
    "  id check CODE                           check a 统一社会信用代码 or 身份证号\n"
    "  calendar is-workday YYYY-MM-DD          is the date a working day?\n"
    "  calendar add-workdays YYYY-MM-DD N      the date N working days later\n"
    "  deadline RULE_ID YYYY-MM-DD             a statutory deadline, with citation\n"
    "  deadline --list                         every deadline rule\n"
    "  ledger verify [--db URL]                recompute the whole ledger\n"
    "  import KIND FILE [--db URL]             import registry records from CSV\n"
    "  export KIND [--format csv|xlsx] [--out FILE] [--where F=V]\n"
    "                                          export registry records\n"
    "  demo [--db URL] [--entities N] [--seed S]\n"
    "                                          load the 辽宁省 demo data and accounts\n"
    "  merkle root [--hash sm3|sha256]         Merkle root of hex leaves on stdin\n"
    "  merkle inclusion [--hash H] INDEX       audit path of leaf INDEX (from 0)\n"
    "  merkle consistency [--hash H] M         proof from the first M leaves\n"
    "  draw verify RECORD.json [--pool KEY=FILE]...\n"
    "                                          recompute a published draw record\n"
    "  draw secret                             a draw participant's secret and commit\n"
    "  case verify-archive FILE [--key KEY]    check a case file (案卷) offline\n"
    "\n"
    "Settings come from --config FILE (or FAZHI_CONFIG), then FAZHI_<KEY>\n"
    "environment variables, then --key value flags: db, listen, threads,\n"
    "body_limit, read_timeout, shutdown_grace, log_level, data_dir.\n";

static int cmd_version(int argc, char **argv) {
  (void)argc;
  (void)argv;
  printf("fazhi %s\n", FZ_VERSION);
  return 0;
}

static int cmd_help(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs(usage, stdout);
  return 0;
}

static const struct {
  const char *name;
  int (*run)(int, char **);
} commands[] = {
    {"serve", fz_cmd_serve},       {"init", fz_cmd_init},
    {"version", cmd_version},      {"--version", cmd_version},
    {"id", fz_cmd_id},             {"calendar", fz_cmd_calendar},
    {"deadline", fz_cmd_deadline}, {"merkle", fz_cmd_merkle},
    {"ledger", fz_cmd_ledger},     {"help", cmd_help},
    {"import", fz_cmd_import},     {"export", fz_cmd_export},
    {"demo", fz_cmd_demo},         {"draw", fz_cmd_draw},
    {"case", fz_cmd_case},
    {"--help", cmd_help},          {"-h", cmd_help},
};

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage, stderr);
    return 2;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "fazhi: unknown command \"%s\"\n\n%s", argv[1], usage);
  return 2;
}
