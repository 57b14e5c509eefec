/* fuzz_note.c — libFuzzer target for src/ledger/note: arbitrary bytes as a
 * signed note (verified against a fixed key), as a checkpoint text and as a
 * verifier key string.  What parses must print back byte for byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/note.h"

/* Go's sumdb/note example key, so that its notes in the corpus verify. */
static const char VKEY[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

/* A parsed checkpoint whose origin we could have written must format back
 * to the same text. */
static void check_checkpoint(const char *text, size_t len) {
  fz_checkpoint cp;
  fz_error err;
  if (fz_checkpoint_parse(text, len, &cp, &err) != FZ_OK) {
    if (memchr(err.message, '\0', sizeof err.message) == NULL) abort();
    return;
  }
  if (cp.origin[0] == '\0' || strlen(cp.origin) >= FZ_ORIGIN_MAX) abort();
  if (!fz_note_name_valid(cp.origin)) return;
  fz_buf b;
  fz_buf_init(&b, 0);
  if (fz_checkpoint_format(cp.origin, cp.size, cp.root, &b, NULL) != FZ_OK ||
      b.len != len || memcmp(b.data, text, len) != 0)
    abort();
  fz_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static fz_note_key *key;
  if (!key && fz_note_key_parse(VKEY, &key, NULL) != FZ_OK) abort();
  const char *msg = (const char *)data;

  fz_note *n = NULL;
  fz_error err;
  if (fz_note_parse(msg, size, &n, &err) == FZ_OK) {
    size_t len;
    const char *text = fz_note_text(n, &len);
    size_t count = fz_note_sig_count(n);
    if (len == 0 || len + 2 >= size || text[len - 1] != '\n' ||
        strlen(text) != len || memcmp(text, msg, len) != 0 || count == 0 ||
        count > FZ_NOTE_MAX_SIGS || fz_note_sig_at(n, count) != NULL)
      abort();
    for (size_t i = 0; i < count; i++) {
      const fz_note_sig *s = fz_note_sig_at(n, i);
      if (!fz_note_name_valid(s->name) || s->sig_len == 0) abort();
    }
    fz_err rc = fz_note_verify(n, key, &err);
    if (rc != FZ_OK && rc != FZ_INVALID && rc != FZ_NOTFOUND) abort();
    check_checkpoint(text, len);
    fz_note_free(n);
  } else if (n != NULL) {
    abort();
  }

  check_checkpoint(msg, size);

  char *s = malloc(size + 1);
  if (!s) return 0;
  if (size) memcpy(s, data, size);
  s[size] = '\0';
  fz_note_key *k = NULL;
  if (fz_note_key_parse(s, &k, &err) == FZ_OK) {
    fz_buf b;
    fz_buf_init(&b, 0);
    if (fz_note_key_format(k, &b) != FZ_OK || strcmp(b.data, s) != 0) abort();
    fz_buf_free(&b);
  } else if (k != NULL) {
    abort();
  }
  fz_note_key_free(k);
  free(s);
  return 0;
}
