"""The planning store in the real browser: sign-in (local and OpenID Connect), an imported plan kept for everyone."""

import re

import pytest

from geo.store import add_user, get_user, list_users, open_store
from tests.e2e.test_browser import settle, wait_for_map

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def store():
    store = open_store()  # the scratch store the test servers share (tests/conftest.py sets DATABASE_URL)
    if not list_users(store):
        add_user(store, None, "dieu.phoi", role="coordinator", password="mat-khau-dai-1")
    return store


def sign_in(page, name: str, password: str) -> None:
    if not page.get_by_label("Tên đăng nhập").is_visible():
        page.locator("summary").filter(has_text="Đăng nhập").first.click()
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()


def test_local_sign_in_wrong_then_right(page, app_url, store):
    page.goto(app_url)
    wait_for_map(page)
    sign_in(page, "dieu.phoi", "sai-mat-khau")
    page.get_by_text(re.compile("sai tên đăng nhập hoặc mật khẩu")).first.wait_for(timeout=20_000)
    sign_in(page, "dieu.phoi", "mat-khau-dai-1")
    page.get_by_text(re.compile(r"dieu\.phoi · Điều phối viên")).first.wait_for(timeout=20_000)
    assert "mat-khau" not in page.url
    assert page.get_by_role("link", name=re.compile("Tài khoản & nhật ký")).count() == 1


def test_an_imported_plan_stays_after_reload_and_for_another_user(page, browser, app_url, store, tmp_path):
    plan = tmp_path / "ke-hoach.csv"
    plan.write_text("task,lead_agency_raw,due_raw\nXây dựng cầu thử nghiệm,Sở Xây dựng,Quý IV/2027\nNhiệm vụ hai,Sở Tài chính,2028\n",
                    encoding="utf-8")  # fmt: skip
    page.goto(f"{app_url}/register")
    page.get_by_role("heading", name="Danh mục nhiệm vụ").wait_for(timeout=30_000)
    sign_in(page, "dieu.phoi", "mat-khau-dai-1")
    page.get_by_text(re.compile(r"dieu\.phoi · Điều phối viên")).first.wait_for(timeout=20_000)
    page.get_by_text("Nhập bảng nhiệm vụ của văn bản mới (CSV/XLSX)").click()
    page.get_by_label("Mã văn bản mới").fill("KH-E2E-2027")
    page.get_by_label("Mã văn bản mới").press("Enter")
    settle(page)
    page.locator("input[type=file]").set_input_files(str(plan))
    page.get_by_text("Đã đọc 2 dòng; 0 dòng bị gắn cờ.").wait_for(timeout=40_000)
    page.get_by_role("button", name=re.compile("Lưu kế hoạch này vào kho")).click()
    page.get_by_text("Đã lưu kế hoạch KH-E2E-2027: 2 nhiệm vụ.").wait_for(timeout=20_000)
    other = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()  # another planner, a guest
    other.goto(f"{app_url}/register?docs=KH-E2E-2027")
    other.get_by_text("2 nhiệm vụ khớp bộ lọc", exact=False).first.wait_for(timeout=30_000)
    other.context.close()
    from geo.store import list_plans

    saved = [plan for plan in list_plans(store) if plan.doc_id == "KH-E2E-2027"]
    assert len(saved) == 1 and saved[0].imported_by == "dieu.phoi" and saved[0].task_count == 2
    from geo.store import withdraw_plan

    withdraw_plan(store, get_user(store, "dieu.phoi"), saved[0].id, saved[0].version)  # the other tests count the base register


def test_openid_connect_sign_in_with_a_mock_provider(page, oidc_app_url, store):
    from geo.store import get_user as _get

    try:
        _get(store, "lan.oidc")
    except Exception:
        add_user(store, get_user(store, "dieu.phoi"), "lan.oidc", role="editor", oidc_subject="lan.oidc")
    page.goto(oidc_app_url)
    wait_for_map(page)
    page.locator("summary").filter(has_text="Đăng nhập").first.click()
    page.get_by_role("button", name=re.compile("OpenID Connect")).click()
    page.locator("input[name=sub]").fill("lan.oidc")
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text(re.compile(r"lan\.oidc · Biên tập viên")).first.wait_for(timeout=30_000)
