"""TOD coverage against analytic answers: circle area, lens, exact populations, overlap factor, phases."""

import math
from datetime import date

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from geo.catchments import circle_catchments, expand_lines, select_stations
from geo.errors import InvalidArgumentError, UnknownValueError
from geo.features import load_features
from geo.population import population_base, read_population_layer
from geo.tod import coverage
from geo.tod import run_coverage as _run_coverage
from geo.view import load_data

DATA = load_data()


def run_coverage(**options):
    return _run_coverage(DATA, **options)


X0, Y0 = 585_000.0, 2_325_000.0  # a place in Hà Nội, EPSG:32648


def stations_at(xy, lines=None):
    frame = gpd.GeoDataFrame(
        {"line": lines or ["T"] * len(xy), "name": [f"S{i}" for i in range(len(xy))]},
        geometry=[Point(X0 + x, Y0 + y) for x, y in xy],
        crs="EPSG:32648",
    )
    return frame.to_crs("EPSG:4326")


def grid(n=10, cell_m=1000.0, offset=(0.0, 0.0), density=None):
    cells, pops, names = [], [], []
    for i in range(n):
        for j in range(n):
            x, y = X0 - n * cell_m / 2 + i * cell_m + offset[0], Y0 - n * cell_m / 2 + j * cell_m + offset[1]
            cells.append(box(x, y, x + cell_m, y + cell_m))
            pops.append((density(i, j) if density else 1000.0) * (cell_m / 1000) ** 2)
            names.append(f"c{i}-{j}")
    return gpd.GeoDataFrame({"name": names, "population": pops}, geometry=cells, crs="EPSG:32648")


def run(xy, radius, wards=None, lines=None):
    wards = grid() if wards is None else wards
    study = shapely.union_all(wards.geometry.values)
    return coverage(circle_catchments(stations_at(xy, lines), radius), population_base(wards, study), radius_m=radius)


@pytest.mark.parametrize("radius", [400, 500, 800, 1000])
def test_one_station_is_pi_r_squared(radius):
    result = run([(0, 0)], radius)
    assert result.union_area_km2 * 1e6 == pytest.approx(math.pi * radius**2, rel=0.005)
    assert result.overlap_factor == pytest.approx(1.0)


@pytest.mark.parametrize("d", [0.0, 300.0, 1000.0, 1500.0, 2000.0])
def test_two_stations_give_the_lens_formula(d):
    r = 1000.0
    lens = 2 * r**2 * math.acos(d / (2 * r)) - (d / 2) * math.sqrt(4 * r**2 - d**2) if d < 2 * r else 0.0
    result = run([(-d / 2, 0), (d / 2, 0)], r)
    assert result.union_area_km2 * 1e6 == pytest.approx(2 * math.pi * r**2 - lens, rel=0.005)
    assert result.overlap_factor == pytest.approx(2 * math.pi * r**2 / (2 * math.pi * r**2 - lens), rel=0.005)


def test_uniform_density_population_is_exact():
    result = run([(0, 0), (2500, 0)], 800, wards=grid(offset=(137.0, -291.0)))
    expected = 1000.0 * 2 * math.pi * 0.8**2  # 1000 people per km², two disjoint circles
    assert result.population_covered == pytest.approx(expected, rel=0.002)
    assert result.population_study == pytest.approx(100 * 1000.0)


def test_circle_inside_one_cell_takes_that_cells_density():
    wards = grid(cell_m=4000.0, n=4, offset=(2000.0, 2000.0), density=lambda i, j: 100.0 * (i + 4 * j + 1))
    centre_cell = wards[wards.contains(Point(X0 + 1000, Y0 + 1000))].iloc[0]
    density = centre_cell["population"] / 16.0
    result = run([(1000, 1000)], 500, wards=wards)
    assert result.population_covered == pytest.approx(density * math.pi * 0.25, rel=0.002)


def test_unknown_population_is_area_not_zero():
    wards = grid()
    wards.loc[wards["name"] == "c5-5", "population"] = np.nan
    result = run([(500, 500)], 400, wards=wards)  # the circle sits inside cell c5-5
    assert result.population_covered == 0.0
    assert result.unknown_area_km2 == pytest.approx(math.pi * 0.16, rel=0.005)
    row = result.wards.set_index("name").loc["c5-5"]
    assert not row["population_known"] and np.isnan(row["population_covered"])


def test_n_disjoint_circles_have_overlap_factor_one():
    result = run([(-3000, -3000), (0, 0), (3000, 3000), (-3000, 3000)], 1000)
    assert result.overlap_factor == pytest.approx(1.0, abs=1e-9)
    assert result.stations["allocated_km2"].sum() == pytest.approx(result.union_area_km2, rel=1e-6)


def test_allocation_to_nearest_station_splits_the_lens_evenly():
    result = run([(-400, 0), (400, 0)], 1000)
    a, b = result.stations["allocated_km2"]
    assert a == pytest.approx(b, rel=1e-3)
    assert a + b == pytest.approx(result.union_area_km2, rel=1e-6)
    assert result.stations["allocated_population"].sum() == pytest.approx(result.population_covered, rel=1e-6)


def test_per_line_tables():
    result = run([(-3000, 0), (-2500, 0), (3000, 0)], 500, lines=["A", "A", "B"])
    lines = result.lines.set_index("line")
    assert lines.loc["B", "union_km2"] == pytest.approx(math.pi * 0.25, rel=0.005)
    assert lines.loc["A", "n_stations"] == 2
    assert lines["union_km2"].sum() == pytest.approx(result.union_area_km2, rel=1e-6)


def test_clip_to_study_area():
    wards = grid(n=2)  # 2 km x 2 km study area centred on the station
    result = run([(0, 0)], 1500, wards=wards)
    assert result.union_area_km2 == pytest.approx(4.0 - 4 * (1 - 0) * 0 - _corners(1.0, 1.5), rel=0.005)
    assert result.coverage_share == pytest.approx(result.union_area_km2 / 4.0)


def _corners(half: float, r: float) -> float:
    """Area of the square [-half, half]^2 outside the circle of radius r (r between half and half*sqrt(2)), km²."""
    from scipy import integrate

    inside, _ = integrate.quad(lambda x: min(half, math.sqrt(max(r**2 - x**2, 0.0))), -half, half)
    return 4.0 - 2 * inside


def test_phase_filter_counts_open_stations():
    features = load_features()
    assert len(select_stations(features, open_by=date(2026, 11, 22))) == 20  # 2A (12) + line 3 elevated (8)
    assert len(select_stations(features, open_by=date(2030, 12, 31))) == 29  # + 4 underground (Q4/2027), 3 of line 2.1 (2029), 2 of line 5 (2030)
    assert len(select_stations(features, lines=["3"], open_by=date(2026, 11, 22))) == 8
    assert len(select_stations(features, open_by=date(2021, 1, 1))) == 0
    estimates = select_stations(features, open_by=date(2026, 11, 22), include_estimates=True)
    assert len(estimates) == 42 and estimates["estimate"].sum() == 22  # the sites of lines with no opening date
    assert set(estimates.loc[~estimates["estimate"], "geometry_quality"]) <= {"osm", "sourced"}


def test_bad_arguments():
    with pytest.raises(InvalidArgumentError, match="radius_m must be between 200 and 2000"):
        circle_catchments(stations_at([(0, 0)]), 5000)
    with pytest.raises(UnknownValueError, match="Unknown metro line '9'"):
        expand_lines(["9"], ["2A", "3-elevated"])
    assert expand_lines(["3", "2A"], ["2A", "3-elevated", "3-underground"]) == ("3-elevated", "3-underground", "2A")
    with pytest.raises(InvalidArgumentError, match="EPSG:32648"):
        coverage(stations_at([(0, 0)]), population_base(grid(), box(0, 0, 1, 1)))


def test_population_upload(tmp_path):
    wards = grid(n=3)
    wards["population"] = wards["population"].astype(object)
    wards.loc[0, "population"] = "n/a"
    west, south, east, north = wards.geometry.iloc[1].bounds
    wards.loc[1, "geometry"] = shapely.Polygon([(west, south), (east, north), (east, south), (west, north)])  # bow-tie in its cell
    path = tmp_path / "pop.gpkg"
    wards.to_crs("EPSG:4326").to_file(path)
    with pytest.warns(UserWarning) as record:
        frame = read_population_layer(path, "population")
    messages = " ".join(str(w.message) for w in record)
    assert "invalid geometries repaired" in messages and "non-numeric" in messages
    assert frame.crs.to_epsg() == 32648 and frame["population"].isna().sum() == 1
    with pytest.raises(InvalidArgumentError, match="no column 'pop'"):
        read_population_layer(path, "pop")
    points = tmp_path / "points.geojson"
    stations_at([(0, 0)]).assign(p=1).to_file(points)
    with pytest.raises(InvalidArgumentError, match="no polygon"), pytest.warns(UserWarning, match="1 feature\\(s\\) without a polygon"):
        read_population_layer(points, "p")
    bad = tmp_path / "bad.geojson"
    bad.write_text("not json")
    with pytest.raises(InvalidArgumentError, match="cannot be read"):
        read_population_layer(bad, "p")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"population": -877_685.0}, "1 negative population value"),
        ({"population": float("inf")}, "not finite"),
        ({"population": 1e12}, "more than 150,000 persons per km²"),
        ({"geometry": box(X0 - 1500, Y0 - 1500, X0 - 300, Y0 - 300)}, "pair\\(s\\) of units overlap"),
    ],
)
def test_population_values_that_would_make_wrong_figures_are_refused(tmp_path, change, message):
    wards = grid(n=3)
    for column, value in change.items():
        wards.loc[0, column] = value
    path = tmp_path / "pop.gpkg"
    wards.to_file(path)
    with pytest.raises(InvalidArgumentError, match=message):
        read_population_layer(path, "population", label="upload.gpkg")


def test_report_json_has_no_nan_or_infinity():
    import json

    from geo.tod import json_safe

    assert json.dumps(json_safe({"a": float("nan"), "b": float("inf"), "c": np.float64(-np.inf), "d": 1.5}), allow_nan=False) == (
        '{"a": null, "b": null, "c": null, "d": 1.5}'
    )


def test_coverage_zip_members_and_figures():
    import io
    import json
    import zipfile

    from geo.export import coverage_zip

    result, skipped = run_coverage(lines=["2A"], radius_m=500, as_of=date(2026, 11, 22))
    data = coverage_zip(result, skipped, {"lines": ["2A"], "radius_m": 500})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        catchments = gpd.read_file(io.BytesIO(archive.read("catchments.geojson")))
        stations_csv = archive.read("stations.csv")
    assert {"catchments.gpkg", "catchments.geojson", "union.geojson", "stations.csv", "lines.csv", "wards.csv",
            "coverage.xlsx", "manifest.json"} <= names  # fmt: skip
    assert len(catchments) == 12 == manifest["figures"]["n_stations"]
    assert manifest["figures"]["union_area_km2"] == pytest.approx(result.union_area_km2, abs=1e-4)
    assert stations_csv.startswith(b"\xef\xbb\xbf") and "Thượng Đình".encode() in stations_csv


def test_interchange_sites_share_their_cell_so_allocations_add_up():

    result, _ = run_coverage(radius_m=1000, as_of=date(2026, 11, 22), include_estimates=True)
    stations = result.stations
    assert stations["shared_site"].sum() >= 2  # e.g. Yên Nghĩa on 2A and its extension
    assert stations["allocated_km2"].sum() == pytest.approx(result.union_area_km2, rel=1e-6)
    assert stations["allocated_population"].sum() == pytest.approx(result.population_covered, rel=1e-6)


def test_uploaded_population_units_are_drawn_from_their_own_geometry(tmp_path):
    from geo.context import load_wards

    upload = load_wards().reset_index(drop=True)[["name", "population", "geometry"]]
    path = tmp_path / "wards.gpkg"
    upload.to_crs("EPSG:32648").to_file(path)
    population = read_population_layer(path, "population")
    result, _ = run_coverage(lines=["2A"], radius_m=500, as_of=date(2026, 11, 22), population=population)
    default, _ = run_coverage(lines=["2A"], radius_m=500, as_of=date(2026, 11, 22))
    assert result.population_covered == pytest.approx(default.population_covered, rel=1e-6)
    assert len(result.units_4326) == len(result.wards) and result.units_4326.crs.to_epsg() == 4326


def test_population_layer_in_the_wrong_crs_is_refused(tmp_path):

    metres = grid(n=2).set_crs("EPSG:4326", allow_override=True)  # UTM metres labelled as degrees
    path = tmp_path / "wrong.gpkg"
    metres.to_file(path)
    with pytest.raises(InvalidArgumentError, match="not degrees"):
        read_population_layer(path, "population")
    far = grid(n=2, offset=(2_000_000.0, 0.0))  # right CRS, but nowhere near Hà Nội
    path = tmp_path / "far.gpkg"
    far.to_file(path)
    with pytest.raises(InvalidArgumentError, match="does not overlap the study area"):
        run_coverage(lines=["2A"], radius_m=500, as_of=date(2026, 11, 22), population=read_population_layer(path, "population"))


def test_walking_method_with_no_covered_station_is_a_clear_error():

    with pytest.raises(InvalidArgumentError, match="No station of the chosen lines is covered by the street network"):
        # line 1's estimated terminals (Ngọc Hồi, Yên Viên) lie far outside the shipped central street network
        run_coverage(lines=["1"], radius_m=500, as_of=date(2026, 11, 22), method="walk", include_estimates=True)
