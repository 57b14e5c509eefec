/* embed.h — read-only files compiled into the binary: migrations, the
 * OpenAPI document, and the default data under data/ (calendars, deadline
 * rules, region names).  An administrator can override data files at run time
 * (see config "data_dir"); these are the defaults that ship. */
#ifndef FZ_CORE_EMBED_H
#define FZ_CORE_EMBED_H

#include <stddef.h>

typedef struct fz_embed {
  const char *name;          /* path from the repository root, "data/…" */
  const unsigned char *data; /* the bytes, followed by one NUL not counted */
  size_t len;
} fz_embed;

/* The whole table, sorted by name; *count receives its length. */
const fz_embed *fz_embed_table(size_t *count);

/* The embedded file with this exact name, or NULL. */
const fz_embed *fz_embed_find(const char *name);

#endif
