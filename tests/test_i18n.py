import ast
import re
from pathlib import Path

from geo.i18n import CATALOGUE, t

ROOT = Path(__file__).resolve().parent.parent


def test_both_languages_have_the_same_keys():
    singular = {key for key in CATALOGUE["en"] if key.endswith("#one")}  # English singulars; Vietnamese has no plural
    assert set(CATALOGUE["vi"]) == set(CATALOGUE["en"]) - singular
    assert all(key.split("#")[0] in CATALOGUE["vi"] for key in singular)
    assert all(CATALOGUE["vi"][key] and CATALOGUE["en"][key] for key in CATALOGUE["vi"])


def test_english_plurals():
    assert t("count.features", "en", n=1) == "1 feature on the map"
    assert t("count.features", "en", n=2) == "2 features on the map"
    assert t("count.tasks", "en", n=1, total=268) == "1 task matches the filters (of 268)"
    assert t("count.features", "vi", n=1) == "1 đối tượng trên bản đồ"


def test_placeholders_match():
    for key, text in CATALOGUE["vi"].items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", CATALOGUE["en"][key])), key
    for key, text in CATALOGUE["en"].items():
        if key.endswith("#one"):
            assert set(re.findall(r"{(\w+)}", text)) <= set(re.findall(r"{(\w+)}", CATALOGUE["en"][key[:-4]])), key


def test_every_literal_key_used_in_the_code_exists():
    used = set()
    paths = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("layers/*.py"), *ROOT.glob("geo/**/*.py"), *ROOT.glob("cli/*.py")]
    scanned = {path.parent.name for path in paths}
    assert {"geo", "pages", "layers"} <= scanned
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_call = isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args
            if is_call and isinstance(node.args[0], ast.Constant):
                used.add(node.args[0].value)
    assert used, "no t() call found"
    assert {"filters.all", "filters.only_past_due"} <= used  # keys used only in geo/ (the filter in words) are seen too
    assert used - set(CATALOGUE["vi"]) == set()


def test_formatting_and_fallback():
    assert t("count.tasks", "en", n=3, total=268) == "3 tasks match the filters (of 268)"
    assert t("count.tasks", "vi", n=3, total=268) == "3 nhiệm vụ khớp bộ lọc (trên tổng 268)"
    assert t("no.such.key", "en") == "no.such.key"


def test_numbers_are_written_per_language():
    from geo.i18n import number

    assert number(877663.4, "vi") == "877.663"
    assert number(877663.4, "en") == "877,663"
    assert number(43.8493, "vi", 2) == "43,85"
    assert number(0.0934, "en", 2, signed=True) == "+0.09"
    assert number(-1234.5, "vi", 1, signed=True) == "-1.234,5"


def test_every_error_key_exists_and_errors_speak_the_interface_language():
    from geo.errors import ImportFileError, problem

    used = set()
    for path in [*ROOT.glob("geo/**/*.py"), *ROOT.glob("pages/*.py"), *ROOT.glob("cli/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_call = isinstance(node, ast.Call) and getattr(node.func, "id", None) == "problem" and len(node.args) > 1
            if is_call and isinstance(node.args[1], ast.Constant):
                used.add(node.args[1].value)
    assert len(used) >= 40
    assert used - set(CATALOGUE["vi"]) == set() and used - set(CATALOGUE["en"]) == set()
    error = problem(ImportFileError, "err.too_many_rows", name="plan.csv", n=6000, limit=5000)
    assert str(error) == "plan.csv: 6000 rows, over the limit of 5000."
    assert error.text("vi") == "plan.csv: 6000 dòng, vượt giới hạn 5000."
