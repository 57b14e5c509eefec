/* circumstances.h — what a case records about the act for discretion
 * (裁量) to read, and the grounds of Art. 58 that make 法制审核 mandatory.
 *
 * Circumstances are a JSON object, every member optional:
 *   "harm"           "none" | "slight" | "general" | "serious" | "severe"
 *   "corrected"      corrected in time (及时改正)
 *   "no_fault"       Art. 33 ¶2: the party proved it had no fault
 *   "minor_age"      Art. 30: a person aged 14 to 18
 *   "first_offence"  stated for a person, who has no register history
 *   "grounds"        Art. 32 grounds: "eliminated_harm", "coerced",
 *                    "confessed", "meritorious", "other_legal"
 *                    (discretion.h: fz_ground_name)
 *   "illegal_gains"  违法所得, 元 ("1234.56")
 *   "goods_value"    货值金额, 元 */
#ifndef FZ_CASES_CIRCUMSTANCES_H
#define FZ_CASES_CIRCUMSTANCES_H

#include <jansson.h>

#include "core/error.h"

/* Checks circumstances (NULL: none) and writes their canonical JSON text
 * (amounts as "1234.56") into *out (malloc'd).  FZ_INVALID / FZ_TYPE /
 * FZ_UNKNOWN naming "circumstances.<member>". */
fz_err fz_circumstances_canonical(const json_t *in, char **out,
                                  fz_error *err);

/* Reads Art. 58 grounds: an array of 1..4 (NULL: none) into out as
 * "1,3" in ascending order.  FZ_INVALID naming "review_grounds". */
fz_err fz_review_grounds_parse(const json_t *a, char out[16], fz_error *err);

/* The text of ground k ('1'..'4') of Art. 58, for messages. */
const char *fz_review_ground_label(char k);

#endif
