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

import geopandas as gpd
from shapely.geometry import LineString, Point, Polygon, mapping, shape

from geo import settings

SOURCES = settings.DATA_DIR / "sources"
OSM_2A = (
    "OpenStreetMap route relation 9684066 (Hanoi Metro 2A), simplified 5 m, "
    "via changweilin/railway_elf vietnam.generated.js @c389aa5; see data/sources/SOURCES.md"
)
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


SEED_DOCS = {
    "000_c69fd591cf9a8d76.txt": "CTr-NQ02-2026",
    "001_81e56d6d2d7be6de.txt": "KH-DU-2026",
    "003_f210f8c8790143bc.txt": "KH-57-TU-2026",
    "004_176b6625df4db4c6.txt": "KH-183-2021",
}
_SEED_PATH = re.compile(r"/work/shared/seeds/(\w+\.txt)")
_DATA_PATH = re.compile(r"/work/shared/data/")


def _clean_text(text: str) -> str:
    """Replace local paths of the research notes by document ids and the shipped file names."""
    text = _SEED_PATH.sub(lambda m: f"source document {SEED_DOCS.get(m.group(1), m.group(1))}", text)
    return _DATA_PATH.sub("OSM extract (data/context, data/sources): ", text)


def feature(geometry, **props) -> dict:
    props = {key: _clean_text(value) if isinstance(value, str) else value for key, value in props.items()}
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
    name = name.split(" – representative")[0]
    if name.startswith("S13 "):  # "S13 Trần Hưng Đạo × Hàng Bài" -> "Trần Hưng Đạo × Hàng Bài (S13)"
        name = f"{_PAREN.sub(' ', name[4:]).strip()} (S13)"
        return name
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
            if "VietMove" in source:
                source += (
                    " — an application's station list (not OSM): medium confidence, to check against OSM on a networked machine"
                )
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
    features = metro_features() + place_features()
    collection = {
        "type": "FeatureCollection",
        "name": "hanoi_projects",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "attribution": settings.OSM_ATTRIBUTION + " (features with geometry_quality 'osm'); other sources per feature",
        "features": features,
    }
    settings.PROJECTS_GEOJSON.write_text(json.dumps(collection, ensure_ascii=False, indent=1), encoding="utf-8")
    if PLACES:
        river = red_river(features)
        settings.RED_RIVER_GEOJSON.write_text(json.dumps(river, ensure_ascii=False), encoding="utf-8")
    counts: dict[str, dict[str, int]] = {}
    for f in features:
        layer = counts.setdefault(f["properties"]["layer"], {})
        quality = f["properties"]["geometry_quality"]
        layer[quality] = layer.get(quality, 0) + 1
    for layer, by_quality in counts.items():
        print(layer, sum(by_quality.values()), by_quality)


# --- places: ring roads, bridges, zones, Hòa Lạc, others (data/sources/places_facts.json) ---------------

PLACES = (
    json.loads((SOURCES / "places_facts.json").read_text(encoding="utf-8")) if (SOURCES / "places_facts.json").exists() else {}
)
RING_TASKS = {
    "VD1": ["KH-DU-2026.052", "CTr-NQ02-2026.046"],
    "VD2": ["KH-DU-2026.052"],
    "VD2_5": ["KH-DU-2026.052"],
    "VD3": ["KH-DU-2026.052"],
    "VD3_5": ["KH-DU-2026.052"],
    "VD4": ["KH-DU-2026.052", "KH-183-2021.024"],
    "VD5": ["KH-DU-2026.053"],
}
CLOSED_RINGS = {"VD1", "VD2", "VD3", "VD4", "VD5"}
BRIDGE_TASKS = {
    "Cầu Tứ Liên": ["KH-DU-2026.051", "KH-183-2021.025"],
    "Cầu Trần Hưng Đạo": ["KH-DU-2026.051", "KH-183-2021.026"],
    "Cầu Thượng Cát": ["KH-DU-2026.051", "KH-183-2021.027"],
    "Cầu Mễ Sở": ["KH-DU-2026.051", "KH-183-2021.024"],
    "Cầu Hồng Hà": ["KH-DU-2026.051", "KH-183-2021.024"],
    "Cầu Vân Phúc": ["KH-DU-2026.051"],
    "Cầu Ngọc Hồi": ["KH-DU-2026.051"],
    "Cầu Đuống mới (đường sắt + đường bộ)": ["KH-DU-2026.051"],
    "Cầu vượt sông Đuống thuộc dự án cầu Tứ Liên": ["KH-DU-2026.051", "KH-183-2021.025"],
    "Cầu Giang Biên": ["KH-DU-2026.051"],
    "Cầu Thăng Long mới": ["KH-DU-2026.051"],
    "Cầu Phú Xuyên": ["KH-DU-2026.051"],
}
ZONE_TASKS = {
    "Quang Minh II": ["KH-DU-2026.015", "KH-DU-2026.028"],
    "Sóc Sơn": ["KH-DU-2026.016", "KH-DU-2026.028"],
    "Đông Anh": ["KH-DU-2026.016", "KH-DU-2026.028"],
    "Phù Đổng": ["KH-DU-2026.016", "KH-DU-2026.028"],
    "Phụng Hiệp": ["KH-DU-2026.016", "KH-DU-2026.028"],
    "sinh học": ["KH-DU-2026.016", "KH-DU-2026.035", "KH-DU-2026.028"],
    "công nghệ thông tin": ["KH-DU-2026.014"],
    "phần mềm": ["KH-DU-2026.014"],
    "công nghệ số": ["KH-DU-2026.020"],
}
HOA_LAC_TASKS = {
    "hi_tech_park": ["KH-DU-2026.017", "KH-DU-2026.018", "KH-DU-2026.029", "CTr-NQ02-2026.012", "CTr-NQ02-2026.042",
                     "CTr-NQ02-2026.049"],
    "vnu_hoa_lac": ["KH-DU-2026.017", "KH-DU-2026.072", "CTr-NQ02-2026.034"],
    "satellite_town": ["KH-DU-2026.017", "KH-DU-2026.060", "CTr-NQ02-2026.012"],
}  # fmt: skip
OTHER = {
    "Sân bay quốc tế Nội Bài": ("airport", "airport-noi-bai", "Noi Bai International Airport", ["CTr-NQ02-2026.048", "CTr-NQ02-2026.011"]),
    "Sân bay Gia Lâm": ("airport", "airport-gia-lam", "Gia Lâm Airport", ["CTr-NQ02-2026.005"]),
    "Quốc lộ 21 đoạn Sơn Tây – Hòa Lạc – Xuân Mai (cải tạo, nâng cấp)": ("road", "road-ql21", "National Highway 21, Sơn Tây – Hòa Lạc – Xuân Mai", ["KH-DU-2026.060"]),
    "Tuyến đường Mỹ Đình – Ba Sao – Bái Đính": ("road", "road-my-dinh-bai-dinh", "Mỹ Đình – Ba Sao – Bái Đính road", ["KH-DU-2026.059"]),
    "Sông Tô Lịch": ("river", "river-to-lich", "Tô Lịch River", ["KH-183-2021.033", "CTr-NQ02-2026.003"]),
    "Khu di sản Hoàng thành Thăng Long": ("facility", "heritage-hoang-thanh", "Imperial Citadel of Thăng Long", ["KH-183-2021.041", "CTr-NQ02-2026.025"]),
    "Khu di tích Cổ Loa": ("facility", "heritage-co-loa", "Cổ Loa Citadel", ["KH-183-2021.042"]),
    "Trung tâm Hội chợ triển lãm Quốc gia (Đông Anh)": ("facility", "facility-exhibition-centre", "National Exhibition Centre (Đông Anh)", ["KH-183-2021.039"]),
    "Bệnh viện Nhi Hà Nội (giai đoạn II)": ("facility", "facility-hanoi-childrens-hospital", "Hanoi Children's Hospital (phase II)", ["KH-183-2021.037", "KH-DU-2026.077"]),
}  # fmt: skip
PLACE_NOTE = "representative place point, not the object's surveyed position"


def sources_text(keys) -> str:
    table = PLACES.get("sources", {})
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


RIVER_ORDER = [  # Red River bridges from upstream (north-west) to downstream (south-east)
    "Cầu Hồng Hà", "Cầu Thượng Cát", "Cầu Thăng Long", "Cầu Nhật Tân", "Cầu Tứ Liên", "Cầu Chương Dương",
    "Cầu Vĩnh Tuy (giai đoạn 1)", "Cầu Thanh Trì", "Cầu Mễ Sở",
]  # fmt: skip


def red_river(features: list[dict]) -> dict:
    """Return a schematic Red River centre line through the mid-river points of its bridges, in order."""
    by_name = {f["properties"]["name"]: f for f in features if f["properties"]["layer"] == "bridge"}
    points, used = [], []
    for name in RIVER_ORDER:
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
        "id": "red-river-schematic",
        "name": "Sông Hồng (sơ đồ)",
        "name_en": "Red River (schematic centre line)",
        "geometry_quality": "schematic",
        "geometry_source": "Straight segments through the middle of these bridges, upstream to downstream: "
        + ", ".join(used)
        + ". No river polygon or centre line is available offline (see ../shared/data/SOURCES.md); "
        "refresh from OpenStreetMap (natural=water, water=river) on a networked machine.",
    }
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": props, "geometry": _round(mapping(line))}],
    }


def boundary_zone(buffer_m: float):
    boundary = gpd.read_file(settings.BOUNDARY_GEOJSON).to_crs(settings.CRS_MEASURE)
    return gpd.GeoSeries([boundary.union_all().buffer(buffer_m)], crs=settings.CRS_MEASURE).to_crs(settings.CRS_STORE).iloc[0]


def place_features() -> list[dict]:
    if not PLACES:
        return []
    return ring_features() + bridge_features() + zone_features() + hoa_lac_features() + other_features()


def ring_features() -> list[dict]:
    out = []
    zone = boundary_zone(20_000)
    for key, ring in PLACES["ring_roads"].items():
        points = [p for p in ring["waypoints"] if p.get("lon") is not None]
        coords = [(p["lon"], p["lat"]) for p in points]
        if key in CLOSED_RINGS:
            coords.append(coords[0])
        geometry = LineString(coords)
        note = ""
        if key in ("VD4", "VD5"):
            geometry = geometry.intersection(zone)
            note = " Clipped to 20 km around the city boundary: the ring continues through neighbouring provinces."
        out.append(feature(
            geometry,
            id=f"ring-{key.lower().replace('_', '-')}",
            layer="ring_road",
            name=ring["name_vi"],
            name_en=ring["name_en"],
            status=status_of(ring["status"]),
            status_source=f"{ring['status']} — {sources_text(ring.get('status_sources'))}",
            status_date=str(ring.get("status_date") or ""),
            length_km_published=ring.get("length_km"),
            length_source=sources_text(ring.get("length_sources")) + (f" ({ring['length_note']})" if ring.get("length_note") else ""),
            route_description=ring.get("route_text", ""),
            task_ids=RING_TASKS.get(key, []),
            geometry_quality="schematic",
            geometry_source="Drawn through the named junctions, bridges and communes of the route, in order "
            f"(straight segments; {PLACE_NOTE}s): {coords_source(points)}.{note}",
        ))  # fmt: skip
    return out


BESIDE = {  # planned bridges the sources place beside an existing one, with no coordinate of their own
    "Cầu Đuống mới (đường sắt + đường bộ)": "Cầu Đuống (cũ, đường sắt + đường bộ)",
    "Cầu Thăng Long mới": "Cầu Thăng Long",
}
BESIDE_OFFSET_M = 150.0


def bridge_features() -> list[dict]:
    out = []
    drawn: dict[str, object] = {}
    for number, bridge in enumerate(PLACES["bridges"]["items"], start=1):
        ends = [e for e in bridge.get("ends", []) if e.get("lon") is not None]
        mid = bridge.get("midpoint") or None
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
        elif bridge["name_vi"] in BESIDE and BESIDE[bridge["name_vi"]] in drawn:
            neighbour = BESIDE[bridge["name_vi"]]
            line = gpd.GeoSeries([drawn[neighbour]], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).iloc[0]
            geometry = (
                gpd.GeoSeries([line.offset_curve(BESIDE_OFFSET_M)], crs=settings.CRS_MEASURE).to_crs(settings.CRS_STORE).iloc[0]
            )
            used = [{"name": bridge["name_vi"], "coord_quality": "schematic",
                     "coord_source": f"drawn {BESIDE_OFFSET_M:.0f} m beside {neighbour} (same crossing per the sources; "
                     "its own alignment is not published)"}]  # fmt: skip
        else:
            continue  # no coordinate at all: listed by validate as a task without feature, never invented
        if geometry.geom_type == "LineString" and _length_m(geometry) < 300:
            # both points are on one bank (e.g. two sources for Long Biên's west end): keep one point, never a fake span
            geometry, used = Point(used[0]["lon"], used[0]["lat"]), [used[0]]
        drawn[bridge["name_vi"]] = geometry
        quality = quality_of(used)
        if bridge["name_vi"] == "Cầu Vĩnh Tuy 2 (giai đoạn 2)":  # the cited point is the first span's; the second runs beside it
            quality = "schematic"
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
            status_source=f"{bridge['status']} — {sources_text(bridge.get('status_sources'))}",
            status_date=str(bridge.get("status_date") or ""),
            length_m_published=bridge.get("length_m"),
            bank_wards=json.dumps(bridge.get("bank_wards_2025"), ensure_ascii=False),
            task_ids=BRIDGE_TASKS.get(name, []),
            geometry_quality=quality,
            geometry_source=("Line between the two bank points (" if geometry.geom_type == "LineString" else "Point: ")
            + coords_source(used) + (")" if geometry.geom_type == "LineString" else ""),
        ))  # fmt: skip
    return out


def zone_features() -> list[dict]:
    out = []
    for number, zone in enumerate(PLACES["zones"]["items"], start=1):
        coord = zone.get("coord")
        if not coord:
            continue
        point = Point(coord["lon"], coord["lat"])
        area = zone.get("area_ha")
        geometry = disc(point, area) if area else point
        tasks = next((ids for key, ids in ZONE_TASKS.items() if key.lower() in zone["name_vi"].lower()), [])
        wards = zone.get("ward_2025") or coord.get("ward_2025")
        if "Nội Bài" in zone["name_vi"]:
            # named after Nội Bài and its place point lies in Xã Nội Bài; the old commune (Quang Tiến) converts to
            # Xã Sóc Sơn in the helper's conversion: uncertain, both kept
            wards = ["Xã Nội Bài", "Xã Sóc Sơn"]
        out.append(feature(
            geometry,
            id=f"zone-{number:02d}",
            layer="industrial_zone",
            name=zone["name_vi"],
            name_en=zone.get("name_en") or zone["name_vi"],
            status=status_of(zone.get("status", "planned")),
            status_source=f"{zone.get('status', '')} — {sources_text(zone.get('status_sources'))}",
            area_ha_published=area,
            area_source=sources_text(zone.get("area_sources")),
            ward=";".join(wards) if isinstance(wards, list) else (wards or ""),
            ward_source=zone.get("ward_source", ""),
            task_ids=tasks,
            geometry_quality="schematic",
            geometry_source=(f"Disc of the published area ({area} ha) around a " if area else "A ")
            + f"{PLACE_NOTE}: {coords_source([coord])}; the zone's boundary is not in the sources.",
        ))  # fmt: skip
    return out


def hoa_lac_features() -> list[dict]:
    out = []
    names_en = {
        "hi_tech_park": "Hòa Lạc Hi-Tech Park",
        "vnu_hoa_lac": "VNU Hòa Lạc university urban area",
        "satellite_town": "Hòa Lạc satellite town",
    }
    for key, item in PLACES["hoa_lac"].items():
        coord = item.get("coord")
        if key not in names_en or not coord:
            continue
        point = Point(coord["lon"], coord["lat"])
        area = item.get("area_ha")
        wards = item.get("ward_2025") or coord.get("ward_2025")
        out.append(feature(
            disc(point, area) if area else point,
            id=f"hoa-lac-{key.replace('_', '-')}",
            layer="hoa_lac",
            name=item["name_vi"],
            name_en=names_en[key],
            status=status_of(item.get("status", "")),
            status_source=f"{item.get('status', '')} — {sources_text(item.get('status_sources'))}",
            area_ha_published=area,
            area_source=sources_text(item.get("area_sources")),
            ward=";".join(wards) if isinstance(wards, list) else (wards or ""),
            task_ids=HOA_LAC_TASKS[key],
            geometry_quality="schematic",
            geometry_source=f"Disc of the published area ({area} ha) around a {PLACE_NOTE}: {coords_source([coord])}.",
        ))  # fmt: skip
    return out


def other_features() -> list[dict]:
    out = []
    for item in PLACES["other"]:
        if item["name_vi"] not in OTHER:
            continue
        layer, feature_id, name_en, tasks = OTHER[item["name_vi"]]
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
            id=feature_id,
            layer=layer,
            name=item["name_vi"],
            name_en=name_en,
            status=status_of(item.get("status", "operating" if layer in ("airport", "facility", "river") else "")),
            status_source=f"{item.get('status') or item.get('facts', '')} — {sources_text(item.get('sources'))}",
            ward=item.get("ward_2025") or "",
            task_ids=tasks,
            geometry_quality=quality,
            geometry_source=source,
        ))  # fmt: skip
    vd3 = next(f for f in ring_features() if f["properties"]["id"] == "ring-vd3")
    ring = shape(vd3["geometry"])
    out.append(feature(
        Polygon(ring.coords).buffer(0),
        id="zone-low-emission-vd3",
        layer="zone",
        name="Vùng hạn chế phương tiện phát thải ô nhiễm trong Vành đai 3",
        name_en="Low-emission zone inside Ring Road 3",
        status="planned",
        status_source="KH-DU-2026 TT 68 (Phụ lục 03): không lưu hành phương tiện có phát thải ô nhiễm không khí trong vành đai 3",
        status_date="2026-03",
        task_ids=["KH-DU-2026.071"],
        geometry_quality="schematic",
        geometry_source="The area inside the schematic Ring Road 3 line (see ring-vd3); not a legal boundary.",
    ))  # fmt: skip
    return out


if __name__ == "__main__":
    main()
