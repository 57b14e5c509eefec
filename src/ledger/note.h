/* note.h — C2SP signed notes (https://c2sp.org/signed-note), the checkpoint
 * text of C2SP tlog-checkpoint, and Go-style verifier key strings.
 *
 * A note is text lines, each ending in "\n"; a blank line; then one or more
 * lines "— <key name> <base64(key ID ‖ signature)>\n" (U+2014 EM DASH, space).
 *
 * Key ID = the first 4 bytes, big-endian, of
 *   SHA-256(key name ‖ 0x0A ‖ type ‖ public key)
 * where, per signed-note §"Signature types":
 *   Ed25519: type = 0x01, public key = the 32 bytes of RFC 8032 (the
 *            registered type, so these keys and notes interoperate with Go's
 *            golang.org/x/mod/sumdb/note);
 *   SM2:     no type is registered, and the spec reserves 0xff "for signature
 *            types without an identifier byte assigned by this specification",
 *            RECOMMENDED to be followed by a longer identifier.  So
 *            type = 0xff ‖ "fz-sm2-sm3" (10 ASCII bytes) and public key = the
 *            65-byte point 04 ‖ X ‖ Y; the signature is the DER SEQUENCE
 *            {r, s} over SM3(Z ‖ text) with distinguishing ID
 *            1234567812345678.  Other users of 0xff hash other identifiers,
 *            so key IDs do not collide by construction.
 *
 * A verifier key string, as in Go's note package, is
 *   <key name>+<key ID, 8 lowercase hex digits>+<base64(type ‖ public key)>
 * e.g. "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
 * so that one command-line argument names a trusted key. */
#ifndef FZ_LEDGER_NOTE_H
#define FZ_LEDGER_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "ledger/merkle.h"
#include "ledger/sign.h"

#define FZ_NOTE_MAX (1024 * 1024) /* bytes of a whole note */
#define FZ_NOTE_MAX_SIGS 100      /* signature lines in a note (Go: 100) */

#define FZ_NOTE_TYPE_ED25519 0x01
#define FZ_NOTE_TYPE_OTHER 0xff
#define FZ_NOTE_SM2_IDENT "fz-sm2-sm3" /* follows 0xff for SM2 keys */

/* ---- Keys with names ------------------------------------------------- */

/* A public key with its key name and key ID: what a note is checked against. */
typedef struct fz_note_key fz_note_key;

/* Is name a valid key name: non-empty UTF-8 with no Unicode space (as Go's
 * unicode.IsSpace), no '+' and no control character? */
int fz_note_name_valid(const char *name);

/* Names v (which is not taken over; the key holds its own reference).
 * FZ_INVALID for an invalid name, FZ_NOMEM. */
fz_err fz_note_key_new(const char *name, const fz_verifier *v,
                       fz_note_key **out, fz_error *err);

/* Parses a verifier key string (NUL-terminated).  FZ_PARSE if it is not
 * name+hex+base64, FZ_UNSUPPORTED for an unknown type (or an 0xff type other
 * than SM2's), FZ_INVALID for a bad public key or a key ID that does not
 * match the name and key. */
fz_err fz_note_key_parse(const char *vkey, fz_note_key **out, fz_error *err);

/* Appends the verifier key string of k to out.  Returns out->err. */
fz_err fz_note_key_format(const fz_note_key *k, fz_buf *out);

const char *fz_note_key_name(const fz_note_key *k);
uint32_t fz_note_key_id(const fz_note_key *k);
const fz_verifier *fz_note_key_verifier(const fz_note_key *k);

/* NULL is a no-op. */
void fz_note_key_free(fz_note_key *k);

/* ---- Notes ----------------------------------------------------------- */

/* Signs text (len bytes: non-empty, ending in "\n", valid UTF-8 without
 * control characters other than "\n") with s under key name `name`, and
 * appends the whole note, text, blank line and signature line, to out.
 * FZ_INVALID for bad text or name, FZ_TOOBIG if the note would exceed
 * FZ_NOTE_MAX, else as fz_signer_sign or out->err. */
fz_err fz_note_sign(const char *text, size_t len, const fz_signer *s,
                    const char *name, fz_buf *out, fz_error *err);

/* A signature line of a parsed note. */
typedef struct fz_note_sig {
  const char *name;   /* key name, NUL-terminated, owned by the note */
  uint32_t key_id;
  const uint8_t *sig; /* signature after the key ID, owned by the note */
  size_t sig_len;
} fz_note_sig;

typedef struct fz_note fz_note;

/* Parses a signed note of len bytes (a copy is kept; msg may go).  Strict:
 * FZ_TOOBIG over FZ_NOTE_MAX bytes or FZ_NOTE_MAX_SIGS signature lines;
 * FZ_PARSE (the message says where) for invalid UTF-8, a control character,
 * no blank line, a last line without "\n", a signature line not starting
 * with "— ", an invalid key name, base64 that is not canonical RFC 4648 §4,
 * or a signature shorter than key ID + 1 byte.  The text may itself hold
 * blank lines: the last blank line separates it from the signatures. */
fz_err fz_note_parse(const char *msg, size_t len, fz_note **out,
                     fz_error *err);

/* The text, including its final "\n" but not the blank line; NUL-terminated,
 * owned by the note.  *len (if non-NULL) receives its length. */
const char *fz_note_text(const fz_note *n, size_t *len);

size_t fz_note_sig_count(const fz_note *n);

/* Signature line i (i < fz_note_sig_count), owned by the note. */
const fz_note_sig *fz_note_sig_at(const fz_note *n, size_t i);

/* Checks the note against k.  Signature lines whose name and key ID do not
 * both match k are ignored; every one that does must verify, and there must
 * be at least one.  FZ_OK; FZ_INVALID "signature by … does not verify" (the
 * text or signature was altered); FZ_NOTFOUND when no line is by k, saying
 * whether the name appears with another key ID (a different key). */
fz_err fz_note_verify(const fz_note *n, const fz_note_key *k, fz_error *err);

/* NULL is a no-op. */
void fz_note_free(fz_note *n);

/* ---- Checkpoints ----------------------------------------------------- */

#define FZ_ORIGIN_MAX 256 /* bytes of an origin, NUL included */

typedef struct fz_checkpoint {
  char origin[FZ_ORIGIN_MAX]; /* log identity, e.g. "fazhi.example.gov.cn/ledger" */
  uint64_t size;              /* number of leaves */
  uint8_t root[FZ_HASH_LEN];  /* RFC 9162 root hash at size */
} fz_checkpoint;

/* Appends the checkpoint text "origin\nsize\nbase64(root)\n" to out.  The
 * origin must be a valid key name (the spec's SHOULD, so that the log's key
 * can carry the same name) shorter than FZ_ORIGIN_MAX.  FZ_INVALID, or
 * out->err. */
fz_err fz_checkpoint_format(const char *origin, uint64_t size,
                            const uint8_t root[FZ_HASH_LEN], fz_buf *out,
                            fz_error *err);

/* Parses a checkpoint text (a note's text) of len bytes into *cp.  Strict:
 * exactly three non-empty lines each ending in "\n"; the origin valid UTF-8
 * without control characters; the size decimal without sign or leading
 * zeros and at most 2^64 - 1; the root canonical base64 of exactly
 * FZ_HASH_LEN bytes.  FZ_PARSE, FZ_RANGE (size too big), FZ_TOOBIG (origin),
 * FZ_UNSUPPORTED for extension lines, which fazhi never writes. */
fz_err fz_checkpoint_parse(const char *text, size_t len, fz_checkpoint *cp,
                           fz_error *err);

#endif
