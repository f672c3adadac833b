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

import folium
import geopandas as gpd
import shapely

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
    """Return the Leaflet path style of one feature (status on the day, provenance, highlight)."""
    status = _status(row)
    colour = HIGHLIGHT if hot else feature_colour(row, spec)
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
    for layer_id in registry.ids("project"):
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
    if frame.empty:
        return group
    collection = feature_collection(frame, spec, registry, lang=lang, highlight=highlight)
    folium.GeoJson(
        collection,
        name=spec.id,
        style_function=lambda feature: feature["properties"]["style"],
        highlight_function=lambda _: {"weight": spec.weight + 3},
        marker=folium.CircleMarker(radius=5, fill=True, weight=2),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        smooth_factor=1.5,
    ).add_to(group)
    building = [
        f for f in collection["features"] if f["properties"]["building"] and f["geometry"]["type"] in ("LineString", "MultiLineString")
    ]
    if building:  # under construction: a white dotted core over the line
        folium.GeoJson(
            {"type": "FeatureCollection", "features": building},
            style_function=lambda _: {"color": "#ffffff", "weight": 2, "dashArray": "1 7", "opacity": 0.95},
            interactive=False,
        ).add_to(group)
    return group


def feature_collection(
    frame: gpd.GeoDataFrame, spec: LayerSpec, registry: Registry, *, lang: str = "vi", highlight: frozenset[str] = frozenset()
) -> dict:
    """Return the GeoJSON dict drawn for `frame`: id (``fid``), escaped tooltip, style; nothing else of the data."""
    features = []
    for geometry, (_, row) in zip(frame.geometry, frame.iterrows(), strict=True):
        if geometry is None or geometry.is_empty:
            continue
        fid = str(row.get("id", row.name))
        props = {
            "fid": fid,
            "tip": _tooltip(row, spec, registry, lang),
            "style": feature_style(row, spec, registry, hot=fid in highlight),
            "geometry_quality": row.get("geometry_quality"),
            "building": _status(row) == "under construction" or row.get("status_basis") == "target",
        }
        features.append({"type": "Feature", "properties": props, "geometry": geometry.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


def label_group(visible: gpd.GeoDataFrame, *, lang: str = "vi") -> folium.FeatureGroup:
    """Return the name labels of stations, lines, bridges and zones; each shows from its layer's zoom (CSS class ``hn-zN``)."""
    group = folium.FeatureGroup(name=html.escape(t("map.labels", lang)), show=True)
    for _, row in visible[visible["layer"].isin(list(LABELLED_LAYERS))].iterrows():
        geometry = row.geometry
        if geometry is None or geometry.is_empty:
            continue
        anchor = geometry.interpolate(0.5, normalized=True) if geometry.geom_type == "LineString" else geometry.representative_point()
        if not isinstance(anchor, shapely.Point):
            continue
        name = row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name")
        if row["layer"] == "metro_line" and isinstance(row.get("line"), str):
            name = t("map.line_label", lang, line=row["line"])
        zoom = LABELLED_LAYERS[row["layer"]]
        folium.Marker(
            location=(anchor.y, anchor.x),
            icon=folium.DivIcon(html=f'<span class="hn-label hn-z{zoom}">{html.escape(str(name))}</span>', icon_size=(0, 0)),
            interactive=False,
        ).add_to(group)
    return group


def _status(row) -> str:
    status = row.get("status_as_of")
    return status if isinstance(status, str) else str(row.get("status"))


def _tooltip(row, spec: LayerSpec, registry: Registry, lang: str) -> str:
    """Return the escaped tooltip: the layer's ``tooltip_fields`` (from data/layers.json), then the provenance."""
    label = "label_en" if lang == "en" else "label_vi"
    parts = []
    for name in spec.tooltip_fields:
        if name == "name":
            value = row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name")
        elif name == "status":
            status = _status(row)
            value = registry.status_styles.get(status, {}).get(label, status)
            if row.get("status_basis") == "target":
                value = f"{value} ({t('map.status_target', lang)})"
        else:
            value = row.get(name)
            value = f"{t('tcol.' + name, lang)}: {value}" if value not in (None, "") and value == value else None
        parts.append(value)
    parts.append(registry.quality_styles.get(row.get("geometry_quality"), {}).get(label, row.get("geometry_quality")))
    return "<br>".join(html.escape(str(part)) for part in parts if part)
