"""Imported plans in the store: save the plan just read (coordinators), list them with who and when, withdraw one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.errors import PlanningMapError
from geo.i18n import t
from pages import _auth, _cache, _panels, _text


def save_button(result, *, doc_id: str, upload, lang: str) -> None:
    """Offer to save the plan read from `upload` in the store; the store checks that the user may (a coordinator)."""
    from geo.store import import_plan

    user = _auth.current_user()
    if user is None:
        st.caption(t("plans.sign_in", lang))
        return
    title = st.text_input(t("plans.title_input", lang), key="import_title", max_chars=300)
    if st.button(t("plans.save", lang), key="import_save", type="primary", icon=":material/save:"):
        try:
            plan = import_plan(_cache.store(), user, result, doc_id=doc_id, file_name=upload.name, file_bytes=upload.getvalue(),
                               title=title)  # fmt: skip
        except PlanningMapError as error:
            _panels.error(error, lang)
            return
        st.session_state["plans_flash"] = t("plans.saved", lang, doc_id=plan.doc_id, n=plan.task_count)
        st.rerun()  # the register above and every filter now include the plan


def plan_list(lang: str) -> None:
    """List the imported plans (active and withdrawn) with who imported them and when; coordinators may withdraw one."""
    from geo.store import list_plans, withdraw_plan

    store = _cache.store()
    if store is None:
        return
    st.subheader(t("plans.title", lang))
    if st.session_state.get("plans_flash"):
        st.html(_text.alert("success", st.session_state.pop("plans_flash")))
    plans = list_plans(store)
    if not plans:
        st.caption(t("plans.none", lang))
        return
    table = pd.DataFrame([{"doc_id": p.doc_id, "task_count": p.task_count, "file_name": p.file_name, "imported_by": p.imported_by,
                           "imported_at": p.imported_at, "withdrawn_by": p.withdrawn_by or "", "withdrawn_at": p.withdrawn_at}
                          for p in plans])  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch", key="plans_table", column_config=_panels.labelled(table, lang))
    user = _auth.current_user()
    if user is None or user.role != "coordinator":
        return
    for plan in [p for p in plans if p.active]:
        if st.button(t("plans.withdraw", lang, doc_id=plan.doc_id), key=f"withdraw_{plan.id}", icon=":material/undo:"):
            try:
                withdraw_plan(store, user, plan.id, plan.version)
            except PlanningMapError as error:
                _panels.error(error, lang)
                return
            st.session_state["plans_flash"] = t("plans.withdrawn", lang, doc_id=plan.doc_id)
            st.rerun()
