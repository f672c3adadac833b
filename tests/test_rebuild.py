"""The builders in tools/ rebuild data/ from the repository's own files, byte for byte."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

# builder -> the files it writes, relative to its --out folder
BUILDERS = {
    "build_register": {"tasks.csv"},
    "build_indicators": {"indicators.csv"},
    "build_layers": {"projects.geojson", "context/red_river_schematic.geojson"},
}


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(f"tools_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_reproduces_data(name, tmp_path, capsys):
    written = _load_tool(name).main(["--out", str(tmp_path)])
    capsys.readouterr()
    on_disk = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file()}
    assert on_disk == BUILDERS[name]
    assert {Path(path).relative_to(tmp_path).as_posix() for path in written} == BUILDERS[name]
    for relative in sorted(on_disk):
        built = (tmp_path / relative).read_bytes()
        shipped = (DATA / relative).read_bytes()
        assert built == shipped, f"data/{relative} differs from what tools/{name}.py writes; run it and commit the result"


def test_features_carry_no_task_ids():
    # links live only in data/links.csv
    assert b'"task_ids"' not in (DATA / "projects.geojson").read_bytes()
