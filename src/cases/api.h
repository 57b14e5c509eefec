/* api.h — the HTTP handlers of enforcement cases (routes.c lists them). */
#ifndef FZ_CASES_API_H
#define FZ_CASES_API_H

#include "http/http.h"

void fz_api_case_create(fz_req *r);          /* POST /api/v1/cases */
void fz_api_case_list(fz_req *r);            /* GET /api/v1/cases */
void fz_api_case_get(fz_req *r);             /* GET /api/v1/cases/{id} */
void fz_api_case_step(fz_req *r);            /* POST …/cases/{id}/steps/{step} */
void fz_api_case_evaluate(fz_req *r);        /* POST …/cases/{id}/evaluate */
void fz_api_case_evidence(fz_req *r);        /* POST …/cases/{id}/evidence */
void fz_api_case_evidence_get(fz_req *r);    /* GET …/cases/evidence/{id} */
void fz_api_case_archive(fz_req *r);         /* GET …/cases/{id}/archive */
void fz_api_case_deadlines(fz_req *r);       /* GET …/cases/deadlines */
void fz_api_case_alerts(fz_req *r);          /* GET …/cases/alerts */
void fz_api_case_stats(fz_req *r);           /* GET …/cases/stats */
void fz_api_hearing_thresholds(fz_req *r);   /* GET …/hearing-thresholds */
void fz_api_hearing_threshold_set(fz_req *r); /* POST …/hearing-thresholds */
void fz_api_public_decision_list(fz_req *r); /* GET …/public/decisions */
void fz_api_public_decision_get(fz_req *r);  /* GET …/public/decisions/{id} */

#endif
