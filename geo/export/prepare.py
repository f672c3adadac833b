"""The snapshot's prepared data: what every writer reads, computed once from a view.

:class:`SnapshotData` carries the view, the exported feature table
(:data:`FEATURE_COLUMNS`), the features that can be drawn or written as
geometry, and the reasons for those that cannot. Writers (``gpkg``, ``geojson``,
``kml``, ``shapefile``, ``csv``, ``xlsx``, ``png``, ``html``) take it and return
``{member name: bytes}``.

Geometry policy, the same for every geometry writer (GeoPackage, GeoJSON, KML,
Shapefile, PNG):

- a feature without a geometry (None) or with an empty one is not written; its
  id and the reason are recorded in the manifest (``geometry.skipped``); its
  task links stay in ``tasks.csv`` (``feature_ids``);
- Z coordinates are dropped (the export is 2D EPSG:4326, whose heights have no
  vertical datum here); each such feature is listed in ``geometry.converted``;
- polygons keep their holes, multi-geometries stay multi, and a
  GeometryCollection is written as it is where the format holds one
  (GeoPackage, GeoJSON, KML ``MultiGeometry``, drawn part by part on the PNG);
  the Shapefile writer splits it by geometry type (see :mod:`geo.export.shapefile`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import shapely

from geo.layer_specs import Registry
from geo.text import join_ids
from geo.view import View

# Properties of every exported feature, in this order (same set for every layer and format).
FEATURE_COLUMNS: Final[tuple[str, ...]] = (
    "id", "layer", "name", "name_en", "status", "status_source", "status_date",
    "geometry_quality", "geometry_source", "task_ids", "matched_task_ids", "task_count",
    "due_end_min", "due_end_max", "due_kinds", "past_due_count",
)  # fmt: skip
TASK_EXTRA_COLUMNS: Final[tuple[str, ...]] = (
    "past_due", "feature_ids", "on_map", "progress_category", "progress_status", "progress_percent", "progress_reported_on",
    "progress_completed_on", "progress_reporter", "progress_results", "progress_difficulties", "progress_proposals",
)  # fmt: skip
GEOMETRY_FORMATS: Final[tuple[str, ...]] = ("gpkg", "geojson", "kml", "shp", "png")
NO_GEOMETRY: Final[str] = "no geometry (None): nothing to draw or write"
EMPTY_GEOMETRY: Final[str] = "empty geometry: nothing to draw or write"
Z_DROPPED: Final[str] = "Z coordinates dropped: the export is 2D (EPSG:4326)"
Z_POLICY: Final[str] = (
    "Every geometry is written in 2D: Z coordinates are dropped (EPSG:4326 carries no vertical datum here); "
    "the features concerned are listed under converted."
)

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FAMILY: Final[dict[str, str]] = {
    "Point": "point", "MultiPoint": "point",
    "LineString": "line", "MultiLineString": "line", "LinearRing": "line",
    "Polygon": "polygon", "MultiPolygon": "polygon",
}  # fmt: skip
_MULTI = {"point": shapely.MultiPoint, "line": shapely.MultiLineString, "polygon": shapely.MultiPolygon}
FAMILIES: Final[tuple[str, ...]] = ("point", "line", "polygon")


@dataclass(frozen=True)
class SnapshotData:
    """What the writers of one snapshot read.

    Attributes
    ----------
    view : geo.view.View
        The planner's view (tasks, features, counts, wording).
    lang : str
        "vi" or "en".
    now : datetime.datetime
        Creation time of the snapshot.
    exported : geopandas.GeoDataFrame
        Every visible feature with :data:`FEATURE_COLUMNS` and its geometry as stored (EPSG:4326).
    mapped : geopandas.GeoDataFrame
        The rows of `exported` that have a geometry, in 2D: what geometry writers write.
    skipped : dict of str to str
        Feature id to the reason it has no place in a geometry file.
    converted : dict of str to str
        Feature id to what was changed in its geometry (Z dropped).
    scratch : pathlib.Path
        A folder for writers that need files (GeoPackage, Shapefile); removed after the snapshot.
    html_map : str or None
        The rendered HTML map given by the caller.
    """

    view: View
    lang: str
    now: datetime
    exported: gpd.GeoDataFrame
    mapped: gpd.GeoDataFrame
    skipped: dict[str, str]
    converted: dict[str, str]
    scratch: Path
    html_map: str | None = None

    @property
    def as_of(self) -> date:
        """Return the day against which deadlines are judged."""
        return self.view.as_of

    @property
    def registry(self) -> Registry:
        """Return the layer registry."""
        return self.view.data.registry

    @property
    def tasks(self) -> pd.DataFrame:
        """Return the matching tasks with ``past_due``, ``feature_ids`` and ``on_map``."""
        return self.view.tasks

    @property
    def tasks_total(self) -> int:
        """Return the number of tasks in the register."""
        return len(self.view.data.tasks)

    @property
    def filter_lines(self) -> list[str]:
        """Return the filter in words, in the snapshot's language."""
        return self.view.summary(self.lang)

    def layers(self) -> tuple[str, ...]:
        """Return the project layers with a feature to write, in registry order."""
        shown = set(self.mapped["layer"])
        return tuple(layer for layer in self.view.layers() if layer in shown)

    def layer_frame(self, layer: str) -> gpd.GeoDataFrame:
        """Return the features of `layer` that have a geometry (2D, EPSG:4326)."""
        return self.mapped[self.mapped["layer"] == layer]


def mappable(exported: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, str], dict[str, str]]:
    """Split the exported features into those geometry writers write (in 2D) and the reasons for the others.

    Parameters
    ----------
    exported : geopandas.GeoDataFrame
        Features with :data:`FEATURE_COLUMNS` and their geometry.

    Returns
    -------
    mapped : geopandas.GeoDataFrame
        Rows with a non-empty geometry, Z dropped; index kept.
    skipped : dict of str to str
        Feature id to the reason it is left out (None or empty geometry).
    converted : dict of str to str
        Feature id to the change made (Z dropped).
    """
    geometries = exported.geometry.to_numpy()
    missing = shapely.is_missing(geometries)
    empty = ~missing & shapely.is_empty(geometries)
    skipped = {str(fid): NO_GEOMETRY for fid in exported.loc[missing, "id"]}
    skipped |= {str(fid): EMPTY_GEOMETRY for fid in exported.loc[empty, "id"]}
    keep = ~(missing | empty)
    mapped = exported.loc[keep]
    with_z = shapely.has_z(mapped.geometry.to_numpy())
    converted = {str(fid): Z_DROPPED for fid in mapped.loc[with_z, "id"]}
    if with_z.any():
        mapped = mapped.set_geometry(shapely.force_2d(mapped.geometry.to_numpy()), crs=exported.crs)
    return mapped, skipped, converted


def geometry_family(geometry: shapely.Geometry | None) -> str:
    """Return "point", "line" or "polygon" for a geometry ("" for None, an empty geometry or a collection)."""
    if geometry is None or geometry.is_empty:
        return ""
    return _FAMILY.get(geometry.geom_type, "")


def parts_by_family(geometry: shapely.Geometry | None) -> dict[str, shapely.Geometry]:
    """Return the parts of `geometry` by family ("point", "line", "polygon"), collections opened.

    A single-family geometry is returned as it is; the parts of a
    GeometryCollection of one family are gathered into one multi-geometry.
    Empty parts are dropped; None or an empty geometry gives ``{}``.
    """
    if geometry is None or geometry.is_empty:
        return {}
    family = _FAMILY.get(geometry.geom_type)
    if family:
        return {family: geometry}
    found: dict[str, list[shapely.Geometry]] = {}
    for part in geometry.geoms:
        for kind, piece in parts_by_family(part).items():
            found.setdefault(kind, []).extend(getattr(piece, "geoms", [piece]))
    return {kind: found[kind][0] if len(found[kind]) == 1 else _MULTI[kind](found[kind]) for kind in FAMILIES if kind in found}


def joined_lists(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of `frame` with the id lists (``task_ids``, ``matched_task_ids``) joined into one cell."""
    out = frame.copy()
    for column in ("task_ids", "matched_task_ids"):
        out[column] = out[column].map(join_ids)
    return out


def xml_text(text: object) -> str:
    """Return `text` as str without the control characters XML 1.0 forbids."""
    return _ILLEGAL_XML.sub("", str(text))


def text_of(value: object) -> str:
    """Return `value` as str ("" for None or NaN)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)
