"""AppTest of the progress dashboard and the map's progress colours: counts computed here from the register and the reports."""

import csv
from datetime import date

import pytest
from conftest import run_page

from geo import settings
from geo.store import add_report, add_user, get_user, list_users, open_store, reports_frame
from geo.view import load_data

AS_OF = date(2026, 11, 22)


@pytest.fixture(scope="module")
def reported():
    """Two reports in the test store: a task completed on its deadline day, one in progress; returns their task ids."""
    store = open_store()
    if not list_users(store):
        add_user(store, None, "dieu.phoi", role="coordinator", password="mat-khau-dai-1")
    boss = get_user(store, "dieu.phoi")
    data = load_data(store=store)
    with open(settings.TASKS_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    done = next(row["id"] for row in rows if row["due_end"] == "2026-06-30")
    going = next(row["id"] for row in rows if row["due_end"] and row["due_end"] > "2027-01-01")
    existing = set(reports_frame(store)["task_id"])
    if done not in existing:
        add_report(store, boss, data.tasks.loc[done], agencies=data.agencies, status="completed", reported_on=date(2026, 7, 1),
                   completed_on=date(2026, 6, 30), results="Đã ban hành")  # fmt: skip
    if going not in existing:
        add_report(store, boss, data.tasks.loc[going], agencies=data.agencies, status="in_progress", reported_on=date(2026, 10, 1),
                   percent=40)  # fmt: skip
    return done, going, rows, reports_frame(store)


def expected_counts(rows, reports, as_of):
    """The five categories counted directly from the CSV and the reports (not through geo.progress)."""
    latest = {}
    for report in sorted(reports.to_dict("records"), key=lambda r: (r["reported_on"], r["id"])):
        if report["reported_on"] <= as_of:
            latest[report["task_id"]] = report
    out = dict.fromkeys(("completed_on_time", "completed_late", "overdue", "in_progress", "no_report"), 0)
    for row in rows:
        due = date.fromisoformat(row["due_end"]) if row["due_end"] else None
        report = latest.get(row["id"])
        if report and report["status"] == "completed":
            out["completed_on_time" if due is None or report["completed_on"] <= due else "completed_late"] += 1
        elif due is not None and due < as_of:
            out["overdue"] += 1
        else:
            out["in_progress" if report else "no_report"] += 1
    return out


def test_dashboard_counts_match_the_register_and_the_reports(reported):
    _, _, rows, reports = reported
    app = run_page("pages/progress.py", f_as_of=AS_OF, timeout=90)
    shown = {metric.label: metric.value for metric in app.metric}
    expected = expected_counts(rows, reports, AS_OF)
    assert expected["completed_on_time"] >= 1 and expected["in_progress"] >= 1
    assert shown["Hoàn thành đúng hạn"] == str(expected["completed_on_time"])
    assert shown["Quá hạn chưa hoàn thành"] == f"{expected['overdue']}"
    assert shown["Đang thực hiện trong hạn"] == str(expected["in_progress"])
    assert shown["Chưa có báo cáo"] == f"{expected['no_report']:,}".replace(",", ".")


def test_a_report_dated_after_the_as_of_date_does_not_count(reported):
    _, _, rows, reports = reported
    app = run_page("pages/progress.py", f_as_of=date(2026, 6, 30), timeout=90)
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown["Hoàn thành đúng hạn"] == str(expected_counts(rows, reports, date(2026, 6, 30))["completed_on_time"])


def test_the_category_filter_keeps_the_completed_task(reported):
    done = reported[0]
    app = run_page("pages/register.py", f_as_of=AS_OF, f_categories=["completed_on_time"])
    table = app.dataframe[0].value
    assert done in set(table["id"])


def test_missing_periods_of_recurring_tasks_are_listed(reported):
    from geo.progress.periods import missing_periods

    data = load_data(store=open_store())
    expected = missing_periods(data.tasks, data.reports, start=date(2026, 1, 1), as_of=AS_OF)
    recurring = sum(1 for row in reported[2] if row["due_raw"] and row["id"] in set(data.tasks.index[data.tasks["due_kind"] == "recurring"]))
    assert recurring > 0 and len(expected) >= recurring  # every recurring task misses at least 2026Q1 (nothing reported)
    app = run_page("pages/progress.py", f_as_of=AS_OF, timeout=90)
    assert any(f"còn thiếu ({len(expected)})" in header.value for header in app.subheader)


def test_the_page_refuses_a_reporter_on_another_agencys_task(reported):
    """The page's save goes through the store, which refuses a reporter on a task its agency neither leads nor coordinates."""
    import pandas as pd

    from geo.errors import PermissionDenied
    from geo.filters import TaskFilter
    from geo.view import build_view
    from pages._mytasks import save_edits

    store = open_store()
    boss = get_user(store, "dieu.phoi")
    try:
        reporter = get_user(store, "bao.cao.tc")
    except Exception:
        reporter = add_user(store, boss, "bao.cao.tc", role="reporter", agency_id="so-tai-chinh", password="mat-khau-dai-4")
    data = load_data(store=store)
    other = build_view(data, TaskFilter(agencies=("so-y-te",), role="lead", as_of=AS_OF))
    task_id = next(i for i, row in other.tasks.iterrows() if "so-tai-chinh" not in row["lead_agency"] + row["coordinating"])
    before = pd.DataFrame([{"id": task_id, "status": "not_started", "completed_on": None, "percent": None, "milestone": "",
                            "results": "", "difficulties": "", "proposals": "", "reported_on": AS_OF}])  # fmt: skip
    after = before.assign(status="in_progress", results="<b>thử</b>")
    saved, problems = save_edits(store, reporter, before, after, other, data.agencies)
    assert saved == 0 and len(problems) == 1 and isinstance(problems[0][2], PermissionDenied)
    assert "bao.cao.tc" in str(problems[0][2])
