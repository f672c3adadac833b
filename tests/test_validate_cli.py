import re
import subprocess
import sys

import pandas as pd

from cli import main
from geo.register import load_documents
from geo.validate import Report, validate_register

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def test_validate_prints_counts_and_exits_zero():
    result = subprocess.run([sys.executable, "-m", "geo", "validate"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "== tasks per document (272)" in result.stdout
    assert "  KH-DU-2026: 118" in result.stdout
    assert "  KH-57-TU-2026: 29" in result.stdout
    assert "  by_date: 138" in result.stdout  # KH-57-TU-2026.002: "tháng 6/2026"
    assert "== indicators per document and appendix (127)" in result.stdout
    assert "  KH-DU-2026 · Phụ lục 01: 65" in result.stdout
    assert "  KH-DU-2026 · Phụ lục 02: 20" in result.stdout
    assert "  KH-183-2021 · Phụ lục 1: 42" in result.stdout
    assert "== numbered indicators per document and appendix (69)" in result.stdout  # 45 + 4 + 20
    assert "  so-xay-dung: 26" in result.stdout
    assert "0 error(s)" in result.stdout
    lines = result.stdout.splitlines()
    assert "== features per geometry_quality (158)" in lines and "  osm: 35" in lines  # provenance counts
    assert "  sourced: 12" in lines and "  schematic: 111" in lines
    named = next(line for line in lines if line.startswith("== tasks naming a place: "))
    numbers = [int(n) for n in re.findall(r"\d+", named)]
    assert numbers[1] <= numbers[0] and numbers[2] == round(100 * numbers[1] / numbers[0])
    assert "== places named in tasks with no feature (0)" in lines and "  missing: 0" in lines
    assert not any("names a place" in line and "[warning]" in line for line in lines)
    assert "  [info] KH-183-2021.036: names a place not on the map ('nhà máy xử lý rác ... Chương Mỹ'): no source found" in "\n".join(lines)
    assert "== features whose status or dates have no source: 30 of 158" in lines
    assert "  [warning] bridge-21: no source for its status source, status date" in lines
    assert "  [warning] river-lu: no source for its status date" in lines  # "undated" in the facts is no date


def test_broken_reference_is_an_error(tasks, agencies):
    broken = tasks.copy()
    broken.loc["KH-DU-2026.001", "lead_agency"] = "so-khong-ton-tai"
    broken.loc["KH-DU-2026.002", "doc_id"] = "KH-XX"
    report = validate_register(broken, agencies, load_documents(), Report())
    records = {(p.record, p.severity) for p in report.errors}
    assert ("KH-DU-2026.001", "error") in records
    assert ("KH-DU-2026.002", "error") in records
    assert any("so-khong-ton-tai" in p.message for p in report.errors)


def test_unresolved_indicator_lead_is_an_error(tasks, agencies):
    from geo.indicators import load_indicators

    indicators = load_indicators().copy()
    indicators.loc["KH-DU-2026.PL01.001", "lead_agency_raw"] = "Sở Vũ trụ"
    indicators.loc["KH-DU-2026.PL01.002", "lead_agency"] = "so-khong-ton-tai"
    report = validate_register(tasks, agencies, load_documents(), Report(), indicators=indicators)
    messages = {record: " | ".join(p.message for p in report.errors if p.record == record) for record in {p.record for p in report.errors}}
    assert set(messages) == {"KH-DU-2026.PL01.001", "KH-DU-2026.PL01.002"}
    assert "does not resolve (vu tru)" in messages["KH-DU-2026.PL01.001"]
    assert "'so-khong-ton-tai' is not in data/agencies.csv" in messages["KH-DU-2026.PL01.002"]
    assert report.counts["indicators per document and appendix"].to_dict() == {
        "KH-DU-2026 · Phụ lục 01": 65, "KH-DU-2026 · Phụ lục 02": 20, "KH-183-2021 · Phụ lục 1": 42,
    }  # fmt: skip


def test_import_command_reports_rows(tmp_path, capsys):
    path = tmp_path / "plan.csv"
    pd.DataFrame(
        [
            {"task": "A", "lead_agency_raw": "Sở Xây dựng", "due_raw": "Quý I/2027"},
            {"task": "B", "lead_agency_raw": "Sở Xây dựng", "due_raw": "khi nào xong"},
        ]
    ).to_csv(path, index=False)
    out = tmp_path / "out.csv"
    assert main(["import", str(path), "--doc-id", "KH-T", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2 row(s) read, 1 flagged." in printed
    assert "row 3 (KH-T.002): unparsed_deadline: khi nào xong" in printed
    assert len(pd.read_csv(out)) == 2


def test_import_command_bad_file_exits_2(tmp_path, capsys):
    assert main(["import", str(tmp_path / "x.txt"), "--doc-id", "X"]) == 2
    assert "expected a .csv or .xlsx" in capsys.readouterr().err
