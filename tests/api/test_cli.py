"""The exact CLI forms other tools rely on (they need no database)."""
import subprocess

from conftest import BIN


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30)


def test_version():
    r = run("version")
    assert r.returncode == 0 and r.stdout.startswith("fazhi ")


def test_id_check_valid_codes():
    for code in ["91110000600037341L", "91440300568520498A", "91310115MA1K3BTP2B",
                 "121200004013590816", "11010519491231002X"]:
        r = run("id", "check", code)
        assert (r.returncode, r.stdout) == (0, "valid\n"), (code, r)


def test_id_check_reasons():
    r = run("id", "check", "91110000600037341M")
    assert r.returncode == 1
    assert "'L'" in r.stdout  # the expected check character
    r = run("id", "check", "11010519490230002X")
    assert r.returncode == 1 and "date" in r.stdout.lower()
    r = run("id", "check", "9111000060003734")
    assert r.returncode == 1 and "18" in r.stdout
    r = run("id", "check", "91110000600O37341L")
    assert r.returncode == 1 and "O" in r.stdout


def test_id_check_usage():
    assert run("id", "check").returncode == 2
    assert run("id", "nope", "x").returncode == 2


def test_calendar():
    assert run("calendar", "is-workday", "2026-02-14").stdout == "yes\n"  # 调休 Saturday
    assert run("calendar", "is-workday", "2026-02-16").stdout == "no\n"   # 春节
    assert run("calendar", "is-workday", "2026-03-02").stdout == "yes\n"
    r = run("calendar", "add-workdays", "2025-09-30", "1")
    assert (r.returncode, r.stdout) == (0, "2025-10-09\n")


def test_calendar_unloaded_year_is_an_error_naming_it():
    r = run("calendar", "is-workday", "2031-05-06")
    assert r.returncode == 2 and "2031" in r.stderr and r.stdout == ""
    r = run("calendar", "add-workdays", "2026-12-30", "5")
    assert r.returncode == 2 and "2027" in r.stderr


def test_calendar_bad_input():
    assert run("calendar", "is-workday", "2026-02-30").returncode == 2
    assert run("calendar", "add-workdays", "2026-01-05", "-1").returncode == 2
    assert run("calendar", "add-workdays", "2026-01-05", "x").returncode == 2


def test_deadline_first_line_is_the_date():
    r = run("deadline", "penalty.pay", "2026-09-17")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "2026-10-08"
    assert any("67" in l or "六十七" in l for l in lines[1:])
    r = run("deadline", "penalty.hearing_request", "2026-09-30")
    assert r.stdout.splitlines()[0] == "2026-10-13"


def test_deadline_list_has_every_rule():
    r = run("deadline", "--list")
    assert r.returncode == 0
    rows = [l.split("\t") for l in r.stdout.splitlines()]
    ids = {row[0] for row in rows}
    assert len(rows) == 18 and all(len(row) == 5 for row in rows)
    assert {"penalty.decide", "coercion.seizure", "inspection.publish", "decision.legality"} <= ids
    assert all(row[4] in ("days", "workdays") for row in rows)


def test_deadline_unknown_rule_lists_the_valid_ones():
    r = run("deadline", "penalty.nope", "2026-01-05")
    assert r.returncode == 2
    assert "penalty.decide" in r.stderr and "review.apply" in r.stderr


def test_an_administrator_adds_a_year_through_data_dir(tmp_path):
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "2027.txt").write_text(
        "notice 测试用通知\nyear 2027\noff 2027-01-01 元旦\n", encoding="utf-8")
    assert run("calendar", "is-workday", "2027-01-04").returncode == 2
    r = run("calendar", "--data-dir", str(tmp_path), "is-workday", "2027-01-01")
    assert (r.returncode, r.stdout) == (0, "no\n")
    r = run("deadline", "--data-dir", str(tmp_path), "penalty.pay", "2026-12-20")
    assert r.stdout.splitlines()[0] == "2027-01-04"
    # a broken file stops the load with its line number
    (tmp_path / "calendar" / "2028.txt").write_text("year 2028\noff 2028-02-30 x\n", encoding="utf-8")
    r = run("calendar", "--data-dir", str(tmp_path), "is-workday", "2027-01-01")
    assert r.returncode == 2 and "2028.txt:" in r.stderr
