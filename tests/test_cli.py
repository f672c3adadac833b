"""The command line in-process: `tasks` goes through the one view; outputs never land in data/ or over a file."""

import csv
import io
import json
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from cli import main
from geo import settings
from geo.filters import TaskFilter
from geo.view import build_view, load_data


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_tasks_json_is_the_view(capsys):
    code, out, _ = run(capsys, "tasks", "--agency", "so-xay-dung", "--only-past-due", "--as-of", "2026-11-22", "--json")
    assert code == 0
    records = json.loads(out)
    view = build_view(load_data(), TaskFilter(agencies=("so-xay-dung",), only_past_due=True, as_of=date(2026, 11, 22)))
    assert [r["id"] for r in records] == list(view.tasks.index)
    assert len(records) == 19 and all(r["past_due"] for r in records)
    assert {"id", "doc_id", "tt", "due_end", "past_due", "feature_ids"} <= set(records[0])
    on_map = [r for r in records if r["feature_ids"]]
    assert on_map and all(r["on_map"] for r in on_map)


@pytest.mark.parametrize(("as_of", "passed"), [("2026-03-31", False), ("2026-04-01", True)])
def test_tasks_past_due_on_the_boundary_day(capsys, as_of, passed):
    code, out, _ = run(capsys, "tasks", "--due-after", "2026-03-31", "--due-before", "2026-03-31", "--as-of", as_of, "--undated=", "--json")
    records = json.loads(out)
    assert code == 0 and records
    assert {r["due_end"] for r in records} == {"2026-03-31"}
    assert {r["past_due"] for r in records} == {passed}


def test_tasks_csv_has_the_same_rows_and_layer_filter(capsys):
    code, out, _ = run(capsys, "tasks", "--layers", "bridge", "--doc", "KH-183-2021")
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == 43
    assert all(fid.startswith("bridge-") for row in table for fid in row["feature_ids"].split(";") if fid)
    assert any(row["feature_ids"] for row in table)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "Sở Vũ trụ"], "Unknown agency"),
        (["--layers", "moon"], "Unknown layer(s) ['moon']"),
        (["--status", "finished"], "Unknown status(es) ['finished']"),
        (["--as-of", "2026-02-30"], "--as-of must be a date"),
        (["--role", "boss"], "--role must be one of"),
        (["--doc", "KH-XX"], "Unknown document id"),
        (["--undated", "someday"], "--undated: unknown kind(s) ['someday']"),
    ],
)
def test_tasks_bad_arguments_exit_2(capsys, args, message):
    code, _, err = run(capsys, "tasks", *args)
    assert code == 2
    assert message in err


def plan(tmp_path):
    path = tmp_path / "plan.csv"
    pd.DataFrame([{"task": "A", "lead_agency_raw": "Sở Xây dựng", "due_raw": "Quý I/2027"}]).to_csv(path, index=False)
    return path


def test_import_never_writes_into_data(tmp_path, capsys):
    before = settings.TASKS_CSV.read_bytes()
    code, _, err = run(capsys, "import", str(plan(tmp_path)), "--doc-id", "X", "-o", str(settings.TASKS_CSV), "--force")
    assert code == 2 and "data/ holds the data of record" in err
    assert settings.TASKS_CSV.read_bytes() == before


def test_import_output_is_never_the_input_or_an_existing_file(tmp_path, capsys):
    source = plan(tmp_path)
    original = source.read_bytes()
    code, _, err = run(capsys, "import", str(source), "--doc-id", "X", "-o", str(source), "--force")
    assert code == 2 and "this is the input file" in err and source.read_bytes() == original
    target = tmp_path / "out.csv"
    target.write_text("keep me", encoding="utf-8")
    code, _, err = run(capsys, "import", str(source), "--doc-id", "X", "-o", str(target))
    assert code == 2 and "--force" in err and target.read_text(encoding="utf-8") == "keep me"
    code, _, _ = run(capsys, "import", str(source), "--doc-id", "X", "-o", str(target), "--force")
    assert code == 0 and len(pd.read_csv(target)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "plan.csv"]  # no scratch file left


@pytest.mark.parametrize("where", ["folder", "missing", "proc"])
def test_bad_output_places_exit_2_without_traceback(tmp_path, capsys, where):
    target = {"folder": tmp_path, "missing": tmp_path / "no" / "x.csv", "proc": "/proc/x.csv"}[where]
    code, _, err = run(capsys, "import", str(plan(tmp_path)), "--doc-id", "X", "-o", str(target))
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err


def test_snapshot_and_refresh_refuse_data(tmp_path, capsys):
    code, _, err = run(capsys, "snapshot", "-o", str(settings.DATA_DIR / "x.zip"), "--formats", "csv")
    assert code == 2 and "data/ holds the data of record" in err
    assert not (settings.DATA_DIR / "x.zip").exists()
    code, _, err = run(capsys, "refresh-osm", "--from-xml", "none.osm", "-o", str(settings.DATA_DIR / "osm"))
    assert code == 2 and "data/ holds the data of record" in err
    assert not (settings.DATA_DIR / "osm").exists()


def test_python_dash_m_geo_still_runs():
    result = subprocess.run([sys.executable, "-m", "geo", "tasks", "--doc", "KH-57-TU-2026", "--json"], cwd=settings.ROOT,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    with open(settings.TASKS_CSV, encoding="utf-8") as handle:
        expected = sum(1 for row in csv.DictReader(handle) if row["doc_id"] == "KH-57-TU-2026")
    assert len(json.loads(result.stdout)) == expected > 0
