"""Tasks workbook writer: ``tasks.xlsx`` with the matching tasks and a sheet describing the snapshot."""

from __future__ import annotations

import io

from geo.export.manifest import MAP_DATA_LICENCE
from geo.export.prepare import TASK_EXTRA_COLUMNS, SnapshotData, xml_text
from geo.i18n import t
from geo.register import COLUMNS
from geo.text import join_ids

MEMBER = "tasks.xlsx"
_WIDTHS = {"task": 80, "section_title": 40, "note": 40, "due_raw": 24, "lead_agency_raw": 28, "coordinating_raw": 28}


def write_tasks_xlsx(data: SnapshotData) -> dict[str, bytes]:
    """Return ``{"tasks.xlsx": bytes}``: sheet ``tasks`` (dates as dates, text never a formula) and sheet ``snapshot``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "tasks"
    table = data.tasks
    columns = [*COLUMNS, *TASK_EXTRA_COLUMNS]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.reindex(columns=columns).to_dict("records"):
        sheet.append([_cell(join_ids(row[c]) if c == "feature_ids" else row[c]) for c in columns])
    for column_number, column in enumerate(columns, start=1):
        letter = get_column_letter(column_number)
        if column in ("due_start", "due_end", "progress_reported_on", "progress_completed_on"):
            for cell in sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text of record, never a formula
        sheet.column_dimensions[letter].width = _WIDTHS.get(column, max(10, min(24, len(column) + 2)))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    about = workbook.create_sheet("snapshot")
    about.append([t("app.title", data.lang), ""])
    about.append([t("filters.as_of", data.lang), data.as_of])
    about["B2"].number_format = "yyyy-mm-dd"
    for line in data.filter_lines:
        about.append([_cell(line), ""])
    about.append([t("count.tasks", data.lang, n=len(table), total=data.tasks_total), ""])
    about.append([t("count.features", data.lang, n=len(data.exported)), ""])
    about.append([MAP_DATA_LICENCE, ""])
    about.column_dimensions["A"].width = 48
    about.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return {MEMBER: buffer.getvalue()}


def _cell(value: object) -> object:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, tuple):
        return join_ids(value)
    return value
