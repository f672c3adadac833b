"""The editing page's panels: pick a feature, its history and revert, its tasks, retire, add a feature, the review.

A save goes through :func:`attempt`: a conflict shows who changed the feature meanwhile
and opens it afresh; any other refusal says why; a success says what was saved.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from geo import settings
from geo.errors import ConflictError, PlanningMapError
from geo.featureedit import (
    MAX_NAME_CHARS,
    MAX_REASON_CHARS,
    add_feature,
    link_task,
    retire_feature,
    revert_feature,
    unlink_task,
    versions,
)
from geo.i18n import t
from geo.store.feature_versions import current_versions
from pages import _editing, _panels, _text


def feature_choices(data, store, lang: str) -> dict[str, str]:
    """Return feature id -> label of every feature an editor may open: the map's, those added and pending, and the retired."""
    labels = {fid: f"{row['name']} · {fid}" for fid, row in data.features.iterrows()}
    for version in current_versions(store, include_pending=True):  # added features still pending, and retired ones
        mark = t("edit.action.retire", lang) if version.retired else t(f"edit.review.{version.review}", lang)
        if version.feature_id not in labels or version.retired:
            labels[version.feature_id] = f"{version.properties.get('name', '')} · {version.feature_id} ({mark})"
    return dict(sorted(labels.items(), key=lambda item: item[1].casefold()))


def attempt(feature_id: str, write: Callable, lang: str) -> None:
    """Run one save; on success say what was saved and show the feature afresh."""
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
    key = "edit.saved" if version.review == "approved" else "edit.saved_pending"
    st.session_state.edit_saved = t(key, lang, id=version.feature_id, seq=version.seq, action=t(f"edit.action.{version.action}", lang))
    _editing.forget(version.feature_id)
    st.rerun()


def history(data, store, user, feature_id: str, *, seen: int, lang: str):
    """Show every version (who, when, why, source, review) and the revert; return the version chosen to draw beside, if any."""
    found = versions(data, store, feature_id)
    records = [version.record() for version in found]
    table = pd.DataFrame({
        t("edit.col.version", lang): [item["seq"] for item in records],
        t("edit.col.action", lang): [t(f"edit.action.{item['action']}", lang) for item in records],
        t("edit.col.review", lang): [t(f"edit.review.{item['review']}", lang) for item in records],
        t("edit.col.who", lang): [item["author"] for item in records],
        t("edit.col.when", lang): [f"{item['created_at'][:16].replace('T', ' ')} UTC" if item["created_at"] else "" for item in records],
        t("edit.col.why", lang): [item["reason"] for item in records],
        t("edit.col.quality", lang): [item["geometry_quality"] for item in records],
        t("edit.col.source", lang): [item["geometry_source"] for item in records],
        t("edit.col.tasks", lang): [", ".join(link["task_id"] for link in item["links"]) for item in records],
        t("edit.col.retired", lang): [item["retired"] for item in records],
    })  # fmt: skip
    st.dataframe(table, hide_index=True, use_container_width=True)
    by_seq = {version.seq: version for version in found}
    compare = st.selectbox(t("edit.compare", lang), [None, *list(by_seq)[1:]], key=f"edit_compare_{feature_id}",
                           format_func=lambda seq: t("edit.compare.none", lang) if seq is None else t("edit.version_n", lang, n=seq))  # fmt: skip
    approved = [seq for seq, version in by_seq.items() if version.review == "approved"]
    target = st.selectbox(t("edit.revert_to", lang), approved[1:], key=f"revert_{feature_id}", index=None,
                          format_func=lambda seq: t("edit.version_n", lang, n=seq), placeholder=t("edit.no_other_version", lang))  # fmt: skip
    why = st.text_input(t("edit.reason", lang), key=f"revert_reason_{feature_id}", max_chars=MAX_REASON_CHARS)
    if target is not None and st.button(t("edit.revert", lang), key=f"revert_go_{feature_id}"):
        attempt(feature_id, lambda: revert_feature(store, user, data, feature_id, to_seq=int(target), reason=why, expected_seq=seen), lang)
    return by_seq[compare].geometry if compare is not None else None


def tasks(data, store, user, working, *, seen: int, lang: str) -> None:
    """Show the feature's links with their basis; link a task with its words, unlink one."""
    feature_id = working.feature_id
    for task_id, basis in working.links:
        task_text = data.tasks.at[task_id, "task"] if task_id in data.tasks.index else ""
        _text.show(_text.line(task_id, f"“{basis}” — {task_text}", small=True))
    if not working.links:
        st.info(t("panel.no_tasks", lang))
    if working.retired:
        return
    st.markdown(f"**{t('edit.link', lang)}**")
    task_id = st.selectbox(t("edit.task", lang), list(data.tasks.index), key=f"link_task_{feature_id}", index=None,
                           format_func=lambda tid: f"{tid} · {data.tasks.at[tid, 'task'][:90]}", placeholder=t("edit.choose", lang))  # fmt: skip
    if task_id:
        _text.show(_text.text(data.tasks.at[task_id, "task"]))
    basis = st.text_input(t("edit.basis", lang), key=f"link_basis_{feature_id}", max_chars=MAX_NAME_CHARS, help=t("edit.basis.help", lang))
    if st.button(t("edit.link", lang), key=f"link_go_{feature_id}", disabled=not task_id):
        attempt(feature_id, lambda: link_task(store, user, data, feature_id, str(task_id), basis,
                                              reason=t("edit.link_reason", "en", basis=basis), expected_seq=seen), lang)  # fmt: skip
    if working.links:
        st.markdown(f"**{t('edit.unlink', lang)}**")
        gone = st.selectbox(t("edit.task", lang), [task for task, _ in working.links], key=f"unlink_task_{feature_id}")
        why = st.text_input(t("edit.reason", lang), key=f"unlink_reason_{feature_id}", max_chars=MAX_REASON_CHARS)
        if st.button(t("edit.unlink", lang), key=f"unlink_go_{feature_id}"):
            attempt(feature_id, lambda: unlink_task(store, user, data, feature_id, gone, reason=why, expected_seq=seen), lang)


def retire(data, store, user, working, *, seen: int, lang: str) -> None:
    """Retire the feature (hidden from the map, kept in the history)."""
    if working.retired:
        return
    st.caption(t("edit.retire.help", lang))
    feature_id = working.feature_id
    why = st.text_input(t("edit.reason", lang), key=f"retire_reason_{feature_id}", max_chars=MAX_REASON_CHARS)
    if st.button(t("edit.retire", lang), key=f"retire_go_{feature_id}"):
        attempt(feature_id, lambda: retire_feature(store, user, data, feature_id, reason=why, expected_seq=seen), lang)


def add_form(data, store, user, *, lang: str) -> None:
    """Add a feature: layer, names, status with its date and source, dates for the slider, geometry, reason."""
    registry = data.registry
    left, right = st.columns(2)
    layer = left.selectbox(t("edit.layer", lang), list(registry.ids("project")), key="add_layer",
                           format_func=lambda layer_id: registry.label(layer_id, lang))  # fmt: skip
    statuses = list(registry.get(layer).statuses or settings.STATUSES)
    status = right.selectbox(t("edit.status", lang), statuses, key="add_status", format_func=lambda s: t(f"status.{s}", lang))
    name = left.text_input(t("edit.name_vi", lang), key="add_name", max_chars=MAX_NAME_CHARS)
    name_en = right.text_input(t("edit.name_en", lang), key="add_name_en", max_chars=MAX_NAME_CHARS)
    status_date = left.text_input(t("edit.status_date", lang), key="add_status_date", max_chars=10, help=t("edit.status_date.help", lang))
    status_source = right.text_input(t("edit.status_source", lang), key="add_status_source", max_chars=settings.MAX_SOURCE_CHARS)
    with st.expander(t("edit.dates", lang)):
        dates = {}
        for field in ("construction_start", "opens"):
            columns = st.columns(3)
            dates[field] = columns[0].text_input(t(f"edit.{field}", lang), key=f"add_{field}", max_chars=10, help="YYYY-MM-DD")
            dates[f"{field}_precision"] = columns[1].selectbox(t("edit.precision", lang), ["", "day", "month", "quarter", "year"],
                                                               key=f"add_{field}_precision")  # fmt: skip
            dates[f"{field}_source"] = columns[2].text_input(t("edit.date_source", lang), key=f"add_{field}_source",
                                                             max_chars=settings.MAX_SOURCE_CHARS)  # fmt: skip
        dates["opens_kind"] = st.radio(t("edit.opens_kind", lang), ["", "actual", "target"], key="add_opens_kind", horizontal=True,
                                       format_func=lambda kind: t(f"edit.opens_kind.{kind or 'none'}", lang))  # fmt: skip
    given = _editing.geometry_input(data, key="add", layer_geometry=registry.get(layer).geometry, geometry=None, lang=lang)
    reason = st.text_area(t("edit.reason", lang), key="add_reason", max_chars=MAX_REASON_CHARS)
    if st.button(t("edit.add", lang), type="primary", key="add_save", disabled=given is None):
        attempt(name_en or "new", lambda: add_feature(
            store, user, data, layer=layer, name=name, name_en=name_en, status=status, status_date=status_date,
            status_source=status_source, reason=reason, dates={key: value for key, value in dates.items() if value}, **given), lang)  # fmt: skip


def review(store, user, data, *, lang: str) -> None:
    """The coordinator's review: the switch, each pending change with approve and reject, and the chosen one on a map."""
    from geo.store import get_setting
    from geo.store.feature_versions import REVIEW_SETTING, pending_versions, review_version

    value, _ = get_setting(store, REVIEW_SETTING)
    st.session_state.edit_review_toggle = bool(value)  # always the stored value: a refused change is not retried on a rerun
    st.toggle(t("edit.review_setting", lang), key="edit_review_toggle", help=t("edit.review_setting.help", lang),
              on_change=_switch_review, args=(store, user, lang))  # fmt: skip
    if st.session_state.get("edit_review_error"):
        _text.show(_text.alert("error", st.session_state.pop("edit_review_error")))
    pending = pending_versions(store)
    st.subheader(t("edit.pending", lang, n=len(pending)))
    for version in pending:
        with st.container(border=True):
            _text.show(_text.heading(f"{version.properties.get('name', '')} · {version.feature_id} · v{version.seq}"),
                       _text.line(t("edit.col.action", lang), t(f"edit.action.{version.action}", lang)),
                       _text.line(t("edit.col.who", lang), f"{version.author} · {version.created_at:%Y-%m-%d %H:%M} UTC"),
                       _text.line(t("edit.col.why", lang), version.reason),
                       _text.line(t("edit.col.source", lang), str(version.properties.get("geometry_source", "")), small=True))  # fmt: skip
            left, middle, right = st.columns(3)
            if left.button(t("edit.review.show", lang), key=f"edit_show_{version.id}"):
                st.session_state.edit_review_shown = version.id
            for column, approve in ((middle, True), (right, False)):
                if column.button(t("edit.approve" if approve else "edit.reject", lang), key=f"edit_{'ok' if approve else 'no'}_{version.id}"):
                    try:
                        review_version(store, user, int(version.id or 0), approve=approve, expected_version=version.version)
                    except PlanningMapError as error:
                        _panels.error(error, lang)
                    else:
                        st.rerun()
    shown = next((version for version in pending if version.id == st.session_state.get("edit_review_shown")), None)
    if shown is not None:
        approved = next((item for item in versions(data, store, shown.feature_id) if item.review == "approved"), None)
        st.caption(t("edit.review.map", lang, id=shown.feature_id, seq=shown.seq))
        _editing.draw_map(data, key=f"review_{shown.id}", layer_geometry=data.registry.get(shown.layer).geometry, geometry=None,
                          previous=approved.geometry if approved is not None else None, preview=shown.geometry, tools=False, lang=lang)  # fmt: skip


def _switch_review(store, user, lang: str) -> None:
    from geo.store import get_setting, set_setting
    from geo.store.feature_versions import REVIEW_SETTING

    wanted = bool(st.session_state.edit_review_toggle)
    _, seen = get_setting(store, REVIEW_SETTING)
    try:
        set_setting(store, user, REVIEW_SETTING, wanted, expected_version=seen)
    except PlanningMapError as error:
        st.session_state.edit_review_error = error.text(lang)
