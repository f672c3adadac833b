"""Exports of the planning map: the layer snapshot zip, one layer as GeoJSON, and the TOD coverage zip.

One writer per format, as GeoPandas' ``io/``: :mod:`~geo.export.gpkg`,
:mod:`~geo.export.geojson`, :mod:`~geo.export.kml`,
:mod:`~geo.export.shapefile`, :mod:`~geo.export.csv`, :mod:`~geo.export.xlsx`,
:mod:`~geo.export.png` and :mod:`~geo.export.html`; each takes the snapshot's
prepared data (:class:`geo.export.prepare.SnapshotData`) and returns
``{member name: bytes}``. :mod:`~geo.export.snapshot` assembles them from a
:class:`geo.view.View`; :mod:`~geo.export.manifest` writes the manifest and the
zip shared with :mod:`~geo.export.tod_zip`.

Examples
--------
>>> from geo.filters import TaskFilter
>>> from geo.view import build_view, load_data
>>> view = build_view(load_data(), TaskFilter(agencies=("so-xay-dung",)))
>>> write_snapshot(view, "snapshot.zip", formats=("gpkg", "csv"))  # doctest: +SKIP
"""

from geo.export.html import inline_leaflet
from geo.export.manifest import DATA_FILES, MAP_DATA_LICENCE, SCHEMATIC_NOTE, sha256_of
from geo.export.prepare import FEATURE_COLUMNS
from geo.export.print_map import PlacedLabel, print_view
from geo.export.snapshot import (
    ALL_FORMATS,
    SnapshotResult,
    export_features,
    layer_geojson_bytes,
    snapshot_bytes,
    snapshot_name,
    validate_formats,
    write_snapshot,
)
from geo.export.tod_zip import coverage_zip

__all__ = [
    "ALL_FORMATS",
    "DATA_FILES",
    "FEATURE_COLUMNS",
    "MAP_DATA_LICENCE",
    "SCHEMATIC_NOTE",
    "PlacedLabel",
    "SnapshotResult",
    "coverage_zip",
    "export_features",
    "inline_leaflet",
    "layer_geojson_bytes",
    "print_view",
    "sha256_of",
    "snapshot_bytes",
    "snapshot_name",
    "validate_formats",
    "write_snapshot",
]
