"""The real page in a real browser: map drawn, language switch, agency filter, feature click, shared URL."""

import contextlib
import re
from datetime import date

import pytest

from geo.filters import TaskFilter
from geo.view import build_view, load_data

pytestmark = pytest.mark.e2e
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


DATA = load_data()


def counts(choice: TaskFilter) -> tuple[int, int]:
    view = build_view(DATA, choice)
    return len(view.features), len(view.tasks)


def settle(page, timeout: int = 15_000) -> None:
    """Wait until Streamlit has finished the script run that the last interaction started."""
    page.wait_for_timeout(500)
    with contextlib.suppress(Exception):  # Streamlit shows its status widget while a script runs
        page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=timeout)


def wait_for_map(page):
    """Wait until the map is drawn and the rerun its first report of the view causes has finished."""
    page.wait_for_selector(MAP_FRAME, state="attached", timeout=30_000)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane path").first.wait_for(timeout=30_000)
    settle(page)
    return frame


def click_map_at(page, lat: float, lon: float, zoom: int = 13) -> None:
    """Centre the map on (lat, lon) at `zoom` and click there, as a planner would."""
    box = page.locator(MAP_FRAME).first.bounding_box()
    handle = page.locator(MAP_FRAME).first.element_handle().content_frame()
    x, y = handle.evaluate(
        f"() => {{ map_div.setView([{lat}, {lon}], {zoom}, {{animate: false}}); const q = map_div.latLngToContainerPoint([{lat}, {lon}]); return [q.x, q.y]; }}"
    )
    page.wait_for_timeout(800)
    page.mouse.click(box["x"] + x, box["y"] + y)


def count_text(page) -> str:
    locator = page.get_by_text(re.compile(r"(đối tượng trên bản đồ|features on the map)")).first
    locator.wait_for(timeout=20_000)
    return locator.inner_text()


def test_map_draws_with_attribution(page, app_url):
    page.goto(f"{app_url}/?as_of=2026-11-22")
    frame = wait_for_map(page)
    assert frame.locator(".leaflet-control-attribution").inner_text().find("© OpenStreetMap contributors") >= 0
    assert frame.locator(".hn-legend").count() == 1
    n_features, _ = counts(TaskFilter(as_of=date(2026, 11, 22)))
    assert count_text(page).startswith(f"{n_features} đối tượng")


def test_language_switch(page, app_url):
    page.goto(app_url)
    wait_for_map(page)
    page.get_by_text("English", exact=True).first.click()
    page.get_by_role("heading", name="Projects and their tasks").wait_for(timeout=20_000)
    assert "features on the map" in count_text(page)


def test_agency_filter_changes_the_count(page, app_url):
    page.goto(f"{app_url}/?as_of=2026-11-22&only_past_due=1")
    wait_for_map(page)
    before = count_text(page)
    page.get_by_role("combobox").nth(1).click()  # the agency multiselect (after the document one)
    page.keyboard.type("Sở Xây dựng")
    page.get_by_role("option", name="Sở Xây dựng", exact=True).click()
    page.keyboard.press("Escape")
    n_features, n_tasks = counts(TaskFilter(agencies=("so-xay-dung",), as_of=date(2026, 11, 22), only_past_due=True))
    page.get_by_text(f"{n_features} đối tượng trên bản đồ").first.wait_for(timeout=20_000)
    assert count_text(page) != before
    assert f"{n_tasks} nhiệm vụ khớp" in page.content()


def test_click_feature_shows_its_tasks(page, app_url):
    page.goto(f"{app_url}/?layers=hoa_lac")
    frame = wait_for_map(page)
    click_map_at(page, 20.99861, 105.52251)
    page.get_by_text(re.compile(r"^Nhiệm vụ liên kết \(\d+\)$")).first.wait_for(timeout=20_000)
    heading = page.get_by_role("heading", level=3).filter(has_text="Hòa Lạc").first.inner_text()
    linked = [fid for fid, row in DATA.features.iterrows() if row["name"] == heading.strip()]
    assert linked, heading
    for task_id in DATA.features.loc[linked[0], "task_ids"]:
        assert task_id in page.content()
    assert frame.locator(".leaflet-overlay-pane canvas").count() >= 1


def test_shared_url_restores_filters(page, app_url):
    choice = TaskFilter(agencies=("so-xay-dung",), docs=("KH-183-2021",), as_of=date(2026, 11, 22), only_past_due=True)
    query = "&".join(f"{key}={value}" for key, value in choice.to_query_params().items())
    page.goto(f"{app_url}/?{query}&lang=en")
    wait_for_map(page)
    n_features, n_tasks = counts(choice)
    page.get_by_text(f"{n_features} features on the map").first.wait_for(timeout=20_000)
    assert f"{n_tasks} tasks match the filters" in page.content()
    assert page.get_by_text("Department of Construction").count() >= 1


def test_deep_link_to_tod_runs_through_the_app_frame(page, app_url):
    page.goto(f"{app_url}/tod")
    frame = wait_for_map(page)
    page.get_by_role("heading", name="Vùng phục vụ quanh ga (TOD)").wait_for(timeout=30_000)
    assert page.get_by_text("Bộ lọc (áp dụng cho mọi trang)").count() == 1  # the shared sidebar of app.py
    assert frame.locator(".hn-legend").count() >= 1


def test_export_button_downloads_a_zip(page, app_url, tmp_path):
    import json
    import zipfile

    page.goto(f"{app_url}/?as_of=2026-11-22&layers=bridge")
    wait_for_map(page)
    page.get_by_role("tab", name="In / xuất").click()
    page.get_by_text("Xuất ảnh chụp lớp dữ liệu (zip)").click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Tải xuống ảnh chụp (zip)").click()
    download = info.value
    assert re.fullmatch(r"hanoi-snapshot-2026-11-22-\d{6}\.zip", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert {"layers.gpkg", "layers.kml", "tasks.csv", "tasks.xlsx", "map.png", "map.html", "manifest.json"} <= names
    counts = manifest["counts"]["features"]
    assert counts["bridge"] == manifest["counts"]["features_total"] > 0


def test_language_switch_keeps_the_filters(page, app_url):
    choice = TaskFilter(agencies=("so-xay-dung",), role="lead", as_of=date(2026, 11, 22), only_past_due=True)
    query = "&".join(f"{key}={value}" for key, value in choice.to_query_params().items())
    page.goto(f"{app_url}/?{query}")
    wait_for_map(page)
    n_features, n_tasks = counts(choice)
    page.get_by_text(f"{n_features} đối tượng trên bản đồ").first.wait_for(timeout=20_000)
    page.get_by_text("English", exact=True).first.click()
    page.get_by_text(f"{n_features} features on the map").first.wait_for(timeout=20_000)
    assert f"{n_tasks} tasks match the filters" in page.content()
    page.get_by_text("Only tasks whose deadline passed").first.wait_for(timeout=10_000)
    page.get_by_text("Lead", exact=True).first.click()  # another rerun after the switch: filters still there
    page.wait_for_timeout(1500)
    assert f"{n_features} features on the map" in page.content()
    assert "agencies=so-xay-dung" in page.url and "role=lead" in page.url


def test_text_from_data_is_never_rendered_as_markup(page, hostile_app_url):
    """Markdown images and links, emphasis, HTML and LaTeX in feature, task and agency fields stay visible text."""
    from tests.e2e.conftest import HOSTILE

    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "127.0.0.1:9" in request.url else None)
    page.goto(f"{hostile_app_url}/?layers=hoa_lac")
    wait_for_map(page)
    click_map_at(page, 20.99861, 105.52251)
    page.get_by_text(re.compile(r"^Nhiệm vụ liên kết \(\d+\)$")).first.wait_for(timeout=20_000)
    page.wait_for_timeout(500)
    main = page.locator("section.stMain, [data-testid='stMain']").first
    text = main.inner_text()
    assert text.count("![pix](http://127.0.0.1:9/pix.png)") >= 4  # name, status date/source, task text, product, ...
    assert "**bold**" in text and "<img src=x" in text
    assert main.locator("img[src*='127.0.0.1']").count() == 0
    anchors = main.locator("a[href*='example.org']")
    assert anchors.count() == 0, [anchors.nth(i).evaluate("a => a.parentElement.outerHTML.slice(0, 300)") for i in range(min(3, anchors.count()))]
    assert main.locator("img[src='x']").count() == 0
    assert main.locator("strong", has_text=re.compile(r"^bold$")).count() == 0
    assert main.locator("em", has_text=re.compile(r"^em$")).count() == 0
    assert main.locator(".katex").count() == 0
    assert page.evaluate("() => window.pwned === undefined")
    map_frame = page.frame_locator(MAP_FRAME).first
    assert map_frame.locator("img[src*='127.0.0.1'], img[src='x'], a[href*='example.org']").count() == 0
    page.mouse.move(10, 10)
    box = page.locator(MAP_FRAME).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2 + 3, box["y"] + box["height"] / 2 + 3, steps=5)  # the feature clicked is at the centre
    tooltip = map_frame.locator(".leaflet-tooltip").first
    tooltip.wait_for(timeout=10_000)
    assert "![pix](http://127.0.0.1:9/pix.png)" in tooltip.inner_text() and tooltip.locator("img").count() == 0
    assert fetched == []
    assert HOSTILE.split(" ")[0] in text
