/* token_cache.h — what a connection found for the tokens it was shown:
 * the answers of fz_apitoken_find and fz_session_find, kept on the pooled
 * connection while the database is unchanged.
 *
 * Each request proves its token; without this, that is a query joining
 * the token to its user before any work, as costly as the work itself on a
 * look-up.  An answer is kept with the database's data version
 * (fz_db_data_version), which any commit changes, from this process or any
 * other (the CLI, a second server): a revoked token, an ended session, a
 * disabled user or a changed role are never served from here.  Only
 * successes are kept; times (expiry, idle) are checked again on each use.
 * Nothing is kept where the backend has no data version (PostgreSQL) or
 * inside a write transaction. */
#ifndef FZ_AUTH_TOKEN_CACHE_H
#define FZ_AUTH_TOKEN_CACHE_H

#include "auth/account.h"

typedef enum fz_found_kind { FZ_FOUND_API = 1, FZ_FOUND_SESSION = 2 } fz_found_kind;

/* What a look-up found. */
typedef struct fz_found {
  fz_principal who;   /* an API token's principal */
  int64_t expires_at; /* an API token's end */
  fz_session session; /* a session */
} fz_found;

/* Copies the answer kept for (kind, hash) into *out and returns 1, or
 * returns 0 (nothing kept, or the database has changed since). */
int fz_found_get(fz_db *db, fz_found_kind kind,
                 const unsigned char hash[FZ_TOKEN_HASH_LEN], fz_found *out);

/* Keeps *in for (kind, hash), as of the data version fz_found_get read. */
void fz_found_put(fz_db *db, fz_found_kind kind,
                  const unsigned char hash[FZ_TOKEN_HASH_LEN],
                  const fz_found *in);

#endif
