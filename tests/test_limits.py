"""Limits and safety (issue: hardening): limits checked before parsing, CSV formulas neutralised, text stays text."""

import zipfile

import pandas as pd
import pytest

from geo import settings
from geo.csvio import frame_to_csv, neutralise_cell, restore_cell, restore_frame
from geo.errors import ImportFileError, InvalidArgumentError
from geo.importer import import_tasks
from geo.tables import read_table

HEADER = "task,lead_agency_raw,due_raw\n"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_UPLOAD_BYTES", 1000)
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "A,Sở Xây dựng,2027\n" * 100, encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"the file is 0\.0 MiB, over the limit of 0\.0 MiB"):
        read_table(path)


def test_a_huge_cell_is_refused_with_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_CELL_CHARS", 100)
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "A" * 500 + ",Sở Xây dựng,2027\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="longer than the limit of 100 characters"):
        read_table(path)
    book = tmp_path / "plan.xlsx"
    pd.DataFrame([{"task": "A" * 500, "lead_agency_raw": "Sở Xây dựng", "due_raw": "2027"}]).to_excel(book, index=False)
    with pytest.raises(ImportFileError, match="a cell in row 2 has 500 characters, over the limit of 100"):
        read_table(book)


def test_too_many_rows_or_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_TABLE_ROWS", 10)
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "A,Sở Xây dựng,2027\n" * 20, encoding="utf-8")
    with pytest.raises(ImportFileError, match="more than 10 rows"):
        read_table(path)
    monkeypatch.setattr(settings, "MAX_TABLE_COLUMNS", 2)
    path.write_text(HEADER + "A,Sở Xây dựng,2027\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="3 columns, over the limit of 2"):
        read_table(path)


def test_an_xlsx_that_unpacks_too_large_is_refused_before_openpyxl(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_DECOMPRESSED_BYTES", 1 << 20)
    book = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(book, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "A" * (3 << 20) + "</sst>")
    assert book.stat().st_size < 50_000
    with pytest.raises(ImportFileError, match=r"unpacks to 3\.0 MiB, over the limit of 1\.0 MiB"):
        read_table(book)


def test_blank_lines_are_skipped_but_keep_the_row_numbers(tmp_path, agencies):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "A,Sở Xây dựng,2027\n\n,,\nB,Sở Xây dựng,sớm\n", encoding="utf-8")
    result = import_tasks(path, agencies, doc_id="X")
    assert list(result.tasks["task"]) == ["A", "B"]
    assert [(p.row, p.reason.split(":")[0]) for p in result.problems] == [(5, "unparsed_deadline")]


@pytest.mark.parametrize("cell", ["=1+1", "+41", "-2", "@SUM(A1)", "\tTAB", "\rCR", "'quoted", "plain", "", "a=b"])
def test_csv_cells_round_trip_and_formulas_are_neutralised(cell):
    assert restore_cell(neutralise_cell(cell)) == cell
    written = neutralise_cell(cell)
    assert not (isinstance(written, str) and written[:1] in ("=", "+", "-", "@", "\t", "\r"))


def test_frame_to_csv_neutralises_headers_and_cells_and_reads_back():
    import io

    frame = pd.DataFrame({"=col": ["=cmd|' /C calc'!A0", "ok"], "n": [1, -2]})
    raw = frame_to_csv(frame)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "'=col" in text and "'=cmd" in text and ",-2" in text  # numbers stay numbers
    back = restore_frame(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))
    assert list(back.columns) == ["=col", "n"] and back.iloc[0, 0] == "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"Agency table not found: .*agencies.csv. Restore data/agencies.csv from the repository\."),
        (b"", "cannot read the agency table .EmptyDataError"),
        (b"id,name\n\xff\xfe,x\n", "cannot read the agency table .UnicodeDecodeError"),
        (b"id,name\nA,x\n", r"missing column\(s\) \['aliases'\]"),
        (b"id,name,aliases\nA,x,\nB,y,\nA,z,\n", r"agency table ids must be unique; repeated: \['A'\]"),
    ],
)
def test_every_shipped_table_is_read_through_one_checked_reader(tmp_path, content, message):
    from geo.csvio import read_data_table
    from geo.errors import DataFileError

    path = tmp_path / "agencies.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataFileError, match=message):
        read_data_table(path, columns=("id", "name", "aliases"), what="agency table", unique="id")


def test_a_shipped_table_reads_back_what_frame_to_csv_wrote(tmp_path):
    from geo.csvio import read_data_table

    path = tmp_path / "links.csv"
    path.write_bytes(frame_to_csv(pd.DataFrame({"feature_id": ["=F1"], "task_id": ["T-1"], "basis": ["+ghi chú"]})))
    table = read_data_table(path, columns=("feature_id", "task_id", "basis"), what="feature-task links")
    assert table.to_dict("records") == [{"feature_id": "=F1", "task_id": "T-1", "basis": "+ghi chú"}]


def test_population_layer_over_the_vertex_limit(tmp_path, monkeypatch):
    import geopandas as gpd
    from shapely.geometry import Point

    from geo.population import read_population_layer

    monkeypatch.setattr(settings, "MAX_VERTICES", 100)
    units = gpd.GeoDataFrame({"name": ["a"], "population": [10.0]}, geometry=[Point(585_000, 2_325_000).buffer(500, 64)],
                             crs="EPSG:32648")  # fmt: skip
    path = tmp_path / "pop.gpkg"
    units.to_file(path)
    with pytest.raises(InvalidArgumentError, match="vertices, over the limit of 100"):
        read_population_layer(path, "population", label="pop.gpkg")


def test_page_text_helpers_escape_everything():
    from pages import _text

    hostile = '![x](http://h/i.png) <img src=x onerror=alert(1)> **b** <script>alert(1)</script>'
    for block in (_text.alert("error", hostile), _text.line(hostile, hostile), _text.heading(hostile), _text.text(hostile)):
        assert "<img" not in block and "<script" not in block
        assert "&lt;img src=x onerror=alert(1)&gt;" in block and "![x](http://h/i.png)" in block


@pytest.mark.parametrize(
    ("reason", "lang", "text"),
    [
        ("unparsed_deadline: Sớm", "vi", "Thời hạn không đọc được: Sớm"),
        ("unparsed_deadline: Sớm", "en", "Deadline not readable: Sớm"),
        ("empty_task", "vi", "Ô nhiệm vụ trống"),
        ("new_code: <b>x</b>", "en", "new_code: <b>x</b>"),
    ],
)
def test_an_import_flag_is_said_in_the_language_and_an_unknown_one_as_written(reason, lang, text):
    from geo.i18n import flag_text

    assert flag_text(reason, lang) == text

