"""The layer snapshot: what the planner sees for a filter, as files in one zip.

One call writes the filtered layers (GeoPackage, GeoJSON, KML, zipped
Shapefile), the matching task records (CSV, XLSX), a static PNG map drawn
without tiles, a standalone HTML map (given by the caller: folium is not used
in geo/) and a manifest (filters, as-of date, counts, checksums of the data of
record, CRS, licence).

Member names inside the zip are fixed or built from registry layer ids only:
no text from the user reaches a path. Geometry is stored in EPSG:4326; the PNG
is drawn in EPSG:32648 so its scale bar is true.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
import warnings
import zipfile
from base64 import b64encode
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Final
from xml.etree import ElementTree as ET

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

import geo
from geo import settings
from geo.agencies import AgencyIndex, load_agencies
from geo.context import load_context
from geo.errors import InvalidArgumentError, UnknownValueError
from geo.features import load_features
from geo.filters import UNDATED_KINDS, TaskFilter, apply_filter
from geo.i18n import LANGUAGES, t
from geo.layer_specs import LAYERS_JSON, Registry, load_registry
from geo.mapdata import task_table, visible_features
from geo.register import COLUMNS, load_register
from geo.static_map import PNG_SIZE_PX, geometry_family, render_map_png

ALL_FORMATS: Final[tuple[str, ...]] = ("gpkg", "geojson", "kml", "shp", "csv", "xlsx", "png", "html")
LEAFLET_DIR: Final[Path] = settings.ROOT / "static" / "leaflet"
LEAFLET_JS_URL: Final[str] = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS_URL: Final[str] = "/app/static/leaflet/leaflet.css"
DATA_FILES: Final[tuple[Path, ...]] = (
    settings.TASKS_CSV, settings.AGENCIES_CSV, settings.DOCUMENTS_CSV, settings.PROJECTS_GEOJSON, LAYERS_JSON,
    settings.BOUNDARY_GEOJSON, settings.WARDS_GEOJSON, settings.RED_RIVER_GEOJSON, settings.STREETS_OSM,
)  # fmt: skip
MAP_DATA_LICENCE: Final[str] = f"Map data {settings.OSM_ATTRIBUTION}, {settings.OSM_LICENCE}"
SCHEMATIC_NOTE: Final[str] = (
    "Features with geometry_quality 'schematic' are drawn through the places the documents name: "
    "estimated positions for illustration, not survey data. 'osm' comes from OpenStreetMap, "
    "'sourced' from cited coordinates (see geometry_source)."
)

# Properties of every exported feature, in this order (same set for every layer and format).
FEATURE_COLUMNS: Final[tuple[str, ...]] = (
    "id", "layer", "name", "name_en", "status", "status_source", "status_date",
    "geometry_quality", "geometry_source", "task_ids", "matched_task_ids", "task_count",
    "due_end_min", "due_end_max", "due_kinds", "past_due_count",
)  # fmt: skip
# Shapefile (dBASE) field names hold 10 characters: this mapping is written as shapefile/FIELDS.csv.
SHAPEFILE_FIELDS: Final[dict[str, str]] = {
    "id": "id", "layer": "layer", "name": "name", "name_en": "name_en", "status": "status",
    "status_source": "status_src", "status_date": "status_dt", "geometry_quality": "geom_qual",
    "geometry_source": "geom_src", "task_ids": "task_ids", "matched_task_ids": "match_ids",
    "task_count": "task_count", "due_end_min": "due_min", "due_end_max": "due_max",
    "due_kinds": "due_kinds", "past_due_count": "pastdue_n",
}  # fmt: skip
DBF_TEXT_BYTES: Final[int] = 254
TASK_EXTRA_COLUMNS: Final[tuple[str, ...]] = ("past_due", "feature_ids", "on_map")

_SEP = settings.LIST_SEPARATOR
_KML_NS = "http://www.opengis.net/kml/2.2"
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class SnapshotResult:
    """What :func:`write_snapshot` wrote.

    Attributes
    ----------
    path : pathlib.Path or None
        The zip written (None for :func:`snapshot_bytes`).
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
    """

    path: Path | None
    members: tuple[str, ...]
    feature_counts: dict[str, int]
    task_count: int
    manifest: dict = field(repr=False)
    skipped: dict[str, str] = field(default_factory=dict)


def validate_formats(formats: Sequence[str] | str) -> tuple[str, ...]:
    """Return the asked formats, checked, without repeats, in the order of ``ALL_FORMATS``.

    Parameters
    ----------
    formats : sequence of str or str
        Format names (case-insensitive), or one comma-separated string such as
        ``"gpkg,png"``.

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
    choice: TaskFilter,
    out_path: Path | str,
    *,
    formats: Sequence[str] = ALL_FORMATS,
    lang: str = "vi",
    html_map: str | None = None,
    now: datetime | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> SnapshotResult:
    """Write the layer snapshot of `choice` as one zip at `out_path`.

    The matching tasks (:func:`geo.filters.apply_filter`) and the visible
    features (:func:`geo.mapdata.visible_features`) are computed here from the
    data of record. The zip is built in a scratch folder inside the folder of
    `out_path` and moved into place at the end, so a failed export leaves no
    half-written file.

    Parameters
    ----------
    choice : TaskFilter
        The planner's filter; its ``as_of`` (default today) dates the snapshot.
    out_path : pathlib.Path or str
        The zip to write; must end in ``.zip`` and its folder must exist. An
        existing file of that name is replaced.
    formats : sequence of str
        Some of ``ALL_FORMATS``; ``manifest.json`` is always written.
    lang : str
        "vi" or "en": layer labels, PNG text, KML folder names.
    html_map : str or None
        A rendered HTML map (e.g. :func:`layers.export_html.standalone_map_html`
        or folium's render from the app). Leaflet links to the app's static
        folder are inlined so it works offline. Without it, "html" is skipped
        with a warning.
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
        If `out_path` does not end in ``.zip``, its folder does not exist, or
        it names a folder.
    UnknownValueError
        If a format, the language, a layer or a status is unknown (and as
        :func:`geo.filters.apply_filter`).
    """
    target = _checked_out_path(out_path)
    wanted = validate_formats(formats)
    _check_lang(lang)
    with tempfile.TemporaryDirectory(prefix=".hanoi-snapshot-", dir=target.parent) as scratch:
        partial = Path(scratch) / "snapshot.zip"
        result = _build(choice, partial, Path(scratch), wanted, lang, html_map, now, progress)
        os.replace(partial, target)
    final = SnapshotResult(
        path=target, members=result.members, feature_counts=result.feature_counts, task_count=result.task_count,
        manifest=result.manifest, skipped=result.skipped,
    )  # fmt: skip
    if progress:
        progress(1.0, target.name)
    return final


def snapshot_bytes(
    choice: TaskFilter,
    *,
    formats: Sequence[str] = ALL_FORMATS,
    lang: str = "vi",
    html_map: str | None = None,
    now: datetime | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> bytes:
    """Return the layer snapshot of `choice` as zip bytes (for a download button).

    Same content as :func:`write_snapshot`; scratch files go to the system's
    temporary folder and are removed.
    """
    with tempfile.TemporaryDirectory(prefix="hanoi-snapshot-") as scratch:
        target = Path(scratch) / "snapshot.zip"
        write_snapshot(choice, target, formats=formats, lang=lang, html_map=html_map, now=now, progress=progress)
        return target.read_bytes()


def export_features(
    features: gpd.GeoDataFrame, tasks: pd.DataFrame, matched_task_ids: Iterable[str], *, as_of: date
) -> gpd.GeoDataFrame:
    """Return the features with the exported properties (``FEATURE_COLUMNS``) and geometry (EPSG:4326).

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        Features to export (e.g. the visible ones), with ``task_ids`` tuples.
    tasks : pandas.DataFrame
        The whole register (deadlines are read from every linked task).
    matched_task_ids : iterable of str
        Ids of the tasks matching the filter.
    as_of : datetime.date
        Day against which ``past_due_count`` is judged (``due_end < as_of``).

    Returns
    -------
    geopandas.GeoDataFrame
        Index kept; ``task_ids`` and ``matched_task_ids`` are lists of str;
        ``due_end_min`` / ``due_end_max`` are ISO dates ("" when no linked task
        has a date); ``due_kinds`` is the ``;``-joined sorted kinds of the linked tasks.
    """
    matched = set(matched_task_ids)
    rows = []
    for _, feature in features.iterrows():
        linked = [task_id for task_id in feature["task_ids"] if task_id in tasks.index]
        ends = [end for end in tasks.loc[linked, "due_end"] if end is not None] if linked else []
        kinds = sorted(set(tasks.loc[linked, "due_kind"])) if linked else []
        rows.append(
            {
                "id": str(feature.get("id", feature.name)),
                "layer": str(feature["layer"]),
                "name": _text(feature.get("name")),
                "name_en": _text(feature.get("name_en")),
                "status": _text(feature.get("status")),
                "status_source": _text(feature.get("status_source")),
                "status_date": _text(feature.get("status_date")),
                "geometry_quality": _text(feature.get("geometry_quality")),
                "geometry_source": _text(feature.get("geometry_source")),
                "task_ids": list(feature["task_ids"]),
                "matched_task_ids": [task_id for task_id in feature["task_ids"] if task_id in matched],
                "task_count": len(feature["task_ids"]),
                "due_end_min": min(ends).isoformat() if ends else "",
                "due_end_max": max(ends).isoformat() if ends else "",
                "due_kinds": _SEP.join(kinds),
                "past_due_count": sum(end < as_of for end in ends),
            }
        )
    frame = pd.DataFrame(rows, index=features.index, columns=list(FEATURE_COLUMNS))
    return gpd.GeoDataFrame(frame, geometry=features.geometry.to_crs(settings.CRS_STORE).values, crs=settings.CRS_STORE)


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
        start = _day(choice.due_from, lang) if choice.due_from else "…"
        end = _day(choice.due_to, lang) if choice.due_to else "…"
        lines.append(f"{t('filters.due_window', lang)}: {start} – {end}")
    if choice.only_past_due:
        lines.append(t("filters.only_past_due", lang))
    if set(choice.undated) != set(UNDATED_KINDS):
        kinds = ", ".join(t(f"kind.{kind}", lang) for kind in choice.undated) or "—"
        lines.append(f"{t('filters.undated', lang)}: {kinds}")
    if choice.query:
        lines.append(f"{t('filters.query', lang)}: “{choice.query}”")
    if choice.layers:
        names = ", ".join(_layer_label(registry, layer, lang) for layer in choice.layers)
        lines.append(f"{t('filters.layers', lang)}: {names}")
    if choice.statuses:
        names = ", ".join(t(f"status.{status}", lang) for status in choice.statuses)
        lines.append(f"{t('filters.statuses', lang)}: {names}")
    return lines or [t("filters.all", lang)]


def inline_leaflet(html_text: str, *, leaflet_dir: Path = LEAFLET_DIR) -> str:
    """Return `html_text` with the app's local Leaflet links replaced by the inlined files.

    ``<script src="/app/static/leaflet/leaflet.js">`` becomes an inline script and
    the stylesheet link an inline ``<style>`` (its images as data URIs), so the
    page works from a file with no server and no internet. Other text is unchanged.
    """
    js = (leaflet_dir / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = (leaflet_dir / "leaflet.css").read_text(encoding="utf-8").replace("</style", "<\\/style")
    for image in sorted((leaflet_dir / "images").glob("*.png")):
        uri = "data:image/png;base64," + b64encode(image.read_bytes()).decode("ascii")
        css = css.replace(f"url(images/{image.name})", f"url({uri})")
    script = re.compile(r"<script[^>]*\bsrc=[\"']" + re.escape(LEAFLET_JS_URL) + r"[\"'][^>]*>\s*</script>", re.IGNORECASE)
    link = re.compile(r"<link[^>]*\bhref=[\"']" + re.escape(LEAFLET_CSS_URL) + r"[\"'][^>]*>", re.IGNORECASE)
    html_text = script.sub(lambda _: f"<script>{js}</script>", html_text)
    return link.sub(lambda _: f"<style>{css}</style>", html_text)


def sha256_of(path: Path | str) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- steps ---------------------------------------------------------------------------------------------------------


@dataclass
class _Data:
    choice: TaskFilter
    lang: str
    as_of: date
    now: datetime
    registry: Registry
    agencies: AgencyIndex
    matched: pd.DataFrame
    tasks_out: pd.DataFrame
    visible: gpd.GeoDataFrame
    exported: gpd.GeoDataFrame
    context: dict[str, gpd.GeoDataFrame]
    layers: tuple[str, ...]
    filter_lines: list[str]
    tasks_total: int


def _build(
    choice: TaskFilter,
    partial: Path,
    scratch: Path,
    wanted: tuple[str, ...],
    lang: str,
    html_map: str | None,
    now: datetime | None,
    progress: Callable[[float, str], None] | None,
) -> SnapshotResult:
    steps = {
        "gpkg": _write_gpkg, "geojson": _write_geojson, "kml": _write_kml, "shp": _write_shapefiles,
        "csv": _write_csv, "xlsx": _write_xlsx, "png": _write_png, "html": _write_html,
    }  # fmt: skip
    total = len(wanted) + 2
    _report(progress, 0.0, "data")
    data = _load(choice, lang, now or datetime.now().astimezone(), with_context="png" in wanted)
    skipped: dict[str, str] = {}
    members: dict[str, bytes] = {}
    for number, name in enumerate(wanted, start=1):
        _report(progress, number / total, name)
        if name == "html" and html_map is None:
            skipped[name] = "no HTML map was given (pass html_map=, e.g. layers.export_html.standalone_map_html)"
            warnings.warn(f"Snapshot: {skipped[name]}; map.html is not written.", stacklevel=3)
            continue
        produced = steps[name](data, scratch / name, html_map) if name == "html" else steps[name](data, scratch / name)
        if not produced:
            skipped[name] = "nothing to write: no feature is visible for this filter"
        members.update(produced)
    _report(progress, (total - 1) / total, "manifest.json")
    manifest = _manifest(data, wanted, skipped, members)
    stamp = data.now.timetuple()[:6] if data.now.year >= 1980 else (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, payload in [*members.items(), ("manifest.json", _json_bytes(manifest))]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload)
    counts = manifest["counts"]["features"]
    return SnapshotResult(
        path=None, members=tuple(manifest["members"]), feature_counts=counts, task_count=len(data.tasks_out),
        manifest=manifest, skipped=skipped,
    )  # fmt: skip


def _load(choice: TaskFilter, lang: str, now: datetime, *, with_context: bool) -> _Data:
    registry = load_registry()
    known_layers = registry.ids("project")
    unknown = sorted(set(choice.layers) - set(known_layers))
    if unknown:
        msg = f"Unknown layer(s) {unknown} in the filter; known project layers: {', '.join(known_layers)}."
        raise UnknownValueError(msg)
    unknown = sorted(set(choice.statuses) - set(settings.STATUSES))
    if unknown:
        msg = f"Unknown status(es) {unknown} in the filter; known: {', '.join(settings.STATUSES)}."
        raise UnknownValueError(msg)
    agencies = load_agencies()
    tasks = load_register()
    features = load_features()
    matched = apply_filter(tasks, choice, agencies)
    visible = visible_features(features, matched.index, choice)
    outside = sorted(set(visible["layer"]) - set(known_layers))
    if outside:
        warnings.warn(f"Snapshot: features of layer(s) {outside} are not in data/layers.json and are left out.", stacklevel=4)
        visible = visible[visible["layer"].isin(known_layers)]
    as_of = choice.as_of_or_today()
    exported = export_features(visible, tasks, matched.index, as_of=as_of)
    layers = tuple(layer for layer in known_layers if (exported["layer"] == layer).any())
    return _Data(
        choice=choice, lang=lang, as_of=as_of, now=now, registry=registry, agencies=agencies, matched=matched,
        tasks_out=task_table(matched, visible), visible=visible, exported=exported,
        context=load_context(light=True) if with_context else {}, layers=layers,
        filter_lines=filter_summary(choice, lang=lang, agencies=agencies, registry=registry), tasks_total=len(tasks),
    )  # fmt: skip


def _write_gpkg(data: _Data, folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    path = folder / "layers.gpkg"
    for layer in data.layers:
        frame = _joined(data.exported[data.exported["layer"] == layer])
        label = data.registry.get(layer).label(data.lang)
        pyogrio.write_dataframe(
            frame, path, layer=layer, driver="GPKG", dataset_options={"VERSION": "1.2"},
            layer_options={"IDENTIFIER": label, "DESCRIPTION": f"{label} ({layer}); {SCHEMATIC_NOTE}"},
        )  # fmt: skip
    if not data.layers:
        return {}
    return {"layers.gpkg": path.read_bytes()}


def _write_geojson(data: _Data, folder: Path) -> dict[str, bytes]:
    del folder
    members = {}
    for layer in data.layers:
        frame = data.exported[data.exported["layer"] == layer]
        features = []
        for geometry, (_, row) in zip(frame.geometry, frame.drop(columns="geometry").iterrows(), strict=True):
            props = {column: _plain(row[column]) for column in FEATURE_COLUMNS}
            features.append(
                {"type": "Feature", "id": props["id"], "properties": props, "geometry": shapely.geometry.mapping(geometry)}
            )
        collection = {"type": "FeatureCollection", "name": layer, "features": features}
        members[f"geojson/{layer}.geojson"] = _json_bytes(collection)
    return members


def _write_kml(data: _Data, folder: Path) -> dict[str, bytes]:
    del folder
    ET.register_namespace("", _KML_NS)
    root = ET.Element(f"{{{_KML_NS}}}kml")
    document = ET.SubElement(root, _k("Document"))
    ET.SubElement(document, _k("name")).text = _xml(f"{t('app.title', data.lang)} — {data.as_of.isoformat()}")
    ET.SubElement(document, _k("description")).text = _xml(
        " · ".join(data.filter_lines) + f"\n{MAP_DATA_LICENCE}\n{SCHEMATIC_NOTE}"
    )
    for layer in data.layers:
        spec = data.registry.get(layer)
        style = ET.SubElement(document, _k("Style"), id=f"style-{layer}")
        line_style = ET.SubElement(style, _k("LineStyle"))
        ET.SubElement(line_style, _k("color")).text = _kml_color(spec.color, 1.0)
        ET.SubElement(line_style, _k("width")).text = str(max(1, spec.weight // 2 + 1))
        poly_style = ET.SubElement(style, _k("PolyStyle"))
        ET.SubElement(poly_style, _k("color")).text = _kml_color(spec.color, 0.3)
        icon_style = ET.SubElement(style, _k("IconStyle"))
        ET.SubElement(icon_style, _k("color")).text = _kml_color(spec.color, 1.0)
        ET.SubElement(icon_style, _k("scale")).text = "0.8"
    for layer in data.layers:
        spec = data.registry.get(layer)
        folder_el = ET.SubElement(document, _k("Folder"))
        ET.SubElement(folder_el, _k("name")).text = _xml(spec.label(data.lang))
        frame = data.exported[data.exported["layer"] == layer]
        for geometry, (_, row) in zip(frame.geometry, frame.drop(columns="geometry").iterrows(), strict=True):
            placemark_id = _xml_id(row["id"])
            placemark = ET.SubElement(folder_el, _k("Placemark"), id=placemark_id)
            name = row["name_en"] if data.lang == "en" and row["name_en"] else row["name"]
            ET.SubElement(placemark, _k("name")).text = _xml(name)
            quality = data.registry.quality_styles.get(row["geometry_quality"], {})
            description = [
                f"{t('panel.layer', data.lang)}: {spec.label(data.lang)}",
                f"{t('panel.status', data.lang)}: {t('status.' + row['status'], data.lang) if row['status'] else ''}",
                f"{t('panel.provenance', data.lang)}: {quality.get('label_en' if data.lang == 'en' else 'label_vi', row['geometry_quality'])}",
                f"{t('panel.tasks', data.lang)}: {', '.join(row['task_ids'])}",
            ]
            if row["geometry_quality"] == "schematic":
                description.append(t("panel.schematic_warning", data.lang))
            ET.SubElement(placemark, _k("description")).text = _xml("\n".join(description))
            ET.SubElement(placemark, _k("styleUrl")).text = f"#style-{layer}"
            extended = ET.SubElement(placemark, _k("ExtendedData"))
            for column in FEATURE_COLUMNS:
                if column == "id" and placemark_id == row["id"]:
                    continue  # the Placemark's id attribute carries it
                value = row[column]
                item = ET.SubElement(extended, _k("Data"), name=column)
                ET.SubElement(item, _k("value")).text = _xml(_SEP.join(value) if isinstance(value, list) else str(value))
            placemark.append(_kml_geometry(geometry))
    ET.indent(root, space=" ")
    return {"layers.kml": ET.tostring(root, encoding="utf-8", xml_declaration=True)}


def _write_shapefiles(data: _Data, folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    members: dict[str, bytes] = {}
    files: list[tuple[str, str, str]] = []
    for layer in data.layers:
        frame = data.exported[data.exported["layer"] == layer]
        families = frame.geometry.map(geometry_family)
        kinds = [kind for kind in ("point", "line", "polygon") if (families == kind).any()]
        for kind in kinds:
            name = layer if len(kinds) == 1 else f"{layer}_{kind}"
            part = _shapefile_frame(frame[families == kind])
            path = folder / name / f"{name}.shp"
            path.parent.mkdir()
            pyogrio.write_dataframe(
                part, path, driver="ESRI Shapefile", encoding="UTF-8", promote_to_multi=kind != "point",
            )  # fmt: skip
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as inner:
                for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                    inner.write(path.with_suffix(suffix), f"{name}{suffix}")
            members[f"shapefile/{name}.zip"] = buffer.getvalue()
            if len(kinds) == 1:
                note = f"all features of layer {layer}"
            else:
                others = ", ".join(f"{layer}_{other}.zip" for other in kinds if other != kind)
                note = f"layer {layer} split by geometry type (a Shapefile holds one): its {kind} features; the rest in {others}"
            files.append((layer, f"{name}.zip", note))
    if not members:
        return {}
    rows = [("kind", "original", "short", "note")]
    for original, short in SHAPEFILE_FIELDS.items():
        note = "dBASE field names hold 10 characters" if original != short else ""
        if original in ("task_ids", "matched_task_ids", "due_kinds"):
            note = (note + "; " if note else "") + f"list joined with '{_SEP}'"
        if original in _LONG_TEXT:
            note = (note + "; " if note else "") + (
                f"text longer than {DBF_TEXT_BYTES} bytes (UTF-8) is cut and ends with '…'; the full text is in layers.gpkg and geojson/"
            )
        rows.append(("field", original, short, note))
    rows += [("file", layer, short, note) for layer, short, note in files]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    members["shapefile/FIELDS.csv"] = buffer.getvalue().encode("utf-8-sig")
    return members


def _write_csv(data: _Data, folder: Path) -> dict[str, bytes]:
    del folder
    table = _task_rows(data)
    return {"tasks.csv": table.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")}


def _write_xlsx(data: _Data, folder: Path) -> dict[str, bytes]:
    del folder
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "tasks"
    table = data.tasks_out
    columns = [*COLUMNS, *TASK_EXTRA_COLUMNS]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for _, row in table.iterrows():
        values = [_xlsx_value(_SEP.join(row[c]) if c == "feature_ids" else row[c]) for c in columns]
        sheet.append(values)
    for column_number, column in enumerate(columns, start=1):
        letter = get_column_letter(column_number)
        if column in ("due_start", "due_end"):
            for cell in sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text of record, never a formula
        width = {"task": 80, "section_title": 40, "note": 40, "due_raw": 24, "lead_agency_raw": 28, "coordinating_raw": 28}
        sheet.column_dimensions[letter].width = width.get(column, max(10, min(24, len(column) + 2)))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    about = workbook.create_sheet("snapshot")
    about.append([t("app.title", data.lang), ""])
    about.append([t("filters.as_of", data.lang), data.as_of])
    about["B2"].number_format = "yyyy-mm-dd"
    for line in data.filter_lines:
        about.append([_xlsx_value(line), ""])
    about.append([t("count.tasks", data.lang, n=len(table), total=data.tasks_total), ""])
    about.append([t("count.features", data.lang, n=len(data.exported)), ""])
    about.append([MAP_DATA_LICENCE, ""])
    about.column_dimensions["A"].width = 48
    about.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return {"tasks.xlsx": buffer.getvalue()}


def _write_png(data: _Data, folder: Path) -> dict[str, bytes]:
    del folder
    lang = data.lang
    counts = (
        f"{t('filters.as_of', lang)}: {_day(data.as_of, lang)} · {t('count.features', lang, n=len(data.exported))} · "
        f"{t('count.tasks', lang, n=len(data.tasks_out), total=data.tasks_total)}"
    )
    footer = (
        f"{MAP_DATA_LICENCE} · {t('panel.schematic_warning', lang)} · "
        f"{settings.CRS_MEASURE} · hanoi-planning-map {geo.__version__} · {data.now.isoformat(timespec='seconds')}"
    )
    png = render_map_png(
        data.exported, data.registry, data.context, title=t("app.title", lang),
        lines=[" · ".join(data.filter_lines), counts], footer=footer, lang=lang,
        legend_title=t("legend.title", lang), size_px=PNG_SIZE_PX,
    )  # fmt: skip
    return {"map.png": png}


def _write_html(data: _Data, folder: Path, html_map: str | None) -> dict[str, bytes]:
    del data, folder
    return {"map.html": inline_leaflet(html_map or "").encode("utf-8")}


def _manifest(data: _Data, wanted: tuple[str, ...], skipped: dict[str, str], members: dict[str, bytes]) -> dict:
    per_layer = {layer: int((data.exported["layer"] == layer).sum()) for layer in data.registry.ids("project")}
    return {
        "title": t("app.title", data.lang),
        "app": "hanoi-planning-map",
        "app_version": geo.__version__,
        "created": data.now.isoformat(timespec="seconds"),
        "as_of": data.as_of.isoformat(),
        "language": data.lang,
        "filters": data.choice.to_query_params(),
        "filters_text": data.filter_lines,
        "formats": list(wanted),
        "skipped": skipped,
        "crs": settings.CRS_STORE,
        "crs_note": f"Geometry is stored in {settings.CRS_STORE}; map.png is drawn in {settings.CRS_MEASURE} (true scale bar).",
        "counts": {
            "features": per_layer,
            "features_total": int(sum(per_layer.values())),
            "tasks": len(data.tasks_out),
            "tasks_on_map": int(data.tasks_out["on_map"].sum()),
        },
        "layers": {layer: data.registry.get(layer).label(data.lang) for layer in data.layers},
        "data_sha256": {_relative(path): sha256_of(path) for path in DATA_FILES if path.exists()},
        "licence": {
            "attribution": settings.OSM_ATTRIBUTION,
            "map_data": MAP_DATA_LICENCE,
            "schematic_geometry": SCHEMATIC_NOTE,
            "documents": "The Vietnamese legal texts are public documents.",
        },
        "notes": {
            "layers_omitted": "Layers with no visible feature have no table or file.",
            "feature_ids": "tasks.csv / tasks.xlsx list in feature_ids the features of this snapshot linked to each task.",
            "deadlines": "due_end_min, due_end_max, due_kinds and past_due_count are read from every task linked to the feature.",
        },
        "members": [*members, "manifest.json"],
        "member_sha256": {name: hashlib.sha256(payload).hexdigest() for name, payload in members.items()},
    }


# --- helpers -------------------------------------------------------------------------------------------------------

_LONG_TEXT = ("name", "name_en", "status_source", "geometry_source", "task_ids", "matched_task_ids")


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


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        msg = f"Unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}."
        raise UnknownValueError(msg)


def _report(progress: Callable[[float, str], None] | None, fraction: float, label: str) -> None:
    if progress:
        progress(min(1.0, max(0.0, fraction)), label)


def _task_rows(data: _Data) -> pd.DataFrame:
    table = data.tasks_out.loc[:, [*COLUMNS, *TASK_EXTRA_COLUMNS]].copy()
    for column in ("due_start", "due_end"):
        table[column] = table[column].map(lambda day: day.isoformat() if day else "")
    table["feature_ids"] = table["feature_ids"].map(_SEP.join)
    return table


def _joined(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    for column in ("task_ids", "matched_task_ids"):
        out[column] = out[column].map(_SEP.join)
    return out


def _shapefile_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = _joined(frame)
    for column in _LONG_TEXT:
        out[column] = out[column].map(_cut_utf8)
    return out.rename(columns=SHAPEFILE_FIELDS)


def _cut_utf8(text: str, limit: int = DBF_TEXT_BYTES) -> str:
    """Return `text` cut to at most `limit` UTF-8 bytes on a character boundary, ending with '…' when cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    cut = text.encode("utf-8")[: limit - len("…".encode())].decode("utf-8", errors="ignore")
    return cut + "…"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _day(day: date, lang: str) -> str:
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


def _layer_label(registry: Registry | None, layer: str, lang: str) -> str:
    if registry is None:
        return layer
    try:
        return registry.get(layer).label(lang)
    except KeyError:
        return layer


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(settings.ROOT).as_posix()
    except ValueError:
        return path.name


def _xml(text: object) -> str:
    return _ILLEGAL_XML.sub("", str(text))


def _xml_id(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else f"f_{cleaned}"


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return _ILLEGAL_XML.sub("", value)
    if isinstance(value, tuple):
        return _SEP.join(value)
    return value


def _k(tag: str) -> str:
    return f"{{{_KML_NS}}}{tag}"


def _kml_color(hex_color: str, alpha: float) -> str:
    """Return a KML colour (aabbggrr) from '#rrggbb'."""
    red, green, blue = hex_color[1:3], hex_color[3:5], hex_color[5:7]
    return f"{round(alpha * 255):02x}{blue}{green}{red}"


def _kml_geometry(geometry: shapely.Geometry) -> ET.Element:
    kind = geometry.geom_type
    if kind.startswith("Multi") or kind == "GeometryCollection":
        multi = ET.Element(_k("MultiGeometry"))
        for part in geometry.geoms:
            multi.append(_kml_geometry(part))
        return multi
    if kind == "Point":
        element = ET.Element(_k("Point"))
        ET.SubElement(element, _k("coordinates")).text = _kml_coords(geometry.coords)
        return element
    if kind in ("LineString", "LinearRing"):
        element = ET.Element(_k("LineString"))
        ET.SubElement(element, _k("tessellate")).text = "1"
        ET.SubElement(element, _k("coordinates")).text = _kml_coords(geometry.coords)
        return element
    element = ET.Element(_k("Polygon"))
    for tag, rings in (("outerBoundaryIs", [geometry.exterior]), ("innerBoundaryIs", list(geometry.interiors))):
        for ring in rings:
            boundary = ET.SubElement(element, _k(tag))
            linear = ET.SubElement(boundary, _k("LinearRing"))
            ET.SubElement(linear, _k("coordinates")).text = _kml_coords(ring.coords)
    return element


def _kml_coords(coords: Iterable[tuple[float, ...]]) -> str:
    return " ".join(f"{c[0]:.7f},{c[1]:.7f}" for c in coords)


def layer_geojson_bytes(choice: TaskFilter, layer: str) -> bytes:
    """Return one layer of the snapshot of `choice` as GeoJSON bytes (the quick single-layer export).

    Raises
    ------
    UnknownValueError
        If `layer` is not a project layer.
    """
    registry = load_registry()
    if layer not in registry.ids("project"):
        msg = f"Unknown layer {layer!r}; known layers: {list(registry.ids('project'))}."
        raise UnknownValueError(msg)
    tasks = load_register()
    matched = apply_filter(tasks, choice, load_agencies())
    visible = visible_features(load_features(), matched.index, choice)
    frame = export_features(visible[visible["layer"] == layer], tasks, matched.index, as_of=choice.as_of_or_today())
    collection = json.loads(frame.to_json(drop_id=True))
    collection["attribution"] = MAP_DATA_LICENCE
    collection["filters"] = choice.to_query_params()
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")
