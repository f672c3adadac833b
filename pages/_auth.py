"""Who is using the app: sign-in (local accounts, or OpenID Connect through ``st.login``), the sidebar block, sign-out.

Viewing needs no account while the store's ``anonymous_viewing`` setting is on;
writing always needs one. Permissions are checked by the store where each write
happens (:mod:`geo.store.roles`), never by hiding buttons alone. A password is
never logged, put in the URL or kept in the session: only the account name is.
"""

from __future__ import annotations

import streamlit as st

from geo.errors import AuthenticationError, PlanningMapError
from geo.i18n import t
from pages import _cache, _text


def oidc_configured() -> bool:
    """Return True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (an OpenID Connect provider)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, AttributeError):
        return False
    except Exception:  # Streamlit raises its own error type when there is no secrets file
        return False


def current_user():
    """Return the signed-in account (read again from the store, so a disabled account stops at once), or None."""
    from geo.store import get_user, user_for_oidc

    store = _cache.store()
    if store is None:
        return None
    name = st.session_state.get("user_name")
    if not name and oidc_configured() and getattr(st.user, "is_logged_in", False):
        account = user_for_oidc(store, subject=str(st.user.get("sub", "")), email=st.user.get("email"))
        if account is None:
            st.session_state["auth_unmapped"] = True
            return None
        name = st.session_state["user_name"] = account.name
    if not name:
        return None
    try:
        account = get_user(store, name)
    except PlanningMapError:
        st.session_state.pop("user_name", None)
        return None
    if account.disabled:
        st.session_state.pop("user_name", None)
        return None
    return account


def may(user, action: str) -> bool:
    """Return True when `user` (or None) may do `action` of :data:`geo.store.roles.ACTIONS` (what the navigation offers)."""
    from geo.store.roles import allowed

    return allowed(user, action)


def gate(action: str, message_key: str, lang: str):
    """Return (store, account) when the signed-in account may do `action`; otherwise say `message_key` and stop the page.

    The page is only a door: the store checks the permission again where the write happens.
    """
    store, user = _cache.store(), current_user()
    if store is None or not may(user, action):
        st.info(t(message_key, lang))
        st.stop()
    return store, user


def sidebar_block(lang: str):
    """Draw who is signed in (name, role, agency) with sign-out, or the sign-in; return the account or None."""
    user = current_user()
    side = st.sidebar
    if _cache.store() is None:
        error = st.session_state.get("store_error")
        side.html(_text.alert("warning", f"{t('auth.no_store', lang)} {error.text(lang) if error else ''}"))
        return None
    if user is not None:
        agency = _cache.agency_index().label(user.agency_id, lang=lang) if user.agency_id else "—"
        side.html(_text.line(t("auth.signed_in", lang), f"{user.name} · {t('role.' + user.role, lang)} · {agency}"))
        side.button(t("auth.sign_out", lang), on_click=_sign_out, key="auth_sign_out", icon=":material/logout:")
        return user
    side.caption(t("auth.guest", lang))
    if st.session_state.get("auth_unmapped"):
        side.html(_text.alert("warning", t("auth.unmapped", lang)))
    with side.expander(t("auth.sign_in", lang), icon=":material/login:"):
        with st.form("auth_form", clear_on_submit=True, border=False):
            st.text_input(t("auth.name", lang), key="auth_name", max_chars=64)
            st.text_input(t("auth.password", lang), key="auth_password", type="password", max_chars=256)
            st.form_submit_button(t("auth.sign_in", lang), on_click=_sign_in)
        if st.session_state.get("auth_error"):
            st.html(_text.alert("error", st.session_state["auth_error"]))
        if oidc_configured():
            st.button(t("auth.sign_in_oidc", lang), on_click=st.login, key="auth_oidc", icon=":material/badge:")
    return None


def _sign_in() -> None:
    from geo.store import authenticate

    state = st.session_state
    name, password = state.get("auth_name", ""), state.get("auth_password", "")
    state["auth_password"] = ""  # never kept
    state["auth_error"] = ""
    lang = state.get("lang", "vi")
    try:
        account = authenticate(_cache.store(), name, password)
    except AuthenticationError as error:
        state["auth_error"] = f"{t('auth.failed', lang)} {error.text(lang)}"
        return
    state["user_name"] = account.name
    state.pop("auth_unmapped", None)


def _sign_out() -> None:
    st.session_state.pop("user_name", None)
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
