"""The project features as folium feature groups: one per layer, styled by line, status on the day and provenance.

These groups are what changes when the planner filters: the map page sends them
to the browser with streamlit-folium's ``feature_group_to_add``, so the base map
(context, legend, controls) and the planner's view stay as they are.

Styles (told apart by more than opacity, as the legend shows):

- lines: operating solid and thick; under construction (or opening only as planned)
  with a white dotted core drawn over it; planned thin and pale;
- points: operating filled; under construction a ring; planned hollow and dotted;
- polygons: operating/existing filled; under construction lightly filled; planned outline only;
- schematic geometry is always dashed.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement, Template

from geo.i18n import t
from geo.layer_specs import LayerSpec, Registry

LINE_COLOURS = {
    "1": "#e65100", "2": "#d81b60", "2A": "#2e7d32", "2A-ext": "#66bb6a", "3-elevated": "#c2185b",
    "3-underground": "#880e4f", "3-ext": "#ad1457", "4": "#6a1b9a", "5": "#00838f", "6": "#5d4037",
    "7": "#1565c0", "8": "#9e9d24",
}  # fmt: skip
HIGHLIGHT = "#ffd600"
LABELLED_LAYERS = {"metro_line": 11, "metro_station": 13, "bridge": 12, "industrial_zone": 12, "hoa_lac": 11, "ring_road": 11}


def feature_colour(row, spec: LayerSpec) -> str:
    """Return the colour of a feature: its metro line's colour, else its layer's."""
    line = row.get("line")
    if isinstance(line, str) and line in LINE_COLOURS:
        return LINE_COLOURS[line]
    return spec.color


def feature_style(row, spec: LayerSpec, registry: Registry, *, hot: bool = False) -> dict:
    """Return the Leaflet path style of one feature (status on the day, provenance, highlight).

    When the row carries a ``colour_override`` (the progress of its tasks), that colour replaces
    the line's or layer's; line weight, markers and dashes still tell status and provenance.
    """
    status = _status(row)
    override = row.get("colour_override")
    colour = HIGHLIGHT if hot else (override if isinstance(override, str) and override else feature_colour(row, spec))
    dash = registry.quality_styles.get(row.get("geometry_quality"), {}).get("dash") or None
    weight = spec.weight + (4 if hot else 0)
    if spec.geometry == "point":
        fill = {"operating": colour, "under construction": "#ffffff"}.get(status, "#ffffff")
        return {
            "color": colour, "weight": 3 if status == "under construction" else 2, "fillColor": fill,
            "fillOpacity": 0.95 if status != "planned" else 0.0, "opacity": 1.0 if status != "planned" else 0.8,
            "dashArray": dash or ("2 3" if status == "planned" else None),
        }  # fmt: skip
    if spec.geometry == "polygon":
        fill = {"under construction": 0.15, "planned": 0.0}.get(status, 0.3)
        return {"color": colour, "weight": max(1, weight - 2), "fillColor": colour, "fillOpacity": fill, "dashArray": dash,
                "opacity": 0.7 if status == "planned" else 1.0}  # fmt: skip
    if status == "planned":
        return {"color": colour, "weight": max(2, weight - 2), "opacity": 0.55, "dashArray": dash}
    return {"color": colour, "weight": weight + (1 if status == "operating" else 0), "opacity": 1.0, "dashArray": dash}


def project_groups(
    visible: gpd.GeoDataFrame,
    registry: Registry,
    *,
    lang: str = "vi",
    highlight: frozenset[str] = frozenset(),
    labels: bool = True,
) -> list[folium.FeatureGroup]:
    """Return one FeatureGroup per project layer with a visible feature, plus one of labels.

    Parameters
    ----------
    visible : geopandas.GeoDataFrame
        Features to draw (EPSG:4326, light), with ``status_as_of`` when the view computed it.
    registry : Registry
        Layer specs and styles.
    lang : str
        "vi" or "en" (tooltips and labels).
    highlight : frozenset of str
        Feature ids drawn highlighted (selected feature or task).
    labels : bool
        Add the group of name labels (shown from each layer's zoom, see ``LABELLED_LAYERS``).
    """
    groups = []
    rank = {"polygon": 0, "line": 1, "point": 2}  # areas below lines below points: a click on a line inside a zone finds the line
    for layer_id in sorted(registry.ids("project"), key=lambda layer: rank.get(registry.get(layer).geometry, 1)):
        frame = visible[visible["layer"] == layer_id]
        if not frame.empty:
            groups.append(feature_group(registry.get(layer_id), frame, registry, lang=lang, highlight=highlight))
    if labels and not visible.empty:
        groups.append(label_group(visible, lang=lang))
    return groups


def feature_group(
    spec: LayerSpec, frame: gpd.GeoDataFrame, registry: Registry, *, lang: str = "vi", highlight: frozenset[str] = frozenset()
) -> folium.FeatureGroup:
    """Return one FeatureGroup drawing `frame` with the style of `spec` (see the module's docstring)."""
    group = folium.FeatureGroup(name=html.escape(spec.label(lang)), show=spec.default_visible)
    if not frame.empty:
        collection = feature_collection(frame, spec, registry, lang=lang, highlight=highlight)
        _FeatureLayer(collection, point_radius=5, hover_weight=spec.weight + 3).add_to(group)
    return group


def feature_collection(
    frame: gpd.GeoDataFrame,
    spec: LayerSpec,
    registry: Registry,
    *,
    lang: str = "vi",
    highlight: frozenset[str] = frozenset(),
    full_tips: bool = False,
) -> dict:
    """Return the compact GeoJSON drawn for `frame`: id (``fid``), escaped tooltip, style, and nothing else of the data.

    Styles and the tooltips' repeated tails (status, provenance) are listed once (``styles``,
    ``tails``) and each feature names its own by position (``s``, ``k``): thousands of features
    do not repeat them. ``t`` is the tooltip's own part (the name); ``q`` the geometry quality;
    ``b`` marks a line being built. With `full_tips`, ``tip`` holds the whole tooltip too.
    """
    features, styles, tails, style_index, tail_index = [], [], [], {}, {}
    wanted = ("id", "name", "name_en", "status", "status_as_of", "status_basis", "geometry_quality", "line", "colour_override",
              *spec.tooltip_fields)  # fmt: skip
    columns = [c for c in dict.fromkeys(wanted) if c in frame]
    for geometry, row in zip(frame.geometry, frame[columns].to_dict("records"), strict=True):
        if geometry is None or geometry.is_empty:
            continue
        fid = str(row.get("id"))
        style = feature_style(row, spec, registry, hot=fid in highlight)
        key = json.dumps(style, sort_keys=True)
        style_index.setdefault(key, len(style_index))
        if style_index[key] == len(styles):
            styles.append(style)
        head, tail = _tooltip_parts(row, spec, registry, lang)
        tail_index.setdefault(tail, len(tail_index))
        if tail_index[tail] == len(tails):
            tails.append(tail)
        props = {"fid": fid, "t": head, "k": tail_index[tail], "s": style_index[key], "q": row.get("geometry_quality"),
                 "b": int(_status(row) == "under construction" or row.get("status_basis") == "target")}  # fmt: skip
        if full_tips:
            props["tip"] = "<br>".join(part for part in (head, tail) if part)
        features.append({"type": "Feature", "properties": props, "geometry": geometry.__geo_interface__})
    return {"type": "FeatureCollection", "features": features, "styles": styles, "tails": tails}


def label_group(visible: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    """Return the name labels of stations, lines, bridges and zones; each shows from its layer's zoom (CSS class ``hn-zN``)."""
    group = folium.FeatureGroup(name=html.escape(t("map.labels", lang)), show=True)
    labels = []
    for geometry, row in zip(visible.geometry, visible.to_dict("records"), strict=True):
        if row.get("layer") not in LABELLED_LAYERS or geometry is None or geometry.is_empty:
            continue
        anchor = geometry.interpolate(0.5, normalized=True) if geometry.geom_type == "LineString" else geometry.representative_point()
        if not isinstance(anchor, shapely.Point):
            continue
        name = row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name")
        if row["layer"] == "metro_line" and isinstance(row.get("line"), str):
            name = t("map.line_label", lang, line=row["line"])
        labels.append([round(anchor.y, 5), round(anchor.x, 5), str(name), LABELLED_LAYERS[row["layer"]]])
    if labels:
        _LabelLayer(labels).add_to(group)
    return group


class _FeatureLayer(MacroElement):
    """A compact GeoJSON layer: styles by index, escaped tooltips, hover, a white core over lines being built.

    Clicks reach streamlit-folium through the parent group (``last_active_drawing`` with the ``fid``).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var data = {{ this.data_json|safe }}, styles = data.styles, tails = data.tails;
            var layer = L.geoJSON(data, {
                style: function (f) { return styles[f.properties.s]; },
                pointToLayer: function (f, latlng) {
                    return L.circleMarker(latlng, Object.assign({radius: {{ this.point_radius }}}, styles[f.properties.s]));
                },
                onEachFeature: function (f, l) {
                    var tail = tails[f.properties.k];
                    l.bindTooltip(f.properties.t + (f.properties.t && tail ? '<br>' : '') + (tail || ''), {sticky: true});
                    l.on('mouseover', function () { if (l.setStyle) { l.setStyle({weight: {{ this.hover_weight }}}); } });
                    l.on('mouseout', function () { if (l.setStyle) { l.setStyle(styles[f.properties.s]); } });
                }
            });
            layer.addTo({{ this._parent.get_name() }});
            var building = data.features.filter(function (f) {
                return f.properties.b && (f.geometry.type === 'LineString' || f.geometry.type === 'MultiLineString');
            });
            if (building.length) {
                L.geoJSON({type: 'FeatureCollection', features: building}, {interactive: false,
                    style: function () { return {color: '#ffffff', weight: 2, dashArray: '1 7', opacity: 0.95}; }
                }).addTo({{ this._parent.get_name() }});
            }
        })();
        {% endmacro %}"""
    )

    def __init__(self, data: dict, *, point_radius: int, hover_weight: int) -> None:
        super().__init__()
        self._name = "FeatureLayer"
        self.data_json = compact_json(data)
        self.point_radius = point_radius
        self.hover_weight = hover_weight


class _LabelLayer(MacroElement):
    """Name labels as text (never HTML): [lat, lon, text, zoom from which it shows]."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var labels = {{ this.labels_json|safe }};
            labels.forEach(function (item) {
                var span = document.createElement('span');
                span.className = 'hn-label hn-z' + item[3];
                span.textContent = item[2];
                L.marker([item[0], item[1]], {interactive: false, keyboard: false,
                    icon: L.divIcon({html: span, className: '', iconSize: [0, 0]})}).addTo({{ this._parent.get_name() }});
            });
        })();
        {% endmacro %}"""
    )

    def __init__(self, labels: list) -> None:
        super().__init__()
        self._name = "LabelLayer"
        self.labels_json = compact_json(labels)


def _status(row) -> str:
    status = row.get("status_as_of")
    return status if isinstance(status, str) else str(row.get("status"))


def compact_json(value: object) -> str:
    """Return `value` as JSON without spaces, safe inside a ``<script>`` (``<``, ``>``, ``&`` escaped)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _tooltip_parts(row, spec: LayerSpec, registry: Registry, lang: str) -> tuple[str, str]:
    """Return the escaped tooltip in two parts: the feature's own fields, and the tail many features share.

    The head holds the layer's ``tooltip_fields`` (data/layers.json) other than the status; the
    tail the status on the day and the provenance.
    """
    label = "label_en" if lang == "en" else "label_vi"
    head, tail = [], []
    for name in spec.tooltip_fields:
        if name == "name":
            head.append(row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name"))
        elif name == "status":
            status = _status(row)
            value = registry.status_styles.get(status, {}).get(label, status)
            if row.get("status_basis") == "target":
                value = f"{value} ({t('map.status_target', lang)})"
            tail.append(value)
        else:
            value = row.get(name)
            head.append(f"{t('tcol.' + name, lang)}: {value}" if value not in (None, "") and value == value else None)
    tail.append(registry.quality_styles.get(row.get("geometry_quality"), {}).get(label, row.get("geometry_quality")))
    return tuple("<br>".join(html.escape(str(part)) for part in parts if part) for parts in (head, tail))
