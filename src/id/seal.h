/* seal.h — sealing personal ID numbers (居民身份证号) at rest: SM4 encryption
 * with an HMAC-SM3 tag, and a blind index that finds a record by its number
 * without storing the number.
 *
 * 个人信息保护法 Art. 51 asks for encryption of personal information, and
 * an ID number is sensitive personal information (Art. 28; GB/T 35273-2020
 * Annex B); GB/T 39786-2021 asks for 商用密码 (SM3, SM4).  OpenSSL 3.0 has
 * no SM4-GCM, so a seal is encrypt-then-MAC:
 *
 *     sealed = 0x01 ‖ IV ‖ SM4-CTR(enc_key, IV, plain) ‖ tag
 *     tag    = HMAC-SM3(mac_key, 0x01 ‖ IV ‖ ciphertext)
 *
 * 1 version byte, a random 16-byte IV (the initial counter block), the
 * ciphertext (as long as the plaintext) and a 32-byte tag:
 * FZ_SEAL_OVERHEAD bytes more than the plaintext.  Sealing the same value
 * twice gives different bytes; the tag is checked in constant time before
 * anything is decrypted.  A seal is not bound to its row: someone who can
 * write to the database can move a sealed value from one record to another,
 * but can neither read nor forge one.
 *
 * The blind index is HMAC-SM3(index_key, normalised plaintext), 32 bytes:
 * equal numbers have equal indexes, so a UNIQUE column and "WHERE id_index
 * = ?" work, while the index reveals nothing about the number to someone
 * without the key (other than which records share one).
 *
 * Keys.  One 32-byte master key, kept in a file of 64 hex digits and a
 * newline with mode 0600.  The encryption, MAC and index keys are derived
 * from it with HKDF-SM3 (RFC 5869, no salt) under the info strings
 * "fazhi id seal enc v1" (16 bytes), "fazhi id seal mac v1" (32) and
 * "fazhi id seal index v1" (32).  Losing the master key loses every sealed
 * number; changing it makes every seal and index unreadable, so it must be
 * backed up with the database and never replaced. */
#ifndef FZ_ID_SEAL_H
#define FZ_ID_SEAL_H

#include <stddef.h>

#include "core/error.h"

#define FZ_SEAL_VERSION 1
#define FZ_SEAL_IV 16
#define FZ_SEAL_TAG 32
#define FZ_SEAL_OVERHEAD (1 + FZ_SEAL_IV + FZ_SEAL_TAG)
#define FZ_SEAL_INDEX 32           /* bytes of a blind index */
#define FZ_SEAL_KEY 32             /* bytes of the master key */
#define FZ_SEAL_PLAIN_MAX 65536    /* longest plaintext; seals are for short data */

/* Derived keys, behind a handle; wiped when freed.  Immutable once made, so
 * one key may be used by many threads at once. */
typedef struct fz_seal_key fz_seal_key;

/* Creates a key file at path holding a new random master key: 64 hex
 * digits and a newline, mode 0600.  The file is written under a temporary
 * name and linked into place, so that a crash never leaves half a key and an
 * existing file is never replaced (FZ_EXISTS).  FZ_IO if the file cannot be
 * written. */
fz_err fz_seal_key_create(const char *path, fz_error *err);

/* Reads the key file at path and derives the keys into a new *out (NULL on
 * failure), to be freed with fz_seal_key_free.  Refuses a file that group or
 * others may access, or that is not a regular file (FZ_INVALID, with the
 * chmod that fixes it), one that does not exist (FZ_NOTFOUND), and one that
 * does not hold exactly 64 hex digits with at most a newline after them
 * (FZ_PARSE).  All on field "path". */
fz_err fz_seal_key_load(const char *path, fz_seal_key **out, fz_error *err);

/* Derives the keys from a master key given as bytes, into a new *out (NULL
 * on failure).  For tests and fuzzing; the program reads a key file. */
fz_err fz_seal_key_from_bytes(const unsigned char master[FZ_SEAL_KEY],
                              fz_seal_key **out, fz_error *err);

/* Wipes and frees k.  NULL is a no-op. */
void fz_seal_key_free(fz_seal_key *k);

/* Seals len bytes of plain (at most FZ_SEAL_PLAIN_MAX) into out, which has
 * room for out_size bytes; *out_len gets len + FZ_SEAL_OVERHEAD.  FZ_TOOBIG
 * if out is too small or plain too long (field "plain"), FZ_INTERNAL if
 * OpenSSL fails; *out_len is 0 on error. */
fz_err fz_seal(const fz_seal_key *k, const void *plain, size_t len,
               unsigned char *out, size_t out_size, size_t *out_len,
               fz_error *err);

/* Checks and opens the len bytes of a seal into plain, which has room for
 * plain_size bytes, and NUL-terminates it; *plain_len gets the plaintext's
 * length (without the NUL).  FZ_INVALID on field "sealed" if the seal is
 * too short, of an unknown version, or its tag does not match (altered, cut
 * short, or sealed with another key); FZ_TOOBIG if plain has no room for
 * the plaintext and its NUL.  On error plain holds "" (if plain_size > 0)
 * and *plain_len is 0: nothing unverified is ever returned. */
fz_err fz_unseal(const fz_seal_key *k, const unsigned char *in, size_t len,
                 char *plain, size_t plain_size, size_t *plain_len,
                 fz_error *err);

/* The blind index of plain into out: HMAC-SM3 under the index key of the
 * text normalised as fz_resident_validate reads it (surrounding ASCII
 * whitespace and U+3000 removed, ASCII letters upper-cased), so that
 * " 11010519491231002x " and "11010519491231002X" index alike.  FZ_INVALID on field
 * "plain" if plain is NULL or empty after trimming, FZ_TOOBIG if longer than
 * FZ_SEAL_PLAIN_MAX. */
fz_err fz_seal_index(const fz_seal_key *k, const char *plain,
                     unsigned char out[FZ_SEAL_INDEX], fz_error *err);

#endif
