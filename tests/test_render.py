"""The folium rendering: escaped text, dashed schematic geometry, attribution, legend, local Leaflet."""

import geopandas as gpd
from shapely.geometry import LineString, Point

from geo.features import load_features
from geo.layer_specs import load_registry
from geo.mapdata import light_geometry
from layers.render import base_map, feature_collection, feature_group, project_map

EVIL = "<img src=x onerror=alert(1)>"


def evil_frame():
    return gpd.GeoDataFrame(
        {
            "id": ["evil-1", "evil-2"],
            "layer": ["bridge", "metro_station"],
            "name": [EVIL, "Ga <script>alert(2)</script>"],
            "name_en": [EVIL, "x"],
            "status": ["planned", "operating"],
            "geometry_quality": ["schematic", "osm"],
            "task_ids": [(), ()],
        },
        geometry=[LineString([(105.8, 21.0), (105.9, 21.1)]), Point(105.85, 21.03)],
        crs="EPSG:4326",
    )


def test_html_in_names_is_escaped():
    registry = load_registry()
    fmap = base_map()
    feature_group(registry.get("bridge"), evil_frame(), registry).add_to(fmap)
    html = fmap.get_root().render()
    assert EVIL not in html
    assert "<script>alert(2)" not in html
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html or "&lt;img src=x onerror=alert(1)&gt;" in html


def test_schematic_is_dashed_and_osm_is_not():
    registry = load_registry()
    collection = feature_collection(evil_frame(), registry.get("bridge"), registry)
    styles = {f["properties"]["fid"]: collection["styles"][f["properties"]["s"]] for f in collection["features"]}
    assert styles["evil-1"]["dashArray"] == "8 6"
    assert styles["evil-2"]["dashArray"] is None


def test_statuses_are_told_apart_by_more_than_opacity():
    from layers.features import feature_style

    spec = load_registry().get("metro_line")
    registry = load_registry()
    row = {"geometry_quality": "osm", "line": "3-elevated"}
    operating, building, planned = (feature_style({**row, "status_as_of": s}, spec, registry) for s in ("operating", "under construction", "planned"))
    assert operating["weight"] > building["weight"] > planned["weight"]
    assert feature_style({**row, "status_as_of": "operating"}, spec, registry)["color"] != feature_style(
        {**row, "line": "2A", "status_as_of": "operating"}, spec, registry)["color"]  # each line its own colour
    station = load_registry().get("metro_station")
    filled, ring, hollow = (feature_style({"status_as_of": s, "geometry_quality": "osm"}, station, registry) for s in ("operating", "under construction", "planned"))
    assert filled["fillOpacity"] > 0.5 and ring["fillColor"] == "#ffffff" and hollow["fillOpacity"] == 0.0


def test_attribution_legend_and_local_leaflet():
    registry = load_registry()
    fmap = project_map(light_geometry(load_features()), registry, {}, lang="en")
    html = fmap.get_root().render()
    assert 'addAttribution("\\u00a9 OpenStreetMap contributors")' in html or "© OpenStreetMap contributors" in html
    assert "hn-legend" in html and "Schematic (estimated, not surveyed)" in html
    assert "/app/static/leaflet/leaflet.js" in html
    assert "cdn.jsdelivr.net" not in html and "code.jquery.com" not in html


def test_payload_is_small():
    registry = load_registry()
    from geo.context import load_context

    html = project_map(light_geometry(load_features()), registry, load_context(light=True)).get_root().render()
    assert len(html.encode("utf-8")) < 2_000_000
