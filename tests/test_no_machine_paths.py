"""No file of the repository points into one machine's folders (the repo must rebuild from a clean clone).

Scanned: every file git tracks plus the untracked files git does not ignore (so a new
file fails before it is committed); text files only (a NUL byte or invalid UTF-8
means binary). Flagged: absolute paths under the top folders of a work, root or home
directory on Linux or macOS, or a Windows user folder. A URL's path is not a machine
path: the pattern must not follow a host name character.
"""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# "/" + a top folder + "/", not inside a URL (no host/name character before it); or a Windows user folder
MACHINE_PATH = re.compile(r"(?<![\w.\-~%])/(?:work|root|home|Users)/|\b[A-Za-z]:[\\/]+Users[\\/]", re.IGNORECASE)


SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}


def _repo_files() -> list[Path]:
    def listed(*args: str) -> list[str]:
        result = subprocess.run(["git", "ls-files", "-z", *args], cwd=ROOT, capture_output=True, check=True)
        return [name for name in result.stdout.decode("utf-8").split("\0") if name]

    try:
        names = set(listed()) | set(listed("--others", "--exclude-standard"))
    except (OSError, subprocess.CalledProcessError):  # no git or not a checkout (e.g. a source archive): walk the tree
        names = {
            path.relative_to(ROOT).as_posix()
            for path in ROOT.rglob("*")
            if path.is_file() and not SKIP_DIRS & set(path.relative_to(ROOT).parts)
        }
    return [ROOT / name for name in sorted(names) if not name.startswith(".venv/") and (ROOT / name).is_file()]


def _text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def machine_paths(text: str) -> list[tuple[int, str]]:
    """Return (line number, line) for each line of `text` holding an absolute machine path."""
    return [(number, line.strip()[:160]) for number, line in enumerate(text.splitlines(), start=1) if MACHINE_PATH.search(line)]


@pytest.mark.parametrize(
    ("sample", "flagged"),
    [
        ("status_source: " + "/" + "work/shared/seeds/001.txt", True),
        ("read '" + "/" + "root/data/x.csv'", True),
        ("(" + "/" + "home/alice/project/data)", True),
        ("/" + "Users/bob/Desktop/plan.xlsx", True),
        ("C:" + "\\" + "Users\\bob\\plan.xlsx", True),
        ("file://" + "/" + "work/x.txt", True),
        ("https://example.org/work/2025/plan", False),
        ("https://hanoitimes.vn/home/news", False),
        ("data/seeds/001_81e56d6d2d7be6de.txt", False),
        ("/tmp/out.zip", False),
    ],
)
def test_pattern_self_check(sample, flagged):
    assert bool(machine_paths(sample)) is flagged


def test_scan_catches_an_added_file(tmp_path):
    added = tmp_path / "note.md"
    added.write_text("source: " + "/" + "work/shared/data/SOURCES.md\n", encoding="utf-8")
    assert machine_paths(_text(added)) == [(1, "source: " + "/" + "work/shared/data/SOURCES.md")]


def test_no_machine_paths_in_repository():
    files = _repo_files()
    assert any(path.name == "README.md" for path in files)  # the listing works
    found = []
    for path in files:
        text = _text(path)
        if text is None:
            continue
        found += [f"{path.relative_to(ROOT)}:{number}: {line}" for number, line in machine_paths(text)]
    assert not found, "absolute machine paths (use paths relative to the repository):\n" + "\n".join(found)
