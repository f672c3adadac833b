"""The layer snapshot: every member opens, counts match the view, Vietnamese text survives, bad input is refused.

The data is loaded once (``load_data``) and every snapshot is written from a
``build_view``. A geometry zoo goes through every geometry writer; the
past-due rule is checked on its boundary day.
"""

import csv
import dataclasses
import hashlib
import io
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree as ET

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from PIL import Image

import geo
from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError
from geo.export import (
    ALL_FORMATS,
    DATA_FILES,
    export_features,
    inline_leaflet,
    layer_geojson_bytes,
    snapshot_bytes,
    snapshot_name,
    validate_formats,
    write_snapshot,
)
from geo.export.png import PNG_SIZE_PX, render_map_png
from geo.export.png_draw import MAP_BOX
from geo.export.prepare import EMPTY_GEOMETRY, NO_GEOMETRY, Z_DROPPED
from geo.export.shapefile import SHAPEFILE_FIELDS
from geo.filters import TaskFilter
from geo.view import build_view, load_data
from layers.export_html import standalone_map_html

AS_OF = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 9, 30, 5)
CHOICE = TaskFilter(agencies=("so-xay-dung",), as_of=AS_OF)
DEFAULT = TaskFilter(as_of=AS_OF)
KML_NS = {"k": "http://www.opengis.net/kml/2.2"}
TU_LIEN = "Cầu Tứ Liên"
MEMBER_NAME = re.compile(
    r"^(?:[a-z]+\.(?:gpkg|kml|csv|xlsx|png|html|json)|geojson/[a-z_]+\.geojson|shapefile/(?:[a-z_]+\.zip|FIELDS\.csv))$"
)
TINY_HTML = (
    '<!DOCTYPE html><html><head><script src="/app/static/leaflet/leaflet.js"></script>'
    '<link rel="stylesheet" href="/app/static/leaflet/leaflet.css"/></head><body>Bản đồ</body></html>'
)
ZIP_TIME = (*NOW.timetuple()[:5], NOW.second // 2 * 2)  # zip times have a 2-second step
GEOMETRY_FORMATS = ("gpkg", "geojson", "kml", "shp", "png")


def nfc(text):
    return unicodedata.normalize("NFC", str(text))


class Snapshot:
    def __init__(self, path, folder, result, progress):
        self.path, self.folder, self.result, self.progress = path, folder, result, progress
        self.manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def build(tmp_path_factory, name, view, **kwargs):
    out = tmp_path_factory.mktemp(name) / snapshot_name(AS_OF, NOW)
    steps = []
    result = write_snapshot(view, out, now=NOW, progress=lambda fraction, label: steps.append((fraction, label)), **kwargs)
    folder = out.parent / "unzipped"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(folder)
    return Snapshot(out, folder, result, steps)


@pytest.fixture(scope="module")
def data():
    return load_data()


@pytest.fixture(scope="module")
def view(data):
    """Sở Xây dựng as of 2026-11-22."""
    return build_view(data, CHOICE)


@pytest.fixture(scope="module")
def default_view(data):
    return build_view(data, DEFAULT)


@pytest.fixture(scope="module")
def snap(tmp_path_factory, view):
    """All formats for Sở Xây dựng as of 2026-11-22, with the standalone HTML map."""
    return build(tmp_path_factory, "snap", view, html_map=standalone_map_html(view, "vi"))


@pytest.fixture(scope="module")
def default_snap(tmp_path_factory, default_view):
    """All formats for the default filter, in English, with a tiny HTML page that links the local Leaflet."""
    return build(tmp_path_factory, "default", default_view, lang="en", html_map=TINY_HTML)


# --- the zip and its manifest ---------------------------------------------------------------------------------------


def test_members_are_fixed_names_listed_in_the_manifest(snap):
    with zipfile.ZipFile(snap.path) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
        infos = archive.infolist()
    assert names == snap.manifest["members"] == list(snap.result.members)
    assert all(MEMBER_NAME.match(name) for name in names), names
    for required in ("layers.gpkg", "layers.kml", "tasks.csv", "tasks.xlsx", "map.png", "map.html", "manifest.json",
                     "shapefile/FIELDS.csv"):  # fmt: skip
        assert required in names
    assert {info.date_time for info in infos} == {ZIP_TIME}
    assert {info.external_attr >> 16 for info in infos} == {0o644}
    assert snap.path.name == "hanoi-snapshot-2026-11-22-093005.zip"
    assert sorted(p.name for p in snap.path.parent.iterdir()) == sorted([snap.path.name, "unzipped"])  # no scratch left


def test_manifest_counts_filters_checksums_and_licence(snap, view, data):
    manifest = snap.manifest
    per_layer = view.features["layer"].value_counts().to_dict()
    assert {layer: n for layer, n in manifest["counts"]["features"].items() if n} == per_layer
    assert set(manifest["counts"]["features"]) == set(data.registry.ids("project"))
    assert manifest["counts"]["features_total"] == len(view.features) == sum(snap.result.feature_counts.values())
    assert manifest["counts"]["tasks"] == len(view.tasks) == snap.result.task_count
    assert manifest["counts"]["tasks_past_due"] == int(view.tasks["past_due"].sum())
    assert manifest["filters"] == CHOICE.to_query_params()
    assert manifest["as_of"] == "2026-11-22" and manifest["language"] == "vi"
    assert manifest["created"] == NOW.isoformat(timespec="seconds")
    assert manifest["crs"] == "EPSG:4326"
    assert manifest["app"] == "hanoi-planning-map" and manifest["app_version"] == geo.__version__
    assert "ODbL 1.0" in manifest["licence"]["map_data"] and "© OpenStreetMap contributors" in manifest["licence"]["map_data"]
    assert "not survey" in manifest["licence"]["schematic_geometry"]
    assert "Sở Xây dựng" in manifest["filters_text"][0]
    assert manifest["filters_text"] == view.summary("vi")
    checksums = manifest["data_sha256"]
    assert set(checksums) >= {"data/tasks.csv", "data/agencies.csv", "data/documents.csv", "data/projects.geojson",
                              "data/links.csv", "data/layers.json"}  # fmt: skip
    assert len(checksums) == len(DATA_FILES)
    for relative, digest in checksums.items():
        assert hashlib.sha256((settings.ROOT / relative).read_bytes()).hexdigest() == digest
    for name, digest in manifest["member_sha256"].items():
        assert hashlib.sha256((snap.folder / name).read_bytes()).hexdigest() == digest
    geometry = manifest["geometry"]
    assert geometry == snap.result.geometry
    assert geometry["written"] == dict.fromkeys(GEOMETRY_FORMATS, len(view.features))  # the shipped data: every geometry
    assert all(skipped == {} for skipped in geometry["skipped"].values())


def test_progress_reports_every_step_in_order(snap):
    fractions = [fraction for fraction, _ in snap.progress]
    labels = [label for _, label in snap.progress]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(0.0 <= fraction <= 1.0 for fraction in fractions)
    assert set(ALL_FORMATS) | {"manifest.json"} <= set(labels)


# --- the layers -----------------------------------------------------------------------------------------------------


def test_geopackage_has_one_table_per_layer_with_the_expected_features(snap, view, data):
    visible = view.features
    path = snap.folder / "layers.gpkg"
    tables = [name for name, _ in pyogrio.list_layers(path)]
    assert tables == [layer for layer in data.registry.ids("project") if (visible["layer"] == layer).any()]
    for table in tables:
        frame = gpd.read_file(path, layer=table)
        assert len(frame) == snap.manifest["counts"]["features"][table]
        assert set(frame["id"]) == set(visible.index[visible["layer"] == table])
        assert frame.crs.to_epsg() == 4326
        for column in ("task_ids", "due_end_min", "due_end_max", "due_kinds", "name", "name_en", "status", "status_source",
                       "geometry_quality", "geometry_source"):  # fmt: skip
            assert column in frame.columns
    row = gpd.read_file(path, layer="bridge").set_index("id").loc["bridge-08"]
    assert nfc(row["name"]) == nfc(TU_LIEN)
    links = list(data.links.loc[data.links["feature_id"] == "bridge-08", "task_id"])
    assert row["task_ids"] == ";".join(links)
    ends = [data.tasks.at[task_id, "due_end"] for task_id in links if data.tasks.at[task_id, "due_end"]]
    assert row["due_end_min"] == min(ends).isoformat() and row["due_end_max"] == max(ends).isoformat()
    assert row["past_due_count"] == sum(end < AS_OF for end in ends)


def test_geojson_per_layer_keeps_task_ids_as_lists(snap, view):
    visible = view.features
    files = sorted((snap.folder / "geojson").glob("*.geojson"))
    assert {f.stem for f in files} == set(visible["layer"])
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert len(raw["features"]) == snap.manifest["counts"]["features"][path.stem]
        for feature in raw["features"]:
            assert feature["properties"]["task_ids"] == list(visible.loc[feature["id"], "task_ids"])
            assert set(feature["properties"]["matched_task_ids"]) <= set(view.tasks.index)
        assert len(gpd.read_file(path)) == len(raw["features"])
    bridge = json.loads((snap.folder / "geojson" / "bridge.geojson").read_text(encoding="utf-8"))
    names = {f["id"]: f["properties"]["name"] for f in bridge["features"]}
    assert nfc(names["bridge-08"]) == nfc(TU_LIEN)


def test_kml_has_one_folder_per_layer_and_reads_back(snap, view, data):
    visible = view.features
    path = snap.folder / "layers.kml"
    tree = ET.parse(path)  # well-formed XML: names are escaped
    folders = tree.getroot().findall("k:Document/k:Folder", KML_NS)
    labels = {data.registry.label(layer, "vi"): layer for layer in set(visible["layer"])}
    assert {f.find("k:name", KML_NS).text for f in folders} == set(labels)
    for folder in folders:
        layer = labels[folder.find("k:name", KML_NS).text]
        assert len(folder.findall("k:Placemark", KML_NS)) == snap.manifest["counts"]["features"][layer]
    read = {name: gpd.read_file(path, layer=name) for name, _ in pyogrio.list_layers(path)}
    assert {name: len(frame) for name, frame in read.items()} == {
        label: snap.manifest["counts"]["features"][layer] for label, layer in labels.items()
    }
    bridges = read[data.registry.label("bridge", "vi")].set_index("id")
    assert nfc(bridges.loc["bridge-08", "Name"]) == nfc(TU_LIEN)
    assert bridges.loc["bridge-08", "task_ids"] == ";".join(visible.loc["bridge-08", "task_ids"])


def test_shapefiles_are_zipped_utf8_with_short_fields_and_split_by_geometry(snap, view):
    visible = view.features
    fields = list(csv.DictReader(io.StringIO((snap.folder / "shapefile" / "FIELDS.csv").read_text(encoding="utf-8-sig"))))
    mapping = {row["original"]: row["short"] for row in fields if row["kind"] == "field"}
    assert mapping == SHAPEFILE_FIELDS and all(len(short) <= 10 for short in mapping.values())
    assert len(set(mapping.values())) == len(mapping)
    files = {row["short"]: row["original"] for row in fields if row["kind"] == "file"}
    assert {"bridge_line.zip", "bridge_point.zip"} <= set(files)
    assert all("split by geometry type" in row["note"] for row in fields if row["short"].startswith("bridge_"))
    counts: dict[str, int] = {}
    for archive_path in sorted((snap.folder / "shapefile").glob("*.zip")):
        stem = archive_path.stem
        with zipfile.ZipFile(archive_path) as archive:
            assert sorted(archive.namelist()) == sorted(f"{stem}{s}" for s in (".cpg", ".dbf", ".prj", ".shp", ".shx"))
            assert archive.read(f"{stem}.cpg").decode().strip() == "UTF-8"
        frame = gpd.read_file(f"/vsizip/{archive_path}/{stem}.shp")
        assert frame.crs.to_epsg() == 4326
        assert all(len(column) <= 10 for column in frame.columns)
        assert set(frame.columns) - {"geometry"} == set(SHAPEFILE_FIELDS.values())
        families = {kind.replace("Multi", "") for kind in frame.geom_type}
        assert len(families) == 1, (stem, families)
        counts[files[archive_path.name]] = counts.get(files[archive_path.name], 0) + len(frame)
        if stem == "bridge_line":
            row = frame.set_index("id").loc["bridge-08"]
            assert nfc(row["name"]) == nfc(TU_LIEN)
            assert row["task_ids"] == ";".join(visible.loc["bridge-08", "task_ids"])
            assert len(row["geom_src"].encode("utf-8")) <= 254
    assert counts == visible["layer"].value_counts().to_dict()


# --- the task records -----------------------------------------------------------------------------------------------


def test_tasks_csv_is_utf8_with_bom_and_lists_the_matching_tasks(snap, view, data):
    visible = view.features
    raw = (snap.folder / "tasks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(table["id"]) == list(view.tasks.index)
    assert {"feature_ids", "on_map", "past_due", "due_end", "task"} <= set(table.columns)
    on_map = {task_id for ids in visible["task_ids"] for task_id in ids}
    for _, row in table.iterrows():
        ids = [i for i in row["feature_ids"].split(";") if i]
        assert set(ids) == {f for f in visible.index if row["id"] in visible.at[f, "task_ids"]}
        assert (row["on_map"] == "True") == (row["id"] in on_map)
        assert nfc(row["task"]) == nfc(data.tasks.at[row["id"], "task"])
    tu_lien = table.set_index("id").loc["KH-183-2021.025"]
    assert "cầu Tứ Liên" in nfc(tu_lien["task"]) and "bridge-08" in tu_lien["feature_ids"].split(";")


def test_tasks_xlsx_matches_the_csv(snap, view, data):
    workbook = openpyxl.load_workbook(snap.folder / "tasks.xlsx", read_only=True)
    rows = list(workbook["tasks"].values)
    header, body = rows[0], rows[1:]
    assert {"feature_ids", "on_map", "due_end", "task"} <= set(header)
    assert [row[header.index("id")] for row in body] == list(view.tasks.index)
    by_id = {row[header.index("id")]: row for row in body}
    assert nfc(by_id["KH-183-2021.025"][header.index("task")]) == nfc(data.tasks.at["KH-183-2021.025", "task"])
    due = by_id["KH-183-2021.025"][header.index("due_end")]
    assert due.date() == data.tasks.at["KH-183-2021.025", "due_end"]
    assert "snapshot" in workbook.sheetnames


def test_no_mojibake_in_text_members(snap):
    for name in ("tasks.csv", "layers.kml", "geojson/bridge.geojson", "manifest.json", "shapefile/FIELDS.csv"):
        text = (snap.folder / name).read_text(encoding="utf-8-sig")
        assert "Ã" not in text and "Ä\x91" not in text and "\ufffd" not in text, name
        assert unicodedata.is_normalized("NFC", text), name


# --- the maps -------------------------------------------------------------------------------------------------------


def test_png_is_a4_landscape_and_not_blank(snap, data):
    image = Image.open(snap.folder / "map.png")
    assert image.size == PNG_SIZE_PX == (1754, 1240)
    assert round(image.info["dpi"][0]) == 150
    pixels = np.asarray(image.convert("RGB"))
    assert pixels.var() > 0
    packed = pixels.astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.uint32)
    assert len(np.unique(packed)) > 50  # several distinct colours
    station = rgb(data.registry.get("metro_station").color)
    assert (pixels == station).all(axis=2).sum() > 20  # operating metro stations drawn in their layer colour


def test_html_map_is_standalone(snap, default_snap):
    page = (snap.folder / "map.html").read_text(encoding="utf-8")
    leaflet_js = (settings.ROOT / "static" / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    assert "/app/static/" not in page
    assert leaflet_js[:300] in page
    assert "L.map(" in page and "hn-legend" in page
    assert "data:image/png;base64," in page
    tiny = (default_snap.folder / "map.html").read_text(encoding="utf-8")
    assert "/app/static/" not in tiny and leaflet_js[:300] in tiny and "<style>" in tiny and "Bản đồ" in tiny


def test_inline_leaflet_leaves_other_html_alone():
    assert inline_leaflet("<p>Cầu</p>") == "<p>Cầu</p>"


# --- other views ----------------------------------------------------------------------------------------------------


def test_default_filter_exports_every_feature(default_snap, default_view, data):
    visible = default_view.features
    assert len(visible) == len(data.features)  # no task filter: features without tasks show too
    manifest = default_snap.manifest
    assert manifest["counts"]["features_total"] == len(visible)
    assert manifest["counts"]["tasks"] == len(default_view.tasks) == len(data.tasks)
    assert manifest["language"] == "en" and manifest["filters"] == {"as_of": "2026-11-22"}
    gpkg = default_snap.folder / "layers.gpkg"
    assert {name: len(gpd.read_file(gpkg, layer=name)) for name, _ in pyogrio.list_layers(gpkg)} == (
        visible["layer"].value_counts().to_dict()
    )
    folders = [layer for layer, _ in pyogrio.list_layers(default_snap.folder / "layers.kml")]
    assert set(folders) == {data.registry.label(layer, "en") for layer in set(visible["layer"])}
    assert Image.open(default_snap.folder / "map.png").size == (1754, 1240)


def test_layer_filter_limits_the_files(tmp_path, data):
    view = build_view(data, TaskFilter(as_of=AS_OF, layers=("bridge",)))
    result = write_snapshot(view, tmp_path / "bridges.zip", formats=("shp", "geojson"), now=NOW)
    assert {name for name in result.members if name.endswith((".zip", ".geojson"))} == {
        "shapefile/bridge_line.zip", "shapefile/bridge_point.zip", "geojson/bridge.geojson",
    }  # fmt: skip
    bridges = int((data.features["layer"] == "bridge").sum())  # the default filter shows every bridge
    assert {layer: n for layer, n in result.feature_counts.items() if n} == {"bridge": bridges}


def test_nothing_visible_writes_tasks_and_map_and_says_what_was_skipped(tmp_path, data):
    view = build_view(data, TaskFilter(as_of=AS_OF, query="zzzz-no-such-task"))
    result = write_snapshot(view, tmp_path / "empty.zip", formats=("gpkg", "shp", "csv", "png"), now=NOW)
    assert result.members == ("tasks.csv", "map.png", "manifest.json")
    assert set(result.skipped) == {"gpkg", "shp"} and "no feature is visible" in result.skipped["gpkg"]
    assert result.task_count == 0 and sum(result.feature_counts.values()) == 0
    with zipfile.ZipFile(tmp_path / "empty.zip") as archive:
        assert Image.open(io.BytesIO(archive.read("map.png"))).size == PNG_SIZE_PX


def test_snapshot_bytes_is_the_same_zip(tmp_path, view):
    payload = snapshot_bytes(view, formats=("csv", "geojson"), now=NOW)
    written = write_snapshot(view, tmp_path / "x.zip", formats=["geojson", "csv"], now=NOW)
    assert payload == (tmp_path / "x.zip").read_bytes()  # fixed timestamps: same content, same bytes
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        assert archive.namelist() == list(written.members)
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["member_sha256"] == written.manifest["member_sha256"]
    assert list(tmp_path.iterdir()) == [tmp_path / "x.zip"]


def test_html_without_a_map_is_skipped_with_a_warning(tmp_path, default_view):
    with pytest.warns(UserWarning, match="no HTML map was given"):
        result = write_snapshot(default_view, tmp_path / "s.zip", formats=("html", "csv"), now=NOW)
    assert "map.html" not in result.members and "html" in result.skipped
    assert result.manifest["skipped"] == result.skipped


def test_quick_single_layer_geojson(default_view):
    collection = json.loads(layer_geojson_bytes(default_view, "bridge"))
    bridges = default_view.features[default_view.features["layer"] == "bridge"]
    assert [f["id"] for f in collection["features"]] == list(bridges.index)
    assert "© OpenStreetMap contributors" in collection["attribution"]
    assert collection["filters"] == {"as_of": "2026-11-22"}
    with pytest.raises(UnknownValueError, match="Unknown layer 'moon'"):
        layer_geojson_bytes(default_view, "moon")


# --- deadlines: the past-due boundary -------------------------------------------------------------------------------


def test_past_due_count_turns_the_day_after_the_deadline(data):
    """A feature linked to a task due 2026-03-31 has no passed deadline on that day, one the day after."""
    due = date(2026, 3, 31)
    task_id = data.tasks.index[data.tasks["due_end"] == due][0]  # from the register (KH-DU-2026.001)
    linked = relink(data, "bridge-08", (task_id,))
    counts = {}
    for as_of in (due, date(2026, 4, 1)):
        view = build_view(linked, TaskFilter(as_of=as_of, layers=("bridge",)))
        exported = export_features(view).set_index("id")
        assert exported.at["bridge-08", "due_end_max"] == due.isoformat()
        quick = json.loads(layer_geojson_bytes(view, "bridge"))
        props = next(f["properties"] for f in quick["features"] if f["id"] == "bridge-08")
        assert props["past_due_count"] == exported.at["bridge-08", "past_due_count"]
        counts[as_of] = int(exported.at["bridge-08", "past_due_count"])
    assert counts == {due: 0, date(2026, 4, 1): 1}


def relink(data, feature_id, task_ids):
    """Return `data` with `feature_id` linked to `task_ids` only (links and the features' task_ids)."""
    links = data.links[data.links["feature_id"] != feature_id]
    extra = pd.DataFrame({"feature_id": feature_id, "task_id": list(task_ids), "basis": "test"})
    features = data.features.copy()
    features["task_ids"] = [tuple(task_ids) if fid == feature_id else ids for fid, ids in features["task_ids"].items()]
    return dataclasses.replace(data, links=pd.concat([links, extra], ignore_index=True), features=features)


# --- the geometry zoo through every geometry writer -----------------------------------------------------------------

SHELL = [(105.80, 21.00), (105.84, 21.00), (105.84, 21.04), (105.80, 21.04), (105.80, 21.00)]
HOLE = [(105.815, 21.015), (105.825, 21.015), (105.825, 21.025), (105.815, 21.025), (105.815, 21.015)]
ZOO = {
    "zoo-empty": ("facility", shapely.LineString()),
    "zoo-collection": ("facility", shapely.GeometryCollection([shapely.Point(105.80, 21.00),
                                                               shapely.LineString([(105.80, 21.00), (105.82, 21.01)])])),
    "zoo-hole": ("facility", shapely.Polygon(SHELL, [HOLE])),
    "zoo-multiline": ("facility", shapely.MultiLineString([[(105.79, 20.99), (105.80, 20.98)], [(105.81, 20.99), (105.83, 20.98)]])),
    "zoo-multipolygon": ("facility", shapely.MultiPolygon([shapely.box(105.85, 21.0, 105.86, 21.01), shapely.box(105.87, 21.0, 105.88, 21.01)])),
    "zoo-point-z": ("facility", shapely.Point(105.81, 21.05, 12.5)),
    "zoo-line-z": ("facility", shapely.LineString([(105.80, 21.06, 5.0), (105.83, 21.06, 8.0)])),
    "zoo-none": ("zone", None),
}  # fmt: skip
WRITTEN = {"zoo-collection", "zoo-hole", "zoo-multiline", "zoo-multipolygon", "zoo-point-z", "zoo-line-z"}
SKIPPED = {"zoo-empty": EMPTY_GEOMETRY, "zoo-none": NO_GEOMETRY}


@pytest.fixture(scope="module")
def zoo_data(data):
    rows = [
        {"id": fid, "layer": layer, "name": f"Thử nghiệm {fid}", "name_en": f"Test {fid}", "status": "operating",
         "status_source": "test", "status_date": "", "geometry_quality": "sourced", "geometry_source": "built in the test",
         "task_ids": ()}
        for fid, (layer, _) in ZOO.items()
    ]  # fmt: skip
    features = gpd.GeoDataFrame(rows, geometry=[geometry for _, geometry in ZOO.values()], crs="EPSG:4326")
    return dataclasses.replace(data, features=features.set_index("id", drop=False), links=data.links.iloc[0:0])


@pytest.fixture(scope="module")
def zoo(tmp_path_factory, zoo_data):
    view = build_view(zoo_data, TaskFilter(as_of=AS_OF))
    assert set(view.features.index) == set(ZOO)
    return build(tmp_path_factory, "zoo", view, formats=GEOMETRY_FORMATS)


def test_zoo_every_writer_accounts_for_every_feature(zoo):
    geometry = zoo.manifest["geometry"]
    assert geometry == zoo.result.geometry and not zoo.result.skipped
    for fmt in GEOMETRY_FORMATS:
        assert geometry["written"][fmt] + len(geometry["skipped"][fmt]) == len(ZOO), fmt
        assert geometry["written"][fmt] == len(WRITTEN) and geometry["skipped"][fmt] == SKIPPED, fmt
        assert {fid for fid, note in geometry["converted"][fmt].items() if Z_DROPPED in note} == {"zoo-point-z", "zoo-line-z"}
    assert "split by geometry type" in geometry["converted"]["shp"]["zoo-collection"]
    assert "zoo-collection" not in geometry["converted"]["gpkg"]
    assert "dropped" in geometry["z"]
    assert set(zoo.manifest["layers"]) == {"facility", "zone"}  # zone is visible but has nothing to write


def test_zoo_geopackage(zoo):
    frame = gpd.read_file(zoo.folder / "layers.gpkg", layer="facility").set_index("id")
    assert [name for name, _ in pyogrio.list_layers(zoo.folder / "layers.gpkg")] == ["facility"]
    assert set(frame.index) == WRITTEN
    assert_zoo_shapes(dict(frame.geometry.items()))


def test_zoo_geojson(zoo):
    raw = json.loads((zoo.folder / "geojson" / "facility.geojson").read_text(encoding="utf-8"))
    assert {f["id"] for f in raw["features"]} == WRITTEN and not (zoo.folder / "geojson" / "zone.geojson").exists()
    assert_zoo_shapes({f["id"]: shapely.geometry.shape(f["geometry"]) for f in raw["features"]})
    hole = next(f for f in raw["features"] if f["id"] == "zoo-hole")
    assert len(hole["geometry"]["coordinates"]) == 2  # exterior and one interior ring


def test_zoo_kml(zoo):
    path = zoo.folder / "layers.kml"
    placemarks = ET.parse(path).getroot().findall(".//k:Placemark", KML_NS)
    assert {p.get("id") for p in placemarks} == WRITTEN
    hole = next(p for p in placemarks if p.get("id") == "zoo-hole")
    assert len(hole.findall(".//k:innerBoundaryIs", KML_NS)) == 1
    coordinates = [c.text.split() for c in ET.parse(path).getroot().iter(f"{{{KML_NS['k']}}}coordinates")]
    assert all(len(point.split(",")) == 2 for block in coordinates for point in block)  # 2D
    read = gpd.read_file(path, layer=pyogrio.list_layers(path)[0][0]).set_index("id")  # GDAL's reader
    assert_zoo_shapes(dict(read.geometry.items()))


def test_zoo_shapefiles(zoo):
    files = sorted((zoo.folder / "shapefile").glob("*.zip"))
    assert [f.name for f in files] == ["facility_line.zip", "facility_point.zip", "facility_polygon.zip"]
    frames = {f.stem: gpd.read_file(f"/vsizip/{f}/{f.stem}.shp").set_index("id") for f in files}
    assert set().union(*(frame.index for frame in frames.values())) == WRITTEN
    assert "zoo-collection" in frames["facility_point"].index and "zoo-collection" in frames["facility_line"].index
    assert frames["facility_point"].loc["zoo-collection"].geometry.equals(shapely.Point(105.80, 21.00))
    hole = frames["facility_polygon"].geometry.loc["zoo-hole"]  # a one-part MultiPolygon reads back as a Polygon
    assert len(hole.interiors) == 1
    assert frames["facility_polygon"].loc["zoo-multipolygon"].geometry.geom_type == "MultiPolygon"
    assert not any(frame.geometry.has_z.any() for frame in frames.values())
    line = frames["facility_line"].loc["zoo-line-z"].geometry
    assert line.equals(shapely.MultiLineString([[(105.80, 21.06), (105.83, 21.06)]]))


def test_zoo_png_draws_each_written_geometry_and_survives_the_others(zoo, zoo_data):
    assert zoo.manifest["geometry"]["written"]["png"] == len(WRITTEN)
    registry = zoo_data.registry
    colour = np.array(rgb(registry.get("facility").color))
    features = zoo_data.features
    for fid in WRITTEN:
        pixels = map_pixels(render_map_png(features.loc[[fid]], registry, {}, title=fid, size_px=(700, 500)))
        assert (np.abs(pixels.astype(int) - colour).sum(axis=2) < 30).sum() > 10, fid
    for fid in SKIPPED:  # nothing to draw, no error
        pixels = map_pixels(render_map_png(features.loc[[fid]], registry, {}, title=fid, size_px=(700, 500)))
        assert (np.abs(pixels.astype(int) - colour).sum(axis=2) < 30).sum() == 0, fid
    ring = map_pixels(render_map_png(features.loc[["zoo-hole"]], registry, {}, title="", size_px=(700, 500)))
    height, width, _ = ring.shape
    assert tuple(ring[height // 2, width // 2]) == (251, 251, 248)  # the hole shows the background (#fbfbf8)
    assert tuple(ring[height // 2, width // 2 - width // 5]) != (251, 251, 248)  # the ring is filled


def test_zoo_with_nothing_to_draw_says_so(tmp_path, zoo_data):
    view = build_view(zoo_data, TaskFilter(as_of=AS_OF, layers=("zone",)))
    result = write_snapshot(view, tmp_path / "none.zip", formats=("gpkg", "geojson", "shp", "png"), now=NOW)
    assert set(result.skipped) == {"gpkg", "geojson", "shp"}
    assert all("no visible feature has a geometry" in reason for reason in result.skipped.values())
    assert result.geometry["written"] == {"png": 0} and result.geometry["skipped"]["png"] == {"zoo-none": NO_GEOMETRY}


def assert_zoo_shapes(shapes):
    """The shapes read back: hole kept, 2D, collection and multi-parts as written."""
    assert set(shapes) == WRITTEN
    assert not any(shapely.has_z(shape) for shape in shapes.values())
    hole = shapes["zoo-hole"]
    polygon = hole.geoms[0] if hole.geom_type == "MultiPolygon" else hole
    assert len(polygon.interiors) == 1
    assert shapes["zoo-collection"].geom_type == "GeometryCollection"
    assert sorted(part.geom_type for part in shapes["zoo-collection"].geoms) == ["LineString", "Point"]
    assert shapes["zoo-multiline"].geom_type == "MultiLineString" and len(shapes["zoo-multiline"].geoms) == 2
    assert shapes["zoo-multipolygon"].geom_type == "MultiPolygon" and len(shapes["zoo-multipolygon"].geoms) == 2
    assert shapes["zoo-point-z"].equals(shapely.Point(105.81, 21.05))


def rgb(hex_color):
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def map_pixels(png):
    """Return the RGB pixels of the map box of a rendered PNG (no title, no legend)."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    height, width, _ = pixels.shape
    left, bottom, box_width, box_height = MAP_BOX
    top_row, bottom_row = round((1 - bottom - box_height) * height) + 2, round((1 - bottom) * height) - 2
    return pixels[top_row:bottom_row, round(left * width) + 2 : round((left + box_width) * width) - 2]


# --- names and bad input --------------------------------------------------------------------------------------------


def test_snapshot_name():
    assert snapshot_name(date(2026, 11, 22), datetime(2026, 11, 22, 7, 5, 9)) == "hanoi-snapshot-2026-11-22-070509.zip"


def test_validate_formats_orders_and_dedupes():
    assert validate_formats(["png", "GPKG", "png"]) == ("gpkg", "png")
    assert validate_formats("csv, kml") == ("kml", "csv")
    assert validate_formats(ALL_FORMATS) == ALL_FORMATS


def test_unknown_format_names_the_valid_ones(tmp_path, view):
    with pytest.raises(UnknownValueError, match=r"Unknown export format\(s\) \['pdf'\]; valid formats are gpkg, geojson, kml"):
        write_snapshot(view, tmp_path / "s.zip", formats=("gpkg", "pdf"))
    with pytest.raises(InvalidArgumentError, match="formats is empty"):
        validate_formats([])
    assert list(tmp_path.iterdir()) == []


def test_a_filter_instead_of_a_view_is_refused(tmp_path):
    with pytest.raises(InvalidArgumentError, match=r"view must be a geo\.view\.View .*got TaskFilter"):
        write_snapshot(CHOICE, tmp_path / "s.zip", formats=("csv",))
    assert list(tmp_path.iterdir()) == []


def test_out_path_must_end_in_zip(tmp_path, view):
    with pytest.raises(InvalidArgumentError, match=r"out_path must end in \.zip"):
        write_snapshot(view, tmp_path / "snapshot.tar", formats=("csv",))
    assert list(tmp_path.iterdir()) == []


def test_out_path_parent_must_exist(tmp_path, view):
    with pytest.raises(InvalidArgumentError, match="does not exist"):
        write_snapshot(view, tmp_path / "missing" / "s.zip", formats=("csv",))
    assert not (tmp_path / "missing").exists()


def test_out_path_must_not_be_a_folder(tmp_path, view):
    (tmp_path / "d.zip").mkdir()
    with pytest.raises(InvalidArgumentError, match="is a folder"):
        write_snapshot(view, tmp_path / "d.zip", formats=("csv",))


def test_traversal_stays_in_the_resolved_folder(tmp_path, view):
    (tmp_path / "a").mkdir()
    result = write_snapshot(view, tmp_path / "a" / ".." / "up.zip", formats=("csv",), now=NOW)
    assert result.path == (tmp_path / "up.zip").resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "up.zip"]


def test_unknown_language_layer_and_status(tmp_path, view, data):
    with pytest.raises(UnknownValueError, match="Unknown language 'fr'"):
        write_snapshot(view, tmp_path / "s.zip", lang="fr")
    with pytest.raises(UnknownValueError, match=r"Unknown layer\(s\) \['../etc'\]"):
        build_view(data, TaskFilter(layers=("../etc",)))
    with pytest.raises(UnknownValueError, match="Unknown status"):
        build_view(data, TaskFilter(statuses=("late",)))
    assert list(tmp_path.iterdir()) == []


def test_a_failed_writer_leaves_no_file(tmp_path, view, monkeypatch):
    from geo.export import snapshot

    def broken(data):
        msg = "disk full"
        raise OSError(msg)

    monkeypatch.setitem(snapshot._WRITERS, "png", broken)
    (tmp_path / "s.zip").write_bytes(b"old")
    with pytest.raises(OSError, match="disk full"):
        write_snapshot(view, tmp_path / "s.zip", formats=("csv", "png"), now=NOW)
    assert [p.name for p in tmp_path.iterdir()] == ["s.zip"] and (tmp_path / "s.zip").read_bytes() == b"old"


# --- the TOD coverage zip shares the manifest -----------------------------------------------------------------------


def test_coverage_zip_has_the_common_manifest(data):
    from geo.export import coverage_zip
    from geo.tod import run_coverage

    result, skipped = run_coverage(data, lines=["2A"], radius_m=500, as_of=AS_OF)
    payload = coverage_zip(result, skipped, {"lines": ["2A"], "radius_m": 500}, now=NOW)
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        infos = archive.infolist()
        stations_csv = archive.read("stations.csv")
    assert names == ["catchments.gpkg", "catchments.geojson", "union.geojson", "stations.csv", "lines.csv", "wards.csv",
                     "coverage.xlsx", "manifest.json"] == manifest["members"]  # fmt: skip
    assert {"app", "app_version", "created", "crs", "data_sha256", "licence", "members", "member_sha256"} <= set(manifest)
    assert manifest["created"] == NOW.isoformat(timespec="seconds") and manifest["crs"] == "EPSG:4326"
    assert "data/links.csv" in manifest["data_sha256"] and "ODbL 1.0" in manifest["licence"]["map_data"]
    assert manifest["figures"]["n_stations"] == 12 and manifest["measured_in"] == "EPSG:32648"
    assert {info.date_time for info in infos} == {ZIP_TIME}
    assert stations_csv.startswith(b"\xef\xbb\xbf") and "Thượng Đình".encode() in stations_csv


# --- GDAL's own reader ----------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo is not on PATH (apt-get install gdal-bin)")
def test_ogrinfo_opens_gpkg_kml_and_shapefile(snap, tmp_path):
    with zipfile.ZipFile(snap.folder / "shapefile" / "bridge_line.zip") as archive:
        archive.extractall(tmp_path)
    for target in (snap.folder / "layers.gpkg", snap.folder / "layers.kml", tmp_path / "bridge_line.shp"):
        run = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(target)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, (target.name, run.stderr)
        assert "Feature Count" in run.stdout
    run = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(tmp_path / "bridge_line.shp")], capture_output=True, text=True)
    assert "geom_src: String" in run.stdout and "Line String" in run.stdout
