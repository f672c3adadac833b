"""The ``features`` command line in-process: edit from files in VN-2000 / UTM, add, history, revert, review; refusals exit 2."""

import json
import zipfile

import geopandas as gpd
import pytest
import shapely
import test_store_support as support

from geo import settings

backend, store_url = support.backend, support.store_url  # the fixtures
cheap_hashing = support.cheap_hashing  # autouse
# Cầu Tứ Liên as a planner's survey gives it (EPSG:4326 twin), 3 vertices
TU_LIEN = shapely.LineString([(105.8402, 21.0702), (105.8436, 21.0761), (105.8469, 21.0822)])


url, run = support.cli_url, support.run_cli  # the command line on an empty store of each backend


@pytest.fixture
def accounts(url, capsys, monkeypatch):
    assert run(capsys, monkeypatch, "users", "add", "lan", "--role", "coordinator", "--password-stdin", stdin=support.PASSWORD + "\n")[0] == 0
    assert run(capsys, monkeypatch, "users", "add", "minh", "--role", "editor", "--password-stdin", "--user", "lan",
               stdin=support.PASSWORD + "\n")[0] == 0  # fmt: skip
    assert run(capsys, monkeypatch, "users", "add", "rita", "--role", "reporter", "--agency", "so-xay-dung", "--password-stdin",
               "--user", "lan", stdin=support.PASSWORD + "\n")[0] == 0  # fmt: skip
    return "lan", "minh", "rita"


def in_crs(geometry, epsg):
    return gpd.GeoSeries([geometry], crs=settings.CRS_STORE).to_crs(epsg).iloc[0]


def gap_m(one, other):
    projected = gpd.GeoSeries([one, other], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE)
    return projected.iloc[0].hausdorff_distance(projected.iloc[1])


def test_edit_from_a_vn2000_geopackage_lands_where_its_wgs84_twin_does(accounts, capsys, monkeypatch, tmp_path):
    path = tmp_path / "tu-lien-vn2000.gpkg"
    gpd.GeoDataFrame({"name": ["Tim cầu"]}, geometry=[in_crs(TU_LIEN, "EPSG:5897")], crs="EPSG:5897").to_file(path, driver="GPKG")
    code, out, err = run(capsys, monkeypatch, "features", "edit", "bridge-08", "--user", "minh", "--from-file", str(path),
                         "--quality", "surveyed", "--source", "Bản vẽ MB-01, Ban QLDA 2025")  # fmt: skip
    assert code == 0, err
    assert out.startswith("saved: bridge-08 version 1 (edit) by minh; LineString from EPSG:5897, surveyed")
    code, out, err = run(capsys, monkeypatch, "features", "history", "bridge-08", "--json")
    found = json.loads(out)
    assert [(item["seq"], item["action"], item["author"]) for item in found] == [(1, "edit", "minh"), (0, "base", "data/")]
    assert found[0]["reason"] == "geometry from tu-lien-vn2000.gpkg (surveyed)"
    assert found[0]["geometry_quality"] == "surveyed" and "tu-lien-vn2000.gpkg" in found[0]["geometry_source"]
    assert gap_m(shapely.geometry.shape(found[0]["geometry"]), TU_LIEN) < 1.0  # within a metre of its EPSG:4326 twin
    assert found[1]["geometry_quality"] == "schematic"


def test_a_reporter_is_refused_and_nothing_is_saved(accounts, capsys, monkeypatch, tmp_path):
    path = tmp_path / "line.geojson"
    gpd.GeoDataFrame(geometry=[TU_LIEN], crs=settings.CRS_STORE).to_file(path, driver="GeoJSON")
    code, _, err = run(capsys, monkeypatch, "features", "edit", "bridge-08", "--user", "rita", "--from-file", str(path),
                         "--quality", "surveyed", "--source", "x")  # fmt: skip
    assert code == 2 and "refused: user 'rita' (reporter) may not edit the feature bridge-08" in err
    assert run(capsys, monkeypatch, "features", "list", "--edited", "--json")[1].strip() == "[]"


def test_a_shapefile_without_prj_needs_its_epsg_code(accounts, capsys, monkeypatch, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    gpd.GeoDataFrame({"ten": ["Tứ Liên"]}, geometry=[in_crs(TU_LIEN, "EPSG:3405")], crs="EPSG:3405").to_file(folder / "tl.shp")
    archive = tmp_path / "tl.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for suffix in (".shp", ".shx", ".dbf"):  # no .prj
            zipped.write(folder / f"tl{suffix}", f"tl{suffix}")
    args = ["features", "edit", "bridge-08", "--user", "minh", "--from-file", str(archive), "--quality", "surveyed", "--source", "MB-01"]
    code, _, err = run(capsys, monkeypatch, *args)
    assert code == 2 and "has no coordinate reference system" in err and "EPSG:5897" in err
    code, _, err = run(capsys, monkeypatch, *args, "--crs", "EPSG:3405")
    assert code == 0, err
    geometry = shapely.geometry.shape(json.loads(run(capsys, monkeypatch, "features", "history", "bridge-08", "--json")[1])[0]["geometry"])
    assert gap_m(geometry, TU_LIEN) < 1.0
    code, _, err = run(capsys, monkeypatch, *args, "--crs", "+proj=utm +zone=48 +datum=WGS84")
    assert code == 2 and "EPSG" in err


def test_a_file_with_several_features_needs_a_choice(accounts, capsys, monkeypatch, tmp_path):
    path = tmp_path / "two.geojson"
    other = shapely.LineString([(105.8587, 21.0190), (105.8704, 21.0515)])
    gpd.GeoDataFrame({"name": ["Tứ Liên", "Trần Hưng Đạo"]}, geometry=[TU_LIEN, other], crs=settings.CRS_STORE).to_file(path)
    args = ["features", "edit", "bridge-11", "--user", "minh", "--from-file", str(path), "--quality", "surveyed", "--source", "MB-02"]
    code, _, err = run(capsys, monkeypatch, *args)
    assert code == 2 and "Tứ Liên" in err and "Trần Hưng Đạo" in err
    code, _, err = run(capsys, monkeypatch, *args, "--pick", "Trần Hưng Đạo")
    assert code == 0, err
    saved = shapely.geometry.shape(json.loads(run(capsys, monkeypatch, "features", "history", "bridge-11", "--json")[1])[0]["geometry"])
    assert shapely.equals_exact(saved, other, tolerance=1e-7)


def test_add_a_feature_then_revert_and_review(accounts, capsys, monkeypatch, tmp_path):
    path = tmp_path / "van-phuc.csv"
    path.write_text("kinh độ,vĩ độ\n105.6541,21.1479\n105.6620,21.1580\n", encoding="utf-8")
    code, out, err = run(capsys, monkeypatch, "features", "add", "--user", "minh", "--layer", "bridge", "--name-vi", "Cầu Vân Phúc",
                         "--name-en", "Vân Phúc bridge", "--status", "planned", "--status-date", "2026-06", "--status-source",
                         "KH-DU-2026 Phụ lục 03", "--from-file", str(path), "--crs", "EPSG:4326", "--quality", "edited",
                         "--source", "the river crossing traced", "--basemap", "OpenStreetMap", "--zoom", "15")  # fmt: skip
    assert code == 0, err
    assert "bridge-van-phuc-bridge version 1 (add)" in out and "edited: Drawn over the basemap OpenStreetMap at zoom 15" in out
    listed = json.loads(run(capsys, monkeypatch, "features", "list", "--edited", "--json")[1])
    assert [(row["id"], row["layer"], row["version"], row["geometry_quality"]) for row in listed] == [
        ("bridge-van-phuc-bridge", "bridge", 1, "edited")]  # fmt: skip
    # revert a shipped feature after an edit
    geo = tmp_path / "line.geojson"
    gpd.GeoDataFrame(geometry=[TU_LIEN], crs=settings.CRS_STORE).to_file(geo, driver="GeoJSON")
    assert run(capsys, monkeypatch, "features", "edit", "bridge-08", "--user", "minh", "--from-file", str(geo), "--quality",
               "surveyed", "--source", "MB-01")[0] == 0  # fmt: skip
    code, out, err = run(capsys, monkeypatch, "features", "revert", "bridge-08", "--to-version", "0", "--user", "lan")
    assert code == 0 and "bridge-08 version 2 (revert)" in out and "schematic" in out
    # review: an editor's change waits; the coordinator approves it
    assert run(capsys, monkeypatch, "features", "review", "on", "--user", "minh")[0] == 2  # an editor cannot switch it
    assert run(capsys, monkeypatch, "features", "review", "on", "--user", "lan")[0] == 0
    code, out, _ = run(capsys, monkeypatch, "features", "retire", "bridge-11", "--user", "minh", "--reason", "duplicate")
    assert code == 0 and "pending a coordinator's review" in out
    pending = json.loads(run(capsys, monkeypatch, "features", "pending", "--json")[1])
    assert [(row["feature_id"], row["action"], row["review"]) for row in pending] == [("bridge-11", "retire", "pending")]
    assert "bridge-11" in {row["id"] for row in json.loads(run(capsys, monkeypatch, "features", "list", "--json")[1])}
    assert run(capsys, monkeypatch, "features", "approve", str(pending[0]["id"]), "--user", "minh")[0] == 2
    code, out, _ = run(capsys, monkeypatch, "features", "approve", str(pending[0]["id"]), "--user", "lan")
    assert code == 0 and out.startswith("approved: bridge-11 v1 (retire by minh), by lan")
    assert "bridge-11" not in {row["id"] for row in json.loads(run(capsys, monkeypatch, "features", "list", "--json")[1])}


def test_bad_files_give_a_clear_message_and_exit_2(accounts, capsys, monkeypatch, tmp_path):
    kmz = tmp_path / "evil.kmz"
    with zipfile.ZipFile(kmz, "w") as zipped:
        zipped.writestr("doc.kml", "<kml xmlns='http://www.opengis.net/kml/2.2'><Document/></kml>")
        zipped.writestr("setup.exe", b"MZ")
    swapped = tmp_path / "swapped.csv"
    swapped.write_text("x,y\n21.0702,105.8402\n21.0822,105.8469\n", encoding="utf-8")  # latitude in the x column
    bowtie = tmp_path / "bowtie.geojson"
    gpd.GeoDataFrame(geometry=[shapely.Polygon([(105.80, 21.00), (105.82, 21.02), (105.82, 21.00), (105.80, 21.02)])],
                     crs=settings.CRS_STORE).to_file(bowtie, driver="GeoJSON")  # fmt: skip
    base = ["features", "edit", "bridge-08", "--user", "minh", "--quality", "surveyed", "--source", "x"]
    code, _, err = run(capsys, monkeypatch, *base, "--from-file", str(kmz))
    assert code == 2 and "setup.exe" in err
    code, _, err = run(capsys, monkeypatch, *base, "--from-file", str(swapped), "--crs", "EPSG:4326")
    assert code == 2 and "swapped" in err.lower()
    code, _, err = run(capsys, monkeypatch, *base, "--from-file", str(tmp_path / "missing.geojson"))
    assert code == 2 and "missing.geojson" in err
    zone = next(fid for fid, layer in _features_by_layer().items() if layer == "industrial_zone")
    polygon_args = ["features", "edit", zone, "--user", "minh", "--quality", "surveyed", "--source", "QH 1/2000", "--from-file", str(bowtie)]
    code, _, err = run(capsys, monkeypatch, *polygon_args)
    assert code == 2 and "self-intersection" in err.lower()  # the message names the problem
    code, _, err = run(capsys, monkeypatch, *polygon_args, "--repair")
    assert code == 0, err
    saved = shapely.geometry.shape(json.loads(run(capsys, monkeypatch, "features", "history", zone, "--json")[1])[0]["geometry"])
    assert saved.is_valid and saved.geom_type == "MultiPolygon"
    area = gpd.GeoSeries([saved], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).area.iloc[0]
    whole = gpd.GeoSeries([shapely.box(105.80, 21.00, 105.82, 21.02)], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).area.iloc[0]
    assert abs(area - whole / 2) < 0.01 * whole  # the two triangles of the bow-tie: half the square


def _features_by_layer():
    from geo.features import load_features

    frame = load_features()
    return dict(zip(frame.index, frame["layer"], strict=True))


def test_snapshot_and_coverage_from_the_command_line_follow_the_store(accounts, capsys, monkeypatch, tmp_path):
    assert run(capsys, monkeypatch, "features", "retire", "bridge-11", "--user", "minh", "--reason", "duplicate of bridge-10")[0] == 0
    out = tmp_path / "bridges.zip"
    code, _, err = run(capsys, monkeypatch, "snapshot", "--layers", "bridge", "--formats", "geojson", "--as-of", "2026-11-29", "-o", str(out))
    assert code == 0, err
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = [name for name in archive.namelist() if name.endswith(".geojson")]
        ids = {item["properties"]["id"] for name in names for item in json.loads(archive.read(name))["features"]}
    assert "bridge-11" not in ids and "bridge-08" in ids
    assert [(item["feature_id"], item["action"], item["author"]) for item in manifest["edits"]] == [("bridge-11", "retire", "minh")]
    # a station moved from the command line moves its catchment in `coverage`
    path = tmp_path / "thai-ha.geojson"
    gpd.GeoDataFrame(geometry=[shapely.Point(105.8250, 21.0170)], crs=settings.CRS_STORE).to_file(path, driver="GeoJSON")
    before = json.loads(run(capsys, monkeypatch, "coverage", "--lines", "2A", "--radius", "500", "--as-of", "2026-11-29", "--json")[1])
    assert run(capsys, monkeypatch, "features", "edit", "station-2A-03", "--user", "minh", "--from-file", str(path), "--quality",
               "surveyed", "--source", "Hồ sơ hoàn công")[0] == 0  # fmt: skip
    after = json.loads(run(capsys, monkeypatch, "coverage", "--lines", "2A", "--radius", "500", "--as-of", "2026-11-29", "--json")[1])
    assert before["n_stations"] == after["n_stations"] == 12 and before["union_area_km2"] != after["union_area_km2"]


def test_expected_version_makes_a_late_change_a_conflict(accounts, capsys, monkeypatch):
    assert run(capsys, monkeypatch, "features", "link", "bridge-11", "--task", "KH-183-2021.025", "--basis", "cầu Tứ Liên",
               "--user", "minh", "--expected-version", "0")[0] == 0  # fmt: skip
    code, _, err = run(capsys, monkeypatch, "features", "retire", "bridge-11", "--user", "lan", "--reason", "x", "--expected-version", "0")
    assert code == 2 and "you started from version 0, but minh saved version 1 (link" in err
