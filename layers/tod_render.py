"""Folium layers of the TOD page: ward choropleth of the share covered, catchments, stations."""

from __future__ import annotations

import html

import folium
import geopandas as gpd
from branca.colormap import LinearColormap

from geo.i18n import t
from geo.layer_specs import Registry
from layers.features import LINE_COLOURS
from layers.render import HtmlControl, base_map, feature_collection, legend


def tod_map(
    catchments: gpd.GeoDataFrame,
    stations: gpd.GeoDataFrame,
    wards: gpd.GeoDataFrame,
    registry: Registry,
    *,
    lang: str = "vi",
    basemap: str = "none",
    added: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """Return the TOD map: wards coloured by the share covered, one outline per catchment, the stations.

    `added` (EPSG:4326), when given, holds the catchments a later phase adds; they are drawn dashed in orange.

    Parameters
    ----------
    catchments : geopandas.GeoDataFrame
        Catchments in EPSG:4326 with ``line`` and ``name``.
    stations : geopandas.GeoDataFrame
        Station features in EPSG:4326 (``estimate`` marks schematic or undated sites).
    wards : geopandas.GeoDataFrame
        Wards in EPSG:4326 with ``name``, ``share_covered`` and ``population_known``.
    """
    fmap = base_map(basemap=basemap, zoom=11)
    ramp = LinearColormap(["#f7fbff", "#6baed6", "#08306b"], vmin=0, vmax=1, caption=t("tod.share_legend", lang))
    shares = wards.assign(
        tip=[
            html.escape(f"{name}: {share:.0%}" + ("" if known else f" · {t('tod.pop_unknown', lang)}"))
            for name, share, known in zip(wards["name"], wards["share_covered"], wards["population_known"], strict=True)
        ]
    )
    folium.GeoJson(
        shares[["tip", "share_covered", "geometry"]].__geo_interface__,
        name=html.escape(t("tod.wards_layer", lang)),
        style_function=lambda f: {
            "fillColor": ramp(f["properties"]["share_covered"] or 0),
            "fillOpacity": 0.55,
            "color": "#777",
            "weight": 0.5,
        },
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(fmap)
    _share_legend(t("tod.share_legend", lang)).add_to(fmap)  # branca's colormap control would pull d3 from a CDN
    group = folium.FeatureGroup(name=html.escape(t("tod.catchments_layer", lang)))
    folium.GeoJson(
        catchments[["line", "geometry"]].__geo_interface__,
        style_function=lambda f: {"color": LINE_COLOURS.get(f["properties"]["line"], "#333"), "weight": 1.5, "fillOpacity": 0.08},
        interactive=False,
    ).add_to(group)
    group.add_to(fmap)
    if added is not None and not added.empty:
        later = folium.FeatureGroup(name=html.escape(t("tod.adds", lang)))
        folium.GeoJson(
            added[["line", "geometry"]].__geo_interface__,
            style_function=lambda _: {"color": "#ef6c00", "weight": 2, "dashArray": "6 4", "fillOpacity": 0.05},
            interactive=False,
        ).add_to(later)
        later.add_to(fmap)
    points = stations
    station_group = folium.FeatureGroup(name=html.escape(registry.get("metro_station").label(lang)))
    folium.GeoJson(
        feature_collection(points, registry.get("metro_station"), registry, lang=lang, full_tips=True),
        marker=folium.CircleMarker(radius=4, fill=True, weight=1),
        style_function=lambda f: {
            "color": "#000",
            "fillColor": "#fff" if f["properties"]["q"] == "schematic" else "#000",
            "dashArray": "2 2" if f["properties"]["q"] == "schematic" else None,
            "fillOpacity": 1,
        },
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(station_group)
    station_group.add_to(fmap)
    legend(registry, ["metro_station"], lang=lang).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    west, south, east, north = catchments.total_bounds if not catchments.empty else wards.total_bounds
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def _share_legend(title: str) -> HtmlControl:
    return HtmlControl(
        f"<b>{html.escape(title)}</b><div style='width:160px;height:10px;"
        "background:linear-gradient(to right,#f7fbff,#6baed6,#08306b)'></div>"
        "<div style='display:flex;justify-content:space-between;width:160px'><span>0%</span><span>50%</span><span>100%</span></div>",
        position="topright",
    )
