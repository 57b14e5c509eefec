"""裁量基准 and lenient lists over HTTP against a real `fazhi serve`:
versions created, listed, read and superseded by who may; CSV imports with
their rejected rows (line, field, reason) beside the rows committed, one
ledger event carrying the file's SM3; a GB18030 file; the export read back;
the public views without login; evaluation of facts; and bad input refused
with the field and the reason, changing nothing."""
import hashlib
import json
import os
import re
import subprocess

import pytest
import requests

from conftest import BACKEND, BIN, Server, error_of
from test_accounts import Db, create_user, psql, sign_in

PG_SCHEMA = "fz_api_discretion"


class Env:
    pass


def upload(c, path, data, ctype="text/csv"):
    return c.http.post(c.base + path, data=data, timeout=60,
                       headers={"X-CSRF-Token": c.csrf, "Content-Type": ctype})


def created(resp):
    assert resp.status_code == 201, resp.text
    return resp.json()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    d = tmp_path_factory.mktemp("discretion")
    if BACKEND == "sqlite":
        url = "sqlite:%s/discretion.db" % d
    else:
        base = os.environ["FAZHI_TEST_PG_URL"]
        psql(base, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (PG_SCHEMA, PG_SCHEMA))
        url = base + ("&" if "?" in base else "?") + "options=-csearch_path%3D" + PG_SCHEMA
    e = Env()
    e.url, e.db = url, Db(url)
    keys = ["--ledger-key", str(d / "ledger.key"), "--id-key", str(d / "id.key")]
    r = subprocess.run([BIN, "init", "--db", url, *keys], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    otps = dict(re.findall(r"^  (sysadmin|secadmin|auditor) +(\S+)", r.stdout, re.M))
    e.server = Server(url, extra=keys)
    e.admins = {n: sign_in(e, n, otps[n])[0] for n in ("sysadmin", "secadmin", "auditor")}

    def person(name, region, roles):
        _, otp = create_user(e.admins, name, region, roles)
        return sign_in(e, name, otp)[0]

    e.sup = person("disc.supervisor", "21", ["supervisor"])
    e.officer = person("disc.officer", "2101", ["officer"])
    for code, kind, dk in (("AT-CF-001", "行政处罚", "market"), ("AT-CF-002", "行政处罚", "market"),
                           ("AT-CF-003", "行政处罚", "market"), ("AT-CF-009", "行政处罚", "market"),
                           ("AT-CF-101", "行政处罚", "ecology"), ("AT-QZ-001", "行政强制", "market"),
                           ("AT-JC-001", "行政检查", "market")):
        created(e.sup.post("/matters", {"code": code, "name": "测试事项 " + code, "kind": kind,
                                        "department_kind": dk, "law": "测试法",
                                        "article": "第一条", "level": "县"}))
    yield e
    assert e.server.stop() == 0
    if BACKEND != "sqlite":
        psql(os.environ["FAZHI_TEST_PG_URL"], "DROP SCHEMA %s CASCADE" % PG_SCHEMA)


def events(env):
    return int(env.db.rows("SELECT COUNT(*) FROM ledger_event")[0][0])


def spec(matter, version, frm, a=0, b=1000, c=5000, d=10000, **extra):
    s = {"matter_code": matter, "version": version, "effective_from": frm,
         "law": "中华人民共和国测试法", "article": "第十条", "tiers": [
             {"tier": "轻微", "harms": ["none", "slight"], "conditions": "情节轻微",
              "kinds": ["警告", "罚款"], "fine": {"lower_min": str(a), "lower_max": str(b)}},
             {"tier": "一般", "harms": ["general"], "conditions": "一般情节",
              "kinds": ["罚款"], "fine": {"lower_min": str(b), "lower_max": str(c)}},
             {"tier": "严重", "harms": ["serious", "severe"], "conditions": "情节严重",
              "kinds": ["罚款", "吊销许可证件"], "fine": {"lower_min": str(c), "lower_max": str(d)}}]}
    s.update(extra)
    return s


def test_create_list_get_and_supersede(env):
    before = events(env)
    v1 = created(env.sup.post("/benchmarks", spec("AT-CF-001", "2020版", "2020-01-01")))
    assert events(env) == before + 1
    assert env.db.ledger()[-1][1] == "benchmark.create"
    assert v1["status"] == "active" and v1["effective_to"] is None
    assert v1["department_kind"] == "market" and v1["matter_name"] == "测试事项 AT-CF-001"
    assert v1["tiers"][0]["fine"] == {"base": None, "lower_min": "0.00", "lower_max": "1000.00",
                                      "text": "罚款 1,000.00 元以下"}
    assert env.officer.get("/benchmarks/%d" % v1["id"]).json() == v1
    # A second open version of the matter: supersede it instead.
    msg = error_of(env.sup.post("/benchmarks", spec("AT-CF-001", "2023版", "2023-01-01")),
                   409, "conflict", "effective_from")
    assert "替代" in msg
    body = spec("AT-CF-001", "2023版", "2023-01-01", 0, 500, 2000, 8000)
    del body["matter_code"]
    v2 = created(env.sup.post("/benchmarks/%d/supersede" % v1["id"], body))
    assert v2["supersedes"] == v1["id"] and v2["matter_code"] == "AT-CF-001"
    assert events(env) == before + 2
    assert env.db.ledger()[-1][1] == "benchmark.supersede"
    old = env.officer.get("/benchmarks/%d" % v1["id"]).json()
    assert old["status"] == "superseded" and old["effective_to"] == "2022-12-31"
    assert old["superseded_by"] == v2["id"]
    listed = env.officer.get("/benchmarks?matter=AT-CF-001").json()["items"]
    assert [x["id"] for x in listed] == [v1["id"], v2["id"]]
    listed = env.officer.get("/benchmarks?matter=AT-CF-001&status=active").json()["items"]
    assert [x["id"] for x in listed] == [v2["id"]]
    listed = env.officer.get("/benchmarks?matter=AT-CF-001&on=2021-05-01").json()["items"]
    assert [x["id"] for x in listed] == [v1["id"]]
    listed = env.officer.get("/benchmarks?department_kind=市场监督管理&limit=1").json()
    assert len(listed["items"]) == 1 and listed["next_cursor"]
    # Only the latest can be superseded; a successor starts later.
    error_of(env.sup.post("/benchmarks/%d/supersede" % v1["id"],
                          spec("AT-CF-001", "2024版", "2024-01-01")), 409, "conflict", "id")
    error_of(env.sup.post("/benchmarks/%d/supersede" % v2["id"],
                          spec("AT-CF-001", "2024版", "2022-01-01")), 409, "conflict",
             "effective_from")
    error_of(env.sup.post("/benchmarks/%d/supersede" % v2["id"],
                          spec("AT-CF-002", "2024版", "2024-01-01")), 400, "invalid_value",
             "matter_code")
    error_of(env.officer.get("/benchmarks/999999"), 404, "not_found", "id")
    assert events(env) == before + 2


def test_evaluate_explains_itself(env):
    facts = {"matter_code": "AT-CF-001", "act_date": "2022-06-01", "decision_date": "2023-03-01",
             "harm": "general", "party": "organisation", "corrected": True,
             "first_offence": None}
    r = env.officer.post("/discretion/evaluate", facts)
    assert r.status_code == 200, r.text
    ev = r.json()
    # 从旧兼从轻 (Art. 37): the 2023版 is lighter for the 一般 tier.
    assert ev["versions"]["at_act"]["version"] == "2020版"
    assert ev["versions"]["at_decision"]["version"] == "2023版"
    assert ev["versions"]["applied"]["version"] == "2023版"
    assert ev["tier"]["key"] == "一般" and ev["kinds"] == ["罚款"]
    assert (ev["range"]["min"], ev["range"]["max"]) == ("500.00", "2000.00")
    assert ev["no_penalty"] is False and ev["mitigation"] is None
    assert all(l["citation"].startswith("《") and "第" in l["citation"] for l in ev["lines"])
    assert any("第三十七条" in l["citation"] for l in ev["lines"])
    error_of(env.officer.post("/discretion/evaluate", {**facts, "harm": "awful"}),
             400, "invalid_value", "harm")
    error_of(env.officer.post("/discretion/evaluate", {**facts, "act_date": "2019-01-01",
                                                       "decision_date": "2019-02-01"}),
             422, "no_data", "matter_code")
    error_of(env.admins["sysadmin"].post("/discretion/evaluate", facts), 403, "forbidden")


def test_lists_and_the_exemption(env):
    before = events(env)
    lst = created(env.sup.post("/lenient-lists", {
        "kind": "exempt", "department_kind": "market", "name": "测试免罚清单", "version": "v1",
        "effective_from": "2023-01-01", "law": "中华人民共和国行政处罚法",
        "article": "第三十三条第一款", "entries": [{
            "matter_code": "AT-CF-001", "max_harm": "slight", "corrected": True,
            "first_offence": True, "effect": "may_no_penalty",
            "conditions": "初次违法、危害后果轻微并及时改正", "law": "中华人民共和国行政处罚法",
            "article": "第三十三条第一款"}]}))
    assert events(env) == before + 1 and env.db.ledger()[-1][1] == "lenient_list.create"
    assert lst["entries"][0]["effect_label"] == "可以不予行政处罚"
    facts = {"matter_code": "AT-CF-001", "act_date": "2024-02-01", "decision_date": "2024-03-01",
             "harm": "slight", "corrected": True}
    ev = env.officer.post("/discretion/evaluate", facts).json()
    entry = [x for x in ev["lists"] if x["list_id"] == lst["id"]][0]
    assert entry["applies"] is None and ev["undetermined"] == ["first_offence"]
    ev = env.officer.post("/discretion/evaluate", {**facts, "first_offence": True}).json()
    assert ev["no_penalty"] is True and ev["no_penalty_mandatory"] is False
    assert ev["education_required"] is True
    assert any("第三十三条第三款" in l["citation"] for l in ev["lines"])
    ev = env.officer.post("/discretion/evaluate", {**facts, "first_offence": False}).json()
    assert ev["no_penalty"] is False
    entry = [x for x in ev["lists"] if x["list_id"] == lst["id"]][0]
    assert entry["applies"] is False
    assert [c["met"] for c in entry["checks"]] == [True, True, False]
    # The statute bounds what a list may say (Art. 33 ¶1).
    bad = {"kind": "exempt", "department_kind": "market", "name": "x", "version": "v2",
           "effective_from": "2024-01-01", "law": "中华人民共和国行政处罚法", "article": "第三十三条",
           "entries": [{"matter_code": "AT-CF-001", "max_harm": "general", "corrected": True,
                        "effect": "no_penalty", "conditions": "x", "law": "中华人民共和国行政处罚法",
                        "article": "第三十三条"}]}
    msg = error_of(env.sup.post("/lenient-lists/%d/supersede" % lst["id"], bad), 400,
                   "invalid_value", "entries[0].max_harm")
    assert "第三十三条第一款" in msg
    assert events(env) == before + 1


CSV = ("matter_code,version,effective_from,law,article,tier,harms,conditions,kinds,"
       "fine_base,split_at,lower_min,lower_max,upper_min_times,upper_max_times\n"
       "AT-CF-002,2024版,2024-01-01,中华人民共和国食品安全法,第一百二十二条第一款,一般,"
       "无;轻微;一般,一般,没收违法所得;罚款,货值金额,10000,50000,80000,10,15\n"
       "AT-CF-002,2024版,2024-01-01,中华人民共和国食品安全法,第一百二十二条第一款,严重,"
       "较重;严重,严重,没收违法所得;罚款;吊销许可证件,货值金额,10000,80000,100000,15,20\n"
       "AT-CF-003,bad,2024-01-01,测试法,第一条,一般,无;轻微;一般,一般,罚款,,,100,50,,\n"
       "AT-CF-003,bad,2024-01-01,测试法,第一条,严重,较重;严重,严重,罚款,,,100,500,,\n"
       "AT-JC-001,v1,2024-01-01,测试法,第一条,一般,无;轻微;一般;较重;严重,全部,罚款,,,1,2,,\n"
       "AT-CF-009,v1,2024-01-01,测试法,第一条,一般,无;轻微;一般;较重,全部,罚款,,,1,2,,\n")


def test_import_reports_bad_rows_and_commits_good_ones(env):
    before = events(env)
    data = CSV.encode("utf-8")
    r = upload(env.sup, "/benchmarks/import?name=food.csv", data)
    rep = created(r)
    assert rep["created"] == 1 and rep["encoding"] == "UTF-8" and rep["rows"] == 6
    assert rep["file_sm3"] == hashlib.new("sm3", data).hexdigest()
    got = [(x["line"], x["field"]) for x in rep["rejected"]]
    assert got == [(4, "lower_min"), (5, ""), (6, "matter_code"), (7, "harms")]
    assert all(x["reason"] for x in rep["rejected"])
    assert "第 4 行" in rep["rejected"][1]["reason"]
    # One event for the batch, carrying the file's SM3.
    assert events(env) == before + 1
    row = env.db.rows("SELECT action, object_type, object_id, body FROM ledger_event "
                      "ORDER BY seq DESC LIMIT 1")[0]
    assert row[:3] == ("benchmark.import", "import", rep["file_sm3"])
    assert json.loads(row[3])["data"]["file_name"] == "food.csv"
    v = env.officer.get("/benchmarks?matter=AT-CF-002").json()["items"]
    assert len(v) == 1 and v[0]["tiers"][1]["fine"]["upper_max_times"] == "20"
    ev = env.officer.post("/discretion/evaluate", {
        "matter_code": "AT-CF-002", "act_date": "2024-03-01", "decision_date": "2024-04-01",
        "harm": "general", "goods_value": "10000"}).json()
    assert (ev["range"]["min"], ev["range"]["max"]) == ("100000.00", "150000.00")


def test_gb18030_file(env):
    text = ("事项编码,版本,施行日期,法律依据,条款,裁量档次,危害后果,适用情形,处罚种类,"
            "罚款下限（元）,罚款上限（元）\n"
            "AT-CF-101,甲版,2024-01-01,中华人民共和国大气污染防治法,第九十八条,一般,"
            "无;轻微;一般;较重;严重,拒不接受监督检查,罚款,20000,200000\n")
    rep = created(upload(env.sup, "/benchmarks/import", text.encode("gb18030")))
    assert rep["encoding"] == "GB18030" and rep["created"] == 1 and rep["rejected"] == []
    v = env.officer.get("/benchmarks?matter=AT-CF-101").json()["items"][0]
    assert v["version"] == "甲版" and v["law"] == "中华人民共和国大气污染防治法"
    assert v["tiers"][0]["conditions"] == "拒不接受监督检查"


def test_export_reads_back(env):
    r = env.officer.get("/benchmarks/export?matter=AT-CF-001")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    exported = r.content.decode("utf-8-sig")
    assert exported.splitlines()[0].startswith("事项编码,版本,施行日期")
    # The same versions under another matter: importing the export gives
    # them back exactly, the second superseding the first.
    moved = exported.replace("AT-CF-001", "AT-CF-009")
    rep = created(upload(env.sup, "/benchmarks/import", moved.encode("utf-8")))
    assert rep["created"] == 2 and rep["rejected"] == []
    again = env.officer.get("/benchmarks/export?matter=AT-CF-009").content.decode("utf-8-sig")
    assert again == moved
    # JSON too, ids and times aside.
    j1 = env.officer.get("/benchmarks/export?matter=AT-CF-001&format=json").json()["benchmarks"]
    j2 = env.officer.get("/benchmarks/export?matter=AT-CF-009&format=json").json()["benchmarks"]
    strip = ("id", "created_at", "created_by", "supersedes", "superseded_by", "matter_code",
             "matter_name")
    assert [{k: v for k, v in x.items() if k not in strip} for x in j1] == \
           [{k: v for k, v in x.items() if k not in strip} for x in j2]
    # And the JSON export is itself importable (here: every version exists).
    r = upload(env.sup, "/benchmarks/import?format=json",
               json.dumps({"benchmarks": j1}).encode(), "application/json")
    err = r.json()["error"]
    assert r.status_code == 422 and err["report"]["created"] == 0
    assert [x["item"] for x in err["report"]["rejected"]] == [1, 2]
    x = env.officer.get("/benchmarks/export?format=xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    lists = env.officer.get("/lenient-lists/export?kind=exempt")
    assert lists.status_code == 200 and "测试免罚清单" in lists.content.decode("utf-8-sig")


def test_public_views_need_no_login(env):
    base = env.server.url + "/api/v1/public"
    r = requests.get(base + "/benchmarks?matter=AT-CF-001", timeout=10)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [x["version"] for x in items] == ["2023版"] and items[0]["in_force"] is True
    old = env.officer.get("/benchmarks?matter=AT-CF-001&status=superseded").json()["items"][0]
    r = requests.get(base + "/benchmarks/%d" % old["id"], timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "superseded"
    r = requests.get(base + "/benchmarks?on=2021-06-01&matter=AT-CF-001", timeout=10)
    assert [x["version"] for x in r.json()["items"]] == ["2020版"]
    r = requests.get(base + "/lenient-lists?kind=exempt&matter=AT-CF-001", timeout=10)
    assert r.status_code == 200
    entries = r.json()["items"]
    assert entries and entries[0]["list_name"] == "测试免罚清单"
    assert entries[0]["effect"] == "may_no_penalty"
    error_of(requests.get(base + "/lenient-lists?kind=amnesty", timeout=10), 400,
             "invalid_value", "kind")
    error_of(requests.get(base + "/benchmarks?on=2021-02-30", timeout=10), 400,
             "invalid_value", "on")


def test_permissions(env):
    before = events(env)
    error_of(env.officer.post("/benchmarks", spec("AT-CF-003", "v1", "2024-01-01")),
             403, "forbidden")
    error_of(upload(env.officer, "/benchmarks/import", CSV.encode()), 403, "forbidden")
    error_of(env.officer.post("/lenient-lists", {"kind": "exempt"}), 403, "forbidden")
    for admin in ("sysadmin", "secadmin", "auditor"):
        error_of(env.admins[admin].get("/benchmarks"), 403, "forbidden")
        error_of(env.admins[admin].get("/lenient-lists"), 403, "forbidden")
    error_of(requests.get(env.server.url + "/api/v1/benchmarks", timeout=10), 401,
             "unauthorized")
    assert env.officer.get("/lenient-lists").status_code == 200
    assert events(env) == before


def test_bad_input_changes_nothing(env):
    before = events(env)
    s = spec("AT-CF-003", "v1", "2024-01-01")
    s["tiers"][1]["harms"].append("slight")
    msg = error_of(env.sup.post("/benchmarks", s), 409, "conflict", "tiers[1].harms")
    assert "重叠" in msg
    s = spec("AT-CF-003", "v1", "2024-01-01")
    s["tiers"][2]["harms"] = ["serious"]
    error_of(env.sup.post("/benchmarks", s), 400, "invalid_value", "tiers")
    error_of(env.sup.post("/benchmarks", spec("AT-CF-003", "v1", "2024-01-01", colour="red")),
             400, "unknown_field", "colour")
    error_of(env.sup.post("/benchmarks", spec("AT-CF-003", 7, "2024-01-01")), 400,
             "wrong_type", "version")
    s = spec("AT-CF-003", "v1", "2024-01-01")
    del s["effective_from"]
    error_of(env.sup.post("/benchmarks", s), 422, "missing_field", "effective_from")
    s = spec("AT-CF-003", "v1", "2024-01-01")
    s["tiers"][0]["fine"]["lower_max"] = "1.234"
    error_of(env.sup.post("/benchmarks", s), 400, "invalid_value", "tiers[0].fine.lower_max")
    error_of(env.sup.post("/benchmarks", spec("AT-QZ-001", "v1", "2024-01-01")), 400,
             "invalid_value", "matter_code")
    error_of(env.sup.post("/benchmarks/abc/supersede", spec("AT-CF-003", "v", "2024-01-01")),
             400, "invalid_value", "id")
    # An import whose every row is refused writes nothing and says why.
    r = upload(env.sup, "/benchmarks/import", (CSV.splitlines()[0] + "\n" +
                                                "\n".join(CSV.splitlines()[3:]) + "\n").encode())
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["field"] == "file" and err["report"]["created"] == 0
    assert [x["line"] for x in err["report"]["rejected"]] == [2, 3, 4, 5]
    error_of(upload(env.sup, "/benchmarks/import", b"matter_code,colour\nx,y\n"), 400,
             "invalid_value", "file")
    error_of(upload(env.sup, "/benchmarks/import?format=xml", b"x"), 400, "invalid_value",
             "format")
    error_of(upload(env.sup, "/benchmarks/import", b"{\"benchmarks\": 5}",
                    "application/json"), 400, "invalid_value", "file")
    assert events(env) == before
