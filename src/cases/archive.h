/* archive.h — the 案卷 (case file) of a case as one zip archive that
 * anyone holding the ledger's public key can check offline (全过程记录,
 * 行政处罚法 Art. 47):
 *
 *   manifest.json     {"format": "fz-case-archive-v1", "case": {the case
 *                     as fz_case_get shows it}, "ledger": {"hash",
 *                     "verifier_key", "size"}, "events": [{"seq", "action",
 *                     "leaf_hash", "inclusion_proof": [hex], "path"}],
 *                     "evidence": [{"id", "name", "content_type", "size",
 *                     "sm3", "seq", "path"}]}
 *   checkpoint.txt    the signed checkpoint (C2SP signed note) of size
 *                     events that every proof leads to
 *   events/<seq>.json the exact bytes of each event of the case
 *   evidence/<id>-<name>  each evidence file
 *
 * Verification recomputes each event's leaf hash H(0x00 ‖ bytes) and its
 * inclusion in the checkpoint's root, checks the checkpoint's signature,
 * that each event is about this case, and that each evidence file hashes
 * to the SM3 its own ledger event recorded. */
#ifndef FZ_CASES_ARCHIVE_H
#define FZ_CASES_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/account.h"
#include "core/error.h"
#include "store/db.h"

#define FZ_ARCHIVE_FORMAT "fz-case-archive-v1"
#define FZ_ARCHIVE_MAX (1ULL << 32) /* bytes of an archive read to verify */

/* Writes case id's archive to path, its proofs against the checkpoint note
 * of size events (which must cover the case's events).  The case is read
 * as by may see it (FZ_NOTFOUND outside his scope). */
fz_err fz_case_archive(fz_db *db, const fz_principal *by, int64_t id,
                       const char *note, uint64_t size, const char *path,
                       fz_error *err);

/* What verification found. */
typedef struct fz_archive_report {
  int ok;              /* 1 when everything matched */
  char case_no[64];
  size_t events, files;
  uint64_t size;       /* the checkpoint's tree size */
  char reason[512];    /* the first mismatch, when !ok */
} fz_archive_report;

/* Verifies the archive in data (len bytes).  vkey is the ledger's
 * verifier key as the checker obtained it independently; NULL trusts the
 * key in the manifest (and says so in the reason of a failure only).
 * FZ_OK with r->ok telling the verdict; FZ_PARSE when data is no archive
 * of this format at all. */
fz_err fz_case_archive_verify(const void *data, size_t len, const char *vkey,
                              fz_archive_report *r, fz_error *err);

#endif
