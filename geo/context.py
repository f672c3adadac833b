"""Context layers: city boundary, the 126 wards/communes with population, and the Red River.

The wards' geometry comes from OpenStreetMap (``data/context``); their population
from ``data/sources/ward_population_2025.csv``, one row per unit with the official
figure, the OSM tag kept for comparison and the figure the app uses (see
``data/sources/ward_population_SOURCES.md`` for the sources and the rule).
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import settings
from geo.csvio import read_data_table
from geo.errors import DataFileError
from geo.i18n import t
from geo.mapdata import light_geometry

POPULATION_FILE = Path("sources") / "ward_population_2025.csv"
POPULATION_COLUMNS = (
    "name", "population_official", "official_source", "official_date",
    "population_osm", "population_used", "used_from", "note",
)  # fmt: skip
USED_FROM = ("official", "osm")


def default_population_csv() -> Path:
    """Return the ward population table: the data folder's own, else the repository's.

    Copies of the data of record made for tests (``HANOI_DATA_DIR``) may leave
    ``sources/`` out; their ward layer is the shipped one, so the shipped table applies.
    """
    own = settings.DATA_DIR / POPULATION_FILE
    return own if own.exists() else settings.REPO_DATA_DIR / POPULATION_FILE


def load_wards(path=settings.WARDS_GEOJSON, population_path=None) -> gpd.GeoDataFrame:
    """Load the 2025 wards/communes (EPSG:4326), indexed by name, with their population.

    Parameters
    ----------
    path : pathlib.Path or str
        The OSM ward layer (GeoJSON).
    population_path : pathlib.Path or str or None
        The ward population table (:data:`POPULATION_COLUMNS`); default
        :func:`default_population_csv`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``population`` is the table's ``population_used`` (NaN where unknown, never 0);
        ``population_osm`` keeps the layer's OSM tag; ``population_source`` says where the
        used figure comes from (``official`` or ``osm``, missing where unknown);
        ``population_date`` is that figure's date; ``label`` and ``label_en`` name the
        unit and its population.

    Raises
    ------
    DataFileError
        If a file is missing or unreadable, or the table and the layer do not list the
        same units (the message names them), or a population value is not a whole
        non-negative number.
    """
    frame = _read(path)
    table_path = population_path or default_population_csv()
    table = load_population_table(table_path)
    _check_same_units(frame["name"], table["name"], table_path)
    by_name = table.set_index("name")
    used_from = by_name["used_from"]
    dates = np.select([used_from == "official", used_from == "osm"], [by_name["official_date"], _osm_dates(frame, by_name)], "")
    frame["population_osm"] = frame["population"]
    frame["population"] = frame["name"].map(by_name["population_used"]).astype(float)
    frame["population_source"] = frame["name"].map(used_from.where(used_from != "", None))
    frame["population_date"] = frame["name"].map(pd.Series(dates, index=by_name.index).replace({"": None}))
    for column, lang in (("label", "vi"), ("label_en", "en")):
        frame[column] = [
            _ward_label(name, population, lang) for name, population in zip(frame["name"], frame["population"], strict=True)
        ]
    return frame.set_index("name", drop=False)


@functools.lru_cache(maxsize=2)
def load_context(*, light: bool = False) -> dict[str, gpd.GeoDataFrame]:
    """Return the context frames by layer id: ``boundary``, ``wards``, ``red_river``.

    Parameters
    ----------
    light : bool
        Simplify (30 m, in EPSG:32648) and round (1e-4 degrees, about 11 m) for the map payload:
        context is drawn at city scale.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        Read once per process (the files are data of record and do not change while
        it runs); callers must not modify the frames.
    """
    frames = {
        "boundary": _read(settings.BOUNDARY_GEOJSON),
        "wards": load_wards(),
        "red_river": _read(settings.RED_RIVER_GEOJSON),
    }
    if light:
        frames = {key: light_geometry(frame, tolerance_m=30.0, decimals=4) for key, frame in frames.items()}
    return frames


def _read(path) -> gpd.GeoDataFrame:
    try:
        return gpd.read_file(path).to_crs(settings.CRS_STORE)
    except Exception as error:  # pyogrio raises several types for a missing or broken file
        msg = f"{path}: cannot read the context layer ({type(error).__name__}: {error})."
        raise DataFileError(msg) from error


def _ward_label(name: str, population, lang: str) -> str:
    if population is None or population != population:  # NaN: unknown, never zero
        return t("ward.unknown", lang, name=name)
    separator = "." if lang == "vi" else ","
    return t("ward.population", lang, name=name, population=f"{int(population):,}".replace(",", separator))


def load_population_table(path: Path | str) -> pd.DataFrame:
    """Read the ward population table; integers as float (NaN where empty).

    Raises
    ------
    DataFileError
        If the file is missing or unreadable, lacks a column, repeats a name, has a
        value that is not a whole non-negative number, a ``used_from`` other than
        ``official``/``osm``/empty, or a ``population_used`` that is not the figure
        ``used_from`` names.
    """
    path = Path(path)
    table = read_data_table(path, columns=POPULATION_COLUMNS, what="ward population table")
    table = table.loc[:, list(POPULATION_COLUMNS)].copy()
    table["name"] = table["name"].str.strip()
    repeated = sorted(set(table.loc[table["name"].duplicated(), "name"]))
    if repeated:
        msg = f"{path}: unit(s) listed more than once: {repeated}."
        raise DataFileError(msg)
    for column in ("population_official", "population_osm", "population_used"):
        text = table[column].str.strip()
        bad = table.loc[(text != "") & ~text.str.fullmatch(r"\d+"), "name"].tolist()
        if bad:
            msg = f"{path}: {column} is not a whole non-negative number for {bad}."
            raise DataFileError(msg)
        table[column] = pd.to_numeric(text.replace("", None)).astype(float)
    bad = table.loc[~table["used_from"].isin([*USED_FROM, ""]), "name"].tolist()
    if bad:
        msg = f"{path}: used_from must be one of {list(USED_FROM)} or empty (unknown); not so for {bad}."
        raise DataFileError(msg)
    expected = np.select(
        [table["used_from"] == "official", table["used_from"] == "osm"],
        [table["population_official"], table["population_osm"]],
        default=np.nan,
    )
    same = (table["population_used"] == expected) | (table["population_used"].isna() & np.isnan(expected))
    bad = table.loc[~same, "name"].tolist()
    if bad:
        msg = f"{path}: population_used is not the {'/'.join(USED_FROM)} figure that used_from names for {bad}."
        raise DataFileError(msg)
    return table.reset_index(drop=True)


def _check_same_units(layer_names: pd.Series, table_names: pd.Series, path) -> None:
    not_in_layer = sorted(set(table_names) - set(layer_names))
    not_in_table = sorted(set(layer_names) - set(table_names))
    if not_in_layer or not_in_table:
        parts = []
        if not_in_layer:
            parts.append(f"not in the ward layer: {not_in_layer}")
        if not_in_table:
            parts.append(f"missing from the table: {not_in_table}")
        msg = f"{path}: the ward population table and the ward layer list different units ({'; '.join(parts)})."
        raise DataFileError(msg)


def _osm_dates(frame: gpd.GeoDataFrame, by_name: pd.DataFrame) -> list:
    """Return the OSM ``population_date`` of each table row's unit, as text (empty where none)."""
    if "population_date" not in frame:
        return [""] * len(by_name)
    dates = pd.Series(frame["population_date"].values, index=frame["name"].values)
    return ["" if pd.isna(value := dates.get(name)) else str(pd.Timestamp(value).date()) for name in by_name.index]
