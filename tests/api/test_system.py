"""Health, version, OpenAPI, migrations, routing errors and request ids."""
import json
import os
import re

from conftest import BACKEND, ROOT, error_of


def test_health_reports_backend_and_schema(api):
    r = api.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["backend"] == BACKEND
    assert body["schema_version"] >= 1
    assert body["schema_version"] == body["schema_latest"]


def test_version(api):
    body = api.get("/version").json()
    assert body["name"] == "fazhi"
    assert re.fullmatch(r"\d+\.\d+\.\d+", body["version"])
    assert body["api"] == "v1"


def test_openapi_is_the_repository_document(api):
    r = api.get("/openapi.json")
    assert r.status_code == 200
    with open(os.path.join(ROOT, "docs", "openapi.json"), encoding="utf-8") as f:
        assert r.json() == json.load(f)
    assert r.json()["openapi"].startswith("3.")


def test_migrations_lists_every_applied_version(api):
    body = api.get("/schema/migrations").json()
    assert body["backend"] == BACKEND
    versions = [m["version"] for m in body["migrations"]]
    assert versions == list(range(1, len(versions) + 1))
    assert body["migrations"][0]["name"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["migrations"][0]["applied_at"])


def test_unknown_path_is_a_json_404(api):
    msg = error_of(api.get("/no/such/thing"), 404, "not_found")
    assert "/api/v1/no/such/thing" in msg


def test_wrong_method_is_405_with_allow(api):
    r = api.request("DELETE", "/health")
    error_of(r, 405, "unsupported")
    assert r.headers["Allow"] == "GET"
    r = api.get("/ids/check")
    error_of(r, 405, "unsupported")
    assert r.headers["Allow"] == "POST"


def test_head_is_served_like_get(api):
    r = api.request("HEAD", "/version")
    assert r.status_code == 200
    assert r.content == b""


def test_request_id_is_made_or_passed_through(api):
    a = api.get("/version").headers["X-Request-Id"]
    b = api.get("/version").headers["X-Request-Id"]
    assert a and b and a != b
    assert api.get("/version", headers={"X-Request-Id": "proxy-42"}).headers["X-Request-Id"] == "proxy-42"
    # an id with characters that could forge log fields is replaced
    forged = api.get("/version", headers={"X-Request-Id": "a b=c"}).headers["X-Request-Id"]
    assert forged != "a b=c" and " " not in forged


def test_security_headers(api):
    h = api.get("/version").headers
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Cache-Control"] == "no-store"
