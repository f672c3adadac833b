"""Edit the map (editors and coordinators): reshape or redraw a feature, upload its geometry, add one, link tasks, retire,
see its history and revert; a coordinator reviews pending changes. Every save names its source and its reason."""

from __future__ import annotations

import streamlit as st

from geo.featureedit import MAX_REASON_CHARS, edit_geometry, shown_version, versions
from geo.i18n import t
from pages import _auth, _cache, _editing, _editpanels, _frame, _text

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

if mode == "review":
    _editpanels.review(store, user, data, lang=lang)
elif mode == "add":
    _editpanels.add_form(data, store, user, lang=lang)
else:
    choices = _editpanels.feature_choices(data, store, lang)
    if state.get("edit_feature") not in choices:
        state.edit_feature = state.get("map_sel") if state.get("map_sel") in choices else next(iter(choices))
    feature_id = st.selectbox(t("edit.feature", lang), list(choices), key="edit_feature", format_func=choices.get)
    found = versions(data, store, feature_id)
    working = shown_version(found)  # a pending change is shown, not built on
    seen = _editing.seen_seq(feature_id, found[0].seq)
    spec = data.registry.get(working.layer)
    _text.show(_text.line(t("edit.col.version", lang), t("edit.version_line", lang, n=working.seq, review=t(f"edit.review.{working.review}", lang),
                                                         quality=working.quality, layer=spec.label(lang))))  # fmt: skip
    if working.retired:
        _text.show(_text.alert("warning", t("edit.is_retired", lang)))
    tabs = st.tabs([t("edit.tab.geometry", lang), t("edit.tab.tasks", lang), t("edit.tab.history", lang), t("edit.tab.retire", lang)])
    with tabs[2]:
        previous = _editpanels.history(data, store, user, feature_id, seen=seen, lang=lang)
    with tabs[1]:
        _editpanels.tasks(data, store, user, working, seen=seen, lang=lang)
    with tabs[3]:
        _editpanels.retire(data, store, user, working, seen=seen, lang=lang)
    with tabs[0]:
        if not working.retired:
            given = _editing.geometry_input(data, key=f"geom_{feature_id}", layer_geometry=spec.geometry, geometry=working.geometry,
                                            previous=previous, lang=lang)  # fmt: skip
            reason = st.text_area(t("edit.reason", lang), key=f"geom_reason_{feature_id}", max_chars=MAX_REASON_CHARS)
            if st.button(t("edit.save", lang), type="primary", key=f"geom_save_{feature_id}", disabled=given is None):
                _editpanels.attempt(feature_id, lambda: edit_geometry(store, user, data, feature_id, reason=reason, expected_seq=seen,
                                                                      **given), lang)  # fmt: skip
_frame.sync_url()
