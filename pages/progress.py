"""Progress dashboard: categories per agency and document, overdue tasks, deadlines timeline, quarterly trend,
reminders, indicators against their targets, and the quarterly report. Follows the shared sidebar filters."""

from __future__ import annotations

import streamlit as st

from geo.errors import PlanningMapError
from geo.i18n import day_text, number, t
from geo.progress.categories import CATEGORIES, counts
from pages import _cache, _charts, _frame, _panels

lang, choice = _frame.current()
st.title(t("dash.title", lang))
try:
    view = _cache.view(_cache.filter_key(choice))
except PlanningMapError as error:
    _panels.error(error, lang)
    st.stop()
st.caption(t("dash.intro", lang, date=day_text(view.as_of, lang)))
if _cache.store() is None:
    st.info(t("dash.no_store", lang))
per_category = counts(view.tasks["progress_category"])
for column, code in zip(st.columns(len(CATEGORIES)), CATEGORIES, strict=True):
    column.metric(t(f"category.{code}", lang), number(per_category[code], lang))

left, right = st.columns(2)
with left:
    _charts.stacked(view, by="agency", title=t("dash.by_agency", lang), lang=lang)
with right:
    _charts.stacked(view, by="doc", title=t("dash.by_doc", lang), lang=lang)

overdue = view.tasks[view.tasks["progress_category"] == "overdue"]
st.subheader(t("dash.overdue", lang, n=len(overdue)))
_charts.task_list(overdue, view, lang=lang, key="dash_overdue")

st.subheader(t("dash.gantt", lang))
_charts.gantt(view, lang=lang)
st.subheader(t("dash.trend", lang))
_charts.trend(view, lang=lang)

_charts.missing_periods_table(view, lang=lang)

days = st.number_input(t("dash.days", lang), 1, 365, 30, step=5, key="dash_days")
st.subheader(t("dash.due", lang, days=days))
_charts.due_soon(view, days=int(days), lang=lang)

st.subheader(t("dash.indicators", lang))
_charts.indicators(view, lang=lang)

st.subheader(t("dash.report", lang))
_charts.quarterly_downloads(view, lang=lang)
_frame.sync_url()
