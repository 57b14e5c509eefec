/* writer.h — the one write path: every change to the database goes through
 * a writer, which runs the changes of concurrent requests in one
 * transaction and commits them with one fsync (group commit).
 *
 * Each change runs under a savepoint of its own, so a change that fails is
 * undone alone and the others still commit; fz_write returns only after the
 * commit is durable (SQLite: WAL with synchronous=FULL), so a client is never
 * told of a write that a crash could lose. */
#ifndef FZ_STORE_WRITER_H
#define FZ_STORE_WRITER_H

#include "core/error.h"
#include "store/db.h"

typedef struct fz_writer fz_writer;

/* A change: runs on the writer's connection inside an open transaction and
 * returns FZ_OK, or an error with *err filled (the change is then undone).
 * It must not begin, commit or roll back itself. */
typedef fz_err (*fz_write_fn)(fz_db *db, void *ctx, fz_error *err);

/* Starts a writer with its own connection to url and its own thread.
 * max_batch bounds how many changes share one commit (0: 256). */
fz_err fz_writer_start(const char *url, int max_batch, fz_writer **out,
                       fz_error *err);

/* Runs fn(db, ctx) in the next batch and waits until that batch commits.
 * Returns fn's result; or the commit's error (then nothing of the batch
 * was written).  Safe from any thread. */
fz_err fz_write(fz_writer *w, fz_write_fn fn, void *ctx, fz_error *err);

/* How many batches were committed (or failed) and how many changes they
 * held, since the start: changes / batches is the mean batch size. */
void fz_writer_stats(fz_writer *w, unsigned long long *batches,
                     unsigned long long *changes);

/* Runs the changes still queued, stops the thread, closes the connection.
 * NULL is a no-op. */
void fz_writer_stop(fz_writer *w);

#endif
