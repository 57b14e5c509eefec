/* id_int.h — helpers shared by the files of src/id; not part of its
 * interface (that is id.h). */
#ifndef FZ_ID_INT_H
#define FZ_ID_INT_H

#include "id/id.h"

/* Length of the UTF-8 sequence starting at s[0] (n bytes available): 1–4, or
 * 0 if the bytes there are not well-formed UTF-8 (RFC 3629). */
size_t id_utf8_seq(const unsigned char *s, size_t n);

/* Skips leading and trailing ASCII whitespace and U+3000 (the full-width space
 * of Chinese input methods) in s; returns the start and sets *len. */
const char *id_trim(const char *s, size_t *len);

/* Resets *r for a check of this kind, stores the trimmed, upper-cased input in
 * r->code (or "" when it does not fit) and returns its length in characters,
 * an invalid byte counting as one. */
size_t id_begin(fz_id_result *r, fz_id_kind kind, const char *in);

/* The 1-based position of the first character of s that is not single-byte
 * ASCII accepted by ok(c, position), or 0 if all are. */
size_t id_first_bad(const char *s, int (*ok)(unsigned char c, size_t pos));

/* Writes a quotable description of the character at 1-based position pos of
 * s into buf: 'A', '（', or byte 0xC3 for a byte that is not UTF-8. */
void id_describe(const char *s, size_t pos, char *buf, size_t size);

/* Sets r->err to FZ_INVALID on field "code" with a formatted reason, clears
 * r->valid, and returns FZ_INVALID. */
fz_err id_fail(fz_id_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* id_fail for a code that is not 18 characters long, and for a check
 * character (position 18) that is got where want was computed: the two
 * refusals both kinds of code share. */
fz_err id_fail_length(fz_id_result *r, size_t chars);
fz_err id_fail_checksum(fz_id_result *r, char got, char want);

/* If s[0..5] are digits, fills r->region_code, region_name and region_exact
 * from the built-in table (region.c). */
void id_set_region(fz_id_result *r, const char *s);

/* 0 if s[0..7] is a real date YYYYMMDD from 1900-01-01 to today, storing it in
 * *d (may be NULL); otherwise -1 and the reason, which names the part that is
 * wrong, in why[size] (resident.c). */
int id_birth_date(const char *s, fz_id_date today, fz_id_date *d, char *why,
                  size_t size);

#endif
