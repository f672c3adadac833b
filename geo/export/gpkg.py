"""GeoPackage writer: one table per project layer, named by layer id, in ``layers.gpkg``."""

from __future__ import annotations

import pyogrio

from geo.export.manifest import SCHEMATIC_NOTE
from geo.export.prepare import SnapshotData, joined_lists

MEMBER = "layers.gpkg"


def write_gpkg(data: SnapshotData) -> dict[str, bytes]:
    """Return ``{"layers.gpkg": bytes}``: one table per layer with a feature to write ({} when none).

    Id lists are joined with ``;``; the table's identifier is the layer's name in
    the snapshot's language. A layer mixing geometry types (e.g. a
    GeometryCollection among lines) gets GDAL's generic geometry type.
    """
    layers = data.layers()
    if not layers:
        return {}
    folder = data.scratch / "gpkg"
    folder.mkdir(exist_ok=True)
    path = folder / MEMBER
    for layer in layers:
        label = data.registry.label(layer, data.lang)
        pyogrio.write_dataframe(
            joined_lists(data.layer_frame(layer)), path, layer=layer, driver="GPKG", dataset_options={"VERSION": "1.2"},
            layer_options={"IDENTIFIER": label, "DESCRIPTION": f"{label} ({layer}); {SCHEMATIC_NOTE}"},
        )  # fmt: skip
    return {MEMBER: path.read_bytes()}
