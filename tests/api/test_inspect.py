"""双随机、一公开 over HTTP against a real `fazhi serve`: a joint plan of a
market and an ecology department drawn with the participants' committed
secrets and an announced public value; the public draw record recomputed
here (Python's own SM3) and by `fazhi draw verify`, and a tampered ticket
caught; teams of two certified officers, one per department, never with a
conflicted, expired, revoked or auxiliary officer; an officer's own tasks,
results, evidence with its SM3, a replacement with its reason,
publication and the public results; the supervision list of overdue
results; and every refusal the law and the draw require, each changing
nothing."""
import hashlib
import json
import math
import os
import re
import subprocess
from urllib.parse import quote

import pytest
import requests

from codes import uscc
from conftest import BACKEND, BIN, ROOT, Server, error_of
from test_accounts import Db, psql, sign_in

PG_SCHEMA = "fz_api_inspect"
WINDOW = ("2026-11-02", "2026-11-30")      # the main plan's inspection window
PAST = ("2025-01-02", "2025-01-31")        # long over: its results are overdue
GRADES = {"A": 12, "B": 15, "C": 15, "D": 8, "": 10}  # 60 entities of 沈阳
TASKS = 6 + 3 + 3 + 1 + 2  # what the joint plan's strata take


def sm3(data):
    return hashlib.new("sm3", data).digest()


class Env:
    pass


def patch(c, path, body):
    return c.http.patch(c.base + path, json=body, timeout=30,
                        headers={"X-CSRF-Token": c.csrf})


def created(resp):
    assert resp.status_code == 201, resp.text
    return resp.json()


def ok(resp):
    assert resp.status_code == 200, resp.text
    return resp.json()


def public(env, path):
    return requests.get(env.server.url + "/api/v1/public" + path, timeout=30)


def events(env):
    return int(env.db.rows("SELECT COUNT(*) FROM ledger_event")[0][0])


def secret():
    """A participant's secret and its commitment SM3(secret), in hex."""
    s = os.urandom(32)
    return s.hex(), sm3(s).hex()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    d = tmp_path_factory.mktemp("inspect")
    if BACKEND == "sqlite":
        url = "sqlite:%s/inspect.db" % d
    else:
        base = os.environ["FAZHI_TEST_PG_URL"]
        psql(base, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (PG_SCHEMA, PG_SCHEMA))
        url = base + ("&" if "?" in base else "?") + "options=-csearch_path%3D" + PG_SCHEMA
    e = Env()
    e.url, e.db, e.tmp = url, Db(url), d
    keys = ["--ledger-key", str(d / "ledger.key"), "--id-key", str(d / "id.key")]
    r = subprocess.run([BIN, "init", "--db", url, *keys], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    otps = dict(re.findall(r"^  (sysadmin|secadmin|auditor) +(\S+)", r.stdout, re.M))
    e.server = Server(url, extra=keys)
    e.admins = {n: sign_in(e, n, otps[n])[0] for n in ("sysadmin", "secadmin", "auditor")}
    e.seen = {}  # mutating endpoint → the actions it appended
    yield e
    assert e.server.stop() == 0
    if BACKEND != "sqlite":
        psql(os.environ["FAZHI_TEST_PG_URL"], "DROP SCHEMA %s CASCADE" % PG_SCHEMA)


def person(env, username, region, roles, department=None):
    """A user made by the sysadmin, given roles by the secadmin, signed in;
    returns (client, user id)."""
    body = {"username": username, "display_name": username, "region_prefix": region}
    if department:
        body["department_id"] = department
    r = env.admins["sysadmin"].post("/users", body)
    assert r.status_code == 201, r.text
    uid, otp = r.json()["user"]["id"], r.json()["one_time_password"]
    r = env.admins["secadmin"].post("/users/%d/roles" % uid, {"add": list(roles)})
    assert r.status_code == 200, r.text
    return sign_in(env, username, otp)[0], uid


def step(env, key, call, actions, status=200):
    """Runs one mutating call, proves it appended exactly its events, and
    records the endpoint as walked."""
    before = env.db.ledger()
    r = call()
    assert r.status_code == status, (key, r.status_code, r.text)
    new = [a for _, a, _ in env.db.ledger()[len(before):]]
    assert new == actions, (key, new)
    env.seen.setdefault(key, actions)
    return r


def unchanged(env, plan_reader, call, status, code, field=None):
    """A refused call: the error it gets, and that neither the plan (as
    plan_reader reads it) nor the ledger changed."""
    before, size = plan_reader(), events(env)
    msg = error_of(call(), status, code, field)
    assert plan_reader() == before
    assert events(env) == size
    return msg


@pytest.fixture(scope="module")
def world(env):
    """Two departments of 沈阳 (市场监管 and 生态环境) with their catalogues,
    officers (some unfit to be drawn) linked to logins, 60 entities with a
    mix of credit grades, and declared conflicts (回避)."""
    w = Env()
    w.sup, w.sup_id = person(env, "sj.supervisor", "21", ["supervisor"])
    sup = w.sup
    w.market = created(sup.post("/departments", {
        "name": "沈阳市市场监督管理局", "uscc": uscc("210100", 501, "11"),
        "kind": "market", "region_code": "210100", "level": "市"}))["id"]
    w.ecology = created(sup.post("/departments", {
        "name": "沈阳市生态环境局", "uscc": uscc("210100", 502, "11"),
        "kind": "ecology", "region_code": "210100", "level": "市"}))["id"]
    for code, name, kind in (("SC-JC-004", "对企业公示信息的检查", "market"),
                             ("ST-JC-001", "对排污单位的现场检查", "ecology")):
        created(sup.post("/matters", {
            "code": code, "name": name, "kind": "行政检查", "department_kind": kind,
            "law": "企业信息公示暂行条例" if kind == "market" else "中华人民共和国环境保护法",
            "article": "第十四条" if kind == "market" else "第二十四条", "level": "市"}))
    for code, name, kind, matter in (("SC-CC-001", "企业公示信息的检查", "market", "SC-JC-004"),
                                     ("ST-CC-001", "排污单位污染物排放情况的检查", "ecology", "ST-JC-001")):
        created(sup.post("/items", {
            "code": code, "name": name, "department_kind": kind, "matter_code": matter,
            "method": "实地核查", "law": "企业信息公示暂行条例" if kind == "market"
            else "中华人民共和国环境保护法", "article": "第十四条" if kind == "market" else "第二十四条"}))

    w.head, w.head_id = person(env, "sy.sc.head", "2101", ["dept_head"], w.market)
    w.eco_head, w.eco_head_id = person(env, "sy.st.head", "2101", ["dept_head"], w.ecology)
    w.dl, _ = person(env, "dl.sc.head", "2102", ["dept_head"])

    # Certified officers, four of each department, each with his login.
    w.officers, w.dept_of, w.client_of, w.user_of = [], {}, {}, {}
    names = ["王建国", "李明", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]
    for i, name in enumerate(names):
        dep = w.market if i < 4 else w.ecology
        o = created(sup.post("/officers", {
            "name": name, "cert_no": "2101%04d" % (i + 1), "cert_from": "2024-01-01",
            "cert_to": "2099-12-31", "status": "valid", "department_id": dep,
            "areas": ["市场监管" if dep == w.market else "生态环境"]}))
        c, uid = person(env, "sy.officer%d" % i, "2101", ["officer"], dep)
        r = patch(sup, "/officers/%d" % o["id"], {"user_id": uid})
        assert r.status_code == 200, r.text
        w.officers.append(o["id"])
        w.dept_of[o["id"]] = dep
        w.client_of[o["id"]], w.user_of[o["id"]] = c, uid
    w.market_officers = w.officers[:4]
    w.eco_officers = w.officers[4:]
    # Officers the draw must never take: an expired and a revoked
    # certificate, and an auxiliary (辅助人员, who holds none).
    w.expired = created(sup.post("/officers", {
        "name": "孙强", "cert_no": "21019001", "cert_from": "2018-01-01",
        "cert_to": "2023-12-31", "status": "valid", "department_id": w.market}))["id"]
    w.revoked = created(sup.post("/officers", {
        "name": "周丽", "cert_no": "21019002", "cert_from": "2022-01-01",
        "cert_to": "2099-12-31", "status": "收缴", "department_id": w.ecology}))["id"]
    w.aux = created(sup.post("/officers", {
        "name": "吴刚", "auxiliary": True, "status": "valid",
        "department_id": w.market}))["id"]
    w.unfit = {w.expired, w.revoked, w.aux}

    # 60 entities of 沈阳 (2101xx) by credit grade, and one of 大连, made
    # by the heads (the supervisor keeps no business records).
    w.grade_of, serial = {}, 1000
    for grade, count in GRADES.items():
        for _ in range(count):
            serial += 1
            code = uscc("2101%02d" % (2 + serial % 5), serial)
            body = {"uscc": code, "name": "沈阳测试企业%d有限公司" % serial, "kind": "企业",
                    "industry": "F51", "legal_rep": "张三"}
            if grade:
                body["credit_grade"] = grade
            created(w.head.post("/entities", body))
            w.grade_of[code] = grade
    created(w.dl.post("/entities", {"uscc": uscc("210202", 9001), "name": "大连测试企业",
                                    "kind": "企业", "industry": "F51"}))

    # 回避: the first market officer for every grade-A entity, the first
    # ecology officer for every grade-B one.
    w.conflicts = set()
    for code, grade in w.grade_of.items():
        if grade in ("A", "B"):
            o = w.market_officers[0] if grade == "A" else w.eco_officers[0]
            by = w.head if grade == "A" else w.eco_head
            created(by.post("/conflicts", {"officer_id": o, "entity_uscc": code,
                                            "reason": "近亲属在该企业任职"}))
            w.conflicts.add((o, code))
    return w


def joint_spec(w, **over):
    spec = {
        "name": "2026年沈阳市市场监管与生态环境联合双随机抽查",
        "departments": [w.market, w.ecology],
        "items": ["SC-CC-001", "ST-CC-001"],
        "stratify_by": "credit_grade",
        "strata": [{"key": "A", "ratio": "0.5"}, {"key": "B", "count": 3},
                   {"key": "C", "ratio": "0.2"}, {"key": "D", "count": 1},
                   {"key": "未评级", "count": 2}],
        "team_size": 2,
        # Eight tasks at most: with 15 tasks per department, a replacement
        # always finds someone under the cap.
        "officer_cap": 8,
        "window_from": WINDOW[0], "window_to": WINDOW[1],
        "participants": [w.head_id, w.sup_id, w.eco_head_id],
        "public_value_source": "2026年11月24日中国福利彩票双色球第2026135期开奖号码",
    }
    spec.update(over)
    return spec


def market_spec(w, **over):
    spec = {
        "name": "2026年沈阳市企业公示信息抽查",
        "departments": [w.market], "items": ["SC-CC-001"],
        "stratify_by": "none", "strata": [{"key": "全部", "count": 4}],
        "window_from": WINDOW[0], "window_to": WINDOW[1],
        "participants": [w.head_id, w.sup_id],
    }
    spec.update(over)
    return spec


@pytest.fixture(scope="module")
def drawn(env, world):
    """The joint plan, created, committed, revealed and drawn through the
    API, each step proved to append exactly its ledger event."""
    w, p = world, Env()
    r = step(env, "POST /plans", lambda: w.head.post("/plans", joint_spec(w, name="草稿")),
             ["plan.create"], 201)
    p.id = r.json()["id"]
    assert r.json()["status"] == "draft"
    r = step(env, "PATCH /plans/{id}",
             lambda: patch(w.head, "/plans/%d" % p.id, {"name": joint_spec(w)["name"]}),
             ["plan.update"])
    assert r.json()["name"] == joint_spec(w)["name"]
    p.parties = [(w.head, w.head_id), (w.sup, w.sup_id), (w.eco_head, w.eco_head_id)]
    p.secrets = {}
    for client, uid in p.parties:
        s, c = secret()
        p.secrets[uid] = (s, c)
        step(env, "POST /plans/{id}/commitments",
             lambda: client.post("/plans/%d/commitments" % p.id, {"commit": c}),
             ["plan.participant_commit"])
    r = step(env, "POST /plans/{id}/commit", lambda: w.head.post("/plans/%d/commit" % p.id, {}),
             ["plan.commit"])
    assert r.json()["status"] == "committed"
    p.committed = r.json()
    for client, uid in p.parties:
        step(env, "POST /plans/{id}/reveal",
             lambda: client.post("/plans/%d/reveal" % p.id, {"secret": p.secrets[uid][0]}),
             ["plan.reveal"])
    assert ok(w.head.get("/plans/%d" % p.id))["status"] == "committed"  # the value is missing
    p.value = "03 07 12 19 26 31 + 09"
    r = step(env, "POST /plans/{id}/public-value",
             lambda: w.sup.post("/plans/%d/public-value" % p.id, {"value": p.value}),
             ["plan.public_value"])
    assert r.json()["status"] == "revealed"
    r = step(env, "POST /plans/{id}/draw", lambda: w.head.post("/plans/%d/draw" % p.id),
             ["plan.draw"])
    p.plan = r.json()
    assert p.plan["status"] == "drawn"
    p.record = ok(public(env, "/draws/%d" % p.id))
    return p


# ---- The draw ---------------------------------------------------------------


def test_the_committed_pools_are_exactly_the_eligible_ones(env, world, drawn):
    rec, w = drawn.record, world
    assert rec["algo"] == "fz-draw-v1" and rec["plan_id"] == drawn.id
    want_n = {"A": math.ceil(0.5 * 12), "B": 3, "C": math.ceil(0.2 * 15), "D": 1, "未评级": 2}
    for s in rec["strata"]:
        pool = sorted(c for c, g in w.grade_of.items() if (g or "未评级") == s["key"])
        assert s["pool"] == pool, s["key"]
        assert s["pool_size"] == len(pool) and s["n"] == want_n[s["key"]]
        assert s["pool_digest"] == sm3("".join(c + "\n" for c in pool).encode()).hex()
    assert [s["key"] for s in rec["strata"]] == ["A", "B", "C", "D", "未评级"]
    ins = rec["inspectors"]
    assert ins["pool"] == sorted(w.officers)  # never the expired, revoked or auxiliary
    assert dict(zip(ins["pool"], ins["departments"])) == w.dept_of
    assert {(c["officer"], c["code"]) for c in rec["conflicts"]} == w.conflicts
    # The plan as the head sees it carries the same digests.
    strata = {s["key"]: s for s in drawn.committed["strata"]}
    assert all(strata[s["key"]]["pool_digest"] == s["pool_digest"] for s in rec["strata"])


def test_the_draw_recomputes_from_its_public_inputs(env, world, drawn):
    """An outsider's check in Python, independent of the C code: the
    commitment's leaf hash, the seed, every ticket, the n smallest."""
    rec = drawn.record
    event = rec["commitment"]["event"].encode()
    c = sm3(b"\x00" + event)
    assert rec["commitment"]["leaf_hash"] == c.hex() == drawn.plan["commit_leaf"]
    data = json.loads(event)["data"]
    assert [x["commit"] for x in data["commits"]] == [x["commit"] for x in rec["reveals"]]
    order = [uid for _, uid in drawn.parties]
    assert [r["secret"] for r in rec["reveals"]] == [drawn.secrets[u][0] for u in order]
    assert rec["public_value"] == drawn.value
    seed = sm3(b"fz-draw-v1" + c + b"".join(bytes.fromhex(r["secret"]) for r in rec["reveals"])
               + drawn.value.encode())
    assert rec["seed"] == seed.hex() == drawn.plan["seed"]
    for s in rec["strata"]:
        tickets = sorted((sm3(seed + b"E" + code.encode()), code) for code in s["pool"])
        assert [(x["ticket"], x["code"]) for x in s["selected"]] == \
            [(t.hex(), code) for t, code in tickets[:s["n"]]]


def test_fazhi_draw_verify_accepts_the_record_and_catches_a_tampered_ticket(env, drawn, tmp_path):
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(drawn.record, ensure_ascii=False), encoding="utf-8")
    v = subprocess.run([BIN, "draw", "verify", str(path)], capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stderr
    assert "verified" in v.stdout
    bad = json.loads(json.dumps(drawn.record))
    t = bad["strata"][0]["selected"][0]["ticket"]
    bad["strata"][0]["selected"][0]["ticket"] = t[:-1] + ("0" if t[-1] != "0" else "1")
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    v = subprocess.run([BIN, "draw", "verify", str(path)], capture_output=True, text=True, timeout=60)
    assert v.returncode == 1, (v.stdout, v.stderr)
    assert "ticket" in v.stderr


def test_teams_are_certified_joint_and_free_of_conflicts(env, world, drawn):
    rec, w = drawn.record, world
    selected = [x["code"] for s in rec["strata"] for x in s["selected"]]
    assert len(selected) == TASKS
    assert rec["unstaffed"] == []
    assert sorted(t["code"] for t in rec["teams"]) == sorted(selected)
    load = {}
    for t in rec["teams"]:
        team = t["officers"]
        assert len(team) == 2 and len(set(team)) == 2
        assert {w.dept_of[o] for o in team} == {w.market, w.ecology}
        assert not any((o, t["code"]) in w.conflicts for o in team), t
        assert not set(team) & w.unfit
        for o in team:
            load[o] = load.get(o, 0) + 1
    assert max(load.values()) <= 8  # the plan's officer_cap
    plan = drawn.plan
    assert plan["tasks"]["total"] == TASKS and plan["tasks"]["unstaffed"] == 0
    assert plan["publish_due"] and plan["overdue"] is False


def team_of(env, client, plan_id):
    """{entity code: task} of a plan's tasks as client sees them."""
    tasks, cursor = [], None
    while True:
        page = ok(client.get("/tasks?plan_id=%d&limit=5" % plan_id + ("&cursor=" + cursor if cursor else "")))
        tasks += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return {task_code(t): t for t in tasks}


def task_code(t):
    return t["entity"]["uscc"] if isinstance(t.get("entity"), dict) else t["entity_uscc"]


def active_team(t):
    return sorted(m["officer_id"] for m in t["team"] if m.get("active", True))


def test_an_officer_sees_his_own_tasks(env, world, drawn):
    w, rec = world, drawn.record
    tasks = team_of(env, w.head, drawn.id)
    assert len(tasks) == TASKS
    for t in rec["teams"]:
        assert active_team(tasks[t["code"]]) == sorted(t["officers"])
    officer = rec["teams"][0]["officers"][0]
    mine = ok(w.client_of[officer].get("/tasks?mine=1&limit=200"))["items"]
    assert sorted(task_code(t) for t in mine) == \
        sorted(t["code"] for t in rec["teams"] if officer in t["officers"])
    assert {task_code(t) for t in ok(w.client_of[officer].get("/tasks?mine=0&limit=200"))["items"]} >= \
        {task_code(t) for t in mine}


def test_results_evidence_and_a_replacement(env, world, drawn):
    w, rec = world, drawn.record
    tasks = team_of(env, w.head, drawn.id)
    first = rec["teams"][0]
    task = tasks[first["code"]]
    member = first["officers"][0]
    outsider = next(o for o in w.officers if o not in first["officers"])
    plan = lambda: ok(w.head.get("/tasks/%d" % task["id"]))  # noqa: E731

    # Someone not on the team may not record its result.
    unchanged(env, plan, lambda: w.client_of[outsider].post(
        "/tasks/%d/result" % task["id"], {"result": "未发现问题"}), 403, "forbidden")
    r = step(env, "POST /tasks/{id}/result", lambda: w.client_of[member].post(
        "/tasks/%d/result" % task["id"], {"result": "发现问题已责令改正", "notes": "公示信息未及时更新"}),
        ["task.result"])
    assert r.json()["result"] == "发现问题已责令改正"
    unchanged(env, plan, lambda: w.client_of[member].post(
        "/tasks/%d/result" % task["id"], {"result": "差不多"}), 400, "invalid_value", "result")

    # Evidence keeps its bytes and their SM3.
    data = os.urandom(3000) + "现场检查笔录".encode()
    c = w.client_of[member]
    r = step(env, "POST /tasks/{id}/evidence", lambda: c.http.post(
        c.base + "/tasks/%d/evidence?name=%s" % (task["id"], quote("现场照片 1.jpg")), data=data,
        headers={"X-CSRF-Token": c.csrf, "Content-Type": "image/jpeg"}, timeout=30),
        ["task.evidence"], 201)
    ev = r.json()
    assert ev["sm3"] == hashlib.new("sm3", data).hexdigest()
    assert ev["size"] == len(data) and ev["name"] == "现场照片 1.jpg"
    body = env.db.rows("SELECT body FROM ledger_event ORDER BY seq DESC")[0][0]
    assert ev["sm3"] in body
    got = w.head.get("/evidence/%d" % ev["id"])
    assert got.status_code == 200 and got.content == data
    assert got.headers["Content-Type"].startswith("image/jpeg")
    assert quote("现场照片 1.jpg", safe="") in got.headers["Content-Disposition"]
    error_of(w.dl.get("/evidence/%d" % ev["id"]), 404, "not_found")
    error_of(c.http.post(c.base + "/tasks/%d/evidence" % task["id"], data=data,
                         headers={"X-CSRF-Token": c.csrf}, timeout=30), 422, "missing_field", "name")
    error_of(c.http.post(c.base + "/tasks/%d/evidence?name=a/b.jpg" % task["id"], data=data,
                         headers={"X-CSRF-Token": c.csrf}, timeout=30), 400, "invalid_value", "name")
    error_of(c.http.post(c.base + "/tasks/%d/evidence?name=x.jpg" % task["id"], data=b"",
                         headers={"X-CSRF-Token": c.csrf}, timeout=30), 422, "missing_field", "file")

    # A replacement, with its reason, by the head; another officer of the
    # same department joins, never a conflicted one.
    unchanged(env, plan, lambda: w.head.post("/tasks/%d/replace" % task["id"],
                                              {"officer_id": member}), 422, "missing_field", "reason")
    unchanged(env, plan, lambda: w.client_of[member].post(
        "/tasks/%d/replace" % task["id"], {"officer_id": member, "reason": "病假"}), 403, "forbidden")
    r = step(env, "POST /tasks/{id}/replace", lambda: w.head.post(
        "/tasks/%d/replace" % task["id"], {"officer_id": member, "reason": "因病住院，无法参加检查"}),
        ["task.replace"])
    new = r.json()["replacement"]
    assert new not in first["officers"] and new in w.officers
    assert w.dept_of[new] == w.dept_of[member]
    assert (new, first["code"]) not in w.conflicts
    assert active_team(r.json()["task"]) == sorted([o for o in first["officers"] if o != member] + [new])
    gone = [m for m in r.json()["task"]["team"] if m["officer_id"] == member]
    assert gone and gone[0].get("active") is False
    rec2 = ok(public(env, "/draws/%d" % drawn.id))
    rep = rec2["replacements"]
    assert len(rep) == 1 and rep[0]["code"] == first["code"]
    assert (rep[0]["out"], rep[0]["in"]) == (member, new) and "因病" in rep[0]["reason"]


def test_publication_and_the_public_results(env, world, drawn):
    w = world
    plan = lambda: ok(w.head.get("/plans/%d" % drawn.id))  # noqa: E731
    error_of(public(env, "/plans/%d/results" % drawn.id), 404, "not_found")
    unchanged(env, plan, lambda: w.head.post("/plans/%d/publish" % drawn.id), 409, "conflict")
    for code, t in team_of(env, w.head, drawn.id).items():
        if not t.get("result"):
            ok(w.head.post("/tasks/%d/result" % t["id"], {"result": "未发现问题"}))
    assert plan()["status"] == "results_recorded"
    r = step(env, "POST /plans/{id}/publish", lambda: w.head.post("/plans/%d/publish" % drawn.id),
             ["plan.publish"])
    assert r.json()["status"] == "published"
    res = ok(public(env, "/plans/%d/results" % drawn.id))
    assert len(res["items"]) == TASKS
    assert {i["code"] for i in res["items"]} == {t["code"] for t in drawn.record["teams"]}
    assert all(i["result"] in ("未发现问题", "发现问题已责令改正") for i in res["items"])
    listed = ok(public(env, "/draws?limit=200"))["items"]
    assert drawn.id in [p["id"] for p in listed]
    # Published: no longer on the supervision list, and final.
    assert drawn.id not in [p["id"] for p in ok(w.sup.get("/inspections/overdue"))["items"]]
    task = next(iter(team_of(env, w.head, drawn.id).values()))
    unchanged(env, plan, lambda: w.head.post("/tasks/%d/result" % task["id"],
                                              {"result": "未发现问题", "notes": "改"}), 409, "conflict")
    # The record as published now, with its replacement, still verifies.
    path = env.tmp / "published.json"
    path.write_text(public(env, "/draws/%d" % drawn.id).text, encoding="utf-8")
    v = subprocess.run([BIN, "draw", "verify", str(path)], capture_output=True, text=True, timeout=60)
    assert v.returncode == 0 and "verified" in v.stdout, v.stderr


def test_a_stratum_pool_downloads_as_its_digested_bytes(env, drawn):
    for s in drawn.record["strata"]:
        r = public(env, "/draws/%d/pools/%s" % (drawn.id, quote(s["key"])))
        assert r.status_code == 200, (s["key"], r.text)
        assert r.headers["Content-Type"].startswith("text/plain")
        assert sm3(r.content).hex() == s["pool_digest"]
        assert r.text.split() == s["pool"]
    error_of(public(env, "/draws/%d/pools/Z" % drawn.id), 404, "not_found")


# ---- Supervision -------------------------------------------------------------


def commit_reveal_draw(env, w, plan_id, parties):
    secrets = {}
    for client, uid in parties:
        s, c = secret()
        secrets[uid] = s
        ok(client.post("/plans/%d/commitments" % plan_id, {"commit": c}))
    ok(w.head.post("/plans/%d/commit" % plan_id, {}))
    for client, uid in parties:
        ok(client.post("/plans/%d/reveal" % plan_id, {"secret": secrets[uid]}))
    return ok(w.head.post("/plans/%d/draw" % plan_id, {}))


def test_unpublished_results_past_their_deadline_are_overdue(env, world):
    w = world
    pid = created(w.head.post("/plans", market_spec(
        w, name="2025年一季度企业公示信息抽查", window_from=PAST[0], window_to=PAST[1])))["id"]
    plan = commit_reveal_draw(env, w, pid, [(w.head, w.head_id), (w.sup, w.sup_id)])
    assert plan["status"] == "drawn" and plan["overdue"] is True
    assert plan["publish_due"] < "2025-03-31"
    # A stratum named in Chinese downloads by its URL-encoded key.
    rec = ok(public(env, "/draws/%d" % pid))
    assert rec["strata"][0]["key"] == "全部"
    r = public(env, "/draws/%d/pools/%s" % (pid, quote("全部")))
    assert r.status_code == 200, r.text
    assert r.text.split() == rec["strata"][0]["pool"]
    items = ok(w.sup.get("/inspections/overdue"))["items"]
    mine = [p for p in items if p["id"] == pid]
    assert mine and mine[0]["overdue"] is True
    dues = [p["publish_due"] for p in items]
    assert dues == sorted(dues)
    assert pid not in [p["id"] for p in ok(w.dl.get("/inspections/overdue"))["items"]]


# ---- Refusals ------------------------------------------------------------------


def count_plans(env):
    return int(env.db.rows("SELECT COUNT(*) FROM plans")[0][0])


def test_a_bad_specification_is_refused_and_creates_nothing(env, world):
    w = world
    before, size = count_plans(env), events(env)
    for ratio in ("1.5", "-0.1", "abc"):
        strata = [{"key": "A", "ratio": ratio}, {"key": "B", "count": 3}]
        msg = error_of(w.head.post("/plans", joint_spec(w, strata=strata)), 400, None, "strata[0]")
        assert msg
    error_of(w.head.post("/plans", joint_spec(w, team_size=1)), 400, "invalid_value", "team_size")
    error_of(w.head.post("/plans", joint_spec(w, participants=[w.head_id])), 400, "invalid_value",
             "participants")
    error_of(w.head.post("/plans", joint_spec(w, items=["JT-CC-001"])), 400, "invalid_value", "items")
    error_of(w.head.post("/plans", joint_spec(w, colour="red")), 400, "unknown_field", "colour")
    spec = joint_spec(w)
    del spec["window_to"]
    error_of(w.head.post("/plans", spec), 422, "missing_field", "window_to")
    error_of(w.head.post("/plans", joint_spec(w, window_to="2026-10-01")), 400, "invalid_value",
             "window_to")
    # Only a head (部门负责人) makes plans.
    officer = w.client_of[w.officers[1]]
    error_of(officer.post("/plans", joint_spec(w)), 403, "forbidden")
    error_of(w.sup.post("/plans", joint_spec(w)), 403, "forbidden")
    error_of(w.head.post("/plans", [1, 2]), 400, "wrong_type")
    assert count_plans(env) == before and events(env) == size


def test_a_commitment_that_cannot_draw_is_refused(env, world):
    w = world
    # An empty pool: no entity in 210199.
    pid = created(w.head.post("/plans", market_spec(w, pool_region="210199")))["id"]
    read = lambda: ok(w.head.get("/plans/%d" % pid))  # noqa: E731
    for client, _ in ((w.head, w.head_id), (w.sup, w.sup_id)):
        ok(client.post("/plans/%d/commitments" % pid, {"commit": secret()[1]}))
    unchanged(env, read, lambda: w.head.post("/plans/%d/commit" % pid), 422, "no_data", "pool_region")
    assert read()["status"] == "draft"
    # Fewer certified officers (four of the market) than a team of five.
    pid = created(w.head.post("/plans", market_spec(w, team_size=5)))["id"]
    read = lambda: ok(w.head.get("/plans/%d" % pid))  # noqa: E731
    for client, _ in ((w.head, w.head_id), (w.sup, w.sup_id)):
        ok(client.post("/plans/%d/commitments" % pid, {"commit": secret()[1]}))
    msg = unchanged(env, read, lambda: w.head.post("/plans/%d/commit" % pid), 422, "no_data", "team_size")
    assert "4" in msg
    # A participant without a commitment.
    pid = created(w.head.post("/plans", market_spec(w)))["id"]
    read = lambda: ok(w.head.get("/plans/%d" % pid))  # noqa: E731
    ok(w.head.post("/plans/%d/commitments" % pid, {"commit": secret()[1]}))
    unchanged(env, read, lambda: w.head.post("/plans/%d/commit" % pid), 409, "conflict", "commit")


def test_the_steps_of_a_draw_are_refused_out_of_order(env, world):
    w = world
    pid = created(w.head.post("/plans", market_spec(w, name="顺序检查")))["id"]
    read = lambda: ok(w.head.get("/plans/%d" % pid))  # noqa: E731
    hs, hc = secret()
    ss, sc = secret()
    # Not yet committed: nothing to reveal or draw.
    unchanged(env, read, lambda: w.head.post("/plans/%d/draw" % pid), 409, "conflict")
    ok(w.head.post("/plans/%d/commitments" % pid, {"commit": hc}))
    # A participant commits once; a non-participant never.
    unchanged(env, read, lambda: w.head.post("/plans/%d/commitments" % pid, {"commit": sc}),
              409, "conflict", "commit")
    unchanged(env, read, lambda: w.client_of[w.market_officers[1]].post(
        "/plans/%d/commitments" % pid, {"commit": sc}), 403, "forbidden")
    # Outside the plan's departments it does not even exist.
    unchanged(env, read, lambda: w.eco_head.post("/plans/%d/commitments" % pid, {"commit": sc}),
              404, "not_found")
    unchanged(env, read, lambda: w.head.post("/plans/%d/commitments" % pid, {"commit": "xyz"}),
              400, "invalid_value", "commit")
    unchanged(env, read, lambda: w.head.post("/plans/%d/commitments" % pid, {}),
              422, "missing_field", "commit")
    unchanged(env, read, lambda: w.head.post("/plans/%d/commitments" % pid, {"commit": 5}),
              400, "wrong_type", "commit")
    unchanged(env, read, lambda: w.head.post("/plans/%d/commitments" % pid,
                                              {"commit": hc, "secret": hs}), 400, "unknown_field", "secret")
    ok(w.sup.post("/plans/%d/commitments" % pid, {"commit": sc}))
    ok(w.head.post("/plans/%d/commit" % pid))
    # The commitment is public at once, before any secret is known.
    rec = ok(public(env, "/draws/%d" % pid))
    assert rec["drawn"] is False and rec["commitment"]["leaf_hash"] == read()["commit_leaf"]
    assert all(r.get("secret") is None for r in rec["reveals"])
    # One commitment per plan; the draft no longer changes.
    unchanged(env, read, lambda: w.head.post("/plans/%d/commit" % pid), 409, "conflict")
    unchanged(env, read, lambda: patch(w.head, "/plans/%d" % pid, {"name": "改名"}), 409, "conflict")
    # A reveal must match its commitment; no draw before every reveal.
    unchanged(env, read, lambda: w.head.post("/plans/%d/reveal" % pid, {"secret": ss}),
              400, "invalid_value", "secret")
    ok(w.head.post("/plans/%d/reveal" % pid, {"secret": hs}))
    unchanged(env, read, lambda: w.head.post("/plans/%d/reveal" % pid, {"secret": hs}), 409, "conflict")
    unchanged(env, read, lambda: w.head.post("/plans/%d/draw" % pid), 409, "conflict")
    # No public value was announced, so none is taken.
    unchanged(env, read, lambda: w.head.post("/plans/%d/public-value" % pid, {"value": "1 2 3"}),
              409, "conflict", "value")
    ok(w.sup.post("/plans/%d/reveal" % pid, {"secret": ss}))
    plan = ok(w.head.post("/plans/%d/draw" % pid))
    assert plan["status"] == "drawn"
    unchanged(env, read, lambda: w.head.post("/plans/%d/draw" % pid), 409, "conflict")


def test_scope_keeps_plans_from_the_three_admins_and_other_cities(env, world, drawn):
    w = world
    pid = drawn.id
    tasks = team_of(env, w.head, pid)
    task = next(iter(tasks.values()))
    for admin in ("sysadmin", "secadmin", "auditor"):
        c = env.admins[admin]
        assert ok(c.get("/plans?limit=200"))["items"] == []
        error_of(c.get("/plans/%d" % pid), 404, "not_found")
        error_of(c.get("/tasks/%d" % task["id"]), 403, "forbidden")
        error_of(c.get("/inspections/overdue"), 403, "forbidden")
    error_of(w.dl.get("/plans/%d" % pid), 404, "not_found")
    assert pid not in [p["id"] for p in ok(w.dl.get("/plans?limit=200"))["items"]]
    error_of(w.dl.get("/tasks/%d" % task["id"]), 404, "not_found")
    assert ok(w.dl.get("/tasks?plan_id=%d" % pid))["items"] == []
    before = events(env)
    error_of(w.dl.post("/plans/%d/commitments" % pid, {"commit": secret()[1]}), 404, "not_found")
    error_of(w.dl.post("/tasks/%d/result" % task["id"], {"result": "未发现问题"}), 404, "not_found")
    assert events(env) == before
    # The public record is public.
    assert public(env, "/draws/%d" % pid).status_code == 200
    error_of(requests.get(env.server.url + "/api/v1/plans", timeout=10), 401, "unauthorized")


def test_parameters_are_checked_and_named(env, world):
    h = world.head
    error_of(h.get("/plans?limit=0"), 400, "invalid_value", "limit")
    error_of(h.get("/plans?limit=201"), 400, "invalid_value", "limit")
    error_of(h.get("/plans?cursor=abc"), 400, "invalid_value", "cursor")
    error_of(h.get("/plans?status=finished"), 400, "invalid_value", "status")
    error_of(h.get("/plans/abc"), 400, "invalid_value", "id")
    error_of(h.get("/plans/0"), 400, "invalid_value", "id")
    error_of(h.get("/plans/999999"), 404, "not_found")
    error_of(h.get("/tasks?mine=2"), 400, "invalid_value", "mine")
    error_of(h.get("/tasks?status=late"), 400, "invalid_value", "status")
    error_of(h.get("/tasks?plan_id=-1"), 400, "invalid_value", "plan_id")
    error_of(h.get("/tasks/x"), 400, "invalid_value", "id")
    error_of(h.get("/evidence/0"), 400, "invalid_value", "id")
    error_of(public(env, "/draws?limit=1000"), 400, "invalid_value", "limit")
    error_of(public(env, "/draws/abc"), 400, "invalid_value", "id")
    error_of(public(env, "/draws/999999"), 404, "not_found")
    error_of(public(env, "/plans/999999/results"), 404, "not_found")
    error_of(h.post("/plans/1/draw", {"now": 1}), 400, "unknown_field", "now")
    error_of(h.post("/tasks/1/replace", {"officer_id": "1", "reason": "x"}), 400, "wrong_type",
             "officer_id")
    page = ok(h.get("/plans?limit=1"))
    assert len(page["items"]) == 1 and page["next_cursor"]
    nxt = ok(h.get("/plans?limit=1&cursor=" + page["next_cursor"]))
    assert nxt["items"][0]["id"] < page["items"][0]["id"]
    assert all(p["status"] == "draft" for p in ok(h.get("/plans?status=draft&limit=200"))["items"])


def test_every_mutating_endpoint_appends_exactly_its_event(env, drawn):
    """The walk above (drawn, results, evidence, replacement, publication)
    covered every mutating endpoint of plans and tasks, each proved to
    append exactly one event."""
    with open(os.path.join(ROOT, "docs", "openapi.json"), encoding="utf-8") as f:
        paths = json.load(f)["paths"]
    mutating = {"%s %s" % (m.upper(), p[len("/api/v1"):]) for p, item in paths.items()
                for m in item if m in ("post", "patch", "put", "delete")
                and re.match(r"/api/v1/(plans|tasks)(/|$)", p)}
    assert mutating == set(env.seen)
    assert all(len(a) == 1 for a in env.seen.values())
