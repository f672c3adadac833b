"""Edit the map in a real browser: an editor redraws Cầu Tứ Liên with Leaflet.draw, saves it with its source, sees it kept.

The app runs on its own scratch store (a coordinator, an editor and a reporter made before
it starts). The editor deletes the schematic red line with the bin tool, draws the bridge
again with the polyline tool, names the source and the reason and saves; after a reload the
history shows version 1 and the map's card says the geometry is now ``edited``. A guest and
a reporter get no editing page. Screenshots go to /tmp/edit-shots/ (not the repository).
"""

import contextlib
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import shapely

from geo.store import add_user, open_store
from geo.store.feature_versions import feature_history
from tests.e2e.conftest import _serve
from tests.e2e.test_browser import wait_for_map

pytestmark = pytest.mark.e2e
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SHOTS = Path("/tmp/edit-shots")
FEATURE, FEATURE_LABEL = "bridge-08", "Cầu Tứ Liên · bridge-08"
SCHEMATIC = [(21.069508, 105.837837), (21.082904, 105.847527)]  # the shipped line, bank point to bank point (lat, lon)
EDITOR, EDITOR_PASSWORD = "bien.tap", "mat-khau-bien-tap-1"
COORDINATOR, COORDINATOR_PASSWORD = "dieu.phoi", "mat-khau-dieu-phoi-1"
REPORTER, REPORTER_PASSWORD = "bao.cao", "mat-khau-bao-cao-1"
SOURCE = "Vết mặt cầu trên nền OpenStreetMap"
REASON = "Vẽ lại tuyến cầu theo mặt cầu đang thi công"
# The bridge drawn again, three clicks from the Nghi Tàm end across the Red River to the Đông Anh bank (lat, lon).
DRAWN = [(21.0700, 105.8380), (21.0760, 105.8420), (21.0825, 105.8470)]


@pytest.fixture(scope="module")
def edit_app(tmp_path_factory):
    """The app on a fresh store holding a coordinator, an editor and a reporter; yields (app url, store url)."""
    folder = tmp_path_factory.mktemp("edit-store")
    store_url = f"sqlite:///{folder / 'planning.sqlite'}"
    store = open_store(store_url)
    coordinator = add_user(store, None, COORDINATOR, role="coordinator", password=COORDINATOR_PASSWORD)
    add_user(store, coordinator, EDITOR, role="editor", password=EDITOR_PASSWORD)
    add_user(store, coordinator, REPORTER, role="reporter", agency_id="so-tai-chinh", password=REPORTER_PASSWORD)
    store.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield from ((url, store_url) for url in _serve({"DATABASE_URL": store_url}))


@pytest.fixture
def tall_page(browser):
    """A page tall enough for the editing map, its form and the history to show in one screenshot."""
    context = browser.new_context(viewport={"width": 1500, "height": 1900})
    yield context.new_page()
    context.close()


def settle(page, timeout: int = 20_000) -> None:
    """Wait until Streamlit has finished the script run that the last interaction started."""
    page.wait_for_timeout(400)
    with contextlib.suppress(Exception):  # Streamlit shows its status widget while a script runs
        page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=timeout)


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def dismiss_dialog(page) -> None:
    """Close Streamlit's modal (its "Page not found" when /edit is asked for without an editor's session)."""
    dialog = page.get_by_role("dialog")
    if dialog.count() and dialog.first.is_visible():
        page.keyboard.press("Escape")
        dialog.first.wait_for(state="hidden", timeout=10_000)


def sign_in(page, name: str, password: str) -> None:
    dismiss_dialog(page)
    if not page.get_by_label("Tên đăng nhập").is_visible():
        page.locator("summary").filter(has_text="Đăng nhập").first.click()
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.get_by_text(re.compile(rf"{re.escape(name)} · ")).first.wait_for(timeout=20_000)
    settle(page)


def open_edit_page(page) -> None:
    """Go to the editing page through the navigation, as a signed-in planner would."""
    page.get_by_role("link", name="Sửa bản đồ").first.click()
    page.get_by_role("heading", name="Sửa bản đồ").wait_for(timeout=30_000)
    settle(page)


def choose_feature(page) -> None:
    chooser = page.get_by_role("combobox", name="Đối tượng", exact=True)
    if chooser.input_value() == FEATURE_LABEL:
        return
    chooser.click()
    page.keyboard.type("Tứ Liên")
    page.get_by_role("option", name=FEATURE_LABEL).click()
    settle(page)
    assert chooser.input_value() == FEATURE_LABEL


def edit_map(page):
    """Return the editing map's frame once Leaflet.draw's toolbar and the shapes are drawn."""
    page.wait_for_selector(MAP_FRAME, state="attached", timeout=30_000)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("a.leaflet-draw-draw-polyline").wait_for(timeout=30_000)
    frame.locator(".leaflet-overlay-pane canvas").first.wait_for(timeout=30_000)  # the map draws on a canvas
    return frame


def map_points(page, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Return where (lat, lon) points are on the page, over the editing map."""
    iframe = page.locator(MAP_FRAME).first
    box = iframe.bounding_box()
    script = "(points) => points.map(([lat, lon]) => map_div.latLngToContainerPoint([lat, lon])).map((q) => [q.x, q.y])"
    pixels = iframe.element_handle().content_frame().evaluate(script, [list(point) for point in points])
    return [(box["x"] + x, box["y"] + y) for x, y in pixels]


def draw_action(frame, *names: str):
    """Return the link of Leaflet.draw's action bar (Save, Finish, ...) named one of `names`."""
    pattern = re.compile("^(" + "|".join(map(re.escape, names)) + ")$")
    link = frame.locator(".leaflet-draw-actions a").filter(visible=True).filter(has_text=pattern).first
    link.wait_for(timeout=10_000)
    return link


def table_rows(table) -> list[dict[str, str]]:
    """Return the rows of a Streamlit data frame as header -> text, read from the grid's accessible table (the canvas's content)."""
    cells = table.evaluate("""(element) => [...element.querySelectorAll('table[role=grid] tr')].map(
        (row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent.trim()))""")
    header, *rows = cells
    return [dict(zip(header, row, strict=False)) for row in rows]


def test_an_editor_redraws_a_bridge_and_it_is_kept(tall_page, edit_app):
    page, (app_url, store_url) = tall_page, edit_app
    page.goto(app_url)
    wait_for_map(page)
    sign_in(page, EDITOR, EDITOR_PASSWORD)
    open_edit_page(page)
    assert urlparse(page.url).path == "/edit"
    choose_feature(page)
    assert page.get_by_role("radio", name="vẽ hoặc chỉnh trên bản đồ").is_checked()
    frame = edit_map(page)
    page.get_by_text("Chưa vẽ hay chỉnh gì: đối tượng giữ nguyên hình học.").wait_for(timeout=20_000)
    assert page.get_by_role("button", name="Lưu hình học mới").is_disabled()  # nothing drawn yet
    page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
    shot(page, "01-edit-page-opened")

    # Redraw: the bin, a click on the red schematic line, Save in the draw toolbar; the old line is gone.
    frame.locator("a.leaflet-draw-edit-remove").click()
    middle = ((SCHEMATIC[0][0] + SCHEMATIC[1][0]) / 2, (SCHEMATIC[0][1] + SCHEMATIC[1][1]) / 2)
    ((x, y),) = map_points(page, [middle])
    page.mouse.click(x, y)
    draw_action(frame, "Save", "Lưu", "Giữ").click()
    settle(page)

    # The polyline tool: three clicks across the river, then Finish; streamlit-folium sends the drawings back.
    frame = edit_map(page)
    frame.locator("a.leaflet-draw-draw-polyline").click()
    for x, y in map_points(page, DRAWN):
        page.mouse.click(x, y)
        page.wait_for_timeout(250)
    shot(page, "02-drawing")
    draw_action(frame, "Finish", "Xong", "Hoàn tất").click()
    settle(page)
    page.get_by_text("Hình học mới: LineString, 3 đỉnh.").wait_for(timeout=30_000)
    page.get_by_text(re.compile(r"^Nguồn gốc: biên tập, vẽ trên nền .+ ở mức thu phóng \d+\.$")).wait_for()

    source = page.locator(f".st-key-geom_{FEATURE}_source input")
    source.fill(SOURCE)
    source.press("Tab")
    settle(page)
    reason = page.locator(f".st-key-geom_reason_{FEATURE} textarea")
    reason.fill(REASON)
    reason.press("Tab")
    settle(page)
    shot(page, "03-ready-to-save")
    page.get_by_role("button", name="Lưu hình học mới").click()
    page.get_by_text(re.compile(rf"^Đã lưu: {FEATURE} phiên bản 1 \(sửa hình học\)\.$")).wait_for(timeout=30_000)
    settle(page)
    shot(page, "04-saved")

    store = open_store(store_url)
    try:
        (version,) = feature_history(store, FEATURE)
    finally:
        store.close()
    assert (version.seq, version.author, version.action, version.review) == (1, EDITOR, "edit", "approved")
    assert version.reason == REASON
    geometry = version.geometry
    assert geometry.geom_type == "LineString"  # the old line was deleted first: not a MultiLineString of old + new
    assert shapely.get_num_coordinates(geometry) >= 3
    assert all(105.2 <= lon <= 106.1 and 20.5 <= lat <= 21.4 for lon, lat, *_ in geometry.coords)
    for (lat, lon), (x, y, *_) in zip(DRAWN, geometry.coords, strict=True):
        assert abs(lon - x) < 2e-4 and abs(lat - y) < 2e-4  # where the editor clicked, longitude first
    properties = version.properties
    assert properties["geometry_quality"] == "edited"
    assert properties["geometry_basemap"] and isinstance(properties["geometry_zoom"], int)
    assert properties["geometry_source"].startswith("Drawn over the basemap") and SOURCE in properties["geometry_source"]

    # A reload is a new session (the local sign-in is per session): sign in again, open the feature, read its history.
    page.reload()
    page.wait_for_selector("[data-testid='stSidebar']", timeout=30_000)
    settle(page)
    sign_in(page, EDITOR, EDITOR_PASSWORD)
    if not page.get_by_role("heading", name="Sửa bản đồ").is_visible():
        open_edit_page(page)
    choose_feature(page)
    edit_map(page)
    page.get_by_text(re.compile(r"^Phiên bản: phiên bản 1 \(đã duyệt\) · nguồn gốc edited · ")).wait_for(timeout=20_000)
    shot(page, "05-after-reload")
    page.get_by_role("tab", name="Lịch sử").click()
    table = page.locator("[data-testid='stDataFrame']").filter(visible=True).first
    table.wait_for(timeout=20_000)
    settle(page)
    shot(page, "06-history")
    newest, base = table_rows(table)
    assert (newest["Phiên bản"], newest["Người sửa"], newest["Nguồn gốc"]) == ("1", EDITOR, "edited"), newest
    assert newest["Lý do"] == REASON, newest
    assert re.match(r"(Drawn over the basemap|Vẽ trên nền bản đồ) .+ (at zoom|ở mức thu phóng) \d+: ", newest["Nguồn"]), newest
    assert SOURCE in newest["Nguồn"]
    assert (base["Phiên bản"], base["Nguồn gốc"]) == ("0", "schematic"), base

    # The map (same session, through the navigation): search "tu lien", jump to the bridge; its card: edited, version 1.
    page.get_by_role("link", name="Bản đồ", exact=True).click()
    page.get_by_role("heading", name="Bản đồ công trình và nhiệm vụ").wait_for(timeout=30_000)
    wait_for_map(page)
    search = page.get_by_role("textbox", name="Tìm kiếm (không cần dấu)")
    search.fill("tu lien")
    search.press("Enter")
    settle(page)
    jump = page.locator(f".st-key-jump_{FEATURE} button")
    jump.wait_for(timeout=20_000)
    assert "Cầu Tứ Liên" in jump.inner_text()
    settle(page)
    card = page.get_by_text("edited — Biên tập (cán bộ quy hoạch vẽ trên nền bản đồ)")
    for _ in range(3):  # a press during the rerun the map's own first report starts can be dropped: press again
        jump.click()
        with contextlib.suppress(Exception):
            card.wait_for(timeout=10_000)
            break
    card.wait_for(timeout=10_000)
    saved_by = re.compile(rf"^Phiên bản: 1, do {re.escape(EDITOR)} lưu \d{{4}}-\d\d-\d\d \d\d:\d\d UTC$")
    page.get_by_text(saved_by).wait_for(timeout=20_000)
    assert page.get_by_role("heading", name="Cầu Tứ Liên", exact=True).is_visible()
    settle(page)
    shot(page, "07-map-card")


def open_as_editor(page, app_url: str, typed: str, label: str) -> None:
    """Sign in as the editor, open the editing page and choose the feature by typing part of its name."""
    page.goto(app_url)
    wait_for_map(page)
    sign_in(page, EDITOR, EDITOR_PASSWORD)
    open_edit_page(page)
    page.get_by_role("combobox", name="Đối tượng", exact=True).click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=label).click()
    settle(page)


def fill_and_save(page, feature_id: str, source: str, reason: str) -> None:
    """Name the source and the reason of the new geometry, then save it."""
    for key, text, field in ((f"geom_{feature_id}_source", source, "input"), (f"geom_reason_{feature_id}", reason, "textarea")):
        box = page.locator(f".st-key-{key} {field}")
        box.fill(text)
        box.press("Tab")
        settle(page)
    page.get_by_role("button", name="Lưu hình học mới").click()


def test_an_editor_reshapes_a_bridge_by_dragging_a_vertex(tall_page, edit_app):
    """Reshape, not redraw: the pencil, drag the middle handle of Cầu Trần Hưng Đạo's line, keep; the ends stay put."""
    page, (app_url, store_url) = tall_page, edit_app
    ends = [(21.019044, 105.858708), (21.05146, 105.87036)]  # the shipped line (lat, lon)
    target = (21.0370, 105.8610)  # where the editor drags the middle of the line
    open_as_editor(page, app_url, "Trần Hưng Đạo", "Cầu Trần Hưng Đạo · bridge-11")
    frame = edit_map(page)
    frame.locator("a.leaflet-draw-edit-edit").click()
    frame.locator(".leaflet-editing-icon").first.wait_for(timeout=10_000)
    middle = ((ends[0][0] + ends[1][0]) / 2, (ends[0][1] + ends[1][1]) / 2)
    (start, end) = map_points(page, [middle, target])
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=12)
    page.mouse.up()
    shot(page, "11-reshaping")
    draw_action(frame, "Save", "Lưu", "Giữ").click()
    settle(page)
    page.get_by_text("Hình học mới: LineString, 3 đỉnh.").wait_for(timeout=30_000)
    fill_and_save(page, "bridge-11", "Mép cầu trên ảnh vệ tinh", "Cầu cong về phía hạ lưu")
    page.get_by_text(re.compile(r"^Đã lưu: bridge-11 phiên bản 1 \(sửa hình học\)\.$")).wait_for(timeout=30_000)
    shot(page, "12-reshaped")
    store = open_store(store_url)
    try:
        (version,) = feature_history(store, "bridge-11")
    finally:
        store.close()
    coords = list(version.geometry.coords)
    assert version.geometry.geom_type == "LineString" and len(coords) == 3
    for (lat, lon), (x, y) in zip(ends, (coords[0], coords[-1]), strict=True):
        assert abs(lon - x) < 1e-5 and abs(lat - y) < 1e-5  # the bank ends did not move
    assert abs(coords[1][0] - target[1]) < 3e-4 and abs(coords[1][1] - target[0]) < 3e-4  # the new vertex is where it was dropped
    assert version.properties["geometry_quality"] == "edited"


def test_an_editor_uploads_a_vn2000_drawing_and_picks_its_feature(tall_page, edit_app, tmp_path):
    """Cầu Vĩnh Tuy 2 is shipped as a point: its alignment comes from a GeoPackage in VN-2000 / TM-3 105° with two lines."""
    import geopandas as gpd

    page, (app_url, store_url) = tall_page, edit_app
    line = shapely.LineString([(105.8739, 21.0003), (105.8762, 21.0044), (105.8790, 21.0090)])  # EPSG:4326 twin (lon, lat)
    other = shapely.LineString([(105.8600, 21.0000), (105.8650, 21.0050)])
    drawing = gpd.GeoDataFrame({"ten": ["Tim đường dẫn", "Vĩnh Tuy 2"]}, geometry=[other, line], crs="EPSG:4326").to_crs("EPSG:5897")
    path = tmp_path / "vinh-tuy-2-vn2000.gpkg"
    drawing.to_file(path, driver="GPKG")
    open_as_editor(page, app_url, "Vĩnh Tuy 2", "Cầu Vĩnh Tuy 2 · bridge-13")
    page.get_by_role("radio", name="từ tệp").check(force=True)
    settle(page)
    page.locator(".st-key-geom_bridge-13_file input[type=file]").set_input_files(str(path))
    settle(page)
    picker = page.get_by_role("combobox", name="Đối tượng trong tệp (2)")
    picker.wait_for(timeout=20_000)
    assert page.get_by_role("button", name="Lưu hình học mới").is_disabled()  # two features, none chosen: nothing taken
    picker.click()
    page.get_by_role("option", name="#2 Vĩnh Tuy 2 (LineString)").click()
    settle(page)
    page.get_by_text(re.compile(r"^vinh-tuy-2-vn2000\.gpkg: gpkg, hệ tọa độ EPSG:5897, 2 đối tượng")).wait_for(timeout=20_000)
    page.get_by_text("Hình học mới: LineString, 3 đỉnh.").wait_for(timeout=20_000)
    shot(page, "13-upload-ready")
    fill_and_save(page, "bridge-13", "Bản vẽ tim tuyến cầu Vĩnh Tuy giai đoạn 2, tờ TT-02", "Thay điểm bằng tim tuyến")
    page.get_by_text(re.compile(r"^Đã lưu: bridge-13 phiên bản 1 \(sửa hình học\)\.$")).wait_for(timeout=30_000)
    store = open_store(store_url)
    try:
        (version,) = feature_history(store, "bridge-13")
    finally:
        store.close()
    projected = gpd.GeoSeries([version.geometry, line], crs="EPSG:4326").to_crs("EPSG:32648")
    assert projected.iloc[0].hausdorff_distance(projected.iloc[1]) < 1.0  # within a metre of its EPSG:4326 twin
    assert version.properties["geometry_quality"] == "surveyed"
    assert version.properties["geometry_file"] == "vinh-tuy-2-vn2000.gpkg"


def test_a_guest_or_a_reporter_gets_no_editing_page(page, edit_app):
    app_url, _ = edit_app
    page.goto(f"{app_url}/edit")  # a guest asking for the page directly
    wait_for_map(page)
    page.get_by_role("dialog").filter(has_text="Page not found").wait_for(timeout=10_000)
    shot(page, "08-guest-edit-url")
    assert page.get_by_role("heading", name="Sửa bản đồ").count() == 0
    assert page.get_by_role("link", name="Sửa bản đồ").count() == 0
    page.get_by_role("heading", name="Bản đồ công trình và nhiệm vụ").wait_for()  # the explorer instead
    assert page.locator(MAP_FRAME).count() == 1
    explorer = page.frame_locator(MAP_FRAME).first  # its draw control is the place filter's: no line tool, no reshaping
    assert explorer.locator("a.leaflet-draw-draw-polyline, a.leaflet-draw-edit-edit").count() == 0
    assert page.get_by_text("Lưu hình học mới").count() == 0
    sign_in(page, REPORTER, REPORTER_PASSWORD)
    page.get_by_role("link", name="Nhiệm vụ của cơ quan tôi").wait_for(timeout=20_000)  # the reporter's page is there,
    assert page.get_by_role("link", name="Sửa bản đồ").count() == 0  # the editing one is not
    shot(page, "09-reporter-navigation")
