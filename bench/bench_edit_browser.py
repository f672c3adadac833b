"""Editing speed in headless Chromium: editing page open -> editable map drawn, a drawn line -> checked on the page, save -> saved.

Usage: python bench/bench_edit_browser.py [--runs N]

A scratch store (an editor's account) in a temporary folder; the shipped data. Each run opens the
editing page on Cầu Tứ Liên, draws a three-point line with Leaflet.draw, names its source and
saves. Prints medians and the worst run. Targets: page open -> editable map <= 3 s; drawing
-> new geometry shown <= 1 s; save -> saved message <= 1.5 s.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_map_browser import FLAGS, FRAME, serve  # noqa: E402

from geo.store import add_user, open_store  # noqa: E402

LINE = [(21.0700, 105.8380), (21.0760, 105.8420), (21.0825, 105.8470)]  # (lat, lon) across the Red River


def settle(page) -> None:
    page.wait_for_timeout(300)
    with contextlib.suppress(Exception):
        page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=30_000)


def main() -> None:
    """Run the editing flow `--runs` times and print the figures."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hanoi-bench-edit-") as folder:
        store_url = f"sqlite:///{Path(folder) / 'planning.sqlite'}"
        store = open_store(store_url)
        lan = add_user(store, None, "lan", role="coordinator", password="mat-khau-bench-1")
        add_user(store, lan, "bien.tap", role="editor", password="mat-khau-bench-2")
        store.close()
        proc, url = serve({"DATABASE_URL": store_url})
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
                page = browser.new_context(viewport={"width": 1500, "height": 1900}).new_page()
                page.goto(url)
                page.locator("summary").filter(has_text="Đăng nhập").first.click()
                page.get_by_label("Tên đăng nhập").fill("bien.tap")
                page.get_by_label("Mật khẩu").fill("mat-khau-bench-2")
                page.get_by_role("button", name="Đăng nhập", exact=True).click()
                page.get_by_text("bien.tap · ").first.wait_for(timeout=60_000)
                settle(page)
                page.get_by_role("link", name="Sửa bản đồ").first.click()
                settle(page)
                runs = []
                for _ in range(args.runs):
                    runs.append(one_run_in_session(page))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    for label, values in zip(("editing page open -> editable map drawn", "drawing finished -> new geometry checked on the page",
                              "save -> saved message"), zip(*runs, strict=True), strict=True):  # fmt: skip
        print(f"{label}: median {statistics.median(values) * 1000:.0f} ms, worst {max(values) * 1000:.0f} ms ({len(values)} runs)")


def one_run_in_session(page) -> tuple[float, float, float]:
    """One run in the signed-in session (a page load would sign the editor out): the page is reopened by its link."""
    page.get_by_role("link", name="Bản đồ", exact=True).first.click()
    page.get_by_role("heading", name="Bản đồ công trình và nhiệm vụ").wait_for(timeout=60_000)
    settle(page)
    start = time.perf_counter()
    page.get_by_role("link", name="Sửa bản đồ").first.click()
    frame = page.frame_locator(FRAME).first
    frame.locator("a.leaflet-draw-edit-edit").wait_for(timeout=60_000)  # every layer's editing map has the pencil
    frame.locator(".leaflet-overlay-pane canvas").first.wait_for(timeout=60_000)
    opened = time.perf_counter() - start
    settle(page)
    _, drawn, saved = draw_and_save(page)
    return opened, drawn, saved


def draw_and_save(page) -> tuple[float, float, float]:
    """Choose Cầu Tứ Liên, draw the line, name the source and save; return (0, drawing -> checked, save -> saved)."""
    frame = page.frame_locator(FRAME).first
    chooser = page.get_by_role("combobox", name="Đối tượng", exact=True)
    if chooser.input_value() != "Cầu Tứ Liên · bridge-08":
        chooser.click()
        page.keyboard.type("Tứ Liên")
        page.get_by_role("option", name="Cầu Tứ Liên · bridge-08").click()
        settle(page)
        frame.locator("a.leaflet-draw-draw-polyline").wait_for(timeout=60_000)
    frame.locator("a.leaflet-draw-draw-polyline").click()
    iframe = page.locator(FRAME).first
    box = iframe.bounding_box()
    pixels = iframe.element_handle().content_frame().evaluate(
        "(points) => points.map(([lat, lon]) => map_div.latLngToContainerPoint([lat, lon])).map((q) => [q.x, q.y])", [list(p) for p in LINE]
    )
    for x, y in pixels:
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(150)
    finish = frame.locator(".leaflet-draw-actions a").filter(visible=True).filter(has_text="Xong").first
    start = time.perf_counter()
    finish.click()
    page.get_by_text("Hình học mới: ", exact=False).first.wait_for(timeout=60_000)
    drawn = time.perf_counter() - start
    settle(page)
    for key, text, selector in (("geom_bridge-08_source", "bench: traced", "input"), ("geom_reason_bridge-08", "bench", "textarea")):
        box_ = page.locator(f".st-key-{key} {selector}")
        box_.fill(text)
        box_.press("Tab")
        settle(page)
    start = time.perf_counter()
    page.get_by_role("button", name="Lưu hình học mới").click()
    page.get_by_text("Đã lưu: bridge-08", exact=False).first.wait_for(timeout=60_000)
    saved = time.perf_counter() - start
    settle(page)
    return 0.0, drawn, saved


if __name__ == "__main__":
    main()
