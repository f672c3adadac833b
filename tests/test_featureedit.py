"""Correcting and adding features in the store, on SQLite and PostgreSQL: permissions, provenance, history, revert, review, links.

The base of record is never written; the view lays the current approved versions over it.
"""

import hashlib
import io
import json
import zipfile
from datetime import date, datetime

import geopandas as gpd
import pytest
import shapely
import test_store_support as support
from sqlalchemy import func, select, text

from geo import settings
from geo.errors import ConflictError, InvalidArgumentError, PermissionDenied
from geo.featureedit import (
    add_feature,
    edit_geometry,
    link_task,
    retire_feature,
    revert_feature,
    unlink_task,
    versions,
    working_version,
)
from geo.filters import TaskFilter
from geo.store import add_user, audit_entries, backup, get_setting, open_store, restore, set_setting
from geo.store.feature_versions import REVIEW_SETTING, pending_versions, review_version
from geo.store.schema import feature_versions
from geo.view import build_view, load_data, with_store

backend, store_url, store, coordinator = support.backend, support.store_url, support.store, support.coordinator  # the fixtures
cheap_hashing = support.cheap_hashing  # autouse
AS_OF = date(2026, 11, 29)
# Cầu Tứ Liên drawn from the Long Biên bank to the Đông Anh bank (a surveyed-looking 3-vertex line, EPSG:4326)
TU_LIEN = shapely.LineString([(105.8402, 21.0702), (105.8436, 21.0761), (105.8469, 21.0822)])
SOURCE = "Bản vẽ mặt bằng tổng thể cầu Tứ Liên, tờ MB-01, Ban QLDA giao thông 2025"


@pytest.fixture(scope="module")
def base():
    return load_data()


@pytest.fixture
def editor(store, coordinator):
    return add_user(store, coordinator, "minh", role="editor")


@pytest.fixture
def second_editor(store, coordinator):
    return add_user(store, coordinator, "hoa", role="editor")


def count(store):
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(feature_versions)).scalar_one()


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def haversine_m(line):
    """Length of a line on a sphere of radius 6,371 km (independent of pyproj)."""
    import math

    total = 0.0
    for (x1, y1), (x2, y2) in zip(line.coords[:-1], line.coords[1:], strict=True):
        p1, p2, dp, dl = math.radians(y1), math.radians(y2), math.radians(y2 - y1), math.radians(x2 - x1)
        total += 2 * 6_371_000 * math.asin(math.sqrt(math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2))
    return total


def length_m(geometry):
    return float(gpd.GeoSeries([geometry], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).length.iloc[0])


def test_an_editor_reshapes_a_schematic_bridge_and_the_map_shows_it_surveyed(store, editor, base):
    before = digest(settings.PROJECTS_GEOJSON), digest(settings.LINKS_CSV)
    version = edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE,
                            reason="the alignment of the approved drawing", expected_seq=0)  # fmt: skip
    assert (version.seq, version.action, version.author, version.review) == (1, "edit", "minh", "approved")
    data = with_store(base, store)
    row = data.features.loc["bridge-08"]
    assert shapely.equals_exact(row.geometry, TU_LIEN, tolerance=1e-9)
    assert row["geometry_quality"] == "surveyed" and SOURCE in row["geometry_source"]
    assert (int(row["edit_seq"]), row["edited_by"]) == (1, "minh")
    assert row["name"] == "Cầu Tứ Liên" and row["status"] == base.features.at["bridge-08", "status"]  # the rest kept
    assert abs(length_m(row.geometry) - haversine_m(TU_LIEN)) < 0.005 * haversine_m(TU_LIEN)  # about 1.5 km, as drawn
    assert set(data.features.at["bridge-08", "task_ids"]) == {"KH-183-2021.025", "KH-DU-2026.051"}  # links kept
    assert list(data.edits["feature_id"]) == ["bridge-08"] and len(data.features) == len(base.features)
    # history: version 1 then the base, with who, why and the source
    found = versions(data, store, "bridge-08")
    assert [(item.seq, item.action, item.author) for item in found] == [(1, "edit", "minh"), (0, "base", "data/")]
    assert found[1].quality == "schematic" and found[0].reason == "the alignment of the approved drawing"
    entry = audit_entries(store, record_type="feature")[0]
    assert (entry.who, entry.action, entry.record_id) == ("minh", "geometry.edit", "bridge-08")
    assert (digest(settings.PROJECTS_GEOJSON), digest(settings.LINKS_CSV)) == before  # nothing written into data/
    # the view counts and filters go through the same pipeline
    view = build_view(data, TaskFilter(docs=("KH-183-2021",), as_of=AS_OF))
    assert shapely.equals_exact(view.features.at["bridge-08", "geometry"], TU_LIEN, tolerance=1e-9)


def test_a_reporter_and_a_viewer_cannot_edit_geometry_and_nothing_is_written(store, coordinator, base):
    rita = add_user(store, coordinator, "rita", role="reporter", agency_id="so-xay-dung")
    vy = add_user(store, coordinator, "vy", role="viewer")
    for user in (rita, vy):
        with pytest.raises(PermissionDenied, match=rf"user '{user.name}' \({user.role}\) may not edit the feature bridge-08"):
            edit_geometry(store, user, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="x", expected_seq=0)
        with pytest.raises(PermissionDenied):
            link_task(store, user, base, "bridge-11", "KH-183-2021.025", "cầu Tứ Liên", reason="x", expected_seq=0)
    assert count(store) == 0


def test_the_second_editor_of_the_same_feature_gets_a_conflict_naming_the_first(store, editor, second_editor, base):
    seen = working_version(base, store, "bridge-08").seq  # both opened the feature at version 0
    edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="drawing MB-01", expected_seq=seen)
    other = shapely.LineString([(105.8405, 21.0700), (105.8470, 21.0820)])
    with pytest.raises(ConflictError, match=r"bridge-08: you started from version 0, but minh saved version 1 \(edit: drawing MB-01\)"):
        edit_geometry(store, second_editor, base, "bridge-08", other, quality="edited", source="traced", basemap="OpenStreetMap",
                      zoom=16, reason="my tracing", expected_seq=seen)  # fmt: skip
    assert count(store) == 1
    current = with_store(base, store).features.loc["bridge-08"]
    assert shapely.equals_exact(current.geometry, TU_LIEN, tolerance=1e-9)  # the first change is not lost


def test_provenance_is_required_and_edited_names_its_basemap_and_zoom(store, editor, base):
    with pytest.raises(InvalidArgumentError, match="must be 'surveyed'"):
        edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="osm", source=SOURCE, reason="x", expected_seq=0)
    with pytest.raises(InvalidArgumentError, match="say where the geometry comes from"):
        edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source="  ", reason="x", expected_seq=0)
    with pytest.raises(InvalidArgumentError, match="name the basemap and the zoom"):
        edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="edited", source="traced the piers", reason="x", expected_seq=0)
    with pytest.raises(InvalidArgumentError, match="zoom 23 is not a map zoom"):
        edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="edited", source="traced", basemap="satellite", zoom=23,
                      reason="x", expected_seq=0)  # fmt: skip
    with pytest.raises(InvalidArgumentError, match="reason is empty"):
        edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="", expected_seq=0)
    assert count(store) == 0
    version = edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="edited", source="traced the deck", basemap="satellite",
                            zoom=17, reason="visible on imagery", expected_seq=0)  # fmt: skip
    props = version.properties
    assert (props["geometry_quality"], props["geometry_basemap"], props["geometry_zoom"]) == ("edited", "satellite", 17)
    assert props["geometry_source"] == "Drawn over the basemap satellite at zoom 17: traced the deck"


def test_a_geometry_the_layer_cannot_take_is_refused(store, editor, base):
    with pytest.raises(InvalidArgumentError, match="the geometry is a Point, but features of this layer are a LineString"):
        edit_geometry(store, editor, base, "bridge-08", shapely.Point(105.84, 21.07), quality="surveyed", source=SOURCE, reason="x",
                      expected_seq=0)  # fmt: skip
    with pytest.raises(InvalidArgumentError, match="swapped"):  # latitude first
        edit_geometry(store, editor, base, "bridge-08", shapely.LineString([(21.07, 105.84), (21.08, 105.85)]), quality="surveyed",
                      source=SOURCE, reason="x", expected_seq=0)  # fmt: skip
    with pytest.raises(InvalidArgumentError, match="no geometry: a feature of this layer needs a LineString"):
        edit_geometry(store, editor, base, "bridge-08", shapely.LineString(), quality="surveyed", source=SOURCE, reason="x", expected_seq=0)
    assert count(store) == 0


def test_revert_to_the_base_and_to_a_version_are_new_versions(store, editor, coordinator, base):
    edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="drawing", expected_seq=0)
    second = shapely.LineString([(105.8402, 21.0702), (105.8469, 21.0822)])
    edit_geometry(store, editor, base, "bridge-08", second, quality="surveyed", source=SOURCE + " rev. B", reason="rev B", expected_seq=1)
    back = revert_feature(store, coordinator, base, "bridge-08", to_seq=0, reason="the drawing was withdrawn", expected_seq=2)
    assert (back.seq, back.action, back.author, back.quality) == (3, "revert", "lan", "schematic")
    data = with_store(base, store)
    assert shapely.equals_exact(data.features.at["bridge-08", "geometry"], base.features.at["bridge-08", "geometry"], tolerance=1e-12)
    assert data.features.at["bridge-08", "geometry_quality"] == "schematic"
    with pytest.raises(InvalidArgumentError, match="already as version 0"):
        revert_feature(store, coordinator, base, "bridge-08", to_seq=0, reason="again", expected_seq=3)
    with pytest.raises(InvalidArgumentError, match="has no version 9; its versions are 0, 1, 2, 3"):
        revert_feature(store, coordinator, base, "bridge-08", to_seq=9, reason="x", expected_seq=3)
    revert_feature(store, editor, base, "bridge-08", to_seq=1, reason="drawing reinstated", expected_seq=3)
    now = with_store(base, store).features.loc["bridge-08"]
    assert shapely.equals_exact(now.geometry, TU_LIEN, tolerance=1e-9) and now["geometry_quality"] == "surveyed"
    assert [item.seq for item in versions(base, store, "bridge-08")] == [4, 3, 2, 1, 0]


def test_add_a_feature_with_names_status_and_dates_and_refuse_bad_ones(store, editor, base):
    kwargs = {"layer": "bridge", "name": "Cầu Vân Phúc", "name_en": "Vân Phúc bridge", "status": "planned", "status_date": "2026-06",
              "status_source": "KH-DU-2026 Phụ lục 03", "quality": "surveyed", "source": "Hồ sơ khảo sát tuyến cầu, 2026",
              "reason": "a bridge the plan names"}  # fmt: skip
    line = shapely.LineString([(105.6541, 21.1479), (105.6620, 21.1580)])
    with pytest.raises(InvalidArgumentError, match="not a status of layer 'bridge'"):
        add_feature(store, editor, base, geometry=line, **{**kwargs, "status": "designated"})
    with pytest.raises(InvalidArgumentError, match="not a project layer"):
        add_feature(store, editor, base, geometry=line, **{**kwargs, "layer": "wards"})
    with pytest.raises(InvalidArgumentError, match="exists already"):
        add_feature(store, editor, base, geometry=line, feature_id="bridge-08", **kwargs)
    with pytest.raises(InvalidArgumentError, match="not an ISO date"):
        add_feature(store, editor, base, geometry=line, dates={"opens": "2030-13-01", "opens_kind": "target", "opens_source": "x"}, **kwargs)
    with pytest.raises(InvalidArgumentError):
        add_feature(store, editor, base, geometry=shapely.Point(105.65, 21.15), **kwargs)
    assert count(store) == 0
    version = add_feature(store, editor, base, geometry=line, dates={"opens": "2030-12-31", "opens_kind": "target",
                                                                     "opens_precision": "year", "opens_source": "KH-DU-2026"}, **kwargs)  # fmt: skip
    assert (version.feature_id, version.seq, version.action) == ("bridge-van-phuc-bridge", 1, "add")
    data = with_store(base, store)
    assert len(data.features) == len(base.features) + 1
    row = data.features.loc["bridge-van-phuc-bridge"]
    assert (row["layer"], row["name"], row["name_en"], row["status"], row["geometry_quality"]) == (
        "bridge", "Cầu Vân Phúc", "Vân Phúc bridge", "planned", "surveyed")  # fmt: skip
    assert row["task_ids"] == ()
    # the time slider: planned before its target opening, still planned after (a target is not a fact)
    assert build_view(data, TaskFilter(as_of=date(2027, 1, 1))).features.at["bridge-van-phuc-bridge", "status_as_of"] == "planned"


def test_link_and_unlink_with_the_words_of_the_task(store, editor, base):
    with pytest.raises(InvalidArgumentError, match="is not words of task KH-183-2021.026"):
        link_task(store, editor, base, "bridge-08", "KH-183-2021.026", "cầu Tứ Liên", reason="x", expected_seq=0)
    with pytest.raises(InvalidArgumentError, match="linked to task KH-183-2021.025 already"):
        link_task(store, editor, base, "bridge-08", "KH-183-2021.025", "cầu Tứ Liên", reason="x", expected_seq=0)
    with pytest.raises(InvalidArgumentError, match="no task 'KH-0'"):
        link_task(store, editor, base, "bridge-08", "KH-0", "cầu", reason="x", expected_seq=0)
    # accents, case and spacing may differ from the task's text
    linked = link_task(store, editor, base, "bridge-11", "KH-183-2021.025", "ĐƯỜNG TỪ  cau Tu Lien", reason="the approach road", expected_seq=0)
    assert ("KH-183-2021.025", "ĐƯỜNG TỪ  cau Tu Lien") in linked.links
    unlink_task(store, editor, base, "bridge-08", "KH-DU-2026.051", reason="the generic row names no bridge", expected_seq=0)
    data = with_store(base, store)
    assert set(data.features.at["bridge-11", "task_ids"]) == {"KH-183-2021.026", "KH-DU-2026.051", "KH-183-2021.025"}
    assert set(data.features.at["bridge-08", "task_ids"]) == {"KH-183-2021.025"}
    view = build_view(data, TaskFilter(docs=("KH-DU-2026",), as_of=AS_OF))
    assert "bridge-08" not in view.tasks.at["KH-DU-2026.051", "feature_ids"]
    assert "bridge-11" in view.tasks.at["KH-DU-2026.051", "feature_ids"]
    assert len(data.links) == len(base.links)  # one added, one removed


def test_retire_hides_the_feature_and_its_links_and_revert_brings_it_back(store, editor, base):
    retire_feature(store, editor, base, "bridge-11", reason="duplicate of another feature", expected_seq=0)
    data = with_store(base, store)
    assert "bridge-11" not in data.features.index and "bridge-11" not in set(data.links["feature_id"])
    assert len(data.features) == len(base.features) - 1
    view = build_view(data, TaskFilter(docs=("KH-183-2021",), as_of=AS_OF))
    assert not view.tasks.at["KH-183-2021.026", "on_map"]
    with pytest.raises(InvalidArgumentError, match="bridge-11 is retired"):
        edit_geometry(store, editor, base, "bridge-11", TU_LIEN, quality="surveyed", source=SOURCE, reason="x", expected_seq=1)
    assert [(item.seq, item.retired) for item in versions(base, store, "bridge-11")] == [(1, True), (0, False)]
    revert_feature(store, editor, base, "bridge-11", to_seq=0, reason="not a duplicate after all", expected_seq=1)
    assert "bridge-11" in with_store(base, store).features.index


def test_with_review_on_an_editors_change_waits_for_a_coordinator(store, editor, coordinator, base):
    _, seen = get_setting(store, REVIEW_SETTING)
    set_setting(store, coordinator, REVIEW_SETTING, True, expected_version=seen)
    pending = edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="drawing", expected_seq=0)
    assert pending.review == "pending"
    shown = with_store(base, store).features.loc["bridge-08"]
    assert shown["geometry_quality"] == "schematic"  # not on the map yet
    assert working_version(base, store, "bridge-08").seq == 1  # editors start from it
    with pytest.raises(PermissionDenied, match="'minh' \\(editor\\)"):
        review_version(store, editor, pending.id, approve=True, expected_version=1)
    approved = review_version(store, coordinator, pending.id, approve=True, expected_version=1)
    assert (approved.review, approved.reviewed_by, approved.version) == ("approved", "lan", 2)
    with pytest.raises(InvalidArgumentError, match="feature version 1 is approved, not pending"):  # a second coordinator, too late
        review_version(store, coordinator, pending.id, approve=False, expected_version=1)
    assert with_store(base, store).features.at["bridge-08", "geometry_quality"] == "surveyed"
    other = edit_geometry(store, editor, base, "bridge-08", shapely.LineString([(105.8402, 21.0702), (105.8469, 21.0822)]),
                          quality="surveyed", source=SOURCE, reason="simpler", expected_seq=1)  # fmt: skip
    review_version(store, coordinator, other.id, approve=False, expected_version=1)
    assert shapely.equals_exact(with_store(base, store).features.at["bridge-08", "geometry"], TU_LIEN, tolerance=1e-9)
    assert pending_versions(store) == []
    own = edit_geometry(store, coordinator, base, "bridge-11", TU_LIEN, quality="surveyed", source=SOURCE, reason="c", expected_seq=0)
    assert own.review == "approved"  # a coordinator's own change needs no review


def test_versions_survive_a_backup_and_restore(store, editor, coordinator, base, tmp_path):
    edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="drawing", expected_seq=0)
    retire_feature(store, editor, base, "bridge-11", reason="duplicate", expected_seq=0)
    path = tmp_path / "backup.json"
    backup(store, path, user=coordinator)
    restore(store, path, user=coordinator, replace=True)
    data = with_store(base, store)
    assert shapely.equals_exact(data.features.at["bridge-08", "geometry"], TU_LIEN, tolerance=1e-9)
    assert "bridge-11" not in data.features.index
    if store.spatial == "postgis":  # the PostGIS mirror is rebuilt for QGIS
        with store.engine.connect() as connection:
            wkt = connection.execute(text("SELECT ST_AsText(geom) FROM feature_versions WHERE feature_id = 'bridge-08'")).scalar_one()
        assert shapely.equals_exact(shapely.from_wkt(wkt), TU_LIEN, tolerance=1e-9)


def test_a_snapshot_reopened_shows_the_edited_geometry_its_provenance_and_the_edit(store, editor, base, tmp_path):
    import pyogrio

    from geo.export import write_snapshot

    edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="drawing", expected_seq=0)
    data = with_store(base, store)
    view = build_view(data, TaskFilter(layers=("bridge",), as_of=AS_OF))
    out = tmp_path / "snap.zip"
    write_snapshot(view, out, formats=("gpkg", "geojson", "shp", "kml"), now=datetime(2026, 11, 29, 9, 0))
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        (tmp_path / "bridge.shp.zip").write_bytes(archive.read("shapefile/bridge_line.zip"))  # the layer holds points too: split by type
        kml = archive.read(next(name for name in archive.namelist() if name.endswith(".kml"))).decode("utf-8")
        (tmp_path / "layers.gpkg").write_bytes(archive.read(next(name for name in archive.namelist() if name.endswith(".gpkg"))))
        geojson = json.loads(archive.read(next(name for name in archive.namelist() if name.endswith("bridge.geojson"))))
    frame = pyogrio.read_dataframe(tmp_path / "layers.gpkg", layer="bridge").set_index("id")
    assert shapely.equals_exact(frame.at["bridge-08", "geometry"], TU_LIEN, tolerance=1e-7)
    assert frame.at["bridge-08", "geometry_quality"] == "surveyed" and SOURCE in frame.at["bridge-08", "geometry_source"]
    assert frame.at["bridge-11", "geometry_quality"] == "schematic"
    shp = pyogrio.read_dataframe(f"/vsizip/{tmp_path / 'bridge.shp.zip'}").set_index("id")
    assert shp.at["bridge-08", "geom_qual"] == "surveyed" and shapely.equals_exact(shp.at["bridge-08", "geometry"], TU_LIEN, tolerance=1e-7)
    assert "Khảo sát (theo bản vẽ, hồ sơ khảo sát chính thức)" in kml  # the KML description names the provenance
    feature = next(item for item in geojson["features"] if item["properties"]["id"] == "bridge-08")
    assert feature["properties"]["geometry_quality"] == "surveyed"
    assert [(item["feature_id"], item["version"], item["author"]) for item in manifest["edits"]] == [("bridge-08", 1, "minh")]


def test_the_postgis_mirror_is_a_geometry_qgis_can_read(store, editor, base):
    if store.spatial != "postgis":
        pytest.skip(f"no PostGIS in this {store.backend} store: the versions keep GeoJSON text only")
    edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="drawing", expected_seq=0)
    with store.engine.connect() as connection:
        srid, length = connection.execute(text(
            "SELECT ST_SRID(geom), ST_Length(geom::geography) FROM feature_versions WHERE feature_id = 'bridge-08'")).one()  # fmt: skip
    assert srid == 4326 and abs(length - length_m(TU_LIEN)) < 5


def test_the_store_reopened_keeps_the_versions(store_url, base):
    opened = open_store(store_url)
    try:
        lan = add_user(opened, None, "lan", role="coordinator")
        edit_geometry(opened, lan, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="drawing", expected_seq=0)
    finally:
        opened.close()
    again = open_store(store_url)
    try:
        assert load_data(store=again).features.at["bridge-08", "geometry_quality"] == "surveyed"
    finally:
        again.close()


def test_a_station_moved_by_an_edit_moves_its_catchment(store, editor, base):
    from geo.tod import run_coverage

    moved = shapely.Point(105.8250, 21.0170)  # about 650 m east-north-east of the OSM node of Thái Hà
    before, _ = run_coverage(base, lines=("2A",), radius_m=500, as_of=AS_OF)
    edit_geometry(store, editor, base, "station-2A-03", moved, quality="surveyed", source="Hồ sơ hoàn công ga Thái Hà",
                  reason="the entrance, not the platform centre", expected_seq=0)  # fmt: skip
    after, skipped = run_coverage(with_store(base, store), lines=("2A",), radius_m=500, as_of=AS_OF)
    assert before.n_stations == after.n_stations == 12
    old_centre = before.catchments_4326.loc["station-2A-03"].geometry.centroid
    new_centre = after.catchments_4326.loc["station-2A-03"].geometry.centroid
    assert gpd.GeoSeries([new_centre, moved], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).pipe(lambda s: s.iloc[0].distance(s.iloc[1])) < 1.0
    shift = gpd.GeoSeries([old_centre, new_centre], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE)
    assert 550 < shift.iloc[0].distance(shift.iloc[1]) < 750
    assert after.catchments_4326.loc["station-2A-03", "geometry_quality"] == "surveyed"
    assert after.union_area_km2 != before.union_area_km2  # the union changed with the catchment
    from geo.export.tod_zip import coverage_zip

    with zipfile.ZipFile(io.BytesIO(coverage_zip(after, skipped, {"lines": ["2A"], "radius_m": 500}))) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert [(item["station_id"], item["version"], item["geometry_quality"]) for item in manifest["edits"]] == [
        ("station-2A-03", 1, "surveyed")]  # fmt: skip


def test_nothing_is_built_on_a_change_under_review_and_a_rejected_one_never_comes_back(store, editor, coordinator, base):
    _, seen = get_setting(store, REVIEW_SETTING)
    set_setting(store, coordinator, REVIEW_SETTING, True, expected_version=seen)
    pending = edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="drawing", expected_seq=0)
    for actor in (editor, coordinator):  # not even a coordinator's own change: it would approve the pending one with it
        with pytest.raises(ConflictError, match=r"bridge-08 has a change waiting for a coordinator's review \(version 1, edit by minh"):
            link_task(store, actor, base, "bridge-08", "KH-183-2021.026", "cầu Trần Hưng Đạo", reason="x", expected_seq=1)
    review_version(store, coordinator, pending.id, approve=False, expected_version=1)
    with pytest.raises(InvalidArgumentError, match="version 1 of feature bridge-08 is rejected"):
        revert_feature(store, coordinator, base, "bridge-08", to_seq=1, reason="bring it back", expected_seq=1)
    # the next change starts from the shipped feature, not from the rejected one
    linked = link_task(store, coordinator, base, "bridge-08", "KH-183-2021.026", "cầu Trần Hưng Đạo", reason="also named", expected_seq=1)
    assert linked.seq == 2 and linked.quality == "schematic"
    shown = with_store(base, store).features.loc["bridge-08"]
    assert shown["geometry_quality"] == "schematic" and "KH-183-2021.026" in shown["task_ids"]
    with pytest.raises(InvalidArgumentError, match="feature version 1 is rejected, not pending"):
        review_version(store, coordinator, pending.id, approve=True, expected_version=2)
    # a feature added and still pending has no approved version: nothing is built on it either
    added = add_feature(store, editor, base, layer="bridge", name="Cầu Vân Phúc", name_en="Van Phuc bridge", status="planned",
                        status_date="2026", status_source="KH-DU-2026", geometry=shapely.LineString([(105.6541, 21.1479), (105.6620, 21.1580)]),
                        quality="surveyed", source="Hồ sơ khảo sát", reason="new")  # fmt: skip
    assert added.review == "pending" and added.feature_id not in with_store(base, store).features.index
    with pytest.raises(ConflictError, match="waiting for a coordinator's review"):
        retire_feature(store, coordinator, base, added.feature_id, reason="x", expected_seq=1)


def test_a_new_features_dates_and_status_date_are_checked(store, editor, base):
    kwargs = {"layer": "bridge", "name": "Cầu X", "name_en": "X bridge", "status": "planned", "status_source": "KH-DU-2026",
              "geometry": shapely.LineString([(105.6541, 21.1479), (105.6620, 21.1580)]), "quality": "surveyed",
              "source": "Hồ sơ", "reason": "new"}  # fmt: skip
    for bad in ("abc", "2026-13", "26-01-2026"):
        with pytest.raises(InvalidArgumentError, match=f"status date '{bad}'"):
            add_feature(store, editor, base, status_date=bad, **kwargs)
    with pytest.raises(InvalidArgumentError, match="opens_kind 'bogus'"):
        add_feature(store, editor, base, status_date="2026-06", dates={"opens_kind": "bogus"}, **kwargs)
    with pytest.raises(InvalidArgumentError, match="task_ids is not one of the dates"):
        add_feature(store, editor, base, status_date="2026-06", dates={"task_ids": "KH-1"}, **kwargs)
    assert count(store) == 0
    assert add_feature(store, editor, base, status_date="2026-06-30", **kwargs).properties["status_date"] == "2026-06-30"


def test_version_0_keeps_the_shipped_values(base):
    from geo.featureedit import base_version

    raw = {item["properties"]["id"]: item["properties"] for item in json.loads(settings.PROJECTS_GEOJSON.read_text(encoding="utf-8"))["features"]}
    for feature_id in ("station-2A-03", "metro-3-underground", "bridge-08"):
        shipped = {key: value for key, value in raw[feature_id].items() if key not in ("id", "layer") and value is not None}
        assert base_version(base, feature_id).properties == shipped
    assert isinstance(base_version(base, "station-2A-03").properties["seq"], int)
    assert base_version(base, "metro-3-underground").properties["length_km_published"] == 4.0


def test_the_map_payload_simplifies_again_only_what_the_store_changed(store, editor, base):
    from geo.mapdata import light_for, light_geometry

    cached = light_geometry(base.features).geometry
    edit_geometry(store, editor, base, "bridge-08", TU_LIEN, quality="surveyed", source=SOURCE, reason="drawing", expected_seq=0)
    data = with_store(base, store)
    light = light_for(data.features, cached, {"bridge-08"})
    assert list(light.index) == list(data.features.index)
    fresh = light_geometry(data.features.loc[["bridge-08"]]).geometry.iloc[0]
    assert shapely.equals_exact(light["bridge-08"], fresh, tolerance=1e-9)  # the new line simplified...
    assert not shapely.equals_exact(light["bridge-08"], cached["bridge-08"], tolerance=1e-4)  # ...not the cached schematic one
    assert shapely.hausdorff_distance(light["bridge-08"], TU_LIEN) < 2e-4  # within the 15 m simplification
    assert light["bridge-11"] is cached["bridge-11"]  # reused, not simplified again
    missing = light_for(data.features, cached.drop("bridge-11"))
    assert shapely.equals_exact(missing["bridge-11"], cached["bridge-11"], tolerance=1e-9)  # simplified now, the same shape
