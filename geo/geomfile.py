"""Read one uploaded geometry file into the features an editor can choose from, in EPSG:4326.

Formats, by extension: GeoJSON (``.geojson``, ``.json``), KML, KMZ, GeoPackage (``.gpkg``), a zipped Shapefile
(``.zip``), a CSV of coordinates and DXF. Every file is transformed to EPSG:4326 (x = longitude, 2D) from its
CRS *as identified by its EPSG code* (``pyproj.CRS.to_epsg``), ``always_xy``, so VN-2000 gets its EPSG datum
shift (a bare proj4 definition lands about 200 m off). A GeoJSON without a ``"crs"`` member and every KML/KMZ
are EPSG:4326 by their specifications (RFC 7946, OGC KML 2.2). A Shapefile without ``.prj``, a CSV and a DXF
carry no CRS: the uploader states it (``crs="EPSG:5897"``). A file CRS without an EPSG code is refused, and so
is a `crs` that differs from the file's own (never silently overridden).

Archives (KMZ, zipped Shapefile) are checked on their directory before anything is unpacked: unpacked size,
paths (absolute or with ``..``), nested archives, unexpected members. The members read are copied under fixed
names into a temporary folder, deleted afterwards; macOS metadata (``__MACOSX/``, ``.DS_Store``) is skipped.
Whether a geometry fits a layer, lies in Hà Nội and is valid is :mod:`geo.geomcheck`'s job.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import re
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Final

import numpy as np
import pyproj
import shapely

from geo import settings
from geo.coordcsv import column_key, read_coordinate_csv
from geo.errors import InvalidArgumentError, problem
from geo.uploads import check_size

__all__ = ["FORMATS", "SHAPES", "Candidate", "GeometryFile", "choose", "read_geometry_file"]

FORMATS: Final[dict[str, str]] = {
    ".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".kmz": "kmz", ".gpkg": "gpkg", ".zip": "shp", ".csv": "csv", ".dxf": "dxf",
}  # fmt: skip
FORMAT_NAMES: Final[dict[str, str]] = {
    "geojson": "GeoJSON", "kml": "KML", "kmz": "KMZ", "gpkg": "GeoPackage", "shp": "Shapefile (.zip)", "csv": "CSV", "dxf": "DXF",
}  # fmt: skip
ACCEPTED: Final[str] = ".geojson, .json (GeoJSON), .kml, .kmz, .gpkg, .zip (Shapefile), .csv, .dxf"
SHAPES: Final[tuple[str, ...]] = ("auto", "point", "line", "polygon")
LABEL_KEYS: Final[tuple[str, ...]] = ("name", "ten", "tên", "label", "id")  # compared lower-case
MAX_LISTED: Final[int] = 20  # features listed in a "choose one" message

_DRIVERS = {"geojson": {"GeoJSON"}, "kml": {"LIBKML", "KML"}, "kmz": {"LIBKML", "KML"}, "gpkg": {"GPKG"}, "shp": {"ESRI Shapefile"}, "dxf": {"DXF"}}
_SHP_REQUIRED = (".shp", ".shx", ".dbf")
_SHP_OPTIONAL = (".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml")
_SHP_READ = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_IMAGES = (".png", ".jpg", ".jpeg", ".gif")
_ARCHIVES = (".zip", ".kmz", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".tar")
_SKIPPED = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$)")


@dataclass(frozen=True)
class Candidate:
    """One feature of an uploaded file that an editor may choose."""

    index: int  # 1-based position among the file's features with a geometry, across layers
    layer_name: str  # the GeoPackage table, KML folder or DXF layer holding it; "" for single-layer formats
    label: str  # the property name/ten/tên/label/id if present (any case), else "#<index>" (CSV: the part)
    geometry: shapely.Geometry  # EPSG:4326, x = longitude, y = latitude, 2D (Z dropped)
    properties: dict  # the feature's attributes, JSON-safe (str, int, float, bool, None)


@dataclass(frozen=True)
class GeometryFile:
    """An uploaded geometry file, read: its features in EPSG:4326 and where they came from."""

    name: str  # the uploaded file's name
    format: str  # geojson, kml, kmz, gpkg, shp (zipped Shapefile), csv or dxf
    crs: str  # the CRS transformed from, "EPSG:nnnn" (several joined by ", " when the layers differ)
    layers: tuple[str, ...]  # the layer names in the file; ("",) for single-layer formats
    candidates: tuple[Candidate, ...]  # the features with a geometry, in file order
    sha256: str  # of the uploaded bytes, hex


@dataclass
class _Layer:
    name: str
    geometries: np.ndarray
    properties: list[dict]
    crs: pyproj.CRS | None
    labels: list[str] = field(default_factory=list)  # fallback labels (CSV parts), by position


def read_geometry_file(
    name: str, content: bytes, *, crs: str | None = None, layer_name: str | None = None, shape: str = "auto"
) -> GeometryFile:
    """Read the uploaded file `name` holding `content` into candidate features in EPSG:4326.

    Parameters
    ----------
    name : str
        The uploaded file's name; its extension gives the format.
    content : bytes
        The file's bytes (at most :data:`geo.settings.MAX_UPLOAD_BYTES`).
    crs : str or None
        The file's CRS as ``"EPSG:<digits>"``, for files without one (Shapefile without ``.prj``, CSV, DXF).
        Refused when the file has its own CRS and it differs.
    layer_name : str or None
        Read only this layer (GeoPackage table, KML folder, DXF layer); None reads every layer.
    shape : str
        CSV only (ignored for other formats, which carry their geometry types): ``"auto"`` (a part of one row
        is a Point, of several a LineString), ``"point"`` (every row its own Point), ``"line"`` or
        ``"polygon"`` (rows in file order; the ring is closed automatically). Rows are grouped into parts by a
        ``part`` (or ``feature``) column.

    Returns
    -------
    GeometryFile

    Raises
    ------
    InvalidArgumentError
        If the file is over a limit, of an unknown format, unreadable, an unsafe archive, without a usable CRS,
        or holds no feature with a geometry; the message names the file, the problem and the fix.
    """
    check_size(name, len(content))
    suffix = Path(name).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise problem(InvalidArgumentError, "err.geom_format", name=name, suffix=suffix or name, accepted=ACCEPTED)
    if shape not in SHAPES:
        raise problem(InvalidArgumentError, "err.geom_shape", shape=shape, allowed=", ".join(SHAPES))
    requested = _requested_epsg(crs)
    if not content.strip():
        raise problem(InvalidArgumentError, "err.geom_empty_file", name=name)
    if fmt == "csv":
        geometries, properties, labels = read_coordinate_csv(name, content, shape)
        names, layers = _check_layer_name(name, ("",), layer_name), [_Layer("", geometries, properties, None, labels=labels)]
    else:
        with tempfile.TemporaryDirectory(prefix="hanoi-geometry-") as folder:
            path = _place(name, fmt, content, Path(folder))
            names, layers = _ogr_layers(name, fmt, path, layer_name)
    file_crs, candidates = _candidates(name, fmt, layers, requested)
    if not candidates:
        raise problem(InvalidArgumentError, "err.geom_no_features", name=name, layers=", ".join(repr(n) for n in names))
    return GeometryFile(name=name, format=fmt, crs=file_crs, layers=names, candidates=candidates,
                        sha256=hashlib.sha256(content).hexdigest())  # fmt: skip


def choose(geometry_file: GeometryFile, pick: int | str | None) -> Candidate:
    """Return the candidate of `geometry_file` the editor picked.

    Parameters
    ----------
    geometry_file : GeometryFile
        A file read by :func:`read_geometry_file`.
    pick : int, str or None
        None: the only feature; int: the feature's 1-based index; str: the feature's exact label.

    Raises
    ------
    InvalidArgumentError
        If the pick is missing among several features, out of range, unknown or shared by several
        features; the message lists up to :data:`MAX_LISTED` features as ``#index label (layer, type)``.
    """
    candidates, name = geometry_file.candidates, geometry_file.name
    if not candidates:
        raise problem(InvalidArgumentError, "err.geom_no_features", name=name, layers=", ".join(repr(n) for n in geometry_file.layers))
    if pick is None:
        if len(candidates) == 1:
            return candidates[0]
        raise problem(InvalidArgumentError, "err.geom_choose", name=name, n=len(candidates), listing=_listing(candidates))
    if isinstance(pick, int) and not isinstance(pick, bool):
        for candidate in candidates:
            if candidate.index == pick:
                return candidate
        raise problem(InvalidArgumentError, "err.geom_pick_range", name=name, pick=pick, n=len(candidates))
    matches = [candidate for candidate in candidates if candidate.label == pick]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise problem(InvalidArgumentError, "err.geom_pick_unknown", name=name, pick=pick, listing=_listing(candidates))
    raise problem(InvalidArgumentError, "err.geom_pick_ambiguous", name=name, pick=pick, n=len(matches), listing=_listing(matches))


def _listing(candidates) -> str:
    shown = [
        f"#{c.index} {c.label} ({c.layer_name + ', ' if c.layer_name else ''}{c.geometry.geom_type})" for c in candidates[:MAX_LISTED]
    ]
    return "; ".join(shown) + (" …" if len(candidates) > MAX_LISTED else "")


def _requested_epsg(crs: str | None) -> int | None:
    if crs is None:
        return None
    match = re.fullmatch(r"EPSG:(\d{1,6})", crs) if isinstance(crs, str) else None
    if match is None:
        raise problem(InvalidArgumentError, "err.geom_crs_arg", crs=crs)
    try:
        definition = pyproj.CRS.from_epsg(int(match.group(1)))
        if not (definition.is_geographic or definition.is_projected):
            raise pyproj.exceptions.CRSError(f"{definition.name} is not a horizontal (geographic or projected) CRS")
    except pyproj.exceptions.CRSError as error:
        raise problem(InvalidArgumentError, "err.geom_crs_unknown", crs=crs, detail=str(error)) from error
    return int(match.group(1))


def _check_layer_name(name: str, names: tuple[str, ...], layer_name: str | None) -> tuple[str, ...]:
    if layer_name is None:
        return names
    if layer_name not in names:
        raise problem(InvalidArgumentError, "err.geom_layer_unknown", name=name, layer=layer_name, layers=", ".join(repr(n) for n in names))
    return (layer_name,)


def _place(name: str, fmt: str, content: bytes, folder: Path) -> Path:
    """Write the file (or the archive's members to read) into `folder` under fixed names; return the path to open."""
    if fmt in ("kmz", "shp"):
        path = _unpack(name, fmt, content, folder)
    else:
        path = folder / f"upload.{fmt}"
        path.write_bytes(content)
    if fmt == "geojson":
        _check_crs_member(name, content)
    if fmt in ("kml", "kmz") and re.search(rb"<!(DOCTYPE|ENTITY)|<(\w+:)?NetworkLink\b", path.read_bytes(), re.IGNORECASE):
        raise problem(InvalidArgumentError, "err.geom_doctype", name=name)
    return path


_CRS_NAME = re.compile(r"EPSG:\d{1,6}|urn:ogc:def:crs:EPSG:[\d.]*:\d{1,6}|urn:ogc:def:crs:OGC:1\.3:CRS84", re.IGNORECASE)


def _check_crs_member(name: str, content: bytes) -> None:
    """Refuse a GeoJSON ``crs`` member other than an EPSG name (a ``link`` or ``url`` one would make GDAL fetch it)."""
    import json

    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return  # not JSON: GDAL says so, naming the file
    member = document.get("crs") if isinstance(document, dict) else None
    if member is None:
        return
    given = member.get("properties", {}).get("name") if isinstance(member, dict) and isinstance(member.get("properties"), dict) else None
    if not (isinstance(member, dict) and member.get("type") == "name" and isinstance(given, str) and _CRS_NAME.fullmatch(given.strip())):
        shown = json.dumps(member, ensure_ascii=False)[:200]
        raise problem(InvalidArgumentError, "err.geom_crs_member", name=name, member=shown)
    code = int(re.findall(r"\d+", given.rsplit(":", 1)[-1])[0]) if "CRS84" not in given.upper() else 4326
    try:
        pyproj.CRS.from_epsg(code)
    except pyproj.exceptions.CRSError as error:  # GDAL would fall back to EPSG:4326 without a word
        raise problem(InvalidArgumentError, "err.geom_crs_unknown", crs=f"EPSG:{code}", detail=str(error).split(":")[0]) from error


def _ogr_layers(name: str, fmt: str, path: Path, layer_name: str | None) -> tuple[tuple[str, ...], list[_Layer]]:
    """Return the file's layer names and its chosen layers, read with pyogrio (a DXF's layers are its CAD layers)."""
    import pyogrio

    def read(layer: str):
        try:
            return pyogrio.read_dataframe(path, layer=layer)
        except Exception as error:  # pyogrio raises several types
            raise _unreadable(name, fmt, error, path) from error

    try:
        listed = [str(layer) for layer, kind in pyogrio.list_layers(path) if kind is not None]
        driver = pyogrio.read_info(path, layer=listed[0])["driver"] if listed else None
    except Exception as error:  # pyogrio raises several types
        raise _unreadable(name, fmt, error, path) from error
    if driver is not None and driver not in _DRIVERS[fmt]:
        raise _unreadable(name, fmt, f"GDAL reads it as {driver}", path)
    frames = None
    if fmt == "dxf" and listed:
        drawing = read(listed[0])
        cad = drawing["Layer"].fillna("").astype(str) if "Layer" in drawing.columns else drawing.index.map(lambda _: "")
        frames = {layer: drawing[cad == layer] for layer in dict.fromkeys(cad)}
    elif fmt in ("geojson", "shp", "dxf"):
        frames = {"": read(listed[0])} if listed else {}
    names = tuple(frames or ("",)) if frames is not None else tuple(listed)
    chosen = _check_layer_name(name, names, layer_name)
    frames = frames if frames is not None else {layer: read(layer) for layer in chosen}
    return names, [
        _Layer(layer, frame.geometry.to_numpy(), frame.drop(columns=frame.geometry.name).to_dict("records"), frame.crs)
        for layer, frame in frames.items() if layer in chosen
    ]  # fmt: skip


def _unreadable(name: str, fmt: str, error: object, path: Path):
    detail = f"{type(error).__name__}: {error}" if isinstance(error, Exception) else str(error)
    detail = detail.replace(str(path), name).replace(str(path.parent), "").replace(path.name, name)
    return problem(InvalidArgumentError, "err.geom_unreadable", name=name, format=FORMAT_NAMES[fmt], detail=detail)


def _unpack(name: str, fmt: str, content: bytes, folder: Path) -> Path:
    """Check the archive's directory, then copy the members to read into `folder`; return the path of the .kml or .shp."""
    label = FORMAT_NAMES[fmt]
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise problem(InvalidArgumentError, "err.geom_bad_archive", name=name, format=label, detail=str(error)) from error
    with archive:
        infos = archive.infolist()
        unpacked = sum(info.file_size for info in infos)
        if unpacked > settings.MAX_DECOMPRESSED_BYTES:
            raise problem(InvalidArgumentError, "err.unpacks_too_big", name=name, size=unpacked / 2**20,
                          limit=settings.MAX_DECOMPRESSED_BYTES / 2**20)  # fmt: skip
        for info in infos:
            parts = info.filename.replace("\\", "/").split("/")
            if info.filename.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", info.filename) or ".." in parts:
                raise problem(InvalidArgumentError, "err.geom_archive_path", name=name, member=info.filename)
        members = [info for info in infos if not info.is_dir() and not _SKIPPED.search(info.filename.replace("\\", "/"))]
        nested = [info.filename for info in members if _suffix(info.filename) in _ARCHIVES]
        if nested:
            raise problem(InvalidArgumentError, "err.geom_archive_nested", name=name, members=", ".join(nested))
        wanted = _kmz_members(name, members) if fmt == "kmz" else _shapefile_members(name, members)
        for suffix, info in wanted.items():
            try:
                with archive.open(info) as source, (folder / f"upload{suffix}").open("wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)  # zipfile stops at the declared size
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as error:
                raise problem(InvalidArgumentError, "err.geom_bad_archive", name=name, format=label, detail=str(error)) from error
    return folder / ("upload.kml" if fmt == "kmz" else "upload.shp")


def _suffix(member: str) -> str:
    return PurePosixPath(member.replace("\\", "/")).suffix.lower()


def _kmz_members(name: str, members: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    kml = [info for info in members if _suffix(info.filename) == ".kml"]
    unexpected = [
        info.filename for info in members
        if info not in kml and not (_suffix(info.filename) in _IMAGES and info.filename.replace("\\", "/").split("/")[0].lower() in ("files", "images"))
    ]  # fmt: skip
    if unexpected:
        raise problem(InvalidArgumentError, "err.geom_kmz_unexpected", name=name, members=", ".join(unexpected))
    if len(kml) != 1:
        raise problem(InvalidArgumentError, "err.geom_kmz_kml_count", name=name, n=len(kml), members=", ".join(i.filename for i in kml))
    return {".kml": kml[0]}


def _shapefile_members(name: str, members: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    unexpected = [info.filename for info in members if _suffix(info.filename) not in _SHP_REQUIRED + _SHP_OPTIONAL]
    if unexpected:
        raise problem(InvalidArgumentError, "err.geom_shp_unexpected", name=name, members=", ".join(unexpected))
    shp = [info for info in members if _suffix(info.filename) == ".shp"]
    by_suffix = {_suffix(info.filename): info for info in members}
    stems = {_stem(info.filename) for info in members}
    if len(shp) != 1 or len(by_suffix) != len(members) or len(stems) != 1 or any(suffix not in by_suffix for suffix in _SHP_REQUIRED):
        raise problem(InvalidArgumentError, "err.geom_shp_set", name=name, members=", ".join(info.filename for info in members) or "—")
    return {suffix: info for suffix, info in by_suffix.items() if suffix in _SHP_READ}


def _stem(member: str) -> str:
    path = member.replace("\\", "/").lower()
    path = path[: -len(".shp.xml")] if path.endswith(".shp.xml") else path
    return str(PurePosixPath(path).with_suffix(""))


def _candidates(name: str, fmt: str, layers: list[_Layer], requested: int | None) -> tuple[str, tuple[Candidate, ...]]:
    vertices = sum(int(shapely.get_num_coordinates(layer.geometries).sum()) for layer in layers)
    if vertices > settings.MAX_VERTICES:
        raise problem(InvalidArgumentError, "err.too_many_vertices", name=name, n=vertices, limit=settings.MAX_VERTICES)
    codes: list[int] = []
    candidates: list[Candidate] = []
    for layer in layers:
        geometries = np.asarray(layer.geometries, dtype=object)
        keep = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
        if not keep.any():
            continue
        code = _file_epsg(name, fmt, layer.crs, requested)
        codes.append(code)
        flat = shapely.force_2d(geometries[keep])
        _check_degrees(name, code, flat)
        flat = _to_4326(flat, code)
        for position, geometry in zip(np.flatnonzero(keep), flat, strict=True):
            properties = {str(key): _json_safe(value) for key, value in layer.properties[position].items()}
            index = len(candidates) + 1
            fallback = layer.labels[position] if position < len(layer.labels) else ""
            candidates.append(Candidate(index, layer.name, _label(properties, index, fallback), geometry, properties))
    return ", ".join(f"EPSG:{code}" for code in dict.fromkeys(codes)), tuple(candidates)


def _file_epsg(name: str, fmt: str, crs: pyproj.CRS | None, requested: int | None) -> int:
    if crs is None:
        if requested is None:
            raise problem(InvalidArgumentError, "err.geom_no_crs", name=name, format=FORMAT_NAMES[fmt])
        return requested
    code = crs.to_epsg()
    if code is None and crs.to_authority() == ("OGC", "CRS84"):
        code = 4326  # the same datum and axes once read x/y
    if code is None:
        raise problem(InvalidArgumentError, "err.geom_crs_unidentified", name=name, crs_name=crs.name)
    if requested is not None and requested != code:
        raise problem(InvalidArgumentError, "err.geom_crs_conflict", name=name, file_crs=f"EPSG:{code}", crs=f"EPSG:{requested}")
    return code


def _check_degrees(name: str, code: int, geometries: np.ndarray) -> None:
    if not pyproj.CRS.from_epsg(code).is_geographic:
        return
    coords = shapely.get_coordinates(geometries)
    bad = (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
    if bad.any() and not ((np.abs(coords[:, 0]) > 90) | (np.abs(coords[:, 1]) > 180)).any():
        x, y = coords[np.flatnonzero(bad)[0]]  # latitude first: read the other way round, every point is a position
        raise problem(InvalidArgumentError, "err.geom_swapped", x=float(x), y=float(y))
    if bad.any():
        x, y = coords[np.flatnonzero(bad)[0]]
        raise problem(InvalidArgumentError, "err.geom_not_degrees", name=name, x=float(x), y=float(y), crs=f"EPSG:{code}")


@functools.lru_cache(maxsize=16)
def _transformer(code: int) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(f"EPSG:{code}", settings.CRS_STORE, always_xy=True)


def _to_4326(geometries: np.ndarray, code: int) -> np.ndarray:
    if code == 4326:
        return geometries
    transformer = _transformer(code)
    return shapely.transform(geometries, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _label(properties: dict, index: int, fallback: str = "") -> str:
    keyed = {column_key(key): value for key, value in reversed(properties.items())}  # the first of "Name" and "name" wins
    for key in LABEL_KEYS:
        value = keyed.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return fallback or f"#{index}"


def _json_safe(value: object) -> str | int | float | bool | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple | dict | np.ndarray):
        return str(value.tolist() if isinstance(value, np.ndarray) else value)
    if value != value:  # NaT and other missing values
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
