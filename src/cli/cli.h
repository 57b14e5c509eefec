/* cli.h — the subcommands of the fazhi program.  Each takes the arguments
 * after its own name (argv[0] is the subcommand name) and returns the exit
 * status: 0 success, 1 a negative answer (invalid code, failed check), 2 a
 * usage or data error.  Only src/cli prints and exits. */
#ifndef FZ_CLI_H
#define FZ_CLI_H

int fz_cmd_serve(int argc, char **argv);    /* fazhi serve … */
int fz_cmd_init(int argc, char **argv);     /* fazhi init … */
int fz_cmd_id(int argc, char **argv);       /* fazhi id check CODE */
int fz_cmd_calendar(int argc, char **argv); /* fazhi calendar … */
int fz_cmd_deadline(int argc, char **argv); /* fazhi deadline … */
int fz_cmd_merkle(int argc, char **argv);   /* fazhi merkle root|inclusion|consistency */
int fz_cmd_ledger(int argc, char **argv);   /* fazhi ledger verify|checkpoint|… */
int fz_cmd_import(int argc, char **argv);   /* fazhi import KIND FILE */
int fz_cmd_export(int argc, char **argv);   /* fazhi export KIND */
int fz_cmd_demo(int argc, char **argv);     /* fazhi demo [--entities N] */
int fz_cmd_draw(int argc, char **argv);     /* fazhi draw verify|secret */
int fz_cmd_case(int argc, char **argv);     /* fazhi case verify-archive */

/* Shared by the subcommands (common.c). */
#include "core/buf.h"
#include "core/config.h"
#include "store/db.h"

/* Applies the settings (file, FAZHI_* environment, --key value flags) to
 * *cfg and the log level; prints the error and returns 2 when they are bad
 * or positional arguments are left over, else 0.  usage is printed then. */
/* Reads the whole file name into b (at most b->max bytes); prints why not,
 * prefixed with who, and returns -1. */
int fz_cli_read_file(const char *who, const char *name, fz_buf *b);

int fz_cli_settings(fz_config *cfg, int argc, char **argv, const char *usage);

/* Opens url (creating a SQLite file's folder, one level) and migrates it;
 * prints what went wrong and returns NULL.  *version gets the schema. */
fz_db *fz_cli_open_migrated(const char *url, int *version);

/* Loads the key that seals ID numbers (config id_key), creating it first
 * when create is set and it does not exist, and hands it to the registry.
 * Returns it (free with fz_seal_key_free) or NULL after printing why; the
 * registry then refuses ID numbers. */
struct fz_seal_key;
struct fz_seal_key *fz_cli_seal_key(const fz_config *cfg, int create);

#endif
