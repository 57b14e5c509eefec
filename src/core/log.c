/* log.c — structured logging to stderr in logfmt. */
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static atomic_int min_level = FZ_LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error",
                                          "off"};

void fz_log_set_level(fz_log_level level) { atomic_store(&min_level, level); }

int fz_log_level_parse(const char *s) {
  for (int i = 0; i <= FZ_LOG_OFF; i++)
    if (strcmp(s, level_names[i]) == 0) return i;
  return -1;
}

void fz_log(fz_log_level level, const char *event, const char *fmt, ...) {
  if ((int)level < atomic_load(&min_level) || level >= FZ_LOG_OFF) return;
  struct timeval tv;
  gettimeofday(&tv, NULL);
  struct tm tm;
  gmtime_r(&tv.tv_sec, &tm);
  char line[2048];
  int n = snprintf(line, sizeof line,
                   "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s event=%s",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                   tm.tm_min, tm.tm_sec, (long)(tv.tv_usec / 1000),
                   level_names[level], event);
  if (n < 0) return;
  size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  if (fmt && *fmt && len < sizeof line - 2) {
    line[len++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + len, sizeof line - len, fmt, ap);
    va_end(ap);
    if (m > 0) len += (size_t)m < sizeof line - len ? (size_t)m : sizeof line - len - 1;
  }
  if (len >= sizeof line - 1) len = sizeof line - 2;
  line[len++] = '\n';
  ssize_t w = write(STDERR_FILENO, line, len);
  (void)w;
}

const char *fz_log_value(const char *in, char *out, size_t size) {
  if (size == 0) return out;
  size_t o = 0, max = size - 1;
  int quote = (*in == '\0');
  for (const char *p = in; *p; p++)
    if (*p == ' ' || *p == '"' || *p == '=' || *p == '\\' ||
        (unsigned char)*p < 0x20)
      quote = 1;
  if (quote && o < max) out[o++] = '"';
  for (const char *p = in; *p && o < max; ) {
    size_t digits = strspn(p, "0123456789");
    if (digits >= 15) {
      const char *r = "[redacted]";
      for (; *r && o < max; r++) out[o++] = *r;
      p += digits;
      if (*p == 'X' || *p == 'x') p++;
      continue;
    }
    if (digits) {
      for (size_t i = 0; i < digits && o < max; i++) out[o++] = *p++;
      continue;
    }
    unsigned char c = (unsigned char)*p++;
    if (c == '"' || c == '\\') {
      if (o + 1 < max) { out[o++] = '\\'; out[o++] = (char)c; }
    } else if (c < 0x20) {
      if (o < max) out[o++] = '?';
    } else {
      out[o++] = (char)c;
    }
  }
  if (quote) {
    if (o >= max) o = max - 1;
    out[o++] = '"';
  }
  out[o < size ? o : size - 1] = '\0';
  return out;
}
