from datetime import date

import pytest

from geo.deadlines import is_past_due, parse_deadline


@pytest.mark.parametrize(
    ("raw", "kind", "start", "end", "precision"),
    [
        ("Tháng 4/2026", "by_date", None, date(2026, 4, 30), "month"),
        ("Tháng 2/2028", "by_date", None, date(2028, 2, 29), "month"),
        ("Quý I/2026", "by_date", None, date(2026, 3, 31), "quarter"),
        ("Quý II/2026", "by_date", None, date(2026, 6, 30), "quarter"),
        ("Quý III/2027", "by_date", None, date(2027, 9, 30), "quarter"),
        ("Quý IV/2027", "by_date", None, date(2027, 12, 31), "quarter"),
        ("Năm 2026", "by_date", None, date(2026, 12, 31), "year"),
        ("2026", "by_date", None, date(2026, 12, 31), "year"),
        ("2026-2030", "period", date(2026, 1, 1), date(2030, 12, 31), "period"),
        ("2026 - 2030", "period", date(2026, 1, 1), date(2030, 12, 31), "period"),
        ("2025-2030", "period", date(2025, 1, 1), date(2030, 12, 31), "period"),
        ("Trước 2030", "by_date", None, date(2029, 12, 31), "year"),
        ("Trước Quý IV/2026", "by_date", None, date(2026, 9, 30), "quarter"),
        ("Trước IV/2027", "by_date", None, date(2027, 9, 30), "quarter"),
        ("Trước Quý I/2027", "by_date", None, date(2026, 12, 31), "quarter"),
        ("Thường xuyên", "recurring", None, None, ""),
        ("Hằng năm", "recurring", None, None, ""),
        ("Hằng tháng, quý, năm", "recurring", None, None, ""),
        ("Đã ban hành Kế hoạch", "done", None, None, ""),
        ("", "none", None, None, ""),
        (None, "none", None, None, ""),
        ("   ", "none", None, None, ""),
    ],
)
def test_design_table(raw, kind, start, end, precision):
    parsed = parse_deadline(raw)
    assert (parsed.due_kind, parsed.due_start, parsed.due_end, parsed.precision) == (kind, start, end, precision)


def test_condition_is_kept_as_note():
    parsed = parse_deadline("Năm 2027 (sau khi Sở Xây dựng hoàn thành lập Quy hoạch)")
    assert parsed.due_kind == "by_date"
    assert parsed.due_end == date(2027, 12, 31)
    assert parsed.note == "sau khi Sở Xây dựng hoàn thành lập Quy hoạch"
    assert parsed.raw.startswith("Năm 2027 (sau khi")


def test_decomposed_unicode_parses_like_composed():
    import unicodedata

    assert parse_deadline(unicodedata.normalize("NFD", "Quý IV/2026")).due_end == date(2026, 12, 31)


@pytest.mark.parametrize(
    "raw",
    ["Sớm", "Tháng 13/2026", "Quý V/2026", "2030-2026", "31/2/2026", "Quý IV", "<script>2026</script>", "2026?!"],
)
def test_malformed_is_unparsed_and_keeps_raw(raw):
    parsed = parse_deadline(raw)
    assert parsed.due_kind == "unparsed"
    assert parsed.due_end is None
    assert parsed.raw == raw


def test_past_due_is_strictly_before_as_of():
    end = parse_deadline("Quý III/2026").due_end
    assert is_past_due(end, date(2026, 11, 22))
    assert not is_past_due(end, date(2026, 9, 30))
    assert is_past_due(end, date(2026, 10, 1))
    assert not is_past_due(None, date(2030, 1, 1))


@pytest.mark.parametrize(
    ("as_of", "passed"),
    [(date(2026, 3, 30), False), (date(2026, 3, 31), False), (date(2026, 4, 1), True), (date(2027, 1, 1), True)],
)
def test_past_due_boundary_day(as_of, passed):
    """Due 2026-03-31: not passed on that day, passed from the next one (a `<=` would fail the second case)."""
    assert is_past_due(parse_deadline("Quý I/2026").due_end, as_of) is passed


def test_the_past_due_rule_is_written_once():
    """Only geo/deadlines.py compares a deadline with an as-of date; every other module calls it."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in [*root.glob("geo/**/*.py"), *root.glob("pages/*.py"), *root.glob("layers/*.py"), *root.glob("cli/*.py")]:
        if path.name == "deadlines.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in node.ops):
                names = {sub.id if isinstance(sub, ast.Name) else getattr(sub, "attr", "") for sub in ast.walk(node)}
                if names & {"as_of", "past_due_as_of"} and names & {"end", "due_end", "ends", "day"}:
                    offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []
