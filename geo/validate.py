"""Check the data of record and report counts and problems, each with its record id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from geo.agencies import AgencyIndex
from geo.errors import DataFileError
from geo.features import dated_features, feature_problems, undocumented_facts
from geo.indicators import INDICATORS_CSV, counts_per_appendix, load_indicators, parse_target
from geo.layer_specs import load_registry
from geo.links import link_problems
from geo.places_named import (
    NAMED_PLACES_JSON,
    PLACE_TERMS_TXT,
    STATES,
    UNPLACED_COLUMNS,
    PlaceVocabulary,
    load_place_vocabulary,
    load_unplaced,
    named_places,
)
from geo.register import COLUMNS, derive_register
from geo.text import join_ids, split_ids


@dataclass(frozen=True)
class Problem:
    """One finding of the validation.

    Attributes
    ----------
    severity : str
        ``error`` (a broken reference or invalid record: the run fails),
        ``warning`` (kept, flagged, listed) or ``info`` (a known gap, listed
        with its reason: a place a task names that could not be placed).
    record : str
        The id of the record (task, feature, agency) concerned.
    message : str
        What is wrong and, where it helps, how to fix it.
    """

    severity: str
    record: str
    message: str


@dataclass
class Report:
    """Counts and problems of a validation run."""

    counts: dict[str, pd.Series] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one-line findings printed after the counts

    @property
    def errors(self) -> list[Problem]:
        """Return the problems of severity ``error``."""
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Return the problems of severity ``warning``."""
        return [problem for problem in self.problems if problem.severity == "warning"]

    def add(self, severity: str, record: str, message: str) -> None:
        """Record a problem."""
        self.problems.append(Problem(severity, record, message))

    def to_text(self) -> str:
        """Return the report as plain text for the terminal."""
        lines: list[str] = []
        for title, series in self.counts.items():
            lines.append(f"== {title} ({int(series.sum())})")
            lines.extend(f"  {key}: {value}" for key, value in series.items())
        lines.extend(f"== {note}" for note in self.notes)
        infos = len(self.problems) - len(self.errors) - len(self.warnings)
        lines.append(f"== problems: {len(self.errors)} error(s), {len(self.warnings)} warning(s), {infos} info")
        lines.extend(f"  [{p.severity}] {p.record}: {p.message}" for p in self.problems)
        return "\n".join(lines)


def validate_register(
    tasks: pd.DataFrame,
    agencies: AgencyIndex,
    documents: pd.DataFrame,
    report: Report,
    *,
    indicators: pd.DataFrame | None = None,
) -> Report:
    """Check the task register (and the indicator register) and add their counts and problems to `report`.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The register from :func:`geo.register.load_register`.
    agencies : AgencyIndex
        The agency table.
    documents : pandas.DataFrame
        ``data/documents.csv`` (column ``doc_id``).
    report : Report
        Filled in place and returned.
    indicators : pandas.DataFrame or None
        The indicator register (:func:`geo.indicators.load_indicators`); ``None`` reads
        ``data/indicators.csv`` (a missing file is an error), so ``python -m geo validate`` checks it too.

    Returns
    -------
    Report
    """
    report.counts["tasks per document"] = tasks.groupby("doc_id").size()
    report.counts["tasks per due_kind"] = tasks.groupby("due_kind").size()
    report.counts["tasks per deadline scope"] = tasks.groupby("due_scope").size()
    leads = tasks["lead_agency"].map(split_ids).explode().dropna()
    report.counts["tasks per lead agency"] = leads.value_counts().sort_index()
    known_docs = set(documents["doc_id"])
    for task_id, row in tasks.iterrows():
        if row["doc_id"] not in known_docs:
            report.add("error", task_id, f"doc_id {row['doc_id']!r} is not in data/documents.csv")
        for column in ("lead_agency", "coordinating"):
            for agency_id in split_ids(row[column]):
                if agency_id not in agencies.table.index:
                    report.add("error", task_id, f"{column} {agency_id!r} is not in data/agencies.csv")
        if row["lead_agency_raw"] and not row["lead_agency"]:
            report.add("error", task_id, f"lead agency {row['lead_agency_raw']!r} resolves to no agency id")
        if row["due_kind"] == "unparsed":
            report.add("warning", task_id, f"deadline not parsed, raw text kept: {row['due_raw']!r}")
        if row["flags"]:
            report.add("warning", task_id, f"flagged: {row['flags']}")
    fresh = derive_register(tasks.loc[:, [c for c in COLUMNS if c in tasks.columns]].to_dict("records"), agencies)
    fresh.index = tasks.index
    for column in ("lead_agency", "coordinating", "due_kind", "flags"):
        stale = tasks.index[fresh[column] != tasks[column]]
        for task_id in stale:
            report.add(
                "error", task_id,
                f"{column} is {tasks.at[task_id, column]!r} but the data give {fresh.at[task_id, column]!r}; "
                "rebuild with tools/build_register.py",
            )  # fmt: skip
    if indicators is None:
        try:
            indicators = load_indicators()
        except DataFileError as error:
            report.add("error", INDICATORS_CSV.name, str(error))
            return report
    return validate_indicators(indicators, agencies, documents, report)


def validate_indicators(indicators: pd.DataFrame, agencies: AgencyIndex, documents: pd.DataFrame, report: Report) -> Report:
    """Check the indicator register: counts per document and appendix, numeric vs text targets, lead agencies.

    A lead agency written in the document that does not resolve (wholly) to agency ids, an unknown id, an
    unknown document or a target whose parsed form differs from the printed text's are errors.
    """
    report.counts["indicators per document and appendix"] = counts_per_appendix(indicators)
    numbered = indicators[~indicators["tt"].str.contains(".", regex=False)]
    report.counts["numbered indicators per document and appendix"] = counts_per_appendix(numbered)
    numeric = indicators["comparator"].map(lambda value: "number or range" if value else "text only")
    report.counts["indicator targets read as"] = numeric.value_counts().sort_index()
    known_docs = set(documents["doc_id"])
    for indicator_id, row in indicators.iterrows():
        if row["doc_id"] not in known_docs:
            report.add("error", indicator_id, f"doc_id {row['doc_id']!r} is not in data/documents.csv")
        resolved = agencies.resolve(row["lead_agency_raw"])
        if resolved.unresolved:
            report.add(
                "error", indicator_id,
                f"lead agency {row['lead_agency_raw']!r} does not resolve ({', '.join(resolved.unresolved)}); "
                "add the spelling to data/agencies.csv",
            )  # fmt: skip
        elif row["lead_agency_raw"] and not resolved.ids:
            report.add("error", indicator_id, f"lead agency {row['lead_agency_raw']!r} resolves to no agency id")
        for agency_id in split_ids(row["lead_agency"]):
            if agency_id not in agencies.table.index:
                report.add("error", indicator_id, f"lead_agency {agency_id!r} is not in data/agencies.csv")
        if join_ids(resolved.ids) != row["lead_agency"]:
            report.add(
                "error", indicator_id,
                f"lead_agency is {row['lead_agency']!r} but {row['lead_agency_raw']!r} gives {join_ids(resolved.ids)!r}; "
                "rebuild with tools/build_indicators.py",
            )  # fmt: skip
        if parse_target(row["target_raw"]).comparator != row["comparator"]:
            report.add("error", indicator_id, f"comparator {row['comparator']!r} does not match the target {row['target_raw']!r}")
    return report


def validate_features(
    features: gpd.GeoDataFrame,
    tasks: pd.DataFrame,
    links: pd.DataFrame,
    *,
    layer_ids: tuple[str, ...],
    boundary_4326: shapely.Geometry,
    place_terms: PlaceVocabulary,
    report: Report,
    layer_statuses: Mapping[str, tuple[str, ...]] | None = None,
    unplaced: pd.DataFrame | None = None,
) -> Report:
    """Check the project features against the register and the layer registry; add counts.

    Adds counts per layer and per geometry quality (provenance), every feature
    problem (a status its layer does not allow among them; `layer_statuses`
    defaults to ``data/layers.json``), the features whose status or dates have
    no source (warnings, counted per kind), the features per layer with a
    construction start, an opening date or neither, every link problem
    (``data/links.csv``: unknown ids, repeats, a basis that is not words of the
    task), and the places the tasks name (:mod:`geo.places_named`, words from
    `place_terms`): the share of the tasks naming a place that some feature links
    ("on the map"), a warning for each place that no link of its task and no
    `unplaced` entry covers, and an info line, with its reason, for each
    `unplaced` entry (``data/sources/named_places_facts.json`` when None).
    """
    if layer_statuses is None:
        layer_statuses = load_registry().statuses()
    report.counts["features per layer"] = features.groupby("layer").size()
    report.counts["features per geometry_quality"] = features.groupby("geometry_quality").size()
    for severity, record, message in feature_problems(
        features, layer_ids=layer_ids, boundary_4326=boundary_4326, layer_statuses=layer_statuses
    ):
        report.add(severity, record, message)
    report.counts["features per layer with construction_start, opens or no date"] = dated_features(features)
    unsourced = undocumented_facts(features)
    report.counts["features whose status or dates have no source"] = unsourced.groupby("what").size()
    report.notes.append(
        f"features whose status or dates have no source: {unsourced['feature_id'].nunique()} of {len(features)}"
    )
    for feature_id, group in unsourced.groupby("feature_id", sort=True):
        report.add("warning", feature_id, "no source for its " + ", ".join(group["what"]))
    report.counts["links per layer"] = (
        links.merge(features[["layer"]], left_on="feature_id", right_index=True, how="left").groupby("layer").size()
    )
    for severity, record, message in link_problems(links, feature_ids=features.index, tasks=tasks):
        report.add(severity, record, message)
    return validate_named_places(tasks, links, place_terms, report, unplaced=unplaced)


def validate_named_places(
    tasks: pd.DataFrame,
    links: pd.DataFrame,
    vocabulary: PlaceVocabulary,
    report: Report,
    *,
    unplaced: pd.DataFrame | None = None,
) -> Report:
    """Add the places the tasks name to `report`: counts per state, the share on the map, warnings and info lines.

    A place with no link and no ``unplaced`` entry is a warning; each ``unplaced``
    entry is an info line with its reason (also those the detector does not catch);
    an entry naming a task that is not in the register is an error.
    """
    if unplaced is None:
        try:
            unplaced = load_unplaced()
        except DataFileError as error:
            report.add("error", NAMED_PLACES_JSON.name, str(error))
            unplaced = pd.DataFrame(columns=list(UNPLACED_COLUMNS))
    places = named_places(tasks, links, vocabulary, unplaced=unplaced)
    report.counts["places named in tasks"] = places.groupby("state").size().reindex(STATES, fill_value=0)
    naming = set(places["task_id"])
    on_map = naming & set(links["task_id"])
    share = 100 * len(on_map) / len(naming) if naming else 0.0
    report.notes.append(f"tasks naming a place: {len(naming)}, on the map: {len(on_map)} ({share:.0f}%)")
    missing = places[places["state"] == "missing"]
    report.counts["places named in tasks with no feature"] = missing.groupby("doc_id").size()
    for row in missing.itertuples(index=False):
        text = tasks.at[row.task_id, "task"]
        report.add("warning", row.task_id, f"names a place ({row.place!r}) that no feature links: {text[:90]}")
    for row in unplaced.sort_values("task_id", kind="stable").itertuples(index=False):
        if row.task_id not in tasks.index:
            report.add("error", row.task_id, f"{NAMED_PLACES_JSON.name}: unplaced entry names a task not in data/tasks.csv")
        else:
            report.add("info", row.task_id, f"names a place not on the map ({row.place!r}): {row.reason}")
    return report


def load_place_terms(path=PLACE_TERMS_TXT) -> PlaceVocabulary:
    """Return the words of the place detector (``data/place_terms.txt``, see :func:`geo.places_named.load_place_vocabulary`)."""
    return load_place_vocabulary(path)
