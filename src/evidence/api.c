/* api.c — reading an evidence upload and replying with a stored file. */
#include "evidence/api.h"

#include "evidence/evidence.h"

int fz_evidence_upload(fz_req *r, fz_upload *u) {
  u->name = fz_req_query(r, "name");
  u->content_type = fz_req_header(r, "Content-Type");
  if (!u->content_type) u->content_type = "application/octet-stream";
  if (!u->name) {
    fz_reply_error(r, 422, FZ_MISSING, "name", "请用 ?name= 给出文件名 / "
                   "name the file with ?name=");
    return 0;
  }
  fz_error e = {0};
  if (fz_evidence_check_meta(u->name, u->content_type, &e)) {
    fz_reply_fz_error(r, &e);
    return 0;
  }
  if (fz_req_upload(r, &u->fd, &u->size, &u->sm3) || u->size == 0) {
    fz_reply_error(r, 422, FZ_MISSING, "file", "请将证据文件作为请求体上传 / "
                   "send the evidence file as the request body");
    return 0;
  }
  return 1;
}

void fz_evidence_reply(fz_req *r, const void *data, size_t size,
                       const json_t *meta) {
  const char *type = json_string_value(json_object_get(meta, "content_type"));
  fz_reply_bytes(r, 200, type && *type ? type : "application/octet-stream",
                 data, size, json_string_value(json_object_get(meta, "name")));
  const char *sm3 = json_string_value(json_object_get(meta, "sm3"));
  if (sm3) fz_reply_header(r, "X-Content-SM3", sm3);
}
