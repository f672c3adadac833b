"""CSV as the project writes and reads it: formula-looking cells neutralised, and restored on reading.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab
or carriage return) as a formula. Every CSV the project writes goes through
:func:`frame_to_csv`, which prefixes such cells with a single quote (OWASP's
rule); :func:`restore_cell` removes that prefix again, so a round trip through
the project's own reader is exact.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.errors import DataFileError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise_cell(value: object) -> object:
    """Return `value` with a leading ``'`` when it is text a spreadsheet would run as a formula.

    Text that already starts with ``'`` gets one more, so :func:`restore_cell` is its exact inverse.
    """
    if isinstance(value, str) and value and (value.startswith(FORMULA_STARTS) or value.startswith(QUOTE)):
        return QUOTE + value
    return value


def restore_cell(value: object) -> object:
    """Return `value` without the quote :func:`neutralise_cell` added (the inverse of it)."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:2] and value[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return value[1:]
    return value


def frame_to_csv(frame: pd.DataFrame, *, index: bool = False, bom: bool = True) -> bytes:
    """Return `frame` as CSV bytes (UTF-8, with a BOM for Excel by default), formula-looking cells neutralised."""
    safe = frame.map(neutralise_cell)
    if index:
        safe.index = safe.index.map(neutralise_cell)
    safe.columns = [neutralise_cell(str(column)) for column in safe.columns]
    text = safe.to_csv(index=index, lineterminator="\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` (read from a CSV written by :func:`frame_to_csv`) with every cell restored."""
    out = frame.map(restore_cell)
    out.columns = [restore_cell(column) for column in out.columns]
    return out


def read_data_table(path, *, columns, what: str, unique: str | None = None, builder: str = "") -> pd.DataFrame:
    """Read a CSV the project ships or writes (UTF-8) as text, cells restored, checked: readable and every column.

    Parameters
    ----------
    path : path-like
        The file.
    columns : sequence of str
        The columns it must have.
    what : str
        What the file is, for the messages ("task register", "feature-task links").
    unique : str or None
        A column whose values must not repeat (the ids).
    builder : str
        The maintainer's tool that rebuilds the file, named in the message when it is missing.

    Raises
    ------
    geo.errors.DataFileError
        If the file is missing or unreadable, lacks a column or repeats a value of `unique`.
    """
    path = Path(path)
    if not path.is_file():
        rebuild = f" or rebuild it with {builder}" if builder else ""
        msg = f"{what[:1].upper()}{what[1:]} not found: {path}. Restore data/{path.name} from the repository{rebuild}."
        raise DataFileError(msg)
    try:
        table = restore_frame(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"))
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        msg = f"{path}: cannot read the {what} ({type(error).__name__}: {error})."
        raise DataFileError(msg) from error
    missing = [column for column in columns if column not in table.columns]
    if missing:
        msg = f"{path}: missing column(s) {missing}; expected {list(columns)}."
        raise DataFileError(msg)
    if unique is not None and table[unique].duplicated().any():
        msg = f"{path}: {what} {unique}s must be unique; repeated: {sorted(set(table.loc[table[unique].duplicated(), unique]))}."
        raise DataFileError(msg)
    return table
