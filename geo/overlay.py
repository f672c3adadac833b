"""The map as planners corrected it: the current approved feature versions of the store laid over the base of record.

Pure data: no store access here; :func:`geo.view.with_store` reads the versions and
calls :func:`apply_versions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import pandas as pd

from geo.features import features_from_geojson

if TYPE_CHECKING:
    from geo.store.feature_versions import FeatureVersion

EDIT_COLUMNS: Final[tuple[str, ...]] = ("feature_id", "seq", "action", "author", "created_at", "geometry_quality", "geometry_source", "reason")


def apply_versions(
    features: gpd.GeoDataFrame, links: pd.DataFrame, current: Iterable[FeatureVersion]
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """Lay the current versions over the base: return (features, links, edits).

    A retired feature leaves the features and its links; an edited one replaces its
    row and its links; an added one is appended. Each changed feature carries
    ``edit_seq``, ``edited_by`` and ``edited_at`` (text, ``YYYY-MM-DD HH:MM UTC``: every writer takes it); `edits` lists them (``EDIT_COLUMNS``),
    for the card and the export's manifest.
    """
    current = list(current)
    if not current:
        return features, links, pd.DataFrame(columns=list(EDIT_COLUMNS))
    changed = {version.feature_id for version in current}
    live = [version for version in current if not version.retired]
    rows = features_from_geojson([version.feature() for version in live], source="store") if live else None
    keep = features[~features.index.isin(changed)]
    if rows is not None:
        stamp = {version.feature_id: version for version in live}
        rows = rows.assign(edit_seq=[stamp[fid].seq for fid in rows.index], edited_by=[stamp[fid].author for fid in rows.index],
                           edited_at=[_when(stamp[fid].created_at) for fid in rows.index])  # fmt: skip
        merged = pd.concat([keep, rows[[column for column in rows.columns if column != "task_ids"]]])
        keep = gpd.GeoDataFrame(merged, geometry="geometry", crs=features.crs)
    extra = pd.DataFrame([(version.feature_id, task, basis) for version in live for task, basis in version.links], columns=list(links.columns))
    out_links = pd.concat([links[~links["feature_id"].isin(changed)], extra], ignore_index=True)
    edits = pd.DataFrame([
        (version.feature_id, version.seq, version.action, version.author, version.created_at, version.quality,
         str(version.properties.get("geometry_source", "")), version.reason)
        for version in current
    ], columns=list(EDIT_COLUMNS))  # fmt: skip
    return keep, out_links, edits


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else ""
