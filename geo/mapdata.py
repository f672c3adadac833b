"""What the map shows for a filter: visible features, their links, and light payloads.

Pure functions (no streamlit, no folium) shared by the map page, the snapshot
export and the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.features import features_by_task
from geo.filters import TaskFilter


def filter_is_active(choice: TaskFilter) -> bool:
    """Return True when the filter restricts tasks (agency, document, window, past due, search or undated kinds)."""
    default = TaskFilter()
    return bool(
        choice.agencies
        or choice.docs
        or choice.due_from
        or choice.due_to
        or choice.only_past_due
        or choice.query
        or set(choice.undated) != set(default.undated)
    )


def visible_features(features: gpd.GeoDataFrame, matched_task_ids: Iterable[str], choice: TaskFilter) -> gpd.GeoDataFrame:
    """Return the features to draw for `choice`.

    A feature shows when any of its linked tasks matches. When no task filter is
    active, features that link no task show too (e.g. an existing bridge). The
    layer and status choices apply to all.

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        All project features.
    matched_task_ids : iterable of str
        Ids of the tasks matching the filter.
    choice : TaskFilter
        The planner's choices (``layers``, ``statuses`` and the task filter).

    Returns
    -------
    geopandas.GeoDataFrame
        The subset, input index and columns kept.
    """
    matched = set(matched_task_ids)
    linked = features["task_ids"].map(lambda ids: bool(matched & set(ids)))
    if not filter_is_active(choice):
        linked |= features["task_ids"].map(len) == 0
    keep = linked
    if choice.layers:
        keep &= features["layer"].isin(choice.layers)
    if choice.statuses:
        keep &= features["status"].isin(choice.statuses)
    return features.loc[keep]


def task_table(tasks: pd.DataFrame, features: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return `tasks` with ``feature_ids`` (linked features) and ``on_map`` columns."""
    links = features_by_task(features)
    feature_ids = [tuple(links.get(task_id, ())) for task_id in tasks.index]
    return tasks.assign(feature_ids=feature_ids, on_map=[bool(ids) for ids in feature_ids])


def linked_tasks(feature: pd.Series, tasks: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return the register records linked to one feature, with ``past_due`` as of `as_of`."""
    ids = [task_id for task_id in feature["task_ids"] if task_id in tasks.index]
    records = tasks.loc[ids]
    return records.assign(past_due=records["due_end"].map(lambda end: end is not None and end < as_of))


def light_geometry(frame: gpd.GeoDataFrame, *, tolerance_m: float = 15.0, decimals: int = 5) -> gpd.GeoDataFrame:
    """Return a copy simplified by `tolerance_m` metres (in EPSG:32648) and rounded to `decimals` degrees.

    Used to keep the map payload small; points are unchanged but rounded.
    """
    projected = frame.geometry.to_crs(settings.CRS_MEASURE).simplify(tolerance_m, preserve_topology=True)
    simplified = projected.to_crs(settings.CRS_STORE).set_precision(10**-decimals)
    return frame.set_geometry(simplified.values)


def bounds_of(frame: gpd.GeoDataFrame) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Return ((south, west), (north, east)) of `frame` in degrees, or None when empty."""
    if frame.empty:
        return None
    west, south, east, north = frame.total_bounds
    return (float(south), float(west)), (float(north), float(east))
