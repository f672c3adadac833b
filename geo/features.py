"""Project features (data/projects.geojson): load and check.

Every feature carries ``id``, ``layer``, ``name``, ``name_en``, ``status`` with
``status_source``, and its provenance: ``geometry_quality`` (``osm`` |
``sourced`` | ``schematic``; planners' edits in the store add ``surveyed`` and ``edited``) and
``geometry_source``. Its links to tasks are
kept apart, in ``data/links.csv`` (:mod:`geo.links`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings
from geo.errors import DataFileError

REQUIRED_PROPERTIES = (
    "id", "layer", "name", "name_en", "status", "status_source", "geometry_quality", "geometry_source",
)  # fmt: skip
OPENS_KINDS = ("actual", "target")
DATE_PRECISIONS = ("day", "month", "quarter", "year")
# what makes a status or date source a citation: a web address, a site, a source document of the register, OpenStreetMap
_CITED = re.compile(
    r"https?://|www\.|\b[\w-]+\.(?:vn|com|org|net|gov|edu|jp|fr|info|co\.jp)\b|wikipedia|\bKH-DU-2026\b|\bKH-183-2021\b"
    r"|\bCTr-NQ02-2026\b|\bKH-57-TU-2026\b|OpenStreetMap|\bOSM\b|source document|eAIP|\bAIP\b",
    re.IGNORECASE,
)


def load_features(path: Path | str = settings.PROJECTS_GEOJSON) -> gpd.GeoDataFrame:
    """Load the project features.

    Parameters
    ----------
    path : pathlib.Path or str
        A GeoJSON FeatureCollection in EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by feature ``id`` (EPSG:4326); no task links (see :func:`geo.links.attach_links`).

    Raises
    ------
    DataFileError
        If the file is missing, not GeoJSON, or a feature lacks ``id``.
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        features = raw["features"]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as error:
        msg = f"{path}: cannot read the project features ({type(error).__name__}: {error})."
        raise DataFileError(msg) from error
    return features_from_geojson(features, source=str(path))


def features_from_geojson(features: Iterable[dict], *, source: str = "features") -> gpd.GeoDataFrame:
    """Build the feature frame from GeoJSON feature dicts (see :func:`load_features`).

    A geometry that cannot be parsed becomes ``None`` and is reported by
    :func:`feature_problems`; it never raises.
    """
    rows, geometries = [], []
    for number, feature in enumerate(features, start=1):
        props = dict(feature.get("properties") or {})
        if not props.get("id"):
            msg = f"{source}: feature #{number} has no 'id' property."
            raise DataFileError(msg)
        try:
            geometries.append(shapely.geometry.shape(feature["geometry"]) if feature.get("geometry") else None)
        except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.ShapelyError):
            geometries.append(None)
        rows.append(props)
    frame = pd.DataFrame(rows)
    for column in REQUIRED_PROPERTIES:
        if column not in frame.columns:
            frame[column] = None
    gdf = gpd.GeoDataFrame(frame, geometry=geometries, crs=settings.CRS_STORE)
    return gdf.set_index("id", drop=False)


def feature_problems(
    features: gpd.GeoDataFrame,
    *,
    layer_ids: Iterable[str],
    boundary_4326: shapely.Geometry,
    tolerance_m: float = settings.BOUNDARY_TOLERANCE_M,
    layer_statuses: Mapping[str, Iterable[str]] | None = None,
) -> list[tuple[str, str, str]]:
    """Check features; return (severity, feature id, message) triples.

    Errors: missing or invalid geometry, repeated id, a layer not in the
    registry, a missing required property, an unknown status or geometry
    quality, a status its layer does not allow (`layer_statuses`, from
    ``data/layers.json``: a river is never "operating"), a malformed date or
    ``opens_kind``, a ``part_of`` naming no feature, a ``task_ids`` property
    (links belong in data/links.csv), a feature farther than `tolerance_m`
    from the city boundary (measured in EPSG:32648). Warnings: a name carrying
    a note in brackets (notes belong in ``note``).
    """
    known_layers = set(layer_ids)
    allowed = {layer: tuple(statuses) for layer, statuses in (layer_statuses or {}).items()}
    problems: list[tuple[str, str, str]] = []
    if "task_ids" in features.columns:
        problems.append(("error", "data/projects.geojson", "features carry 'task_ids'; links belong in data/links.csv"))
    ids = features["id"].astype(str)
    known_ids = set(ids)
    for feature_id in sorted(set(ids[ids.duplicated()])):
        problems.append(("error", feature_id, "id is not unique"))
    zone = gpd.GeoSeries([boundary_4326], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).buffer(tolerance_m).iloc[0]
    projected = features.geometry.to_crs(settings.CRS_MEASURE)
    for position, (feature_id, row) in enumerate(features.iterrows()):
        geometry = row.geometry
        for prop in REQUIRED_PROPERTIES:
            value = row.get(prop)
            if (value is None or (isinstance(value, float) and pd.isna(value)) or value == ""):
                problems.append(("error", feature_id, f"required property {prop!r} is missing"))
        if not isinstance(geometry, shapely.Geometry) or geometry.is_empty:
            problems.append(("error", feature_id, "geometry is missing or empty"))
            continue
        if not geometry.is_valid:
            problems.append(("error", feature_id, f"invalid geometry: {shapely.is_valid_reason(geometry)}"))
        if row.get("layer") not in known_layers:
            problems.append(("error", feature_id, f"layer {row.get('layer')!r} is not in data/layers.json"))
        if row.get("status") not in settings.STATUSES:
            problems.append(("error", feature_id, f"status {row.get('status')!r} is not one of {settings.STATUSES}"))
        elif row.get("layer") in allowed and row.get("status") not in allowed[row.get("layer")]:
            problems.append((
                "error", feature_id,
                f"status {row.get('status')!r} is not a status of layer {row.get('layer')!r} "
                f"(data/layers.json allows {', '.join(allowed[row.get('layer')])})",
            ))  # fmt: skip
        problems.extend(("error", feature_id, message) for message in _date_problems(row))
        part_of = _text(row.get("part_of"))
        if part_of and part_of not in known_ids:
            problems.append(("error", feature_id, f"part_of {part_of!r} is not a feature id"))
        if "(" in _text(row.get("name")):
            problems.append(("warning", feature_id, f"name {row.get('name')!r} carries a note in brackets; move it to 'note'"))
        if row.get("geometry_quality") not in settings.GEOMETRY_QUALITIES:
            problems.append(("error", feature_id, f"geometry_quality {row.get('geometry_quality')!r} is unknown"))
        if not zone.contains(projected.iloc[position]):
            problems.append(("error", feature_id, f"lies outside the city boundary buffered by {tolerance_m / 1000:g} km"))
    return problems


def undocumented_facts(features: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the features whose status or dates have no source, one row per missing piece.

    A status needs a cited source (a web address or site, a source document of
    the register, OpenStreetMap) and the date at which that source says it held
    (``status_date``); each ``construction_start`` and ``opens`` needs its own
    cited source.

    Returns
    -------
    pandas.DataFrame
        Columns ``feature_id``, ``layer`` and ``what`` (``status source``,
        ``status date``, ``construction_start source``, ``opens source``).
    """
    rows = []
    for feature_id, row in features.iterrows():
        missing = []
        if not _CITED.search(_text(row.get("status_source"))):
            missing.append("status source")
        if not _text(row.get("status_date")):
            missing.append("status date")
        for field in ("construction_start", "opens"):
            if _text(row.get(field)) and not _CITED.search(_text(row.get(f"{field}_source"))):
                missing.append(f"{field} source")
        rows.extend({"feature_id": feature_id, "layer": row.get("layer"), "what": what} for what in missing)
    return pd.DataFrame(rows, columns=["feature_id", "layer", "what"])


def dated_features(features: gpd.GeoDataFrame) -> pd.Series:
    """Return per layer how many project features carry ``construction_start``, ``opens`` or neither.

    Returns
    -------
    pandas.Series
        Indexed by ``(layer, kind)`` with kind ``construction_start``, ``opens``
        (actual or target) and ``no date``.
    """
    counts: dict[tuple[str, str], int] = {}
    for _, row in features.iterrows():
        kinds = [field for field in ("construction_start", "opens") if _text(row.get(field))] or ["no date"]
        for kind in kinds:
            key = (str(row.get("layer")), kind)
            counts[key] = counts.get(key, 0) + 1
    return pd.Series(counts, dtype=int).sort_index()


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date_problems(row: pd.Series) -> list[str]:
    messages = []
    for field in ("construction_start", "opens"):
        value = _text(row.get(field))
        if not value:
            continue
        try:
            date.fromisoformat(value)
        except ValueError:
            messages.append(f"{field} {value!r} is not an ISO date (YYYY-MM-DD)")
        precision = _text(row.get(f"{field}_precision"))
        if precision and precision not in DATE_PRECISIONS:
            messages.append(f"{field}_precision {precision!r} is not one of {DATE_PRECISIONS}")
    kind = _text(row.get("opens_kind"))
    if _text(row.get("opens")) and kind not in OPENS_KINDS:
        messages.append(f"opens_kind {kind!r} is not one of {OPENS_KINDS}")
    return messages
