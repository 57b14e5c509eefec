/* cmd_serve.c — `fazhi serve`: check the reference data, bring the schema
 * up to date, and serve until SIGTERM or SIGINT. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cal/cal.h"
#include "cli/cli.h"
#include "core/log.h"
#include "http/server.h"
#include "http/static.h"
#include "id/id.h"
#include "id/seal.h"
#include "ledger/sign.h"

int fz_cmd_serve(int argc, char **argv) {
  fz_config cfg;
  int rc = fz_cli_settings(&cfg, argc, argv, "fazhi serve [--db URL] [--listen ADDR:PORT] [--web DIR]");
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

  /* The web front end: --web DIR, or web/dist when it was built here. */
  char web[sizeof cfg.web];
  if (fz_static_root(cfg.web, web, sizeof web, &e)) {
    fprintf(stderr, "fazhi serve: %s\n", e.message);
    return 2;
  }
  memcpy(cfg.web, web, sizeof web);

  int version;
  fz_db *db = fz_cli_open_migrated(cfg.db, &version);
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

  /* Without its key officers' ID numbers cannot be stored (the rest works). */
  fz_seal_key *seal = fz_cli_seal_key(&cfg, 0);

  fz_app app = {&cfg, NULL, NULL, signer};
  fz_server *srv = NULL;
  if (fz_pool_open(cfg.db, fz_config_connections(&cfg), &app.pool, &e) ||
      fz_writer_start(cfg.db, 0, &app.writer, &e) ||
      fz_server_start(&app, &srv, &e)) {
    fprintf(stderr, "fazhi serve: %s\n", e.message);
    fz_writer_stop(app.writer);
    fz_pool_close(app.pool);
    fz_signer_free(signer);
    fz_seal_key_free(seal);
    return 2;
  }
  fz_log(FZ_LOG_INFO, "serve.start", "listen=%s backend=%s schema=%d threads=%d "
         "connections=%d web=%s", cfg.listen,
         strncmp(cfg.db, "sqlite:", 7) == 0 ? "sqlite" : "postgresql", version,
         fz_server_threads(srv), fz_config_connections(&cfg),
         cfg.web[0] ? "yes" : "none");

  int sig = 0;
  while (sigwait(&sigs, &sig) != 0) {
  }
  fz_log(FZ_LOG_INFO, "serve.stop", "signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
  fz_server_stop(srv);
  unsigned long long batches, changes;
  fz_writer_stats(app.writer, &batches, &changes);
  fz_log(FZ_LOG_INFO, "serve.writer", "commits=%llu changes=%llu", batches,
         changes);
  fz_writer_stop(app.writer); /* after the requests that queue changes */
  fz_pool_close(app.pool);
  fz_signer_free(signer);
  fz_seal_key_free(seal);
  fz_log(FZ_LOG_INFO, "serve.stopped", "database=closed");
  return 0;
}
