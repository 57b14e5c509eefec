/* api.h — HTTP endpoints of the identifier and region module. */
#ifndef FZ_ID_API_H
#define FZ_ID_API_H

#include "http/http.h"

void fz_api_id_check(fz_req *r);      /* POST /api/v1/ids/check */
void fz_api_region_get(fz_req *r);    /* GET /api/v1/regions/{code} */
void fz_api_region_list(fz_req *r);   /* GET /api/v1/regions?parent= */

#endif
