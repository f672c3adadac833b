"""The category of a task as of a day D, from its deadline and the reports dated on or before D.

Codes (the way government task tracking counts them):

- ``completed_on_time``: the latest report is "completed" and its completion date is on or
  before ``due_end`` (or the task has no deadline);
- ``completed_late``: completed after ``due_end``;
- ``overdue``: not completed and ``due_end`` < D (whether or not anything was reported);
- ``in_progress``: not completed, not overdue, at least one report;
- ``no_report``: nothing reported, not overdue.

"Deadline passed" is :func:`geo.deadlines.is_past_due` (the one place of that rule); a task
with no deadline is never overdue; a report dated after D does not count for D.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from geo.deadlines import is_past_due

CATEGORIES = ("completed_on_time", "completed_late", "overdue", "in_progress", "no_report")
STATUSES = ("not_started", "in_progress", "completed", "blocked")
CATEGORY_COLOURS = {
    "completed_on_time": "#2e7d32", "completed_late": "#f9a825", "overdue": "#c62828", "in_progress": "#1565c0",
    "no_report": "#9e9e9e",
}  # fmt: skip


@dataclass(frozen=True)
class Latest:
    """What the latest report (on or before the day asked) says: its status and completion date."""

    status: str
    completed_on: date | None


def category(due_end: date | None, latest: Latest | None, as_of: date) -> str:
    """Return the category code of one task as of `as_of` (see the module's docstring).

    Parameters
    ----------
    due_end : datetime.date or None
        The task's deadline (None: no deadline).
    latest : Latest or None
        The latest report dated on or before `as_of`, or None when there is none.
    as_of : datetime.date
        The day asked.
    """
    if latest is not None and latest.status == "completed":
        done = latest.completed_on
        if due_end is None or (done is not None and done <= due_end):
            return "completed_on_time"
        return "completed_late"
    if is_past_due(due_end, as_of):
        return "overdue"
    if latest is not None:
        return "in_progress"
    return "no_report"


def latest_reports(reports: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return, per task, the latest report dated on or before `as_of` (ties: the one saved last), indexed by ``task_id``.

    `reports` has at least ``task_id``, ``reported_on`` (datetime.date), ``status``,
    ``completed_on`` (datetime.date or None) and ``id`` (the order of saving).
    """
    if reports.empty:
        return reports.set_index("task_id", drop=False) if "task_id" in reports else reports
    counted = reports_as_of(reports, as_of)
    ordered = counted.sort_values(["task_id", "reported_on", "id"], kind="stable")
    return ordered.groupby("task_id", sort=False).tail(1).set_index("task_id", drop=False)


def reports_as_of(reports: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return the reports that count for `as_of`: those dated on or before it (a report dated later does not count)."""
    if reports.empty:
        return reports
    return reports[reports["reported_on"].map(lambda reported: reported is not None and pd.notna(reported) and reported <= as_of)]


def categories(tasks: pd.DataFrame, reports: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return for every task (index of `tasks`) its category as of `as_of` and what its latest report says.

    Columns: ``progress_category``, ``progress_status``, ``progress_percent``, ``progress_reported_on``,
    ``progress_completed_on``, ``progress_reporter``, ``progress_results``, ``progress_difficulties``,
    ``progress_proposals``, ``progress_report_id`` (empty where no report).
    """
    latest = latest_reports(reports, as_of) if not reports.empty else pd.DataFrame()
    rows = []
    for task_id, due_end in tasks["due_end"].items():
        report = latest.loc[task_id] if not latest.empty and task_id in latest.index else None
        current = None if report is None else Latest(str(report["status"]), report["completed_on"] if pd.notna(report["completed_on"]) else None)
        rows.append({
            "progress_category": category(due_end, current, as_of),
            "progress_status": "" if report is None else str(report["status"]),
            "progress_percent": None if report is None or pd.isna(report.get("percent")) else float(report["percent"]),
            "progress_reported_on": None if report is None else report["reported_on"],
            "progress_completed_on": None if current is None else current.completed_on,
            "progress_reporter": "" if report is None else str(report.get("reporter", "")),
            "progress_results": "" if report is None else str(report.get("results") or ""),
            "progress_difficulties": "" if report is None else str(report.get("difficulties") or ""),
            "progress_proposals": "" if report is None else str(report.get("proposals") or ""),
            "progress_report_id": None if report is None else int(report["id"]),
        })  # fmt: skip
    return pd.DataFrame(rows, index=tasks.index)


def counts(categories_of: Iterable[str]) -> dict[str, int]:
    """Return the number of tasks per category code, every code present (zeros included)."""
    series = pd.Series(list(categories_of), dtype=object)
    return {code: int((series == code).sum()) for code in CATEGORIES}


def due_between(due_ends: pd.Series, first: date, last: date) -> pd.Series:
    """Return a boolean Series: True where the deadline falls in the closed window [`first`, `last`]."""
    return due_ends.map(lambda end: end is not None and pd.notna(end) and first <= end <= last).astype(bool)
