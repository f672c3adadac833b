"""Typed constants of the project: paths, CRS codes, radii and limits."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

ROOT: Final[Path] = Path(__file__).resolve().parent.parent
REPO_DATA_DIR: Final[Path] = ROOT / "data"
# HANOI_DATA_DIR points the app at another copy of the data of record (tests use it for hostile data).
DATA_DIR: Final[Path] = Path(os.environ.get("HANOI_DATA_DIR") or REPO_DATA_DIR)

TASKS_CSV: Final[Path] = DATA_DIR / "tasks.csv"
AGENCIES_CSV: Final[Path] = DATA_DIR / "agencies.csv"
DOCUMENTS_CSV: Final[Path] = DATA_DIR / "documents.csv"
PROJECTS_GEOJSON: Final[Path] = DATA_DIR / "projects.geojson"
LINKS_CSV: Final[Path] = DATA_DIR / "links.csv"
LAYERS_JSON: Final[Path] = DATA_DIR / "layers.json"
BOUNDARY_GEOJSON: Final[Path] = DATA_DIR / "context" / "hanoi_boundary_osm.geojson"
WARDS_GEOJSON: Final[Path] = DATA_DIR / "context" / "hanoi_wards_2025_osm.geojson"
RED_RIVER_GEOJSON: Final[Path] = DATA_DIR / "context" / "red_river_schematic.geojson"
STREETS_OSM: Final[Path] = DATA_DIR / "context" / "hanoi_core_streets_osm_2025-10.osm.bz2"  # Ba Đình, Cầu Giấy, Hoàn Kiếm, Tây Hồ + centre, OSM 2025-10

CRS_STORE: Final[str] = "EPSG:4326"
CRS_MEASURE: Final[str] = "EPSG:32648"  # WGS 84 / UTM zone 48N: every metre and km² is measured here

OSM_ATTRIBUTION: Final[str] = "© OpenStreetMap contributors"
OSM_LICENCE: Final[str] = "ODbL 1.0 (https://www.openstreetmap.org/copyright)"

TOD_RADII_M: Final[tuple[int, ...]] = (400, 500, 800, 1000)
TOD_RADIUS_MIN_M: Final[int] = 200
TOD_RADIUS_MAX_M: Final[int] = 2000
BOUNDARY_TOLERANCE_M: Final[float] = 25_000.0

GEOMETRY_QUALITIES: Final[tuple[str, ...]] = ("osm", "sourced", "schematic", "surveyed", "edited")  # the last two: planners' edits in the store
STATUSES: Final[tuple[str, ...]] = (
    "operating", "under construction", "planned",  # the three statuses of built works come first
    "partly operating", "stalled", "existing", "being restored", "designated",  # each layer allows a subset (data/layers.json)
)

DUE_KINDS: Final[tuple[str, ...]] = ("by_date", "period", "recurring", "done", "none", "unparsed")

EXPORT_FORMATS: Final[tuple[str, ...]] = ("gpkg", "geojson", "kml", "shp", "csv", "xlsx", "png", "html")

# Limits on what planners upload, checked before parsing (README, "Limits and safety").
MAX_UPLOAD_BYTES: Final[int] = 10 * 1024 * 1024  # one uploaded file: 10 MiB
MAX_DECOMPRESSED_BYTES: Final[int] = 50 * 1024 * 1024  # inside an XLSX, zip, KMZ or .bz2: 50 MiB unpacked
MAX_TABLE_ROWS: Final[int] = 5_000  # rows of an imported table (a plan has a few hundred)
MAX_TABLE_COLUMNS: Final[int] = 60
MAX_CELL_CHARS: Final[int] = 10_000  # one cell of an imported table
MAX_VERTICES: Final[int] = 1_000_000  # coordinates in one uploaded layer
MAX_POPULATION_DENSITY_KM2: Final[float] = 150_000.0  # persons per km²; Hà Nội's densest wards hold about 40,000
OVERLAP_TOLERANCE: Final[float] = 0.01  # units may overlap by 1% of the smaller one (OSM wards: Hà Đông and Thanh Liệt share 0.014 km²)
REGION_BOUNDS_4326: Final[tuple[float, float, float, float]] = (104.9, 20.3, 106.3, 21.6)  # west, south, east, north around Hà Nội

# Progress reports (geo/progress, geo/store/progress.py): what one report may hold (README, "Limits and safety").
MAX_REPORT_TEXT_CHARS: Final[int] = 4_000  # results, difficulties, proposals: each
MAX_MILESTONE_CHARS: Final[int] = 500
MAX_EVIDENCE_REF_CHARS: Final[int] = 255  # the document number and date of the evidence, e.g. "Báo cáo 123/BC-SXD ngày 20/11/2026"
MAX_LINK_CHARS: Final[int] = 2_048
MAX_SOURCE_CHARS: Final[int] = 500  # an indicator value's source
EARLIEST_REPORT_DAY: Final[str] = "2000-01-01"  # a report, completion or indicator date before it is a typing error
