"""The layer snapshot: every member opens, counts match the filter, Vietnamese text survives, bad input is refused."""

import csv
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
from PIL import Image

import geo
from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError
from geo.export import (
    ALL_FORMATS,
    DATA_FILES,
    SHAPEFILE_FIELDS,
    inline_leaflet,
    snapshot_bytes,
    snapshot_name,
    validate_formats,
    write_snapshot,
)
from geo.features import load_features
from geo.filters import TaskFilter, apply_filter
from geo.layer_specs import load_registry
from geo.mapdata import visible_features
from geo.static_map import PNG_SIZE_PX
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


def nfc(text):
    return unicodedata.normalize("NFC", str(text))


def expected_for(choice, tasks, agencies):
    matched = apply_filter(tasks, choice, agencies)
    visible = visible_features(load_features(), matched.index, choice)
    return matched, visible


class Snapshot:
    def __init__(self, path, folder, result, progress):
        self.path, self.folder, self.result, self.progress = path, folder, result, progress
        self.manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def build(tmp_path_factory, name, choice, **kwargs):
    out = tmp_path_factory.mktemp(name) / snapshot_name(AS_OF, NOW)
    steps = []
    result = write_snapshot(choice, out, now=NOW, progress=lambda fraction, label: steps.append((fraction, label)), **kwargs)
    folder = out.parent / "unzipped"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(folder)
    return Snapshot(out, folder, result, steps)


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    """All formats for Sở Xây dựng as of 2026-11-22, with the standalone HTML map."""
    return build(tmp_path_factory, "snap", CHOICE, html_map=standalone_map_html(CHOICE, "vi"))


@pytest.fixture(scope="module")
def default_snap(tmp_path_factory):
    """All formats for the default filter, in English, with a tiny HTML page that links the local Leaflet."""
    return build(tmp_path_factory, "default", DEFAULT, lang="en", html_map=TINY_HTML)


@pytest.fixture(scope="module")
def expected(tasks, agencies):
    return expected_for(CHOICE, tasks, agencies)


# --- the zip and its manifest ---------------------------------------------------------------------------------------


def test_members_are_fixed_names_listed_in_the_manifest(snap):
    with zipfile.ZipFile(snap.path) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert names == snap.manifest["members"] == list(snap.result.members)
    assert all(MEMBER_NAME.match(name) for name in names), names
    for required in (
        "layers.gpkg",
        "layers.kml",
        "tasks.csv",
        "tasks.xlsx",
        "map.png",
        "map.html",
        "manifest.json",
        "shapefile/FIELDS.csv",
    ):
        assert required in names
    assert snap.path.name == "hanoi-snapshot-2026-11-22-093005.zip"
    assert sorted(p.name for p in snap.path.parent.iterdir()) == sorted([snap.path.name, "unzipped"])  # no scratch left


def test_manifest_counts_filters_checksums_and_licence(snap, expected):
    matched, visible = expected
    manifest = snap.manifest
    per_layer = visible["layer"].value_counts().to_dict()
    assert {layer: n for layer, n in manifest["counts"]["features"].items() if n} == per_layer
    assert set(manifest["counts"]["features"]) == set(load_registry().ids("project"))
    assert manifest["counts"]["features_total"] == len(visible) == sum(snap.result.feature_counts.values())
    assert manifest["counts"]["tasks"] == len(matched) == snap.result.task_count
    assert manifest["filters"] == CHOICE.to_query_params()
    assert manifest["as_of"] == "2026-11-22" and manifest["language"] == "vi"
    assert manifest["created"] == NOW.isoformat(timespec="seconds")
    assert manifest["crs"] == "EPSG:4326"
    assert manifest["app_version"] == geo.__version__
    assert "ODbL 1.0" in manifest["licence"]["map_data"] and "© OpenStreetMap contributors" in manifest["licence"]["map_data"]
    assert "not survey" in manifest["licence"]["schematic_geometry"]
    assert "Sở Xây dựng" in manifest["filters_text"][0]
    checksums = manifest["data_sha256"]
    assert set(checksums) >= {
        "data/tasks.csv",
        "data/agencies.csv",
        "data/documents.csv",
        "data/projects.geojson",
        "data/layers.json",
    }
    assert len(checksums) == len(DATA_FILES)
    for relative, digest in checksums.items():
        assert hashlib.sha256((settings.ROOT / relative).read_bytes()).hexdigest() == digest
    for name, digest in manifest["member_sha256"].items():
        assert hashlib.sha256((snap.folder / name).read_bytes()).hexdigest() == digest


def test_progress_reports_every_step_in_order(snap):
    fractions = [fraction for fraction, _ in snap.progress]
    labels = [label for _, label in snap.progress]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(0.0 <= fraction <= 1.0 for fraction in fractions)
    assert set(ALL_FORMATS) | {"manifest.json"} <= set(labels)


# --- the layers -----------------------------------------------------------------------------------------------------


def test_geopackage_has_one_table_per_layer_with_the_expected_features(snap, expected, tasks):
    _, visible = expected
    path = snap.folder / "layers.gpkg"
    tables = [name for name, _ in pyogrio.list_layers(path)]
    assert tables == [layer for layer in load_registry().ids("project") if (visible["layer"] == layer).any()]
    for table in tables:
        frame = gpd.read_file(path, layer=table)
        assert len(frame) == snap.manifest["counts"]["features"][table]
        assert set(frame["id"]) == set(visible.index[visible["layer"] == table])
        assert frame.crs.to_epsg() == 4326
        for column in ("task_ids", "due_end_min", "due_end_max", "due_kinds", "name", "name_en", "status", "status_source",
                       "geometry_quality", "geometry_source"):  # fmt: skip
            assert column in frame.columns
    bridges = gpd.read_file(path, layer="bridge").set_index("id")
    row = bridges.loc["bridge-08"]
    assert nfc(row["name"]) == nfc(TU_LIEN)
    links = visible.loc["bridge-08", "task_ids"]
    assert row["task_ids"] == ";".join(links)
    ends = [tasks.at[task_id, "due_end"] for task_id in links if tasks.at[task_id, "due_end"]]
    assert row["due_end_min"] == min(ends).isoformat() and row["due_end_max"] == max(ends).isoformat()
    assert row["past_due_count"] == sum(end < AS_OF for end in ends)


def test_geojson_per_layer_keeps_task_ids_as_lists(snap, expected):
    _, visible = expected
    files = sorted((snap.folder / "geojson").glob("*.geojson"))
    assert {f.stem for f in files} == set(visible["layer"])
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert len(raw["features"]) == snap.manifest["counts"]["features"][path.stem]
        for feature in raw["features"]:
            assert feature["properties"]["task_ids"] == list(visible.loc[feature["id"], "task_ids"])
        assert len(gpd.read_file(path)) == len(raw["features"])
    bridge = json.loads((snap.folder / "geojson" / "bridge.geojson").read_text(encoding="utf-8"))
    names = {f["id"]: f["properties"]["name"] for f in bridge["features"]}
    assert nfc(names["bridge-08"]) == nfc(TU_LIEN)


def test_kml_has_one_folder_per_layer_and_reads_back(snap, expected):
    _, visible = expected
    path = snap.folder / "layers.kml"
    tree = ET.parse(path)  # well-formed XML: names are escaped
    folders = tree.getroot().findall("k:Document/k:Folder", KML_NS)
    registry = load_registry()
    labels = {registry.get(layer).label("vi"): layer for layer in set(visible["layer"])}
    assert {f.find("k:name", KML_NS).text for f in folders} == set(labels)
    for folder in folders:
        layer = labels[folder.find("k:name", KML_NS).text]
        assert len(folder.findall("k:Placemark", KML_NS)) == snap.manifest["counts"]["features"][layer]
    read = {name: gpd.read_file(path, layer=name) for name, _ in pyogrio.list_layers(path)}
    assert {name: len(frame) for name, frame in read.items()} == {
        label: snap.manifest["counts"]["features"][layer] for label, layer in labels.items()
    }
    bridges = read[registry.get("bridge").label("vi")].set_index("id")
    assert nfc(bridges.loc["bridge-08", "Name"]) == nfc(TU_LIEN)
    assert bridges.loc["bridge-08", "task_ids"] == ";".join(visible.loc["bridge-08", "task_ids"])


def test_shapefiles_are_zipped_utf8_with_short_fields_and_split_by_geometry(snap, expected):
    _, visible = expected
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


def test_tasks_csv_is_utf8_with_bom_and_lists_the_matching_tasks(snap, expected, tasks):
    matched, visible = expected
    raw = (snap.folder / "tasks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(table["id"]) == list(matched.index)
    assert {"feature_ids", "on_map", "past_due", "due_end", "task"} <= set(table.columns)
    on_map = {task_id for ids in visible["task_ids"] for task_id in ids}
    for _, row in table.iterrows():
        ids = [i for i in row["feature_ids"].split(";") if i]
        assert set(ids) == {f for f in visible.index if row["id"] in visible.at[f, "task_ids"]}
        assert (row["on_map"] == "True") == (row["id"] in on_map)
        assert nfc(row["task"]) == nfc(tasks.at[row["id"], "task"])
    tu_lien = table.set_index("id").loc["KH-183-2021.025"]
    assert "cầu Tứ Liên" in nfc(tu_lien["task"]) and "bridge-08" in tu_lien["feature_ids"].split(";")


def test_tasks_xlsx_matches_the_csv(snap, expected, tasks):
    matched, _ = expected
    workbook = openpyxl.load_workbook(snap.folder / "tasks.xlsx", read_only=True)
    rows = list(workbook["tasks"].values)
    header, body = rows[0], rows[1:]
    assert {"feature_ids", "on_map", "due_end", "task"} <= set(header)
    assert [row[header.index("id")] for row in body] == list(matched.index)
    by_id = {row[header.index("id")]: row for row in body}
    assert nfc(by_id["KH-183-2021.025"][header.index("task")]) == nfc(tasks.at["KH-183-2021.025", "task"])
    due = by_id["KH-183-2021.025"][header.index("due_end")]
    assert due.date() == tasks.at["KH-183-2021.025", "due_end"]
    assert "snapshot" in workbook.sheetnames


def test_no_mojibake_in_text_members(snap):
    for name in ("tasks.csv", "layers.kml", "geojson/bridge.geojson", "manifest.json", "shapefile/FIELDS.csv"):
        text = (snap.folder / name).read_text(encoding="utf-8-sig")
        assert "Ã" not in text and "Ä\x91" not in text and "\ufffd" not in text, name
        assert unicodedata.is_normalized("NFC", text), name


# --- the maps -------------------------------------------------------------------------------------------------------


def test_png_is_a4_landscape_and_not_blank(snap):
    image = Image.open(snap.folder / "map.png")
    assert image.size == PNG_SIZE_PX == (1754, 1240)
    assert round(image.info["dpi"][0]) == 150
    pixels = np.asarray(image.convert("RGB"))
    assert pixels.var() > 0
    packed = pixels.astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.uint32)
    assert len(np.unique(packed)) > 50  # several distinct colours
    station = tuple(int(load_registry().get("metro_station").color[i : i + 2], 16) for i in (1, 3, 5))
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


# --- the default filter ---------------------------------------------------------------------------------------------


def test_default_filter_exports_every_feature(default_snap, tasks, agencies):
    matched, visible = expected_for(DEFAULT, tasks, agencies)
    assert len(visible) == len(load_features())  # no task filter: features without tasks show too
    manifest = default_snap.manifest
    assert manifest["counts"]["features_total"] == len(visible) and manifest["counts"]["tasks"] == len(matched) == len(tasks)
    assert manifest["language"] == "en" and manifest["filters"] == {"as_of": "2026-11-22"}
    gpkg = default_snap.folder / "layers.gpkg"
    assert {name: len(gpd.read_file(gpkg, layer=name)) for name, _ in pyogrio.list_layers(gpkg)} == (
        visible["layer"].value_counts().to_dict()
    )
    registry = load_registry()
    folders = [layer for layer, _ in pyogrio.list_layers(default_snap.folder / "layers.kml")]
    assert set(folders) == {registry.get(layer).label("en") for layer in set(visible["layer"])}
    image = Image.open(default_snap.folder / "map.png")
    assert image.size == (1754, 1240)


def test_layer_filter_limits_the_files(tmp_path):
    choice = TaskFilter(as_of=AS_OF, layers=("bridge",))
    result = write_snapshot(choice, tmp_path / "bridges.zip", formats=("shp", "geojson"), now=NOW)
    assert {name for name in result.members if name.endswith((".zip", ".geojson"))} == {
        "shapefile/bridge_line.zip", "shapefile/bridge_point.zip", "geojson/bridge.geojson",
    }  # fmt: skip
    bridges = int((load_features()["layer"] == "bridge").sum())  # the default filter shows every bridge
    assert {layer: n for layer, n in result.feature_counts.items() if n} == {"bridge": bridges}


def test_nothing_visible_writes_tasks_and_map_and_says_what_was_skipped(tmp_path):
    choice = TaskFilter(as_of=AS_OF, query="zzzz-no-such-task")
    result = write_snapshot(choice, tmp_path / "empty.zip", formats=("gpkg", "shp", "csv", "png"), now=NOW)
    assert result.members == ("tasks.csv", "map.png", "manifest.json")
    assert set(result.skipped) == {"gpkg", "shp"} and "no feature is visible" in result.skipped["gpkg"]
    assert result.task_count == 0 and sum(result.feature_counts.values()) == 0
    with zipfile.ZipFile(tmp_path / "empty.zip") as archive:
        assert Image.open(io.BytesIO(archive.read("map.png"))).size == PNG_SIZE_PX


def test_snapshot_bytes_is_the_same_zip(tmp_path):
    data = snapshot_bytes(CHOICE, formats=("csv", "geojson"), now=NOW)
    written = write_snapshot(CHOICE, tmp_path / "x.zip", formats=["geojson", "csv"], now=NOW)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == list(written.members)
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["member_sha256"] == written.manifest["member_sha256"]
    assert list(tmp_path.iterdir()) == [tmp_path / "x.zip"]


def test_html_without_a_map_is_skipped_with_a_warning(tmp_path):
    with pytest.warns(UserWarning, match="no HTML map was given"):
        result = write_snapshot(DEFAULT, tmp_path / "s.zip", formats=("html", "csv"), now=NOW)
    assert "map.html" not in result.members and "html" in result.skipped
    assert result.manifest["skipped"] == result.skipped


# --- names and bad input --------------------------------------------------------------------------------------------


def test_snapshot_name():
    assert snapshot_name(date(2026, 11, 22), datetime(2026, 11, 22, 7, 5, 9)) == "hanoi-snapshot-2026-11-22-070509.zip"


def test_validate_formats_orders_and_dedupes():
    assert validate_formats(["png", "GPKG", "png"]) == ("gpkg", "png")
    assert validate_formats("csv, kml") == ("kml", "csv")
    assert validate_formats(ALL_FORMATS) == ALL_FORMATS


def test_unknown_format_names_the_valid_ones(tmp_path):
    with pytest.raises(UnknownValueError, match=r"Unknown export format\(s\) \['pdf'\]; valid formats are gpkg, geojson, kml"):
        write_snapshot(CHOICE, tmp_path / "s.zip", formats=("gpkg", "pdf"))
    with pytest.raises(InvalidArgumentError, match="formats is empty"):
        validate_formats([])
    assert list(tmp_path.iterdir()) == []


def test_out_path_must_end_in_zip(tmp_path):
    with pytest.raises(InvalidArgumentError, match=r"out_path must end in \.zip"):
        write_snapshot(CHOICE, tmp_path / "snapshot.tar", formats=("csv",))
    assert list(tmp_path.iterdir()) == []


def test_out_path_parent_must_exist(tmp_path):
    with pytest.raises(InvalidArgumentError, match="does not exist"):
        write_snapshot(CHOICE, tmp_path / "missing" / "s.zip", formats=("csv",))
    assert not (tmp_path / "missing").exists()


def test_out_path_must_not_be_a_folder(tmp_path):
    (tmp_path / "d.zip").mkdir()
    with pytest.raises(InvalidArgumentError, match="is a folder"):
        write_snapshot(CHOICE, tmp_path / "d.zip", formats=("csv",))


def test_traversal_stays_in_the_resolved_folder(tmp_path):
    (tmp_path / "a").mkdir()
    result = write_snapshot(CHOICE, tmp_path / "a" / ".." / "up.zip", formats=("csv",), now=NOW)
    assert result.path == (tmp_path / "up.zip").resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "up.zip"]


def test_unknown_language_layer_and_status(tmp_path):
    with pytest.raises(UnknownValueError, match="Unknown language 'fr'"):
        write_snapshot(CHOICE, tmp_path / "s.zip", lang="fr")
    with pytest.raises(UnknownValueError, match=r"Unknown layer\(s\) \['../etc'\]"):
        write_snapshot(TaskFilter(layers=("../etc",)), tmp_path / "s.zip", formats=("shp",))
    with pytest.raises(UnknownValueError, match="Unknown status"):
        write_snapshot(TaskFilter(statuses=("late",)), tmp_path / "s.zip", formats=("csv",))
    assert list(tmp_path.iterdir()) == []


# --- GDAL's own reader ------------------------------------------------------------------------------------------------


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
