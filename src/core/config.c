/* config.c — defaults, file, environment and flags, in that order. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"

enum kind { STR, INT, LONG };

typedef struct key {
  const char *name;
  enum kind kind;
  size_t off, size; /* size of the char array for STR */
  long min, max;
  const char *help;
} key;

#define S(f, h) {#f, STR, offsetof(fz_config, f), sizeof(((fz_config *)0)->f), 0, 0, h}
#define I(f, lo, hi, h) {#f, INT, offsetof(fz_config, f), 0, lo, hi, h}
#define L(f, lo, hi, h) {#f, LONG, offsetof(fz_config, f), 0, lo, hi, h}
static const key keys[] = {
    S(db, "database URL"),
    S(listen, "listen address"),
    S(data_dir, "folder of data files overriding the built-in ones"),
    S(log_level, "log level"),
    S(ledger_key, "the ledger's private key file"),
    S(ledger_origin, "the ledger's name in its signed checkpoints"),
    S(id_key, "the key file that seals personal ID numbers (SM4)"),
    S(web, "folder of the built web front end (default web/dist if present)"),
    I(threads, 0, 256, "HTTP worker threads (0 = 32 per core)"),
    L(body_limit, 1024, 1L << 30, "largest request body in bytes"),
    L(upload_limit, 1024, 1L << 40, "largest uploaded file (imports) in bytes"),
    I(read_timeout, 1, 3600, "idle seconds before a connection is closed"),
    I(shutdown_grace, 0, 3600, "seconds in-flight requests get at shutdown"),
    I(session_idle, 1, 86400, "idle seconds before a session ends"),
    I(lockout_failures, 1, 100, "failed logins in a row that lock an account"),
    I(lockout_seconds, 1, 86400, "seconds an account stays locked"),
};
#undef S
#undef I
#undef L

void fz_config_defaults(fz_config *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->db, sizeof c->db, "sqlite:var/fazhi.db");
  snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
  snprintf(c->log_level, sizeof c->log_level, "info");
  snprintf(c->ledger_origin, sizeof c->ledger_origin, "fazhi-ledger");
  c->threads = 0;
  c->body_limit = 1L << 20;
  c->upload_limit = 4L << 30;
  c->read_timeout = 30;
  c->shutdown_grace = 30;
  c->session_idle = 1800;
  c->lockout_failures = 5;
  c->lockout_seconds = 900;
}

static int cores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 && n < 1024 ? (int)n : 1;
}

int fz_config_threads(const fz_config *c) {
  int n = 32 * cores();
  return c->threads > 0 ? c->threads : n < 256 ? n : 256;
}

int fz_config_connections(const fz_config *c) {
  int t = fz_config_threads(c), n = 4 * cores();
  return t < n ? t : n;
}

/* A key file's path: the setting, else beside a SQLite file with suffix,
 * else under var/. */
static const char *key_path(const fz_config *c, const char *set,
                            const char *suffix, const char *fallback,
                            char *buf, size_t size) {
  if (set[0]) snprintf(buf, size, "%s", set);
  else if (strncmp(c->db, "sqlite:", 7) == 0 && strcmp(c->db, "sqlite::memory:"))
    snprintf(buf, size, "%s%s", c->db + 7, suffix);
  else snprintf(buf, size, "%s", fallback);
  return buf;
}

const char *fz_config_ledger_key(const fz_config *c, char *buf, size_t size) {
  return key_path(c, c->ledger_key, ".key", "var/ledger.key", buf, size);
}

const char *fz_config_id_key(const fz_config *c, char *buf, size_t size) {
  return key_path(c, c->id_key, ".idkey", "var/id.key", buf, size);
}

/* The key whose name matches, treating '-' as '_'. */
static const key *find(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const char *k = keys[i].name;
    if (strlen(k) != len) continue;
    size_t j = 0;
    for (; j < len; j++) {
      char c = name[j] == '-' ? '_' : name[j];
      if (c != k[j]) break;
    }
    if (j == len) return &keys[i];
  }
  return NULL;
}

static fz_err set_key(fz_config *c, const key *k, const char *value,
                      fz_error *err) {
  char *field = (char *)c + k->off;
  if (k->kind == STR) {
    size_t n = strlen(value);
    if (n >= k->size)
      return fz_error_set(err, FZ_INVALID, k->name,
                          "%s is too long (%zu bytes, at most %zu)", k->name,
                          n, k->size - 1);
    memcpy(field, value, n + 1);
    if (strcmp(k->name, "log_level") == 0 && fz_log_level_parse(value) < 0)
      return fz_error_set(err, FZ_INVALID, k->name,
                          "log_level must be debug, info, warn, error or off, "
                          "not \"%s\"", value);
    return FZ_OK;
  }
  errno = 0;
  char *end;
  long v = strtol(value, &end, 10);
  if (errno || end == value || *end != '\0')
    return fz_error_set(err, FZ_INVALID, k->name,
                        "%s must be a whole number, not \"%s\"", k->name, value);
  if (v < k->min || v > k->max)
    return fz_error_set(err, FZ_RANGE, k->name, "%s must be %ld to %ld, not %ld",
                        k->name, k->min, k->max, v);
  if (k->kind == INT) *(int *)(void *)field = (int)v;
  else *(long *)(void *)field = v;
  return FZ_OK;
}

fz_err fz_config_set(fz_config *c, const char *name, const char *value,
                     fz_error *err) {
  const key *k = find(name, strlen(name));
  if (!k) {
    fz_buf names;
    fz_buf_init(&names, 1024);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
      fz_buf_printf(&names, "%s%s", i ? ", " : "", keys[i].name);
    fz_error_set(err, FZ_UNKNOWN, name, "unknown setting \"%s\" (known: %s)",
                 name, names.data ? names.data : "");
    fz_buf_free(&names);
    return FZ_UNKNOWN;
  }
  return set_key(c, k, value, err);
}

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
  return s;
}

fz_err fz_config_parse(fz_config *c, const char *text, size_t len,
                       const char *origin, fz_error *err) {
  size_t lineno = 0;
  const char *p = text, *end = text + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    lineno++;
    char line[2048];
    if (n >= sizeof line)
      return fz_error_set(err, FZ_PARSE, "", "%s:%zu: line too long", origin,
                          lineno);
    memcpy(line, p, n);
    line[n] = '\0';
    p += n + (nl ? 1 : 0);
    if (memchr(line, '\0', n))
      return fz_error_set(err, FZ_PARSE, "", "%s:%zu: NUL byte in line",
                          origin, lineno);
    char *s = trim(line);
    if (*s == '\0' || *s == '#') continue;
    char *eq = strchr(s, '=');
    if (!eq)
      return fz_error_set(err, FZ_PARSE, "",
                          "%s:%zu: expected \"key = value\"", origin, lineno);
    *eq = '\0';
    char *k = trim(s), *v = trim(eq + 1);
    fz_error e;
    fz_err rc = fz_config_set(c, k, v, &e);
    if (rc)
      return fz_error_set(err, rc, e.field, "%s:%zu: %s", origin, lineno,
                          e.message);
  }
  return FZ_OK;
}

fz_err fz_config_load_file(fz_config *c, const char *path, fz_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return fz_error_set(err, FZ_IO, "config", "cannot open %s: %s", path,
                        strerror(errno));
  fz_buf b;
  fz_buf_init(&b, 1 << 20);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) fz_buf_append(&b, chunk, n);
  int bad = ferror(f);
  fclose(f);
  fz_err rc;
  if (bad) rc = fz_error_set(err, FZ_IO, "config", "cannot read %s", path);
  else if (b.err) rc = fz_error_set(err, b.err, "config", "%s is too large", path);
  else rc = fz_config_parse(c, b.data ? b.data : "", b.len, path, err);
  fz_buf_free(&b);
  return rc;
}

fz_err fz_config_load_env(fz_config *c, fz_error *err) {
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    char var[64] = "FAZHI_";
    size_t j = 6;
    for (const char *s = keys[i].name; *s && j < sizeof var - 1; s++)
      var[j++] = (char)toupper((unsigned char)*s);
    var[j] = '\0';
    const char *v = getenv(var);
    if (!v) continue;
    fz_error e;
    fz_err rc = set_key(c, &keys[i], v, &e);
    if (rc) return fz_error_set(err, rc, e.field, "%s: %s", var, e.message);
  }
  return FZ_OK;
}

fz_err fz_config_from_args(fz_config *c, int argc, char **argv, int first,
                           int *rest, fz_error *err) {
  fz_config_defaults(c);
  const char *file = getenv("FAZHI_CONFIG");
  for (int i = first; i < argc; i++) {
    if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) file = argv[i + 1];
    else if (strncmp(argv[i], "--config=", 9) == 0) file = argv[i] + 9;
  }
  fz_err rc;
  if (file && *file && (rc = fz_config_load_file(c, file, err))) return rc;
  if ((rc = fz_config_load_env(c, err))) return rc;

  int out = first;
  for (int i = first; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
      argv[out++] = argv[i];
      continue;
    }
    const char *name = a + 2, *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
    int is_config = nlen == 6 && strncmp(name, "config", 6) == 0;
    const key *k = find(name, nlen);
    if (!k && !is_config) {
      argv[out++] = argv[i]; /* not a setting: the subcommand's own flag */
      continue;
    }
    const char *value;
    if (eq) value = eq + 1;
    else if (i + 1 < argc) value = argv[++i];
    else return fz_error_set(err, FZ_MISSING, k ? k->name : "config",
                             "--%.*s needs a value", (int)nlen, name);
    if (is_config) continue;
    if ((rc = set_key(c, k, value, err))) return rc;
  }
  *rest = out - first;
  return FZ_OK;
}
