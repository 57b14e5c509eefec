/* verify.c — recomputing the whole ledger from its rows (fazhi ledger
 * verify): every event, every stored subtree hash, every checkpoint root.
 *
 * Events are read in chunks.  While the caller's thread reads chunk k+1
 * and then folds chunk k into the tree, helper threads (one per core) hash
 * the leaves of chunk k+1 and check that its bodies are canonical: leaf
 * hashing is most of the work (SM3 runs at about 300 MB/s in OpenSSL 3.0 on
 * x86), so it is the part worth spreading over the cores. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/json.h"
#include "ledger/ledger.h"

/* Recomputed subtree hashes, kept per level until compared with the rows. */
typedef struct nodes {
  uint8_t (*hash)[FZ_HASH_LEN];
  size_t n, cap;
} nodes;

/* A signed checkpoint's size and root, from ledger_checkpoint. */
typedef struct checkpoint {
  uint64_t size;
  uint8_t root[FZ_HASH_LEN];
  int ok; /* the stored root has the right length */
} checkpoint;

typedef struct verifier {
  fz_ledger_report *r;
  fz_merkle_stream ms;
  checkpoint *cps;
  size_t ncp, next; /* checkpoints, and the next one to compare */
  uint64_t prev_cp; /* the size of the last one compared */
  nodes level[FZ_MERKLE_MAX_PATH];
} verifier;

static fz_err keep_node(void *ctx, unsigned level, uint64_t index,
                        const uint8_t hash[FZ_HASH_LEN]) {
  verifier *v = ctx;
  nodes *l = &v->level[level];
  if (index != l->n) return FZ_INTERNAL;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 1024;
    void *p = realloc(l->hash, cap * FZ_HASH_LEN);
    if (!p) return FZ_NOMEM;
    l->hash = p;
    l->cap = cap;
  }
  memcpy(l->hash[l->n++], hash, FZ_HASH_LEN);
  return FZ_OK;
}

static void bad(fz_ledger_report *r, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void bad(fz_ledger_report *r, int64_t seq, const char *fmt, ...) {
  if (!r->ok) return; /* keep the first */
  r->ok = 0;
  r->bad_seq = seq;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->reason, sizeof r->reason, fmt, ap);
  va_end(ap);
}

/* ---- canonical form, the quick way ----
 *
 * Parsing every body with jansson and dumping it again costs about three
 * quarters of a verify.  The scanner below accepts, in one pass and without
 * allocating, the bodies that jansson's canonical dump (fz_json_canonical)
 * writes back unchanged: an object, no whitespace, keys in strictly
 * increasing byte order (so no duplicates), strict UTF-8 (RFC 3629: no
 * overlong forms, surrogates or code points past U+10FFFF), the seven short
 * escapes jansson writes (\" \\ \b \f \n \r \t) and integers in
 * jansson's form.  It only ever says "surely canonical": anything else
 * (\u escapes, escaped keys, real numbers, -0, 19-digit integers, nesting
 * deeper than SCAN_DEPTH, and every malformed body) goes to the exact check,
 * so the verdict and its message are those of the parse-and-dump. */

enum { SCAN_DEPTH = 32, SCAN_DIGITS = 18 };

typedef const unsigned char *cursor;

/* Length of the strict UTF-8 sequence at p (2..4), or 0. */
static int utf8_len(cursor p) {
  unsigned c = p[0], lo = 0x80, hi = 0xBF;
  int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
        : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (c == 0xE0) lo = 0xA0;      /* overlong */
  else if (c == 0xED) hi = 0x9F; /* surrogates */
  else if (c == 0xF0) lo = 0x90; /* overlong */
  else if (c == 0xF4) hi = 0x8F; /* past U+10FFFF */
  for (int i = 1; i < n; i++, lo = 0x80, hi = 0xBF)
    if (p[i] < lo || p[i] > hi) return 0;
  return n;
}

/* A string at *p; *plain tells whether it holds no escape.  0 or -1. */
static int scan_string(cursor *p, int *plain) {
  cursor s = *p + 1;
  *plain = 1;
  for (;;) {
    unsigned c = *s;
    if (c == '"') break;
    if (c == '\\') {
      if (!s[1] || !strchr("\"\\bfnrt", s[1])) return -1;
      *plain = 0;
      s += 2;
    } else if (c >= 0x20 && c < 0x80) {
      s++;
    } else {
      int n = c < 0x80 ? 0 : utf8_len(s);
      if (!n) return -1;
      s += n;
    }
  }
  *p = s + 1;
  return 0;
}

/* An integer at *p as jansson writes it; its value in *v.  0 or -1. */
static int scan_integer(cursor *p, int64_t *v) {
  cursor s = *p;
  int neg = *s == '-';
  s += neg;
  int64_t n = 0;
  int digits = 0;
  for (; *s >= '0' && *s <= '9'; digits++) {
    if (digits == SCAN_DIGITS) return -1;
    n = n * 10 + (*s++ - '0');
  }
  if (!digits || (s[-digits] == '0' && (digits > 1 || neg)) || *s == '.' ||
      *s == 'e' || *s == 'E')
    return -1;
  *v = neg ? -n : n;
  *p = s;
  return 0;
}

static int scan_value(cursor *p, int depth, int64_t *seq);

/* An object at *p; at depth 0 its "seq" goes to *seq.  0 or -1. */
static int scan_object(cursor *p, int depth, int64_t *seq) {
  cursor s = *p + 1, prev = NULL;
  size_t prev_len = 0;
  if (*s == '}') {
    *p = s + 1;
    return 0;
  }
  for (;;) {
    cursor key = s + 1;
    int plain;
    if (*s != '"' || scan_string(&s, &plain) || !plain || *s++ != ':')
      return -1;
    size_t len = (size_t)(s - 2 - key);
    if (prev) {
      int c = memcmp(prev, key, prev_len < len ? prev_len : len);
      if (c > 0 || (c == 0 && prev_len >= len)) return -1;
    }
    prev = key, prev_len = len;
    if (depth == 0 && len == 3 && !memcmp(key, "seq", 3)) {
      if (scan_integer(&s, seq)) return -1;
    } else if (scan_value(&s, depth + 1, NULL)) {
      return -1;
    }
    if (*s == '}') break;
    if (*s++ != ',') return -1;
  }
  *p = s + 1;
  return 0;
}

static int scan_value(cursor *p, int depth, int64_t *seq) {
  cursor s = *p;
  int64_t n;
  int plain;
  if (depth > SCAN_DEPTH) return -1;
  switch (*s) {
  case '{': return scan_object(p, depth, seq);
  case '"': return scan_string(p, &plain);
  case 't': return strncmp((const char *)s, "true", 4) ? -1 : (*p += 4, 0);
  case 'f': return strncmp((const char *)s, "false", 5) ? -1 : (*p += 5, 0);
  case 'n': return strncmp((const char *)s, "null", 4) ? -1 : (*p += 4, 0);
  case '[':
    s++;
    if (*s != ']')
      for (;;) {
        if (scan_value(&s, depth + 1, NULL)) return -1;
        if (*s == ']') break;
        if (*s++ != ',') return -1;
      }
    *p = s + 1;
    return 0;
  default: return scan_integer(p, &n);
  }
}

/* 1 when body is surely canonical and says seq; 0 when unsure. */
static int quick_body_ok(const char *body, uint64_t seq) {
  cursor s = (cursor)body;
  int64_t said = -1;
  return *s == '{' && !scan_object(&s, 0, &said) && !*s && said >= 0 &&
         (uint64_t)said == seq;
}

/* Checks one stored body, the exact way: canonical, and holding its own
 * seq.  For the bodies quick_body_ok could not vouch for. */
static void check_body(fz_ledger_report *r, uint64_t seq, const char *body) {
  json_t *v = NULL;
  if (fz_json_parse(body, strlen(body), &v, NULL)) {
    bad(r, (int64_t)seq, "event %llu: the stored body is not JSON",
        (unsigned long long)seq);
    return;
  }
  char *canon = fz_json_canonical(v);
  json_t *s = json_object_get(v, "seq");
  if (!canon || strcmp(canon, body) != 0)
    bad(r, (int64_t)seq, "event %llu: the stored body is not in canonical "
        "form (edited by hand?)", (unsigned long long)seq);
  else if (!json_is_integer(s) || (uint64_t)json_integer_value(s) != seq)
    bad(r, (int64_t)seq, "event %llu: the body says seq %lld (events "
        "reordered?)", (unsigned long long)seq,
        json_is_integer(s) ? (long long)json_integer_value(s) : -1LL);
  free(canon);
  json_decref(v);
}

/* ---- events, read in chunks and hashed on helper threads ---- */

enum { CHUNK_ROWS = 4096, CHUNK_BYTES = 4 << 20, MAX_HELPERS = 8 };

typedef struct row {
  uint64_t seq;
  size_t body;  /* offset of the NUL-terminated body in the chunk's text */
  size_t stored_len;
  uint8_t stored[FZ_HASH_LEN]; /* the leaf hash in the row */
  uint8_t leaf[FZ_HASH_LEN];   /* the leaf hash of the body */
  int quick;                   /* quick_body_ok */
} row;

typedef struct chunk chunk;

/* A helper thread's share of a chunk: rows from..to-1. */
typedef struct slice {
  chunk *c;
  size_t from, to;
  pthread_t thread;
  int started;
} slice;

struct chunk {
  fz_hash_alg alg;
  size_t n;
  int end;  /* the last step: FZ_STEP_ROW (more may follow), DONE or an error */
  fz_buf text;
  int helpers;
  slice part[MAX_HELPERS];
  row rows[CHUNK_ROWS];
};

/* Reads the next rows of st into c. */
static void read_chunk(fz_stmt *st, chunk *c, fz_error *err) {
  c->n = 0;
  c->end = FZ_STEP_ROW;
  fz_buf_reset(&c->text);
  while (c->n < CHUNK_ROWS && c->text.len < CHUNK_BYTES) {
    if ((c->end = fz_stmt_step(st, err)) != FZ_STEP_ROW) return;
    const char *body = fz_stmt_column_text(st, 1);
    size_t at = c->text.len;
    if (fz_buf_append(&c->text, body ? body : "", (body ? strlen(body) : 0) + 1)) {
      c->end = fz_error_set(err, FZ_NOMEM, "", NULL);
      return;
    }
    row *w = &c->rows[c->n++];
    const void *stored = fz_stmt_column_blob(st, 2, &w->stored_len);
    w->seq = (uint64_t)fz_stmt_column_int64(st, 0);
    w->body = at;
    if (w->stored_len == FZ_HASH_LEN) memcpy(w->stored, stored, FZ_HASH_LEN);
  }
}

static void *hash_slice(void *arg) {
  slice *p = arg;
  for (size_t i = p->from; i < p->to; i++) {
    row *w = &p->c->rows[i];
    const char *body = p->c->text.data + w->body;
    fz_merkle_leaf_hash(p->c->alg, body, strlen(body), w->leaf);
    w->quick = quick_body_ok(body, w->seq);
  }
  return NULL;
}

/* Hashes c on the helper threads; a slice whose thread cannot start is
 * hashed here. */
static void hash_start(chunk *c) {
  for (int i = 0; i < c->helpers; i++) {
    slice *p = &c->part[i];
    p->c = c;
    p->from = c->n * (size_t)i / (size_t)c->helpers;
    p->to = c->n * (size_t)(i + 1) / (size_t)c->helpers;
    p->started = pthread_create(&p->thread, NULL, hash_slice, p) == 0;
    if (!p->started) hash_slice(p);
  }
}

static void hash_wait(chunk *c) {
  for (int i = 0; i < c->helpers; i++)
    if (c->part[i].started) {
      pthread_join(c->part[i].thread, NULL);
      c->part[i].started = 0;
    }
}

/* A chunk with one helper per core (at most MAX_HELPERS); NULL when out of
 * memory. */
static chunk *chunk_new(fz_hash_alg alg) {
  chunk *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  c->alg = alg;
  c->helpers = cpus < 1 ? 1 : cpus > MAX_HELPERS ? MAX_HELPERS : (int)cpus;
  fz_buf_init(&c->text, 0);
  return c;
}

/* Waits for the helpers and frees c.  NULL is a no-op. */
static void chunk_free(chunk *c) {
  if (!c) return;
  hash_wait(c);
  fz_buf_free(&c->text);
  free(c);
}

/* Compares the roots of the checkpoints of size r->events. */
static void check_checkpoints(verifier *v) {
  fz_ledger_report *r = v->r;
  uint8_t root[FZ_HASH_LEN];
  for (; v->next < v->ncp && v->cps[v->next].size == r->events; v->next++) {
    const checkpoint *cp = &v->cps[v->next];
    fz_merkle_stream_root(&v->ms, root);
    if (cp->ok && !memcmp(root, cp->root, FZ_HASH_LEN))
      r->checkpoints++;
    else if (r->events == 0)
      bad(r, -1, "the checkpoint of size 0 does not match the empty tree");
    else
      bad(r, (int64_t)v->prev_cp, "the events do not match the signed "
          "checkpoint of size %llu: an event among seq %llu..%llu was "
          "altered, added or removed", (unsigned long long)cp->size,
          (unsigned long long)v->prev_cp, (unsigned long long)r->events - 1);
    v->prev_cp = r->events;
  }
}

/* Adds a hashed chunk to the tree, in order.  Returns FZ_OK, and sets
 * *stop at the first missing event (nothing after it can be placed). */
static fz_err fold_chunk(verifier *v, const chunk *c, int *stop,
                         fz_error *err) {
  fz_ledger_report *r = v->r;
  for (size_t i = 0; i < c->n; i++) {
    const row *w = &c->rows[i];
    if (w->seq != r->events) {
      bad(r, (int64_t)r->events, "event %llu is missing (the next stored is "
          "%llu): deleted?", (unsigned long long)r->events,
          (unsigned long long)w->seq);
      *stop = 1;
      return FZ_OK;
    }
    if (w->stored_len != FZ_HASH_LEN || memcmp(w->leaf, w->stored, FZ_HASH_LEN))
      bad(r, (int64_t)w->seq, "event %llu: its body does not hash to the "
          "stored leaf hash (edited?)", (unsigned long long)w->seq);
    if (!w->quick) check_body(r, w->seq, c->text.data + w->body);
    fz_err rc = fz_merkle_stream_push(&v->ms, w->leaf, keep_node, v);
    if (rc)
      return fz_error_set(err, rc, "", "out of memory verifying event %llu",
                          (unsigned long long)w->seq);
    r->events++;
    check_checkpoints(v);
  }
  return FZ_OK;
}

/* Reads, hashes and folds every event: reading chunk k+1 and folding chunk
 * k overlap with hashing chunk k+1. */
static fz_err check_events(fz_db *db, verifier *v, fz_hash_alg alg,
                           fz_error *err) {
  fz_stmt *st = NULL;
  chunk *cur = chunk_new(alg), *nxt = chunk_new(alg);
  fz_err rc = cur && nxt ? FZ_OK : fz_error_set(err, FZ_NOMEM, "", NULL);
  if (!rc)
    rc = fz_db_prepare(db, "SELECT seq, body, leaf_hash FROM ledger_event "
                       "ORDER BY seq", &st, err);
  if (rc) goto out;
  read_chunk(st, cur, err);
  hash_start(cur);
  for (int stop = 0; !rc && !stop;) {
    int more = cur->end == FZ_STEP_ROW;
    if (more) read_chunk(st, nxt, err);
    hash_wait(cur);
    if (more) hash_start(nxt);
    rc = fold_chunk(v, cur, &stop, err);
    if (!rc && !stop && cur->end != FZ_STEP_ROW && cur->end != FZ_STEP_DONE)
      rc = (fz_err)cur->end; /* *err was filled by the failed step */
    if (!more) break;
    chunk *t = cur;
    cur = nxt;
    nxt = t;
  }
out:
  chunk_free(cur);
  chunk_free(nxt);
  fz_stmt_finalize(st);
  return rc;
}

/* Compares the stored subtree hashes with the recomputed ones.  Rows are
 * read in storage order, which spares SQLite a look-up through the (level,
 * idx) index per row (five times faster); the report still names the first
 * bad row in (level, idx) order. */
static fz_err check_nodes(fz_db *db, verifier *v, fz_ledger_report *r,
                          fz_error *err) {
  enum { FINE, NO_EVENTS, MISMATCH } worst = FINE;
  int64_t bad_level = INT64_MAX, bad_idx = INT64_MAX;
  fz_stmt *st = NULL;
  fz_err rc = fz_db_prepare(db, "SELECT level, idx, hash FROM ledger_node",
                            &st, err);
  if (rc) return rc;
  size_t seen[FZ_MERKLE_MAX_PATH] = {0};
  int s;
  while ((s = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    int64_t level = fz_stmt_column_int64(st, 0), idx = fz_stmt_column_int64(st, 1);
    size_t len = 0;
    const uint8_t *h = fz_stmt_column_blob(st, 2, &len);
    int kind = FINE;
    if (level < 0 || level >= FZ_MERKLE_MAX_PATH || idx < 0 ||
        (uint64_t)idx >= v->level[level].n)
      kind = NO_EVENTS;
    else if (seen[level]++, len != FZ_HASH_LEN ||
             memcmp(h, v->level[level].hash[idx], FZ_HASH_LEN))
      kind = MISMATCH;
    if (kind && (level < bad_level || (level == bad_level && idx < bad_idx)))
      worst = kind, bad_level = level, bad_idx = idx;
  }
  fz_stmt_finalize(st);
  if (s != FZ_STEP_DONE) return (fz_err)s;
  if (worst == NO_EVENTS)
    bad(r, -1, "a stored subtree hash (level %lld, index %lld) covers "
        "events that do not exist", (long long)bad_level, (long long)bad_idx);
  else if (worst == MISMATCH)
    bad(r, bad_idx << bad_level, "the stored subtree hash of events "
        "%lld..%lld does not match them", (long long)(bad_idx << bad_level),
        (long long)(((bad_idx + 1) << bad_level) - 1));
  for (int l = 0; l < FZ_MERKLE_MAX_PATH; l++)
    if (seen[l] != v->level[l].n)
      bad(r, -1, "%zu of %zu subtree hashes at level %d are missing",
          v->level[l].n - seen[l], v->level[l].n, l);
  return FZ_OK;
}

fz_err fz_ledger_verify(fz_db *db, fz_ledger_report *r, fz_error *err) {
  memset(r, 0, sizeof *r);
  r->ok = 1;
  r->bad_seq = -1;
  fz_hash_alg alg;
  fz_err rc = fz_ledger_alg(db, &alg, err);
  if (rc) return rc;
  verifier *v = calloc(1, sizeof *v);
  if (!v) return fz_error_set(err, FZ_NOMEM, "", NULL);
  v->r = r;
  fz_merkle_stream_init(&v->ms, alg);

  /* Checkpoints, by size, compared as the stream passes their size. */
  fz_stmt *st = NULL;
  size_t cap = 0;
  rc = fz_db_prepare(db, "SELECT size, root FROM ledger_checkpoint ORDER BY "
                     "size", &st, err);
  int s = rc ? FZ_DB : FZ_STEP_DONE;
  while (!rc && (s = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    if (v->ncp == cap) {
      cap = cap ? cap * 2 : 16;
      void *p = realloc(v->cps, cap * sizeof *v->cps);
      if (!p) { rc = fz_error_set(err, FZ_NOMEM, "", NULL); break; }
      v->cps = p;
    }
    checkpoint *cp = &v->cps[v->ncp++];
    size_t len = 0;
    const void *root = fz_stmt_column_blob(st, 1, &len);
    cp->size = (uint64_t)fz_stmt_column_int64(st, 0);
    cp->ok = len == FZ_HASH_LEN;
    if (cp->ok) memcpy(cp->root, root, FZ_HASH_LEN);
  }
  fz_stmt_finalize(st);
  if (!rc && s != FZ_STEP_DONE) rc = (fz_err)s;
  if (rc) goto out;

  check_checkpoints(v); /* an empty log's checkpoints */
  if ((rc = check_events(db, v, alg, err))) goto out;
  if (v->next < v->ncp)
    bad(r, (int64_t)r->events, "a checkpoint of size %llu exists but only "
        "%llu events are stored: events were deleted",
        (unsigned long long)v->cps[v->next].size, (unsigned long long)r->events);
  fz_merkle_stream_root(&v->ms, r->root);
  rc = check_nodes(db, v, r, err);
out:
  for (int l = 0; l < FZ_MERKLE_MAX_PATH; l++) free(v->level[l].hash);
  free(v->cps);
  free(v);
  return rc;
}
