/* writer.c — group commit: one thread, one connection, one transaction per
 * batch of queued changes, a savepoint per change. */
#include "store/writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_BATCH = 256 };

typedef struct job {
  fz_write_fn fn;
  void *ctx;
  fz_err rc;
  fz_error *err;
  int done;
  struct job *next;
} job;

struct fz_writer {
  fz_db *db;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  job *head, *tail;
  int stopping, max_batch;
  unsigned long long batches, changes;
};

/* Runs one change under its own savepoint; a failure undoes it alone. */
static void run_one(fz_db *db, job *j) {
  fz_error local;
  fz_error *err = j->err ? j->err : &local;
  fz_error_clear(err);
  fz_err rc = fz_db_exec_cached(db, "SAVEPOINT fz_change", err);
  if (!rc) {
    rc = j->fn(db, j->ctx, err);
    if (rc && err->code == FZ_OK) fz_error_set(err, rc, "", NULL);
    fz_err undo = rc ? fz_db_exec_cached(db, "ROLLBACK TO SAVEPOINT fz_change", NULL)
                     : FZ_OK;
    fz_err rel = fz_db_exec_cached(db, "RELEASE SAVEPOINT fz_change", NULL);
    if (!rc && (undo || rel)) rc = fz_error_set(err, FZ_DB, "", "%s", fz_db_errmsg(db));
  }
  j->rc = rc;
}

/* Runs a batch in one transaction.  If the transaction cannot begin or
 * commit, every change of the batch fails with that error. */
static void run_batch(fz_writer *w, job *batch) {
  fz_error e;
  fz_err rc = fz_db_begin(w->db, &e);
  if (!rc) {
    for (job *j = batch; j; j = j->next) run_one(w->db, j);
    rc = fz_db_commit(w->db, &e);
  }
  if (rc) {
    fz_db_rollback(w->db);
    for (job *j = batch; j; j = j->next) {
      j->rc = rc;
      if (j->err) *j->err = e;
    }
  }
}

static void *loop(void *arg) {
  fz_writer *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (!w->head && !w->stopping) pthread_cond_wait(&w->work, &w->mu);
    if (!w->head) break; /* stopping and nothing left */
    job *batch = w->head, *last = batch;
    for (int n = 1; n < w->max_batch && last->next; n++) last = last->next;
    w->head = last->next;
    if (!w->head) w->tail = NULL;
    last->next = NULL;
    pthread_mutex_unlock(&w->mu);
    run_batch(w, batch);
    pthread_mutex_lock(&w->mu);
    w->batches++;
    for (job *j = batch; j;) {
      job *next = j->next; /* j lives on its waiter's stack */
      j->done = 1;
      w->changes++;
      j = next;
    }
    pthread_cond_broadcast(&w->done);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

fz_err fz_writer_start(const char *url, int max_batch, fz_writer **out,
                       fz_error *err) {
  *out = NULL;
  fz_writer *w = calloc(1, sizeof *w);
  if (!w) return fz_error_set(err, FZ_NOMEM, "", NULL);
  fz_err rc = fz_db_open(url, &w->db, err);
  if (rc) {
    free(w);
    return rc;
  }
  if ((rc = fz_db_tune_writer(w->db, err))) {
    fz_db_close(w->db);
    free(w);
    return rc;
  }
  w->max_batch = max_batch > 0 ? max_batch : DEFAULT_BATCH;
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->work, NULL);
  pthread_cond_init(&w->done, NULL);
  if (pthread_create(&w->thread, NULL, loop, w) != 0) {
    fz_db_close(w->db);
    pthread_cond_destroy(&w->done);
    pthread_cond_destroy(&w->work);
    pthread_mutex_destroy(&w->mu);
    free(w);
    return fz_error_set(err, FZ_INTERNAL, "", "cannot start the writer thread");
  }
  *out = w;
  return FZ_OK;
}

fz_err fz_write(fz_writer *w, fz_write_fn fn, void *ctx, fz_error *err) {
  job j = {fn, ctx, FZ_OK, err, 0, NULL};
  pthread_mutex_lock(&w->mu);
  if (w->stopping) {
    pthread_mutex_unlock(&w->mu);
    return fz_error_set(err, FZ_BUSY, "", "the server is shutting down");
  }
  if (w->tail) w->tail->next = &j;
  else w->head = &j;
  w->tail = &j;
  pthread_cond_signal(&w->work);
  while (!j.done) pthread_cond_wait(&w->done, &w->mu);
  pthread_mutex_unlock(&w->mu);
  return j.rc;
}

void fz_writer_stats(fz_writer *w, unsigned long long *batches,
                     unsigned long long *changes) {
  pthread_mutex_lock(&w->mu);
  *batches = w->batches;
  *changes = w->changes;
  pthread_mutex_unlock(&w->mu);
}

void fz_writer_stop(fz_writer *w) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->stopping = 1;
  pthread_cond_signal(&w->work);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  fz_db_close(w->db);
  pthread_cond_destroy(&w->done);
  pthread_cond_destroy(&w->work);
  pthread_mutex_destroy(&w->mu);
  free(w);
}
