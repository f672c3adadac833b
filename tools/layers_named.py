"""Named places for tools/build_layers.py: the places the tasks name that no other fact file draws.

Read from data/sources/named_places_facts.json (see data/sources/named_places_SOURCES.md):
rivers, heritage sites, facilities, lakes and parks, craft villages, urban areas,
streets, the Hà Nội - Lào Cai railway. Each feature keeps the provenance the facts
give it (``osm``, ``sourced`` or ``schematic``) and its status with source and date.

A place that something else already draws is not drawn twice: a ``same_line_as``
geometry takes the line the builder draws for that id (the Red River of
data/context/red_river_schematic.geojson), and a ``through_bridges`` geometry runs
through the middle of the named bridge features, as the Red River does. The
links of the facts are not written here: they live in data/links.csv.
"""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import LineString, Point, Polygon, shape

from tools.layers_common import DATE_FIELDS, feature

NAMED_PLACES_FILE = "named_places_facts.json"
UNDATED = "undated"  # the facts' word for a status with no date; written as "" (validate then lists it)


def load_named_places(sources: Path) -> dict:
    """Return the named-place facts, or an empty dict when the file is absent."""
    path = sources / NAMED_PLACES_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def named_place_features(facts: dict, drawn: list[dict], *, lines: dict[str, dict]) -> list[dict]:
    """Return the features of the named places, in the order of the facts.

    Parameters
    ----------
    facts : dict
        The content of data/sources/named_places_facts.json.
    drawn : list of dict
        The features built so far (the bridges a ``through_bridges`` line runs through).
    lines : dict of str to dict
        Lines the builder draws outside the projects file, by id (``red-river-schematic``:
        its GeoJSON feature), for ``same_line_as``.
    """
    ids = {f["properties"]["id"] for f in drawn}
    out = []
    for item in facts.get("features", []):
        if item["id"] in ids:
            msg = f"{NAMED_PLACES_FILE}: feature {item['id']!r} is already drawn by another fact file"
            raise ValueError(msg)
        geometry, source = _geometry(item, drawn, lines)
        out.append(feature(
            geometry,
            id=item["id"],
            layer=item["layer"],
            name=item["name"],
            name_en=item["name_en"],
            status=item["status"],
            status_source=item["status_source"],
            status_date="" if item["status_date"] == UNDATED else str(item["status_date"]),
            ward=";".join(_wards(item["geometry"])),
            works=(item.get("works") or {}).get("text", ""),
            works_status=(item.get("works") or {}).get("status", ""),
            geometry_quality=item["geometry"]["quality"],
            geometry_source=source,
            **{field: item.get(field, "") for field in DATE_FIELDS},
            note=item.get("note", ""),
        ))  # fmt: skip
    return out


def _geometry(item: dict, drawn: list[dict], lines: dict[str, dict]):
    """Return the geometry of a named place and its ``geometry_source`` text."""
    geo = item["geometry"]
    source = geo["source"]
    if geo.get("same_line_as"):
        line = lines[geo["same_line_as"]]
        return shape(line["geometry"]), f"{source} That line: {line['properties']['geometry_source']}"
    if geo.get("through_bridges"):
        bridges = {f["properties"]["name"]: f for f in drawn if f["properties"]["layer"] == "bridge"}
        coords = [tuple(c) for c in geo["via"]]
        for name in geo["through_bridges"]:
            bridge = shape(bridges[name]["geometry"])
            middle = bridge if bridge.geom_type == "Point" else bridge.interpolate(0.5, normalized=True)
            coords.append((middle.x, middle.y))
        return LineString(coords), source + _points_text(geo)
    if geo["type"] == "Point" and geo.get("coordinates"):
        return Point(geo["coordinates"]), source
    if geo.get("outline_via"):  # an area whose outline the facts give (a polygon layer)
        return Polygon(geo["outline_via"]), f"{source} Drawn as that outline." + _points_text(geo)
    if geo["type"] == "Point":
        return Point(geo["via"][0]), source + _points_text(geo)
    return LineString(geo["via"]), source + _points_text(geo)


def _points_text(geo: dict) -> str:
    """Return how each vertex was placed (the place it stands for and how its coordinate was obtained)."""
    points = geo.get("via_points") or []
    if not points:
        return ""
    return " Points: " + " | ".join(f"{p['name']}: {p['how']}" for p in points) + "."


def _wards(geo: dict) -> list[str]:
    """Return the 2025 wards or communes of a place's points, in order, without repeats."""
    own = geo.get("ward_2025")
    names = [*(own if isinstance(own, list) else [own]), *(geo.get("wards_2025") or [])]
    names += [p.get("ward_2025") for p in geo.get("via_points") or []]
    out: list[str] = []
    for name in names:
        if name and name not in out:
            out.append(name)
    return out
