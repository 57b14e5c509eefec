/* jtext.h — JSON text written straight into a buffer, for the answers that
 * are read most (a case's view, a register's pages): no tree of jansson
 * values built only to be dumped.
 *
 * The text is what jansson's compact dump of the same members in the same
 * order gives (strings escaped as jansson escapes them), so the two ways of
 * answering cannot be told apart.  The writer puts the commas: a member is
 * a key and then one value; an array's items are values.  Nesting deeper
 * than FZ_JT_DEPTH is the caller's bug and is not checked further. */
#ifndef FZ_CORE_JTEXT_H
#define FZ_CORE_JTEXT_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"

enum { FZ_JT_DEPTH = 16 };

typedef struct fz_jtext {
  fz_buf *b;
  int depth;
  int after_key;                    /* the next value follows its key */
  unsigned char count[FZ_JT_DEPTH]; /* 1 once a container has a member */
} fz_jtext;

void fz_jt_init(fz_jtext *w, fz_buf *b);

/* Opens and closes an object ('{', '}') or an array ('[', ']'). */
void fz_jt_open(fz_jtext *w, char bracket);
void fz_jt_close(fz_jtext *w, char bracket);

void fz_jt_key(fz_jtext *w, const char *key);

/* A string; null for NULL, and for text that is not UTF-8 (jansson would
 * refuse it). */
void fz_jt_str(fz_jtext *w, const char *s);
/* A string, or null for NULL or "" (as fz_json_text_or_null). */
void fz_jt_text(fz_jtext *w, const char *s);
void fz_jt_int(fz_jtext *w, long long v);
void fz_jt_bool(fz_jtext *w, int v);
void fz_jt_null(fz_jtext *w);
/* JSON text kept as jansson's compact dump wrote it (a stored column),
 * copied as is; null for NULL or "". */
void fz_jt_raw(fz_jtext *w, const char *json);
/* A jansson value, dumped compactly in its members' order. */
void fz_jt_json(fz_jtext *w, const json_t *v);

/* The pieces, for writers that put their own commas. */
int fz_jt_utf8_ok(const char *s, size_t n);
void fz_jt_string(fz_buf *b, const char *s, size_t n); /* quoted, escaped */
void fz_jt_decimal(fz_buf *b, long long v);

#endif
