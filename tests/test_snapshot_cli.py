"""python -m geo snapshot: the same zip from the command line; bad arguments exit 2 with a message."""

import json
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from cli import main
from geo.export import layer_geojson_bytes
from geo.filters import TaskFilter
from geo.view import build_view, load_data

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run(capsys):
    """Run `python -m geo snapshot ...` in-process; return its exit code and output."""

    def call(*args):
        code = main(["snapshot", *args])
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)

    return call


def test_snapshot_command_writes_the_zip(run, tmp_path):
    out = tmp_path / "out.zip"
    result = run(
        "--agency", "so-xay-dung", "--as-of", "2026-11-22", "--only-past-due", "--formats", "gpkg,kml,png,csv", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert names == {"layers.gpkg", "layers.kml", "map.png", "tasks.csv", "manifest.json"}
    view = build_view(load_data(), TaskFilter(agencies=("so-xay-dung",), as_of=date(2026, 11, 22), only_past_due=True))
    assert manifest["counts"]["tasks"] == len(view.tasks) == 19
    assert manifest["counts"]["features_total"] == len(view.features)
    existing = out.read_bytes()
    again = run("--formats", "csv", "-o", str(out))
    assert again.returncode == 2 and "--force" in again.stderr and out.read_bytes() == existing


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
def test_bad_arguments(run, tmp_path, args, message):
    result = run(*args, "-o", str(tmp_path / "x.zip"))
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "x.zip").exists()


def test_output_outside_an_existing_folder_is_refused(run, tmp_path):
    result = run("-o", str(tmp_path / "missing" / "x.zip"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    result = run("-o", str(tmp_path / "x.txt"))
    assert result.returncode == 2 and ".zip" in result.stderr


def test_quick_single_layer_export():
    view = build_view(load_data(), TaskFilter(as_of=date(2026, 11, 22)))
    data = json.loads(layer_geojson_bytes(view, "bridge"))
    assert len(data["features"]) == int((view.features["layer"] == "bridge").sum())
    names = {f["properties"]["name"] for f in data["features"]}
    assert "Cầu Tứ Liên" in names
    assert "© OpenStreetMap contributors" in data["attribution"]
