"""The TOD coverage zip: catchments and union (GeoPackage, GeoJSON), tables (CSV, XLSX) and the manifest."""

from __future__ import annotations

import io
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from geo import settings
from geo.csvio import frame_to_csv
from geo.export.manifest import build_manifest, write_zip
from geo.tod import WARD_POPULATION, Coverage, json_safe


def coverage_zip(result: Coverage, skipped: pd.DataFrame, params: dict[str, object], *, now: datetime | None = None) -> bytes:
    """Return a zip of a coverage run: catchments and union (GeoPackage, GeoJSON), tables (CSV, XLSX), manifest.

    Parameters
    ----------
    result : geo.tod.Coverage
        The coverage run (geometry in EPSG:4326, measured in EPSG:32648).
    skipped : pandas.DataFrame
        Stations left out of the run, with the reason.
    params : dict
        The choices of the run (lines, radius_m, ...); ``population_source`` names the population used.
    now : datetime.datetime or None
        Creation time (default: now, local time zone); dates every member.

    Returns
    -------
    bytes
        Members ``catchments.gpkg``, ``catchments.geojson``, ``union.geojson``,
        ``stations.csv``, ``lines.csv``, ``wards.csv`` (UTF-8 with BOM; wards
        with covered area only), ``coverage.xlsx`` and ``manifest.json`` (the
        common manifest of :func:`geo.export.manifest.build_manifest` plus the
        choices, figures and skipped stations).
    """
    now = now or datetime.now().astimezone()
    tables = {"stations": result.stations, "lines": result.lines, "wards": result.wards[result.wards["covered_km2"] > 0]}
    catchments = result.catchments_4326.reset_index(names="station_id")
    members: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="hanoi-tod-") as scratch:
        gpkg = Path(scratch) / "catchments.gpkg"
        catchments.to_file(gpkg, layer="catchments", driver="GPKG")
        result.union_4326.to_file(gpkg, layer="union", driver="GPKG")
        members["catchments.gpkg"] = gpkg.read_bytes()
    members["catchments.geojson"] = catchments.to_json(drop_id=True).encode("utf-8")
    members["union.geojson"] = result.union_4326.to_json(drop_id=True).encode("utf-8")
    workbook = io.BytesIO()
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name, table in tables.items():
            members[f"{name}.csv"] = frame_to_csv(table, index=True)
            table.to_excel(writer, sheet_name=name)
    members["coverage.xlsx"] = workbook.getvalue()
    fields = {
        "choices": json_safe(params),
        "figures": result.summary(),
        "skipped_stations": json_safe(skipped.to_dict("records")),
        "measured_in": settings.CRS_MEASURE,
        "edits": _edited_stations(catchments),
        "note": f"Population: {params.get('population_source', WARD_POPULATION)}; units without population are reported as unknown area.",
    }
    manifest = build_manifest(members, now=now, fields=fields)
    buffer = io.BytesIO()
    write_zip(buffer, members, manifest, now=now)
    return buffer.getvalue()


def _edited_stations(catchments: pd.DataFrame) -> list[dict[str, object]]:
    """Return the stations whose position planners changed in the store (version, who, provenance, source)."""
    if "edit_seq" not in catchments:
        return []
    edited = catchments[catchments["edit_seq"].notna()]
    return [
        {"station_id": row["station_id"], "version": int(row["edit_seq"]), "author": row.get("edited_by"),
         "geometry_quality": row.get("geometry_quality"), "geometry_source": row.get("geometry_source")}
        for _, row in edited.iterrows()
    ]  # fmt: skip
