"""Map speed in headless Chromium: page open -> map drawn, filter change -> map updated, payload; real and synthetic data.

Usage: python bench/bench_map_browser.py [--runs N]

The synthetic data (5,000 features, 10,000 tasks, generated here into a temporary
folder, not shipped) is served by a second app instance through HANOI_DATA_DIR.
Targets (issue "map as a working surface"): filter change -> map updated median
<= 500 ms; page open -> map drawn <= 3 s; synthetic: filter change <= 1.5 s and
map payload <= 3 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run"]  # fmt: skip
FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LAYERS = ("metro_line", "metro_station", "ring_road", "bridge", "industrial_zone", "road", "facility")


def serve(env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "serve.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env={**__import__("os").environ, **env_extra}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    return proc, url


def synthetic_data(folder: Path, *, n_features: int = 5000, n_tasks: int = 10000, seed: int = 7) -> Path:
    """Write a data folder with `n_features` features and `n_tasks` tasks built from the real ones (not shipped)."""
    rng = random.Random(seed)
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("seeds"))
    with open(ROOT / "data" / "tasks.csv", encoding="utf-8", newline="") as handle:
        real = list(csv.DictReader(handle))
    tasks = []
    for number in range(n_tasks):
        row = dict(real[number % len(real)])
        row["id"] = f"SYN-{number:05d}"
        row["doc_id"] = row["doc_id"]
        tasks.append(row)
    with open(folder / "tasks.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(real[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(tasks)
    features, links = [], []
    for number in range(n_features):
        layer = LAYERS[number % len(LAYERS)]
        lon, lat = 105.55 + rng.random() * 0.55, 20.85 + rng.random() * 0.4
        if layer in ("metro_station", "facility"):
            geometry = {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}
        else:
            points = [[round(lon + rng.uniform(-0.02, 0.02) * k, 5), round(lat + rng.uniform(-0.02, 0.02) * k, 5)] for k in range(6)]
            geometry = {"type": "LineString", "coordinates": points}
        fid = f"syn-{number:05d}"
        features.append({"type": "Feature", "geometry": geometry, "properties": {
            "id": fid, "layer": layer, "name": f"Đối tượng {number}", "name_en": f"Feature {number}",
            "status": rng.choice(["operating", "under construction", "planned"]), "status_source": "synthetic",
            "status_date": "2026-01-01", "geometry_quality": rng.choice(["osm", "schematic"]), "geometry_source": "synthetic",
        }})  # fmt: skip
        for task in rng.sample(range(n_tasks), 2):
            links.append({"feature_id": fid, "task_id": f"SYN-{task:05d}", "basis": tasks[task]["task"][:12]})
    (folder / "projects.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    with open(folder / "links.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["feature_id", "task_id", "basis"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(links)
    return folder


def measure(url: str, runs: int, label: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        opens, changes, payloads = [], [], []
        for run in range(runs):
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            start = time.perf_counter()
            page.goto(f"{url}/?as_of=2026-11-22")
            page.wait_for_selector(FRAME, state="attached", timeout=60_000)
            frame = page.frame_locator(FRAME).first
            frame.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane path").first.wait_for(timeout=60_000)
            handle = page.locator(FRAME).first.element_handle().content_frame()
            handle.wait_for_function("() => window.feature_group && window.feature_group.length > 0", timeout=60_000)
            opens.append(time.perf_counter() - start)
            page.wait_for_timeout(1500)
            payloads.append(handle.evaluate("() => (window.__GLOBAL_DATA__.last_feature_group || '').length + document.documentElement.outerHTML.length"))
            for step in range(4 if run == 0 else 2):
                before = handle.evaluate("() => window.__GLOBAL_DATA__.last_feature_group")
                start = time.perf_counter()
                page.get_by_text("Chỉ nhiệm vụ đã quá thời hạn").first.click()
                handle.wait_for_function("b => window.__GLOBAL_DATA__.last_feature_group !== b", arg=before, timeout=60_000)
                handle.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                changes.append(time.perf_counter() - start)
                page.wait_for_timeout(400)
                del step
            page.close()
        browser.close()
    print(f"{label}: page open -> map drawn median {statistics.median(opens):.2f} s over {runs} loads (min {min(opens):.2f}, max {max(opens):.2f})")
    print(f"{label}: filter change -> map updated on screen median {statistics.median(changes) * 1000:.0f} ms over {len(changes)} changes "
          f"(min {min(changes) * 1000:.0f}, max {max(changes) * 1000:.0f})")
    print(f"{label}: map payload (base map document + project feature groups) {statistics.median(payloads) / 1e6:.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    proc, url = serve({})
    try:
        measure(url, args.runs, "shipped data")
    finally:
        proc.terminate()
    with tempfile.TemporaryDirectory(prefix="hanoi-bench-") as scratch:
        folder = synthetic_data(Path(scratch) / "data")
        proc, url = serve({"HANOI_DATA_DIR": str(folder)})
        try:
            measure(url, max(1, args.runs - 1), "synthetic (5,000 features, 10,000 tasks)")
        finally:
            proc.terminate()
    print("Targets: filter change <= 500 ms (shipped), <= 1.5 s (synthetic); page open <= 3 s; payload <= 3 MB (synthetic).")


if __name__ == "__main__":
    main()
