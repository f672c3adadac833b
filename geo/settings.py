"""Typed constants of the project: paths, CRS codes, radii and limits."""

from __future__ import annotations

from pathlib import Path
from typing import Final

ROOT: Final[Path] = Path(__file__).resolve().parent.parent
DATA_DIR: Final[Path] = ROOT / "data"

TASKS_CSV: Final[Path] = DATA_DIR / "tasks.csv"
AGENCIES_CSV: Final[Path] = DATA_DIR / "agencies.csv"
DOCUMENTS_CSV: Final[Path] = DATA_DIR / "documents.csv"
PROJECTS_GEOJSON: Final[Path] = DATA_DIR / "projects.geojson"
BOUNDARY_GEOJSON: Final[Path] = DATA_DIR / "context" / "hanoi_boundary_osm.geojson"
WARDS_GEOJSON: Final[Path] = DATA_DIR / "context" / "hanoi_wards_2025_osm.geojson"
RED_RIVER_GEOJSON: Final[Path] = DATA_DIR / "context" / "red_river_schematic.geojson"
STREETS_OSM: Final[Path] = DATA_DIR / "context" / "hanoi_central_streets_osm_2023-12.osm.bz2"

CRS_STORE: Final[str] = "EPSG:4326"
CRS_MEASURE: Final[str] = "EPSG:32648"  # WGS 84 / UTM zone 48N: every metre and km² is measured here

OSM_ATTRIBUTION: Final[str] = "© OpenStreetMap contributors"
OSM_LICENCE: Final[str] = "ODbL 1.0 (https://www.openstreetmap.org/copyright)"

TOD_RADII_M: Final[tuple[int, ...]] = (400, 500, 800, 1000)
TOD_RADIUS_MIN_M: Final[int] = 200
TOD_RADIUS_MAX_M: Final[int] = 2000
BOUNDARY_TOLERANCE_M: Final[float] = 25_000.0

GEOMETRY_QUALITIES: Final[tuple[str, ...]] = ("osm", "sourced", "schematic")
STATUSES: Final[tuple[str, ...]] = ("operating", "under construction", "planned")

DUE_KINDS: Final[tuple[str, ...]] = ("by_date", "period", "recurring", "done", "none", "unparsed")
LIST_SEPARATOR: Final[str] = ";"
