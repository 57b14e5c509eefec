/* money.h — amounts of money in 元, held as whole 分 (fen) in an int64.
 *
 * The API reads and writes amounts as decimal strings in 元 with at most two
 * decimals ("3000", "3000.5", "3000.50"); the ledger and the database hold
 * the integer 分, so no amount is ever a floating-point number. */
#ifndef FZ_CORE_MONEY_H
#define FZ_CORE_MONEY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* The largest amount accepted: 10^13 元 in 分, far above any fine. */
#define FZ_MONEY_MAX ((int64_t)1000000000000000LL)

/* Parses a non-negative amount in 元 ("1234", "1234.5", "1234.56") into
 * *fen.  FZ_INVALID with field and reason for anything else: a sign, an
 * exponent, separators, more than two decimals, more than FZ_MONEY_MAX. */
fz_err fz_money_parse(const char *s, const char *field, int64_t *fen,
                      fz_error *err);

/* Reads a JSON member that is an amount: a decimal string as above or a
 * non-negative integer number of 元.  FZ_TYPE for other JSON types. */
fz_err fz_money_json(const json_t *v, const char *field, int64_t *fen,
                     fz_error *err);

/* Writes fen as "1234.56" into out (size ≥ 24). */
void fz_money_format(int64_t fen, char *out, size_t size);

/* A new JSON string "1234.56" for fen, or NULL when out of memory. */
json_t *fz_money_to_json(int64_t fen);

#endif
