"""The figures of the progress dashboard as plain frames (pure: the pages draw them, :mod:`layers.charts` shapes them).

Every category comes from :func:`geo.progress.categories.categories` and every quarter from
:mod:`geo.progress.periods`: the dashboard adds no rule of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd

from geo.progress.categories import CATEGORIES, categories
from geo.progress.periods import QUARTER, parse_period, periods_between
from geo.text import split_ids


def quarters(first: date, last: date) -> list[tuple[str, date]]:
    """Return (``2026Q1``, last day) for every quarter from the one holding `first` to the one holding `last`."""
    return [(period, parse_period(period)[2]) for period in periods_between(first, last, QUARTER)]  # type: ignore[index]


def by_group(tasks: pd.DataFrame, *, by: str, label: Callable[[str], str] = str, top: int = 15) -> pd.DataFrame:
    """Return the tasks counted per group and category: ``group`` (label), ``category`` (code), ``n``.

    `by` is ``agency`` (each lead agency of a task counted) or ``doc``; only the `top` groups
    with the most tasks are kept.
    """
    if tasks.empty:
        return pd.DataFrame(columns=["group", "category", "n"])
    if by == "agency":
        groups = tasks["lead_agency"].map(split_ids).explode().dropna()
        frame = pd.DataFrame({"group": groups.map(label).to_numpy(), "category": tasks.loc[groups.index, "progress_category"].to_numpy()})
    else:
        frame = pd.DataFrame({"group": tasks["doc_id"].map(label).to_numpy(), "category": tasks["progress_category"].to_numpy()})
    counted = frame.groupby(["group", "category"]).size().rename("n").reset_index()
    kept = counted.groupby("group")["n"].sum().nlargest(top).index
    return counted[counted["group"].isin(kept)].reset_index(drop=True)


def timeline(tasks: pd.DataFrame, *, limit: int = 60, lead_days: int = 90) -> pd.DataFrame:
    """Return the dated tasks for a Gantt, earliest deadline first.

    Columns: ``task`` (document · TT · text), ``start`` (window start, or `lead_days` before the deadline),
    ``end`` (deadline), ``completed`` (completion date or None), ``category``.
    """
    dated = tasks[tasks["due_end"].notna()].sort_values("due_end", kind="stable").head(limit)
    return pd.DataFrame({
        "task": (dated["doc_id"] + " · " + dated["tt"].astype(str) + " · " + dated["task"].str.slice(0, 60)).to_numpy(),
        "start": [start or (end - timedelta(days=lead_days)) for start, end in zip(dated["due_start"], dated["due_end"], strict=True)],
        "end": list(dated["due_end"]),
        "completed": list(dated["progress_completed_on"]) if "progress_completed_on" in dated else [None] * len(dated),
        "category": list(dated["progress_category"]),
    })  # fmt: skip


def trend(tasks: pd.DataFrame, reports: pd.DataFrame, *, first: date, last: date) -> pd.DataFrame:
    """Return the categories of `tasks` at the end of each quarter from `first` to `last`: ``quarter``, ``category``, ``n``."""
    rows = []
    for quarter, end in quarters(first, last):
        codes = categories(tasks, reports, end)["progress_category"]
        rows += [{"quarter": quarter, "category": code, "n": int((codes == code).sum())} for code in CATEGORIES]
    return pd.DataFrame(rows, columns=["quarter", "category", "n"])


def latest_values(indicators: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Return `indicators` with the latest reported ``value``, its date ``on`` and ``source`` (empty where none)."""
    if values.empty:
        return indicators.assign(value=None, on=None, source="")
    latest = values.sort_values(["on", "id"], kind="stable").groupby("indicator_id").tail(1).set_index("indicator_id")
    return indicators.join(latest[["value", "on", "source"]], on="id")
