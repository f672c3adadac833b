"""Backup -> wipe -> restore gives the same store; a file from elsewhere is refused and nothing is half-written."""

import json

import pytest
import test_store_support as support

from geo.errors import InvalidArgumentError, PermissionDenied, StoreError
from geo.store import (
    add_user,
    audit_entries,
    backup,
    dump_tables,
    import_plan,
    open_store,
    read_backup,
    restore,
    set_setting,
    update_user,
    withdraw_plan,
)
from geo.store.backup import FORMAT_ID, _checksum

backend, store_url, store, coordinator = support.backend, support.store_url, support.store, support.coordinator  # the fixtures
cheap_hashing = support.cheap_hashing  # autouse: cheap argon2 parameters


@pytest.fixture
def filled(store, coordinator, agencies):
    """A store with accounts, an active and a withdrawn plan, a setting, hostile text and the audit of it all."""
    rita = add_user(store, coordinator, "rita", role="reporter", agency_id="so-xay-dung", email="<b>rita</b>@example.org")
    update_user(store, coordinator, "rita", expected_version=rita.version, role="editor")
    first = import_plan(store, coordinator, support.import_result("KH-1-2027", support.plan_rows(), agencies),
                        doc_id="KH-1-2027", file_name="a.csv", file_bytes=b"a", title="'; DROP TABLE users; --")  # fmt: skip
    withdraw_plan(store, coordinator, first.id, first.version)
    import_plan(store, coordinator, support.import_result("KH-2-2027", support.plan_rows()[:1], agencies),
                doc_id="KH-2-2027", file_name="b.xlsx", file_bytes=b"b", title="Kế hoạch <i>mới</i>")  # fmt: skip
    set_setting(store, coordinator, "anonymous_viewing", False, expected_version=0)
    return store


def without_restore_record(tables):
    audit = tables["audit_log"]
    index = audit["columns"].index("action")
    return {**tables, "audit_log": {**audit, "rows": [row for row in audit["rows"] if row[index] != "store.restore"]}}


def test_backup_wipe_restore_gives_identical_content(filled, coordinator, tmp_path):
    store_url = support.url_of(filled)
    path = backup(filled, tmp_path / "store.json", user=coordinator)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert (document["format"], document["schema_revision"], document["created_by"]) == (FORMAT_ID, "0004", "lan")
    assert document["app_version"] and {name: len(t["rows"]) for name, t in document["tables"].items()} == {
        "audit_log": 7, "imported_plans": 2, "settings": 1, "users": 2, "imported_tasks": 4,
        "progress_reports": 0, "progress_evidence": 0, "indicator_values": 0, "feature_versions": 0}  # fmt: skip
    filled.close()
    support.drop_store_tables(store_url)  # the wipe: a new, empty store at the same place
    fresh = open_store(store_url)
    try:
        assert restore(fresh, path) == {"audit_log": 7, "imported_plans": 2, "settings": 1, "users": 2, "imported_tasks": 4,
                                        "progress_reports": 0, "progress_evidence": 0, "indicator_values": 0, "feature_versions": 0}
        restored = dump_tables(fresh)
        assert without_restore_record(restored) == document["tables"]
        assert audit_entries(fresh)[0].action == "store.restore" and audit_entries(fresh)[0].who == "(store admin)"
        assert audit_entries(fresh)[0].after["rows"]["users"] == 2
        with pytest.raises(PermissionDenied, match="needs an account with the role coordinator"):
            add_user(fresh, None, "x", role="coordinator")  # the restored accounts count: no second bootstrap
        later = add_user(fresh, coordinator, "mai", role="viewer")  # ids continue after the restored ones
        assert later.id == 3
        with pytest.raises(StoreError, match=r"is not empty \(.*2 imported_plans.*\); restore into a new store, or replace it"):
            restore(fresh, path, user=coordinator)
    finally:
        fresh.close()


def test_restore_with_replace_swaps_the_content_in_one_transaction(filled, coordinator, tmp_path):
    path = backup(filled, tmp_path / "store.json", user=coordinator)
    saved = json.loads(path.read_text(encoding="utf-8"))["tables"]
    add_user(filled, coordinator, "after.backup", role="viewer")
    viewer = add_user(filled, coordinator, "mai", role="viewer")
    with pytest.raises(PermissionDenied, match=r"user 'mai' \(viewer\) may not restore the backup store.json"):
        restore(filled, path, user=viewer, replace=True)
    restore(filled, path, user=coordinator, replace=True)
    assert without_restore_record(dump_tables(filled)) == saved
    assert audit_entries(filled)[0].who == "lan"


def tamper(path, change):
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="qgis-project"), r"is not a backup of the planning store \(format 'qgis-project'"),
        (lambda d: d.update(format_version=9), r"backup format version 9, this app reads 1"),
        (lambda d: d.update(schema_revision="0001"), r"is a backup of schema revision '0001'; this store is at 0004"),
        (lambda d: d["tables"]["users"]["rows"][0].__setitem__(1, "mallory"), r"do not match the file's checksum \(the file was altered or cut\)"),
        (lambda d: (d["tables"]["users"]["rows"][0].__setitem__(2, 7), d.update(tables_sha256=_checksum(d["tables"]))),
         r"table users row 1: column role holds '7', not a String value"),
        (lambda d: (d["tables"]["users"]["columns"].append("is_admin"), d.update(tables_sha256=_checksum(d["tables"]))),
         r"table users has columns .*is_admin.*expected"),
        (lambda d: (d["tables"].pop("settings"), d.update(tables_sha256=_checksum(d["tables"]))), r"tables .* do not match this store's"),
        (lambda d: (d["tables"]["imported_tasks"]["rows"].append([99, 99, 0, "x", {}]), d.update(tables_sha256=_checksum(d["tables"]))),
         r"the rows of table imported_tasks break the store's rules"),  # a task of no plan: the database refuses it, the rest is undone
    ],
)
def test_a_restore_file_from_elsewhere_is_refused_and_nothing_is_written(filled, coordinator, tmp_path, change, message):
    store_url = support.url_of(filled)
    path = backup(filled, tmp_path / "store.json", user=coordinator)
    tamper(path, change)
    filled.close()
    support.drop_store_tables(store_url)
    fresh = open_store(store_url)
    try:
        with pytest.raises(StoreError, match=message):
            restore(fresh, path)
        assert all(not table["rows"] for table in dump_tables(fresh).values())
    finally:
        fresh.close()


@pytest.mark.parametrize("content", [b"", b"{\"format\": ", "not json at all".encode("utf-16"), b"[1, 2]"])
def test_a_file_that_is_no_backup_at_all_is_refused(tmp_path, content):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=r"x.json is not a backup of the planning store"):
        read_backup(path)


def test_backup_is_a_coordinators_read_and_never_lands_in_data(filled, coordinator, tmp_path):
    from geo import settings

    viewer = add_user(filled, coordinator, "mai", role="viewer")
    with pytest.raises(PermissionDenied, match=r"user 'mai' \(viewer\) may not back up the store"):
        backup(filled, tmp_path / "b.json", user=viewer)
    with pytest.raises(InvalidArgumentError, match="data/ holds the data of record"):
        backup(filled, settings.DATA_DIR / "b.json", user=coordinator)
    target = tmp_path / "b.json"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="the file exists; add --force"):
        backup(filled, target, user=coordinator)
    assert target.read_text(encoding="utf-8") == "keep" and not (settings.DATA_DIR / "b.json").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]  # no scratch file left
