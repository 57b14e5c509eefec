/* api.h — the HTTP side of evidence files, shared by every upload and
 * download route of evidence (tasks, cases). */
#ifndef FZ_EVIDENCE_API_H
#define FZ_EVIDENCE_API_H

#include "http/http.h"

/* An upload as the server received it: the body streamed to fd and hashed
 * with SM3 on the way. */
typedef struct fz_upload {
  const char *name, *content_type, *sm3;
  int fd;
  unsigned long long size;
} fz_upload;

/* Reads the file's name (?name=), media type (Content-Type) and body into
 * *u, checked as evidence.h requires.  Replies with the refusal and
 * returns 0 otherwise. */
int fz_evidence_upload(fz_req *r, fz_upload *u);

/* Replies with a stored evidence file: its bytes under its name, and
 * X-Content-SM3 repeating the digest its ledger event carries. */
void fz_evidence_reply(fz_req *r, const void *data, size_t size,
                       const json_t *meta);

#endif
