"""Progress in the pages: a task's category, latest report and history; the legend of the map's progress colours."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from geo.i18n import day_text, number, t
from geo.progress.categories import CATEGORIES, CATEGORY_COLOURS, categories, reports_as_of
from pages import _text


def progress_block(task_id: str, row: pd.Series, reports: pd.DataFrame, *, as_of: date, lang: str) -> None:
    """Show the task's category as of `as_of`, its latest report (text as text) and every earlier report."""
    own = reports[reports["task_id"] == task_id] if not reports.empty else reports
    code = row.get("progress_category") or categories(pd.DataFrame([row]).set_index(pd.Index([task_id])), own, as_of).iloc[0]["progress_category"]
    badge = (f'<span style="display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;background:{CATEGORY_COLOURS[code]}">'
             f"{_text.esc(t('category.' + code, lang))}</span>")  # fmt: skip
    counted = reports_as_of(own, as_of)
    if counted.empty:
        _text.show(f"<p>{badge}</p>", _text.text(t("progress.none", lang), small=True))
        return
    ordered = counted.sort_values(["reported_on", "id"], ascending=False)
    _text.show(f"<p>{badge}</p>", *report_parts(ordered.iloc[0], lang=lang, title=t("progress.latest", lang)))
    if len(ordered) > 1:
        with st.expander(t("progress.history", lang, n=len(ordered))):
            for _, report in ordered.iloc[1:].iterrows():
                _text.show(*report_parts(report, lang=lang))


def report_parts(report: pd.Series, *, lang: str, title: str = "") -> list[str]:
    """Return the HTML parts (escaped) of one report: status, dates, percent, results, difficulties, proposals, evidence."""
    head = f"{t('pstatus.' + str(report['status']), lang)} · " + t(
        "progress.reported_by", lang, who=report.get("reporter", ""), date=day_text(report["reported_on"], lang)
    )
    parts = [_text.line(title, head) if title else _text.text(head)]
    if report.get("completed_on") is not None and pd.notna(report.get("completed_on")):
        parts.append(_text.line(t("tcol.completed_on", lang), day_text(report["completed_on"], lang)))
    if report.get("percent") is not None and pd.notna(report.get("percent")):
        parts.append(_text.line(t("progress.percent", lang), f"{number(float(report['percent']), lang)}%"))
    for key, label in (("milestone", "tcol.milestone"), ("results", "progress.results"), ("difficulties", "progress.difficulties"),
                       ("proposals", "progress.proposals")):  # fmt: skip
        if str(report.get(key) or "").strip():
            parts.append(_text.line(t(label, lang), report[key]))
    evidence = " · ".join(str(report.get(key) or "") for key in ("evidence_ref", "evidence_link", "evidence_name") if report.get(key))
    if evidence:
        parts.append(_text.line(t("progress.evidence", lang), evidence, small=True))
    return parts


def category_legend(view, *, lang: str) -> None:
    """Show the colours of the progress categories with the number of matching tasks in each."""
    counts = view.tasks["progress_category"].value_counts() if "progress_category" in view.tasks else pd.Series(dtype=int)
    cells = "".join(
        f'<span style="margin-right:12px;white-space:nowrap"><span style="display:inline-block;width:12px;height:12px;'
        f'background:{CATEGORY_COLOURS[code]};margin-right:4px;vertical-align:middle"></span>'
        f"{_text.esc(t('category.' + code, lang))} ({int(counts.get(code, 0))})</span>"
        for code in CATEGORIES
    )
    _text.show(f'<div style="font-size:0.85rem">{cells}</div>')
