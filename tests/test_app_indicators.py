"""AppTest of the indicator page: the counts shown are computed here from the CSV and the agency table."""

import csv
from pathlib import Path

from conftest import alerts, html_texts, run_page

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/indicators.py"


def csv_rows() -> list[dict]:
    with (ROOT / "data" / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def led_by(rows: list[dict], agencies: set[str]) -> list[dict]:
    return [row for row in rows if set(filter(None, row["lead_agency"].split(";"))) & agencies]


def count_text(app) -> str:
    return next(md.value for md in app.markdown if "Chỉ tiêu khớp" in md.value or "Indicators matching" in md.value)


def test_all_indicators_by_default():
    rows = csv_rows()
    numeric = sum(1 for row in rows if row["comparator"])
    app = run_page(PAGE)
    assert app.title[0].value == "Chỉ tiêu của các kế hoạch"
    assert (
        count_text(app) == f"**Chỉ tiêu khớp bộ lọc: {len(rows)} (trên tổng {len(rows)}); {numeric} chỉ tiêu đọc được thành số**"
    )
    table = app.dataframe[0].value
    assert len(table) == len(rows) == 127
    first = table.iloc[0]
    assert (first["doc_id"], first["appendix"], first["tt"], first["target_raw"], first["parsed"]) == (
        "KH-DU-2026", "Phụ lục 01", "1", "11.430,0", "= 11.430",
    )  # fmt: skip
    assert first["lead"] == "Thống kê thành phố Hà Nội"
    assert any("KH-DU-2026 · Phụ lục 01: 65" in text for text in html_texts(app))


def test_agency_filter_with_and_without_predecessors(agencies):
    rows = csv_rows()
    with_predecessors = led_by(rows, {"so-tai-chinh", *agencies.predecessors("so-tai-chinh")})
    own = led_by(rows, {"so-tai-chinh"})
    assert len(with_predecessors) > len(own)  # the 2021 indicators of Sở Kế hoạch và Đầu tư
    app = run_page(PAGE, f_agencies=["so-tai-chinh"])
    assert count_text(app).startswith(f"**Chỉ tiêu khớp bộ lọc: {len(with_predecessors)} (trên tổng {len(rows)})")
    assert set(app.dataframe[0].value["id"]) == {row["id"] for row in with_predecessors}
    app = run_page(PAGE, f_agencies=["so-tai-chinh"], f_predecessors=False)
    assert set(app.dataframe[0].value["id"]) == {row["id"] for row in own}


def test_coordinating_role_matches_none_and_says_why():
    app = run_page(PAGE, f_agencies=["so-y-te"], f_role="coordinating", lang="en")
    assert count_text(app).startswith("**Indicators matching the filters: 0 (of ")
    assert len(app.dataframe[0].value) == 0
    assert any("no coordinating agencies" in text for text in alerts(app, "info"))


def test_document_filter_in_english():
    rows = csv_rows()
    expected = [row for row in rows if row["doc_id"] == "KH-183-2021"]
    app = run_page(PAGE, f_docs=["KH-183-2021"], lang="en")
    assert app.title[0].value == "Targets of the plans"
    assert count_text(app).startswith(f"**Indicators matching the filters: {len(expected)} (of {len(rows)})")
    table = app.dataframe[0].value
    assert table.loc[table["tt"] == "5", "parsed"].tolist() == ["≈ 30"]
    assert table.loc[table["tt"] == "5", "lead"].tolist() == ["Department of Information and Communications (merged 2025)"]
