"""AppTest of the editing page: who may open it, history, linking with the task's words, a conflict, the coordinator's review.

The drawing itself is proven in the browser (tests/e2e/test_edit_browser.py). Every change made here is
reverted at the end, so the other page tests see the shipped map.
"""

import pytest
from conftest import alerts, run_page

from geo.featureedit import edit_geometry, revert_feature, versions, working_version
from geo.store import add_user, get_setting, get_user, list_users, open_store, set_setting
from geo.store.feature_versions import REVIEW_SETTING, feature_history
from geo.view import load_data

TOUCHED = ("bridge-08", "bridge-11")


@pytest.fixture(scope="module")
def store():
    store = open_store()  # the scratch store of the test session (tests/conftest.py sets DATABASE_URL)
    if not list_users(store):
        add_user(store, None, "dieu.phoi", role="coordinator", password="mat-khau-dai-1")
    boss = get_user(store, "dieu.phoi")
    for name, role in (("bien.tap", "editor"), ("bien.tap.2", "editor")):
        if name not in {user.name for user in list_users(store)}:
            add_user(store, boss, name, role=role)
    if "bao.cao.xd" not in {user.name for user in list_users(store)}:
        add_user(store, boss, "bao.cao.xd", role="reporter", agency_id="so-xay-dung")
    yield store
    from geo.store.feature_versions import pending_versions, review_version

    for version in pending_versions(store):  # nothing left waiting
        review_version(store, boss, version.id, approve=False, expected_version=version.version)
    data = load_data(store=store)
    for feature_id in TOUCHED:  # back to the shipped feature, as a new version (history is never deleted)
        current = working_version(data, store, feature_id)
        base = versions(data, store, feature_id)[-1]
        if not current.same_content(base):
            revert_feature(store, boss, data, feature_id, to_seq=0, reason="end of the page test", expected_seq=feature_history(store, feature_id)[0].seq)
    _, seen = get_setting(store, REVIEW_SETTING)
    if get_setting(store, REVIEW_SETTING)[0]:
        set_setting(store, boss, REVIEW_SETTING, False, expected_version=seen)


def review(store, on: bool) -> None:
    value, seen = get_setting(store, REVIEW_SETTING)
    if bool(value) != on:
        set_setting(store, get_user(store, "dieu.phoi"), REVIEW_SETTING, on, expected_version=seen)


def latest_seq(store, feature_id):
    found = feature_history(store, feature_id)
    return found[0].seq if found else 0


def test_a_guest_a_viewer_and_a_reporter_are_told_editing_needs_an_editor(store):
    for state in ({}, {"user_name": "bao.cao.xd"}):
        app = run_page("pages/edit.py", **state)
        assert any("cần tài khoản biên tập viên" in info.value for info in app.info)
        assert not app.selectbox


def test_an_editor_sees_the_feature_its_version_and_its_history_from_data(store):
    app = run_page("pages/edit.py", user_name="bien.tap", edit_feature="bridge-08")
    assert app.selectbox(key="edit_feature").value == "bridge-08"
    history = app.dataframe[0].value
    base = history[history["Phiên bản"] == 0].iloc[0]
    assert (base["Thay đổi"], base["Người sửa"], base["Nguồn gốc"]) == ("bản gốc (data/)", "data/", "schematic")
    assert {"KH-183-2021.025", "KH-DU-2026.051"} == set(base["Nhiệm vụ"].split(", "))


def test_linking_on_the_page_needs_the_words_of_the_task(store):
    before = latest_seq(store, "bridge-11")
    app = run_page("pages/edit.py", user_name="bien.tap", edit_feature="bridge-11")
    app.selectbox(key="link_task_bridge-11").set_value("KH-183-2021.025").run()
    app.text_input(key="link_basis_bridge-11").input("cầu Nhật Tân").run()
    app.button(key="link_go_bridge-11").click().run()
    assert any("không phải lời văn của nhiệm vụ KH-183-2021.025" in text for text in alerts(app, "error"))
    assert latest_seq(store, "bridge-11") == before
    app.text_input(key="link_basis_bridge-11").input("đường từ cầu Tứ Liên").run()
    app.button(key="link_go_bridge-11").click().run()
    assert any(f"bridge-11 phiên bản {before + 1}" in text for text in alerts(app, "success"))
    newest = feature_history(store, "bridge-11")[0]
    assert (newest.action, newest.author) == ("link", "bien.tap")
    assert ("KH-183-2021.025", "đường từ cầu Tứ Liên") in newest.links


def test_a_second_editor_gets_a_conflict_naming_the_first(store):
    from geo.featureedit import unlink_task

    seen = latest_seq(store, "bridge-11")
    app = run_page("pages/edit.py", user_name="bien.tap.2", edit_feature="bridge-11", edit_seen={"bridge-11": seen})
    app.selectbox(key="link_task_bridge-11").set_value("KH-DU-2026.067").run()
    app.text_input(key="link_basis_bridge-11").input("Trần Hưng Đạo").run()
    data = load_data(store=store)  # meanwhile, the first editor changes the same feature
    unlink_task(store, get_user(store, "bien.tap"), data, "bridge-11", "KH-DU-2026.051", reason="the generic row", expected_seq=seen)
    app.button(key="link_go_bridge-11").click().run()
    assert any("bien.tap đã lưu phiên bản" in text and "the generic row" in text for text in alerts(app, "error"))
    newest = feature_history(store, "bridge-11")[0]
    assert newest.seq == seen + 1 and newest.author == "bien.tap"  # only the first change landed
    assert "KH-DU-2026.067" not in {task for task, _ in newest.links}


def test_the_coordinator_approves_a_pending_change_on_the_page(store):
    review(store, True)
    import shapely

    data = load_data(store=store)
    line = shapely.LineString([(105.8402, 21.0702), (105.8436, 21.0761), (105.8469, 21.0822)])
    pending = edit_geometry(store, get_user(store, "bien.tap"), data, "bridge-08", line, quality="surveyed",
                            source="Bản vẽ MB-01", reason="from the drawing", expected_seq=latest_seq(store, "bridge-08"))  # fmt: skip
    assert pending.review == "pending"
    assert load_data(store=store).features.at["bridge-08", "geometry_quality"] == "schematic"  # not on the map before approval
    app = run_page("pages/edit.py", user_name="dieu.phoi", edit_mode="review")
    assert any("Thay đổi chờ duyệt: 1" in header.value for header in app.subheader)
    app.button(key=f"edit_ok_{pending.id}").click().run()
    assert feature_history(store, "bridge-08")[0].review == "approved"
    assert load_data(store=store).features.at["bridge-08", "geometry_quality"] == "surveyed"


def test_a_retired_feature_is_listed_and_reverted_from_the_page(store):
    from geo.featureedit import retire_feature

    review(store, False)
    data = load_data(store=store)
    seq = latest_seq(store, "bridge-08")
    retire_feature(store, get_user(store, "bien.tap"), data, "bridge-08", reason="test retire", expected_seq=seq)
    assert "bridge-08" not in load_data(store=store).features.index
    app = run_page("pages/edit.py", user_name="bien.tap", edit_feature="bridge-08")
    assert "gỡ khỏi bản đồ" in app.selectbox(key="edit_feature").format_func("bridge-08")
    assert any("đã bị gỡ khỏi bản đồ" in text for text in alerts(app, "warning"))
    app.selectbox(key="revert_bridge-08").set_value(seq).run()
    app.text_input(key="revert_reason_bridge-08").input("retired by mistake").run()
    app.button(key="revert_go_bridge-08").click().run()
    assert any(f"bridge-08 phiên bản {seq + 2}" in text for text in alerts(app, "success"))
    assert "bridge-08" in load_data(store=store).features.index


def test_after_a_rejection_the_page_saves_from_the_newest_version(store):
    import shapely

    from geo.store.feature_versions import review_version

    boss = get_user(store, "dieu.phoi")
    review(store, True)
    data = load_data(store=store)
    line = shapely.LineString([(105.8587, 21.0190), (105.8650, 21.0350), (105.8704, 21.0515)])
    pending = edit_geometry(store, get_user(store, "bien.tap"), data, "bridge-11", line, quality="surveyed", source="MB-02",
                            reason="to be rejected", expected_seq=latest_seq(store, "bridge-11"))  # fmt: skip
    review_version(store, boss, pending.id, approve=False, expected_version=1)
    app = run_page("pages/edit.py", user_name="dieu.phoi", edit_feature="bridge-11")
    app.text_input(key="retire_reason_bridge-11").input("after the rejection").run()
    app.button(key="retire_go_bridge-11").click().run()
    newest = feature_history(store, "bridge-11")[0]
    assert (newest.seq, newest.action, newest.review) == (pending.seq + 1, "retire", "approved")


def test_an_editor_goes_from_the_maps_card_to_the_editing_page(store):
    guest = run_page("pages/map.py", map_sel="bridge-08")
    assert not [button for button in guest.button if button.key == "map_edit_feature"]  # a guest sees the card only
    app = run_page("pages/map.py", user_name="bien.tap", map_sel="bridge-08")
    app.button(key="map_edit_feature").click().run()
    assert app.title[0].value == "Sửa bản đồ"
    assert app.selectbox(key="edit_feature").value == "bridge-08"
