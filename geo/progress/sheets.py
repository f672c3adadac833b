"""Small helpers of the progress spreadsheets: text written as text (never a formula), header styles, labels.

openpyxl turns a string that starts with ``=`` into a formula; :func:`put` writes it
as a string instead and marks it with Excel's quote prefix, so a task text such as
``=SUM(A1)`` or ``@cmd`` is shown, never run.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

from geo.csvio import FORMULA_STARTS
from geo.i18n import t
from geo.progress.categories import STATUSES
from geo.text import fold

HEADER_FILL: Final[str] = "DDE7F0"
PREFILLED_FILL: Final[str] = "EEEEEE"


def put(sheet: Any, row: int, column: int, value: object, *, number_format: str | None = None) -> Any:
    """Write `value` into the cell (text as text, dates and numbers as themselves); return the cell."""
    from openpyxl.styles import Alignment

    cell = sheet.cell(row=row, column=column)
    if value is None or value != value:  # nothing, NaN or NaT: an empty cell
        return cell
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    if isinstance(value, str):
        value = "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32)  # XML 1.0 has no other control characters
        cell.value = value
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # a string, not a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.quotePrefix = True
            return cell
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell
    cell.value = value
    if number_format is not None or isinstance(value, date):
        cell.number_format = number_format or "dd/mm/yyyy"
    cell.alignment = Alignment(vertical="top")
    return cell


def style_header(cell: Any, *, italic: bool = False) -> None:
    """Give a header cell its bold (or italic, for the second language) look."""
    from openpyxl.styles import Font, PatternFill

    cell.font = Font(bold=not italic, italic=italic, color="555555" if italic else None)
    cell.fill = PatternFill("solid", fgColor=HEADER_FILL)


def other_language(lang: str) -> str:
    """Return the other interface language."""
    return "en" if lang == "vi" else "vi"


def status_words() -> dict[str, str]:
    """Return every way a status may be written in a sheet (folded) -> its code: the code, and its labels in both languages."""
    from geo.i18n import CATALOGUE

    words: dict[str, str] = {}
    for code in STATUSES:
        variants = {code, code.replace("_", " ")}
        for lang in ("vi", "en"):
            variants |= {CATALOGUE[lang].get(f"{prefix}.{code}", "") for prefix in ("prog.status", "pstatus")}
        for variant in variants:
            if variant:
                words[_key(variant)] = code
    words[_key("đã hoàn thành")] = "completed"
    words[_key("tạm dừng")] = words[_key("vướng mắc")] = "blocked"
    return words


def status_label(code: str, lang: str) -> str:
    """Return the label of a status code in `lang` (the code itself for an unknown one)."""
    return t(f"prog.status.{code}", lang) if code in STATUSES else code


def _key(text: str) -> str:
    return " ".join(fold(text).replace("/", " / ").split())
