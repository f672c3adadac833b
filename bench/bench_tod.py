"""Benchmark of TOD coverage: all stations of all lines at 1000 m, with population and per-ward tables.

Compares geo.tod (shapely 2 vectorised) with a straightforward geopandas.overlay implementation and
with tobler.area_interpolate on the same data, and checks the results agree within 0.1%.
Run: .venv/bin/python bench/bench_tod.py   (tobler is installed for the benchmark only: pip install tobler)
Target (issue 5): <= 150 ms for the circle method on this machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402

from geo import settings  # noqa: E402
from geo.catchments import circle_catchments, select_stations, study_area_polygon  # noqa: E402
from geo.population import population_base  # noqa: E402
from geo.tod import coverage, run_coverage  # noqa: E402
from geo.view import load_data  # noqa: E402

RUNS = 20


def timed(function, runs=RUNS):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    data = load_data()
    features, context = data.features, data.context
    stations = select_stations(features, include_estimates=True)
    wards = context["wards"].to_crs(settings.CRS_MEASURE)
    study = study_area_polygon("city", boundary=context["boundary"], wards=context["wards"], features=features)
    start = time.perf_counter()
    base = population_base(wards, study)
    prep_ms = (time.perf_counter() - start) * 1000
    ours_ms, ours = timed(lambda: coverage(circle_catchments(stations, 1000), base, radius_m=1000))
    print(f"stations: {len(stations)} (all lines, planned sites included), radius 1000 m, study area: city, 126 wards")
    print(f"geo.tod circle coverage (catchments, union, population, per-station/line/ward tables): median {ours_ms:.1f} ms "
          f"of {RUNS} (target <= 150 ms); one-off study-area preparation {prep_ms:.0f} ms")  # fmt: skip

    def overlay_version():
        circles = gpd.GeoDataFrame(geometry=gpd.GeoSeries(stations.geometry).to_crs(settings.CRS_MEASURE).buffer(1000, 32))
        circles = gpd.overlay(circles, gpd.GeoDataFrame(geometry=[study], crs=settings.CRS_MEASURE), how="intersection")
        union = circles.dissolve()
        clipped = gpd.overlay(wards[["name", "population", "geometry"]], union, how="intersection")
        clipped["share"] = clipped.area / clipped["name"].map(wards.set_index("name").area)
        clipped["pop"] = clipped["share"] * clipped["population"]
        return float(union.area.iloc[0]) / 1e6, float(clipped["pop"].sum()), clipped

    overlay_ms, (overlay_area, overlay_pop, _) = timed(overlay_version, runs=5)
    print(f"geopandas.overlay version: median {overlay_ms:.1f} ms of 5 -> ratio {overlay_ms / ours_ms:.1f}x slower")
    try:
        from tobler.area_weighted import area_interpolate
    except ImportError:
        print("tobler not installed (pip install tobler): comparison skipped")
        tobler_pop = None
    else:
        union_frame = ours.union_4326.to_crs(settings.CRS_MEASURE)
        known = wards[wards["population"].notna()][["population", "geometry"]]
        tobler_ms, estimate = timed(
            lambda: area_interpolate(known, union_frame, extensive_variables=["population"], allocate_total=False), runs=5
        )
        tobler_pop = float(estimate["population"].iloc[0])
        print(f"tobler.area_interpolate (population only, on our union): median {tobler_ms:.1f} ms of 5 "
              f"-> ratio {tobler_ms / ours_ms:.1f}x")  # fmt: skip
    print(f"union area km²: ours {ours.union_area_km2:.4f}, overlay {overlay_area:.4f} "
          f"(diff {abs(ours.union_area_km2 - overlay_area) / overlay_area:.4%})")  # fmt: skip
    print(
        f"population covered: ours {ours.population_covered:,.1f}, overlay {overlay_pop:,.1f} "
        f"(diff {abs(ours.population_covered - overlay_pop) / overlay_pop:.4%})"
        + (
            f", tobler {tobler_pop:,.1f} (diff {abs(ours.population_covered - tobler_pop) / tobler_pop:.4%})"
            if tobler_pop
            else ""
        )
    )
    agree = (
        abs(ours.population_covered - overlay_pop) / overlay_pop < 0.001
        and abs(ours.union_area_km2 - overlay_area) / overlay_area < 0.001
    )
    agree = agree and (tobler_pop is None or abs(ours.population_covered - tobler_pop) / tobler_pop < 0.001)
    print(f"results agree within 0.1%: {agree}")
    print("\nReport figures (study area city, circles):")
    for lines in (["2A"], ["3"], ["2A", "3"]):
        for radius in (500, 1000):
            run_ms, (result, _) = timed(
                lambda lines=lines, radius=radius: run_coverage(data, lines=lines, radius_m=radius, as_of=date(2026, 11, 22)), runs=3
            )
            print(f"  lines {'+'.join(lines):5s} {radius:4d} m: stations {result.n_stations:2d}, union {result.union_area_km2:6.2f} km², "
                  f"population {result.population_covered:9,.0f} ({result.population_share:.2%} of known), "
                  f"unknown-population area {result.unknown_area_km2:.2f} km², overlap {result.overlap_factor:.3f}, "
                  f"end-to-end {run_ms:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
