"""A CSV of coordinates (survey points, a traced line): read into geometries, every cell checked.

Used by :mod:`geo.geomfile`, which transforms the result from the CRS the uploader states.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from typing import Final

import numpy as np
import shapely

from geo import settings
from geo.errors import InvalidArgumentError, problem

X_COLUMNS: Final[tuple[str, ...]] = ("x", "lon", "lng", "long", "longitude", "easting", "kinh độ", "kinh do")
Y_COLUMNS: Final[tuple[str, ...]] = ("y", "lat", "latitude", "northing", "vĩ độ", "vi do")
PART_COLUMNS: Final[tuple[str, ...]] = ("part", "feature")


def read_coordinate_csv(name: str, content: bytes, shape: str) -> tuple[np.ndarray, list[dict], list[str]]:
    """Return (geometries, attributes, part labels) of a CSV of coordinates, in the CSV's own (unstated) CRS.

    The columns are found by name (``X_COLUMNS``, ``Y_COLUMNS``, optional ``PART_COLUMNS``, any case); the
    separator is the one the first line uses most (``,``, ``;`` or tab); UTF-8 with or without BOM; at most
    :data:`geo.settings.MAX_TABLE_ROWS` rows. `shape` is as in :func:`geo.geomfile.read_geometry_file`.

    Raises
    ------
    InvalidArgumentError
        For another encoding, missing columns, a coordinate that is not a number (naming its line), too many
        rows, or a part with too few points for a line or a polygon.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise problem(InvalidArgumentError, "err.geom_csv_encoding", name=name, detail=f"{error.reason} at byte {error.start}") from error
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
            elif len(rows) >= settings.MAX_TABLE_ROWS:
                raise problem(InvalidArgumentError, "err.more_rows_than", name=name, limit=settings.MAX_TABLE_ROWS)
            else:
                rows.append((reader.line_num, row))
    except csv.Error as error:
        raise problem(InvalidArgumentError, "err.geom_unreadable", name=name, format="CSV", detail=f"line {reader.line_num}: {error}") from error
    keys = [column_key(cell) for cell in header or []]
    x_at = next((i for i, key in enumerate(keys) if key in X_COLUMNS), None)
    y_at = next((i for i, key in enumerate(keys) if key in Y_COLUMNS), None)
    if header is None or x_at is None or y_at is None:
        raise problem(InvalidArgumentError, "err.geom_csv_columns", name=name, found=", ".join(header or []) or "—")
    part_at = next((i for i, key in enumerate(keys) if key in PART_COLUMNS), None)
    records = []
    for line, row in rows:
        cells = row + [""] * (len(header) - len(row))
        x, y = (_number(name, line, header[at], cells[at], delimiter) for at in (x_at, y_at))
        attributes = {column: cells[i] for i, column in enumerate(header) if i not in (x_at, y_at) and column}
        records.append((cells[part_at].strip() if part_at is not None else "", (x, y), attributes))
    if shape == "point":
        return np.array([shapely.Point(xy) for _, xy, _ in records], dtype=object), [a for *_, a in records], []
    parts: dict[str, list] = {}
    for part, xy, attributes in records:
        parts.setdefault(part, []).append((xy, attributes))
    geometries, properties = [], []
    for part, items in parts.items():
        coords = [xy for xy, _ in items]
        distinct = len(set(coords))
        if shape == "line" and distinct < 2:
            raise problem(InvalidArgumentError, "err.geom_csv_line_points", name=name, part=part, n=distinct)
        if shape == "polygon":
            if distinct < 3:
                raise problem(InvalidArgumentError, "err.geom_csv_polygon_points", name=name, part=part, n=distinct)
            geometries.append(shapely.Polygon(coords if coords[0] == coords[-1] else [*coords, coords[0]]))
        else:
            geometries.append(shapely.Point(coords[0]) if len(coords) == 1 and shape == "auto" else shapely.LineString(coords))
        properties.append(items[0][1])
    return np.array(geometries, dtype=object), properties, list(parts)


def column_key(text: str) -> str:
    """Return a header or property name as compared: NFC, trimmed, lower-case."""
    return unicodedata.normalize("NFC", str(text)).strip().lower()


def _number(name: str, line: int, column: str, text: str, delimiter: str) -> float:
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if delimiter != "," and re.fullmatch(r"[-+]?\d+,\d+", value):
        value = value.replace(",", ".")  # a decimal comma, as Excel writes on a Vietnamese system with ';' between cells
    number = float(value) if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", value) else math.nan  # no nan, inf, 1_000
    if not math.isfinite(number):
        raise problem(InvalidArgumentError, "err.geom_csv_number", name=name, line=line, column=column, value=text)
    return number
