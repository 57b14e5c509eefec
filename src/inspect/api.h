/* api.h — 双随机、一公开 over HTTP: plans and their draw under /api/v1/plans,
 * inspection tasks, results and evidence under /api/v1/tasks and
 * /api/v1/evidence, the supervision list of unpublished results, and the
 * public, verifiable draw records and results under /api/v1/public. */
#ifndef FZ_INSPECT_API_H
#define FZ_INSPECT_API_H

#include "http/http.h"

void fz_api_plan_list(fz_req *r);          /* GET   /plans */
void fz_api_plan_create(fz_req *r);        /* POST  /plans */
void fz_api_plan_get(fz_req *r);           /* GET   /plans/{id} */
void fz_api_plan_update(fz_req *r);        /* PATCH /plans/{id} */
void fz_api_plan_commitment(fz_req *r);    /* POST  /plans/{id}/commitments */
void fz_api_plan_commit(fz_req *r);        /* POST  /plans/{id}/commit */
void fz_api_plan_reveal(fz_req *r);        /* POST  /plans/{id}/reveal */
void fz_api_plan_public_value(fz_req *r);  /* POST  /plans/{id}/public-value */
void fz_api_plan_draw(fz_req *r);          /* POST  /plans/{id}/draw */
void fz_api_plan_publish(fz_req *r);       /* POST  /plans/{id}/publish */
void fz_api_inspection_overdue(fz_req *r); /* GET   /inspections/overdue */

void fz_api_task_list(fz_req *r);     /* GET  /tasks */
void fz_api_task_get(fz_req *r);      /* GET  /tasks/{id} */
void fz_api_task_result(fz_req *r);   /* POST /tasks/{id}/result */
void fz_api_task_evidence(fz_req *r); /* POST /tasks/{id}/evidence (upload) */
void fz_api_task_replace(fz_req *r);  /* POST /tasks/{id}/replace */
void fz_api_evidence_get(fz_req *r);  /* GET  /evidence/{id} */

void fz_api_public_draw_list(fz_req *r);    /* GET /public/draws */
void fz_api_public_draw_get(fz_req *r);     /* GET /public/draws/{id} */
void fz_api_public_draw_pool(fz_req *r);    /* GET /public/draws/{id}/pools/{key} */
void fz_api_public_plan_results(fz_req *r); /* GET /public/plans/{id}/results */

#endif
