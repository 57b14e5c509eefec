/* draw_db.c — one province-wide 双随机 draw on a demo database, its steps
 * timed as the server would run them; driven by bench/draw.sh.
 *
 *   draw_db --db URL [--region 21] [--department 辽宁省市场监督管理局]
 *           [--strata A=0.005,B=0.01,C=0.03,D=0.1] [--today YYYY-MM-DD]
 *
 * The plan: entities 存续 under --region, stratified by credit grade, teams
 * of two officers of --department; participants ln.supervisor (the demo's
 * 执法监督员) and bench.head, a 部门负责人 of the department this program
 * adds when it is missing (the demo has no head for a provincial one).
 * Each step is its own transaction, as over HTTP: the participants'
 * commitments and reveals untimed; timed: freeze (read and sort the pools,
 * no transaction), commit (store the pools, the commit event) and draw
 * (seed, tickets, teams, tasks, the record, the deadline, the event).
 *
 * Prints one "stratum KEY pool=N n=N" line per stratum (for the baseline's
 * LIMITs), the officers of the inspector pool, and then
 *   freeze=S commit=S draw=S drawn=N unstaffed=N pool=N officers=N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/account.h"
#include "cal/cal.h"
#include "core/clock.h"
#include "inspect/draw.h"
#include "inspect/inspect.h"
#include "store/db.h"

static const char usage[] =
    "usage: draw_db --db URL [--region 21] [--department NAME] "
    "[--strata A=0.005,B=0.01,C=0.03,D=0.1] [--today YYYY-MM-DD]\n";

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const fz_error *e) {
  fprintf(stderr, "draw_db: %s: %s (field \"%s\")\n", what, e->message,
          e->field);
  exit(1);
}

/* The integer the query selects with one text parameter (0 when no row). */
static int64_t lookup(fz_db *db, const char *sql, const char *arg) {
  fz_stmt *st;
  fz_error e;
  int64_t v = 0;
  if (fz_db_prepare(db, sql, &st, &e)) die("prepare", &e);
  if (arg) fz_stmt_bind_text(st, 1, arg, -1);
  int r = fz_stmt_step(st, &e);
  if (r == FZ_STEP_ROW) v = fz_stmt_column_int64(st, 0);
  else if (r != FZ_STEP_DONE) die(sql, &e);
  fz_stmt_finalize(st);
  return v;
}

/* The principal of an active user by name, as his session would be. */
static void principal(fz_db *db, const char *username, fz_principal *p) {
  fz_error e;
  if (fz_user_principal(db, username, p, &e)) {
    fprintf(stderr, "draw_db: no active user %s (run `fazhi demo` first)\n",
            username);
    exit(1);
  }
}

/* Commits the open transaction when rc is FZ_OK, else rolls back and
 * stops. */
static void end(fz_db *db, fz_err rc, const char *what, fz_error *e) {
  if (!rc) rc = fz_db_commit(db, e);
  if (rc) {
    fz_db_rollback(db);
    die(what, e);
  }
}

/* bench.head: a 部门负责人 of the department, made once. */
static void ensure_head(fz_db *db, int64_t department, const char *region) {
  if (lookup(db, "SELECT COUNT(*) FROM users WHERE username = ?",
             "bench.head"))
    return;
  fz_error e;
  fz_principal cli;
  fz_principal_cli(&cli);
  char hash[FZ_PASSWORD_HASH_SIZE];
  if (fz_password_hash("Bench-Head-2100x", 0, 0, hash, &e))
    die("password", &e);
  fz_user_new u = {"bench.head", "基准测试部门负责人", region, department,
                   FZ_ROLE_BIT(FZ_ROLE_DEPT_HEAD), 1};
  int64_t id;
  if (fz_db_begin(db, &e)) die("begin", &e);
  end(db, fz_user_create(db, &cli, &u, hash, fz_now_ms(), &id, &e),
      "create bench.head", &e);
}

/* The strata "A=0.005,B=10" as a JSON array of {key, ratio | count}. */
static json_t *strata_of(const char *text) {
  json_t *a = json_array();
  char copy[256];
  snprintf(copy, sizeof copy, "%s", text);
  char *save = NULL;
  for (char *t = strtok_r(copy, ",", &save); t;
       t = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(t, '=');
    if (!eq) return NULL;
    *eq++ = '\0';
    json_t *o = strchr(eq, '.') || strcmp(eq, "0") == 0 || strcmp(eq, "1") == 0
                    ? json_pack("{s:s, s:s}", "key", t, "ratio", eq)
                    : json_pack("{s:s, s:I}", "key", t, "count",
                                (json_int_t)strtoll(eq, NULL, 10));
    json_array_append_new(a, o);
  }
  return a;
}

int main(int argc, char **argv) {
  const char *url = NULL, *region = "21", *dept = "辽宁省市场监督管理局";
  const char *strata = "A=0.005,B=0.01,C=0.03,D=0.1", *today_arg = NULL;
  for (int i = 1; i < argc; i += 2) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) {
      fputs(usage, stderr);
      return 2;
    }
    if (strcmp(a, "--db") == 0) url = v;
    else if (strcmp(a, "--region") == 0) region = v;
    else if (strcmp(a, "--department") == 0) dept = v;
    else if (strcmp(a, "--strata") == 0) strata = v;
    else if (strcmp(a, "--today") == 0) today_arg = v;
    else {
      fputs(usage, stderr);
      return 2;
    }
  }
  if (!url) {
    fputs(usage, stderr);
    return 2;
  }
  fz_db *db = NULL;
  fz_error e;
  /* Tuned as the server's writer connection, on which a draw runs. */
  if (fz_db_open(url, &db, &e) || fz_db_tune_writer(db, &e)) die("open", &e);

  /* Today, and a window that ended a week ago: certificates valid over it,
   * and its publication deadline inside the loaded calendars. */
  char today[FZ_DATE_BUF], from[FZ_DATE_BUF], to[FZ_DATE_BUF];
  fz_date t;
  if (today_arg) snprintf(today, sizeof today, "%s", today_arg);
  else {
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
  }
  if (fz_date_parse(today, &t, &e)) die("--today", &e);
  long days = fz_date_to_days(t);
  fz_date_format(fz_date_from_days(days - 60), from);
  fz_date_format(fz_date_from_days(days - 7), to);

  int64_t dep = lookup(db, "SELECT id FROM departments WHERE name = ?", dept);
  if (!dep) {
    fprintf(stderr, "draw_db: no department %s\n", dept);
    return 1;
  }
  char dep_text[24];
  snprintf(dep_text, sizeof dep_text, "%lld", (long long)dep);
  int64_t officers = lookup(db, "SELECT COUNT(*) FROM officers WHERE "
                            "department_id = ? AND active = 1", dep_text);
  int64_t certified = lookup(db, "SELECT COUNT(*) FROM officers WHERE "
                             "department_id = ? AND active = 1 AND auxiliary "
                             "= 0 AND status = 'valid'", dep_text);
  printf("department %s (%lld): %lld officers, %lld of them not 辅助人员 "
         "with a certificate neither revoked nor suspended\n",
         dept, (long long)dep, (long long)officers, (long long)certified);
  ensure_head(db, dep, region);
  fz_principal head, sup;
  principal(db, "bench.head", &head);
  principal(db, "ln.supervisor", &sup);

  /* The plan. */
  json_t *st_json = strata_of(strata);
  if (!st_json) {
    fprintf(stderr, "draw_db: --strata is KEY=RATIO or KEY=COUNT, comma "
                    "between\n");
    return 2;
  }
  char name[128];
  snprintf(name, sizeof name, "全省双随机抽查基准 %lld", (long long)fz_now_ms());
  json_t *spec = json_pack(
      "{s:s, s:[I], s:[s], s:s, s:s, s:s, s:o, s:i, s:s, s:s, s:[I, I]}",
      "name", name, "departments", (json_int_t)dep, "items", "SC-CC-001",
      "pool_region", region, "pool_status", "存续", "stratify_by",
      "credit_grade", "strata", st_json, "team_size", 2, "window_from", from,
      "window_to", to, "participants", (json_int_t)head.scope.user_id,
      (json_int_t)sup.scope.user_id);
  int64_t plan = 0;
  if (fz_db_begin(db, &e)) die("begin", &e);
  end(db, fz_plan_create(db, &head, spec, fz_now_ms(), &plan, &e),
      "plan.create", &e);
  json_decref(spec);

  /* Secrets, committed by each participant. */
  const fz_principal *parts[2] = {&head, &sup};
  uint8_t secrets[2][32];
  char hex[2][65], commit[2][65];
  for (int i = 0; i < 2; i++) {
    uint8_t c[32];
    char label[64];
    snprintf(label, sizeof label, "draw_db secret %d of plan %lld", i,
             (long long)plan);
    fz_draw_digest(label, strlen(label), secrets[i]);
    fz_draw_commit_of(secrets[i], c);
    for (int j = 0; j < 32; j++) {
      snprintf(hex[i] + 2 * j, 3, "%02x", secrets[i][j]);
      snprintf(commit[i] + 2 * j, 3, "%02x", c[j]);
    }
    if (fz_db_begin(db, &e)) die("begin", &e);
    end(db, fz_plan_participant_commit(db, parts[i], plan, commit[i],
                                       fz_now_ms(), &e),
        "plan.participant_commit", &e);
  }

  /* Timed: freeze, commit. */
  fz_plan_frozen *f = NULL;
  double t0 = seconds();
  if (fz_plan_freeze(db, &head, plan, fz_now_ms(), &f, &e)) die("freeze", &e);
  double t1 = seconds();
  if (fz_db_begin(db, &e)) die("begin", &e);
  end(db, fz_plan_commit(db, &head, plan, f, fz_now_ms(), &e), "plan.commit",
      &e);
  double t2 = seconds();
  fz_plan_frozen_free(f);

  for (int i = 0; i < 2; i++) {
    if (fz_db_begin(db, &e)) die("begin", &e);
    end(db, fz_plan_reveal(db, parts[i], plan, hex[i], fz_now_ms(), &e),
        "plan.reveal", &e);
  }

  /* Timed: the draw, in its transaction. */
  double t3 = seconds();
  if (fz_db_begin(db, &e)) die("begin", &e);
  end(db, fz_plan_draw(db, &head, plan, fz_now_ms(), &e), "plan.draw", &e);
  double t4 = seconds();

  /* What was drawn. */
  char pid[24];
  snprintf(pid, sizeof pid, "%lld", (long long)plan);
  fz_stmt *st;
  if (fz_db_prepare(db, "SELECT key, pool_size, n FROM plan_strata WHERE "
                    "plan_id = ? ORDER BY position", &st, &e))
    die("prepare", &e);
  fz_stmt_bind_text(st, 1, pid, -1);
  int64_t pool = 0;
  while (fz_stmt_step(st, &e) == FZ_STEP_ROW) {
    printf("stratum %s pool=%lld n=%lld\n", fz_stmt_column_text(st, 0),
           (long long)fz_stmt_column_int64(st, 1),
           (long long)fz_stmt_column_int64(st, 2));
    pool += fz_stmt_column_int64(st, 1);
  }
  fz_stmt_finalize(st);
  int64_t drawn = lookup(db, "SELECT COUNT(*) FROM tasks WHERE plan_id = ?",
                         pid);
  int64_t unstaffed = lookup(db, "SELECT COUNT(*) FROM tasks WHERE plan_id = "
                             "? AND staffed = 0", pid);
  int64_t inspectors = lookup(db, "SELECT COUNT(*) FROM plan_inspectors WHERE "
                              "plan_id = ?", pid);
  int64_t record = lookup(db, "SELECT length(record) FROM plan_records WHERE "
                          "plan_id = ?", pid);
  printf("plan %lld: window %s to %s, %lld officers in the inspector pool "
         "(certificate valid over the whole window), record %lld bytes\n",
         (long long)plan, from, to, (long long)inspectors, (long long)record);
  printf("freeze=%.3f commit=%.3f draw=%.3f drawn=%lld unstaffed=%lld "
         "pool=%lld officers=%lld\n",
         t1 - t0, t2 - t1, t4 - t3, (long long)drawn, (long long)unstaffed,
         (long long)pool, (long long)inspectors);
  fz_db_close(db);
  return 0;
}
