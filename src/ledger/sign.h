/* sign.h — signing keys of the ledger: SM2 (with SM3 and the distinguishing
 * ID 1234567812345678, GB/T 32918.2 / GM/T 0009) and Ed25519 (RFC 8032),
 * their PEM files, and the raw public keys that signed notes name.
 *
 * Both algorithms go through OpenSSL 3 EVP: one code path for generation,
 * signing and PKCS#8 / SubjectPublicKeyInfo PEM (libsodium has no PEM), and
 * OpenSSL's Ed25519 follows RFC 8032 §5.1.7 (canonical S) like Go's, which
 * matters because Go's note tools are what outside auditors will use.
 *
 * Handles are immutable after creation and may be shared between threads. */
#ifndef FZ_LEDGER_SIGN_H
#define FZ_LEDGER_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

typedef enum fz_sig_alg { FZ_SIG_SM2 = 1, FZ_SIG_ED25519 = 2 } fz_sig_alg;

/* The SM2 distinguishing ID (GM/T 0009-2012 §10 default), 16 bytes. */
#define FZ_SM2_ID "1234567812345678"

#define FZ_SIG_MAX 72    /* largest signature: SM2 DER (r, s); Ed25519 is 64 */
#define FZ_PUBKEY_MAX 65 /* largest raw public key: SM2 0x04 ‖ X ‖ Y */

typedef struct fz_signer fz_signer;     /* a private key */
typedef struct fz_verifier fz_verifier; /* a public key */

/* "sm2" / "ed25519" → alg; FZ_INVALID naming the accepted names otherwise. */
fz_err fz_sig_alg_parse(const char *name, fz_sig_alg *alg, fz_error *err);

/* "sm2" or "ed25519" ("?" for anything else). */
const char *fz_sig_alg_name(fz_sig_alg alg);

/* ---- Private keys ---------------------------------------------------- */

/* Generates a new key.  *out is the caller's (fz_signer_free).  FZ_INVALID
 * for an unknown alg, FZ_INTERNAL if OpenSSL fails. */
fz_err fz_signer_generate(fz_sig_alg alg, fz_signer **out, fz_error *err);

/* Writes the key as unencrypted PKCS#8 PEM to path, mode 0600.  The file
 * appears atomically and complete: the PEM goes to a temporary file in the
 * same folder (O_CREAT|O_EXCL, 0600), is fsynced, and is hard-linked to path,
 * which fails rather than replaces; the folder is then fsynced.
 * FZ_EXISTS if path exists (nothing is changed), FZ_IO on any file error. */
fz_err fz_signer_save(const fz_signer *s, const char *path, fz_error *err);

/* Reads a PEM private key from path.  want is the expected algorithm, or 0
 * for either.  The file must be a regular file with no permission bits for
 * group or others (the message names its mode, as ssh does).
 * Errors: FZ_NOTFOUND (no such file), FZ_IO (unreadable), FZ_INVALID (mode
 * too open, not a regular file), FZ_TOOBIG (over 64 KiB), FZ_PARSE (not a
 * PEM private key), FZ_UNSUPPORTED (encrypted, or another algorithm such as
 * RSA), FZ_TYPE (SM2 where want is Ed25519 or the reverse). */
fz_err fz_signer_load(const char *path, fz_sig_alg want, fz_signer **out,
                      fz_error *err);

fz_sig_alg fz_signer_alg(const fz_signer *s);

/* Signs len bytes of msg: sig receives *sig_len (<= FZ_SIG_MAX) bytes, for
 * SM2 the DER SEQUENCE {r, s} over SM3(Z ‖ msg) with Z from FZ_SM2_ID, for
 * Ed25519 the 64-byte RFC 8032 signature.  FZ_INTERNAL if OpenSSL fails. */
fz_err fz_signer_sign(const fz_signer *s, const void *msg, size_t len,
                      uint8_t sig[FZ_SIG_MAX], size_t *sig_len, fz_error *err);

/* The public half as a new verifier, the caller's to free. */
fz_err fz_signer_verifier(const fz_signer *s, fz_verifier **out, fz_error *err);

/* NULL is a no-op. */
void fz_signer_free(fz_signer *s);

/* ---- Public keys ----------------------------------------------------- */

/* Reads a SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY") of len bytes; want
 * as for fz_signer_load.  FZ_PARSE, FZ_UNSUPPORTED or FZ_TYPE as there. */
fz_err fz_verifier_from_pem(const char *pem, size_t len, fz_sig_alg want,
                            fz_verifier **out, fz_error *err);

/* Appends the SubjectPublicKeyInfo PEM to out.  Returns out->err, or
 * FZ_INTERNAL if OpenSSL fails. */
fz_err fz_verifier_to_pem(const fz_verifier *v, fz_buf *out);

/* Makes a verifier from raw public key bytes: for SM2 the 65-byte
 * uncompressed point 0x04 ‖ X ‖ Y, for Ed25519 the 32 bytes of RFC 8032.
 * FZ_INVALID if the length is wrong, the point is not on the curve, or the
 * Ed25519 key is not canonical or has small order. */
fz_err fz_verifier_from_raw(fz_sig_alg alg, const uint8_t *pub, size_t len,
                            fz_verifier **out, fz_error *err);

/* The raw public key (as for fz_verifier_from_raw); returns its length. */
size_t fz_verifier_raw(const fz_verifier *v, uint8_t out[FZ_PUBKEY_MAX]);

fz_sig_alg fz_verifier_alg(const fz_verifier *v);

/* Do the two hold the same algorithm and public key? */
int fz_verifier_equal(const fz_verifier *a, const fz_verifier *b);

/* A second handle on the same key, the caller's to free; NULL if out of
 * memory. */
fz_verifier *fz_verifier_dup(const fz_verifier *v);

/* Checks sig over msg.  FZ_OK, or FZ_INVALID "signature does not verify". */
fz_err fz_verifier_verify(const fz_verifier *v, const void *msg, size_t len,
                          const uint8_t *sig, size_t sig_len, fz_error *err);

/* NULL is a no-op. */
void fz_verifier_free(fz_verifier *v);

#endif
