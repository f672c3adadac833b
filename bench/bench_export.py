"""Benchmark of the layer snapshot: all layers, all formats, default filter (Sở Xây dựng filter too).

Run: .venv/bin/python bench/bench_export.py   (prints figures; asserts nothing)
Target: a snapshot of all layers in all formats <= 5 s on the 2-core reference machine.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.export import ALL_FORMATS, SnapshotResult, write_snapshot  # noqa: E402
from geo.filters import TaskFilter  # noqa: E402
from geo.view import PlanningData, build_view, load_data  # noqa: E402
from layers.export_html import standalone_map_html  # noqa: E402

RUNS = 3


def one_run(data: PlanningData, choice: TaskFilter) -> tuple[float, float, int, dict[str, float], SnapshotResult]:
    """Return total seconds (view and HTML map included), HTML seconds, zip bytes, seconds per step, and the result."""
    marks: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        view = build_view(data, choice)
        html_map = standalone_map_html(view, "vi")
        html_seconds = time.perf_counter() - start
        result = write_snapshot(
            view, Path(folder) / "snapshot.zip", formats=ALL_FORMATS, html_map=html_map,
            progress=lambda _fraction, step: marks.append((step, time.perf_counter())),
        )  # fmt: skip
        total = time.perf_counter() - start
        size = result.path.stat().st_size
    steps = {step: ended - began for (step, began), (_, ended) in itertools.pairwise(marks)}
    return total, html_seconds, size, steps, result


def snapshot(data: PlanningData, label: str, choice: TaskFilter) -> None:
    runs = [one_run(data, choice) for _ in range(RUNS)]
    totals = [run[0] for run in runs]
    result = runs[-1][4]
    print(f"{label}: {sum(result.feature_counts.values())} features, {result.task_count} tasks, "
          f"{len(result.members)} members, zip {statistics.median(run[2] for run in runs) / 1e6:.2f} MB")  # fmt: skip
    print(f"  snapshot incl. HTML map build, median of {RUNS}: {statistics.median(totals):.2f} s "
          f"(min {min(totals):.2f}, max {max(totals):.2f}; target <= 5 s)")  # fmt: skip
    print(f"  of which standalone_map_html: {statistics.median(run[1] for run in runs):.2f} s")
    steps = runs[-1][3]
    print("  steps (median): " + ", ".join(
        f"{step} {statistics.median(run[3][step] for run in runs):.2f} s" for step in steps
    ))  # fmt: skip


if __name__ == "__main__":
    loaded = load_data()
    snapshot(loaded, "default filter (all layers)", TaskFilter(as_of=date(2026, 11, 22)))
    snapshot(loaded, "Sở Xây dựng", TaskFilter(agencies=("so-xay-dung",), as_of=date(2026, 11, 22)))
