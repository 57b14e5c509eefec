"""fazhi merkle (the auditors' tool) and fazhi ledger verify."""
import sqlite3
import subprocess

from conftest import BIN

# RFC 6962 / certificate-transparency test leaves and the root of all eight.
CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
             "606162636465666768696a6b6c6d6e6f"]
CT_ROOT_8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


def merkle(*args, leaves=CT_LEAVES):
    return subprocess.run([BIN, "merkle", *args], input="\n".join(leaves) + "\n",
                          capture_output=True, text=True, timeout=30)


def test_merkle_root_matches_rfc6962():
    r = merkle("root", "--hash", "sha256")
    assert (r.returncode, r.stdout) == (0, CT_ROOT_8 + "\n")
    r = merkle("root", "--hash", "sha256", leaves=CT_LEAVES[:1])
    # MTH of the one empty leaf = SHA-256(0x00)
    assert r.stdout.strip() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"


def test_merkle_inclusion_and_consistency():
    r = merkle("inclusion", "--hash", "sha256", "5")
    assert r.returncode == 0
    assert [l[:4] for l in r.stdout.split()] == ["bc1a", "ca85", "d37e"]
    r = merkle("consistency", "--hash", "sha256", "8")
    assert (r.returncode, r.stdout) == (0, "")  # same size: empty proof
    r = merkle("consistency", "--hash", "sha256", "4")
    assert r.returncode == 0 and len(r.stdout.split()) == 1


def test_merkle_sm3_is_the_default():
    assert merkle("root").stdout == merkle("root", "--hash", "sm3").stdout
    assert merkle("root").stdout != merkle("root", "--hash", "sha256").stdout


def test_merkle_refusals():
    r = merkle("root", "--hash", "md5")
    assert r.returncode == 2 and "md5" in r.stderr
    r = merkle("root", leaves=["00", "0g"])
    assert r.returncode == 2 and "line 2" in r.stderr
    r = merkle("root", leaves=["abc"])
    assert r.returncode == 2 and "line 1" in r.stderr
    assert merkle("inclusion", "8").returncode == 2
    assert merkle("consistency", "0").returncode == 2
    assert merkle("consistency", "9").returncode == 2
    assert merkle("inclusion").returncode == 2


def test_ledger_verify_names_the_edited_event(tmp_path):
    path = tmp_path / "l.db"
    db = "sqlite:%s" % path
    assert subprocess.run([BIN, "init", "--db", db], capture_output=True, timeout=30).returncode == 0
    r = subprocess.run([BIN, "ledger", "verify", "--db", db], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.startswith("verified 4 events")
    with sqlite3.connect(path) as c:
        c.execute("UPDATE ledger_event SET body = replace(body, '\"demo\":false', '\"demo\":true')")
    r = subprocess.run([BIN, "ledger", "verify", "--db", db], capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert r.stdout.startswith("FAILED at seq 0:")


def test_init_refuses_to_change_the_ledger_hash(tmp_path):
    db = "sqlite:%s/h.db" % tmp_path
    assert subprocess.run([BIN, "init", "--db", db, "--ledger-hash", "sha256"], capture_output=True,
                          timeout=30).returncode == 0
    r = subprocess.run([BIN, "init", "--db", db, "--ledger-hash", "sm3"], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2 and "sha256" in r.stderr and "never change" in r.stderr


def fazhi(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)


def test_checkpoints_are_signed_and_checkable(tmp_path):
    db = "sqlite:%s/c.db" % tmp_path
    r = fazhi("init", "--db", db)
    assert r.returncode == 0 and "ledger verifier key (publish it): fazhi-ledger+" in r.stdout
    key_file = tmp_path / "c.db.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    vkey = fazhi("ledger", "key", "--db", db).stdout.strip()
    assert vkey.startswith("fazhi-ledger+")
    note = fazhi("ledger", "checkpoint", "--db", db).stdout
    lines = note.split("\n")
    assert lines[0] == "fazhi-ledger" and lines[1] == "4" and lines[3] == "" and lines[4].startswith("— fazhi-ledger ")
    assert fazhi("ledger", "checkpoint", "--db", db).stdout == note  # nothing new: the same checkpoint
    (tmp_path / "cp").write_text(note, encoding="utf-8")
    r = fazhi("ledger", "verify-checkpoint", str(tmp_path / "cp"), "--key", vkey)
    assert r.returncode == 0 and r.stdout.startswith("verified: fazhi-ledger, 4 events, root ")
    (tmp_path / "bad").write_text(note.replace("\n4\n", "\n5\n"), encoding="utf-8")
    r = fazhi("ledger", "verify-checkpoint", str(tmp_path / "bad"), "--key", vkey)
    assert r.returncode == 1 and "does not verify" in r.stdout
    # a key of another ledger
    other = "sqlite:%s/o.db" % tmp_path
    fazhi("init", "--db", other)
    r = fazhi("ledger", "verify-checkpoint", str(tmp_path / "cp"), "--key",
              fazhi("ledger", "key", "--db", other).stdout.strip())
    assert r.returncode == 1
    assert fazhi("ledger", "verify", "--db", db).stdout.startswith("verified 4 events and 1 signed checkpoints")


def test_a_forged_stored_checkpoint_fails_verify(tmp_path):
    path = tmp_path / "f.db"
    db = "sqlite:%s" % path
    fazhi("init", "--db", db)
    fazhi("ledger", "checkpoint", "--db", db)
    with sqlite3.connect(path) as c:
        c.execute("UPDATE ledger_checkpoint SET note = replace(note, '— fazhi-ledger ', '— fazhi-ledger x')")
    r = fazhi("ledger", "verify", "--db", db)
    assert r.returncode == 1 and "not validly signed" in r.stdout


def test_a_ledger_key_never_changes(tmp_path):
    db = "sqlite:%s/k.db" % tmp_path
    fazhi("init", "--db", db)
    (tmp_path / "k.db.key").unlink()  # lost key: init would make another
    r = fazhi("init", "--db", db)
    assert r.returncode == 2 and "never changes" in r.stderr
    (tmp_path / "loose.key").write_text("x")
    (tmp_path / "loose.key").chmod(0o644)
    r = fazhi("init", "--db", "sqlite:%s/n.db" % tmp_path, "--ledger-key", str(tmp_path / "loose.key"))
    assert r.returncode == 2 and "0644" in r.stderr
