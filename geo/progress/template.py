"""An agency's progress spreadsheet: the template (its tasks pre-filled), reading it back row by row, and importing it.

The template's first sheet has the Vietnamese headers in row 1 and the English ones in
row 2 (or the other way round with ``lang="en"``); every row from row 3 is one task. A
"Notes" sheet says how to fill it, in both languages. Reading checks the limits of
:mod:`geo.settings` before parsing (:func:`geo.tables.read_table`), then every row: each
bad row is listed with its spreadsheet row number and its reasons (catalogue keys), a
row with nothing filled in is counted and skipped, and nothing is dropped silently.
Importing saves every good row through :func:`geo.store.progress.save_report` (the
permission is checked per row) and skips a row whose report is already in the store
(the same content hash), so uploading the same file twice changes nothing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd

from geo import settings
from geo.agencies import AgencyIndex
from geo.errors import ImportFileError, PlanningMapError, problem
from geo.i18n import t
from geo.progress.categories import STATUSES
from geo.progress.rules import Issue, ReportValues, check_report
from geo.progress.sheets import PREFILLED_FILL, _key, other_language, put, status_label, status_words, style_header
from geo.tables import ROW_COLUMN, read_table
from geo.uploads import check_size, read_scratch_copy

if TYPE_CHECKING:
    from geo.store import Report, Store, User

PREFILLED: Final[tuple[str, ...]] = ("task_id", "doc_id", "tt", "task", "deadline")
TO_FILL: Final[tuple[str, ...]] = ("status", "completed_on", "percent", "milestone", "results", "difficulties", "proposals",
                                   "evidence_ref", "evidence_link", "period", "reported_on")  # fmt: skip
COLUMNS: Final[tuple[str, ...]] = (*PREFILLED, *TO_FILL)
REQUIRED: Final[tuple[str, ...]] = ("task_id", "status", "completed_on", "reported_on")
WIDTHS: Final[dict[str, int]] = {"task_id": 20, "doc_id": 14, "tt": 6, "task": 60, "deadline": 22, "status": 20, "results": 40,
                                 "difficulties": 30, "proposals": 30, "evidence_link": 30}  # fmt: skip
EXTRA_VALIDATED_ROWS: Final[int] = 200  # the status list and percent check reach this far below the last task (rows added by hand)
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[ T]00:00(?::00)?)?$")


@dataclass(frozen=True)
class RowProblem:
    """A bad row of an uploaded sheet: its spreadsheet row number, the task id written there, and why (a catalogue key)."""

    row: int
    task_id: str
    key: str
    values: dict[str, object] = field(default_factory=dict)
    column: str = ""

    def reason(self, lang: str = "en") -> str:
        """Return the reason in `lang`."""
        return t(self.key, lang, **self.values)

    def text(self, lang: str = "en") -> str:
        """Return the reason in `lang` (as :meth:`geo.errors.PlanningMapError.text` does for an error)."""
        return self.reason(lang)

    def __str__(self) -> str:
        return f"row {self.row} ({self.task_id or '-'}): {self.reason('en')}"


@dataclass(frozen=True)
class ProgressRow:
    """A good row: its spreadsheet row number and the checked report."""

    row: int
    values: ReportValues


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did.

    Attributes
    ----------
    saved : int
        Reports saved now.
    unchanged : int
        Good rows whose report was already in the store (the same content): nothing saved.
    problems : list of RowProblem
        The bad rows' reasons (a row may have several), by row number.
    not_filled : int
        Task rows left empty (nothing to report).
    reports, already : list of Report
        The reports saved now, and the stored reports the unchanged rows matched.
    """

    saved: int
    unchanged: int
    problems: list[RowProblem]
    not_filled: int = 0
    reports: list[Report] = field(default_factory=list)
    already: list[Report] = field(default_factory=list)


def template_xlsx(tasks: pd.DataFrame, *, lang: str = "vi", reported_on: date | None = None) -> bytes:
    """Return the progress template of `tasks` as XLSX bytes: headers in two languages, the tasks pre-filled, columns to fill.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The agency's tasks (register rows indexed by id).
    lang : str
        The language of the first header row and of the status list (the other one is row 2).
    reported_on : datetime.date or None
        Pre-fill the report date of every row (still editable).
    """
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = t("prog.sheet.tasks", lang)[:31]
    second = other_language(lang)
    for number, name in enumerate(COLUMNS, start=1):
        style_header(put(sheet, 1, number, t(f"prog.col.{name}", lang)))
        style_header(put(sheet, 2, number, t(f"prog.col.{name}", second)), italic=True)
        sheet.column_dimensions[get_column_letter(number)].width = WIDTHS.get(name, 16)
    grey = PatternFill("solid", fgColor=PREFILLED_FILL)
    for offset, (task_id, row) in enumerate(tasks.iterrows()):
        line = 3 + offset
        deadline = str(row.get("due_raw", "") or "")
        if row.get("due_end") is not None and pd.notna(row.get("due_end")):
            deadline = f"{deadline} ({row['due_end']:%d/%m/%Y})".strip()
        for number, value in enumerate((str(task_id), row.get("doc_id", ""), row.get("tt", ""), row.get("task", ""), deadline), start=1):
            put(sheet, line, number, str(value or "")).fill = grey
        if reported_on is not None:
            put(sheet, line, COLUMNS.index("reported_on") + 1, reported_on, number_format="yyyy-mm-dd")
    last = 2 + len(tasks) + EXTRA_VALIDATED_ROWS
    statuses = DataValidation(type="list", formula1='"' + ",".join(status_label(code, lang) for code in STATUSES) + '"', allow_blank=True)
    percent = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
    percent.error = t("err.progress_percent", lang, value="…")
    for validation, name in ((statuses, "status"), (percent, "percent")):
        letter = get_column_letter(COLUMNS.index(name) + 1)
        validation.add(f"{letter}3:{letter}{last}")
        sheet.add_data_validation(validation)
    for name in ("completed_on", "reported_on"):
        letter = get_column_letter(COLUMNS.index(name) + 1)
        for line in range(3, 3 + len(tasks)):
            sheet[f"{letter}{line}"].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "F3"
    notes = book.create_sheet(t("prog.sheet.notes", lang)[:31])
    keys = ("rows", "fill", "status", "dates", "percent", "limits", "period", "upload")
    limits = {"milestone": settings.MAX_MILESTONE_CHARS, "text": settings.MAX_REPORT_TEXT_CHARS}
    for line, (language, key) in enumerate(((language, key) for language in (lang, second) for key in keys), start=1):
        put(notes, line, 1, t(f"prog.template.note.{key}", language, **limits))
    notes.column_dimensions["A"].width = 140
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_progress_xlsx(path_or_bytes: Path | str | bytes, tasks: pd.DataFrame, *, name: str = "progress.xlsx",
                       today: date | None = None) -> tuple[list[ProgressRow], list[RowProblem]]:  # fmt: skip
    """Read a filled template; return (the good rows, the problems of the bad rows), both by spreadsheet row number.

    Parameters
    ----------
    path_or_bytes : path or bytes
        The uploaded ``.xlsx`` (a path, or its content).
    tasks : pandas.DataFrame
        The register (base and imported plans) indexed by task id: a row's task must be in it.
    name : str
        The file's name for messages, when `path_or_bytes` is bytes.
    today : datetime.date or None
        The day in Hà Nội (default: now); a report may not be dated later.

    Raises
    ------
    ImportFileError
        If the file is over a limit, is not a workbook, or lacks a required column.
    """
    rows, problems, _ = _read_rows(path_or_bytes, tasks, name=name, today=today)
    return rows, problems


def _read_rows(path_or_bytes: Path | str | bytes, tasks: pd.DataFrame, *, name: str,
               today: date | None) -> tuple[list[ProgressRow], list[RowProblem], int]:  # fmt: skip
    """Return (good rows, problems, the number of task rows left empty)."""
    frame, name = _read(path_or_bytes, name)
    columns = _columns(frame, name)
    words = status_words()
    header_words = {_key(t(f"prog.col.{column}", lang)) for column in COLUMNS for lang in ("vi", "en")} | set(COLUMNS)
    rows: list[ProgressRow] = []
    problems: list[RowProblem] = []
    not_filled = 0
    for record in frame.to_dict("records"):
        cells = {column: str(record[source] or "").strip() for column, source in columns.items()}
        number, task_id = int(record[ROW_COLUMN]), cells.get("task_id", "")
        if _key(task_id) in header_words:
            continue  # the second header row
        filled = [column for column in TO_FILL if column != "reported_on" and cells.get(column)]
        if not filled:
            not_filled += 1  # a task left empty: nothing to report
            continue
        issues = _row_issues(cells, task_id, tasks, words)
        if not issues:
            values, issues = check_report(
                tasks.loc[task_id], status=words[_key(cells["status"])], reported_on=_date(cells.get("reported_on", "")),
                completed_on=_date(cells.get("completed_on", "")), percent=_percent(cells.get("percent", "")),
                milestone=cells.get("milestone", ""), results=cells.get("results", ""), difficulties=cells.get("difficulties", ""),
                proposals=cells.get("proposals", ""), evidence_ref=cells.get("evidence_ref", ""),
                evidence_link=cells.get("evidence_link", ""), period=cells.get("period", ""), today=today,
            )  # fmt: skip
            issues = [_readable(issue) for issue in issues]
            if values is not None:
                rows.append(ProgressRow(row=number, values=values))
        problems += [RowProblem(number, task_id, issue.key, issue.values, issue.column) for issue in issues]
    return rows, problems, not_filled


def import_progress(store: Store, user: User | None, path_or_bytes: Path | str | bytes, *, tasks: pd.DataFrame, agencies: AgencyIndex,
                    name: str = "progress.xlsx") -> ImportOutcome:  # fmt: skip
    """Read a filled template and save its good rows as progress reports, one write per row; return what was done.

    A row the account may not report (another agency's task), a row whose task got a
    newer report meanwhile and a bad row are listed as problems with their row numbers;
    the other rows are saved. A row already saved (the same content) is counted as
    unchanged, so uploading the same file again changes nothing.

    Raises
    ------
    ImportFileError
        As :func:`read_progress_xlsx`, for a file that cannot be read at all (nothing is saved).
    UnknownValueError
        If the account does not exist.
    """
    from geo.errors import ConflictError, InvalidArgumentError, PermissionDenied
    from geo.store.progress import latest_report_ids, save_report

    rows, problems, not_filled = _read_rows(path_or_bytes, tasks, name=name, today=None)
    latest = latest_report_ids(store, sorted({row.values.task_id for row in rows}))
    saved: list[Report] = []
    unchanged: list[Report] = []
    for row in rows:
        task_id = row.values.task_id
        try:
            report, new = save_report(store, user, tasks.loc[task_id], row.values, agencies=agencies,
                                      expected_latest=latest.get(task_id), skip_same=True)  # fmt: skip
        except (PermissionDenied, ConflictError, InvalidArgumentError) as error:
            problems.append(_error_problem(row.row, task_id, error))
            continue
        if new:
            latest[task_id] = report.id
            saved.append(report)
        else:
            unchanged.append(report)
    return ImportOutcome(saved=len(saved), unchanged=len(unchanged), problems=sorted(problems, key=lambda item: item.row),
                         not_filled=not_filled, reports=saved, already=unchanged)  # fmt: skip


def _read(path_or_bytes: Path | str | bytes, name: str) -> tuple[pd.DataFrame, str]:
    if not isinstance(path_or_bytes, bytes):
        path = Path(path_or_bytes)
        return read_table(path), path.name
    check_size(name, len(path_or_bytes), ImportFileError)
    scratch_name = "upload.csv" if name.lower().endswith(".csv") else "upload.xlsx"
    return read_scratch_copy(scratch_name, path_or_bytes, lambda path, _: read_table(path)), name


def _columns(frame: pd.DataFrame, name: str) -> dict[str, str]:
    """Return column code -> the sheet's header, recognising the headers in both languages and the codes themselves."""
    known = {}
    for column in COLUMNS:
        for label in (t(f"prog.col.{column}", "vi"), t(f"prog.col.{column}", "en"), column):
            known[_key(label)] = column
    found: dict[str, str] = {}
    for header in frame.columns:
        code = known.get(_key(str(header)))
        if code is not None and code not in found:
            found[code] = header
    missing = [t(f"prog.col.{column}", "vi") for column in REQUIRED if column not in found]
    if missing:
        raise problem(ImportFileError, "err.progress_columns", name=name, missing=", ".join(missing))
    return found


def _row_issues(cells: dict[str, str], task_id: str, tasks: pd.DataFrame, words: dict[str, str]) -> list[Issue]:
    issues = []
    if not task_id:
        issues.append(Issue("err.progress_task_id_missing", {}, "task_id"))
    elif task_id not in tasks.index:
        issues.append(Issue("err.progress_task_unknown", {"task_id": task_id}, "task_id"))
    status = cells.get("status", "")
    if not status:
        issues.append(Issue("err.progress_status_missing", {}, "status"))
    elif _key(status) not in words:
        issues.append(Issue("err.progress_status", {"status": status, "allowed": ", ".join(status_label(code, "vi") for code in STATUSES)}, "status"))
    for column in ("reported_on", "completed_on"):
        if cells.get(column) and _date(cells[column]) is None:
            issues.append(Issue("err.progress_date", {"column": t(f"prog.col.{column}", "vi"), "value": cells[column][:40]}, column))
    return issues


def _readable(issue: Issue) -> Issue:
    """Return the issue with the column named as the sheet's header (Vietnamese) rather than the code."""
    values = dict(issue.values)
    if "column" in values and str(values["column"]) in COLUMNS:
        values["column"] = t(f"prog.col.{values['column']}", "vi")
    return Issue(issue.key, values, issue.column)


def _date(text: str) -> date | str | None:
    """Return the date a cell holds (ISO, an Excel date, or DD/MM/YYYY); '' for an empty cell, None when unreadable."""
    text = text.strip()
    if not text:
        return ""
    try:
        match = _YMD.match(text)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _DMY.match(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return datetime.fromisoformat(text).date() if "T" in text or " " in text else None
    except ValueError:
        return None


def _percent(text: str) -> object:
    text = text.strip().removesuffix("%").strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return text


def _error_problem(row: int, task_id: str, error: PlanningMapError) -> RowProblem:
    if error.key:
        return RowProblem(row, task_id, error.key, dict(error.values))
    return RowProblem(row, task_id, "err.progress_row_error", {"detail": str(error)})
