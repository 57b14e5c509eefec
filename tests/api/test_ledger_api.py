"""The public ledger API, checked with an independent implementation of the
RFC 9162 verification algorithms (Python's hashlib SM3 / SHA-256)."""
import base64
import hashlib
import os
import subprocess
import tempfile

import pytest
import requests

from conftest import BIN, Server, error_of


def key_file_for(db_url):
    # One key per database, stable across the runs of one `make check`.
    digest = hashlib.sha256(db_url.encode()).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), "fazhi-test-ledger-%s.key" % digest)


@pytest.fixture(scope="module")
def ledger_server(db_url):
    key = key_file_for(db_url)
    r = subprocess.run([BIN, "init", "--db", db_url, "--ledger-key", key],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    s = Server(db_url, extra=["--ledger-key", key])
    yield s
    assert s.stop() == 0


def get(server, path, **kw):
    return requests.get(server.url + "/api/v1/ledger" + path, timeout=10, **kw)


def H(alg, data):
    return hashlib.new(alg, data).digest()


def verify_inclusion(alg, leaf, index, size, path, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = H(alg, b"\x01" + p + r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = H(alg, b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def checkpoint_root(note):
    origin, size, root = note.split("\n")[:3]
    return origin, int(size), base64.b64decode(root)


def test_key_and_checkpoint(ledger_server, tmp_path):
    k = get(ledger_server, "/key").json()
    assert k["verifier_key"].startswith("fazhi-ledger+") and k["hash"] == "sm3" and k["signature"] == "sm2"
    r = get(ledger_server, "/checkpoint")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    (tmp_path / "cp").write_text(r.text, encoding="utf-8")
    v = subprocess.run([BIN, "ledger", "verify-checkpoint", str(tmp_path / "cp"), "--key", k["verifier_key"]],
                       capture_output=True, text=True, timeout=30)
    assert v.returncode == 0, v.stdout


def test_every_event_proves_against_the_checkpoint(ledger_server):
    note = get(ledger_server, "/checkpoint").text
    origin, size, root = checkpoint_root(note)
    assert size >= 1
    withheld = 0
    for seq in range(size):
        body = get(ledger_server, "/events/%d" % seq).json()
        assert body["seq"] == seq
        if "withheld" in body:
            # a security event: no content, but its leaf still proves
            assert "body" not in body and "event" not in body
            leaf = bytes.fromhex(body["leaf_hash"])
            withheld += 1
        else:
            assert body["event"]["seq"] == seq
            assert not body["event"]["action"].startswith(("auth.", "user.", "token."))
            leaf = H("sm3", b"\x00" + body["body"].encode())
            assert leaf.hex() == body["leaf_hash"]
        assert body["checkpoint"]["size"] >= size
        _, csize, croot = checkpoint_root(body["checkpoint"]["note"])
        proof = [bytes.fromhex(p) for p in body["inclusion_proof"]]
        assert verify_inclusion("sm3", leaf, seq, csize, proof, croot)
        # a wrong index or a flipped bit does not verify
        if proof:
            bad = [bytes([proof[0][0] ^ 1]) + proof[0][1:]] + proof[1:]
            assert not verify_inclusion("sm3", leaf, seq, csize, bad, croot)
    ev = get(ledger_server, "/events/0").json()["event"]
    assert ev["action"] == "instance.init" and ev["object"] == {"type": "instance", "id": "1"}
    # init created the three 三员 accounts: their events are withheld
    assert withheld >= 3


def test_consistency_proof(ledger_server):
    size = checkpoint_root(get(ledger_server, "/checkpoint").text)[1]
    body = get(ledger_server, "/proof/consistency", params={"from": 1, "to": size}).json()
    assert body["from"] == 1 and body["to"] == size and len(body["root_to"]) == 64
    if size == 1:
        assert body["proof"] == [] and body["root_from"] == body["root_to"]


def test_ledger_refusals(ledger_server):
    size = checkpoint_root(get(ledger_server, "/checkpoint").text)[1]
    error_of(get(ledger_server, "/events/-1"), 400, "invalid_value", "seq")
    error_of(get(ledger_server, "/events/abc"), 400, "invalid_value", "seq")
    msg = error_of(get(ledger_server, "/events/%d" % (size + 100)), 404, "not_found", "seq")
    assert "latest checkpoint" in msg
    error_of(get(ledger_server, "/proof/consistency", params={"from": 0, "to": 1}), 400, "out_of_range", "from")
    error_of(get(ledger_server, "/proof/consistency", params={"from": 1, "to": size + 5}), 400, "out_of_range", "to")
    error_of(get(ledger_server, "/proof/consistency", params={"to": 1}), 422, "missing_field", "from")
