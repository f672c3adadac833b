"""The manifest and the zip shared by every export (the layer snapshot and the TOD coverage zip).

:func:`build_manifest` writes the common part (app, version, creation time,
CRS, checksums of the data of record, licence, members and their checksums);
:func:`write_zip` writes the members and ``manifest.json`` with fixed
timestamps (the creation time) and mode 0644, so the same content gives the
same zip.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, Final

import geo
from geo import settings

APP_NAME: Final[str] = "hanoi-planning-map"
MANIFEST_NAME: Final[str] = "manifest.json"
DATA_FILES: Final[tuple[Path, ...]] = (
    settings.TASKS_CSV, settings.AGENCIES_CSV, settings.DOCUMENTS_CSV, settings.PROJECTS_GEOJSON, settings.LINKS_CSV,
    settings.LAYERS_JSON, settings.BOUNDARY_GEOJSON, settings.WARDS_GEOJSON, settings.RED_RIVER_GEOJSON,
    settings.STREETS_OSM,
)  # fmt: skip
MAP_DATA_LICENCE: Final[str] = f"Map data {settings.OSM_ATTRIBUTION}, {settings.OSM_LICENCE}"
SCHEMATIC_NOTE: Final[str] = (
    "Features with geometry_quality 'schematic' are drawn through the places the documents name: "
    "estimated positions for illustration, not survey data. 'osm' comes from OpenStreetMap, "
    "'sourced' from cited coordinates (see geometry_source); 'surveyed' from an official drawing or survey file and "
    "'edited' drawn by a planner over a basemap at a zoom, both named in geometry_source (see edits)."
)
_ZIP_EPOCH: Final[tuple[int, ...]] = (1980, 1, 1, 0, 0, 0)


def sha256_of(path: Path | str) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_checksums(paths: tuple[Path, ...] = DATA_FILES) -> dict[str, str]:
    """Return the SHA-256 of each data file that exists, keyed by its path relative to the project (``data/tasks.csv``)."""
    return {_relative(path): sha256_of(path) for path in paths if path.exists()}


def build_manifest(
    members: Mapping[str, bytes],
    *,
    now: datetime,
    fields: Mapping[str, object] | None = None,
    licence: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """Return a manifest: the common part around the export's own `fields`.

    Parameters
    ----------
    members : mapping of str to bytes
        The members of the zip other than ``manifest.json``, in order.
    now : datetime.datetime
        Creation time, written as ISO 8601 to the second.
    fields : mapping or None
        The export's own entries (filters, counts, figures...), placed after ``crs``.
    licence : mapping or None
        Entries added to the licence (after ``attribution`` and ``map_data``).

    Returns
    -------
    dict
        ``app``, ``app_version``, ``created``, ``crs``, the `fields`,
        ``data_sha256``, ``licence``, ``members`` (``manifest.json`` last) and
        ``member_sha256``.
    """
    return {
        "app": APP_NAME,
        "app_version": geo.__version__,
        "created": now.isoformat(timespec="seconds"),
        "crs": settings.CRS_STORE,
        **(fields or {}),
        "data_sha256": data_checksums(),
        "licence": {"attribution": settings.OSM_ATTRIBUTION, "map_data": MAP_DATA_LICENCE, **(licence or {})},
        "members": [*members, MANIFEST_NAME],
        "member_sha256": {name: hashlib.sha256(payload).hexdigest() for name, payload in members.items()},
    }


def write_zip(target: Path | IO[bytes], members: Mapping[str, bytes], manifest: Mapping[str, object], *, now: datetime) -> None:
    """Write `members` then ``manifest.json`` into a zip at `target` (a path or a binary file object).

    Every entry is deflated, dated `now` (1980-01-01 if earlier: the zip format
    starts there) and has mode 0644.
    """
    stamp = now.timetuple()[:6] if now.year >= 1980 else _ZIP_EPOCH
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, payload in [*members.items(), (MANIFEST_NAME, json_bytes(manifest))]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload)


def json_bytes(value: object) -> bytes:
    """Return `value` as indented UTF-8 JSON (non-ASCII kept, unknown types as str)."""
    return json.dumps(value, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(settings.ROOT).as_posix()
    except ValueError:
        return path.name
