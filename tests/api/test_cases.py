"""Enforcement cases over HTTP against a real `fazhi serve` on the 辽宁 demo:
a 普通程序 penalty case from lead to archive with 立案 by the head, two
certified handlers, 告知 with hearing rights, 法制审核 by a qualified
reviewer who is not a handler, decision, service, execution, publication
with ledger proofs and withdrawal; 简易程序 within Art. 51; the limitation
period of Art. 36; 查封、扣押 with its one extension; a 行政检查 without a
basis flagged for supervision; deadlines overdue; and every illegal step
refused with its article, changing nothing."""
import json
import os
import re
import subprocess
import zipfile
from datetime import date, timedelta

import pytest

from conftest import BACKEND, BIN, Server, error_of
from test_accounts import Client, Db, psql

PG_SCHEMA = "fz_api_cases"
PASSWORD = "Liaoning-2100"
TODAY = date.today()  # the server's civil date is 北京时间; tests avoid midnight edges
DAY = timedelta(days=1)


class Env:
    pass


def ok(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json()


def events(env):
    return int(env.db.rows("SELECT COUNT(*) FROM ledger_event")[0][0])


def demo_env(tmp_path_factory, name, schema):
    """The 辽宁 demo (300 entities) in a database of its own (a PostgreSQL
    schema), served, with the demo accounts signed in (env.c[username]);
    yields it and takes it down.  Shared with the other suites that need a
    populated world."""
    d = tmp_path_factory.mktemp(name)
    if BACKEND == "sqlite":
        url = "sqlite:%s/%s.db" % (d, name)
    else:
        base = os.environ["FAZHI_TEST_PG_URL"]
        psql(base, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s" % (schema, schema))
        url = base + ("&" if "?" in base else "?") + "options=-csearch_path%3D" + schema
    keys = ["--ledger-key", str(d / "ledger.key"), "--id-key", str(d / "id.key")]
    for cmd in (["init", "--db", url, "--demo", *keys],
                ["demo", "--db", url, "--entities", "300", "--id-key", str(d / "id.key")]):
        r = subprocess.run([BIN, *cmd], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
    e = Env()
    e.db = Db(url)
    e.server = Server(url, extra=keys)
    e.c = {}
    for user in ("sy.officer", "sy.head", "sy.reviewer", "dl.head", "ln.supervisor"):
        c = Client(e.server.url)
        assert c.login(user, PASSWORD).status_code == 200
        e.c[user] = c
    yield e
    assert e.server.stop() == 0
    if BACKEND != "sqlite":
        psql(os.environ["FAZHI_TEST_PG_URL"], "DROP SCHEMA %s CASCADE" % schema)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    yield from demo_env(tmp_path_factory, "cases", PG_SCHEMA)


def user_id(env, name):
    return int(env.db.rows("SELECT id FROM users WHERE username = '%s'" % name)[0][0])


@pytest.fixture(scope="module")
def world(env):
    """The 沈阳 market department, its certified officers (two linked to the
    demo officer and reviewer accounts), an unfit one of each kind, and
    entities of 沈阳."""
    w = Env()
    db = env.db
    w.dept = int(db.rows("SELECT id FROM departments WHERE name = '沈阳市市场监督管理局'")[0][0])
    today = TODAY.isoformat()
    fit = db.rows("SELECT id, legal_qualification FROM officers WHERE department_id = %d AND "
                  "auxiliary = 0 AND active = 1 AND status = 'valid' AND cert_from <= '%s' AND "
                  "cert_to >= '%s' ORDER BY id" % (w.dept, today, today))
    qualified = [int(i) for i, q in fit if q == "1"]
    assert qualified, fit
    plain = [int(i) for i, _ in fit if int(i) != qualified[0]]
    assert len(plain) >= 3, fit
    sup = env.c["ln.supervisor"]
    # sy.officer handles cases; sy.reviewer is a qualified officer who
    # never handles them.
    w.me, w.other, w.third = plain[0], plain[1], plain[2]
    w.reviewer = qualified[0]
    for officer, name in ((w.me, "sy.officer"), (w.reviewer, "sy.reviewer")):
        db.rows("SELECT 1")  # the database is reachable
        r = sup.http.patch(sup.base + "/officers/%d" % officer, json={"user_id": user_id(env, name)},
                           headers={"X-CSRF-Token": sup.csrf}, timeout=30)
        if r.status_code != 200:  # already linked to another officer
            assert "user_id" in r.text, r.text
    w.me = int(db.rows("SELECT id FROM officers WHERE user_id = %d" % user_id(env, "sy.officer"))[0][0])
    w.reviewer = int(db.rows("SELECT id FROM officers WHERE user_id = %d" % user_id(env, "sy.reviewer"))[0][0])
    w.other = next(i for i in plain if i != w.me)
    w.third = next(i for i in plain if i not in (w.me, w.other))
    w.expired = int(db.rows("SELECT id FROM officers WHERE department_id = %d AND auxiliary = 0 AND "
                            "cert_to < '%s' LIMIT 1" % (w.dept, today))[0][0]) \
        if db.rows("SELECT id FROM officers WHERE department_id = %d AND auxiliary = 0 AND cert_to < '%s'"
                   % (w.dept, today)) else None
    w.aux = int(db.rows("SELECT id FROM officers WHERE department_id = %d AND auxiliary = 1 LIMIT 1"
                        % w.dept)[0][0])
    # Entities the demo's own cases leave alone (they take the first ones),
    # so that each is a first offender here.
    ents = db.rows("SELECT uscc, name FROM entities WHERE region_code LIKE '2101%' AND active = 1 "
                   "AND uscc NOT IN (SELECT entity_code FROM cases) ORDER BY id DESC LIMIT 10")
    w.entities = [(u, n) for u, n in ents]
    return w


def new_case(env, w, i=0, **over):
    code, name = w.entities[i]
    body = {"kind": "penalty", "department_id": w.dept, "matter_code": "SC-CF-007",
            "party_type": "organisation", "party_name": name, "entity_code": code,
            "act_date": (TODAY - 20 * DAY).isoformat(), "source": "complaint",
            "source_ref": "12345-2026-001", "facts": "经营场所内商品未按规定明码标价",
            "circumstances": {"harm": "slight", "corrected": True}}
    body.update(over)
    return env.c["sy.officer"].post("/cases", body)


def take(env, who, case, step, body=None, status=200):
    r = env.c[who].post("/cases/%d/steps/%s" % (case, step), body if body is not None else {})
    assert r.status_code == status, (step, r.status_code, r.text)
    return r.json()


def refused(env, who, case, step, body, status, code, field=None, cites=None):
    """A refused step: its error, and that neither the case nor the ledger
    changed."""
    before = env.c["sy.head"].get("/cases/%d" % case).json()
    size = events(env)
    msg = error_of(env.c[who].post("/cases/%d/steps/%s" % (case, step), body), status, code, field)
    after = env.c["sy.head"].get("/cases/%d" % case).json()
    for k in ("stage", "steps", "deadlines", "officers", "hearing", "review_state", "decision"):
        assert after[k] == before[k], k
    assert events(env) == size
    if cites:
        assert cites in msg, msg
    return msg


def test_ordinary_penalty_from_lead_to_archive(env, world):
    w = world
    case = ok(new_case(env, w), 201)
    cid = case["id"]
    assert case["stage"] == "lead" and case["stage_label"] == "线索"
    assert re.match(r"^P-%d-\d{4}-\d{5}$" % w.dept, case["case_no"])
    offered = {s["step"]: s for s in case["next_steps"]}
    assert "file" in offered and not offered["file"]["allowed"]  # the officer may not 立案
    assert "decide" not in offered and "serve" not in offered

    # 立案 needs the head, and a team of two certified officers (Art. 42).
    refused(env, "sy.officer", cid, "file", {"officers": [w.me, w.other]}, 403, "forbidden")
    refused(env, "sy.head", cid, "file", {"officers": [w.me]}, 409, "conflict", "officers", "第四十二条")
    refused(env, "sy.head", cid, "file", {"officers": [w.me, w.aux]}, 409, "conflict", "officers", "辅助人员")
    if w.expired:
        refused(env, "sy.head", cid, "file", {"officers": [w.me, w.expired]}, 409, "conflict",
                "officers", "有效期")
    refused(env, "sy.head", cid, "file", {"officers": [w.me, w.me]}, 400, "invalid_value", "officers")
    refused(env, "sy.head", cid, "serve", {"method": "直接送达"}, 409, "conflict", "stage")
    case = take(env, "sy.head", cid, "file", {"officers": [w.me, w.other]})
    assert case["stage"] == "investigating"
    assert [o["id"] for o in case["officers"]] == [w.me, w.other]
    decide = [d for d in case["deadlines"] if d["rule"] == "penalty.decide"]
    assert decide and decide[0]["citation"].endswith("第六十条")
    # Ninety days on, rolled to a working day; or no date while that year's
    # holiday notice is not loaded (never a guess).
    if decide[0]["due"]:
        assert decide[0]["due"] >= (TODAY + 90 * DAY).isoformat()
    else:
        assert decide[0]["state"] == "no_calendar"

    # Evidence with its SM3 in the ledger event.
    photo = b"\xff\xd8\xff\xe0 price tags photographed at the counter"
    r = env.c["sy.officer"].post("/cases/%d/evidence?name=%s" % (cid, "现场照片.jpg"), None,
                                 headers={"Content-Type": "image/jpeg"})
    assert r.status_code in (400, 422)  # an empty upload is refused
    r = env.c["sy.officer"].http.post(env.c["sy.officer"].base + "/cases/%d/evidence?name=photo.jpg" % cid,
                                      data=photo, headers={"X-CSRF-Token": env.c["sy.officer"].csrf,
                                                           "Content-Type": "image/jpeg"}, timeout=30)
    assert r.status_code == 201, r.text
    ev = r.json()["evidence"][0]
    import hashlib
    assert ev["sm3"] == hashlib.new("sm3", photo).hexdigest()
    got = env.c["sy.head"].get("/cases/evidence/%d" % ev["id"])
    assert got.content == photo and got.headers["X-Content-SM3"] == ev["sm3"]

    # 告知: an 800 元 fine, below the demo's 较大数额 for organisations
    # (100,000 元): no hearing right, and the notice says why (Art. 63).
    refused(env, "sy.head", cid, "decide", {"kinds": ["罚款"], "fine": "800"}, 409, "conflict", "stage")
    case = take(env, "sy.officer", cid, "notify", {"kinds": ["罚款"], "fine": "800"})
    assert case["hearing"] == "none" and case["proposed"]["hearing_right"] is False
    assert "较大数额" in case["proposed"]["hearing_why"]
    assert not [d for d in case["deadlines"] if d["rule"] == "penalty.hearing_request"]

    # 法制审核 where Art. 58 applies: refused without it, and only by a
    # qualified reviewer who is not a handler.
    take(env, "sy.officer", cid, "facts", {"review_grounds": [1]})
    refused(env, "sy.head", cid, "decide", {"kinds": ["罚款"], "fine": "800"}, 409, "conflict",
            "review", "第五十八条")
    case = take(env, "sy.officer", cid, "submit_review", {})
    assert case["stage"] == "review"
    refused(env, "sy.officer", cid, "review", {"result": "approved", "opinion": "同意"}, 403, "forbidden")
    refused(env, "sy.reviewer", cid, "review", {"result": "maybe", "opinion": "同意"}, 400, "invalid_value",
            "result")
    # The reviewer is of the agency that decides (Art. 58): moved to
    # another department he may not review; serving this one as another
    # department of his is enough.
    other = int(env.db.rows("SELECT id FROM departments WHERE region_code LIKE '2101%%' AND id <> %d "
                            "AND active = 1 ORDER BY id LIMIT 1" % world.dept)[0][0])
    sup = env.c["ln.supervisor"]

    def move(body):
        r = sup.http.patch(sup.base + "/officers/%d" % world.reviewer, json=body,
                           headers={"X-CSRF-Token": sup.csrf}, timeout=30)
        assert r.status_code == 200, r.text
    move({"department_id": other, "department_ids": []})
    msg = refused(env, "sy.reviewer", cid, "review", {"result": "approved", "opinion": "同意"}, 409,
                  "conflict", "reviewer", "第五十八条")
    assert "沈阳市市场监督管理局" in msg, msg
    move({"department_ids": [world.dept]})
    refused(env, "sy.reviewer", cid, "review", {"result": "maybe", "opinion": "同意"}, 400, "invalid_value",
            "result")  # past the department check, to the body's
    move({"department_id": world.dept, "department_ids": []})
    case = take(env, "sy.reviewer", cid, "review", {"result": "approved",
                                                     "opinion": "事实清楚，证据确凿，适用依据正确，程序合法"})
    assert case["review_state"] == "approved" and case["stage"] == "notified"

    # The evaluation: slight harm, corrected, a first offence of this
    # party for this matter — the demo 免罚清单 (2023) says it may go
    # unpunished (Art. 33 ¶1), every line with its citation.
    ev = ok(env.c["sy.head"].post("/cases/%d/evaluate" % cid, {}))
    assert ev["tier"]["key"] == "较轻" and ev["range"]["max"] == "1000.00"
    assert ev["first_offence"]["value"] is True and ev["no_penalty"] is True
    assert any(x["applies"] and x["kind"] == "exempt" for x in ev["lists"])
    assert ev["lines"] and all(line["citation"] for line in ev["lines"])

    # 决定: only the head; a fine in spite of the 免罚 hit needs a written
    # reason and raises a supervision alert (DESIGN §7).
    refused(env, "sy.officer", cid, "decide", {"kinds": ["罚款"], "fine": "800"}, 403, "forbidden")
    refused(env, "sy.head", cid, "decide", {"kinds": ["罚款"]}, 400, "invalid_value", "fine")
    refused(env, "sy.head", cid, "decide", {"kinds": ["罚金"], "fine": "800"}, 400, "invalid_value",
            "kinds", "第九条")
    refused(env, "sy.head", cid, "decide", {"kinds": ["罚款"], "fine": "800"}, 409, "conflict", "reason")
    reason = "当事人曾因同类行为被约谈，仍未建立价格公示制度，不适用免罚"
    case = take(env, "sy.head", cid, "decide", {"kinds": ["罚款"], "fine": "800", "reason": reason,
                                                "party_present": False})
    assert case["stage"] == "decided" and case["fine"] == "800.00"
    assert [a["kind"] for a in case["alerts"]] == ["penalty_despite_exemption"]
    assert reason in case["alerts"][0]["message"]
    rules = {d["rule"]: d for d in case["deadlines"]}
    assert rules["penalty.decide"]["state"] == "met"
    assert "penalty.publish" in rules and "penalty.serve" in rules
    case = take(env, "sy.officer", cid, "serve", {"method": "直接送达"})
    assert {d["rule"] for d in case["deadlines"]} >= {"penalty.pay"}
    refused(env, "sy.head", cid, "close", {}, 409, "conflict", "stage")
    take(env, "sy.officer", cid, "execute", {"how": "当事人已通过电子缴款缴纳罚款"})
    take(env, "sy.head", cid, "close", {})
    case = take(env, "sy.officer", cid, "archive", {})
    assert case["stage"] == "archived"
    steps = [s["step"] for s in case["steps"]]
    assert steps == ["create", "file", "notify", "facts", "submit_review", "review",
                     "decide", "serve", "execute", "close", "archive"]
    actions = [a for _, a, _ in env.db.ledger() if a.startswith("case.")]
    for s in steps:
        assert "case." + s in actions
    assert "case.evidence" in actions

    # 公示 with proofs; withdrawal with its reason.
    case = take(env, "sy.head", cid, "publish", {})
    pub = ok(env.c["sy.head"].get("/cases/%d" % cid))  # idempotence is refused below
    assert pub["published"] is True
    refused(env, "sy.head", cid, "publish", {}, 409, "conflict", "stage")
    import requests
    d = requests.get(env.server.url + "/api/v1/public/decisions/%d" % cid, timeout=30).json()
    assert d["party"] == w.entities[0][1] and d["entity_code"] == w.entities[0][0]
    assert d["fine"] == "800.00" and d["kinds"] == ["罚款"]
    proof = d["ledger"]["proofs"]["decision"]
    assert proof["seq"] == case["decide_seq"] and proof["inclusion_proof"]
    assert d["ledger"]["checkpoint"].count("\n") >= 3
    listed = requests.get(env.server.url + "/api/v1/public/decisions", timeout=30).json()
    assert cid in [x["id"] for x in listed["items"]]
    refused(env, "sy.head", cid, "withdraw", {"reason": ""}, 400, "invalid_value", "reason")
    take(env, "sy.head", cid, "withdraw", {"reason": "经行政复议撤销原处罚决定"})
    w.archived = cid
    d = requests.get(env.server.url + "/api/v1/public/decisions/%d" % cid, timeout=30).json()
    assert d["withdrawn"] is True and d["withdraw_reason"] == "经行政复议撤销原处罚决定"


def verify_archive(path, key=None):
    cmd = [BIN, "case", "verify-archive", str(path)] + (["--key", key] if key else [])
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def rewrite_zip(src, dst, change):
    """Copies the zip src to dst with change(name, data) -> data applied."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item.filename, data)


def test_case_file_archive_verifies_offline(env, world, tmp_path):
    """The 案卷 of the archived case: one zip that `fazhi case verify-archive`
    checks with the ledger's key alone; a swapped photo, an edited event,
    a missing event and a foreign key are each caught."""
    cid = world.archived
    error_of(env.c["dl.head"].get("/cases/%d/archive" % cid), 404, "not_found")
    r = env.c["ln.supervisor"].get("/cases/%d/archive" % cid)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/zip"
    good = tmp_path / "case.zip"
    good.write_bytes(r.content)
    key = ok(env.c["sy.head"].get("/ledger/key"))["verifier_key"]
    with zipfile.ZipFile(good) as z:
        manifest = json.loads(z.read("manifest.json"))
        names = z.namelist()
    assert manifest["case"]["id"] == cid and "next_steps" not in manifest["case"]
    assert len(manifest["evidence"]) == 1 and manifest["evidence"][0]["path"] in names
    steps = {s["seq"] for s in manifest["case"]["steps"]}
    assert steps <= {e["seq"] for e in manifest["events"]}
    out = verify_archive(good, key)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "verified" in out.stdout and "1 evidence files" in out.stdout

    photo = manifest["evidence"][0]["path"]
    swapped = tmp_path / "swapped.zip"
    rewrite_zip(good, swapped, lambda n, d: b"another photo" if n == photo else d)
    out = verify_archive(swapped, key)
    assert out.returncode == 1 and "SM3" in out.stdout, out.stdout

    first = manifest["events"][1]["path"]
    edited = tmp_path / "edited.zip"
    rewrite_zip(good, edited, lambda n, d: d.replace(b'"stage"', b'"stagE"') if n == first else d)
    out = verify_archive(edited, key)
    assert out.returncode == 1 and "leaf" in out.stdout, out.stdout

    dropped = tmp_path / "dropped.zip"
    rewrite_zip(good, dropped, lambda n, d: None if n == first else d)
    out = verify_archive(dropped, key)
    assert out.returncode == 1, out.stdout

    # Another installation's key does not verify this ledger's checkpoint.
    other = key.split("+")
    other[-1] = other[-1][:-8] + ("AAAAAAA=" if not other[-1].endswith("AAAAAAA=") else "BBBBBBB=")
    out = verify_archive(good, "+".join(other))
    assert out.returncode == 1 and "FAILED" in out.stdout, out.stdout

    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    assert verify_archive(junk, key).returncode == 2


def test_case_opened_by_an_inspection_result(env, world):
    """A random inspection's result that found a problem opens a case, and
    the task names the case; a result of 未发现问题, another entity, or a
    second case are refused."""
    head = env.c["sy.head"]
    tasks = ok(head.get("/tasks?status=open"))["items"]
    assert tasks, "the demo's overdue plan C has open tasks of 沈阳"
    t = tasks[0]
    spec = dict(kind="penalty", matter_code="SC-CF-002", entity_code=t["entity"]["uscc"],
                party_name=t["entity"]["name"] or "被检查企业", source="inspection_task",
                source_ref=str(t["id"]))
    error_of(new_case(env, world, **spec), 409, "conflict", "source_ref")  # no result yet
    r = head.post("/tasks/%d/result" % t["id"], {"result": "发现问题待后续处理",
                                                 "notes": "冷藏柜温度不符合标示要求"})
    assert r.status_code == 200, r.text
    error_of(new_case(env, world, **{**spec, "entity_code": world.entities[7][0]}), 409, "conflict",
             "entity_code")
    error_of(new_case(env, world, **{**spec, "source_ref": "task-1"}), 400, "invalid_value", "source_ref")
    case = ok(new_case(env, world, **spec), 201)
    task = ok(head.get("/tasks/%d" % t["id"]))
    assert task["case_ref"] == case["case_no"]
    assert "task.case" in [a for _, a, _ in env.db.ledger()]
    error_of(new_case(env, world, **spec), 409, "conflict", "source_ref")  # one case per task


def test_limitation_period_of_article_36(env, world):
    size = events(env)
    old = (TODAY - 3 * 365 * DAY).isoformat()
    msg = error_of(new_case(env, world, 1, act_date=old), 409, "conflict", "discovered_on")
    assert "第三十六条" in msg and "二" in msg and old in msg
    # Five years where life, health or financial safety was harmed.
    ok(new_case(env, world, 1, act_date=old, grave_harm=True), 201)
    # A continuing act counts from its end.
    ok(new_case(env, world, 1, act_date=old, act_end_date=(TODAY - 30 * DAY).isoformat()), 201)
    assert events(env) == size + 2


def test_simple_procedure_within_article_51(env, world):
    w = world
    person = {"party_type": "person", "party_name": "王小明", "entity_code": "",
              "procedure": "simple", "officers": [w.me, w.other]}
    size = events(env)
    error_of(new_case(env, w, **{**person, "officers": [w.me]}), 409, "conflict", "officers")
    assert events(env) == size
    cid = ok(new_case(env, w, **person), 201)["id"]
    refused(env, "sy.officer", cid, "decide", {"kinds": ["罚款"], "fine": "250"}, 409, "conflict", "fine",
            "第五十一条")
    refused(env, "sy.officer", cid, "decide", {"kinds": ["责令停产停业"]}, 409, "conflict", "kinds")
    case = take(env, "sy.officer", cid, "decide", {"kinds": ["罚款"], "fine": "200"})
    assert case["stage"] == "served"  # handed over on the spot (Art. 52)
    take(env, "sy.head", cid, "publish", {})
    import requests
    d = requests.get(env.server.url + "/api/v1/public/decisions/%d" % cid, timeout=30).json()
    assert d["party"] == "王*明" and d["entity_code"] is None and d["facts"] is None


def test_hearing_chair_review_by_handler_and_no_penalty(env, world):
    w = world
    cid = ok(new_case(env, w, 2), 201)["id"]
    take(env, "sy.head", cid, "file", {"officers": [w.me, w.other]})
    take(env, "sy.officer", cid, "notify", {"kinds": ["吊销许可证件"]})
    take(env, "sy.officer", cid, "hearing_request", {})
    notice = TODAY - 10 * DAY
    body = {"chair": w.other, "notice_on": notice.isoformat(), "held_on": TODAY.isoformat(),
            "record": "当事人到场陈述，提交了整改材料"}
    refused(env, "sy.officer", cid, "hearing", body, 409, "conflict", "chair", "第六十四条")
    refused(env, "sy.officer", cid, "hearing", {**body, "chair": w.third,
                                               "notice_on": (TODAY - 3 * DAY).isoformat()},
            409, "conflict", "held_on", "七日")
    case = take(env, "sy.officer", cid, "hearing", {**body, "chair": w.third})
    assert case["hearing"] == "held" and "2" in case["review_grounds"]  # Art. 58(二)
    # No penalty needs the education given (Art. 33 ¶3).
    take(env, "sy.officer", cid, "submit_review", {})
    take(env, "sy.reviewer", cid, "review", {"result": "approved", "opinion": "同意不予处罚"})
    refused(env, "sy.head", cid, "decide", {"kinds": []}, 422, "missing_field", "education", "第三十三条")
    case = take(env, "sy.head", cid, "decide", {"kinds": [], "education": "当场宣讲明码标价规定并责令改正"})
    assert case["no_penalty"] is True and case["lenient"] == "免罚"
    take(env, "sy.officer", cid, "serve", {"method": "直接送达"})
    refused(env, "sy.officer", cid, "execute", {"how": "无"}, 409, "conflict", "stage")
    assert take(env, "sy.head", cid, "close", {})["stage"] == "closed"


def test_coercion_extended_once(env, world):
    w = world
    cid = ok(new_case(env, w, 3, kind="coercion", matter_code="SC-QZ-001"), 201)["id"] \
        if env.db.rows("SELECT 1 FROM matters WHERE code = 'SC-QZ-001'") else None
    if cid is None:
        pytest.skip("the demo catalogue has no 行政强制 matter SC-QZ-001")
    take(env, "sy.head", cid, "file", {"officers": [w.me, w.other]})
    refused(env, "sy.officer", cid, "seize", {"measure": "没收", "items": "冻品 20 箱"}, 400,
            "invalid_value", "measure")
    case = take(env, "sy.officer", cid, "seize", {"measure": "扣押", "items": "涉嫌不合格冻品 20 箱"})
    assert case["stage"] == "seized"
    assert [d for d in case["deadlines"] if d["rule"] == "coercion.seizure"]
    refused(env, "sy.officer", cid, "extend", {"reason": "检测报告尚未出具"}, 403, "forbidden")
    take(env, "sy.head", cid, "extend", {"reason": "检测报告尚未出具"})
    refused(env, "sy.head", cid, "extend", {"reason": "再次延长"}, 409, "conflict", "extend", "第二十五条")
    assert take(env, "sy.officer", cid, "release", {"outcome": "检测合格，解除扣押"})["stage"] == "closed"


def test_inspection_without_basis_and_supervision_lists(env, world):
    w = world
    matter = env.db.rows("SELECT code FROM matters WHERE kind = '行政检查' AND department_kind = 'market' "
                         "LIMIT 1")[0][0]
    case = ok(new_case(env, w, 4, kind="inspection", matter_code=matter, source="patrol", source_ref="",
                       officers=[w.me, w.other]), 201)
    assert case["alerts"] and case["alerts"][0]["kind"] == "inspection_without_basis"
    take(env, "sy.officer", case["id"], "inspect", {"result": "未发现违法行为"})
    # A case filed long ago and never decided is overdue (Art. 60).
    old = ok(new_case(env, w, 5, act_date=(TODAY - 200 * DAY).isoformat(),
                      discovered_on=(TODAY - 150 * DAY).isoformat()), 201)["id"]
    take(env, "sy.head", old, "file", {"officers": [w.me, w.other],
                                       "filed_on": (TODAY - 140 * DAY).isoformat()})
    sup = env.c["ln.supervisor"]
    lst = ok(sup.get("/cases/deadlines?state=overdue"))
    hit = [i for i in lst["items"] if i["id"] == old]
    assert hit and hit[0]["deadline"]["rule"] == "penalty.decide" and hit[0]["deadline"]["state"] == "overdue"
    assert not [i for i in ok(env.c["dl.head"].get("/cases/deadlines?state=overdue"))["items"]
                if i["id"] == old]  # 大连 does not see 沈阳's cases
    mine = ok(env.c["sy.officer"].get("/cases/deadlines?state=overdue&mine=1"))["items"]
    assert old in [i["id"] for i in mine]
    reviewer = ok(env.c["sy.reviewer"].get("/cases/deadlines?state=overdue&mine=1"))["items"]
    assert reviewer == []  # he handles no case
    error_of(sup.get("/cases/deadlines?mine=2"), 400, "invalid_value", "mine")
    error_of(env.c["dl.head"].get("/cases/%d" % old), 404, "not_found")
    alerts = ok(sup.get("/cases/alerts"))["items"]
    assert any(a["kind"] == "inspection_without_basis" for a in alerts)
    stats = ok(sup.get("/cases/stats"))
    assert stats["by_kind"]["penalty"] >= 3 and stats["overdue_by_department"]
    error_of(sup.get("/cases/deadlines?state=later"), 400, "invalid_value", "state")


def test_hearing_threshold_configured(env, world):
    w = world
    body = {"department_kind": "market", "party_type": "organisation", "fine": "2000",
            "confiscation": "2000", "basis": "示例：按本省规定配置的较大数额标准"}
    error_of(env.c["sy.officer"].post("/cases/hearing-thresholds", body), 403, "forbidden")
    error_of(env.c["ln.supervisor"].post("/cases/hearing-thresholds", {**body, "fine": "-1"}), 400,
             "invalid_value", "fine")
    got = ok(env.c["ln.supervisor"].post("/cases/hearing-thresholds", body))
    assert {"department_kind": "market", "party_type": "organisation", "fine": "2000.00"}.items() <= \
        [t for t in got["items"] if t["party_type"] == "organisation"][0].items()
    cid = ok(new_case(env, w, 6, circumstances={"harm": "general"}), 201)["id"]
    take(env, "sy.head", cid, "file", {"officers": [w.me, w.other]})
    case = take(env, "sy.officer", cid, "notify", {"kinds": ["罚款"], "fine": "3000"})
    assert case["hearing"] == "open" and case["proposed"]["hearing_right"] is True
    hr = [d for d in case["deadlines"] if d["rule"] == "penalty.hearing_request"][0]
    assert hr["party"] is True and hr["citation"].endswith("第六十四条第一项")
    # Not decided while the party may still ask for a hearing (Art. 64).
    refused(env, "sy.head", cid, "decide", {"kinds": ["罚款"], "fine": "3000"}, 409, "conflict",
            "hearing", "第六十四条")
    take(env, "sy.officer", cid, "hearing_waive", {})
    # A ground of Art. 32 as the evaluation knows it: 从轻 within the tier.
    take(env, "sy.officer", cid, "facts", {"circumstances": {"harm": "general",
                                                            "grounds": ["other_legal"]}})
    ev = ok(env.c["sy.head"].post("/cases/%d/evaluate" % cid, {}))
    assert ev["mitigation"] in ("从轻", "减轻")
    case = take(env, "sy.head", cid, "decide", {"kinds": ["罚款"], "fine": "1000"})
    assert case["stage"] == "decided" and not case["alerts"]  # within 一般's 1,000–3,000
    # Its publication is due in seven working days: near within 14 days.
    near = ok(env.c["sy.head"].get("/cases/deadlines?state=near&days=14"))["items"]
    assert [i for i in near if i["id"] == cid and i["deadline"]["rule"] == "penalty.publish"]
    assert all(i["deadline"]["state"] == "near" for i in near)


def test_bad_input_changes_nothing(env, world):
    w = world
    size = events(env)
    c = env.c["sy.officer"]
    error_of(new_case(env, w, kind="arrest"), 400, "invalid_value", "kind")
    error_of(new_case(env, w, matter_code="ST-CF-001"), 400, "invalid_value", "matter_code")
    error_of(new_case(env, w, entity_code="91110000600037341X"), 400, "invalid_value", "entity_code")
    error_of(new_case(env, w, act_date="2026-02-30"), 400, "invalid_value", "act_date")
    error_of(new_case(env, w, circumstances={"harm": "huge"}), 400, "invalid_value", "circumstances.harm")
    error_of(new_case(env, w, circumstances={"harm": "slight", "grounds": ["other_by_law"]}), 400,
             "invalid_value", "circumstances.grounds")
    error_of(new_case(env, w, department_id=999999), 404, "not_found", "department_id")
    error_of(c.post("/cases", {"kind": "penalty"}), 422, "missing_field")
    error_of(env.c["dl.head"].post("/cases", {**{"kind": "penalty", "department_id": w.dept,
                                                 "matter_code": "SC-CF-007", "party_type": "person",
                                                 "party_name": "张三", "act_date": TODAY.isoformat(),
                                                 "source": "patrol"}}), 404, "not_found", "department_id")
    error_of(c.post("/cases/1/steps/teleport", {}), 404, "not_found", "step")
    assert events(env) == size


def test_colleague_directory_for_participants(env, world):
    """A head names a plan's participants from the directory: colleagues of
    his region and the supervisors above it, never another city's or the
    三员; the 三员 may not read it."""
    names = lambda items: {u["username"] for u in items}
    got = ok(env.c["sy.head"].get("/users/directory"))["items"]
    assert {"sy.officer", "sy.reviewer", "ln.supervisor", "ln.social"} <= names(got)
    assert not names(got) & {"dl.head", "dl.officer", "sysadmin", "secadmin", "auditor"}
    assert set(got[0]) == {"id", "username", "display_name", "roles", "region_prefix", "department_id"}
    sup = ok(env.c["sy.head"].get("/users/directory?role=supervisor"))["items"]
    assert names(sup) == {"ln.supervisor"}
    assert names(ok(env.c["sy.head"].get("/users/directory?q=review"))["items"]) == {"sy.reviewer"}
    assert "dl.head" in names(ok(env.c["ln.supervisor"].get("/users/directory"))["items"])
    error_of(env.c["sy.head"].get("/users/directory?role=auditor"), 400, "invalid_value", "role")
    error_of(env.c["sy.head"].get("/users/directory?q=" + "x" * 65), 400, "invalid_value", "q")


def test_officers_are_public_before_the_fact(env, world):
    """公示 before the fact: the officers who hold a certificate, names
    masked, with number, validity and state; never a 辅助人员 or an ID
    number, whatever the query asks."""
    import requests
    url = env.server.url + "/api/v1/public/officers?department_id=%d&limit=200" % world.dept
    items = requests.get(url, timeout=30).json()["items"]
    assert items
    aux = {int(i) for (i,) in env.db.rows("SELECT id FROM officers WHERE auxiliary = 1")}
    for o in items:
        assert o["id"] not in aux and o["cert_no"]
        assert "*" in o["name"] and "id_number" not in o and "user_id" not in o
        assert o["certificate"]["state"] in ("valid", "expired", "revoked", "suspended", "not_yet_valid")
    sneaky = requests.get(url + "&auxiliary=true", timeout=30).json()["items"]
    assert not {o["id"] for o in sneaky} & aux
