"""The progress commands in-process, on both stores: add (refusals exit 2 and name who and what), import, template, report, due, ics, tasks."""

import io
import json

import pytest
import test_store_support as support
from docx import Document
from openpyxl import load_workbook

from cli import main
from geo import settings
from geo.store import add_user, open_store, reports_frame

backend, store_url = support.backend, support.store_url  # the fixtures
cheap_hashing = support.cheap_hashing  # autouse: cheap argon2 parameters
GTVT_TASK = "KH-183-2021.018"  # led by Sở GTVT, merged into Sở Xây dựng; due 2021-10-31


@pytest.fixture
def accounts(store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store_url)
    store = open_store(store_url)
    lan = add_user(store, None, "lan", role="coordinator")
    add_user(store, lan, "rita", role="reporter", agency_id="so-xay-dung")
    add_user(store, lan, "tai", role="reporter", agency_id="so-tai-chinh")
    add_user(store, lan, "vy", role="viewer")
    yield store
    store.close()


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_refuses_another_agency_and_a_viewer_and_saves_a_predecessors_task(accounts, capsys):
    code, _, err = run(capsys, "progress", "add", "--user", "tai", "--task", GTVT_TASK, "--status", "in_progress", "--reported-on", "2026-11-20")
    assert code == 2 and err.startswith(f"error: refused: user 'tai' (reporter, agency so-tai-chinh) may not report progress on task {GTVT_TASK}")
    code, _, err = run(capsys, "progress", "add", "--user", "vy", "--task", GTVT_TASK, "--status", "in_progress")
    assert code == 2 and "refused: user 'vy' (viewer) may not report progress on task" in err and "needs the role reporter or coordinator" in err
    code, _, err = run(capsys, "progress", "add", "--user", "rita", "--task", GTVT_TASK, "--status", "completed", "--reported-on", "2021-11-02")
    assert code == 2 and "status completed needs the completion date" in err
    assert reports_frame(accounts).empty
    code, out, err = run(capsys, "progress", "add", "--user", "rita", "--task", GTVT_TASK, "--status", "completed", "--completed-on",
                         "2021-10-31", "--reported-on", "2021-11-02", "--note", "Đề án được phê duyệt", "--percent", "100")  # fmt: skip
    assert code == 0, err
    assert out.strip() == (f"saved: report 1 on task {GTVT_TASK} (completed, completed on 2021-10-31) dated 2021-11-02 by rita; "
                           "the task is completed_on_time")  # fmt: skip
    row = reports_frame(accounts).iloc[0]
    assert (row["reporter"], row["results"], row["percent"]) == ("rita", "Đề án được phê duyệt", 100.0)
    code, _, err = run(capsys, "progress", "add", "--user", "rita", "--task", "KH-NOPE.1", "--status", "in_progress")
    assert code == 2 and "task 'KH-NOPE.1' is not in the register" in err


def test_an_evidence_file_from_the_command_line(accounts, capsys, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 minimal")
    code, _, err = run(capsys, "progress", "add", "--user", "lan", "--task", "KH-DU-2026.001", "--status", "blocked", "--reported-on",
                       "2026-11-20", "--evidence-file", str(scan), "--difficulties", "Chờ ý kiến")  # fmt: skip
    assert code == 0, err
    assert reports_frame(accounts).iloc[0]["evidence_name"] == "scan.pdf"
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"MZ not a pdf")
    code, _, err = run(capsys, "progress", "add", "--user", "lan", "--task", "KH-DU-2026.001", "--status", "blocked",
                       "--evidence-file", str(fake))  # fmt: skip
    assert code == 2 and "fake.pdf: the content is not a PDF file" in err


def test_tasks_json_carries_the_category_as_of_and_filters_by_it(accounts, capsys):
    run(capsys, "progress", "add", "--user", "rita", "--task", GTVT_TASK, "--status", "completed", "--completed-on", "2021-11-01",
        "--reported-on", "2021-11-02")  # fmt: skip
    code, out, _ = run(capsys, "tasks", "--agency", "so-xay-dung", "--as-of", "2026-11-22", "--json")
    records = {record["id"]: record for record in json.loads(out)}
    assert code == 0 and records[GTVT_TASK]["progress_category"] == "completed_late"
    assert records["KH-DU-2026.070"]["progress_category"] == "no_report"  # due 2026-12-31
    assert records["KH-183-2021.013"]["progress_category"] == "overdue"  # due 2021-09-30, never reported
    code, out, _ = run(capsys, "tasks", "--agency", "so-xay-dung", "--as-of", "2021-11-01", "--category", "completed_late,no_report", "--json")
    ids = [record["id"] for record in json.loads(out)]
    assert GTVT_TASK not in ids and "KH-DU-2026.070" in ids  # the report is dated 2021-11-02: it does not count on 2021-11-01
    code, out, _ = run(capsys, "tasks", "--agency", "so-xay-dung", "--as-of", "2026-11-22", "--category", "completed_late")
    lines = out.strip().splitlines()
    assert lines[0].endswith(",progress_category") and len(lines) == 2 and lines[1].startswith(GTVT_TASK)
    code, _, err = run(capsys, "tasks", "--category", "late")
    assert code == 2 and "--category: unknown code(s) ['late']" in err


def test_template_then_import_from_the_command_line(accounts, capsys, tmp_path):
    target = tmp_path / "sxd.xlsx"
    code, out, _ = run(capsys, "progress", "template", "--agency", "so-xay-dung", "-o", str(target), "--reported-on", "2026-11-20")
    assert code == 0 and out.strip() == f"written: {target} (36 tasks)"
    book = load_workbook(target)
    sheet = book.worksheets[0]
    row = next(line for line in range(3, 40) if sheet.cell(line, 1).value == "KH-DU-2026.070")
    sheet.cell(row, 6).value = "Đang thực hiện"
    sheet.cell(row + 1, 6).value = "Xong"
    book.save(target)
    code, out, _ = run(capsys, "progress", "import", str(target), "--user", "rita")
    assert code == 1
    assert out.splitlines()[0] == "sxd.xlsx: 1 report(s) saved, 0 unchanged (already in the store), 1 row(s) with problems, 34 task row(s) left empty."
    assert out.splitlines()[1].startswith(f"  row {row + 1} (") and "status 'Xong' is not one of" in out
    code, out, _ = run(capsys, "progress", "import", str(target), "--user", "rita")
    assert "0 report(s) saved, 1 unchanged" in out and len(reports_frame(accounts)) == 1
    code, _, err = run(capsys, "progress", "template", "--agency", "so-xay-dung", "-o", str(target))
    assert code == 2 and "the file exists; add --force" in err


def test_report_due_and_ics_from_the_command_line(accounts, capsys, tmp_path):
    run(capsys, "progress", "add", "--user", "rita", "--task", "KH-DU-2026.070", "--status", "in_progress", "--percent", "20",
        "--reported-on", "2026-10-10")  # fmt: skip
    xlsx, docx = tmp_path / "q4.xlsx", tmp_path / "q4.docx"
    code, out, _ = run(capsys, "progress", "report", "--quarter", "2026Q4", "--agency", "so-xay-dung", "-o", str(xlsx))
    assert code == 0 and out.strip() == f"written: {xlsx} (quarter 2026Q4, agency so-xay-dung, xlsx)"
    summary = load_workbook(xlsx).worksheets[1]
    assert sum(summary.cell(row, 3).value for row in range(6, 11)) == 36 and summary.cell(6 + 3, 2).value == "in_progress"
    assert summary.cell(9, 3).value == 1
    code, _, _ = run(capsys, "progress", "report", "--quarter", "2026Q4", "--format", "docx", "-o", str(docx), "--lang", "en")
    assert code == 0 and len(Document(docx).tables[1].rows) == 273
    code, _, err = run(capsys, "progress", "report", "--quarter", "Q4", "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "quarter must be written like 2026Q4, got 'Q4'" in err
    code, _, err = run(capsys, "progress", "report", "--quarter", "2026Q4", "-o", str(settings.DATA_DIR / "r.xlsx"))
    assert code == 2 and "data/ holds the data of record" in err
    code, out, _ = run(capsys, "progress", "due", "--within-days", "39", "--agency", "so-xay-dung", "--as-of", "2026-11-22", "--json")
    assert code == 0 and json.loads(out) == []  # KH-DU-2026.070, due 2026-12-31, has a report
    code, out, _ = run(capsys, "progress", "due", "--within-days", "39", "--as-of", "2026-11-22", "--json")
    due = json.loads(out)
    assert {record["due_end"] for record in due} == {"2026-12-31"} and all(record["days_left"] == 39 for record in due)
    assert "KH-DU-2026.070" not in {record["id"] for record in due}
    code, out, _ = run(capsys, "progress", "due", "--within-days", "38", "--as-of", "2026-11-22", "--json")
    assert json.loads(out) == []
    ics = tmp_path / "sxd.ics"
    code, out, _ = run(capsys, "progress", "ics", "--agency", "Sở Xây dựng", "-o", str(ics))
    payload = ics.read_bytes()
    assert code == 0 and payload.count(b"BEGIN:VEVENT\r\n") == 36 and payload.startswith(b"BEGIN:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in io.BytesIO(payload).read().split(b"\r\n"))


def test_an_indicator_value_from_the_command_line(accounts, capsys):
    code, out, _ = run(capsys, "progress", "indicator", "--user", "lan", "--indicator", "KH-DU-2026.PL01.001", "--value", "11500",
                       "--on", "2026-09-30", "--source", "Cục Thống kê")  # fmt: skip
    assert code == 0 and out.strip() == "saved: value 11500 of indicator KH-DU-2026.PL01.001 on 2026-09-30 by lan"
    code, _, err = run(capsys, "progress", "indicator", "--user", "rita", "--indicator", "KH-DU-2026.PL01.001", "--value", "1")
    assert code == 2 and "refused: user 'rita'" in err
    code, _, err = run(capsys, "progress", "indicator", "--user", "lan", "--indicator", "NOPE", "--value", "1")
    assert code == 2 and "indicator 'NOPE' is not in data/indicators.csv" in err
