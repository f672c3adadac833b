"""TOD coverage: how much of the study area and its people the metro stations serve.

Catchments are built in EPSG:32648 (metres): circles (``shapely.buffer``) or
walking-network catchments (:mod:`geo.walk`). Coverage is the union of the
catchments, never a sum. Population is allocated by area weighting over wards;
wards without population are reported as unknown, never counted as zero.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError

QUAD_SEGS = 32  # 128-gon circles: area within 0.05% of pi r^2
SITE_FRAME_M = 10_000.0  # margin around the union within which the Voronoi cells of the station sites are built
STUDY_AREAS = ("city", "urban", "inside_vd3")
LINE_GROUPS = {"3": ("3-elevated", "3-underground")}


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
        msg = f"radius_m must be between {settings.TOD_RADIUS_MIN_M} and {settings.TOD_RADIUS_MAX_M} m, got {radius_m}."
        raise InvalidArgumentError(msg)
    return float(radius_m)


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


def read_population_layer(path, column: str) -> gpd.GeoDataFrame:
    """Read a planner's population layer (GeoJSON or GeoPackage polygons) for :func:`coverage`.

    Invalid geometries are repaired and non-numeric values set to unknown, each
    with a warning; a file without CRS, without polygons, or without `column`
    raises.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:32648, columns ``name``, ``population`` (float, NaN unknown), geometry.

    Raises
    ------
    InvalidArgumentError
        If the file cannot be read or lacks what is needed.
    """
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises several types
        msg = f"{path}: cannot be read as GeoJSON or GeoPackage ({type(error).__name__}: {error})."
        raise InvalidArgumentError(msg) from error
    if frame.crs is None:
        msg = f"{path}: the layer has no CRS; save it with its CRS (e.g. EPSG:4326 or EPSG:32648)."
        raise InvalidArgumentError(msg)
    if column not in frame.columns:
        msg = f"{path}: no column {column!r}; columns are {[c for c in frame.columns if c != 'geometry']}."
        raise InvalidArgumentError(msg)
    frame = frame[frame.geometry.notna()]
    if frame.crs.is_geographic:
        west, south, east, north = frame.total_bounds
        if max(abs(west), abs(east)) > 180 or max(abs(south), abs(north)) > 90:
            msg = (
                f"{path}: coordinates such as ({west:.0f}, {south:.0f}) are not degrees, but the file says {frame.crs.to_string()}; "
                "the layer was probably saved with the wrong CRS (metres labelled as EPSG:4326). Save it with its true CRS."
            )
            raise InvalidArgumentError(msg)
    frame = frame[frame.geom_type.isin(["Polygon", "MultiPolygon"])]
    if frame.empty:
        msg = f"{path}: no polygon in the layer; population must be given by area (wards, grid cells)."
        raise InvalidArgumentError(msg)
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        warnings.warn(f"{path}: {int(invalid.sum())} invalid geometries repaired with make_valid.", stacklevel=2)
        frame = frame.set_geometry(frame.geometry.make_valid())
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        warnings.warn(f"{path}: {int(bad.sum())} non-numeric value(s) in {column!r} treated as unknown.", stacklevel=2)
    if values.isna().all():
        msg = f"{path}: column {column!r} has no numeric value."
        raise InvalidArgumentError(msg)
    names = (
        frame["name"].astype(str)
        if "name" in frame.columns
        else pd.Series([f"#{i + 1}" for i in range(len(frame))], index=frame.index)
    )
    out = gpd.GeoDataFrame({"name": names, "population": values.astype(float)}, geometry=frame.geometry.values, crs=frame.crs)
    return out.to_crs(settings.CRS_MEASURE)


METHODS = ("circle", "walk")


def run_coverage(
    *,
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
    """Run a coverage from the data of record: select stations, build catchments, measure.

    Parameters
    ----------
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
    from geo.context import load_context
    from geo.features import load_features

    if method not in METHODS:
        msg = f"Unknown method {method!r}; expected one of {METHODS}."
        raise UnknownValueError(msg)
    if study_area not in STUDY_AREAS:
        msg = f"Unknown study area {study_area!r}; expected one of {STUDY_AREAS}."
        raise UnknownValueError(msg)
    check_radius(radius_m)
    features = load_features()
    context = load_context()
    stations = select_stations(features, lines=lines, open_by=as_of or date.today(), include_estimates=include_estimates)
    area = study_area_polygon(study_area, boundary=context["boundary"], wards=context["wards"], features=features)
    base = population_base(population if population is not None else context["wards"], area)
    if population is not None and base.population_study == 0:
        msg = "The population layer does not overlap the study area (or has no population inside it): check its CRS and extent."
        raise InvalidArgumentError(msg)
    skipped = pd.DataFrame(columns=["name", "line", "reason"])
    if method == "circle":
        catchments = circle_catchments(stations, radius_m)
    else:
        from geo.walk import load_walk_network, walk_catchments

        network = network or load_walk_network(settings.STREETS_OSM)
        catchments, skipped = walk_catchments(stations, network, radius_m, progress=progress)
    if catchments.empty:
        msg = (
            f"No station of the chosen lines is covered by the street network ({len(skipped)} skipped). "
            "Choose stations inside it (the shipped network covers central Hà Nội), load a larger network, or use circles."
        )
        raise InvalidArgumentError(msg)
    result = coverage(catchments, base, radius_m=radius_m, method=method, study_area_name=study_area)
    return result, skipped


OSM_POPULATION = "OSM ward population tags, 2025-07-01 (72 of 126 units); area weighting"


def coverage_report(result: Coverage, skipped: pd.DataFrame | None = None, *, population_source: str = OSM_POPULATION) -> dict:
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
    """Return `value` with numpy scalars, NaN and bools made JSON-safe (NaN becomes None)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else round(float(value), 6)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def coverage_zip(result: Coverage, skipped: pd.DataFrame, params: dict[str, object]) -> bytes:
    """Return a zip of a coverage run: catchments and union (GeoPackage, GeoJSON), tables (CSV, XLSX), manifest.

    CSV files are UTF-8 with BOM; the manifest holds the choices, the figures, the
    checksums of the data of record, the CRS and the attribution.
    """
    import io
    import json
    import tempfile
    import zipfile
    from pathlib import Path

    import geo
    from geo.export import DATA_FILES, MAP_DATA_LICENCE, sha256_of

    tables = {"stations": result.stations, "lines": result.lines, "wards": result.wards[result.wards["covered_km2"] > 0]}
    members: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="hanoi-tod-") as scratch:
        gpkg = Path(scratch) / "catchments.gpkg"
        catchments = result.catchments_4326.reset_index(names="station_id")
        catchments.to_file(gpkg, layer="catchments", driver="GPKG")
        result.union_4326.to_file(gpkg, layer="union", driver="GPKG")
        members["catchments.gpkg"] = gpkg.read_bytes()
    members["catchments.geojson"] = catchments.to_json(drop_id=True).encode("utf-8")
    members["union.geojson"] = result.union_4326.to_json(drop_id=True).encode("utf-8")
    workbook = io.BytesIO()
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name, table in tables.items():
            members[f"{name}.csv"] = table.to_csv().encode("utf-8-sig")
            table.to_excel(writer, sheet_name=name)
    members["coverage.xlsx"] = workbook.getvalue()
    manifest = {
        "choices": json_safe(params),
        "figures": result.summary(),
        "skipped_stations": json_safe(skipped.to_dict("records")),
        "crs": settings.CRS_STORE,
        "measured_in": settings.CRS_MEASURE,
        "data_sha256": {path.name: sha256_of(path) for path in DATA_FILES if path.exists()},
        "app_version": geo.__version__,
        "licence": MAP_DATA_LICENCE,
        "note": f"Population: {params.get('population_source', OSM_POPULATION)}; units without population are reported as unknown area.",
        "members": sorted(members),
    }
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
