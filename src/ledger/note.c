/* note.c — C2SP signed notes and checkpoints: strict parsing, signing, key
 * IDs and verifier key strings. */
#include "ledger/note.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static const char DASH[] = "\xe2\x80\x94 "; /* U+2014 EM DASH, space */
#define DASH_LEN (sizeof DASH - 1)

#define B64_LEN(n) (((n) + 2) / 3 * 4)

/* The largest type ‖ public key we make: 0xff ‖ "fz-sm2-sm3" ‖ 65 bytes. */
#define MATERIAL_MAX (1 + sizeof FZ_NOTE_SM2_IDENT - 1 + FZ_PUBKEY_MAX)

struct fz_note_key {
  char *name;
  uint32_t id;
  fz_verifier *v;
};

struct fz_note {
  char *buf;       /* the note, with NULs after the text and each key name */
  size_t text_len;
  uint8_t *raw;    /* decoded signatures, back to back */
  size_t nsigs;
  fz_note_sig sigs[FZ_NOTE_MAX_SIGS];
};

/* ---- Text ------------------------------------------------------------ */

/* Decodes one UTF-8 sequence of at most n bytes at s into *cp; returns its
 * length, or 0 if it is not the shortest encoding of a scalar value. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp) {
  size_t len;
  uint32_t min;
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  } else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
    len = 2, min = 0x80, *cp = s[0] & 0x1f;
  } else if ((s[0] & 0xf0) == 0xe0) {
    len = 3, min = 0x800, *cp = s[0] & 0x0f;
  } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
    len = 4, min = 0x10000, *cp = s[0] & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    *cp = *cp << 6 | (s[i] & 0x3f);
  }
  if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
    return 0;
  return len;
}

/* The offset of the first byte of s that breaks the note rules (invalid
 * UTF-8, or an ASCII control character other than "\n"), or n if none. */
static size_t text_bad(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t k = utf8_next(u + i, n - i, &cp);
    if (k == 0 || (cp < 0x20 && cp != '\n')) return i;
    i += k;
  }
  return n;
}

/* Sets err to code, naming the line of the bad byte at offset `at` in s. */
static fz_err text_error(fz_error *err, fz_err code, const char *field,
                         const char *s, size_t at) {
  size_t line = 1;
  for (size_t i = 0; i < at; i++) line += s[i] == '\n';
  unsigned char c = (unsigned char)s[at];
  if (c < 0x20)
    return fz_error_set(err, code, field, "line %zu: control character 0x%02x",
                        line, c);
  return fz_error_set(err, code, field, "line %zu: invalid UTF-8", line);
}

/* Unicode White_Space, as Go's unicode.IsSpace. */
static int is_space(uint32_t c) {
  return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
         c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

static int name_valid(const char *s, size_t n) {
  if (n == 0) return 0;
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t k = utf8_next(u + i, n - i, &cp);
    if (k == 0 || cp < 0x20 || cp == '+' || is_space(cp)) return 0;
    i += k;
  }
  return 1;
}

int fz_note_name_valid(const char *name) {
  return name && name_valid(name, strlen(name));
}

/* ---- Encodings ------------------------------------------------------- */

/* Appends the base64 (RFC 4648 §4, padded) of n <= B64_IN_MAX bytes: a
 * signature line, a key's type and public key, or a root hash. */
#define B64_IN_MAX (4 + FZ_SIG_MAX)
_Static_assert(MATERIAL_MAX <= B64_IN_MAX && FZ_HASH_LEN <= B64_IN_MAX,
               "b64_append is too small");
static void b64_append(fz_buf *out, const uint8_t *p, size_t n) {
  char b[sodium_base64_ENCODED_LEN(B64_IN_MAX, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b, sizeof b, p, n, sodium_base64_VARIANT_ORIGINAL);
  fz_buf_puts(out, b);
}

/* Decodes canonical padded base64 (n > 0, a multiple of 4, unused bits
 * zero, no whitespace) into at most max bytes.  0, or -1 if it is not. */
static int b64_decode(const char *s, size_t n, uint8_t *out, size_t max,
                      size_t *len) {
  if (n == 0 || n % 4) return -1;
  /* libsodium 1.0.18 maps some bytes >= 0x80 to base64 digits, so only the
   * RFC 4648 alphabet may reach it; it checks padding and unused bits. */
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
      return -1;
  }
  return sodium_base642bin(out, max, s, n, NULL, len, NULL,
                           sodium_base64_VARIANT_ORIGINAL);
}

static int hex_val(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* ---- Keys with names ------------------------------------------------- */

/* type ‖ public key of v, as hashed into key IDs and written in verifier
 * key strings; returns its length. */
static size_t key_material(const fz_verifier *v, uint8_t out[MATERIAL_MAX]) {
  size_t n = 0;
  if (fz_verifier_alg(v) == FZ_SIG_ED25519) {
    out[n++] = FZ_NOTE_TYPE_ED25519;
  } else {
    out[n++] = FZ_NOTE_TYPE_OTHER;
    memcpy(out + n, FZ_NOTE_SM2_IDENT, sizeof FZ_NOTE_SM2_IDENT - 1);
    n += sizeof FZ_NOTE_SM2_IDENT - 1;
  }
  return n + fz_verifier_raw(v, out + n);
}

static uint32_t key_id(const char *name, const fz_verifier *v) {
  uint8_t m[MATERIAL_MAX], h[crypto_hash_sha256_BYTES];
  size_t mlen = key_material(v, m);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
  crypto_hash_sha256_update(&st, (const uint8_t *)"\n", 1);
  crypto_hash_sha256_update(&st, m, mlen);
  crypto_hash_sha256_final(&st, h);
  return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 |
         h[3];
}

/* Takes over v (freeing it on failure) and a copy of name[0..len). */
static fz_err key_make(const char *name, size_t len, fz_verifier *v,
                       fz_note_key **out, fz_error *err) {
  fz_note_key *k = malloc(sizeof *k);
  char *copy = malloc(len + 1);
  if (!k || !copy || !v) {
    free(k);
    free(copy);
    fz_verifier_free(v);
    return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  }
  memcpy(copy, name, len);
  copy[len] = '\0';
  k->name = copy;
  k->v = v;
  k->id = key_id(copy, v);
  *out = k;
  return FZ_OK;
}

fz_err fz_note_key_new(const char *name, const fz_verifier *v,
                       fz_note_key **out, fz_error *err) {
  *out = NULL;
  if (!fz_note_name_valid(name))
    return fz_error_set(err, FZ_INVALID, "name",
                        "invalid key name: it must be non-empty UTF-8 without "
                        "spaces, '+' or control characters");
  return key_make(name, strlen(name), fz_verifier_dup(v), out, err);
}

fz_err fz_note_key_parse(const char *vkey, fz_note_key **out, fz_error *err) {
  *out = NULL;
  const char *p1 = strchr(vkey, '+');
  const char *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
  if (!p2)
    return fz_error_set(err, FZ_PARSE, "key",
                        "a verifier key is <name>+<key ID>+<base64 key>");
  size_t name_len = (size_t)(p1 - vkey), b64_len = strlen(p2 + 1);
  if (!name_valid(vkey, name_len))
    return fz_error_set(err, FZ_PARSE, "key",
                        "the verifier key has an invalid key name");
  uint32_t id = 0;
  int ok = p2 - p1 == 9;
  for (const char *h = p1 + 1; ok && h < p2; h++) {
    int d = hex_val(*h);
    ok = d >= 0;
    id = id << 4 | (uint32_t)(d & 0xf);
  }
  if (!ok)
    return fz_error_set(err, FZ_PARSE, "key",
                        "the key ID must be 8 lowercase hex digits");
  uint8_t *m = malloc(b64_len / 4 * 3 + 1);
  size_t mlen = 0;
  if (!m) return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  fz_err rc = FZ_OK;
  fz_verifier *v = NULL;
  const size_t ident = sizeof FZ_NOTE_SM2_IDENT - 1;
  if (b64_decode(p2 + 1, b64_len, m, b64_len / 4 * 3 + 1, &mlen) != 0 ||
      mlen == 0) {
    rc = fz_error_set(err, FZ_PARSE, "key",
                      "the public key is not canonical base64");
  } else if (m[0] == FZ_NOTE_TYPE_ED25519) {
    rc = fz_verifier_from_raw(FZ_SIG_ED25519, m + 1, mlen - 1, &v, err);
  } else if (m[0] == FZ_NOTE_TYPE_OTHER && mlen > ident &&
             memcmp(m + 1, FZ_NOTE_SM2_IDENT, ident) == 0) {
    rc = fz_verifier_from_raw(FZ_SIG_SM2, m + 1 + ident, mlen - 1 - ident, &v,
                              err);
  } else {
    rc = fz_error_set(err, FZ_UNSUPPORTED, "key",
                      "unknown signature type 0x%02x (fazhi knows Ed25519 "
                      "0x01 and SM2 0xff \"" FZ_NOTE_SM2_IDENT "\")", m[0]);
  }
  free(m);
  if (rc) return rc;
  fz_note_key *k;
  if ((rc = key_make(vkey, name_len, v, &k, err))) return rc;
  if (k->id != id) {
    rc = fz_error_set(err, FZ_INVALID, "key",
                      "key ID %08" PRIx32 " does not match the name and key "
                      "(%08" PRIx32 ")", id, k->id);
    fz_note_key_free(k);
    return rc;
  }
  *out = k;
  return FZ_OK;
}

fz_err fz_note_key_format(const fz_note_key *k, fz_buf *out) {
  uint8_t m[MATERIAL_MAX];
  size_t mlen = key_material(k->v, m);
  fz_buf_printf(out, "%s+%08" PRIx32 "+", k->name, k->id);
  b64_append(out, m, mlen);
  return out->err;
}

const char *fz_note_key_name(const fz_note_key *k) { return k->name; }
uint32_t fz_note_key_id(const fz_note_key *k) { return k->id; }
const fz_verifier *fz_note_key_verifier(const fz_note_key *k) { return k->v; }

void fz_note_key_free(fz_note_key *k) {
  if (!k) return;
  free(k->name);
  fz_verifier_free(k->v);
  free(k);
}

/* ---- Notes ----------------------------------------------------------- */

fz_err fz_note_sign(const char *text, size_t len, const fz_signer *s,
                    const char *name, fz_buf *out, fz_error *err) {
  if (out->err) return fz_error_set(err, out->err, NULL, NULL);
  if (!fz_note_name_valid(name))
    return fz_error_set(err, FZ_INVALID, "name",
                        "invalid key name: it must be non-empty UTF-8 without "
                        "spaces, '+' or control characters");
  if (len == 0 || text[len - 1] != '\n')
    return fz_error_set(err, FZ_INVALID, "text",
                        "the text must be non-empty and end in a newline");
  size_t bad = text_bad(text, len);
  if (bad < len) return text_error(err, FZ_INVALID, "text", text, bad);
  /* blank line, dash, name, space, base64 of 4 + FZ_SIG_MAX bytes, newline */
  size_t extra = 1 + DASH_LEN + strlen(name) + 1 + B64_LEN(B64_IN_MAX) + 1;
  if (len > FZ_NOTE_MAX || extra > FZ_NOTE_MAX - len)
    return fz_error_set(err, FZ_TOOBIG, "text",
                        "the signed note would exceed %d bytes", FZ_NOTE_MAX);

  fz_verifier *v;
  fz_err rc = fz_signer_verifier(s, &v, err);
  if (rc) return rc;
  uint32_t id = key_id(name, v);
  fz_verifier_free(v);

  uint8_t blob[4 + FZ_SIG_MAX];
  size_t sig_len;
  if ((rc = fz_signer_sign(s, text, len, blob + 4, &sig_len, err))) return rc;
  blob[0] = (uint8_t)(id >> 24), blob[1] = (uint8_t)(id >> 16);
  blob[2] = (uint8_t)(id >> 8), blob[3] = (uint8_t)id;

  fz_buf_append(out, text, len);
  fz_buf_puts(out, "\n");
  fz_buf_puts(out, DASH);
  fz_buf_puts(out, name);
  fz_buf_puts(out, " ");
  b64_append(out, blob, 4 + sig_len);
  fz_buf_puts(out, "\n");
  if (out->err) return fz_error_set(err, out->err, NULL, NULL);
  return FZ_OK;
}

fz_err fz_note_parse(const char *msg, size_t len, fz_note **out,
                     fz_error *err) {
  *out = NULL;
  if (len > FZ_NOTE_MAX)
    return fz_error_set(err, FZ_TOOBIG, "note",
                        "the note is over %d bytes", FZ_NOTE_MAX);
  size_t bad = text_bad(msg, len);
  if (bad < len) return text_error(err, FZ_PARSE, "note", msg, bad);

  /* The text ends at the last blank line. */
  size_t split = len;
  for (size_t i = len; i-- > 1;)
    if (msg[i] == '\n' && msg[i - 1] == '\n') {
      split = i - 1;
      break;
    }
  if (split == len)
    return fz_error_set(err, FZ_PARSE, "note",
                        "no blank line between the text and the signatures");
  size_t sig_off = split + 2;
  if (sig_off == len)
    return fz_error_set(err, FZ_PARSE, "note",
                        "no signature lines after the blank line");
  if (msg[len - 1] != '\n')
    return fz_error_set(err, FZ_PARSE, "note",
                        "the last signature line does not end in a newline");

  fz_note *n = calloc(1, sizeof *n);
  if (n) n->buf = malloc(len + 1);
  if (n && n->buf) n->raw = malloc((len - sig_off) / 4 * 3 + 1);
  if (!n || !n->buf || !n->raw) {
    fz_note_free(n);
    return fz_error_set(err, FZ_NOMEM, NULL, NULL);
  }
  memcpy(n->buf, msg, len);
  n->buf[len] = '\0';
  n->buf[split + 1] = '\0'; /* the blank line: the text becomes a string */
  n->text_len = split + 1;

  fz_err rc = FZ_OK;
  size_t raw_used = 0;
  for (char *line = n->buf + sig_off; *line;) {
    char *end = strchr(line, '\n'); /* found: the note ends in "\n" */
    size_t no = n->nsigs + 1;
    if (n->nsigs == FZ_NOTE_MAX_SIGS) {
      rc = fz_error_set(err, FZ_TOOBIG, "note",
                        "more than %d signature lines", FZ_NOTE_MAX_SIGS);
      break;
    }
    if ((size_t)(end - line) < DASH_LEN || memcmp(line, DASH, DASH_LEN) != 0) {
      rc = fz_error_set(err, FZ_PARSE, "note",
                        "signature line %zu does not start with \"— \"", no);
      break;
    }
    char *name = line + DASH_LEN;
    char *sp = memchr(name, ' ', (size_t)(end - name));
    if (!sp || !name_valid(name, (size_t)(sp - name))) {
      rc = fz_error_set(err, FZ_PARSE, "note",
                        "signature line %zu: expected a key name, a space and "
                        "a base64 signature", no);
      break;
    }
    uint8_t *raw = n->raw + raw_used;
    size_t raw_len;
    if (b64_decode(sp + 1, (size_t)(end - sp - 1), raw,
                   (size_t)(end - sp - 1) / 4 * 3, &raw_len) != 0 ||
        raw_len < 5) {
      rc = fz_error_set(err, FZ_PARSE, "note",
                        "signature line %zu: the signature is not canonical "
                        "base64 of a key ID and a signature", no);
      break;
    }
    *sp = '\0';
    fz_note_sig *s = &n->sigs[n->nsigs++];
    s->name = name;
    s->key_id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
                (uint32_t)raw[2] << 8 | raw[3];
    s->sig = raw + 4;
    s->sig_len = raw_len - 4;
    raw_used += raw_len;
    line = end + 1;
  }
  if (rc) {
    fz_note_free(n);
    return rc;
  }
  *out = n;
  return FZ_OK;
}

const char *fz_note_text(const fz_note *n, size_t *len) {
  if (len) *len = n->text_len;
  return n->buf;
}

size_t fz_note_sig_count(const fz_note *n) { return n->nsigs; }

const fz_note_sig *fz_note_sig_at(const fz_note *n, size_t i) {
  return i < n->nsigs ? &n->sigs[i] : NULL;
}

fz_err fz_note_verify(const fz_note *n, const fz_note_key *k, fz_error *err) {
  size_t verified = 0;
  const fz_note_sig *other = NULL;
  for (size_t i = 0; i < n->nsigs; i++) {
    const fz_note_sig *s = &n->sigs[i];
    if (strcmp(s->name, k->name) != 0) continue;
    if (s->key_id != k->id) {
      other = s;
      continue;
    }
    /* signed-note: a known key's bad signature rejects the whole note. */
    if (fz_verifier_verify(k->v, n->buf, n->text_len, s->sig, s->sig_len,
                           NULL) != FZ_OK)
      return fz_error_set(err, FZ_INVALID, "signature",
                          "the signature by %s+%08" PRIx32 " does not verify: "
                          "the text or the signature has been altered",
                          k->name, k->id);
    verified++;
  }
  if (verified) return FZ_OK;
  if (other)
    return fz_error_set(err, FZ_NOTFOUND, "signature",
                        "the note is signed by another key named %s (key ID "
                        "%08" PRIx32 "), not by %s+%08" PRIx32,
                        k->name, other->key_id, k->name, k->id);
  return fz_error_set(err, FZ_NOTFOUND, "signature",
                      "the note has no signature by key %s", k->name);
}

void fz_note_free(fz_note *n) {
  if (!n) return;
  free(n->buf);
  free(n->raw);
  free(n);
}

/* ---- Checkpoints ----------------------------------------------------- */

fz_err fz_checkpoint_format(const char *origin, uint64_t size,
                            const uint8_t root[FZ_HASH_LEN], fz_buf *out,
                            fz_error *err) {
  if (!fz_note_name_valid(origin) || strlen(origin) >= FZ_ORIGIN_MAX)
    return fz_error_set(err, FZ_INVALID, "origin",
                        "the origin must be a valid key name under %d bytes, "
                        "such as example.gov.cn/ledger", FZ_ORIGIN_MAX);
  fz_buf_printf(out, "%s\n%" PRIu64 "\n", origin, size);
  b64_append(out, root, FZ_HASH_LEN);
  fz_buf_puts(out, "\n");
  if (out->err) return fz_error_set(err, out->err, NULL, NULL);
  return FZ_OK;
}

fz_err fz_checkpoint_parse(const char *text, size_t len, fz_checkpoint *cp,
                           fz_error *err) {
  static const char *const what[3] = {"origin", "tree size", "root hash"};
  const char *line[3];
  size_t line_len[3], off = 0;
  memset(cp, 0, sizeof *cp);
  size_t bad = text_bad(text, len);
  if (bad < len) return text_error(err, FZ_PARSE, "checkpoint", text, bad);
  for (int i = 0; i < 3; i++) {
    const char *nl = off < len ? memchr(text + off, '\n', len - off) : NULL;
    if (!nl)
      return fz_error_set(err, FZ_PARSE, what[i],
                          off == len ? "the %s line is missing"
                                     : "the %s line does not end in a newline",
                          what[i]);
    line[i] = text + off;
    line_len[i] = (size_t)(nl - line[i]);
    if (line_len[i] == 0)
      return fz_error_set(err, FZ_PARSE, what[i], "the %s line is empty",
                          what[i]);
    off += line_len[i] + 1;
  }
  if (off < len)
    return fz_error_set(err, FZ_UNSUPPORTED, "checkpoint",
                        "extension lines after the root hash are not used by "
                        "fazhi");

  if (line_len[0] >= FZ_ORIGIN_MAX)
    return fz_error_set(err, FZ_TOOBIG, "origin",
                        "the origin is over %d bytes", FZ_ORIGIN_MAX - 1);
  memcpy(cp->origin, line[0], line_len[0]);

  const char *d = line[1];
  if (line_len[1] > 1 && d[0] == '0')
    return fz_error_set(err, FZ_PARSE, "tree size",
                        "the tree size has a leading zero");
  for (size_t i = 0; i < line_len[1]; i++) {
    if (d[i] < '0' || d[i] > '9')
      return fz_error_set(err, FZ_PARSE, "tree size",
                          "the tree size is not a decimal number");
    unsigned digit = (unsigned)(d[i] - '0');
    if (cp->size > (UINT64_MAX - digit) / 10)
      return fz_error_set(err, FZ_RANGE, "tree size",
                          "the tree size exceeds 2^64 - 1");
    cp->size = cp->size * 10 + digit;
  }

  uint8_t root[48];
  size_t root_len;
  if (line_len[2] > 64 ||
      b64_decode(line[2], line_len[2], root, sizeof root, &root_len) != 0)
    return fz_error_set(err, FZ_PARSE, "root hash",
                        "the root hash is not canonical base64 of %d bytes",
                        FZ_HASH_LEN);
  if (root_len != FZ_HASH_LEN)
    return fz_error_set(err, FZ_PARSE, "root hash",
                        "the root hash is %zu bytes, expected %d", root_len,
                        FZ_HASH_LEN);
  memcpy(cp->root, root, FZ_HASH_LEN);
  return FZ_OK;
}
