/* ledger_bench.c — durable ledger appends per second from concurrent
 * clients through the one write path (store/writer.h), and the speed of
 * fz_ledger_verify; driven by bench/ledger.sh.
 *
 *   ledger_bench append --db URL [--clients 16] [--events N] [--per-write 1]
 *                       [--dump FILE]
 *   ledger_bench verify --db URL
 *   ledger_bench ceiling --db URL
 *
 * append: each client thread calls fz_write with a change that appends
 * --per-write inspection-result events (1 is the real shape of a request;
 * more only to build a large ledger quickly), until N events in all.
 * --dump writes the appended rows, read back from ledger_event, one per
 * line: seq, ts, actor, action, object_type, object_id, leaf hash (hex),
 * body, separated by tabs (canonical JSON never holds a raw tab or newline),
 * so that a baseline can insert exactly the same bytes.
 *
 * ceiling: the hashing alone that any verify must do — one leaf hash per
 * stored body and one node hash per event — over the bodies held in
 * memory, on one thread per core: how fast a verify could be were reading
 * the rows and checking their form free. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledger/ledger.h"
#include "store/writer.h"

static const char usage[] =
    "usage: ledger_bench append --db URL [--clients N] [--events N] "
    "[--per-write N] [--dump FILE]\n"
    "       ledger_bench verify --db URL\n"
    "       ledger_bench ceiling --db URL\n";

typedef struct opts {
  const char *db, *dump;
  long clients, events, per_write;
} opts;

/* Shared by the client threads. */
typedef struct run {
  fz_writer *w;
  long events, per_write;
  atomic_long next;      /* the next event number to hand out */
  atomic_int failed;     /* set by the first failing client */
  pthread_mutex_t mu;
  fz_error first;        /* that client's error */
} run;

/* One change: count events by client `client`, numbered from `first`,
 * with their data (built by the client, as a request handler would). */
typedef struct change {
  long client, first, count;
  json_t **data;
} change;

/* One client thread: its number and the shared run. */
typedef struct client_arg {
  run *r;
  long me;
  pthread_t thread;
} client_arg;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int parse_long(const char *s, long min, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < min) return -1;
  *out = v;
  return 0;
}

/* splitmix64: reproducible varied figures without a global generator. */
static uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15u;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
  return x ^ (x >> 31);
}

/* The data of an inspection result (双随机 task k) as an officer records
 * it: about 490 bytes of canonical JSON with the envelope.  NULL when out
 * of memory. */
static json_t *result_data(long k) {
  static const char *const findings[] = {
      "未发现问题", "发现问题已责令整改", "发现问题待后续处理",
      "未按规定公示信息", "通过登记的住所（经营场所）无法联系"};
  static const char *const names[] = {
      "上海浦东新区宏达餐饮管理有限公司", "杭州市西湖区青禾食品经营部",
      "深圳市南山区恒信电子科技有限公司", "成都市锦江区蜀味轩餐饮店"};
  uint64_t r = mix((uint64_t)k);
  char uscc[19], sm3[65];
  snprintf(uscc, sizeof uscc, "9131011%07lluX%03u",
           (unsigned long long)(r % 10000000), (unsigned)(r >> 40) % 1000);
  snprintf(sm3, sizeof sm3, "%016llx%016llx%016llx%016llx",
           (unsigned long long)mix(r), (unsigned long long)mix(r + 1),
           (unsigned long long)mix(r + 2), (unsigned long long)mix(r + 3));
  return json_pack(
      "{s:s, s:{s:s, s:s}, s:[s, s], s:s, s:i, s:[{s:s, s:s, s:I}]}",
      "plan_id", "P-2025-031", "entity", "uscc", uscc, "name", names[r % 4],
      "officers", "310115-0231", "310115-0877", "result", findings[r % 5],
      "result_code", (int)(r % 5), "evidence", "name", "现场照片.jpg",
      "sm3", sm3, "bytes", (json_int_t)(r % 4000000));
}

/* The fz_write_fn: appends the events of one change in the writer's
 * transaction. */
static fz_err append_change(fz_db *db, void *ctx, fz_error *err) {
  const change *c = ctx;
  char actor[32], id[32];
  snprintf(actor, sizeof actor, "user:%ld", 1000 + c->client);
  fz_err rc = FZ_OK;
  for (long i = 0; !rc && i < c->count; i++) {
    snprintf(id, sizeof id, "T-%ld", c->first + i);
    fz_event ev = {actor, "inspect.result.record", "inspection_task", id,
                   c->data[i]};
    rc = fz_ledger_append(db, &ev, 0, NULL, err);
  }
  return rc;
}

/* Records the first failure of any client; the others then stop. */
static void fail(run *r, const fz_error *e) {
  pthread_mutex_lock(&r->mu);
  if (!atomic_exchange(&r->failed, 1)) r->first = *e;
  pthread_mutex_unlock(&r->mu);
}

/* A client: takes the next per_write event numbers, builds their data,
 * and writes them as one change, until all events are handed out. */
static void *client(void *arg) {
  run *r = ((client_arg *)arg)->r;
  long me = ((client_arg *)arg)->me;
  fz_error e = {0};
  json_t **data = calloc((size_t)r->per_write, sizeof *data);
  if (!data) {
    fz_error_set(&e, FZ_NOMEM, "", NULL);
    fail(r, &e);
  }
  while (data && !atomic_load(&r->failed)) {
    long first = atomic_fetch_add(&r->next, r->per_write);
    if (first >= r->events) break;
    long n = r->events - first < r->per_write ? r->events - first : r->per_write;
    long built = 0;
    while (built < n && (data[built] = result_data(first + built))) built++;
    change c = {me, first, n, data};
    if (built < n) fail(r, &(fz_error){FZ_NOMEM, "", "out of memory"});
    else if (fz_write(r->w, append_change, &c, &e)) fail(r, &e);
    for (long i = 0; i < built; i++) json_decref(data[i]);
  }
  free(data);
  return NULL;
}

/* Writes events seq >= from as tab-separated lines (see the top). */
static int dump(const char *url, uint64_t from, const char *path) {
  fz_db *db = NULL;
  fz_stmt *st = NULL;
  fz_error e = {0};
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    return -1;
  }
  int s = FZ_DB, bad = 0;
  if (!fz_db_open(url, &db, &e) &&
      !fz_db_prepare(db, "SELECT seq, ts, actor, action, object_type, "
                     "object_id, leaf_hash, body FROM ledger_event WHERE seq "
                     ">= ? ORDER BY seq", &st, &e)) {
    fz_stmt_bind_int64(st, 1, (int64_t)from);
    while ((s = fz_stmt_step(st, &e)) == FZ_STEP_ROW) {
      size_t len = 0;
      const uint8_t *leaf = fz_stmt_column_blob(st, 6, &len);
      char hex[FZ_HASH_HEX] = "";
      if (len == FZ_HASH_LEN) fz_hash_hex(leaf, hex);
      fprintf(f, "%lld\t%lld", (long long)fz_stmt_column_int64(st, 0),
              (long long)fz_stmt_column_int64(st, 1));
      for (int col = 2; col <= 7; col++) {
        const char *v = col == 6 ? hex : fz_stmt_column_text(st, col);
        if (!v || strpbrk(v, "\t\n\r")) bad = 1;
        fprintf(f, "\t%s", v ? v : "");
      }
      fputc('\n', f);
    }
  }
  fz_stmt_finalize(st);
  fz_db_close(db);
  int werr = ferror(f);
  if (fclose(f) != 0 || werr) {
    perror(path);
    return -1;
  }
  if (s != FZ_STEP_DONE) {
    fprintf(stderr, "ledger_bench: dump: %s\n", e.message);
    return -1;
  }
  if (bad) {
    fprintf(stderr, "ledger_bench: dump: a field holds a tab or newline\n");
    return -1;
  }
  return 0;
}

static int append(const opts *o) {
  fz_error e = {0};
  fz_db *db = NULL;
  uint64_t before = 0;
  if (fz_db_open(o->db, &db, &e) || fz_ledger_size(db, &before, &e)) {
    fprintf(stderr, "ledger_bench: %s\n", e.message);
    fz_db_close(db);
    return 2;
  }
  fz_db_close(db);

  run r = {.events = o->events, .per_write = o->per_write};
  if (fz_writer_start(o->db, 0, &r.w, &e)) {
    fprintf(stderr, "ledger_bench: %s\n", e.message);
    return 2;
  }
  pthread_mutex_init(&r.mu, NULL);
  client_arg *c = calloc((size_t)o->clients, sizeof *c);
  long started = 0;
  double t0 = now_s();
  for (; c && started < o->clients; started++) {
    c[started].r = &r;
    c[started].me = started;
    if (pthread_create(&c[started].thread, NULL, client, &c[started])) break;
  }
  if (started < o->clients) atomic_store(&r.failed, 1);
  for (long i = 0; i < started; i++) pthread_join(c[i].thread, NULL);
  double secs = now_s() - t0;
  unsigned long long batches = 0, changes = 0;
  fz_writer_stats(r.w, &batches, &changes);
  fz_writer_stop(r.w);
  free(c);
  pthread_mutex_destroy(&r.mu);
  if (started < o->clients) {
    fprintf(stderr, "ledger_bench: cannot start %ld client threads\n", o->clients);
    return 2;
  }
  if (atomic_load(&r.failed)) {
    fprintf(stderr, "ledger_bench: a write failed: %s\n", r.first.message);
    return 2;
  }
  printf("appended %ld events in %llu changes from %ld clients in %.3f s: "
         "%.0f events/s; %llu commits, mean batch %.2f changes\n",
         o->events, changes, o->clients, secs, (double)o->events / secs,
         batches, batches ? (double)changes / (double)batches : 0.0);
  return o->dump && dump(o->db, before, o->dump) ? 2 : 0;
}

static int verify(const opts *o) {
  fz_error e = {0};
  fz_db *db = NULL;
  fz_ledger_report rep;
  if (fz_db_open(o->db, &db, &e)) {
    fprintf(stderr, "ledger_bench: %s\n", e.message);
    return 2;
  }
  double t0 = now_s();
  fz_err rc = fz_ledger_verify(db, &rep, &e);
  double secs = now_s() - t0;
  fz_db_close(db);
  if (rc) {
    fprintf(stderr, "ledger_bench: verify: %s\n", e.message);
    return 2;
  }
  if (!rep.ok) {
    fprintf(stderr, "ledger_bench: verify FAILED at seq %lld: %s\n",
            (long long)rep.bad_seq, rep.reason);
    return 1;
  }
  printf("verified %llu events in %.3f s: %.0f events/s\n",
         (unsigned long long)rep.events, secs, (double)rep.events / secs);
  return 0;
}

typedef struct share {
  fz_hash_alg alg;
  char **body;
  size_t from, to;
} share;

static void *hash_share(void *arg) {
  share *s = arg;
  uint8_t leaf[FZ_HASH_LEN], node[FZ_HASH_LEN] = {0};
  for (size_t i = s->from; i < s->to; i++) {
    fz_merkle_leaf_hash(s->alg, s->body[i], strlen(s->body[i]), leaf);
    fz_merkle_node_hash(s->alg, node, leaf, node);
  }
  return NULL;
}

static int ceiling(const opts *o) {
  fz_error e = {0};
  fz_db *db = NULL;
  fz_stmt *st = NULL;
  fz_hash_alg alg;
  char **body = NULL;
  size_t n = 0, cap = 0, bytes = 0;
  if (fz_db_open(o->db, &db, &e) || fz_ledger_alg(db, &alg, &e) ||
      fz_db_prepare(db, "SELECT body FROM ledger_event ORDER BY seq", &st, &e)) {
    fprintf(stderr, "ledger_bench: %s\n", e.message);
    fz_db_close(db);
    return 2;
  }
  while (fz_stmt_step(st, &e) == FZ_STEP_ROW) {
    if (n == cap) {
      cap = cap ? 2 * cap : 65536;
      char **p = realloc(body, cap * sizeof *body);
      if (!p) break;
      body = p;
    }
    if (!(body[n] = strdup(fz_stmt_column_text(st, 0)))) break;
    bytes += strlen(body[n++]);
  }
  fz_stmt_finalize(st);
  fz_db_close(db);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores < 1) cores = 1;
  if (cores > 64) cores = 64;
  share part[64];
  pthread_t tid[64];
  double t0 = now_s();
  for (long i = 0; i < cores; i++) {
    part[i] = (share){alg, body, n * (size_t)i / (size_t)cores,
                      n * (size_t)(i + 1) / (size_t)cores};
    if (pthread_create(&tid[i], NULL, hash_share, &part[i])) {
      hash_share(&part[i]);
      tid[i] = 0;
    }
  }
  for (long i = 0; i < cores; i++)
    if (tid[i]) pthread_join(tid[i], NULL);
  double secs = now_s() - t0;
  printf("hashed %zu events (%.0f bytes each on average) in %.3f s on %ld "
         "threads: %.0f events/s\n", n, n ? (double)bytes / (double)n : 0.0,
         secs, cores, (double)n / secs);
  for (size_t i = 0; i < n; i++) free(body[i]);
  free(body);
  return 0;
}

int main(int argc, char **argv) {
  opts o = {.clients = 16, .events = 10000, .per_write = 1};
  int bad = argc < 2;
  for (int i = 2; !bad && i < argc; i += 2) { /* --flag value pairs */
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) bad = 1;
    else if (!strcmp(a, "--db")) o.db = v;
    else if (!strcmp(a, "--dump")) o.dump = v;
    else if (!strcmp(a, "--clients")) bad = parse_long(v, 1, &o.clients);
    else if (!strcmp(a, "--events")) bad = parse_long(v, 1, &o.events);
    else if (!strcmp(a, "--per-write")) bad = parse_long(v, 1, &o.per_write);
    else bad = 1;
  }
  if (!bad && o.db && !strcmp(argv[1], "append")) return append(&o);
  if (!bad && o.db && !strcmp(argv[1], "verify")) return verify(&o);
  if (!bad && o.db && !strcmp(argv[1], "ceiling")) return ceiling(&o);
  fputs(usage, stderr);
  return 2;
}
