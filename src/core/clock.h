/* clock.h — the time of day as the project records it: milliseconds since
 * the epoch for computing, ISO 8601 UTC text for the record. */
#ifndef FZ_CORE_CLOCK_H
#define FZ_CORE_CLOCK_H

#include <stdint.h>

#define FZ_ISO_TIME_BUF 21 /* "YYYY-MM-DDTHH:MM:SSZ" and its NUL */

/* Milliseconds since 1970-01-01 UTC. */
int64_t fz_now_ms(void);

/* Writes the current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf; returns
 * buf. */
char *fz_now_iso(char buf[FZ_ISO_TIME_BUF]);

/* The civil date in China (北京时间, UTC+8) at ms since the epoch, as
 * "YYYY-MM-DD" into out. */
void fz_civil_date(int64_t ms, char out[11]);

#endif
