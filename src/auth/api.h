/* api.h — the HTTP side of accounts: the authentication every protected
 * endpoint starts with, and the endpoints under /api/v1/auth, /users,
 * /tokens and /security/events (DESIGN §8). */
#ifndef FZ_AUTH_API_H
#define FZ_AUTH_API_H

#include "auth/account.h"
#include "http/http.h"

/* Flags of fz_auth_request. */
enum {
  FZ_AUTH_SESSION_ONLY = 1, /* refuse API tokens: for a person only */
  FZ_AUTH_BEFORE_CHANGE = 2 /* allowed while a one-time password is unchanged */
};

/* Who made a request, and how. */
typedef struct fz_auth {
  fz_principal who;   /* pass this to the domain functions */
  fz_session session; /* the session, when who.token_id == 0 */
} fz_auth;

/* Authenticates a request from its session cookie (fz_session) or from
 * "Authorization: Bearer fzt_…" (an API token, which then wins).  A session
 * must send its CSRF token in X-CSRF-Token on every method but GET and
 * HEAD (a token sends no cookies, so it needs none).  A session whose user
 * still has a one-time password may only call endpoints that pass
 * FZ_AUTH_BEFORE_CHANGE.  An idle session's last_seen is refreshed at most
 * once a minute.  Returns 1 with *a filled; or 0 after replying 401 (no,
 * unknown, ended, revoked or expired credentials) or 403 (CSRF token missing
 * or wrong, a token where a session is needed, the one-time password not
 * yet changed).  Every protected handler starts with it. */
int fz_auth_request(fz_req *r, unsigned flags, fz_auth *a);

void fz_api_auth_login(fz_req *r);    /* POST /auth/login */
void fz_api_auth_logout(fz_req *r);   /* POST /auth/logout */
void fz_api_auth_me(fz_req *r);       /* GET  /auth/me */
void fz_api_auth_password(fz_req *r); /* POST /auth/password */
void fz_api_user_create(fz_req *r);   /* POST /users */
void fz_api_user_list(fz_req *r);     /* GET  /users */
void fz_api_user_directory(fz_req *r); /* GET /api/v1/users/directory */
void fz_api_user_get(fz_req *r);      /* GET  /users/{id} */
void fz_api_user_disable(fz_req *r);  /* POST /users/{id}/disable */
void fz_api_user_reset_password(
    fz_req *r);                         /* POST /users/{id}/reset-password */
void fz_api_user_roles(fz_req *r);      /* POST /users/{id}/roles */
void fz_api_token_issue(fz_req *r);     /* POST /tokens */
void fz_api_token_list(fz_req *r);      /* GET  /tokens */
void fz_api_token_revoke(fz_req *r);    /* POST /tokens/{id}/revoke */
void fz_api_security_events(fz_req *r); /* GET  /security/events */

#endif
