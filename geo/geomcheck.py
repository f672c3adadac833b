"""Is an uploaded or drawn geometry fit to be a feature of a layer? Type, validity and place, checked in EPSG:4326.

:func:`check_geometry` returns a :class:`GeometryCheck` instead of raising, so a page can show every problem
and offer the repaired shape of an invalid geometry (never applied silently); :func:`raise_for` turns it into
an error for the command line. Reading files is :mod:`geo.geomfile`'s job.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pyproj
import shapely

from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError, problem

__all__ = ["LAYER_GEOMETRIES", "GeometryCheck", "check_geometry", "raise_for", "swap_xy"]

LAYER_GEOMETRIES: Final[dict[str, tuple[str, ...]]] = {
    "point": ("Point",),
    "line": ("LineString", "MultiLineString"),
    "polygon": ("Polygon", "MultiPolygon"),
}  # the `geometry` of a layer in data/layers.json -> the geometry types its features may have
_EXPECTED: Final[dict[str, str]] = {"point": "Point", "line": "LineString or MultiLineString", "polygon": "Polygon or MultiPolygon"}
_PARTS: Final[dict[str, str]] = {"point": "Point", "line": "LineString", "polygon": "Polygon"}


@dataclass(frozen=True)
class GeometryCheck:
    """The verdict on a geometry for a layer.

    Attributes
    ----------
    geometry : shapely.Geometry or None
        The geometry to save (2D, EPSG:4326); None when refused.
    repaired : shapely.Geometry or None
        When the input was invalid: the repaired shape to offer the user (kept to the layer's type), else None.
        Still set when the repair was accepted (then it is also `geometry`).
    problems : tuple of str
        Catalogue keys of the reasons for refusal, the main one first; empty when the geometry is fit.
    message : str
        English text of the first problem; ``""`` when fit.
    values : dict
        The values of the problems' messages (``t(key, lang, **values)`` for any of them).
    """

    geometry: shapely.Geometry | None
    repaired: shapely.Geometry | None = None
    problems: tuple[str, ...] = ()
    message: str = ""
    values: dict = field(default_factory=dict)


def check_geometry(
    geometry: shapely.Geometry | None,
    *,
    layer_geometry: str,
    boundary_4326: shapely.Geometry | None = None,
    tolerance_m: float = settings.BOUNDARY_TOLERANCE_M,
    accept_repair: bool = False,
) -> GeometryCheck:
    """Check that `geometry` (EPSG:4326, x = longitude) can be a feature of a layer of `layer_geometry`.

    Z and M are dropped. The type must fit the layer: a point layer takes a Point (a MultiPoint of one point
    is taken as that Point), a line layer a LineString or MultiLineString, a polygon layer a Polygon or
    MultiPolygon. A GeometryCollection whose non-empty parts all fit is merged: one part is taken as itself,
    several lines or polygons become a MultiLineString or MultiPolygon (several points stay refused: a point
    layer holds one point). Then: coordinates must be finite; a line needs 2 distinct points and a polygon an
    area; an invalid geometry is refused with the repaired shape offered (``shapely.make_valid``, structure
    method, keeping only the layer's type), accepted instead when `accept_repair`; the geometry must lie
    within :data:`geo.settings.REGION_BOUNDS_4326` and, when `boundary_4326` is given, within `tolerance_m` of
    it (measured in :data:`geo.settings.CRS_MEASURE`). Outside, when the geometry with x and y swapped would
    fit, the problem is ``err.geom_swapped`` (latitude/longitude in the wrong order).

    Parameters
    ----------
    geometry : shapely.Geometry or None
        The candidate geometry, EPSG:4326.
    layer_geometry : str
        ``"point"``, ``"line"`` or ``"polygon"`` (the layer's ``geometry`` in data/layers.json).
    boundary_4326 : shapely.Geometry or None
        The city boundary, EPSG:4326; None checks only the region's bounds.
    tolerance_m : float
        How far outside the boundary a geometry may reach, metres.
    accept_repair : bool
        Accept the repaired shape of an invalid geometry.

    Returns
    -------
    GeometryCheck

    Raises
    ------
    UnknownValueError
        If `layer_geometry` is not one of the three.
    """
    if layer_geometry not in LAYER_GEOMETRIES:
        raise problem(UnknownValueError, "err.geom_layer_kind", value=layer_geometry, allowed=", ".join(LAYER_GEOMETRIES))
    expected = _EXPECTED[layer_geometry]
    if geometry is None or shapely.is_missing(geometry) or geometry.is_empty:
        return _refused((("err.geom_empty", {"expected": expected}),))
    geometry = _fit_type(shapely.force_2d(geometry), layer_geometry)
    if geometry.geom_type not in LAYER_GEOMETRIES[layer_geometry]:
        return _refused((("err.geom_wrong_type", {"expected": expected, "found": _described(geometry)}),))
    coords = shapely.get_coordinates(geometry)
    bad = int((~np.isfinite(coords)).any(axis=1).sum())
    if bad:
        return _refused((("err.geom_not_finite", {"bad": bad}),))
    found: list[tuple[str, dict]] = []
    repaired = None
    lines = shapely.get_parts(geometry) if layer_geometry == "line" else []
    if any(len(np.unique(shapely.get_coordinates(line), axis=0)) < 2 for line in lines):
        found.append(("err.geom_too_few_points", {}))
    elif not shapely.is_valid(geometry):
        reason = shapely.is_valid_reason(geometry)
        repaired = _repaired(geometry, layer_geometry)
        if repaired is None and layer_geometry == "polygon":
            found.append(("err.geom_no_area", {}))  # nothing with an area is left once repaired: corners repeat or lie on a line
        elif repaired is None:
            found.append(("err.geom_unrepairable", {"reason": reason, "expected": expected}))
        elif accept_repair:
            geometry = repaired  # `repaired` stays set: the caller sees that a repair was accepted
        else:
            found.append(("err.geom_invalid", {"reason": reason}))
    found.extend(_place_problems(geometry, boundary_4326, tolerance_m))
    if found:
        return _refused(tuple(found), repaired)
    return GeometryCheck(geometry=geometry)


def raise_for(check: GeometryCheck) -> shapely.Geometry:
    """Return the checked geometry, or raise the check's main problem.

    Raises
    ------
    InvalidArgumentError
        If the check found a problem; the message is the first problem's, in the catalogue's words.
    """
    if check.problems or check.geometry is None:
        raise problem(InvalidArgumentError, check.problems[0] if check.problems else "err.geom_empty", **check.values)
    return check.geometry


def swap_xy(geometry: shapely.Geometry) -> shapely.Geometry:
    """Return `geometry` with x and y exchanged (latitude/longitude read the other way round), 2D."""
    return shapely.transform(geometry, lambda xy: xy[:, ::-1])


def _refused(found: tuple[tuple[str, dict], ...], repaired: shapely.Geometry | None = None) -> GeometryCheck:
    from geo.i18n import t

    values: dict = {}
    for _, more in found:
        values.update(more)
    keys = tuple(key for key, _ in found)
    return GeometryCheck(geometry=None, repaired=repaired, problems=keys, message=t(keys[0], "en", **values), values=values)


def _fit_type(geometry: shapely.Geometry, layer_geometry: str) -> shapely.Geometry:
    """Return a MultiPoint of one point as that Point, and a collection whose parts all fit merged; else as given."""
    if layer_geometry == "point" and geometry.geom_type == "MultiPoint" and shapely.get_num_geometries(geometry) == 1:
        return shapely.get_geometry(geometry, 0)
    if geometry.geom_type != "GeometryCollection":
        return geometry
    parts = [part for part in _flat_parts(geometry) if not part.is_empty]
    if not parts or any(part.geom_type != _PARTS[layer_geometry] for part in parts):
        return geometry
    if len(parts) == 1:
        return parts[0]
    if layer_geometry == "point":
        return shapely.MultiPoint(parts)  # refused: a point layer holds one point
    return shapely.MultiLineString(parts) if layer_geometry == "line" else shapely.MultiPolygon(parts)


def _flat_parts(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    parts = shapely.get_parts(geometry)
    if len(parts) == 1 and parts[0].geom_type == geometry.geom_type:
        return [geometry]
    return [piece for part in parts for piece in _flat_parts(part)]


def _described(geometry: shapely.Geometry) -> str:
    if geometry.geom_type == "GeometryCollection":
        kinds = dict.fromkeys(part.geom_type for part in _flat_parts(geometry) if not part.is_empty)
        return f"GeometryCollection ({', '.join(kinds)})"
    count = shapely.get_num_geometries(geometry)
    return f"{geometry.geom_type} ({count} parts)" if geometry.geom_type.startswith("Multi") else geometry.geom_type


def _repaired(geometry: shapely.Geometry, layer_geometry: str) -> shapely.Geometry | None:
    fixed = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
    kind = _PARTS[layer_geometry]
    parts = [part for part in _flat_parts(fixed) if part.geom_type == kind and not part.is_empty]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    merged = shapely.MultiLineString(parts) if kind == "LineString" else shapely.MultiPolygon(parts)
    return merged if merged.is_valid or kind != "Polygon" else shapely.union_all(parts)


def _place_problems(geometry: shapely.Geometry, boundary_4326: shapely.Geometry | None, tolerance_m: float) -> list[tuple[str, dict]]:
    west, south, east, north = settings.REGION_BOUNDS_4326
    region = shapely.box(west, south, east, north)
    zone = _zone(boundary_4326, tolerance_m) if boundary_4326 is not None else None

    def fits(candidate: shapely.Geometry) -> bool:
        return bool(region.covers(candidate) and (zone is None or zone.covers(_to_measure(candidate))))

    if fits(geometry):
        return []
    coords = shapely.get_coordinates(geometry)
    if fits(swap_xy(geometry)):
        x, y = coords[0]
        return [("err.geom_swapped", {"x": float(x), "y": float(y)})]
    outside = ~shapely.covers(region, shapely.points(coords))
    if outside.any():
        x, y = coords[np.flatnonzero(outside)[0]]
        return [("err.geom_outside", {"x": float(x), "y": float(y), "west": west, "south": south, "east": east, "north": north})]
    beyond = _to_measure(geometry).difference(zone).segmentize(50.0)  # the part farther than the tolerance, every 50 m
    distance_m = float(shapely.distance(_to_measure(boundary_4326), shapely.points(shapely.get_coordinates(beyond))).max())
    return [("err.geom_far", {"distance_km": distance_m / 1000, "tolerance_km": tolerance_m / 1000})]


@functools.lru_cache(maxsize=4)
def _zone(boundary_4326: shapely.Geometry, tolerance_m: float) -> shapely.Geometry:
    """Return the boundary buffered by the tolerance in metres, prepared (buffering the city's outline costs ~45 ms: once)."""
    zone = _to_measure(boundary_4326).buffer(tolerance_m)
    shapely.prepare(zone)
    return zone


@functools.lru_cache(maxsize=1)
def _measure_transformer() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(settings.CRS_STORE, settings.CRS_MEASURE, always_xy=True)


def _to_measure(geometry: shapely.Geometry) -> shapely.Geometry:
    transformer = _measure_transformer()
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
