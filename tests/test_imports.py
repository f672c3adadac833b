"""Imports run one way (STYLE.md, point 1): cli and pages -> layers -> geo; no cycles anywhere."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "layers", "pages", "cli")
FORBIDDEN = {
    "geo": {"streamlit", "folium", "streamlit_folium", "layers", "pages", "cli", "branca"},
    "layers": {"streamlit", "streamlit_folium", "pages", "cli"},
    "cli": {"streamlit", "streamlit_folium", "pages", "folium"},
}
# `python -m geo` launches the command line: an entry point that nothing in geo/ imports, not part of the library.
ENTRY_POINTS = {"geo/__main__.py": {"streamlit", "folium", "streamlit_folium", "pages", "layers"}}


def imports_of(path: Path) -> set[str]:
    """Return the dotted module names `path` imports (absolute imports; `from a import b` gives a and a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_graph() -> dict[str, set[str]]:
    """Return module -> imported project modules, over geo/, layers/, pages/ and cli/."""
    files = [path for package in PACKAGES for path in (ROOT / package).rglob("*.py")]
    modules = {module_name(path): path for path in files}
    graph = {}
    for name, path in modules.items():
        if name.endswith("__main__"):
            continue
        graph[name] = {target for target in imports_of(path) if target in modules and target != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if state.get(target) is None:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_run_one_way(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    rules = {str(f.relative_to(ROOT)): ENTRY_POINTS.get(str(f.relative_to(ROOT)), FORBIDDEN[package]) for f in files}
    bad = {name: sorted({m.split(".")[0] for m in imports_of(ROOT / name)} & forbidden) for name, forbidden in rules.items()}
    assert {f: mods for f, mods in bad.items() if mods} == {}


def test_no_import_cycle():
    assert find_cycle(project_graph()) is None


def test_the_cycle_finder_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_checker_sees_a_violation(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import folium\nfrom streamlit import cache_data\n", encoding="utf-8")
    assert {name.split(".")[0] for name in imports_of(sample)} == {"folium", "streamlit"}


def test_no_module_is_over_500_lines():
    files = [path for package in (*PACKAGES, "tools") for path in (ROOT / package).rglob("*.py")] + [ROOT / "app.py"]
    long = {str(path.relative_to(ROOT)): n for path in files if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
