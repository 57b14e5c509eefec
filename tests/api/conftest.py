"""Starts a real `fazhi serve` on a free port for the API tests.

FAZHI_BIN names the binary (default build/fazhi).  FAZHI_TEST_BACKEND is
"sqlite" (a new database file in a temporary folder) or "postgresql" (the
server at FAZHI_TEST_PG_URL, started by scripts/pgtmp)."""
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("FAZHI_BIN", os.path.join(ROOT, "build", "fazhi"))
BACKEND = os.environ.get("FAZHI_TEST_BACKEND", "sqlite")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(tmpdir):
    if BACKEND == "sqlite":
        return "sqlite:" + os.path.join(tmpdir, "fazhi.db")
    url = os.environ.get("FAZHI_TEST_PG_URL")
    if not url:
        pytest.fail("FAZHI_TEST_BACKEND=postgresql needs FAZHI_TEST_PG_URL "
                    "(scripts/pgtmp start DIR prints one)")
    return url


class Server:
    """A running fazhi serve: .url, .proc, .log (its stderr so far)."""

    def __init__(self, db, extra=(), env=None):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.logfile = tempfile.NamedTemporaryFile(prefix="fazhi-serve-", suffix=".log", delete=False)
        cmd = [BIN, "serve", "--db", db, "--listen", "127.0.0.1:%d" % self.port, *extra]
        self.proc = subprocess.Popen(cmd, stdout=self.logfile, stderr=self.logfile,
                                     env={**os.environ, **(env or {})})
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("fazhi serve exited with %s:\n%s" % (self.proc.returncode, self.log()))
            try:
                requests.get(self.url + "/api/v1/version", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("fazhi serve did not start:\n" + self.log())

    def log(self):
        with open(self.logfile.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=timeout)
        os.unlink(self.logfile.name)
        return self.proc.returncode


@pytest.fixture(scope="session")
def tmpdir_session():
    with tempfile.TemporaryDirectory(prefix="fazhi-api-") as d:
        yield d


@pytest.fixture(scope="session")
def db_url(tmpdir_session):
    return database_url(tmpdir_session)


@pytest.fixture(scope="session")
def server(db_url):
    s = Server(db_url, extra=["--body-limit", "65536"])
    yield s
    rc = s.stop()
    assert rc == 0, "fazhi serve did not exit cleanly on SIGTERM"


@pytest.fixture
def api(server):
    """requests against the shared server: api.get("/health") etc."""
    class Api:
        url = server.url

        def get(self, path, **kw):
            return requests.get(server.url + "/api/v1" + path, timeout=10, **kw)

        def post(self, path, **kw):
            return requests.post(server.url + "/api/v1" + path, timeout=10, **kw)

        def request(self, method, path, **kw):
            return requests.request(method, server.url + "/api/v1" + path, timeout=10, **kw)
    return Api()


def error_of(resp, status, code, field=None):
    """Asserts resp is the JSON error {"error":{code,message,field}} with
    this status and code (and field, when given); returns the message."""
    assert resp.status_code == status, (resp.status_code, resp.text)
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    if code is not None:
        assert err["code"] == code, err
    assert err["message"], err
    if field is not None:
        assert err.get("field") == field, err
    return err["message"]
