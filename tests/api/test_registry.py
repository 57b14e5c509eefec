"""The registry over HTTP against a real `fazhi serve`: departments,
officers, entities and catalogues created, read, changed and deactivated
by the roles that may; the data scope that keeps one city's officer out of
another city's records through every endpoint; bulk import (GB18030 and
UTF-8) with its rejected rows and its ledger event carrying the file's SM3;
exports; the public certificate look-up; and bad input refused with the
field and the reason, changing nothing."""
import hashlib
import os
import re
import subprocess

import pytest
import requests

from codes import resident, uscc
from conftest import BACKEND, BIN, Server, error_of
from test_accounts import Client, Db, create_user, psql, sign_in

PG_SCHEMA = "fz_api_registry"


class Env:
    pass


def patch(c, path, body):
    return c.http.patch(c.base + path, json=body, timeout=30,
                        headers={"X-CSRF-Token": c.csrf})


def upload(c, path, data):
    return c.http.post(c.base + path, data=data, timeout=60,
                       headers={"X-CSRF-Token": c.csrf, "Content-Type": "text/csv"})


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    d = tmp_path_factory.mktemp("registry")
    if BACKEND == "sqlite":
        url = "sqlite:%s/registry.db" % d
    else:
        base = os.environ["FAZHI_TEST_PG_URL"]
        psql(base, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (PG_SCHEMA, PG_SCHEMA))
        url = base + ("&" if "?" in base else "?") + "options=-csearch_path%3D" + PG_SCHEMA
    e = Env()
    e.url, e.db = url, Db(url)
    keys = e.keys = ["--ledger-key", str(d / "ledger.key"), "--id-key", str(d / "id.key")]
    r = subprocess.run([BIN, "init", "--db", url, *keys], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    otps = dict(re.findall(r"^  (sysadmin|secadmin|auditor) +(\S+)", r.stdout, re.M))
    e.server = Server(url, extra=keys)
    e.admins = {n: sign_in(e, n, otps[n])[0] for n in ("sysadmin", "secadmin", "auditor")}

    def person(name, region, roles):
        _, otp = create_user(e.admins, name, region, roles)
        return sign_in(e, name, otp)[0]

    e.sup = person("ln.supervisor", "21", ["supervisor"])
    e.sy = person("sy.officer", "2101", ["officer"])
    e.dl = person("dl.officer", "2102", ["officer"])
    yield e
    assert e.server.stop() == 0
    if BACKEND != "sqlite":
        psql(os.environ["FAZHI_TEST_PG_URL"], "DROP SCHEMA %s CASCADE" % PG_SCHEMA)


def events(env):
    return int(env.db.rows("SELECT COUNT(*) FROM ledger_event")[0][0])


def created(resp):
    assert resp.status_code == 201, resp.text
    return resp.json()


@pytest.fixture(scope="module")
def world(env):
    """Two cities' market departments, their officers and an entity each."""
    w = Env()
    w.sy_dept = created(env.sup.post("/departments", {
        "name": "沈阳市市场监督管理局", "uscc": uscc("210100", 11, "11"),
        "kind": "market", "region_code": "210100", "level": "市"}))
    w.dl_dept = created(env.sup.post("/departments", {
        "name": "大连市市场监督管理局", "uscc": uscc("210200", 12, "11"),
        "kind": "市场监督管理", "region_code": "210200", "level": "市"}))
    w.officer = created(env.sup.post("/officers", {
        "name": "王建国", "id_number": resident("210102", "19800101", 11),
        "cert_no": "21010001", "cert_from": "2024-01-01", "cert_to": "2099-12-31",
        "status": "valid", "department_id": w.sy_dept["id"],
        "areas": ["食品安全", "广告"], "legal_qualification": True}))
    w.expired = created(env.sup.post("/officers", {
        "name": "李敏", "cert_no": "21010002", "cert_from": "2018-01-01",
        "cert_to": "2023-12-31", "status": "valid", "department_id": w.sy_dept["id"]}))
    w.revoked = created(env.sup.post("/officers", {
        "name": "赵强", "cert_no": "21020003", "cert_from": "2022-01-01",
        "cert_to": "2099-12-31", "status": "收缴", "department_id": w.dl_dept["id"]}))
    w.aux = created(env.sup.post("/officers", {
        "name": "孙丽", "auxiliary": True, "status": "valid",
        "department_id": w.sy_dept["id"]}))
    w.sy_entity = created(env.sy.post("/entities", {
        "uscc": uscc("210102", 101), "name": "沈阳和平商贸有限公司", "kind": "企业",
        "industry": "F51", "legal_rep": "张三丰", "credit_grade": "A"}))
    w.dl_entity = created(env.dl.post("/entities", {
        "uscc": uscc("210202", 102), "name": "大连中山海产品有限公司", "kind": "企业",
        "industry": "C13", "legal_rep": "欧阳娜娜"}))
    return w


def test_records_carry_normalised_values_and_hide_the_id_number(env, world):
    assert world.dl_dept["kind"] == "market"  # the Chinese name is accepted
    assert world.sy_entity["region_code"] == "210102"  # from the USCC's digits
    assert world.sy_entity["status"] == "存续"
    assert world.revoked["status"] == "revoked"
    assert world.officer["areas"] == ["食品安全", "广告"]
    plain = resident("210102", "19800101", 11)
    assert world.officer["id_number_masked"] == plain[:6] + "*" * 8 + plain[-4:]
    assert "id_number" not in world.officer
    rows = env.db.rows("SELECT id_masked, id_sealed FROM officers WHERE id = %d" % world.officer["id"])
    assert plain not in repr(rows) and rows[0][0].startswith("210102****")
    assert world.officer["certificate"]["state"] == "valid"
    assert world.expired["certificate"]["state"] == "expired"
    assert world.aux["certificate"] is None and world.aux["cert_no"] is None


def test_every_change_appends_exactly_its_event(env, world):
    before = events(env)
    r = env.sy.post("/entities", {"uscc": uscc("210103", 103), "name": "沈河小店",
                                  "kind": "个体工商户"})
    e = created(r)
    assert events(env) == before + 1
    r = patch(env.sy, "/entities/%d" % e["id"], {"credit_grade": "B", "credit_date": "2026-01-05"})
    assert r.status_code == 200, r.text
    assert r.json()["credit_grade"] == "B"
    r = env.sy.post("/entities/%d/deactivate" % e["id"], {"reason": "迁出本市"})
    assert r.status_code == 200 and r.json()["active"] is False
    r = env.sy.post("/entities/%d/reactivate" % e["id"], {"reason": "迁回"})
    assert r.status_code == 200 and r.json()["active"] is True
    assert events(env) == before + 4
    actions = [a for _, a, _ in env.db.ledger()[-4:]]
    assert actions == ["entity.create", "entity.update", "entity.deactivate", "entity.reactivate"]
    body = env.db.rows("SELECT body FROM ledger_event WHERE action = 'entity.update' ORDER BY seq DESC")[0][0]
    assert '"credit_grade":{"from":"","to":"B"}' in body.replace('"from":null', '"from":""')


def test_the_ledger_masks_persons(env, world):
    body = env.db.rows("SELECT body FROM ledger_event WHERE action = 'officer.create' ORDER BY seq")[0][0]
    assert "王建国" not in body and "王*国" in body
    assert resident("210102", "19800101", 11) not in body


def test_an_officer_of_one_city_cannot_reach_another_citys_records(env, world):
    other = world.dl_entity
    for path in ("/entities/%d" % other["id"], "/entities/code/%s" % other["uscc"]):
        error_of(env.sy.get(path), 404, "not_found")
    error_of(patch(env.sy, "/entities/%d" % other["id"], {"name": "改名"}), 404, "not_found")
    error_of(env.sy.post("/entities/%d/deactivate" % other["id"], {"reason": "x"}), 404, "not_found")
    listed = env.sy.get("/entities?active=all&limit=1000").json()["items"]
    assert listed and all(e["region_code"].startswith("2101") for e in listed)
    assert other["uscc"] not in env.sy.get("/entities/export").text
    error_of(env.sy.post("/entities", {"uscc": uscc("210202", 199), "name": "越界",
                                       "kind": "企业"}), 403, "forbidden", "region_code")
    # Nothing of the other city changed.
    assert env.dl.get("/entities/%d" % other["id"]).json()["name"] == other["name"]


def test_roles_that_may_not_write_are_refused(env, world):
    before = events(env)
    error_of(env.sy.post("/departments", {"name": "x", "uscc": uscc("210100", 77, "11"),
                                          "kind": "market", "region_code": "210100",
                                          "level": "市"}), 403, "forbidden")
    error_of(env.admins["sysadmin"].get("/entities"), 403, "forbidden")
    error_of(requests.get(env.server.url + "/api/v1/entities", timeout=10), 401, "unauthorized")
    assert events(env) == before


def test_bad_input_is_refused_with_field_and_reason(env, world):
    before = events(env)
    error_of(env.sy.post("/entities", {"uscc": "91210102MA0TEST00X", "name": "x", "kind": "企业"}),
             400, "invalid_value", "uscc")
    error_of(env.sy.post("/entities", {"uscc": uscc("219999", 5), "name": "x", "kind": "企业"}),
             400, "invalid_value", "uscc")
    error_of(env.sy.post("/entities", {"uscc": uscc("210102", 6), "kind": "企业"}),
             422, "missing_field", "name")
    error_of(env.sy.post("/entities", {"uscc": uscc("210102", 6), "name": "x", "kind": "公司"}),
             400, "invalid_value", "kind")
    error_of(env.sy.post("/entities", {"uscc": uscc("210102", 6), "name": "x", "kind": "企业",
                                       "colour": "red"}), 400, "unknown_field", "colour")
    error_of(env.sy.post("/entities", {"uscc": uscc("210102", 6), "name": 5, "kind": "企业"}),
             400, "wrong_type", "name")
    error_of(env.sy.post("/entities", {"uscc": uscc("210102", 6), "name": "x", "kind": "企业",
                                       "industry": "Z99"}), 400, "invalid_value", "industry")
    error_of(env.sy.post("/entities", {"uscc": world.sy_entity["uscc"], "name": "x",
                                       "kind": "企业"}), 409, "already_exists", "uscc")
    eid = world.sy_entity["id"]
    error_of(patch(env.sy, "/entities/%d" % eid, {"uscc": uscc("210102", 8)}), 409, "conflict", "uscc")
    error_of(patch(env.sy, "/entities/%d" % eid, {"name": world.sy_entity["name"]}), 409, "conflict")
    error_of(env.sy.post("/entities/%d/deactivate" % eid, {}), 422, "missing_field", "reason")
    error_of(env.sup.post("/officers", {"name": "x", "status": "valid", "cert_no": "X1",
                                        "department_id": world.sy_dept["id"]}),
             422, "missing_field", "cert_from")
    error_of(env.sup.post("/officers", {"name": "x", "status": "valid", "cert_no": "X1",
                                        "cert_from": "2026-01-01", "cert_to": "2025-01-01",
                                        "department_id": world.sy_dept["id"]}),
             400, "invalid_value", "cert_to")
    error_of(env.sup.post("/officers", {"name": "x", "status": "valid", "auxiliary": True,
                                        "cert_no": "X2", "department_id": world.sy_dept["id"]}),
             400, "invalid_value", "cert_no")
    error_of(env.sup.post("/officers", {"name": "x", "status": "valid", "auxiliary": True,
                                        "id_number": resident("210102", "19800101", 11),
                                        "department_id": world.sy_dept["id"]}),
             409, "already_exists", "id_number")
    error_of(env.sy.get("/entities?sort=address"), 400, "invalid_value", "sort")
    error_of(env.sy.get("/entities?limit=0"), 400, "invalid_value", "limit")
    error_of(env.sy.get("/entities?cursor=zz"), 400, "invalid_value", "cursor")
    assert events(env) == before


def test_lists_filter_sort_and_page(env, world):
    for i in range(5):
        created(env.sy.post("/entities", {"uscc": uscc("210104", 200 + i), "name": "大东店%d" % i,
                                          "kind": "个体工商户", "credit_grade": "C",
                                          "tags": "重点;食品"}))
    seen, cursor = [], None
    while True:
        q = "/entities?region_code=210104&sort=-name&limit=2" + ("&cursor=" + cursor if cursor else "")
        page = env.sy.get(q).json()
        seen += [e["name"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["大东店%d" % i for i in range(4, -1, -1)]
    assert len(env.sy.get("/entities?credit_grade=C&tags=食品").json()["items"]) == 5
    assert env.sy.get("/entities?q=大东店3").json()["items"][0]["name"] == "大东店3"
    assert env.sy.get("/entities?q=" + world.sy_entity["uscc"]).json()["items"][0]["id"] == world.sy_entity["id"]


def test_public_certificate_lookup_tells_the_cases_apart(env, world):
    def look(cert):
        return requests.get(env.server.url + "/api/v1/public/officers/" + cert, timeout=10)
    ok = look("21010001").json()
    assert ok["state"] == "valid" and ok["valid"] is True and ok["name"] == "王*国"
    assert ok["department"] == "沈阳市市场监督管理局" and "id_number" not in str(ok)
    assert ok["areas"] == world.officer["areas"] == ["食品安全", "广告"]
    expired = look("21010002").json()
    assert expired["state"] == "expired" and isinstance(expired["areas"], list)
    assert look("21020003").json()["state"] == "revoked"
    error_of(look("99999999"), 404, "not_found", "cert_no")
    # Suspending a certificate shows at once.
    r = patch(env.sup, "/officers/%d" % world.officer["id"], {"status": "暂扣"})
    assert r.status_code == 200, r.text
    assert look("21010001").json()["state"] == "suspended"
    assert patch(env.sup, "/officers/%d" % world.officer["id"], {"status": "valid"}).status_code == 200


def test_public_catalogues_show_public_fields_only(env, world):
    deps = requests.get(env.server.url + "/api/v1/public/departments", timeout=10).json()["items"]
    assert {d["name"] for d in deps} >= {"沈阳市市场监督管理局", "大连市市场监督管理局"}
    assert all("created_at" not in d for d in deps)


def test_import_over_http_gb18030_with_rejected_rows(env, world):
    rows = ["统一社会信用代码,名称,主体类型,行业,法定代表人",
            "%s,沈阳铁西机械厂,企业,C34,刘德华" % uscc("210106", 301),
            "%s,坏码公司,企业,C34,刘德" % "91210106MA0TEST00X",
            "%s,沈阳铁西食品店,个体工商户,F52,陈红" % uscc("210106", 302),
            "%s,大连越界公司,企业,C34,王五" % uscc("210202", 303),
            "%s,重复公司,企业,C34,王五" % world.sy_entity["uscc"]]
    data = ("\r\n".join(rows) + "\r\n").encode("gb18030")
    before = events(env)
    r = upload(env.sy, "/imports/entities?name=tiexi.csv", data)
    assert r.status_code == 201, r.text
    imp = r.json()
    assert (imp["rows"], imp["inserted"], imp["rejected"]) == (5, 2, 3)
    assert imp["encoding"] == "GB18030" and imp["status"] == "done" and imp["percent"] == 100
    assert imp["file_sm3"] == hashlib.new("sm3", data).hexdigest()
    errs = env.sy.get("/imports/%d/errors" % imp["id"]).json()["items"]
    assert [(e["line"], e["field"]) for e in errs] == [(3, "uscc"), (5, "region_code"), (6, "uscc")]
    assert events(env) == before + 1
    body = env.db.rows("SELECT body FROM ledger_event ORDER BY seq DESC")[0][0]
    assert imp["file_sm3"] in body and '"inserted":2' in body
    assert env.sy.get("/entities/code/" + uscc("210106", 302)).json()["name"] == "沈阳铁西食品店"
    assert env.sy.get("/imports").json()["items"][0]["id"] == imp["id"]
    error_of(env.dl.get("/imports/%d" % imp["id"]), 404, "not_found")


def test_cli_import_in_batches_commits_each_and_stops_at_a_broken_quote(env, world, tmp_path):
    # Batches of two rows: each is read while the one before is written
    # (registry/import.c).  The refusals still come in line order, each
    # batch is its own ledger event with its lines, and the broken quote in
    # the fourth batch stops the import with the first three committed.
    good = [uscc("210106", 501 + i) for i in range(4)]
    rows = ["uscc,name,kind,industry,legal_rep",
            "%s,批次一厂,企业,C34,张三" % good[0],
            "91210106MA0TEST00X,坏码公司,企业,C34,李四",
            "%s,批次二厂,企业,C34,王五" % good[1],
            "%s,批次二店,个体工商户,F52,赵六" % good[2],
            "%s,坏行业公司,企业,Z99,钱七" % uscc("210106", 509),
            "%s,批次三厂,企业,C34,孙八" % good[3],
            '%s,"未闭合的引号,企业,C34,周九' % uscc("210106", 510)]
    path = tmp_path / "batches.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = events(env)
    r = subprocess.run([BIN, "import", "entities", str(path), "--db", env.url, "--batch", "2", *env.keys],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r
    lines = r.stderr.splitlines()
    assert lines[0].startswith("line 3: uscc: ") and lines[1].startswith("line 6: industry: "), r.stderr
    assert "line 8: unterminated quoted field" in lines[2], r.stderr
    assert "(4 rows committed before this)" in r.stderr, r.stderr
    assert events(env) == before + 3
    bodies = [b for (b,) in env.db.rows("SELECT body FROM ledger_event ORDER BY seq")][-3:]
    for n, (first, last, inserted) in enumerate([(2, 3, 1), (4, 5, 2), (6, 7, 1)]):
        assert '"batch":%d' % (n + 1) in bodies[n], bodies[n]
        assert '"lines":[%d,%d]' % (first, last) in bodies[n], bodies[n]
        assert '"inserted":%d' % inserted in bodies[n], bodies[n]
    for code in good:
        assert env.sy.get("/entities/code/" + code).status_code == 200
    error_of(env.sy.get("/entities/code/" + uscc("210106", 510)), 404, "not_found")


def test_import_refuses_a_bad_header_and_writes_nothing(env, world):
    before = events(env)
    data = "uscc,名称,colour\n%s,x,red\n" % uscc("210106", 401)
    r = upload(env.sy, "/imports/entities", data.encode())
    error_of(r, 400, "invalid_value", "file")
    assert "colour" in r.json()["error"]["message"]
    error_of(upload(env.sy, "/imports/entities", b"uscc\n" + uscc("210106", 402).encode() + b"\n"),
             422, "missing_field", "file")
    error_of(upload(env.sy, "/imports/departments", b"x"), 403, "forbidden")
    assert int(env.db.rows("SELECT COUNT(*) FROM entities WHERE uscc LIKE '%%0000040%%'")[0][0]) == 0
    # Only the failed imports' own records changed (imports table), no ledger event.
    assert events(env) == before


def test_exports_as_csv_and_xlsx(env, world):
    r = env.sy.get("/entities/export?region_code=210102")
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    text = r.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("统一社会信用代码,名称")
    assert world.sy_entity["uscc"] in text
    x = env.sy.get("/entities/export?format=xlsx")
    assert x.status_code == 200 and x.content[:4] == b"PK\x03\x04"
    error_of(env.sy.get("/entities/export?format=pdf"), 400, "invalid_value", "format")


def test_lists_and_look_ups_show_what_the_record_shows(env, world):
    # The list and the look-up by code write their JSON text themselves:
    # the same members and values as the record, text escaped as JSON.
    made = created(env.sy.post("/entities", {
        "uscc": uscc("210103", 601), "name": '沈河"引号"\\反斜杠/斜杠商行', "kind": "个体工商户",
        "industry": "F52", "legal_rep": "李四", "tags": ["食品经营", "重点\"监管"],
        "address": "沈阳市沈河区北站路1号"}))
    one = env.sy.get("/entities/%d" % made["id"]).json()
    assert env.sy.get("/entities/code/" + made["uscc"]).json() == one
    for q in ("region_code=210103", "region_code=2101", "region_code=21", "region_code=21010",
              "region_code=2101&kind=个体工商户", "q=反斜杠"):
        items = env.sy.get("/entities?active=all&limit=1000&" + q).json()["items"]
        assert [i for i in items if i["id"] == made["id"]] == [one], q
        assert all(i["region_code"].startswith("2101") for i in items)
    assert env.sy.get("/entities?region_code=2102").json() == {"items": [], "next_cursor": None}
    officer = env.sup.get("/officers/%d" % world.officer["id"]).json()
    assert env.sup.get("/officers/code/" + officer["cert_no"]).json() == officer
    listed = env.sup.get("/officers?active=all&limit=1000").json()["items"]
    assert [o for o in listed if o["id"] == officer["id"]] == [officer]
