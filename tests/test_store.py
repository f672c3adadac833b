"""The store's core on SQLite and PostgreSQL: one write path, permissions, conflicts, no trace of a failed write."""

import threading
from datetime import date

import pytest
import test_store_support as support
from sqlalchemy import func, insert, inspect, select

from geo.errors import ConflictError, InvalidArgumentError, PermissionDenied, StoreError, UnknownValueError
from geo.register import COLUMNS
from geo.store import (
    active_imported_tasks,
    add_user,
    audit_entries,
    can_report,
    disable_user,
    get_setting,
    get_user,
    import_plan,
    list_plans,
    list_users,
    open_store,
    set_setting,
    update_user,
    withdraw_plan,
    writing,
)
from geo.store.schema import audit_log, imported_plans, imported_tasks, metadata, users

backend, store_url, store, coordinator = support.backend, support.store_url, support.store, support.coordinator  # the fixtures
cheap_hashing = support.cheap_hashing  # autouse: cheap argon2 parameters
PASSWORD, import_result, plan_rows = support.PASSWORD, support.import_result, support.plan_rows


def count(store, table):
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_new_store_is_created_at_the_head_with_every_table(store_url):
    store = open_store(store_url)
    store.close()
    assert store.revision == "0004" and store.opened_at_revision is None
    names = set(inspect(store.engine).get_table_names())
    assert set(metadata.tables) <= names and "alembic_version" in names
    again = open_store(store_url)
    try:
        assert again.opened_at_revision == "0004"
    finally:
        again.close()


def test_the_first_account_is_a_coordinator_added_without_anyone(store):
    with pytest.raises(InvalidArgumentError, match="first account must be a coordinator"):
        add_user(store, None, "rita", role="reporter", agency_id="so-xay-dung")
    lan = add_user(store, None, "lan", role="coordinator", password=PASSWORD)
    assert lan.role == "coordinator" and lan.has_password and lan.version == 1
    with pytest.raises(PermissionDenied, match=r"add the account 'mai' needs an account with the role coordinator; give --user"):
        add_user(store, None, "mai", role="coordinator")
    assert [user.name for user in list_users(store)] == ["lan"]
    [entry] = audit_entries(store)
    assert (entry.who, entry.action, entry.record_id, entry.before) == ("(store admin)", "account.add", "lan", None)
    assert entry.after["password_hash"].startswith("(set ") and PASSWORD not in str(entry.after)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"role": "boss"}, UnknownValueError, "unknown role 'boss'; expected one of viewer, reporter, editor, coordinator"),
        ({"role": "reporter"}, InvalidArgumentError, "a reporter needs an agency"),
        ({"role": "reporter", "agency_id": "so-vu-tru"}, UnknownValueError, "Unknown agency 'so-vu-tru'"),
        ({"role": "reporter", "agency_id": "so-gtvt"}, InvalidArgumentError, "merged into so-xay-dung in 2025"),
        ({"role": "viewer", "password": "short"}, InvalidArgumentError, "a password needs 8 to 1024 characters"),
        ({"role": "viewer", "name": "'; DROP TABLE users; --"}, InvalidArgumentError, "account name .*letters, digits"),
        ({"role": "viewer", "name": "lan"}, StoreError, "an account named 'lan' exists already"),
        ({"role": "viewer", "name": "LAN"}, StoreError, "an account named 'lan' exists already"),
    ],
)
def test_bad_account_input_is_refused_and_nothing_is_written(store, coordinator, kwargs, error, message):
    kwargs = dict(kwargs)
    name = kwargs.pop("name", "mai")
    with pytest.raises(error, match=message):
        add_user(store, coordinator, name, **kwargs)
    assert [user.name for user in list_users(store)] == ["lan"] and count(store, audit_log) == 1


def test_unknown_user_gets_a_clear_message(store, coordinator):
    with pytest.raises(UnknownValueError, match=r"no account named 'ghost' in the store at .*; accounts: lan"):
        get_user(store, "ghost")


def test_a_refusal_names_the_user_the_role_and_the_write(store, coordinator):
    mai = add_user(store, coordinator, "mai", role="viewer")
    result = import_result("KH-12-2027", plan_rows(), _agencies())
    with pytest.raises(PermissionDenied, match=r"user 'mai' \(viewer\) may not import the plan 'KH-12-2027'; that needs the role coordinator"):
        import_plan(store, mai, result, doc_id="KH-12-2027", file_name="p.csv", file_bytes=b"x", base_doc_ids=())
    editor = add_user(store, coordinator, "ed", role="editor")
    with pytest.raises(PermissionDenied, match=r"user 'ed' \(editor\) may not add the account 'x'"):
        add_user(store, editor, "x", role="viewer")
    assert list_plans(store) == [] and count(store, audit_log) == 3


def test_a_disabled_account_may_do_nothing_even_with_an_old_copy(store, coordinator):
    other = add_user(store, coordinator, "hoa", role="coordinator")
    disable_user(store, coordinator, "hoa", expected_version=other.version)
    with pytest.raises(PermissionDenied, match=r"user 'hoa' \(coordinator\) may not add the account 'x': the account is disabled"):
        add_user(store, other, "x", role="viewer")  # `other` still says enabled: the write path reads the account afresh
    assert get_user(store, "hoa").disabled and "hoa" in [user.name for user in list_users(store)]
    with pytest.raises(InvalidArgumentError, match="cannot disable its own account"):
        disable_user(store, coordinator, "lan", expected_version=coordinator.version)


def _agencies():
    from geo.agencies import load_agencies

    return load_agencies()


@pytest.mark.parametrize(
    ("agency", "task_id", "expected"),
    [
        ("so-xay-dung", "KH-DU-2026.008", True),  # leads it
        ("so-xay-dung", "KH-183-2021.013", True),  # coordinates it
        ("so-xay-dung", "KH-183-2021.018", True),  # led by Sở GTVT, merged into Sở Xây dựng in 2025
        ("so-xay-dung", "KH-DU-2026.001", False),  # Sở Tài chính's task
        ("so-tai-chinh", "KH-183-2021.018", False),  # another agency's predecessor
    ],
)
def test_a_reporter_reports_for_its_agency_and_its_predecessors(store, coordinator, agencies, tasks, agency, task_id, expected):
    reporter = add_user(store, coordinator, f"r.{agency}", role="reporter", agency_id=agency)
    row = tasks.loc[task_id]
    assert can_report(reporter, row, agencies) is expected
    assert can_report(coordinator, row, agencies) is True
    before = count(store, audit_log)
    if expected:
        with writing(store, reporter, "progress.report", what=f"report progress on {task_id}",
                     check=lambda user: can_report(user, row, agencies)) as write:  # fmt: skip
            write.audit("task", task_id, None, {"status": "in progress"})
        assert count(store, audit_log) == before + 1
    else:
        with pytest.raises(PermissionDenied, match=rf"user 'r.{agency}' \(reporter, agency {agency}\) may not report progress on {task_id}"), \
                writing(store, reporter, "progress.report", what=f"report progress on {task_id}",
                        check=lambda user: can_report(user, row, agencies)) as write:  # fmt: skip
            write.audit("task", task_id, None, {"status": "in progress"})
        assert count(store, audit_log) == before


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_viewers_and_editors_do_not_report_progress(store, coordinator, agencies, tasks, role):
    user = add_user(store, coordinator, "u", role=role, agency_id="so-xay-dung")
    assert can_report(user, tasks.loc["KH-DU-2026.008"], agencies) is False
    with pytest.raises(PermissionDenied, match=rf"user 'u' \({role}\) may not report progress"), \
            writing(store, user, "progress.report", what="report progress"):  # fmt: skip
        pass


def test_two_concurrent_saves_give_one_conflict_and_lose_nothing(store, coordinator):
    add_user(store, coordinator, "rita", role="reporter", agency_id="so-xay-dung")
    second = add_user(store, coordinator, "hoa", role="coordinator")
    read = get_user(store, "rita")
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(actor, role):
        barrier.wait()
        try:
            outcomes[role] = update_user(store, actor, "rita", expected_version=read.version, role=role)
        except ConflictError as error:
            outcomes[role] = error

    threads = [threading.Thread(target=save, args=(actor, role)) for actor, role in ((coordinator, "editor"), (second, "viewer"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    conflicts = [value for value in outcomes.values() if isinstance(value, ConflictError)]
    saved = [value for value in outcomes.values() if not isinstance(value, ConflictError)]
    assert len(conflicts) == 1 and len(saved) == 1, outcomes
    winner = saved[0]
    assert get_user(store, "rita").role == winner.role and get_user(store, "rita").version == read.version + 1
    message = str(conflicts[0])
    who = "lan" if winner.role == "editor" else "hoa"
    assert f"user 'rita' was changed by '{who}' at " in message and f"role 'reporter' -> '{winner.role}'" in message
    assert "after you read version 1; it is now at version 2. Nothing was saved" in message
    updates = audit_entries(store, record_type="user", record_id="rita")
    assert [entry.action for entry in updates] == ["account.update", "account.add"]


def test_a_stale_version_is_refused(store, coordinator):
    rita = add_user(store, coordinator, "rita", role="viewer")
    update_user(store, coordinator, "rita", expected_version=rita.version, role="editor")
    with pytest.raises(ConflictError, match=r"changed by 'lan' at .* \(account.update: role 'viewer' -> 'editor'\)"):
        disable_user(store, coordinator, "rita", expected_version=rita.version)
    assert not get_user(store, "rita").disabled


def test_an_interrupted_write_leaves_no_trace(store, coordinator):
    before_users, before_audit = count(store, users), count(store, audit_log)
    with pytest.raises(RuntimeError, match="power cut"), writing(store, coordinator, "account.add", what="add") as write:
        write.insert(users, {"name": "ghost", "role": "viewer", "disabled": False, "failed_attempts": 0,
                             "created_at": write.at}, record_type="user", key="name")  # fmt: skip
        assert write.connection.execute(select(func.count()).select_from(users)).scalar_one() == before_users + 1
        raise RuntimeError("power cut")
    assert (count(store, users), count(store, audit_log)) == (before_users, before_audit)


def test_an_import_interrupted_after_its_plan_row_leaves_no_trace(store, coordinator, monkeypatch):
    import geo.store.plans as plans

    def broken_insert(table):
        raise RuntimeError("disk full")

    monkeypatch.setattr(plans, "insert", broken_insert)
    result = import_result("KH-12-2027", plan_rows(), _agencies())
    with pytest.raises(RuntimeError, match="disk full"):
        import_plan(store, coordinator, result, doc_id="KH-12-2027", file_name="p.csv", file_bytes=b"x", base_doc_ids=())
    assert (count(store, imported_plans), count(store, imported_tasks), count(store, audit_log)) == (0, 0, 1)


def test_an_imported_plan_is_stored_for_everyone_and_withdrawn_into_history(store, coordinator, agencies, tasks):
    result = import_result("KH-12-2027", plan_rows(), agencies)
    plan = import_plan(store, coordinator, result, doc_id="KH-12-2027", file_name="plan <b>.csv", file_bytes=b"abc",
                       title="<script>alert(1)</script>")  # fmt: skip
    assert (plan.task_count, plan.imported_by, plan.active, plan.title) == (3, "lan", True, "<script>alert(1)</script>")
    assert plan.file_sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    frame = active_imported_tasks(store)
    assert list(frame.columns) == [*COLUMNS, "imported_by", "imported_at"]
    assert list(frame.index) == ["KH-12-2027.001", "KH-12-2027.002", "KH-12-2027.003"]
    assert frame.loc["KH-12-2027.001", "due_end"] == date(2027, 3, 31) and frame.loc["KH-12-2027.003", "due_end"] is None
    assert frame.loc["KH-12-2027.002", "task"] == "'; DROP TABLE users; --"
    assert frame.loc["KH-12-2027.002", "product"] == "<script>alert('x')</script>"
    assert frame.loc["KH-12-2027.003", "task"] == "=SUM(A1)" and "unparsed_deadline: Sớm" in frame.loc["KH-12-2027.003", "flags"]
    assert set(frame["imported_by"]) == {"lan"} and frame["imported_at"].iloc[0].tzinfo is not None
    expected = result.tasks.set_index("id", drop=False)
    for column in COLUMNS:
        if column not in ("due_start", "due_end"):
            assert list(frame[column]) == list(expected[column]), column
    combined = __import__("pandas").concat([tasks, frame[list(COLUMNS)]])
    assert len(combined) == len(tasks) + 3 and not combined.index.duplicated().any()
    assert "users" in inspect(store.engine).get_table_names()
    with pytest.raises(InvalidArgumentError, match=r"doc_id 'KH-12-2027' is already imported \(plan 1, by 'lan'"):
        import_plan(store, coordinator, result, doc_id="KH-12-2027", file_name="p.csv", file_bytes=b"x")
    withdrawn = withdraw_plan(store, coordinator, plan.id, plan.version)
    assert (withdrawn.active, withdrawn.withdrawn_by, withdrawn.version) == (False, "lan", 2)
    assert active_imported_tasks(store).empty and list(active_imported_tasks(store).columns) == [*COLUMNS, "imported_by", "imported_at"]
    with pytest.raises(ConflictError, match=r"plan 1 was changed by 'lan' .*plan.withdraw"):
        withdraw_plan(store, coordinator, plan.id, plan.version)
    with pytest.raises(InvalidArgumentError, match="already withdrawn by 'lan'"):
        withdraw_plan(store, coordinator, plan.id, withdrawn.version)
    again = import_plan(store, coordinator, result, doc_id="KH-12-2027", file_name="p.csv", file_bytes=b"x")
    assert [p.id for p in list_plans(store)] == [plan.id, again.id] and [p.id for p in list_plans(store, include_withdrawn=False)] == [again.id]
    assert count(store, imported_tasks) == 6  # the withdrawn plan's tasks stay in the history


@pytest.mark.parametrize(
    ("doc_id", "records_doc", "message"),
    [
        ("KH-183-2021", "KH-183-2021", "is a document of the base register"),
        ("KH-12-2027", "KH-99-2027", r"the records carry doc_id \['KH-99-2027'\], not 'KH-12-2027'"),
        ("  ", "KH-12-2027", "give the new plan's document id"),
    ],
)
def test_an_import_with_a_bad_doc_id_is_refused(store, coordinator, agencies, doc_id, records_doc, message):
    result = import_result(records_doc, plan_rows(), agencies)
    with pytest.raises(InvalidArgumentError, match=message):
        import_plan(store, coordinator, result, doc_id=doc_id, file_name="p.csv", file_bytes=b"x")
    assert count(store, imported_plans) == 0


def test_audit_is_queried_by_user_record_and_days(store, coordinator):
    rita = add_user(store, coordinator, "rita", role="viewer")
    update_user(store, coordinator, "rita", expected_version=rita.version, role="editor")
    assert [e.action for e in audit_entries(store, who="lan")] == ["account.update", "account.add"]
    assert [e.record_id for e in audit_entries(store, who="(store admin)")] == ["lan"]
    assert len(audit_entries(store, record_type="user", record_id="rita")) == 2
    assert audit_entries(store, record_id="'; DROP TABLE audit_log; --") == []
    today = audit_entries(store)[0].at.date()
    assert len(audit_entries(store, since=today, until=today)) == 3
    assert audit_entries(store, until=date(2020, 1, 1)) == [] and audit_entries(store, since=date(2999, 1, 1)) == []
    with pytest.raises(InvalidArgumentError, match="reversed"):
        audit_entries(store, since=date(2026, 2, 1), until=date(2026, 1, 1))
    with store.engine.begin() as connection:  # the log is append-only for the app; rows are plain records for SQL
        connection.execute(insert(audit_log).values(at=audit_entries(store)[0].at, who="x", action="a", record_type="t", record_id="1"))
    assert len(audit_entries(store, limit=2)) == 2


def test_settings_have_defaults_versions_and_a_coordinator(store, coordinator):
    assert get_setting(store, "anonymous_viewing") == (True, 0)
    assert set_setting(store, coordinator, "anonymous_viewing", False, expected_version=0) == 1
    assert get_setting(store, "anonymous_viewing") == (False, 1)
    with pytest.raises(ConflictError, match=r"setting 'anonymous_viewing' was changed by 'lan'"):
        set_setting(store, coordinator, "anonymous_viewing", True, expected_version=0)
    viewer = add_user(store, coordinator, "mai", role="viewer")
    with pytest.raises(PermissionDenied, match=r"'mai' \(viewer\) may not change the setting"):
        set_setting(store, viewer, "anonymous_viewing", True, expected_version=1)
    with pytest.raises(InvalidArgumentError, match="takes a bool"):
        set_setting(store, coordinator, "anonymous_viewing", "yes", expected_version=1)
    with pytest.raises(UnknownValueError, match="unknown setting 'review'"):
        get_setting(store, "review")


def test_a_write_is_seen_by_overlaying_the_store_on_the_files_read_once(store, coordinator, agencies, monkeypatch):
    from geo import view

    base = view.load_data()
    wards = base.context["wards"]
    import_plan(store, coordinator, import_result("KH-12-2027", plan_rows(), agencies), doc_id="KH-12-2027",
                file_name="p.csv", file_bytes=b"x", base_doc_ids=())  # fmt: skip
    monkeypatch.setattr(view, "load_register", lambda *_: pytest.fail("the files were read again"))
    seen = view.with_store(base, store)
    assert len(seen.tasks) == len(base.tasks) + 3 and seen.tasks.loc["KH-12-2027.001", "imported_by"] == "lan"
    assert "KH-12-2027" in seen.documents.index and "KH-12-2027" not in base.documents.index
    assert seen.context["wards"] is wards and seen.features is base.features  # shared, not read again
    monkeypatch.undo()
    fresh = view.load_data(store=store)
    assert list(fresh.tasks.index) == list(seen.tasks.index) and list(fresh.documents.index) == list(seen.documents.index)
