"""Reminders: the tasks due soon with no report, and an agency's deadlines as a calendar file (RFC 5545).

"Due within N days of D" means a deadline from D to D + N days, both included (a task
due on D itself has 0 days left and is listed; one due on D + N + 1 is not). Only reports
dated on or before D count, as for the categories. A task with no deadline (recurring,
none, done, unparsed) is never due.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Final

import pandas as pd

from geo.agencies import AgencyIndex
from geo.deadlines import is_past_due
from geo.errors import InvalidArgumentError
from geo.i18n import t
from geo.progress.categories import reports_as_of

ICS_PRODID: Final[str] = "-//Hanoi planning map//Task deadlines//VI"
_MAX_OCTETS: Final[int] = 75


def due_without_report(
    tasks: pd.DataFrame,
    reports: pd.DataFrame,
    *,
    as_of: date,
    within_days: int,
    agencies: AgencyIndex | None = None,
    agency: str | None = None,
) -> pd.DataFrame:
    """Return the tasks whose deadline falls within `within_days` days after `as_of` and that have no report yet.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Register rows indexed by task id (``due_end``, ``lead_agency``, ``coordinating``).
    reports : pandas.DataFrame
        Progress reports (``task_id``, ``reported_on``); only those dated on or before `as_of` count.
    as_of : datetime.date
        The day asked.
    within_days : int
        The window in days, 0 or more (0: due on `as_of` itself).
    agencies : AgencyIndex or None
        Needed with `agency`, for the 2025 successions.
    agency : str or None
        Keep the tasks this agency (or an agency merged into it) leads or coordinates.

    Returns
    -------
    pandas.DataFrame
        The rows of `tasks` (index kept) plus ``days_left``, by deadline then id.
    """
    if within_days < 0:
        msg = f"--within-days must be 0 or more, got {within_days}."
        raise InvalidArgumentError(msg)
    window_last = as_of + timedelta(days=within_days)
    due_soon = tasks["due_end"].map(
        lambda deadline: deadline is not None and pd.notna(deadline) and not is_past_due(deadline, as_of) and deadline <= window_last
    )
    chosen = tasks[due_soon.astype(bool)]
    if agency is not None:
        chosen = chosen[agency_mask(chosen, agency, agencies)]
    counted = reports_as_of(reports, as_of) if not reports.empty else reports
    reported = set(counted["task_id"]) if not counted.empty else set()
    chosen = chosen[~chosen.index.isin(list(reported))]
    days_left = [(deadline - as_of).days for deadline in chosen["due_end"]]
    out = chosen.assign(days_left=days_left)
    order = sorted(out.index, key=lambda task_id: (out.at[task_id, "due_end"], str(task_id)))
    return out.loc[order]


def agency_mask(tasks: pd.DataFrame, agency: str, agencies: AgencyIndex | None) -> pd.Series:
    """Return True for the tasks `agency`, or an agency merged into it in 2025, leads or coordinates (index of `tasks`)."""
    if agencies is None:
        msg = "give the agency table (agencies=...) with agency=..., for the 2025 successions."
        raise InvalidArgumentError(msg)
    return agencies.matches([tasks["lead_agency"], tasks["coordinating"]], [agency])


def calendar_ics(tasks: pd.DataFrame, *, agency_name: str, now: datetime | None = None, lang: str = "vi") -> bytes:
    """Return an iCalendar file (RFC 5545) with one all-day event on the deadline of every dated task.

    Each event has a stable UID (the task id, so a re-import updates the event), the
    task as its summary and its document, TT and raw deadline as its description;
    text is escaped (backslash, comma, semicolon, newline), lines are folded at 75
    octets without splitting a character, and every line ends in CRLF.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The agency's tasks, indexed by id (``due_end``, ``task``, ``doc_id``, ``tt``, ``due_raw``, ``lead_agency``).
    agency_name : str
        Named in the calendar's title.
    now : datetime.datetime or None
        The time stamp of the events (aware; written in UTC); None: the current time.
    lang : str
        Language of the title and descriptions.
    """
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{ICS_PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(t('prog.ics.calendar', lang, agency=agency_name))}"]  # fmt: skip
    for task_id, row in tasks.iterrows():
        deadline = row["due_end"]
        if deadline is None or pd.isna(deadline):
            continue
        uid = hashlib.sha256(str(task_id).encode("utf-8")).hexdigest()[:32]
        description = t("prog.ics.description", lang, doc_id=row.get("doc_id", ""), tt=row.get("tt", ""), task_id=task_id,
                        due_raw=row.get("due_raw", ""), lead=row.get("lead_agency", ""))  # fmt: skip
        lines += [
            "BEGIN:VEVENT", f"UID:{uid}@hanoi-planning-map", f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{deadline:%Y%m%d}", f"DTEND;VALUE=DATE:{deadline + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(t('prog.ics.summary', lang, task=row.get('task', '')))}",
            f"DESCRIPTION:{escape_text(description)}", "TRANSP:TRANSPARENT", "END:VEVENT",
        ]  # fmt: skip
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines).encode("utf-8")


def escape_text(value: object) -> str:
    r"""Return `value` as an RFC 5545 TEXT value: ``\`` ``;`` ``,`` escaped, newlines as ``\n``, other controls dropped."""
    text = str(value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return "".join(ch for ch in text if ch == "\t" or (ord(ch) >= 32 and ord(ch) != 127))


def fold_line(line: str) -> str:
    """Return `line` folded into lines of at most 75 octets (UTF-8), continuation lines starting with a space."""
    parts, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = _MAX_OCTETS if not parts else _MAX_OCTETS - 1  # a continuation line's leading space counts
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += ch
        size += width
    parts.append(current)
    return "\r\n ".join(parts)
