"""Tasks CSV writer: ``tasks.csv``, the matching task records (UTF-8 with BOM, for Excel)."""

from __future__ import annotations

import pandas as pd

from geo.csvio import frame_to_csv
from geo.export.prepare import TASK_EXTRA_COLUMNS, SnapshotData
from geo.register import COLUMNS
from geo.text import join_ids

MEMBER = "tasks.csv"


def write_tasks_csv(data: SnapshotData) -> dict[str, bytes]:
    """Return ``{"tasks.csv": bytes}``: register columns plus ``past_due``, ``feature_ids`` and ``on_map``.

    Dates are ISO (``""`` when none), ``feature_ids`` is ``;``-joined, and cells a
    spreadsheet would run as formulas are neutralised (:func:`geo.csvio.frame_to_csv`).
    Written even when no task matches (the header alone).
    """
    return {MEMBER: frame_to_csv(task_rows(data.tasks))}


def task_rows(tasks: pd.DataFrame) -> pd.DataFrame:
    """Return the task table as text cells: ISO dates and joined ``feature_ids``."""
    table = tasks.reindex(columns=[*COLUMNS, *TASK_EXTRA_COLUMNS]).copy()
    for column in ("due_start", "due_end", "progress_reported_on", "progress_completed_on"):
        table[column] = table[column].map(lambda day: day.isoformat() if hasattr(day, "isoformat") else "")
    table["feature_ids"] = table["feature_ids"].map(join_ids)
    return table
