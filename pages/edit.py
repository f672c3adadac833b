"""Edit the map (editors and coordinators): reshape or redraw a feature, upload its geometry, add one, link tasks, retire,
see its history and revert; a coordinator reviews pending changes. Every save names its source and its reason."""

from __future__ import annotations

import streamlit as st

from geo.errors import ConflictError, PlanningMapError
from geo.featureedit import add_feature, edit_geometry, link_task, retire_feature, revert_feature, unlink_task
from geo.i18n import t
from pages import _auth, _cache, _editing, _frame, _panels, _text

lang, choice = _frame.current()
st.title(t("edit.title", lang))
store, user = _auth.gate("geometry.edit", "edit.need_editor", lang)
data = _cache.data()
state = st.session_state
modes = ["edit", "add", *(["review"] if _auth.may(user, "edit.review") else [])]
if state.get("edit_mode") not in modes:
    state.edit_mode = "edit"
mode = st.segmented_control(t("edit.mode", lang), modes, key="edit_mode", format_func=lambda m: t(f"edit.mode.{m}", lang))
if state.get("edit_saved"):
    _text.show(_text.alert("success", state.pop("edit_saved")))


def saved(version) -> None:
    """Say what was saved (and whether it waits for review), then show the feature afresh."""
    key = "edit.saved" if version.review == "approved" else "edit.saved_pending"
    state.edit_saved = t(key, lang, id=version.feature_id, seq=version.seq, action=t(f"edit.action.{version.action}", lang))
    _editing.forget(version.feature_id)
    st.rerun()


def attempt(feature_id: str, write) -> None:
    """Run one save; a conflict shows who changed the feature meanwhile and opens it afresh, other refusals say why."""
    try:
        version = write()
    except ConflictError as error:
        _panels.error(error, lang)
        _editing.forget(feature_id)
        st.button(t("edit.reload", lang), key="edit_reload")
        return
    except PlanningMapError as error:
        _panels.error(error, lang)
        return
    saved(version)


if mode == "review":
    _editing.review_panel(store, user, data, lang=lang)
elif mode == "add":
    registry = data.registry
    layers = list(registry.ids("project"))
    left, right = st.columns(2)
    layer = left.selectbox(t("edit.layer", lang), layers, key="add_layer", format_func=lambda layer_id: registry.label(layer_id, lang))
    statuses = list(registry.get(layer).statuses) or ["planned"]
    status = right.selectbox(t("edit.status", lang), statuses, key="add_status", format_func=lambda s: t(f"status.{s}", lang))
    name = left.text_input(t("edit.name_vi", lang), key="add_name", max_chars=300)
    name_en = right.text_input(t("edit.name_en", lang), key="add_name_en", max_chars=300)
    status_date = left.text_input(t("edit.status_date", lang), key="add_status_date", max_chars=10, help=t("edit.status_date.help", lang))
    status_source = right.text_input(t("edit.status_source", lang), key="add_status_source", max_chars=500)
    with st.expander(t("edit.dates", lang)):
        dates = {}
        for field in ("construction_start", "opens"):
            columns = st.columns(3)
            dates[field] = columns[0].text_input(t(f"edit.{field}", lang), key=f"add_{field}", max_chars=10, help="YYYY-MM-DD")
            dates[f"{field}_precision"] = columns[1].selectbox(t("edit.precision", lang), ["", "day", "month", "quarter", "year"],
                                                               key=f"add_{field}_precision")  # fmt: skip
            dates[f"{field}_source"] = columns[2].text_input(t("edit.date_source", lang), key=f"add_{field}_source", max_chars=500)
        dates["opens_kind"] = st.radio(t("edit.opens_kind", lang), ["", "actual", "target"], key="add_opens_kind", horizontal=True,
                                       format_func=lambda kind: t(f"edit.opens_kind.{kind or 'none'}", lang))  # fmt: skip
    spec = registry.get(layer)
    given = _editing.geometry_input(data, key="add", layer_geometry=spec.geometry, geometry=None, lang=lang)
    reason = st.text_area(t("edit.reason", lang), key="add_reason", max_chars=1000)
    if st.button(t("edit.add", lang), type="primary", key="add_save", disabled=given is None):
        attempt(name_en or "new", lambda: add_feature(
            store, user, data, layer=layer, name=name, name_en=name_en, status=status, status_date=status_date,
            status_source=status_source, reason=reason, dates={key: value for key, value in dates.items() if value}, **given))  # fmt: skip
else:
    choices = _editing.feature_choices(data, store)
    if state.get("edit_feature") not in choices:
        picked = state.get("map_sel")
        state.edit_feature = picked if picked in choices else next(iter(choices))
    feature_id = st.selectbox(t("edit.feature", lang), list(choices), key="edit_feature", format_func=choices.get)
    working = _editing.current(data, store, feature_id)
    seen = _editing.seen_seq(feature_id, working.seq)
    spec = data.registry.get(working.layer)
    _text.show(_text.line(t("edit.col.version", lang), t("edit.version_line", lang, n=working.seq, review=t(f"edit.review.{working.review}", lang),
                                                         quality=working.quality, layer=spec.label(lang))))  # fmt: skip
    if working.retired:
        _text.show(_text.alert("warning", t("edit.is_retired", lang)))
    tabs = st.tabs([t("edit.tab.geometry", lang), t("edit.tab.tasks", lang), t("edit.tab.history", lang), t("edit.tab.retire", lang)])
    with tabs[2]:
        compare = _editing.history_panel(data, store, feature_id, lang=lang)
        older = {version.seq: version for version in _editing.versions(data, store, feature_id)}
        target = st.selectbox(t("edit.revert_to", lang), [seq for seq in older if seq != working.seq], key=f"revert_{feature_id}",
                              format_func=lambda seq: t("edit.version_n", lang, n=seq), placeholder=t("edit.no_other_version", lang))  # fmt: skip
        why = st.text_input(t("edit.reason", lang), key=f"revert_reason_{feature_id}", max_chars=1000)
        if target is not None and st.button(t("edit.revert", lang), key=f"revert_go_{feature_id}"):
            attempt(feature_id, lambda: revert_feature(store, user, data, feature_id, to_seq=int(target), reason=why, expected_seq=seen))
    with tabs[0]:
        if not working.retired:
            previous = older[compare].geometry if compare is not None else None
            given = _editing.geometry_input(data, key=f"geom_{feature_id}", layer_geometry=spec.geometry, geometry=working.geometry,
                                         previous=previous, lang=lang)  # fmt: skip
            reason = st.text_area(t("edit.reason", lang), key=f"geom_reason_{feature_id}", max_chars=1000)
            if st.button(t("edit.save", lang), type="primary", key=f"geom_save_{feature_id}", disabled=given is None):
                attempt(feature_id, lambda: edit_geometry(store, user, data, feature_id, reason=reason, expected_seq=seen, **given))
    with tabs[1]:
        for task_id, basis in working.links:
            task_text = data.tasks.at[task_id, "task"] if task_id in data.tasks.index else ""
            _text.show(_text.line(task_id, f"“{basis}” — {task_text}", small=True))
        if not working.links:
            st.info(t("panel.no_tasks", lang))
        if not working.retired:
            st.markdown(f"**{t('edit.link', lang)}**")
            task_id = st.selectbox(t("edit.task", lang), list(data.tasks.index), key=f"link_task_{feature_id}", index=None,
                                   format_func=lambda tid: f"{tid} · {data.tasks.at[tid, 'task'][:90]}")  # fmt: skip
            if task_id:
                _text.show(_text.text(data.tasks.at[task_id, "task"]))
            basis = st.text_input(t("edit.basis", lang), key=f"link_basis_{feature_id}", max_chars=300, help=t("edit.basis.help", lang))
            if st.button(t("edit.link", lang), key=f"link_go_{feature_id}", disabled=not task_id):
                attempt(feature_id, lambda: link_task(store, user, data, feature_id, str(task_id), basis,
                                                      reason=t("edit.link_reason", "en", basis=basis), expected_seq=seen))  # fmt: skip
            if working.links:
                st.markdown(f"**{t('edit.unlink', lang)}**")
                gone = st.selectbox(t("edit.task", lang), [task for task, _ in working.links], key=f"unlink_task_{feature_id}")
                why = st.text_input(t("edit.reason", lang), key=f"unlink_reason_{feature_id}", max_chars=1000)
                if st.button(t("edit.unlink", lang), key=f"unlink_go_{feature_id}"):
                    attempt(feature_id, lambda: unlink_task(store, user, data, feature_id, gone, reason=why, expected_seq=seen))
    with tabs[3]:
        if not working.retired:
            st.caption(t("edit.retire.help", lang))
            why = st.text_input(t("edit.reason", lang), key=f"retire_reason_{feature_id}", max_chars=1000)
            if st.button(t("edit.retire", lang), key=f"retire_go_{feature_id}"):
                attempt(feature_id, lambda: retire_feature(store, user, data, feature_id, reason=why, expected_seq=seen))
_frame.sync_url()
