"""The map as a working surface, in the real browser: it keeps its place, plays through time, filters by place, finds, prints."""

import json
import re
from urllib.parse import quote

import geopandas as gpd
import pytest
import shapely

from geo import settings
from tests.e2e.test_browser import MAP_FRAME, count_text, wait_for_map

pytestmark = pytest.mark.e2e


def map_state(page) -> tuple[int, float, float]:
    handle = page.locator(MAP_FRAME).first.element_handle().content_frame()
    return tuple(handle.evaluate("() => [map_div.getZoom(), map_div.getCenter().lat, map_div.getCenter().lng]"))


def n_features(page) -> int:
    return int(re.match(r"(\d+)", count_text(page)).group(1))


def features_file() -> gpd.GeoDataFrame:
    return gpd.read_file(settings.PROJECTS_GEOJSON).set_index("id")


def test_a_filter_change_keeps_the_view_and_the_closed_legend(page, app_url):
    page.goto(f"{app_url}/?as_of=2026-11-22&lat=21.03000&lon=105.84000&z=13")
    frame = wait_for_map(page)
    zoom, lat, lon = map_state(page)
    assert zoom == 13 and abs(lat - 21.03) < 1e-3 and abs(lon - 105.84) < 1e-3
    frame.locator(".hn-legend summary").click()  # the planner closes the legend
    page.wait_for_timeout(300)
    before = count_text(page)
    page.get_by_text("Chỉ nhiệm vụ đã quá thời hạn").first.click()
    page.wait_for_function("t => !document.body.innerText.includes(t)", arg=before, timeout=20_000)
    page.wait_for_timeout(1500)
    after = map_state(page)
    assert after[0] == 13 and abs(after[1] - lat) < 1e-6 and abs(after[2] - lon) < 1e-6
    assert frame.locator(".hn-legend details[open]").count() == 0
    assert "lat=21.03" in page.url and "z=13" in page.url


def test_controls_exist(page, app_url):
    page.goto(app_url)
    frame = wait_for_map(page)
    assert frame.locator(".leaflet-control-measure").count() == 1
    assert frame.locator(".leaflet-control-zoom-fullscreen, .fullscreen-icon").count() >= 1
    assert frame.locator(".leaflet-draw-draw-polygon").count() == 1


def test_the_slider_plays_the_network_back_to_2020(page, app_url):
    page.goto(f"{app_url}/?as_of=2026-11-22&layers=metro_station&statuses=operating")
    wait_for_map(page)
    stations = features_file()
    stations = stations[(stations["layer"] == "metro_station") & stations["opens_kind"].eq("actual")]
    opened_by_today = int((stations["opens"].str[:10] <= "2026-11-22").sum())
    assert n_features(page) == opened_by_today > 0
    page.get_by_role("slider").first.focus()
    page.keyboard.press("Home")  # the slider's first step: 1 January 2020
    page.get_by_text(re.compile(r"^0 đối tượng trên bản đồ")).first.wait_for(timeout=20_000)
    assert "as_of=2020-01-01" in page.url


def independent_ward_count(name: str) -> int:
    wards = gpd.read_file(settings.WARDS_GEOJSON).to_crs(settings.CRS_MEASURE)
    ward = wards[wards["name"] == name].geometry.iloc[0]
    return int(features_file().to_crs(settings.CRS_MEASURE).intersects(ward).sum())


def test_ward_filter_accent_free_and_radius_filter(page, app_url):
    page.goto(f"{app_url}/?as_of=2026-11-22")
    wait_for_map(page)
    page.wait_for_timeout(1500)  # the map reports its view once drawn: let that rerun finish before using the sidebar
    page.get_by_text("Lọc theo địa điểm").first.click()
    box = page.get_by_role("combobox", name=re.compile("Phường.xã"))
    box.wait_for(timeout=20_000)
    box.click()
    page.keyboard.type("hoan kiem")
    page.get_by_role("option", name=re.compile("^Phường Hoàn Kiếm")).click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('wards=')", timeout=30_000)
    expected = independent_ward_count("Phường Hoàn Kiếm")
    page.get_by_text(re.compile(rf"^{expected} đối tượng trên bản đồ")).first.wait_for(timeout=30_000)
    assert "wards=Ph" in page.url
    point = gpd.GeoSeries([shapely.Point(105.82728, 21.02838)], crs="EPSG:4326").to_crs(settings.CRS_MEASURE).iloc[0]
    near = int((features_file().to_crs(settings.CRS_MEASURE).distance(point) <= 800).sum())
    page.goto(f"{app_url}/?as_of=2026-11-22&near={quote('21.02838,105.82728,800')}")
    wait_for_map(page)
    assert n_features(page) == near > 0


def test_search_finds_a_feature_and_jumps_to_it(page, app_url):
    page.goto(f"{app_url}/?as_of=2026-11-22&query={quote('cau long bien')}")
    wait_for_map(page)
    page.get_by_role("button", name=re.compile("Đi tới: Cầu Long Biên")).click()
    page.wait_for_timeout(2500)
    zoom, lat, lon = map_state(page)
    bridge = features_file().loc["bridge-09"].geometry
    assert zoom >= 14 and abs(lat - bridge.centroid.y) < 0.01 and abs(lon - bridge.centroid.x) < 0.01
    assert "sel=bridge-09" in page.url


def test_print_of_the_view_is_a_one_page_pdf(page, app_url, tmp_path):
    page.goto(f"{app_url}/?as_of=2026-11-22&lat=21.03000&lon=105.84000&z=13")
    wait_for_map(page)
    page.wait_for_timeout(1500)  # the map reports its view once drawn: let that rerun finish before clicking
    page.get_by_role("tab", name="In / xuất").click()
    button = page.get_by_role("button", name="Tải bản in của khung nhìn hiện tại")
    button.wait_for(timeout=20_000)
    for attempt in range(2):  # a rerun that replaces the button as it is clicked loses the click: try once more
        try:
            with page.expect_download(timeout=30_000) as info:
                button.click()
            break
        except Exception:
            if attempt:
                raise
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1


def test_a_shared_link_restores_a_tod_setting(page, app_url):
    page.goto(f"{app_url}/tod?tod_lines=2A&tod_radius=500&tod_phase=2026-11-22")
    wait_for_map(page)
    page.get_by_role("heading", name="Vùng phục vụ quanh ga (TOD)").wait_for(timeout=30_000)
    page.get_by_text("Số ga").first.wait_for(timeout=30_000)
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert metrics[0] == "12"
    assert "tod_radius=500" in page.url and "tod_lines=2A" in page.url
    json.dumps(metrics)
