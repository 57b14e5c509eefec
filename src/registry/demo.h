/* demo.h — a demonstration dataset for 辽宁省 (GB/T 2260 code 210000): its
 * 执法主体 in every city and county, their 执法人员 and 辅助人员, regulated
 * entities in any number, the 执法事项 and 抽查事项 catalogues, declared
 * conflicts, and demo accounts that can sign in at once.
 *
 * Everything is made from a seed: the same seed and count give the same
 * names and codes.  Every code is valid (统一社会信用代码 per GB 32100 and
 * GB 11714, 身份证号 per GB 11643), every region a real GB/T 2260 code of
 * the built-in table; the names of persons and businesses are invented.
 *
 * The entity generator is shared with bench/gen_entities.c, which writes
 * the same rows as CSV for the import benchmark. */
#ifndef FZ_REGISTRY_DEMO_H
#define FZ_REGISTRY_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "auth/role.h"
#include "core/error.h"
#include "store/db.h"

/* The one password of every demo account: printed by `fazhi demo` and
 * in this file, so it is no secret.  It passes the policy of auth/secret.h
 * (13 characters, four classes). */
#define FZ_DEMO_PASSWORD "Liaoning-2100"

#define FZ_DEMO_ENTITIES 20000          /* entities made by default */
#define FZ_DEMO_ENTITIES_MAX 22000000LL /* codes run out beyond (see demo.c) */
#define FZ_DEMO_BATCH 50000             /* entities per transaction */

/* ---- The entity generator ------------------------------------------------ */

typedef struct fz_demo_gen fz_demo_gen;

/* The fields of an entity, in the order of the entity kind (kinds.c):
 * uscc, name, kind, region_code, address, industry, legal_rep,
 * credit_grade, credit_date, credit_source, risk_level, status, tags. */
#define FZ_DEMO_ENTITY_FIELDS 13

/* One generated entity: v[i] points into buf. */
typedef struct fz_demo_entity {
  const char *v[FZ_DEMO_ENTITY_FIELDS];
  char buf[1024];
} fz_demo_entity;

/* Makes a generator of count entities for seed, with dates relative to
 * today ("YYYY-MM-DD"; NULL = the local date).  The entities are spread
 * over every county of 辽宁省, more in the bigger cities (by population),
 * at least one in each county when count allows, in blocks of one county
 * after another in code order.  *out is freed with fz_demo_gen_free.
 * FZ_RANGE when count is negative or above FZ_DEMO_ENTITIES_MAX, FZ_NODATA
 * when the region table or the industries cannot be loaded, FZ_INVALID for
 * a bad today, FZ_NOMEM. */
fz_err fz_demo_gen_new(uint64_t seed, int64_t count, const char *today,
                       fz_demo_gen **out, fz_error *err);

/* Frees g.  NULL is a no-op. */
void fz_demo_gen_free(fz_demo_gen *g);

/* Writes entity i (0 ≤ i < count) of g into *e.  base is the number of
 * entities generated before (by other runs, any seed) in the same
 * database: the code's 主体标识码 is made from base + i alone, so that
 * entities of different runs never share a code as long as each run
 * starts where the last one ended (the demo passes the highest entity id).
 * base + i must stay below FZ_DEMO_ENTITIES_MAX.  Thread-safe: g is only
 * read. */
void fz_demo_entity_make(const fz_demo_gen *g, int64_t base, int64_t i,
                         fz_demo_entity *e);

/* ---- Loading the whole dataset ------------------------------------------ */

typedef struct fz_demo_opts {
  uint64_t seed;
  int64_t entities;     /* how many to make (0 is allowed) */
  int batch;            /* entities per transaction; 0 = FZ_DEMO_BATCH */
  const char *password; /* of the demo accounts; NULL = FZ_DEMO_PASSWORD */
  const char *today;    /* "YYYY-MM-DD" for certificate and credit dates;
                           NULL = the local date */
  int force;            /* load into an installation not made with
                           `fazhi init --demo` */
  int64_t now;          /* ms since the epoch for created_at; 0 = now */
  /* Called after each committed batch of entities (may be NULL). */
  void (*progress)(void *ctx, int64_t done, int64_t total);
  void *progress_ctx;
} fz_demo_opts;

/* What fz_demo_load made. */
typedef struct fz_demo_stats {
  int cities, counties;
  int departments;
  int officers;        /* all, 辅助人员 included */
  int auxiliaries;     /* 辅助人员: no certificate */
  int expired;         /* certificate past its end date */
  int revoked;         /* 收缴 */
  int suspended;       /* 暂扣 */
  int legal_qualified; /* 法律职业资格 */
  int other_departments; /* officers who also serve another department */
  int64_t entities;         /* inserted */
  int64_t entities_skipped; /* whose code was already registered */
  int64_t entity_batches;
  int matters, items, conflicts, accounts;
} fz_demo_stats;

/* A demo account: who it is and where it works. */
typedef struct fz_demo_account {
  const char *username;
  fz_role role;
  const char *region_prefix; /* its data scope */
  const char *department;    /* its department's name, or NULL for none */
  const char *display_name;
} fz_demo_account;

/* The demo accounts, in the order they are made; *n receives how many. */
const fz_demo_account *fz_demo_accounts(size_t *n);

/* May the demo be loaded into db?  FZ_OK; FZ_NOTFOUND (field "created_at")
 * when `fazhi init` has not made the installation; FZ_EXISTS (field
 * "demo.loaded") when the demo is already in it; FZ_FORBIDDEN (field
 * "demo") when it was not made with `fazhi init --demo` and force is 0:
 * accounts with a published password do not belong in a real one. */
fz_err fz_demo_check(fz_db *db, int force, fz_error *err);

/* Loads the dataset into db (outside any transaction: it opens its own).
 *
 * First the entities, in transactions of o->batch rows, each with ONE
 * ledger event "entity.import" (object "import" "demo") naming the seed,
 * the batch and its first and last id; then, in one transaction, the
 * departments, officers, catalogues, conflicts and accounts, each with its
 * own event, an "instance.demo" event, and meta "demo.loaded".  A failure
 * rolls back the transaction it happens in: the batches committed before
 * it stay (their count is in *st), the rest is not made, and the demo may
 * be run again.
 *
 * The demo accounts get their roles at creation (as the command line
 * gives them) and must_change cleared: their password is published, so
 * there is no one-time password to replace, and a demo login must work at
 * once.  The instance.demo event records that.
 *
 * Needs the ID seal key (fz_reg_set_seal_key): officers carry 身份证号.
 * Errors are those of fz_demo_check, FZ_NODATA without the key or the
 * embedded data, and the database's. */
fz_err fz_demo_load(fz_db *db, const fz_demo_opts *o, fz_demo_stats *st,
                    fz_error *err);

/* Links the demo account username to an officer record of his department,
 * unless one is linked already: the unlinked active officer (not 辅助人员)
 * whose certificate, valid on today, runs longest — holding 法律职业资格
 * when qualified is 1 (a 法制审核员).  The change is one transaction of its
 * own (officer.update in the ledger) at now.  *officer receives the id,
 * *made 1 when this call linked him.  FZ_NOTFOUND when no one fits. */
fz_err fz_demo_link_officer(fz_db *db, const char *username, const char *today,
                            int qualified, int64_t now, int64_t *officer_id,
                            int *made, fz_error *err);

#endif
