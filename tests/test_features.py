"""The project layers held against real data and published facts."""

from datetime import date

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point

from geo import settings
from geo.catchments import select_stations
from geo.features import feature_problems, features_from_geojson, load_features, undocumented_facts
from geo.layer_specs import load_registry
from geo.links import features_by_task, link_problems, load_links

DESIGN_LAYERS = {"metro_line", "metro_station", "ring_road", "bridge", "industrial_zone", "hoa_lac"}


@pytest.fixture(scope="module")
def features():
    return load_features()


@pytest.fixture(scope="module")
def projected(features):
    return features.to_crs(settings.CRS_MEASURE)


@pytest.fixture(scope="module")
def wards():
    return gpd.read_file(settings.WARDS_GEOJSON).to_crs(settings.CRS_MEASURE).set_index("name")


def osm(path):
    return gpd.read_file(settings.DATA_DIR / "sources" / path).to_crs(settings.CRS_MEASURE)


def test_every_design_layer_exists_with_provenance(features):
    assert set(features["layer"]) >= DESIGN_LAYERS
    assert set(features["geometry_quality"]) <= {"osm", "sourced", "schematic"}
    assert features["geometry_source"].str.len().min() > 20
    assert features.index.is_unique


def test_all_lines_and_rings_named_by_the_design(features):
    lines = set(features.loc[features["layer"] == "metro_line", "line"])
    assert lines == {"1", "2", "2A", "2A-ext", "3-elevated", "3-underground", "3-ext", "4", "5", "6", "7", "8"}
    rings = features[features["layer"] == "ring_road"]
    whole = set(rings.index[rings["part_of"] == ""])
    assert whole == {"ring-vd1", "ring-vd2", "ring-vd2-5", "ring-vd3", "ring-vd3-5", "ring-vd4", "ring-vd5"}
    sections = rings[rings["part_of"] != ""]
    assert dict(zip(sections.index, sections["part_of"], strict=True)) == {
        "ring-vd1-osm-hoang-cau-voi-phuc": "ring-vd1", "ring-vd2-osm-cau-giay-buoi": "ring-vd2", "ring-vd3-osm-pham-hung": "ring-vd3",
    }  # fmt: skip
    assert (sections["geometry_quality"] == "osm").all()
    assert (features.loc[list(whole), "geometry_quality"] == "schematic").all()


def osm_ways(line):
    ways = osm("hanoi_metro_lines_osm.geojson")
    return ways[ways["line"] == line].geometry.union_all()


def test_line_2a_is_its_osm_track_and_its_12_stations_are_osm_nodes(projected):
    track = osm_ways("2A")
    ours = projected.loc["metro-2A"].geometry
    assert ours.hausdorff_distance(track) <= 30  # one direction of the double track: the other runs within metres
    stations = projected[(projected["layer"] == "metro_station") & (projected["line"] == "2A")].sort_values("seq")
    assert len(stations) == 12 and (stations["geometry_quality"] == "osm").all()
    assert (stations["position_trust"] == "high").all()
    along = [ours.project(point) for point in stations.geometry]
    assert along == sorted(along)
    assert max(track.distance(point) for point in stations.geometry) <= 10
    nodes = osm("hanoi_metro_stations_osm.geojson").set_index("osm_id")
    assert stations.set_index("name").loc["Văn Khê"].geometry.distance(nodes.loc["node/11176220559"].geometry) < 0.5
    assert stations.set_index("name").loc["Thượng Đình"].geometry.distance(nodes.loc["node/11176220553"].geometry) < 0.5
    assert "node/11176220559" in stations.set_index("name").loc["Văn Khê", "geometry_source"]


def test_line_3_stations_keep_their_own_trust(projected):
    stations = projected[(projected["layer"] == "metro_station") & projected["line"].isin(["3-elevated", "3-underground"])]
    assert len(stations) == 12
    elevated = stations[stations["structure"] == "elevated"]
    assert len(elevated) == 8 and (elevated["geometry_quality"] == "osm").all() and (elevated["position_trust"] == "high").all()
    underground = stations[stations["structure"] == "underground"].set_index("name")
    assert set(underground.index) == {"Kim Mã", "Cát Linh", "Văn Miếu", "Ga Hà Nội"}
    assert (underground["geometry_quality"] == "sourced").all()
    assert set(underground.loc[["Kim Mã", "Cát Linh", "Văn Miếu"], "position_trust"]) == {"low-medium"}
    assert underground.loc["Ga Hà Nội", "position_trust"] == "medium"
    assert underground.loc["Ga Hà Nội", "geometry_source"].startswith("Proxy position")
    assert underground.loc["Kim Mã", "geometry_source"].startswith("Hand-entered coordinate, not OpenStreetMap")
    track = osm_ways("3")
    assert max(track.distance(point) for point in stations.geometry) <= 10  # every station within 10 m of its OSM track


@pytest.mark.parametrize(
    ("feature_id", "tolerance"),
    [("metro-2A", 0.03), ("metro-3-elevated", 0.03), ("metro-3-underground", 0.03)],
)
def test_metro_lengths_agree_with_published(projected, feature_id, tolerance):
    row = projected.loc[feature_id]
    assert row["geometry_quality"] == "osm"
    assert row.geometry.length / 1000 == pytest.approx(float(row["length_km_published"]), rel=tolerance)


@pytest.mark.parametrize(("ring_id", "tolerance"), [("ring-vd2", 0.10), ("ring-vd3", 0.20)])
def test_ring_lengths_with_their_osm_sections_agree_with_published(projected, ring_id, tolerance):
    parts = projected[(projected.index == ring_id) | (projected["part_of"] == ring_id)]
    assert len(parts) == 2
    total_km = parts.geometry.length.sum() / 1000
    assert total_km == pytest.approx(float(projected.loc[ring_id, "length_km_published"]), rel=tolerance)


def test_osm_sections_are_cut_out_of_the_schematic_rings(projected):
    rings = osm("hanoi_ring_roads_partial_osm.geojson")
    for section_id, row in projected[(projected["layer"] == "ring_road") & (projected["part_of"] != "")].iterrows():
        ways = rings[rings["osm_id"].isin(row["geometry_source"].split("OpenStreetMap ways ")[1].split(":")[0].split(", "))]
        assert row.geometry.hausdorff_distance(ways.geometry.union_all()) < 40, section_id  # one carriageway of its ways
        remainder = projected.loc[row["part_of"]].geometry
        assert remainder.distance(row.geometry.interpolate(0.5, normalized=True)) > 500, section_id  # the schematic stretch is gone
        assert remainder.geom_type == "LineString" and not remainder.is_closed, section_id  # the ring opened at the section
    whole = projected.loc["ring-vd3"].geometry
    assert whole.length + projected.loc["ring-vd3-osm-pham-hung"].geometry.length > 70_000


def test_line_2_statuses_are_per_section(features):
    section = features.loc["metro-2-nam-thang-long-tran-hung-dao"]
    assert section["status"] == "under construction" and section["construction_start"] == "2025-10-09"
    assert section["part_of"] == "metro-2" and section["section"] == "2.1"
    assert section["opens_kind"] == "target" and section["opens"] > "2026-12-31"
    assert features.loc["metro-2", "status"] == "planned"
    line_2 = features[(features["layer"] == "metro_station") & (features["line"] == "2")]
    by_section = line_2.groupby("section")["status"].agg(set).to_dict()
    assert by_section == {"2.1": {"under construction"}, "": {"planned"}}
    assert set(line_2.loc[line_2["status"] == "planned", "name"]) == {"Nội Bài", "Thượng Đình"}
    assert features.loc["ring-vd5", "status"] == "planned"  # groundbreaking only expected (Q4/2026)
    assert features.loc["metro-3-underground", "status"] == "under construction"


def test_every_status_is_one_of_its_layers(features):
    allowed = load_registry().statuses()
    assert set(allowed) == set(load_registry().ids("project"))
    for feature_id, row in features.iterrows():
        assert row["status"] in allowed[row["layer"]], feature_id
    assert "operating" not in allowed["river"] and "operating" not in allowed["zone"]
    assert features.loc["river-to-lich", "status"] == "being restored"
    assert features.loc["heritage-hoang-thanh", "status"] == "existing"


def test_names_are_clean_and_notes_kept(features):
    assert not features["name"].str.contains(r"[()]|in the seed", regex=True).any()
    assert features.loc["zone-05", "name"] == "Khu công nghiệp Phụng Hiệp"
    assert "giai đoạn 2" in features.loc["zone-05", "note"]


def test_dates_are_iso_sourced_and_consistent(features):
    today = date(2026, 11, 28)
    for feature_id, row in features.iterrows():
        for field in ("construction_start", "opens"):
            if row[field]:
                date.fromisoformat(row[field])
                assert row[f"{field}_source"] and row[f"{field}_precision"] in {"day", "month", "quarter", "year"}, feature_id
        if row["opens"]:
            assert row["opens_kind"] in {"actual", "target"}, feature_id
            assert (row["opens"] <= today.isoformat()) == (row["opens_kind"] == "actual"), feature_id
            assert not row["construction_start"] or row["construction_start"] < row["opens"], feature_id
            # an actual opening: operating, or partly operating (road-truc-phia-nam: phase 1 open, phase 2 building)
            assert (row["status"] in ("operating", "partly operating")) == (row["opens_kind"] == "actual"), feature_id
    dated = features[features["opens"] != ""]
    assert len(dated) == 52 and (features["construction_start"] != "").sum() == 48  # named places: + 4 and + 3


def test_statuses_cite_their_sources(features):
    gaps = undocumented_facts(features)
    assert set(gaps.loc[gaps["what"] == "status source", "feature_id"]) == {"bridge-21"}  # Phù Đổng: no source found
    assert not gaps["what"].isin(["construction_start source", "opens source"]).any()
    assert features.loc["metro-2-nam-thang-long-tran-hung-dao", "status_date"] == "2025-10-09"


def test_tod_never_counts_a_site_that_is_not_open(features):
    today = date(2026, 11, 22)
    open_today = select_stations(features, open_by=today)
    assert len(open_today) == 20 and set(open_today["status"]) == {"operating"}
    assert set(open_today["line"]) == {"2A", "3-elevated"}
    by_2030 = select_stations(features, open_by=date(2030, 12, 31))
    assert len(by_2030) == 29  # + line 3 underground (4), line 2 section 2.1 (3 placed), line 5 (2 placed)
    assert "planned" not in set(by_2030["status"])
    estimates = select_stations(features, open_by=today, include_estimates=True)
    assert set(estimates.loc[estimates["status"] != "operating", "estimate"]) == {True}


def test_ring_roads_nest(projected):
    hull = {ring: projected.loc[ring].geometry.convex_hull for ring in ("ring-vd1", "ring-vd2", "ring-vd3", "ring-vd4")}
    assert hull["ring-vd1"].within(hull["ring-vd2"])
    assert hull["ring-vd2"].within(hull["ring-vd3"])
    assert hull["ring-vd3"].within(hull["ring-vd4"])
    assert hull["ring-vd1"].area < hull["ring-vd2"].area < hull["ring-vd3"].area


def test_zones_and_hoa_lac_lie_in_their_named_wards(projected, wards):
    rows = projected[projected["layer"].isin(["industrial_zone", "hoa_lac"])]
    assert len(rows) >= 15
    for feature_id, row in rows.iterrows():
        named = [w.split(" (")[0] for w in str(row["ward"]).split(";") if w]
        centre = row.geometry.centroid
        assert any(wards.loc[name].geometry.contains(centre) for name in named if name in wards.index), feature_id


def test_quang_minh_and_hoa_lac_by_name(projected, wards):
    assert wards.loc["Xã Quang Minh"].geometry.contains(projected.loc["zone-01"].geometry.centroid)
    assert wards.loc["Xã Hòa Lạc"].geometry.contains(projected.loc["hoa-lac-hi-tech-park"].geometry.centroid)
    disc = projected.loc["hoa-lac-hi-tech-park"]
    assert disc.geometry.area / 10_000 == pytest.approx(1586, rel=0.01)


def test_bridges_join_two_banks(projected, wards):
    river = gpd.read_file(settings.RED_RIVER_GEOJSON).to_crs(settings.CRS_MEASURE).geometry.iloc[0]
    spans = projected[(projected["layer"] == "bridge") & (projected.geom_type == "LineString")]
    assert len(spans) >= 10
    for feature_id, row in spans.iterrows():
        ends = [Point(row.geometry.coords[0]), Point(row.geometry.coords[-1])]
        banks = [tuple(wards.index[wards.contains(end)]) for end in ends]
        assert banks[0] != banks[1], feature_id
        assert row.geometry.length > (800 if row["river"].startswith("Sông Hồng") else 500), feature_id  # the Đuống is narrower
        if row["river"].startswith("Sông Hồng"):
            assert row.geometry.crosses(river), feature_id


def test_links_both_ways(features):
    links = features_by_task(load_links())
    assert {"bridge-08"} <= set(links["KH-183-2021.025"])  # Tứ Liên
    assert "ring-vd4" in links["KH-183-2021.024"]
    assert "ring-vd5" in links["KH-DU-2026.053"]
    assert {"metro-3-elevated", "metro-3-underground"} <= set(links["KH-183-2021.028"])
    assert {"metro-1", "metro-4", "metro-6", "metro-7", "metro-8", "metro-2A-ext"} <= set(links["KH-DU-2026.061"])
    for task in ("KH-DU-2026.014", "KH-DU-2026.016", "KH-DU-2026.035"):  # TT 11, 13, 32
        assert any(fid.startswith("zone-") for fid in links[task])
    for task in ("KH-DU-2026.017", "KH-DU-2026.018", "KH-DU-2026.029", "KH-DU-2026.072", "KH-DU-2026.060"):  # 14, 15, 26, 69, 57
        assert any(fid.startswith("hoa-lac-") for fid in links[task])


def test_layers_are_in_the_registry(features):
    assert set(features["layer"]) <= set(load_registry().ids("project"))


def test_feature_problems_are_found():
    bad = features_from_geojson([
        {"type": "Feature", "properties": {"id": "a", "layer": "nope", "name": "x", "name_en": "x", "status": "planned",
         "status_source": "s", "task_ids": ["KH-XX.001"], "geometry_quality": "guess", "geometry_source": "s"},
         "geometry": {"type": "Polygon", "coordinates": [[[105.8, 21.0], [105.9, 21.1], [105.9, 21.0], [105.8, 21.1], [105.8, 21.0]]]}},
        {"type": "Feature", "properties": {"id": "b", "layer": "bridge", "name": "far", "name_en": "far", "status": "planned",
         "status_source": "s", "task_ids": [], "geometry_quality": "schematic", "geometry_source": "s"},
         "geometry": {"type": "Point", "coordinates": [108.2, 16.05]}},
        {"type": "Feature", "properties": {"id": "c", "layer": "bridge"}, "geometry": {"type": "Point", "coordinates": "bad"}},
    ])  # fmt: skip
    boundary = shapely.box(105.29, 20.56, 106.02, 21.39)
    problems = feature_problems(bad, layer_ids={"bridge"}, boundary_4326=boundary)
    messages = {(fid, msg.split(" ")[0]) for _, fid, msg in problems}
    assert ("data/projects.geojson", "features") in messages  # task_ids inside the features file: links belong in links.csv
    assert ("a", "invalid") in messages
    assert ("a", "layer") in messages
    assert ("a", "geometry_quality") in messages
    assert ("b", "lies") in messages
    assert ("c", "geometry") in messages
    assert ("c", "required") in messages


def test_layer_statuses_dates_and_parts_are_checked():
    point = {"type": "Point", "coordinates": [105.85, 21.03]}
    base = {"name_en": "x", "status_source": "s", "geometry_quality": "schematic", "geometry_source": "s"}
    frame = features_from_geojson([
        {"type": "Feature", "geometry": point, "properties": {**base, "id": "r", "layer": "river", "name": "Sông", "status": "operating"}},
        {"type": "Feature", "geometry": point, "properties": {**base, "id": "s", "layer": "river", "name": "Sông (note)",
         "status": "being restored", "opens": "2029", "opens_kind": "soon", "part_of": "nowhere"}},
        {"type": "Feature", "geometry": point, "properties": {**base, "id": "t", "layer": "river", "name": "Sông T", "status": "existing",
         "construction_start": "2020-01-01", "construction_start_precision": "decade"}},
    ])  # fmt: skip
    problems = feature_problems(
        frame, layer_ids={"river"}, boundary_4326=shapely.box(105.29, 20.56, 106.02, 21.39),
        layer_statuses={"river": ("existing", "being restored")},
    )  # fmt: skip
    found = {(fid, severity, msg.split(" ")[0]) for severity, fid, msg in problems}
    assert found == {
        ("r", "error", "status"), ("s", "error", "opens"), ("s", "error", "opens_kind"), ("s", "error", "part_of"),
        ("s", "warning", "name"), ("t", "error", "construction_start_precision"),
    }  # fmt: skip
    assert any("is not a status of layer 'river'" in msg for _, fid, msg in problems if fid == "r")
    assert not feature_problems(frame.loc[["t"]].assign(construction_start_precision="year"), layer_ids={"river"},
                                boundary_4326=shapely.box(105.29, 20.56, 106.02, 21.39), layer_statuses={"river": ("existing",)})


def test_undocumented_facts_lists_each_missing_source():
    point = {"type": "Point", "coordinates": [105.85, 21.03]}
    rows = [
        {"id": "ok", "layer": "bridge", "status_source": "in use — https://example.vn/a", "status_date": "2025-01-01",
         "opens": "2020-01-01", "opens_source": "OpenStreetMap way/1"},
        {"id": "bare", "layer": "bridge", "status_source": "in use", "status_date": "",
         "construction_start": "2019-01-01", "construction_start_source": "someone said so"},
    ]  # fmt: skip
    frame = features_from_geojson([{"type": "Feature", "geometry": point, "properties": row} for row in rows])
    gaps = undocumented_facts(frame)
    assert sorted(gaps["what"]) == ["construction_start source", "status date", "status source"]
    assert set(gaps["feature_id"]) == {"bare"}


def test_schematic_is_never_called_osm(features):
    planned = features[(features["status"] == "planned") & (features["layer"] == "metro_line")]
    assert (planned["geometry_quality"] == "schematic").all()
    osm_rows = features[features["geometry_quality"] == "osm"]
    assert len(osm_rows) >= 12 and osm_rows["geometry_source"].str.contains(r"OpenStreetMap|\bOSM\b").all()
    styles = load_registry().quality_styles
    assert styles["schematic"]["dash"] and not styles["osm"].get("dash")  # schematic is drawn dashed, OSM solid


def test_the_features_file_carries_no_links():
    assert "task_ids" not in load_features().columns


def test_link_problems_are_found(tasks):
    import pandas as pd

    task_id = "KH-183-2021.025"
    words = tasks.at[task_id, "task"].split()[:3]
    links = pd.DataFrame(
        [
            ("bridge-08", task_id, " ".join(words).upper()),  # the task's words, case and accents aside: fine
            ("bridge-08", task_id, " ".join(words)),  # the same pair again
            ("no-such-feature", task_id, words[0]),
            ("bridge-08", "KH-XX.001", "x"),
            ("ring-vd4", task_id, ""),
            ("ring-vd5", task_id, "cầu treo trên mặt trăng"),
        ],
        columns=["feature_id", "task_id", "basis"],
    )
    found = [(record, message.split(": ", 1)[1].split(" ")[0:2]) for _, record, message in link_problems(
        links, feature_ids={"bridge-08", "ring-vd4", "ring-vd5"}, tasks=tasks)]  # fmt: skip
    assert found == [
        (f"bridge-08 -> {task_id}", ["the", "link"]),
        (f"no-such-feature -> {task_id}", ["feature", "'no-such-feature'"]),
        ("bridge-08 -> KH-XX.001", ["task", "'KH-XX.001'"]),
        (f"ring-vd4 -> {task_id}", ["the", "basis"]),
        (f"ring-vd5 -> {task_id}", ["the", "basis"]),
    ]
