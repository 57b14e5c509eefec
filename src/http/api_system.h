/* api_system.h — endpoints about the server itself. */
#ifndef FZ_HTTP_API_SYSTEM_H
#define FZ_HTTP_API_SYSTEM_H

#include "http/http.h"

void fz_api_health(fz_req *r);     /* GET /api/v1/health */
void fz_api_version(fz_req *r);    /* GET /api/v1/version */
void fz_api_openapi(fz_req *r);    /* GET /api/v1/openapi.json */
void fz_api_migrations(fz_req *r); /* GET /api/v1/schema/migrations */

#endif
