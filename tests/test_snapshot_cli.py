"""python -m geo snapshot: the same zip from the command line; bad arguments exit 2 with a message."""

import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from geo.export import layer_geojson_bytes
from geo.features import load_features
from geo.filters import TaskFilter, apply_filter
from geo.mapdata import visible_features

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return subprocess.run([sys.executable, "-m", "geo", "snapshot", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_snapshot_command_writes_the_zip(tmp_path, tasks, agencies):
    out = tmp_path / "out.zip"
    result = run(
        "--agency", "so-xay-dung", "--as-of", "2026-11-22", "--only-past-due", "--formats", "gpkg,kml,png,csv", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert names == {"layers.gpkg", "layers.kml", "map.png", "tasks.csv", "manifest.json"}
    choice = TaskFilter(agencies=("so-xay-dung",), as_of=date(2026, 11, 22), only_past_due=True)
    matched = apply_filter(tasks, choice, agencies)
    assert manifest["counts"]["tasks"] == len(matched) == 19
    assert manifest["counts"]["features_total"] == len(visible_features(load_features(), matched.index, choice))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "Sở Vũ trụ"], "Unknown agency 'Sở Vũ trụ'"),
        (["--layers", "moon"], "Unknown layer(s) ['moon']"),
        (["--formats", "pdf"], "Unknown export format(s) ['pdf']"),
        (["--as-of", "22/11/2026"], "--as-of must be a date"),
        (["--status", "finished"], "Unknown status(es) ['finished']"),
    ],
)
def test_bad_arguments(tmp_path, args, message):
    result = run(*args, "-o", str(tmp_path / "x.zip"))
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "x.zip").exists()


def test_output_outside_an_existing_folder_is_refused(tmp_path):
    result = run("-o", str(tmp_path / "missing" / "x.zip"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    result = run("-o", str(tmp_path / "x.txt"))
    assert result.returncode == 2 and ".zip" in result.stderr


def test_quick_single_layer_export(tasks, agencies):
    choice = TaskFilter(as_of=date(2026, 11, 22))
    data = json.loads(layer_geojson_bytes(choice, "bridge"))
    expected = visible_features(load_features(), apply_filter(tasks, choice, agencies).index, choice)
    assert len(data["features"]) == int((expected["layer"] == "bridge").sum())
    names = {f["properties"]["name"] for f in data["features"]}
    assert "Cầu Tứ Liên" in names
    assert "© OpenStreetMap contributors" in data["attribution"]
