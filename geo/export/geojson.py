"""GeoJSON writer: one FeatureCollection per project layer, ``geojson/<layer>.geojson`` (EPSG:4326)."""

from __future__ import annotations

import shapely

from geo.export.manifest import json_bytes
from geo.export.prepare import FEATURE_COLUMNS, SnapshotData


def write_geojson(data: SnapshotData) -> dict[str, bytes]:
    """Return ``{"geojson/<layer>.geojson": bytes}`` per layer with a feature to write.

    Properties are :data:`~geo.export.prepare.FEATURE_COLUMNS`, id lists kept as
    JSON lists; the feature's ``id`` is its feature id. A GeometryCollection is
    written as one (RFC 7946 allows it).
    """
    return {
        f"geojson/{layer}.geojson": json_bytes(feature_collection(data.layer_frame(layer), name=layer)) for layer in data.layers()
    }


def feature_collection(frame, *, name: str) -> dict[str, object]:
    """Return `frame` (exported columns and geometry) as a GeoJSON FeatureCollection dict named `name`."""
    features = []
    for geometry, row in zip(frame.geometry, frame.drop(columns="geometry").to_dict("records"), strict=True):
        props = {column: _plain(row[column]) for column in FEATURE_COLUMNS}
        features.append(
            {"type": "Feature", "id": props["id"], "properties": props, "geometry": shapely.geometry.mapping(geometry)}
        )
    return {"type": "FeatureCollection", "name": name, "features": features}


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value
