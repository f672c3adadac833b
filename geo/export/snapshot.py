"""The layer snapshot: what the planner sees in a view, as files in one zip.

One call writes the visible layers (GeoPackage, GeoJSON, KML, zipped
Shapefiles), the matching task records (CSV, XLSX), a static PNG map drawn
without tiles, a standalone HTML map (given by the caller: geo/ does not render
it) and a manifest (filters, as-of date, counts, what each geometry writer
wrote, skipped or converted, checksums of the data of record, CRS, licence).

The view is passed in (:func:`geo.view.build_view`): nothing is loaded or
filtered here. Member names are fixed or built from registry layer ids only:
no text from the user reaches a path. Geometry is stored in EPSG:4326; the PNG
is drawn in EPSG:32648 so its scale bar is true.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError
from geo.export.csv import write_tasks_csv
from geo.export.geojson import feature_collection, write_geojson
from geo.export.gpkg import write_gpkg
from geo.export.html import write_html
from geo.export.kml import write_kml
from geo.export.manifest import MAP_DATA_LICENCE, SCHEMATIC_NOTE, build_manifest, write_zip
from geo.export.png import write_png
from geo.export.prepare import FEATURE_COLUMNS, GEOMETRY_FORMATS, Z_POLICY, SnapshotData, mappable, text_of
from geo.export.shapefile import conversions, write_shapefiles
from geo.export.xlsx import write_tasks_xlsx
from geo.i18n import LANGUAGES, t
from geo.text import join_ids
from geo.view import View, feature_deadlines

ALL_FORMATS: Final[tuple[str, ...]] = ("gpkg", "geojson", "kml", "shp", "csv", "xlsx", "png", "html")
Progress = Callable[[float, str], None]
_WRITERS: Final[dict[str, Callable[[SnapshotData], dict[str, bytes]]]] = {
    "gpkg": write_gpkg, "geojson": write_geojson, "kml": write_kml, "shp": write_shapefiles,
    "csv": write_tasks_csv, "xlsx": write_tasks_xlsx, "png": write_png, "html": write_html,
}  # fmt: skip
_CONVERSIONS: Final[dict[str, Callable[[SnapshotData], dict[str, str]]]] = {"shp": conversions}
_TEXT_COLUMNS: Final[tuple[str, ...]] = (
    "name", "name_en", "status", "status_source", "status_date", "geometry_quality", "geometry_source",
)  # fmt: skip
_NO_HTML = "no HTML map was given (pass html_map=, e.g. layers.export_html.standalone_map_html)"


@dataclass(frozen=True)
class SnapshotResult:
    """What :func:`write_snapshot` wrote.

    Attributes
    ----------
    path : pathlib.Path or None
        The zip written.
    members : tuple of str
        Member names of the zip, in order.
    feature_counts : dict of str to int
        Visible features per project layer (every registry layer, zeros included).
    task_count : int
        Tasks matching the filter (rows of ``tasks.csv``).
    manifest : dict
        The content of ``manifest.json``.
    skipped : dict of str to str
        Formats asked for but not written, with the reason.
    geometry : dict
        Per geometry format written: ``written`` (features), ``skipped`` (id ->
        reason) and ``converted`` (id -> change); as ``manifest["geometry"]``.
    """

    path: Path | None
    members: tuple[str, ...]
    feature_counts: dict[str, int]
    task_count: int
    manifest: dict = field(repr=False)
    skipped: dict[str, str] = field(default_factory=dict)
    geometry: dict = field(default_factory=dict, repr=False)


def validate_formats(formats: Sequence[str] | str) -> tuple[str, ...]:
    """Return the asked formats, checked, without repeats, in the order of ``ALL_FORMATS``.

    Parameters
    ----------
    formats : sequence of str or str
        Format names (case-insensitive), or one comma-separated string such as ``"gpkg,png"``.

    Returns
    -------
    tuple of str

    Raises
    ------
    UnknownValueError
        If a name is not one of ``ALL_FORMATS``.
    InvalidArgumentError
        If no format is given.
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    asked = {str(item).strip().lower() for item in items if str(item).strip()}
    unknown = sorted(asked - set(ALL_FORMATS))
    if unknown:
        msg = f"Unknown export format(s) {unknown}; valid formats are {', '.join(ALL_FORMATS)}."
        raise UnknownValueError(msg)
    if not asked:
        msg = f"formats is empty; give one or more of {', '.join(ALL_FORMATS)}."
        raise InvalidArgumentError(msg)
    return tuple(name for name in ALL_FORMATS if name in asked)


def snapshot_name(as_of: date, now: datetime) -> str:
    """Return the zip's file name, ``hanoi-snapshot-<as-of>-<HHMMSS>.zip``."""
    return f"hanoi-snapshot-{as_of.isoformat()}-{now:%H%M%S}.zip"


def write_snapshot(
    view: View,
    out_path: Path | str,
    *,
    formats: Sequence[str] = ALL_FORMATS,
    lang: str = "vi",
    html_map: str | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> SnapshotResult:
    """Write the layer snapshot of `view` as one zip at `out_path`.

    The zip is built in a scratch folder inside the folder of `out_path` and
    moved into place at the end (``os.replace``), so a failed export leaves no
    half-written file.

    Parameters
    ----------
    view : geo.view.View
        What the planner sees (:func:`geo.view.build_view`); its ``as_of`` dates the snapshot.
    out_path : pathlib.Path or str
        The zip to write; must end in ``.zip`` and its folder must exist. An
        existing file of that name is replaced.
    formats : sequence of str
        Some of ``ALL_FORMATS``; ``manifest.json`` is always written.
    lang : str
        "vi" or "en": layer labels, PNG text, KML folder names, the filter in words.
    html_map : str or None
        A rendered HTML map (e.g. :func:`layers.export_html.standalone_map_html`).
        Leaflet links to the app's static folder are inlined so it works
        offline. Without it, "html" is skipped with a warning.
    now : datetime.datetime or None
        Creation time (default: now, local time zone).
    progress : callable or None
        Called as ``progress(fraction, label)`` before each step and with 1.0 at the end.

    Returns
    -------
    SnapshotResult

    Raises
    ------
    InvalidArgumentError
        If `view` is not a View, `out_path` does not end in ``.zip``, its
        folder does not exist, or it names a folder.
    UnknownValueError
        If a format or the language is unknown.
    """
    _check_view(view)
    target = _checked_out_path(out_path)
    wanted = validate_formats(formats)
    if lang not in LANGUAGES:
        msg = f"Unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}."
        raise UnknownValueError(msg)
    now = now or datetime.now().astimezone()
    with tempfile.TemporaryDirectory(prefix=".hanoi-snapshot-", dir=target.parent) as scratch:
        partial = Path(scratch) / "snapshot.zip"
        _report(progress, 0.0, "data")
        data = _prepare(view, lang=lang, now=now, scratch=Path(scratch), html_map=html_map)
        result = _build(data, partial, wanted, progress)
        os.replace(partial, target)
    if progress:
        progress(1.0, target.name)
    return SnapshotResult(
        path=target, members=result.members, feature_counts=result.feature_counts, task_count=result.task_count,
        manifest=result.manifest, skipped=result.skipped, geometry=result.geometry,
    )  # fmt: skip


def snapshot_bytes(
    view: View,
    *,
    formats: Sequence[str] = ALL_FORMATS,
    lang: str = "vi",
    html_map: str | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> bytes:
    """Return the layer snapshot of `view` as zip bytes (for a download button).

    Same content as :func:`write_snapshot`; scratch files go to the system's
    temporary folder and are removed.
    """
    with tempfile.TemporaryDirectory(prefix="hanoi-snapshot-") as scratch:
        target = Path(scratch) / "snapshot.zip"
        write_snapshot(view, target, formats=formats, lang=lang, html_map=html_map, now=now, progress=progress)
        return target.read_bytes()


def export_features(view: View) -> gpd.GeoDataFrame:
    """Return the visible features of `view` with the exported properties (``FEATURE_COLUMNS``) and geometry.

    Parameters
    ----------
    view : geo.view.View
        The planner's view.

    Returns
    -------
    geopandas.GeoDataFrame
        Index of ``view.features`` kept; geometry as stored (EPSG:4326, None
        and empty kept); ``task_ids`` and ``matched_task_ids`` are lists of str;
        ``due_end_min`` / ``due_end_max`` are ISO dates ("" when no linked task
        has a date), ``due_kinds`` the ``;``-joined sorted kinds, and
        ``past_due_count`` the linked tasks whose deadline passed as of
        ``view.as_of`` (:func:`geo.view.feature_deadlines`), read from every
        linked task of the register, matching or not.
    """
    features = view.features
    deadlines = feature_deadlines(view.data, features.index, as_of=view.as_of)
    matched = set(view.tasks.index)
    rows = []
    for feature_id, feature in zip(features.index, features.to_dict("records"), strict=True):
        due = deadlines.loc[feature_id]
        task_ids = list(feature["task_ids"])
        rows.append(
            {
                "id": str(feature.get("id") or feature_id),
                "layer": str(feature["layer"]),
                **{column: text_of(feature.get(column)) for column in _TEXT_COLUMNS},
                "task_ids": task_ids,
                "matched_task_ids": [task_id for task_id in task_ids if task_id in matched],
                "task_count": len(task_ids),
                "due_end_min": due["due_end_min"].isoformat() if due["due_end_min"] else "",
                "due_end_max": due["due_end_max"].isoformat() if due["due_end_max"] else "",
                "due_kinds": join_ids(due["due_kinds"]),
                "past_due_count": int(due["past_due_count"]),
            }
        )
    frame = pd.DataFrame(rows, index=features.index, columns=list(FEATURE_COLUMNS))
    geometry = features.geometry.to_crs(settings.CRS_STORE) if features.crs else features.geometry.set_crs(settings.CRS_STORE)
    return gpd.GeoDataFrame(frame, geometry=geometry.values, crs=settings.CRS_STORE)


def layer_geojson_bytes(view: View, layer: str) -> bytes:
    """Return one layer of `view` as GeoJSON bytes (the quick single-layer export).

    The features follow the snapshot's geometry policy
    (:mod:`geo.export.prepare`); ids left out are listed in ``skipped``.

    Raises
    ------
    UnknownValueError
        If `layer` is not a project layer.
    """
    _check_view(view)
    known = view.data.registry.ids("project")
    if layer not in known:
        msg = f"Unknown layer {layer!r}; known layers: {list(known)}."
        raise UnknownValueError(msg)
    exported = export_features(view)
    mapped, skipped, _ = mappable(exported[exported["layer"] == layer])
    collection = feature_collection(mapped, name=layer)
    collection["attribution"] = MAP_DATA_LICENCE
    collection["filters"] = view.choice.to_query_params()
    if skipped:
        collection["skipped"] = skipped
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


# --- steps ---------------------------------------------------------------------------------------------------------


def _prepare(view: View, *, lang: str, now: datetime, scratch: Path, html_map: str | None) -> SnapshotData:
    exported = export_features(view)
    mapped, skipped, converted = mappable(exported)
    return SnapshotData(
        view=view, lang=lang, now=now, exported=exported, mapped=mapped, skipped=skipped, converted=converted,
        scratch=scratch, html_map=html_map,
    )  # fmt: skip


def _build(data: SnapshotData, partial: Path, wanted: tuple[str, ...], progress: Progress | None) -> SnapshotResult:
    total = len(wanted) + 2
    skipped: dict[str, str] = {}
    members: dict[str, bytes] = {}
    geometry: dict[str, dict] = {"written": {}, "skipped": {}, "converted": {}, "z": Z_POLICY}
    for number, name in enumerate(wanted, start=1):
        _report(progress, number / total, name)
        if name == "html" and data.html_map is None:
            skipped[name] = _NO_HTML
            warnings.warn(f"Snapshot: {_NO_HTML}; map.html is not written.", stacklevel=3)
            continue
        produced = _WRITERS[name](data)
        if not produced:
            skipped[name] = (
                "nothing to write: no feature is visible for this filter" if data.exported.empty
                else "nothing to write: no visible feature has a geometry (see geometry.skipped)"
            )  # fmt: skip
        elif name in GEOMETRY_FORMATS:
            geometry["written"][name] = len(data.mapped)
            geometry["skipped"][name] = dict(data.skipped)
            geometry["converted"][name] = _merged(data.converted, _CONVERSIONS.get(name, _nothing)(data))
        members.update(produced)
    _report(progress, (total - 1) / total, "manifest.json")
    manifest = _manifest(data, wanted, skipped, geometry, members)
    write_zip(partial, members, manifest, now=data.now)
    return SnapshotResult(
        path=None, members=tuple(manifest["members"]), feature_counts=manifest["counts"]["features"],
        task_count=len(data.tasks), manifest=manifest, skipped=skipped, geometry=geometry,
    )  # fmt: skip


def _manifest(data: SnapshotData, wanted: tuple[str, ...], skipped: dict[str, str], geometry: dict, members: dict) -> dict:
    counts = data.view.counts()
    per_layer = counts["features_per_layer"]
    fields = {
        "as_of": data.as_of.isoformat(),
        "language": data.lang,
        "filters": data.view.choice.to_query_params(),
        "filters_text": data.filter_lines,
        "formats": list(wanted),
        "skipped": skipped,
        "crs_note": f"Geometry is stored in {settings.CRS_STORE}; map.png is drawn in {settings.CRS_MEASURE} (true scale bar).",
        "counts": {
            "features": per_layer,
            "features_total": int(sum(per_layer.values())),
            "tasks": counts["tasks"],
            "tasks_on_map": counts["tasks_on_map"],
            "tasks_past_due": counts["tasks_past_due"],
        },
        "layers": {layer: data.registry.label(layer, data.lang) for layer in data.view.layers()},
        "geometry": geometry,
        "edits": _edits(data),
        "notes": {
            "layers_omitted": "Layers with no visible feature have no table or file.",
            "feature_ids": "tasks.csv / tasks.xlsx list in feature_ids the features of this snapshot linked to each task.",
            "deadlines": "due_end_min, due_end_max, due_kinds and past_due_count are read from every task linked to the feature.",
            "progress": "tasks.csv / tasks.xlsx carry each task's progress category and latest report as of the snapshot's as-of "
            "date (reports dated after it do not count): progress_category is completed_on_time, completed_late, overdue, "
            "in_progress or no_report.",
            "geometry": "geometry.written counts the features each geometry file holds; geometry.skipped lists those "
            "left out and why; geometry.converted those whose geometry was changed to fit the format.",
            "edits": "edits lists the exported features that planners changed in the store (their current approved "
            "version: who, when, why, the provenance and source) and the features they retired (action retire: in no "
            "layer); the others are as shipped in data/.",
        },
    }
    licence = {"schematic_geometry": SCHEMATIC_NOTE, "documents": "The Vietnamese legal texts are public documents."}
    return {"title": t("app.title", data.lang), **build_manifest(members, now=data.now, fields=fields, licence=licence)}


def _edits(data: SnapshotData) -> list[dict[str, object]]:
    """Return the store's changes behind the export: each exported feature a planner changed, and each retired one.

    A retired feature is in no layer; its record says why it is missing.
    """
    edits = data.view.data.edits
    exported = set(data.exported.index)
    return [
        {"feature_id": row.feature_id, "version": int(row.seq), "action": row.action, "author": row.author,
         "at": row.created_at.isoformat() if row.created_at is not None else None, "geometry_quality": row.geometry_quality,
         "geometry_source": row.geometry_source, "reason": row.reason}
        for row in edits.itertuples(index=False) if row.feature_id in exported or row.action == "retire"
    ]  # fmt: skip


# --- helpers -------------------------------------------------------------------------------------------------------


def _check_view(view: object) -> None:
    if not isinstance(view, View):
        msg = (
            f"view must be a geo.view.View (build_view(load_data(), choice)), got {type(view).__name__}; "
            "the export takes the view, not the filter."
        )
        raise InvalidArgumentError(msg)


def _checked_out_path(out_path: Path | str) -> Path:
    raw = Path(out_path).expanduser()
    if raw.suffix.lower() != ".zip":
        msg = f"out_path must end in .zip, got {str(out_path)!r}; e.g. {snapshot_name(date.today(), datetime.now())}."
        raise InvalidArgumentError(msg)
    parent = raw.parent.resolve()
    if not parent.is_dir():
        msg = f"out_path {str(out_path)!r}: the folder {str(parent)!r} does not exist; create it first or choose another."
        raise InvalidArgumentError(msg)
    target = parent / raw.name
    if target.is_dir():
        msg = f"out_path {str(out_path)!r} is a folder; give a file name ending in .zip."
        raise InvalidArgumentError(msg)
    return target


def _report(progress: Progress | None, fraction: float, label: str) -> None:
    if progress:
        progress(min(1.0, max(0.0, fraction)), label)


def _merged(first: dict[str, str], second: dict[str, str]) -> dict[str, str]:
    out = dict(first)
    for key, note in second.items():
        out[key] = f"{out[key]}; {note}" if key in out else note
    return out


def _nothing(data: SnapshotData) -> dict[str, str]:
    del data
    return {}
