"""Station catchments below the TOD measure: which stations, which study area, which circles.

Shared by :mod:`geo.tod` (coverage) and :mod:`geo.walk` (walking catchments), so
neither imports the other's internals. Circles are built in EPSG:32648 (metres).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import geopandas as gpd
import shapely

from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError, problem

QUAD_SEGS = 32  # 128-gon circles: area within 0.05% of pi r^2
STUDY_AREAS = ("city", "urban", "inside_vd3")
LINE_GROUPS = {"3": ("3-elevated", "3-underground")}


def expand_lines(lines: Sequence[str], known: Sequence[str]) -> tuple[str, ...]:
    """Return line ids for the user's list: "3" means both sections of line 3; unknown ids raise.

    Raises
    ------
    UnknownValueError
        If a line is not among `known` (after expanding groups).
    """
    out: list[str] = []
    for line in lines:
        line = line.strip()
        members = LINE_GROUPS.get(line, (line,))
        for member in members:
            if member not in known:
                msg = f"Unknown metro line {line!r}; known lines: {sorted(set(known))} (and '3' for both sections of line 3)."
                raise UnknownValueError(msg)
            if member not in out:
                out.append(member)
    return tuple(out)


def select_stations(
    features: gpd.GeoDataFrame, *, lines: Sequence[str] = (), open_by: date | None = None, include_estimates: bool = False
) -> gpd.GeoDataFrame:
    """Return the metro stations of `lines` open by `open_by` (EPSG:4326), one row per site.

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        The project features.
    lines : sequence of str
        Line ids ("2A", "3", "3-elevated", ...); empty means all lines.
    open_by : datetime.date or None
        Keep stations whose ``opens`` date (actual or target) is on or before this day;
        None keeps all stations with a date.
    include_estimates : bool
        Also keep stations of lines with no opening date (planned lines, schematic
        positions), flagged ``estimate=True``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``line``, ``name``, ``opens``, ``estimate`` plus the feature's; index kept.
    """
    stations = features[features["layer"] == "metro_station"]
    if lines:
        stations = stations[stations["line"].isin(expand_lines(lines, stations["line"].unique()))]
    opens = stations["opens"].fillna("").map(lambda text: date.fromisoformat(text) if text else None)
    dated = opens.notna()
    keep = opens.map(lambda day: day is not None and (open_by is None or day <= open_by))
    if include_estimates:
        keep |= ~dated
    out = stations.loc[keep].copy()
    out["estimate"] = ~dated.loc[keep] | (out["geometry_quality"] == "schematic")
    return out


def study_area_polygon(name: str, *, boundary: gpd.GeoDataFrame, wards: gpd.GeoDataFrame, features: gpd.GeoDataFrame):
    """Return the study area polygon in EPSG:32648: ``city``, ``urban`` (the phường) or ``inside_vd3``.

    ``inside_vd3`` is the area inside the schematic Ring Road 3 line, an estimate.
    """
    if name == "city":
        geometry = boundary.to_crs(settings.CRS_MEASURE).union_all()
    elif name == "urban":
        geometry = wards[wards["kind"] == "phuong"].to_crs(settings.CRS_MEASURE).union_all()
    elif name == "inside_vd3":
        geometry = features.loc[["zone-low-emission-vd3"]].to_crs(settings.CRS_MEASURE).union_all()
    else:
        msg = f"Unknown study area {name!r}; expected one of {STUDY_AREAS}."
        raise UnknownValueError(msg)
    return shapely.make_valid(geometry)


def circle_catchments(stations: gpd.GeoDataFrame, radius_m: float) -> gpd.GeoDataFrame:
    """Return one circle of `radius_m` metres per station, in EPSG:32648 (index kept)."""
    check_radius(radius_m)
    points = stations.geometry.to_crs(settings.CRS_MEASURE)
    circles = shapely.buffer(points.values, radius_m, quad_segs=QUAD_SEGS)
    attributes = stations.drop(columns="geometry").assign(x_m=points.x.to_numpy(), y_m=points.y.to_numpy())
    return gpd.GeoDataFrame(attributes, geometry=circles, crs=settings.CRS_MEASURE)


def check_radius(radius_m: float) -> float:
    """Return `radius_m` if it is within the allowed range, else raise InvalidArgumentError."""
    if not settings.TOD_RADIUS_MIN_M <= float(radius_m) <= settings.TOD_RADIUS_MAX_M:
        raise problem(InvalidArgumentError, "err.radius_range", low=settings.TOD_RADIUS_MIN_M, high=settings.TOD_RADIUS_MAX_M, radius=radius_m)
    return float(radius_m)
