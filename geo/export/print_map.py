"""Print map: the planner's current view on one A4 or A3 page, PNG or PDF, drawn offline (matplotlib).

The page shows the extent the planner has on screen (or, without one, the
visible features), the features in the snapshot's styles (schematic geometry
dashed), labels of stations, bridges, zones and metro lines that do not cover
each other, the legend, a true scale bar and a north arrow (the map is drawn in
EPSG:32648, WGS 84 / UTM 48N), the title, the filter in words, the as-of date,
the counts, "© OpenStreetMap contributors" and the provenance note. No tile
and nothing else is fetched. The page itself is laid out by
:func:`geo.export.png.draw_page`, as the snapshot's ``map.png``.

Examples
--------
>>> from geo.filters import TaskFilter
>>> from geo.view import build_view, load_data
>>> view = build_view(load_data(), TaskFilter())
>>> pdf = print_view(view, extent_4326=((21.015, 105.838), (21.045, 105.866)), paper="A3", fmt="pdf")  # doctest: +SKIP
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import geopandas as gpd
import matplotlib
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patheffects import withStroke
from matplotlib.transforms import Bbox

import geo
from geo import settings
from geo.context import load_context
from geo.errors import InvalidArgumentError, UnknownValueError
from geo.export.manifest import MAP_DATA_LICENCE
from geo.export.png import draw_page
from geo.export.png_draw import (
    CONTEXT_SIMPLIFY_M,
    Extent,
    box_ratio,
    extent_of,
    fit_extent,
    light_context,
    print_layout,
    wrap_lines,
)
from geo.export.prepare import parts_by_family
from geo.i18n import LANGUAGES, day_text, t
from geo.view import View

__all__ = ["FORMATS", "ORIENTATIONS", "PAPERS", "LabelCandidate", "PlacedLabel", "place_labels", "print_view"]

PAPERS: Final[dict[str, tuple[float, float]]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}  # long x short side, mm
ORIENTATIONS: Final[tuple[str, ...]] = ("landscape", "portrait")
FORMATS: Final[tuple[str, ...]] = ("png", "pdf")
LABEL_LAYERS: Final[tuple[str, ...]] = ("metro_line", "metro_station", "bridge", "industrial_zone", "hoa_lac", "zone")
PRINT_MIN_SPAN_M: Final[float] = 500.0
MAX_DPI: Final[int] = 600
_MM_PER_INCH: Final[float] = 25.4
_LABEL_CHARS: Final[int] = 28
_MARKER_HALF_PT: Final[float] = 3.0  # half the size of a point marker (s=26), kept free of labels
_LINE_SHARES: Final[tuple[float, ...]] = (0.5, 0.35, 0.65, 0.2, 0.8)
_LABEL_STYLE: Final[dict[str, dict]] = {
    "metro_line": {"fontweight": "bold", "fontsize": 7.0},
    "industrial_zone": {"fontstyle": "italic"},
    "hoa_lac": {"fontstyle": "italic"},
    "zone": {"fontstyle": "italic"},
}
_LABEL_HALO: Final[list] = [withStroke(linewidth=2.4, foreground="white", alpha=0.9)]
_POINT_OFFSETS: Final[tuple[tuple[float, float, str, str], ...]] = (
    (4, 3, "left", "bottom"), (4, -3, "left", "top"), (-4, 3, "right", "bottom"), (-4, -3, "right", "top"),
)  # fmt: skip
_AREA_OFFSETS: Final[tuple[tuple[float, float, str, str], ...]] = (
    (0, 0, "center", "center"), (0, 9, "center", "bottom"), (0, -9, "center", "top"),
)  # fmt: skip


@dataclass(frozen=True)
class LabelCandidate:
    """A label to place: the feature, its text, and anchor points (metres of EPSG:32648) tried in order.

    ``kind`` is "point" (the label sits beside the anchor) or "line" / "polygon"
    (centred on it); ``style`` holds extra matplotlib text properties.
    """

    feature_id: str
    layer: str
    text: str
    anchors: tuple[tuple[float, float], ...]
    kind: str
    style: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PlacedLabel:
    """A label drawn on the map: the feature, its layer, the text and its anchor (metres of EPSG:32648)."""

    feature_id: str
    layer: str
    text: str
    x_m: float
    y_m: float


def print_view(
    view: View,
    *,
    extent_4326: tuple[tuple[float, float], tuple[float, float]] | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    fmt: str = "png",
    lang: str = "vi",
    dpi: int = 150,
    title: str | None = None,
    now: datetime | None = None,
    report: dict | None = None,
) -> bytes:
    """Draw the planner's current view on one printable page and return the PNG or PDF bytes.

    Parameters
    ----------
    view : geo.view.View
        What the planner sees (:func:`geo.view.build_view`): its visible
        features, filter, as-of date and counts.
    extent_4326 : ((float, float), (float, float)) or None
        ``((south, west), (north, east))`` in degrees (EPSG:4326), the map on
        screen (the browser's bounds). The page shows all of it, widened in one
        direction to the map's shape (and to at least ``PRINT_MIN_SPAN_M``
        metres). None: fit the visible features (as the snapshot's ``map.png``).
    paper : str
        "A4" (297 x 210 mm) or "A3" (420 x 297 mm).
    orientation : str
        "landscape" or "portrait".
    fmt : str
        "png" (raster at `dpi`; A4 landscape at 150 dpi is 1754 x 1240 px) or
        "pdf" (vector, one page of the paper's size).
    lang : str
        "vi" or "en": every text of the page and the labels (``name`` / ``name_en``).
    dpi : int
        Dots per inch of the PNG (1 to ``MAX_DPI``); for a PDF, only the
        resolution at which label sizes are measured.
    title : str or None
        The page title (default: the app's title in `lang`).
    now : datetime.datetime or None
        Time printed in the footer and written as the PDF's creation date (default: now).
    report : dict or None
        If given, filled with what was drawn: ``extent_m`` (xmin, ymin, xmax,
        ymax in EPSG:32648 metres), ``page_mm`` (width, height), ``features``
        (ids of the features inside the extent, drawn), ``labels`` (list of
        :class:`PlacedLabel`) and ``labels_skipped`` (ids whose label would
        have covered another or did not fit).

    Returns
    -------
    bytes
        The PNG image or the one-page PDF document.

    Raises
    ------
    UnknownValueError
        If `paper`, `orientation`, `fmt` or `lang` is not one of the valid values (the message lists them).
    InvalidArgumentError
        If `view` is not a View, `dpi` is out of range or `extent_4326` is not a valid box.
    """
    paper, orientation, fmt = str(paper).upper(), str(orientation).lower(), str(fmt).lower()
    _check_arguments(view, paper=paper, orientation=orientation, fmt=fmt, lang=lang, dpi=dpi)
    requested = _requested_bounds(extent_4326)
    now = now or datetime.now().astimezone()
    title = t("app.title", lang) if title is None else title
    long_mm, short_mm = PAPERS[paper]
    page_mm = (long_mm, short_mm) if orientation == "landscape" else (short_mm, long_mm)
    if fmt == "png":  # whole pixels, so A4 landscape at 150 dpi is exactly 1754 x 1240
        size_in = tuple(round(side / _MM_PER_INCH * dpi) / dpi for side in page_mm)
    else:
        size_in = tuple(side / _MM_PER_INCH for side in page_mm)
    features = view.features
    drawable = features[~(features.geometry.isna() | features.geometry.is_empty)] if len(features) else features
    projected = drawable.to_crs(settings.CRS_MEASURE) if len(drawable) else drawable
    figure = Figure(figsize=size_in, dpi=dpi, facecolor="white")
    FigureCanvasAgg(figure)
    layout = print_layout(size_in, legend_rows=_legend_rows(view, projected, requested, lang))
    context = getattr(view.data, "context", None) or load_context(light=True)
    frames = {key: frame for key, frame in context.items() if frame is not None and len(frame)}
    if requested is None:
        rough = {key: light_context(frame) for key, frame in frames.items() if key == "boundary"}
        extent = extent_of(projected, rough, figure, box=layout.map_box)
    else:
        extent = fit_extent(requested, box_ratio(figure, layout.map_box))
    frame_box = shapely.box(*extent)
    tolerance_m = min(CONTEXT_SIMPLIFY_M, max(1.0, (extent[2] - extent[0]) / 2000))
    context_proj = {key: light_context(frame, tolerance_m=tolerance_m) for key, frame in frames.items()}
    context_proj = {key: series[series.intersects(frame_box)] for key, series in context_proj.items()}
    context_proj = {key: series for key, series in context_proj.items() if len(series)}
    inside = projected[projected.intersects(frame_box)] if len(projected) else projected

    axes, _ = draw_page(
        figure, inside, view.data.registry, context_proj, extent=extent, layout=layout,
        title=title, lines=_header_lines(view, lang),
        footer=_footer(lang, now), lang=lang, legend_title=t("legend.title", lang),
    )  # fmt: skip
    placed, skipped = place_labels(axes, label_candidates(inside, extent, lang=lang))
    if report is not None:
        report.update(
            extent_m=tuple(float(edge) for edge in extent), page_mm=page_mm, features=[str(fid) for fid in inside.index], labels=placed,
            labels_skipped=skipped,
        )  # fmt: skip
    buffer = io.BytesIO()
    if fmt == "png":
        figure.canvas.print_png(buffer)
    else:
        metadata = {"Title": title, "Creator": f"hanoi-planning-map {geo.__version__}", "CreationDate": now}
        with matplotlib.rc_context({"pdf.fonttype": 42}):  # TrueType: the page's text can be searched and copied
            figure.savefig(buffer, format="pdf", metadata=metadata)
    return buffer.getvalue()


def label_candidates(projected: gpd.GeoDataFrame, extent: Extent, *, lang: str = "vi") -> list[LabelCandidate]:
    """Return the labels to try for the features of `projected` (EPSG:32648) inside `extent`, most important first.

    Metro lines come first (they keep clear of station markers), then stations,
    bridges and zones (``LABEL_LAYERS`` order). The text is ``name`` (vi) or
    ``name_en`` (en, falling back to ``name``), cut before a parenthesis or a
    semicolon and wrapped on two lines. The anchors lie inside `extent`: a point itself; along the longest visible
    part of a line (middle first, then towards either end); inside the visible
    part of an area.
    """
    if not len(projected):
        return []
    xmin, ymin, xmax, ymax = extent
    candidates = []
    for layer in LABEL_LAYERS:
        rows = projected[projected["layer"] == layer]
        for feature_id, row in zip(rows.index, rows.to_dict("records"), strict=True):
            text = _label_text(row, lang)
            visible = shapely.clip_by_rect(row["geometry"], xmin, ymin, xmax, ymax)
            kind, anchors = _anchors(visible)
            if text and anchors:
                candidates.append(LabelCandidate(str(feature_id), layer, text, anchors, kind, _LABEL_STYLE.get(layer, {})))
    return candidates


def place_labels(
    axes: Axes, candidates: Sequence[LabelCandidate], *, fontsize: float = 6.5
) -> tuple[list[PlacedLabel], list[str]]:
    """Draw the labels that fit, in the order given; return those placed and the ids of those skipped.

    A label is tried at each anchor (beside a point at four corners; centred on a
    line or an area, then just above and below) and kept at the first position
    that lies inside the map and overlaps neither a label already placed, a
    point marker, nor the scale bar, north arrow or attribution; otherwise it is
    left out. A text already placed within 30 points is not repeated. Sizes are
    measured with the renderer of the figure's canvas (which must be set).
    """
    renderer = axes.figure.canvas.get_renderer()
    frame = axes.get_window_extent(renderer)
    taken = [artist.get_window_extent(renderer) for artist in (*axes.texts, *axes.patches)]
    half, pad = _MARKER_HALF_PT * axes.figure.dpi / 72, 0.6 * axes.figure.dpi / 72
    for candidate in candidates:  # point markers stay visible: no label is put over one
        if candidate.kind == "point":
            x, y = axes.transData.transform(candidate.anchors[0])
            taken.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    placed: list[PlacedLabel] = []
    skipped: list[str] = []
    for candidate in candidates:
        if _repeats(axes, candidate, placed):
            skipped.append(candidate.feature_id)
            continue
        offsets = _POINT_OFFSETS if candidate.kind == "point" else _AREA_OFFSETS
        for (x, y), (dx, dy, ha, va) in ((anchor, offset) for anchor in candidate.anchors for offset in offsets):
            style = {"fontsize": fontsize, "color": "#1f1f1f", **candidate.style}
            text = axes.annotate(
                candidate.text, xy=(x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, zorder=16,
                path_effects=_LABEL_HALO, **style,
            )  # fmt: skip
            box = text.get_window_extent(renderer).padded(pad)
            if _contains(frame, box) and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                placed.append(PlacedLabel(candidate.feature_id, candidate.layer, candidate.text, float(x), float(y)))
                break
            text.remove()
        else:
            skipped.append(candidate.feature_id)
    return placed, skipped


# --- helpers -------------------------------------------------------------------------------------------------------


def _check_arguments(view: object, *, paper: str, orientation: str, fmt: str, lang: str, dpi: int) -> None:
    if not isinstance(view, View):
        msg = f"view must be a geo.view.View (build_view(load_data(), choice)), got {type(view).__name__}."
        raise InvalidArgumentError(msg)
    for name, value, valid in (
        ("paper", paper, tuple(PAPERS)), ("orientation", orientation, ORIENTATIONS), ("fmt", fmt, FORMATS),
        ("lang", lang, LANGUAGES),
    ):  # fmt: skip
        if value not in valid:
            msg = f"Unknown {name} {value!r}; valid values are {', '.join(valid)}."
            raise UnknownValueError(msg)
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 1 <= dpi <= MAX_DPI:
        msg = f"dpi must be a whole number from 1 to {MAX_DPI}, got {dpi!r}."
        raise InvalidArgumentError(msg)


def _requested_bounds(extent_4326: object) -> Extent | None:
    """Return the asked extent in EPSG:32648 metres (every edge densified, so none of it is cut), or None."""
    if extent_4326 is None:
        return None
    hint = "give ((south, west), (north, east)) in degrees, e.g. ((21.015, 105.838), (21.045, 105.866))"
    try:
        (south, west), (north, east) = extent_4326
        south, west, north, east = (float(value) for value in (south, west, north, east))
    except (TypeError, ValueError) as error:
        msg = f"extent_4326 {extent_4326!r} is not a box; {hint}."
        raise InvalidArgumentError(msg) from error
    if not all(math.isfinite(v) for v in (south, west, north, east)) or not (
        -90 <= south < north <= 90 and -180 <= west < east <= 180
    ):
        msg = f"extent_4326 {extent_4326!r}: expected -90 <= south < north <= 90 and -180 <= west < east <= 180; {hint}."
        raise InvalidArgumentError(msg)
    outline = shapely.segmentize(shapely.box(west, south, east, north), max_segment_length=0.01)
    xmin, ymin, xmax, ymax = gpd.GeoSeries([outline], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).total_bounds
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    half_x, half_y = max(xmax - xmin, PRINT_MIN_SPAN_M) / 2, max(ymax - ymin, PRINT_MIN_SPAN_M) / 2
    return cx - half_x, cy - half_y, cx + half_x, cy + half_y


def _header_lines(view: View, lang: str) -> list[str]:
    counts = (
        f"{t('filters.as_of', lang)}: {day_text(view.as_of, lang)} · {t('count.features', lang, n=len(view.features))} · "
        f"{t('count.tasks', lang, n=len(view.tasks), total=len(view.data.tasks))}"
    )
    return [" · ".join(view.summary(lang)), counts]


def _footer(lang: str, now: datetime) -> str:
    return (
        f"{MAP_DATA_LICENCE} · {t('panel.schematic_warning', lang)} · {settings.CRS_MEASURE} · "
        f"hanoi-planning-map {geo.__version__} · {now.isoformat(timespec='seconds')}"
    )


def _legend_rows(view: View, projected: gpd.GeoDataFrame, requested: Extent | None, lang: str) -> int:
    """Return about how many lines the legend needs: layers (in the asked extent), statuses, provenance, context.

    Two lines are kept spare for layers that widening the extent to the map's shape may bring in.
    """
    registry = view.data.registry
    if requested is not None and len(projected):
        layers = set(projected.loc[projected.intersects(shapely.box(*requested)), "layer"])
        labels = [registry.label(layer, lang) for layer in view.layers() if layer in layers]
    else:
        labels = [registry.label(layer, lang) for layer in view.layers()]
    labels += [str(style.get(f"label_{lang}", key)) for key, style in registry.status_styles.items()]
    labels += [str(style.get(f"label_{lang}", key)) for key, style in registry.quality_styles.items()]
    labels += [registry.label(key, lang) for key in ("boundary", "wards", "red_river")]
    return sum(1 + len(label) // 38 for label in labels) + 2


def _label_text(row: dict, lang: str) -> str:
    name = str(row.get("name_en") or "") if lang == "en" else ""
    name = (name or str(row.get("name") or "")).strip()
    for mark in (" (", "; "):
        cut = name.find(mark)
        if cut >= 8:
            name = name[:cut]
    return "\n".join(wrap_lines([name], width=_LABEL_CHARS, limit=2))


def _anchors(visible: shapely.Geometry | None) -> tuple[str, tuple[tuple[float, float], ...]]:
    parts = parts_by_family(visible)
    if "point" in parts:
        points = getattr(parts["point"], "geoms", [parts["point"]])
        return "point", tuple((point.x, point.y) for point in points[:1])
    if "line" in parts:
        line = max(getattr(parts["line"], "geoms", [parts["line"]]), key=lambda part: part.length)
        spots = (line.interpolate(share, normalized=True) for share in _LINE_SHARES)
        return "line", tuple((spot.x, spot.y) for spot in spots)
    if "polygon" in parts:
        polygon = max(getattr(parts["polygon"], "geoms", [parts["polygon"]]), key=lambda part: part.area)
        spot = polygon.representative_point()
        return "polygon", ((spot.x, spot.y),)
    return "", ()


def _repeats(axes: Axes, candidate: LabelCandidate, placed: Sequence[PlacedLabel]) -> bool:
    """Return True when the same text is already placed within 30 points (e.g. one station on two lines)."""
    near = 30 * axes.figure.dpi / 72
    here = axes.transData.transform(candidate.anchors[0])
    return any(
        label.text == candidate.text and math.dist(axes.transData.transform((label.x_m, label.y_m)), here) < near
        for label in placed
    )


def _contains(outer: Bbox, inner: Bbox) -> bool:
    return outer.x0 <= inner.x0 and inner.x1 <= outer.x1 and outer.y0 <= inner.y0 and inner.y1 <= outer.y1
