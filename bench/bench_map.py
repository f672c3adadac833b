"""Benchmark of the map explorer: HTML payload, filter-change rerun time, cold start in headless Chromium.

Run: .venv/bin/python bench/bench_map.py   (prints figures; asserts nothing)
Targets (issue 4): payload <= 2 MB; rerun <= 300 ms (median of 20); cold start to map <= 5 s.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.context import load_context  # noqa: E402
from geo.mapdata import light_geometry  # noqa: E402
from geo.view import load_data  # noqa: E402
from layers.render import project_map  # noqa: E402


def payload() -> None:
    data = load_data()
    fmap = project_map(light_geometry(data.features), data.registry, load_context(light=True))
    size = len(fmap.get_root().render().encode("utf-8"))
    print(f"map HTML payload, all layers + wards + boundary + river: {size / 1e6:.2f} MB (target <= 2 MB)")


def rerun() -> None:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.switch_page("pages/map.py")
    app.session_state["f_as_of"] = date(2026, 11, 22)
    app.run()
    choices = [["so-xay-dung"], ["so-tai-chinh"], [], ["bql-cnc-kcn"], ["so-gtvt"]]
    times = []
    for i in range(20):
        app.session_state["f_agencies"] = choices[i % len(choices)]
        app.session_state["f_only_past_due"] = bool(i % 2)
        start = time.perf_counter()
        app.run()
        times.append((time.perf_counter() - start) * 1000)
    print(f"filter-change rerun of the map page (AppTest, 20 runs): median {statistics.median(times):.0f} ms, "
          f"min {min(times):.0f}, max {max(times):.0f} (target <= 300 ms)")  # fmt: skip


def cold_start() -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "serve.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        server_ready = time.perf_counter() - start
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page_start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', state="attached", timeout=60_000)
            frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
            frame.locator(".leaflet-overlay-pane canvas").first.wait_for(timeout=60_000)
            visible = time.perf_counter()
            browser.close()
        print(f"cold start: server up {server_ready:.2f} s; page open to map visible {visible - page_start:.2f} s; "
              f"process start to map visible {visible - start:.2f} s")  # fmt: skip
        return visible - page_start, visible - start
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    payload()
    rerun()
    runs = [cold_start() for _ in range(3)]  # each: a new server process and a new browser
    print(
        f"cold start, median of 3: page open to map visible {statistics.median(r[0] for r in runs):.2f} s "
        f"(target <= 5 s); process start to map visible {statistics.median(r[1] for r in runs):.2f} s"
    )
