"""The project layers held against real data and published facts."""

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point

from geo import settings
from geo.features import feature_problems, features_from_geojson, load_features
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
    rings = set(features.loc[features["layer"] == "ring_road"].index)
    assert rings == {"ring-vd1", "ring-vd2", "ring-vd2-5", "ring-vd3", "ring-vd3-5", "ring-vd4", "ring-vd5"}


def test_line_2a_lies_on_the_osm_line_and_stations_are_in_order(projected):
    line = osm("hanoi_metro_2a_line_osm.geojson").geometry.iloc[0]
    ours = projected.loc["metro-2A"].geometry
    assert ours.hausdorff_distance(line) <= 30
    stations = projected[(projected["layer"] == "metro_station") & (projected["line"] == "2A")].sort_values("seq")
    assert len(stations) == 12
    along = [line.project(point) for point in stations.geometry]
    assert along == sorted(along)
    assert max(line.distance(point) for point in stations.geometry) <= 30


def test_line_3_has_12_stations_8_elevated_4_underground(features):
    stations = features[(features["layer"] == "metro_station") & features["line"].isin(["3-elevated", "3-underground"])]
    assert len(stations) == 12
    assert (stations["structure"] == "elevated").sum() == 8
    assert set(stations.loc[stations["structure"] == "underground", "name"]) == {"Kim Mã", "Cát Linh", "Văn Miếu", "Ga Hà Nội"}
    assert (stations["geometry_quality"] == "sourced").all()


@pytest.mark.parametrize(
    ("feature_id", "tolerance"),
    [("metro-2A", 0.03), ("metro-3-elevated", 0.12), ("metro-3-underground", 0.12), ("ring-vd2", 0.10), ("ring-vd3", 0.20)],
)
def test_lengths_agree_with_published(projected, feature_id, tolerance):
    row = projected.loc[feature_id]
    published_km = float(row["length_km_published"])
    assert row.geometry.length / 1000 == pytest.approx(published_km, rel=tolerance)


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
        assert row.geometry.length > 800, feature_id
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
