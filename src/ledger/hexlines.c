/* hexlines.c — reads Merkle leaves written as hex, one per line, in chunks,
 * keeping only their leaf hashes. */
#include "ledger/hexlines.h"

#include <stdlib.h>
#include <string.h>

struct fz_hexlines {
  fz_hash_alg alg;
  uint8_t (*hash)[FZ_HASH_LEN]; /* leaf hashes of the lines read */
  uint64_t count, cap;
  uint8_t *leaf;                /* decoded bytes of the current line */
  size_t len, leaf_cap;
  int nibble;                   /* high half of a byte in progress, or -1 */
  int cr;                       /* the line so far ends in \r */
  int started;                  /* the current line has any byte */
  int ended;                    /* fz_hexlines_end was called */
  uint64_t line;                /* 1-based number of the current line */
  size_t column;                /* bytes of it read so far */
  fz_error error;               /* the first failure, which sticks */
};

fz_err fz_hexlines_new(fz_hash_alg alg, fz_hexlines **out) {
  fz_hexlines *p = calloc(1, sizeof *p);
  *out = p;
  if (!p) return FZ_NOMEM;
  p->alg = alg;
  p->nibble = -1;
  p->line = 1;
  return FZ_OK;
}

void fz_hexlines_free(fz_hexlines *p) {
  if (!p) return;
  free(p->hash);
  free(p->leaf);
  free(p);
}

fz_merkle_leaves fz_hexlines_leaves(const fz_hexlines *p) {
  fz_merkle_leaves l = {p->alg, (const uint8_t(*)[FZ_HASH_LEN])p->hash,
                        p->count};
  return l;
}

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static fz_err add_byte(fz_hexlines *p, uint8_t b) {
  if (p->len == p->leaf_cap) {
    if (p->leaf_cap == FZ_HEXLINES_MAX_LEAF)
      return fz_error_set(&p->error, FZ_TOOBIG, NULL,
                          "line %llu: a leaf may have at most %u bytes",
                          (unsigned long long)p->line, FZ_HEXLINES_MAX_LEAF);
    size_t cap = p->leaf_cap ? 2 * p->leaf_cap : 256;
    if (cap > FZ_HEXLINES_MAX_LEAF) cap = FZ_HEXLINES_MAX_LEAF;
    uint8_t *leaf = realloc(p->leaf, cap);
    if (!leaf) return fz_error_set(&p->error, FZ_NOMEM, NULL, NULL);
    p->leaf = leaf;
    p->leaf_cap = cap;
  }
  p->leaf[p->len++] = b;
  return FZ_OK;
}

/* The current line is complete: hash it as the next leaf. */
static fz_err end_line(fz_hexlines *p) {
  if (p->nibble >= 0)
    return fz_error_set(&p->error, FZ_PARSE, NULL,
                        "line %llu: odd number of hex digits",
                        (unsigned long long)p->line);
  if (p->count == p->cap) {
    if (p->cap == FZ_HEXLINES_MAX_LEAVES)
      return fz_error_set(&p->error, FZ_TOOBIG, NULL,
                          "line %llu: at most %llu leaves are allowed",
                          (unsigned long long)p->line,
                          (unsigned long long)FZ_HEXLINES_MAX_LEAVES);
    uint64_t cap = p->cap ? 2 * p->cap : 1024;
    if (cap > FZ_HEXLINES_MAX_LEAVES) cap = FZ_HEXLINES_MAX_LEAVES;
    void *hash = realloc(p->hash, (size_t)cap * FZ_HASH_LEN);
    if (!hash) return fz_error_set(&p->error, FZ_NOMEM, NULL, NULL);
    p->hash = hash;
    p->cap = cap;
  }
  fz_merkle_leaf_hash(p->alg, p->leaf, p->len, p->hash[p->count++]);
  p->len = 0;
  p->cr = p->started = 0;
  p->line++;
  p->column = 0;
  return FZ_OK;
}

/* A byte that is neither a hex digit nor the end of the line. */
static fz_err bad_byte(fz_hexlines *p, unsigned char c, size_t column) {
  if (c == '\r')
    return fz_error_set(&p->error, FZ_PARSE, NULL,
                        "line %llu, column %zu: a carriage return may only "
                        "end a line",
                        (unsigned long long)p->line, column);
  if (c > ' ' && c < 0x7f)
    return fz_error_set(&p->error, FZ_PARSE, NULL,
                        "line %llu, column %zu: '%c' is not a hex digit",
                        (unsigned long long)p->line, column, c);
  return fz_error_set(&p->error, FZ_PARSE, NULL,
                      "line %llu, column %zu: byte 0x%02x is not a hex digit",
                      (unsigned long long)p->line, column, c);
}

/* Copies the sticky error out and returns its code. */
static fz_err result(const fz_hexlines *p, fz_error *err) {
  if (err) *err = p->error;
  return p->error.code;
}

fz_err fz_hexlines_feed(fz_hexlines *p, const void *data, size_t len,
                        fz_error *err) {
  if (p->error.code) return result(p, err);
  if (p->ended) {
    fz_error_set(&p->error, FZ_INVALID, NULL, "input after its end");
    return result(p, err);
  }
  const unsigned char *s = data;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = s[i];
    if (c == '\n') {
      if (end_line(p)) break;
      continue;
    }
    p->column++;
    p->started = 1;
    if (p->cr) {
      bad_byte(p, '\r', p->column - 1);
      break;
    }
    if (c == '\r') {
      p->cr = 1;
      continue;
    }
    int v = hexval(c);
    if (v < 0) {
      bad_byte(p, c, p->column);
      break;
    }
    if (p->nibble < 0) {
      p->nibble = v;
    } else {
      if (add_byte(p, (uint8_t)(p->nibble << 4 | v))) break;
      p->nibble = -1;
    }
  }
  return result(p, err);
}

fz_err fz_hexlines_end(fz_hexlines *p, fz_error *err) {
  if (!p->error.code && !p->ended) {
    p->ended = 1;
    if (p->started) end_line(p);
  }
  return result(p, err);
}
