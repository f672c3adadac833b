"""Coordinator's page: accounts (add, change, disable, password), the anonymous-viewing setting, the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.errors import PlanningMapError
from geo.i18n import t
from geo.store import (
    ROLES,
    add_user,
    audit_entries,
    disable_user,
    get_setting,
    list_users,
    set_password,
    set_setting,
    update_user,
)  # fmt: skip
from geo.store.service import describe_change
from pages import _auth, _cache, _frame, _panels, _text

lang, _ = _frame.current()
st.title(t("admin.title", lang))
store, user = _auth.gate("account.update", "admin.only", lang)
agencies = _cache.agency_index()


def attempt(write, done: str) -> None:
    """Run one write of the store; show its error (permission, conflict, bad input) in the interface language."""
    try:
        write()
    except PlanningMapError as error:
        _panels.error(error, lang)
        return
    st.toast(done)


st.subheader(t("admin.accounts", lang))
users = list_users(store)
table = pd.DataFrame([{"name": u.name, "role": t(f"role.{u.role}", lang), "agency_id": agencies.label(u.agency_id, lang=lang) if u.agency_id else "",
                       "disabled": u.disabled, "email": u.email or "", "created_at": u.created_at, "version": u.version} for u in users])  # fmt: skip
st.dataframe(table, hide_index=True, width="stretch", key="admin_users", column_config=_panels.labelled(table, lang))
with st.expander(t("admin.add", lang), icon=":material/person_add:"), st.form("admin_add", clear_on_submit=True):
        name = st.text_input(t("auth.name", lang), max_chars=64)
        role = st.selectbox(t("admin.role", lang), ROLES, format_func=lambda r: t(f"role.{r}", lang))
        agency = st.selectbox(t("admin.agency", lang), ["", *agencies.table.index], format_func=lambda a: agencies.label(a, lang=lang) if a else "—")
        email = st.text_input(t("admin.email", lang), max_chars=254)
        subject = st.text_input(t("admin.oidc_subject", lang), max_chars=254)
        password = st.text_input(t("admin.password", lang), type="password", max_chars=256)
        if st.form_submit_button(t("admin.add", lang)):
            attempt(lambda: add_user(store, user, name, role=role, agency_id=agency or None, password=password or None, email=email or None,
                                     oidc_subject=subject or None, agencies=agencies), t("admin.added", lang, name=name))  # fmt: skip
if users:
    chosen = st.selectbox(t("admin.account", lang), [u.name for u in users], key="admin_chosen")
    account = next(u for u in users if u.name == chosen)
    cols = st.columns(3)
    new_role = cols[0].selectbox(t("admin.role", lang), ROLES, index=ROLES.index(account.role), key=f"admin_role_{chosen}",
                                 format_func=lambda r: t(f"role.{r}", lang))  # fmt: skip
    options = ["", *agencies.table.index]
    new_agency = cols[1].selectbox(t("admin.agency", lang), options, index=options.index(account.agency_id or ""), key=f"admin_agency_{chosen}",
                                   format_func=lambda a: agencies.label(a, lang=lang) if a else "—")  # fmt: skip
    if cols[2].button(t("admin.save", lang), key="admin_save"):
        attempt(lambda: update_user(store, user, chosen, expected_version=account.version, role=new_role, agency_id=new_agency or None,
                                    agencies=agencies), t("admin.saved", lang))  # fmt: skip
    label = t("admin.enable" if account.disabled else "admin.disable", lang)
    if st.button(label, key="admin_disable"):
        attempt(lambda: disable_user(store, user, chosen, expected_version=account.version, disabled=not account.disabled), t("admin.saved", lang))
    with st.form("admin_password", clear_on_submit=True):
        new_password = st.text_input(t("admin.new_password", lang), type="password", max_chars=256)
        if st.form_submit_button(t("admin.new_password", lang)) and new_password:
            attempt(lambda: set_password(store, user, chosen, new_password, expected_version=account.version), t("admin.saved", lang))

st.subheader(t("admin.settings", lang))
anonymous, version = get_setting(store, "anonymous_viewing")
wanted = st.toggle(t("admin.anonymous", lang), value=bool(anonymous), key="admin_anonymous")
if wanted != bool(anonymous):
    attempt(lambda: set_setting(store, user, "anonymous_viewing", wanted, expected_version=version), t("admin.saved", lang))

st.subheader(t("admin.audit", lang))
cols = st.columns(4)
who = cols[0].selectbox(t("admin.audit.who", lang), ["", *[u.name for u in users]], key="audit_who")
record_type = cols[1].text_input(t("admin.audit.record", lang), key="audit_type", max_chars=64)
record_id = cols[2].text_input(t("admin.audit.record_id", lang), key="audit_id", max_chars=128)
window = cols[3].date_input(t("admin.audit.since", lang), value=(), key="audit_window", format="DD/MM/YYYY")
since, until = (*window, None, None)[:2] if isinstance(window, tuple) else (window, None)
entries = audit_entries(store, who=who or None, record_type=record_type or None, record_id=record_id or None, since=since, until=until)
st.html(_text.text(t("admin.audit.count", lang, n=len(entries))))
log = pd.DataFrame([{"at": e.at, "who": e.who, "action": e.action, "record_type": e.record_type, "record_id": e.record_id,
                     "change": describe_change(e.before, e.after)} for e in entries],
                   columns=["at", "who", "action", "record_type", "record_id", "change"])  # fmt: skip
st.dataframe(log, hide_index=True, width="stretch", key="audit_table", column_config=_panels.labelled(log, lang))
_frame.sync_url()
