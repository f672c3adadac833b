"""Frame of the app: page config, language, shared sidebar filters, navigation."""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo import settings
from geo.errors import PlanningMapError
from geo.filters import ROLES, UNDATED_KINDS, TaskFilter
from geo.i18n import LANGUAGES, t
from pages import _cache

st.set_page_config(page_title="Bản đồ quy hoạch Hà Nội · Hà Nội planning map", page_icon=":material/map:", layout="wide")

STATE_DEFAULTS = {
    "f_query": "", "f_docs": [], "f_agencies": [], "f_role": "any", "f_predecessors": True,
    "f_use_window": False, "f_due_from": date(2026, 1, 1), "f_due_to": date(2030, 12, 31),
    "f_as_of": None, "f_only_past_due": False, "f_undated": list(UNDATED_KINDS),
    "f_layers": [], "f_statuses": [],
}  # fmt: skip
BASEMAPS = ("none", "osm", "light", "satellite")


def init_state() -> None:
    """Initialise each session key once: from the URL when it carries a choice, else the default."""
    params = st.query_params.to_dict()
    choice = TaskFilter.from_query_params(params)
    known_docs = set(_cache.documents().index)
    known_agencies = set(_cache.agency_index().table.index)
    from_url = {
        "lang": params.get("lang") if params.get("lang") in LANGUAGES else "vi",
        "f_query": choice.query,
        "f_docs": [doc for doc in choice.docs if doc in known_docs],
        "f_agencies": [agency for agency in choice.agencies if agency in known_agencies],
        "f_role": choice.role,
        "f_predecessors": choice.include_predecessors,
        "f_use_window": bool(choice.due_from or choice.due_to),
        "f_due_from": choice.due_from or STATE_DEFAULTS["f_due_from"],
        "f_due_to": choice.due_to or STATE_DEFAULTS["f_due_to"],
        "f_as_of": choice.as_of_or_today(),
        "f_only_past_due": choice.only_past_due,
        "f_undated": [kind for kind in choice.undated if kind in UNDATED_KINDS],
        "f_layers": [layer for layer in choice.layers if layer in _cache.registry().ids("project")],
        "f_statuses": [status for status in choice.statuses if status in settings.STATUSES],
        "basemap": params.get("basemap") if params.get("basemap") in BASEMAPS else "none",
    }
    for key, value in from_url.items():
        if key not in st.session_state:
            st.session_state[key] = value


def reset_filters() -> None:
    st.session_state.update({**STATE_DEFAULTS, "f_as_of": date.today()})


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
    side.radio(t("map.basemap", lang), BASEMAPS, key="basemap", format_func=lambda b: t(f"basemap.{b}", lang))
    side.button(t("filters.reset", lang), on_click=reset_filters)
    side.caption(t("attribution", lang))
    state = st.session_state
    window = state.f_use_window
    return TaskFilter(
        agencies=tuple(state.f_agencies), role=state.f_role, include_predecessors=state.f_predecessors,
        docs=tuple(state.f_docs), due_from=state.f_due_from if window else None,
        due_to=state.f_due_to if window else None, as_of=state.f_as_of or date.today(),
        only_past_due=state.f_only_past_due, undated=tuple(state.f_undated), query=state.f_query.strip(),
        layers=tuple(state.f_layers), statuses=tuple(state.f_statuses),
    )  # fmt: skip


def mirror_in_url(choice: TaskFilter, lang: str) -> None:
    params = choice.to_query_params()
    if choice.as_of == date.today():
        params.pop("as_of", None)
    if lang != "vi":
        params["lang"] = lang
    if st.session_state.basemap != "none":
        params["basemap"] = st.session_state.basemap
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


try:
    init_state()
except PlanningMapError as error:
    st.error(f"{error}")
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
st.session_state["task_filter"] = sidebar(lang)
mirror_in_url(st.session_state["task_filter"], lang)
navigation = st.navigation([
    st.Page("pages/map.py", title=t("nav.map", lang), icon=":material/map:", url_path="map", default=True),
    st.Page("pages/register.py", title=t("nav.register", lang), icon=":material/table_view:", url_path="register"),
])  # fmt: skip
navigation.run()
