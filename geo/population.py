"""Population units for TOD: clipped to a study area with densities, and planners' own layers.

Population is allocated by area weighting; a unit without population is
unknown (NaN), never zero. Everything is measured in EPSG:32648.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.errors import InvalidArgumentError, problem
from geo.uploads import check_size


@dataclass(frozen=True)
class PopulationBase:
    """Population units clipped to a study area, prepared once for many coverage runs (EPSG:32648)."""

    names: np.ndarray
    geoms: np.ndarray
    area_m2: np.ndarray
    density: np.ndarray
    known: np.ndarray
    study_area: shapely.Geometry
    study_km2: float
    population_study: float
    index: pd.Index


def population_base(wards: gpd.GeoDataFrame, study_area, *, population_column: str = "population") -> PopulationBase:
    """Clip population units to `study_area` (EPSG:32648) and compute densities; NaN population is unknown.

    Parameters
    ----------
    wards : geopandas.GeoDataFrame
        Units with ``name`` and `population_column` (any CRS; reprojected to EPSG:32648).
    study_area : shapely.Geometry
        Study area in EPSG:32648.
    population_column : str
        Numeric column; non-numeric values count as unknown.
    """
    frame = wards.to_crs(settings.CRS_MEASURE)
    full = frame.geometry.values
    area = shapely.area(full)
    clipped = shapely.intersection(full, study_area)
    keep = shapely.area(clipped) > 0
    population = pd.to_numeric(frame[population_column], errors="coerce").to_numpy(dtype=float)
    known = ~np.isnan(population)
    density = np.divide(np.nan_to_num(population), area, out=np.zeros_like(area), where=area > 0)
    shapely.prepare(study_area)
    in_study = shapely.area(clipped)
    return PopulationBase(
        names=frame["name"].to_numpy()[keep],
        geoms=clipped[keep],
        area_m2=area[keep],
        density=density[keep],
        known=known[keep],
        study_area=study_area,
        study_km2=study_area.area / 1e6,
        population_study=float((density * in_study)[known].sum()),
        index=frame.index[keep],
    )


def read_population_layer(path, column: str, *, label: str | None = None) -> gpd.GeoDataFrame:
    """Read a planner's population layer (GeoJSON or GeoPackage polygons) for :func:`geo.tod.coverage`.

    Checked before use: the file size and vertex count (limits in :mod:`geo.settings`),
    a CRS, polygons, the column; values must be finite, not negative, and not
    absurd for their area (over ``MAX_POPULATION_DENSITY_KM2`` persons per km²);
    units must not overlap (area weighting would count the overlap twice).
    Invalid geometries are repaired, non-numeric values set to unknown, and
    features that are not polygons left out, each with a warning.

    Parameters
    ----------
    path : path-like
        The file.
    column : str
        The numeric population column.
    label : str or None
        The name shown in messages instead of the path (e.g. the uploaded file's name).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:32648, columns ``name``, ``population`` (float, NaN unknown), geometry.

    Raises
    ------
    InvalidArgumentError
        If the file cannot be read, is over a limit, or its values or units are wrong.
    """
    name = label or str(path)
    try:
        size = Path(path).stat().st_size
    except OSError as error:
        raise problem(InvalidArgumentError, "err.cannot_read", name=name, detail=str(error.strerror or error)) from error
    check_size(name, size)
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises several types
        detail = f"{type(error).__name__}: {error}".replace(str(path), name)
        raise problem(InvalidArgumentError, "err.layer_unreadable", name=name, detail=detail) from error
    if frame.crs is None:
        raise problem(InvalidArgumentError, "err.no_crs", name=name)
    if column not in frame.columns:
        raise problem(InvalidArgumentError, "err.no_column", name=name, column=column, columns=[c for c in frame.columns if c != "geometry"])
    vertices = int(shapely.get_num_coordinates(frame.geometry.values).sum())
    if vertices > settings.MAX_VERTICES:
        raise problem(InvalidArgumentError, "err.too_many_vertices", name=name, n=vertices, limit=settings.MAX_VERTICES)
    polygons = frame.geometry.notna() & frame.geom_type.isin(["Polygon", "MultiPolygon"])
    if (~polygons).any():
        warnings.warn(f"{name}: {int((~polygons).sum())} feature(s) without a polygon left out.", stacklevel=2)
    frame = frame[polygons]
    if frame.crs.is_geographic and not frame.empty:
        west, south, east, north = frame.total_bounds
        if max(abs(west), abs(east)) > 180 or max(abs(south), abs(north)) > 90:
            raise problem(InvalidArgumentError, "err.not_degrees", name=name, x=west, y=south, crs=frame.crs.to_string())
    if frame.empty:
        raise problem(InvalidArgumentError, "err.no_polygon", name=name)
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        warnings.warn(f"{name}: {int(invalid.sum())} invalid geometries repaired with make_valid.", stacklevel=2)
        frame = frame.set_geometry(frame.geometry.make_valid())
    values = pd.to_numeric(frame[column], errors="coerce").astype(float)
    bad = values.isna() & frame[column].notna()
    if bad.any():
        warnings.warn(f"{name}: {int(bad.sum())} non-numeric value(s) in {column!r} treated as unknown.", stacklevel=2)
    if values.isna().all():
        raise problem(InvalidArgumentError, "err.no_numeric", name=name, column=column)
    names = frame["name"].astype(str) if "name" in frame.columns else pd.Series([f"#{i + 1}" for i in range(len(frame))], index=frame.index)
    out = gpd.GeoDataFrame({"name": names, "population": values}, geometry=frame.geometry.values, crs=frame.crs)
    out = out.to_crs(settings.CRS_MEASURE)
    check_population_values(out, label=name)
    return out


def check_population_values(units: gpd.GeoDataFrame, *, label: str) -> None:
    """Raise InvalidArgumentError for negative, non-finite or absurd populations, or overlapping units (EPSG:32648).

    Parameters
    ----------
    units : geopandas.GeoDataFrame
        ``name``, ``population`` (NaN: unknown) and polygons in EPSG:32648.
    label : str
        The layer's name in messages.
    """
    values = units["population"].to_numpy(dtype=float)
    known = ~np.isnan(values)

    def listed(mask) -> str:
        names = list(units.loc[mask, "name"].astype(str)[:5])
        return ", ".join(names) + (" …" if int(mask.sum()) > 5 else "")

    infinite = known & ~np.isfinite(values)
    if infinite.any():
        raise problem(InvalidArgumentError, "err.not_finite", name=label, n=int(infinite.sum()), units=listed(infinite))
    negative = known & (values < 0)
    if negative.any():
        raise problem(InvalidArgumentError, "err.negative", name=label, n=int(negative.sum()), units=listed(negative))
    area_km2 = shapely.area(units.geometry.values) / 1e6
    density = np.divide(values, area_km2, out=np.zeros_like(values), where=(area_km2 > 0) & known)
    absurd = known & ((density > settings.MAX_POPULATION_DENSITY_KM2) | ((area_km2 <= 0) & (values > 0)))
    if absurd.any():
        raise problem(InvalidArgumentError, "err.absurd", name=label, n=int(absurd.sum()), limit=settings.MAX_POPULATION_DENSITY_KM2,
                      units=listed(absurd))  # fmt: skip
    geoms = units.geometry.values
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    if len(left):
        shared = shapely.area(shapely.intersection(geoms[left], geoms[right]))
        smaller = np.minimum(shapely.area(geoms[left]), shapely.area(geoms[right]))
        overlapping = shared > settings.OVERLAP_TOLERANCE * smaller
        if overlapping.any():
            names = units["name"].astype(str).to_numpy()
            shown = "; ".join(
                f"{names[a]} / {names[b]} ({area / 1e6:.3f} km²)"
                for a, b, area in list(zip(left[overlapping], right[overlapping], shared[overlapping], strict=True))[:5]
            )
            raise problem(InvalidArgumentError, "err.overlap", name=label, n=int(overlapping.sum()), pairs=shown)
