"""Progress in the real browser: a reporter fills the agency's spreadsheet, uploads it, and the map shows the report."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from geo.filters import TaskFilter
from geo.progress.template import status_label, template_xlsx
from geo.store import add_user, get_user, list_users, open_store, reports_frame
from geo.view import build_view, load_data
from tests.e2e.test_browser import wait_for_map
from tests.e2e.test_store_browser import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def reporter():
    store = open_store()
    if not list_users(store):
        add_user(store, None, "dieu.phoi", role="coordinator", password="mat-khau-dai-1")
    try:
        get_user(store, "bao.cao.xd")
    except Exception:
        add_user(store, get_user(store, "dieu.phoi"), "bao.cao.xd", role="reporter", agency_id="so-xay-dung", password="mat-khau-dai-3")
    return store


def test_a_report_uploaded_in_the_browser_shows_on_the_map(page, app_url, reporter, tmp_path):
    data = load_data(store=reporter)
    view = build_view(data, TaskFilter(agencies=("so-xay-dung",), as_of=date.today()))
    linked = view.tasks[view.tasks["on_map"] & (view.tasks["progress_category"] != "completed_on_time")]
    task_id = linked.index[0]
    book = load_workbook(io.BytesIO(template_xlsx(view.tasks.loc[[task_id]])))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == task_id)
    sheet.cell(row, headers.index("Tình trạng") + 1, status_label("completed", "vi"))
    sheet.cell(row, headers.index("Ngày hoàn thành") + 1, date.today())
    sheet.cell(row, headers.index("Kết quả thực hiện") + 1, "Đã hoàn thành trong đợt kiểm tra tự động")
    sheet.cell(row, headers.index("Ngày báo cáo") + 1, date.today())
    filled = tmp_path / "tien-do.xlsx"
    book.save(filled)
    before = len(reports_frame(reporter))

    page.goto(f"{app_url}/")
    wait_for_map(page)
    sign_in(page, "bao.cao.xd", "mat-khau-dai-3")
    page.get_by_text(re.compile(r"bao\.cao\.xd · Người báo cáo")).first.wait_for(timeout=20_000)
    page.get_by_role("link", name=re.compile("Nhiệm vụ của cơ quan tôi")).click()
    page.get_by_role("heading", name="Nhiệm vụ của cơ quan tôi").wait_for(timeout=30_000)
    page.locator("input[type=file]").set_input_files(str(filled))
    page.get_by_text(re.compile(r"Đã lưu 1 dòng")).wait_for(timeout=30_000)
    assert len(reports_frame(reporter)) == before + 1

    page.goto(f"{app_url}/?colour=progress")  # a new load of the map, features coloured by the progress of their tasks
    wait_for_map(page)
    page.get_by_text(re.compile(r"Hoàn thành đúng hạn \(\d+\)")).first.wait_for(timeout=20_000)
    legend = page.get_by_text(re.compile(r"Hoàn thành đúng hạn \(\d+\)")).first.inner_text()
    assert int(re.search(r"\((\d+)\)", legend).group(1)) >= 1
