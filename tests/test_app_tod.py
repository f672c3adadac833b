"""AppTest of the TOD page: the figures shown are those of geo.tod for the same choices."""

from datetime import date

from conftest import run_page
from streamlit.testing.v1 import AppTest

from geo.tod import run_coverage


def run_tod(**state) -> AppTest:
    return run_page("pages/tod.py", timeout=90, **state)


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_line_2a_and_3_today_at_1000_m():
    as_of = date(2026, 11, 22)
    expected, _ = run_coverage(lines=["2A", "3"], radius_m=1000, as_of=as_of)
    app = run_tod(tod_lines=["2A", "3-elevated", "3-underground"], tod_phase=as_of, tod_radius=1000)
    shown = metrics(app)
    assert shown["Số ga"] == str(expected.n_stations) == "20"
    assert shown["Diện tích phục vụ (hợp)"] == f"{expected.union_area_km2:.2f} km²"
    assert shown["Dân số được phục vụ"] == f"{expected.population_covered:,.0f}"
    assert shown["Hệ số chồng lấn"] == f"{expected.overlap_factor:.2f}"


def test_phase_comparison_adds_the_underground_section():
    app = run_tod(tod_lines=["3-elevated", "3-underground"], tod_phase=date(2026, 11, 22), tod_compare=date(2030, 12, 31),
                  tod_radius=500, tod_study="urban")  # fmt: skip
    values = [metric.value for metric in app.metric if metric.label == "Số ga"]
    deltas = [metric.delta for metric in app.metric if metric.label == "Số ga"]
    assert values == ["8", "12"]
    assert deltas[1] == "+4"


def test_english_labels():
    app = run_tod(lang="en", tod_lines=["2A"], tod_radius=500)
    assert app.title[0].value == "Station catchments (TOD)"
    assert metrics(app)["Stations"] == "12"
