"""Reporting periods of recurring tasks ("Thường xuyên", "Hằng năm", "Hằng tháng, quý, năm"), and the periods missing a report.

A recurring task (``due_kind`` ``recurring``) has no deadline; it is reported once per
period instead. The period follows the words of its raw deadline:

- **quarterly** (``2026Q4``) when the text names a quarter ("quý", "hằng quý"), and also
  when it names nothing we can read ("Thường xuyên"): KH-183-2021 asks for a report
  every quarter, so the quarter is the default;
- **yearly** (``2026``) when it names a year and no quarter ("năm", "Hằng năm").

"Hằng tháng, quý, năm" names a quarter, so it is quarterly (a monthly report is not
asked by any plan's monitoring clause). A period is *missing* as of a day D when it
ended before D (its last day < D) and no report of that period is dated on or before D.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

import pandas as pd

from geo.progress.categories import reports_as_of
from geo.text import fold

QUARTER: Final[str] = "quarter"
YEAR: Final[str] = "year"
_PERIOD = re.compile(r"^(?P<year>\d{4})(?:Q(?P<quarter>[1-4]))?$")
_QUARTER_WORD = re.compile(r"\bquy\b")
_YEAR_WORD = re.compile(r"\bnam\b")


def periodicity(due_raw: object) -> str:
    """Return ``"quarter"`` or ``"year"``: how often a recurring task with this raw deadline is reported (module docstring)."""
    words = fold(str(due_raw or ""))
    if _QUARTER_WORD.search(words):
        return QUARTER
    if _YEAR_WORD.search(words):
        return YEAR
    return QUARTER


def period_of(day: date, kind: str) -> str:
    """Return the period (``2026Q4`` or ``2026``) of `kind` that contains `day`."""
    if kind == YEAR:
        return f"{day.year:04d}"
    return f"{day.year:04d}Q{(day.month - 1) // 3 + 1}"


def parse_period(text: object) -> tuple[str, date, date] | None:
    """Return (kind, first day, last day) of a period written ``2026Q4`` or ``2026`` (spaces and case ignored), else None."""
    match = _PERIOD.match(str(text or "").strip().upper().replace(" ", ""))
    if match is None:
        return None
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        return None
    if match["quarter"] is None:
        return YEAR, date(year, 1, 1), date(year, 12, 31)
    quarter = int(match["quarter"])
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return QUARTER, first, following - timedelta(days=1)


def normal_period(text: object) -> str:
    """Return a period as stored (``2026Q4``, ``2026``), or ``""`` for an empty or unreadable text."""
    parsed = parse_period(text)
    if parsed is None:
        return ""
    kind, first, _ = parsed
    return period_of(first, kind)


def periods_between(start: date, end: date, kind: str) -> list[str]:
    """Return the periods of `kind` from the one containing `start` to the one containing `end`, in order."""
    if end < start:
        return []
    out, day = [], start
    while True:
        period = period_of(day, kind)
        out.append(period)
        last = parse_period(period)[2]  # type: ignore[index]  # a period written by period_of always parses
        if last >= end:
            return out
        day = last + timedelta(days=1)


def missing_periods(tasks: pd.DataFrame, reports: pd.DataFrame, *, start: date, as_of: date) -> pd.DataFrame:
    """Return the (task, period) pairs of recurring tasks that ended before `as_of` with no report of that period.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Register rows indexed by task id, with ``due_kind`` and ``due_raw``.
    reports : pandas.DataFrame
        Progress reports with ``task_id``, ``period`` and ``reported_on`` (:func:`geo.store.reports_frame`).
    start : datetime.date
        The first day watched: periods from the one containing it.
    as_of : datetime.date
        The day asked; only reports dated on or before it count, and only periods
        whose last day is before it can be missing.

    Returns
    -------
    pandas.DataFrame
        Columns ``task_id``, ``period``, ``period_start``, ``period_end``, ``periodicity``;
        tasks in the order of `tasks`, periods in time order.
    """
    columns = ["task_id", "period", "period_start", "period_end", "periodicity"]
    recurring = tasks[tasks["due_kind"] == "recurring"]
    counted = reports_as_of(reports, as_of) if not reports.empty else reports
    reported = set(zip(counted["task_id"], counted["period"], strict=True)) if not counted.empty else set()
    rows = []
    for task_id, due_raw in recurring["due_raw"].items():
        kind = periodicity(due_raw)
        for period in periods_between(start, as_of, kind):
            _, first, last = parse_period(period)  # type: ignore[misc]
            ended = last + timedelta(days=1) <= as_of  # the period's last day is before the day asked
            if ended and (task_id, period) not in reported:
                rows.append({"task_id": task_id, "period": period, "period_start": first, "period_end": last, "periodicity": kind})
    return pd.DataFrame(rows, columns=columns)
