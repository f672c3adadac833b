"""Place features for tools/build_layers.py: ring roads, bridges, zones, Hòa Lạc, others, the schematic Red River.

Read from data/sources/places_facts.json (and the OSM files it names); see the
docstring of tools/build_layers.py for the provenance and date rules.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon, mapping, shape
from shapely.ops import linemerge, substring

from geo import settings
from tools.layers_common import chain, date_props, feature, osm_ways, round_geometry, way_list

PLACE_NOTE = "representative place point, not the object's surveyed position"


def sources_text(places: dict, keys) -> str:
    table = places.get("sources", {})
    if isinstance(keys, str):
        keys = [keys]
    return "; ".join(table.get(key, key) for key in keys or [])


def expand_keys(places: dict, text: str) -> str:
    """Return `text` with every source key of the place facts (e.g. ``sggp_vd4``) replaced by its citation."""
    table = places.get("sources", {})
    return re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", lambda m: table.get(m.group(0), m.group(0)), text)


def status_of(text: str) -> str:
    """Return the map status of a research note's status text (used only where no ``map_status`` is given)."""
    text = (text or "").lower()
    if text.startswith("operating") or text.startswith("existing"):
        return "operating"
    if text.startswith("planned"):
        return "planned"
    if "under construction" in text or "groundbreaking" in text or text.startswith("partly"):
        return "under construction"
    return "planned"


def place_status(places: dict, item: dict) -> dict:
    """Return ``status``, ``status_source`` (the written basis and its sources) and ``status_date`` of a place fact."""
    status = item.get("map_status") or status_of(item.get("status", ""))
    basis = expand_keys(places, item.get("status_basis") or item.get("status") or item.get("facts", ""))
    cited = sources_text(places, item.get("status_sources") or item.get("sources"))
    return {
        "status": status,
        "status_source": f"{basis} — {cited}" if cited else basis,
        "status_date": str(item.get("status_date") or ""),
    }


def quality_of(points: list[dict]) -> str:
    kinds = {p.get("coord_quality") for p in points}
    if kinds <= {"osm_node"}:
        return "osm"
    if kinds <= {"osm_node", "published_point"}:
        return "sourced"
    return "schematic"


def coords_source(points: list[dict]) -> str:
    seen: list[str] = []
    for point in points:
        text = f"{point['name']}: {point.get('coord_source', '')}"
        if text not in seen:
            seen.append(text)
    return " | ".join(seen)


def disc(point: Point, area_ha: float) -> Polygon:
    """Return a disc of `area_ha` hectares around `point` (built in EPSG:32648)."""
    series = gpd.GeoSeries([point], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE)
    radius_m = (area_ha * 10_000 / 3.141592653589793) ** 0.5
    return series.buffer(radius_m, 64).to_crs(settings.CRS_STORE).iloc[0]


def _length_m(geometry) -> float:
    return float(gpd.GeoSeries([geometry], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).length.iloc[0])


def red_river(features: list[dict], river: dict) -> dict:
    """Return a schematic Red River centre line through the mid-river points of its bridges, in order.

    `river` holds the line's id and names and ``bridges_upstream_to_downstream`` (bridge names).
    """
    by_name = {f["properties"]["name"]: f for f in features if f["properties"]["layer"] == "bridge"}
    points, used = [], []
    for name in river["bridges_upstream_to_downstream"]:
        geometry = shape(by_name[name]["geometry"])
        points.append(geometry.interpolate(0.5, normalized=True) if geometry.geom_type == "LineString" else geometry)
        used.append(name)
    coords = [(p.x, p.y) for p in points]
    # continue the first and last segments by half their length so that the end bridges cross the line
    (x0, y0), (x1, y1) = coords[0], coords[1]
    (xa, ya), (xb, yb) = coords[-2], coords[-1]
    coords = [(x0 - (x1 - x0) / 2, y0 - (y1 - y0) / 2), *coords, (xb + (xb - xa) / 2, yb + (yb - ya) / 2)]
    line = LineString(coords)
    props = {
        "id": river["id"],
        "name": river["name_vi"],
        "name_en": river["name_en"],
        "geometry_quality": "schematic",
        "geometry_source": "Straight segments through the middle of these bridges, upstream to downstream: "
        + ", ".join(used)
        + ". No river polygon or centre line is available offline (see data/sources/SOURCES.md); "
        "refresh from OpenStreetMap (natural=water, water=river) on a networked machine.",
    }
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": props, "geometry": round_geometry(mapping(line))}],
    }


def boundary_zone(buffer_m: float):
    boundary = gpd.read_file(settings.BOUNDARY_GEOJSON).to_crs(settings.CRS_MEASURE)
    return gpd.GeoSeries([boundary.union_all().buffer(buffer_m)], crs=settings.CRS_MEASURE).to_crs(settings.CRS_STORE).iloc[0]


def place_features(places: dict, sources: Path) -> list[dict]:
    if not places:
        return []
    rings, full_rings = ring_features(places, sources)
    return (
        rings + bridge_features(places, sources) + zone_features(places) + hoa_lac_features(places)
        + other_features(places, full_rings)
    )  # fmt: skip


def osm_section_feature(places: dict, sources: Path, section: dict, *, layer: str, part_of: str, **extra) -> dict:
    """Return the feature of one OSM section of an object (a ring road's stretch, a bridge's part)."""
    geometry = chain(osm_ways(sources, section["ways_file"]), section["ways"])
    cited = sources_text(places, section.get("ways_source") or [])
    return feature(
        geometry,
        id=section["id"],
        layer=layer,
        name=section["name_vi"],
        name_en=section["name_en"],
        part_of=part_of,
        **extra,
        **place_status(places, section),
        length_km_published=section.get("length_km_published"),
        length_source=expand_keys(places, section.get("length_source", "")),
        geometry_quality="osm",
        geometry_source=f"OpenStreetMap ways {way_list(section['ways'])}: {section['track']}. {cited}",
        **date_props(section, lambda text: expand_keys(places, text)),
        note=expand_keys(places, section.get("note", "")),
    )


def cut_out(line: LineString, pieces: list) -> shapely.Geometry:
    """Return `line` without the stretches that lie alongside `pieces` (each cut between its extreme projections).

    A closed line is joined again across its start, so a ring keeps one piece per gap.
    """
    intervals = []
    for piece in pieces:
        along = [line.project(Point(c)) for c in shapely.get_coordinates(piece)]
        low, high = min(along), max(along)
        if high - low > line.length / 2:
            msg = "a section straddles the start of its ring; move the ring's first waypoint"
            raise ValueError(msg)
        intervals.append((low, high))
    kept, start = [], 0.0
    for low, high in sorted(intervals):
        if low > start:
            kept.append(substring(line, start, low))
        start = max(start, high)
    if start < line.length:
        kept.append(substring(line, start, line.length))
    merged = linemerge(kept) if line.is_closed else MultiLineString(kept)
    return merged if merged.geom_type == "LineString" or len(merged.geoms) > 1 else merged.geoms[0]


def ring_features(places: dict, sources: Path) -> tuple[list[dict], dict]:
    """Return the ring-road features and each ring's full schematic line (before its OSM sections are cut out)."""
    out, full_lines = [], {}
    for key, ring in places["ring_roads"].items():
        ring_id = f"ring-{key.lower().replace('_', '-')}"
        points = [p for p in ring["waypoints"] if p.get("lon") is not None]
        coords = [(p["lon"], p["lat"]) for p in points]
        if ring.get("closed"):
            coords.append(coords[0])
        geometry = LineString(coords)
        full_lines[ring_id] = geometry
        note = ""
        if ring.get("clip_to_city_buffer_m"):
            buffer_m = ring["clip_to_city_buffer_m"]
            geometry = geometry.intersection(boundary_zone(buffer_m))
            note = (
                f" Clipped to {buffer_m / 1000:g} km around the city boundary: the ring continues through neighbouring provinces."
            )
        sections = [
            osm_section_feature(places, sources, section, layer="ring_road", part_of=ring_id)
            for section in ring.get("osm_sections", [])
        ]
        if sections:
            geometry = cut_out(geometry, [shape(s["geometry"]) for s in sections])
            note += (
                " The stretch alongside "
                + ", ".join(s["properties"]["id"] for s in sections)
                + " (drawn from OpenStreetMap) is cut out of this schematic line."
            )
        out.append(feature(
            geometry,
            id=ring_id,
            layer="ring_road",
            name=ring["name_vi"],
            name_en=ring["name_en"],
            part_of="",
            **place_status(places, ring),
            length_km_published=ring.get("length_km"),
            length_source=sources_text(places, ring.get("length_sources"))
            + (f" ({ring['length_note']})" if ring.get("length_note") else ""),
            route_description=ring.get("route_text", ""),
            geometry_quality="schematic",
            geometry_source="Drawn through the named junctions, bridges and communes of the route, in order "
            f"(straight segments; {PLACE_NOTE}s): {coords_source(points)}.{note}",
            **date_props(ring, lambda text: expand_keys(places, text)),
            note=expand_keys(places, ring.get("note", "")),
        ))  # fmt: skip
        out.extend(sections)
    return out, full_lines


def bridge_features(places: dict, sources: Path) -> list[dict]:
    out = []
    drawn: dict[str, object] = {}
    for number, bridge in enumerate(places["bridges"]["items"], start=1):
        bridge_id = f"bridge-{number:02d}"
        ends = [e for e in bridge.get("ends", []) if e.get("lon") is not None]
        mid = bridge.get("midpoint") or None
        beside = bridge.get("drawn_beside") or {}
        osm = bridge.get("osm_geometry")
        used = list(ends)
        quality = ""
        if osm:
            geometry = chain(osm_ways(sources, osm["ways_file"]), osm["ways"])
            quality = "osm"
            geometry_source = f"OpenStreetMap ways {way_list(osm['ways'])}: {osm['track']}; {osm['coverage']}. " + sources_text(
                places, osm.get("ways_source")
            )
        elif len(ends) >= 2:
            geometry = LineString([(ends[0]["lon"], ends[0]["lat"]), (ends[-1]["lon"], ends[-1]["lat"])])
            used = [ends[0], ends[-1]]
        elif len(ends) == 1 and mid and mid.get("lon") is not None:
            ex, ey = ends[0]["lon"], ends[0]["lat"]
            geometry = LineString([(ex, ey), (2 * mid["lon"] - ex, 2 * mid["lat"] - ey)])
            used = [ends[0], mid]
        elif mid and mid.get("lon") is not None:
            geometry, used = Point(mid["lon"], mid["lat"]), [mid]
        elif ends:
            geometry = Point(ends[0]["lon"], ends[0]["lat"])
        elif beside.get("bridge") in drawn:
            # a planned bridge the sources place beside an existing one, with no coordinate of its own
            neighbour, offset_m = beside["bridge"], float(beside["offset_m"])
            line = gpd.GeoSeries([drawn[neighbour]], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).iloc[0]
            geometry = gpd.GeoSeries([line.offset_curve(offset_m)], crs=settings.CRS_MEASURE).to_crs(settings.CRS_STORE).iloc[0]
            used = [{"name": bridge["name_vi"], "coord_quality": "schematic",
                     "coord_source": f"drawn {offset_m:.0f} m beside {neighbour} (same crossing per the sources; "
                     "its own alignment is not published)"}]  # fmt: skip
        else:
            continue  # no coordinate at all: listed by validate as a task without feature, never invented
        if not osm:
            if geometry.geom_type == "LineString" and _length_m(geometry) < 300:
                # both points are on one bank (e.g. two sources for Long Biên's west end): keep one point, never a fake span
                geometry, used = Point(used[0]["lon"], used[0]["lat"]), [used[0]]
            quality = bridge.get("geometry_quality") or quality_of(used)  # a stated quality overrides the computed one
            if geometry.geom_type == "LineString" and len(used) == 2 and used[1] is mid:
                quality = "schematic"
            geometry_source = (
                ("Line between the two bank points (" if geometry.geom_type == "LineString" else "Point: ")
                + coords_source(used) + (")" if geometry.geom_type == "LineString" else "")
            )  # fmt: skip
        drawn[bridge["name_vi"]] = geometry
        name = bridge["name_vi"]
        expand = lambda text: expand_keys(places, text)  # noqa: E731
        out.append(feature(
            geometry,
            id=bridge_id,
            layer="bridge",
            name=name,
            name_en=name.replace("Cầu ", "") + " Bridge",
            river=bridge.get("river", ""),
            on_route=bridge.get("part_of", ""),
            part_of="",
            **place_status(places, bridge),
            length_m_published=bridge.get("length_m"),
            bank_wards=json.dumps(bridge.get("bank_wards_2025"), ensure_ascii=False),
            geometry_quality=quality,
            geometry_source=geometry_source,
            **date_props(bridge, expand),
            note=expand_keys(places, bridge.get("note", "")),
        ))  # fmt: skip
        for section in bridge.get("osm_sections", []):
            out.append(osm_section_feature(
                places, sources, section, layer="bridge", part_of=bridge_id,
                river=bridge.get("river", ""), on_route=bridge.get("part_of", ""),
            ))  # fmt: skip
    return out


def zone_features(places: dict) -> list[dict]:
    out = []
    for number, zone in enumerate(places["zones"]["items"], start=1):
        coord = zone.get("coord")
        if not coord:
            continue
        point = Point(coord["lon"], coord["lat"])
        area = zone.get("area_ha")
        geometry = disc(point, area) if area else point
        wards = zone.get("ward_2025") or coord.get("ward_2025")
        out.append(feature(
            geometry,
            id=f"zone-{number:02d}",
            layer="industrial_zone",
            name=zone["name_vi"],
            name_en=zone.get("name_en") or zone["name_vi"],
            **place_status(places, zone),
            area_ha_published=area,
            area_source=sources_text(places, zone.get("area_sources")),
            ward=";".join(wards) if isinstance(wards, list) else (wards or ""),
            ward_source=zone.get("ward_source", ""),
            geometry_quality="schematic",
            geometry_source=(f"Disc of the published area ({area} ha) around a " if area else "A ")
            + f"{PLACE_NOTE}: {coords_source([coord])}; the zone's boundary is not in the sources.",
            **date_props(zone, lambda text: expand_keys(places, text)),
            note=expand_keys(places, zone.get("note", "")),
        ))  # fmt: skip
    return out


def hoa_lac_features(places: dict) -> list[dict]:
    out = []
    for key, item in places["hoa_lac"].items():
        coord = item.get("coord")
        if not coord:
            continue
        point = Point(coord["lon"], coord["lat"])
        area = item.get("area_ha")
        wards = item.get("ward_2025") or coord.get("ward_2025")
        out.append(feature(
            disc(point, area) if area else point,
            id=f"hoa-lac-{key.replace('_', '-')}",
            layer="hoa_lac",
            name=item["name_vi"],
            name_en=item["name_en"],
            **place_status(places, item),
            area_ha_published=area,
            area_source=sources_text(places, item.get("area_sources")),
            ward=";".join(wards) if isinstance(wards, list) else (wards or ""),
            geometry_quality="schematic",
            geometry_source=f"Disc of the published area ({area} ha) around a {PLACE_NOTE}: {coords_source([coord])}.",
            **date_props(item, lambda text: expand_keys(places, text)),
            note=expand_keys(places, item.get("note", "")),
        ))  # fmt: skip
    return out


def other_features(places: dict, full_rings: dict) -> list[dict]:
    out = []
    inside = []
    for item in places["other"]:
        if not item.get("id"):
            continue  # a place the notes mention that is not drawn
        if item.get("inside_ring"):
            inside.append(item)
            continue
        if item.get("waypoints"):
            points = [p for p in item["waypoints"] if p.get("lon") is not None]
            geometry = LineString([(p["lon"], p["lat"]) for p in points])
            quality = "schematic"
            source = f"Drawn through the named places, in order ({PLACE_NOTE}s): {coords_source(points)}"
        else:
            coord = item["coord"]
            geometry = Point(coord["lon"], coord["lat"])
            quality = "sourced" if coord.get("coord_quality") == "published_point" else "schematic"
            source = coords_source([coord]) + ("" if quality == "sourced" else f" ({PLACE_NOTE})")
        out.append(feature(
            geometry,
            id=item["id"],
            layer=item["layer"],
            name=item["name_vi"],
            name_en=item["name_en"],
            **place_status(places, item),
            ward=item.get("ward_2025") or "",
            geometry_quality=quality,
            geometry_source=source,
            **date_props(item, lambda text: expand_keys(places, text)),
            note=expand_keys(places, item.get("note", "")),
        ))  # fmt: skip
    for item in inside:  # an area inside a (schematic) ring road, e.g. the low-emission zone inside Vành đai 3
        ring_id = f"ring-{item['inside_ring'].lower().replace('_', '-')}"
        ring = full_rings[ring_id]
        out.append(feature(
            Polygon(ring.coords).buffer(0),
            id=item["id"],
            layer=item["layer"],
            name=item["name_vi"],
            name_en=item["name_en"],
            **place_status(places, item),
            geometry_quality="schematic",
            geometry_source=f"The area inside the whole schematic {item['inside_ring_label']} line (see {ring_id}); "
            "not a legal boundary.",
            **date_props(item, lambda text: expand_keys(places, text)),
            note=expand_keys(places, item.get("note", "")),
        ))  # fmt: skip
    return out
