"""Import the task table of a new plan from CSV or XLSX, keeping and flagging bad rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.agencies import AgencyIndex
from geo.errors import ImportFileError, problem
from geo.register import derive_register
from geo.tables import ROW_COLUMN, read_table
from geo.text import nfc

REQUIRED_COLUMNS = ("task", "lead_agency_raw", "due_raw")
OPTIONAL_COLUMNS = ("tt", "section", "section_title", "appendix", "coordinating_raw", "product", "note", "vice_chair")
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class ImportProblem:
    """One problem found in an imported row.

    Attributes
    ----------
    row : int
        The row number as a spreadsheet shows it (the header is row 1).
    task_id : str
        The id given to the imported record.
    reason : str
        What is wrong, e.g. "unparsed_deadline: Sớm".
    """

    row: int
    task_id: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    """Records of an imported table and the problems found in it."""

    tasks: pd.DataFrame
    problems: list[ImportProblem] = field(default_factory=list)


def import_tasks(path: Path | str, agencies: AgencyIndex, *, doc_id: str, due_scope: str = "task") -> ImportResult:
    """Read a task table (CSV or XLSX) with the register's raw columns and derive the rest.

    Every row is kept. A row with an empty task, an unparsed deadline or an agency
    that does not resolve is flagged and listed in ``problems`` with its row number.

    Parameters
    ----------
    path : pathlib.Path or str
        A ``.csv`` (UTF-8, with or without BOM) or ``.xlsx`` file whose first row
        names the columns; ``task``, ``lead_agency_raw`` and ``due_raw`` are required.
    agencies : AgencyIndex
        Resolves agency names.
    doc_id : str
        Id of the new document; records get ids ``<doc_id>.001``, ``.002``, ...
    due_scope : str
        What the deadlines mean (``task`` or ``framework_plan``).

    Returns
    -------
    ImportResult

    Raises
    ------
    ImportFileError
        If the file is missing, of another type, unreadable, or lacks a required column.
    """
    path = Path(path)
    if not nfc(doc_id):
        raise problem(ImportFileError, "err.doc_id_empty")
    if path.suffix.lower() not in SUFFIXES:
        raise problem(ImportFileError, "err.import_suffix", name=path.name, suffix=repr(path.suffix or "no extension"))
    if not path.exists():
        raise problem(ImportFileError, "err.file_not_found", name=path.name)
    table = read_table(path)
    table.columns = [nfc(str(column)).lower() for column in table.columns]
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise problem(ImportFileError, "err.missing_columns", name=path.name, missing=missing, required=list(REQUIRED_COLUMNS),
                      optional=list(OPTIONAL_COLUMNS), found=list(table.columns))  # fmt: skip
    raw, numbers = [], []
    for position, (_, row) in enumerate(table.iterrows()):
        record = {column: nfc(row.get(column, "")) for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
        record.update(
            id=f"{nfc(doc_id)}.{position + 1:03d}",
            doc_id=nfc(doc_id),
            due_scope=due_scope,
            source_line=str(row[ROW_COLUMN]),
        )
        raw.append(record)
        numbers.append(int(row[ROW_COLUMN]))
    tasks = derive_register(raw, agencies)
    problems: list[ImportProblem] = []
    flags = list(tasks["flags"])
    for position, record in enumerate(raw):
        reasons = [reason for reason in flags[position].split(" | ") if reason]
        if not record["task"]:
            reasons.insert(0, "empty_task: the task cell is empty")
        if not record["lead_agency_raw"]:
            reasons.append("missing_lead_agency: the lead agency cell is empty")
        flags[position] = " | ".join(reasons)
        problems.extend(ImportProblem(row=numbers[position], task_id=record["id"], reason=reason) for reason in reasons)
    tasks["flags"] = flags
    return ImportResult(tasks=tasks, problems=problems)
