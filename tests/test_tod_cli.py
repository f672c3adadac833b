import json
from types import SimpleNamespace

import pytest

from cli import main


@pytest.fixture
def run(capsys):
    def call(*args):
        code = main(["coverage", *args])
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)

    return call


def test_coverage_json_matches_the_design_example(run):
    result = run(
        "--lines", "2A,3", "--radius", "1000", "--as-of", "2026-11-22", "--study-area", "city", "--method", "circle", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["n_stations"] == 20
    assert {row["line"] for row in data["lines"]} == {"2A", "3-elevated"}
    assert len(data["stations"]) == 20
    assert data["overlap_factor"] > 1.3  # circles 1 km apart at 1 km radius overlap: a sum would over-count
    assert data["union_area_km2"] == pytest.approx(sum(r["allocated_km2"] for r in data["stations"]), rel=1e-4)
    assert data["population_covered"] == pytest.approx(sum(r["allocated_population"] for r in data["stations"]), rel=1e-4)
    for key in ("coverage_share", "population_share", "unknown_population_area_km2", "study_area_km2"):
        assert key in data


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lines", "9"], "Unknown metro line '9'"),
        (["--radius", "50"], "radius_m must be between 200 and 2000"),
        (["--as-of", "2026-02-30"], "--as-of must be a date"),
        (["--study-area", "moon"], "Unknown study area 'moon'"),
        (["--method", "fly"], "Unknown method 'fly'"),
        (["--population", "/nonexistent.gpkg"], "cannot be read"),
    ],
)
def test_bad_arguments_exit_non_zero_with_a_message(run, args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
