"""AppTest of the TOD page: the figures shown are those of geo.tod for the same choices."""

from datetime import date

from conftest import alerts, run_page
from streamlit.testing.v1 import AppTest

from geo.i18n import number
from geo.tod import run_coverage as _run_coverage
from geo.view import load_data

DATA = load_data()


def run_coverage(**options):
    return _run_coverage(DATA, **options)


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
    assert shown["Diện tích phục vụ (hợp)"] == number(expected.union_area_km2, "vi", 2) + " km²"
    assert shown["Dân số được phục vụ"] == number(expected.population_covered, "vi")
    assert shown["Hệ số chồng lấn"] == number(expected.overlap_factor, "vi", 2)


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


def test_walking_method_reruns_and_reports_coverage_of_the_network(monkeypatch):
    import geo.walk
    from pages import _cache

    calls = []
    real = geo.walk.walk_catchments
    monkeypatch.setattr(geo.walk, "walk_catchments", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(_cache, "_WALK_RUNS", {})
    state = {"tod_lines": ["2A", "3-underground"], "tod_phase": date(2030, 12, 31), "tod_radius": 800, "tod_method": "walk"}
    app = run_tod(**state)
    # the 2025-10 core street network covers 2A's Cát Linh and La Thành (Thái Hà, in old Đống Đa, is outside it) and line 3's 4
    assert metrics(app)["Số ga"] == "6"
    assert any("phủ 6 trên 16 ga" in warning.value for warning in app.warning)  # 12 on 2A + 4 underground by 2030
    assert len(calls) == 1
    app.run()  # a rerun with the same choices reuses the result: no second walk
    assert not app.exception
    assert len(calls) == 1
    assert metrics(app)["Số ga"] == "6"
    app = run_tod(**{**state, "tod_lines": ["1"], "tod_estimates": True})  # no station on the network: a message, not a crash
    assert any("Mạng đường đi bộ không phủ ga nào của các tuyến đã chọn" in text for text in alerts(app, "error"))  # in Vietnamese


def test_comparison_share_delta_is_in_percentage_points():
    app = run_tod(tod_lines=["3-elevated", "3-underground"], tod_phase=date(2026, 11, 22), tod_compare=date(2030, 12, 31),
                  tod_radius=500)  # fmt: skip
    _, second = (m for m in app.metric if m.label == "Tỷ lệ vùng nghiên cứu")
    today, _ = run_coverage(lines=["3"], radius_m=500, as_of=date(2026, 11, 22))
    later, _ = run_coverage(lines=["3"], radius_m=500, as_of=date(2030, 12, 31))
    assert second.delta == number((later.coverage_share - today.coverage_share) * 100, "vi", 2, signed=True) + " pp"
