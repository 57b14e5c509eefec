/* discretion.h — law as data for the amount of a penalty: 行政处罚裁量基准
 * (benchmarks, 行政处罚法 Art. 34) and the lenient lists of 柔性执法 —
 * 免罚清单 (Art. 33), 从轻/减轻清单 (Art. 30, 32) and 不予行政强制措施清单
 * (行政强制法 Art. 16 ¶2) — versioned with effective dates, and the
 * evaluation of a case's facts against them that explains itself line by
 * line, every line citing its article (DESIGN §7).
 *
 * Versions.  A benchmark version belongs to one 执法事项 (a 行政处罚 matter
 * of the registry, by code); a list version to a (kind, department kind)
 * chain.  The versions of one matter (one chain) follow each other without
 * gap or overlap: a version is in force from effective_from to effective_to
 * (both inclusive; NULL = until superseded).  A version never changes once
 * made: a new one supersedes it, which closes the old one's effective_to at
 * the day before the new one's effective_from.  Nothing is deleted.
 *
 * Every change (create, supersede, one import batch) is ONE ledger event
 * appended in the caller's transaction (an fz_write_fn).  Writers need
 * manage_registry; readers read_business (never the 三员); the public reads
 * (Art. 34: 裁量基准应当向社会公布) need nothing.  Messages are Chinese with
 * English in parentheses and cite the article they enforce.
 *
 * Amounts are whole 分 (fen) in int64 inside, decimal 元 strings in JSON
 * ("3000.50", core/money.h); multiples of a base are hundredths ("10",
 * "2.5" in JSON; 1000 and 250 inside).  Dates are YYYY-MM-DD. */
#ifndef FZ_CASES_DISCRETION_H
#define FZ_CASES_DISCRETION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/account.h"
#include "core/error.h"
#include "store/db.h"

/* ---- Vocabulary ----------------------------------------------------------- */

/* How grave the harmful consequences of an act are, as a case states them.
 * Ordered: a list entry's "harm at most X" compares in this order. */
typedef enum fz_harm {
  FZ_HARM_NONE = 0, /* none: 没有造成危害后果 */
  FZ_HARM_SLIGHT,   /* slight: 危害后果轻微 */
  FZ_HARM_GENERAL,  /* general: 危害后果一般 */
  FZ_HARM_SERIOUS,  /* serious: 危害后果较重 */
  FZ_HARM_SEVERE,   /* severe: 危害后果严重 */
  FZ_HARM__COUNT
} fz_harm;

const char *fz_harm_name(fz_harm h);  /* "none" … "severe"; "?" */
const char *fz_harm_label(fz_harm h); /* "没有造成危害后果" … */
/* name or label → *h; FZ_INVALID naming field otherwise. */
fz_err fz_harm_parse(const char *s, const char *field, fz_harm *h,
                     fz_error *err);

/* Whom a tier or an entry is for. */
typedef enum fz_party {
  FZ_PARTY_ANY = 0,      /* any: 不限 */
  FZ_PARTY_PERSON,       /* person: 公民 */
  FZ_PARTY_ORGANISATION, /* organisation: 法人或者其他组织 */
  FZ_PARTY__COUNT
} fz_party;

const char *fz_party_name(fz_party p);
const char *fz_party_label(fz_party p);

/* The kinds of administrative penalty of 行政处罚法 Art. 9, as bits. */
#define FZ_PENALTY_KINDS 13
/* The Chinese name of kind bit i (0 ≤ i < FZ_PENALTY_KINDS): "警告", …,
 * "行政拘留"; NULL beyond. */
const char *fz_penalty_kind_name(int i);
/* The bit of a kind's name; -1 when it is none of Art. 9's. */
int fz_penalty_kind_find(const char *name);
#define FZ_PENALTY_FINE_BIT 2 /* "罚款" */

/* The grounds of 行政处罚法 Art. 32 on which a penalty shall be lighter or
 * reduced; keys in JSON: "eliminated_harm" (一), "coerced" (二),
 * "confessed" (三), "meritorious" (四), "other_legal" (五). */
#define FZ_GROUNDS 5
const char *fz_ground_name(int i);  /* key; NULL beyond */
const char *fz_ground_label(int i); /* the article's words */
int fz_ground_find(const char *name); /* -1 when unknown */

/* Kinds of lenient list. */
typedef enum fz_list_kind {
  FZ_LIST_EXEMPT = 0,  /* exempt: 免罚清单 (行政处罚法 Art. 33 ¶1) */
  FZ_LIST_MITIGATE,    /* mitigate: 从轻/减轻处罚清单 (Art. 30, 32) */
  FZ_LIST_NO_COERCION, /* no_coercion: 不予行政强制措施清单 (行政强制法 Art. 16 ¶2) */
  FZ_LIST__COUNT
} fz_list_kind;

const char *fz_list_kind_name(fz_list_kind k);
const char *fz_list_kind_label(fz_list_kind k);
fz_err fz_list_kind_parse(const char *s, fz_list_kind *k, fz_error *err);

/* What a list entry does when it applies. */
typedef enum fz_effect {
  FZ_EFFECT_NO_PENALTY = 0, /* no_penalty: 不予行政处罚 (Art. 33 ¶1 sentence 1) */
  FZ_EFFECT_MAY_NO_PENALTY, /* may_no_penalty: 可以不予行政处罚 (sentence 2) */
  FZ_EFFECT_LIGHTER,        /* lighter: 从轻处罚 */
  FZ_EFFECT_REDUCED,        /* reduced: 减轻处罚 */
  FZ_EFFECT_NO_COERCION,    /* no_coercion: 可以不采取行政强制措施 */
  FZ_EFFECT__COUNT
} fz_effect;

const char *fz_effect_name(fz_effect e);
const char *fz_effect_label(fz_effect e);

/* ---- Benchmarks: the model -------------------------------------------------- */

/* A fine between min and max: whole 分, or (times) hundredths of the base. */
typedef struct fz_fine_range {
  int present;
  int times;       /* 0: min/max are 分; 1: hundredths of the base */
  int64_t min, max;
} fz_fine_range;

typedef enum fz_fine_base {
  FZ_BASE_NONE = 0, /* fixed amounts only */
  FZ_BASE_GAINS,    /* gains: 违法所得 */
  FZ_BASE_GOODS     /* goods: 货值金额 */
} fz_fine_base;

/* A tier's fine rule.  Without a split, `lower` is the whole rule.  With a
 * split at an amount of the base (e.g. 食品安全法 Art. 122: 货值金额不足一
 * 万元 → 5万–10万元; 一万元以上 → 10–20倍), `lower` holds below it and
 * `upper` at or above it; split_upper says where an amount exactly at the
 * split goes (刑法 Art. 99's convention: "以上" includes the number, "不
 * 足"/"超过" exclude it, so a statute saying "超过一万元…不足一万元" leaves
 * exactly 1万 to local policy, stated in the tier's basis).  A base that is
 * unknown (-1) counts as 0 for gains ("没有违法所得") and is refused for
 * goods.  floor/ceiling, when present, bound the computed range. */
typedef struct fz_fine_rule {
  fz_fine_base base;
  int has_split;
  int64_t split; /* 分 */
  int split_upper; /* 1: an amount equal to split takes `upper` */
  fz_fine_range lower, upper;
  int has_floor, has_ceiling;
  int64_t floor, ceiling; /* 分 */
} fz_fine_rule;

#define FZ_TIER_KEY_MAX 16
#define FZ_TEXT_MAX 1024  /* bytes of a conditions or basis text */
#define FZ_LAW_MAX 128
#define FZ_ARTICLE_MAX 64
#define FZ_VERSION_MAX 64
#define FZ_CODE_MAX 32

/* One tier (裁量档次) of a version. */
typedef struct fz_bench_tier {
  char key[FZ_TIER_KEY_MAX]; /* 轻微 较轻 一般 较重 严重 */
  fz_party party;
  unsigned harms; /* bit h set: covers harm h */
  char conditions[FZ_TEXT_MAX]; /* 适用情形, shown to people */
  unsigned kinds; /* bit i: fz_penalty_kind_name(i) is allowed */
  int has_fine;   /* 1 iff kinds holds 罚款 */
  fz_fine_rule fine;
  char basis[FZ_TEXT_MAX]; /* 档次依据 */
} fz_bench_tier;

#define FZ_BENCH_MAX_TIERS 10

/* One version of a benchmark. */
typedef struct fz_bench {
  int64_t id;
  char matter_code[FZ_CODE_MAX + 1];
  char matter_name[256];
  char department_kind[FZ_CODE_MAX + 1];
  char version[FZ_VERSION_MAX + 1];
  char effective_from[11], effective_to[11]; /* "" = open-ended */
  char law[FZ_LAW_MAX + 1], article[FZ_ARTICLE_MAX + 1];
  int punishable; /* 0: from effective_from the act is no longer punished */
  char note[FZ_TEXT_MAX];
  int superseded; /* a later version exists */
  int64_t supersedes, superseded_by; /* 0 = none */
  int64_t created_at;
  char created_by[32];
  fz_bench_tier tiers[FZ_BENCH_MAX_TIERS];
  size_t ntiers;
} fz_bench;

/* Checks a version's JSON (the body of POST /benchmarks, one element of a
 * JSON import, or a row group of a CSV import) and fills *b; the database
 * is not consulted.  Members: matter_code, version, effective_from,
 * effective_to (or null), law, article, punishable (default true), note,
 * tiers: [{tier, party, harms: [...], conditions, kinds: [...], fine: {base,
 * split_at, split_equal, lower_min, lower_max, lower_min_times,
 * lower_max_times, upper_…, floor, ceiling} or null, basis}].
 * Refuses overlapping tiers (two tiers of one version covering the same
 * harm for the same party), a harm left uncovered for persons or for
 * organisations, a fine without 罚款 among the kinds and the reverse, a
 * range whose min exceeds its max, multiples without a base.  lenient: 1
 * ignores the members a read adds (id, status, text, …) so that an export
 * imports back.  On error *tier receives the tier's index (-1 for the
 * version) and err->field the member's name (for a tier's fine the CSV
 * column, "lower_min"). */
fz_err fz_bench_from_json(const json_t *spec, int lenient, fz_bench *b,
                          int *tier, fz_error *err);

/* The version as the API shows it (a new object): the members above with
 * amounts as 元 strings, each fine with its "text" in words, plus id,
 * matter_name, department_kind, status ("active" | "superseded"),
 * in_force (on today, YYYY-MM-DD, or NULL for no such member),
 * supersedes, superseded_by, created_at, created_by. */
json_t *fz_bench_to_json(const fz_bench *b, const char *today);

/* ---- Benchmarks: storage and changes -------------------------------------- */

/* Reads version id; FZ_NOTFOUND (field "id") when there is none. */
fz_err fz_bench_load(fz_db *db, int64_t id, fz_bench *b, fz_error *err);

/* The version of matter_code in force on date; FZ_NOTFOUND when none. */
fz_err fz_bench_in_force(fz_db *db, const char *matter_code, const char *date,
                         fz_bench *b, fz_error *err);

/* Creates a version from spec (see fz_bench_from_json) and appends
 * benchmark.create.  The matter must be an active 行政处罚 matter.  The
 * matter's versions stay a chain: FZ_CONFLICT when one of its versions is
 * still open-ended (supersede it instead), or when the new one would not
 * start on the day after the last one ended; FZ_EXISTS on a version label
 * the matter already has.  *id receives the new version. */
fz_err fz_bench_create(fz_db *db, const fz_principal *by, const json_t *spec,
                       int64_t now, int64_t *id, fz_error *err);

/* Supersedes version old_id by a new one from spec (matter_code may be left
 * out; if given it must be the old one's): old_id must be the latest of its
 * matter, and the new one must start after the old one started; the old
 * one's effective_to becomes the day before.  One event,
 * benchmark.supersede, on the new version, names the old. */
fz_err fz_bench_supersede(fz_db *db, const fz_principal *by, int64_t old_id,
                          const json_t *spec, int64_t now, int64_t *id,
                          fz_error *err);

/* What a list of versions asks for; strings borrowed, NULL = any. */
typedef struct fz_disc_query {
  const char *matter_code;     /* benchmarks and list entries */
  const char *department_kind; /* normalised code */
  const char *kind;            /* lists: exempt | mitigate | no_coercion */
  const char *status;          /* active | superseded */
  const char *on;              /* in force on this date */
  int64_t cursor;              /* the last id of the page before, or 0 */
  int limit;                   /* 1..200 */
} fz_disc_query;

/* {"items": [versions], "next_cursor"} in id order, by read_business (or
 * by == NULL: the public, who see the same data). */
fz_err fz_bench_list(fz_db *db, const fz_principal *by,
                     const fz_disc_query *q, const char *today, json_t **out,
                     fz_error *err);

/* The version id as JSON, for by (NULL: public). */
fz_err fz_bench_get(fz_db *db, const fz_principal *by, int64_t id,
                    const char *today, json_t **out, fz_error *err);

/* ---- Lenient lists ---------------------------------------------------------- */

/* One entry: for which matter, under which conditions, with what effect.
 * The structured conditions are what fz_discretion_evaluate checks; the
 * text is what people read. */
typedef struct fz_list_entry {
  char matter_code[FZ_CODE_MAX + 1];  /* "" = every matter of the list's
                                         department kind(s) */
  char measure_code[FZ_CODE_MAX + 1]; /* no_coercion: the 行政强制 matter
                                         not taken; "" = any */
  fz_party party;
  fz_harm max_harm;   /* applies when the harm is at most this */
  int need_corrected; /* 及时改正 required */
  int need_first;     /* 初次违法 required */
  int need_minor;     /* 已满十四周岁不满十八周岁 (Art. 30) required */
  unsigned grounds;   /* bit i: Art. 32 ground i; any one suffices; 0 = none asked */
  int has_max_gains;
  int64_t max_gains;  /* 分: illegal gains at most this */
  fz_effect effect;
  /* Local rules the law leaves open, as data.  减轻 (reduced): the floor
   * becomes reduce_floor_pct % of the statutory minimum (0: down to 0) and
   * the ceiling that minimum.  从轻 (lighter): the tier's range kept, its
   * maximum lowered to min + lighten_cap_pct % of (max − min) (100: kept). */
  int reduce_floor_pct, lighten_cap_pct;
  char conditions[FZ_TEXT_MAX];
  char law[FZ_LAW_MAX + 1], article[FZ_ARTICLE_MAX + 1];
} fz_list_entry;

/* One version of a list. */
typedef struct fz_list {
  int64_t id;
  fz_list_kind kind;
  char department_kind[FZ_CODE_MAX + 1]; /* "" = every department kind */
  char name[256];
  char version[FZ_VERSION_MAX + 1];
  char effective_from[11], effective_to[11];
  char law[FZ_LAW_MAX + 1], article[FZ_ARTICLE_MAX + 1];
  char note[FZ_TEXT_MAX];
  int superseded;
  int64_t supersedes, superseded_by, created_at;
  char created_by[32];
  fz_list_entry *entries; /* malloc'd */
  size_t nentries;
} fz_list;

#define FZ_LIST_MAX_ENTRIES 2000

/* Frees l's entries (not l).  NULL is a no-op. */
void fz_list_clear(fz_list *l);

/* As fz_bench_from_json for a list: kind, department_kind ("" or absent =
 * all), name, version, effective_from, effective_to, law, article, note,
 * entries: [{matter_code, measure_code, party, max_harm, corrected,
 * first_offence, minor, grounds: [...], max_gains, effect,
 * reduce_floor_pct, lighten_cap_pct, conditions, law, article}].  Refuses
 * what the statutes do not allow a local list to say: a 免罚 entry without
 * 及时改正, a 不予处罚 entry for an act that caused harm, a 可以不予处罚
 * entry that does not require a first offence with at most slight harm
 * (行政处罚法 Art. 33 ¶1); an effect that does not belong to the list's
 * kind; a 不予强制 entry beyond slight harm (行政强制法 Art. 16 ¶2).
 * *entry receives the failing entry's index (-1 for the list).  On error
 * l's entries are freed. */
fz_err fz_list_from_json(const json_t *spec, int lenient, fz_list *l,
                         int *entry, fz_error *err);

json_t *fz_list_to_json(const fz_list *l, const char *today);

/* Reads list version id with its entries (fz_list_clear afterwards). */
fz_err fz_list_load(fz_db *db, int64_t id, fz_list *l, fz_error *err);

/* As for benchmarks; a list's chain is (kind, department_kind), and every
 * named matter must be an active 行政处罚 matter (a measure_code an active
 * 行政强制 one) of the list's department kind.  Events lenient_list.create
 * and lenient_list.supersede. */
fz_err fz_list_create(fz_db *db, const fz_principal *by, const json_t *spec,
                      int64_t now, int64_t *id, fz_error *err);
fz_err fz_list_supersede(fz_db *db, const fz_principal *by, int64_t old_id,
                         const json_t *spec, int64_t now, int64_t *id,
                         fz_error *err);

/* List versions as for fz_bench_list (q: kind, department_kind, status,
 * on, matter_code = versions holding an entry for it). */
fz_err fz_list_list(fz_db *db, const fz_principal *by, const fz_disc_query *q,
                    const char *today, json_t **out, fz_error *err);
fz_err fz_list_get(fz_db *db, const fz_principal *by, int64_t id,
                   const char *today, json_t **out, fz_error *err);

/* The entries in force on q->on (NULL: today), flattened with their list
 * ({"items": [{list_id, list_name, kind, version, effective_from,
 * effective_to, entry…}], "next_cursor"}), filtered by kind,
 * department_kind and matter_code: the public portal's view. */
fz_err fz_list_entries_in_force(fz_db *db, const fz_disc_query *q,
                                const char *today, json_t **out,
                                fz_error *err);

/* ---- Import and export -------------------------------------------------------- */

/* Which family a file holds. */
typedef enum fz_disc_family { FZ_DISC_BENCHMARKS = 0, FZ_DISC_LISTS } fz_disc_family;

/* A parsed import: the versions it holds, and the rows refused so far.
 * Parsing needs no database (fuzz/fuzz_discretion_import.c). */
typedef struct fz_disc_import fz_disc_import;

/* Parses len bytes (which may be freed after the call: what is kept is
 * copied) as CSV — UTF-8 with or without a BOM, or GB18030
 * (registry/csv.h), one row per tier (benchmarks) or per entry (lists),
 * the version's columns repeated on each row, header names in English or
 * Chinese — or as JSON ({"benchmarks": [...]} / {"lists": [...]}, the
 * shape of an export).  json: 1 JSON, 0 CSV, -1 decide from the first
 * non-blank byte.  Rows of one version are grouped by (matter_code,
 * version) / (kind, department_kind, version); a bad row refuses its whole
 * version, each of its rows reported.  Fails (FZ_PARSE, FZ_MISSING,
 * FZ_INVALID, FZ_TOOBIG, FZ_UNSUPPORTED) only when the file as a whole
 * cannot be read: not CSV or JSON, no header, an unknown column. */
fz_err fz_disc_import_parse(fz_disc_family fam, const void *data, size_t len,
                            int json, fz_disc_import **out, fz_error *err);

/* The versions parsed and not yet refused; the rows refused so far. */
size_t fz_disc_import_versions(const fz_disc_import *im);
size_t fz_disc_import_rejected(const fz_disc_import *im);
/* "UTF-8", "UTF-8 (BOM)", "GB18030" or "JSON". */
const char *fz_disc_import_encoding(const fz_disc_import *im);

void fz_disc_import_free(fz_disc_import *im);

/* Writes the parsed versions in the caller's transaction: each is checked
 * against the database as fz_bench_create / fz_list_create would, and a
 * version whose chain has an open-ended latest version supersedes it; the
 * ones refused add their rows to the rejects.  Then ONE ledger event,
 * benchmark.import / lenient_list.import (object "import", id the file's
 * SM3), with the file's name and SM3, the versions made and the count of
 * rows refused — unless nothing was made, when nothing is written at all
 * and FZ_INVALID says so.  *report (new) is {"file_name", "file_sm3",
 * "encoding", "rows", "versions": [{id, key, version, supersedes}],
 * "rejected": [{"line", "item", "field", "reason"}] (line for CSV, item
 * for JSON, both 1-based), "rejected_count"}; on FZ_INVALID too. */
fz_err fz_disc_import_write(fz_db *db, const fz_principal *by,
                            fz_disc_import *im, const char *file_name,
                            const char *file_sm3, int64_t now,
                            json_t **report, fz_error *err);

/* Writes the versions matching q (limit and cursor ignored) as CSV in the
 * layout an import reads (UTF-8 with a BOM, Chinese headers; one row per
 * tier or entry) to f, or as XLSX to path (registry/table.h). */
fz_err fz_disc_export_table(fz_db *db, const fz_principal *by,
                            fz_disc_family fam, const fz_disc_query *q,
                            int xlsx, const char *path, FILE *f,
                            fz_error *err);

/* The same versions as JSON: {"benchmarks": [...]} or {"lists": [...]}. */
fz_err fz_disc_export_json(fz_db *db, const fz_principal *by,
                           fz_disc_family fam, const fz_disc_query *q,
                           json_t **out, fz_error *err);

/* ---- Evaluate ----------------------------------------------------------------- */

typedef struct fz_offence_facts {
  const char *matter_code;   /* 执法事项 code */
  const char *act_date;      /* YYYY-MM-DD: the act, or the end of a continuing act */
  const char *decision_date; /* YYYY-MM-DD: the decision, or today before it */
  int party_is_person;       /* 1 natural person (公民), 0 organisation */
  const char *harm;          /* "none" | "slight" | "general" | "serious" | "severe" */
  int corrected;             /* corrected in time (及时改正) */
  int first_offence;         /* 1 first, 0 not, -1 unknown (the caller computes it from the entity's history) */
  int no_fault;              /* Art. 33 ¶2: proved no subjective fault */
  int minor_age;             /* Art. 30: 0, or 1 for a person aged 14–18 */
  const json_t *grounds;     /* array of Art. 32 ground keys, may be NULL */
  int64_t illegal_gains_fen; /* -1 when not applicable */
  int64_t goods_value_fen;   /* -1 when not applicable */
} fz_offence_facts;

/* Evaluates facts against the benchmarks and lists in force: a new JSON object
 * (see below) into *out.  FZ_INVALID naming the field for bad facts; FZ_NODATA
 * when no benchmark covers the matter at either date (say which).
 *
 * The object, for a 法制审核员 to check line by line:
 *   matter        {code, name, department_kind}
 *   facts         the facts as understood (amounts in 元)
 *   versions      {at_act, at_decision: {id, version, effective_from,
 *                 effective_to, punishable, tier, min, max} or null,
 *                 applied: {id, version}, why} — 从旧兼从轻 (Art. 37): the
 *                 version in force at the act applies, unless the one at
 *                 the decision punishes the act no longer or is lighter,
 *                 lighter meaning a lower maximum for the case's tier (on
 *                 an equal maximum, a lower minimum)
 *   tier          {key, party, harms, conditions, basis, citation}
 *   kinds         [penalty kinds allowed]
 *   range         {min, max, computed, citation} or null (no fine in the tier)
 *   statutory_range  {min, max}: over all tiers of the version for the party
 *   mitigation    null | "从轻" | "减轻"
 *   mitigated_range  {min, max, rule} or null
 *   lists         [{list_id, list_name, kind, version, in_force_at: ["act",
 *                 "decision"], entry, matter_code, effect, effect_label,
 *                 conditions, citation, checks: [{condition, required,
 *                 actual, met: true|false|null}], applies: true|false|null,
 *                 why}] — every entry considered
 *   no_penalty    true when a 免罚 entry applies, the fault is disproved
 *                 (Art. 33 ¶2) or the act is no longer punished (Art. 37)
 *   no_penalty_mandatory  true for 不予处罚, false for 可以不予处罚
 *   education_required    true with no_penalty (Art. 33 ¶3)
 *   no_coercion   true when a 不予强制 entry applies
 *   first_offence {value: true|false|null, text}
 *   undetermined  [facts still to establish, e.g. "first_offence"]
 *   lines         [{text, citation}], in order, explaining all of it. */
fz_err fz_discretion_evaluate(fz_db *db, const fz_offence_facts *f, json_t **out, fz_error *err);
/* Parses the facts members of a JSON object into f (strings point into obj). */
fz_err fz_offence_facts_from_json(const json_t *obj, fz_offence_facts *f, fz_error *err);
/* (fz_offence_facts_from_json reads: matter_code, act_date, harm (required);
 * decision_date; party_is_person (bool) or party ("person" |
 * "organisation", default organisation); corrected, no_fault, minor_age
 * (bools); first_offence (true | false | null/absent = unknown); grounds
 * ([keys]); illegal_gains, goods_value (元 strings or integers; null or
 * absent = not applicable).  Other members are ignored.) */

/* Checks a decision against an evaluation: decided_kinds is an array of
 * penalty kind names ([] or NULL: 不予处罚), fine_fen the fine (0 or -1:
 * none).  *findings (new) is an array of {code, text, citation} for each
 * way the decision departs from the evaluation — each needs a written
 * reason and raises a supervision alert (DESIGN §7):
 *   fine_below_range, fine_above_range  outside the (mitigated) range
 *   fine_not_in_tier     a fine where the tier has none
 *   kind_not_allowed     a kind the tier does not allow
 *   penalty_despite_exemption  a penalty although no_penalty is true
 *   no_penalty_without_ground  不予处罚 with no ground in the evaluation
 * An empty array: within the benchmark.  FZ_INVALID when evaluation is not
 * an object of fz_discretion_evaluate or a kind is not a string; FZ_NOMEM. */
fz_err fz_discretion_check_decision(const json_t *evaluation,
                                    const json_t *decided_kinds,
                                    int64_t fine_fen, json_t **findings,
                                    fz_error *err);

/* The fine range of rule for the facts' base amounts (分, -1 unknown):
 * *min, *max in 分 and, in text (size bytes), how it was computed
 * ("货值金额 8,000.00 元，不足 10,000.00 元：罚款 50,000.00 元以上
 * 100,000.00 元以下").  Multiples round the minimum up and the maximum down
 * to the 分, so the range never leaves the statute's.  FZ_INVALID (field
 * "goods_value") when the rule needs a goods value that is unknown. */
fz_err fz_fine_compute(const fz_fine_rule *rule, int64_t gains,
                       int64_t goods, int64_t *min, int64_t *max, char *text,
                       size_t size, fz_error *err);

/* The rule in words, as the API shows it ("货值金额不足 10,000.00 元的，
 * 罚款 50,000.00 元以上 100,000.00 元以下；10,000.00 元以上的，货值金额
 * 10 倍以上 20 倍以下"), into text (size bytes). */
void fz_fine_describe(const fz_fine_rule *rule, char *text, size_t size);

/* An amount for people to read: "50,000.00" (thousands grouped). */
void fz_disc_amount_text(int64_t fen, char *out, size_t size);

/* A multiple for people and the API: hundredths 1000 → "10", 250 → "2.5". */
void fz_disc_times_text(int64_t hundredths, char *out, size_t size);

/* ---- Shared look-ups ----------------------------------------------------------- */

/* A 执法事项 as this module needs it, read through the registry (matters are
 * public catalogue data, 行政处罚法 Art. 39). */
typedef struct fz_disc_matter {
  char code[FZ_CODE_MAX + 1];
  char name[256];
  char kind[32];            /* 行政处罚, 行政强制, … */
  char department_kind[FZ_CODE_MAX + 1];
  char law[FZ_LAW_MAX + 1], article[FZ_ARTICLE_MAX + 1];
  int active;
} fz_disc_matter;

/* FZ_NOTFOUND (field "matter_code") when the code is not registered. */
fz_err fz_disc_matter_get(fz_db *db, const char *code, fz_disc_matter *m,
                          fz_error *err);

/* The ids of the list versions in force on date whose department kind is
 * department_kind or "" (every kind), ascending, into ids (at most max);
 * *n receives how many. */
fz_err fz_list_in_force(fz_db *db, const char *department_kind,
                        const char *date, int64_t *ids, size_t max, size_t *n,
                        fz_error *err);

/* fz_list_load keeping only the entries for matter_code (and those for
 * every matter); matter_code NULL keeps all. */
fz_err fz_list_load_for(fz_db *db, int64_t id, const char *matter_code,
                        fz_list *l, fz_error *err);


/* ---- Demo ------------------------------------------------------------------------ */

/* Loads the demo benchmarks and lists (data/discretion/benchmarks.csv and
 * lists.csv, embedded) for the matters of data/registry/matters.tsv, as two
 * imports by `by` (each one event carrying the file's SM3).  Runs in the
 * caller's open transaction, or in its own when none is open.  Needs the
 * registry's matters (registry/demo.h) first: FZ_NODATA otherwise.  Does
 * nothing and returns FZ_OK when they are loaded already (meta
 * "demo.discretion").  *versions (may be NULL) receives how many versions
 * were made. */
fz_err fz_discretion_demo(fz_db *db, const fz_principal *by, int64_t now,
                          int *versions, fz_error *err);

#endif
