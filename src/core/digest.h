/* digest.h — SM3 and SHA-256 of a few byte pieces in one call: the hashes
 * under the ledger's Merkle tree and the draw's tickets and ranks, where
 * short messages are hashed by the million.
 *
 * They run on libgcrypt, whose SM3 is written for AVX and BMI2 on x86-64
 * and whose SHA-256 uses the SHA extensions: measured on the reference
 * machine, 1.3–1.6 times OpenSSL 3.0's SM3 (plain C) on ledger-sized
 * events, with no context to allocate; and over whole files, as an
 * import hashes the file it reads, 1.3 times OpenSSL's too.  Signatures
 * (SM2, Ed25519), SM4 and the digests of streamed uploads stay on OpenSSL;
 * the unit tests check both libraries give the same hashes. */
#ifndef FZ_CORE_DIGEST_H
#define FZ_CORE_DIGEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FZ_DIGEST_LEN 32
#define FZ_DIGEST_MAX_PIECES 8

typedef enum fz_hash_alg { FZ_HASH_SM3 = 1, FZ_HASH_SHA256 = 2 } fz_hash_alg;

/* A run of bytes to hash; the caller owns it. */
typedef struct fz_bytes {
  const void *data;
  size_t len;
} fz_bytes;

/* 1 when alg can be computed here, else 0. */
int fz_digest_available(fz_hash_alg alg);

/* out = H(piece[0] ‖ … ‖ piece[n-1]) for 0 ≤ n ≤ FZ_DIGEST_MAX_PIECES;
 * pieces may be empty.  Thread-safe.  Returns 1, or 0 with out all zeros
 * for an algorithm fz_digest_available refuses or a bad n. */
int fz_digest(fz_hash_alg alg, const fz_bytes *piece, int n,
              uint8_t out[FZ_DIGEST_LEN]);

/* out = H(everything f has left to read).  Returns 1, or 0 with out all
 * zeros on a read error or an algorithm fz_digest_available refuses. */
int fz_digest_file(fz_hash_alg alg, FILE *f, uint8_t out[FZ_DIGEST_LEN]);

#endif
