"""The standalone HTML map of a snapshot: the explorer's folium map with Leaflet inlined (no streamlit here).

:func:`geo.export.write_snapshot` takes the HTML as a string, since geo/ does
not import folium; the command line and the app build it here.
"""

from __future__ import annotations

import html

from geo.context import load_context
from geo.errors import UnknownValueError
from geo.export import inline_leaflet
from geo.i18n import LANGUAGES, t
from geo.mapdata import bounds_of, light_geometry
from geo.view import View
from layers.render import project_map


def standalone_map_html(view: View, lang: str = "vi") -> str:
    """Return a self-contained HTML page of the map of `view` (works offline, from a file).

    The features visible in `view` are drawn as on the map page (no basemap
    tiles; boundary, wards and Red River as context; legend; OSM attribution),
    the view fitted to them, and Leaflet's script and stylesheet inlined.

    Parameters
    ----------
    view : geo.view.View
        What the planner sees (:func:`geo.view.build_view`).
    lang : str
        "vi" or "en".

    Returns
    -------
    str
        The HTML document (UTF-8 text).

    Raises
    ------
    UnknownValueError
        If `lang` is unknown.
    """
    if lang not in LANGUAGES:
        msg = f"Unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}."
        raise UnknownValueError(msg)
    visible = view.features
    fmap = project_map(
        light_geometry(visible), view.data.registry, load_context(light=True), lang=lang, basemap="none",
        bounds=bounds_of(visible),
    )  # fmt: skip
    page = fmap.get_root().render()
    summary = " · ".join(view.summary(lang))
    title = f"{t('app.title', lang)} — {view.as_of.isoformat()}"
    head = f'<meta charset="utf-8" />\n<title>{html.escape(title)}</title>\n<meta name="description" content="{html.escape(summary)}" />'
    page = page.replace("<head>", f"<head>\n{head}", 1)
    return inline_leaflet(page)
