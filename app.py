"""Frame of the app: page config, language, shared sidebar filters, navigation."""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo import settings
from geo.errors import PlanningMapError
from geo.filters import ROLES, UNDATED_KINDS, TaskFilter
from geo.i18n import LANGUAGES, t
from pages import _cache, _frame, _text

st.set_page_config(page_title="Bản đồ quy hoạch Hà Nội · Hà Nội planning map", page_icon=":material/map:", layout="wide")


def reset_filters() -> None:
    st.session_state.update({**_frame.STATE_DEFAULTS, "f_as_of": date.today()})


def sidebar(lang: str) -> TaskFilter:
    """Draw the shared filters and return the planner's choice."""
    agencies = _cache.agency_index()
    docs = _cache.documents()
    side = st.sidebar
    side.header(t("filters.header", lang))
    side.text_input(t("filters.query", lang), key="f_query", help=t("filters.query.help", lang))
    side.multiselect(
        t("filters.docs", lang), list(docs.index), key="f_docs", placeholder=t("filters.all", lang),
        format_func=lambda doc: f"{doc} · {docs.at[doc, 'title_vi' if lang == 'vi' else 'title_en'][:48]}…",
    )  # fmt: skip
    side.multiselect(
        t("filters.agencies", lang), list(agencies.table.index), key="f_agencies", placeholder=t("filters.all", lang),
        format_func=lambda agency: agencies.label(agency, lang=lang),
    )  # fmt: skip
    side.radio(t("filters.role", lang), ROLES, key="f_role", horizontal=True,
               format_func=lambda role: t(f"filters.role.{role}", lang))  # fmt: skip
    side.toggle(t("filters.predecessors", lang), key="f_predecessors", help=t("filters.predecessors.help", lang))
    side.date_input(t("filters.as_of", lang), key="f_as_of", format="DD/MM/YYYY")
    side.checkbox(t("filters.only_past_due", lang), key="f_only_past_due", help=t("past_due.help", lang))
    side.checkbox(t("filters.use_window", lang), key="f_use_window")
    if st.session_state.f_use_window:
        left, right = side.columns(2)
        left.date_input(t("filters.due_from", lang), key="f_due_from", format="DD/MM/YYYY")
        right.date_input(t("filters.due_to", lang), key="f_due_to", format="DD/MM/YYYY")
    side.multiselect(t("filters.undated", lang), UNDATED_KINDS, key="f_undated",
                     format_func=lambda kind: t(f"kind.{kind}", lang))  # fmt: skip
    registry = _cache.registry()
    side.multiselect(t("filters.layers", lang), registry.ids("project"), key="f_layers", placeholder=t("filters.all", lang),
                     format_func=lambda layer: registry.get(layer).label(lang))  # fmt: skip
    side.multiselect(t("filters.statuses", lang), settings.STATUSES, key="f_statuses", placeholder=t("filters.all", lang),
                     format_func=lambda status: t(f"status.{status}", lang))  # fmt: skip
    side.radio(t("map.basemap", lang), _frame.BASEMAPS, key="basemap", format_func=lambda b: t(f"basemap.{b}", lang))
    side.button(t("filters.reset", lang), on_click=reset_filters)
    side.caption(t("attribution", lang))
    return _frame.choice_from_state()


def mirror_in_url(choice: TaskFilter, lang: str) -> None:
    params = choice.to_query_params()
    params["as_of"] = choice.as_of_or_today().isoformat()  # a shared link keeps its day, also when it was "today"
    if lang != "vi":
        params["lang"] = lang
    if st.session_state.basemap != "none":
        params["basemap"] = st.session_state.basemap
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


try:
    _frame.init_state()
    _frame.keep_widget_state()
except PlanningMapError as error:
    st.html(_text.alert("error", error))
    st.stop()
lang = (
    st.sidebar.segmented_control(
        t("lang.label", st.session_state.lang),
        LANGUAGES,
        key="lang",
        format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
    )
    or "vi"
)
choice = sidebar(lang)
mirror_in_url(choice, lang)
navigation = st.navigation([
    st.Page("pages/map.py", title=t("nav.map", lang), icon=":material/map:", url_path="map", default=True),
    st.Page("pages/register.py", title=t("nav.register", lang), icon=":material/table_view:", url_path="register"),
    st.Page("pages/tod.py", title=t("nav.tod", lang), icon=":material/radio_button_checked:", url_path="tod"),
])  # fmt: skip
navigation.run()
