"""Project features (data/projects.geojson): load and check.

Every feature carries ``id``, ``layer``, ``name``, ``name_en``, ``status`` with
``status_source``, and its provenance: ``geometry_quality`` (``osm`` |
``sourced`` | ``schematic``) and ``geometry_source``. Its links to tasks are
kept apart, in ``data/links.csv`` (:mod:`geo.links`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings
from geo.errors import DataFileError
from geo.text import fold

REQUIRED_PROPERTIES = (
    "id", "layer", "name", "name_en", "status", "status_source", "geometry_quality", "geometry_source",
)  # fmt: skip


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
) -> list[tuple[str, str, str]]:
    """Check features; return (severity, feature id, message) triples.

    Errors: missing or invalid geometry, repeated id, a layer not in the
    registry, a missing required property, an unknown status or geometry
    quality, a ``task_ids`` property (links belong in data/links.csv), a feature
    farther than `tolerance_m` from the city boundary (measured in EPSG:32648).
    """
    known_layers = set(layer_ids)
    problems: list[tuple[str, str, str]] = []
    if "task_ids" in features.columns:
        problems.append(("error", "data/projects.geojson", "features carry 'task_ids'; links belong in data/links.csv"))
    ids = features["id"].astype(str)
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
        if row.get("geometry_quality") not in settings.GEOMETRY_QUALITIES:
            problems.append(("error", feature_id, f"geometry_quality {row.get('geometry_quality')!r} is unknown"))
        if not zone.contains(projected.iloc[position]):
            problems.append(("error", feature_id, f"lies outside the city boundary buffered by {tolerance_m / 1000:g} km"))
    return problems


def tasks_naming_places_without_feature(tasks: pd.DataFrame, linked_task_ids: Iterable[str], terms: Iterable[str]) -> pd.DataFrame:
    """Return register tasks whose text names a place (one of `terms`, folded) and that no feature links.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The register.
    linked_task_ids : iterable of str
        Ids of the tasks some feature links (``data/links.csv``).
    terms : iterable of str
        Folded place words, e.g. "vanh dai", "cau tu lien".

    Returns
    -------
    pandas.DataFrame
        The matching task rows plus a ``term`` column naming the first place word found.
    """
    linked = set(linked_task_ids)
    terms = tuple(terms)
    found = tasks["task"].map(lambda text: next((term for term in terms if term in fold(text)), ""))
    keep = (found != "") & ~tasks.index.isin(linked)
    return tasks.loc[keep].assign(term=found[keep])
