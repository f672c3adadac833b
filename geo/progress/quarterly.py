"""The quarterly progress report (KH-183-2021's annex to the socio-economic report), as XLSX or DOCX, per agency or city-wide.

Each task: its document, TT, deadline as written and as read, its category as of the
quarter's last day (:func:`geo.progress.categories.categories`: only reports dated on or
before that day count), and what its latest report says (status, percent, completion
date, results, difficulties, proposals); then the number of tasks per category. An
agency's report holds the tasks it (or an agency merged into it in 2025) leads or
coordinates. Text from the register or a report is written as text (never as a formula).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Final

import pandas as pd

from geo.agencies import AgencyIndex
from geo.errors import InvalidArgumentError, problem
from geo.i18n import t
from geo.progress.categories import CATEGORIES, categories, counts
from geo.progress.periods import QUARTER, parse_period
from geo.progress.reminders import agency_mask
from geo.progress.rules import clean_text
from geo.progress.sheets import put, status_label, style_header

FORMATS: Final[tuple[str, ...]] = ("xlsx", "docx")
XLSX_COLUMNS: Final[tuple[str, ...]] = (
    "no", "task_id", "doc_id", "tt", "task", "lead", "deadline", "due_end", "category", "status", "percent", "completed_on",
    "results", "difficulties", "proposals", "reported_on", "reporter",
)  # fmt: skip
DOCX_COLUMNS: Final[tuple[str, ...]] = ("no", "task_id", "task", "deadline", "category", "results", "difficulties", "proposals")
HEADER_ROW: Final[int] = 5  # the XLSX task sheet: title, scope and as-of lines above, tasks from row 6


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """Return the first and last day of a quarter written ``2026Q4``; raise InvalidArgumentError otherwise."""
    parsed = parse_period(quarter)
    if parsed is None or parsed[0] != QUARTER:
        raise problem(InvalidArgumentError, "err.progress_quarter", text=str(quarter))
    return parsed[1], parsed[2]


def report_rows(tasks: pd.DataFrame, reports: pd.DataFrame, *, quarter: str, agency: str | None = None,
                agencies: AgencyIndex) -> pd.DataFrame:  # fmt: skip
    """Return the rows of the quarterly report: the (agency's) tasks with their category and latest report as of the quarter's end.

    Columns: ``task_id``, ``doc_id``, ``tt``, ``task``, ``lead_agency``, ``due_raw``, ``due_end``,
    the ``progress_*`` columns of :func:`geo.progress.categories.categories`, and ``results``,
    ``difficulties``, ``proposals`` of the latest report (empty without one).
    """
    _, last = quarter_bounds(quarter)
    chosen = tasks[agency_mask(tasks, agency, agencies)] if agency else tasks
    table = chosen.join(categories(chosen, reports, last))
    texts = reports.set_index("id")[["results", "difficulties", "proposals"]] if not reports.empty else pd.DataFrame()
    for column in ("results", "difficulties", "proposals"):
        table[column] = [
            str(texts.at[int(report_id), column]) if report_id is not None and pd.notna(report_id) and not texts.empty else ""
            for report_id in table["progress_report_id"]
        ]  # fmt: skip
    return table.assign(task_id=[str(task_id) for task_id in table.index])


def quarterly_report(
    tasks: pd.DataFrame,
    reports: pd.DataFrame,
    *,
    quarter: str = "2026Q4",
    agency: str | None = None,
    agencies: AgencyIndex,
    lang: str = "vi",
    fmt: str = "xlsx",
) -> bytes:
    """Return the quarterly report as XLSX or DOCX bytes.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The register (base and imported plans), indexed by task id.
    reports : pandas.DataFrame
        Every progress report (:func:`geo.store.reports_frame`).
    quarter : str
        ``2026Q4``: the categories are those of its last day.
    agency : str or None
        An agency id: its tasks (lead or coordinating, predecessors included); None: the whole city.
    agencies : AgencyIndex
        The agency table (names, successions).
    lang : str
        ``vi`` or ``en``.
    fmt : str
        ``xlsx`` or ``docx``.

    Raises
    ------
    InvalidArgumentError
        For a quarter not written like ``2026Q4`` or another format.
    UnknownValueError
        For an unknown agency.
    """
    if fmt not in FORMATS:
        raise problem(InvalidArgumentError, "err.progress_format", fmt=fmt)
    _, last = quarter_bounds(quarter)
    table = report_rows(tasks, reports, quarter=quarter, agency=agency, agencies=agencies)
    per_category = counts(table["progress_category"])
    label = _quarter_label(quarter)
    head = [
        t("prog.report.title", lang, quarter=label),
        t("prog.report.scope_agency", lang, agency=agencies.label(agencies.require(agency), lang=lang)) if agency
        else t("prog.report.scope_city", lang),
        t("prog.report.as_of", lang, date=f"{last:%d/%m/%Y}"),
    ]  # fmt: skip
    writer = _xlsx if fmt == "xlsx" else _docx
    return writer(table, per_category, head, agencies=agencies, lang=lang)


def _cells(row: pd.Series, number: int, agencies: AgencyIndex, lang: str) -> dict[str, object]:
    due_end = row["due_end"] if row["due_end"] is not None and pd.notna(row["due_end"]) else None
    percent = row["progress_percent"]
    return {
        "no": number, "task_id": row["task_id"], "doc_id": row["doc_id"], "tt": row["tt"], "task": clean_text(row["task"]),
        "lead": agencies.labels(row["lead_agency"], lang=lang), "deadline": clean_text(row["due_raw"]), "due_end": due_end,
        "category": t(f"prog.cat.{row['progress_category']}", lang),
        "status": status_label(row["progress_status"], lang) if row["progress_status"] else "",
        "percent": None if percent is None or pd.isna(percent) else float(percent),
        "completed_on": row["progress_completed_on"], "results": clean_text(row["results"]),
        "difficulties": clean_text(row["difficulties"]), "proposals": clean_text(row["proposals"]),
        "reported_on": row["progress_reported_on"], "reporter": row["progress_reporter"],
    }  # fmt: skip


def _xlsx(table: pd.DataFrame, per_category: dict[str, int], head: list[str], *, agencies: AgencyIndex, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = t("prog.sheet.report", lang)[:31]
    for line, text in enumerate(head, start=1):
        put(sheet, line, 1, text).font = Font(bold=line == 1, size=14 if line == 1 else 11)
    for number, name in enumerate(XLSX_COLUMNS, start=1):
        style_header(put(sheet, HEADER_ROW, number, t(f"prog.col.{name}", lang)))
        sheet.column_dimensions[get_column_letter(number)].width = {"task": 60, "results": 40, "difficulties": 30, "proposals": 30}.get(name, 14)
    for offset, (_, row) in enumerate(table.iterrows()):
        cells = _cells(row, offset + 1, agencies, lang)
        for number, name in enumerate(XLSX_COLUMNS, start=1):
            put(sheet, HEADER_ROW + 1 + offset, number, cells[name], number_format="0" if name == "percent" else None)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    summary = book.create_sheet(t("prog.sheet.counts", lang)[:31])
    put(summary, 1, 1, head[0]).font = Font(bold=True, size=14)
    put(summary, 2, 1, head[1])
    put(summary, 3, 1, head[2])
    for number, key in enumerate(("category", "code", "count"), start=1):
        style_header(put(summary, HEADER_ROW, number, t(f"prog.col.{key}", lang)))
    for offset, code in enumerate(CATEGORIES, start=1):
        put(summary, HEADER_ROW + offset, 1, t(f"prog.cat.{code}", lang))
        put(summary, HEADER_ROW + offset, 2, code)
        put(summary, HEADER_ROW + offset, 3, per_category[code])
    total = HEADER_ROW + len(CATEGORIES) + 1
    put(summary, total, 1, t("prog.report.total", lang)).font = Font(bold=True)
    put(summary, total, 3, sum(per_category.values())).font = Font(bold=True)  # a number, not a formula: the file is read as written
    summary.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _docx(table: pd.DataFrame, per_category: dict[str, int], head: list[str], *, agencies: AgencyIndex, lang: str) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.5))
    document.styles["Normal"].font.size = Pt(9)
    document.add_heading(head[0], level=1)
    for text in head[1:]:
        document.add_paragraph(text)
    document.add_heading(t("prog.report.counts", lang), level=2)
    summary = document.add_table(rows=1, cols=3)
    summary.style = "Table Grid"
    for cell, key in zip(summary.rows[0].cells, ("category", "code", "count"), strict=True):
        cell.text = t(f"prog.col.{key}", lang)
    for code in CATEGORIES:
        cells = summary.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = t(f"prog.cat.{code}", lang), code, str(per_category[code])
    cells = summary.add_row().cells
    cells[0].text, cells[2].text = t("prog.report.total", lang), str(sum(per_category.values()))
    document.add_heading(t("prog.report.tasks", lang), level=2)
    tasks_table = document.add_table(rows=1, cols=len(DOCX_COLUMNS))
    tasks_table.style = "Table Grid"
    for cell, name in zip(tasks_table.rows[0].cells, DOCX_COLUMNS, strict=True):
        cell.text = t(f"prog.col.{name}", lang)
    for offset, (_, row) in enumerate(table.iterrows()):
        values = _cells(row, offset + 1, agencies, lang)
        values["task_id"] = f"{values['task_id']}\n{values['doc_id']} · TT {values['tt']}"
        if values["due_end"] is not None:
            values["deadline"] = f"{values['deadline']} ({values['due_end']:%d/%m/%Y})".strip()
        for cell, name in zip(tasks_table.add_row().cells, DOCX_COLUMNS, strict=True):
            cell.text = "" if values[name] is None else str(values[name])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _quarter_label(quarter: str) -> str:
    first, _ = quarter_bounds(quarter)
    return f"{('I', 'II', 'III', 'IV')[(first.month - 1) // 3]}/{first.year}"
