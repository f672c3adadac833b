"""The places the tasks name: their features (data/sources/named_places_facts.json) and the place detector."""

import json
from collections import Counter

import geopandas as gpd
import pandas as pd
import pytest

from geo import settings
from geo.errors import DataFileError
from geo.features import feature_problems, load_features, undocumented_facts
from geo.layer_specs import load_registry
from geo.links import link_problems, load_links
from geo.places_named import (
    PlaceMention,
    is_covered,
    load_place_vocabulary,
    load_unplaced,
    named_places,
    place_mentions,
)
from geo.validate import Report, validate_named_places

FACTS = json.loads((settings.DATA_DIR / "sources" / "named_places_facts.json").read_text(encoding="utf-8"))
NEW_IDS = [item["id"] for item in FACTS["features"]]


@pytest.fixture(scope="module")
def features():
    return load_features()


@pytest.fixture(scope="module")
def vocabulary():
    return load_place_vocabulary()


def words(text, vocabulary):
    return [mention.words for mention in place_mentions(text, vocabulary)]


# --- the features ------------------------------------------------------------------------------------


def test_every_named_place_is_a_feature_with_provenance_and_a_status_source(features):
    new = features.loc[NEW_IDS]
    for item in FACTS["features"]:
        row = new.loc[item["id"]]
        assert row["layer"] == item["layer"] and row["name"] == item["name"], item["id"]
        assert row["geometry_quality"] == item["geometry"]["quality"], item["id"]
        assert row["geometry_source"].startswith(item["geometry"]["source"][:40]), item["id"]
        assert row["status"] == item["status"] and row["status_source"] == item["status_source"], item["id"]
    gaps = undocumented_facts(new)
    assert set(gaps["what"]) <= {"status date"}  # every status and date has a cited source
    undated = {item["id"] for item in FACTS["features"] if item["status_date"] == "undated"}
    assert set(gaps["feature_id"]) == undated and (new.loc[sorted(undated), "status_date"] == "").all()


def test_counts_per_layer_and_provenance_follow_the_facts(features):
    new = features.loc[NEW_IDS]
    assert new.groupby("layer").size().to_dict() == dict(Counter(item["layer"] for item in FACTS["features"]))
    assert new.groupby("geometry_quality").size().to_dict() == dict(Counter(i["geometry"]["quality"] for i in FACTS["features"]))
    assert len(features) == len(set(features.index))  # no id drawn twice


def test_new_layers_are_registered_with_their_statuses_and_own_colour(features):
    registry = load_registry()
    colours = [spec.color.lower() for spec in registry.layers]
    assert len(colours) == len(set(colours))
    for layer_id, proposed in FACTS["new_layers"].items():
        spec = registry.get(layer_id)
        assert spec.kind == "project" and spec.label_vi == proposed["label_vi"] and spec.label_en == proposed["label_en"]
        assert set(spec.statuses) == set(proposed["statuses"]) and spec.tooltip_fields
    boundary = gpd.read_file(settings.BOUNDARY_GEOJSON).union_all()
    problems = feature_problems(
        features.loc[NEW_IDS], layer_ids=registry.ids(), boundary_4326=boundary, layer_statuses=registry.statuses()
    )
    assert [p for p in problems if p[0] == "error"] == []


def test_a_place_already_drawn_is_not_drawn_twice(features):
    river = gpd.read_file(settings.RED_RIVER_GEOJSON).geometry.iloc[0]
    assert features.loc["river-hong"].geometry.equals(river)  # the context line, not a copy of its vertices
    assert "red_river_schematic.geojson" in features.loc["river-hong", "geometry_source"]
    duong = features.loc["river-duong"].geometry
    for bridge in ("bridge-18", "bridge-19", "bridge-20", "bridge-20-osm-railway", "bridge-21"):  # every Đuống crossing
        assert features.loc[bridge].geometry.intersects(duong), bridge
    old = features.drop(index=NEW_IDS)
    assert not set(zip(old["layer"], old["name"], strict=True)) & set(
        zip(features.loc[NEW_IDS, "layer"], features.loc[NEW_IDS, "name"], strict=True)
    )


def test_dates_follow_the_period_rule(features):
    # year or month precision: first day of the period for a start or an actual opening, last day for a target
    for feature_id in NEW_IDS:
        row = features.loc[feature_id]
        for field in ("construction_start", "opens"):
            if row[field] and row[f"{field}_precision"] == "year":
                target = field == "opens" and row["opens_kind"] == "target"
                assert row[field].endswith("-12-31" if target else "-01-01"), feature_id


# --- the links ---------------------------------------------------------------------------------------


def test_every_link_of_the_facts_is_in_links_csv_and_its_basis_passes(features, tasks):
    links = load_links()
    assert link_problems(links, feature_ids=features.index, tasks=tasks) == []
    listed = set(zip(links["feature_id"], links["task_id"], links["basis"], strict=True))
    expected = {(item["id"], link["task_id"], link["basis"]) for item in FACTS["features"] for link in item["links"]}
    expected |= {(link["feature_id"], link["task_id"], link["basis"]) for link in FACTS["links_to_existing_features"]}
    assert expected <= listed
    assert ("heritage-co-loa", "CTr-NQ02-2026.025", "khu di tích Cổ Loa") in listed
    assert list(links.index) == list(links.sort_values(["feature_id", "task_id"], kind="stable").index)


# --- the detector ------------------------------------------------------------------------------------


def test_a_list_after_a_colon_or_a_bracket_gives_each_name(vocabulary):
    assert words("Cải tạo các con sông: Kim Ngưu, Lừ, Sét", vocabulary) == ["sông Kim Ngưu", "sông Lừ", "sông Sét"]
    assert words("Phát triển 10 làng nghề tiêu biểu (Bát Tràng, Vạn Phúc, Hạ Thái…) gắn kết tuyến du lịch", vocabulary) == [
        "làng nghề Bát Tràng", "làng nghề Vạn Phúc", "làng nghề Hạ Thái",
    ]  # fmt: skip
    assert words("Hoàn thành khép kín các vành đai: 1, 2, 2.5, 3, 3.5, 4", vocabulary) == [
        "vành đai 1", "vành đai 2", "vành đai 2.5", "vành đai 3", "vành đai 3.5", "vành đai 4",
    ]  # fmt: skip
    assert words("Xây dựng các dự án nhà máy xử lý rác theo quy định tại: Sơn Tây, Chương Mỹ, Phú Xuyên...", vocabulary) == [
        "nhà máy Sơn Tây", "nhà máy Chương Mỹ", "nhà máy Phú Xuyên",
    ]  # fmt: skip


def test_generic_phrases_name_no_place(vocabulary):
    assert words("Trung tâm hành chính - điều hành các khu công nghệ cao; Trung tâm đổi mới sáng tạo…", vocabulary) == []
    assert words("Hoàn thành 09 cầu qua sông Hồng, sông Đuống", vocabulary) == ["sông Hồng", "sông Đuống"]  # no bridge
    assert words("Triển khai chính quyền số tại đô thị trung tâm, phía Bắc sông Hồng, phía Tây", vocabulary) == []
    assert words("Thành lập 3-4 khu công nghiệp mới", vocabulary) == []
    assert words("khu công nghệ cao sinh học (Phòng thí nghiệm; ngân hàng gen; trung tâm R&D sinh học…)", vocabulary) == []
    assert words("Đẩy mạnh tuyên truyền về Thành phố; điện toán đám mây, Internet", vocabulary) == []  # tuyên, đám


def test_names_after_a_head_in_running_text(vocabulary):
    assert words("Khai thác lưỡng dụng sân bay Gia Lâm, Hòa Lạc; nghiên cứu xây dựng sân bay quốc tế thứ hai", vocabulary) == [
        "sân bay Gia Lâm", "sân bay Hòa Lạc",
    ]  # fmt: skip
    assert words("không gian Hồ Hoàn Kiếm - Hồ Tây - hữu ngạn Sông Hồng)", vocabulary) == ["Hồ Hoàn Kiếm", "Hồ Tây", "Sông Hồng"]
    assert words("cầu Mê Sở (đường dẫn kết nối cao tốc Pháp Vân - Cầu Giẽ đến cao tốc Hà Nội - Hải Phòng)", vocabulary) == [
        "cầu Mê Sở", "cao tốc Pháp Vân - Cầu Giẽ", "cao tốc Hà Nội - Hải Phòng",
    ]  # fmt: skip
    assert words("lưu vực sông Nhuệ - Đáy, lưu vực sông Cầu Bây - Bắc Hưng Hải", vocabulary) == [
        "sông Nhuệ - Đáy", "sông Cầu Bây - Bắc Hưng Hải",
    ]  # fmt: skip
    assert words("Tận dụng tuyến Đường sắt Hà Nội - Lào Cai và các tuyến đường sắt liên vận", vocabulary) == [
        "Đường sắt Hà Nội - Lào Cai"
    ]
    assert words("bảo tồn khu di tích Cổ Loa và khu phố cổ, khu phố có kiến trúc kiểu Pháp", vocabulary) == [
        "khu di tích Cổ Loa",
        "khu phố cổ",
    ]


def test_coverage_is_per_place_not_per_task(vocabulary, tasks):
    links = pd.DataFrame([{"feature_id": "river-kim-nguu", "task_id": "KH-DU-2026.068", "basis": "sông: Kim Ngưu"}])
    places = named_places(tasks.loc[["KH-DU-2026.068"]], links, vocabulary)
    assert places.set_index("place")["state"].to_dict() == {
        "sông Kim Ngưu": "linked",
        "sông Lừ": "missing",
        "sông Sét": "missing",
    }
    assert is_covered(PlaceMention("vành đai", "4", "vành đai 4"), ["vành đai: 1, 2, 2.5, 3, 3.5, 4"])
    assert not is_covered(PlaceMention("vành đai", "4", "vành đai 4"), ["Quốc lộ 4"])  # a number needs its head
    assert not is_covered(PlaceMention("sông", "Lừ", "sông Lừ"), ["lưu vực sông"])  # whole words only


def test_a_name_with_parts_is_split_only_when_each_part_is_accounted_for(vocabulary, tasks):
    links = pd.DataFrame([{"feature_id": "river-cau-bay", "task_id": "KH-DU-2026.069", "basis": "sông Cầu Bây"}])
    unplaced = pd.DataFrame([{"task_id": "KH-DU-2026.069", "place": "lưu vực sông ... Bắc Hưng Hải", "reason": "mostly outside"}])
    places = named_places(tasks.loc[["KH-DU-2026.069"]], links, vocabulary, unplaced=unplaced).set_index("place")
    assert places["state"].to_dict() == {"sông Nhuệ - Đáy": "missing", "sông Cầu Bây": "linked", "sông Bắc Hưng Hải": "unplaced"}
    assert places.at["sông Bắc Hưng Hải", "reason"] == "mostly outside"


def test_validate_lists_no_missing_place_and_every_unplaced_one_with_its_reason(vocabulary, tasks):
    unplaced = load_unplaced()
    assert len(unplaced) == len(FACTS["unplaced"]) and unplaced["reason"].str.len().min() > 20
    report = validate_named_places(tasks, load_links(), vocabulary, Report())
    assert [p for p in report.problems if p.severity != "info"] == []
    infos = [p for p in report.problems if p.severity == "info"]
    assert len(infos) == len(unplaced) and all(reason in " ".join(p.message for p in infos) for reason in unplaced["reason"])
    states = report.counts["places named in tasks"].to_dict()
    assert states["missing"] == 0 and states["unplaced"] >= 6 and states["linked"] > 80


def test_before_the_named_places_the_detector_warned_place_by_place(vocabulary, tasks):
    links = load_links()
    old = links[
        ~links["feature_id"].isin(NEW_IDS)
        & ~((links["feature_id"] == "heritage-co-loa") & (links["task_id"] == "CTr-NQ02-2026.025"))
    ]
    report = validate_named_places(tasks, old, vocabulary, Report(), unplaced=load_unplaced().iloc[0:0])
    warned = {p.record for p in report.problems if p.severity == "warning"}
    assert {"KH-DU-2026.068", "KH-DU-2026.101", "CTr-NQ02-2026.003", "CTr-NQ02-2026.025", "KH-183-2021.036"} <= warned
    assert not warned & {"KH-DU-2026.019", "KH-DU-2026.005", "KH-DU-2026.115", "CTr-NQ02-2026.011", "CTr-NQ02-2026.015"}
    assert not any(task_id.startswith("KH-57-TU-2026") for task_id in warned)


def test_a_bad_line_of_the_place_words_names_the_line(tmp_path):
    path = tmp_path / "terms.txt"
    path.write_text("# words\nhead: sông | immediate\nplace: Hồ Tây\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"line 3: expected '<kind>: <words>'"):
        load_place_vocabulary(path)
    path.write_text("name: Cổ Loa | immediate\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="line 1: options"):
        load_place_vocabulary(path)
