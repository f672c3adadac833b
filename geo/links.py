"""Links between features and tasks: the core relation of the product, kept as data.

``data/links.csv`` holds one row per link: ``feature_id``, ``task_id`` and the
``basis``, the words of the task that name the object (copied from the task
text, so a reader can see why the feature stands for the task). The features
file carries no task ids; :func:`attach_links` adds them when the data is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.csvio import read_data_table
from geo.text import fold

LINK_COLUMNS = ("feature_id", "task_id", "basis")


def load_links(path: Path | str = settings.LINKS_CSV) -> pd.DataFrame:
    """Load the feature-task links.

    Parameters
    ----------
    path : pathlib.Path or str
        CSV with the columns ``feature_id``, ``task_id``, ``basis`` (UTF-8).

    Returns
    -------
    pandas.DataFrame
        One row per link, every column text, in the order of the file.

    Raises
    ------
    DataFileError
        If the file is missing, unreadable or lacks a column.
    """
    links = read_data_table(path, columns=LINK_COLUMNS, what="feature-task links")
    return links.loc[:, list(LINK_COLUMNS)].reset_index(drop=True)


def attach_links(features: gpd.GeoDataFrame, links: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return a copy of `features` with ``task_ids``: the tuple of task ids linked to each feature.

    Task ids keep the order of `links`; a feature with no link gets an empty tuple.
    """
    grouped = links.groupby("feature_id", sort=False)["task_id"].agg(tuple).to_dict()
    out = features.copy()
    out["task_ids"] = [grouped.get(str(feature_id), ()) for feature_id in out.index]
    return out


def features_by_task(links: pd.DataFrame, feature_ids: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Return, for each task id, the ids of its linked features (only those in `feature_ids` when given)."""
    keep = links if feature_ids is None else links[links["feature_id"].isin(set(feature_ids))]
    return keep.groupby("task_id", sort=False)["feature_id"].agg(tuple).to_dict()


def link_problems(links: pd.DataFrame, *, feature_ids: Iterable[str], tasks: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Check the links; return (severity, record, message) triples.

    Errors: an unknown feature or task, a repeated pair, an empty basis, or a
    basis that is not words of the task (compared without accents, case or
    spacing, so "Cầu  Tứ Liên" matches "cầu Tứ Liên").
    """
    known_features = set(feature_ids)
    problems: list[tuple[str, str, str]] = []
    repeated = links.duplicated(subset=["feature_id", "task_id"], keep="first")
    for row_number, row in enumerate(links.itertuples(index=False), start=2):
        record = f"{row.feature_id} -> {row.task_id}"
        where = f"data/links.csv row {row_number}"
        if row.feature_id not in known_features:
            problems.append(("error", record, f"{where}: feature {row.feature_id!r} is not in data/projects.geojson"))
        if row.task_id not in tasks.index:
            problems.append(("error", record, f"{where}: task {row.task_id!r} is not in data/tasks.csv"))
            continue
        if repeated.iloc[row_number - 2]:
            problems.append(("error", record, f"{where}: the link is listed twice"))
        if not row.basis.strip():
            problems.append(("error", record, f"{where}: the basis is empty; quote the words of the task that name the object"))
        elif not basis_in_task(row.basis, tasks.at[row.task_id, "task"]):
            problems.append(("error", record, f"{where}: the basis {row.basis!r} is not words of the task text"))
    return problems


def basis_in_task(basis: str, task_text: str) -> bool:
    """Return True when `basis` is words of `task_text`, compared without accents, case or spacing (an empty basis is not)."""
    squashed = _squash(str(basis or ""))
    return bool(squashed) and squashed in _squash(str(task_text or ""))


def _squash(text: str) -> str:
    return " ".join(fold(text).replace("\u00a0", " ").split())
