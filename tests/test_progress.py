"""Task progress, pure parts: the category rule on its boundaries, report rules, periods of recurring tasks, reminders, ICS."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from geo import settings
from geo.progress.categories import categories, category, counts
from geo.progress.periods import missing_periods, parse_period, period_of, periodicity, periods_between
from geo.progress.reminders import calendar_ics, due_without_report, fold_line
from geo.progress.rules import check_evidence, check_report
from geo.store.progress import REPORT_COLUMNS

TODAY = date(2026, 11, 29)


def task_frame(rows: dict[str, dict]) -> pd.DataFrame:
    base = {"due_end": None, "due_kind": "by_date", "due_raw": "", "lead_agency": "so-xay-dung", "coordinating": "", "doc_id": "KH-T",
            "tt": "1", "task": "Nhiệm vụ"}  # fmt: skip
    frame = pd.DataFrame([{**base, "id": task_id, **row} for task_id, row in rows.items()])
    return frame.set_index("id", drop=False)


def report_frame(rows: list[dict]) -> pd.DataFrame:
    base = dict.fromkeys(REPORT_COLUMNS, "") | {"completed_on": None, "percent": None, "period": ""}
    return pd.DataFrame([{**base, "id": n, **row} for n, row in enumerate(rows, start=1)], columns=list(REPORT_COLUMNS))


DUE = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("done", "expected"),
    [(date(2026, 3, 30), "completed_on_time"), (DUE, "completed_on_time"), (date(2026, 4, 1), "completed_late")],
)
def test_completed_on_the_deadline_day_is_on_time_and_the_day_after_is_late(done, expected):
    tasks = task_frame({"T1": {"due_end": DUE}})
    reports = report_frame([{"task_id": "T1", "status": "completed", "completed_on": done, "reported_on": date(2026, 4, 2)}])
    assert categories(tasks, reports, date(2026, 6, 1)).at["T1", "progress_category"] == expected


@pytest.mark.parametrize(("as_of", "with_report", "expected"), [
    (date(2026, 3, 31), False, "no_report"),  # the deadline day itself: not yet overdue
    (date(2026, 3, 31), True, "in_progress"),
    (date(2026, 4, 1), False, "overdue"),  # the day after: overdue, with or without reports
    (date(2026, 4, 1), True, "overdue"),
])  # fmt: skip
def test_overdue_with_and_without_reports(as_of, with_report, expected):
    tasks = task_frame({"T1": {"due_end": DUE}})
    rows = [{"task_id": "T1", "status": "in_progress", "percent": 60.0, "reported_on": date(2026, 3, 15)}] if with_report else []
    assert categories(tasks, report_frame(rows), as_of).at["T1", "progress_category"] == expected


def test_a_task_without_a_deadline_is_never_overdue():
    tasks = task_frame({"T1": {"due_kind": "none"}, "T2": {"due_kind": "recurring", "due_raw": "Thường xuyên"}, "T3": {"due_kind": "none"}})
    reports = report_frame([
        {"task_id": "T2", "status": "blocked", "reported_on": date(2026, 1, 5)},
        {"task_id": "T3", "status": "completed", "completed_on": date(2040, 1, 1), "reported_on": date(2040, 1, 2)},
    ])  # fmt: skip
    result = categories(tasks, reports, date(2099, 12, 31))["progress_category"].to_dict()
    assert result == {"T1": "no_report", "T2": "in_progress", "T3": "completed_on_time"}
    assert category(None, None, date(2099, 1, 1)) == "no_report"


def test_a_report_dated_after_the_as_of_date_does_not_count_then():
    tasks = task_frame({"T1": {"due_end": DUE}})
    reports = report_frame([
        {"task_id": "T1", "status": "in_progress", "reported_on": date(2026, 2, 1), "reporter": "rita"},
        {"task_id": "T1", "status": "completed", "completed_on": date(2026, 3, 20), "reported_on": date(2026, 5, 1), "reporter": "hoa"},
    ])  # fmt: skip
    before = categories(tasks, reports, date(2026, 4, 30)).loc["T1"]
    assert (before["progress_category"], before["progress_status"], before["progress_reporter"]) == ("overdue", "in_progress", "rita")
    after = categories(tasks, reports, date(2026, 5, 1)).loc["T1"]
    assert (after["progress_category"], after["progress_completed_on"], after["progress_report_id"]) == ("completed_on_time", date(2026, 3, 20), 2)
    assert categories(tasks, reports, date(2026, 1, 31)).at["T1", "progress_category"] == "no_report"


def test_the_later_saved_report_wins_a_tie_and_counts_cover_every_code():
    tasks = task_frame({"T1": {"due_end": DUE}, "T2": {"due_end": date(2027, 1, 1)}})
    reports = report_frame([
        {"task_id": "T1", "status": "completed", "completed_on": date(2026, 3, 1), "reported_on": date(2026, 3, 2)},
        {"task_id": "T1", "status": "blocked", "reported_on": date(2026, 3, 2)},
    ])  # fmt: skip
    result = categories(tasks, reports, date(2026, 4, 1))
    assert result["progress_category"].tolist() == ["overdue", "no_report"]
    assert counts(result["progress_category"]) == {"completed_on_time": 0, "completed_late": 0, "overdue": 1, "in_progress": 0, "no_report": 1}


DATED = {"id": "T1", "due_kind": "by_date", "due_raw": "Quý I/2026"}
RECURRING_Q = {"id": "R1", "due_kind": "recurring", "due_raw": "Thường xuyên"}
RECURRING_Y = {"id": "R2", "due_kind": "recurring", "due_raw": "Hằng năm"}


def issues_of(task=DATED, **values):
    values = {"status": "in_progress", "reported_on": date(2026, 11, 20), "today": TODAY} | values
    checked, issues = check_report(task, **values)
    return checked, [issue.key for issue in issues]


@pytest.mark.parametrize(("values", "key"), [
    ({"status": "done"}, "err.progress_status"),
    ({"reported_on": None}, "err.progress_date_missing"),
    ({"reported_on": date(2026, 11, 30)}, "err.progress_date_future"),
    ({"reported_on": date(1999, 12, 31)}, "err.progress_date_early"),
    ({"status": "completed"}, "err.progress_completed_missing"),
    ({"completed_on": date(2026, 11, 1)}, "err.progress_completed_not_done"),
    ({"status": "completed", "completed_on": date(2026, 11, 21)}, "err.progress_completed_after"),
    ({"percent": 100.5}, "err.progress_percent"),
    ({"percent": -1}, "err.progress_percent"),
    ({"percent": "abc"}, "err.progress_percent"),
    ({"status": "completed", "completed_on": date(2026, 11, 1), "percent": 90}, "err.progress_percent_completed"),
    ({"results": "x" * (settings.MAX_REPORT_TEXT_CHARS + 1)}, "err.progress_too_long"),
    ({"milestone": "x" * (settings.MAX_MILESTONE_CHARS + 1)}, "err.progress_too_long"),
    ({"evidence_link": "javascript:alert(1)"}, "err.progress_link"),
    ({"evidence_link": "ftp://files.gov.vn/a.pdf"}, "err.progress_link"),
    ({"evidence_link": "https:///no-host"}, "err.progress_link"),
    ({"period": "2026Q4"}, "err.progress_period_dated"),
])  # fmt: skip
def test_each_rule_of_a_report_is_checked(values, key):
    checked, keys = issues_of(**values)
    assert checked is None and keys == [key]


def test_a_good_report_is_normalised():
    checked, keys = issues_of(status="completed", completed_on=date(2026, 11, 20), percent=100, results="  Đã xong\x00 ",
                              evidence_link="https://hanoi.gov.vn/van-ban?id=1")  # fmt: skip
    assert keys == [] and checked.results == "Đã xong" and checked.percent == 100.0 and checked.period == ""
    same, _ = issues_of(status="completed", completed_on=date(2026, 11, 20), percent=100, results="Đã xong",
                        evidence_link="https://hanoi.gov.vn/van-ban?id=1")  # fmt: skip
    assert same.content_sha256() == checked.content_sha256()
    assert issues_of(results="Đã xong.")[0].content_sha256() != checked.content_sha256()


def test_recurring_tasks_are_reported_per_period():
    assert issues_of(RECURRING_Q)[0].period == "2026Q4"  # the period of the report date
    assert issues_of(RECURRING_Y)[0].period == "2026"
    assert issues_of(RECURRING_Q, period="2026q3")[0].period == "2026Q3"
    assert issues_of(RECURRING_Q, period="2026")[1] == ["err.progress_period_kind"]
    assert issues_of(RECURRING_Y, period="2026Q1")[1] == ["err.progress_period_kind"]
    assert issues_of(RECURRING_Q, period="2027Q1")[1] == ["err.progress_period_future"]
    assert issues_of(RECURRING_Q, period="Q4/2026")[1] == ["err.progress_period_bad"]


def test_evidence_files_are_checked_by_name_content_and_size():
    pdf, issues = check_evidence("C:\\scan\\Báo cáo.pdf", b"%PDF-1.7\n...")
    assert issues == [] and (pdf.name, pdf.media_type, len(pdf.sha256)) == ("Báo cáo.pdf", "application/pdf", 64)
    assert check_evidence("photo.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ")[1] == []
    assert check_evidence("table.xlsx", b"PK\x03\x04rest")[1] == []
    assert [i.key for i in check_evidence("tool.exe", b"MZ\x90")[1]] == ["err.evidence_type"]
    assert [i.key for i in check_evidence("report.pdf", b"MZ\x90\x00 not a pdf")[1]] == ["err.evidence_content"]
    assert [i.key for i in check_evidence("empty.png", b"")[1]] == ["err.evidence_empty"]
    big = b"%PDF-" + b"0" * settings.MAX_UPLOAD_BYTES
    assert [i.key for i in check_evidence("big.pdf", big)[1]] == ["err.file_too_big"]


def test_periodicity_follows_the_words_of_the_deadline(tasks):
    recurring = tasks[tasks["due_kind"] == "recurring"]
    assert {task_id: periodicity(raw) for task_id, raw in recurring["due_raw"].items()} == {
        "KH-DU-2026.033": "quarter", "KH-DU-2026.044": "year", "KH-DU-2026.045": "quarter",  # Thường xuyên; Hằng năm; Hằng tháng, quý, năm
    }  # fmt: skip
    assert period_of(date(2026, 12, 31), "quarter") == "2026Q4" and period_of(date(2026, 4, 1), "quarter") == "2026Q2"
    assert parse_period(" 2026q1 ") == ("quarter", date(2026, 1, 1), date(2026, 3, 31))
    assert parse_period("2026") == ("year", date(2026, 1, 1), date(2026, 12, 31))
    assert parse_period("2026Q5") is None and parse_period("") is None
    assert periods_between(date(2025, 11, 15), date(2026, 4, 1), "quarter") == ["2025Q4", "2026Q1", "2026Q2"]


def test_missing_periods_are_the_ended_periods_without_a_report():
    tasks = task_frame({"R1": {"due_kind": "recurring", "due_raw": "Thường xuyên", "due_end": None},
                        "R2": {"due_kind": "recurring", "due_raw": "Hằng năm", "due_end": None}, "T1": {"due_end": DUE}})  # fmt: skip
    reports = report_frame([{"task_id": "R1", "status": "in_progress", "period": "2026Q2", "reported_on": date(2026, 7, 5)}])

    def missing(as_of):
        found = missing_periods(tasks, reports, start=date(2026, 1, 1), as_of=as_of)
        return list(zip(found["task_id"], found["period"], strict=True))

    assert missing(date(2026, 6, 30)) == [("R1", "2026Q1")]  # Q2 ends on the day asked: not missing yet
    assert missing(date(2026, 7, 4)) == [("R1", "2026Q1"), ("R1", "2026Q2")]  # the Q2 report is dated later: it does not count yet
    assert missing(date(2026, 9, 30)) == [("R1", "2026Q1")]
    assert missing(date(2026, 10, 1)) == [("R1", "2026Q1"), ("R1", "2026Q3")]
    assert missing(date(2027, 1, 1)) == [("R1", "2026Q1"), ("R1", "2026Q3"), ("R1", "2026Q4"), ("R2", "2026")]


AS_OF = date(2026, 11, 22)


def test_due_without_report_on_its_boundary_days(agencies):
    tasks = task_frame({
        "today": {"due_end": AS_OF}, "last": {"due_end": date(2026, 12, 22)}, "after": {"due_end": date(2026, 12, 23)},
        "past": {"due_end": date(2026, 11, 21)}, "reported": {"due_end": date(2026, 12, 1)}, "later": {"due_end": date(2026, 12, 2)},
        "undated": {"due_kind": "none"}, "gtvt": {"due_end": date(2026, 12, 5), "lead_agency": "so-gtvt"},
        "finance": {"due_end": date(2026, 12, 5), "lead_agency": "so-tai-chinh"},
    })  # fmt: skip
    reports = report_frame([{"task_id": "reported", "status": "in_progress", "reported_on": AS_OF},
                            {"task_id": "later", "status": "in_progress", "reported_on": date(2026, 11, 23)}])  # fmt: skip
    due = due_without_report(tasks, reports, as_of=AS_OF, within_days=30)
    assert due["days_left"].to_dict() == {"today": 0, "later": 10, "finance": 13, "gtvt": 13, "last": 30}
    mine = due_without_report(tasks, reports, as_of=AS_OF, within_days=30, agencies=agencies, agency="so-xay-dung")
    assert list(mine.index) == ["today", "later", "gtvt", "last"]
    assert list(due_without_report(tasks, reports, as_of=AS_OF, within_days=0).index) == ["today"]


def unfolded(payload: bytes) -> list[str]:
    text = payload.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # CRLF only
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def test_the_calendar_is_rfc_5545(tasks):
    long_text = "Xây dựng cầu Tứ Liên; nối Đông Anh, Tây Hồ \\ giai đoạn 1\nvà đường dẫn hai đầu cầu " * 3
    frame = task_frame({"A.1": {"due_end": date(2026, 12, 31), "task": long_text}, "A.2": {"due_kind": "none"},
                        "A.3": {"due_end": date(2027, 3, 31), "task": "Cầu Trần Hưng Đạo"}})  # fmt: skip
    lines = unfolded(calendar_ics(frame, agency_name="Sở Xây dựng", now=datetime(2026, 11, 29, 20, 5, tzinfo=UTC)))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR" and "VERSION:2.0" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == 2
    assert [line for line in lines if line.startswith("DTSTART")] == ["DTSTART;VALUE=DATE:20261231", "DTSTART;VALUE=DATE:20270331"]
    assert "DTEND;VALUE=DATE:20270101" in lines and "DTSTAMP:20261129T200500Z" in lines
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert summary.startswith("SUMMARY:Hạn: Xây dựng cầu Tứ Liên\\; nối Đông Anh\\, Tây Hồ \\\\ giai đoạn 1\\nvà đường")
    whole = calendar_ics(tasks, agency_name="Toàn thành phố", now=datetime(2026, 11, 29, tzinfo=UTC))
    assert unfolded(whole).count("BEGIN:VEVENT") == int(tasks["due_end"].notna().sum())


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "Đường" * 40
    parts = fold_line(line).split("\r\n")
    assert len(parts) > 2 and all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert "".join([parts[0], *(part[1:] for part in parts[1:])]) == line


def test_dates_may_be_given_as_iso_text_or_datetimes():
    checked, keys = issues_of(reported_on="2026-11-20", completed_on=datetime(2026, 11, 19, 8, 0), status="completed")
    assert keys == [] and (checked.reported_on, checked.completed_on) == (date(2026, 11, 20), date(2026, 11, 19))
    assert issues_of(reported_on="20-11-2026")[1] == ["err.progress_date"]
