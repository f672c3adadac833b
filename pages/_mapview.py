"""The map page's interaction: a base map the browser keeps, the view and selection in the session, events read back.

The base map (tiles or context, legend, measure, fullscreen, draw) depends only on
the language and basemap, so streamlit-folium keeps it across reruns; the project
layers go in as ``feature_group_to_add``. The view (centre, zoom) is read back from
the browser after every pan and passed in again, so a filter change never moves it.
"""

from __future__ import annotations

import json
import math

import folium
import shapely
import streamlit as st
from streamlit_folium import st_folium

from geo.places import format_within
from geo.progress.categories import CATEGORY_COLOURS
from geo.view import feature_categories
from layers.features import project_groups
from layers.render import HANOI_CENTER, base_map, context_layers, legend
from pages import _cache

MAP_HEIGHT_PX = 700
RETURNED = ["last_active_drawing", "last_clicked", "center", "zoom", "bounds"]
FULL_HEIGHT_CSS = """<style>
iframe[title="streamlit_folium.st_folium"]{height:calc(100vh - 230px)!important;min-height:480px}
</style>"""


def base_figure(lang: str, basemap: str, initial: tuple[float, float, int]) -> folium.Map:
    """Return the base map of the explorer: the same for every filter, so the browser keeps it.

    `initial` (lat, lon, zoom) is where the map opens when the browser first draws it (the view
    of the URL, or the current one after a language or basemap change); later moves go through
    streamlit-folium's ``center``/``zoom``, which it applies only to a map already drawn.
    """
    registry = _cache.registry()
    fmap = base_map(basemap=basemap, controls=True, lang=lang, center=initial[:2], zoom=initial[2])
    context_layers(fmap, registry, _cache.context(), lang=lang)
    legend(registry, list(registry.ids("project")), lang=lang, lines=line_names(lang)).add_to(fmap)
    return fmap


def line_names(lang: str) -> dict[str, str]:
    """Return metro line id -> short name, for the legend's line colours."""
    features = _cache.features()
    if "line" not in features.columns:
        return {}
    lines = features[features["layer"] == "metro_line"]
    return {str(line): str(line) for line in lines["line"].dropna().unique()}


def draw(view, *, lang: str, basemap: str, highlight: frozenset[str], by_progress: bool = False) -> dict:
    """Draw the map of `view` keeping the planner's place; return what the browser sent back.

    With `by_progress`, each feature is coloured by the progress of its matched tasks
    (:func:`geo.view.feature_categories`), line styles still telling status and provenance.
    """
    state = st.session_state
    st.html(FULL_HEIGHT_CSS)
    features = _light(view.features)
    if by_progress:
        codes = feature_categories(view)
        features = features.assign(colour_override=codes.map(lambda code: CATEGORY_COLOURS.get(code, "#616161")))
    groups = project_groups(features, _cache.registry(), lang=lang, highlight=highlight)
    if state.get("map_lat") is None or state.get("map_zoom") is None:
        state.map_lat, state.map_lon, state.map_zoom = HANOI_CENTER[0], HANOI_CENTER[1], 10
    if state.get("map_figure") != (lang, basemap):  # a new base map: it opens where the planner is
        state.map_figure = (lang, basemap)
        state.map_initial = (state.map_lat, state.map_lon, state.map_zoom)
        state.map_sent = None
    # The view is sent only to move the map (a jump); otherwise the browser keeps the planner's own view.
    sent = state.get("map_sent")
    return st_folium(
        base_figure(lang, basemap, state.map_initial), key="main_map", height=MAP_HEIGHT_PX, use_container_width=True,
        center=sent[:2] if sent else None, zoom=sent[2] if sent else None, feature_group_to_add=groups,
        layer_control=folium.LayerControl(collapsed=True), returned_objects=RETURNED,
    ) or {}  # fmt: skip


def read_events(out: dict) -> bool:
    """Store the view and the events of the browser in the session; return True when the filters changed (rerun)."""
    state = st.session_state
    center, zoom = out.get("center"), out.get("zoom")
    if center and zoom:
        reported = (round(center["lat"], 5), round(center["lng"], 5), int(zoom))
        if reported != state.get("map_reported"):  # the planner moved the map (a value seen before is stale, not a move)
            state.map_reported = reported
            state.map_lat, state.map_lon, state.map_zoom = reported
    clicked = out.get("last_clicked")
    if clicked:
        state.map_clicked = (round(clicked["lat"], 5), round(clicked["lng"], 5))
    if out.get("bounds"):
        state.map_bounds = out["bounds"]
    drawing = out.get("last_active_drawing")
    stamp = json.dumps(drawing, sort_keys=True) if drawing else ""
    if not drawing or stamp == state.get("map_last_drawing"):
        return False
    state.map_last_drawing = stamp
    fid = (drawing.get("properties") or {}).get("fid")
    if fid:
        state.map_sel, state.map_task = fid, None
        return False
    geometry = shapely.geometry.shape(drawing["geometry"])
    if geometry.geom_type == "Polygon":
        state.f_within = format_within(geometry)
        return True
    if geometry.geom_type == "Point":
        state.f_near_point = f"{geometry.y:.5f}, {geometry.x:.5f}"
        state.f_near = f"{geometry.y:.5f},{geometry.x:.5f},{float(state.get('f_near_radius', 800)):g}"
        return True
    return False


def go_to(frame) -> None:
    """Set the view to show `frame`'s features (EPSG:4326) at the closest zoom that fits (capped at 16)."""
    if frame.empty:
        return
    west, south, east, north = frame.total_bounds
    state = st.session_state
    state.map_lat, state.map_lon = round((south + north) / 2, 5), round((west + east) / 2, 5)
    state.map_zoom = zoom_to_fit(west, south, east, north)
    jumps = state.get("map_jumps", 0) + 1  # a jump to the same place again must still move the map: vary the last digit
    state.map_jumps = jumps
    state.map_sent = (state.map_lat + jumps * 1e-9, state.map_lon, state.map_zoom)


def zoom_to_fit(west: float, south: float, east: float, north: float, *, width_px: int = 900, height_px: int = 600) -> int:
    """Return the Web-Mercator zoom (10-16) at which the box fits in a map of the given size."""
    span_x = max(east - west, 1e-4)
    lat = math.radians((south + north) / 2)
    span_y = max((north - south) / math.cos(lat), 1e-4)
    zoom = min(math.log2(width_px * 360 / (256 * span_x)), math.log2(height_px * 360 / (256 * span_y)))
    return int(max(10, min(16, math.floor(zoom))))


def _light(frame):
    """Return `frame` with the light (simplified, rounded) geometry of the payload, computed once per process.

    A feature the cached light geometries do not hold yet (added by a write between the view and this call)
    is simplified here, so it is never drawn without a shape.
    """
    from geo.mapdata import light_for

    return frame.set_geometry(light_for(frame, _cache.light_geometries()).values)
