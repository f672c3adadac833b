"""Imports run one way: pages -> layers -> geo (STYLE.md, point 1)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "geo": {"streamlit", "folium", "streamlit_folium", "layers", "pages"},
    "layers": {"streamlit", "streamlit_folium", "pages"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


# The command line (geo/__main__.py) sits at the top of the stack like the pages: it may use layers/ (the HTML
# map of a snapshot), never streamlit or folium directly.
ENTRY_POINTS = {"geo/__main__.py": {"streamlit", "folium", "streamlit_folium", "pages"}}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_run_one_way(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    rules = {str(f.relative_to(ROOT)): ENTRY_POINTS.get(str(f.relative_to(ROOT)), FORBIDDEN[package]) for f in files}
    bad = {name: sorted(imported_roots(ROOT / name) & forbidden) for name, forbidden in rules.items()}
    assert {f: mods for f, mods in bad.items() if mods} == {}


def test_the_checker_sees_a_violation(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import folium\nfrom streamlit import cache_data\n", encoding="utf-8")
    assert imported_roots(sample) == {"folium", "streamlit"}
