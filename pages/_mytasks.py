"""The writes of "my agency's tasks": edited rows saved as reports, the spreadsheet round trip, the calendar, indicators."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from geo.errors import PlanningMapError
from geo.i18n import t
from pages import _cache, _panels, _text

EDITABLE = ("status", "completed_on", "percent", "milestone", "results", "difficulties", "proposals", "reported_on")


def save_edits(store, user, before: pd.DataFrame, after: pd.DataFrame, view, agencies) -> tuple[int, list]:
    """Save one report per edited row (the store checks permission and conflicts); return (saved, problems by row)."""
    from geo.store import add_report, latest_report_ids

    saved, problems = 0, []
    latest_saved = latest_report_ids(store, list(after["id"]))
    for position, (old, new) in enumerate(zip(before.to_dict("records"), after.to_dict("records"), strict=True), start=1):
        if all(_same(old[column], new[column]) for column in EDITABLE):
            continue
        task_id = new["id"]
        task = view.data.tasks.loc[task_id]
        latest = latest_saved.get(task_id)  # the newest report saved, whatever day it speaks for
        try:
            add_report(
                store, user, task, agencies=agencies, status=new["status"], reported_on=_day(new["reported_on"]) or view.as_of,
                completed_on=_day(new["completed_on"]), percent=None if pd.isna(new["percent"]) else float(new["percent"]),
                milestone=new["milestone"] or "", results=new["results"] or "", difficulties=new["difficulties"] or "",
                proposals=new["proposals"] or "", expected_latest=None if latest is None or pd.isna(latest) else int(latest),
            )  # fmt: skip
        except PlanningMapError as error:
            problems.append((position, task_id, error))
            continue
        saved += 1
    return saved, problems


def spreadsheet(store, user, view, agency: str, *, lang: str) -> None:
    """Offer the agency's spreadsheet (its tasks pre-filled), take it back filled, and the deadlines calendar."""
    from geo.progress.reminders import calendar_ics
    from geo.progress.template import import_progress, template_xlsx

    agencies = view.data.agencies
    cols = st.columns(2)
    cols[0].download_button(t("my.template", lang), data=lambda: template_xlsx(view.tasks, lang=lang), file_name=f"tien-do-{agency}.xlsx",
                            key="my_template", on_click="ignore", icon=":material/download:")  # fmt: skip
    cols[1].download_button(t("my.ics", lang), data=lambda: calendar_ics(view.tasks, agency_name=agencies.label(agency, lang=lang),
                            now=None), file_name=f"thoi-han-{agency}.ics", mime="text/calendar", key="my_ics", on_click="ignore",
                            icon=":material/event:")  # fmt: skip
    upload = st.file_uploader(t("my.upload", lang), type=["xlsx"], key="my_upload")
    if upload is None:
        return
    try:
        outcome = import_progress(store, user, upload.getvalue(), tasks=view.data.tasks, agencies=agencies)
    except PlanningMapError as error:
        _panels.error(error, lang)
        return
    st.html(_text.alert("info", t("my.import_result", lang, saved=outcome.saved, unchanged=outcome.unchanged, bad=len(outcome.problems))))
    if outcome.problems:
        rows = pd.DataFrame([{"row": p.row, "task_id": p.task_id, "reason": p.text(lang) if hasattr(p, "text") else str(p.reason)}
                             for p in outcome.problems])  # fmt: skip
        st.dataframe(rows, hide_index=True, key="my_import_problems", column_config=_panels.labelled(rows, lang))


def indicator_form(store, user, agency: str, *, lang: str) -> None:
    """Report the latest value of one of the agency's indicators (value, date, source)."""
    from geo.indicators import filter_indicators
    from geo.store import add_indicator_value

    agencies = _cache.agency_index()
    table = _cache.indicators()
    own = filter_indicators(table, agencies=[agency], agency_index=agencies) if user.role == "reporter" else table
    if own.empty:
        return
    with st.expander(t("my.indicator", lang), icon=":material/monitoring:"), st.form("my_indicator", clear_on_submit=True):
        chosen = st.selectbox(t("my.indicator_pick", lang), list(own.index), format_func=lambda i: f"{own.at[i, 'doc_id']} {own.at[i, 'tt']} · {own.at[i, 'name'][:80]}")
        value = st.number_input(t("my.indicator_value", lang), value=None, format="%.4f")
        on = st.date_input(t("my.indicator_on", lang), value=date.today(), format="DD/MM/YYYY")
        source = st.text_input(t("my.indicator_source", lang), max_chars=500)
        if st.form_submit_button(t("my.indicator_save", lang)) and value is not None:
            try:
                add_indicator_value(store, user, own.loc[chosen], value=float(value), on=on, source=source, agencies=agencies)
            except PlanningMapError as error:
                _panels.error(error, lang)
                return
            st.html(_text.alert("success", t("admin.saved", lang)))


def _same(left, right) -> bool:
    if _blank(left) and _blank(right):
        return True
    return left == right


def _blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT


def _day(value) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
