/* secretfile.h — files that hold a key: written once, atomically, mode 0600,
 * never over an existing file; read only when group and others have no
 * access to them.  The ledger's signing key and the key that seals ID
 * numbers both live in such files. */
#ifndef FZ_CORE_SECRETFILE_H
#define FZ_CORE_SECRETFILE_H

#include <stddef.h>

#include "core/error.h"

/* Creates path holding the len bytes at data, mode 0600 exactly.  The
 * bytes go to a temporary file beside it, are synced, and are linked into
 * place, so that a crash never leaves half a key and an existing file is
 * never replaced (FZ_EXISTS).  FZ_IO when it cannot be written; field
 * "path". */
fz_err fz_secret_file_create(const char *path, const void *data, size_t len,
                             fz_error *err);

/* Reads at most size bytes of path into buf; *len receives how many (a
 * file of size bytes or more may be longer).  Refuses a file that does not
 * exist (FZ_NOTFOUND), is not a regular file or that group or others may
 * access (FZ_INVALID, with the chmod that fixes it), and read errors
 * (FZ_IO); field "path". */
fz_err fz_secret_file_read(const char *path, char *buf, size_t size,
                           size_t *len, fz_error *err);

#endif
