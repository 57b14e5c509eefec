/* api.h — the public, read-only ledger API: anyone can fetch the signed
 * checkpoint, any event with its inclusion proof, and consistency proofs
 * between sizes, and check them offline (fazhi merkle, fazhi ledger
 * verify-checkpoint). */
#ifndef FZ_LEDGER_API_H
#define FZ_LEDGER_API_H

#include "http/http.h"

void fz_api_ledger_checkpoint(fz_req *r);  /* GET /api/v1/ledger/checkpoint */
void fz_api_ledger_key(fz_req *r);         /* GET /api/v1/ledger/key */
void fz_api_ledger_event(fz_req *r);       /* GET /api/v1/ledger/events/{seq} */
void fz_api_ledger_consistency(fz_req *r); /* GET …/ledger/proof/consistency */

/* The latest checkpoint covering every event (made now when this server
 * holds the key), its size in *size; replies and returns NULL on failure.
 * The caller frees it. */
char *fz_api_ledger_current(fz_req *r, uint64_t *size);

/* The proof that event seq is in the tree of size events, as JSON:
 * {"seq", "leaf_hash", "hash", "tree_size", "inclusion_proof": [hex]},
 * or NULL when it cannot be built. */
json_t *fz_api_ledger_proof(fz_db *db, uint64_t seq, uint64_t size);

#endif
