"""What a progress report may say: every rule checked before anything is saved (pure; the store and the importer call it).

Rules (README, "Progress reports"):

- ``status`` is one of :data:`geo.progress.categories.STATUSES`;
- ``reported_on`` (the day the report speaks for) is required, not before
  ``EARLIEST_REPORT_DAY`` and not after today in Hà Nội (UTC+7);
- ``completed_on`` is required when the status is ``completed`` and refused otherwise;
  it is not after ``reported_on`` (nor before ``EARLIEST_REPORT_DAY``);
- ``percent`` is empty or a number from 0 to 100; with ``completed`` it is empty or 100;
- ``milestone`` at most ``MAX_MILESTONE_CHARS`` characters; ``results``, ``difficulties``,
  ``proposals`` at most ``MAX_REPORT_TEXT_CHARS`` each; ``evidence_ref`` at most
  ``MAX_EVIDENCE_REF_CHARS``; text is NFC, trimmed, without control characters;
- ``evidence_link`` is empty or an ``http``/``https`` address with a host, at most ``MAX_LINK_CHARS``;
- an evidence file is a PDF, an image (PNG, JPEG, GIF, WebP, TIFF) or an office
  document (DOC, DOCX, XLS, XLSX, PPT, PPTX, ODT, ODS, ODP), at most ``MAX_UPLOAD_BYTES``,
  whose first bytes match its name's type (a renamed executable is refused);
- ``period``: a recurring task is reported per period (:mod:`geo.progress.periods`): an
  empty period is the one containing ``reported_on``; a given one must be of the task's
  kind (quarter or year) and may not start after ``reported_on``. A task with a deadline
  has no period.

Each broken rule is an :class:`Issue` (a catalogue key of :mod:`geo.catalogue_errors` and
its values), so the importer lists every one of a row and the store raises the first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import PurePath
from typing import Final
from urllib.parse import urlsplit

from geo import settings
from geo.progress.categories import STATUSES
from geo.progress.periods import YEAR, normal_period, parse_period, period_of, periodicity
from geo.text import nfc
from geo.uploads import over_limit

HANOI: Final[timezone] = timezone(timedelta(hours=7), "ICT")  # Việt Nam keeps UTC+7 all year
EARLIEST: Final[date] = date.fromisoformat(settings.EARLIEST_REPORT_DAY)
TEXT_LIMITS: Final[dict[str, int]] = {
    "milestone": settings.MAX_MILESTONE_CHARS, "results": settings.MAX_REPORT_TEXT_CHARS,
    "difficulties": settings.MAX_REPORT_TEXT_CHARS, "proposals": settings.MAX_REPORT_TEXT_CHARS,
    "evidence_ref": settings.MAX_EVIDENCE_REF_CHARS,
}  # fmt: skip
# suffix -> (media type, the family its first bytes must show)
EVIDENCE_TYPES: Final[dict[str, tuple[str, str]]] = {
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "png"), ".jpg": ("image/jpeg", "jpeg"), ".jpeg": ("image/jpeg", "jpeg"),
    ".gif": ("image/gif", "gif"), ".webp": ("image/webp", "webp"), ".tif": ("image/tiff", "tiff"), ".tiff": ("image/tiff", "tiff"),
    ".doc": ("application/msword", "ole"), ".xls": ("application/vnd.ms-excel", "ole"), ".ppt": ("application/vnd.ms-powerpoint", "ole"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "zip"),
    ".odt": ("application/vnd.oasis.opendocument.text", "zip"), ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "zip"),
    ".odp": ("application/vnd.oasis.opendocument.presentation", "zip"),
}  # fmt: skip
_MAGIC: Final[dict[str, tuple[bytes, ...]]] = {
    "pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpeg": (b"\xff\xd8\xff",), "gif": (b"GIF87a", b"GIF89a"),
    "tiff": (b"II*\x00", b"MM\x00*"), "ole": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",), "zip": (b"PK\x03\x04",), "webp": (b"RIFF",),
}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Issue:
    """One broken rule: a catalogue key (``err.*``) and the values that fill it; `column` names the field."""

    key: str
    values: dict[str, object] = field(default_factory=dict)
    column: str = ""

    def text(self, lang: str = "en") -> str:
        """Return the reason in `lang`."""
        from geo.i18n import t

        return t(self.key, lang, **self.values)


@dataclass(frozen=True)
class Evidence:
    """An evidence file as it is kept: its name (no folder), media type, content and SHA-256."""

    name: str
    media_type: str
    content: bytes = field(repr=False)
    sha256: str = ""


@dataclass(frozen=True)
class ReportValues:
    """A checked report, ready to be saved (every text normalised, the period resolved)."""

    task_id: str
    status: str
    reported_on: date
    completed_on: date | None = None
    percent: float | None = None
    milestone: str = ""
    results: str = ""
    difficulties: str = ""
    proposals: str = ""
    evidence_ref: str = ""
    evidence_link: str = ""
    period: str = ""
    evidence: Evidence | None = None

    def content_sha256(self) -> str:
        """Return the SHA-256 of what the report says (not who or when it was saved): the key of an idempotent import."""
        said = {
            "task_id": self.task_id, "status": self.status, "reported_on": self.reported_on.isoformat(),
            "completed_on": self.completed_on.isoformat() if self.completed_on else None, "percent": self.percent,
            "milestone": self.milestone, "results": self.results, "difficulties": self.difficulties, "proposals": self.proposals,
            "evidence_ref": self.evidence_ref, "evidence_link": self.evidence_link, "period": self.period,
            "evidence_sha256": self.evidence.sha256 if self.evidence else None,
        }  # fmt: skip
        return hashlib.sha256(json.dumps(said, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def today_in_hanoi(now: datetime | None = None) -> date:
    """Return the calendar day in Hà Nội (UTC+7) at `now` (default: the current time)."""
    return (now or datetime.now(UTC)).astimezone(HANOI).date()


def check_report(
    task: Mapping[str, object],
    *,
    status: object,
    reported_on: object,
    completed_on: object = None,
    percent: object = None,
    milestone: object = "",
    results: object = "",
    difficulties: object = "",
    proposals: object = "",
    evidence_ref: object = "",
    evidence_link: object = "",
    evidence_file: Evidence | tuple[str, bytes] | None = None,
    period: object = "",
    today: date | None = None,
) -> tuple[ReportValues | None, list[Issue]]:
    """Check one report on the task `task` (a register row); return (the values to save, or None, and every issue).

    Parameters
    ----------
    task : mapping
        The register row: ``id``, ``due_kind``, ``due_raw``.
    status, reported_on, completed_on, percent, milestone, results, difficulties, proposals,
    evidence_ref, evidence_link, period : object
        As :func:`geo.store.add_report` takes them (dates as ``datetime.date``).
    evidence_file : Evidence or (name, bytes) or None
        The attached file.
    today : datetime.date or None
        The day in Hà Nội (default: now); a report may not speak for a later day.
    """
    today = today or today_in_hanoi()
    issues: list[Issue] = []
    status_text = str(status or "").strip()
    if status_text not in STATUSES:
        issues.append(Issue("err.progress_status", {"status": status_text, "allowed": ", ".join(STATUSES)}, "status"))
    reported = _day(reported_on, "reported_on", today, issues, required=True)
    done = _day(completed_on, "completed_on", today, issues, required=False)
    if status_text == "completed" and done is None and not any(issue.column == "completed_on" for issue in issues):
        issues.append(Issue("err.progress_completed_missing", {}, "completed_on"))
    if status_text in STATUSES and status_text != "completed" and done is not None:
        issues.append(Issue("err.progress_completed_not_done", {"day": done.isoformat(), "status": status_text}, "completed_on"))
    if done is not None and reported is not None and done > reported:
        issues.append(Issue("err.progress_completed_after", {"completed": done.isoformat(), "reported": reported.isoformat()}, "completed_on"))
    share = _percent(percent, status_text, issues)
    texts = {name: _text(value, name, issues) for name, value in
             (("milestone", milestone), ("results", results), ("difficulties", difficulties), ("proposals", proposals),
              ("evidence_ref", evidence_ref))}  # fmt: skip
    link = _link(evidence_link, issues)
    evidence = _evidence(evidence_file, issues) if evidence_file is not None else None
    resolved = _period(task, period, reported, issues)
    if issues or reported is None:
        return None, issues
    values = ReportValues(task_id=str(task["id"]), status=status_text, reported_on=reported, completed_on=done, percent=share,
                          evidence_link=link, period=resolved, evidence=evidence, **texts)  # fmt: skip
    return values, []


def check_evidence(name: str, content: bytes) -> tuple[Evidence | None, list[Issue]]:
    """Check an evidence file (type by name and first bytes, size); return it with its media type and SHA-256, or the issues."""
    issues: list[Issue] = []
    evidence = _evidence((name, content), issues)
    return evidence, issues


def check_indicator_value(value: object, on: object, source: object, *, today: date | None = None) -> tuple[tuple[float, date, str] | None, list[Issue]]:
    """Check an indicator's reported value: a finite number, a date (not later than today in Hà Nội), a source text."""
    today = today or today_in_hanoi()
    issues: list[Issue] = []
    number = _number(value)
    if number is None:
        issues.append(Issue("err.indicator_value", {"value": str(value)[:40]}, "value"))
    day = _day(on, "on", today, issues, required=True)
    text = _text(source, "source", issues, limit=settings.MAX_SOURCE_CHARS)
    if issues or number is None or day is None:
        return None, issues
    return (number, day, text), []


def clean_text(value: object) -> str:
    """Return `value` as stored text: NFC, control characters (but newline and tab) removed, trimmed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _CONTROL.sub("", nfc(str(value))).strip()


def _missing(value: object) -> bool:
    """Return True for None, blank text, NaN and NaT."""
    return value is None or (isinstance(value, str) and not value.strip()) or value != value  # the last: NaN and NaT differ from themselves


def _day(value: object, column: str, today: date, issues: list[Issue], *, required: bool) -> date | None:
    if _missing(value):
        if required:
            issues.append(Issue("err.progress_date_missing", {"column": column}, column))
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # unreadable text is reported below as not a date
            value = date.fromisoformat(value.strip())
    if not isinstance(value, date):
        issues.append(Issue("err.progress_date", {"column": column, "value": str(value)[:40]}, column))
        return None
    if value < EARLIEST:
        issues.append(Issue("err.progress_date_early", {"column": column, "day": value.isoformat(), "earliest": EARLIEST.isoformat()}, column))
        return None
    if value > today:
        issues.append(Issue("err.progress_date_future", {"column": column, "day": value.isoformat(), "today": today.isoformat()}, column))
        return None
    return value


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _percent(value: object, status: str, issues: list[Issue]) -> float | None:
    if _missing(value):
        return None
    number = _number(value)
    if number is None or not 0 <= number <= 100:
        issues.append(Issue("err.progress_percent", {"value": str(value)[:40]}, "percent"))
        return None
    if status == "completed" and number != 100:
        issues.append(Issue("err.progress_percent_completed", {"value": f"{number:g}"}, "percent"))
        return None
    return number


def _text(value: object, column: str, issues: list[Issue], *, limit: int | None = None) -> str:
    text = clean_text(value)
    limit = limit or TEXT_LIMITS[column]
    if len(text) > limit:
        issues.append(Issue("err.progress_too_long", {"column": column, "n": len(text), "limit": limit}, column))
    return text


def _link(value: object, issues: list[Issue]) -> str:
    link = clean_text(value)
    if not link:
        return ""
    if len(link) > settings.MAX_LINK_CHARS:
        issues.append(Issue("err.progress_too_long", {"column": "evidence_link", "n": len(link), "limit": settings.MAX_LINK_CHARS}, "evidence_link"))
        return link
    try:
        parts = urlsplit(link)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host or any(ch.isspace() for ch in link):
        issues.append(Issue("err.progress_link", {"link": link[:80]}, "evidence_link"))
    return link


def _evidence(item: Evidence | tuple[str, bytes], issues: list[Issue]) -> Evidence | None:
    name, content = (item.name, item.content) if isinstance(item, Evidence) else item
    name = unicodedata.normalize("NFC", PurePath(str(name).replace("\\", "/")).name).strip()
    name = _CONTROL.sub("", name)[-255:]
    suffix = PurePath(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        issues.append(Issue("err.evidence_type", {"name": name, "suffix": suffix or "no extension"}, "evidence_file"))
        return None
    size = len(content)
    if size == 0:
        issues.append(Issue("err.evidence_empty", {"name": name}, "evidence_file"))
        return None
    too_big = over_limit(name, size)
    if too_big is not None:
        issues.append(Issue("err.file_too_big", too_big, "evidence_file"))
        return None
    media_type, family = EVIDENCE_TYPES[suffix]
    matches = content.startswith(_MAGIC[family]) and (family != "webp" or content[8:12] == b"WEBP")
    if not matches:
        issues.append(Issue("err.evidence_content", {"name": name, "filetype": suffix.lstrip(".").upper()}, "evidence_file"))
        return None
    return Evidence(name=name, media_type=media_type, content=bytes(content), sha256=hashlib.sha256(content).hexdigest())


def _period(task: Mapping[str, object], period: object, reported: date | None, issues: list[Issue]) -> str:
    text = clean_text(period)
    task_id = str(task.get("id", ""))
    if str(task.get("due_kind", "")) != "recurring":
        if text:
            issues.append(Issue("err.progress_period_dated", {"period": text, "task_id": task_id}, "period"))
        return ""
    kind = periodicity(task.get("due_raw", ""))
    if not text:
        return period_of(reported, kind) if reported is not None else ""
    parsed = parse_period(text)
    if parsed is None:
        issues.append(Issue("err.progress_period_bad", {"period": text}, "period"))
        return ""
    if parsed[0] != kind:
        example = "2026" if kind == YEAR else "2026Q4"
        issues.append(Issue("err.progress_period_kind", {"period": text, "task_id": task_id, "per": kind, "example": example}, "period"))
        return ""
    if reported is not None and parsed[1] > reported:
        issues.append(Issue("err.progress_period_future", {"period": text, "reported": reported.isoformat()}, "period"))
        return ""
    return normal_period(text)
