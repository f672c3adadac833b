"""The indicator register: target parsing, counts and rows checked against the seed text, agency filter."""

import csv
import importlib.util
import re
from decimal import Decimal
from pathlib import Path

import pytest

from geo.errors import DataFileError, InvalidArgumentError, UnknownValueError
from geo.filters import TaskFilter
from geo.indicators import (
    COLUMNS,
    filter_by_choice,
    filter_indicators,
    load_indicators,
    parse_target,
    target_label,
)
from geo.text import fold, split_ids

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "seeds"
KH_DU = (SEEDS / "001_81e56d6d2d7be6de.txt").read_text(encoding="utf-8").splitlines()
KH_183 = (SEEDS / "004_176b6625df4db4c6.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def indicators():
    return load_indicators()


def _tool():
    spec = importlib.util.spec_from_file_location("tools_build_indicators", ROOT / "tools" / "build_indicators.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _between(lines, first, last):
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(last))
    return lines[start:end]


# --- parsing ---------------------------------------------------------------------------------------

D = Decimal


@pytest.mark.parametrize(
    ("raw", "comparator", "low", "high"),
    [
        ("11.430,0", "=", D("11430"), D("11430")),  # dots group thousands, the comma marks decimals
        ("1.203", "=", D("1203"), D("1203")),
        ("29,75", "=", D("29.75"), D("29.75")),
        ("0", "=", D("0"), D("0")),
        ("≥ 8%", ">=", D("8"), None),
        ("≥ 80,0", ">=", D("80"), None),
        ("Tối thiểu 10%", ">=", D("10"), None),
        ("Từ 10% trở lên", ">=", D("10"), None),
        ("10 trở lên", ">=", D("10"), None),
        ("Trên 98%", ">", D("98"), None),  # "above", not "at least"
        ("> 90", ">", D("90"), None),
        ("< 3,0", "<", None, D("3")),
        ("Dưới 10%", "<", None, D("10")),
        ("≤ 5", "<=", None, D("5")),
        ("Không quá 5%", "<=", None, D("5")),
        ("khoảng 1,3 triệu", "~", D("1300000"), D("1300000")),
        ("~30", "~", D("30"), D("30")),
        ("8-8,5%", "range", D("8"), D("8.5")),
        ("86,0- 88,0", "range", D("86"), D("88")),
        ("35 - 40", "range", D("35"), D("40")),
        ("8.300-8.500", "range", D("8300"), D("8500")),
        ("từ 8 đến 9", "range", D("8"), D("9")),
        ("8,0-8,0", "range", D("8"), D("8")),
    ],
)
def test_targets_that_are_numbers(raw, comparator, low, high):
    target = parse_target(raw)
    assert (target.comparator, target.target_min, target.target_max) == (comparator, low, high)
    assert target.raw == raw and target.is_number


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "9/10",  # a score out of ten: not one number
        "11.000 (năm 2030 >3%)",  # two targets in one cell
        "Cơ bản không còn hộ nghèo",
        "1.5",  # a dot not followed by three digits: ambiguous, not read
        "12.60",
        "8,5-8",  # a range that runs backwards
        "-5",
        "từ 10",  # "from 10" ... to what?
        "Trên 10 trở lên",  # two comparators that disagree
        "10 tin, bài/tháng",
        "30 tỷ USD",
    ],
)
def test_targets_that_stay_text(raw):
    target = parse_target(raw)
    assert target.comparator == "" and target.target_min is None and target.target_max is None
    assert target.raw == raw and not target.is_number


def test_target_label_per_language():
    assert target_label(">=", 68.0, float("nan"), lang="vi") == "≥ 68"
    assert target_label("range", 65.0, 70.5, lang="vi") == "65 – 70,5"
    assert target_label("range", 65.0, 70.5, lang="en") == "65 – 70.5"
    assert target_label("=", 11430.0, 11430.0, lang="vi") == "= 11.430"
    assert target_label("<", float("nan"), 3.0, lang="en") == "< 3"
    assert target_label("", float("nan"), float("nan")) == ""


# --- counts and rows from the documents ----------------------------------------------------------


def test_counts_per_appendix_follow_the_documents(indicators):
    counts = indicators.groupby(["doc_id", "appendix"], sort=False).size().to_dict()
    tool = _tool()

    pl01 = [tool.repair_marks(line).strip() for line in _between(KH_DU, "PHỤ LỤC 01", "PHỤ LỤC 02")]
    numbers, expected = [], 1
    for line in pl01:
        match = re.match(r"^(\d{1,2})(?:\s|$)", line)
        if match and int(match.group(1)) == expected:
            numbers.append(expected)
            expected += 1
    assert numbers == list(range(1, 46))  # "45 chỉ tiêu"
    marked = [line for line in pl01 if re.match(r"^[-+](\s|$)", line)]
    assert len(marked) == 17
    # three rows are printed without a number, after TT 30, 31 and 39 (checked by eye)
    unnumbered = indicators[
        (indicators["appendix"] == "Phụ lục 01") & (indicators["marker"] == "") & indicators["tt"].str.contains(".", regex=False)
    ]
    assert list(unnumbered["tt"]) == ["30.1", "31.1", "39.1"]
    assert counts[("KH-DU-2026", "Phụ lục 01")] == 45 + 17 + 3 == 65

    pl02 = [line.strip() for line in _between(KH_DU, "PHỤ LỤC 02", "Phụ lục 03")]
    pl02 = pl02[pl02.index("Chủ trì báo cáo") + 1 :]
    assert [line.split()[0] for line in pl02 if re.match(r"^\d\s", line)] == ["1", "2", "3", "4"]
    assert len([line for line in pl02 if line.startswith("-")]) == 16
    assert counts[("KH-DU-2026", "Phụ lục 02")] == 4 + 16 == 20

    cells = [line.split("\t") for line in _between(KH_183, "**PHỤ LỤC 1**", "**PHỤ LỤC 2**") if line.count("\t") >= 4]
    numbered = [row[0] for row in cells if row[0].isdigit()]
    sub = [row for row in cells if not row[0] and re.sub(r"</?i>", "", row[1]).strip() not in ("", "Trong đó:")]
    assert numbered == [str(n) for n in range(1, 21)]  # "20 chỉ tiêu"
    assert counts[("KH-183-2021", "Phụ lục 1")] == 20 + len(sub) == 42


def test_numbered_indicators_are_45_4_and_20(indicators):
    top = indicators[~indicators["tt"].str.contains(".", regex=False)]
    assert top.groupby("appendix").size().to_dict() == {"Phụ lục 01": 45, "Phụ lục 02": 4, "Phụ lục 1": 20}
    assert list(top.loc[top["appendix"] == "Phụ lục 01", "tt"].astype(int)) == list(range(1, 46))


# (id, tt, name, target as printed, comparator, lead as printed): read by eye in the seeds
SPOT = [
    ("KH-DU-2026.PL01.001", "1", "Tổng sản phẩm trên địa bàn (GRDP) giá hiện hành", "11.430,0", "=", "Thống kê HN"),
    ("KH-DU-2026.PL01.011", "7.2.1", "Tr. đó: Chi đầu tư phát triển", "630", "=", "Sở Tài chính"),
    ("KH-DU-2026.PL01.020", "12.1", "Tr. đó, số năm sống khỏe", "≥ 68", ">=", "Thống kê HN"),
    ("KH-DU-2026.PL01.022", "14", "Chỉ số hạnh phúc", "9/10", "", "Viện KTXH HN"),
    ("KH-DU-2026.PL01.030", "18", "Tỷ lệ thất nghiệp", "< 3,0", "<", "Sở Nội vụ"),
    ("KH-DU-2026.PL01.041", "28", "Tỷ lệ hộ nghèo đa chiều (theo tiêu chí của Thành phố)", "0", "=", "Sở NN&MT"),
    ("KH-DU-2026.PL01.047", "32", "Tỷ lệ đô thị hóa", "65-70", "range", "Sở QHKT"),
    ("KH-DU-2026.PL01.050", "35", "Diện tích nhà ở bình quân", "35 - 40", "range", "Sở Xây dựng"),
    ("KH-DU-2026.PL01.061", "41", "Tỷ lệ KCN, KCX đang hoạt động có hệ thống xử lý nước thải tập trung đạt tiêu chuẩn môi trường",
     "100", "=", "BQL KCNC&KCN; Sở Công Thương"),
    ("KH-DU-2026.PL01.063", "43", "Số đảng viên kết nạp mới hàng năm so với tổng số đảng viên", "11.000 (năm 2030 >3%)", "",
     "Ban Tổ chức Thành ủy"),
    ("KH-DU-2026.PL01.064", "44", "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên hằng năm", "> 90", ">", "Ban Tổ chức Thành ủy"),
    ("KH-DU-2026.PL02.010", "3.5", "Tài chính, ngân hàng và bảo hiểm", "11,0", "=", "Sở Tài chính, NHNN KVI"),
    ("KH-DU-2026.PL02.012", "3.7", "Chuyên môn khoa học, công nghệ", "10,0", "=", "Sở Khoa học và Công nghệ"),
    ("KH-183-2021.PL1.011", "5", "Tỷ trọng kinh tế số trong GRDP", "~30", "~", "Sở TTTT"),
    ("KH-183-2021.PL1.023", "12", "Giảm số hộ nghèo theo chuẩn mới của Thành phố", "Cơ bản không còn hộ nghèo", "", ""),
    ("KH-183-2021.PL1.040", "18", "Đảng viên mới được kết nạp hằng năm", "9.000-10.000", "range", "Ban Tổ chức Thành ủy"),
]  # fmt: skip


@pytest.mark.parametrize(("indicator_id", "tt", "name", "target", "comparator", "lead"), SPOT)
def test_spot_checked_rows(indicators, indicator_id, tt, name, target, comparator, lead):
    row = indicators.loc[indicator_id]
    assert (row["tt"], row["name"], row["target_raw"], row["comparator"], row["lead_agency_raw"]) == (
        tt,
        name,
        target,
        comparator,
        lead,
    )
    seed = KH_DU if indicator_id.startswith("KH-DU") else KH_183
    line = int(row["source_line"])
    printed = "".join(seed[line - 1 : line + 20])
    assert re.sub(r"\s", "", target) in re.sub(r"\s", "", printed), f"{target!r} not printed near line {line}"


def _words_in_order(words, text_words):
    position = 0
    for word in words:
        try:
            position = text_words.index(word, position) + 1
        except ValueError:
            return False
    return True


def test_every_row_is_printed_in_its_document(indicators):
    """Name, unit, target and (own) lead of every row appear in the seed, in order, from the row's line on."""
    for indicator_id, row in indicators.iterrows():
        seed = KH_DU if row["doc_id"] == "KH-DU-2026" else KH_183
        line = int(row["source_line"])
        near_text = " ".join(seed[line - 1 : line + 25])
        near = re.findall(r"\w+", fold(near_text))
        for column in ("name", "unit", "target_raw") + (() if row["lead_from"] else ("lead_agency_raw",)):
            if column == "unit" and row["appendix"] == "Phụ lục 02":
                continue  # "%/năm" is printed once, in the column header
            words = re.findall(r"\w+", fold(row[column]))
            assert _words_in_order(words, near), f"{indicator_id}: {column} {row[column]!r} not printed from line {line}"
        assert re.sub(r"\s", "", row["target_raw"]) in re.sub(r"\s", "", near_text), indicator_id


def test_repair_marks_moves_marks_and_changes_no_letter():
    repair = _tool().repair_marks
    assert repair("Triêụ đồng") == "Triệu đồng"
    assert repair("Viêṇ KTXH HN") == "Viện KTXH HN"
    assert repair("Sở Nôị vu ̣").strip() == "Sở Nội vụ"
    assert repair("Chủ tri ̀báo cáo") == "Chủ trì báo cáo"
    assert repair("Tăng trưởng, người, nước, được") == "Tăng trưởng, người, nước, được"  # ươ keeps its mark on ơ
    for lines in (KH_DU, KH_183):
        for line in lines:
            assert fold(repair(line)).replace(" ", "") == fold(line).replace(" ", "")


# --- leads and the agency filter -----------------------------------------------------------------


def test_every_lead_resolves(indicators, agencies):
    for indicator_id, row in indicators.iterrows():
        resolved = agencies.resolve(row["lead_agency_raw"])
        assert resolved.ok, (indicator_id, resolved.unresolved)
        assert ";".join(resolved.ids) == row["lead_agency"], indicator_id
    blank = indicators.loc[indicators["lead_agency_raw"] == "", "tt"]
    assert {(i.split(".")[1], tt) for i, tt in blank.items()} == {
        ("PL02", "2"), ("PL02", "3"), ("PL02", "3.6"),  # sector totals and "Kinh doanh bất động sản": no lead printed
        ("PL1", "4"), ("PL1", "11"), ("PL1", "12"), ("PL1", "16"), ("PL1", "19"), ("PL1", "20"),  # blank cells in 183
    }  # fmt: skip
    carried = indicators[indicators["lead_from"] != ""]
    assert set(carried.loc[carried["doc_id"] == "KH-DU-2026", "tt"]) == {"10.1", "12.1"}
    assert (carried["note"].str.contains("ô gộp")).all()


def _expected(indicators, wanted):
    return {i for i, ids in indicators["lead_agency"].items() if set(split_ids(ids)) & wanted}


def test_agency_filter_with_predecessors(indicators, agencies):
    own = filter_indicators(indicators, agencies=["so-tai-chinh"], include_predecessors=False, agency_index=agencies)
    merged = filter_indicators(indicators, agencies=["so-tai-chinh"], agency_index=agencies)
    assert set(own.index) == _expected(indicators, {"so-tai-chinh"})
    assert set(merged.index) == _expected(indicators, {"so-tai-chinh", "so-khdt"})
    assert {"KH-183-2021.PL1.001", "KH-183-2021.PL1.009"} <= set(merged.index) - set(own.index)  # Sở KH&ĐT, 2021
    environment = filter_indicators(indicators, agencies=["so-nn-mt"], agency_index=agencies)
    assert set(environment.index) == _expected(indicators, {"so-nn-mt", "so-tnmt", "so-nnptnt", "so-ldtbxh"})
    assert "KH-183-2021.PL1.020" in environment.index  # Sở LĐ-TB&XH's 2021 indicator: the listed successors both see it


def test_roles_documents_and_search(indicators, agencies):
    lead = filter_indicators(indicators, agencies=["so-xay-dung"], role="lead", agency_index=agencies)
    assert list(filter_indicators(indicators, agencies=["so-xay-dung"], agency_index=agencies).index) == list(lead.index)
    assert filter_indicators(indicators, agencies=["so-xay-dung"], role="coordinating", agency_index=agencies).empty
    assert len(filter_indicators(indicators, docs=["KH-183-2021"])) == 42
    assert filter_indicators(indicators, docs=["KH-57-TU-2026"]).empty
    found = filter_indicators(indicators, query="ho ngheo")
    assert set(found["tt"]) == {"28", "12"}
    choice = TaskFilter(agencies=("Sở Y tế",), docs=("KH-DU-2026",), query="giuong benh")
    assert list(filter_by_choice(indicators, choice, agencies)["id"]) == ["KH-DU-2026.PL01.034"]
    before = indicators.copy()
    filter_indicators(indicators, agencies=["so-y-te"], agency_index=agencies)
    assert indicators.equals(before)


def test_bad_filter_arguments(indicators, agencies):
    with pytest.raises(UnknownValueError, match="Unknown agency 'so-khong-co'"):
        filter_indicators(indicators, agencies=["so-khong-co"], agency_index=agencies)
    with pytest.raises(InvalidArgumentError, match="agency_index"):
        filter_indicators(indicators, agencies=["so-y-te"])
    with pytest.raises(InvalidArgumentError, match="role"):
        filter_indicators(indicators, role="boss")


# --- the file ------------------------------------------------------------------------------------


def test_file_round_trip_and_errors(tmp_path, indicators):
    assert list(indicators.columns) == list(COLUMNS)
    assert indicators.loc["KH-DU-2026.PL01.012", "target_min"] == pytest.approx(29.75)
    assert indicators["target_max"].isna().sum() == (indicators["comparator"].isin(["", ">=", ">"])).sum()
    with pytest.raises(DataFileError, match="not found"):
        load_indicators(tmp_path / "nope.csv")
    bad = tmp_path / "indicators.csv"
    bad.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="missing column"):
        load_indicators(bad)
    with (ROOT / "data" / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["target_min"] = "mười"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataFileError, match="target_min"):
        load_indicators(bad)
