"""Session state of the shared filters: initialised once (from the URL when it carries choices).

app.py draws the sidebar widgets on these keys; pages read the choice with :func:`current`.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo import settings
from geo.filters import UNDATED_KINDS, TaskFilter
from geo.i18n import LANGUAGES
from pages import _cache

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


FILTER_KEYS = (*STATE_DEFAULTS, "basemap")


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
        layers=tuple(state.f_layers), statuses=tuple(state.f_statuses),
    )  # fmt: skip


def current() -> tuple[str, TaskFilter]:
    """Return (language, choice) for a page; initialises the state when the page runs on its own."""
    init_state()
    return st.session_state.get("lang", "vi"), choice_from_state()
