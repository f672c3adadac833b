"""The one view: the planner's choice -> matching tasks -> visible features -> counts.

Every consumer (the map, register and TOD pages, the snapshot export, the
standalone HTML map and the command line) loads the data once with
:func:`load_data` and calls :func:`build_view` with it, as OSMnx functions take
the graph first. The filter itself and its wording live in :mod:`geo.filters`.

Examples
--------
>>> from geo.filters import TaskFilter
>>> data = load_data()
>>> view = build_view(data, TaskFilter(agencies=("so-xay-dung",)))
>>> view.counts()["tasks"] > 0
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.agencies import AgencyIndex, load_agencies
from geo.deadlines import is_past_due, past_due_mask
from geo.errors import UnknownValueError
from geo.features import load_features
from geo.filters import UNDATED_KINDS, TaskFilter, apply_filter, filter_summary
from geo.i18n import t
from geo.layer_specs import Registry, load_registry
from geo.links import attach_links, features_by_task, load_links
from geo.overlay import EDIT_COLUMNS, apply_versions
from geo.places import in_place, place_area
from geo.progress.categories import CATEGORIES, categories
from geo.register import load_documents, load_register
from geo.text import matches_query, split_ids
from geo.timeline import status_on


@dataclass(frozen=True)
class PlanningData:
    """The data of record, loaded once and passed to every view.

    Attributes
    ----------
    tasks : pandas.DataFrame
        The register, indexed by task id (:func:`geo.register.load_register`).
    agencies : AgencyIndex
        The agency table with its 2025 successions.
    documents : pandas.DataFrame
        The source documents, indexed by ``doc_id``.
    features : geopandas.GeoDataFrame
        The project features (EPSG:4326) with ``task_ids`` from the links.
    links : pandas.DataFrame
        ``feature_id``, ``task_id``, ``basis`` (:mod:`geo.links`).
    registry : Registry
        The layer registry.
    reports : pandas.DataFrame
        The progress reports of the store (every report kept; empty without a store).
    edits : pandas.DataFrame
        The features changed in the store as the map shows them (their current approved
        version: :data:`geo.overlay.EDIT_COLUMNS`); empty without a store.
    base_features, base_links : geopandas.GeoDataFrame, pandas.DataFrame or None
        The shipped features and links (version 0 of each feature) when the store changed
        some; None when `features` and `links` are the base.
    """

    tasks: pd.DataFrame = field(repr=False)
    agencies: AgencyIndex = field(repr=False)
    documents: pd.DataFrame = field(repr=False)
    features: gpd.GeoDataFrame = field(repr=False)
    links: pd.DataFrame = field(repr=False)
    registry: Registry = field(repr=False)
    reports: pd.DataFrame = field(repr=False, default_factory=lambda: pd.DataFrame(columns=list(REPORT_COLUMNS)))
    edits: pd.DataFrame = field(repr=False, default_factory=lambda: pd.DataFrame(columns=list(EDIT_COLUMNS)))
    base_features: gpd.GeoDataFrame | None = field(repr=False, default=None)
    base_links: pd.DataFrame | None = field(repr=False, default=None)

    @functools.cached_property
    def context(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the context layers (boundary, wards, Red River), read on first use."""
        from geo.context import load_context

        return load_context()


def load_data(data_dir: Path | str = settings.DATA_DIR, *, store=None) -> PlanningData:
    """Load the data of record from `data_dir` (default: the shipped ``data/``) and what planners wrote in `store`.

    The base stays as shipped; the tasks of the plans imported into the store (and
    not withdrawn) are appended to the register, with ``imported_by`` and
    ``imported_at``, and their documents to the document table.

    Parameters
    ----------
    data_dir : pathlib.Path or str
        The folder of the data of record.
    store : geo.store.Store or None
        The planning store; None: the base alone.

    Raises
    ------
    DataFileError
        If a file is missing or malformed.
    """
    folder = Path(data_dir)
    links = load_links(folder / settings.LINKS_CSV.name)
    data = PlanningData(
        tasks=load_register(folder / settings.TASKS_CSV.name),
        agencies=load_agencies(folder / settings.AGENCIES_CSV.name),
        documents=load_documents(folder / settings.DOCUMENTS_CSV.name),
        features=attach_links(load_features(folder / settings.PROJECTS_GEOJSON.name), links),
        links=links,
        registry=load_registry(folder / settings.LAYERS_JSON.name),
    )
    return data if store is None else with_store(data, store)


def with_store(data: PlanningData, store) -> PlanningData:
    """Return the data of record `data` (loaded without a store) with what planners wrote in `store`.

    The files are not read again: after a write, only the store is queried. The context layers,
    when `data` has read them, are shared. The features and links are the base with the
    current approved version of every feature changed in the store laid over it
    (:func:`geo.overlay.apply_versions`); pending and rejected versions are not shown.
    """
    from geo.store import reports_frame
    from geo.store.feature_versions import current_versions

    tasks, documents = _with_store(data.tasks, data.documents, store)
    base_features = data.base_features if data.base_features is not None else data.features
    base_links = data.base_links if data.base_links is not None else data.links
    features, links, edits = apply_versions(base_features, base_links, current_versions(store))
    changed = {"features": attach_links(features, links), "links": links, "edits": edits,
               "base_features": base_features, "base_links": base_links} if not edits.empty else {}  # fmt: skip
    out = replace(data, tasks=tasks, documents=documents, reports=reports_frame(store), **changed)
    if "context" in data.__dict__:  # functools.cached_property: read once per process, not once per write
        out.__dict__["context"] = data.__dict__["context"]
    return out


def _with_store(tasks: pd.DataFrame, documents: pd.DataFrame, store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the register and documents with the store's active imported plans appended."""
    from geo.store import active_imported_tasks, list_plans

    imported = active_imported_tasks(store)
    plans = list(list_plans(store, include_withdrawn=False))
    if imported.empty and not plans:
        return tasks.assign(imported_by="", imported_at=None), documents
    rows = [
        {"doc_id": plan.doc_id, "title_vi": plan.title or plan.doc_id, "title_en": plan.title or plan.doc_id,
         "imported_by": plan.imported_by, "imported_at": plan.imported_at}
        for plan in plans
    ]  # fmt: skip
    extra = pd.DataFrame(rows).set_index("doc_id", drop=False)
    documents = pd.concat([documents, extra])
    merged = pd.concat([tasks.assign(imported_by="", imported_at=None), imported])
    return merged[~merged.index.duplicated(keep="first")], documents


@dataclass(frozen=True)
class View:
    """What a planner sees for one choice.

    Attributes
    ----------
    data : PlanningData
        The data the view was built from.
    choice : TaskFilter
        The planner's choice.
    tasks : pandas.DataFrame
        The matching tasks (register columns) plus ``past_due`` (as of the
        choice's date), ``feature_ids`` (the visible features linked to the
        task) and ``on_map``.
    features : geopandas.GeoDataFrame
        The visible features (EPSG:4326), index and columns of ``data.features``.
    """

    data: PlanningData = field(repr=False)
    choice: TaskFilter
    tasks: pd.DataFrame = field(repr=False)
    features: gpd.GeoDataFrame = field(repr=False)

    @property
    def as_of(self) -> date:
        """Return the day against which deadlines are judged."""
        return self.choice.as_of_or_today()

    def counts(self) -> dict[str, object]:
        """Return the counts of the view: tasks, tasks on the map, past due, features per layer (all project layers)."""
        per_layer = {layer: int((self.features["layer"] == layer).sum()) for layer in self.data.registry.ids("project")}
        return {
            "tasks": len(self.tasks),
            "tasks_total": len(self.data.tasks),
            "tasks_on_map": int(self.tasks["on_map"].sum()),
            "tasks_past_due": int(self.tasks["past_due"].sum()),
            "features": len(self.features),
            "features_per_layer": per_layer,
        }

    def summary(self, lang: str = "vi") -> list[str]:
        """Return the filter in words (:func:`geo.filters.filter_summary`), agencies and layers by name."""
        return filter_summary(self.choice, lang=lang, agencies=self.data.agencies, registry=self.data.registry)

    def layers(self) -> tuple[str, ...]:
        """Return the project layers that have a visible feature, in registry order."""
        shown = set(self.features["layer"])
        return tuple(layer for layer in self.data.registry.ids("project") if layer in shown)

    def breakdowns(self, lang: str = "vi") -> dict[str, pd.Series]:
        """Return the view's counts, labelled in `lang`, by the catalogue key of their title.

        Tasks by lead agency (the 10 most frequent; a task led by two agencies counts for each),
        by document and past due or not; features by layer and by status as of the view's day.
        """
        agencies, registry = self.data.agencies, self.data.registry
        leads = self.tasks["lead_agency"].map(split_ids).explode().dropna()
        return {
            "chart.by_agency": leads.map(lambda agency: agencies.label(agency, lang=lang)).value_counts().head(10),
            "chart.by_doc": self.tasks["doc_id"].value_counts(),
            "chart.by_layer": self.features["layer"].map(lambda layer: registry.label(layer, lang)).value_counts(),
            "chart.by_status": self.features["status_as_of"].map(lambda status: t(f"status.{status}", lang)).value_counts(),
            "chart.past_due": self.tasks["past_due"].map(lambda passed: t("chart.yes" if passed else "chart.no", lang)).value_counts(),
        }


def build_view(data: PlanningData, choice: TaskFilter) -> View:
    """Return the view of `choice`: matching tasks, visible features and their links.

    A feature is visible when one of its linked tasks matches; when the choice
    restricts no task (:func:`filter_is_active` is False), features that link no
    task are visible too (e.g. an existing bridge); a search phrase also finds
    features by name when it is the only task restriction. Each feature's status
    is the one it had on the choice's as-of date (:func:`geo.timeline.status_on`:
    ``status_as_of`` and ``status_basis``); the layer and status choices apply to
    every feature, the status one to ``status_as_of``. A place filter (wards,
    radius, drawn polygon) keeps the features inside it and the tasks that have
    one of them.

    Parameters
    ----------
    data : PlanningData
        From :func:`load_data`.
    choice : TaskFilter
        The planner's choice.

    Returns
    -------
    View

    Raises
    ------
    UnknownValueError, InvalidArgumentError
        If the choice names an unknown layer, status or ward, or a malformed place
        (and as :func:`geo.filters.apply_filter`).
    """
    known_layers = data.registry.ids("project")
    unknown = sorted(set(choice.layers) - set(known_layers))
    if unknown:
        msg = f"Unknown layer(s) {unknown}; known project layers: {', '.join(known_layers)}."
        raise UnknownValueError(msg)
    unknown = sorted(set(choice.statuses) - set(settings.STATUSES))
    if unknown:
        msg = f"Unknown status(es) {unknown}; expected some of {', '.join(settings.STATUSES)}."
        raise UnknownValueError(msg)
    unknown = sorted(set(choice.categories) - set(CATEGORIES))
    if unknown:
        msg = f"Unknown progress categor(y/ies) {unknown}; expected some of {', '.join(CATEGORIES)}."
        raise UnknownValueError(msg)
    as_of = choice.as_of_or_today()
    matched = apply_filter(data.tasks, choice, data.agencies)
    matched = matched.join(categories(matched, data.reports, as_of))
    if choice.categories:
        matched = matched[matched["progress_category"].isin(choice.categories)]
    features = data.features.join(status_on(data.features, as_of))
    visible = visible_features(features, matched.index, choice)
    visible = visible[visible["layer"].isin(known_layers)]
    if choice.has_place():
        area = place_area(wards=choice.wards, near=choice.near, within=choice.within, units=data.context["wards"])
        visible = in_place(visible, area)
        in_area = set(features_by_task(data.links, visible.index))
        matched = matched[matched.index.isin(in_area)]
    links = features_by_task(data.links, visible.index)
    feature_ids = [links.get(task_id, ()) for task_id in matched.index]
    tasks = matched.assign(feature_ids=feature_ids, on_map=[bool(ids) for ids in feature_ids])
    return View(data=data, choice=choice, tasks=tasks, features=visible)


REPORT_COLUMNS = ("task_id", "id", "reported_on", "status", "completed_on", "percent", "milestone", "results", "difficulties",
                  "proposals", "evidence_ref", "evidence_link", "evidence_name", "period", "reporter", "created_at")  # fmt: skip


def feature_categories(view: View) -> pd.Series:
    """Return, per visible feature, the progress category that matters most among its matched tasks.

    Order of precedence: overdue, completed late, in progress, no report, completed on time
    (a feature with one overdue task shows overdue); "" for a feature with no matched task.
    """
    rank = {code: position for position, code in enumerate(("overdue", "completed_late", "in_progress", "no_report", "completed_on_time"))}
    per_task = view.tasks["progress_category"] if "progress_category" in view.tasks else pd.Series(dtype=object)
    out = {}
    for feature_id, task_ids in view.features["task_ids"].items():
        codes = [per_task[task_id] for task_id in task_ids if task_id in per_task.index]
        out[feature_id] = min(codes, key=rank.__getitem__) if codes else ""
    return pd.Series(out, dtype=object).reindex(view.features.index).fillna("")


def filter_is_active(choice: TaskFilter) -> bool:
    """Return True when the choice restricts tasks (agency, document, window, past due, search or undated kinds)."""
    return bool(_task_restrictions(choice) or choice.query)


def visible_features(features: gpd.GeoDataFrame, matched_task_ids: Iterable[str], choice: TaskFilter) -> gpd.GeoDataFrame:
    """Return the features to draw for `choice` given the ids of the matching tasks (see :func:`build_view`)."""
    matched = set(matched_task_ids)
    keep = features["task_ids"].map(lambda ids: bool(matched & set(ids)))
    if not filter_is_active(choice):
        keep |= features["task_ids"].map(len) == 0
    elif choice.query and not _task_restrictions(choice):
        keep |= features_named(features, choice.query)
    if choice.layers:
        keep &= features["layer"].isin(choice.layers)
    if choice.statuses:
        status = features["status_as_of"] if "status_as_of" in features else features["status"]
        keep &= status.isin(choice.statuses)
    return features.loc[keep.astype(bool)]


def features_named(features: gpd.GeoDataFrame, query: str) -> pd.Series:
    """Return a boolean Series: True where the feature's Vietnamese or English name matches `query` (accents optional)."""
    names = features["name"].fillna("").astype(str) + " " + features["name_en"].fillna("").astype(str)
    return names.map(lambda text: matches_query(text, query)).astype(bool)


def _task_restrictions(choice: TaskFilter) -> bool:
    return bool(
        choice.agencies
        or choice.docs
        or choice.due_from
        or choice.due_to
        or choice.only_past_due
        or set(choice.undated) != set(UNDATED_KINDS)
        or choice.categories
    )


def linked_tasks(data: PlanningData, feature_id: str, *, as_of: date) -> pd.DataFrame:
    """Return the register records linked to one feature, with ``past_due`` as of `as_of` and the link's ``basis``."""
    rows = data.links[data.links["feature_id"] == feature_id]
    rows = rows[rows["task_id"].isin(data.tasks.index)]
    records = data.tasks.loc[list(rows["task_id"])]
    return records.assign(past_due=past_due_mask(records["due_end"], as_of), basis=list(rows["basis"]))


def task_features(view: View, task_id: str) -> gpd.GeoDataFrame:
    """Return the visible features of `view` linked to `task_id` (empty when the task is not on the map)."""
    ids = view.tasks.at[task_id, "feature_ids"] if task_id in view.tasks.index else ()
    return view.features.loc[view.features.index.isin(ids)]


def feature_deadlines(data: PlanningData, feature_ids: Iterable[str], *, as_of: date) -> pd.DataFrame:
    """Return per feature the deadlines of all its linked tasks.

    Columns ``due_end_min``, ``due_end_max`` (``datetime.date`` or None),
    ``due_kinds`` (sorted kinds) and ``past_due_count`` (linked tasks whose
    deadline passed as of `as_of`), indexed by feature id.
    """
    rows = []
    for feature_id in feature_ids:
        linked = [task_id for task_id in data.features.at[feature_id, "task_ids"] if task_id in data.tasks.index]
        ends = [end for end in data.tasks.loc[linked, "due_end"] if end is not None]
        rows.append({
            "feature_id": feature_id,
            "due_end_min": min(ends) if ends else None,
            "due_end_max": max(ends) if ends else None,
            "due_kinds": tuple(sorted(set(data.tasks.loc[linked, "due_kind"]))),
            "past_due_count": sum(is_past_due(end, as_of) for end in ends),
        })  # fmt: skip
    columns = ["feature_id", "due_end_min", "due_end_max", "due_kinds", "past_due_count"]
    return pd.DataFrame(rows, columns=columns).set_index("feature_id")
