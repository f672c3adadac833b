"""The agency's template -> filled -> imported round trip, and the quarterly report reopened (openpyxl, python-docx), on both stores."""

import io
from datetime import date

import pandas as pd
import pytest
import test_store_support as support
from docx import Document
from openpyxl import load_workbook

from geo.errors import ImportFileError
from geo.i18n import t
from geo.progress.categories import CATEGORIES, categories, counts
from geo.progress.quarterly import HEADER_ROW, quarterly_report
from geo.progress.reminders import agency_mask
from geo.progress.sheets import put
from geo.progress.template import COLUMNS, import_progress, read_progress_xlsx, template_xlsx
from geo.store import add_report, add_user, reports_frame

backend, store_url, store, coordinator = support.backend, support.store_url, support.store, support.coordinator  # the fixtures
cheap_hashing = support.cheap_hashing  # autouse: cheap argon2 parameters
SXD_TASK, GTVT_TASK, FINANCE_TASK = "KH-DU-2026.070", "KH-183-2021.018", "KH-DU-2026.001"


def column(name: str) -> int:
    return COLUMNS.index(name) + 1


def test_the_template_has_two_header_rows_the_tasks_and_a_status_list(tasks, agencies):
    mine = tasks[agency_mask(tasks, "so-xay-dung", agencies)]
    hostile = pd.concat([mine.head(2), mine.head(1).assign(id="X.1", task="=HYPERLINK(\"http://evil\",\"x\")").set_index("id", drop=False)])
    book = load_workbook(io.BytesIO(template_xlsx(hostile, reported_on=date(2026, 11, 20))))
    sheet = book.worksheets[0]
    assert sheet.title == "Báo cáo tiến độ" and book.sheetnames[1] == "Hướng dẫn"
    assert [sheet.cell(1, n).value for n in (1, 4, 6, 16)] == ["Mã nhiệm vụ", "Nhiệm vụ", "Tình trạng", "Ngày báo cáo"]
    assert [sheet.cell(2, n).value for n in (1, 4, 6, 16)] == ["Task id", "Task", "Status", "Reported on"]
    assert [sheet.cell(row, 1).value for row in (3, 4, 5)] == [*mine.index[:2], "X.1"]
    formula = sheet.cell(5, column("task"))
    assert formula.value == '=HYPERLINK("http://evil","x")' and formula.data_type == "s"  # text, never a formula
    assert sheet.cell(3, column("reported_on")).value.date() == date(2026, 11, 20)
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert lists[0].formula1 == '"Chưa bắt đầu,Đang thực hiện,Hoàn thành,Tạm dừng/vướng mắc"' and "F3:F" in str(lists[0].sqref)
    assert "python -m geo progress import" in book.worksheets[1]["A8"].value


def fill(payload: bytes, rows: dict[int, dict]) -> bytes:
    book = load_workbook(io.BytesIO(payload))
    sheet = book.worksheets[0]
    for row, values in rows.items():
        for name, value in values.items():
            put(sheet, row, column(name), value)  # what a planner types: '=cmd... is text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def filled(tasks, agencies):
    mine = tasks[agency_mask(tasks, "so-xay-dung", agencies)]
    position = {task_id: 3 + n for n, task_id in enumerate(mine.index)}
    extra = 3 + len(mine)
    payload = fill(template_xlsx(mine), {
        position[SXD_TASK]: {"status": "Đang thực hiện", "percent": 40, "results": "=cmd|' /C calc'!A0", "reported_on": date(2026, 11, 20),
                             "evidence_link": "https://hanoi.gov.vn/bao-cao/1"},
        position[GTVT_TASK]: {"status": "completed", "completed_on": "31/10/2021", "reported_on": "2021-11-02", "percent": "100%"},
        position["KH-DU-2026.008"]: {"status": "Xong rồi", "reported_on": date(2026, 11, 20)},
        position["KH-183-2021.013"]: {"status": "Hoàn thành", "reported_on": date(2026, 11, 20)},
        position["KH-DU-2026.051"]: {"status": "In progress", "percent": 150, "evidence_link": "ftp://x", "reported_on": date(2026, 11, 20)},
        extra: {"task_id": "KH-NO-SUCH.001", "status": "blocked", "reported_on": date(2026, 11, 20)},
        extra + 1: {"task_id": FINANCE_TASK, "status": "blocked", "reported_on": date(2026, 11, 20), "difficulties": "Chờ Bộ"},
        extra + 2: {"task_id": SXD_TASK, "results": "no status", "reported_on": date(2026, 11, 20)},
    })  # fmt: skip
    return payload, position, extra


def test_reading_lists_every_bad_row_by_number_and_keeps_the_good_ones(filled, tasks):
    payload, position, extra = filled
    rows, problems = read_progress_xlsx(payload, tasks, today=date(2026, 11, 29))
    assert [(row.row, row.values.task_id, row.values.status) for row in rows] == [
        (position[SXD_TASK], SXD_TASK, "in_progress"), (position[GTVT_TASK], GTVT_TASK, "completed"), (extra + 1, FINANCE_TASK, "blocked")]
    good = rows[1].values
    assert (good.completed_on, good.reported_on, good.percent) == (date(2021, 10, 31), date(2021, 11, 2), 100.0)
    assert rows[0].values.results == "=cmd|' /C calc'!A0"
    found = {(p.row, p.key) for p in problems}
    assert found == {
        (position["KH-DU-2026.008"], "err.progress_status"), (position["KH-183-2021.013"], "err.progress_completed_missing"),
        (position["KH-DU-2026.051"], "err.progress_percent"), (position["KH-DU-2026.051"], "err.progress_link"),
        (extra, "err.progress_task_unknown"), (extra + 2, "err.progress_status_missing"),
    }  # fmt: skip
    bad_status = next(p for p in problems if p.key == "err.progress_status")
    assert str(bad_status).startswith(f"row {position['KH-DU-2026.008']} (KH-DU-2026.008): status 'Xong rồi' is not one of Chưa bắt đầu")
    assert bad_status.reason("vi").startswith("Tình trạng 'Xong rồi' không thuộc")


def test_the_import_saves_good_rows_refuses_other_agencies_and_a_second_upload_changes_nothing(store, coordinator, filled, tasks, agencies):
    payload, position, extra = filled
    rita = add_user(store, coordinator, "rita", role="reporter", agency_id="so-xay-dung")
    first = import_progress(store, rita, payload, tasks=tasks, agencies=agencies, name="sxd.xlsx")
    assert (first.saved, first.unchanged) == (2, 0) and sorted(report.task_id for report in first.reports) == [GTVT_TASK, SXD_TASK]
    refused = [p for p in first.problems if p.row == extra + 1]
    assert [p.key for p in refused] == ["err.refused_report"] and "may not report progress on task KH-DU-2026.001" in str(refused[0])
    assert len({p.row for p in first.problems}) == 6 and first.not_filled == len(position) - 5
    assert [p.row for p in first.problems] == sorted(p.row for p in first.problems)
    frame = reports_frame(store)
    assert len(frame) == 2 and set(frame["reporter"]) == {"rita"}
    assert frame.set_index("task_id").at[SXD_TASK, "results"] == "=cmd|' /C calc'!A0"
    second = import_progress(store, rita, payload, tasks=tasks, agencies=agencies, name="sxd.xlsx")
    assert (second.saved, second.unchanged) == (0, 2) and sorted(r.id for r in second.already) == sorted(r.id for r in first.reports)
    assert len(reports_frame(store)) == 2 and [p.key for p in second.problems] == [p.key for p in first.problems]
    newer = fill(payload, {position[SXD_TASK]: {"percent": 60, "reported_on": date(2026, 11, 27)}})
    third = import_progress(store, rita, newer, tasks=tasks, agencies=agencies, name="sxd.xlsx")
    assert [r.task_id for r in third.reports] == [SXD_TASK] and [r.task_id for r in third.already] == [GTVT_TASK]
    assert third.reports[0].supersedes == next(r.id for r in first.reports if r.task_id == SXD_TASK)
    assert third.problems[0].text("vi") == third.problems[0].reason("vi")


def test_a_file_without_the_columns_or_over_the_limit_is_refused(tasks, monkeypatch):
    from openpyxl import Workbook

    from geo import settings

    book = Workbook()
    book.active.append(["id", "note"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFileError, match=r"x.xlsx: missing column\(s\) Mã nhiệm vụ, Tình trạng, Ngày hoàn thành, Ngày báo cáo"):
        read_progress_xlsx(buffer.getvalue(), tasks, name="x.xlsx")
    monkeypatch.setattr(settings, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(ImportFileError, match=r"over the limit of 0.0 MiB"):
        read_progress_xlsx(buffer.getvalue(), tasks, name="x.xlsx")


@pytest.fixture
def reported(store, coordinator, tasks, agencies):
    row = tasks.loc
    add_report(store, coordinator, row[GTVT_TASK], agencies=agencies, status="completed", completed_on=date(2021, 11, 15),
               reported_on=date(2021, 11, 20), results="Đã phê duyệt đề án", difficulties="", proposals="=1+1")  # fmt: skip
    add_report(store, coordinator, row[SXD_TASK], agencies=agencies, status="in_progress", percent=35, reported_on=date(2026, 9, 15),
               results="Đã khảo sát 12 không gian", difficulties="Thiếu vốn", proposals="Bổ sung ngân sách")  # fmt: skip
    add_report(store, coordinator, row["KH-DU-2026.008"], agencies=agencies, status="blocked", reported_on=date(2026, 10, 5),
               difficulties="Reported after the quarter")  # fmt: skip
    add_report(store, coordinator, row[FINANCE_TASK], agencies=agencies, status="in_progress", reported_on=date(2026, 3, 1))
    return reports_frame(store)


def expected(tasks, reports, agencies, quarter_end):
    mine = tasks[agency_mask(tasks, "so-xay-dung", agencies)]
    return mine, categories(mine, reports, quarter_end)


def test_the_quarterly_xlsx_matches_the_store(reported, tasks, agencies):
    mine, cats = expected(tasks, reported, agencies, date(2026, 9, 30))
    book = load_workbook(io.BytesIO(quarterly_report(tasks, reported, quarter="2026Q3", agency="so-xay-dung", agencies=agencies)))
    sheet, summary = book.worksheets
    assert sheet["A1"].value == "Báo cáo kết quả thực hiện nhiệm vụ quý III/2026" and "Sở Xây dựng" in sheet["A2"].value
    assert "30/09/2026" in sheet["A3"].value
    header = [cell.value for cell in sheet[HEADER_ROW]]
    rows = [dict(zip(header, [cell.value for cell in line], strict=True)) for line in sheet.iter_rows(min_row=HEADER_ROW + 1)]
    assert [row["Mã nhiệm vụ"] for row in rows] == list(mine.index)
    labels = {t(f"prog.cat.{code}", "vi"): code for code in CATEGORIES}
    assert {row["Mã nhiệm vụ"]: labels[row["Tình hình thực hiện"]] for row in rows} == cats["progress_category"].to_dict()
    by_id = {row["Mã nhiệm vụ"]: row for row in rows}
    assert by_id[GTVT_TASK]["Tình hình thực hiện"] == "Hoàn thành quá hạn" and by_id[GTVT_TASK]["Đề xuất, kiến nghị"] == "=1+1"
    cell = next(c for c in sheet[HEADER_ROW + 1 + list(mine.index).index(GTVT_TASK)] if c.value == "=1+1")
    assert cell.data_type == "s"
    assert (by_id[SXD_TASK]["Tỷ lệ hoàn thành (%)"], by_id[SXD_TASK]["Khó khăn, vướng mắc"]) == (35, "Thiếu vốn")
    assert by_id[SXD_TASK]["Thời hạn"] == "2026" and by_id[SXD_TASK]["Thời hạn (ngày)"].date() == date(2026, 12, 31)
    assert by_id["KH-DU-2026.008"]["Khó khăn, vướng mắc"] is None  # its report is dated after the quarter
    table = {line[1].value: line[2].value for line in summary.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + len(CATEGORIES))}
    assert table == counts(cats["progress_category"]) and summary.cell(HEADER_ROW + len(CATEGORIES) + 1, 3).value == len(mine)


def test_the_quarterly_docx_matches_the_store_city_wide_in_english(reported, tasks, agencies):
    cats = categories(tasks, reported, date(2026, 12, 31))
    document = Document(io.BytesIO(quarterly_report(tasks, reported, quarter="2026Q4", agencies=agencies, lang="en", fmt="docx")))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "Progress of the tasks, quarter IV/2026" in texts and "Scope: the whole city" in texts
    summary, table = document.tables
    numbers = {row.cells[1].text: int(row.cells[2].text) for row in summary.rows[1:-1]}
    assert numbers == counts(cats["progress_category"]) and summary.rows[-1].cells[2].text == str(len(tasks))
    assert len(table.rows) == len(tasks) + 1
    ids = [row.cells[1].text.split("\n")[0] for row in table.rows[1:]]
    assert ids == list(tasks.index)
    row = table.rows[1 + ids.index(SXD_TASK)]
    assert [row.cells[n].text for n in (4, 5, 6, 7)] == ["In progress, within the deadline", "Đã khảo sát 12 không gian", "Thiếu vốn",
                                                          "Bổ sung ngân sách"]  # fmt: skip
    assert row.cells[3].text == "2026 (31/12/2026)"
    assert table.rows[1 + ids.index("KH-DU-2026.008")].cells[4].text == "In progress, within the deadline"


def test_a_bad_quarter_or_format_is_refused(tasks, agencies):
    from geo.errors import InvalidArgumentError

    empty = pd.DataFrame(columns=["task_id", "id", "reported_on", "status", "completed_on"])
    with pytest.raises(InvalidArgumentError, match=r"quarter must be written like 2026Q4, got '2026'"):
        quarterly_report(tasks, empty, quarter="2026", agencies=agencies)
    with pytest.raises(InvalidArgumentError, match=r"format must be xlsx or docx, got 'pdf'"):
        quarterly_report(tasks, empty, quarter="2026Q4", agencies=agencies, fmt="pdf")
