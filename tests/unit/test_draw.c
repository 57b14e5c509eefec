/* test_draw.c — the draw of 双随机 (DESIGN §5): known answers for every
 * hash (from `openssl dgst -sm3`), fz_draw_take's edges, the selection and
 * the teams against a brute-force reference, the same result on any number
 * of threads, joint plans, conflicts and caps, the record's round trip and
 * one refusal for each kind of tampering, and a chi-square test that every
 * entity of a stratum is equally likely to be drawn. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/draw.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "test.h"

typedef uint8_t hash[FZ_DRAW_HASH];

/* ---- helpers ---- */

static void unhex(const char *s, uint8_t *out) {
  size_t n = strlen(s) / 2;
  for (size_t i = 0; i < n; i++) {
    unsigned v = 0;
    for (int j = 0; j < 2; j++) {
      char c = s[2 * i + j];
      v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    out[i] = (uint8_t)v;
  }
}

static const char *tohex(const uint8_t h[FZ_DRAW_HASH]) {
  static char s[2 * FZ_DRAW_HASH + 1];
  for (int i = 0; i < FZ_DRAW_HASH; i++) {
    s[2 * i] = "0123456789abcdef"[h[i] >> 4];
    s[2 * i + 1] = "0123456789abcdef"[h[i] & 15];
  }
  s[2 * FZ_DRAW_HASH] = '\0';
  return s;
}

/* A pool of n ascending codes "9<tag><16 digits>" and "\n" each. */
static char *make_pool(size_t n, unsigned tag) {
  char *p = malloc(n * FZ_DRAW_LINE + 1);
  for (size_t i = 0; i < n; i++) {
    char line[32];
    snprintf(line, sizeof line, "9%u%016llu\n", tag % 10,
             (unsigned long long)(i * 7 + 3) % 10000000000000000ULL);
    memcpy(p + i * FZ_DRAW_LINE, line, FZ_DRAW_LINE);
  }
  return p;
}

static const char *line_of(const fz_draw_input *in, const fz_draw_pick *p) {
  return in->strata[p->stratum].pool + (size_t)p->index * FZ_DRAW_LINE;
}

/* ---- a brute-force reference, straight from DESIGN §5 ---- */

typedef struct ref_pick {
  hash t;
  const char *code;
  uint32_t stratum, index;
} ref_pick;

static int ref_pick_cmp(const void *pa, const void *pb) {
  const ref_pick *a = pa, *b = pb;
  int c = memcmp(a->t, b->t, FZ_DRAW_HASH);
  if (!c) c = memcmp(a->code, b->code, FZ_DRAW_CODE);
  if (!c) c = (int)a->stratum - (int)b->stratum;
  return c;
}

/* Every ticket of every stratum, sorted; the first n of each; all of them
 * sorted again.  Checks res->picks against that. */
static void check_picks_brute_force(const fz_draw_input *in,
                                    const fz_draw_result *res) {
  size_t total = 0, want = 0;
  for (size_t s = 0; s < in->nstrata; s++) {
    total += in->strata[s].pool_size;
    want += in->strata[s].n;
  }
  ref_pick *all = malloc(total * sizeof *all);
  ref_pick *sel = malloc((want + 1) * sizeof *sel);
  size_t ns = 0;
  for (size_t s = 0; s < in->nstrata; s++) {
    const fz_draw_stratum *st = &in->strata[s];
    for (size_t i = 0; i < st->pool_size; i++) {
      all[i].code = st->pool + i * FZ_DRAW_LINE;
      all[i].stratum = (uint32_t)s;
      all[i].index = (uint32_t)i;
      fz_draw_ticket(res->seed, all[i].code, FZ_DRAW_CODE, all[i].t);
    }
    qsort(all, st->pool_size, sizeof *all, ref_pick_cmp);
    memcpy(sel + ns, all, st->n * sizeof *all);
    ns += st->n;
  }
  qsort(sel, ns, sizeof *sel, ref_pick_cmp);
  CHECK_INT(res->npicks, ns);
  int same = res->npicks == ns;
  for (size_t i = 0; same && i < ns; i++)
    same = res->picks[i].stratum == sel[i].stratum &&
           res->picks[i].index == sel[i].index &&
           memcmp(res->picks[i].ticket, sel[i].t, FZ_DRAW_HASH) == 0;
  CHECK(same);
  free(all);
  free(sel);
}

typedef struct ref_rank {
  hash r;
  int64_t id, dept;
  size_t o; /* index into in->officers */
} ref_rank;

static int ref_rank_cmp(const void *pa, const void *pb) {
  const ref_rank *a = pa, *b = pb;
  int c = memcmp(a->r, b->r, FZ_DRAW_HASH);
  return c ? c : (a->id > b->id) - (a->id < b->id);
}

static int in_conflict(const fz_draw_input *in, int64_t id, const char *code) {
  for (size_t i = 0; i < in->nconflicts; i++)
    if (in->conflicts[i].officer_id == id &&
        memcmp(in->conflicts[i].code, code, FZ_DRAW_CODE) == 0)
      return 1;
  return 0;
}

/* The teams as §5 step 4 says, ranking every officer for every pick. */
static void check_teams_brute_force(const fz_draw_input *in,
                                    const fz_draw_result *res) {
  size_t m = in->nofficers, ts = (size_t)in->team_size, uns = 0;
  int *count = calloc(m + 1, sizeof *count);
  ref_rank *r = malloc((m + 1) * sizeof *r);
  int64_t *rows = calloc(res->npicks * ts + 1, sizeof *rows);
  for (size_t p = 0; p < res->npicks; p++) {
    const char *code = line_of(in, &res->picks[p]);
    for (size_t o = 0; o < m; o++) {
      fz_draw_rank(res->seed, code, FZ_DRAW_CODE, in->officers[o].id, r[o].r);
      r[o].id = in->officers[o].id;
      r[o].dept = in->officers[o].department_id;
      r[o].o = o;
    }
    qsort(r, m, sizeof *r, ref_rank_cmp);
    size_t taken[FZ_DRAW_MAX_TEAM], nt = 0;
    int ok = 1;
#define ELIGIBLE(k)                                                          \
  (count[r[k].o] < in->officer_cap && !in_conflict(in, r[k].id, code))
    for (size_t d = 0; in->ndepartments >= 2 && d < in->ndepartments; d++) {
      size_t k = 0;
      while (k < m && !(r[k].dept == in->departments[d] && ELIGIBLE(k))) k++;
      if (k == m) ok = 0;
      else taken[nt++] = k;
    }
    for (size_t k = 0; ok && k < m && nt < ts; k++) {
      size_t q = 0;
      while (q < nt && taken[q] != k) q++;
      if (q == nt && ELIGIBLE(k)) taken[nt++] = k;
    }
#undef ELIGIBLE
    if (!ok || nt < ts) {
      uns++;
      continue;
    }
    for (size_t q = 0; q < ts; q++) {
      rows[p * ts + q] = r[taken[q]].id;
      count[r[taken[q]].o]++;
    }
  }
  free(r);
  CHECK_INT(res->nunstaffed, uns);
  CHECK(memcmp(rows, res->team, res->npicks * ts * sizeof *rows) == 0);
  free(rows);
  free(count);
}

/* ---- known answers ---- */

/* Expected values made outside fazhi: the bytes written with Python
 *   open('seed.bin','wb').write(b"fz-draw-v1" + b"\x11"*32 + b"\x22"*32
 *                               + b"\x33"*32 + "福彩3D 2025001 开奖号码 123".encode())
 * and hashed with `openssl dgst -sm3 -r seed.bin` (OpenSSL 3.0.19); likewise
 * seed0.bin (no public value, one secret), the commit (b"\x22"*32), the
 * ticket (seed ‖ b"E" ‖ b"91210100MA0Y3KQ85U"), two ranks (seed ‖ b"O" ‖
 * code ‖ b"1024" and ‖ b"123456789012") and a digest of two lines. */
static void known_answers(void) {
  hash c, s[2], out, want;
  memset(c, 0x11, sizeof c);
  memset(s[0], 0x22, sizeof s[0]);
  memset(s[1], 0x33, sizeof s[1]);
  fz_draw_seed(c, (const uint8_t(*)[FZ_DRAW_HASH])s, 2,
               "福彩3D 2025001 开奖号码 123", out);
  CHECK_STR(tohex(out),
            "a16b1371ca3c09a8a764916975834fca78842239bce6ad250898e6a6ab676c93");
  hash seed;
  memcpy(seed, out, sizeof seed);
  fz_draw_seed(c, (const uint8_t(*)[FZ_DRAW_HASH])s, 1, NULL, out);
  CHECK_STR(tohex(out),
            "c4d02ac7b98b2fc01ef5b56c5153cd8ac57b4400f27fa21020bf796020f20d19");
  fz_draw_seed(c, (const uint8_t(*)[FZ_DRAW_HASH])s, 1, "", want);
  CHECK(memcmp(out, want, sizeof out) == 0); /* "" adds no bytes */
  fz_draw_commit_of(s[0], out);
  CHECK_STR(tohex(out),
            "83a4f029d7925bfaefe134e9a56721435131e663322a17b7394e28d1fe6a33b4");
  fz_draw_ticket(seed, "91210100MA0Y3KQ85U", 18, out);
  CHECK_STR(tohex(out),
            "8d105ed34d3b11be730b0660c5c0ad8081e7ce0f45fb852bdb280db1879b129f");
  fz_draw_rank(seed, "91210100MA0Y3KQ85U", 18, 1024, out);
  CHECK_STR(tohex(out),
            "df0c2173757d9bc76e1399d802416bcfff11b1659940e0a784c9308c32d76576");
  fz_draw_rank(seed, "91210100MA0Y3KQ85U", 18, 123456789012LL, out);
  CHECK_STR(tohex(out),
            "f50122c0c63a178a949064ef099b7b1e73577621f8446604f04c7a0ff831f192");
  const char lines[] = "911100000000000001\n911100000000000002\n";
  fz_draw_digest(lines, strlen(lines), out);
  CHECK_STR(tohex(out),
            "58035da7ed28ded7893e4cf2167c76813e17b9712188713ab25c7dce14e8e8ec");
  unhex("58035da7ed28ded7893e4cf2167c76813e17b9712188713ab25c7dce14e8e8ec", want);
  CHECK(memcmp(out, want, sizeof out) == 0);
}

static void take(void) {
  fz_error e;
  size_t n = 99;
  CHECK_INT(fz_draw_take(-1, "0", 10, &n, &e), FZ_OK);
  CHECK_INT(n, 0);
  CHECK_INT(fz_draw_take(-1, "1", 10, &n, &e), FZ_OK);
  CHECK_INT(n, 10);
  CHECK_INT(fz_draw_take(-1, "1.000000", 10, &n, &e), FZ_OK);
  CHECK_INT(n, 10);
  CHECK_INT(fz_draw_take(-1, "0.3", 10, &n, &e), FZ_OK);
  CHECK_INT(n, 3);
  CHECK_INT(fz_draw_take(-1, "0.31", 10, &n, &e), FZ_OK);
  CHECK_INT(n, 4);
  CHECK_INT(fz_draw_take(-1, "0.000001", 10, &n, &e), FZ_OK);
  CHECK_INT(n, 1); /* ceil: a positive ratio takes at least one */
  CHECK_INT(fz_draw_take(-1, "0.015", 5000000, &n, &e), FZ_OK);
  CHECK_INT(n, 75000);
  CHECK_INT(fz_draw_take(-1, "0.123456", 0, &n, &e), FZ_OK);
  CHECK_INT(n, 0);
  /* Exact at sizes where a double would round: 0.1 of 10^15 + 1. */
  CHECK_INT(fz_draw_take(-1, "0.1", (size_t)1000000000000001ULL, &n, &e),
            FZ_OK);
  CHECK_INT(n, 100000000000001ULL);
  CHECK_INT(fz_draw_take(0, NULL, 10, &n, &e), FZ_OK);
  CHECK_INT(n, 0);
  CHECK_INT(fz_draw_take(1, NULL, 10, &n, &e), FZ_OK);
  CHECK_INT(n, 1);
  CHECK_INT(fz_draw_take(11, "0.5", 10, &n, &e), FZ_OK);
  CHECK_INT(n, 10); /* count > N → N; the count wins over a ratio */
  const char *bad[] = {"1.5", "-0.1", "0.1234567", "", ".5", "0.", "2",
                       "1.000001", "0,5", "0.5 ", "10", "1e-1", "+0.1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    n = 99;
    CHECK_INT(fz_draw_take(-1, bad[i], 10, &n, &e), FZ_INVALID);
    CHECK_STR(e.field, "ratio");
    CHECK_CONTAINS(e.message, " / ");
    CHECK_INT(n, 99);
  }
  CHECK_INT(fz_draw_take(-1, NULL, 10, &n, &e), FZ_INVALID);
  CHECK_STR(e.field, "count");
}

static void pool_check(void) {
  fz_error e;
  char *p = make_pool(5, 1);
  CHECK_INT(fz_draw_pool_check(p, 5, &e), FZ_OK);
  CHECK_INT(fz_draw_pool_check(NULL, 0, &e), FZ_OK);
  p[2 * FZ_DRAW_LINE + 4] = 'a';
  CHECK_INT(fz_draw_pool_check(p, 5, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "line 3");
  p[2 * FZ_DRAW_LINE + 4] = '0';
  p[3 * FZ_DRAW_LINE + FZ_DRAW_CODE] = '\r';
  CHECK_INT(fz_draw_pool_check(p, 5, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "line 4");
  p[3 * FZ_DRAW_LINE + FZ_DRAW_CODE] = '\n';
  memcpy(p + 4 * FZ_DRAW_LINE, p + 3 * FZ_DRAW_LINE, FZ_DRAW_LINE);
  CHECK_INT(fz_draw_pool_check(p, 5, &e), FZ_INVALID);
  CHECK_CONTAINS(e.message, "line 5");
  free(p);
}

/* ---- the draw ---- */

/* A medium draw: three strata, officers in two departments. */
typedef struct medium {
  char *pool[3];
  fz_draw_stratum strata[3];
  fz_draw_officer officers[50];
  int64_t departments[2];
  fz_draw_conflict conflicts[200];
  hash secrets[2];
  fz_draw_input in;
} medium;

static void medium_init(medium *d, size_t scale) {
  static const char *keys[] = {"A", "B", "C"};
  static const size_t sizes[] = {60000, 40000, 30000};
  static const char *ratios[] = {"0.01", "0.03", "0.05"};
  memset(d, 0, sizeof *d);
  for (int s = 0; s < 3; s++) {
    size_t n = sizes[s] / scale;
    d->pool[s] = make_pool(n, (unsigned)s + 1);
    d->strata[s] = (fz_draw_stratum){.key = keys[s], .pool = d->pool[s],
                                     .pool_size = n};
    fz_draw_take(-1, ratios[s], n, &d->strata[s].n, NULL);
  }
  for (int i = 0; i < 50; i++)
    d->officers[i] = (fz_draw_officer){.id = 1000 + 3 * i,
                                       .department_id = i % 3 ? 21 : 22};
  d->departments[0] = 22;
  d->departments[1] = 21;
  memset(d->secrets[0], 0xa5, FZ_DRAW_HASH);
  memset(d->secrets[1], 0x5a, FZ_DRAW_HASH);
  d->in = (fz_draw_input){
      .secrets = (const uint8_t(*)[FZ_DRAW_HASH])d->secrets, .nsecrets = 2,
      .public_value = "beacon 42", .strata = d->strata, .nstrata = 3,
      .officers = d->officers, .nofficers = 50,
      .departments = d->departments, .ndepartments = 2,
      .conflicts = d->conflicts, .nconflicts = 0, .team_size = 3,
      .officer_cap = 1000, .threads = 1};
  memset(d->in.commitment, 0x42, FZ_DRAW_HASH);
}

static void medium_free(medium *d) {
  for (int s = 0; s < 3; s++) free(d->pool[s]);
}

/* Conflicts between the first officers of the first teams and those
 * entities, so that a rerun must avoid them. */
static void add_conflicts(medium *d, const fz_draw_result *r) {
  size_t ts = (size_t)r->team_size, n = 0;
  for (size_t p = 0; p < r->npicks && n < 200; p++) {
    if (!r->team[p * ts]) continue;
    fz_draw_conflict *c = &d->conflicts[n++];
    c->officer_id = r->team[p * ts + (p % ts)];
    memcpy(c->code, line_of(&d->in, &r->picks[p]), FZ_DRAW_CODE);
    c->code[FZ_DRAW_CODE] = '\0';
  }
  d->in.nconflicts = n;
}

static int same_result(const fz_draw_result *a, const fz_draw_result *b) {
  return a->npicks == b->npicks && a->nunstaffed == b->nunstaffed &&
         a->team_size == b->team_size &&
         memcmp(a->seed, b->seed, FZ_DRAW_HASH) == 0 &&
         memcmp(a->picks, b->picks, a->npicks * sizeof *a->picks) == 0 &&
         memcmp(a->team, b->team,
                a->npicks * (size_t)a->team_size * sizeof *a->team) == 0;
}

static void selection_is_brute_force(void) {
  medium d;
  medium_init(&d, 20); /* 3000, 2000, 1500 */
  fz_draw_result r;
  fz_error e;
  CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_OK);
  hash seed;
  fz_draw_seed(d.in.commitment, d.in.secrets, 2, "beacon 42", seed);
  CHECK(memcmp(seed, r.seed, sizeof seed) == 0);
  CHECK_INT(r.npicks, 30 + 60 + 75);
  check_picks_brute_force(&d.in, &r);
  check_teams_brute_force(&d.in, &r);
  /* Ratio 1 takes the whole stratum, ordered by ticket. */
  d.strata[1].n = d.strata[1].pool_size;
  fz_draw_result_free(&r);
  CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_OK);
  check_picks_brute_force(&d.in, &r);
  fz_draw_result_free(&r);
  medium_free(&d);
}

static void threads_agree(void) {
  medium d;
  medium_init(&d, 1); /* 130,000 entities, 3,300 picks */
  fz_error e;
  for (int round = 0; round < 3; round++) {
    /* 0: room for every team; 1: a tight cap (chunks, unstaffed picks);
     * 2: the tight cap with conflicts, not joint. */
    d.in.officer_cap = round ? 60 : 1000;
    if (round == 2) d.in.ndepartments = 0;
    fz_draw_result r[3];
    for (int t = 0; t < 3; t++) {
      d.in.threads = t + 1;
      CHECK_INT(fz_draw_run(&d.in, &r[t], &e), FZ_OK);
    }
    CHECK(same_result(&r[0], &r[1]));
    CHECK(same_result(&r[0], &r[2]));
    if (round == 0) {
      CHECK_INT(r[0].nunstaffed, 0);
      check_picks_brute_force(&d.in, &r[0]);
    } else {
      CHECK(r[0].nunstaffed > 0);
    }
    check_teams_brute_force(&d.in, &r[2]);
    if (round == 1) add_conflicts(&d, &r[0]);
    for (int t = 0; t < 3; t++) fz_draw_result_free(&r[t]);
  }
  medium_free(&d);
}

static void joint_departments_first(void) {
  medium d;
  medium_init(&d, 20);
  fz_error e;
  fz_draw_result r;
  /* Department 22 holds a third of the officers; it still comes first. */
  CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_OK);
  size_t ts = 3;
  int first_ok = 1, second_ok = 1;
  for (size_t p = 0; p < r.npicks; p++) {
    const int64_t *row = r.team + p * ts;
    if (!row[0]) continue;
    int64_t d0 = 0, d1 = 0;
    for (int o = 0; o < 50; o++) {
      if (d.officers[o].id == row[0]) d0 = d.officers[o].department_id;
      if (d.officers[o].id == row[1]) d1 = d.officers[o].department_id;
    }
    first_ok &= d0 == 22;
    second_ok &= d1 == 21;
  }
  CHECK(first_ok);
  CHECK(second_ok);
  CHECK_INT(r.nunstaffed, 0);
  fz_draw_result_free(&r);
  /* Once department 22 is capped, later picks go unstaffed rather than
   * taking two of department 21. */
  d.in.officer_cap = 2; /* 17 of department 22: 34 tasks at most */
  CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_OK);
  CHECK(r.nunstaffed >= r.npicks - 34 && r.nunstaffed < r.npicks);
  int tail_unstaffed = 1;
  for (size_t p = r.npicks - 20; p < r.npicks; p++)
    tail_unstaffed &= r.team[p * ts] == 0;
  CHECK(tail_unstaffed);
  check_teams_brute_force(&d.in, &r);
  fz_draw_result_free(&r);
  medium_free(&d);
}

static void conflicts_respected(void) {
  medium d;
  medium_init(&d, 20);
  fz_error e;
  fz_draw_result r, r2;
  CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_OK);
  add_conflicts(&d, &r);
  CHECK(d.in.nconflicts > 100);
  CHECK_INT(fz_draw_run(&d.in, &r2, &e), FZ_OK);
  int clean = 1, changed = 0;
  for (size_t p = 0; p < r2.npicks; p++)
    for (size_t j = 0; j < 3; j++)
      clean &= !in_conflict(&d.in, r2.team[p * 3 + j],
                            line_of(&d.in, &r2.picks[p]));
  for (size_t p = 0; p < r.npicks * 3; p++) changed |= r.team[p] != r2.team[p];
  CHECK(clean);
  CHECK(changed);
  check_teams_brute_force(&d.in, &r2);
  fz_draw_result_free(&r);
  fz_draw_result_free(&r2);
  medium_free(&d);
}

static void cap_and_unstaffed(void) {
  medium d;
  medium_init(&d, 100); /* 600, 400, 300: 6 + 12 + 15 picks */
  fz_error e;
  fz_draw_result r;
  d.in.nofficers = 6;
  d.in.ndepartments = 0;
  d.in.team_size = 2;
  d.in.officer_cap = 1;
  CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_OK);
  CHECK_INT(r.npicks, 33);
  CHECK_INT(r.nunstaffed, 30); /* six officers, one task each: 3 teams */
  int count[6] = {0}, zero_rows = 0;
  for (size_t p = 0; p < r.npicks; p++) {
    zero_rows += r.team[2 * p] == 0 && r.team[2 * p + 1] == 0;
    for (int j = 0; j < 2; j++)
      for (int o = 0; o < 6; o++) count[o] += r.team[2 * p + j] == d.officers[o].id;
  }
  CHECK_INT(zero_rows, 30);
  for (int o = 0; o < 6; o++) CHECK_INT(count[o], 1);
  check_teams_brute_force(&d.in, &r);
  fz_draw_result_free(&r);
  /* No officers at all: every pick unstaffed, none dropped. */
  d.in.nofficers = 0;
  CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_OK);
  CHECK_INT(r.nunstaffed, 33);
  fz_draw_result_free(&r);
  /* Nothing to take. */
  for (int s = 0; s < 3; s++) d.strata[s].n = 0;
  CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_OK);
  CHECK_INT(r.npicks, 0);
  fz_draw_result_free(&r);
  fz_draw_result_free(NULL);
  medium_free(&d);
}

/* The ticket threads check the pool's lines as they hash them: whichever
 * thread meets it, the first bad line is named, also in a stratum of which
 * nothing is taken. */
static void bad_lines_found_by_threads(void) {
  medium d;
  medium_init(&d, 1); /* 130,000 lines: a share for each of three threads */
  size_t taken = d.strata[2].n;
  for (int t = 1; t <= 4; t++) {
    size_t line = t == 4 ? 0 : d.strata[2].pool_size - 1;
    char *end = d.pool[2] + line * FZ_DRAW_LINE + FZ_DRAW_CODE;
    *end = ' ';
    d.strata[2].n = t == 3 ? 0 : taken;
    d.in.threads = t == 4 ? 3 : t;
    fz_draw_result r;
    fz_error e;
    CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_INVALID);
    char want[64];
    snprintf(want, sizeof want, "line %zu does not end", line + 1);
    CHECK_CONTAINS(e.message, want);
    CHECK_CONTAINS(e.message, "分层 \"C\"");
    *end = '\n';
  }
  d.strata[2].n = taken;
  fz_draw_result r;
  fz_error e;
  CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_OK);
  fz_draw_result_free(&r);
  medium_free(&d);
}

static void expect_invalid(fz_draw_input *in, const char *field) {
  fz_draw_result r;
  fz_error e;
  fz_err rc = fz_draw_run(in, &r, &e);
  CHECK_INT(rc, FZ_INVALID);
  if (rc == FZ_INVALID) {
    CHECK_STR(e.field, field);
    CHECK_CONTAINS(e.message, " / ");
  } else {
    fz_draw_result_free(&r);
  }
}

static void refusals(void) {
  medium d;
  medium_init(&d, 100);
  fz_draw_input ok = d.in;
  d.in.team_size = 1;
  expect_invalid(&d.in, "team_size");
  d.in.team_size = 17;
  expect_invalid(&d.in, "team_size");
  d.in = ok;
  int64_t three[3] = {21, 22, 23};
  d.in.departments = three;
  d.in.ndepartments = 3;
  d.in.team_size = 2;
  expect_invalid(&d.in, "team_size");
  d.in = ok;
  d.in.departments = three + 1; /* 22, 23: officers of 21 are outside */
  expect_invalid(&d.in, "officers");
  d.in = ok;
  d.in.officer_cap = 0;
  expect_invalid(&d.in, "officer_cap");
  d.in = ok;
  d.strata[1].n = d.strata[1].pool_size + 1;
  expect_invalid(&d.in, "n");
  d.strata[1].n = 3;
  d.in = ok;
  d.in.nsecrets = 0;
  expect_invalid(&d.in, "secrets");
  d.in.nsecrets = 17;
  expect_invalid(&d.in, "secrets");
  d.in = ok;
  d.strata[2].key = "A";
  expect_invalid(&d.in, "key");
  d.strata[2].key = "";
  expect_invalid(&d.in, "key");
  d.strata[2].key = "0123456789abcdef0123456789abcdefX";
  expect_invalid(&d.in, "key");
  d.strata[2].key = "C";
  int64_t id = d.officers[5].id;
  d.officers[5].id = d.officers[4].id;
  expect_invalid(&d.in, "officers");
  d.officers[5].id = id;
  d.pool[0][FZ_DRAW_LINE + 3] = 'x';
  expect_invalid(&d.in, "pool");
  d.pool[0][FZ_DRAW_LINE + 3] = '0';
  d.in.nstrata = 0;
  expect_invalid(&d.in, "strata");
  d.in = ok;
  d.conflicts[0] = (fz_draw_conflict){.officer_id = 1000, .code = "short"};
  d.in.nconflicts = 1;
  expect_invalid(&d.in, "conflicts");
  d.in = ok;
  fz_draw_result r;
  fz_error e;
  CHECK_INT(fz_draw_run(&d.in, &r, &e), FZ_OK);
  fz_draw_result_free(&r);
  medium_free(&d);
}

/* ---- the record ---- */

/* A small plan committed through a real ledger event: three strata (the
 * first linked, not inline), a joint plan of two departments with a tight
 * cap, and conflicts. */
typedef struct fixture {
  char *pool[3];
  fz_draw_stratum strata[3];
  fz_draw_officer officers[10];
  int64_t departments[2];
  fz_draw_conflict conflicts[5];
  hash secrets[2], commits[2];
  const char *participants[2];
  const char *ratios[3];
  long long counts[3];
  char *event;
  fz_draw_input in;
  fz_draw_result res;
  fz_draw_meta meta;
  json_t *record;
  const char *bad_pool; /* pool_fn answers this for stratum 0 when set */
} fixture;

static fz_err fixture_pool(void *ctx, const char *key, char **pool,
                           size_t *size, fz_error *err) {
  fixture *f = ctx;
  for (int s = 0; s < 3; s++) {
    if (strcmp(f->strata[s].key, key) != 0) continue;
    *size = f->strata[s].pool_size * FZ_DRAW_LINE;
    *pool = malloc(*size + 1);
    memcpy(*pool, s == 0 && f->bad_pool ? f->bad_pool : f->strata[s].pool,
           *size);
    return FZ_OK;
  }
  return fz_error_set(err, FZ_NOTFOUND, "pool", NULL);
}

/* The canonical plan.commit event; with tamper, stratum 0's pool digest in
 * it is wrong. */
static char *fixture_event(fixture *f, int tamper) {
  json_t *commits = json_array(), *strata = json_array();
  for (int i = 0; i < 2; i++)
    json_array_append_new(commits,
                          json_pack("{s:s, s:s}", "participant",
                                    f->participants[i], "commit",
                                    tohex(f->commits[i])));
  for (int s = 0; s < 3; s++) {
    hash d;
    fz_draw_digest(f->strata[s].pool, f->strata[s].pool_size * FZ_DRAW_LINE, d);
    if (tamper && s == 0) d[5] ^= 1;
    json_array_append_new(strata, json_pack("{s:s, s:I, s:s, s:I}", "key",
                                            f->strata[s].key, "pool_size",
                                            (json_int_t)f->strata[s].pool_size,
                                            "pool_digest", tohex(d), "n",
                                            (json_int_t)f->strata[s].n));
  }
  /* The officer lines and the conflict lines, written out by hand. */
  const char *ids = "101\n102\n103\n104\n105\n106\n107\n108\n109\n110\n";
  hash di, dc;
  fz_draw_digest(ids, strlen(ids), di);
  char cl[256];
  snprintf(cl, sizeof cl, "101 %s\n101 %s\n104 %s\n999 %s\n", f->conflicts[1].code,
           f->conflicts[0].code, f->conflicts[2].code, f->conflicts[3].code);
  fz_draw_digest(cl, strlen(cl), dc);
  char dih[65], dch[65];
  snprintf(dih, sizeof dih, "%s", tohex(di));
  snprintf(dch, sizeof dch, "%s", tohex(dc));
  json_t *data = json_pack(
      "{s:o, s:s, s:o, s:{s:i, s:s}, s:s, s:[i, i], s:i, s:i, s:s}", "commits",
      commits, "public_value_source", "福彩3D 第 2025001 期开奖号码", "strata",
      strata, "inspectors", "pool_size", 10, "pool_digest", dih,
      "conflicts_digest", dch, "departments", 9, 7, "team_size", 3,
      "officer_cap", 4, "name", "2025 年度双随机抽查");
  fz_event ev = {"user:3", "plan.commit", "plan", "12", data};
  fz_error e;
  char *text = fz_event_canonical(&ev, 41, 1750000000000, &e);
  json_decref(data);
  return text;
}

static void fixture_init(fixture *f) {
  static const char *keys[] = {"A 类", "B", "C"};
  static const size_t sizes[] = {50, 30, 20};
  memset(f, 0, sizeof *f);
  f->ratios[0] = "0.1";
  f->ratios[2] = "0.5";
  f->counts[0] = f->counts[2] = -1;
  f->counts[1] = 3;
  for (int s = 0; s < 3; s++) {
    f->pool[s] = make_pool(sizes[s], (unsigned)s + 5);
    f->strata[s] = (fz_draw_stratum){.key = keys[s], .pool = f->pool[s],
                                     .pool_size = sizes[s]};
    fz_draw_take(f->counts[s], f->ratios[s], sizes[s], &f->strata[s].n, NULL);
  }
  for (int i = 0; i < 10; i++)
    f->officers[i] = (fz_draw_officer){.id = 101 + i,
                                       .department_id = i % 2 ? 7 : 9};
  f->departments[0] = 9;
  f->departments[1] = 7;
  /* In no order, with a repeat and an officer outside the pool. */
  memcpy(f->conflicts[0].code, f->pool[2] + 1 * FZ_DRAW_LINE, FZ_DRAW_CODE);
  f->conflicts[0].officer_id = 101;
  memcpy(f->conflicts[1].code, f->pool[2] + 0 * FZ_DRAW_LINE, FZ_DRAW_CODE);
  f->conflicts[1].officer_id = 101;
  memcpy(f->conflicts[2].code, f->pool[0] + 3 * FZ_DRAW_LINE, FZ_DRAW_CODE);
  f->conflicts[2].officer_id = 104;
  memcpy(f->conflicts[3].code, f->pool[1] + 2 * FZ_DRAW_LINE, FZ_DRAW_CODE);
  f->conflicts[3].officer_id = 999;
  f->conflicts[4] = f->conflicts[0];
  f->participants[0] = "user:12 市场监管局";
  f->participants[1] = "user:40 司法局";
  for (int i = 0; i < 2; i++) {
    memset(f->secrets[i], 0x70 + i, FZ_DRAW_HASH);
    f->secrets[i][0] = (uint8_t)i;
    fz_draw_commit_of(f->secrets[i], f->commits[i]);
  }
  f->event = fixture_event(f, 0);
  f->in = (fz_draw_input){
      .secrets = (const uint8_t(*)[FZ_DRAW_HASH])f->secrets, .nsecrets = 2,
      .public_value = "3 1 4", .strata = f->strata, .nstrata = 3,
      .officers = f->officers, .nofficers = 10,
      .departments = f->departments, .ndepartments = 2,
      .conflicts = f->conflicts, .nconflicts = 5, .team_size = 3,
      .officer_cap = 4, .threads = 2};
  fz_merkle_leaf_hash(FZ_HASH_SM3, f->event, strlen(f->event),
                      f->in.commitment);
  fz_error e;
  CHECK_INT(fz_draw_run(&f->in, &f->res, &e), FZ_OK);
  f->meta = (fz_draw_meta){
      .plan_id = 12, .hash = "sm3", .commit_seq = 41,
      .commit_event = f->event, .participants = f->participants,
      .commits = (const uint8_t(*)[FZ_DRAW_HASH])f->commits,
      .ratios = f->ratios, .counts = f->counts,
      .pool_url = "https://example.gov.cn/draw/12/pool/%s.txt?x=100%%",
      .inline_max = 40};
  f->record = fz_draw_record(&f->meta, &f->in, &f->res);
}

static void fixture_free(fixture *f) {
  for (int s = 0; s < 3; s++) free(f->pool[s]);
  free(f->event);
  fz_draw_result_free(&f->res);
  json_decref(f->record);
}

/* r.a[i].b, or r[i].b when a is NULL. */
static json_t *at(json_t *r, const char *a, size_t i, const char *b) {
  json_t *arr = a ? json_object_get(r, a) : r;
  return json_object_get(json_array_get(arr, i), b);
}

static void record_shape(void) {
  fixture f;
  fixture_init(&f);
  json_t *r = f.record;
  CHECK(r != NULL);
  if (!r) return;
  CHECK(f.res.nunstaffed > 0 && f.res.nunstaffed < f.res.npicks);
  check_teams_brute_force(&f.in, &f.res);
  CHECK_STR(json_string_value(json_object_get(r, "algo")), "fz-draw-v1");
  json_t *c = json_object_get(r, "commitment");
  CHECK_INT(json_integer_value(json_object_get(c, "seq")), 41);
  CHECK_STR(json_string_value(json_object_get(c, "leaf_hash")),
            tohex(f.in.commitment));
  CHECK_STR(json_string_value(json_object_get(c, "event")), f.event);
  json_t *s0 = json_array_get(json_object_get(r, "strata"), 0);
  CHECK(json_is_null(json_object_get(s0, "pool")));
  CHECK_STR(json_string_value(json_object_get(s0, "pool_url")),
            "https://example.gov.cn/draw/12/pool/A%20%E7%B1%BB.txt?x=100%");
  CHECK_STR(json_string_value(json_object_get(s0, "ratio")), "0.1");
  json_t *s1 = json_array_get(json_object_get(r, "strata"), 1);
  CHECK_INT(json_integer_value(json_object_get(s1, "count")), 3);
  CHECK_INT(json_array_size(json_object_get(s1, "pool")), 30);
  CHECK(json_object_get(s1, "pool_url") == NULL);
  CHECK_INT(json_array_size(json_object_get(s1, "selected")), 3);
  /* The conflicts come out sorted and once each, as the event digested. */
  json_t *cf = json_object_get(r, "conflicts");
  CHECK_INT(json_array_size(cf), 4);
  CHECK_INT(json_integer_value(json_object_get(json_array_get(cf, 3), "officer")),
            999);
  CHECK_INT(json_array_size(json_object_get(r, "teams")) +
                json_array_size(json_object_get(r, "unstaffed")),
            f.res.npicks);
  CHECK_INT(json_array_size(json_object_get(r, "unstaffed")), f.res.nunstaffed);
  json_t *insp = json_object_get(r, "inspectors");
  json_t *deps = json_object_get(insp, "departments");
  CHECK_INT(json_integer_value(json_array_get(deps, 0)), 9);
  /* Selected codes appear in ticket order. */
  json_t *sel = json_object_get(json_array_get(json_object_get(r, "strata"), 2),
                                "selected");
  int ordered = 1;
  for (size_t i = 1; i < json_array_size(sel); i++)
    ordered &= strcmp(json_string_value(at(sel, NULL, i - 1, "ticket")),
                      json_string_value(at(sel, NULL, i, "ticket"))) < 0;
  CHECK(ordered);
  fixture_free(&f);
}

static void round_trip(void) {
  fixture f;
  fixture_init(&f);
  if (!f.record) return;
  char *text = json_dumps(f.record, JSON_COMPACT);
  json_error_t je;
  json_t *back = json_loads(text, JSON_REJECT_DUPLICATES, &je);
  fz_error e;
  fz_err rc = fz_draw_verify(back, fixture_pool, &f, &e);
  CHECK_INT(rc, FZ_OK);
  if (rc) fprintf(stderr, "  %s\n", e.message);
  /* The linked pool must be supplied. */
  CHECK_INT(fz_draw_verify(back, NULL, NULL, &e), FZ_INVALID);
  CHECK_STR(e.field, "strata[0].pool");
  free(text);
  json_decref(back);
  fixture_free(&f);
}


static void set_str(json_t *o, const char *k, const char *v) {
  json_object_set_new(o, k, json_string(v));
}

/* A hex string with its first digit changed. */
static void flip_hex(json_t *o, const char *k) {
  char s[65];
  snprintf(s, sizeof s, "%s", json_string_value(json_object_get(o, k)));
  s[0] = s[0] == '0' ? '1' : '0';
  set_str(o, k, s);
}

static void expect_refused(fixture *f, json_t *r, const char *field) {
  fz_error e;
  fz_err rc = fz_draw_verify(r, fixture_pool, f, &e);
  CHECK_INT(rc, FZ_INVALID);
  if (strncmp(e.field, field, strlen(field)) != 0 ||
      strncmp(e.message, e.field, strlen(e.field)) != 0) {
    fprintf(stderr, "  expected %s, got %s (%s)\n", field, e.field, e.message);
    CHECK(0);
  }
  json_decref(r);
}

static void tampering_refused(void) {
  fixture f;
  fixture_init(&f);
  if (!f.record) return;
  json_t *r;

  r = json_deep_copy(f.record);
  flip_hex(json_array_get(json_object_get(r, "reveals"), 0), "secret");
  expect_refused(&f, r, "reveals[0].secret");

  r = json_deep_copy(f.record);
  flip_hex(json_array_get(json_object_get(r, "reveals"), 1), "commit");
  expect_refused(&f, r, "reveals[1].commit");

  r = json_deep_copy(f.record);
  flip_hex(r, "seed");
  expect_refused(&f, r, "seed");

  r = json_deep_copy(f.record);
  flip_hex(json_array_get(at(r, "strata", 1, "selected"), 0), "ticket");
  expect_refused(&f, r, "strata[1].selected[0].ticket");

  r = json_deep_copy(f.record);
  {
    json_t *sel = at(r, "strata", 2, "selected");
    set_str(json_array_get(sel, 0), "code",
            json_string_value(json_object_get(json_array_get(sel, 1), "code")));
  }
  expect_refused(&f, r, "strata[2].selected[0].code");

  r = json_deep_copy(f.record);
  {
    json_t *pool = at(r, "strata", 1, "pool"), *a = json_array_get(pool, 3);
    json_incref(a);
    json_array_set(pool, 3, json_array_get(pool, 4));
    json_array_set_new(pool, 4, a);
  }
  expect_refused(&f, r, "strata[1].pool[4]");

  r = json_deep_copy(f.record);
  flip_hex(json_array_get(json_object_get(r, "strata"), 2), "pool_digest");
  expect_refused(&f, r, "strata[2].pool_digest");

  r = json_deep_copy(f.record);
  json_object_set_new(json_array_get(json_object_get(r, "strata"), 1), "n",
                      json_integer(4));
  expect_refused(&f, r, "strata[1].n");

  r = json_deep_copy(f.record);
  {
    json_t *ofs = at(r, "teams", 0, "officers");
    json_int_t was = json_integer_value(json_array_get(ofs, 1));
    json_array_set_new(ofs, 1, json_integer(was == 110 ? 108 : 110));
  }
  expect_refused(&f, r, "teams[0].officers[1]");

  r = json_deep_copy(f.record);
  json_array_remove(json_object_get(r, "unstaffed"), 0);
  expect_refused(&f, r, "unstaffed");

  r = json_deep_copy(f.record); /* an unstaffed task passed off as staffed */
  json_array_append_new(json_object_get(r, "unstaffed"),
                        json_string("910000000000000000"));
  expect_refused(&f, r, "unstaffed");

  r = json_deep_copy(f.record);
  flip_hex(json_object_get(r, "commitment"), "leaf_hash");
  expect_refused(&f, r, "commitment.leaf_hash");

  /* The event itself changed, its leaf hash made to match: the record no
   * longer agrees with what the event commits to. */
  r = json_deep_copy(f.record);
  {
    char *ev = fixture_event(&f, 1);
    hash leaf;
    fz_merkle_leaf_hash(FZ_HASH_SM3, ev, strlen(ev), leaf);
    json_t *c = json_object_get(r, "commitment");
    set_str(c, "event", ev);
    set_str(c, "leaf_hash", tohex(leaf));
    free(ev);
  }
  expect_refused(&f, r, "commitment.event.data.strata[0].pool_digest");

  r = json_deep_copy(f.record);
  json_object_set_new(r, "public_value", json_null());
  expect_refused(&f, r, "public_value");

  r = json_deep_copy(f.record);
  json_object_set_new(r, "officer_cap", json_integer(5));
  expect_refused(&f, r, "commitment.event.data.officer_cap");

  r = json_deep_copy(f.record);
  json_array_remove(json_object_get(r, "conflicts"), 1);
  expect_refused(&f, r, "conflicts_digest");

  /* A linked pool that is not the committed one. */
  char *other = make_pool(50, 5);
  other[10 * FZ_DRAW_LINE + 17]++; /* …73 → …74: still ascending */
  f.bad_pool = other;
  r = json_deep_copy(f.record);
  expect_refused(&f, r, "strata[0].pool_digest");
  f.bad_pool = NULL;
  free(other);

  r = json_deep_copy(f.record);
  json_object_set_new(r, "team_size", json_string("3"));
  expect_refused(&f, r, "team_size");

  expect_refused(&f, json_array(), "record");
  fixture_free(&f);
}

/* ---- uniformity ---- */

/* Over T = 2,000 seeds, strata of N = 50, 30, 20 entities taking n = 5, 3,
 * 10.  Each entity's count O_i is Binomial(T, p), p = n/N; since each draw
 * takes exactly n without replacement the counts are negatively correlated
 * (Cov = -T p (1-p) / (N-1)), so that
 *   X = Σ (O_i - T p)² / (T p (1-p) · N/(N-1))
 * is asymptotically χ² with N - 1 degrees of freedom (the Pearson statistic
 * Σ (O_i - E)²/E rescaled by (1-p)·N/(N-1)).  At α = 0.001 the critical
 * values χ²₀.₉₉₉ are 85.351 (49 df), 58.301 (29 df) and 43.820 (19 df),
 * computed from the regularized incomplete gamma function and matching the
 * usual tables.  The seeds are fixed, so the test is deterministic. */
static void chi_square_uniform(void) {
  enum { T = 2000 };
  static const size_t N[3] = {50, 30, 20}, n[3] = {5, 3, 10};
  static const double crit[3] = {85.351, 58.301, 43.820};
  char *pool[3];
  fz_draw_stratum strata[3];
  static const char *keys[] = {"A", "B", "C"};
  unsigned count[3][50] = {{0}};
  for (int s = 0; s < 3; s++) {
    pool[s] = make_pool(N[s], (unsigned)s);
    strata[s] = (fz_draw_stratum){.key = keys[s], .pool = pool[s],
                                  .pool_size = N[s], .n = n[s]};
  }
  fz_draw_officer officers[8];
  for (int i = 0; i < 8; i++)
    officers[i] = (fz_draw_officer){.id = 7 + i * 11, .department_id = 1};
  fz_draw_conflict conflicts[2] = {{.officer_id = 7}, {.officer_id = 18}};
  memcpy(conflicts[0].code, pool[2], FZ_DRAW_CODE);
  memcpy(conflicts[1].code, pool[2] + FZ_DRAW_LINE, FZ_DRAW_CODE);
  hash secret;
  memset(secret, 0x3c, sizeof secret);
  fz_draw_input in = {.secrets = (const uint8_t(*)[FZ_DRAW_HASH]) & secret,
                      .nsecrets = 1, .strata = strata, .nstrata = 3,
                      .officers = officers, .nofficers = 8,
                      .conflicts = conflicts, .nconflicts = 2,
                      .team_size = 2, .officer_cap = 3, .threads = 1};
  int over_cap = 0, failed_runs = 0, conflicted = 0;
  size_t unstaffed = 0;
  for (uint32_t t = 0; t < T; t++) {
    memset(in.commitment, 0, FZ_DRAW_HASH);
    memcpy(in.commitment, &t, sizeof t);
    fz_draw_result r;
    fz_error e;
    if (fz_draw_run(&in, &r, &e)) {
      failed_runs++;
      continue;
    }
    int tasks[8] = {0};
    for (size_t p = 0; p < r.npicks; p++) {
      count[r.picks[p].stratum][r.picks[p].index]++;
      for (int j = 0; j < 2; j++)
        for (int o = 0; o < 8; o++)
          if (r.team[2 * p + j] == officers[o].id) {
            tasks[o]++;
            conflicted |= in_conflict(&in, officers[o].id, line_of(&in, &r.picks[p]));
          }
    }
    for (int o = 0; o < 8; o++) over_cap |= tasks[o] > in.officer_cap;
    unstaffed += r.nunstaffed;
    fz_draw_result_free(&r);
  }
  CHECK_INT(failed_runs, 0);
  CHECK(!over_cap);
  CHECK(!conflicted);
  /* 18 tasks for 8 officers × 3 = 24 places in teams of 2: at least 6
   * unstaffed each time (more when the last free officers conflict). */
  CHECK(unstaffed >= (size_t)T * 6 && unstaffed < (size_t)T * 7);
  for (int s = 0; s < 3; s++) {
    double p = (double)n[s] / (double)N[s];
    double var = T * p * (1 - p) * (double)N[s] / (double)(N[s] - 1);
    double x = 0;
    unsigned sum = 0;
    for (size_t i = 0; i < N[s]; i++) {
      double d = count[s][i] - T * p;
      x += d * d / var;
      sum += count[s][i];
    }
    CHECK_INT(sum, T * n[s]);
    if (!(x < crit[s])) {
      fprintf(stderr, "  stratum %d: chi-square %.3f >= %.3f\n", s, x, crit[s]);
      CHECK(0);
    }
  }
  for (int s = 0; s < 3; s++) free(pool[s]);
}

int main(void) {
  RUN(known_answers);
  RUN(take);
  RUN(pool_check);
  RUN(bad_lines_found_by_threads);
  RUN(selection_is_brute_force);
  RUN(threads_agree);
  RUN(joint_departments_first);
  RUN(conflicts_respected);
  RUN(cap_and_unstaffed);
  RUN(refusals);
  RUN(record_shape);
  RUN(round_trip);
  RUN(tampering_refused);
  RUN(chi_square_uniform);
  return TEST_END();
}
