"""The standalone HTML map of a snapshot: the explorer's folium map with Leaflet inlined (no streamlit here).

:func:`geo.export.write_snapshot` takes the HTML as a string, since geo/ does
not import folium; the command line and the app build it here.
"""

from __future__ import annotations

import html

from geo.agencies import load_agencies
from geo.context import load_context
from geo.errors import UnknownValueError
from geo.export import filter_summary, inline_leaflet
from geo.features import load_features
from geo.filters import TaskFilter, apply_filter
from geo.i18n import LANGUAGES, t
from geo.layer_specs import load_registry
from geo.mapdata import bounds_of, light_geometry, visible_features
from geo.register import load_register
from layers.render import project_map


def standalone_map_html(choice: TaskFilter, lang: str = "vi") -> str:
    """Return a self-contained HTML page of the map for `choice` (works offline, from a file).

    The features visible for `choice` are drawn as on the map page (no basemap
    tiles; boundary, wards and Red River as context; legend; OSM attribution),
    the view fitted to them, and Leaflet's script and stylesheet inlined.

    Parameters
    ----------
    choice : TaskFilter
        The planner's filter.
    lang : str
        "vi" or "en".

    Returns
    -------
    str
        The HTML document (UTF-8 text).

    Raises
    ------
    UnknownValueError
        If `lang` is unknown (and as :func:`geo.filters.apply_filter`).
    """
    if lang not in LANGUAGES:
        msg = f"Unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}."
        raise UnknownValueError(msg)
    agencies = load_agencies()
    registry = load_registry()
    features = load_features()
    matched = apply_filter(load_register(), choice, agencies)
    visible = visible_features(features, matched.index, choice)
    fmap = project_map(
        light_geometry(visible), registry, load_context(light=True), lang=lang, basemap="none", bounds=bounds_of(visible)
    )
    page = fmap.get_root().render()
    summary = " · ".join(filter_summary(choice, lang=lang, agencies=agencies, registry=registry))
    title = f"{t('app.title', lang)} — {choice.as_of_or_today().isoformat()}"
    head = f'<meta charset="utf-8" />\n<title>{html.escape(title)}</title>\n<meta name="description" content="{html.escape(summary)}" />'
    page = page.replace("<head>", f"<head>\n{head}", 1)
    return inline_leaflet(page)
