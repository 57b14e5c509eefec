"""An officer's other departments (department_ids) over HTTP against a real
`fazhi serve` on the 辽宁 demo: created and changed with the rest of the
officer in one ledger event; every bad list refused with the field and the
id, changing nothing; the officer seen by an account of any of his
departments but changed only within the scope of his primary one; lists
filtered by department finding him either way; the CSV column written last
and read back (and files without it still read); the public certificate
look-up naming the other departments; an inspection plan whose inspector
pool takes him through another department, bound to it in a draw record
that `fazhi draw verify` accepts; and a case handled through another
department while an officer of neither is refused."""
import csv
import io
import json
import subprocess
from datetime import date, timedelta

import pytest
import requests

from codes import uscc
from conftest import BIN, error_of
from test_cases import demo_env, events, ok, user_id
from test_inspect import secret
from test_registry import patch, upload

PG_SCHEMA = "fz_api_officer_departments"
WINDOW = ("2026-11-02", "2026-11-30")


class Env:
    pass


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    yield from demo_env(tmp_path_factory, "officer_departments", PG_SCHEMA)


def dept(env, name):
    return int(env.db.rows("SELECT id FROM departments WHERE name = '%s'" % name)[0][0])


@pytest.fixture(scope="module")
def world(env):
    """沈阳's 综合行政执法, 市场监管, 生态环境 and 交通运输 departments, a
    department that is no longer active, and an 综合行政执法 officer who
    also serves 市场监管."""
    w = Env()
    w.urban = dept(env, "沈阳市城市管理综合行政执法局")
    w.market = dept(env, "沈阳市市场监督管理局")
    w.ecology = dept(env, "沈阳市生态环境局")
    w.transport = dept(env, "沈阳市交通运输局")
    sup = env.c["ln.supervisor"]
    # A department made and deactivated here: no officer serves it.
    old = ok(sup.post("/departments", {
        "name": "沈阳市已撤并执法大队", "uscc": uscc("210100", 901, "11"), "kind": "urban",
        "region_code": "210100", "level": "市"}), 201)
    ok(sup.post("/departments/%d/deactivate" % old["id"], {"reason": "机构改革撤并"}))
    w.inactive = old["id"]
    w.officer = ok(sup.post("/officers", {
        "name": "周志刚", "cert_no": "OD-0001", "cert_from": "2024-01-01",
        "cert_to": "2099-12-31", "status": "valid", "department_id": w.urban,
        "areas": ["市容环境", "食品安全"], "department_ids": [w.market]}), 201)
    return w


def officer(env, oid):
    return ok(env.c["ln.supervisor"].get("/officers/%d" % oid))


# ---- Creating and changing ---------------------------------------------------


def test_an_officer_is_created_with_his_other_departments(env, world):
    o = world.officer
    assert o["department_id"] == world.urban and o["department_ids"] == [world.market]
    body = env.db.rows("SELECT body FROM ledger_event WHERE action = 'officer.create' "
                       "ORDER BY seq DESC LIMIT 1")[0][0]
    assert json.loads(body)["data"]["department_ids"] == [world.market]
    rows = env.db.rows("SELECT department_id FROM officer_departments WHERE officer_id = %d"
                       % o["id"])
    assert rows == [(str(world.market),)]
    # Without any: an empty array.
    plain = ok(env.c["ln.supervisor"].get("/officers?department_id=%d&limit=1" % world.ecology))
    assert plain["items"][0]["department_ids"] == []


def test_an_update_changes_them_in_one_ledger_event(env, world):
    sup, oid = env.c["ln.supervisor"], world.officer["id"]
    before = events(env)
    o = ok(patch(sup, "/officers/%d" % oid,
                 {"department_ids": [world.transport, world.market], "areas": ["市容环境"]}))
    assert o["department_ids"] == sorted([world.transport, world.market])
    assert events(env) == before + 1
    action, body = env.db.rows("SELECT action, body FROM ledger_event ORDER BY seq DESC "
                               "LIMIT 1")[0]
    assert action == "officer.update"
    changes = json.loads(body)["data"]["changes"]
    assert changes["department_ids"] == {"from": [world.market],
                                         "to": sorted([world.transport, world.market])}
    assert changes["areas"]["to"] == ["市容环境"]
    # The same departments in another order change nothing.
    error_of(patch(sup, "/officers/%d" % oid, {"department_ids": [world.market, world.transport]}),
             409, "conflict")
    assert events(env) == before + 1
    # Cleared, then set back.
    assert ok(patch(sup, "/officers/%d" % oid, {"department_ids": []}))["department_ids"] == []
    assert ok(patch(sup, "/officers/%d" % oid,
                    {"department_ids": [world.market]}))["department_ids"] == [world.market]
    assert events(env) == before + 3


BAD = [
    # (department_ids, status, code, what the message names)
    ("unknown", 400, "invalid_value", "999999"),
    ("inactive", 400, "invalid_value", None),
    ("duplicate", 400, "invalid_value", None),
    ("primary", 400, "invalid_value", None),
    ("too many", 400, "invalid_value", "16"),
    ("not an array", 400, "wrong_type", None),
    ("a string id", 400, "wrong_type", None),
    ("a fraction", 400, "wrong_type", None),
    ("negative", 400, "invalid_value", "-3"),
    ("zero", 400, "invalid_value", "0"),
]


def bad_value(w, case):
    return {"unknown": [w.market, 999999], "inactive": [w.inactive],
            "duplicate": [w.market, w.market], "primary": [w.market, w.urban],
            "too many": list(range(1, 18)), "not an array": w.market,
            "a string id": [str(w.market)], "a fraction": [1.5], "negative": [-3],
            "zero": [0]}[case]


@pytest.mark.parametrize("case,status,code,names", BAD, ids=[b[0] for b in BAD])
def test_a_bad_list_is_refused_and_changes_nothing(env, world, case, status, code, names):
    sup, oid = env.c["ln.supervisor"], world.officer["id"]
    value = bad_value(world, case)
    before, size = officer(env, oid), events(env)
    count = int(env.db.rows("SELECT COUNT(*) FROM officers")[0][0])
    msg = error_of(patch(sup, "/officers/%d" % oid, {"department_ids": value, "areas": ["x"]}),
                   status, code, "department_ids")
    if case == "inactive":
        assert str(world.inactive) in msg
    if case == "duplicate":
        assert str(world.market) in msg
    if case == "primary":
        assert str(world.urban) in msg
    if names:
        assert names in msg, msg
    assert " / " in msg  # bilingual
    assert officer(env, oid) == before
    # Creating with it is refused the same way, and makes no officer.
    error_of(sup.post("/officers", {
        "name": "吴刚", "cert_no": "OD-BAD", "cert_from": "2024-01-01", "cert_to": "2099-12-31",
        "status": "valid", "department_id": world.urban, "department_ids": value}),
        status, code, "department_ids")
    assert int(env.db.rows("SELECT COUNT(*) FROM officers")[0][0]) == count
    assert events(env) == size


def test_a_department_an_officer_serves_stays_active(env, world):
    sup, size = env.c["ln.supervisor"], events(env)
    # A fresh department with only this officer's membership shows the
    # rule alone.
    d = ok(sup.post("/departments", {
        "name": "沈阳市综合执法支队", "uscc": uscc("210100", 902, "11"), "kind": "urban",
        "region_code": "210100", "level": "市"}), 201)
    ok(patch(sup, "/officers/%d" % world.officer["id"], {"department_ids": [world.market, d["id"]]}))
    size = events(env)
    error_of(sup.post("/departments/%d/deactivate" % d["id"], {"reason": "撤并"}), 409, "conflict", "id")
    assert events(env) == size
    ok(patch(sup, "/officers/%d" % world.officer["id"], {"department_ids": [world.market]}))
    ok(sup.post("/departments/%d/deactivate" % d["id"], {"reason": "撤并"}))


# ---- Scope and lists ---------------------------------------------------------


def test_an_account_of_another_department_sees_him_but_does_not_change_him(env, world):
    head, oid = env.c["sy.head"], world.officer["id"]
    seen = ok(head.get("/officers/%d" % oid))
    assert seen["department_ids"] == [world.market]
    assert ok(head.get("/officers/code/OD-0001"))["id"] == oid
    # An 综合行政执法 officer who does not serve 市场监管 stays out of sight.
    other = env.db.rows("SELECT id FROM officers WHERE department_id = %d AND id NOT IN "
                        "(SELECT officer_id FROM officer_departments) LIMIT 1" % world.urban)[0][0]
    error_of(head.get("/officers/%s" % other), 404, "not_found")
    # Another city's account sees neither.
    error_of(env.c["dl.head"].get("/officers/%d" % oid), 404, "not_found")
    # Changing him is for the scope of his primary department.
    before, size = officer(env, oid), events(env)
    error_of(patch(head, "/officers/%d" % oid, {"areas": ["食品安全"]}), 403, "forbidden")
    error_of(patch(head, "/officers/%d" % oid, {"department_id": world.market,
                                                 "department_ids": []}), 403, "forbidden")
    error_of(head.post("/officers/%d/deactivate" % oid, {"reason": "调离"}), 403, "forbidden")
    assert officer(env, oid) == before and events(env) == size


def test_a_head_lets_his_officer_serve_another_body_of_his_city_only(env, world):
    head = env.c["sy.head"]
    own = ok(env.c["ln.supervisor"].post("/officers", {
        "name": "秦月", "cert_no": "OD-MKT-1", "cert_from": "2024-01-01", "cert_to": "2099-12-31",
        "status": "valid", "department_id": world.market}), 201)
    # 沈阳's 综合行政执法 lies outside his department but inside his city.
    got = ok(patch(head, "/officers/%d" % own["id"], {"department_ids": [world.urban]}))
    assert got["department_ids"] == [world.urban]
    # 大连's 市场监管 lies outside his city: refused, nothing written.
    dalian = dept(env, "大连市市场监督管理局")
    size = events(env)
    msg = error_of(patch(head, "/officers/%d" % own["id"], {"department_ids": [dalian]}),
                   403, "forbidden", "department_ids")
    assert str(dalian) in msg
    assert officer(env, own["id"])["department_ids"] == [world.urban] and events(env) == size


def test_the_department_filter_finds_him_either_way(env, world):
    head, sup, oid = env.c["sy.head"], env.c["ln.supervisor"], world.officer["id"]

    def ids(client, d):
        return [o["id"] for o in ok(client.get("/officers?department_id=%d&limit=1000" % d))["items"]]

    market = ids(head, world.market)
    assert oid in market
    primary = {int(i) for (i,) in env.db.rows(
        "SELECT id FROM officers WHERE department_id = %d AND active = 1" % world.market)}
    assert primary <= set(market)
    assert oid in ids(sup, world.urban)
    assert oid not in ids(sup, world.ecology)
    # The demo's own: two of each city's 综合行政执法 officers serve its 市场监管.
    demo = env.db.rows("SELECT COUNT(*) FROM officer_departments od JOIN officers o ON "
                       "o.id = od.officer_id WHERE o.department_id = %d AND od.department_id = %d "
                       "AND o.cert_no NOT LIKE 'OD-%%'"
                       % (world.urban, world.market))
    assert int(demo[0][0]) == 2


# ---- CSV ------------------------------------------------------------------------


def test_csv_export_writes_the_column_last_and_reads_back(env, world):
    sup = env.c["ln.supervisor"]
    r = sup.get("/officers/export?department_id=%d" % world.urban)
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[-2:] == ["启用", "其他所属执法主体ID"]
    assert header[:3] == ["姓名", "身份证号(脱敏)", "执法证号"]
    mine = next(row for row in rows[1:] if row[2] == "OD-0001")
    assert mine[-1] == str(world.market)
    # The export read back as new officers: other numbers, the same lists.
    ours = [row for row in rows[1:] if row[-1]]
    assert len(ours) >= 2
    out = io.StringIO()
    wr = csv.writer(out)
    wr.writerow(header)
    for i, row in enumerate(ours):
        row = list(row)
        row[2] = "OD-RT-%02d" % i
        row[header.index("登录账号ID")] = ""
        wr.writerow(row)
    size = events(env)
    imp = ok(upload(sup, "/imports/officers?name=roundtrip.csv", out.getvalue().encode()), 201)
    assert (imp["inserted"], imp["rejected"]) == (len(ours), 0), imp
    assert events(env) == size + 1
    for i, row in enumerate(ours):
        got = ok(sup.get("/officers/code/OD-RT-%02d" % i))
        assert got["department_ids"] == [int(x) for x in row[-1].split(";")]


def test_csv_import_with_and_without_the_column(env, world):
    sup = env.c["ln.supervisor"]
    data = ("name,cert_no,cert_from,cert_to,status,department_id,department_ids\n"
            "陈立,OD-IM-1,2024-01-01,2099-12-31,valid,%d,%d;%d\n"
            "黄蕾,OD-IM-2,2024-01-01,2099-12-31,valid,%d,\n"
            "郑毅,OD-IM-3,2024-01-01,2099-12-31,valid,%d,%d\n"
            "钱程,OD-IM-4,2024-01-01,2099-12-31,valid,%d,999999\n"
            % (world.urban, world.transport, world.market, world.urban,
               world.urban, world.urban, world.urban)).encode()
    imp = ok(upload(sup, "/imports/officers?name=others.csv", data), 201)
    assert (imp["rows"], imp["inserted"], imp["rejected"]) == (4, 2, 2), imp
    errs = ok(sup.get("/imports/%d/errors" % imp["id"]))["items"]
    assert [(e["line"], e["field"]) for e in errs] == [(4, "department_ids"), (5, "department_ids")]
    assert "999999" in errs[1]["reason"]
    assert ok(sup.get("/officers/code/OD-IM-1"))["department_ids"] == sorted([world.transport,
                                                                               world.market])
    assert ok(sup.get("/officers/code/OD-IM-2"))["department_ids"] == []
    old = ("姓名,执法证号,证件有效期起,证件有效期止,证件状态,所属执法主体ID\n"
           "冯涛,OD-IM-5,2024-01-01,2099-12-31,有效,%d\n" % world.urban).encode()
    imp = ok(upload(sup, "/imports/officers?name=old.csv", old), 201)
    assert (imp["inserted"], imp["rejected"]) == (1, 0), imp
    assert ok(sup.get("/officers/code/OD-IM-5"))["department_ids"] == []


# ---- Public ----------------------------------------------------------------------


def test_the_public_look_up_names_the_other_departments(env, world):
    r = requests.get(env.server.url + "/api/v1/public/officers/OD-0001", timeout=30)
    body = ok(r)
    assert body["department"] == "沈阳市城市管理综合行政执法局"
    assert body["other_departments"] == ["沈阳市市场监督管理局"]
    assert body["valid"] is True
    plain = env.db.rows("SELECT cert_no FROM officers WHERE department_id = %d AND auxiliary = 0 "
                        "AND id NOT IN (SELECT officer_id FROM officer_departments) LIMIT 1"
                        % world.ecology)[0][0]
    r = requests.get(env.server.url + "/api/v1/public/officers/" + plain, timeout=30)
    assert ok(r)["other_departments"] == []


# ---- Inspections --------------------------------------------------------------------


def draw(env, spec):
    head, sup = env.c["sy.head"], env.c["ln.supervisor"]
    plan = ok(head.post("/plans", spec), 201)
    parties = [(head, user_id(env, "sy.head")), (sup, user_id(env, "ln.supervisor"))]
    secrets = {}
    for client, uid in parties:
        s, c = secret()
        secrets[uid] = s
        ok(client.post("/plans/%d/commitments" % plan["id"], {"commit": c}))
    ok(head.post("/plans/%d/commit" % plan["id"], {}))
    for client, uid in parties:
        ok(client.post("/plans/%d/reveal" % plan["id"], {"secret": secrets[uid]}))
    ok(head.post("/plans/%d/draw" % plan["id"], {}))
    return ok(requests.get(env.server.url + "/api/v1/public/draws/%d" % plan["id"], timeout=30))


def verify(record, tmp_path):
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    v = subprocess.run([BIN, "draw", "verify", str(path)], capture_output=True, text=True,
                       timeout=60)
    assert v.returncode == 0, v.stderr
    assert "verified" in v.stdout
    return path


def bound(record):
    insp = record["inspectors"]
    return dict(zip(insp["pool"], insp["departments"]))


def test_the_inspector_pool_takes_him_through_another_department(env, world, tmp_path):
    oid = world.officer["id"]
    spec = {"name": "沈阳市企业公示信息抽查（含其他所属执法人员）", "departments": [world.market],
            "items": ["SC-CC-001"], "stratify_by": "none",
            "strata": [{"key": "全部", "count": 3}], "window_from": WINDOW[0],
            "window_to": WINDOW[1],
            "participants": [user_id(env, "sy.head"), user_id(env, "ln.supervisor")]}
    record = draw(env, spec)
    pool = bound(record)
    assert pool[oid] == world.market
    assert set(pool.values()) == {world.market}
    verify(record, tmp_path)
    # An officer of 生态环境 alone is not in a 市场监管 pool.
    eco = {int(i) for (i,) in env.db.rows(
        "SELECT id FROM officers WHERE department_id = %d AND id NOT IN "
        "(SELECT officer_id FROM officer_departments)" % world.ecology)}
    assert not eco & set(pool)


def test_a_joint_pool_binds_the_primary_department_first(env, world, tmp_path):
    sup = env.c["ln.supervisor"]
    # One of 生态环境 who also serves 市场监管: counted for 生态环境, his own.
    eco = ok(sup.post("/officers", {
        "name": "何静", "cert_no": "OD-ECO-1", "cert_from": "2024-01-01", "cert_to": "2099-12-31",
        "status": "valid", "department_id": world.ecology, "department_ids": [world.market]}), 201)
    # One of 综合行政执法 who serves both: counted for the first plan
    # department among them, in the plan's order.
    both = ok(sup.post("/officers", {
        "name": "林峰", "cert_no": "OD-BOTH-1", "cert_from": "2024-01-01", "cert_to": "2099-12-31",
        "status": "valid", "department_id": world.urban,
        "department_ids": [world.ecology, world.market]}), 201)
    spec = {"name": "沈阳市市场监管与生态环境联合抽查（含其他所属执法人员）",
            "departments": [world.market, world.ecology],
            "items": ["SC-CC-001", "ST-CC-001"], "stratify_by": "none",
            "strata": [{"key": "全部", "count": 3}], "team_size": 2,
            "window_from": WINDOW[0], "window_to": WINDOW[1],
            "participants": [user_id(env, "sy.head"), user_id(env, "ln.supervisor")]}
    record = draw(env, spec)
    pool = bound(record)
    assert pool[eco["id"]] == world.ecology
    assert pool[both["id"]] == world.market
    assert pool[world.officer["id"]] == world.market
    assert set(pool.values()) == {world.market, world.ecology}
    verify(record, tmp_path)
    # The tasks' teams show each officer under the department he was bound to.
    tasks = ok(sup.get("/tasks?plan_id=%d&limit=200" % record["plan_id"]))["items"]
    members = [m for t in tasks for m in t["team"]]
    assert members
    for m in members:
        assert m["department_id"] == pool[m["officer_id"]], m
    # The verifier still checks that a bound department is a plan department.
    bad = json.loads(json.dumps(record))
    i = bad["inspectors"]["pool"].index(both["id"])
    bad["inspectors"]["departments"][i] = world.urban
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    v = subprocess.run([BIN, "draw", "verify", str(path)], capture_output=True, text=True,
                       timeout=60)
    assert v.returncode == 1, (v.stdout, v.stderr)


# ---- Cases -----------------------------------------------------------------------------


def test_a_case_handler_through_another_department(env, world):
    head = env.c["sy.head"]
    # The demo links sy.officer to an officer of 沈阳's 市场监管.
    partner = int(env.db.rows("SELECT id FROM officers WHERE user_id = %d"
                              % user_id(env, "sy.officer"))[0][0])
    code, name = env.db.rows("SELECT uscc, name FROM entities WHERE region_code LIKE '2101%' AND "
                             "active = 1 AND uscc NOT IN (SELECT entity_code FROM cases) "
                             "ORDER BY id DESC LIMIT 1")[0]
    case = ok(env.c["sy.officer"].post("/cases", {
        "kind": "penalty", "department_id": world.market, "matter_code": "SC-CF-007",
        "party_type": "organisation", "party_name": name, "entity_code": code,
        "act_date": (date.today() - timedelta(days=20)).isoformat(), "source": "complaint",
        "source_ref": "12345-2026-OD", "facts": "经营场所内商品未按规定明码标价",
        "circumstances": {"harm": "slight", "corrected": True}}), 201)
    cid = case["id"]
    # An officer of 交通运输 who serves neither as his own nor as another.
    stranger = int(env.db.rows(
        "SELECT id FROM officers WHERE department_id = %d AND auxiliary = 0 AND status = 'valid' "
        "AND id NOT IN (SELECT officer_id FROM officer_departments) LIMIT 1"
        % world.transport)[0][0])
    size = events(env)
    msg = error_of(head.post("/cases/%d/steps/file" % cid, {"officers": [partner, stranger]}),
                   409, "conflict", "officers")
    assert str(stranger) in msg and "第十七条" in msg
    assert events(env) == size
    filed = ok(head.post("/cases/%d/steps/file" % cid,
                         {"officers": [partner, world.officer["id"]]}))
    assert [o["id"] for o in filed["officers"]] == [partner, world.officer["id"]]
