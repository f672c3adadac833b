"""Session state of the shared filters, the map's view and the TOD settings, initialised once from the URL.

app.py draws the sidebar widgets on these keys; pages read the choice with :func:`current`.
The URL carries all of it (:func:`sync_url`), so a link opens exactly what the sender saw.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo import settings
from geo.filters import UNDATED_KINDS, TaskFilter
from geo.i18n import LANGUAGES
from geo.progress.categories import CATEGORIES
from pages import _cache

STATE_DEFAULTS = {
    "f_query": "", "f_docs": [], "f_agencies": [], "f_role": "any", "f_predecessors": True,
    "f_use_window": False, "f_due_from": date(2026, 1, 1), "f_due_to": date(2030, 12, 31),
    "f_as_of": None, "f_only_past_due": False, "f_undated": list(UNDATED_KINDS),
    "f_layers": [], "f_statuses": [], "f_wards": [], "f_near": "", "f_within": "", "f_categories": [],
}  # fmt: skip
BASEMAPS = ("none", "osm", "light", "satellite", "local")
# the map's view and selection: URL parameter -> (session key, parser)
MAP_PARAMS = {"lat": ("map_lat", float), "lon": ("map_lon", float), "z": ("map_zoom", int), "sel": ("map_sel", str),
              "task": ("map_task", str), "colour": ("map_colour", str)}  # fmt: skip
TOD_PARAMS = {
    "tod_lines": lambda raw: [part for part in raw.split(",") if part], "tod_phase": date.fromisoformat,
    "tod_compare": date.fromisoformat, "tod_estimates": lambda raw: raw == "1", "tod_radius": lambda raw: raw if raw == "…" else int(raw),
    "tod_radius_custom": int, "tod_study": str, "tod_method": str,
}  # fmt: skip
FILTER_KEYS = (*STATE_DEFAULTS, "basemap")


def init_state() -> None:
    """Initialise each session key once: from the URL when it carries a choice, else the default."""
    params = st.query_params.to_dict()
    choice = TaskFilter.from_query_params(params)
    known_docs = set(_cache.documents().index)
    known_agencies = set(_cache.agency_index().table.index)
    known_wards = set(_cache.data().context["wards"]["name"])
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
        "f_wards": [ward for ward in choice.wards if ward in known_wards],
        "f_categories": [code for code in choice.categories if code in CATEGORIES],
        "f_near": _valid_place(choice.near, "near"),
        "f_within": _valid_place(choice.within, "within"),
        "basemap": params.get("basemap") if params.get("basemap") in BASEMAPS else "none",
    }
    for name, (key, parse) in MAP_PARAMS.items():
        from_url[key] = _parsed(params.get(name), parse)
    for key, parse in TOD_PARAMS.items():
        value = _parsed(params.get(key), parse)
        if value is not None:
            from_url[key] = value
    for key, value in from_url.items():
        if key not in st.session_state:
            st.session_state[key] = value


def keep_widget_state(keys: tuple[str, ...] = FILTER_KEYS) -> None:
    """Re-assign the filter values so a widget keeps its value when its label changes (language switch).

    Streamlit gives a widget a new identity when its label or options' labels change and then drops the
    old value; writing the value back under the same key before the widget is drawn keeps it.
    """
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def choice_from_state() -> TaskFilter:
    """Return the planner's choice from the widget keys."""
    state = st.session_state
    window = state.f_use_window
    return TaskFilter(
        agencies=tuple(state.f_agencies), role=state.f_role, include_predecessors=state.f_predecessors,
        docs=tuple(state.f_docs), due_from=state.f_due_from if window else None,
        due_to=state.f_due_to if window else None, as_of=state.f_as_of or date.today(),
        only_past_due=state.f_only_past_due, undated=tuple(state.f_undated), query=state.f_query.strip(),
        layers=tuple(state.f_layers), statuses=tuple(state.f_statuses), wards=tuple(state.get("f_wards", [])),
        near=state.get("f_near", ""), within=state.get("f_within", ""), categories=tuple(state.get("f_categories", [])),
    )  # fmt: skip


def current() -> tuple[str, TaskFilter]:
    """Return (language, choice) for a page; initialises the state when the page runs on its own."""
    init_state()
    return st.session_state.get("lang", "vi"), choice_from_state()


def sync_url() -> None:
    """Write the choice, language, basemap, map view and selection, and TOD settings into the URL (when they changed)."""
    state = st.session_state
    params = choice_from_state().to_query_params()
    params["as_of"] = choice_from_state().as_of_or_today().isoformat()  # a shared link keeps its day
    if state.get("lang", "vi") != "vi":
        params["lang"] = state.lang
    if state.get("basemap", "none") != "none":
        params["basemap"] = state.basemap
    for name, (key, _) in MAP_PARAMS.items():
        value = state.get(key)
        if value not in (None, ""):
            params[name] = f"{value:.5f}" if isinstance(value, float) else str(value)
    for key in TOD_PARAMS:
        value = state.get(key)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            params[key] = ",".join(value)
        elif isinstance(value, bool):
            params[key] = "1" if value else "0"
        elif isinstance(value, date):
            params[key] = value.isoformat()
        else:
            params[key] = str(value)
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def _parsed(raw, parse):
    if raw in (None, ""):
        return None
    try:
        return parse(raw)
    except (TypeError, ValueError):
        return None


def _valid_place(text: str, kind: str) -> str:
    from geo.errors import PlanningMapError
    from geo.places import parse_near, parse_within

    if not text:
        return ""
    try:
        (parse_near if kind == "near" else parse_within)(text)
    except PlanningMapError:
        return ""
    return text
