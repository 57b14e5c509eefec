/* api.c — the public ledger endpoints. */
#include "ledger/api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/checkpoint.h"

typedef struct cp_job {
  const fz_signer *signer;
  char *note;
  uint64_t size;
} cp_job;

static fz_err make_checkpoint(fz_db *db, void *ctx, fz_error *err) {
  cp_job *j = ctx;
  return fz_ledger_checkpoint(db, j->signer, &j->note, &j->size, err);
}

/* Made through the one write path when this server holds the key and the
 * ledger has grown; otherwise the latest stored. */
char *fz_api_ledger_current(fz_req *r, uint64_t *size) {
  const fz_app *app = fz_req_app(r);
  fz_error e;
  cp_job j = {app->signer, NULL, 0};
  fz_err rc = app->signer ? fz_req_write(r, make_checkpoint, &j, &e)
                          : fz_ledger_latest(fz_req_db(r), &j.note, &j.size, &e);
  if (rc) {
    if (rc == FZ_NOTFOUND)
      fz_reply_error(r, 404, rc, "", "the ledger has no signed checkpoint yet");
    else
      fz_reply_fz_error(r, &e);
    return NULL;
  }
  *size = j.size;
  return j.note;
}

void fz_api_ledger_checkpoint(fz_req *r) {
  uint64_t size;
  char *note = fz_api_ledger_current(r, &size);
  if (!note) return;
  char *copy = fz_arena_strndup(fz_req_arena(r), note, strlen(note));
  free(note);
  if (!copy) {
    fz_reply_error(r, 500, FZ_NOMEM, "", "out of memory");
    return;
  }
  fz_reply_static(r, 200, "text/plain; charset=utf-8", copy, strlen(copy));
}

void fz_api_ledger_key(fz_req *r) {
  char *vkey = NULL;
  fz_error e;
  fz_hash_alg alg;
  fz_db *db = fz_req_db(r);
  if (fz_ledger_vkey(db, &vkey, &e) || fz_ledger_alg(db, &alg, &e)) {
    if (e.code == FZ_NOTFOUND)
      fz_reply_error(r, 404, FZ_NOTFOUND, "", "this ledger has no key yet "
                     "(fazhi init makes it)");
    else
      fz_reply_fz_error(r, &e);
    return;
  }
  fz_note_key *k = NULL;
  if (fz_note_key_parse(vkey, &k, &e)) {
    free(vkey);
    fz_reply_fz_error(r, &e);
    return;
  }
  fz_reply_json(r, 200, json_pack("{s:s, s:s, s:s, s:s}", "verifier_key", vkey,
                                  "origin", fz_note_key_name(k), "hash",
                                  fz_hash_name(alg), "signature",
                                  fz_sig_alg_name(fz_verifier_alg(
                                      fz_note_key_verifier(k)))));
  fz_note_key_free(k);
  free(vkey);
}

/* A non-negative decimal query or path value; -1 after replying 400. */
static int64_t number(fz_req *r, const char *field, const char *s) {
  char *end;
  errno = 0;
  long long v = s ? strtoll(s, &end, 10) : -1;
  if (!s || errno || *end || end == s || v < 0) {
    fz_reply_error(r, s ? 400 : 422, s ? FZ_INVALID : FZ_MISSING, field,
                   "%s must be a whole number of 0 or more", field);
    return -1;
  }
  return v;
}

static json_t *path_json(uint8_t path[][FZ_HASH_LEN], size_t len) {
  json_t *a = json_array();
  char h[FZ_HASH_HEX];
  for (size_t i = 0; i < len; i++) json_array_append_new(a, json_string(fz_hash_hex(path[i], h)));
  return a;
}

/* Security events (logins, accounts, tokens) are in the ledger like every
 * other change, but their content — user names, failed logins, roles — is
 * not public: the public gets their leaf hash and proof, so their existence
 * and order stay verifiable, and the 审计管理员 reads them through
 * /api/v1/security/events. */
static int withheld(const char *action) {
  static const char *const prefixes[] = {"auth.", "user.", "token."};
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncmp(action, prefixes[i], strlen(prefixes[i])) == 0) return 1;
  return 0;
}

void fz_api_ledger_event(fz_req *r) {
  int64_t seq = number(r, "seq", fz_req_param(r, "seq"));
  if (seq < 0) return;
  uint64_t size;
  char *note = fz_api_ledger_current(r, &size);
  if (!note) return;
  fz_db *db = fz_req_db(r);
  fz_error e;
  fz_hash_alg alg;
  fz_stmt *st = NULL;
  json_t *out = NULL;
  if ((uint64_t)seq >= size) {
    fz_reply_error(r, 404, FZ_NOTFOUND, "seq", "no event %lld in the ledger's "
                   "latest checkpoint (%llu events)", (long long)seq,
                   (unsigned long long)size);
    goto out;
  }
  if (fz_ledger_alg(db, &alg, &e) ||
      fz_db_prepare(db, "SELECT body, leaf_hash, action FROM ledger_event "
                    "WHERE seq = ?", &st, &e))
    goto fail;
  fz_stmt_bind_int64(st, 1, seq);
  if (fz_stmt_step(st, &e) != FZ_STEP_ROW) goto fail;
  const char *body = fz_stmt_column_text(st, 0);
  size_t leaf_len = 0;
  const uint8_t *leaf = fz_stmt_column_blob(st, 1, &leaf_len);
  uint8_t path[FZ_MERKLE_MAX_PATH][FZ_HASH_LEN];
  size_t len = 0;
  fz_err rc = fz_merkle_inclusion(alg, fz_ledger_node_get, db, (uint64_t)seq,
                                  size, path, &len);
  if (rc || leaf_len != FZ_HASH_LEN) {
    fz_error_set(&e, rc ? rc : FZ_INTERNAL, "", "cannot build the proof of "
                 "event %lld", (long long)seq);
    goto fail;
  }
  char h[FZ_HASH_HEX];
  out = json_pack("{s:I, s:s, s:s, s:{s:I, s:s}, s:o}", "seq", (json_int_t)seq,
                  "leaf_hash", fz_hash_hex(leaf, h), "hash", fz_hash_name(alg),
                  "checkpoint", "size", (json_int_t)size, "note", note,
                  "inclusion_proof", path_json(path, len));
  if (withheld(fz_stmt_column_text(st, 2))) {
    json_object_set_new(out, "withheld", json_string(
        "a security event (账户与登录): its content is read by the auditor "
        "through /api/v1/security/events; its leaf hash and proof are "
        "public"));
  } else {
    json_t *event = json_loads(body, 0, NULL);
    json_object_set_new(out, "event", event ? event : json_null());
    json_object_set_new(out, "body", json_string(body));
  }
  fz_reply_json(r, 200, out);
  goto out;
fail:
  fz_reply_fz_error(r, &e);
out:
  fz_stmt_finalize(st);
  free(note);
}

void fz_api_ledger_consistency(fz_req *r) {
  int64_t m = number(r, "from", fz_req_query(r, "from"));
  if (m < 0) return;
  int64_t n = number(r, "to", fz_req_query(r, "to"));
  if (n < 0) return;
  fz_db *db = fz_req_db(r);
  fz_error e;
  fz_hash_alg alg;
  uint64_t size;
  if (fz_ledger_alg(db, &alg, &e) || fz_ledger_size(db, &size, &e)) {
    fz_reply_fz_error(r, &e);
    return;
  }
  if (m == 0 || m > n || (uint64_t)n > size) {
    fz_reply_error(r, 400, FZ_RANGE, m == 0 || m > n ? "from" : "to",
                   "need 0 < from <= to <= %llu (the ledger's size); got "
                   "from=%lld, to=%lld", (unsigned long long)size,
                   (long long)m, (long long)n);
    return;
  }
  uint8_t path[FZ_MERKLE_MAX_PATH][FZ_HASH_LEN], root_m[FZ_HASH_LEN],
      root_n[FZ_HASH_LEN];
  size_t len = 0;
  if (fz_merkle_consistency(alg, fz_ledger_node_get, db, (uint64_t)m,
                            (uint64_t)n, path, &len) ||
      fz_ledger_root(db, alg, (uint64_t)m, root_m, &e) ||
      fz_ledger_root(db, alg, (uint64_t)n, root_n, &e)) {
    fz_reply_error(r, 500, FZ_INTERNAL, "", "cannot build the proof");
    return;
  }
  char hm[FZ_HASH_HEX], hn[FZ_HASH_HEX];
  fz_reply_json(r, 200, json_pack("{s:I, s:I, s:s, s:s, s:s, s:o}", "from",
                                  (json_int_t)m, "to", (json_int_t)n, "hash",
                                  fz_hash_name(alg), "root_from",
                                  fz_hash_hex(root_m, hm), "root_to",
                                  fz_hash_hex(root_n, hn), "proof",
                                  path_json(path, len)));
}

json_t *fz_api_ledger_proof(fz_db *db, uint64_t seq, uint64_t size) {
  fz_hash_alg alg;
  fz_stmt *st = NULL;
  json_t *out = NULL;
  if (seq >= size || fz_ledger_alg(db, &alg, NULL) ||
      fz_db_prepare(db, "SELECT leaf_hash FROM ledger_event WHERE seq = ?",
                    &st, NULL))
    return NULL;
  fz_stmt_bind_int64(st, 1, (int64_t)seq);
  size_t leaf_len = 0;
  const uint8_t *leaf = fz_stmt_step(st, NULL) == FZ_STEP_ROW
                            ? fz_stmt_column_blob(st, 0, &leaf_len)
                            : NULL;
  uint8_t path[FZ_MERKLE_MAX_PATH][FZ_HASH_LEN];
  size_t len = 0;
  char h[FZ_HASH_HEX];
  if (leaf && leaf_len == FZ_HASH_LEN &&
      !fz_merkle_inclusion(alg, fz_ledger_node_get, db, seq, size, path, &len))
    out = json_pack("{s:I, s:s, s:s, s:I, s:o}", "seq", (json_int_t)seq,
                    "leaf_hash", fz_hash_hex(leaf, h), "hash",
                    fz_hash_name(alg), "tree_size", (json_int_t)size,
                    "inclusion_proof", path_json(path, len));
  fz_stmt_finalize(st);
  return out;
}
