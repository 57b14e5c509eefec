/* checkpoint.c — the ledger's key, and signed checkpoints of its root. */
#include "ledger/checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"

/* The verifier key string of signer under name; malloc'd into *out. */
static fz_err vkey_of(const fz_signer *signer, const char *name, char **out,
                      fz_error *err) {
  fz_verifier *v = NULL;
  fz_note_key *k = NULL;
  fz_buf b;
  fz_buf_init(&b, 4096);
  fz_err rc = fz_signer_verifier(signer, &v, err);
  if (!rc) rc = fz_note_key_new(name, v, &k, err);
  if (!rc && (rc = fz_note_key_format(k, &b)))
    fz_error_set(err, rc, "", "cannot format the verifier key");
  *out = rc ? NULL : b.data;
  if (rc) fz_buf_free(&b);
  fz_note_key_free(k);
  fz_verifier_free(v);
  return rc;
}

/* Records key = value in meta, or checks that it already holds value. */
static fz_err pin(fz_db *db, const char *key, const char *value,
                  const char *what, fz_error *err) {
  char *old = NULL;
  fz_err rc = fz_db_meta_get(db, key, &old, err);
  if (rc == FZ_NOTFOUND) return fz_db_meta_set(db, key, value, err);
  if (!rc && strcmp(old, value) != 0)
    rc = fz_error_set(err, FZ_CONFLICT, key, "this ledger's %s is %s, not "
                      "%s: a ledger's identity never changes", what, old, value);
  free(old);
  return rc;
}

fz_err fz_ledger_key_init(fz_db *db, const char *key_path, const char *origin,
                          fz_signer **signer, fz_error *err) {
  if (signer) *signer = NULL;
  if (!fz_note_name_valid(origin))
    return fz_error_set(err, FZ_INVALID, "ledger_origin", "ledger_origin "
                        "\"%s\" must be a key name: printable, no spaces or "
                        "'+'", origin);
  fz_signer *s = NULL;
  char *vkey = NULL;
  fz_err rc = fz_signer_load(key_path, 0, &s, err);
  if (rc == FZ_NOTFOUND) {
    rc = fz_signer_generate(FZ_SIG_SM2, &s, err);
    if (!rc) rc = fz_signer_save(s, key_path, err);
  }
  if (!rc) rc = vkey_of(s, origin, &vkey, err);
  if (!rc) rc = pin(db, "ledger.origin", origin, "origin", err);
  if (!rc && (rc = pin(db, "ledger.vkey", vkey, "key", err)) == FZ_CONFLICT)
    fz_error_set(err, rc, "ledger_key", "the key in %s is not this ledger's "
                 "key: a ledger's key never changes", key_path);
  free(vkey);
  if (rc || !signer) fz_signer_free(s);
  else *signer = s;
  return rc;
}

fz_err fz_ledger_vkey(fz_db *db, char **vkey, fz_error *err) {
  return fz_db_meta_get(db, "ledger.vkey", vkey, err);
}

fz_err fz_ledger_latest(fz_db *db, char **note, uint64_t *size, fz_error *err) {
  *note = NULL;
  *size = 0;
  fz_stmt *st = NULL;
  fz_err rc = fz_db_prepare(db, "SELECT size, note FROM ledger_checkpoint "
                            "ORDER BY size DESC LIMIT 1", &st, err);
  if (rc) return rc;
  int s = fz_stmt_step(st, err);
  if (s == FZ_STEP_ROW) {
    *size = (uint64_t)fz_stmt_column_int64(st, 0);
    *note = strdup(fz_stmt_column_text(st, 1));
    if (!*note) rc = fz_error_set(err, FZ_NOMEM, "", NULL);
  } else {
    rc = s == FZ_STEP_DONE ? fz_error_set(err, FZ_NOTFOUND, "checkpoint",
                                          "the ledger has no checkpoint yet")
                           : (fz_err)s;
  }
  fz_stmt_finalize(st);
  return rc;
}

fz_err fz_ledger_checkpoint(fz_db *db, const fz_signer *signer, char **note,
                            uint64_t *size, fz_error *err) {
  uint64_t n, have;
  fz_err rc = fz_ledger_size(db, &n, err);
  if (rc) return rc;
  rc = fz_ledger_latest(db, note, &have, err);
  if (rc == FZ_OK && have == n) {
    *size = have;
    return FZ_OK;
  }
  free(*note);
  *note = NULL;
  if (rc && rc != FZ_NOTFOUND) return rc;

  fz_hash_alg alg;
  uint8_t root[FZ_HASH_LEN];
  char *origin = NULL;
  fz_buf text, signed_note;
  fz_buf_init(&text, 1024);
  fz_buf_init(&signed_note, FZ_NOTE_MAX);
  fz_stmt *st = NULL;
  if ((rc = fz_ledger_alg(db, &alg, err)) ||
      (rc = fz_ledger_root(db, alg, n, root, err)) ||
      (rc = fz_db_meta_get(db, "ledger.origin", &origin, err)) ||
      (rc = fz_checkpoint_format(origin, n, root, &text, err)) ||
      (rc = fz_note_sign(text.data, text.len, signer, origin, &signed_note, err)))
    goto out;
  char now[FZ_ISO_TIME_BUF];
  fz_now_iso(now);
  rc = fz_db_prepare(db, "INSERT INTO ledger_checkpoint (size, root, note, "
                     "created_at) VALUES (?, ?, ?, ?)", &st, err);
  if (rc) goto out;
  fz_stmt_bind_int64(st, 1, (int64_t)n);
  fz_stmt_bind_blob(st, 2, root, FZ_HASH_LEN);
  fz_stmt_bind_text(st, 3, signed_note.data, (long)signed_note.len);
  fz_stmt_bind_text(st, 4, now, -1);
  int s = fz_stmt_step(st, err);
  if (s != FZ_STEP_DONE) {
    rc = s == FZ_STEP_ROW ? FZ_INTERNAL : (fz_err)s;
    goto out;
  }
  *note = signed_note.data;
  signed_note.data = NULL;
  *size = n;
out:
  fz_stmt_finalize(st);
  free(origin);
  fz_buf_free(&text);
  fz_buf_free(&signed_note);
  return rc;
}

fz_err fz_checkpoint_verify(const char *note, size_t len, const char *vkey,
                            fz_checkpoint *cp, fz_error *err) {
  fz_note_key *k = NULL;
  fz_note *n = NULL;
  fz_err rc = fz_note_key_parse(vkey, &k, err);
  if (!rc) rc = fz_note_parse(note, len, &n, err);
  if (!rc) rc = fz_note_verify(n, k, err);
  if (!rc) {
    size_t tlen;
    const char *text = fz_note_text(n, &tlen);
    rc = fz_checkpoint_parse(text, tlen, cp, err);
  }
  if (!rc && strcmp(cp->origin, fz_note_key_name(k)) != 0)
    rc = fz_error_set(err, FZ_INVALID, "origin", "the checkpoint's origin "
                      "\"%s\" is not the key's name \"%s\"", cp->origin,
                      fz_note_key_name(k));
  fz_note_free(n);
  fz_note_key_free(k);
  return rc;
}

fz_err fz_ledger_verify_signatures(fz_db *db, fz_ledger_report *r,
                                   fz_error *err) {
  char *vkey = NULL;
  fz_err rc = fz_ledger_vkey(db, &vkey, err);
  if (rc && rc != FZ_NOTFOUND) return rc;
  fz_stmt *st = NULL;
  rc = fz_db_prepare(db, "SELECT size, root, note FROM ledger_checkpoint "
                     "ORDER BY size", &st, err);
  int s = rc ? FZ_DB : FZ_STEP_DONE;
  while (!rc && (s = fz_stmt_step(st, err)) == FZ_STEP_ROW) {
    uint64_t size = (uint64_t)fz_stmt_column_int64(st, 0);
    size_t rlen = 0;
    const void *root = fz_stmt_column_blob(st, 1, &rlen);
    const char *note = fz_stmt_column_text(st, 2);
    fz_checkpoint cp;
    fz_error e = {0};
    if (!vkey) {
      r->ok = 0;
      snprintf(r->reason, sizeof r->reason, "checkpoints are stored but the "
               "ledger has no recorded key to check them");
      break;
    }
    if (fz_checkpoint_verify(note, strlen(note), vkey, &cp, &e) ||
        cp.size != size || rlen != FZ_HASH_LEN ||
        memcmp(cp.root, root, FZ_HASH_LEN) != 0) {
      if (r->ok) {
        r->ok = 0;
        snprintf(r->reason, sizeof r->reason, "the stored checkpoint of size "
                 "%llu is not validly signed for its size and root%s%.300s",
                 (unsigned long long)size, e.code ? ": " : "",
                 e.code ? e.message : "");
      }
      break;
    }
  }
  fz_stmt_finalize(st);
  free(vkey);
  if (!rc && s != FZ_STEP_DONE && s != FZ_STEP_ROW) rc = (fz_err)s;
  return rc;
}
