"""The editing map: one feature's geometry in Leaflet.draw's editable group, a previous version or a preview beside it.

The planner reshapes the feature (drag its vertices), draws a new one, or deletes
parts, with Leaflet.draw (folium's ``Draw`` plugin, served by the app); streamlit-folium
returns what the editable group holds (``all_drawings``) after every draw event. A
previous version (grey, dashed) and an uploaded or repaired shape (violet, the preview)
are drawn beside it, not editable. No streamlit here.
"""

from __future__ import annotations

import html
import json
from typing import ClassVar

import folium
import folium.plugins
import shapely
from branca.element import MacroElement, Template

from geo.i18n import t
from geo.layer_specs import Registry
from layers.render import STATIC, base_map, context_layers

EDITABLE_COLOUR = "#d50000"
PREVIOUS_COLOUR = "#616161"
PREVIEW_COLOUR = "#6a1b9a"


class EditDraw(folium.plugins.Draw):
    """Leaflet.draw on the editing map: the tools of the layer's geometry, editing of the feature's own shape."""

    default_js: ClassVar[list[tuple[str, str]]] = [("leaflet_draw_js", f"{STATIC}/leaflet-draw/leaflet.draw.js")]
    default_css: ClassVar[list[tuple[str, str]]] = [("leaflet_draw_css", f"{STATIC}/leaflet-draw/leaflet.draw.css")]

    def __init__(self, layer_geometry: str, group: folium.FeatureGroup) -> None:
        line = {"shapeOptions": {"color": EDITABLE_COLOUR, "weight": 5}}
        polygon = {"allowIntersection": False, "showArea": True, "shapeOptions": {"color": EDITABLE_COLOUR}}
        super().__init__(
            feature_group=group, position="topleft", show_geometry_on_click=False,
            draw_options={"polyline": line if layer_geometry == "line" else False,
                          "polygon": polygon if layer_geometry == "polygon" else False,
                          "marker": layer_geometry == "point", "rectangle": False, "circle": False, "circlemarker": False},
            edit_options={"edit": True, "remove": True},
        )  # fmt: skip


def edit_figure(
    registry: Registry,
    context: dict,
    *,
    layer_geometry: str,
    geometry: shapely.Geometry | None,
    previous: shapely.Geometry | None = None,
    preview: shapely.Geometry | None = None,
    basemap: str = "none",
    center: tuple[float, float],
    zoom: int,
    lang: str = "vi",
    tools: bool = True,
) -> folium.Map:
    """Return the editing map of one feature.

    Parameters
    ----------
    registry, context
        The layer registry and the context layers (boundary, wards, river) drawn under it.
    layer_geometry : str
        ``point``, ``line`` or ``polygon``: the draw tools offered.
    geometry : shapely.Geometry or None
        The feature's current shape (EPSG:4326), put in the editable group; None for a new feature.
    previous, preview : shapely.Geometry or None
        A version drawn beside for comparison, and an uploaded or repaired shape to check.
    tools : bool
        Offer Leaflet.draw (False: a map to look at, e.g. a change under review).
    """
    fmap = base_map(basemap=basemap, controls=False, lang=lang, center=center, zoom=zoom)
    context_layers(fmap, registry, context, lang=lang)
    if previous is not None:
        _static(previous, PREVIOUS_COLOUR, "6 6", t("edit.map.previous", lang)).add_to(fmap)
    if preview is not None:
        _static(preview, PREVIEW_COLOUR, "2 6", t("edit.map.preview", lang)).add_to(fmap)
    group = folium.FeatureGroup(name=html.escape(t("edit.map.editable", lang)), control=False)
    for shape in _editable_shapes(geometry):
        shape.add_to(group)
    group.add_to(fmap)
    if not tools:
        return fmap
    if lang == "vi":
        _DrawWords().add_to(fmap)
    EditDraw(layer_geometry, group).add_to(fmap)
    return fmap


# Leaflet.draw's own words (L.drawLocal) in Vietnamese: buttons, actions and the tooltips while drawing.
DRAW_WORDS_VI = {
    "draw": {
        "toolbar": {
            "actions": {"title": "Hủy vẽ", "text": "Hủy"}, "finish": {"title": "Kết thúc vẽ", "text": "Xong"},
            "undo": {"title": "Xóa điểm vừa vẽ", "text": "Xóa điểm cuối"},
            "buttons": {"polyline": "Vẽ đường", "polygon": "Vẽ vùng", "marker": "Đặt điểm"},
        },
        "handlers": {
            "marker": {"tooltip": {"start": "Bấm vào bản đồ để đặt điểm."}},
            "polyline": {"tooltip": {"start": "Bấm để bắt đầu vẽ đường.", "cont": "Bấm để vẽ tiếp.",
                                     "end": "Bấm lại điểm cuối (hoặc Xong) để kết thúc."}},
            "polygon": {"tooltip": {"start": "Bấm để bắt đầu vẽ vùng.", "cont": "Bấm để vẽ tiếp.",
                                    "end": "Bấm lại điểm đầu để khép vùng."}},
        },
    },
    "edit": {
        "toolbar": {
            "actions": {"save": {"title": "Giữ thay đổi", "text": "Giữ"}, "cancel": {"title": "Bỏ thay đổi", "text": "Hủy"},
                        "clearAll": {"title": "Xóa tất cả", "text": "Xóa tất cả"}},
            "buttons": {"edit": "Chỉnh hình (kéo các đỉnh)", "editDisabled": "Không có gì để chỉnh",
                        "remove": "Xóa hình", "removeDisabled": "Không có gì để xóa"},
        },
        "handlers": {
            "edit": {"tooltip": {"text": "Kéo các đỉnh để chỉnh hình.", "subtext": "Bấm Hủy để bỏ thay đổi."}},
            "remove": {"tooltip": {"text": "Bấm vào hình cần xóa."}},
        },
    },
}  # fmt: skip


class _DrawWords(MacroElement):
    """Put Leaflet.draw's words in Vietnamese (merged into ``L.drawLocal`` before the draw control is made)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function merge(into, words) {
            for (var key in words) {
                if (typeof words[key] === "object") { into[key] = into[key] || {}; merge(into[key], words[key]); }
                else { into[key] = words[key]; }
            }
        })(L.drawLocal, {{ this.words }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self.words = json.dumps(DRAW_WORDS_VI, ensure_ascii=False)


def _editable_shapes(geometry: shapely.Geometry | None) -> list[folium.map.Layer]:
    """Return the Leaflet shapes of `geometry` that Leaflet.draw can edit: one per part (latitude first)."""
    if geometry is None or geometry.is_empty:
        return []
    shapes: list[folium.map.Layer] = []
    for part in getattr(geometry, "geoms", [geometry]):
        if part.geom_type == "Point":
            shapes.append(folium.Marker([part.y, part.x]))
        elif part.geom_type == "LineString":
            shapes.append(folium.PolyLine([(y, x) for x, y, *_ in part.coords], color=EDITABLE_COLOUR, weight=5))
        elif part.geom_type == "Polygon":
            rings = [[(y, x) for x, y, *_ in ring.coords[:-1]] for ring in (part.exterior, *part.interiors)]
            shapes.append(folium.Polygon(rings, color=EDITABLE_COLOUR, weight=3, fill=True, fill_opacity=0.15))
    return shapes


def _static(geometry: shapely.Geometry, colour: str, dash: str, name: str) -> folium.GeoJson:
    """Return a non-editable outline of `geometry` (a previous version or a preview)."""
    return folium.GeoJson(
        shapely.geometry.mapping(geometry), name=html.escape(name), interactive=False,
        style_function=lambda _: {"color": colour, "weight": 4, "dashArray": dash, "fillOpacity": 0.05, "opacity": 0.9},
        marker=folium.CircleMarker(radius=8, color=colour, weight=3, fill=False),
    )  # fmt: skip
