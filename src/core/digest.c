/* digest.c — one-call SM3 and SHA-256 over byte pieces, on libgcrypt (see
 * digest.h for why not OpenSSL here). */
#include "core/digest.h"

#include <gcrypt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int ready;

/* libgcrypt wants its version checked before any other call; the secure
 * memory pool is for keys, and these hashes hold none.  Another part of
 * the process may have initialised it first, which is as good. */
static void setup(void) {
  if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
    if (!gcry_check_version(GCRYPT_VERSION)) return;
    gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
  }
  ready = 1;
}

static int algo_of(fz_hash_alg alg) {
  switch (alg) {
  case FZ_HASH_SM3: return GCRY_MD_SM3;
  case FZ_HASH_SHA256: return GCRY_MD_SHA256;
  }
  return 0;
}

int fz_digest_available(fz_hash_alg alg) {
  pthread_once(&once, setup);
  int algo = algo_of(alg);
  return ready && algo && gcry_md_test_algo(algo) == 0 &&
         gcry_md_get_algo_dlen(algo) == FZ_DIGEST_LEN;
}

int fz_digest(fz_hash_alg alg, const fz_bytes *piece, int n,
              uint8_t out[FZ_DIGEST_LEN]) {
  pthread_once(&once, setup);
  int algo = algo_of(alg);
  gcry_buffer_t iov[FZ_DIGEST_MAX_PIECES];
  if (!ready || !algo || n < 0 || n > FZ_DIGEST_MAX_PIECES) goto fail;
  for (int i = 0; i < n; i++)
    iov[i] = (gcry_buffer_t){.len = piece[i].len, .data = (void *)piece[i].data};
  if (gcry_md_hash_buffers(algo, 0, out, iov, n) == 0) return 1;
fail:
  memset(out, 0, FZ_DIGEST_LEN);
  return 0;
}

int fz_digest_file(fz_hash_alg alg, FILE *f, uint8_t out[FZ_DIGEST_LEN]) {
  pthread_once(&once, setup);
  int algo = algo_of(alg);
  gcry_md_hd_t h = NULL;
  char *buf = malloc(1 << 16);
  int ok = buf && ready && algo && gcry_md_open(&h, algo, 0) == 0;
  size_t n;
  while (ok && (n = fread(buf, 1, 1 << 16, f)) > 0) gcry_md_write(h, buf, n);
  const unsigned char *d = ok && !ferror(f) ? gcry_md_read(h, algo) : NULL;
  if (d) memcpy(out, d, FZ_DIGEST_LEN);
  else memset(out, 0, FZ_DIGEST_LEN);
  gcry_md_close(h);
  free(buf);
  return d != NULL;
}
