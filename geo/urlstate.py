"""The text form of a view's settings in a URL: one rule for writing a value, lenient parsers for reading it back.

:meth:`geo.filters.TaskFilter.to_query_params` writes the filter with :func:`param_text`; the map's
view (centre, zoom, selection, colouring) and the TOD page's settings are written with
:func:`format_params` and read with :func:`parse_params`, so a shared link opens what its sender saw
and a damaged one still opens (what cannot be read is left out).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from datetime import date

__all__ = ["MAP_PARAMS", "TOD_PARAMS", "format_params", "param_text", "parse_params"]


def _names(raw: str) -> list[str]:
    return [part for part in raw.split(",") if part]


def _radius(raw: str) -> int | str:
    return raw if raw == "…" else int(raw)  # "…": the planner's own radius (tod_radius_custom)


#: The map's view and selection: parameter -> parser.
MAP_PARAMS: dict[str, Callable[[str], object]] = {
    "lat": float, "lon": float, "z": int, "sel": str, "task": str, "colour": str,
}  # fmt: skip
#: The TOD page's settings: parameter -> parser.
TOD_PARAMS: dict[str, Callable[[str], object]] = {
    "tod_lines": _names, "tod_phase": date.fromisoformat, "tod_compare": date.fromisoformat,
    "tod_estimates": lambda raw: raw == "1", "tod_radius": _radius, "tod_radius_custom": int, "tod_study": str,
    "tod_method": str,
}  # fmt: skip


def param_text(value: object) -> str:
    """Return the URL text of a value: names joined by commas, ``1``/``0``, ISO dates, 5 decimals (about 1 m)."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(part) for part in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):  # float and NumPy floats
        return f"{value:.5f}"
    return str(value)


def format_params(values: Mapping[str, object]) -> dict[str, str]:
    """Return the URL parameters of `values`, leaving out the unset ones (None, empty text or list)."""
    return {name: param_text(value) for name, value in values.items() if not _unset(value)}


def _unset(value: object) -> bool:
    # by type, not `value in (None, "", [])`: a NumPy number compared with [] gives an array, not a bool
    return value is None or (isinstance(value, (str, list, tuple)) and not value)


def parse_params(params: Mapping[str, str], parsers: Mapping[str, Callable[[str], object]]) -> dict[str, object]:
    """Return the parameters of `parsers` that `params` carries and that parse; the others are left out."""
    values: dict[str, object] = {}
    for name, parse in parsers.items():
        raw = params.get(name)
        if raw in (None, ""):
            continue
        try:
            values[name] = parse(str(raw))
        except (TypeError, ValueError):
            continue
    return values
