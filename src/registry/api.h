/* api.h — the registry's HTTP handlers.  Each record handler finds its kind
 * from the path (/api/v1/<kind>/…), so one handler serves departments,
 * officers, entities, matters, items and conflicts alike. */
#ifndef FZ_REGISTRY_API_H
#define FZ_REGISTRY_API_H

#include "http/http.h"

void fz_api_reg_list(fz_req *r);       /* GET   /{kind} */
void fz_api_reg_create(fz_req *r);     /* POST  /{kind} */
void fz_api_reg_export(fz_req *r);     /* GET   /{kind}/export */
void fz_api_reg_by_code(fz_req *r);    /* GET   /{kind}/code/{code} */
void fz_api_reg_get(fz_req *r);        /* GET   /{kind}/{id} */
void fz_api_reg_update(fz_req *r);     /* PATCH /{kind}/{id} */
void fz_api_reg_deactivate(fz_req *r); /* POST  /{kind}/{id}/deactivate */
void fz_api_reg_reactivate(fz_req *r); /* POST  /{kind}/{id}/reactivate */

void fz_api_import_start(fz_req *r);  /* POST /imports/{kind} (upload) */
void fz_api_import_list(fz_req *r);   /* GET  /imports */
void fz_api_import_get(fz_req *r);    /* GET  /imports/{id} */
void fz_api_import_errors(fz_req *r); /* GET  /imports/{id}/errors */

void fz_api_public_certificate(fz_req *r); /* GET /public/officers/{cert_no} */
void fz_api_public_list(fz_req *r); /* GET /public/{departments,matters,items} */

#endif
