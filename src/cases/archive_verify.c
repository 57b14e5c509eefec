/* archive_verify.c — checking a case's 案卷 offline (archive.h): every
 * event against the signed checkpoint, every evidence file against the
 * SM3 its event recorded.  No database: the archive and a key suffice. */
#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/archive.h"
#include "core/json.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/note.h"

#define MAX_ENTRIES 4096
#define ENTRY_MAX (65ULL << 20) /* an evidence file and a little more */

typedef struct entry {
  char *name;
  unsigned char *data;
  size_t len;
  int used;
} entry;

typedef struct files {
  entry e[MAX_ENTRIES];
  size_t n;
} files;

static void files_free(files *f) {
  for (size_t i = 0; i < f->n; i++) {
    free(f->e[i].name);
    free(f->e[i].data);
  }
  free(f);
}

/* Reads every regular file of the zip in data into f. */
static fz_err read_zip(const void *data, size_t len, files *f, fz_error *err) {
  struct archive *a = archive_read_new();
  if (!a) return fz_error_set(err, FZ_NOMEM, "", NULL);
  archive_read_support_format_zip(a);
  fz_err rc = FZ_OK;
  if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
    rc = fz_error_set(err, FZ_PARSE, "archive", "不是 zip 案卷：%s / not a zip "
                      "archive: %s", archive_error_string(a),
                      archive_error_string(a));
    archive_read_free(a);
    return rc;
  }
  struct archive_entry *ae;
  int r;
  while (!rc && (r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
    if (archive_entry_filetype(ae) != AE_IFREG) continue;
    if (f->n == MAX_ENTRIES) {
      rc = fz_error_set(err, FZ_TOOBIG, "archive", "案卷文件过多 / too many "
                        "files");
      break;
    }
    entry *e = &f->e[f->n];
    const char *name = archive_entry_pathname(ae);
    e->name = strdup(name ? name : "");
    size_t cap = 1 << 16;
    e->data = malloc(cap);
    f->n++;
    if (!e->name || !e->data) {
      rc = fz_error_set(err, FZ_NOMEM, "", NULL);
      break;
    }
    for (;;) {
      if (e->len == cap) {
        if (cap >= ENTRY_MAX) {
          rc = fz_error_set(err, FZ_TOOBIG, "archive", "案卷中的文件 %.100s "
                            "过大 / %.100s is too large", e->name, e->name);
          break;
        }
        unsigned char *more = realloc(e->data, cap * 2);
        if (!more) {
          rc = fz_error_set(err, FZ_NOMEM, "", NULL);
          break;
        }
        e->data = more;
        cap *= 2;
      }
      la_ssize_t got = archive_read_data(a, e->data + e->len, cap - e->len);
      if (got < 0) {
        rc = fz_error_set(err, FZ_PARSE, "archive", "读取 %.100s 失败：%s / "
                          "cannot read %.100s", e->name,
                          archive_error_string(a), e->name);
        break;
      }
      if (got == 0) break;
      e->len += (size_t)got;
    }
  }
  if (!rc && r != ARCHIVE_EOF)
    rc = fz_error_set(err, FZ_PARSE, "archive", "zip 案卷已损坏：%s / the "
                      "archive is damaged: %s", archive_error_string(a),
                      archive_error_string(a));
  archive_read_free(a);
  return rc;
}

static entry *find(files *f, const char *name) {
  for (size_t i = 0; name && i < f->n; i++)
    if (strcmp(f->e[i].name, name) == 0) return &f->e[i];
  return NULL;
}

/* Records the first mismatch and returns FZ_OK (the verdict is in r). */
static fz_err mismatch(fz_archive_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static fz_err mismatch(fz_archive_report *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->reason, sizeof r->reason, fmt, ap);
  va_end(ap);
  r->ok = 0;
  return FZ_OK;
}

/* Checks the events listed in the manifest: bytes, leaf, proof, object. */
static fz_err check_events(files *f, const json_t *events, fz_hash_alg alg,
                           const fz_checkpoint *cp, const char *case_id,
                           fz_archive_report *r) {
  for (size_t i = 0; i < json_array_size(events); i++) {
    const json_t *ev = json_array_get(events, i);
    json_t *seqv = json_object_get(ev, "seq");
    const char *path = json_string_value(json_object_get(ev, "path"));
    const char *leaf_hex = json_string_value(json_object_get(ev, "leaf_hash"));
    json_t *proof = json_object_get(ev, "inclusion_proof");
    entry *e = find(f, path);
    if (!json_is_integer(seqv) || json_integer_value(seqv) < 0 || !e ||
        !json_is_array(proof) || json_array_size(proof) > FZ_MERKLE_MAX_PATH)
      return mismatch(r, "events[%zu]: 清单项不完整或缺少文件 / incomplete "
                      "entry or missing file", i);
    e->used = 1;
    uint64_t seq = (uint64_t)json_integer_value(seqv);
    uint8_t leaf[FZ_HASH_LEN], want[FZ_HASH_LEN];
    fz_merkle_leaf_hash(alg, e->data, e->len, leaf);
    if (!fz_hash_from_hex(leaf_hex, want) || memcmp(leaf, want, sizeof leaf))
      return mismatch(r, "事件 %llu 的内容与其叶哈希不符 / event %llu: its "
                      "bytes do not hash to leaf_hash",
                      (unsigned long long)seq, (unsigned long long)seq);
    uint8_t p[FZ_MERKLE_MAX_PATH][FZ_HASH_LEN];
    size_t n = json_array_size(proof);
    for (size_t k = 0; k < n; k++)
      if (!fz_hash_from_hex(json_string_value(json_array_get(proof, k)), p[k]))
        return mismatch(r, "事件 %llu 的证明第 %zu 项无效 / event %llu: "
                        "inclusion_proof[%zu] is not a hash",
                        (unsigned long long)seq, k, (unsigned long long)seq, k);
    if (seq >= cp->size ||
        fz_merkle_verify_inclusion(alg, leaf, seq, cp->size,
                                   (const uint8_t(*)[FZ_HASH_LEN])p, n,
                                   cp->root))
      return mismatch(r, "事件 %llu 不在签名检查点（%llu 个事件）的树中 / event "
                      "%llu is not in the checkpoint's tree",
                      (unsigned long long)seq, (unsigned long long)cp->size,
                      (unsigned long long)seq);
    json_t *body = NULL;
    if (fz_json_parse((const char *)e->data, e->len, &body, NULL))
      return mismatch(r, "事件 %llu 不是 JSON / event %llu is not JSON",
                      (unsigned long long)seq, (unsigned long long)seq);
    json_t *obj = json_object_get(body, "object");
    int ok = json_integer_value(json_object_get(body, "seq")) == (json_int_t)seq &&
             json_is_string(json_object_get(obj, "type")) &&
             strcmp(json_string_value(json_object_get(obj, "type")), "case") == 0 &&
             json_is_string(json_object_get(obj, "id")) &&
             strcmp(json_string_value(json_object_get(obj, "id")), case_id) == 0;
    json_decref(body);
    if (!ok)
      return mismatch(r, "事件 %llu 不是本案（%s）的事件 / event %llu is not "
                      "about case %s", (unsigned long long)seq, case_id,
                      (unsigned long long)seq, case_id);
    r->events++;
  }
  return FZ_OK;
}

/* The SM3 that event seq of the archive recorded for an upload, or NULL. */
static const char *recorded_sm3(files *f, const json_t *events, json_int_t seq,
                                char out[FZ_HASH_HEX]) {
  for (size_t i = 0; i < json_array_size(events); i++) {
    const json_t *ev = json_array_get(events, i);
    if (json_integer_value(json_object_get(ev, "seq")) != seq) continue;
    entry *e = find(f, json_string_value(json_object_get(ev, "path")));
    json_t *body = NULL;
    if (!e || fz_json_parse((const char *)e->data, e->len, &body, NULL))
      return NULL;
    const char *s = json_string_value(
        json_object_get(json_object_get(body, "data"), "sm3"));
    snprintf(out, FZ_HASH_HEX, "%s", s ? s : "");
    json_decref(body);
    return out[0] ? out : NULL;
  }
  return NULL;
}

static fz_err check_evidence(files *f, const json_t *events,
                             const json_t *evidence, fz_archive_report *r) {
  for (size_t i = 0; i < json_array_size(evidence); i++) {
    const json_t *v = json_array_get(evidence, i);
    entry *e = find(f, json_string_value(json_object_get(v, "path")));
    const char *sm3 = json_string_value(json_object_get(v, "sm3"));
    if (!e || !sm3)
      return mismatch(r, "evidence[%zu]: 清单项不完整或缺少文件 / incomplete "
                      "entry or missing file", i);
    e->used = 1;
    uint8_t h[FZ_HASH_LEN];
    char hex[FZ_HASH_HEX], rec[FZ_HASH_HEX];
    fz_hash(FZ_HASH_SM3, e->data, e->len, h);
    fz_hash_hex(h, hex);
    const char *in_event = recorded_sm3(
        f, events, json_integer_value(json_object_get(v, "seq")), rec);
    if (strcmp(hex, sm3) != 0 || !in_event || strcmp(in_event, hex) != 0)
      return mismatch(r, "证据文件 %.100s 的 SM3 为 %s，与全过程记录中登记的不符"
                      " / evidence %.100s hashes to %s, not the SM3 its ledger "
                      "event recorded", e->name, hex, e->name, hex);
    r->files++;
  }
  return FZ_OK;
}

fz_err fz_case_archive_verify(const void *data, size_t len, const char *vkey,
                              fz_archive_report *r, fz_error *err) {
  memset(r, 0, sizeof *r);
  files *f = calloc(1, sizeof *f);
  if (!f) return fz_error_set(err, FZ_NOMEM, "", NULL);
  json_t *m = NULL;
  fz_err rc = read_zip(data, len, f, err);
  entry *me = rc ? NULL : find(f, "manifest.json");
  entry *ce = rc ? NULL : find(f, "checkpoint.txt");
  if (!rc && (!me || !ce))
    rc = fz_error_set(err, FZ_PARSE, "archive", "案卷缺少 manifest.json 或 "
                      "checkpoint.txt / the archive lacks its manifest or "
                      "checkpoint");
  if (!rc && fz_json_parse((const char *)me->data, me->len, &m, err))
    rc = FZ_PARSE;
  const char *format = json_string_value(json_object_get(m, "format"));
  if (!rc && (!format || strcmp(format, FZ_ARCHIVE_FORMAT) != 0))
    rc = fz_error_set(err, FZ_PARSE, "format", "不是 %s 格式的案卷 / not a %s "
                      "archive", FZ_ARCHIVE_FORMAT, FZ_ARCHIVE_FORMAT);
  if (rc) goto out;
  me->used = ce->used = 1;
  r->ok = 1;
  json_t *ledger = json_object_get(m, "ledger"), *c = json_object_get(m, "case");
  json_t *events = json_object_get(m, "events");
  json_t *evidence = json_object_get(m, "evidence");
  snprintf(r->case_no, sizeof r->case_no, "%s",
           json_string_value(json_object_get(c, "case_no"))
               ? json_string_value(json_object_get(c, "case_no")) : "");
  fz_hash_alg alg;
  const char *hash = json_string_value(json_object_get(ledger, "hash"));
  const char *key = vkey ? vkey
                         : json_string_value(json_object_get(ledger, "verifier_key"));
  fz_checkpoint cp;
  fz_error e2 = {0};
  if (!json_is_integer(json_object_get(c, "id")) || !json_is_array(events) ||
      !json_is_array(evidence) || !hash || fz_hash_parse(hash, &alg, NULL)) {
    mismatch(r, "清单缺少案件、事件、证据或账本哈希算法 / the manifest lacks "
             "the case, events, evidence or ledger hash");
    goto out;
  }
  if (!key ||
      fz_checkpoint_verify((const char *)ce->data, ce->len, key, &cp, &e2)) {
    mismatch(r, "检查点签名无效：%s%s / the checkpoint's signature does not "
             "verify", e2.message, vkey ? "" : "（使用清单自带的公钥）");
    goto out;
  }
  r->size = cp.size;
  char case_id[24];
  snprintf(case_id, sizeof case_id, "%lld",
           (long long)json_integer_value(json_object_get(c, "id")));
  check_events(f, events, alg, &cp, case_id, r);
  if (r->ok) check_evidence(f, events, evidence, r);
  /* Every step the case lists is among the events proved. */
  json_t *steps = json_object_get(c, "steps");
  for (size_t i = 0; r->ok && i < json_array_size(steps); i++) {
    json_int_t seq = json_integer_value(json_object_get(json_array_get(steps, i),
                                                        "seq"));
    int found = 0;
    for (size_t k = 0; k < json_array_size(events) && !found; k++)
      found = json_integer_value(json_object_get(json_array_get(events, k),
                                                 "seq")) == seq;
    if (!found)
      mismatch(r, "案件的办案环节（事件 %lld）不在案卷中 / step event %lld is "
               "missing from the archive", (long long)seq, (long long)seq);
  }
  for (size_t i = 0; r->ok && i < f->n; i++)
    if (!f->e[i].used)
      mismatch(r, "案卷中有清单未列出的文件 %.100s / an unlisted file %.100s",
               f->e[i].name, f->e[i].name);
out:
  json_decref(m);
  files_free(f);
  return rc;
}
