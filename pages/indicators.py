"""Indicator page: the targets of the plans' indicator appendices, filtered by the shared agency choice."""

from __future__ import annotations

import streamlit as st

from geo.errors import PlanningMapError
from geo.i18n import t
from geo.indicators import counts_per_appendix, filter_by_choice, target_label
from pages import _cache, _frame, _panels, _text

lang, choice = _frame.current()
st.title(t("indicators.title", lang))
st.caption(t("indicators.intro", lang))
st.caption(t("indicators.filters_note", lang))

agencies = _cache.agency_index()
try:
    register = _cache.indicators()
    shown = filter_by_choice(register, choice, agencies)
except PlanningMapError as error:
    _panels.error(error, lang)
    st.stop()

numeric = int((shown["comparator"] != "").sum())
st.markdown(f"**{t('count.indicators', lang, n=len(shown), total=len(register), numeric=numeric)}**")
if choice.agencies and choice.role == "coordinating":
    _text.show(_text.alert("info", t("indicators.coordinating_none", lang)))
per_appendix = " · ".join(f"{key}: {n}" for key, n in counts_per_appendix(shown).items())
_text.show(_text.text(f"{t('indicators.per_appendix', lang)}: {per_appendix or '—'}", small=True))

view = shown.assign(
    parsed=[
        target_label(row.comparator, row.target_min, row.target_max, lang=lang)
        for row in shown.itertuples()
    ],
    lead=shown["lead_agency"].map(lambda ids: agencies.labels(ids, lang=lang)),
)  # fmt: skip
columns = {
    "doc_id": "col.doc", "appendix": "col.appendix", "tt": "col.tt", "name": "col.indicator", "unit": "col.unit",
    "target_raw": "col.target_raw", "parsed": "col.target_parsed", "target_min": "col.target_min",
    "target_max": "col.target_max", "period": "col.period", "lead": "col.lead_report", "note": "col.note", "id": "col.id",
}  # fmt: skip
st.dataframe(
    view[list(columns)],
    hide_index=True,
    width="stretch",
    key="indicator_table",
    column_config={
        **{name: st.column_config.TextColumn(t(key, lang)) for name, key in columns.items()},
        "name": st.column_config.TextColumn(t("col.indicator", lang), width="large"),
        "target_min": st.column_config.NumberColumn(t("col.target_min", lang)),
        "target_max": st.column_config.NumberColumn(t("col.target_max", lang)),
    },
)
