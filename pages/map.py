"""Map explorer: the filtered layers on a map that keeps the planner's place; feature card, charts, print; tasks below."""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo.errors import PlanningMapError
from geo.i18n import day_text, t
from geo.view import features_named, task_features
from layers.export_html import standalone_map_html
from pages import _auth, _cache, _frame, _mapview, _panels, _progress_panel

lang, choice = _frame.current()
st.title(t("map.title", lang))
try:
    view = _cache.view(_cache.filter_key(choice))
except PlanningMapError as error:
    _panels.error(error, lang)
    st.stop()
state = st.session_state
counts = view.counts()
top = st.columns([3, 4])
top[0].markdown(
    f"**{t('count.features', lang, n=counts['features'])}** · **{t('count.tasks', lang, n=counts['tasks'], total=counts['tasks_total'])}**"
)
years = sorted({date(year, 1, 1) for year in range(2020, 2036)} | {view.as_of})
state.f_year_slider = view.as_of
top[1].select_slider(t("map.year", lang), years, key="f_year_slider", help=t("map.year.help", lang),
                     format_func=lambda day: str(day.year) if (day.month, day.day) == (1, 1) else day_text(day, lang),
                     on_change=lambda: state.update(f_as_of=state.f_year_slider))  # fmt: skip

task_id = state.get("map_task")
if task_id and task_id not in view.tasks.index:
    task_id = state.map_task = None
selected = state.get("map_sel") if state.get("map_sel") in view.features.index else None
highlight = frozenset(view.tasks.at[task_id, "feature_ids"]) if task_id else frozenset({selected} if selected else ())

controls = st.columns([2, 3])
panel = controls[0].toggle(t("map.panel", lang), value=True, key="map_panel")
if state.get("map_colour") not in ("layer", "progress"):
    state.map_colour = "layer"
by_progress = controls[1].segmented_control(
    t("map.colour_by", lang), ["layer", "progress"], key="map_colour", format_func=lambda m: t(f"map.colour_by.{m}", lang)
) == "progress"
if by_progress:
    _progress_panel.category_legend(view, lang=lang)
left, right = st.columns([5, 3], gap="medium") if panel else (st.container(), None)
with left:
    out = _mapview.draw(view, lang=lang, basemap=state.get("basemap", "none"), highlight=highlight, by_progress=by_progress)
if _mapview.read_events(out):
    st.rerun()
if state.get("map_sel") != selected and state.get("map_sel") in view.features.index:
    st.rerun()  # a feature was clicked: show its card and its tasks first
if right is not None:
    with right:
        tabs = st.tabs([t("map.tab.feature", lang), t("map.tab.charts", lang), t("map.tab.print", lang)])
        with tabs[0]:
            if choice.query:
                named = view.features[features_named(view.features, choice.query)]
                if _panels.found_features(named, lang=lang):
                    st.rerun()
            if task_id:
                _panels.task_panel(view, task_id, lang=lang)
                if _panels.jump_list(task_features(view, task_id), lang=lang):
                    st.rerun()
            elif selected:
                _panels.feature_card(_cache.data(), selected, as_of=view.as_of, lang=lang)
                if _auth.may(_auth.current_user(), "geometry.edit") and st.button(t("edit.open", lang), key="map_edit_feature",
                                                                                   icon=":material/edit_location_alt:"):  # fmt: skip
                    state.edit_feature, state.edit_mode = selected, "edit"
                    st.switch_page("pages/edit.py")
            else:
                st.info(t("map.click_hint", lang))
        with tabs[1]:
            _panels.charts(view, lang=lang)
        with tabs[2]:
            _panels.print_panel(view, lang=lang)
            _panels.export_panel(view, lang=lang, html_map=lambda: standalone_map_html(view, lang))

st.markdown(f"**{t('map.tasks_below', lang)}**")
picked = _panels.task_table(view, selected=selected, lang=lang)
if picked and picked != state.get("map_task_picked"):
    state.map_task_picked = picked
    state.map_task, state.map_sel = picked, None
    _mapview.go_to(task_features(view, picked))
    st.rerun()
_frame.sync_url()
