import pandas as pd
import pytest

from geo.errors import ImportFileError
from geo.importer import import_tasks

ROWS = [
    {"tt": "1", "task": "Xây dựng cầu Tứ Liên", "lead_agency_raw": "Sở Xây dựng", "coordinating_raw": "UBND xã, phường", "due_raw": "Quý IV/2027"},
    {"tt": "2", "task": "Đề án <b>mới</b>", "lead_agency_raw": "Sở Vũ trụ", "coordinating_raw": "", "due_raw": "2027"},
    {"tt": "3", "task": "Nhiệm vụ ba", "lead_agency_raw": "Sở Tài chính", "coordinating_raw": "", "due_raw": "sớm nhất có thể"},
    {"tt": "4", "task": "", "lead_agency_raw": "", "coordinating_raw": "", "due_raw": ""},
]  # fmt: skip


@pytest.fixture(params=["csv", "xlsx"])
def table_path(request, tmp_path):
    frame = pd.DataFrame(ROWS)
    path = tmp_path / f"plan.{request.param}"
    if request.param == "csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    else:
        frame.to_excel(path, index=False)
    return path


def test_import_keeps_every_row_and_reports_problems_by_row(table_path, agencies):
    result = import_tasks(table_path, agencies, doc_id="KH-NEW-2027")
    assert list(result.tasks["id"]) == [f"KH-NEW-2027.{i:03d}" for i in range(1, 5)]
    assert result.tasks.loc[0, "lead_agency"] == "so-xay-dung"
    assert result.tasks.loc[0, "due_end"] == "2027-12-31"
    reasons = {(p.row, p.reason.split(":")[0]) for p in result.problems}
    assert reasons == {
        (3, "unknown_lead_agency"),
        (4, "unparsed_deadline"),
        (5, "empty_task"),
        (5, "missing_lead_agency"),
    }
    assert result.tasks.loc[1, "task"] == "Đề án <b>mới</b>"  # kept as written; escaped where shown
    assert result.tasks.loc[2, "due_raw"] == "sớm nhất có thể"
    assert result.tasks.loc[2, "due_kind"] == "unparsed"
    assert result.tasks.loc[3, "flags"].startswith("empty_task")


def test_missing_column_is_a_clear_error(tmp_path, agencies):
    path = tmp_path / "plan.csv"
    pd.DataFrame([{"task": "x", "deadline": "2026"}]).to_csv(path, index=False)
    with pytest.raises(ImportFileError, match=r"missing column\(s\) \['lead_agency_raw', 'due_raw'\]"):
        import_tasks(path, agencies, doc_id="X")


def test_wrong_type_and_broken_files(tmp_path, agencies):
    with pytest.raises(ImportFileError, match="expected a .csv or .xlsx"):
        import_tasks(tmp_path / "plan.pdf", agencies, doc_id="X")
    broken = tmp_path / "plan.xlsx"
    broken.write_bytes(b"this is not a zip")
    with pytest.raises(ImportFileError, match="cannot be read as a table"):
        import_tasks(broken, agencies, doc_id="X")
    garbled = tmp_path / "plan.csv"
    garbled.write_bytes(b"task,lead_agency_raw,due_raw\nC\x81u,S\x90,2026\n")  # bytes no Vietnamese encoding uses
    with pytest.raises(ImportFileError, match="not UTF-8 text .* nor Windows-1258"):
        import_tasks(garbled, agencies, doc_id="X")


def test_row_numbers_count_blank_lines(tmp_path, agencies):
    path = tmp_path / "plan.csv"
    path.write_text("task,lead_agency_raw,due_raw\nA,Sở Xây dựng,2027\n\nB,Sở Xây dựng,sớm\n", encoding="utf-8")
    result = import_tasks(path, agencies, doc_id="X")
    assert [(p.row, p.reason.split(":")[0]) for p in result.problems if p.reason.startswith("unparsed")] == [
        (4, "unparsed_deadline")
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_the_csv_vietnamese_excel_writes(tmp_path, agencies, encoding, separator):
    """Excel on a Vietnamese system writes ';' and Windows-1258 (decomposed accents) or UTF-16: all read the same."""
    import unicodedata

    text = separator.join(["task", "lead_agency_raw", "due_raw"]) + "\r\n"
    text += separator.join(["Xây cầu Tứ Liên, giai đoạn 1", "Sở Xây dựng", "Quý IV/2027"]) + "\r\n"
    path = tmp_path / "plan.csv"
    quoted = text.replace("Xây cầu Tứ Liên, giai đoạn 1", '"Xây cầu Tứ Liên, giai đoạn 1"') if separator == "," else text
    if encoding == "cp1258":  # Windows-1258 lacks most precomposed letters (ầ, ứ, ở): base letter + combining tone mark
        payload = b""
        for ch in quoted:
            try:
                payload += ch.encode("cp1258")
            except UnicodeEncodeError:
                parts = unicodedata.normalize("NFD", ch)
                payload += unicodedata.normalize("NFC", parts[:-1]).encode("cp1258") + parts[-1].encode("cp1258")
        path.write_bytes(payload)
    else:
        path.write_bytes(quoted.encode(encoding))
    result = import_tasks(path, agencies, doc_id="X")
    assert list(result.tasks["task"]) == ["Xây cầu Tứ Liên, giai đoạn 1"]
    assert list(result.tasks["lead_agency"]) == ["so-xay-dung"]
    assert list(result.tasks["due_end"]) == ["2027-12-31"]


def test_a_row_with_an_extra_field_is_refused_with_its_number(tmp_path, agencies):
    path = tmp_path / "plan.csv"
    path.write_text("task,lead_agency_raw,due_raw\nA,Sở Xây dựng,2027\nB, phần hai,Sở Xây dựng,2027\nC,Sở Tài chính,2028\n",
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(ImportFileError, match=r"row\(s\) 3 have more fields than the header \(3 columns\)"):
        import_tasks(path, agencies, doc_id="X")
