"""Benchmark of map editing: one geometry save through the write path, the view after many edits, reading a big file.

Run: .venv/bin/python bench/bench_edit.py            (a scratch SQLite store; prints figures; asserts nothing)
     DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/bench_edit.py   (a scratch PostgreSQL database: its store tables are dropped)
Targets: one save p95 <= 100 ms; the data with 1,000 edited features laid over the base <= 1 s; a 100,000-vertex
GeoPackage in EPSG:5897 read and transformed <= 2 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from shapely import affinity  # noqa: E402
from store_bench import p95, scratch_store  # noqa: E402

from geo.featureedit import edit_geometry  # noqa: E402
from geo.geomfile import read_geometry_file  # noqa: E402
from geo.store import add_user  # noqa: E402
from geo.store.feature_versions import latest_seq, save_version  # noqa: E402
from geo.view import load_data, with_store  # noqa: E402

SAVES = 100
MANY = 1_000



def bench(url: str) -> None:
    """Time saves through featureedit (checks + write path), the overlay with many versions, and a big file read."""
    store = scratch_store(url)
    base = load_data()
    base.context  # noqa: B018 - read once, as the app does
    lan = add_user(store, None, "lan", role="coordinator")
    minh = add_user(store, lan, "minh", role="editor")
    lines = [fid for fid, row in base.features.iterrows()
             if row["layer"] in ("bridge", "ring_road", "metro_line") and row.geometry.geom_type in ("LineString", "MultiLineString")]
    seconds = []
    for n in range(SAVES):
        feature_id = lines[n % len(lines)]
        shape = affinity.translate(base.features.at[feature_id, "geometry"], xoff=0.0001 * (n % 7), yoff=0.0001)
        start = time.perf_counter()
        edit_geometry(store, minh, base, feature_id, shape, quality="surveyed", source=f"bench drawing {n}", reason="bench",
                      expected_seq=latest_seq(store, feature_id))  # fmt: skip
        seconds.append(time.perf_counter() - start)
    print(f"save one geometry (checks + write path + audit), {SAVES} saves on {store.backend}: "
          f"median {statistics.median(seconds) * 1000:.1f} ms, p95 {p95(seconds) * 1000:.1f} ms")  # fmt: skip
    # many added features: written straight through the store's save (the checks are timed above)
    point = shapely.Point(105.85, 21.03)
    for n in range(MANY):
        save_version(store, lan, feature_id=f"bench-point-{n:04d}", action="add", layer="metro_station",
                     properties={"name": f"Ga {n}", "name_en": f"Station {n}", "status": "planned", "status_source": "bench",
                                 "status_date": "2026", "geometry_quality": "edited", "geometry_source": "bench"},
                     geometry=affinity.translate(point, xoff=(n % 40) * 0.002, yoff=(n // 40) * 0.002), links=(), retired=False,
                     reason="bench", expected_seq=0, what="bench")  # fmt: skip
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        data = with_store(base, store)
        runs.append(time.perf_counter() - start)
    print(f"data with {len(data.edits)} changed features laid over the base ({len(data.features)} features): "
          f"median {statistics.median(runs) * 1000:.0f} ms of 5")  # fmt: skip
    store.close()


def bench_file() -> None:
    """Read a GeoPackage of one 100,000-vertex line in VN-2000 / TM-3 zone 482 and transform it."""
    xs = np.linspace(580_000, 600_000, 100_000)
    ys = 2_320_000 + 500 * np.sin(xs / 800)
    frame = gpd.GeoDataFrame({"name": ["long"]}, geometry=[shapely.LineString(np.column_stack([xs, ys]))], crs="EPSG:5897")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.gpkg"
        frame.to_file(path, driver="GPKG")
        content = path.read_bytes()
    start = time.perf_counter()
    read = read_geometry_file("long.gpkg", content)
    elapsed = time.perf_counter() - start
    print(f"read a {len(content) / 2**20:.1f} MiB GeoPackage, 100,000 vertices in {read.crs}, to EPSG:4326: {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    target = os.environ.get("DATABASE_URL", "").strip()
    with tempfile.TemporaryDirectory() as scratch:
        bench(target or f"sqlite:///{Path(scratch) / 'bench.sqlite'}")
    bench_file()
