/* checkpoint.h — the ledger's signing key and its signed checkpoints (C2SP
 * signed notes of origin, size and root, DESIGN §4).  The key is made at
 * `fazhi init` and kept in a file of mode 0600; its public half is stored in
 * the database (meta "ledger.vkey") and published, so that anyone can check
 * a checkpoint and, with proofs, every event. */
#ifndef FZ_LEDGER_CHECKPOINT_H
#define FZ_LEDGER_CHECKPOINT_H

#include <stdint.h>

#include "ledger/ledger.h"
#include "ledger/note.h"
#include "ledger/sign.h"

/* Gives the ledger its key and origin (inside the caller's transaction):
 * loads the private key at key_path, or makes an SM2 key there if the file
 * does not exist, and records origin (a key name, e.g. "fazhi.example.gov.cn/
 * ledger") and the verifier key string in meta.  A database that already has
 * a different key or origin is refused (FZ_CONFLICT): a ledger's identity
 * never changes.  *signer (may be NULL) receives the loaded key. */
fz_err fz_ledger_key_init(fz_db *db, const char *key_path, const char *origin,
                          fz_signer **signer, fz_error *err);

/* The verifier key string ("name+hex id+base64 key") and origin recorded at
 * init; malloc'd, the caller frees.  FZ_NOTFOUND if the ledger has no key. */
fz_err fz_ledger_vkey(fz_db *db, char **vkey, fz_error *err);

/* Makes a signed checkpoint of the ledger as it is now, unless the latest
 * one already covers every event, and returns the latest checkpoint's note
 * (malloc'd) and size.  Must run inside a transaction (it writes). */
fz_err fz_ledger_checkpoint(fz_db *db, const fz_signer *signer, char **note,
                            uint64_t *size, fz_error *err);

/* The latest stored checkpoint's note (malloc'd) and size, read-only.
 * FZ_NOTFOUND when there is none yet. */
fz_err fz_ledger_latest(fz_db *db, char **note, uint64_t *size, fz_error *err);

/* Checks every stored checkpoint's signature against the recorded key and
 * that its text names the stored size and root; updates *r (r->ok = 0 and
 * the reason at the first bad one).  Run after fz_ledger_verify. */
fz_err fz_ledger_verify_signatures(fz_db *db, fz_ledger_report *r,
                                   fz_error *err);

/* Verifies one signed note against a verifier key string: the signature,
 * and that the key's name is the checkpoint's origin.  Fills *cp. */
fz_err fz_checkpoint_verify(const char *note, size_t len, const char *vkey,
                            fz_checkpoint *cp, fz_error *err);

#endif
