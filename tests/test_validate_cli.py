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
    assert "== tasks per document (268)" in result.stdout
    assert "  KH-DU-2026: 118" in result.stdout
    assert "  by_date: 137" in result.stdout
    assert "  so-xay-dung: 26" in result.stdout
    assert "0 error(s)" in result.stdout


def test_broken_reference_is_an_error(tasks, agencies):
    broken = tasks.copy()
    broken.loc["KH-DU-2026.001", "lead_agency"] = "so-khong-ton-tai"
    broken.loc["KH-DU-2026.002", "doc_id"] = "KH-XX"
    report = validate_register(broken, agencies, load_documents(), Report())
    records = {(p.record, p.severity) for p in report.errors}
    assert ("KH-DU-2026.001", "error") in records
    assert ("KH-DU-2026.002", "error") in records
    assert any("so-khong-ton-tai" in p.message for p in report.errors)


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
