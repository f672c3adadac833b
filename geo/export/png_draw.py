"""Drawing helpers of the PNG and print maps (:mod:`geo.export.png`, :mod:`geo.export.print_map`).

Context, features, legend, scale bar, north arrow and the page layout. Everything is drawn on matplotlib axes whose units are
metres of EPSG:32648.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath
from shapely.geometry.polygon import orient

from geo import settings
from geo.export.prepare import parts_by_family
from geo.layer_specs import Registry

PNG_DPI: Final[int] = 150
PNG_SIZE_PX: Final[tuple[int, int]] = (1754, 1240)  # A4 landscape (297 x 210 mm) at 150 dpi
MIN_SPAN_M: Final[float] = 5_000.0
CONTEXT_SIMPLIFY_M: Final[float] = 30.0
SCHEMATIC_DASH: Final[tuple[int, tuple[float, float]]] = (0, (4.0, 2.5))
EDITED_DASH: Final[tuple[int, tuple[float, ...]]] = (0, (6.0, 2.0, 1.2, 2.0))  # dash-dot: drawn by a planner over a basemap
NORTH_LETTER: Final[dict[str, str]] = {"vi": "B", "en": "N"}  # Bắc / North
MAP_BOX: Final[tuple[float, float, float, float]] = (0.015, 0.075, 0.695, 0.775)  # left, bottom, width, height (figure fraction)
LEGEND_BOX: Final[tuple[float, float, float, float]] = (0.72, 0.075, 0.27, 0.775)
_NICE_KM: Final[tuple[float, ...]] = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25, 50, 100)
Extent = tuple[float, float, float, float]
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PageLayout:
    """Where the parts of a map page go, in figure fractions (0-1 from the bottom left).

    Attributes
    ----------
    map_box, legend_box : (float, float, float, float)
        Left, bottom, width, height of the map and of the legend.
    title_y, lines_y, footer_y : float
        Top of the title, of the first line under it, and of the first footer line.
    line_step, footer_step : float
        Distance between two lines under the title and between two footer lines.
    lines_width, footer_width : int
        Characters per line before wrapping.
    left : float
        Left edge of the title, lines and footer.
    legend_columns : int
        Columns of the legend.
    """

    map_box: Box
    legend_box: Box
    title_y: float = 0.965
    lines_y: float = 0.925
    line_step: float = 0.02
    lines_width: int = 170
    footer_y: float = 0.055
    footer_step: float = 0.018
    footer_width: int = 190
    left: float = 0.015
    legend_columns: int = 1


SNAPSHOT_LAYOUT: Final[PageLayout] = PageLayout(map_box=MAP_BOX, legend_box=LEGEND_BOX)
_MARGIN_IN: Final[float] = 0.25
_HEADER_IN: Final[float] = 1.32  # title and up to four lines above the map
_FOOTER_IN: Final[float] = 0.62  # two footer lines under the map
_LEGEND_COLUMN_IN: Final[float] = 2.9


def light_context(frame: gpd.GeoDataFrame, *, tolerance_m: float = CONTEXT_SIMPLIFY_M) -> gpd.GeoSeries:
    """Return the geometry of a context frame in EPSG:32648, simplified by `tolerance_m` metres."""
    projected = frame.geometry.to_crs(settings.CRS_MEASURE)
    return projected.simplify(tolerance_m, preserve_topology=True)


def box_ratio(figure: Figure, box: Box = MAP_BOX) -> float:
    """Return the width / height ratio of `box` (figure fractions) on `figure`."""
    width_in, height_in = figure.get_size_inches()
    return (box[2] * width_in) / (box[3] * height_in)


def fit_extent(bounds: Extent, ratio: float) -> Extent:
    """Return `bounds` (metres) widened in one direction to the width / height `ratio`, around the same centre.

    Nothing of `bounds` is cut: the extent returned contains it.
    """
    xmin, ymin, xmax, ymax = bounds
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    span_x, span_y = xmax - xmin, ymax - ymin
    if span_x / span_y > ratio:
        span_y = span_x / ratio
    else:
        span_x = span_y * ratio
    return cx - span_x / 2, cy - span_y / 2, cx + span_x / 2, cy + span_y / 2


def extent_of(projected: gpd.GeoDataFrame, context: dict[str, gpd.GeoSeries], figure: Figure, *, box: Box = MAP_BOX) -> Extent:
    """Return (xmin, ymin, xmax, ymax) in metres around the features, padded and shaped like the map `box`."""
    if len(projected):
        xmin, ymin, xmax, ymax = projected.total_bounds
    elif "boundary" in context:
        xmin, ymin, xmax, ymax = context["boundary"].total_bounds
    else:
        xmin, ymin, xmax, ymax = 575_000.0, 2_310_000.0, 605_000.0, 2_340_000.0  # central Hà Nội
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    span_x = max(xmax - xmin, MIN_SPAN_M) * 1.08
    span_y = max(ymax - ymin, MIN_SPAN_M) * 1.08
    return fit_extent((cx - span_x / 2, cy - span_y / 2, cx + span_x / 2, cy + span_y / 2), box_ratio(figure, box))


def print_layout(size_in: Sequence[float], *, legend_rows: int = 24) -> PageLayout:
    """Return the layout of a print page of `size_in` (width, height in inches).

    Landscape pages put the legend in a column right of the map (as the
    snapshot's ``map.png``); portrait pages put it under the map, in as many
    columns as fit, tall enough for `legend_rows` entries.
    """
    width, height = size_in
    inner = width - 2 * _MARGIN_IN
    map_top = height - _HEADER_IN
    if width >= height:
        map_width = inner - _LEGEND_COLUMN_IN - 0.1
        map_box = (_MARGIN_IN / width, _FOOTER_IN / height, map_width / width, (map_top - _FOOTER_IN) / height)
        legend_box = ((width - _MARGIN_IN - _LEGEND_COLUMN_IN) / width, map_box[1], _LEGEND_COLUMN_IN / width, map_box[3])
        columns = 1
    else:
        columns = max(1, int(inner // _LEGEND_COLUMN_IN))
        legend_height = 0.35 + 0.16 * math.ceil(legend_rows / columns)
        map_bottom = _FOOTER_IN + legend_height + 0.1
        map_box = (_MARGIN_IN / width, map_bottom / height, inner / width, (map_top - map_bottom) / height)
        legend_box = (_MARGIN_IN / width, _FOOTER_IN / height, inner / width, legend_height / height)
    return PageLayout(
        map_box=map_box, legend_box=legend_box, title_y=1 - 0.29 / height, lines_y=1 - 0.62 / height,
        line_step=0.165 / height, lines_width=int(inner * 72 / (8.5 * 0.56)), footer_y=0.455 / height,
        footer_step=0.149 / height, footer_width=int(inner * 72 / (7 * 0.56)), left=_MARGIN_IN / width,
        legend_columns=columns,
    )  # fmt: skip


def draw_context(axes: Axes, context: dict[str, gpd.GeoSeries], registry: Registry) -> None:
    """Draw the city boundary (light fill, dark outline), the wards (thin grey) and the Red River (light blue)."""
    if "boundary" in context:
        color = _spec_color(registry, "boundary", "#424242")
        paths = [path for geometry in context["boundary"] for path in _polygon_paths(geometry)]
        axes.add_collection(PathCollection(paths, facecolors="#f0f0ee", edgecolors="none", zorder=0.5), autolim=False)
        axes.add_collection(PathCollection(paths, facecolors="none", edgecolors=color, linewidths=1.3, zorder=3), autolim=False)
    if "wards" in context:
        color = to_rgba(_spec_color(registry, "wards", "#9e9e9e"), 0.8)
        paths = [path for geometry in context["wards"] for path in _polygon_paths(geometry)]
        axes.add_collection(
            PathCollection(paths, facecolors="none", edgecolors=[color], linewidths=0.35, zorder=1), autolim=False
        )
    if "red_river" in context:
        color = to_rgba(_spec_color(registry, "red_river", "#4fc3f7"), 0.7)
        lines = [segment for geometry in context["red_river"] for segment in _line_arrays(geometry)]
        axes.add_collection(LineCollection(lines, colors=[color], linewidths=2.6, zorder=2), autolim=False)


def draw_features(axes: Axes, projected: gpd.GeoDataFrame, registry: Registry) -> list[str]:
    """Draw the project layers in registry order (one collection per layer and kind); return the ids drawn.

    Each geometry is drawn by its parts (:func:`geo.export.prepare.parts_by_family`),
    so a GeometryCollection shows its points, lines and polygons.
    """
    if not len(projected):
        return []
    layers = projected["layer"].to_numpy()
    statuses = projected["status"].to_numpy()
    qualities = projected["geometry_quality"].to_numpy()
    geometries = projected.geometry.to_numpy()
    shown: list[str] = []
    for layer_id in registry.ids("project"):
        rows = np.flatnonzero(layers == layer_id)
        if not len(rows):
            continue
        shown.append(layer_id)
        spec = registry.get(layer_id)
        width = max(0.6, spec.weight * 0.45)
        fills, edges, lines, points = _Parts(), _Parts(), _Parts(), _Parts()
        for row in rows:
            opacity = float(registry.status_styles.get(statuses[row], {}).get("opacity", 1.0))
            schematic = qualities[row] == "schematic"
            style = SCHEMATIC_DASH if schematic else (EDITED_DASH if qualities[row] == "edited" else "solid")
            parts = parts_by_family(geometries[row])
            for path in _polygon_paths(parts.get("polygon")):
                fills.add(path, to_rgba(spec.color, 0.22 * opacity), "solid")
                edges.add(path, to_rgba(spec.color, opacity), style)
            for segment in _line_arrays(parts.get("line")):
                lines.add(segment, to_rgba(spec.color, opacity), style)
            face = to_rgba("white", opacity) if schematic else to_rgba(spec.color, opacity)
            for x, y in zip(*_point_arrays(parts.get("point")), strict=True):
                points.add((x, y), face, to_rgba(spec.color, opacity))
        if fills.items:
            axes.add_collection(
                PathCollection(fills.items, facecolors=fills.colors, edgecolors="none", zorder=3.9), autolim=False
            )
            axes.add_collection(
                PathCollection(edges.items, facecolors="none", edgecolors=edges.colors, linestyles=edges.styles,
                               linewidths=width * 0.8, zorder=4),
                autolim=False,
            )  # fmt: skip
        if lines.items:
            axes.add_collection(
                LineCollection(lines.items, colors=lines.colors, linestyles=lines.styles, linewidths=width, zorder=5,
                               capstyle="round"),
                autolim=False,
            )  # fmt: skip
        if points.items:
            xy = np.asarray(points.items)
            axes.scatter(xy[:, 0], xy[:, 1], s=26, marker="o", facecolors=points.colors, edgecolors=points.styles,
                         linewidths=1.2, zorder=6, plotnonfinite=False)  # fmt: skip
    return shown


def legend_entries(
    registry: Registry, shown: list[str], context: dict[str, gpd.GeoSeries], lang: str
) -> tuple[list[object], list[str]]:
    """Return the legend's handles and labels: layers drawn, statuses, geometry provenance, context layers."""
    handles: list[object] = []
    labels: list[str] = []
    for layer_id in shown:
        spec = registry.get(layer_id)
        handles.append(_symbol(spec.geometry, spec.color, spec.weight))
        labels.append(_wrap(spec.label(lang)))
    for status, style in registry.status_styles.items():
        label = style.get("label_en" if lang == "en" else "label_vi", status)
        handles.append(Patch(facecolor="#555555", alpha=float(style.get("opacity", 1.0)), edgecolor="none"))
        labels.append(_wrap(str(label)))
    for quality, style in registry.quality_styles.items():
        label = str(style.get("label_en" if lang == "en" else "label_vi", quality))
        if quality == "schematic":
            dashed = Line2D([], [], color="#555555", linewidth=1.8, linestyle=SCHEMATIC_DASH)
            hollow = Line2D([], [], color="#555555", marker="o", markerfacecolor="white", linestyle="none", markersize=5)
            handles.append((dashed, hollow))
        else:
            handles.append(Line2D([], [], color="#555555", linewidth=1.8, linestyle=EDITED_DASH if quality == "edited" else "solid"))
        labels.append(_wrap(label))
    for key in ("boundary", "wards", "red_river"):
        if key in context:
            spec = registry.get(key)
            handles.append(_symbol(spec.geometry, spec.color, 2, context=True))
            labels.append(_wrap(spec.label(lang)))
    return handles, labels


def draw_scale_bar(axes: Axes, extent: Extent) -> None:
    """Draw a two-part scale bar in km; true because the axes are metres of EPSG:32648."""
    xmin, ymin, xmax, ymax = extent
    target_km = (xmax - xmin) / 1000 / 5
    length_km = max((km for km in _NICE_KM if km <= target_km), default=_NICE_KM[0])
    length_m = length_km * 1000
    height = (ymax - ymin) * 0.008
    x0, y0 = xmin + (xmax - xmin) * 0.03, ymin + (ymax - ymin) * 0.04
    axes.add_patch(
        Rectangle((x0 - length_m * 0.06, y0 - height * 2.2), length_m * 1.2, height * 7.2, facecolor="white", alpha=0.85,
                  edgecolor="none", zorder=18)
    )  # fmt: skip
    half = length_m / 2
    for number, fill in enumerate(("#222222", "white")):
        axes.add_patch(
            Rectangle((x0 + number * half, y0), half, height, facecolor=fill, edgecolor="#222222", linewidth=0.8, zorder=19)
        )
    for offset, text in ((0, "0"), (half, f"{length_km / 2:g}"), (length_m, f"{length_km:g} km")):
        axes.text(x0 + offset, y0 + height * 1.6, text, ha="center", va="bottom", fontsize=7, zorder=20)


def draw_north_arrow(axes: Axes, extent: Extent, *, letter: str) -> None:
    """Draw an arrow pointing to true north (grid convergence of UTM 48N taken into account)."""
    xmin, ymin, xmax, ymax = extent
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    centre = gpd.GeoSeries([shapely.Point(cx, cy)], crs=settings.CRS_MEASURE).to_crs(settings.CRS_STORE).iloc[0]
    north = gpd.GeoSeries([shapely.Point(centre.x, centre.y + 0.05)], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).iloc[0]
    angle = math.atan2(north.x - cx, north.y - cy)  # radians east of grid north
    length = (ymax - ymin) * 0.07
    base_x, base_y = xmax - (xmax - xmin) * 0.05, ymax - (ymax - ymin) * 0.16
    tip_x, tip_y = base_x + length * math.sin(angle), base_y + length * math.cos(angle)
    axes.annotate(
        "", xy=(tip_x, tip_y), xytext=(base_x, base_y),
        arrowprops={"arrowstyle": "-|>,head_length=0.8,head_width=0.4", "color": "#222222", "linewidth": 1.6}, zorder=20,
    )  # fmt: skip
    axes.text(tip_x, tip_y + length * 0.12, letter, ha="center", va="bottom", fontsize=11, fontweight="bold", zorder=20)


def wrap_lines(lines: Sequence[str], *, width: int, limit: int) -> list[str]:
    """Return `lines` wrapped at `width` characters, at most `limit` of them (the last ending with "…" when cut)."""
    wrapped = [part for line in lines if line for part in textwrap.wrap(line, width=width)]
    if len(wrapped) > limit:
        wrapped = [*wrapped[: limit - 1], wrapped[limit - 1].rstrip() + " …"]
    return wrapped


class _Parts:
    """Parts of one layer gathered for one matplotlib collection: items, colours, and line styles (edge colours for points)."""

    def __init__(self) -> None:
        self.items: list = []
        self.colors: list = []
        self.styles: list = []

    def add(self, item, color, style) -> None:
        self.items.append(item)
        self.colors.append(color)
        self.styles.append(style)


def _symbol(geometry: str, color: str, weight: int, *, context: bool = False):
    if geometry == "polygon":
        return Patch(facecolor="none" if context else color, edgecolor=color, alpha=0.8 if context else 0.5, linewidth=1)
    if geometry == "point":
        return Line2D([], [], color=color, marker="o", linestyle="none", markersize=5)
    return Line2D([], [], color=color, linewidth=max(1.0, weight * 0.45), alpha=0.8 if context else 1.0)


def _polygon_paths(geometry: shapely.Geometry | None) -> list[MplPath]:
    if geometry is None or geometry.is_empty:
        return []
    paths = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        polygon = orient(polygon, sign=1.0)  # holes wound against the shell: matplotlib fills by the non-zero rule
        rings = [polygon.exterior, *polygon.interiors]
        paths.append(MplPath.make_compound_path(*(MplPath(np.asarray(ring.coords)[:, :2], closed=True) for ring in rings)))
    return paths


def _line_arrays(geometry: shapely.Geometry | None) -> list[np.ndarray]:
    if geometry is None or geometry.is_empty:
        return []
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        geometry = geometry.boundary
    parts = getattr(geometry, "geoms", [geometry])
    return [np.asarray(part.coords)[:, :2] for part in parts if not part.is_empty]


def _point_arrays(geometry: shapely.Geometry | None) -> tuple[list[float], list[float]]:
    if geometry is None or geometry.is_empty:
        return [], []
    points = [point for point in getattr(geometry, "geoms", [geometry]) if not point.is_empty]
    return [point.x for point in points], [point.y for point in points]


def _spec_color(registry: Registry, layer_id: str, default: str) -> str:
    try:
        return registry.get(layer_id).color
    except KeyError:
        return default


def _wrap(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(text, width=width)) or text
