"""Identifiers, regions, the working-day calendar and deadline rules."""
from conftest import error_of


def check(api, code, **kw):
    r = api.post("/ids/check", json={"code": code, **kw})
    assert r.status_code == 200, r.text
    return r.json()


def test_valid_uscc_with_region(api):
    body = check(api, "91110000600037341L")
    assert body["valid"] is True
    assert body["kind"] == "uscc" and body["kind_name"] == "统一社会信用代码"
    assert body["code"] == "91110000600037341L"
    assert body["region"]["code"] == "110000"
    assert body["region"]["full_name"] == "北京市"
    assert "reason" not in body


def test_lower_case_uscc_is_normalised(api):
    body = check(api, " 91310115ma1k3btp2b ")
    assert body["valid"] is True and body["code"] == "91310115MA1K3BTP2B"


def test_all_digit_uscc_is_detected(api):
    body = check(api, "121200004013590816")
    assert body["valid"] is True and body["kind"] == "uscc"


def test_uscc_checksum_names_the_expected_character(api):
    body = check(api, "91110000600037341M")
    assert body["valid"] is False
    assert body["reason"]["field"] == "code"
    assert "'L'" in body["reason"]["message"]


def test_resident_id_is_masked_in_the_answer(api):
    body = check(api, "11010519491231002X")
    assert body["valid"] is True and body["kind"] == "resident"
    assert body["code"] == "110105********002X"
    assert "11010519491231002X" not in str(body)


def test_resident_impossible_date(api):
    body = check(api, "110105194902300021", kind="resident")
    assert body["valid"] is False and "date" in body["reason"]["message"]


def test_kind_forces_the_check(api):
    body = check(api, "91110000600037341L", kind="resident")
    assert body["valid"] is False and body["kind"] == "resident"


def test_region_lookup(api):
    r = api.get("/regions/210102")
    assert r.status_code == 200
    assert r.json() == {"code": "210102", "name": "和平区", "full_name": "辽宁省沈阳市和平区",
                        "parent": "210100"}
    assert api.get("/regions/211400").json()["name"] == "葫芦岛市"
    assert api.get("/regions/210000").json()["parent"] is None


def test_region_refusals(api):
    error_of(api.get("/regions/2101"), 400, "invalid_value", "code")
    error_of(api.get("/regions/21010x"), 400, "invalid_value", "code")
    error_of(api.get("/regions/999999"), 404, "not_found", "code")
    error_of(api.get("/regions", params={"parent": "abc"}), 400, "invalid_value", "parent")
    error_of(api.get("/regions", params={"parent": "990000"}), 404, "not_found", "parent")


def test_region_children_of_liaoning(api):
    body = api.get("/regions", params={"parent": "210000"}).json()
    codes = [r["code"] for r in body["regions"]]
    assert len(codes) == 14  # 14 prefecture-level cities
    assert codes[0] == "210100" and codes[-1] == "211400"
    provinces = api.get("/regions").json()["regions"]
    assert any(p["code"] == "210000" and p["name"] == "辽宁省" for p in provinces)


def test_calendar_days(api):
    d = api.get("/calendar/2026-02-14").json()
    assert d["workday"] is True and d["kind"] == "makeup" and d["weekday"] == 6
    d = api.get("/calendar/2026-02-16").json()
    assert d["workday"] is False and d["kind"] == "holiday" and d["label"]
    d = api.get("/calendar/2026-03-07").json()
    assert d["workday"] is False and d["kind"] == "weekend"
    assert api.get("/calendar/2024-02-04").json()["workday"] is True  # 2024 调休 Sunday


def test_calendar_refusals(api):
    msg = error_of(api.get("/calendar/2031-01-02"), 422, "no_data", "date")
    assert "2031" in msg
    error_of(api.get("/calendar/2026-02-30"), 400, "invalid_value", "date")
    error_of(api.get("/calendar/26-1-1"), 400, "parse_error", "date")


def test_deadline_rules(api):
    rules = api.get("/deadlines").json()["rules"]
    assert len(rules) == 18
    decide = next(r for r in rules if r["id"] == "penalty.decide")
    assert decide["n"] == 90 and decide["kind"] == "days" and "行政处罚法" in decide["law"]


def test_deadline_compute_rolls_past_a_holiday(api):
    r = api.get("/deadlines/penalty.pay", params={"from": "2026-09-17"})
    body = r.json()
    assert r.status_code == 200
    assert body["nominal"] == "2026-10-02" and body["due"] == "2026-10-08" and body["rolled"] is True
    assert "2026-10-08" in body["explanation"]


def test_deadline_workdays(api):
    body = api.get("/deadlines/inspection.publish", params={"from": "2026-09-18"}).json()
    # 20 working days after 2026-09-18, skipping 中秋 (09-25..27), 国庆 (10-01..07), counting 09-20 and 10-10
    assert body["due"] == "2026-10-22"


def test_deadline_refusals(api):
    msg = error_of(api.get("/deadlines/penalty.nope", params={"from": "2026-01-05"}), 404, "not_found", "id")
    assert "penalty.decide" in msg
    error_of(api.get("/deadlines/penalty.pay"), 422, "missing_field", "from")
    error_of(api.get("/deadlines/penalty.pay", params={"from": "2026-13-01"}), 400, None, "from")
    msg = error_of(api.get("/deadlines/penalty.decide", params={"from": "2026-12-01"}), 422, "no_data")
    assert "2027" in msg
