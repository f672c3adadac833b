"""The ward population table (data/sources/ward_population_2025.csv) and its join in load_wards."""

from __future__ import annotations

import csv
import math
import re

import geopandas as gpd
import pandas as pd
import pytest

from geo import settings
from geo.context import POPULATION_COLUMNS, POPULATION_FILE, default_population_csv, load_wards
from geo.errors import DataFileError

TABLE = settings.REPO_DATA_DIR / POPULATION_FILE
SOURCES_MD = settings.REPO_DATA_DIR / "sources" / "ward_population_SOURCES.md"


def table_rows(path=TABLE) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def number(text: str) -> int | None:
    return int(text) if text else None


@pytest.fixture(scope="module")
def rows():
    return table_rows()


@pytest.fixture(scope="module")
def layer_names():
    return list(gpd.read_file(settings.REPO_DATA_DIR / "context" / "hanoi_wards_2025_osm.geojson")["name"])


def test_every_unit_of_the_layer_is_in_the_table_once(rows, layer_names):
    assert list(rows[0]) == list(POPULATION_COLUMNS)
    names = [row["name"] for row in rows]
    assert len(names) == len(set(names)) == 126
    assert sorted(names) == sorted(layer_names)


def test_counts_and_sums_read_from_the_table(rows):
    official = [row for row in rows if row["used_from"] == "official"]
    osm_only = [row for row in rows if row["used_from"] == "osm"]
    unknown = [row for row in rows if row["used_from"] == ""]
    assert (len(official), len(osm_only), len(unknown)) == (126, 0, 0)
    assert sum(1 for row in rows if row["population_osm"]) == 72  # the OSM layer's tags
    assert sum(number(row["population_official"]) for row in rows) == 8_811_473
    assert sum(number(row["population_osm"]) for row in rows if row["population_osm"]) == 5_738_973
    assert sum(number(row["population_used"]) for row in rows) == 8_811_473
    # the 54 communes without an OSM tag, now known from the official list
    assert sum(number(row["population_used"]) for row in rows if not row["population_osm"]) == 3_072_500


def test_the_rule_official_first_then_osm(rows):
    for row in rows:
        if row["population_official"]:
            assert (row["used_from"], row["population_used"]) == ("official", row["population_official"]), row["name"]
        elif row["population_osm"]:
            assert (row["used_from"], row["population_used"]) == ("osm", row["population_osm"]), row["name"]
        else:
            assert (row["used_from"], row["population_used"]) == ("", ""), row["name"]


def test_no_unit_differs_by_more_than_ten_percent(rows):
    both = [row for row in rows if row["population_official"] and row["population_osm"]]
    differ = [
        row["name"]
        for row in both
        if abs(int(row["population_osm"]) - int(row["population_official"])) > 0.1 * int(row["population_official"])
    ]
    assert len(both) == 72
    assert differ == []  # the 72 OSM tags (gis.vn) equal the official figures exactly
    assert all(row["population_osm"] == row["population_official"] for row in both)


def test_every_official_figure_has_a_source_and_a_date(rows):
    for row in rows:
        if row["population_official"]:
            assert re.search(r"https://sapnhap\.bando\.com\.vn Thủ đô Hà Nội, unit 0001\.0\d{3}", row["official_source"]), row[
                "name"
            ]
            assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", row["official_date"]), row["name"]


@pytest.mark.parametrize(
    ("name", "population"),
    [
        # spot checks against the sources (see ward_population_SOURCES.md): the portal list, and where named a second source
        ("Xã Hòa Lạc", 20_815),
        ("Xã Minh Châu", 6_646),  # also Đài PT-TH Hà Nội
        ("Xã Ba Vì", 26_651),  # also Đài PT-TH Hà Nội
        ("Xã Đan Phượng", 47_629),  # also Đài PT-TH Hà Nội
        ("Xã Ô Diên", 97_506),  # also Đài PT-TH Hà Nội
        ("Xã Phú Xuyên", 96_635),  # also Đài PT-TH Hà Nội
        ("Xã An Khánh", 102_136),  # also Đài PT-TH Hà Nội
        ("Xã Sơn Đồng", 63_267),  # also Đài PT-TH Hà Nội
        ("Xã Hoài Đức", 69_239),  # also the commune's portal
        ("Phường Hồng Hà", 123_282),
        ("Phường Hoàn Kiếm", 105_301),
        ("Phường Hà Đông", 185_205),
    ],
)
def test_spot_checks_against_the_sources(rows, name, population):
    row = next(row for row in rows if row["name"] == name)
    assert int(row["population_official"]) == population
    assert int(row["population_used"]) == population


def test_second_sources_are_cited_where_found(rows):
    cited = {row["name"] for row in rows if "same area and population:" in row["official_source"]}
    assert {"Xã Ba Vì", "Xã Đan Phượng", "Xã Ô Diên", "Xã Phú Xuyên", "Xã Hoài Đức", "Xã Minh Châu"} <= cited


def test_load_wards_uses_the_table(rows):
    wards = load_wards()
    by_name = {row["name"]: row for row in rows}
    assert len(wards) == 126 and wards["population"].notna().all()
    for name, ward in wards.iterrows():
        row = by_name[name]
        assert ward["population"] == float(row["population_used"])
        assert ward["population_source"] == row["used_from"]
        osm = ward["population_osm"]
        assert (math.isnan(osm) and not row["population_osm"]) or osm == float(row["population_osm"])
    assert wards.loc["Xã Hòa Lạc", "label"] == "Xã Hòa Lạc — 20.815 người (đề án sắp xếp 2025)"
    assert wards.loc["Xã Hòa Lạc", "label_en"] == "Xã Hòa Lạc — population 20,815 (2025 merger plan)"


def write_table(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(POPULATION_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_unknown_units_are_nan_never_zero(tmp_path, rows):
    changed = [dict(row) for row in rows]
    for row in changed:
        if row["name"] == "Xã Hòa Lạc":  # an OSM-less commune without an official figure
            row.update(population_official="", official_source="", official_date="", population_used="", used_from="")
        if row["name"] == "Phường Ba Đình":  # a unit known from OSM only
            row.update(
                population_official="",
                official_source="",
                official_date="",
                population_used=row["population_osm"],
                used_from="osm",
            )
    wards = load_wards(population_path=write_table(tmp_path / "pop.csv", changed))
    assert math.isnan(wards.loc["Xã Hòa Lạc", "population"])
    assert pd.isna(wards.loc["Xã Hòa Lạc", "population_source"])
    assert wards.loc["Xã Hòa Lạc", "label"] == "Xã Hòa Lạc — dân số: chưa có số liệu"
    assert (wards["population"] == 0).sum() == 0
    assert wards["population"].isna().sum() == 1
    assert wards.loc["Phường Ba Đình", "population_source"] == "osm"
    assert wards.loc["Phường Ba Đình", "population_date"] == "2025-07-01"  # the OSM tag's date


def test_a_unit_not_in_the_layer_or_missing_from_the_table_is_named(tmp_path, rows):
    extra = [*rows, {**rows[0], "name": "Phường Không Có"}]
    with pytest.raises(DataFileError, match="not in the ward layer: \\['Phường Không Có'\\]"):
        load_wards(population_path=write_table(tmp_path / "extra.csv", extra))
    short = [row for row in rows if row["name"] != "Xã Yên Xuân"]
    with pytest.raises(DataFileError, match="missing from the table: \\['Xã Yên Xuân'\\]"):
        load_wards(population_path=write_table(tmp_path / "short.csv", short))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"population_used": "0.5"}, "not a whole non-negative number"),
        ({"population_used": "-3"}, "not a whole non-negative number"),
        ({"used_from": "guess"}, "used_from must be one of"),
        ({"population_used": "1"}, "population_used is not the"),
    ],
)
def test_bad_values_are_refused_with_the_unit_named(tmp_path, rows, change, message):
    changed = [dict(row) for row in rows]
    changed[0].update(change)
    with pytest.raises(DataFileError, match=f"{message}.*{re.escape(changed[0]['name'])}"):
        load_wards(population_path=write_table(tmp_path / "bad.csv", changed))


def test_missing_table_or_column_is_a_data_file_error(tmp_path, rows):
    with pytest.raises(DataFileError, match="Ward population table not found: .*none.csv"):
        load_wards(population_path=tmp_path / "none.csv")
    path = tmp_path / "cols.csv"
    path.write_text("name,population_used\nPhường Ba Đình,1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="missing column"):
        load_wards(population_path=path)


def test_a_data_copy_without_sources_uses_the_shipped_table(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)
    assert default_population_csv() == TABLE
    (tmp_path / "sources").mkdir()
    write_table(tmp_path / POPULATION_FILE, table_rows())
    assert default_population_csv() == tmp_path / POPULATION_FILE


def test_the_sources_note_lists_the_rule_and_the_sources():
    text = SOURCES_MD.read_text(encoding="utf-8")
    for words in ("sapnhap.bando.com.vn", "1656/NQ-UBTVQH15", "population_used", "Still unknown"):
        assert words in text
