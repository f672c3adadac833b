"""Frame of the app: page config, language, shared sidebar filters, navigation."""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo import settings
from geo.errors import PlanningMapError
from geo.filters import ROLES, UNDATED_KINDS, TaskFilter
from geo.i18n import LANGUAGES, t
from geo.places import parse_near
from geo.progress.categories import CATEGORIES
from geo.text import fold
from layers.render import local_tiles_available
from pages import _auth, _cache, _frame, _text

st.set_page_config(page_title="Bản đồ quy hoạch Hà Nội · Hà Nội planning map", page_icon=":material/map:", layout="wide")


def reset_filters() -> None:
    st.session_state.update({**_frame.STATE_DEFAULTS, "f_as_of": date.today(), "f_near_point": "", "f_near_error": False})


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
    side.multiselect(t("filters.categories", lang), CATEGORIES, key="f_categories", placeholder=t("filters.all", lang),
                     format_func=lambda code: t(f"category.{code}", lang))  # fmt: skip
    place_filters(side, lang)
    basemaps = [b for b in _frame.BASEMAPS if b != "local" or local_tiles_available()]
    side.radio(t("map.basemap", lang), basemaps, key="basemap", format_func=lambda b: t(f"basemap.{b}", lang))
    side.button(t("filters.reset", lang), on_click=reset_filters)
    side.caption(t("attribution", lang))
    return _frame.choice_from_state()


def guests_allowed() -> bool:
    """Return True when the store lets guests view (its ``anonymous_viewing`` setting; True without a store)."""
    from geo.store import get_setting

    store = _cache.store()
    return True if store is None else bool(get_setting(store, "anonymous_viewing")[0])


def place_filters(side, lang: str) -> None:
    """Draw the place filter: wards/communes (accents optional), a radius around a point, the drawn polygon."""
    state = st.session_state
    names = sorted(_cache.data().context["wards"]["name"])
    active = bool(state.f_wards or state.f_near or state.f_within)
    with side.expander(t("map.place", lang), expanded=active, icon=":material/location_on:"):
        st.multiselect(t("map.place.wards", lang), names, key="f_wards", placeholder=t("filters.all", lang),
                       format_func=lambda name: f"{name} ({fold(name)})")  # fmt: skip
        if "f_near_point" not in state:
            lat, lon, radius = state.f_near.split(",") if state.f_near else ("", "", "800")
            state.f_near_point = f"{lat}, {lon}" if lat else ""
            state.f_near_radius = int(float(radius))
        st.text_input(t("map.place.point", lang), key="f_near_point", help=t("map.place.point.help", lang), on_change=_near_changed)
        st.number_input(t("map.place.near", lang), 50, 20_000, step=50, key="f_near_radius", on_change=_near_changed)
        if state.get("map_clicked"):
            st.button(t("map.place.use_click", lang), on_click=_use_click, key="f_use_click")
        if state.get("f_near_error"):
            st.html(_text.alert("error", t("map.place.bad_point", lang)))
        if state.f_within:
            st.caption(t("map.place.drawn", lang, n=len(state.f_within.split(";"))))
        else:
            st.caption(t("map.place.draw_hint", lang))
        if active:
            st.button(t("map.place.clear", lang), on_click=_clear_place, key="f_clear_place")


def _near_changed() -> None:
    state = st.session_state
    point = state.f_near_point.strip()
    state.f_near_error = False
    if not point:
        state.f_near = ""
        return
    try:
        lat, lon = (float(part) for part in point.replace(";", ",").split(","))
        state.f_near = parse_near_text(lat, lon, state.f_near_radius)
    except (ValueError, PlanningMapError):
        state.f_near_error = True


def _use_click() -> None:
    lat, lon = st.session_state.map_clicked
    st.session_state.f_near_point = f"{lat:.5f}, {lon:.5f}"
    _near_changed()


def _clear_place() -> None:
    st.session_state.update({"f_wards": [], "f_near": "", "f_within": "", "f_near_point": "", "f_near_error": False})


def parse_near_text(lat: float, lon: float, radius: float) -> str:
    """Return the ``near`` text of a point and radius, checked (raises PlanningMapError when out of the region)."""
    text = f"{lat:.5f},{lon:.5f},{float(radius):g}"
    parse_near(text)
    return text


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
user = _auth.sidebar_block(lang)
if user is None and not guests_allowed():
    st.html(_text.alert("info", t("auth.required", lang)))
    st.stop()
choice = sidebar(lang)
_frame.sync_url()
pages = [
    st.Page("pages/map.py", title=t("nav.map", lang), icon=":material/map:", url_path="map", default=True),
    st.Page("pages/register.py", title=t("nav.register", lang), icon=":material/table_view:", url_path="register"),
    st.Page("pages/indicators.py", title=t("nav.indicators", lang), icon=":material/monitoring:", url_path="indicators"),
    st.Page("pages/progress.py", title=t("nav.progress", lang), icon=":material/fact_check:", url_path="progress"),
    st.Page("pages/tod.py", title=t("nav.tod", lang), icon=":material/radio_button_checked:", url_path="tod"),
]
if _auth.may(user, "progress.report"):
    pages.insert(2, st.Page("pages/my_tasks.py", title=t("nav.my_tasks", lang), icon=":material/assignment:", url_path="my-tasks"))
if _auth.may(user, "geometry.edit"):
    pages.append(st.Page("pages/edit.py", title=t("nav.edit", lang), icon=":material/edit_location_alt:", url_path="edit"))
if _auth.may(user, "account.update"):
    pages.append(st.Page("pages/admin.py", title=t("nav.admin", lang), icon=":material/admin_panel_settings:", url_path="admin"))
st.navigation(pages).run()
