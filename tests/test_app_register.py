"""AppTest smoke tests of the register page: the counts shown come from the register."""

from datetime import date

import pytest
from conftest import run_page
from streamlit.testing.v1 import AppTest

from geo.filters import TaskFilter, apply_filter


def run_app(page: str = "pages/register.py", **state) -> AppTest:
    return run_page(page, **state)


def count_text(app: AppTest) -> str:
    return next(md.value for md in app.markdown if "nhiệm vụ khớp" in md.value or "tasks match" in md.value)


def test_switch_page_runs_the_register():
    app = run_app()
    assert app.title[0].value == "Danh mục nhiệm vụ"


def test_register_shows_all_tasks_by_default():
    app = run_app()
    # 118 + 43 + 82 + 29 (KH-57-TU-2026: 25 assignments in IV.1, 4 in IV.2)
    assert count_text(app) == "**272 nhiệm vụ khớp bộ lọc (trên tổng 272)**"
    assert len(app.dataframe[0].value) == 272


def test_lead_agency_with_predecessors_and_past_due(tasks, agencies):
    as_of = date(2026, 11, 22)
    choice = TaskFilter(agencies=("so-xay-dung",), role="lead", as_of=as_of, only_past_due=True)
    expected = len(apply_filter(tasks, choice, agencies))
    # KH-183-2021 (framework-plan deadlines in 2021): 9 led by Sở Xây dựng, 5 by Sở Giao thông vận tải
    assert expected == 14
    app = run_app(f_agencies=["so-xay-dung"], f_role="lead", f_as_of=as_of, f_only_past_due=True)
    assert count_text(app) == f"**{expected} nhiệm vụ khớp bộ lọc (trên tổng 272)**"
    app = run_app(f_agencies=["so-xay-dung"], f_role="lead", f_as_of=as_of, f_only_past_due=True, f_predecessors=False)
    assert count_text(app) == "**9 nhiệm vụ khớp bộ lọc (trên tổng 272)**"


@pytest.mark.parametrize(("query", "expected"), [("cau tu lien", 1), ("hoa lac", None)])
def test_search_ignores_accents(tasks, agencies, query, expected):
    n = len(apply_filter(tasks, TaskFilter(query=query), agencies))
    if expected is not None:
        assert n == expected
    app = run_app(f_query=query)
    assert count_text(app) == f"**{n} nhiệm vụ khớp bộ lọc (trên tổng 272)**"


def test_document_filter_and_english():
    app = run_app(f_docs=["KH-183-2021"], lang="en")
    assert count_text(app) == "**43 tasks match the filters (of 272)**"
    assert app.title[0].value == "Task register"
