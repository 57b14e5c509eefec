/* api_discretion.h — the HTTP handlers of 裁量基准 and the lenient lists
 * (cases/discretion.h).  One handler serves both families: it reads which
 * from the path (/api/v1/benchmarks/… or /api/v1/lenient-lists/…). */
#ifndef FZ_CASES_API_DISCRETION_H
#define FZ_CASES_API_DISCRETION_H

#include "http/http.h"

void fz_api_disc_list(fz_req *r);      /* GET  /{family} */
void fz_api_disc_create(fz_req *r);    /* POST /{family} */
void fz_api_disc_export(fz_req *r);    /* GET  /{family}/export */
void fz_api_disc_import(fz_req *r);    /* POST /{family}/import (upload) */
void fz_api_disc_get(fz_req *r);       /* GET  /{family}/{id} */
void fz_api_disc_supersede(fz_req *r); /* POST /{family}/{id}/supersede */
void fz_api_disc_evaluate(fz_req *r);  /* POST /discretion/evaluate */

/* No login (行政处罚法 Art. 34: benchmarks are published). */
void fz_api_public_benchmarks(fz_req *r);    /* GET /public/benchmarks */
void fz_api_public_benchmark(fz_req *r);     /* GET /public/benchmarks/{id} */
void fz_api_public_lenient_lists(fz_req *r); /* GET /public/lenient-lists */

#endif
