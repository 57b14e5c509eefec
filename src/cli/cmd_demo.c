/* cmd_demo.c — `fazhi demo`: fill an installation made by `fazhi init
 * --demo` with the 辽宁省 demonstration dataset (registry/demo.h), its
 * random-inspection plans (inspect/demo.h), discretion data and
 * enforcement cases (cases/demo.h), and print the demo accounts.
 * --no-plans leaves out the plans and cases (the benchmarks make their
 * own) but keeps the reference data. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cases/demo.h"
#include "cli/cli.h"
#include "id/id.h"
#include "id/seal.h"
#include "inspect/demo.h"
#include "registry/demo.h"
#include "registry/registry.h"

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A whole number from 0 to max, or -1. */
static long long parse_count(const char *s, long long max) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (!*s || *end || errno || v < 0 || v > max) return -1;
  return v;
}

/* Prints s left-aligned in width terminal columns (a CJK character takes
 * two), then a space. */
static void column(const char *s, int width) {
  int w = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x80) w++;
    else if (*p >= 0xe0) w += 2; /* three- and four-byte sequences */
  printf("%s%*s", s, width > w ? width - w + 1 : 1, "");
}

typedef struct progress {
  double t0;
  int tty;
} progress;

/* Shows how far the entities are, on a terminal only. */
static void on_progress(void *ctx, int64_t done, int64_t total) {
  progress *p = ctx;
  if (!p->tty) return;
  double t = seconds() - p->t0;
  fprintf(stderr, "\r  entities %lld / %lld (%.0f rows/s)  ", (long long)done,
          (long long)total, t > 0 ? (double)done / t : 0);
  if (done == total) fputc('\n', stderr);
}

/* Loads the discretion data, the officers of the demo accounts and, with
 * with_cases, the demo cases (cases/demo.h); prints what was made; 0 or
 * 2. */
static int load_cases(fz_db *db, int with_cases) {
  fz_cases_demo_stats st;
  fz_error e;
  double t0 = seconds();
  fz_err err = fz_cases_demo_load(db, with_cases, &st, &e);
  if (err) {
    fprintf(stderr, "fazhi demo: %s\n", e.message);
    return 2;
  }
  printf("\n执法案件 demo (%.2f s): %d discretion versions (裁量基准, 免罚/从轻减轻/"
         "不予强制清单) loaded, sy.reviewer is officer %lld (法律职业资格)",
         seconds() - t0, st.versions, (long long)st.reviewer_officer);
  if (with_cases)
    printf(", %d cases in %d steps%s", st.cases, st.steps,
           st.cases ? "" : " (made before)");
  printf("\n");
  return 0;
}

/* Makes (or completes) the demo plans and prints what they are; 0 or 2. */
static int load_plans(fz_db *db, uint64_t seed) {
  fz_inspect_demo_opts o = {seed, NULL, 0};
  fz_inspect_demo_stats st;
  fz_error e;
  double t0 = seconds();
  fz_err err = fz_inspect_demo_load(db, &o, &st, &e);
  double t = seconds() - t0;
  printf("\n双随机、一公开 demo plans (%.2f s):\n", t);
  for (int i = 0; i < 2; i++) {
    const fz_inspect_demo_link *l = &st.links[i];
    if (l->officer_id)
      printf("  %-12s is officer %lld %s, certificate %s%s: %lld tasks, %lld "
             "open\n",
             l->username, (long long)l->officer_id, l->officer, l->cert_no,
             l->made ? "" : " (linked before)", (long long)l->tasks,
             (long long)l->open);
  }
  for (int i = 0; i < FZ_INSPECT_DEMO_PLANS; i++) {
    const fz_inspect_demo_plan *p = &st.plans[i];
    if (p->skipped) {
      printf("  plan %c skipped: %s\n", p->key, p->skipped);
      continue;
    }
    if (!p->id) continue;
    printf("  plan %c  #%lld %s\n", p->key, (long long)p->id, p->name);
    printf("          window %s to %s, %lld entities in its pools; %s (%s)",
           p->window_from, p->window_to, (long long)p->pool,
           fz_plan_status_name(p->status), fz_plan_status_label(p->status));
    if (p->status == FZ_PLAN_COMMITTED)
      printf(", %d of %d participants revealed: awaiting reveal",
             p->revealed, p->participants);
    printf("\n");
    if (p->tasks)
      printf("          %lld drawn (%lld unstaffed), %lld results; results "
             "due %s%s\n",
             (long long)p->tasks, (long long)p->unstaffed,
             (long long)p->results, p->publish_due,
             p->status == FZ_PLAN_PUBLISHED ? ", published"
             : p->overdue                   ? ": OVERDUE"
                                            : "");
  }
  if (err) {
    fprintf(stderr, "fazhi demo: %s\n(the steps before this one stay; run "
                    "`fazhi demo --plans-only` to complete the plans)\n",
            e.message);
    return 2;
  }
  return 0;
}

int fz_cmd_demo(int argc, char **argv) {
  static const char usage[] =
      "fazhi demo [--db URL] [--entities N] [--seed S] [--force] "
      "[--no-plans | --plans-only]";
  long long entities = FZ_DEMO_ENTITIES, seed = 1;
  int force = 0, out = 1, plans = 1, plans_only = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--entities") == 0 && i + 1 < argc) {
      if ((entities = parse_count(argv[++i], FZ_DEMO_ENTITIES_MAX)) < 0) {
        fprintf(stderr, "fazhi demo: --entities takes a number from 0 to "
                        "%lld\nusage: %s\n",
                (long long)FZ_DEMO_ENTITIES_MAX, usage);
        return 2;
      }
    } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      /* Kept below 2^53: the seed is recorded as a JSON number. */
      if ((seed = parse_count(argv[++i], 9007199254740991LL)) < 0) {
        fprintf(stderr, "fazhi demo: --seed takes a number from 0 to "
                        "2^53 - 1\nusage: %s\n",
                usage);
        return 2;
      }
    } else if (strcmp(argv[i], "--force") == 0) {
      force = 1;
    } else if (strcmp(argv[i], "--no-plans") == 0) {
      plans = 0; /* the benchmarks make their own */
    } else if (strcmp(argv[i], "--plans-only") == 0) {
      plans_only = 1; /* complete the plans of a demo loaded before */
    } else {
      argv[out++] = argv[i];
    }
  }
  fz_config cfg;
  int rc = fz_cli_settings(&cfg, out, argv, usage);
  if (rc) return rc;
  int version;
  fz_db *db = fz_cli_open_migrated(cfg.db, &version);
  if (!db) return 2;

  if (!plans && plans_only) {
    fprintf(stderr, "fazhi demo: --no-plans and --plans-only exclude each "
                    "other\nusage: %s\n", usage);
    fz_db_close(db);
    return 2;
  }
  fz_error e;
  fz_err err = fz_demo_check(db, force, &e);
  if (plans_only) {
    /* The plans need the demo's accounts and officers, loaded before (and
     * no ID number is written: no seal key). */
    if (err != FZ_EXISTS)
      fprintf(stderr, "fazhi demo: --plans-only needs the demo loaded "
                      "first (fazhi demo --db %s)\n", cfg.db);
    rc = err == FZ_EXISTS ? load_plans(db, (uint64_t)seed) : 2;
    if (!rc) rc = load_cases(db, 1);
    fz_db_close(db);
    return rc;
  }
  if (err) {
    if (err == FZ_NOTFOUND)
      fprintf(stderr,
              "fazhi demo: %s has not been initialised; run\n"
              "  fazhi init --db %s --demo\nfirst.\n",
              cfg.db, cfg.db);
    else if (err == FZ_FORBIDDEN)
      fprintf(stderr,
              "fazhi demo: %s\n(this installation was made by `fazhi init` "
              "without --demo; add --force to load the demo anyway)\n",
              e.message);
    else
      fprintf(stderr, "fazhi demo: %s\n", e.message);
    fz_db_close(db);
    return 2;
  }
  fz_seal_key *key = fz_cli_seal_key(&cfg, 1);
  if (!key) {
    fz_db_close(db);
    return 2;
  }

  progress pr = {seconds(), isatty(STDERR_FILENO)};
  fz_demo_opts o = {0};
  o.seed = (uint64_t)seed;
  o.entities = entities;
  o.force = force;
  o.progress = on_progress;
  o.progress_ctx = &pr;
  fz_demo_stats st;
  double t0 = seconds();
  err = fz_demo_load(db, &o, &st, &e);
  double t = seconds() - t0;
  if (err) {
    fz_db_close(db);
    fz_reg_set_seal_key(NULL);
    fz_seal_key_free(key);
    fprintf(stderr, "fazhi demo: %s\n", e.message);
    if (st.entity_batches)
      fprintf(stderr,
              "(%lld entities in %lld batches were committed before this; "
              "nothing else was made, and the demo may be run again)\n",
              (long long)st.entities, (long long)st.entity_batches);
    return 2;
  }

  printf("loaded the 辽宁省 (210000) demo into %s, seed %lld, in %.1f s\n",
         cfg.db, seed, t);
  printf("  regions      %d cities, %d counties and districts\n", st.cities,
         st.counties);
  printf("  执法主体     %d departments\n", st.departments);
  int valid = st.officers - st.auxiliaries - st.expired - st.revoked -
              st.suspended;
  printf("  执法人员     %d: %d with a valid certificate, %d expired, %d "
         "revoked, %d suspended, %d 辅助人员; %d with 法律职业资格\n",
         st.officers, valid, st.expired, st.revoked, st.suspended,
         st.auxiliaries, st.legal_qualified);
  printf("               %d also serve a second department (综合行政执法 "
         "officers who act for the city's 市场监管 too)\n",
         st.other_departments);
  printf("  监管对象     %lld entities in %lld batches", (long long)st.entities,
         (long long)st.entity_batches);
  if (st.entities_skipped)
    printf(" (%lld skipped: code already registered)",
           (long long)st.entities_skipped);
  printf("\n  catalogues   %d 执法事项, %d 抽查事项\n", st.matters, st.items);
  printf("  回避关系     %d conflicts\n", st.conflicts);

  size_t n;
  const fz_demo_account *acc = fz_demo_accounts(&n);
  printf("\ndemo accounts (%d), all with the password %s (no change needed "
         "at the first login):\n",
         st.accounts, FZ_DEMO_PASSWORD);
  printf("  ");
  column("username", 14);
  column("role", 30);
  printf("scope\n");
  for (size_t i = 0; i < n; i++) {
    char code[7] = "000000";
    size_t len = strlen(acc[i].region_prefix);
    memcpy(code, acc[i].region_prefix, len < 6 ? len : 6);
    const char *region = fz_region_name(code);
    char role[96];
    snprintf(role, sizeof role, "%s (%s)", fz_role_name(acc[i].role),
             fz_role_label(acc[i].role));
    printf("  ");
    column(acc[i].username, 14);
    column(role, 30);
    printf("%s %s%s%s\n", acc[i].region_prefix, region ? region : "",
           acc[i].department ? " · " : "",
           acc[i].department ? acc[i].department : "");
  }
  fflush(stdout);
  rc = plans ? load_plans(db, (uint64_t)seed) : 0;
  if (!rc) rc = load_cases(db, plans);
  fz_db_close(db);
  fz_reg_set_seal_key(NULL);
  fz_seal_key_free(key);
  return rc;
}
