"""What the store benchmarks share: a scratch store to write into, and the 95th percentile."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def p95(values: list[float]) -> float:
    """Return the 95th percentile of `values`."""
    return statistics.quantiles(values, n=20)[-1]


def scratch_store(url: str):
    """Open the store at `url` from nothing: a PostgreSQL database loses its store tables first (a scratch database only)."""
    from geo.store import open_store

    if url.startswith("postgresql"):
        sys.path.insert(0, str(ROOT / "tests"))
        from test_store_support import drop_store_tables

        drop_store_tables(url)
    return open_store(url)
