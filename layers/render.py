"""The base map: tiles or offline context, legend, controls (measure, fullscreen, draw), attribution.

The base map does not depend on the planner's filters, so the browser keeps it
(and the view, and a collapsed legend) while the project layers change
(:mod:`layers.features`). Text from data is HTML-escaped before it reaches a
tooltip or the legend. Every script and stylesheet is served by the app itself
(``static/``): the map needs no CDN. No streamlit here.
"""

from __future__ import annotations

import html
import json
import weakref
from pathlib import Path
from typing import ClassVar

import folium
import folium.plugins
import geopandas as gpd
from branca.element import MacroElement, Template

from geo import settings
from geo.i18n import t
from geo.layer_specs import Registry
from layers.features import LINE_COLOURS, feature_collection, feature_group, project_groups

__all__ = ["BASEMAPS", "HtmlControl", "base_map", "feature_collection", "feature_group", "legend", "project_map"]

HANOI_CENTER = (21.028, 105.834)
STATIC = "/app/static"
LEAFLET_JS = ("leaflet", f"{STATIC}/leaflet/leaflet.js")
LEAFLET_CSS = ("leaflet_css", f"{STATIC}/leaflet/leaflet.css")
LOCAL_TILES_DIR = settings.ROOT / "static" / "tiles"  # an XYZ folder {z}/{x}/{y}.png an office copies here
BASEMAPS = {
    "none": None,
    "osm": ("OpenStreetMap", "© OpenStreetMap contributors"),
    "light": ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png", "© OpenStreetMap contributors © CARTO"),
    "satellite": (
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Imagery © Esri, Maxar, Earthstar Geographics",
    ),
    "local": (f"{STATIC}/tiles/{{z}}/{{x}}/{{y}}.png", "© OpenStreetMap contributors (tiles served by this app)"),
}


def local_tiles_available(folder: Path = LOCAL_TILES_DIR) -> bool:
    """Return True when an XYZ tile folder has been copied to ``static/tiles`` (the "local" basemap)."""
    return folder.is_dir() and any(folder.iterdir())


def base_map(
    *,
    basemap: str = "none",
    center: tuple[float, float] = HANOI_CENTER,
    zoom: int = 10,
    controls: bool = False,
    lang: str = "vi",
) -> folium.Map:
    """Return an empty map with the chosen basemap, the scale and the OSM attribution always shown.

    ``basemap="none"`` draws no tiles (offline); the context layers then give the picture.
    With `controls`, the measure (distances and areas), fullscreen and draw (a polygon
    or a point for the place filter) controls are added, and labels show from their zoom.
    """
    if basemap not in BASEMAPS:
        msg = f"unknown basemap {basemap!r}; expected one of {list(BASEMAPS)}"
        raise ValueError(msg)
    fmap = folium.Map(location=center, zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=True)
    fmap.default_js = [LEAFLET_JS]
    fmap.default_css = [LEAFLET_CSS]
    if BASEMAPS[basemap]:
        tiles, attribution = BASEMAPS[basemap]
        folium.TileLayer(tiles=tiles, attr=attribution, name=basemap, control=False, max_zoom=19).add_to(fmap)
    _Attribution(settings.OSM_ATTRIBUTION).add_to(fmap)
    if controls:
        _Measure(lang).add_to(fmap)
        _Fullscreen(title=t("map.fullscreen", lang)).add_to(fmap)
        _Draw().add_to(fmap)
        _ZoomClasses().add_to(fmap)
    return fmap


def context_layers(fmap: folium.Map, registry: Registry, context: dict[str, gpd.GeoDataFrame], *, lang: str) -> None:
    """Add the context layers (boundary, wards with population, Red River) to `fmap`."""
    for layer_id in registry.ids("context"):
        if layer_id in context:
            spec = registry.get(layer_id)
            tip = {"wards": "label_en" if lang == "en" else "label", "boundary": None, "red_river": "name"}.get(layer_id)
            context_group(context[layer_id], name=spec.label(lang), color=spec.color, weight=spec.weight, tip_field=tip).add_to(fmap)


def legend(registry: Registry, layer_ids: list[str], *, lang: str = "vi", lines: dict[str, str] | None = None) -> MacroElement:
    """Return a legend control: colour per layer (and per metro line), the status styles, the provenance dash.

    The legend is a ``<details>`` element whose open/closed state the browser remembers.
    """
    cells = []
    for layer_id in layer_ids:
        spec = registry.get(layer_id)
        cells.append(f'<div><span style="background:{spec.color}" class="sw"></span>{html.escape(spec.label(lang))}</div>')
    rows = [f'<div class="grid">{"".join(cells)}</div>']
    if lines:
        cells = "".join(
            f'<span class="ln"><span class="bar" style="background:{LINE_COLOURS.get(line, "#555")}"></span>{html.escape(name)}</span>'
            for line, name in lines.items()
        )
        rows.append(f'<div class="lines">{cells}</div>')
    label = "label_en" if lang == "en" else "label_vi"
    samples = {
        "operating": '<span class="bar" style="height:5px;background:#555"></span>',
        "under construction": '<span class="bar uc" style="height:4px;background:#555"></span>',
        "planned": '<span class="bar" style="height:2px;background:#555;opacity:.55"></span>',
    }
    cells = []
    for status, style in registry.status_styles.items():
        sample = samples.get(status, '<span class="sw" style="background:#555;opacity:.4"></span>')
        cells.append(f"<div>{sample}{html.escape(str(style.get(label, status)))}</div>")
    rows.append(f'<div class="grid">{"".join(cells)}</div>')
    cells = []
    for quality, style in registry.quality_styles.items():  # provenance: every kind named, the drawn ones with their dash
        dash = str(style.get("dash") or "")
        sample = (f'<svg class="dq" width="22" height="6"><line x1="0" y1="3" x2="22" y2="3" stroke="#555" stroke-width="3" '
                  f'stroke-dasharray="{html.escape(dash)}"/></svg>')  # fmt: skip
        cells.append(f'<div data-quality="{html.escape(quality)}">{sample}{html.escape(str(style.get(label, quality)))}</div>')
    rows.append(f'<div class="grid">{"".join(cells)}</div>')
    return _legend_control(t("legend.title", lang), "".join(rows))


def add_legend(fmap: folium.Map, registry: Registry, layer_ids: list[str], *, lang: str = "vi") -> None:
    """Add the legend control to `fmap`."""
    legend(registry, layer_ids, lang=lang).add_to(fmap)


def context_group(frame: gpd.GeoDataFrame, *, name: str, color: str, weight: int, tip_field: str | None) -> folium.FeatureGroup:
    """Return a light, non-interactive context layer (boundary, wards, river)."""
    group = folium.FeatureGroup(name=html.escape(name), show=True, control=True)
    columns = [tip_field] if tip_field and tip_field in frame.columns else []
    folium.GeoJson(
        _context_collection(frame, tip_field if columns else None),
        style_function=lambda _: {"color": color, "weight": weight, "fillOpacity": 0.03, "fillColor": color},
        tooltip=folium.GeoJsonTooltip(fields=columns, labels=False) if columns else None,
        interactive=bool(columns),
    ).add_to(group)
    return group


def project_map(
    visible: gpd.GeoDataFrame,
    registry: Registry,
    context: dict[str, gpd.GeoDataFrame],
    *,
    lang: str = "vi",
    basemap: str = "none",
    highlight: frozenset[str] = frozenset(),
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    line_names: dict[str, str] | None = None,
) -> folium.Map:
    """Return the whole explorer map in one piece (the standalone HTML export): base, context, layers, legend.

    Parameters
    ----------
    visible : geopandas.GeoDataFrame
        Project features to draw (EPSG:4326), already filtered.
    registry : Registry
        Layer specs and styles.
    context : dict of str to geopandas.GeoDataFrame
        Context frames by layer id (``boundary``, ``wards``, ``red_river``), already light.
    lang : str
        "vi" or "en".
    basemap : str
        One of ``BASEMAPS``.
    highlight : frozenset of str
        Feature ids drawn highlighted.
    bounds : ((south, west), (north, east)) or None
        Fit the view to these bounds.
    line_names : dict or None
        Metro line id -> name, for the legend's line colours.
    """
    fmap = base_map(basemap=basemap)
    context_layers(fmap, registry, context, lang=lang)
    for group in project_groups(visible, registry, lang=lang, highlight=highlight):
        group.add_to(fmap)
    shown = [layer for layer in registry.ids("project") if (visible["layer"] == layer).any()]
    legend(registry, shown, lang=lang, lines=line_names).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    if bounds:
        fmap.fit_bounds([list(bounds[0]), list(bounds[1])])
    return fmap


_CONTEXT_CACHE: dict[int, dict[str | None, dict]] = {}


def _context_collection(frame: gpd.GeoDataFrame, tip_field: str | None) -> dict:
    # context frames are loaded once per process and never change: their GeoJSON is built once per frame
    if id(frame) not in _CONTEXT_CACHE:
        _CONTEXT_CACHE[id(frame)] = {}
        weakref.finalize(frame, _CONTEXT_CACHE.pop, id(frame), None)  # forget it when the frame dies
    per_frame = _CONTEXT_CACHE[id(frame)]
    if tip_field not in per_frame:
        data = frame[[tip_field, "geometry"]].copy() if tip_field else frame[["geometry"]].copy()
        if tip_field:
            data[tip_field] = data[tip_field].map(lambda v: html.escape("" if v is None else str(v)))
        per_frame[tip_field] = json.loads(data.to_json(drop_id=True))
    return per_frame[tip_field]


class _Attribution(MacroElement):
    """Adds a fixed attribution to the map's attribution control (shown with or without tiles)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text = text


class HtmlControl(MacroElement):
    """A Leaflet control showing a block of (already escaped) HTML, styled as a legend; a ``<details>`` keeps its state."""

    _template = Template(
        """{% macro header(this, kwargs) %}
        <style>.hn-legend{background:rgba(255,255,255,.93);padding:4px 6px;font:11px/1.3 sans-serif;border-radius:4px;max-width:330px;
        max-height:30vh;overflow:auto;box-shadow:0 0 4px rgba(0,0,0,.3)}
        .hn-legend .grid{display:grid;grid-template-columns:1fr 1fr;column-gap:8px}
        .hn-legend .sw{display:inline-block;width:14px;height:10px;margin-right:6px}
        .hn-legend .bar{display:inline-block;width:18px;height:4px;margin-right:6px;vertical-align:middle}
        .hn-legend .bar.uc{background-image:repeating-linear-gradient(90deg,#fff 0 2px,transparent 2px 7px)!important}
        .hn-legend .ln{display:inline-block;margin-right:6px;white-space:nowrap}
        .hn-legend .dash{display:inline-block;width:18px;margin-right:6px;border-top:3px dashed #555;vertical-align:middle}
        .hn-legend .dq{margin-right:6px;vertical-align:middle}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                var div = L.DomUtil.create('div', 'hn-legend');
                div.innerHTML = {{ this.body|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                var box = div.querySelector('details');
                if (box) {
                    try { if (window.localStorage.getItem('hn-legend-open') === '0') { box.removeAttribute('open'); } } catch (e) {}
                    box.addEventListener('toggle', function () {
                        try { window.localStorage.setItem('hn-legend-open', box.open ? '1' : '0'); } catch (e) {}
                    });
                }
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}"""
    )

    def __init__(self, body: str, *, position: str = "bottomleft") -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.body = body
        self.position = position


def _legend_control(title: str, rows: str) -> HtmlControl:
    return HtmlControl(f"<details open><summary><b>{html.escape(title)}</b></summary>{rows}</details>")


class _ZoomClasses(MacroElement):
    """Shows each name label from its zoom on: the map container gets ``hn-zN`` classes for every N <= zoom."""

    _template = Template(
        """{% macro header(this, kwargs) %}
        <style>.hn-label{display:none;white-space:nowrap;font:11px/1.2 sans-serif;color:#222;text-shadow:0 0 3px #fff,0 0 3px #fff;
        transform:translate(6px,-6px);pointer-events:none}
        {% for z in range(9, 19) %}.hn-at{{ z }} .hn-label.hn-z{{ z }}{display:inline}{% endfor %}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            function mark() {
                var z = map.getZoom(), box = map.getContainer();
                for (var i = 9; i <= 18; i++) { box.classList.toggle('hn-at' + i, z >= i); }
            }
            map.on('zoomend', mark); mark();
            // the page sizes the map's frame after Leaflet measured it: measure again whenever it changes
            var box = map.getContainer();
            if (window.ResizeObserver) { new ResizeObserver(function () { map.invalidateSize(false); }).observe(box); }
            window.addEventListener('resize', function () { map.invalidateSize(false); });
        })();
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ZoomClasses"


class _Measure(folium.plugins.MeasureControl):
    """The Leaflet measure control (distances in m/km, areas in m²/ha), served by the app."""

    default_js: ClassVar[list[tuple[str, str]]] = [("leaflet_measure_js", f"{STATIC}/leaflet-measure/leaflet-measure.js")]
    default_css: ClassVar[list[tuple[str, str]]] = [("leaflet_measure_css", f"{STATIC}/leaflet-measure/leaflet-measure.css")]

    def __init__(self, lang: str) -> None:
        super().__init__(position="topleft", primary_length_unit="meters", secondary_length_unit="kilometers",
                         primary_area_unit="sqmeters", secondary_area_unit="hectares", localization="en")  # fmt: skip
        del lang


class _Fullscreen(folium.plugins.Fullscreen):
    """The fullscreen control, served by the app."""

    default_js: ClassVar[list[tuple[str, str]]] = [("Control.Fullscreen.js", f"{STATIC}/leaflet-fullscreen/Control.FullScreen.js")]
    default_css: ClassVar[list[tuple[str, str]]] = [("Control.FullScreen.css", f"{STATIC}/leaflet-fullscreen/Control.FullScreen.css")]

    def __init__(self, title: str) -> None:
        super().__init__(position="topleft", title=title, title_cancel=title, force_separate_button=True)


class _Draw(folium.plugins.Draw):
    """The draw control for the place filter (a polygon, or a point for a radius), served by the app."""

    default_js: ClassVar[list[tuple[str, str]]] = [("leaflet_draw_js", f"{STATIC}/leaflet-draw/leaflet.draw.js")]
    default_css: ClassVar[list[tuple[str, str]]] = [("leaflet_draw_css", f"{STATIC}/leaflet-draw/leaflet.draw.css")]

    def __init__(self) -> None:
        super().__init__(
            position="topleft",
            draw_options={"polyline": False, "rectangle": True, "circle": False, "circlemarker": False, "marker": True,
                          "polygon": {"allowIntersection": False}},
            edit_options={"edit": False, "remove": True},
        )  # fmt: skip
