/* draw.c — the draw of 双随机 (DESIGN §5): the seed, every entity's ticket
 * on several threads (each keeping per stratum its n smallest in a bounded
 * max-heap), the merge, and the teams made by walking the picks in ticket
 * order.  See draw.h for the bytes that are hashed. */
#include "inspect/draw.h"

#include "core/digest.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Entities per ticket thread below which another thread does not pay for
 * itself; the result does not depend on it. */
#define TICKETS_PER_THREAD 32768
/* Ranks held at once while making teams (16 bytes each). */
#define RANK_BUDGET ((size_t)1 << 20)
/* Ranks per rank thread below which another thread does not pay. */
#define RANKS_PER_THREAD 8192
#define MAX_THREADS 256

/* ---- SM3 ---------------------------------------------------------------- */

/* out = SM3 of the pieces; all zeros should the library lack SM3 (run
 * checks first that it cannot). */
static int sm3(const fz_bytes *piece, int n, uint8_t out[FZ_DRAW_HASH]) {
  return fz_digest(FZ_HASH_SM3, piece, n, out);
}

/* out = SM3(data[0..len)); 0 as sm3. */
static int sm3_1(const void *data, size_t len, uint8_t out[FZ_DRAW_HASH]) {
  fz_bytes piece = {data, len};
  return sm3(&piece, 1, out);
}

/* Writes v in decimal without leading zeros; returns the length (≤ 20). */
static size_t put_decimal(char *out, uint64_t v) {
  char t[20];
  size_t n = 0;
  do {
    t[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++) out[i] = t[n - 1 - i];
  return n;
}

void fz_draw_seed(const uint8_t commitment[FZ_DRAW_HASH],
                  const uint8_t (*secrets)[FZ_DRAW_HASH], size_t nsecrets,
                  const char *public_value, uint8_t seed[FZ_DRAW_HASH]) {
  /* The secrets are hashed as one run: they sit side by side in the
   * array, 32 bytes each. */
  fz_bytes piece[4] = {{FZ_DRAW_ALGO, strlen(FZ_DRAW_ALGO)},
                       {commitment, FZ_DRAW_HASH},
                       {secrets, nsecrets * FZ_DRAW_HASH},
                       {public_value ? public_value : "",
                        public_value ? strlen(public_value) : 0}};
  sm3(piece, 4, seed);
}

void fz_draw_commit_of(const uint8_t secret[FZ_DRAW_HASH],
                       uint8_t commit[FZ_DRAW_HASH]) {
  fz_bytes piece = {secret, FZ_DRAW_HASH};
  sm3(&piece, 1, commit);
}

void fz_draw_ticket(const uint8_t seed[FZ_DRAW_HASH], const char *code,
                    size_t len, uint8_t out[FZ_DRAW_HASH]) {
  fz_bytes piece[3] = {{seed, FZ_DRAW_HASH}, {"E", 1}, {code, len}};
  sm3(piece, 3, out);
}

void fz_draw_rank(const uint8_t seed[FZ_DRAW_HASH], const char *code,
                  size_t len, int64_t officer_id, uint8_t out[FZ_DRAW_HASH]) {
  /* Ids are positive (draw.h); were one not, it reads as %lld would. */
  char id[21];
  size_t idn;
  if (officer_id < 0) {
    id[0] = '-';
    idn = 1 + put_decimal(id + 1, 0 - (uint64_t)officer_id);
  } else {
    idn = put_decimal(id, (uint64_t)officer_id);
  }
  fz_bytes piece[4] = {{seed, FZ_DRAW_HASH}, {"O", 1}, {code, len}, {id, idn}};
  sm3(piece, 4, out);
}

void fz_draw_digest(const void *lines, size_t len,
                    uint8_t out[FZ_DRAW_HASH]) {
  fz_bytes piece = {lines ? lines : "", len};
  sm3(&piece, 1, out);
}

/* ---- how many a stratum takes ------------------------------------------- */

fz_err fz_draw_take(long long count, const char *ratio, size_t pool_size,
                    size_t *n, fz_error *err) {
  if (count >= 0) {
    *n = (unsigned long long)count < pool_size ? (size_t)count : pool_size;
    return FZ_OK;
  }
  if (!ratio)
    return fz_error_set(err, FZ_INVALID, "count",
                        "须给出抽查比例或数量 / a ratio or a count is needed");
  /* One digit, then optionally "." and 1 to 6 digits: the ratio in
   * millionths, so that ceil(ratio · N) is exact. */
  const char *p = ratio;
  uint64_t millionths = 0;
  int ok = *p >= '0' && *p <= '9';
  if (ok) millionths = (uint64_t)(*p++ - '0') * 1000000u;
  if (ok && *p == '.') {
    p++;
    uint64_t scale = 100000;
    int digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 6) {
      millionths += (uint64_t)(*p++ - '0') * scale;
      scale /= 10;
      digits++;
    }
    ok = digits > 0;
  }
  if (!ok || *p != '\0' || millionths > 1000000u)
    return fz_error_set(err, FZ_INVALID, "ratio",
                        "抽查比例须为 0 到 1 之间、至多 6 位小数的数 / the "
                        "ratio must be a decimal from 0 to 1 with at most 6 "
                        "decimals, not \"%.40s\"", ratio);
  /* ceil(m · N / 10^6) without overflow: N = q · 10^6 + r. */
  uint64_t q = (uint64_t)pool_size / 1000000u;
  uint64_t r = (uint64_t)pool_size % 1000000u;
  uint64_t v = millionths * q + (millionths * r + 999999u) / 1000000u;
  *n = v < pool_size ? (size_t)v : pool_size;
  return FZ_OK;
}

/* ---- checks ------------------------------------------------------------- */

static int code_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

/* Checks lines [lo, hi) of a pool, each against the one before it. */
static fz_err pool_check_range(const char *pool, size_t lo, size_t hi,
                               fz_error *err) {
  for (size_t i = lo; i < hi; i++) {
    const char *line = pool + i * FZ_DRAW_LINE;
    for (int j = 0; j < FZ_DRAW_CODE; j++)
      if (!code_char((unsigned char)line[j]))
        return fz_error_set(err, FZ_INVALID, "pool",
                            "名录第 %zu 行不是 18 位代码 / line %zu is not an "
                            "18-character code of 0-9 and A-Z", i + 1, i + 1);
    if (line[FZ_DRAW_CODE] != '\n')
      return fz_error_set(err, FZ_INVALID, "pool",
                          "名录第 %zu 行没有以换行结束 / line %zu does not "
                          "end with a newline after 18 characters", i + 1,
                          i + 1);
    if (i && memcmp(line - FZ_DRAW_LINE, line, FZ_DRAW_CODE) >= 0)
      return fz_error_set(err, FZ_INVALID, "pool",
                          "名录第 %zu 行未按升序排列或重复 / line %zu is not "
                          "after line %zu in ascending order (or repeats it)",
                          i + 1, i + 1, i);
  }
  return FZ_OK;
}

fz_err fz_draw_pool_check(const char *pool, size_t pool_size,
                          fz_error *err) {
  if (pool_size && !pool)
    return fz_error_set(err, FZ_INVALID, "pool",
                        "名录为空 / the pool's lines are missing");
  return pool_check_range(pool, 0, pool_size, err);
}

/* Is s (n bytes) UTF-8 without control characters? */
static int utf8_text(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  while (p < end) {
    unsigned c = *p++;
    int more;
    unsigned min;
    if (c < 0x20 || c == 0x7f) return 0;
    if (c < 0x80) continue;
    if (c >= 0xc2 && c <= 0xdf) more = 1, min = 0x80, c &= 0x1f;
    else if (c >= 0xe0 && c <= 0xef) more = 2, min = 0x800, c &= 0x0f;
    else if (c >= 0xf0 && c <= 0xf4) more = 3, min = 0x10000, c &= 0x07;
    else return 0;
    if (end - p < more) return 0;
    for (int i = 0; i < more; i++) {
      if ((p[i] & 0xc0) != 0x80) return 0;
      c = (c << 6) | (p[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
    p += more;
  }
  return 1;
}

static fz_err check_input(const fz_draw_input *in, fz_error *err) {
  if (!in->secrets || in->nsecrets < 1 || in->nsecrets > FZ_DRAW_MAX_SECRETS)
    return fz_error_set(err, FZ_INVALID, "secrets",
                        "须有 1 到 %d 个秘密 / between 1 and %d secrets are "
                        "needed (got %zu)", FZ_DRAW_MAX_SECRETS,
                        FZ_DRAW_MAX_SECRETS, in->nsecrets);
  if (in->public_value &&
      !utf8_text(in->public_value, strlen(in->public_value)))
    return fz_error_set(err, FZ_INVALID, "public_value",
                        "公开随机值须为 UTF-8 文本 / the public value must be "
                        "UTF-8 text without control characters");
  if (!in->strata || in->nstrata < 1 || in->nstrata > FZ_DRAW_MAX_STRATA)
    return fz_error_set(err, FZ_INVALID, "strata",
                        "须有 1 到 %d 个分层 / between 1 and %d strata are "
                        "needed (got %zu)", FZ_DRAW_MAX_STRATA,
                        FZ_DRAW_MAX_STRATA, in->nstrata);
  for (size_t s = 0; s < in->nstrata; s++) {
    const fz_draw_stratum *st = &in->strata[s];
    size_t klen = st->key ? strlen(st->key) : 0;
    if (klen < 1 || klen > 32 || !utf8_text(st->key, klen))
      return fz_error_set(err, FZ_INVALID, "key",
                          "第 %zu 个分层的键须为 1 到 32 字节的 UTF-8 文本 / "
                          "the key of stratum %zu must be 1 to 32 bytes of "
                          "UTF-8 text", s + 1, s + 1);
    for (size_t t = 0; t < s; t++)
      if (strcmp(in->strata[t].key, st->key) == 0)
        return fz_error_set(err, FZ_INVALID, "key",
                            "分层键 \"%s\" 重复 / the stratum key \"%s\" "
                            "appears twice", st->key, st->key);
    if (st->pool_size > UINT32_MAX)
      return fz_error_set(err, FZ_INVALID, "pool",
                          "分层 \"%s\" 的名录过大 / the pool of stratum \"%s\" "
                          "has more than %u lines", st->key, st->key,
                          UINT32_MAX);
    if (st->n > st->pool_size)
      return fz_error_set(err, FZ_INVALID, "n",
                          "分层 \"%s\" 抽取 %zu 家，名录只有 %zu 家 / stratum "
                          "\"%s\" takes %zu of only %zu entities", st->key,
                          st->n, st->pool_size, st->key, st->n, st->pool_size);
    /* The lines themselves are checked by the ticket threads, each its
     * share, as it hashes them (a pass of its own over millions of lines
     * cost a tenth of the draw). */
    if (st->pool_size && !st->pool)
      return fz_error_set(err, FZ_INVALID, "pool", "分层 \"%s\": 名录为空 / "
                          "the pool's lines are missing", st->key);
  }
  if (in->ndepartments > FZ_DRAW_MAX_DEPARTMENTS ||
      (in->ndepartments && !in->departments))
    return fz_error_set(err, FZ_INVALID, "departments",
                        "联合抽查至多 %d 个部门 / a joint plan has at most %d "
                        "departments", FZ_DRAW_MAX_DEPARTMENTS,
                        FZ_DRAW_MAX_DEPARTMENTS);
  for (size_t d = 0; d < in->ndepartments; d++) {
    if (in->departments[d] <= 0)
      return fz_error_set(err, FZ_INVALID, "departments",
                          "部门编号须为正数 / department ids must be positive "
                          "(got %lld)", (long long)in->departments[d]);
    for (size_t e = 0; e < d; e++)
      if (in->departments[e] == in->departments[d])
        return fz_error_set(err, FZ_INVALID, "departments",
                            "部门 %lld 重复 / department %lld appears twice",
                            (long long)in->departments[d],
                            (long long)in->departments[d]);
  }
  if (in->team_size < 2 || in->team_size > FZ_DRAW_MAX_TEAM ||
      (size_t)in->team_size < in->ndepartments)
    return fz_error_set(err, FZ_INVALID, "team_size",
                        "每组人数须为 2 到 %d 人，且不少于联合部门数 / the team "
                        "size must be 2 to %d and at least the number of "
                        "departments (got %d)", FZ_DRAW_MAX_TEAM,
                        FZ_DRAW_MAX_TEAM, in->team_size);
  if (in->officer_cap < 1)
    return fz_error_set(err, FZ_INVALID, "officer_cap",
                        "每名执法人员的任务上限须至少为 1 / the per-officer cap "
                        "must be at least 1 (got %d)", in->officer_cap);
  if (in->nofficers && !in->officers)
    return fz_error_set(err, FZ_INVALID, "officers",
                        "执法人员名录为空 / the inspector pool is missing");
  if (in->nofficers > UINT32_MAX)
    return fz_error_set(err, FZ_INVALID, "officers",
                        "执法人员过多 / too many officers");
  int joint = in->ndepartments >= 2;
  for (size_t i = 0; i < in->nofficers; i++) {
    const fz_draw_officer *o = &in->officers[i];
    if (o->id <= 0 || o->department_id <= 0)
      return fz_error_set(err, FZ_INVALID, "officers",
                          "执法人员和部门编号须为正数 / officer and "
                          "department ids must be positive (officer %zu)",
                          i + 1);
    if (i && o->id <= in->officers[i - 1].id)
      return fz_error_set(err, FZ_INVALID, "officers",
                          "执法人员须按编号升序排列且不重复 / officers must be "
                          "in ascending order of id, without repeats (%lld "
                          "after %lld)", (long long)o->id,
                          (long long)in->officers[i - 1].id);
    if (joint) {
      size_t d = 0;
      while (d < in->ndepartments && in->departments[d] != o->department_id)
        d++;
      if (d == in->ndepartments)
        return fz_error_set(err, FZ_INVALID, "officers",
                            "执法人员 %lld 所在部门 %lld 不在联合部门中 / "
                            "officer %lld belongs to department %lld, which "
                            "is not in the joint plan", (long long)o->id,
                            (long long)o->department_id, (long long)o->id,
                            (long long)o->department_id);
    }
  }
  if (in->nconflicts && !in->conflicts)
    return fz_error_set(err, FZ_INVALID, "conflicts",
                        "回避名单为空 / the conflicts are missing");
  for (size_t i = 0; i < in->nconflicts; i++) {
    const fz_draw_conflict *c = &in->conflicts[i];
    int ok = c->officer_id > 0 && c->code[FZ_DRAW_CODE] == '\0';
    for (int j = 0; ok && j < FZ_DRAW_CODE; j++)
      ok = code_char((unsigned char)c->code[j]);
    if (!ok)
      return fz_error_set(err, FZ_INVALID, "conflicts",
                          "回避名单第 %zu 条须为正的人员编号和 18 位代码 / "
                          "conflict %zu needs a positive officer id and an "
                          "18-character code", i + 1, i + 1);
  }
  return FZ_OK;
}

/* ---- tickets ------------------------------------------------------------ */

/* A candidate of one stratum: its ticket and its line.  Within a stratum
 * lines ascend with codes, so (ticket, index) orders as (ticket, code). */
typedef struct cand {
  uint8_t t[FZ_DRAW_HASH];
  uint32_t index;
} cand;

static int cand_lt(const cand *a, const cand *b) {
  int c = memcmp(a->t, b->t, FZ_DRAW_HASH);
  return c < 0 || (c == 0 && a->index < b->index);
}

static int cand_cmp(const void *a, const void *b) {
  return cand_lt(a, b) ? -1 : cand_lt(b, a) ? 1 : 0;
}

/* Max-heap: h[0] is the largest of the kept. */
static void heap_down(cand *h, size_t len, size_t i) {
  cand x = h[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= len) break;
    if (c + 1 < len && cand_lt(&h[c], &h[c + 1])) c++;
    if (!cand_lt(&x, &h[c])) break;
    h[i] = h[c];
    i = c;
  }
  h[i] = x;
}

static void heap_up(cand *h, size_t i) {
  cand x = h[i];
  while (i) {
    size_t p = (i - 1) / 2;
    if (!cand_lt(&h[p], &x)) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = x;
}

/* One ticket thread: the lines [lo, hi) of the strata laid end to end. */
typedef struct tworker {
  const fz_draw_input *in;
  const uint8_t *seed;
  const size_t *offset; /* offset[s]: first line of stratum s */
  size_t lo, hi;
  cand *heap[FZ_DRAW_MAX_STRATA];
  size_t len[FZ_DRAW_MAX_STRATA], cap[FZ_DRAW_MAX_STRATA];
  fz_err rc;
  size_t bad_stratum; /* rc FZ_INVALID: the first bad line's, and why */
  fz_error bad;
} tworker;

/* Is line i of the pool a code after line i - 1? */
static int line_ok(const char *pool, size_t i) {
  const char *line = pool + i * FZ_DRAW_LINE;
  for (int j = 0; j < FZ_DRAW_CODE; j++)
    if (!code_char((unsigned char)line[j])) return 0;
  return line[FZ_DRAW_CODE] == '\n' &&
         (!i || memcmp(line - FZ_DRAW_LINE, line, FZ_DRAW_CODE) < 0);
}

static void *ticket_thread(void *arg) {
  tworker *w = arg;
  uint8_t buf[FZ_DRAW_HASH + 1 + FZ_DRAW_CODE];
  memcpy(buf, w->seed, FZ_DRAW_HASH);
  buf[FZ_DRAW_HASH] = 'E';
  uint8_t *code = buf + FZ_DRAW_HASH + 1;
  for (size_t s = 0; s < w->in->nstrata; s++) {
    const fz_draw_stratum *st = &w->in->strata[s];
    size_t a = w->offset[s], b = a + st->pool_size;
    if (a < w->lo) a = w->lo;
    if (b > w->hi) b = w->hi;
    if (a >= b) continue;
    cand *h = w->heap[s], x;
    size_t len = 0, cap = w->cap[s];
    for (size_t g = a; g < b; g++) {
      size_t i = g - w->offset[s];
      if (!line_ok(st->pool, i)) {
        w->rc = FZ_INVALID;
        w->bad_stratum = s;
        pool_check_range(st->pool, i, i + 1, &w->bad);
        return NULL;
      }
      if (!cap) continue; /* nothing taken here: the lines checked only */
      memcpy(code, st->pool + i * FZ_DRAW_LINE, FZ_DRAW_CODE);
      if (!sm3_1(buf, sizeof buf, x.t)) {
        w->rc = FZ_INTERNAL;
        return NULL;
      }
      x.index = (uint32_t)i;
      if (len < cap) {
        h[len] = x;
        heap_up(h, len++);
      } else if (cand_lt(&x, &h[0])) {
        h[0] = x;
        heap_down(h, len, 0);
      }
    }
    w->len[s] = len;
  }
  return NULL;
}

/* Runs fn(args[i]) for i < n, on n - 1 new threads and this one; a thread
 * that cannot start runs here instead, so the result never depends on how
 * many started. */
static void run_parallel(void *(*fn)(void *), void *args, size_t size,
                         size_t n) {
  pthread_t tid[MAX_THREADS];
  int started[MAX_THREADS];
  for (size_t i = 1; i < n; i++)
    started[i - 1] =
        pthread_create(&tid[i - 1], NULL, fn, (char *)args + i * size) == 0;
  fn(args);
  for (size_t i = 1; i < n; i++) {
    if (started[i - 1])
      pthread_join(tid[i - 1], NULL);
    else
      fn((char *)args + i * size);
  }
}

/* A pick with its code, for the global order (ticket, code, stratum). */
typedef struct gpick {
  uint8_t t[FZ_DRAW_HASH];
  char code[FZ_DRAW_CODE];
  uint32_t stratum, index;
} gpick;

static int gpick_cmp(const void *pa, const void *pb) {
  const gpick *a = pa, *b = pb;
  int c = memcmp(a->t, b->t, FZ_DRAW_HASH);
  if (!c) c = memcmp(a->code, b->code, FZ_DRAW_CODE);
  if (!c) c = (a->stratum > b->stratum) - (a->stratum < b->stratum);
  return c;
}

static size_t thread_count(int threads) {
  long n = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (size_t)n;
}

/* Fills out->picks: the n smallest of each stratum, all in global order. */
static fz_err select_picks(const fz_draw_input *in, size_t threads,
                           fz_draw_result *out, fz_error *err) {
  size_t offset[FZ_DRAW_MAX_STRATA], total = 0, want = 0;
  for (size_t s = 0; s < in->nstrata; s++) {
    offset[s] = total;
    total += in->strata[s].pool_size;
    want += in->strata[s].n;
  }
  size_t nt = (total + TICKETS_PER_THREAD - 1) / TICKETS_PER_THREAD;
  if (nt > threads) nt = threads;
  if (nt < 1) nt = 1;
  fz_err rc = FZ_OK;
  tworker *w = calloc(nt, sizeof *w);
  cand *all = NULL;
  gpick *g = NULL;
  if (!w) goto nomem;
  for (size_t i = 0; i < nt; i++) {
    w[i] = (tworker){.in = in, .seed = out->seed, .offset = offset,
                     .lo = total / nt * i + (i < total % nt ? i : total % nt)};
    w[i].hi = w[i].lo + total / nt + (i < total % nt);
    for (size_t s = 0; s < in->nstrata; s++) {
      size_t a = offset[s], b = a + in->strata[s].pool_size;
      if (a < w[i].lo) a = w[i].lo;
      if (b > w[i].hi) b = w[i].hi;
      size_t cap = a < b ? b - a : 0;
      if (cap > in->strata[s].n) cap = in->strata[s].n;
      w[i].cap[s] = cap;
      if (cap && !(w[i].heap[s] = malloc(cap * sizeof(cand)))) goto nomem;
    }
  }
  run_parallel(ticket_thread, w, sizeof *w, nt);
  /* The threads' shares are in line order, so the first thread's bad line
   * is the pool's first. */
  for (size_t i = 0; i < nt; i++)
    if (w[i].rc == FZ_INVALID) {
      rc = fz_error_set(err, FZ_INVALID, "pool", "分层 \"%s\": %s",
                        in->strata[w[i].bad_stratum].key, w[i].bad.message);
      goto out;
    } else if (w[i].rc) {
      rc = fz_error_set(err, w[i].rc, "", w[i].rc == FZ_NOMEM ? NULL :
                        "SM3 失败 / SM3 failed");
      goto out;
    }

  if (want && !(g = malloc(want * sizeof *g))) goto nomem;
  size_t ng = 0;
  for (size_t s = 0; s < in->nstrata; s++) {
    size_t m = 0;
    for (size_t i = 0; i < nt; i++) m += w[i].len[s];
    if (!m) continue;
    free(all);
    if (!(all = malloc(m * sizeof *all))) goto nomem;
    m = 0;
    for (size_t i = 0; i < nt; i++) {
      if (w[i].len[s]) memcpy(all + m, w[i].heap[s], w[i].len[s] * sizeof *all);
      m += w[i].len[s];
    }
    qsort(all, m, sizeof *all, cand_cmp);
    /* Each thread kept the n smallest of its lines, so the n smallest of
     * the stratum are among them. */
    for (size_t j = 0; j < in->strata[s].n; j++) {
      gpick *p = &g[ng++];
      memcpy(p->t, all[j].t, FZ_DRAW_HASH);
      memcpy(p->code, in->strata[s].pool + (size_t)all[j].index * FZ_DRAW_LINE,
             FZ_DRAW_CODE);
      p->stratum = (uint32_t)s;
      p->index = all[j].index;
    }
  }
  if (ng) qsort(g, ng, sizeof *g, gpick_cmp);
  if (ng && !(out->picks = malloc(ng * sizeof *out->picks))) goto nomem;
  for (size_t j = 0; j < ng; j++) {
    out->picks[j].stratum = g[j].stratum;
    out->picks[j].index = g[j].index;
    memcpy(out->picks[j].ticket, g[j].t, FZ_DRAW_HASH);
  }
  out->npicks = ng;
  goto out;
nomem:
  rc = fz_error_set(err, FZ_NOMEM, "", NULL);
out:
  if (w)
    for (size_t i = 0; i < nt; i++)
      for (size_t s = 0; s < in->nstrata; s++) free(w[i].heap[s]);
  free(w);
  free(all);
  free(g);
  return rc;
}

/* ---- teams -------------------------------------------------------------- */

/* A conflict whose officer is in the pool, by (code, officer). */
typedef struct conf {
  char code[FZ_DRAW_CODE];
  uint32_t officer; /* index into in->officers */
} conf;

static int conf_cmp(const void *pa, const void *pb) {
  const conf *a = pa, *b = pb;
  int c = memcmp(a->code, b->code, FZ_DRAW_CODE);
  if (!c) c = (a->officer > b->officer) - (a->officer < b->officer);
  return c;
}

/* One officer's rank for a pick: its first 64 bits, big-endian, as the
 * key; the rare equal keys are settled on the whole rank, then the id. */
typedef struct ritem {
  uint64_t hi;
  uint32_t officer;
} ritem;

typedef struct teams {
  const fz_draw_input *in;
  const fz_draw_result *res;
  char (*idstr)[20];  /* decimal ids */
  uint8_t *idlen;
  uint8_t *dept;      /* a joint plan's department index of each officer */
  int *count;         /* tasks taken so far */
  conf *conf;
  size_t nconf;
  /* The chunk of picks [c0, c1) being ranked, over the officers elig[0..k)
   * eligible at its start; pick p's ranks are at items + (p - c0) * k. */
  uint32_t *elig;
  size_t k, c0, c1;
  ritem *items;
  uint32_t *nitems;
} teams;

static const char *pick_code(const teams *t, size_t p) {
  const fz_draw_pick *pk = &t->res->picks[p];
  return t->in->strata[pk->stratum].pool + (size_t)pk->index * FZ_DRAW_LINE;
}

static void rank_full(const teams *t, const char *code,
                      uint32_t o, uint8_t out[FZ_DRAW_HASH]) {
  uint8_t buf[FZ_DRAW_HASH + 1 + FZ_DRAW_CODE + 20];
  memcpy(buf, t->res->seed, FZ_DRAW_HASH);
  buf[FZ_DRAW_HASH] = 'O';
  memcpy(buf + FZ_DRAW_HASH + 1, code, FZ_DRAW_CODE);
  memcpy(buf + FZ_DRAW_HASH + 1 + FZ_DRAW_CODE, t->idstr[o], t->idlen[o]);
  sm3_1(buf, FZ_DRAW_HASH + 1 + FZ_DRAW_CODE + t->idlen[o], out);
}

static int ritem_lt(const teams *t, const char *code,
                    const ritem *a, const ritem *b) {
  if (a->hi != b->hi) return a->hi < b->hi;
  uint8_t ra[FZ_DRAW_HASH], rb[FZ_DRAW_HASH];
  rank_full(t, code, a->officer, ra);
  rank_full(t, code, b->officer, rb);
  int d = memcmp(ra, rb, FZ_DRAW_HASH);
  if (d) return d < 0;
  return t->in->officers[a->officer].id < t->in->officers[b->officer].id;
}

/* Min-heap of ranks. */
static void rheap_down(const teams *t, const char *code,
                       ritem *h, size_t len, size_t i) {
  ritem x = h[i];
  for (;;) {
    size_t ch = 2 * i + 1;
    if (ch >= len) break;
    if (ch + 1 < len && ritem_lt(t, code, &h[ch + 1], &h[ch])) ch++;
    if (!ritem_lt(t, code, &h[ch], &x)) break;
    h[i] = h[ch];
    i = ch;
  }
  h[i] = x;
}

typedef struct rworker {
  teams *t;
  size_t p0, p1;
  fz_err rc;
} rworker;

/* Ranks the eligible officers of picks [p0, p1) that are not in conflict
 * with the pick's entity, and heapifies each pick's ranks. */
static void *rank_thread(void *arg) {
  rworker *w = arg;
  teams *t = w->t;
  uint8_t buf[FZ_DRAW_HASH + 1 + FZ_DRAW_CODE + 20], r[FZ_DRAW_HASH];
  memcpy(buf, t->res->seed, FZ_DRAW_HASH);
  buf[FZ_DRAW_HASH] = 'O';
  char *code = (char *)buf + FZ_DRAW_HASH + 1;
  char *id = code + FZ_DRAW_CODE;
  for (size_t p = w->p0; p < w->p1; p++) {
    memcpy(code, pick_code(t, p), FZ_DRAW_CODE);
    /* The conflicts of this entity, ascending by officer index. */
    conf key;
    memcpy(key.code, code, FZ_DRAW_CODE);
    key.officer = 0;
    size_t lo = 0, hi = t->nconf;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (conf_cmp(&t->conf[mid], &key) < 0) lo = mid + 1;
      else hi = mid;
    }
    size_t cf = lo;
    ritem *items = t->items + (p - t->c0) * t->k;
    uint32_t n = 0;
    for (size_t e = 0; e < t->k; e++) {
      uint32_t o = t->elig[e];
      while (cf < t->nconf &&
             memcmp(t->conf[cf].code, code, FZ_DRAW_CODE) == 0 &&
             t->conf[cf].officer < o)
        cf++;
      if (cf < t->nconf && t->conf[cf].officer == o &&
          memcmp(t->conf[cf].code, code, FZ_DRAW_CODE) == 0)
        continue; /* 回避 */
      memcpy(id, t->idstr[o], t->idlen[o]);
      size_t len = FZ_DRAW_HASH + 1 + FZ_DRAW_CODE + t->idlen[o];
      if (!sm3_1(buf, len, r)) {
        w->rc = FZ_INTERNAL;
        return NULL;
      }
      uint64_t v = 0;
      for (int j = 0; j < 8; j++) v = v << 8 | r[j];
      items[n++] = (ritem){.hi = v, .officer = o};
    }
    for (size_t i = n / 2; i-- > 0;) rheap_down(t, code, items, n, i);
    t->nitems[p - t->c0] = n;
  }
  return NULL;
}

/* A pick's officers in rank order, sorted lazily: the heap is a[0..h), and
 * the j-th smallest, once popped, sits at a[n - 1 - j]. */
typedef struct lazy {
  ritem *a;
  size_t n, h;
} lazy;

static int64_t nth(const teams *t, const char *code, lazy *l,
                   size_t j) {
  if (j >= l->n) return -1;
  while (l->n - l->h <= j) {
    ritem top = l->a[0];
    l->a[0] = l->a[--l->h];
    l->a[l->h] = top;
    if (l->h) rheap_down(t, code, l->a, l->h, 0);
  }
  return l->a[l->n - 1 - j].officer;
}

/* Walks the picks of the chunk in order and makes their teams. */
static void staff_chunk(teams *t, fz_draw_result *out) {
  const fz_draw_input *in = t->in;
  size_t ts = (size_t)in->team_size;
  int cap = in->officer_cap, joint = in->ndepartments >= 2;
  for (size_t p = t->c0; p < t->c1; p++) {
    const char *code = pick_code(t, p);
    lazy l = {.a = t->items + (p - t->c0) * t->k, .n = t->nitems[p - t->c0]};
    l.h = l.n;
    uint32_t taken[FZ_DRAW_MAX_TEAM];
    size_t nt = 0;
    int ok = 1;
    /* 部门联合抽查: the best-ranked eligible officer of each department
     * first, in the plan's order. */
    for (size_t d = 0; joint && ok && d < in->ndepartments; d++) {
      int64_t o;
      for (size_t j = 0; (o = nth(t, code, &l, j)) >= 0; j++)
        if (t->dept[o] == d && t->count[o] < cap) break;
      if (o < 0) ok = 0;
      else taken[nt++] = (uint32_t)o;
    }
    for (size_t j = 0; ok && nt < ts; j++) {
      int64_t o = nth(t, code, &l, j);
      if (o < 0) break;
      if (t->count[o] >= cap) continue;
      size_t q = 0;
      while (q < nt && taken[q] != (uint32_t)o) q++;
      if (q == nt) taken[nt++] = (uint32_t)o;
    }
    if (!ok || nt < ts) {
      out->nunstaffed++; /* published as unstaffed; its row stays 0 */
      continue;
    }
    for (size_t q = 0; q < ts; q++) {
      t->count[taken[q]]++;
      out->team[p * ts + q] = in->officers[taken[q]].id;
    }
  }
}

static fz_err make_teams(const fz_draw_input *in, size_t threads,
                         fz_draw_result *out, fz_error *err) {
  size_t m = in->nofficers, ts = (size_t)in->team_size;
  fz_err rc = FZ_OK;
  teams t = {.in = in, .res = out};
  rworker *w = NULL;
  if (!out->npicks) return FZ_OK;
  if (!(out->team = calloc(out->npicks * ts, sizeof *out->team))) goto nomem;
  if (!m) {
    out->nunstaffed = out->npicks;
    return FZ_OK;
  }
  t.idstr = malloc(m * sizeof *t.idstr);
  t.idlen = malloc(m);
  t.dept = calloc(m, 1);
  t.count = calloc(m, sizeof *t.count);
  t.elig = malloc(m * sizeof *t.elig);
  if (in->nconflicts) t.conf = malloc(in->nconflicts * sizeof *t.conf);
  w = calloc(threads, sizeof *w);
  if (!t.idstr || !t.idlen || !t.dept || !t.count || !t.elig || !w ||
      (in->nconflicts && !t.conf))
    goto nomem;
  for (size_t o = 0; o < m; o++) {
    t.idlen[o] = (uint8_t)put_decimal(t.idstr[o], (uint64_t)in->officers[o].id);
    for (size_t d = 0; in->ndepartments >= 2 && d < in->ndepartments; d++)
      if (in->departments[d] == in->officers[o].department_id)
        t.dept[o] = (uint8_t)d;
  }
  for (size_t i = 0; i < in->nconflicts; i++) {
    const fz_draw_conflict *cf = &in->conflicts[i];
    size_t lo = 0, hi = m;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (in->officers[mid].id < cf->officer_id) lo = mid + 1;
      else hi = mid;
    }
    if (lo == m || in->officers[lo].id != cf->officer_id) continue;
    memcpy(t.conf[t.nconf].code, cf->code, FZ_DRAW_CODE);
    t.conf[t.nconf++].officer = (uint32_t)lo;
  }
  if (t.nconf) qsort(t.conf, t.nconf, sizeof *t.conf, conf_cmp);

  for (size_t c0 = 0; c0 < out->npicks;) {
    /* Officers at the cap now stay there for the rest of the draw, so only
     * the others are ranked. */
    uint64_t room = 0;
    t.k = 0;
    for (size_t o = 0; o < m; o++)
      if (t.count[o] < in->officer_cap) {
        t.elig[t.k++] = (uint32_t)o;
        room += (uint64_t)(in->officer_cap - t.count[o]);
      }
    if (t.k < ts) { /* nobody can be staffed any more */
      out->nunstaffed += out->npicks - c0;
      break;
    }
    /* As many picks as the budget holds, and not many more than the room
     * left could staff (later ones would rank officers then capped). */
    size_t chunk = RANK_BUDGET / t.k;
    if (chunk < 1) chunk = 1;
    uint64_t fill = room / ts + 64;
    if (chunk > fill) chunk = (size_t)fill;
    if (chunk > out->npicks - c0) chunk = out->npicks - c0;
    if (!t.items) {
      /* Enough for any later chunk: k only shrinks, and chunk · k stays
       * within the budget (or is one pick of k ranks). */
      size_t ni = RANK_BUDGET > m ? RANK_BUDGET : m, np = RANK_BUDGET / 2;
      if (out->npicks < np) np = out->npicks;
      if (out->npicks <= ni / m) ni = out->npicks * m;
      t.items = malloc(ni * sizeof *t.items);
      t.nitems = malloc(np * sizeof *t.nitems);
      if (!t.items || !t.nitems) goto nomem;
    }
    t.c0 = c0;
    t.c1 = c0 + chunk;
    size_t nw = chunk * t.k / RANKS_PER_THREAD;
    if (nw > threads) nw = threads;
    if (nw > chunk) nw = chunk;
    if (nw < 1) nw = 1;
    for (size_t i = 0; i < nw; i++)
      w[i] = (rworker){.t = &t, .p0 = c0 + chunk * i / nw,
                       .p1 = c0 + chunk * (i + 1) / nw};
    run_parallel(rank_thread, w, sizeof *w, nw);
    for (size_t i = 0; i < nw; i++)
      if (w[i].rc) {
        rc = fz_error_set(err, w[i].rc, "", w[i].rc == FZ_NOMEM ? NULL :
                          "SM3 失败 / SM3 failed");
        goto out;
      }
    staff_chunk(&t, out);
    c0 += chunk;
  }
  goto out;
nomem:
  rc = fz_error_set(err, FZ_NOMEM, "", NULL);
out:
  free(t.idstr);
  free(t.idlen);
  free(t.dept);
  free(t.count);
  free(t.elig);
  free(t.conf);
  free(t.items);
  free(t.nitems);
  free(w);
  return rc;
}

/* ---- the draw ----------------------------------------------------------- */

fz_err fz_draw_run(const fz_draw_input *in, fz_draw_result *out,
                   fz_error *err) {
  *out = (fz_draw_result){.team_size = in->team_size};
  fz_err rc = check_input(in, err);
  if (rc) return rc;
  if (!fz_digest_available(FZ_HASH_SM3))
    return fz_error_set(err, FZ_UNSUPPORTED, "",
                        "所用密码库不支持 SM3 / the crypto library in use has "
                        "no SM3");
  size_t threads = thread_count(in->threads);
  fz_draw_seed(in->commitment, in->secrets, in->nsecrets, in->public_value,
               out->seed);
  rc = select_picks(in, threads, out, err);
  if (!rc) rc = make_teams(in, threads, out, err);
  if (rc) {
    fz_draw_result_free(out);
    *out = (fz_draw_result){.team_size = in->team_size};
  }
  return rc;
}

void fz_draw_result_free(fz_draw_result *r) {
  if (!r) return;
  free(r->picks);
  free(r->team);
  r->picks = NULL;
  r->team = NULL;
  r->npicks = 0;
  r->nunstaffed = 0;
}
