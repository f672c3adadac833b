"""KML writer: ``layers.kml``, one Folder per project layer, styled in the layer's colour (EPSG:4326).

Placemarks carry the layer, status, provenance and task ids in their
description and every exported property in ``ExtendedData``. Multi-geometries
and GeometryCollections become ``MultiGeometry``; polygon holes are
``innerBoundaryIs`` rings. Coordinates are longitude,latitude (2D).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.etree import ElementTree as ET

import shapely

from geo.export.manifest import MAP_DATA_LICENCE, SCHEMATIC_NOTE
from geo.export.prepare import FEATURE_COLUMNS, SnapshotData, xml_text
from geo.i18n import t
from geo.text import join_ids

MEMBER = "layers.kml"
KML_NS = "http://www.opengis.net/kml/2.2"


def write_kml(data: SnapshotData) -> dict[str, bytes]:
    """Return ``{"layers.kml": bytes}`` (always written: an empty document says the filter and licence)."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(_k("kml"))
    document = ET.SubElement(root, _k("Document"))
    ET.SubElement(document, _k("name")).text = xml_text(f"{t('app.title', data.lang)} — {data.as_of.isoformat()}")
    ET.SubElement(document, _k("description")).text = xml_text(
        " · ".join(data.filter_lines) + f"\n{MAP_DATA_LICENCE}\n{SCHEMATIC_NOTE}"
    )
    layers = data.layers()
    for layer in layers:
        _style(document, data, layer)
    for layer in layers:
        folder = ET.SubElement(document, _k("Folder"))
        ET.SubElement(folder, _k("name")).text = xml_text(data.registry.label(layer, data.lang))
        frame = data.layer_frame(layer)
        for geometry, row in zip(frame.geometry, frame.drop(columns="geometry").to_dict("records"), strict=True):
            folder.append(_placemark(data, layer, row, geometry))
    ET.indent(root, space=" ")
    return {MEMBER: ET.tostring(root, encoding="utf-8", xml_declaration=True)}


def kml_geometry(geometry: shapely.Geometry) -> ET.Element:
    """Return the KML element of a 2D geometry (``MultiGeometry`` for multi-parts and collections)."""
    kind = geometry.geom_type
    if kind.startswith("Multi") or kind == "GeometryCollection":
        multi = ET.Element(_k("MultiGeometry"))
        for part in geometry.geoms:
            if not part.is_empty:
                multi.append(kml_geometry(part))
        return multi
    if kind == "Point":
        element = ET.Element(_k("Point"))
        ET.SubElement(element, _k("coordinates")).text = _coords(geometry.coords)
        return element
    if kind in ("LineString", "LinearRing"):
        element = ET.Element(_k("LineString"))
        ET.SubElement(element, _k("tessellate")).text = "1"
        ET.SubElement(element, _k("coordinates")).text = _coords(geometry.coords)
        return element
    element = ET.Element(_k("Polygon"))
    for tag, rings in (("outerBoundaryIs", [geometry.exterior]), ("innerBoundaryIs", list(geometry.interiors))):
        for ring in rings:
            boundary = ET.SubElement(element, _k(tag))
            linear = ET.SubElement(boundary, _k("LinearRing"))
            ET.SubElement(linear, _k("coordinates")).text = _coords(ring.coords)
    return element


def _style(document: ET.Element, data: SnapshotData, layer: str) -> None:
    spec = data.registry.get(layer)
    style = ET.SubElement(document, _k("Style"), id=f"style-{layer}")
    line_style = ET.SubElement(style, _k("LineStyle"))
    ET.SubElement(line_style, _k("color")).text = _kml_color(spec.color, 1.0)
    ET.SubElement(line_style, _k("width")).text = str(max(1, spec.weight // 2 + 1))
    poly_style = ET.SubElement(style, _k("PolyStyle"))
    ET.SubElement(poly_style, _k("color")).text = _kml_color(spec.color, 0.3)
    icon_style = ET.SubElement(style, _k("IconStyle"))
    ET.SubElement(icon_style, _k("color")).text = _kml_color(spec.color, 1.0)
    ET.SubElement(icon_style, _k("scale")).text = "0.8"


def _placemark(data: SnapshotData, layer: str, row: dict, geometry: shapely.Geometry) -> ET.Element:
    lang = data.lang
    placemark_id = _xml_id(row["id"])
    placemark = ET.Element(_k("Placemark"), id=placemark_id)
    name = row["name_en"] if lang == "en" and row["name_en"] else row["name"]
    ET.SubElement(placemark, _k("name")).text = xml_text(name)
    quality = data.registry.quality_styles.get(row["geometry_quality"], {})
    description = [
        f"{t('panel.layer', lang)}: {data.registry.label(layer, lang)}",
        f"{t('panel.status', lang)}: {t('status.' + row['status'], lang) if row['status'] else ''}",
        f"{t('panel.provenance', lang)}: {quality.get('label_en' if lang == 'en' else 'label_vi', row['geometry_quality'])}",
        f"{t('panel.tasks', lang)}: {', '.join(row['task_ids'])}",
    ]
    if row["geometry_quality"] == "schematic":
        description.append(t("panel.schematic_warning", lang))
    ET.SubElement(placemark, _k("description")).text = xml_text("\n".join(description))
    ET.SubElement(placemark, _k("styleUrl")).text = f"#style-{layer}"
    extended = ET.SubElement(placemark, _k("ExtendedData"))
    for column in FEATURE_COLUMNS:
        if column == "id" and placemark_id == row["id"]:
            continue  # the Placemark's id attribute carries it
        value = row[column]
        item = ET.SubElement(extended, _k("Data"), name=column)
        ET.SubElement(item, _k("value")).text = xml_text(join_ids(value) if isinstance(value, list) else value)
    placemark.append(kml_geometry(geometry))
    return placemark


def _k(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


def _xml_id(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else f"f_{cleaned}"


def _kml_color(hex_color: str, alpha: float) -> str:
    """Return a KML colour (aabbggrr) from '#rrggbb'."""
    red, green, blue = hex_color[1:3], hex_color[3:5], hex_color[5:7]
    return f"{round(alpha * 255):02x}{blue}{green}{red}"


def _coords(coords: Iterable[tuple[float, ...]]) -> str:
    return " ".join(f"{c[0]:.7f},{c[1]:.7f}" for c in coords)
