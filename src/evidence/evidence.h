/* evidence.h — evidence files (photos, video, documents) kept by their SM3.
 *
 * 全过程记录 (行政处罚法 Art. 47): the ledger event of an upload carries the
 * file's SM3, and the bytes are kept once per SM3 in the table `files`, so a
 * file swapped later is detected on every download.  Inspections (task
 * evidence) and cases (case evidence) keep their own rows that point here. */
#ifndef FZ_EVIDENCE_H
#define FZ_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/db.h"

#define FZ_EVIDENCE_MAX (64ULL << 20) /* bytes of one file: 64 MiB */
#define FZ_EVIDENCE_NAME_MAX 200      /* bytes of its name */
#define FZ_EVIDENCE_TYPE_MAX 100      /* bytes of its media type */

/* Checks a file's name (a base name of 1..200 bytes of UTF-8, no '/', '\\'
 * or control characters, not "." or "..") and media type (type/subtype in
 * printable ASCII, ≤ 100 bytes).  FZ_INVALID naming "name" or
 * "content_type". */
fz_err fz_evidence_check_meta(const char *name, const char *content_type,
                              fz_error *err);

/* Reads the size bytes of an upload at fd, checks that they hash to
 * sm3_hex (64 lower-case hex digits, as the server computed while the body
 * arrived) and keeps them in `files` unless equal bytes are there already.
 * FZ_TOOBIG over FZ_EVIDENCE_MAX, FZ_INVALID for an empty file or another
 * digest, FZ_IO when fd ends early. */
fz_err fz_evidence_store(fz_db *db, int fd, unsigned long long size,
                         const char *sm3_hex, int64_t now, fz_error *err);

/* Copies stored bytes (blob, len) into a new buffer *data after checking
 * they still hash to sm3 and have the recorded size: a file swapped in the
 * database is refused with FZ_INTERNAL rather than served. */
fz_err fz_evidence_copy_checked(const void *blob, size_t len,
                                const char *sm3, int64_t size, void **data,
                                fz_error *err);

#endif
