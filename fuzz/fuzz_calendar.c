/* fuzz_calendar.c — the calendar file parser and the strict date parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cal/cal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  fz_error e;

  fz_cal_year *y;
  if (fz_cal_year_parse(s, size, "fuzz.txt", &y, &e) == FZ_OK) {
    int year = fz_cal_year_year(y);
    if (year < FZ_DATE_MIN_YEAR || year > FZ_DATE_MAX_YEAR ||
        !fz_cal_year_notice(y)[0])
      abort();
    fz_cal_year_free(y);
  }

  /* A date that parses must format back to exactly the input. */
  fz_date d;
  size_t n = size < 12 ? size : 12;
  if (fz_date_parse_n(s, n, &d, &e) == FZ_OK) {
    char buf[FZ_DATE_BUF];
    fz_date next;
    if (n != 10 || memcmp(fz_date_format(d, buf), s, 10) != 0) abort();
    if (fz_date_from_days(fz_date_to_days(d)).d != d.d) abort();
    fz_date_add_days(d, (long)size * 1000 - 30000, &next, &e);
  }
  return 0;
}
