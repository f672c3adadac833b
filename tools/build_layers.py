"""Build data/projects.geojson and the schematic Red River from the cited facts in data/sources (maintainers only).

Real data first: OpenStreetMap geometry is ``osm``; points from cited coordinates
are ``sourced``; lines drawn through named places of the plans are
``schematic`` (dashed in the app, never passed off as survey).

Every fact (names, statuses, dates, coordinates, notes, per-feature corrections)
is read from data/sources/metro_facts.json and data/sources/places_facts.json;
this file only turns them into geometry. Links between features and tasks are
not made here: they live in data/links.csv.

Usage: python tools/build_layers.py [--out DIR]   (DIR defaults to data/)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd
from shapely.geometry import LineString, Point, Polygon, mapping, shape

from geo import settings

SOURCES = settings.DATA_DIR / "sources"
PROJECTS_NAME = "projects.geojson"
RED_RIVER_NAME = Path("context") / "red_river_schematic.geojson"
_PAREN = re.compile(r"\s*\(.*?\)\s*")


def load_facts(sources: Path = SOURCES) -> tuple[dict, dict]:
    """Return the metro facts and the place facts (ring roads, bridges, zones, Hòa Lạc, others)."""
    metro = json.loads((sources / "metro_facts.json").read_text(encoding="utf-8"))
    places = json.loads((sources / "places_facts.json").read_text(encoding="utf-8"))
    return metro, places


def feature(geometry, **props) -> dict:
    props.setdefault("status_date", "")
    return {"type": "Feature", "properties": props, "geometry": _round(mapping(geometry))}


def _round(geo: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), 6) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geo["type"], "coordinates": walk(geo["coordinates"])}


def station_name(station: dict) -> str:
    """Return the station's display name: its ``display_name`` fact, else its name without notes in brackets."""
    if station.get("display_name"):
        return station["display_name"]
    return _PAREN.sub(" ", station["name"].split(" – representative")[0]).strip()


def _read_geojson(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def metro_features(facts: dict, sources: Path = SOURCES) -> list[dict]:
    out: list[dict] = []
    for line_id, line in facts.items():
        common = {
            "status": line["status"],
            "status_source": line["status_source"],
            "status_date": line.get("status_date", ""),
        }
        points = [s for s in line["stations"] if s.get("lon") is not None and s.get("use_for_schematic", True)]
        if line.get("starts_at_end_of"):  # e.g. the underground section of line 3 starts where the elevated one ends
            points = [facts[line["starts_at_end_of"]]["stations"][-1], *points]
        osm = line.get("geometry_osm")
        osm_stations = {}
        if osm:
            geometry = shape(_read_geojson(sources / osm["line_file"])["features"][0]["geometry"])
            quality, source = "osm", osm["source"]
            osm_stations = {f["properties"]["seq"]: f for f in _read_geojson(sources / osm["stations_file"])["features"]}
        else:
            geometry = LineString([(s["lon"], s["lat"]) for s in points])
            sourced = all(s.get("coord_quality") == "sourced" for s in points)
            quality = "schematic"
            source = (
                "Straight segments between the cited station coordinates (stations: see each station's source); "
                "the track between stations is not surveyed."
                if sourced
                else "Drawn through the places the plans name, in order (representative coordinates: ward centroids "
                "of the 2025 OSM ward layer or landmarks, see data/sources/metro_facts.json); not an alignment."
            )
        out.append(
            feature(
                geometry,
                id=f"metro-{line_id}",
                layer="metro_line",
                name=line["name_vi"],
                name_en=line["name_en"],
                line=line_id,
                length_km_published=line.get("length_km"),
                length_source=line.get("length_source", ""),
                structure=line.get("structure", ""),
                route_description=line.get("route_description", ""),
                geometry_quality=quality,
                geometry_source=source,
                **common,
            )
        )
        out.extend(station_features(line_id, line, common, osm_stations))
    return out


def station_features(line_id: str, line: dict, common: dict, osm_stations: dict) -> list[dict]:
    out = []
    opens = line.get("opens") or {}
    osm_source = (line.get("geometry_osm") or {}).get("source", "")
    named = [s for s in line["stations"] if s.get("lon") is not None]
    is_real_list = all(s.get("coord_quality") == "sourced" for s in named) and "seq" in (named[0] if named else {})
    for index, station in enumerate(named):
        if not is_real_list:
            terminal = index in (0, len(named) - 1)
            if not (terminal or "interchange" in station["name"].lower()):
                continue
        seq = station.get("seq", index + 1)
        if seq in osm_stations:
            props = osm_stations[seq]["properties"]
            geometry = shape(osm_stations[seq]["geometry"])
            quality, source = "osm", f"{props['source']}; {osm_source}"
        elif is_real_list:
            geometry = Point(station["lon"], station["lat"])
            quality, source = "sourced", station.get("coord_source", "")
            if station.get("coord_caveat"):
                source += f" — {station['coord_caveat']}"
        else:
            geometry = Point(station["lon"], station["lat"])
            quality = "schematic"
            source = (
                "Estimated position of a named terminal or interchange (representative place coordinate: "
                + (station.get("coord_source") or "see data/sources/metro_facts.json")
                + "); the station site is not fixed in the sources."
            )
        out.append(
            feature(
                geometry,
                id=f"station-{line_id}-{seq:02d}",
                layer="metro_station",
                name=station_name(station),
                name_en=station_name(station) + " station",
                line=line_id,
                seq=seq,
                structure=station.get("structure", line.get("structure", "")),
                opens=opens.get("date", ""),
                opens_kind=opens.get("kind", ""),
                opens_source=opens.get("source", ""),
                geometry_quality=quality,
                geometry_source=source,
                **common,
            )
        )
    return out


def build(*, sources: Path = SOURCES) -> tuple[dict, dict | None]:
    """Return the projects collection and the schematic Red River collection (None without place facts)."""
    metro, places = load_facts(sources)
    features = metro_features(metro, sources) + place_features(places)
    collection = {
        "type": "FeatureCollection",
        "name": "hanoi_projects",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "attribution": settings.OSM_ATTRIBUTION + " (features with geometry_quality 'osm'); other sources per feature",
        "features": features,
    }
    river = red_river(features, places["bridges"]["red_river"]) if places else None
    return collection, river


def main(argv: list[str] | None = None) -> list[Path]:
    """Write projects.geojson (and context/red_river_schematic.geojson) into --out; return the paths written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=settings.DATA_DIR, help="folder to write into (default: data/)")
    args = parser.parse_args(argv)
    collection, river = build()
    written = [args.out / PROJECTS_NAME]
    written[0].parent.mkdir(parents=True, exist_ok=True)
    written[0].write_text(json.dumps(collection, ensure_ascii=False, indent=1), encoding="utf-8")
    if river is not None:
        path = args.out / RED_RIVER_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(river, ensure_ascii=False), encoding="utf-8")
        written.append(path)
    counts: dict[str, dict[str, int]] = {}
    for f in collection["features"]:
        layer = counts.setdefault(f["properties"]["layer"], {})
        quality = f["properties"]["geometry_quality"]
        layer[quality] = layer.get(quality, 0) + 1
    for layer, by_quality in counts.items():
        print(layer, sum(by_quality.values()), by_quality)
    return written


# --- places: ring roads, bridges, zones, Hòa Lạc, others (data/sources/places_facts.json) ---------------

PLACE_NOTE = "representative place point, not the object's surveyed position"


def sources_text(places: dict, keys) -> str:
    table = places.get("sources", {})
    if isinstance(keys, str):
        keys = [keys]
    return "; ".join(table.get(key, key) for key in keys or [])


def status_of(text: str) -> str:
    text = (text or "").lower()
    if text.startswith("operating") or text.startswith("existing"):
        return "operating"
    if "under construction" in text or "groundbreaking" in text or text.startswith("partly"):
        return "under construction"
    return "planned"


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
        "features": [{"type": "Feature", "properties": props, "geometry": _round(mapping(line))}],
    }


def boundary_zone(buffer_m: float):
    boundary = gpd.read_file(settings.BOUNDARY_GEOJSON).to_crs(settings.CRS_MEASURE)
    return gpd.GeoSeries([boundary.union_all().buffer(buffer_m)], crs=settings.CRS_MEASURE).to_crs(settings.CRS_STORE).iloc[0]


def place_features(places: dict) -> list[dict]:
    if not places:
        return []
    rings = ring_features(places)
    return rings + bridge_features(places) + zone_features(places) + hoa_lac_features(places) + other_features(places, rings)


def ring_features(places: dict) -> list[dict]:
    out = []
    for key, ring in places["ring_roads"].items():
        points = [p for p in ring["waypoints"] if p.get("lon") is not None]
        coords = [(p["lon"], p["lat"]) for p in points]
        if ring.get("closed"):
            coords.append(coords[0])
        geometry = LineString(coords)
        note = ""
        if ring.get("clip_to_city_buffer_m"):
            buffer_m = ring["clip_to_city_buffer_m"]
            geometry = geometry.intersection(boundary_zone(buffer_m))
            note = (
                f" Clipped to {buffer_m / 1000:g} km around the city boundary: the ring continues through neighbouring provinces."
            )
        out.append(feature(
            geometry,
            id=f"ring-{key.lower().replace('_', '-')}",
            layer="ring_road",
            name=ring["name_vi"],
            name_en=ring["name_en"],
            status=status_of(ring["status"]),
            status_source=f"{ring['status']} — {sources_text(places, ring.get('status_sources'))}",
            status_date=str(ring.get("status_date") or ""),
            length_km_published=ring.get("length_km"),
            length_source=sources_text(places, ring.get("length_sources"))
            + (f" ({ring['length_note']})" if ring.get("length_note") else ""),
            route_description=ring.get("route_text", ""),
            geometry_quality="schematic",
            geometry_source="Drawn through the named junctions, bridges and communes of the route, in order "
            f"(straight segments; {PLACE_NOTE}s): {coords_source(points)}.{note}",
        ))  # fmt: skip
    return out


def bridge_features(places: dict) -> list[dict]:
    out = []
    drawn: dict[str, object] = {}
    for number, bridge in enumerate(places["bridges"]["items"], start=1):
        ends = [e for e in bridge.get("ends", []) if e.get("lon") is not None]
        mid = bridge.get("midpoint") or None
        beside = bridge.get("drawn_beside") or {}
        used = list(ends)
        if len(ends) >= 2:
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
        if geometry.geom_type == "LineString" and _length_m(geometry) < 300:
            # both points are on one bank (e.g. two sources for Long Biên's west end): keep one point, never a fake span
            geometry, used = Point(used[0]["lon"], used[0]["lat"]), [used[0]]
        drawn[bridge["name_vi"]] = geometry
        quality = bridge.get("geometry_quality") or quality_of(used)  # a stated quality overrides the computed one
        if geometry.geom_type == "LineString" and len(used) == 2 and used[1] is mid:
            quality = "schematic"
        name = bridge["name_vi"]
        out.append(feature(
            geometry,
            id=f"bridge-{number:02d}",
            layer="bridge",
            name=name,
            name_en=name.replace("Cầu ", "") + " Bridge",
            river=bridge.get("river", ""),
            part_of=bridge.get("part_of", ""),
            status=status_of(bridge["status"]),
            status_source=f"{bridge['status']} — {sources_text(places, bridge.get('status_sources'))}",
            status_date=str(bridge.get("status_date") or ""),
            length_m_published=bridge.get("length_m"),
            bank_wards=json.dumps(bridge.get("bank_wards_2025"), ensure_ascii=False),
            geometry_quality=quality,
            geometry_source=("Line between the two bank points (" if geometry.geom_type == "LineString" else "Point: ")
            + coords_source(used) + (")" if geometry.geom_type == "LineString" else ""),
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
            status=status_of(zone.get("status", "planned")),
            status_source=f"{zone.get('status', '')} — {sources_text(places, zone.get('status_sources'))}",
            area_ha_published=area,
            area_source=sources_text(places, zone.get("area_sources")),
            ward=";".join(wards) if isinstance(wards, list) else (wards or ""),
            ward_source=zone.get("ward_source", ""),
            geometry_quality="schematic",
            geometry_source=(f"Disc of the published area ({area} ha) around a " if area else "A ")
            + f"{PLACE_NOTE}: {coords_source([coord])}; the zone's boundary is not in the sources.",
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
            status=status_of(item.get("status", "")),
            status_source=f"{item.get('status', '')} — {sources_text(places, item.get('status_sources'))}",
            area_ha_published=area,
            area_source=sources_text(places, item.get("area_sources")),
            ward=";".join(wards) if isinstance(wards, list) else (wards or ""),
            geometry_quality="schematic",
            geometry_source=f"Disc of the published area ({area} ha) around a {PLACE_NOTE}: {coords_source([coord])}.",
        ))  # fmt: skip
    return out


def other_features(places: dict, rings: list[dict]) -> list[dict]:
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
            status=item.get("map_status") or status_of(item.get("status", "")),
            status_source=f"{item.get('status') or item.get('facts', '')} — {sources_text(places, item.get('sources'))}",
            ward=item.get("ward_2025") or "",
            geometry_quality=quality,
            geometry_source=source,
        ))  # fmt: skip
    for item in inside:  # an area inside a (schematic) ring road, e.g. the low-emission zone inside Vành đai 3
        ring_id = f"ring-{item['inside_ring'].lower().replace('_', '-')}"
        ring = shape(next(f for f in rings if f["properties"]["id"] == ring_id)["geometry"])
        out.append(feature(
            Polygon(ring.coords).buffer(0),
            id=item["id"],
            layer=item["layer"],
            name=item["name_vi"],
            name_en=item["name_en"],
            status=item["map_status"],
            status_source=item["status_source"],
            status_date=item.get("status_date", ""),
            geometry_quality="schematic",
            geometry_source=f"The area inside the schematic {item['inside_ring_label']} line (see {ring_id}); not a legal boundary.",
        ))  # fmt: skip
    return out


if __name__ == "__main__":
    main()
