"""Start-up, migrations on start, graceful shutdown and clean restarts."""
import signal
import socket
import subprocess
import time

import requests

from conftest import BIN, Server


def test_sigterm_lets_an_in_flight_request_finish(db_url):
    s = Server(db_url)
    body = b'{"code": "91110000600037341L"}'
    with socket.create_connection(("127.0.0.1", s.port), timeout=10) as c:
        c.sendall(b"POST /api/v1/ids/check HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
        c.sendall(body[:10])
        time.sleep(0.3)              # the server has the request in hand
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert s.proc.poll() is None, "server quit with a request in flight"
        # no new connections once shutting down
        try:
            socket.create_connection(("127.0.0.1", s.port), timeout=1).close()
            refused = False
        except OSError:
            refused = True
        assert refused, "server still accepts connections after SIGTERM"
        c.sendall(body[10:])
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            chunk = c.recv(4096)
            if not chunk:
                break
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200"), reply
    assert b'"valid":true' in reply
    s.proc.wait(timeout=15)
    log = s.log()
    assert s.stop() == 0
    assert "event=serve.stopped" in log and "in_flight_left=0" in log, log


def test_sigint_stops_cleanly_and_restart_keeps_schema(db_url):
    s = Server(db_url)
    v1 = requests.get(s.url + "/api/v1/health", timeout=5).json()["schema_version"]
    assert s.stop(signal.SIGINT) == 0
    s = Server(db_url)
    assert requests.get(s.url + "/api/v1/health", timeout=5).json()["schema_version"] == v1
    assert s.stop() == 0


def test_port_in_use_is_a_clear_error(server, db_url):
    r = subprocess.run([BIN, "serve", "--db", db_url, "--listen", "127.0.0.1:%d" % server.port],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "cannot listen on 127.0.0.1:%d" % server.port in r.stderr


def test_bad_settings_are_refused_before_serving(db_url):
    for args, needle in [(["--listen", "nowhere"], "listen must be ADDR:PORT"),
                         (["--listen", "127.0.0.1:70000"], "port must be 0 to 65535"),
                         (["--threads", "lots"], "threads must be a whole number"),
                         (["--db", "mysql://x"], "sqlite:"),
                         (["--bogus-flag", "1"], "unexpected argument")]:
        r = subprocess.run([BIN, "serve", "--db", db_url, *args], capture_output=True, text=True, timeout=30)
        assert r.returncode == 2, (args, r.stderr)
        assert needle in r.stderr, (args, r.stderr)


def test_logs_carry_request_ids_and_no_id_numbers(db_url):
    s = Server(db_url)
    r = requests.post(s.url + "/api/v1/ids/check", json={"code": "11010519491231002X"}, timeout=5)
    rid = r.headers["X-Request-Id"]
    requests.get(s.url + "/api/v1/regions/11010519491231002X", timeout=5)
    requests.get(s.url + "/api/v1/nothing/11010519491231002X", timeout=5)
    log = s.log()
    s.stop()
    assert "req=%s " % rid in log
    assert "path=/api/v1/ids/check status=200" in log
    assert "11010519491231002X" not in log
    assert "1101051949123100" not in log


def test_read_timeout_drops_a_stalled_request(db_url):
    s = Server(db_url, extra=["--read-timeout", "1"])
    try:
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as c:
            c.sendall(b"GET /api/v1/version HTTP/1.1\r\nHost: x\r\n")  # headers never finish
            start = time.time()
            data = c.recv(1024)  # the server closes the connection
            waited = time.time() - start
        assert data in (b"",) or data.startswith(b"HTTP/1.1 4"), data
        assert 0.5 < waited < 5, waited
        # and it still serves others
        assert requests.get(s.url + "/api/v1/version", timeout=5).status_code == 200
    finally:
        assert s.stop() == 0


def test_init_creates_and_is_idempotent(tmp_path):
    db = "sqlite:%s/new/fazhi.db" % tmp_path  # the folder does not exist yet
    for _ in range(2):
        r = subprocess.run([BIN, "init", "--db", db, "--demo"], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("initialised %s (schema version " % db)
    assert (tmp_path / "new" / "fazhi.db").exists()
    r = subprocess.run([BIN, "init", "--db", "sqlite:/nonexistent/deeper/x.db"], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 2 and "/nonexistent/deeper" in r.stderr
