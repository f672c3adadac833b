"""The network through time: what stood on a given day, from the features' dated facts.

A feature may carry ``construction_start`` and ``opens`` (ISO dates, each with a
source) and ``opens_kind`` (``actual`` or ``target``). On a day D:

- opened (actual date on or before D): ``operating``;
- a target opening on or before D that has not been confirmed: ``operating`` as
  planned, with the basis ``target`` (drawn apart: it is a plan, not a fact);
- construction started on or before D: ``under construction``;
- otherwise, when it has any date: ``planned`` (before its construction);
- with no date at all: the recorded ``status`` (its ``status_date`` and source say when it held).

Statuses that are not about building (e.g. a river's ``existing``) are kept as recorded.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd

BUILT_STATUSES = ("operating", "under construction", "planned")
BASES = ("actual", "target", "construction", "dated", "recorded")


def status_on(features: gpd.GeoDataFrame, day: date) -> pd.DataFrame:
    """Return each feature's status on `day` and its basis.

    Parameters
    ----------
    features : geopandas.GeoDataFrame
        Project features with ``status`` and, where known, ``construction_start``,
        ``opens`` and ``opens_kind``.
    day : datetime.date
        The day asked for.

    Returns
    -------
    pandas.DataFrame
        Index of `features`; ``status_as_of`` and ``status_basis`` (one of ``BASES``:
        ``actual`` opened, ``target`` opening per plan, ``construction`` started,
        ``dated`` not yet started, ``recorded`` no dates: the recorded status).
    """
    statuses, bases = [], []
    for _, row in features.iterrows():
        status, basis = _one(row, day)
        statuses.append(status)
        bases.append(basis)
    return pd.DataFrame({"status_as_of": statuses, "status_basis": bases}, index=features.index)


def _one(row: pd.Series, day: date) -> tuple[str, str]:
    recorded = row.get("status")
    if recorded not in BUILT_STATUSES:
        return recorded, "recorded"
    opens = _day(row.get("opens"))
    started = _day(row.get("construction_start"))
    kind = row.get("opens_kind") if isinstance(row.get("opens_kind"), str) else ""
    if opens is not None and opens <= day:
        return "operating", "actual" if kind != "target" else "target"
    if started is not None and started <= day:
        return "under construction", "construction"
    if opens is not None or started is not None:
        if recorded == "operating" and opens is None:
            return recorded, "recorded"  # operating, with only a construction date: keep what is recorded
        return "planned", "dated"
    return recorded, "recorded"


def _day(value: object) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
