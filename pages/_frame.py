"""Session state of the shared filters, the map's view and the TOD settings, initialised once from the URL.

app.py draws the sidebar widgets on these keys; pages read the choice with :func:`current`.
The URL carries all of it (:func:`sync_url`), so a link opens exactly what the sender saw.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo.filters import UNDATED_KINDS, TaskFilter
from geo.i18n import LANGUAGES
from geo.urlstate import MAP_PARAMS, TOD_PARAMS, format_params, parse_params
from pages import _cache

STATE_DEFAULTS = {
    "f_query": "", "f_docs": [], "f_agencies": [], "f_role": "any", "f_predecessors": True,
    "f_use_window": False, "f_due_from": date(2026, 1, 1), "f_due_to": date(2030, 12, 31),
    "f_as_of": None, "f_only_past_due": False, "f_undated": list(UNDATED_KINDS),
    "f_layers": [], "f_statuses": [], "f_wards": [], "f_near": "", "f_within": "", "f_categories": [],
}  # fmt: skip
BASEMAPS = ("none", "osm", "light", "satellite", "local")
# the map's view and selection: URL parameter (geo.urlstate.MAP_PARAMS) -> session key; the TOD keys are the parameters
MAP_KEYS = {"lat": "map_lat", "lon": "map_lon", "z": "map_zoom", "sel": "map_sel", "task": "map_task", "colour": "map_colour"}
FILTER_KEYS = (*STATE_DEFAULTS, "basemap")


def init_state() -> None:
    """Initialise each session key once: from the URL when it carries a choice, else the default."""
    params = st.query_params.to_dict()
    data = _cache.data()
    choice = TaskFilter.from_query_params(params).known_only(
        docs=set(data.documents.index), agencies=set(data.agencies.table.index),
        wards=set(data.context["wards"]["name"]), layers=data.registry.ids("project"),
    )  # fmt: skip
    from_url = {
        "lang": params.get("lang") if params.get("lang") in LANGUAGES else "vi",
        "f_query": choice.query,
        "f_docs": list(choice.docs),
        "f_agencies": list(choice.agencies),
        "f_role": choice.role,
        "f_predecessors": choice.include_predecessors,
        "f_use_window": bool(choice.due_from or choice.due_to),
        "f_due_from": choice.due_from or STATE_DEFAULTS["f_due_from"],
        "f_due_to": choice.due_to or STATE_DEFAULTS["f_due_to"],
        "f_as_of": choice.as_of_or_today(),
        "f_only_past_due": choice.only_past_due,
        "f_undated": list(choice.undated),
        "f_layers": list(choice.layers),
        "f_statuses": list(choice.statuses),
        "f_wards": list(choice.wards),
        "f_categories": list(choice.categories),
        "f_near": choice.near,
        "f_within": choice.within,
        "basemap": params.get("basemap") if params.get("basemap") in BASEMAPS else "none",
    }
    view = parse_params(params, MAP_PARAMS)
    from_url |= {key: view.get(name) for name, key in MAP_KEYS.items()}
    from_url |= parse_params(params, TOD_PARAMS)
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
    choice = choice_from_state()
    params = choice.to_query_params() | {"as_of": choice.as_of_or_today().isoformat()}  # a shared link keeps its day
    if state.get("lang", "vi") != "vi":
        params["lang"] = state.lang
    if state.get("basemap", "none") != "none":
        params["basemap"] = state.basemap
    params |= format_params({name: state.get(key) for name, key in MAP_KEYS.items()})
    params |= format_params({key: state.get(key) for key in TOD_PARAMS})
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
