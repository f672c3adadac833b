"""The planner's filter choices as one value, with its URL form and its wording.

The same :class:`TaskFilter` drives the app's sidebar, the shared URL and the
command line, so a link or a script reproduces what a planner saw;
:func:`filter_summary` says it in words (the snapshot's manifest, PNG, KML and
HTML title use it). :mod:`geo.view` turns it into tasks, features and counts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date

import pandas as pd

from geo import settings
from geo.agencies import AgencyIndex
from geo.errors import InvalidArgumentError, PlanningMapError
from geo.i18n import day_text, number, t
from geo.layer_specs import Registry
from geo.places import parse_near, parse_within
from geo.progress.categories import CATEGORIES
from geo.register import ROLES, filter_tasks, past_due
from geo.urlstate import param_text

__all__ = ["ROLES", "UNDATED_KINDS", "TaskFilter", "apply_filter", "filter_summary"]

UNDATED_KINDS = ("recurring", "none", "done", "unparsed")


@dataclass(frozen=True)
class TaskFilter:
    """What the planner chose; empty values mean "no filter".

    Attributes
    ----------
    agencies : tuple of str
        Agency ids.
    role : str
        "any", "lead" or "coordinating".
    include_predecessors : bool
        Include agencies merged into the chosen ones in 2025.
    docs : tuple of str
        Document ids.
    due_from, due_to : datetime.date or None
        Deadline window on ``due_end``.
    as_of : datetime.date or None
        Day against which "deadline passed" is judged (default: today).
    only_past_due : bool
        Keep only tasks whose deadline passed before `as_of`.
    undated : tuple of str
        Undated kinds (recurring, none, done, unparsed) kept beside dated tasks.
    query : str
        Accent-insensitive phrase.
    layers, statuses : tuple of str
        Map layers and feature statuses shown (empty: all); a status is judged on `as_of`.
    wards : tuple of str
        2025 wards/communes (names): only features intersecting them.
    near : str
        ``"lat,lon,radius_m"``: only features within that distance of the point.
    within : str
        ``"lon lat;lon lat;..."``: only features intersecting that polygon (drawn on the map).
    categories : tuple of str
        Progress categories as of `as_of` (:mod:`geo.progress.categories`); empty: all.
    """

    agencies: tuple[str, ...] = ()
    role: str = "any"
    include_predecessors: bool = True
    docs: tuple[str, ...] = ()
    due_from: date | None = None
    due_to: date | None = None
    as_of: date | None = None
    only_past_due: bool = False
    undated: tuple[str, ...] = UNDATED_KINDS
    query: str = ""
    layers: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    wards: tuple[str, ...] = ()
    near: str = ""
    within: str = ""
    categories: tuple[str, ...] = ()

    def has_place(self) -> bool:
        """Return True when a place filter (wards, radius or polygon) is set."""
        return bool(self.wards or self.near or self.within)

    def as_of_or_today(self) -> date:
        """Return `as_of`, or today's date when it is not set."""
        return self.as_of or date.today()

    def to_query_params(self) -> dict[str, str]:
        """Return the non-default choices as URL query parameters (text, :func:`geo.urlstate.param_text`)."""
        default = TaskFilter()
        return {
            item.name: param_text(getattr(self, item.name))
            for item in fields(self)
            if getattr(self, item.name) != getattr(default, item.name)
        }

    def known_only(
        self, *, docs: Collection[str], agencies: Collection[str], wards: Collection[str], layers: Collection[str]
    ) -> TaskFilter:
        """Return this choice without what the data does not know (a shared link from another release, or a damaged one).

        Documents, agencies, wards and layers are kept when listed in the arguments; statuses, progress
        categories and undated kinds when the project defines them; a radius or polygon when it parses.
        """
        def parses(text: str, parse) -> str:
            try:
                parse(text)
            except PlanningMapError:
                return ""
            return text

        return replace(
            self,
            docs=tuple(doc for doc in self.docs if doc in docs),
            agencies=tuple(agency for agency in self.agencies if agency in agencies),
            wards=tuple(ward for ward in self.wards if ward in wards),
            layers=tuple(layer for layer in self.layers if layer in layers),
            statuses=tuple(status for status in self.statuses if status in settings.STATUSES),
            categories=tuple(code for code in self.categories if code in CATEGORIES),
            undated=tuple(kind for kind in self.undated if kind in UNDATED_KINDS),
            near=parses(self.near, parse_near) if self.near else "",
            within=parses(self.within, parse_within) if self.within else "",
        )

    @classmethod
    def from_query_params(cls, params: Mapping[str, str]) -> TaskFilter:
        """Build a filter from URL query parameters, ignoring what it cannot read.

        Unknown keys and malformed values fall back to the defaults, so a
        damaged link still opens the app.
        """
        values: dict[str, object] = {}
        for item in fields(cls):
            if item.name not in params:
                continue
            raw = str(params[item.name])
            default = getattr(cls(), item.name)
            try:
                if isinstance(default, tuple):
                    values[item.name] = tuple(part for part in raw.split(",") if part)
                elif isinstance(default, bool):
                    values[item.name] = raw in ("1", "true", "True")
                elif item.name in ("due_from", "due_to", "as_of"):
                    values[item.name] = date.fromisoformat(raw)
                else:
                    values[item.name] = raw
            except ValueError:
                continue
        if values.get("role") not in (None, *ROLES):
            values.pop("role")
        return replace(cls(), **values)


def apply_filter(tasks: pd.DataFrame, choice: TaskFilter, agencies: AgencyIndex) -> pd.DataFrame:
    """Return the tasks matching `choice`, with a ``past_due`` column as of its date.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The register.
    choice : TaskFilter
        The planner's choices.
    agencies : AgencyIndex
        The agency table.

    Returns
    -------
    pandas.DataFrame
        Matching rows (input index kept) plus a boolean ``past_due`` column.

    Raises
    ------
    InvalidArgumentError, UnknownValueError
        As :func:`geo.register.filter_tasks`.
    """
    unknown = sorted(set(choice.undated) - set(UNDATED_KINDS))
    if unknown:
        msg = f"Unknown undated kind(s) {unknown}; expected some of {UNDATED_KINDS}."
        raise InvalidArgumentError(msg)
    kinds = ("by_date", "period", *choice.undated)
    as_of = choice.as_of_or_today()
    selected = filter_tasks(
        tasks,
        agencies=choice.agencies,
        role=choice.role,
        include_predecessors=choice.include_predecessors,
        agency_index=agencies,
        docs=choice.docs,
        due_from=choice.due_from,
        due_to=choice.due_to,
        past_due_as_of=as_of if choice.only_past_due else None,
        kinds=[kind for kind in kinds if kind in settings.DUE_KINDS],
        query=choice.query,
    )
    return selected.assign(past_due=past_due(selected, as_of))


def filter_summary(
    choice: TaskFilter, *, lang: str = "vi", agencies: AgencyIndex | None = None, registry: Registry | None = None
) -> list[str]:
    """Return the filter in words, one line per restriction (``[t("filters.all")]`` when none).

    Agency and layer ids are shown by name when `agencies` / `registry` are given.
    """
    lines = []
    if choice.agencies:
        names = ", ".join(agencies.label(agency, lang=lang) if agencies else agency for agency in choice.agencies)
        role = t(f"filters.role.{choice.role}", lang)
        extra = f"; {t('filters.predecessors', lang)}" if choice.include_predecessors else ""
        lines.append(f"{t('filters.agencies', lang)}: {names} ({role}{extra})")
    if choice.docs:
        lines.append(f"{t('filters.docs', lang)}: {', '.join(choice.docs)}")
    if choice.due_from or choice.due_to:
        start = day_text(choice.due_from, lang) if choice.due_from else "…"
        end = day_text(choice.due_to, lang) if choice.due_to else "…"
        lines.append(f"{t('filters.due_window', lang)}: {start} – {end}")
    if choice.only_past_due:
        lines.append(t("filters.only_past_due", lang))
    if set(choice.undated) != set(UNDATED_KINDS):
        kinds = ", ".join(t(f"kind.{kind}", lang) for kind in choice.undated) or "—"
        lines.append(f"{t('filters.undated', lang)}: {kinds}")
    if choice.query:
        lines.append(f"{t('filters.query', lang)}: “{choice.query}”")
    if choice.layers:
        names = ", ".join(registry.label(layer, lang) if registry else layer for layer in choice.layers)
        lines.append(f"{t('filters.layers', lang)}: {names}")
    if choice.statuses:
        names = ", ".join(t(f"status.{status}", lang) for status in choice.statuses)
        lines.append(f"{t('filters.statuses', lang)}: {names}")
    if choice.categories:
        names = ", ".join(t(f"category.{code}", lang) for code in choice.categories)
        lines.append(f"{t('filters.categories', lang)}: {names}")
    if choice.wards:
        lines.append(f"{t('filters.wards', lang)}: {', '.join(choice.wards)}")
    if choice.near:
        lat, lon, radius = (float(part) for part in choice.near.split(","))
        lines.append(t("filters.near_text", lang, radius=number(radius, lang), lat=f"{lat:.5f}", lon=f"{lon:.5f}"))
    if choice.within:
        lines.append(t("filters.within_text", lang, n=len([p for p in choice.within.split(";") if p.strip()])))
    return lines or [t("filters.all", lang)]
