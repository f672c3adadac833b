"""Map explorer: the filtered layers, a click shows the feature and its tasks, the task table below."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.errors import PlanningMapError
from geo.i18n import t
from geo.mapdata import bounds_of, light_geometry
from layers.export_html import standalone_map_html
from layers.render import project_map
from pages import _cache, _frame, _panels

lang, choice = _frame.current()
key = _cache.filter_key(choice)
st.title(t("map.title", lang))
try:
    view = _cache.view(key)
except PlanningMapError as error:
    _panels.error(error, lang)
    st.stop()
tasks, visible = view.tasks, view.features
registry, agencies = _cache.registry(), _cache.agency_index()
counts = view.counts()
st.markdown(
    f"**{t('count.features', lang, n=counts['features'])}** · **{t('count.tasks', lang, n=counts['tasks'], total=counts['tasks_total'])}**"
)

selection = st.session_state.get("map_tasks", {}).get("selection", {}).get("rows", [])
highlight: frozenset[str] = frozenset()
bounds = None
if selection and selection[0] < len(tasks):
    highlight = frozenset(tasks.iloc[selection[0]]["feature_ids"])
    bounds = bounds_of(visible[visible.index.isin(highlight)])

left, right = st.columns([5, 3], gap="medium")
with left:
    fmap = project_map(
        light_geometry(visible), registry, _cache.context(), lang=lang, basemap=st.session_state.get("basemap", "none"),
        highlight=highlight, bounds=bounds,
    )  # fmt: skip
    out = st_folium(fmap, key="main_map", height=620, use_container_width=True, returned_objects=["last_active_drawing"])
with right:
    clicked = ((out or {}).get("last_active_drawing") or {}).get("properties", {}).get("fid")
    feature_id = clicked or (next(iter(highlight)) if highlight else None)
    if feature_id in _cache.features().index:
        _panels.feature_card(_cache.data(), feature_id, as_of=view.as_of, lang=lang)
    else:
        st.info(t("map.click_hint", lang))

_panels.export_panel(view, lang=lang, html_map=lambda: standalone_map_html(view, lang))
st.markdown(f"**{t('map.tasks_below', lang)}**")
table = tasks.assign(
    on_map=tasks["on_map"].map(lambda on: t("map.on_map", lang) if on else t("map.not_on_map", lang)),
    lead=tasks["lead_agency"].map(lambda ids: agencies.labels(ids, lang=lang)),
)
st.dataframe(
    table[["on_map", "doc_id", "tt", "task", "lead", "due_raw", "due_end", "past_due", "id"]],
    hide_index=True, width="stretch", key="map_tasks", on_select="rerun", selection_mode="single-row", height=320,
    column_config={
        "on_map": t("col.on_map", lang), "doc_id": t("col.doc", lang), "tt": t("col.tt", lang),
        "task": st.column_config.TextColumn(t("col.task", lang), width="large"), "lead": t("col.lead", lang),
        "due_raw": t("col.due_raw", lang), "due_end": st.column_config.DateColumn(t("col.due_end", lang), format="DD/MM/YYYY"),
        "past_due": st.column_config.CheckboxColumn(t("col.past_due", lang), help=t("past_due.help", lang)), "id": t("col.id", lang),
    },
)  # fmt: skip
