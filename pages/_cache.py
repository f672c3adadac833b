"""Cached wrappers around the pure core, keyed on simple values (paths, strings, dates)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import settings
from geo.agencies import AgencyIndex, load_agencies
from geo.context import load_context
from geo.features import load_features
from geo.filters import TaskFilter, apply_filter
from geo.layer_specs import Registry, load_registry
from geo.mapdata import task_table, visible_features
from geo.register import load_documents, load_register


@st.cache_resource
def agency_index(path: str = str(settings.AGENCIES_CSV)) -> AgencyIndex:
    return load_agencies(path)


@st.cache_resource
def registry() -> Registry:
    return load_registry()


@st.cache_data
def register(path: str = str(settings.TASKS_CSV)) -> pd.DataFrame:
    return load_register(path)


@st.cache_data
def documents(path: str = str(settings.DOCUMENTS_CSV)) -> pd.DataFrame:
    return load_documents(path)


@st.cache_resource
def features(path: str = str(settings.PROJECTS_GEOJSON)) -> gpd.GeoDataFrame:
    return load_features(path)


@st.cache_resource
def context() -> dict[str, gpd.GeoDataFrame]:
    return load_context(light=True)


@st.cache_data(max_entries=64)
def filtered_tasks(params: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """Filter the register by the choices encoded as sorted query-parameter pairs."""
    return apply_filter(register(), TaskFilter.from_query_params(dict(params)), agency_index())


@st.cache_resource(max_entries=64)
def visible(params: tuple[tuple[str, str], ...]) -> gpd.GeoDataFrame:
    """Return the features shown for a filter key (frames are not mutated by callers)."""
    choice = TaskFilter.from_query_params(dict(params))
    return visible_features(features(), filtered_tasks(params).index, choice)


@st.cache_data(max_entries=64)
def tasks_with_links(params: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """The matching tasks with the ids of their features shown on the map (``on_map`` follows the layer filters)."""
    return task_table(filtered_tasks(params), visible(params))


def filter_key(choice: TaskFilter) -> tuple[tuple[str, str], ...]:
    """Return the simple cache key of a filter (as_of always included)."""
    params = choice.to_query_params()
    params["as_of"] = choice.as_of_or_today().isoformat()
    return tuple(sorted(params.items()))


@st.cache_resource(show_spinner=False)
def walk_network(path: str):
    from geo.walk import load_walk_network

    return load_walk_network(path)


@st.cache_data(max_entries=8, show_spinner=False)
def population_layer(path: str, column: str) -> tuple[gpd.GeoDataFrame, list[str]]:
    import warnings

    from geo.tod import read_population_layer

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = read_population_layer(path, column)
    return frame, [str(w.message) for w in caught]


def _run(lines, radius_m, as_of, study_area, estimates, population_path, population_column, *, method, **extra):
    from datetime import date

    from geo.tod import run_coverage

    population = population_layer(population_path, population_column)[0] if population_path else None
    return run_coverage(
        lines=lines, radius_m=radius_m, as_of=date.fromisoformat(as_of), study_area=study_area, method=method,
        include_estimates=estimates, population=population, **extra,
    )  # fmt: skip


@st.cache_data(max_entries=32, show_spinner=False)
def coverage_run(lines: tuple[str, ...], radius_m: float, as_of: str, study_area: str, estimates: bool,
                 population_path: str = "", population_column: str = ""):  # fmt: skip
    """Run a circle TOD coverage keyed on simple values (uploads are keyed by their saved path)."""
    return _run(lines, radius_m, as_of, study_area, estimates, population_path, population_column, method="circle")


_WALK_RUNS: dict[tuple, tuple] = {}  # walking runs: kept here, not in st.cache, because they report progress


def walk_coverage_run(lines: tuple[str, ...], radius_m: float, as_of: str, study_area: str, estimates: bool,
                      population_path: str = "", population_column: str = "", network_path: str = "", progress=None):  # fmt: skip
    """Run a walking TOD coverage, remembering the last results; `progress` is called only when it computes."""
    key = (lines, radius_m, as_of, study_area, estimates, population_path, population_column, network_path)
    if key not in _WALK_RUNS:
        network = walk_network(network_path or str(settings.STREETS_OSM))
        _WALK_RUNS[key] = _run(*key[:7], method="walk", network=network, progress=progress)
        while len(_WALK_RUNS) > 16:
            _WALK_RUNS.pop(next(iter(_WALK_RUNS)))
    return _WALK_RUNS[key]


def saved_upload(upload) -> str:
    """Save an uploaded file under a name made from its content hash; return the path (a simple cache key)."""
    import hashlib
    import tempfile
    from pathlib import Path

    data = upload.getvalue()
    folder = Path(tempfile.gettempdir()) / "hanoi-map-uploads"
    folder.mkdir(exist_ok=True)
    suffix = "".join(Path(upload.name).suffixes[-2:]) or ".bin"
    path = folder / f"{hashlib.sha256(data).hexdigest()[:20]}{suffix}"
    if not path.exists():
        path.write_bytes(data)
    return str(path)
