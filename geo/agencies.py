"""Canonical agencies: resolve names as written in the documents to ids, and follow successions.

The 2025 reorganisation merged several departments (docs/DESIGN.md, "Agencies"); each
predecessor row in ``data/agencies.csv`` names its successor(s). Filtering by an
agency can then include the tasks of its predecessors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo import settings
from geo.csvio import read_data_table
from geo.errors import DataFileError, UnknownValueError
from geo.text import fold, nfc, split_ids

AGENCY_COLUMNS = ("id", "name_vi", "name_en", "kind", "aliases", "successor", "note", "source")
_ALIAS_SEPARATOR = "|"
# Words and marks that may stand between agency names in a cell without naming one.
_FILLER = re.compile(
    r"\b(?:cac|so|va|voi|lien quan|co quan|don vi|de nghi|phoi hop|chu tri|tham muu|cung|theo|chuc nang|nhiem vu)\b"
)
_SEPARATORS = re.compile(r"[\s,;.:/+&()\-–]+")


@dataclass(frozen=True)
class Resolution:
    """The agencies found in one cell.

    Attributes
    ----------
    ids : tuple of str
        Canonical ids in the order they appear, without repeats.
    unresolved : tuple of str
        Fragments of the cell that name no known agency.
    """

    ids: tuple[str, ...]
    unresolved: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Return True when every part of the cell resolved."""
        return not self.unresolved


@dataclass(frozen=True)
class AgencyIndex:
    """Lookup of agencies by alias, with the succession graph.

    Build it with :func:`load_agencies`.
    """

    table: pd.DataFrame
    _alias_to_id: dict[str, str] = field(repr=False)
    _pattern: re.Pattern[str] = field(repr=False)

    def resolve(self, cell: str | None) -> Resolution:
        """Resolve a lead or coordinating cell to canonical agency ids.

        Parameters
        ----------
        cell : str or None
            The cell as written, e.g. "Sở Khoa học và Công nghệ; UBND xã, phường".

        Returns
        -------
        Resolution
            Ids found (longest alias wins) and the fragments left unresolved.
        """
        folded = fold(cell)
        if not folded:
            return Resolution(ids=())
        ids: list[str] = []
        for match in self._pattern.finditer(folded):
            agency_id = self._alias_to_id[match.group(1)]
            if agency_id not in ids:
                ids.append(agency_id)
        leftover = self._pattern.sub(" | ", folded)
        fragments = []
        for part in leftover.split("|"):
            rest = _SEPARATORS.sub(" ", _FILLER.sub(" ", part)).strip()
            if rest:
                fragments.append(rest)
        return Resolution(ids=tuple(ids), unresolved=tuple(fragments))

    def require(self, agency_id: str) -> str:
        """Return `agency_id` if known, else raise UnknownValueError naming close ids."""
        if agency_id in self.table.index:
            return agency_id
        resolved = self.resolve(agency_id)
        if resolved.ok and len(resolved.ids) == 1:
            return resolved.ids[0]
        known = ", ".join(sorted(self.table.index)[:12])
        msg = f"Unknown agency {agency_id!r}: give an id from data/agencies.csv (e.g. {known}, ...) or a name it lists."
        raise UnknownValueError(msg)

    def successors(self, agency_id: str) -> tuple[str, ...]:
        """Return the direct successors of `agency_id` (empty for a current agency)."""
        raw = self.table.at[agency_id, "successor"] if agency_id in self.table.index else ""
        return tuple(split_ids(raw))

    def predecessors(self, agency_id: str) -> frozenset[str]:
        """Return every agency that was merged, directly or not, into `agency_id`."""
        found: set[str] = set()
        frontier = {agency_id}
        while frontier:
            step = {other for other in self.table.index if other not in found and set(self.successors(other)) & frontier}
            found |= step
            frontier = step
        found.discard(agency_id)
        return frozenset(found)

    def with_predecessors(self, agency_ids: tuple[str, ...] | list[str]) -> frozenset[str]:
        """Return `agency_ids` together with all their predecessors."""
        out = set(agency_ids)
        for agency_id in agency_ids:
            out |= self.predecessors(agency_id)
        return frozenset(out)

    def matches(self, cells: pd.Series | list[pd.Series], agencies, *, include_predecessors: bool = True) -> pd.Series:
        """Return True where a ``;``-separated agency cell names one of `agencies` (or, by default, an agency merged into one).

        This is the one place an agency choice is matched against records (tasks, indicators,
        reminders): `cells` is one column or several (e.g. lead and coordinating), all with one index.

        Raises
        ------
        UnknownValueError
            If an agency of `agencies` is unknown.
        """
        columns = cells if isinstance(cells, list) else [cells]
        wanted = {self.require(agency) for agency in agencies}
        if include_predecessors:
            wanted = set(self.with_predecessors(sorted(wanted)))
        hit = pd.Series(False, index=columns[0].index)
        for column in columns:
            hit |= column.map(lambda value: bool(wanted & set(split_ids(value)))).astype(bool)
        return hit

    def label(self, agency_id: str, *, lang: str = "vi") -> str:
        """Return the agency's name in `lang` ("vi" or "en"), or the id if unknown."""
        if agency_id not in self.table.index:
            return agency_id
        column = "name_en" if lang == "en" else "name_vi"
        return str(self.table.at[agency_id, column]) or agency_id

    def labels(self, agency_ids: object, *, lang: str = "vi", empty: str = "") -> str:
        """Return the names of a list of ids (or a ``;``-separated cell) in `lang`, joined by "; "."""
        return "; ".join(self.label(agency_id, lang=lang) for agency_id in split_ids(agency_ids)) or empty


def load_agencies(path: Path | str = settings.AGENCIES_CSV) -> AgencyIndex:
    """Load ``agencies.csv`` into an :class:`AgencyIndex`.

    Parameters
    ----------
    path : pathlib.Path or str
        CSV with the columns of ``AGENCY_COLUMNS``.

    Returns
    -------
    AgencyIndex

    Raises
    ------
    DataFileError
        If the file is missing, lacks a column, repeats an id or an alias, or
        names an unknown successor.
    """
    path = Path(path)
    table = read_data_table(path, columns=AGENCY_COLUMNS, what="agency table", unique="id")
    table = table.set_index("id", drop=False)
    alias_to_id: dict[str, str] = {}
    for agency_id, row in table.iterrows():
        names = [row["name_vi"], *str(row["aliases"]).split(_ALIAS_SEPARATOR)]
        for name in names:
            key = fold(nfc(name))
            if not key:
                continue
            if alias_to_id.get(key, agency_id) != agency_id:
                msg = f"{path}: alias {name!r} names both {alias_to_id[key]!r} and {agency_id!r}."
                raise DataFileError(msg)
            alias_to_id[key] = agency_id
        for successor in split_ids(row["successor"]):
            if successor not in table.index:
                msg = f"{path}: agency {agency_id!r} has unknown successor {successor!r}."
                raise DataFileError(msg)
    ordered = sorted(alias_to_id, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w&])(" + "|".join(re.escape(alias) for alias in ordered) + r")(?![\w&])")
    return AgencyIndex(table=table, _alias_to_id=alias_to_id, _pattern=pattern)
