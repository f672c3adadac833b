"""AppTest of the store in the pages: sign-in, roles in the sidebar, guests, the coordinator's page, imported plans."""

import pandas as pd
import pytest
from conftest import alerts, run_page

from geo.importer import import_tasks
from geo.register import load_register
from geo.store import add_user, get_setting, import_plan, list_users, open_store, set_setting, withdraw_plan


@pytest.fixture(scope="module")
def store():
    store = open_store()  # the scratch store of the test session (tests/conftest.py sets DATABASE_URL)
    if not list_users(store):
        add_user(store, None, "dieu.phoi", role="coordinator", password="mat-khau-dai-1")
    return store


def coordinator(store):
    from geo.store import get_user

    return get_user(store, "dieu.phoi")


def run_app(**state):
    """Run the whole app (app.py: the frame with its sidebar, then the default page, the map)."""
    from conftest import APP
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        app.session_state[key] = value
    app.run()
    assert not app.exception, app.exception
    return app


def test_a_guest_views_and_is_told_so(store):
    app = run_app()
    assert any("khách" in caption.value for caption in app.sidebar.caption)
    assert not any(page for page in ["Tài khoản & nhật ký"] if page in str(app))


def test_a_signed_in_coordinator_sees_name_role_and_the_coordinators_page(store):
    """AppTest reruns only the page after the first run, so each state is a fresh run (the password form: tests/e2e)."""
    from conftest import html_texts

    app = run_app(user_name="dieu.phoi")
    assert any("dieu.phoi · Điều phối viên" in text for text in html_texts(app))
    assert any("Đăng xuất" in str(button.label) for button in app.sidebar.button)
    admin = run_page("pages/admin.py", user_name="dieu.phoi")
    assert admin.title[0].value == "Tài khoản và nhật ký thay đổi"
    assert "dieu.phoi" in list(admin.dataframe[0].value["name"])


def test_a_disabled_account_is_signed_out_at_once(store):
    from geo.store import disable_user, get_user

    reporter = add_user(store, coordinator(store), "bao.cao.tam", role="reporter", agency_id="so-xay-dung", password="mat-khau-dai-2")
    disable_user(store, coordinator(store), reporter.name, expected_version=get_user(store, reporter.name).version)
    app = run_app(user_name="bao.cao.tam")
    assert any("khách" in caption.value for caption in app.sidebar.caption)


def test_the_coordinators_page_refuses_others(store):
    app = run_page("pages/admin.py")
    assert any("dành cho điều phối viên" in info.value for info in app.info)


def test_guests_can_be_shut_out(store):
    value, version = get_setting(store, "anonymous_viewing")
    set_setting(store, coordinator(store), "anonymous_viewing", False, expected_version=version)
    try:
        app = run_app()
        assert any("không cho khách xem" in text for text in alerts(app, "info"))
        assert not app.title  # nothing of the map is drawn
    finally:
        set_setting(store, coordinator(store), "anonymous_viewing", True, expected_version=version + 1)
    assert value is True


def test_an_imported_plan_shows_for_everyone_with_who_and_when(store, tmp_path, agencies):
    path = tmp_path / "plan.csv"
    pd.DataFrame([
        {"task": "Xây dựng cầu <b>thử</b>", "lead_agency_raw": "Sở Xây dựng", "due_raw": "Quý IV/2027"},
        {"task": "Nhiệm vụ hai", "lead_agency_raw": "Sở Tài chính", "due_raw": "2028"},
    ]).to_csv(path, index=False)  # fmt: skip
    result = import_tasks(path, agencies, doc_id="KH-TEST-2027")
    plan = import_plan(store, coordinator(store), result, doc_id="KH-TEST-2027", file_name="plan.csv", file_bytes=path.read_bytes())
    try:
        app = run_page("pages/register.py", f_docs=["KH-TEST-2027"])
        count = next(md.value for md in app.markdown if "nhiệm vụ khớp" in md.value)
        assert count.startswith("**2 nhiệm vụ khớp bộ lọc")
        plans = next(frame.value for frame in app.dataframe if "imported_by" in frame.value.columns)
        row = plans[plans["doc_id"] == "KH-TEST-2027"].iloc[0]
        assert row["imported_by"] == "dieu.phoi" and row["task_count"] == 2 == plan.task_count
    finally:
        withdraw_plan(store, coordinator(store), plan.id, plan.version)  # other tests count the base register
    app = run_page("pages/register.py", f_docs=[])
    assert next(md.value for md in app.markdown if "nhiệm vụ khớp" in md.value).endswith(f"(trên tổng {len(load_register())})**")
