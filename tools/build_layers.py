"""Build data/projects.geojson from the cited facts in data/sources (maintainers only).

Real data first: OpenStreetMap geometry is ``osm``; points from cited coordinates
are ``sourced``; lines drawn through named places of the plans are
``schematic`` (dashed in the app, never passed off as survey).

Usage: python tools/build_layers.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shapely.geometry import LineString, Point, mapping, shape

from geo import settings

SOURCES = settings.DATA_DIR / "sources"
OSM_2A = "OpenStreetMap route relation 9684066 (Hanoi Metro 2A), simplified 5 m, via changweilin/railway_elf vietnam.generated.js @c389aa5; see data/sources/SOURCES.md"
METRO_TASKS = ["KH-DU-2026.055", "CTr-NQ02-2026.004", "CTr-NQ02-2026.056"]
LINE_TASKS = {
    "1": ["KH-DU-2026.056", "KH-DU-2026.061"],
    "2": [],
    "2A": [],
    "2A-ext": ["KH-DU-2026.061"],
    "3-elevated": ["KH-183-2021.028"],
    "3-underground": ["KH-DU-2026.054", "KH-183-2021.028"],
    "3-ext": [],
    "4": ["KH-DU-2026.061"],
    "5": [],
    "6": ["KH-DU-2026.061"],
    "7": ["KH-DU-2026.061"],
    "8": ["KH-DU-2026.061"],
}
# Opening dates: actual where the line operates, the register's deadline where a task sets one.
OPENS = {
    "2A": ("2021-11-06", "actual", "en.wikipedia.org/wiki/Line_2A,_Hanoi_Metro"),
    "3-elevated": ("2024-08-08", "actual", "vi.wikipedia.org Ga Phú Diễn; en.wikipedia.org/wiki/Hanoi_Metro"),
    "3-underground": ("2027-12-31", "target", "KH-DU-2026 TT 51: hoàn thành, khai thác đoạn ngầm, Quý IV/2027"),
}
_PAREN = re.compile(r"\s*\(.*?\)\s*")


def feature(geometry, **props) -> dict:
    props.setdefault("status_date", "")
    props.setdefault("task_ids", [])
    props["task_ids"] = sorted(set(props["task_ids"]))
    return {"type": "Feature", "properties": props, "geometry": _round(mapping(geometry))}


def _round(geo: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), 6) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geo["type"], "coordinates": walk(geo["coordinates"])}


def clean_name(name: str) -> str:
    return _PAREN.sub(" ", name).strip()


def metro_features() -> list[dict]:
    facts = json.loads((SOURCES / "metro_facts.json").read_text(encoding="utf-8"))
    out: list[dict] = []
    osm_line = shape(json.loads((SOURCES / "hanoi_metro_2a_line_osm.geojson").read_text())["features"][0]["geometry"])
    osm_stations = {
        f["properties"]["seq"]: f for f in json.loads((SOURCES / "hanoi_metro_2a_stations_osm.geojson").read_text())["features"]
    }
    for line_id, line in facts.items():
        tasks = METRO_TASKS + LINE_TASKS[line_id]
        common = {
            "status": line["status"],
            "status_source": line["status_source"],
            "status_date": line.get("status_date", ""),
        }
        points = [s for s in line["stations"] if s.get("lon") is not None and s.get("use_for_schematic", True)]
        if line_id == "3-underground":  # the underground section starts where the elevated one ends
            points = [facts["3-elevated"]["stations"][-1], *points]
        if line_id == "2A":
            geometry, quality, source = osm_line, "osm", OSM_2A
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
                task_ids=tasks,
                geometry_quality=quality,
                geometry_source=source,
                **common,
            )
        )
        out.extend(station_features(line_id, line, tasks, common, osm_stations))
    return out


def station_features(line_id: str, line: dict, tasks: list[str], common: dict, osm_stations: dict) -> list[dict]:
    out = []
    opens, opens_kind, opens_source = OPENS.get(line_id, ("", "", ""))
    named = [s for s in line["stations"] if s.get("lon") is not None]
    is_real_list = all(s.get("coord_quality") == "sourced" for s in named) and "seq" in (named[0] if named else {})
    for index, station in enumerate(named):
        if not is_real_list:
            terminal = index in (0, len(named) - 1)
            if not (terminal or "interchange" in station["name"].lower()):
                continue
        seq = station.get("seq", index + 1)
        if line_id == "2A" and seq in osm_stations:
            props = osm_stations[seq]["properties"]
            geometry = shape(osm_stations[seq]["geometry"])
            quality, source = "osm", f"{props['source']}; {OSM_2A}"
        elif is_real_list:
            geometry = Point(station["lon"], station["lat"])
            quality, source = "sourced", station.get("coord_source", "")
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
                name=clean_name(station["name"]),
                name_en=clean_name(station["name"]) + " station",
                line=line_id,
                seq=seq,
                structure=station.get("structure", line.get("structure", "")),
                opens=opens,
                opens_kind=opens_kind,
                opens_source=opens_source,
                task_ids=tasks,
                geometry_quality=quality,
                geometry_source=source,
                **common,
            )
        )
    return out


def main() -> None:
    features = metro_features()
    collection = {
        "type": "FeatureCollection",
        "name": "hanoi_projects",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "attribution": settings.OSM_ATTRIBUTION + " (features with geometry_quality 'osm'); other sources per feature",
        "features": features,
    }
    settings.PROJECTS_GEOJSON.write_text(json.dumps(collection, ensure_ascii=False, indent=1), encoding="utf-8")
    counts: dict[str, dict[str, int]] = {}
    for f in features:
        layer = counts.setdefault(f["properties"]["layer"], {})
        quality = f["properties"]["geometry_quality"]
        layer[quality] = layer.get(quality, 0) + 1
    for layer, by_quality in counts.items():
        print(layer, sum(by_quality.values()), by_quality)


if __name__ == "__main__":
    main()
