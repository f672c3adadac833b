"""Place filters: wards/communes, a radius around a point, a drawn polygon (measured in EPSG:32648).

The choice carries them as text (so a URL can): ``wards`` are unit names,
``near`` is ``"lat,lon,radius_m"`` and ``within`` is ``"lon lat;lon lat;..."``
(a polygon's ring). :func:`place_area` turns them into one geometry;
a feature is in the place when it intersects it.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import shapely

from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError, problem

MAX_POLYGON_VERTICES = 500
NEAR_RADIUS_MAX_M = 20_000.0


def parse_near(text: str) -> tuple[float, float, float]:
    """Return (lat, lon, radius_m) of ``"lat,lon,radius_m"``; raise InvalidArgumentError when malformed or out of range."""
    try:
        lat, lon, radius = (float(part) for part in text.split(","))
    except ValueError as error:
        raise problem(InvalidArgumentError, "err.near_format", text=text) from error
    west, south, east, north = settings.REGION_BOUNDS_4326
    if not (south <= lat <= north and west <= lon <= east):
        raise problem(InvalidArgumentError, "err.near_region", lat=lat, lon=lon)
    if not 0 < radius <= NEAR_RADIUS_MAX_M:
        raise problem(InvalidArgumentError, "err.near_radius", limit=NEAR_RADIUS_MAX_M, radius=radius)
    return lat, lon, radius


def parse_within(text: str) -> shapely.Polygon:
    """Return the polygon (EPSG:4326) of ``"lon lat;lon lat;..."``; raise InvalidArgumentError when it is not a usable area."""
    try:
        points = [tuple(float(value) for value in pair.split()) for pair in text.split(";") if pair.strip()]
    except ValueError as error:
        raise problem(InvalidArgumentError, "err.within_format") from error
    if len(points) < 3 or any(len(point) != 2 for point in points):
        raise problem(InvalidArgumentError, "err.within_corners")
    if len(points) > MAX_POLYGON_VERTICES:
        raise problem(InvalidArgumentError, "err.within_too_many", n=len(points), limit=MAX_POLYGON_VERTICES)
    polygon = shapely.Polygon(points)
    west, south, east, north = settings.REGION_BOUNDS_4326
    if not shapely.box(west, south, east, north).contains(polygon):
        raise problem(InvalidArgumentError, "err.within_region")
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
    if polygon.area == 0:
        raise problem(InvalidArgumentError, "err.within_no_area")
    return polygon


def format_within(polygon: shapely.Geometry) -> str:
    """Return a polygon's exterior ring as ``"lon lat;lon lat;..."`` rounded to 1e-5 degrees (about 1 m)."""
    ring = polygon.exterior.coords if hasattr(polygon, "exterior") else shapely.get_coordinates(polygon)
    return ";".join(f"{x:.5f} {y:.5f}" for x, y in list(ring)[:-1])


def place_area(*, wards: Sequence[str] = (), near: str = "", within: str = "", units: gpd.GeoDataFrame) -> shapely.Geometry | None:
    """Return the place asked for as one geometry in EPSG:32648 (the intersection of the given parts), or None.

    Raises
    ------
    UnknownValueError
        If a ward name is not one of `units`' names.
    InvalidArgumentError
        If `near` or `within` is malformed.
    """
    parts = []
    if wards:
        unknown = sorted(set(wards) - set(units["name"]))
        if unknown:
            raise problem(UnknownValueError, "err.unknown_wards", names=unknown)
        chosen = units[units["name"].isin(wards)].to_crs(settings.CRS_MEASURE)
        parts.append(shapely.union_all(chosen.geometry.values))
    if near:
        lat, lon, radius = parse_near(near)
        point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).iloc[0]
        parts.append(point.buffer(radius, quad_segs=32))
    if within:
        polygon = parse_within(within)
        parts.append(gpd.GeoSeries([polygon], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).iloc[0])
    if not parts:
        return None
    area = parts[0]
    for part in parts[1:]:
        area = area.intersection(part)
    return area


def in_place(features: gpd.GeoDataFrame, area: shapely.Geometry) -> gpd.GeoDataFrame:
    """Return the features (any CRS) that intersect `area` (EPSG:32648), index kept."""
    projected = features.geometry.to_crs(settings.CRS_MEASURE)
    keep = projected.intersects(area)
    return features.loc[keep.to_numpy()]
