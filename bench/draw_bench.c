/* draw_bench.c — how long the core of a draw takes (inspect/draw.h): a
 * 4-stratum draw over synthetic pools with inspector assignment, timed
 * through fz_draw_run; then the same draw without officers (tickets and
 * selection alone), and the single-thread speed of one SM3 ticket.
 *
 *   draw_bench [--entities N] [--threads T] [--officers M] [--team K]
 *              [--joint] [--cap C]
 *
 * Defaults: 5,000,000 entities in strata of 50/30/15/5 % taking 1/3/5/10 %,
 * 2 threads, 200 officers in 4 departments, teams of 2 (of 4, one per
 * department, with --joint), a cap that lets every team be staffed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inspect/draw.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long number(const char *s, const char *what) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (!*s || *end || errno || v < 0) {
    fprintf(stderr, "draw_bench: %s must be a whole number\n", what);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv) {
  long entities = 5000000, threads = 2, nofficers = 200, team = 2, cap = -1;
  int joint = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--joint") == 0) joint = 1;
    else if (i + 1 < argc && strcmp(argv[i], "--entities") == 0)
      entities = number(argv[++i], "--entities");
    else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0)
      threads = number(argv[++i], "--threads");
    else if (i + 1 < argc && strcmp(argv[i], "--officers") == 0)
      nofficers = number(argv[++i], "--officers");
    else if (i + 1 < argc && strcmp(argv[i], "--team") == 0)
      team = number(argv[++i], "--team");
    else if (i + 1 < argc && strcmp(argv[i], "--cap") == 0)
      cap = number(argv[++i], "--cap");
    else {
      fputs("usage: draw_bench [--entities N] [--threads T] [--officers M] "
            "[--team K] [--joint] [--cap C]\n", stderr);
      return 2;
    }
  }
  if (joint && team < 4) team = 4;

  static const char *keys[4] = {"A", "B", "C", "D"};
  static const char *ratios[4] = {"0.01", "0.03", "0.05", "0.10"};
  static const long share[4] = {50, 30, 15, 5}; /* percent of the entities */
  fz_draw_stratum strata[4];
  char *pools[4];
  size_t picks = 0;
  fz_error e;
  double t0 = now();
  for (int s = 0; s < 4; s++) {
    size_t n = (size_t)(entities / 100 * share[s]);
    pools[s] = malloc(n * FZ_DRAW_LINE + 32);
    if (!pools[s]) return 1;
    /* Ascending 18-character codes "9121", the stratum, 13 digits. */
    for (size_t i = 0; i < n; i++) {
      char *p = pools[s] + i * FZ_DRAW_LINE;
      memcpy(p, "9121", 4);
      p[4] = (char)('1' + s);
      unsigned long long v = (unsigned long long)i * 97 + 11;
      for (int j = 17; j >= 5; j--, v /= 10) p[j] = (char)('0' + v % 10);
      p[18] = '\n';
    }
    strata[s] = (fz_draw_stratum){.key = keys[s], .pool = pools[s],
                                  .pool_size = n};
    if (fz_draw_take(-1, ratios[s], n, &strata[s].n, &e)) {
      fprintf(stderr, "draw_bench: %s\n", e.message);
      return 1;
    }
    picks += strata[s].n;
  }
  fz_draw_officer *officers = malloc((size_t)(nofficers ? nofficers : 1) *
                                     sizeof *officers);
  for (long i = 0; i < nofficers; i++)
    officers[i] = (fz_draw_officer){.id = 100000 + 17 * i,
                                    .department_id = 11 + i % 4};
  int64_t departments[4] = {11, 12, 13, 14};
  if (cap < 0) /* room for every team, with some to spare */
    cap = nofficers ? (long)(picks * (size_t)team / (size_t)nofficers) * 5 / 4 + 1 : 1;
  uint8_t secrets[2][FZ_DRAW_HASH];
  memset(secrets, 0x5c, sizeof secrets);
  fz_draw_input in = {.secrets = (const uint8_t(*)[FZ_DRAW_HASH])secrets,
                      .nsecrets = 2, .public_value = "bench",
                      .strata = strata, .nstrata = 4, .officers = officers,
                      .nofficers = (size_t)nofficers,
                      .departments = departments,
                      .ndepartments = joint ? 4 : 0, .team_size = (int)team,
                      .officer_cap = (int)cap, .threads = (int)threads};
  memset(in.commitment, 0xc3, FZ_DRAW_HASH);
  printf("generated %ld entities in %.2f s: %zu picks, %ld officers, teams "
         "of %ld%s, cap %ld, %ld threads\n", entities, now() - t0, picks,
         nofficers, team, joint ? " (joint, 4 departments)" : "", cap,
         threads);

  fz_draw_result r;
  t0 = now();
  if (fz_draw_run(&in, &r, &e)) {
    fprintf(stderr, "draw_bench: %s\n", e.message);
    return 1;
  }
  double full = now() - t0;
  printf("fz_draw_run: %.3f s (%zu picks, %zu unstaffed; %.1f M ranks at "
         "most)\n", full, r.npicks, r.nunstaffed,
         (double)r.npicks * (double)nofficers / 1e6);
  fz_draw_result_free(&r);

  in.nofficers = 0;
  t0 = now();
  if (fz_draw_run(&in, &r, &e)) {
    fprintf(stderr, "draw_bench: %s\n", e.message);
    return 1;
  }
  double tickets = now() - t0;
  printf("fz_draw_run without officers (tickets and selection): %.3f s; "
         "teams took %.3f s\n", tickets, full - tickets);
  fz_draw_result_free(&r);

  uint8_t seed[FZ_DRAW_HASH], out[FZ_DRAW_HASH];
  memset(seed, 1, sizeof seed);
  long n = 1000000;
  t0 = now();
  for (long i = 0; i < n; i++) {
    memcpy(seed, out, 4);
    fz_draw_ticket(seed, pools[0] + (size_t)(i % 1000) * FZ_DRAW_LINE,
                   FZ_DRAW_CODE, out);
  }
  printf("fz_draw_ticket on one thread: %.2f M hashes/s\n",
         (double)n / (now() - t0) / 1e6);
  for (int s = 0; s < 4; s++) free(pools[s]);
  free(officers);
  return 0;
}
