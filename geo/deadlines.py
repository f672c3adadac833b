"""Parse the deadline text of a task ("Quý I/2026", "Trước 2030", ...) into dates.

The rules follow docs/DESIGN.md's deadline table. Text that fits none of them is
``unparsed``: the raw text is kept and the validation report lists it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import pandas as pd

from geo.text import fold, nfc

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

# Patterns run on folded text (lower case, no accents, đ -> d).
_RE_YEAR = r"(?P<year>(?:19|20)\d\d)"
_RE_QUARTER = r"(?P<q>iv|iii|ii|i|[1-4])"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("done", re.compile(r"^da ban hanh(?: ke hoach)?\.?$")),
    (
        "recurring",
        re.compile(
            r"^(?:thuong xuyen|hang nam|hang thang|hang quy|dinh ky)"
            r"(?:[ ,;]+(?:hang nam|hang thang|hang quy|thang|quy|nam|thuong xuyen))*\.?$"
        ),
    ),
    ("period", re.compile(r"^(?:giai doan |nam )?(?P<y1>(?:19|20)\d\d) ?[-–—] ?(?P<y2>(?:19|20)\d\d)\.?$")),
    ("before_quarter", re.compile(r"^truoc (?:quy )?" + _RE_QUARTER + r" ?[/.-] ?(?:nam )?" + _RE_YEAR + r"\.?$")),
    ("before_date", re.compile(r"^truoc (?:ngay )?(?P<d>\d{1,2})/(?P<m>\d{1,2})/" + _RE_YEAR + r"\.?$")),
    ("before_month", re.compile(r"^truoc thang (?P<m>\d{1,2}) ?/ ?" + _RE_YEAR + r"\.?$")),
    ("before_year", re.compile(r"^truoc (?:nam )?" + _RE_YEAR + r"\.?$")),
    ("quarter", re.compile(r"^quy " + _RE_QUARTER + r" ?[/.-] ?(?:nam )?" + _RE_YEAR + r"\.?$")),
    ("month", re.compile(r"^thang (?P<m>\d{1,2}) ?(?:/|nam) ?" + _RE_YEAR + r"\.?$")),
    ("day", re.compile(r"^(?:ngay )?(?P<d>\d{1,2})/(?P<m>\d{1,2})/" + _RE_YEAR + r"\.?$")),
    ("year", re.compile(r"^(?:nam |trong nam )?" + _RE_YEAR + r"\.?$")),
)
_CONDITION = re.compile(r"^(?P<head>[^()]+?)\s*\((?P<cond>[^()]*)\)\s*$")


@dataclass(frozen=True)
class Deadline:
    """A parsed deadline.

    Attributes
    ----------
    raw : str
        The text as written in the document.
    due_kind : str
        One of ``by_date``, ``period``, ``recurring``, ``done``, ``none``, ``unparsed``.
    due_start, due_end : datetime.date or None
        First and last day of the window; ``due_start`` is set for periods only.
    precision : str
        ``day``, ``month``, ``quarter``, ``year``, ``period`` or ``""``.
    note : str
        A condition written beside the date, e.g. "sau khi ...".
    """

    raw: str
    due_kind: str
    due_start: date | None = None
    due_end: date | None = None
    precision: str = ""
    note: str = ""

    def as_record(self) -> dict[str, str]:
        """Return the deadline as strings for a CSV row (ISO dates, "" for none)."""
        record = asdict(self)
        return {key: (value.isoformat() if isinstance(value, date) else value) for key, value in record.items()}


def parse_deadline(raw: str | None) -> Deadline:
    """Parse the deadline text of a task into kind, dates and precision.

    Parameters
    ----------
    raw : str or None
        The deadline cell as written, e.g. "Quý IV/2026", "2026 - 2030", "Trước 2030".

    Returns
    -------
    Deadline
        ``due_kind="unparsed"`` when the text fits no rule; never raises on text.

    Examples
    --------
    >>> parse_deadline("Quý I/2026").due_end
    datetime.date(2026, 3, 31)
    >>> parse_deadline("Trước Quý IV/2026").due_end
    datetime.date(2026, 9, 30)
    """
    text = nfc(raw)
    if not text:
        return Deadline(raw=text, due_kind="none")
    note = ""
    head = text
    match = _CONDITION.match(text)
    if match:
        head, note = match.group("head").strip(), match.group("cond").strip()
    parsed = _parse_plain(fold(head))
    if parsed is None:
        return Deadline(raw=text, due_kind="unparsed")
    kind, start, end, precision = parsed
    return Deadline(raw=text, due_kind=kind, due_start=start, due_end=end, precision=precision, note=note)


def is_past_due(due_end: date | None, as_of: date) -> bool:
    """Return True when a deadline ended before `as_of` (``due_end < as_of``).

    This is the one place the rule is written: a task due on 2026-03-31 has not
    passed its deadline as of 2026-03-31 and has as of 2026-04-01. The documents
    carry no completion status, so this means "deadline passed", not "late".
    """
    return due_end is not None and due_end < as_of


def past_due_mask(due_ends: pd.Series, as_of: date) -> pd.Series:
    """Return a boolean Series, True where :func:`is_past_due` holds for the deadline (index kept)."""
    return due_ends.map(lambda end: is_past_due(end, as_of)).astype(bool)


def _parse_plain(folded: str) -> tuple[str, date | None, date | None, str] | None:
    folded = folded.strip().rstrip(".").strip()
    for name, pattern in _PATTERNS:
        match = pattern.match(folded)
        if not match:
            continue
        groups = match.groupdict()
        try:
            return _build(name, groups)
        except ValueError:
            return None
    return None


def _build(name: str, g: dict[str, str]) -> tuple[str, date | None, date | None, str]:
    if name == "done":
        return "done", None, None, ""
    if name == "recurring":
        return "recurring", None, None, ""
    if name == "period":
        y1, y2 = int(g["y1"]), int(g["y2"])
        if y2 < y1:
            msg = f"period ends before it starts: {y1}-{y2}"
            raise ValueError(msg)
        return "period", date(y1, 1, 1), date(y2, 12, 31), "period"
    year = int(g["year"])
    if name == "year":
        return "by_date", None, date(year, 12, 31), "year"
    if name == "before_year":
        return "by_date", None, date(year - 1, 12, 31), "year"
    if name in ("quarter", "before_quarter"):
        quarter = _quarter(g["q"])
        if name == "quarter":
            return "by_date", None, _month_end(year, quarter * 3), "quarter"
        return "by_date", None, date(year, quarter * 3 - 2, 1) - timedelta(days=1), "quarter"
    month = int(g["m"])
    if name == "month":
        return "by_date", None, _month_end(year, month), "month"
    if name == "before_month":
        return "by_date", None, date(year, month, 1) - timedelta(days=1), "month"
    day = date(year, month, int(g["d"]))
    if name == "before_date":
        return "by_date", None, day - timedelta(days=1), "day"
    return "by_date", None, day, "day"


def _quarter(token: str) -> int:
    return _ROMAN[token] if token in _ROMAN else int(token)


def _month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        msg = f"month {month} is not 1-12"
        raise ValueError(msg)
    return date(year, month, calendar.monthrange(year, month)[1])
