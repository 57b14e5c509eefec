"""Every write acknowledged to a client survives kill -9: a storm of
concurrent writes through the one write path, the server killed in the
middle of it, restarted, killed again; then every acknowledged write is
there and the ledger verifies.  SQLite (WAL, synchronous=FULL): on
PostgreSQL durability is the database server's."""
import re
import signal
import sqlite3
import subprocess
import threading
import time

import pytest
import requests

from conftest import BACKEND, BIN, Server

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="kill -9 durability is tested on SQLite")

ROUNDS = 3
CLIENTS = 8


def test_acknowledged_writes_survive_kill_9(tmp_path):
    path = tmp_path / "d.db"
    db = "sqlite:%s" % path
    r = subprocess.run([BIN, "init", "--db", db], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    otp = re.search(r"^  sysadmin +(\S+)", r.stdout, re.M).group(1)

    s = Server(db)
    http = requests.Session()
    login = http.post(s.url + "/api/v1/auth/login", json={"username": "sysadmin", "password": otp}, timeout=30)
    assert login.status_code == 200, login.text
    csrf = login.json()["csrf_token"]
    r = http.post(s.url + "/api/v1/auth/password", headers={"X-CSRF-Token": csrf}, timeout=30,
                  json={"old_password": otp, "new_password": "Dauerhaft-Test-2026"})
    assert r.status_code == 200, r.text
    cookies = http.cookies.get_dict()

    acknowledged = []
    lock = threading.Lock()
    for round_ in range(ROUNDS):
        if round_:
            s = Server(db)  # the session lives in the database: it survives too
        stop = threading.Event()

        def storm(url=s.url):
            c = requests.Session()
            c.cookies.update(cookies)
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    r = c.post(url + "/api/v1/tokens", headers={"X-CSRF-Token": csrf}, timeout=5,
                               json={"name": "storm-%d-%d" % (round_, n), "roles": ["sysadmin"],
                                     "expires_in_days": 1})
                except requests.RequestException:
                    return  # the server is gone: this write was never acknowledged
                assert r.status_code == 201, r.text
                with lock:
                    acknowledged.append(r.json()["id"])

        threads = [threading.Thread(target=storm) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(0.8)
        s.proc.send_signal(signal.SIGKILL)
        s.proc.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        s.logfile.close()

    assert len(acknowledged) > 20, "the storm wrote too little to test anything"
    with sqlite3.connect(path) as c:
        stored = {row[0] for row in c.execute("SELECT id FROM api_tokens")}
        issued = c.execute("SELECT count(*) FROM ledger_event WHERE action = 'token.issue'").fetchone()[0]
    c.close()
    lost = [i for i in acknowledged if i not in stored]
    assert not lost, "acknowledged but lost after kill -9: %s" % lost[:10]
    assert issued >= len(acknowledged) and issued == len(stored)
    r = subprocess.run([BIN, "ledger", "verify", "--db", db], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
