"""Cached wrappers around the pure core, keyed on simple values (paths, strings, dates).

The data of record is loaded once per process (:func:`data`); every page gets
what it shows from the one view pipeline (:func:`view`, :func:`geo.view.build_view`).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import settings
from geo.agencies import AgencyIndex
from geo.context import load_context
from geo.filters import TaskFilter
from geo.layer_specs import Registry
from geo.uploads import UploadShelf
from geo.view import PlanningData, View, build_view, load_data, with_store


@st.cache_resource
def store():
    """The planning store, opened (created and migrated) once per process; None when it cannot be opened."""
    from geo.errors import PlanningMapError
    from geo.store import open_store

    try:
        return open_store()
    except PlanningMapError as error:
        st.session_state["store_error"] = error
        return None


def store_stamp() -> tuple:
    """A cheap fingerprint of what planners wrote: the id of the newest audit record (every write appends one)."""
    from geo.store import audit_entries

    current = store()
    if current is None:
        return ()
    newest = audit_entries(current, limit=1)
    return (newest[0].id,) if newest else (0,)


def data() -> PlanningData:
    """The data of record with what planners wrote, read again only when the store changed."""
    return _data(store_stamp())


@st.cache_resource
def _base() -> PlanningData:
    """The data files, read once per process (they change only with a new release)."""
    return load_data()


@st.cache_resource(max_entries=4)
def _data(stamp: tuple) -> PlanningData:
    del stamp
    current = store()
    return _base() if current is None else with_store(_base(), current)


def agency_index() -> AgencyIndex:
    return data().agencies


def registry() -> Registry:
    return data().registry


def register() -> pd.DataFrame:
    return data().tasks


def documents() -> pd.DataFrame:
    return data().documents


def features() -> gpd.GeoDataFrame:
    return data().features


@st.cache_resource
def indicators() -> pd.DataFrame:
    """The indicator register (data/indicators.csv), read once per process; callers never modify it."""
    from geo.indicators import load_indicators

    return load_indicators()


@st.cache_resource
def context() -> dict[str, gpd.GeoDataFrame]:
    return load_context(light=True)


def light_geometries() -> gpd.GeoSeries:
    """The features' geometry simplified (15 m) and rounded (1e-5 degrees) for the map payload.

    The shipped features are simplified once per process; after an edit only the features the
    store changed are simplified again.
    """
    return _light(store_stamp())


@st.cache_resource
def _base_light() -> gpd.GeoSeries:
    from geo.mapdata import light_geometry

    return light_geometry(_base().features).geometry


@st.cache_resource(max_entries=4)
def _light(stamp: tuple) -> gpd.GeoSeries:
    from geo.mapdata import light_for

    current = _data(stamp)
    return _base_light() if current.edits.empty else light_for(current.features, _base_light(), set(current.edits["feature_id"]))


def view(params: tuple[tuple[str, str], ...]) -> View:
    """Return the view of a filter key (:func:`filter_key`); frames are not mutated by callers."""
    return _view(params, store_stamp())


@st.cache_resource(max_entries=64)
def _view(params: tuple[tuple[str, str], ...], stamp: tuple) -> View:
    return build_view(_data(stamp), TaskFilter.from_query_params(dict(params)))


def filter_key(choice: TaskFilter) -> tuple[tuple[str, str], ...]:
    """Return the simple cache key of a filter (as_of always included)."""
    params = choice.to_query_params()
    params["as_of"] = choice.as_of_or_today().isoformat()
    return tuple(sorted(params.items()))


UPLOADS = UploadShelf(size=6)  # uploaded files, in memory only (never in data/), keyed by content hash


def upload_key(upload) -> str:
    """Keep a Streamlit upload on the shelf and return its key; refuse one over the size limit."""
    return UPLOADS.put(upload.name, upload.getvalue())


@st.cache_resource(show_spinner=False, max_entries=3)
def walk_network(upload: str = ""):
    """The shipped central street network, or an uploaded one (by upload key); at most 3 kept in memory."""
    from geo.walk import load_walk_network

    if not upload:
        return load_walk_network(settings.STREETS_OSM)
    return UPLOADS.read(upload, lambda path, name: load_walk_network(path, label=name))


@st.cache_data(max_entries=4, show_spinner=False)
def population_layer(upload: str, column: str) -> tuple[gpd.GeoDataFrame, list[str]]:
    """An uploaded population layer (by upload key) and the warnings its reading gave."""
    import warnings

    from geo.population import read_population_layer

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = UPLOADS.read(upload, lambda path, name: read_population_layer(path, column, label=name))
    return frame, [str(w.message) for w in caught]


def _run(key, lines, radius_m, as_of, study_area, estimates, population_upload, population_column, *, method, **extra):
    from datetime import date

    from geo.tod import run_coverage

    population = population_layer(population_upload, population_column)[0] if population_upload else None
    return run_coverage(
        data(), choice=TaskFilter.from_query_params(dict(key)), lines=lines, radius_m=radius_m,
        as_of=date.fromisoformat(as_of), study_area=study_area, method=method, include_estimates=estimates,
        population=population, **extra,
    )  # fmt: skip


def coverage_run(key: tuple[tuple[str, str], ...], lines: tuple[str, ...], radius_m: float, as_of: str, study_area: str,
                 estimates: bool, population_upload: str = "", population_column: str = ""):  # fmt: skip
    """Run a circle TOD coverage of the stations visible for the filter `key`, keyed on simple values and the store's stamp."""
    return _coverage_run(key, lines, radius_m, as_of, study_area, estimates, population_upload, population_column, store_stamp())


@st.cache_data(max_entries=32, show_spinner=False)
def _coverage_run(key, lines, radius_m, as_of, study_area, estimates, population_upload, population_column, stamp):
    del stamp  # a station moved by an edit moves its catchment: a new stamp, a new run
    return _run(key, lines, radius_m, as_of, study_area, estimates, population_upload, population_column, method="circle")


_WALK_RUNS: dict[tuple, tuple] = {}  # walking runs: kept here, not in st.cache, because they report progress


def walk_coverage_run(key: tuple[tuple[str, str], ...], lines: tuple[str, ...], radius_m: float, as_of: str, study_area: str,
                      estimates: bool, population_upload: str = "", population_column: str = "", network_upload: str = "",
                      progress=None):  # fmt: skip
    """Run a walking TOD coverage, remembering the last 16 results; `progress` is called only when it computes."""
    run_key = (key, lines, radius_m, as_of, study_area, estimates, population_upload, population_column, network_upload, store_stamp())
    if run_key not in _WALK_RUNS:
        network = walk_network(network_upload)
        _WALK_RUNS[run_key] = _run(*run_key[:8], method="walk", network=network, progress=progress)
        while len(_WALK_RUNS) > 16:
            _WALK_RUNS.pop(next(iter(_WALK_RUNS)))
    return _WALK_RUNS[run_key]
