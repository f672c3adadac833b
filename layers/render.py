"""Turn layer specs and feature frames into folium layers (no streamlit here).

Text from data is HTML-escaped before it reaches a tooltip or the legend.
Schematic geometry is dashed; the OSM attribution is always on the map.
"""

from __future__ import annotations

import html
import json
import weakref

import folium
import geopandas as gpd
from branca.element import MacroElement, Template

from geo import settings
from geo.i18n import t
from geo.layer_specs import LayerSpec, Registry

HANOI_CENTER = (21.028, 105.834)
# Leaflet is served by the app itself (static/leaflet, Streamlit static serving): the map needs no CDN.
LEAFLET_JS = ("leaflet", "/app/static/leaflet/leaflet.js")
LEAFLET_CSS = ("leaflet_css", "/app/static/leaflet/leaflet.css")
BASEMAPS = {
    "none": None,
    "osm": ("OpenStreetMap", "© OpenStreetMap contributors"),
    "light": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "© OpenStreetMap contributors © CARTO",
    ),
    "satellite": (
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Imagery © Esri, Maxar, Earthstar Geographics",
    ),
}


def base_map(*, basemap: str = "none", center: tuple[float, float] = HANOI_CENTER, zoom: int = 10) -> folium.Map:
    """Return an empty map with the chosen basemap and the OSM attribution always shown.

    ``basemap="none"`` draws no tiles (offline); the context layers then give the picture.
    """
    if basemap not in BASEMAPS:
        msg = f"unknown basemap {basemap!r}; expected one of {list(BASEMAPS)}"
        raise ValueError(msg)
    fmap = folium.Map(location=center, zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=True)
    fmap.default_js = [LEAFLET_JS]
    fmap.default_css = [LEAFLET_CSS]
    if BASEMAPS[basemap]:
        tiles, attribution = BASEMAPS[basemap]
        folium.TileLayer(tiles=tiles, attr=attribution, name=basemap, control=False).add_to(fmap)
    _Attribution(settings.OSM_ATTRIBUTION).add_to(fmap)
    return fmap


def feature_group(
    spec: LayerSpec, frame: gpd.GeoDataFrame, registry: Registry, *, lang: str = "vi", highlight: frozenset[str] = frozenset()
) -> folium.FeatureGroup:
    """Return one FeatureGroup drawing `frame` with the style of `spec`.

    Each feature's tooltip shows its escaped name, status and geometry quality;
    schematic features are dashed; highlighted ids are drawn thicker in yellow.
    """
    group = folium.FeatureGroup(name=html.escape(spec.label(lang)), show=spec.default_visible)
    if frame.empty:
        return group
    collection = feature_collection(frame, spec, registry, lang=lang)
    quality_styles = registry.quality_styles
    status_styles = registry.status_styles

    def style(feature: dict) -> dict:
        props = feature["properties"]
        dash = quality_styles.get(props.get("geometry_quality"), {}).get("dash", "")
        opacity = float(status_styles.get(props.get("status"), {}).get("opacity", 1.0))
        hot = props.get("fid") in highlight
        return {
            "color": "#ffd600" if hot else spec.color,
            "weight": spec.weight + (4 if hot else 0),
            "opacity": opacity,
            "dashArray": dash or None,
            "fillColor": spec.color,
            "fillOpacity": 0.25 * opacity if spec.geometry == "polygon" else 0.9,
        }

    folium.GeoJson(
        collection,
        name=spec.id,
        style_function=style,
        highlight_function=lambda _: {"weight": spec.weight + 3},
        marker=folium.CircleMarker(radius=5, fill=True, weight=1),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        smooth_factor=1.5,
    ).add_to(group)
    return group


def feature_collection(frame: gpd.GeoDataFrame, spec: LayerSpec, registry: Registry, *, lang: str = "vi") -> dict:
    """Return the GeoJSON dict drawn for `frame`: id (``fid``), escaped tooltip, status and quality only."""
    features = []
    for geometry, (_, row) in zip(frame.geometry, frame.iterrows(), strict=True):
        props = {
            "fid": str(row.get("id", row.name)),
            "tip": _tooltip(row, spec, registry, lang),
            "status": row.get("status"),
            "geometry_quality": row.get("geometry_quality"),
        }
        features.append({"type": "Feature", "properties": props, "geometry": geometry.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


def legend(registry: Registry, layer_ids: list[str], *, lang: str = "vi") -> MacroElement:
    """Return a legend control: colour per layer, status opacities, and the schematic dash named as such."""
    rows = []
    for layer_id in layer_ids:
        spec = registry.get(layer_id)
        rows.append(f'<div><span style="background:{spec.color}" class="sw"></span>{html.escape(spec.label(lang))}</div>')
    for status, style in registry.status_styles.items():
        label = style["label_en" if lang == "en" else "label_vi"]
        rows.append(
            f'<div><span class="sw" style="background:#555;opacity:{style["opacity"]}"></span>{html.escape(str(label))}</div>'
        )
        del status
    schematic = registry.quality_styles.get("schematic", {})
    rows.append(
        '<div><span class="dash"></span>'
        + html.escape(str(schematic.get("label_en" if lang == "en" else "label_vi", "schematic")))
        + "</div>"
    )
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


def _tooltip(row, spec: LayerSpec, registry: Registry, lang: str) -> str:
    """Return the escaped tooltip: the layer's ``tooltip_fields`` (from data/layers.json), then the provenance."""
    label = "label_en" if lang == "en" else "label_vi"
    parts = []
    for name in spec.tooltip_fields:
        if name == "name":
            value = row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name")
        elif name == "status":
            value = registry.status_styles.get(row.get("status"), {}).get(label, row.get("status"))
        else:
            value = row.get(name)
            value = f"{t('tcol.' + name, lang)}: {value}" if value not in (None, "") and value == value else None
        parts.append(value)
    parts.append(registry.quality_styles.get(row.get("geometry_quality"), {}).get(label, row.get("geometry_quality")))
    return "<br>".join(html.escape(str(part)) for part in parts if part)


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
    """A Leaflet control showing a block of (already escaped) HTML, styled as a legend."""

    _template = Template(
        """{% macro header(this, kwargs) %}
        <style>.hn-legend{background:#fff;padding:4px 6px;font:11px/1.3 sans-serif;border-radius:4px;max-width:230px;
        box-shadow:0 0 4px rgba(0,0,0,.3)} .hn-legend .sw{display:inline-block;width:14px;height:10px;margin-right:6px}
        .hn-legend .dash{display:inline-block;width:18px;margin-right:6px;border-top:3px dashed #555;vertical-align:middle}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                var div = L.DomUtil.create('div', 'hn-legend');
                div.innerHTML = {{ this.body|tojson }};
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


def project_map(
    visible: gpd.GeoDataFrame,
    registry: Registry,
    context: dict[str, gpd.GeoDataFrame],
    *,
    lang: str = "vi",
    basemap: str = "none",
    highlight: frozenset[str] = frozenset(),
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
) -> folium.Map:
    """Return the explorer map: context layers, one group per project layer, legend, layer control.

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
    """
    fmap = base_map(basemap=basemap)
    for layer_id in registry.ids("context"):
        if layer_id in context:
            spec = registry.get(layer_id)
            tip = {"wards": "label_en" if lang == "en" else "label", "boundary": None, "red_river": "name"}.get(layer_id)
            context_group(context[layer_id], name=spec.label(lang), color=spec.color, weight=spec.weight, tip_field=tip).add_to(
                fmap
            )
    shown = []
    for layer_id in registry.ids("project"):
        frame = visible[visible["layer"] == layer_id]
        if frame.empty:
            continue
        shown.append(layer_id)
        feature_group(registry.get(layer_id), frame, registry, lang=lang, highlight=highlight).add_to(fmap)
    legend(registry, shown, lang=lang).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    if bounds:
        fmap.fit_bounds([list(bounds[0]), list(bounds[1])])
    return fmap
