"""An agency's workflow: its tasks due this quarter or overdue, updated several at a time; the spreadsheet way; the
deadlines calendar; an indicator's latest value. Every save goes through the store, which checks the permission."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from geo.filters import TaskFilter
from geo.i18n import t
from geo.progress.categories import STATUSES, due_between
from pages import _auth, _cache, _frame, _mytasks, _panels, _text

lang, choice = _frame.current()
st.title(t("my.title", lang))
store, user = _auth.gate("progress.report", "my.sign_in", lang)
agencies = _cache.agency_index()
if user.role == "reporter":
    agency = user.agency_id
    st.html(_text.line(t("my.agency", lang), agencies.label(agency, lang=lang)))
else:
    agency = st.selectbox(t("my.agency", lang), list(agencies.table.index), key="my_agency", format_func=lambda a: agencies.label(a, lang=lang))
view = _cache.view(_cache.filter_key(TaskFilter(agencies=(agency,), as_of=choice.as_of_or_today())))
as_of = view.as_of
quarter_end = date(as_of.year + (as_of.month > 9), 1 if as_of.month > 9 else ((as_of.month - 1) // 3 + 1) * 3 + 1, 1) - timedelta(days=1)
scope = st.radio(t("my.scope", lang), ["due", "all"], horizontal=True, key="my_scope", format_func=lambda s: t(f"my.scope.{s}", lang))
tasks = view.tasks
if scope == "due":
    tasks = tasks[(tasks["progress_category"] == "overdue") | due_between(tasks["due_end"], as_of, quarter_end)]
if tasks.empty:
    st.info(t("my.none", lang))
else:
    st.caption(t("my.editor_help", lang))
    table = pd.DataFrame({
        "id": tasks.index, "doc_id": tasks["doc_id"].to_numpy(), "tt": tasks["tt"].to_numpy(), "task": tasks["task"].to_numpy(),
        "due_end": tasks["due_end"].to_numpy(), "progress_category": [t(f"category.{c}", lang) for c in tasks["progress_category"]],
        "status": [s or "not_started" for s in tasks["progress_status"]], "completed_on": tasks["progress_completed_on"].to_numpy(),
        "percent": tasks["progress_percent"].to_numpy(), "milestone": "", "results": "", "difficulties": "", "proposals": "",
        "reported_on": as_of,
    })  # fmt: skip
    edited = st.data_editor(
        table, hide_index=True, width="stretch", key=f"my_editor_{agency}_{scope}", disabled=["id", "doc_id", "tt", "task", "due_end", "progress_category"],
        column_config={
            **_panels.labelled(table, lang), "doc_id": t("col.doc", lang), "tt": t("col.tt", lang), "id": t("col.id", lang),
            "status": st.column_config.SelectboxColumn(t("tcol.status", lang), options=list(STATUSES), required=True),
            "completed_on": st.column_config.DateColumn(t("tcol.completed_on", lang), format="DD/MM/YYYY"),
            "reported_on": st.column_config.DateColumn(t("tcol.reported_on", lang), format="DD/MM/YYYY", required=True),
            "percent": st.column_config.NumberColumn(t("tcol.percent", lang), min_value=0, max_value=100, step=1),
            "milestone": st.column_config.TextColumn(t("tcol.milestone", lang), max_chars=500),
            "results": st.column_config.TextColumn(t("tcol.results", lang), max_chars=4000),
            "difficulties": st.column_config.TextColumn(t("tcol.difficulties", lang), max_chars=4000),
            "proposals": st.column_config.TextColumn(t("tcol.proposals", lang), max_chars=4000),
        },
    )  # fmt: skip
    if st.button(t("my.save", lang), type="primary", key="my_save", icon=":material/save:"):
        saved, problems = _mytasks.save_edits(store, user, table, edited, view, agencies)
        if saved:
            st.session_state["my_flash"] = t("my.saved", lang, n=saved)
        for row, task_id, error in problems:
            _panels.error(f"{t('my.row_error', lang, row=row, task=task_id, message='')}{error.text(lang)}", lang)
        if saved and not problems:
            st.rerun()
if st.session_state.get("my_flash"):
    st.html(_text.alert("success", st.session_state.pop("my_flash")))

_mytasks.spreadsheet(store, user, view, agency, lang=lang)
_mytasks.indicator_form(store, user, agency, lang=lang)
_frame.sync_url()
