/* routes.c — every endpoint of the API in one table.  docs/openapi.json must
 * describe each of them (tests/unit/test_openapi.c checks). */
#include "auth/api.h"
#include "cal/api.h"
#include "http/api_system.h"
#include "http/http.h"
#include "id/api.h"
#include "ledger/api.h"

static const fz_route routes[] = {
    {"GET", "/api/v1/health", fz_api_health},
    {"GET", "/api/v1/version", fz_api_version},
    {"GET", "/api/v1/openapi.json", fz_api_openapi},
    {"GET", "/api/v1/schema/migrations", fz_api_migrations},
    {"POST", "/api/v1/ids/check", fz_api_id_check},
    {"GET", "/api/v1/regions", fz_api_region_list},
    {"GET", "/api/v1/regions/{code}", fz_api_region_get},
    {"GET", "/api/v1/calendar/{date}", fz_api_calendar_day},
    {"GET", "/api/v1/deadlines", fz_api_deadline_list},
    {"GET", "/api/v1/deadlines/{id}", fz_api_deadline_compute},
    {"GET", "/api/v1/ledger/checkpoint", fz_api_ledger_checkpoint},
    {"GET", "/api/v1/ledger/key", fz_api_ledger_key},
    {"GET", "/api/v1/ledger/events/{seq}", fz_api_ledger_event},
    {"GET", "/api/v1/ledger/proof/consistency", fz_api_ledger_consistency},
    {"POST", "/api/v1/auth/login", fz_api_auth_login},
    {"POST", "/api/v1/auth/logout", fz_api_auth_logout},
    {"GET", "/api/v1/auth/me", fz_api_auth_me},
    {"POST", "/api/v1/auth/password", fz_api_auth_password},
    {"POST", "/api/v1/users", fz_api_user_create},
    {"GET", "/api/v1/users", fz_api_user_list},
    {"GET", "/api/v1/users/{id}", fz_api_user_get},
    {"POST", "/api/v1/users/{id}/disable", fz_api_user_disable},
    {"POST", "/api/v1/users/{id}/reset-password", fz_api_user_reset_password},
    {"POST", "/api/v1/users/{id}/roles", fz_api_user_roles},
    {"POST", "/api/v1/tokens", fz_api_token_issue},
    {"GET", "/api/v1/tokens", fz_api_token_list},
    {"POST", "/api/v1/tokens/{id}/revoke", fz_api_token_revoke},
    {"GET", "/api/v1/security/events", fz_api_security_events},
};

const fz_route *fz_routes(size_t *n) {
  *n = sizeof routes / sizeof routes[0];
  return routes;
}
