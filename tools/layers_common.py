"""Helpers shared by the layer builders: feature dicts, rounding, dates, OSM ways joined into lines."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from shapely.geometry import LineString, MultiLineString, mapping

DATE_FIELDS = (
    "construction_start", "construction_start_precision", "construction_start_source",
    "opens", "opens_kind", "opens_precision", "opens_source",
)  # fmt: skip


def feature(geometry, **props) -> dict:
    props.setdefault("status_date", "")
    for field in DATE_FIELDS:
        props.setdefault(field, "")
    props.setdefault("note", "")
    return {"type": "Feature", "properties": props, "geometry": round_geometry(mapping(geometry))}


def round_geometry(geo: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), 6) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geo["type"], "coordinates": walk(geo["coordinates"])}


def date_props(fact: dict, expand=lambda text: text) -> dict:
    """Return the flat date properties of a fact's ``construction_start`` and ``opens`` (empty strings where unknown)."""
    out = dict.fromkeys(DATE_FIELDS, "")
    start = fact.get("construction_start") or {}
    if start.get("date"):
        out.update(
            construction_start=start["date"],
            construction_start_precision=start.get("precision", "day"),
            construction_start_source=expand(start.get("source", "")),
        )
    opens = fact.get("opens") or {}
    if opens.get("date"):
        out.update(
            opens=opens["date"], opens_kind=opens.get("kind", ""), opens_precision=opens.get("precision", "day"),
            opens_source=expand(opens.get("source", "")),
        )  # fmt: skip
    return out


@cache
def read_geojson(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def osm_ways(sources: Path, file: str) -> dict[str, dict]:
    """Return the features of an OSM file keyed by their ``osm_id`` (e.g. ``way/207318370``)."""
    return {f["properties"]["osm_id"]: f for f in read_geojson(sources / file)["features"] if f["properties"].get("osm_id")}


def chain(ways: dict[str, dict], ids: list[str], *, reverse: bool = False):
    """Join the ways `ids`, in the order given, into one line (a MultiLineString where they do not touch).

    Ways are joined end to start exactly as digitised, so the direction of the
    chosen track is kept; `reverse` turns the result around.
    """
    parts: list[list[tuple[float, float]]] = []
    for way_id in ids:
        coords = [tuple(c) for c in ways[way_id]["geometry"]["coordinates"]]
        if parts and parts[-1][-1] == coords[0]:
            parts[-1].extend(coords[1:])
        else:
            parts.append(coords)
    if reverse:
        parts = [list(reversed(part)) for part in reversed(parts)]
    return LineString(parts[0]) if len(parts) == 1 else MultiLineString(parts)


def way_list(ids: list[str]) -> str:
    return ", ".join(ids)
