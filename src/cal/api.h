/* api.h — HTTP endpoints of the calendar and deadline module. */
#ifndef FZ_CAL_API_H
#define FZ_CAL_API_H

#include "http/http.h"

void fz_api_calendar_day(fz_req *r);     /* GET /api/v1/calendar/{date} */
void fz_api_deadline_list(fz_req *r);    /* GET /api/v1/deadlines */
void fz_api_deadline_compute(fz_req *r); /* GET /api/v1/deadlines/{id}?from= */

#endif
