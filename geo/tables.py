"""Read a planner's table (CSV or XLSX) safely: limits first, encodings and separators Excel writes, no shifted columns.

Vietnamese Excel saves "CSV" as UTF-8 (with BOM), UTF-16, or Windows-1258, with
``,`` or ``;`` (or tab) between fields: all are read. Every limit of
:mod:`geo.settings` is checked before the content is parsed, and a row with
more fields than the header is refused with its row number instead of
shifting every column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from geo import settings
from geo.errors import ImportFileError, problem
from geo.uploads import check_size

ROW_COLUMN = "_row"  # the spreadsheet row number of each record (the header is row 1)
_SEPARATORS = ",;\t"
_CP1258_UNDEFINED = {0x81, 0x8A, 0x8D, 0x8E, 0x8F, 0x90, 0x9A, 0x9D, 0x9E}


def read_table(path: Path | str) -> pd.DataFrame:
    """Return the table in `path` as text, one row per non-blank record, with its row number in ``_row``.

    Parameters
    ----------
    path : pathlib.Path or str
        A ``.csv`` or ``.xlsx`` file whose first row names the columns.

    Returns
    -------
    pandas.DataFrame
        Columns as written in the header (text) plus ``_row``; every cell is a str.

    Raises
    ------
    ImportFileError
        If the file is over a limit (size, unpacked size, rows, columns, cell length),
        cannot be decoded or parsed, or has a row with more fields than the header.
    """
    path = Path(path)
    size = path.stat().st_size
    check_size(path.name, size, ImportFileError)
    rows = _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path.name, path.read_bytes())
    return _frame(path.name, rows)


def _frame(name: str, rows: list[tuple[int, list[str]]]) -> pd.DataFrame:
    if not rows:
        raise problem(ImportFileError, "err.table_empty", name=name)
    (_, header), body = rows[0], rows[1:]
    while header and not header[-1].strip():
        header = header[:-1]
    if len(header) > settings.MAX_TABLE_COLUMNS:
        raise problem(ImportFileError, "err.too_many_columns", name=name, n=len(header), limit=settings.MAX_TABLE_COLUMNS)
    records, too_long = [], []
    for number, cells in body:
        if not any(str(cell).strip() for cell in cells):
            continue  # a blank line: nothing to keep, and the row numbers of the others stay those of the sheet
        extra = cells[len(header):]
        if any(str(cell).strip() for cell in extra):
            too_long.append(number)
            continue
        cells = [*cells[: len(header)], *[""] * (len(header) - len(cells))]
        records.append([*cells, number])
    if too_long:
        shown = ", ".join(str(n) for n in too_long[:10]) + (" …" if len(too_long) > 10 else "")
        raise problem(ImportFileError, "err.extra_fields", name=name, rows=shown, n=len(header))
    if len(records) > settings.MAX_TABLE_ROWS:
        raise problem(ImportFileError, "err.too_many_rows", name=name, n=len(records), limit=settings.MAX_TABLE_ROWS)
    return pd.DataFrame(records, columns=[*[str(column) for column in header], ROW_COLUMN])


def _csv_rows(name: str, raw: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(name, raw)
    sample = "\n".join(text.splitlines()[:20])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=_SEPARATORS)
        separator = dialect.delimiter
    except csv.Error:
        separator = ","
    limit = csv.field_size_limit()
    csv.field_size_limit(settings.MAX_CELL_CHARS)
    rows: list[tuple[int, list[str]]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        for cells in reader:
            if len(rows) > settings.MAX_TABLE_ROWS + 1:
                raise problem(ImportFileError, "err.more_rows_than", name=name, limit=settings.MAX_TABLE_ROWS)
            rows.append((reader.line_num, cells))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise problem(ImportFileError, "err.csv_cell_too_long", name=name, line=reader.line_num, limit=settings.MAX_CELL_CHARS) from error
        raise problem(ImportFileError, "err.csv_unreadable", name=name, line=reader.line_num, detail=str(error)) from error
    finally:
        csv.field_size_limit(limit)
    return _numbered(rows)


def _numbered(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Return the records numbered as a spreadsheet shows rows: a record that spans lines (a quoted newline) is one row."""
    return [(position + 1, cells) for position, (_, cells) in enumerate(rows)]


def _decode(name: str, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise problem(ImportFileError, "err.bad_utf16", name=name, detail=f"{error.reason} at byte {error.start}") from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        undefined = sorted({byte for byte in raw if byte in _CP1258_UNDEFINED})
        if undefined:
            raise problem(ImportFileError, "err.bad_encoding", name=name, detail=f"{error.reason} at byte {error.start}") from error
        return raw.decode("cp1258")  # Vietnamese Windows' code page: Excel's "CSV" on a Vietnamese system


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise problem(ImportFileError, "err.not_xlsx", name=path.name, detail=str(error)) from error
    if unpacked > settings.MAX_DECOMPRESSED_BYTES:
        raise problem(ImportFileError, "err.unpacks_too_big", name=path.name, size=unpacked / 2**20, limit=settings.MAX_DECOMPRESSED_BYTES / 2**20)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken workbook
        raise problem(ImportFileError, "err.table_unreadable", name=path.name, detail=f"{type(error).__name__}: {error}") from error
    try:
        sheet = workbook.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=settings.MAX_TABLE_COLUMNS + 1), start=1):
            if number > settings.MAX_TABLE_ROWS + 1:
                raise problem(ImportFileError, "err.more_rows_than", name=path.name, limit=settings.MAX_TABLE_ROWS)
            cells = ["" if value is None else str(value) for value in values]
            long = next((cell for cell in cells if len(cell) > settings.MAX_CELL_CHARS), None)
            if long is not None:
                raise problem(ImportFileError, "err.xlsx_cell_too_long", name=path.name, row=number, n=len(long), limit=settings.MAX_CELL_CHARS)
            rows.append((number, cells))
    finally:
        workbook.close()
    return rows


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"
