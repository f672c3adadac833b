"""AppTest of the map page: counts from the register and the features, URL restore, both languages."""

import json
from datetime import date

from conftest import run_page
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.filters import TaskFilter
from geo.view import build_view, load_data

DATA = load_data()


def run_map(query_params: dict | None = None, **state) -> AppTest:
    return run_page("pages/map.py", query_params=query_params, **state)


def counts_line(app: AppTest) -> str:
    return next(md.value for md in app.markdown if "đối tượng" in md.value or "features" in md.value)


def expected(choice: TaskFilter, tasks, agencies) -> tuple[int, int]:
    view = build_view(DATA, choice)
    return len(view.features), len(view.tasks)


def test_default_shows_every_feature(tasks, agencies):
    n_features, n_tasks = expected(TaskFilter(as_of=date(2026, 11, 22)), tasks, agencies)
    shipped = json.loads(settings.PROJECTS_GEOJSON.read_text(encoding="utf-8"))["features"]
    assert n_features == len(DATA.features) == len(shipped)
    app = run_map(f_as_of=date(2026, 11, 22))
    assert counts_line(app) == f"**{n_features} đối tượng trên bản đồ** · **{n_tasks} nhiệm vụ khớp bộ lọc (trên tổng {len(DATA.tasks)})**"


def test_construction_department_with_predecessors_past_due(tasks, agencies):
    as_of = date(2026, 11, 22)
    choice = TaskFilter(agencies=("so-xay-dung",), as_of=as_of, only_past_due=True)
    n_features, n_tasks = expected(choice, tasks, agencies)
    assert n_tasks == 19 and n_features > 0  # 2021 framework-plan tasks it leads (9) or coordinates, plus Transport's (5)
    app = run_map(f_agencies=["so-xay-dung"], f_as_of=as_of, f_only_past_due=True)
    assert counts_line(app) == f"**{n_features} đối tượng trên bản đồ** · **{n_tasks} nhiệm vụ khớp bộ lọc (trên tổng {len(DATA.tasks)})**"


def test_layer_filter_and_search(tasks, agencies):
    choice = TaskFilter(layers=("bridge",), query="cau tu lien", as_of=date(2026, 11, 22))
    n_features, _ = expected(choice, tasks, agencies)
    assert list(build_view(DATA, choice).features.index) == ["bridge-08"]  # Cầu Tứ Liên
    app = run_map(f_layers=["bridge"], f_query="cau tu lien", f_as_of=date(2026, 11, 22))
    assert counts_line(app).startswith(f"**{n_features} đối tượng")


def test_url_restores_filters_and_language(tasks, agencies):
    choice = TaskFilter(agencies=("so-xay-dung",), docs=("KH-183-2021",), as_of=date(2026, 11, 22), only_past_due=True)
    params = {**choice.to_query_params(), "lang": "en"}
    n_features, n_tasks = expected(choice, tasks, agencies)
    app = run_map(query_params=params)
    assert app.session_state["f_agencies"] == ["so-xay-dung"]
    assert app.session_state["f_docs"] == ["KH-183-2021"]
    assert app.session_state["f_as_of"] == date(2026, 11, 22)
    assert counts_line(app) == f"**{n_features} features on the map** · **{n_tasks} tasks match the filters (of {len(DATA.tasks)})**"
    assert app.title[0].value == "Projects and their tasks"


def test_damaged_url_still_opens():
    app = run_map(query_params={"agencies": "so-khong-co", "as_of": "2026-13-45", "role": "boss"})
    assert app.session_state["f_agencies"] == []
    assert app.session_state["f_role"] == "any"
