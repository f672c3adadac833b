"""The task register: load, derive agencies and deadlines, query.

One record per task row or bullet of the four source documents (docs/DESIGN.md,
"Data of record"). Values stay in Vietnamese as written; ids are canonical.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from geo import settings
from geo.agencies import AgencyIndex
from geo.csvio import frame_to_csv, read_data_table
from geo.deadlines import parse_deadline, past_due_mask
from geo.errors import InvalidArgumentError, UnknownValueError
from geo.text import join_ids, matches_query

RAW_COLUMNS = (
    "id", "doc_id", "appendix", "section", "section_title", "tt", "task",
    "lead_agency_raw", "coordinating_raw", "product", "due_raw", "due_scope",
    "vice_chair", "note", "source_line",
)  # fmt: skip
COLUMNS = (
    "id", "doc_id", "appendix", "section", "section_title", "tt", "task",
    "lead_agency_raw", "lead_agency", "coordinating_raw", "coordinating", "product",
    "due_raw", "due_kind", "due_start", "due_end", "due_precision", "due_note", "due_scope",
    "vice_chair", "note", "flags", "source_line",
)  # fmt: skip
ROLES = ("any", "lead", "coordinating")
# Which agency column(s) of the register each role reads: the one place the roles are defined.
ROLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "any": ("lead_agency", "coordinating"),
    "lead": ("lead_agency",),
    "coordinating": ("coordinating",),
}


def derive_register(raw: Iterable[Mapping[str, str]], agencies: AgencyIndex) -> pd.DataFrame:
    """Add canonical agencies, parsed deadlines and flags to raw task rows.

    Parameters
    ----------
    raw : iterable of mapping
        Rows with the keys of ``RAW_COLUMNS`` (missing keys count as empty).
    agencies : AgencyIndex
        Resolves the lead and coordinating cells.

    Returns
    -------
    pandas.DataFrame
        One row per input row, columns ``COLUMNS``, all strings. A row whose
        deadline is ``unparsed`` or whose agency cell does not fully resolve is
        kept and carries a reason in ``flags``.
    """
    records = []
    for row in raw:
        record = {column: str(row.get(column, "") or "") for column in RAW_COLUMNS}
        flags = []
        lead = agencies.resolve(record["lead_agency_raw"])
        coordinating = agencies.resolve(record["coordinating_raw"])
        if lead.unresolved:
            flags.append("unknown_lead_agency: " + ", ".join(lead.unresolved))
        if coordinating.unresolved:
            flags.append("unknown_coordinating: " + ", ".join(coordinating.unresolved))
        deadline = parse_deadline(record["due_raw"])
        if deadline.due_kind == "unparsed":
            flags.append(f"unparsed_deadline: {deadline.raw}")
        parsed = deadline.as_record()
        record.update(
            lead_agency=join_ids(lead.ids),
            coordinating=join_ids(coordinating.ids),
            due_kind=parsed["due_kind"],
            due_start=parsed["due_start"] or "",
            due_end=parsed["due_end"] or "",
            due_precision=parsed["precision"],
            due_note=parsed["note"],
            flags=" | ".join(flags),
        )
        records.append(record)
    return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def write_register(tasks: pd.DataFrame, path: Path | str) -> None:
    """Write the register as UTF-8 CSV (no BOM) with the columns of ``COLUMNS``, formula-looking cells neutralised.

    :func:`load_register` removes the neutralising quote again (:mod:`geo.csvio`), so a round trip is exact.
    """
    Path(path).write_bytes(frame_to_csv(tasks.loc[:, list(COLUMNS)], bom=False))


def load_register(path: Path | str = settings.TASKS_CSV) -> pd.DataFrame:
    """Load the task register.

    Parameters
    ----------
    path : pathlib.Path or str
        ``tasks.csv`` written by :func:`write_register`.

    Returns
    -------
    pandas.DataFrame
        Indexed by task ``id``; every column is text except ``due_start`` and
        ``due_end`` (``datetime.date`` or ``None``).

    Raises
    ------
    DataFileError
        If the file is missing, lacks a column or repeats an id.
    """
    tasks = read_data_table(path, columns=COLUMNS, what="task register", unique="id", builder="tools/build_register.py")
    for column in ("due_start", "due_end"):
        tasks[column] = [date.fromisoformat(value) if value else None for value in tasks[column]]
    return tasks.set_index("id", drop=False)


def load_documents(path: Path | str = settings.DOCUMENTS_CSV) -> pd.DataFrame:
    """Load ``documents.csv`` (one row per source document), indexed by ``doc_id``.

    Raises
    ------
    DataFileError
        If the file is missing or unreadable, lacks ``doc_id`` or repeats one.
    """
    documents = read_data_table(path, columns=("doc_id",), what="document table", unique="doc_id")
    return documents.set_index("doc_id", drop=False)


def filter_tasks(
    tasks: pd.DataFrame,
    *,
    agencies: Sequence[str] = (),
    role: str = "any",
    include_predecessors: bool = True,
    agency_index: AgencyIndex | None = None,
    docs: Sequence[str] = (),
    due_from: date | None = None,
    due_to: date | None = None,
    past_due_as_of: date | None = None,
    kinds: Sequence[str] | None = None,
    query: str = "",
) -> pd.DataFrame:
    """Select the tasks that match every given criterion.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The register, as returned by :func:`load_register`.
    agencies : sequence of str
        Canonical agency ids; a task matches when one of them leads or
        coordinates it (see `role`). Empty: no agency filter.
    role : {"any", "lead", "coordinating"}
        Which agency column `agencies` is matched against.
    include_predecessors : bool
        Also match the agencies merged into the chosen ones in 2025 (e.g. Sở
        Giao thông vận tải for Sở Xây dựng). Needs `agency_index`.
    agency_index : AgencyIndex or None
        The agency table; required when `agencies` is not empty.
    docs : sequence of str
        Document ids; empty: all documents.
    due_from, due_to : datetime.date or None
        Keep dated tasks whose ``due_end`` lies in this closed window. Tasks
        with no date (recurring, none, done, unparsed) are kept only when their
        kind is listed in `kinds`.
    past_due_as_of : datetime.date or None
        Keep only tasks whose deadline passed before this day (``due_end < as_of``).
    kinds : sequence of str or None
        Deadline kinds to keep; ``None`` keeps all.
    query : str
        Words searched in the task text, product, agencies and note, ignoring
        accents and case ("cau tu lien" finds "Cầu Tứ Liên").

    Returns
    -------
    pandas.DataFrame
        The matching rows, with the input's index and columns.

    Raises
    ------
    InvalidArgumentError
        If `role` is unknown, the window is reversed, or `agencies` is given
        without `agency_index`.
    UnknownValueError
        If an agency id or a kind is unknown.
    """
    if role not in ROLES:
        msg = f"role must be one of {ROLES}, got {role!r}."
        raise InvalidArgumentError(msg)
    if due_from and due_to and due_from > due_to:
        msg = f"Deadline window is reversed: from {due_from} is after to {due_to}."
        raise InvalidArgumentError(msg)
    if kinds is not None:
        unknown = sorted(set(kinds) - set(settings.DUE_KINDS))
        if unknown:
            msg = f"Unknown deadline kind(s) {unknown}; expected some of {settings.DUE_KINDS}."
            raise UnknownValueError(msg)
    keep = pd.Series(True, index=tasks.index)
    if agencies:
        if agency_index is None:
            msg = "agency_index is required to filter by agency."
            raise InvalidArgumentError(msg)
        keep &= agency_index.matches([tasks[column] for column in ROLE_COLUMNS[role]], agencies,
                                     include_predecessors=include_predecessors)  # fmt: skip
    if docs:
        unknown_docs = sorted(set(docs) - set(tasks["doc_id"]))
        if unknown_docs:
            msg = f"Unknown document id(s) {unknown_docs}; known: {sorted(set(tasks['doc_id']))}."
            raise UnknownValueError(msg)
        keep &= tasks["doc_id"].isin(docs)
    if kinds is not None:
        keep &= tasks["due_kind"].isin(kinds)
    if due_from or due_to:
        ends = tasks["due_end"]
        in_window = ends.map(
            lambda end: end is not None and (due_from is None or end >= due_from) and (due_to is None or end <= due_to)
        )
        undated_ok = ends.isna() & (tasks["due_kind"].isin(kinds) if kinds is not None else False)
        keep &= in_window | undated_ok
    if past_due_as_of is not None:
        keep &= past_due_mask(tasks["due_end"], past_due_as_of)
    if query and query.strip():
        haystack = (
            tasks["task"]
            + " "
            + tasks["product"]
            + " "
            + tasks["lead_agency_raw"]
            + " "
            + tasks["coordinating_raw"]
            + " "
            + tasks["note"]
            + " "
            + tasks["tt"]
        )
        keep &= haystack.map(lambda text: matches_query(text, query))
    return tasks.loc[keep]


def past_due(tasks: pd.DataFrame, as_of: date) -> pd.Series:
    """Return a boolean Series: True where the task's deadline passed as of `as_of` (:func:`geo.deadlines.is_past_due`)."""
    return past_due_mask(tasks["due_end"], as_of)
