"""Altair (Vega-Lite) charts of the app, shaped from the frames of :mod:`geo.progress.dashboard` (no streamlit here)."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from geo.progress.categories import CATEGORIES, CATEGORY_COLOURS


def category_scale(name: Callable[[str], str]) -> alt.Scale:
    """Return the colour scale of the progress categories, named by `name` (code -> label)."""
    return alt.Scale(domain=[name(code) for code in CATEGORIES], range=[CATEGORY_COLOURS[code] for code in CATEGORIES])


def stacked_bars(frame: pd.DataFrame, *, title: str, count: str, legend: str, name: Callable[[str], str]) -> alt.Chart:
    """Horizontal bars per ``group``, stacked by ``category`` (codes named by `name`), length ``n``."""
    data = frame.assign(category=frame["category"].map(name))
    return alt.Chart(data, title=title, height=max(120, 24 * data["group"].nunique())).mark_bar().encode(
        y=alt.Y("group:N", sort="-x", title=None), x=alt.X("n:Q", stack="zero", title=count),
        color=alt.Color("category:N", scale=category_scale(name), title=legend), tooltip=["group", "category", "n"],
    )  # fmt: skip


def gantt(frame: pd.DataFrame, *, axis: str, legend: str, name: Callable[[str], str]) -> alt.LayerChart:
    """Draw a bar from ``start`` to ``end`` per ``task``, coloured by category, and a diamond at the ``completed`` date."""
    data = frame.assign(category=frame["category"].map(name))
    base = alt.Chart(data, height=max(200, 16 * len(data)))
    bars = base.mark_bar(opacity=0.8).encode(
        y=alt.Y("task:N", sort=None, title=None, axis=alt.Axis(labelLimit=360)), x=alt.X("start:T", title=axis), x2="end:T",
        color=alt.Color("category:N", scale=category_scale(name), title=legend), tooltip=["task", "end", "category"],
    )  # fmt: skip
    done = base.transform_filter("datum.completed != null").mark_point(shape="diamond", size=70, filled=True, color="#000").encode(
        y=alt.Y("task:N", sort=None), x="completed:T", tooltip=["task", "completed"]
    )
    return bars + done


def trend_bars(frame: pd.DataFrame, *, axis: str, count: str, legend: str, name: Callable[[str], str]) -> alt.Chart:
    """Stacked bars of the categories per ``quarter``."""
    data = frame.assign(category=frame["category"].map(name))
    return alt.Chart(data, height=240).mark_bar().encode(
        x=alt.X("quarter:N", title=axis), y=alt.Y("n:Q", stack="zero", title=count),
        color=alt.Color("category:N", scale=category_scale(name), title=legend), tooltip=["quarter", "category", "n"],
    )  # fmt: skip


def count_bars(counts: pd.Series, *, title: str, count: str) -> alt.Chart:
    """Small horizontal bars of a count per label (the index of `counts`)."""
    frame = counts.rename_axis("label").reset_index(name="n")
    return alt.Chart(frame, title=title, height=max(60, 22 * len(frame))).mark_bar().encode(
        y=alt.Y("label:N", sort="-x", title=None), x=alt.X("n:Q", title=count), tooltip=["label", "n"]
    )
