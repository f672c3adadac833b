"""PNG writer: a static, tile-free map of the visible features, ``map.png`` (matplotlib, Agg canvas).

The map is drawn in EPSG:32648 (WGS 84 / UTM 48N) with equal axes, so one metre
is one metre in both directions and the scale bar is true. Nothing is fetched
from the network: the context layers (wards, city boundary, Red River) give
the picture. No pyplot state is touched; each call builds its own Figure. The
drawing helpers are in :mod:`geo.export.png_draw`; :func:`draw_page` lays out one
page and is shared with the print map (:mod:`geo.export.print_map`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import geopandas as gpd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple

import geo
from geo import settings
from geo.errors import InvalidArgumentError
from geo.export.manifest import MAP_DATA_LICENCE
from geo.export.png_draw import (
    NORTH_LETTER,
    PNG_DPI,
    PNG_SIZE_PX,
    SNAPSHOT_LAYOUT,
    Extent,
    PageLayout,
    draw_context,
    draw_features,
    draw_north_arrow,
    draw_scale_bar,
    extent_of,
    legend_entries,
    light_context,
    wrap_lines,
)
from geo.export.prepare import SnapshotData
from geo.i18n import day_text, t
from geo.layer_specs import Registry

__all__ = ["PNG_DPI", "PNG_SIZE_PX", "draw_page", "render_map_png", "write_png"]

MEMBER = "map.png"


def write_png(data: SnapshotData) -> dict[str, bytes]:
    """Return ``{"map.png": bytes}``: the features with a geometry on the context layers, A4 landscape at 150 dpi.

    Always written (an empty filter still shows the city, the filter and the counts).
    """
    lang = data.lang
    counts = (
        f"{t('filters.as_of', lang)}: {day_text(data.as_of, lang)} · {t('count.features', lang, n=len(data.exported))} · "
        f"{t('count.tasks', lang, n=len(data.tasks), total=data.tasks_total)}"
    )
    footer = (
        f"{MAP_DATA_LICENCE} · {t('panel.schematic_warning', lang)} · "
        f"{settings.CRS_MEASURE} · hanoi-planning-map {geo.__version__} · {data.now.isoformat(timespec='seconds')}"
    )
    png = render_map_png(
        data.mapped, data.registry, data.view.data.context, title=t("app.title", lang),
        lines=[" · ".join(data.filter_lines), counts], footer=footer, lang=lang, legend_title=t("legend.title", lang),
    )  # fmt: skip
    return {MEMBER: png}


def render_map_png(
    visible: gpd.GeoDataFrame,
    registry: Registry,
    context: dict[str, gpd.GeoDataFrame],
    *,
    title: str,
    lines: Sequence[str] = (),
    footer: str = "",
    lang: str = "vi",
    legend_title: str = "Legend",
    size_px: tuple[int, int] = PNG_SIZE_PX,
    dpi: int = PNG_DPI,
) -> bytes:
    """Draw the visible features on their context and return the PNG bytes.

    Parameters
    ----------
    visible : geopandas.GeoDataFrame
        Project features to draw (any CRS; reprojected to EPSG:32648), with
        ``layer``, ``status`` and ``geometry_quality`` columns. None or empty
        geometries are not drawn; a GeometryCollection is drawn part by part.
    registry : Registry
        Layer colours and labels, status opacities, the schematic label.
    context : dict of str to geopandas.GeoDataFrame
        ``boundary``, ``wards`` and ``red_river`` frames; missing keys are skipped.
    title : str
        The title at the top of the page.
    lines : sequence of str
        Lines under the title (the filters in words, the as-of date, counts).
    footer : str
        The attribution and notes printed at the bottom of the page; the map
        itself always carries ``settings.OSM_ATTRIBUTION``.
    lang : str
        "vi" or "en": labels of the legend and the north arrow.
    legend_title : str
        The legend's heading.
    size_px : (int, int)
        Width and height of the image in pixels (default A4 landscape at 150 dpi).
    dpi : int
        Dots per inch written in the PNG; fixes the size of the text.

    Returns
    -------
    bytes
        The PNG image, exactly `size_px` pixels.

    Raises
    ------
    InvalidArgumentError
        If `size_px` or `dpi` is not positive.
    """
    if min(size_px) <= 0 or dpi <= 0:
        msg = f"size_px and dpi must be positive, got size_px={size_px}, dpi={dpi}."
        raise InvalidArgumentError(msg)
    figure = Figure(figsize=(size_px[0] / dpi, size_px[1] / dpi), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(figure)
    drawable = visible[~(visible.geometry.isna() | visible.geometry.is_empty)] if len(visible) else visible
    projected = drawable.to_crs(settings.CRS_MEASURE) if len(drawable) else drawable
    context_proj = {key: light_context(frame) for key, frame in context.items() if frame is not None and len(frame)}
    draw_page(
        figure, projected, registry, context_proj, extent=extent_of(projected, context_proj, figure),
        layout=SNAPSHOT_LAYOUT, title=title, lines=lines, footer=footer, lang=lang, legend_title=legend_title,
    )  # fmt: skip

    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


def draw_page(
    figure: Figure,
    projected: gpd.GeoDataFrame,
    registry: Registry,
    context: dict[str, gpd.GeoSeries],
    *,
    extent: Extent,
    layout: PageLayout,
    title: str,
    lines: Sequence[str] = (),
    footer: str = "",
    lang: str = "vi",
    legend_title: str = "Legend",
) -> tuple[Axes, list[str]]:
    """Draw one map page on `figure`: map, scale bar, north arrow, attribution, legend, title, lines and footer.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        An empty figure of the page's size.
    projected : geopandas.GeoDataFrame
        Project features in EPSG:32648 with a non-empty geometry.
    registry : Registry
        Layer colours and labels.
    context : dict of str to geopandas.GeoSeries
        Context geometries in EPSG:32648 (:func:`geo.export.png_draw.light_context`).
    extent : (float, float, float, float)
        The map's xmin, ymin, xmax, ymax in metres, shaped like ``layout.map_box``.
    layout : PageLayout
        Where each part goes (``SNAPSHOT_LAYOUT`` for the snapshot's ``map.png``).
    title, lines, footer, lang, legend_title
        As in :func:`render_map_png`.

    Returns
    -------
    axes : matplotlib.axes.Axes
        The map's axes (metres of EPSG:32648).
    shown : list of str
        The project layers drawn, in registry order.
    """
    axes = figure.add_axes(layout.map_box)
    axes.set_facecolor("#fbfbf8")
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_xlim(extent[0], extent[2])
    axes.set_ylim(extent[1], extent[3])
    axes.set_aspect("equal", adjustable="box")

    draw_context(axes, context, registry)
    shown = draw_features(axes, projected, registry)
    draw_scale_bar(axes, extent)
    draw_north_arrow(axes, extent, letter=NORTH_LETTER.get(lang, "N"))
    axes.text(
        0.995, 0.005, settings.OSM_ATTRIBUTION, transform=axes.transAxes, ha="right", va="bottom", fontsize=7,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5}, zorder=20,
    )  # fmt: skip

    legend_axes = figure.add_axes(layout.legend_box)
    legend_axes.set_axis_off()
    handles, labels = legend_entries(registry, shown, context, lang)
    legend_axes.legend(
        handles, labels, loc="upper left", title=legend_title, frameon=False, fontsize=7.5, title_fontsize=9,
        handlelength=2.6, alignment="left", handler_map={tuple: HandlerTuple(ndivide=None, pad=0.4)},
        ncols=layout.legend_columns,
    )  # fmt: skip

    figure.text(layout.left, layout.title_y, title, fontsize=15, fontweight="bold", ha="left", va="top")
    for number, line in enumerate(wrap_lines(lines, width=layout.lines_width, limit=4)):
        figure.text(layout.left, layout.lines_y - number * layout.line_step, line, fontsize=8.5, ha="left", va="top",
                    color="#333333")  # fmt: skip
    for number, line in enumerate(wrap_lines([footer], width=layout.footer_width, limit=2)):
        figure.text(layout.left, layout.footer_y - number * layout.footer_step, line, fontsize=7, ha="left", va="top",
                    color="#444444")  # fmt: skip
    return axes, shown
