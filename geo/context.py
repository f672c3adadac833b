"""Context layers: city boundary, the 126 wards/communes with population, and the Red River."""

from __future__ import annotations

import functools

import geopandas as gpd

from geo import settings
from geo.errors import DataFileError
from geo.i18n import t
from geo.mapdata import light_geometry


def load_wards(path=settings.WARDS_GEOJSON) -> gpd.GeoDataFrame:
    """Load the 2025 wards/communes (EPSG:4326), indexed by name, with ``population`` (NaN where unknown).

    Raises
    ------
    DataFileError
        If the file is missing or unreadable.
    """
    frame = _read(path)
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
