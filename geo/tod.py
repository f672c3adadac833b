"""TOD coverage: how much of the study area and its people the metro stations serve.

Catchments are built in EPSG:32648 (metres): circles (``shapely.buffer``) or
walking-network catchments (:mod:`geo.walk`). Coverage is the union of the
catchments, never a sum. Population is allocated by area weighting over wards;
wards without population are reported as unknown, never counted as zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.catchments import STUDY_AREAS, check_radius, circle_catchments, select_stations, study_area_polygon
from geo.errors import InvalidArgumentError, UnknownValueError, problem
from geo.filters import TaskFilter
from geo.population import PopulationBase, population_base
from geo.view import PlanningData, build_view

SITE_FRAME_M = 10_000.0  # margin around the union within which the Voronoi cells of the station sites are built


@dataclass(frozen=True)
class Coverage:
    """Figures of one coverage run (areas in km², population in persons)."""

    radius_m: float
    method: str
    study_area: str
    n_stations: int
    union_area_km2: float
    study_area_km2: float
    coverage_share: float
    population_covered: float
    population_study: float
    population_share: float
    unknown_area_km2: float
    overlap_factor: float
    stations: pd.DataFrame = field(repr=False)
    lines: pd.DataFrame = field(repr=False)
    wards: pd.DataFrame = field(repr=False)
    catchments_4326: gpd.GeoDataFrame = field(repr=False)
    union_4326: gpd.GeoDataFrame = field(repr=False)
    units_4326: gpd.GeoDataFrame = field(repr=False)

    def summary(self) -> dict[str, float | int | str]:
        """Return the headline figures as a JSON-ready dict."""
        return {
            "radius_m": self.radius_m, "method": self.method, "study_area": self.study_area,
            "n_stations": self.n_stations, "union_area_km2": round(self.union_area_km2, 4),
            "study_area_km2": round(self.study_area_km2, 3), "coverage_share": round(self.coverage_share, 6),
            "population_covered": round(self.population_covered, 1), "population_study": round(self.population_study, 1),
            "population_share": round(self.population_share, 6), "unknown_population_area_km2": round(self.unknown_area_km2, 4),
            "overlap_factor": round(self.overlap_factor, 4),
        }  # fmt: skip

def coverage(
    catchments: gpd.GeoDataFrame,
    base: PopulationBase,
    *,
    radius_m: float = 0.0,
    method: str = "circle",
    study_area_name: str = "city",
) -> Coverage:
    """Measure the coverage of `catchments` over a study area and its population.

    Parameters
    ----------
    catchments : geopandas.GeoDataFrame
        One polygon per station in EPSG:32648, with ``line`` and ``name`` columns.
    base : PopulationBase
        Population units clipped to the study area (:func:`population_base`).
    radius_m, method, study_area_name
        Recorded in the result.

    Returns
    -------
    Coverage
        Union area and share of the study area, population covered by area weighting
        and its share of the study-area population (known units only), covered area
        of units without population (unknown, never zero), overlap factor (sum of
        station areas / union), per-station (own area; area and population allocated
        to the nearest station), per-line and per-ward tables, and the catchments and
        union in EPSG:4326.
    """
    if catchments.crs is None or catchments.crs.to_epsg() != 32648:
        msg = "catchments must be in EPSG:32648 (metres); build them with circle_catchments or geo.walk."
        raise InvalidArgumentError(msg)
    raw = catchments.geometry.values
    inside = shapely.contains_properly(base.study_area, raw) if len(raw) else np.zeros(0, dtype=bool)
    geoms = raw.copy()
    if (~inside).any():
        geoms[~inside] = shapely.intersection(raw[~inside], base.study_area)
    own_km2 = shapely.area(geoms) / 1e6
    union = shapely.union_all(geoms) if len(geoms) else shapely.Polygon()
    union_km2 = union.area / 1e6
    tree = shapely.STRtree(base.geoms)
    hits = tree.query(union, predicate="intersects")
    covered = np.zeros(len(base.geoms))
    covered[hits] = shapely.area(shapely.intersection(base.geoms[hits], union))
    covered_pop = np.where(base.known, base.density * covered, np.nan)
    ward_table = pd.DataFrame(
        {
            "name": base.names,
            "population": np.where(base.known, base.density * base.area_m2, np.nan),
            "covered_km2": covered / 1e6,
            "share_covered": covered / base.area_m2,
            "population_covered": covered_pop,
            "population_known": base.known,
        },
        index=base.index,
    )
    stations = _station_table(catchments, geoms, own_km2, union, base)
    lines = _line_table(catchments, geoms, base)
    cover_pop = float(np.nansum(covered_pop))
    union_4326 = gpd.GeoDataFrame({"name": ["union"]}, geometry=[union], crs=settings.CRS_MEASURE).to_crs(settings.CRS_STORE)
    catch_4326 = gpd.GeoDataFrame(catchments.drop(columns="geometry"), geometry=geoms, crs=settings.CRS_MEASURE).to_crs(
        settings.CRS_STORE
    )
    return Coverage(
        radius_m=float(radius_m),
        method=method,
        study_area=study_area_name,
        n_stations=len(catchments),
        union_area_km2=union_km2,
        study_area_km2=base.study_km2,
        coverage_share=union_km2 / base.study_km2 if base.study_km2 else 0.0,
        population_covered=cover_pop,
        population_study=base.population_study,
        population_share=cover_pop / base.population_study if base.population_study else 0.0,
        unknown_area_km2=float(covered[~base.known].sum() / 1e6),
        overlap_factor=float(own_km2.sum() / union_km2) if union_km2 else 0.0,
        stations=stations,
        lines=lines,
        wards=ward_table,
        catchments_4326=catch_4326,
        union_4326=union_4326,
        units_4326=gpd.GeoDataFrame(
            ward_table[["name", "share_covered", "population_known"]], geometry=base.geoms, crs=settings.CRS_MEASURE
        ).to_crs(settings.CRS_STORE),
    )


def _allocate(geoms: np.ndarray, base: PopulationBase) -> tuple[np.ndarray, np.ndarray]:
    """Return (population, unknown-population area m²) inside each of `geoms` by area weighting."""
    tree = shapely.STRtree(base.geoms)
    pairs = tree.query(geoms, predicate="intersects")
    pieces = shapely.area(shapely.intersection(geoms[pairs[0]], base.geoms[pairs[1]]))
    known = base.known[pairs[1]]
    pop = np.zeros(len(geoms))
    unknown = np.zeros(len(geoms))
    np.add.at(pop, pairs[0], np.where(known, base.density[pairs[1]] * pieces, 0.0))
    np.add.at(unknown, pairs[0], np.where(known, 0.0, pieces))
    return pop, unknown


def _station_table(catchments, geoms, own_km2, union, base: PopulationBase) -> pd.DataFrame:
    """Per station: own area, and the union split to the nearest station site (Voronoi cells, EPSG:32648).

    Stations of several lines at one site (interchanges) share that site's cell in equal parts,
    so the allocated areas and populations add up to the union and its population.
    """
    columns = ["line", "name", "own_km2", "allocated_km2", "allocated_population", "unknown_km2", "shared_site"]
    if len(catchments) == 0:
        return pd.DataFrame(columns=columns)
    if {"x_m", "y_m"} <= set(catchments.columns):
        xy = catchments[["x_m", "y_m"]].to_numpy(dtype=float)
    else:
        xy = shapely.get_coordinates(shapely.centroid(catchments.geometry.values))
    sites, site_of = np.unique(np.round(xy, 1), axis=0, return_inverse=True)
    site_of = site_of.ravel()
    points = shapely.points(sites)
    if len(sites) > 1:
        frame = shapely.buffer(union.envelope, SITE_FRAME_M)
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame))
        cell_index = shapely.STRtree(cells).query(points, predicate="intersects")
        cell_of = np.empty(len(points), dtype=object)
        cell_of[cell_index[0]] = cells[cell_index[1]]
        allocated = shapely.intersection(np.array([union] * len(points), dtype=object), cell_of)
    else:
        allocated = np.array([union], dtype=object)
    pop, unknown = _allocate(allocated, base)
    sharing = np.bincount(site_of)[site_of]
    table = pd.DataFrame(
        {
            "line": catchments["line"].to_numpy(),
            "name": catchments["name"].to_numpy(),
            "own_km2": own_km2,
            "allocated_km2": shapely.area(allocated)[site_of] / 1e6 / sharing,
            "allocated_population": pop[site_of] / sharing,
            "unknown_km2": unknown[site_of] / 1e6 / sharing,
            "shared_site": sharing > 1,
        },
        index=catchments.index,
    )
    if "estimate" in catchments:
        table["estimate"] = catchments["estimate"].to_numpy()
    if "pedshed_ratio" in catchments:
        table["pedshed_ratio"] = catchments["pedshed_ratio"].to_numpy()
    return table


def _line_table(catchments, geoms, base: PopulationBase) -> pd.DataFrame:
    rows = []
    for line, positions in catchments.groupby("line").indices.items():
        union = shapely.union_all(geoms[positions])
        pop, unknown = _allocate(np.array([union], dtype=object), base)
        rows.append({
            "line": line, "n_stations": len(positions), "union_km2": union.area / 1e6,
            "population_covered": float(pop[0]), "unknown_km2": float(unknown[0] / 1e6),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["line", "n_stations", "union_km2", "population_covered", "unknown_km2"])


METHODS = ("circle", "walk")


def run_coverage(
    data: PlanningData,
    *,
    choice: TaskFilter | None = None,
    lines: Sequence[str] = (),
    radius_m: float = 1000.0,
    as_of: date | None = None,
    study_area: str = "city",
    method: str = "circle",
    include_estimates: bool = False,
    population: gpd.GeoDataFrame | None = None,
    network=None,
    progress=None,
) -> tuple[Coverage, pd.DataFrame]:
    """Run a coverage: select stations, build catchments, measure.

    Parameters
    ----------
    data : geo.view.PlanningData
        The data (features, and the context layers for the study area and population).
    choice : geo.filters.TaskFilter or None
        The planner's filter: only the stations visible for it (:func:`geo.view.build_view`)
        are candidates. None: every station.
    lines : sequence of str
        Metro lines (empty: all).
    radius_m : float
        Catchment radius or walking distance in metres (200-2000).
    as_of : datetime.date or None
        Phase: stations open by this day (default today).
    study_area : {"city", "urban", "inside_vd3"}
        The area measured.
    method : {"circle", "walk"}
        Circles, or walking-network catchments on `network` (default: the shipped central streets).
    include_estimates : bool
        Add the schematic stations of lines without an opening date.
    population : geopandas.GeoDataFrame or None
        Replacement population units (``name``, ``population``); default the 2025 wards.
    network : geo.walk.WalkNetwork or None
        Street network for ``method="walk"``.
    progress : callable or None
        Progress callback for the walking method.

    Returns
    -------
    (Coverage, pandas.DataFrame)
        The figures, and the stations skipped (walking method: not covered by the network).
    """
    if method not in METHODS:
        msg = f"Unknown method {method!r}; expected one of {METHODS}."
        raise UnknownValueError(msg)
    if study_area not in STUDY_AREAS:
        msg = f"Unknown study area {study_area!r}; expected one of {STUDY_AREAS}."
        raise UnknownValueError(msg)
    check_radius(radius_m)
    features = data.features
    context = data.context
    candidates = build_view(data, choice).features if choice is not None else features
    stations = select_stations(candidates, lines=lines, open_by=as_of or date.today(), include_estimates=include_estimates)
    area = study_area_polygon(study_area, boundary=context["boundary"], wards=context["wards"], features=features)
    base = population_base(population if population is not None else context["wards"], area)
    if population is not None and base.population_study == 0:
        raise problem(InvalidArgumentError, "err.population_outside")
    skipped = pd.DataFrame(columns=["name", "line", "reason"])
    if method == "circle":
        catchments = circle_catchments(stations, radius_m)
    else:
        from geo.walk import load_walk_network, walk_catchments

        network = network or load_walk_network(settings.STREETS_OSM)
        catchments, skipped = walk_catchments(stations, network, radius_m, progress=progress)
    if catchments.empty and method == "circle":
        raise problem(InvalidArgumentError, "err.no_station")
    if catchments.empty:
        raise problem(InvalidArgumentError, "err.no_station_network", n=len(skipped))
    result = coverage(catchments, base, radius_m=radius_m, method=method, study_area_name=study_area)
    return result, skipped


WARD_POPULATION = "official 2025 population of the 126 wards/communes (data/sources/ward_population_2025.csv); area weighting"


def coverage_report(result: Coverage, skipped: pd.DataFrame | None = None, *, population_source: str = WARD_POPULATION) -> dict:
    """Return the figures of `result` as a JSON-ready dict (summary, per line, per station, skipped)."""

    def records(frame: pd.DataFrame) -> list[dict]:
        keep_index = frame.index.name is not None and frame.index.name not in frame.columns
        clean = frame.reset_index() if keep_index else frame.reset_index(drop=True)
        return json_safe(clean.to_dict("records"))

    return {
        **result.summary(),
        "lines": records(result.lines),
        "stations": records(result.stations),
        "unknown_population_wards": records(
            result.wards.loc[~result.wards["population_known"] & (result.wards["covered_km2"] > 0), ["name", "covered_km2"]]
        ),
        "skipped_stations": records(skipped) if skipped is not None else [],
        "population_source": population_source,
    }


def json_safe(value):
    """Return `value` with numpy scalars, non-finite numbers and bools made JSON-safe (NaN and ±inf become None)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return round(float(value), 6) if math.isfinite(float(value)) else None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
