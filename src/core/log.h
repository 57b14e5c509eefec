/* log.h — structured logging to stderr, one logfmt line per event:
 *   ts=2026-11-23T14:00:00.123Z level=info event=http.request req=… k=v …
 * Lines are written with one write(2) so threads never interleave them.
 * Never pass passwords, tokens or ID numbers; fz_log_value() quotes and
 * redacts a value that comes from outside. */
#ifndef FZ_CORE_LOG_H
#define FZ_CORE_LOG_H

#include <stddef.h>

typedef enum fz_log_level {
  FZ_LOG_DEBUG = 0,
  FZ_LOG_INFO,
  FZ_LOG_WARN,
  FZ_LOG_ERROR,
  FZ_LOG_OFF
} fz_log_level;

/* Sets the lowest level written (default info). */
void fz_log_set_level(fz_log_level level);

/* Parses "debug", "info", "warn", "error", "off"; -1 if unknown. */
int fz_log_level_parse(const char *s);

/* Writes one line: event is a dotted name, fmt the rest as "k=v k=v". */
void fz_log(fz_log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copies an outside value into out (size bytes) fit for a logfmt value:
 * double-quoted and escaped when needed, truncated to a sane length, and
 * with every run of 15 or more digits (an ID number, a card number) replaced
 * by "[redacted]".  Returns out. */
const char *fz_log_value(const char *in, char *out, size_t size);

#endif
