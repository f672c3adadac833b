"""Rebuild the ``osm`` layers from OpenStreetMap with osmnx (the data refresh path).

On a machine with internet, :func:`fetch_layers` queries Overpass for the tags of
each layer inside Hà Nội; offline, :func:`layers_from_xml` reads an OSM XML file
with ``osmnx.features_from_xml``. Both give features in the schema of
``data/projects.geojson`` (``geometry_quality="osm"``, the OSM element as
``geometry_source``, attribution kept), written per layer by :func:`write_layers`.
Links to tasks are not guessed here: a maintainer merges refreshed geometry into
``projects.geojson`` by feature id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.errors import DataFileError
from geo.outputs import write_atomic


@dataclass(frozen=True)
class OsmLayerQuery:
    """Which OSM elements make one layer: tags for osmnx, plus an optional name pattern."""

    layer: str
    tags: dict[str, bool | str | list[str]]
    name_pattern: str = ""
    geometry_types: tuple[str, ...] = ()


QUERIES: tuple[OsmLayerQuery, ...] = (
    OsmLayerQuery("metro_line", {"railway": ["subway", "light_rail", "construction"]}, "", ("LineString", "MultiLineString")),
    OsmLayerQuery("metro_station", {"station": ["subway", "light_rail"]}, "", ("Point",)),
    OsmLayerQuery("bridge", {"bridge": True}, r"^(?:Cầu|cầu)\b", ("LineString", "MultiLineString", "Polygon")),
    OsmLayerQuery(
        "industrial_zone",
        {"landuse": "industrial"},
        r"(?:Khu công nghiệp|Khu công nghệ|KCN|KCNC)",
        ("Polygon", "MultiPolygon"),
    ),
    OsmLayerQuery(
        "ring_road",
        {"highway": ["motorway", "trunk", "primary", "secondary", "motorway_link", "trunk_link"]},
        r"Vành [đĐ]ai",
        ("LineString", "MultiLineString"),
    ),
)
PLACE = "Hà Nội, Việt Nam"


def layers_from_xml(path: Path | str, *, refreshed: date | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Read an OSM XML file and return the ``osm`` features of every layer found in it.

    Parameters
    ----------
    path : pathlib.Path or str
        An OSM XML file (``.osm`` or ``.osm.bz2``).
    refreshed : datetime.date or None
        Date written into ``status_date`` (default: today).

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        Layer id to features (EPSG:4326); layers with no element are left out.

    Raises
    ------
    DataFileError
        If the file is missing or is not OSM XML.
    """
    import osmnx as ox

    path = Path(path)
    if not path.exists():
        msg = f"{path}: OSM XML file not found."
        raise DataFileError(msg)
    try:
        raw = ox.features_from_xml(path)
    except Exception as error:  # osmnx raises several types for a bad file
        msg = f"{path}: not a readable OSM XML file ({type(error).__name__}: {error})."
        raise DataFileError(msg) from error
    return {layer: gdf for layer, gdf in _split(raw, refreshed or date.today()).items() if len(gdf)}


def fetch_layers(place: str = PLACE, *, refreshed: date | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Query OpenStreetMap (Overpass, needs internet) for every layer inside `place`."""
    import osmnx as ox

    out: dict[str, gpd.GeoDataFrame] = {}
    for query in QUERIES:
        raw = ox.features_from_place(place, tags=query.tags)
        out.update(_split(raw, refreshed or date.today(), only=query))
    return out


def write_layers(layers: dict[str, gpd.GeoDataFrame], folder: Path | str) -> list[Path]:
    """Write one GeoJSON per layer into `folder`; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for layer, gdf in layers.items():
        path = folder / f"{layer}.geojson"
        collection = json.loads(gdf.to_json(drop_id=True))
        collection["attribution"] = f"{settings.OSM_ATTRIBUTION}, {settings.OSM_LICENCE}"
        write_atomic(path, json.dumps(collection, ensure_ascii=False).encode("utf-8"))
        written.append(path)
    return written


def _split(raw: gpd.GeoDataFrame, refreshed: date, only: OsmLayerQuery | None = None) -> dict[str, gpd.GeoDataFrame]:
    out = {}
    raw = raw.reset_index()
    for query in (only,) if only else QUERIES:
        mask = pd.Series(False, index=raw.index)
        for key, value in query.tags.items():
            if key not in raw.columns:
                continue
            column = raw[key]
            if value is True:
                mask |= column.notna() & (column != "no")
            else:
                mask |= column.isin(value if isinstance(value, list) else [value])
        if query.name_pattern:
            names = raw["name"] if "name" in raw.columns else pd.Series("", index=raw.index)
            mask &= names.fillna("").str.contains(query.name_pattern, regex=True)
        if query.geometry_types:
            mask &= raw.geometry.geom_type.isin(query.geometry_types)
        out[query.layer] = _to_schema(raw.loc[mask], query.layer, refreshed)
    return out


def _to_schema(raw: gpd.GeoDataFrame, layer: str, refreshed: date) -> gpd.GeoDataFrame:
    def text(row: pd.Series, key: str) -> str:
        value = row.get(key)
        return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)

    rows = []
    for _, row in raw.iterrows():
        element, osm_id = row["element"], row["id"]
        railway = text(row, "railway")
        status = "under construction" if railway == "construction" or text(row, "construction") else "operating"
        if text(row, "proposed") or railway == "proposed":
            status = "planned"
        name = text(row, "name") or f"{element}/{osm_id}"
        rows.append({
            "id": f"osm-{element}-{osm_id}",
            "layer": layer,
            "name": name,
            "name_en": text(row, "name:en") or name,
            "status": status,
            "status_source": f"OpenStreetMap tags of {element}/{osm_id}",
            "status_date": refreshed.isoformat(),
            "geometry_quality": "osm",
            "geometry_source": f"OpenStreetMap {element}/{osm_id} ({settings.OSM_ATTRIBUTION}, ODbL), refreshed {refreshed}",
            "osm_ref": f"{element}/{osm_id}",
            "geometry": row.geometry,
        })  # fmt: skip
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.CRS_STORE) if rows else _empty()
    return frame


def _empty() -> gpd.GeoDataFrame:
    columns = ["id", "layer", "name", "name_en", "status", "status_source", "status_date", "geometry_quality"]
    return gpd.GeoDataFrame(
        {column: [] for column in [*columns, "geometry_source", "osm_ref"]}, geometry=[], crs=settings.CRS_STORE
    )
