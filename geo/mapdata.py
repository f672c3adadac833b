"""Light geometry for the map payload and the extent of a frame (pure functions, no streamlit, no folium)."""

from __future__ import annotations

import geopandas as gpd

from geo import settings


def light_geometry(frame: gpd.GeoDataFrame, *, tolerance_m: float = 15.0, decimals: int = 5) -> gpd.GeoDataFrame:
    """Return a copy simplified by `tolerance_m` metres (in EPSG:32648) and rounded to `decimals` degrees.

    Used to keep the map payload small; points are unchanged but rounded.
    """
    projected = frame.geometry.to_crs(settings.CRS_MEASURE).simplify(tolerance_m, preserve_topology=True)
    simplified = projected.to_crs(settings.CRS_STORE).set_precision(10**-decimals)
    return frame.set_geometry(simplified.values)


def light_for(frame: gpd.GeoDataFrame, cached: gpd.GeoSeries, changed=()) -> gpd.GeoSeries:
    """Return the light geometry of every row of `frame`, in its order, reusing `cached` where it can.

    A row `cached` lacks, or whose id is in `changed` (a feature the store edited), is simplified now
    (:func:`light_geometry`).
    """
    geometries = cached.reindex(frame.index)
    again = (geometries.isna() | frame.index.isin(list(changed))).to_numpy()
    if again.any():
        geometries.iloc[again] = light_geometry(frame[again]).geometry.to_numpy()
    return geometries


def bounds_of(frame: gpd.GeoDataFrame) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Return ((south, west), (north, east)) of `frame` in degrees, or None when empty."""
    if frame.empty:
        return None
    west, south, east, north = frame.total_bounds
    return (float(south), float(west)), (float(north), float(east))
