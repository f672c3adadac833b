"""Progress in the store, on SQLite and PostgreSQL: migration 0003, the write path's permission, no lost update, evidence, backup."""

import hashlib
import threading
from datetime import date

import pytest
import test_store_support as support
from sqlalchemy import func, inspect, select, text

from geo.errors import ConflictError, InvalidArgumentError, PermissionDenied, StoreError, UnknownValueError
from geo.indicators import load_indicators
from geo.store import (
    add_indicator_value,
    add_report,
    add_user,
    audit_entries,
    backup,
    evidence_file,
    import_plan,
    indicator_values_frame,
    list_plans,
    open_store,
    report_history,
    reports_frame,
    restore,
)
from geo.store import engine as store_engine
from geo.store import migrate as store_migrate
from geo.store.progress import REPORT_COLUMNS
from geo.store.schema import audit_log, progress_evidence, progress_reports

backend, store_url, store, coordinator = support.backend, support.store_url, support.store, support.coordinator  # the fixtures
cheap_hashing = support.cheap_hashing  # autouse: cheap argon2 parameters
GTVT_TASK = "KH-183-2021.018"  # led by Sở GTVT (merged into Sở Xây dựng in 2025), due 2021-10-31
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def count(store, table):
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.fixture
def rita(store, coordinator):
    return add_user(store, coordinator, "rita", role="reporter", agency_id="so-xay-dung")


def test_a_0002_store_upgrades_in_place_to_0003_and_keeps_its_plans(store_url, agencies):
    engine = store_engine.make_engine(store_engine.store_url(store_url))
    try:
        assert store_migrate.upgrade(engine, "0002") == (None, "0002")
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match=r"is at revision 0002, the app needs 0004: run python -m geo store upgrade"):
        open_store(store_url, migrate_schema=False)
    engine = store_engine.make_engine(store_engine.store_url(store_url))
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (name, role, agency_id, disabled, failed_attempts, created_at, version) "
                "VALUES ('lan', 'coordinator', NULL, false, 0, '2026-01-02 03:04:05', 1)"
            ))  # fmt: skip
            connection.execute(text(
                "INSERT INTO imported_plans (doc_id, title, file_name, file_sha256, task_count, imported_by, imported_at, version) "
                "VALUES ('KH-OLD', 'old', 'old.csv', 'x', 0, 'lan', '2026-01-02 03:04:05', 1)"
            ))  # fmt: skip
        assert "progress_reports" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    upgraded = open_store(store_url)
    try:
        assert (upgraded.opened_at_revision, upgraded.revision) == ("0002", "0004")
        assert {"progress_reports", "progress_evidence", "indicator_values"} <= set(inspect(upgraded.engine).get_table_names())
        assert [plan.doc_id for plan in list_plans(upgraded)] == ["KH-OLD"]
        assert list(reports_frame(upgraded).columns) == list(REPORT_COLUMNS) and reports_frame(upgraded).empty
        indexes = {index["name"]: index for index in inspect(upgraded.engine).get_indexes("progress_reports")}
        assert indexes["ux_progress_reports_chain"]["unique"] and indexes["ux_progress_reports_first"]["unique"]
    finally:
        upgraded.close()


def test_a_reporter_reports_its_predecessors_task_and_the_audit_is_written(store, rita, agencies, tasks):
    report = add_report(store, rita, tasks.loc[GTVT_TASK], agencies=agencies, status="completed", completed_on=date(2021, 10, 31),
                        reported_on=date(2021, 11, 2), percent=100, results="Đề án đã được phê duyệt", evidence_ref="QĐ 123/QĐ-UBND 31/10/2021",
                        evidence_link="https://hanoi.gov.vn/qd-123")  # fmt: skip
    assert (report.id, report.reporter, report.status, report.supersedes, report.period) == (1, "rita", "completed", None, "")
    frame = reports_frame(store)
    assert list(frame.columns) == list(REPORT_COLUMNS)
    row = frame.iloc[0]
    assert (row["task_id"], row["reported_on"], row["completed_on"], row["percent"]) == (GTVT_TASK, date(2021, 11, 2), date(2021, 10, 31), 100.0)
    assert row["created_at"].tzinfo is not None and row["evidence_name"] == ""
    entries = audit_entries(store, record_type="progress_report")
    assert [(e.who, e.action, e.record_id, e.before) for e in entries] == [("rita", "progress.report", "1", None)]
    assert entries[0].after["completed_on"] == "2021-10-31" and entries[0].after["task_id"] == GTVT_TASK


def test_a_reporter_of_another_agency_and_a_viewer_are_refused_and_nothing_is_written(store, coordinator, agencies, tasks):
    finance = add_user(store, coordinator, "tai", role="reporter", agency_id="so-tai-chinh")
    viewer = add_user(store, coordinator, "vy", role="viewer")
    audits = count(store, audit_log)
    with pytest.raises(PermissionDenied, match=rf"refused: user 'tai' \(reporter, agency so-tai-chinh\) may not report progress on task {GTVT_TASK} "
                                               r"\(lead: so-gtvt; coordinating: so-tttt, so-khcn"):  # fmt: skip
        add_report(store, finance, tasks.loc[GTVT_TASK], agencies=agencies, status="in_progress", reported_on=date(2026, 11, 1))
    with pytest.raises(PermissionDenied, match=r"user 'vy' \(viewer\) may not report progress on task .*that needs the role reporter or coordinator"):
        add_report(store, viewer, tasks.loc[GTVT_TASK], agencies=agencies, status="in_progress", reported_on=date(2026, 11, 1))
    assert count(store, progress_reports) == 0 and count(store, audit_log) == audits
    report = add_report(store, coordinator, tasks.loc["KH-DU-2026.001"], agencies=agencies, status="blocked", reported_on=date(2026, 11, 1),
                        difficulties="Chờ ý kiến Bộ")  # fmt: skip
    assert report.reporter == "lan"


def test_a_bad_value_is_refused_before_anything_is_written(store, rita, agencies, tasks):
    row = tasks.loc[GTVT_TASK]
    with pytest.raises(InvalidArgumentError, match=r"status completed needs the completion date"):
        add_report(store, rita, row, agencies=agencies, status="completed", reported_on=date(2026, 11, 1))
    with pytest.raises(InvalidArgumentError, match=r"percent must be a number from 0 to 100, got '140'"):
        add_report(store, rita, row, agencies=agencies, status="in_progress", reported_on=date(2026, 11, 1), percent=140)
    with pytest.raises(InvalidArgumentError, match=r"tool.exe: evidence must be a PDF"):
        add_report(store, rita, row, agencies=agencies, status="in_progress", reported_on=date(2026, 11, 1), evidence_file=("tool.exe", b"MZ"))
    assert count(store, progress_reports) == 0


def test_two_saves_based_on_the_same_report_give_one_conflict_and_lose_nothing(store, rita, coordinator, agencies, tasks):
    row = tasks.loc[GTVT_TASK]
    first = add_report(store, rita, row, agencies=agencies, status="in_progress", percent=30, reported_on=date(2026, 10, 1))
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(actor, percent):
        barrier.wait()
        try:
            outcomes[actor.name] = add_report(store, actor, row, agencies=agencies, status="in_progress", percent=percent,
                                              reported_on=date(2026, 11, 1), expected_latest=first.id)  # fmt: skip
        except ConflictError as error:
            outcomes[actor.name] = error

    threads = [threading.Thread(target=save, args=args) for args in ((rita, 50), (coordinator, 60))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    conflicts = [value for value in outcomes.values() if isinstance(value, ConflictError)]
    saved = [value for value in outcomes.values() if not isinstance(value, ConflictError)]
    assert len(conflicts) == 1 and len(saved) == 1, outcomes
    winner = saved[0]
    message = str(conflicts[0])
    assert (f"conflict: task '{GTVT_TASK}' has a report newer than the one you saw (report {first.id}): '{winner.reporter}' reported "
            f"in_progress on 2026-11-01 (saved ") in message and f"report {winner.id}). Nothing was saved" in message  # fmt: skip
    loser = "lan" if winner.reporter == "rita" else "rita"
    retried = add_report(store, coordinator if loser == "lan" else rita, row, agencies=agencies, status="completed",
                         completed_on=date(2026, 11, 2), reported_on=date(2026, 11, 2), expected_latest=winner.id)  # fmt: skip
    history = report_history(store, GTVT_TASK)
    assert [report.id for report in history] == [retried.id, winner.id, first.id]
    assert [report.supersedes for report in history] == [winner.id, first.id, None]
    with pytest.raises(ConflictError, match=r"has a report newer than the one you saw \(none\)"):
        add_report(store, rita, row, agencies=agencies, status="in_progress", reported_on=date(2026, 11, 3))
    assert len(reports_frame(store)) == 3


def test_the_database_itself_refuses_a_second_report_on_the_same_latest(store, rita, agencies, tasks):
    add_report(store, rita, tasks.loc[GTVT_TASK], agencies=agencies, status="in_progress", reported_on=date(2026, 10, 1))
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), store.engine.begin() as connection:
        connection.execute(progress_reports.insert().values(
            task_id=GTVT_TASK, status="in_progress", milestone="", results="", difficulties="", proposals="", evidence_ref="",
            evidence_link="", period="", reported_on=date(2026, 10, 2), reporter="x", created_at=support_now(), content_sha256="y",
            supersedes=None,
        ))  # fmt: skip


def support_now():
    from geo.store.service import utc_now

    return utc_now()


def test_an_evidence_file_is_kept_in_the_store(store, rita, agencies, tasks):
    report = add_report(store, rita, tasks.loc[GTVT_TASK], agencies=agencies, status="in_progress", reported_on=date(2026, 11, 1),
                        evidence_file=("../../scans/biên bản.pdf", PDF))  # fmt: skip
    assert (report.evidence_name, report.evidence_media_type, report.evidence_size) == ("biên bản.pdf", "application/pdf", len(PDF))
    assert report.evidence_sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence_file(store, report.id) == ("biên bản.pdf", "application/pdf", PDF)
    assert reports_frame(store).iloc[0]["evidence_name"] == "biên bản.pdf"
    plain = add_report(store, rita, tasks.loc[GTVT_TASK], agencies=agencies, status="in_progress", reported_on=date(2026, 11, 2),
                       expected_latest=report.id)  # fmt: skip
    with pytest.raises(UnknownValueError, match=rf"report {plain.id} has no evidence file"):
        evidence_file(store, plain.id)
    assert count(store, progress_evidence) == 1


def test_indicator_values_are_reported_by_the_lead_agency_or_a_coordinator(store, coordinator, rita, agencies):
    indicators = load_indicators()
    row = indicators.loc["KH-DU-2026.PL01.001"]  # led by the city's statistics office
    statistician = add_user(store, coordinator, "thong.ke", role="reporter", agency_id=row["lead_agency"])
    value = add_indicator_value(store, statistician, row, value=1234.5, on=date(2026, 9, 30), source="Niên giám 2026", agencies=agencies)
    assert (value.indicator_id, value.value, value.on, value.reporter) == ("KH-DU-2026.PL01.001", 1234.5, date(2026, 9, 30), "thong.ke")
    add_indicator_value(store, coordinator, row, value=1300, on=date(2026, 10, 31), source="", agencies=agencies)
    with pytest.raises(PermissionDenied, match=r"user 'rita' \(reporter, agency so-xay-dung\) may not report progress on task KH-DU-2026.PL01.001"):
        add_indicator_value(store, rita, row, value=1, on=date(2026, 10, 31), source="", agencies=agencies)
    with pytest.raises(InvalidArgumentError, match=r"must be a finite number, got 'nan'"):
        add_indicator_value(store, coordinator, row, value=float("nan"), on=date(2026, 10, 31), source="", agencies=agencies)
    frame = indicator_values_frame(store)
    assert frame[["indicator_id", "value", "on", "reporter"]].values.tolist() == [
        ["KH-DU-2026.PL01.001", 1234.5, date(2026, 9, 30), "thong.ke"], ["KH-DU-2026.PL01.001", 1300.0, date(2026, 10, 31), "lan"]]


def test_reports_and_files_survive_a_backup_and_restore(store, rita, coordinator, agencies, tasks, tmp_path):
    add_report(store, rita, tasks.loc[GTVT_TASK], agencies=agencies, status="completed", completed_on=date(2021, 10, 30),
               reported_on=date(2021, 11, 1), percent=100, evidence_file=("scan.png", b"\x89PNG\r\n\x1a\n\x00\x01binary"))  # fmt: skip
    add_indicator_value(store, coordinator, load_indicators().loc["KH-DU-2026.PL01.001"], value=7.5, on=date(2026, 9, 30), source="x",
                        agencies=agencies)  # fmt: skip
    result = support.import_result("KH-T", support.plan_rows(), agencies)
    import_plan(store, coordinator, result, doc_id="KH-T", file_name="t.csv", file_bytes=b"x", base_doc_ids=())
    before = reports_frame(store).drop(columns="created_at")
    path = backup(store, tmp_path / "backup.json", user=coordinator)
    restored = restore(store, path, user=coordinator, replace=True)
    assert restored["progress_reports"] == 1 and restored["progress_evidence"] == 1 and restored["indicator_values"] == 1
    assert reports_frame(store).drop(columns="created_at").equals(before)
    assert evidence_file(store, 1)[2] == b"\x89PNG\r\n\x1a\n\x00\x01binary"
    assert indicator_values_frame(store)["on"].tolist() == [date(2026, 9, 30)]
