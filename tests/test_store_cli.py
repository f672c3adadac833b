"""The store's command line in-process: store, users, import --user, plans, audit; refusals exit 2 and name who and what."""

import json

import pandas as pd
import pytest
import test_store_support as support

from geo import settings
from geo.store import active_imported_tasks, dump_tables, get_user, list_plans, open_store

backend, store_url = support.backend, support.store_url  # the fixtures
cheap_hashing = support.cheap_hashing  # autouse: cheap argon2 parameters


url, run = support.cli_url, support.run_cli  # the command line on an empty store of each backend


@pytest.fixture
def admin(url, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "users", "add", "lan", "--role", "coordinator", "--password-stdin", stdin=support.PASSWORD + "\n")
    assert code == 0, err
    assert out.startswith("added: lan (coordinator)")
    return "lan"


def opened(url):
    store = open_store(url)
    return store


def plan(tmp_path):
    path = tmp_path / "plan.csv"
    pd.DataFrame([
        {"task": "Xây dựng cầu Tứ Liên", "lead_agency_raw": "Sở Xây dựng", "due_raw": "Quý I/2027"},
        {"task": "<script>alert(1)</script>", "lead_agency_raw": "Sở GTVT", "due_raw": "Sớm"},
    ]).to_csv(path, index=False)  # fmt: skip
    return path


def test_store_init_upgrade_and_status(url, capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "store", "upgrade")
    assert code == 2 and "no store at" in err and "python -m geo store init" in err
    code, out, _ = run(capsys, monkeypatch, "store", "init")
    assert code == 0 and "created at schema 0004" in out and "add the first coordinator" in out
    code, out, _ = run(capsys, monkeypatch, "store", "upgrade")
    assert code == 0 and "already at schema 0004" in out


def test_the_first_coordinator_then_accounts_by_a_coordinator(admin, url, capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "users", "add", "rita", "--role", "reporter", "--agency", "so-xay-dung")
    assert code == 2 and "refused: add the account 'rita' needs an account with the role coordinator; give --user NAME" in err
    code, out, _ = run(capsys, monkeypatch, "users", "add", "rita", "--role", "reporter", "--agency", "Sở Xây dựng", "--user", admin)
    assert code == 0 and "added: rita (reporter, so-xay-dung); no password yet" in out
    code, out, _ = run(capsys, monkeypatch, "users", "list")
    assert code == 0 and out.splitlines()[0].split("\t")[:4] == ["lan", "coordinator", "-", "active"]
    code, out, _ = run(capsys, monkeypatch, "users", "list", "--json")
    assert [row["name"] for row in json.loads(out)] == ["lan", "rita"] and "password_hash" not in out
    code, _, err = run(capsys, monkeypatch, "users", "add", "x", "--role", "viewer", "--user", "rita")
    assert code == 2 and err.startswith("error: refused: user 'rita' (reporter) may not add the account 'x'; that needs the role coordinator")
    code, _, err = run(capsys, monkeypatch, "users", "add", "x", "--role", "viewer", "--user", "ghost")
    assert code == 2 and "no account named 'ghost' in the store" in err
    code, _, err = run(capsys, monkeypatch, "users", "add", "x", "--role", "boss", "--user", admin)
    assert code == 2 and "unknown role 'boss'" in err
    code, out, _ = run(capsys, monkeypatch, "users", "set", "rita", "--role", "editor", "--user", admin)
    assert code == 0 and "changed: rita (editor, so-xay-dung)" in out
    code, out, _ = run(capsys, monkeypatch, "users", "disable", "rita", "--user", admin)
    assert code == 0 and "disabled: rita (kept in the store)" in out
    code, _, err = run(capsys, monkeypatch, "users", "password", "rita", "--password-stdin", "--user", "rita", stdin="whatever123\n")
    assert code == 2 and "user 'rita' (editor) may not set the password of 'rita': the account is disabled" in err
    code, out, _ = run(capsys, monkeypatch, "users", "enable", "rita", "--user", admin)
    code, out, _ = run(capsys, monkeypatch, "users", "password", "rita", "--password-stdin", "--user", admin, stdin="a good password\n")
    assert code == 0 and out == "password set: rita\n"
    store = opened(url)
    try:
        assert get_user(store, "rita").has_password and not get_user(store, "rita").disabled
    finally:
        store.close()


def test_import_with_a_user_stores_the_plan_and_dry_run_does_not(admin, url, capsys, monkeypatch, tmp_path):
    source = plan(tmp_path)
    code, out, _ = run(capsys, monkeypatch, "import", str(source), "--doc-id", "KH-12-2027", "--dry-run", "-o", str(tmp_path / "out.csv"))
    assert code == 0 and "2 row(s) read, 1 flagged." in out and "stored" not in out and (tmp_path / "out.csv").exists()
    code, out, _ = run(capsys, monkeypatch, "import", str(source), "--doc-id", "KH-12-2027")
    assert code == 0 and "not stored: give --user NAME" in out
    code, _, _ = run(capsys, monkeypatch, "users", "add", "mai", "--role", "viewer", "--user", admin)
    code, _, err = run(capsys, monkeypatch, "import", str(source), "--doc-id", "KH-12-2027", "--user", "mai")
    assert code == 2 and "refused: user 'mai' (viewer) may not import the plan 'KH-12-2027'; that needs the role coordinator" in err
    store = opened(url)
    try:
        assert list_plans(store) == []
        code, out, _ = run(capsys, monkeypatch, "import", str(source), "--doc-id", "KH-12-2027", "--user", admin, "--title", "Kế hoạch 12")
        assert code == 0 and "stored: plan 1 (KH-12-2027, 2 tasks)" in out and "imported by lan" in out
        tasks = active_imported_tasks(store)
        assert list(tasks["task"]) == ["Xây dựng cầu Tứ Liên", "<script>alert(1)</script>"] and set(tasks["imported_by"]) == {"lan"}
        code, _, err = run(capsys, monkeypatch, "import", str(source), "--doc-id", "KH-12-2027", "--user", admin)
        assert code == 2 and "doc_id 'KH-12-2027' is already imported (plan 1, by 'lan'" in err
        code, _, err = run(capsys, monkeypatch, "import", str(source), "--doc-id", "KH-DU-2026", "--user", admin)
        assert code == 2 and "is a document of the base register" in err
        code, out, _ = run(capsys, monkeypatch, "plans", "list")
        assert out.startswith("1\tKH-12-2027\t2 tasks\tplan.csv\timported ") and out.rstrip().endswith("active\tKế hoạch 12")
        code, _, err = run(capsys, monkeypatch, "plans", "withdraw", "1", "--user", "mai")
        assert code == 2 and "user 'mai' (viewer) may not withdraw the imported plan 1" in err
        code, out, _ = run(capsys, monkeypatch, "plans", "withdraw", "1", "--user", admin)
        assert code == 0 and out.startswith("withdrawn: plan 1 (KH-12-2027, 2 tasks)")
        assert active_imported_tasks(store).empty
        code, out, _ = run(capsys, monkeypatch, "audit", "--who", "lan", "--json")
        entries = json.loads(out)
        assert [e["action"] for e in entries] == ["plan.withdraw", "plan.import", "account.add"]
        code, out, _ = run(capsys, monkeypatch, "audit", "--record-type", "plan", "--record", "1", "--since", "2020-01-01")
        assert code == 0 and len(out.splitlines()) == 2 and "withdrawn_by None -> 'lan'" in out
        code, _, err = run(capsys, monkeypatch, "audit", "--since", "2026-13-01")
        assert code == 2 and "--since must be a date" in err
    finally:
        store.close()


def test_backup_and_restore_from_the_command_line(admin, url, store_url, capsys, monkeypatch, tmp_path):
    target = tmp_path / "backup.json"
    code, _, err = run(capsys, monkeypatch, "store", "backup", str(settings.DATA_DIR / "backup.json"), "--user", admin)
    assert code == 2 and "data/ holds the data of record" in err and not (settings.DATA_DIR / "backup.json").exists()
    code, _, err = run(capsys, monkeypatch, "store", "backup", str(target))
    assert code == 2 and "refused: back up the store needs an account with the role coordinator" in err and not target.exists()
    code, out, _ = run(capsys, monkeypatch, "store", "backup", str(target), "--user", admin)
    assert code == 0 and out.startswith(f"written: {target}") and "password hashes" in out
    store = opened(url)
    before = dump_tables(store)
    store.close()
    code, _, err = run(capsys, monkeypatch, "store", "restore", str(target), "--user", admin)
    assert code == 2 and "is not empty" in err and "--replace" in err
    support.drop_store_tables(store_url)
    code, out, _ = run(capsys, monkeypatch, "store", "restore", str(target))
    assert code == 0 and "restored into" in out and "1 users" in out
    store = opened(url)
    try:
        after = dump_tables(store)
        assert after["users"] == before["users"] and after["audit_log"]["rows"][:1] == before["audit_log"]["rows"][:1]  # then the backup's own record (not in the file)
    finally:
        store.close()
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "something else"}', encoding="utf-8")
    code, _, err = run(capsys, monkeypatch, "store", "restore", str(broken), "--user", admin, "--replace")
    assert code == 2 and "broken.json is not a backup of the planning store" in err and "Traceback" not in err


def test_a_bad_database_url_exits_2_with_a_clear_message(capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://planner:hunter2@127.0.0.1:1/x?connect_timeout=2")
    code, _, err = run(capsys, monkeypatch, "users", "list")
    assert code == 2 and err.startswith("error: cannot open the store at postgresql+psycopg://planner:***@127.0.0.1:1/x")
    assert "hunter2" not in err and "Traceback" not in err
