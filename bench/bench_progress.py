"""Benchmark of task progress: saving one report through the write path, and categories + counts over 10,000 reports.

Run: .venv/bin/python bench/bench_progress.py            (a scratch SQLite store; prints figures; asserts nothing)
     DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/bench_progress.py   (a scratch PostgreSQL database: its store tables are dropped)
Targets: one save p95 <= 50 ms; categories + counts of the 272 tasks with 10,000 reports <= 1 s.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pandas as pd  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from store_bench import p95, scratch_store  # noqa: E402

from geo.agencies import load_agencies  # noqa: E402
from geo.progress.categories import categories, counts  # noqa: E402
from geo.progress.quarterly import quarter_bounds, quarterly_report  # noqa: E402
from geo.register import load_register  # noqa: E402
from geo.store import add_report, add_user, latest_report_ids, reports_frame  # noqa: E402
from geo.store.progress import REPORT_COLUMNS  # noqa: E402
from geo.store.schema import progress_reports  # noqa: E402

SAVES = 200
SYNTHETIC = 10_000
STATUSES = ("not_started", "in_progress", "completed", "blocked")



def bench_saves(url: str) -> None:
    """Save SAVES reports one by one (each with expected_latest read first, as a page does) and print the timings."""
    store = scratch_store(url)
    tasks, agencies = load_register(), load_agencies()
    lan = add_user(store, None, "lan", role="coordinator")
    rita = add_user(store, lan, "rita", role="reporter", agency_id="so-xay-dung")
    mine = [task_id for task_id, lead in tasks["lead_agency"].items() if "so-xay-dung" in lead or "so-gtvt" in lead]
    seconds = []
    for n in range(SAVES):
        task_id = mine[n % len(mine)]
        start = time.perf_counter()
        expected = latest_report_ids(store, [task_id]).get(task_id)
        add_report(store, rita, tasks.loc[task_id], agencies=agencies, status="in_progress", percent=n % 100,
                   reported_on=date(2026, 1, 1) + timedelta(days=n), results=f"Bước {n}", expected_latest=expected)  # fmt: skip
        seconds.append(time.perf_counter() - start)
    print(f"save one report ({store.backend}, {SAVES} saves, latest read + write + audit): "
          f"median {statistics.median(seconds) * 1000:.1f} ms, p95 {p95(seconds) * 1000:.1f} ms, max {max(seconds) * 1000:.1f} ms")  # fmt: skip
    bulk = synthetic_reports(tasks, SYNTHETIC).drop(columns=["id", "evidence_name"])
    rows = [{**row, "created_at": datetime.now(UTC), "content_sha256": f"bench-{n}", "supersedes": -n}
            for n, row in enumerate(bulk.to_dict("records"), start=1)]  # fmt: skip
    with store.engine.begin() as connection:  # straight into the table: the read side is measured here, not the write path
        connection.execute(insert(progress_reports), rows)
    start = time.perf_counter()
    frame = reports_frame(store)
    read = time.perf_counter() - start
    found = counts(categories(tasks, frame, date(2026, 11, 22))["progress_category"])
    print(f"reports_frame of {len(frame):,} reports: {read * 1000:.0f} ms; + categories and counts: "
          f"{(time.perf_counter() - start) * 1000:.0f} ms -> {found}")  # fmt: skip
    store.close()


def synthetic_reports(tasks: pd.DataFrame, n: int, seed: int = 14) -> pd.DataFrame:
    """Return `n` random reports over the register's tasks, 2021-2026, in the columns of reports_frame."""
    rng = random.Random(seed)
    ids = list(tasks.index)
    rows = []
    for number in range(1, n + 1):
        status = rng.choice(STATUSES)
        reported = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 2160))
        rows.append({
            "task_id": rng.choice(ids), "id": number, "reported_on": reported, "status": status,
            "completed_on": reported - timedelta(days=rng.randrange(0, 30)) if status == "completed" else None,
            "percent": float(rng.randrange(0, 101)), "milestone": "", "results": f"Kết quả {number}", "difficulties": "", "proposals": "",
            "evidence_ref": "", "evidence_link": "", "evidence_name": "", "period": "", "reporter": "rita", "created_at": None,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS))


def bench_categories() -> None:
    """Time categories + counts (what the dashboard and the map compute on each rerun) and the quarterly report, with 10,000 reports."""
    tasks, agencies = load_register(), load_agencies()
    reports = synthetic_reports(tasks, SYNTHETIC)
    for as_of in (date(2026, 11, 22), date(2023, 6, 30)):
        seconds = []
        for _ in range(5):
            start = time.perf_counter()
            found = counts(categories(tasks, reports, as_of)["progress_category"])
            seconds.append(time.perf_counter() - start)
        print(f"categories + counts, {len(tasks)} tasks, {SYNTHETIC:,} reports, as of {as_of}: median {statistics.median(seconds) * 1000:.0f} ms "
              f"(max {max(seconds) * 1000:.0f} ms) -> {found}")  # fmt: skip
    quarters = [f"{year}Q{quarter}" for year in range(2024, 2027) for quarter in range(1, 5)]
    start = time.perf_counter()
    for quarter in quarters:
        counts(categories(tasks, reports, quarter_bounds(quarter)[1])["progress_category"])
    print(f"trend, {len(quarters)} quarters: {(time.perf_counter() - start) * 1000:.0f} ms")
    for fmt in ("xlsx", "docx"):
        start = time.perf_counter()
        payload = quarterly_report(tasks, reports, quarter="2026Q3", agencies=agencies, fmt=fmt)
        print(f"quarterly report city-wide {fmt}: {(time.perf_counter() - start) * 1000:.0f} ms, {len(payload) / 1024:.0f} KiB")


def main() -> None:
    """Run both benchmarks."""
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as folder:
        bench_saves(url if url.startswith("postgresql") else f"sqlite:///{Path(folder) / 'bench.sqlite'}")
    bench_categories()


if __name__ == "__main__":
    main()
