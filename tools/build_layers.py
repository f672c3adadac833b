"""Build data/projects.geojson and the schematic Red River from the cited facts in data/sources (maintainers only).

Real data first: OpenStreetMap geometry is ``osm``; points from cited coordinates
are ``sourced``; lines drawn through named places of the plans are
``schematic`` (dashed in the app, never passed off as survey).

Every fact (names, statuses, dates, coordinates, notes, per-feature corrections)
is read from data/sources/metro_facts.json, data/sources/places_facts.json and
data/sources/named_places_facts.json (the places the tasks name that the other two
do not draw: rivers, heritage, lakes, craft villages, streets, the railway...),
and OSM geometry from the OSM files beside them (the facts name the ways);
this file only turns them into geometry. A place is drawn once: the Red River
feature takes the same line as the context layer. Links between features and
tasks are not made here: they live in data/links.csv.

A ring road, a metro line or a bridge may be drawn in sections of different
provenance: an ``osm_sections`` entry becomes its own feature (``part_of`` the
object's id) and is cut out of the schematic remainder, which keeps the
object's id so that links stay valid.

Dates for time playback (``construction_start``, ``opens`` with ``opens_kind``
``actual`` or ``target``) carry a precision and a source; a date of day, month or
year precision is written as the first day of its period for construction starts
and actual openings, and as the last day of its period for target openings
("by 2029" is 2029-12-31), as the deadlines of the register are.

Usage: python tools/build_layers.py [--out DIR]   (DIR defaults to data/)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shapely.geometry import LineString, MultiLineString, Point

from geo import settings
from tools.layers_common import chain, date_props, feature, osm_ways, read_geojson, way_list
from tools.layers_named import load_named_places, named_place_features
from tools.layers_places import place_features, red_river

SOURCES = settings.DATA_DIR / "sources"
PROJECTS_NAME = "projects.geojson"
RED_RIVER_NAME = Path("context") / "red_river_schematic.geojson"
OSM_STATIONS_FILE = "hanoi_metro_stations_osm.geojson"
_PAREN = re.compile(r"\s*\(.*?\)\s*")


def load_facts(sources: Path = SOURCES) -> tuple[dict, dict]:
    """Return the metro facts and the place facts (ring roads, bridges, zones, Hòa Lạc, others)."""
    metro = json.loads((sources / "metro_facts.json").read_text(encoding="utf-8"))
    places = json.loads((sources / "places_facts.json").read_text(encoding="utf-8"))
    return metro, places


def station_name(station: dict) -> str:
    """Return the station's display name: its ``display_name`` fact, else its name without notes in brackets."""
    if station.get("display_name"):
        return station["display_name"]
    return _PAREN.sub(" ", station["name"].split(" – representative")[0]).strip()


# --- metro lines and stations (data/sources/metro_facts.json) --------------------------------------------


def metro_features(facts: dict, sources: Path = SOURCES) -> list[dict]:
    stations_path = sources / OSM_STATIONS_FILE
    osm_stations = {}
    if stations_path.exists():
        osm_stations = {(f["properties"]["line"], f["properties"]["seq"]): f for f in read_geojson(stations_path)["features"]}
    out: list[dict] = []
    for key, line in facts.items():
        for station in line["stations"]:
            ref = station.get("osm_station")
            if ref:
                lon, lat = osm_stations[(ref["line"], ref["seq"])]["geometry"]["coordinates"]
                station["lon"], station["lat"] = lon, lat
        feature_id = line.get("feature_id") or f"metro-{key}"
        line_id = line.get("line", key)
        common = {
            "status": line["status"],
            "status_source": line["status_source"],
            "status_date": line.get("status_date", ""),
        }
        dates = date_props(line)
        osm = line.get("geometry_osm")
        if osm:
            ways = osm_ways(sources, osm["lines_file"])
            geometry = chain(ways, osm["ways"], reverse=osm.get("reverse", False))
            quality = "osm"
            source = f"OpenStreetMap ways {way_list(osm['ways'])}: {osm['track']}. {osm['source']}"
        else:
            quality = "schematic"
            by_name = {s["name"]: s for s in line["stations"]}
            if line.get("parts"):
                geometry = MultiLineString([[(by_name[n]["lon"], by_name[n]["lat"]) for n in part] for part in line["parts"]])
            else:
                points = [s for s in line["stations"] if s.get("lon") is not None and s.get("use_for_schematic", True)]
                geometry = LineString([(s["lon"], s["lat"]) for s in points])
            source = (
                "Drawn through the places the plans name, in order (representative coordinates: ward centroids "
                "of the 2025 OSM ward layer, OSM street points or landmarks, see data/sources/metro_facts.json); "
                "not an alignment."
            )
        props = {
            "id": feature_id,
            "layer": "metro_line",
            "name": line["name_vi"],
            "name_en": line["name_en"],
            "line": line_id,
            "section": line.get("section", ""),
            "part_of": line.get("part_of", ""),
            "length_km_published": line.get("length_km"),
            "length_source": line.get("length_source", ""),
            "structure": line.get("structure", ""),
            "route_description": line.get("route_description", ""),
            "geometry_quality": quality,
            "geometry_source": source,
            **common,
            **dates,
            "note": line.get("note", ""),
        }
        out.append(feature(geometry, **props))
        if osm:
            out.extend(osm_station_features(key, line, line_id, {**common, **dates}, osm, osm_stations))
        else:
            out.extend(schematic_station_features(key, line, line_id, {**common, **dates}))
    return out


def _station_props(station: dict, line: dict, line_id: str, *, feature_id: str, seq: int) -> dict:
    name = station_name(station)
    return {
        "id": feature_id,
        "layer": "metro_station",
        "name": name,
        "name_en": name + " station",
        "line": line_id,
        "section": line.get("section", ""),
        "seq": seq,
        "code": station.get("code", ""),
        "structure": station.get("structure", line.get("structure", "")),
    }


def osm_station_features(key: str, line: dict, line_id: str, common: dict, osm: dict, osm_stations: dict) -> list[dict]:
    """Return the stations of a line drawn from OSM, each with its own position trust and source."""
    out = []
    for station in line["stations"]:
        seq = station["seq"]
        found = osm_stations[(osm["stations_line"], seq)]
        props = found["properties"]
        trust = props["trust"].split(" (")[0]
        distance = props.get("dist_to_track_m")
        on_track = f"{distance} m from its OSM track" if distance is not None else ""
        if props.get("osm_id") and props.get("station") == "subway":
            quality = "osm"
            source = (f"OpenStreetMap {props['osm_id']} (railway=station, station=subway, name '{props['name']}'), "
                      f"{on_track}; {osm['source']}")  # fmt: skip
        elif props.get("osm_id"):
            quality = "sourced"
            source = (f"Proxy position: {props['position_source']}; {on_track}. Trust {props['trust']}. "
                      f"{osm['source']}")  # fmt: skip
        else:
            quality = "sourced"
            source = (f"Hand-entered coordinate, not OpenStreetMap: {props['position_source']} ({props['source']}); "
                      f"{on_track}, so only its position along the track is uncertain (about ±100 m). "
                      f"Trust {props['trust']}.")  # fmt: skip
        out.append(
            feature(
                Point(found["geometry"]["coordinates"]),
                **_station_props(station, line, line_id, feature_id=station.get("id") or f"station-{key}-{seq:02d}", seq=seq),
                position_trust=trust,
                geometry_quality=quality,
                geometry_source=source,
                **common,
                note=station.get("note", ""),
            )
        )
    return out


def schematic_station_features(key: str, line: dict, line_id: str, common: dict) -> list[dict]:
    """Return the named terminals, interchanges and placed stations of a schematic line (estimated positions)."""
    out = []
    named = [s for s in line["stations"] if s.get("lon") is not None]
    for index, station in enumerate(named):
        emit = station.get("emit")
        if emit is None:
            emit = index in (0, len(named) - 1) or "interchange" in station["name"].lower()
        if not emit:
            continue
        code_digits = re.sub(r"\D", "", station.get("code", ""))
        seq = station.get("seq") or (int(code_digits) if code_digits else index + 1)
        source = (
            "Estimated position of a named station, terminal or interchange (representative place coordinate: "
            + (station.get("coord_source") or "see data/sources/metro_facts.json")
            + "); the station site is not fixed in the sources."
        )
        out.append(
            feature(
                Point(station["lon"], station["lat"]),
                **_station_props(
                    station, line, line_id, feature_id=station.get("id") or f"station-{key}-{index + 1:02d}", seq=seq
                ),
                position_trust="low",
                geometry_quality="schematic",
                geometry_source=source,
                **common,
                note=station.get("note", ""),
            )
        )
    return out


def build(*, sources: Path = SOURCES) -> tuple[dict, dict | None]:
    """Return the projects collection and the schematic Red River collection (None without place facts)."""
    metro, places = load_facts(sources)
    features = metro_features(metro, sources) + place_features(places, sources)
    river = red_river(features, places["bridges"]["red_river"]) if places else None
    lines = {f["properties"]["id"]: f for f in river["features"]} if river else {}
    features += named_place_features(load_named_places(sources), features, lines=lines)
    collection = {
        "type": "FeatureCollection",
        "name": "hanoi_projects",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "attribution": settings.OSM_ATTRIBUTION + " (features with geometry_quality 'osm'); other sources per feature",
        "features": features,
    }
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


if __name__ == "__main__":
    main()
