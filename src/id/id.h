/* id.h — Chinese identifiers: 统一社会信用代码 (GB 32100-2015), 居民身份证号
 * (GB 11643-1999), 行政区划 names (GB/T 2260), and the masks that public
 * pages apply to natural persons (DESIGN §8). */
#ifndef FZ_ID_H
#define FZ_ID_H

#include <stddef.h>

#include "core/error.h"

#define FZ_ID_LEN 18          /* both kinds are 18 characters */
#define FZ_REGION_NAME_MAX 192 /* bytes of a full name, NUL included */

/* ---- Validation --------------------------------------------------------- */

typedef enum fz_id_kind {
  FZ_ID_USCC = 1,    /* 统一社会信用代码 */
  FZ_ID_RESIDENT = 2 /* 居民身份证号 */
} fz_id_kind;

/* Sex as coded by GB/T 2261.1: 0 unknown, 1 male, 2 female. */
typedef enum fz_id_sex {
  FZ_SEX_UNKNOWN = 0,
  FZ_SEX_MALE = 1,
  FZ_SEX_FEMALE = 2
} fz_id_sex;

typedef struct fz_id_date {
  int year, month, day;
} fz_id_date;

/* What a check found.  Every validate/check call fills it in completely,
 * valid or not. */
typedef struct fz_id_result {
  fz_id_kind kind;
  int valid; /* 1 exactly when err.code == FZ_OK */
  /* The input trimmed and upper-cased; "" if it is too long to fit. */
  char code[FZ_ID_LEN * 4 + 1];
  /* USCC positions 3–8 or resident ID positions 1–6 when those are digits
   * (even if the code is invalid), else "". */
  char region_code[7];
  /* Full name of region_code ("辽宁省沈阳市和平区", region_exact = 1), or of
   * its nearest known parent when the code itself is unknown or abolished
   * (region_exact = 0), or "". */
  char region_name[FZ_REGION_NAME_MAX];
  int region_exact;
  /* Resident ID only, and only when valid; else zero. */
  fz_id_date birth;
  fz_id_sex sex; /* position 17 odd = male */
  /* FZ_OK, or FZ_INVALID with field "code" and a message starting with
   * what is wrong: "length: …", "character: …", "birth date: …",
   * "checksum: …" or "organization code check …". */
  fz_error err;
} fz_id_result;

/* Validates a 统一社会信用代码 (GB 32100-2015) and the 组织机构代码 check
 * character it contains (GB 11714, positions 9–17).  Surrounding whitespace
 * is trimmed and lower case accepted.  Fills *r (which must not be NULL);
 * returns FZ_OK or FZ_INVALID (r->err says why). */
fz_err fz_uscc_validate(const char *code, fz_id_result *r);

/* Validates a 居民身份证号 (GB 11643-1999): 17 digits, a real birth date at
 * positions 7–14 between 1900-01-01 and `today`, and the ISO 7064 MOD 11-2
 * check character (digit or X; x accepted).  Fills *r as above, including
 * birth and sex when valid; returns FZ_OK or FZ_INVALID. */
fz_err fz_resident_validate(const char *code, fz_id_date today,
                            fz_id_result *r);

/* Validates an 18-character code of either kind.  Both kinds are 18
 * characters and some 统一社会信用代码 are all digits (121200004013590816), so
 * the kind is decided as follows:
 *   1. if exactly one kind validates, it is that kind;
 *   2. otherwise (neither validates, or both do) the more plausible kind is
 *      reported: any character other than a digit (an X in the last position
 *      excepted) → USCC; only digits (and that X), at least 14 of them, with
 *      positions 7–14 shaped like a date (19xx or 20xx, month 01–12, day
 *      01–31, so that 19490230 is reported as an impossible birth date) →
 *      resident ID; anything else → USCC.
 * r->kind, r->valid and r->err then describe that kind.  Returns FZ_OK or
 * FZ_INVALID. */
fz_err fz_id_check(const char *code, fz_id_date today, fz_id_result *r);

/* Today's civil date in China (北京时间, whatever the host's time zone),
 * the `today` of the checks above. */
fz_id_date fz_id_today(void);

/* "统一社会信用代码" or "居民身份证号"; never NULL. */
const char *fz_id_kind_name(fz_id_kind kind);

/* The check characters, for building test data and seeds.  Each takes
 * exactly the characters before the check position (NUL-terminated) and
 * returns the character that must follow, or 0 if the input has the wrong
 * length or a character outside the code's alphabet. */
char fz_uscc_check_char(const char *first17);    /* GB 32100 position 18 */
char fz_orgcode_check_char(const char *first8);  /* GB 11714 check, '0'–'9'
                                                    or 'X' */
char fz_resident_check_char(const char *first17); /* GB 11643, '0'–'9', 'X' */

/* ---- Masks for public pages (DESIGN §8) --------------------------------- *
 * Each writes a NUL-terminated mask of `in` (whitespace trimmed) into
 * buf[size] and returns FZ_OK; FZ_INVALID if `in` is NULL or not UTF-8;
 * FZ_TOOBIG if buf is too small.  On error buf holds "" (when size > 0), so
 * the unmasked value can never leak through a failed call. */

/* 110105********002X: first 6 and last 4 characters kept, each other one a
 * '*'.  Ten characters or fewer are masked completely. */
fz_err fz_mask_resident(const char *in, char *buf, size_t size);

/* 张* (2 characters), 张*丰 (3), 欧**娜 (4: first, stars, last); a single
 * character becomes "*". */
fz_err fz_mask_name(const char *in, char *buf, size_t size);

/* 138****1234: first 3 and last 4 characters kept.  Seven characters or
 * fewer are masked completely. */
fz_err fz_mask_phone(const char *in, char *buf, size_t size);

/* ---- 行政区划 (GB/T 2260) ------------------------------------------------- *
 * The built-in table is data/regions/regions.tsv (see its SOURCE.md),
 * parsed on first use, once, thread-safely.  Codes are 6 ASCII digits. */

/* Loads the built-in table if needed.  FZ_OK, or FZ_NODATA with the reason
 * (missing or malformed file) in *err (may be NULL).  The look-ups below call
 * it themselves and behave as "not found" when it fails. */
fz_err fz_region_load(fz_error *err);

/* The name of one code ("和平区"), or NULL if the code is unknown.  The string
 * lives as long as the process. */
const char *fz_region_name(const char *code6);

/* Writes the full name of a known code into buf[size]: province, prefecture
 * city and county, skipping levels that do not exist ("辽宁省沈阳市和平区",
 * "北京市东城区", "河南省济源市").  FZ_OK; FZ_INVALID if code6 is not 6
 * digits; FZ_NOTFOUND if unknown; FZ_TOOBIG if buf is too small
 * (FZ_REGION_NAME_MAX always suffices).  buf holds "" on error. */
fz_err fz_region_full_name(const char *code6, char *buf, size_t size);

/* The code of the nearest known region above code6 (210102 → "210100",
 * 110101 → "110000", 210100 → "210000"), or NULL for a province or an invalid
 * code.  code6 itself need not be known, so abolished codes still find their
 * city or province.  The string lives as long as the process. */
const char *fz_region_parent(const char *code6);

/* Called for each child, in code order; return non-zero to stop. */
typedef int (*fz_region_visit)(const char *code, const char *name, void *ctx);

/* Calls fn for each region whose parent (as fz_region_parent defines it) is
 * the region named by prefix: "" or NULL for the provinces, 2 digits for a
 * province ("21" = 210000), 4 for a city ("2101"), or a full 6-digit code.
 * For a UI cascader.  FZ_OK; FZ_INVALID for a malformed prefix; FZ_NOTFOUND
 * if that region is unknown; FZ_NODATA if the table cannot be loaded. */
fz_err fz_region_children(const char *prefix, fz_region_visit fn, void *ctx);

/* A parsed region table, for validating a replacement file (config
 * "data_dir") and for tests. */
typedef struct fz_region_table fz_region_table;

/* Parses `len` bytes of regions.tsv text (NUL bytes are errors, not ends).
 * Strict: every line is a `#` comment or `code<TAB>name`, with code 6 digits
 * not starting 00, strictly ascending, and name 1–96 bytes of UTF-8 without
 * control characters; at least one region.  On success *out owns a new table
 * (free with fz_region_table_free).  Errors: FZ_PARSE with "line N: …" in
 * *err (field "regions"), FZ_NOMEM. */
fz_err fz_region_parse(const char *data, size_t len, fz_region_table **out,
                       fz_error *err);

/* Number of regions in t. */
size_t fz_region_table_count(const fz_region_table *t);

/* Frees t.  NULL is a no-op. */
void fz_region_table_free(fz_region_table *t);

#endif
