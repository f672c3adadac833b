"""Task register page: the filtered tasks as a table, and the import of a new plan."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.csvio import frame_to_csv
from geo.errors import PlanningMapError
from geo.i18n import flag_text, t
from geo.importer import import_tasks
from pages import _cache, _frame, _panels, _plans

lang, choice = _frame.current()
st.title(t("register.title", lang))
st.caption(t("register.intro", lang))

try:
    tasks = _cache.view(_cache.filter_key(choice)).tasks
except PlanningMapError as error:
    _panels.error(error, lang)
    st.stop()
agencies = _cache.agency_index()
total = len(_cache.register())
st.markdown(f"**{t('count.tasks', lang, n=len(tasks), total=total)}**", help=t("past_due.help", lang))


view = tasks.assign(
    lead=tasks["lead_agency"].map(lambda ids: agencies.labels(ids, lang=lang)),
    coord=tasks["coordinating"].map(lambda ids: agencies.labels(ids, lang=lang)),
    kind=tasks["due_kind"].map(lambda kind: t(f"kind.{kind}", lang)),
    scope=tasks["due_scope"].map(lambda scope: t(f"scope.{scope}", lang)),
)
columns = {
    "doc_id": "col.doc", "tt": "col.tt", "task": "col.task", "lead": "col.lead", "coord": "col.coordinating",
    "product": "col.product", "due_raw": "col.due_raw", "due_end": "col.due_end", "kind": "col.due_kind",
    "scope": "col.due_scope", "past_due": "col.past_due", "note": "col.note", "id": "col.id",
}  # fmt: skip
st.dataframe(
    view[list(columns)],
    hide_index=True,
    width="stretch",
    key="register_table",
    column_config={
        **{name: st.column_config.TextColumn(t(key, lang)) for name, key in columns.items()},
        "task": st.column_config.TextColumn(t("col.task", lang), width="large"),
        "due_end": st.column_config.DateColumn(t("col.due_end", lang), format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD"),
        "past_due": st.column_config.CheckboxColumn(t("col.past_due", lang), help=t("past_due.help", lang)),
    },
)

with st.expander(t("import.title", lang)):
    st.caption(t("import.help", lang))
    doc_id = st.text_input(t("import.doc_id", lang), value="KH-MOI", key="import_doc_id")
    upload = st.file_uploader(t("import.file", lang), type=["csv", "xlsx"], key="import_file")
    if upload is not None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            try:
                result = import_tasks(path, agencies, doc_id=doc_id)
            except PlanningMapError as error:
                _panels.error(error, lang)
                st.stop()
        bad = len({problem.row for problem in result.problems})
        st.info(t("import.result", lang, n=len(result.tasks), bad=bad))
        if result.problems:
            st.markdown(f"**{t('import.problems', lang)}**")
            problems = pd.DataFrame([vars(problem) for problem in result.problems])
            problems["reason"] = problems["reason"].map(lambda reason: flag_text(reason, lang))
            st.dataframe(problems, hide_index=True, key="import_problems", column_config=_panels.labelled(problems, lang))
        st.download_button(
            t("import.download", lang),
            frame_to_csv(result.tasks),
            file_name=re.sub(r"[^\w.-]+", "_", doc_id)[:60] + "-tasks.csv",
            mime="text/csv",
            key="import_download",
        )
        _plans.save_button(result, doc_id=doc_id, upload=upload, lang=lang)

_plans.plan_list(lang)
