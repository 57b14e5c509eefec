/* clock.c — the current time, as a number and as ISO 8601 UTC text. */
#include "core/clock.h"

#include <time.h>

int64_t fz_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

char *fz_now_iso(char buf[FZ_ISO_TIME_BUF]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  if (!strftime(buf, FZ_ISO_TIME_BUF, "%Y-%m-%dT%H:%M:%SZ", &tm)) buf[0] = '\0';
  return buf;
}

void fz_civil_date(int64_t ms, char out[11]) {
  time_t t = (time_t)(ms / 1000) + 8 * 3600; /* 北京时间 */
  struct tm tm;
  gmtime_r(&t, &tm);
  if (!strftime(out, 11, "%Y-%m-%d", &tm)) out[0] = 0;
}
