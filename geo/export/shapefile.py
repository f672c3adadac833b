"""Shapefile writer: one zipped Shapefile per layer and geometry type, ``shapefile/<name>.zip``, plus ``FIELDS.csv``.

A Shapefile holds one geometry type and dBASE field names of 10 characters:
a layer with points and lines is split into ``<layer>_point.zip`` and
``<layer>_line.zip``, the field names are shortened (:data:`SHAPEFILE_FIELDS`),
and ``shapefile/FIELDS.csv`` gives the mapping and the files. A
GeometryCollection is split the same way: each part goes to the file of its
type under the feature's id (listed in the manifest's ``geometry.converted``).
Text longer than 254 bytes is cut (the full text is in the GeoPackage and
GeoJSON). GDAL >= 3.1 writes the zip itself (a ``.shp.zip`` path); older GDAL
writes the parts, zipped here.
"""

from __future__ import annotations

import io
import zipfile
from typing import Final

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.csvio import frame_to_csv
from geo.export.prepare import FAMILIES, SnapshotData, joined_lists, parts_by_family
from geo.text import LIST_SEPARATOR

FOLDER: Final[str] = "shapefile"
FIELDS_MEMBER: Final[str] = f"{FOLDER}/FIELDS.csv"
DBF_TEXT_BYTES: Final[int] = 254
GDAL_WRITES_SHP_ZIP: Final[bool] = tuple(pyogrio.__gdal_version__) >= (3, 1, 0)
SHAPEFILE_FIELDS: Final[dict[str, str]] = {
    "id": "id", "layer": "layer", "name": "name", "name_en": "name_en", "status": "status",
    "status_source": "status_src", "status_date": "status_dt", "geometry_quality": "geom_qual",
    "geometry_source": "geom_src", "task_ids": "task_ids", "matched_task_ids": "match_ids",
    "task_count": "task_count", "due_end_min": "due_min", "due_end_max": "due_max",
    "due_kinds": "due_kinds", "past_due_count": "pastdue_n",
}  # fmt: skip
LONG_TEXT: Final[tuple[str, ...]] = ("name", "name_en", "status_source", "geometry_source", "task_ids", "matched_task_ids")
_PARTS: Final[tuple[str, ...]] = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def write_shapefiles(data: SnapshotData) -> dict[str, bytes]:
    """Return ``{"shapefile/<name>.zip": bytes, ..., "shapefile/FIELDS.csv": bytes}`` ({} when nothing to write)."""
    folder = data.scratch / "shp"
    folder.mkdir(exist_ok=True)
    members: dict[str, bytes] = {}
    files: list[tuple[str, str, str]] = []
    for layer in data.layers():
        split = split_by_family(data.layer_frame(layer))
        for kind, part in split.items():
            name = layer if len(split) == 1 else f"{layer}_{kind}"
            promote = kind != "point" or (part.geom_type == "MultiPoint").any()
            members[f"{FOLDER}/{name}.zip"] = _zipped_shapefile(_dbf_frame(part), folder, name, promote=promote)
            if len(split) == 1:
                note = f"all features of layer {layer}"
            else:
                others = ", ".join(f"{layer}_{other}.zip" for other in split if other != kind)
                note = f"layer {layer} split by geometry type (a Shapefile holds one): its {kind} features; the rest in {others}"
            files.append((layer, f"{name}.zip", note))
    if not members:
        return {}
    members[FIELDS_MEMBER] = _fields_csv(files)
    return members


def conversions(data: SnapshotData) -> dict[str, str]:
    """Return feature id -> note for the GeometryCollections this writer splits by geometry type."""
    notes = {}
    for layer in data.layers():
        frame = data.layer_frame(layer)
        split = split_by_family(frame)
        for fid, geometry in zip(frame["id"], frame.geometry, strict=True):
            if geometry.geom_type != "GeometryCollection":
                continue
            kinds = list(parts_by_family(geometry))
            names = [layer if len(split) == 1 else f"{layer}_{kind}" for kind in kinds]
            where = ", ".join(f"its {kind} part in {name}.zip" for kind, name in zip(kinds, names, strict=True))
            notes[str(fid)] = f"GeometryCollection split by geometry type for the Shapefile: {where}"
    return notes


def split_by_family(frame: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Return the rows of `frame` by geometry family, each with only its part of that family (index kept)."""
    parts = [parts_by_family(geometry) for geometry in frame.geometry]
    out = {}
    for kind in FAMILIES:
        rows = [number for number, found in enumerate(parts) if kind in found]
        if rows:
            geometries = [parts[number][kind] for number in rows]
            out[kind] = frame.iloc[rows].set_geometry(gpd.GeoSeries(geometries, index=frame.index[rows], crs=frame.crs))
    return out


def cut_utf8(text: str, limit: int = DBF_TEXT_BYTES) -> str:
    """Return `text` cut to at most `limit` UTF-8 bytes on a character boundary, ending with '…' when cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    cut = text.encode("utf-8")[: limit - len("…".encode())].decode("utf-8", errors="ignore")
    return cut + "…"


def _dbf_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = joined_lists(frame)
    for column in LONG_TEXT:
        out[column] = out[column].map(cut_utf8)
    return out.rename(columns=SHAPEFILE_FIELDS)


def _zipped_shapefile(frame: gpd.GeoDataFrame, folder, name: str, *, promote: bool) -> bytes:
    options = {"driver": "ESRI Shapefile", "encoding": "UTF-8", "promote_to_multi": promote}
    if GDAL_WRITES_SHP_ZIP:
        path = folder / f"{name}.shp.zip"
        pyogrio.write_dataframe(frame, path, **options)
        return path.read_bytes()
    path = folder / name / f"{name}.shp"
    path.parent.mkdir()
    pyogrio.write_dataframe(frame, path, **options)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for suffix in _PARTS:
            archive.write(path.with_suffix(suffix), f"{name}{suffix}")
    return buffer.getvalue()


def _fields_csv(files: list[tuple[str, str, str]]) -> bytes:
    rows = [("kind", "original", "short", "note")]
    for original, short in SHAPEFILE_FIELDS.items():
        notes = ["dBASE field names hold 10 characters"] if original != short else []
        if original in ("task_ids", "matched_task_ids", "due_kinds"):
            notes.append(f"list joined with '{LIST_SEPARATOR}'")
        if original in LONG_TEXT:
            notes.append(
                f"text longer than {DBF_TEXT_BYTES} bytes (UTF-8) is cut and ends with '…'; the full text is in layers.gpkg and geojson/"
            )
        rows.append(("field", original, short, "; ".join(notes)))
    rows += [("file", layer, short, note) for layer, short, note in files]
    return frame_to_csv(pd.DataFrame(rows[1:], columns=list(rows[0])))
