"""The progress dashboard's blocks: figures from :mod:`geo.progress.dashboard`, charts from :mod:`layers.charts`."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from geo.i18n import day_text, t
from geo.progress import dashboard
from geo.view import View
from layers import charts
from pages import _cache, _panels

FIRST_QUARTER = date(2026, 1, 1)


def _name(lang: str):
    return lambda code: t(f"category.{code}", lang)


def stacked(view: View, *, by: str, title: str, lang: str) -> None:
    """Stacked bars of the tasks by category, per lead agency (each lead counted) or per document."""
    label = (lambda a: view.data.agencies.label(a, lang=lang)) if by == "agency" else str
    frame = dashboard.by_group(view.tasks, by=by, label=label)
    if not frame.empty:
        chart = charts.stacked_bars(frame, title=title, count=t("dash.count", lang), legend=t("dash.category", lang), name=_name(lang))
        st.altair_chart(chart, width="stretch")


def task_list(frame: pd.DataFrame, view: View, *, lang: str, key: str) -> None:
    """A table of tasks with their deadline, lead and category (text of data shown as text)."""
    agencies = view.data.agencies
    table = frame.assign(
        lead=frame["lead_agency"].map(lambda ids: agencies.labels(ids, lang=lang)),
        progress_category=frame["progress_category"].map(_name(lang)),
    )[["doc_id", "tt", "task", "lead", "due_raw", "due_end", "progress_category", "progress_reported_on", "id"]]
    st.dataframe(table, hide_index=True, width="stretch", key=key, height=min(400, 40 + 35 * len(table)),
                 column_config={**_panels.labelled(table, lang), "doc_id": t("col.doc", lang), "tt": t("col.tt", lang),
                                "lead": t("col.lead", lang), "due_raw": t("col.due_raw", lang), "id": t("col.id", lang),
                                "due_end": st.column_config.DateColumn(t("col.due_end", lang), format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD")})  # fmt: skip


def gantt(view: View, *, lang: str) -> None:
    """A timeline of the dated tasks: a bar to the deadline, a diamond at the completion date."""
    frame = dashboard.timeline(view.tasks)
    if not frame.empty:
        chart = charts.gantt(frame, axis=t("dash.deadline", lang), legend=t("dash.category", lang), name=_name(lang))
        st.altair_chart(chart, width="stretch")


def trend(view: View, *, lang: str) -> None:
    """The categories of the matching tasks at the end of each quarter, from 2026 to the as-of date's quarter."""
    frame = dashboard.trend(view.tasks, view.data.reports, first=FIRST_QUARTER, last=max(view.as_of, FIRST_QUARTER))
    chart = charts.trend_bars(frame, axis=t("dash.quarter", lang), count=t("dash.count", lang), legend=t("dash.category", lang),
                              name=_name(lang))  # fmt: skip
    st.altair_chart(chart, width="stretch")


def due_soon(view: View, *, days: int, lang: str) -> None:
    """The matching tasks due within `days` after the as-of date that have no report."""
    from geo.progress.reminders import due_without_report

    soon = due_without_report(view.tasks, view.data.reports, as_of=view.as_of, within_days=days)
    task_list(view.tasks.loc[view.tasks.index.isin(soon.index)], view, lang=lang, key="dash_due")


def missing_periods_table(view: View, *, lang: str) -> None:
    """The periods of the matching recurring tasks that ended with no report (from the start of 2026)."""
    from geo.progress.periods import missing_periods

    missing = missing_periods(view.tasks, view.data.reports, start=FIRST_QUARTER, as_of=view.as_of)
    st.subheader(t("dash.missing", lang, n=len(missing)))
    if missing.empty:
        return
    tasks = view.tasks
    table = missing.assign(doc_id=missing["task_id"].map(tasks["doc_id"]), tt=missing["task_id"].map(tasks["tt"]),
                           task=missing["task_id"].map(tasks["task"]))[["period", "doc_id", "tt", "task", "task_id"]]  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch", key="dash_missing", height=min(360, 40 + 35 * len(table)),
                 column_config={"period": t("dash.period", lang), "doc_id": t("col.doc", lang), "tt": t("col.tt", lang),
                                "task": t("col.task", lang), "task_id": t("col.id", lang)})  # fmt: skip


def indicators(view: View, *, lang: str) -> None:
    """Each indicator of the shared filter's agencies and documents: its target as printed beside its latest value."""
    from geo.indicators import filter_by_choice
    from geo.store import indicator_values_frame

    store = _cache.store()
    values = indicator_values_frame(store) if store is not None else pd.DataFrame(columns=["indicator_id", "id", "value", "on", "source"])
    table = dashboard.latest_values(filter_by_choice(_cache.indicators(), view.choice, view.data.agencies), values)
    shown = table[["doc_id", "tt", "name", "unit", "target_raw", "value", "on", "source", "lead_agency"]].assign(
        lead_agency=table["lead_agency"].map(lambda ids: view.data.agencies.labels(ids, lang=lang)),
        on=table["on"].map(lambda day: day_text(day, lang) if isinstance(day, date) else ""),
    )
    st.dataframe(shown, hide_index=True, width="stretch", key="dash_indicators", column_config=_panels.labelled(shown, lang))


def quarterly_downloads(view: View, *, lang: str) -> None:
    """The quarterly report of a chosen quarter, per agency or city-wide, as XLSX and DOCX (built when clicked)."""
    from geo.progress.quarterly import quarterly_report

    quarters = [quarter for quarter, _ in dashboard.quarters(FIRST_QUARTER, max(view.as_of, FIRST_QUARTER))][::-1]
    cols = st.columns(2)
    quarter = cols[0].selectbox(t("dash.quarter", lang), quarters, key="dash_quarter")
    agencies = view.data.agencies
    agency = cols[1].selectbox(t("dash.agency", lang), ["", *agencies.table.index], key="dash_report_agency",
                               format_func=lambda a: agencies.label(a, lang=lang) if a else "—")  # fmt: skip
    common = {"quarter": quarter, "agency": agency or None, "agencies": agencies, "lang": lang}
    name = f"bao-cao-{quarter}-{agency or 'thanh-pho'}"
    for column, fmt, icon in zip(st.columns(2), ("xlsx", "docx"), (":material/table:", ":material/description:"), strict=True):
        column.download_button(t(f"dash.download_{fmt}", lang), key=f"dash_{fmt}", on_click="ignore", icon=icon, file_name=f"{name}.{fmt}",
                               data=lambda fmt=fmt: quarterly_report(view.data.tasks, view.data.reports, fmt=fmt, **common))  # fmt: skip
