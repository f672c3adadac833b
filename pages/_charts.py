"""Charts and tables of the progress dashboard (Streamlit's own Altair/Vega-Lite), built from the one view."""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from geo.i18n import day_text, t
from geo.progress.categories import CATEGORIES, CATEGORY_COLOURS, categories
from geo.text import split_ids
from geo.view import View
from pages import _cache, _panels


def _scale(lang: str) -> alt.Scale:
    return alt.Scale(domain=[t(f"category.{code}", lang) for code in CATEGORIES], range=[CATEGORY_COLOURS[c] for c in CATEGORIES])


def stacked(view: View, *, by: str, title: str, lang: str) -> None:
    """Stacked bars of the tasks by category, per lead agency (each lead counted) or per document."""
    tasks = view.tasks
    if tasks.empty:
        return
    if by == "agency":
        labels = tasks["lead_agency"].map(split_ids).explode().dropna()
        frame = pd.DataFrame({"label": labels.map(lambda a: view.data.agencies.label(a, lang=lang)),
                              "category": tasks.loc[labels.index, "progress_category"].to_numpy()})  # fmt: skip
    else:
        frame = pd.DataFrame({"label": tasks["doc_id"], "category": tasks["progress_category"]})
    frame["category"] = frame["category"].map(lambda code: t(f"category.{code}", lang))
    grouped = frame.groupby(["label", "category"]).size().rename("n").reset_index()
    top = grouped.groupby("label")["n"].sum().nlargest(15).index
    grouped = grouped[grouped["label"].isin(top)]
    chart = (
        alt.Chart(grouped, title=title, height=max(120, 24 * len(top)))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort="-x", title=None),
            x=alt.X("n:Q", stack="zero", title=t("dash.count", lang)),
            color=alt.Color("category:N", scale=_scale(lang), title=t("dash.category", lang)),
            tooltip=["label", "category", "n"],
        )
    )
    st.altair_chart(chart, use_container_width=True)


def task_list(frame: pd.DataFrame, view: View, *, lang: str, key: str) -> None:
    """A table of tasks with their deadline, lead and category (text of data shown as text)."""
    agencies = view.data.agencies
    table = frame.assign(
        lead=frame["lead_agency"].map(lambda ids: agencies.labels(ids, lang=lang)),
        progress_category=frame["progress_category"].map(lambda code: t(f"category.{code}", lang)),
    )[["doc_id", "tt", "task", "lead", "due_raw", "due_end", "progress_category", "progress_reported_on", "id"]]
    st.dataframe(table, hide_index=True, width="stretch", key=key, height=min(400, 40 + 35 * len(table)),
                 column_config={**_panels.labelled(table, lang), "doc_id": t("col.doc", lang), "tt": t("col.tt", lang),
                                "lead": t("col.lead", lang), "due_raw": t("col.due_raw", lang), "id": t("col.id", lang),
                                "due_end": st.column_config.DateColumn(t("col.due_end", lang), format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD")})  # fmt: skip


def gantt(view: View, *, lang: str, limit: int = 60) -> None:
    """A timeline of the dated tasks: a bar from the start of their window to the deadline, a dot at the completion date."""
    dated = view.tasks[view.tasks["due_end"].notna()].sort_values("due_end").head(limit)
    if dated.empty:
        return
    rows = pd.DataFrame({
        "task": (dated["doc_id"] + " · " + dated["tt"].astype(str) + " · " + dated["task"].str.slice(0, 60)).to_numpy(),
        "start": [s or (e - timedelta(days=90)) for s, e in zip(dated["due_start"], dated["due_end"], strict=True)],
        "end": list(dated["due_end"]),
        "completed": list(dated["progress_completed_on"]),
        "category": [t(f"category.{code}", lang) for code in dated["progress_category"]],
    })  # fmt: skip
    base = alt.Chart(rows, height=max(200, 16 * len(rows)))
    bars = base.mark_bar(opacity=0.8).encode(
        y=alt.Y("task:N", sort=None, title=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X("start:T", title=t("dash.deadline", lang)), x2="end:T",
        color=alt.Color("category:N", scale=_scale(lang), title=t("dash.category", lang)), tooltip=["task", "end", "category"],
    )  # fmt: skip
    done = base.transform_filter("datum.completed != null").mark_point(shape="diamond", size=70, filled=True, color="#000").encode(
        y=alt.Y("task:N", sort=None), x="completed:T", tooltip=["task", "completed"]
    )
    st.altair_chart(bars + done, use_container_width=True)


def quarter_ends(first: date, last: date) -> list[date]:
    """Return the last day of every quarter from the one holding `first` to the one holding `last`."""
    ends, year, quarter = [], first.year, (first.month - 1) // 3 + 1
    while (year, quarter) <= (last.year, (last.month - 1) // 3 + 1):
        ends.append(date(year + (quarter == 4), 1 if quarter == 4 else quarter * 3 + 1, 1) - timedelta(days=1))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return ends


def trend(view: View, *, lang: str) -> None:
    """The categories of the matching tasks at the end of each quarter, from 2026 to the as-of date's quarter."""
    rows = []
    for end in quarter_ends(date(2026, 1, 1), max(view.as_of, date(2026, 3, 31))):
        codes = categories(view.tasks, view.data.reports, end)["progress_category"]
        label = f"{end.year}Q{(end.month - 1) // 3 + 1}"
        rows += [{"quarter": label, "category": t(f"category.{code}", lang), "n": int((codes == code).sum())} for code in CATEGORIES]
    chart = alt.Chart(pd.DataFrame(rows), height=240).mark_bar().encode(
        x=alt.X("quarter:N", title=t("dash.quarter", lang)), y=alt.Y("n:Q", stack="zero", title=t("dash.count", lang)),
        color=alt.Color("category:N", scale=_scale(lang), title=t("dash.category", lang)), tooltip=["quarter", "category", "n"],
    )  # fmt: skip
    st.altair_chart(chart, use_container_width=True)


def due_soon(view: View, *, days: int, lang: str) -> None:
    """The matching tasks due within `days` after the as-of date that have no report."""
    from geo.progress.reminders import due_without_report

    soon = due_without_report(view.tasks, view.data.reports, as_of=view.as_of, within_days=days)
    task_list(view.tasks.loc[view.tasks.index.isin(soon.get("task_id", soon.index))], view, lang=lang,
              key="dash_due")  # fmt: skip


def indicators(view: View, *, lang: str) -> None:
    """Each indicator's target as printed beside its latest reported value (date and source)."""
    from geo.indicators import load_indicators

    table = load_indicators()
    store = _cache.store()
    values = pd.DataFrame(columns=["indicator_id", "value", "on", "source"])
    if store is not None:
        from geo.store import indicator_values_frame

        values = indicator_values_frame(store)
    if not values.empty:
        latest = values.sort_values(["on", "id"]).groupby("indicator_id").tail(1).set_index("indicator_id")
        table = table.join(latest[["value", "on", "source"]], on="id")
    else:
        table = table.assign(value=None, on=None, source="")
    if view.choice.agencies:
        wanted = view.data.agencies.with_predecessors(list(view.choice.agencies))
        table = table[table["lead_agency"].map(lambda ids: bool(wanted & set(split_ids(ids))))]
    shown = table[["doc_id", "tt", "name", "unit", "target_raw", "value", "on", "source", "lead_agency"]].assign(
        lead_agency=table["lead_agency"].map(lambda ids: view.data.agencies.labels(ids, lang=lang)),
        on=table["on"].map(lambda day: day_text(day, lang) if isinstance(day, date) else ""),
    )
    st.dataframe(shown, hide_index=True, width="stretch", key="dash_indicators", column_config=_panels.labelled(shown, lang))


def quarterly_downloads(view: View, *, lang: str) -> None:
    """The quarterly report of a chosen quarter, per agency or city-wide, as XLSX and DOCX (built when clicked)."""
    from geo.progress.quarterly import quarterly_report

    ends = quarter_ends(date(2026, 1, 1), max(view.as_of, date(2026, 3, 31)))
    quarters = [f"{end.year}Q{(end.month - 1) // 3 + 1}" for end in ends][::-1]
    cols = st.columns(2)
    quarter = cols[0].selectbox(t("dash.quarter", lang), quarters, key="dash_quarter")
    agencies = view.data.agencies
    agency = cols[1].selectbox(t("dash.agency", lang), ["", *agencies.table.index], key="dash_report_agency",
                               format_func=lambda a: agencies.label(a, lang=lang) if a else "—")  # fmt: skip
    common = {"quarter": quarter, "agency": agency or None, "agencies": agencies, "lang": lang}
    name = f"bao-cao-{quarter}-{agency or 'thanh-pho'}"
    left, right = st.columns(2)
    left.download_button(t("dash.download_xlsx", lang), data=lambda: quarterly_report(view.data.tasks, view.data.reports, fmt="xlsx", **common),
                         file_name=f"{name}.xlsx", key="dash_xlsx", on_click="ignore", icon=":material/table:")  # fmt: skip
    right.download_button(t("dash.download_docx", lang), data=lambda: quarterly_report(view.data.tasks, view.data.reports, fmt="docx", **common),
                          file_name=f"{name}.docx", key="dash_docx", on_click="ignore", icon=":material/description:")  # fmt: skip


def missing_periods_table(view: View, *, lang: str) -> None:
    """The periods of the matching recurring tasks that ended with no report (from the start of 2026)."""
    from geo.progress.periods import missing_periods

    missing = missing_periods(view.tasks, view.data.reports, start=date(2026, 1, 1), as_of=view.as_of)
    st.subheader(t("dash.missing", lang, n=len(missing)))
    if missing.empty:
        return
    tasks = view.tasks
    table = missing.assign(
        doc_id=missing["task_id"].map(tasks["doc_id"]), tt=missing["task_id"].map(tasks["tt"]),
        task=missing["task_id"].map(tasks["task"]),
    )[["period", "doc_id", "tt", "task", "task_id"]]  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch", key="dash_missing", height=min(360, 40 + 35 * len(table)),
                 column_config={"period": t("dash.period", lang), "doc_id": t("col.doc", lang), "tt": t("col.tt", lang),
                                "task": t("col.task", lang), "task_id": t("col.id", lang)})  # fmt: skip
