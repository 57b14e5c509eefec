"""Bad request bodies: each kind gets its own clear 4xx naming the field."""
import socket

import requests

from conftest import error_of

JSON = {"Content-Type": "application/json"}


def post_raw(api, body, headers=JSON):
    return api.post("/ids/check", data=body, headers=headers)


def test_malformed_json_says_where(api):
    msg = error_of(post_raw(api, b'{"code": "91110000600037341L",'), 400, "parse_error")
    assert "line 1" in msg and "column" in msg


def test_duplicate_keys_are_malformed(api):
    error_of(post_raw(api, b'{"code": "a", "code": "b"}'), 400, "parse_error")


def test_invalid_utf8_is_malformed(api):
    error_of(post_raw(api, b'{"code": "\xff\xfe"}'), 400, "parse_error")


def test_wrong_type_names_the_field(api):
    msg = error_of(api.post("/ids/check", json={"code": 91110000600037341}), 400, "wrong_type", "code")
    assert "string" in msg and "integer" in msg


def test_body_must_be_an_object(api):
    error_of(api.post("/ids/check", json=["91110000600037341L"]), 400, "wrong_type")


def test_unknown_field_is_refused(api):
    msg = error_of(api.post("/ids/check", json={"code": "91110000600037341L", "kidn": "uscc"}),
                   400, "unknown_field", "kidn")
    assert "kind" in msg  # says which fields are accepted


def test_missing_field(api):
    error_of(api.post("/ids/check", json={}), 422, "missing_field", "code")


def test_bad_enum_value(api):
    msg = error_of(api.post("/ids/check", json={"code": "91110000600037341L", "kind": "passport"}),
                   400, "invalid_value", "kind")
    assert "uscc" in msg and "resident" in msg


def test_empty_body(api):
    error_of(post_raw(api, b""), 400, "parse_error")


def test_wrong_content_type(api):
    error_of(post_raw(api, b'{"code": "x"}', {"Content-Type": "text/plain"}), 415, "unsupported",
             "Content-Type")


def test_oversize_body_with_length_is_413(api):
    big = b'{"code": "' + b"1" * 70000 + b'"}'
    error_of(post_raw(api, big), 413, "too_large")


def test_oversize_chunked_body_is_413(api):
    def chunks():
        yield b'{"code": "'
        for _ in range(20):
            yield b"1" * 4096
        yield b'"}'
    error_of(api.post("/ids/check", data=chunks(), headers=JSON), 413, "too_large")


def test_body_just_under_the_limit_is_read(api):
    # 65536 is the limit the test server runs with; a long code is a length error, not a 413
    body = b'{"code": "' + b"1" * (65536 - 12) + b'"}'
    assert len(body) <= 65536
    error_of(api.post("/ids/check", data=body, headers=JSON), 400, "invalid_value", "code")


def test_server_survives_garbage(api, server):
    host, port = "127.0.0.1", server.port
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(b"\x16\x03\x01\x02\x00 not http at all\r\n\r\n")
        try:
            s.recv(1024)
        except OSError:
            pass
    assert requests.get(server.url + "/api/v1/version", timeout=5).status_code == 200


def test_record_ids_beyond_32_bits_are_refused_as_such(api):
    # Record ids are INTEGER columns (32 bits on PostgreSQL): a larger id in
    # a path or a cursor names no record and gets a 400 saying the range,
    # never a database error; the largest id is read and simply not found.
    for path in ("/public/draws/2147483648", "/public/decisions/30000000000",
                 "/public/benchmarks/99999999999"):
        msg = error_of(api.get(path), 400, "invalid_value", "id")
        assert "2147483647" in msg
    error_of(api.get("/public/draws/2147483647"), 404, "not_found")
    error_of(api.get("/public/draws?cursor=2147483648"), 400, "invalid_value", "cursor")
    error_of(api.get("/public/draws/0"), 400, "invalid_value", "id")
