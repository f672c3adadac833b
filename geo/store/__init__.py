"""The planning store: what planners write (accounts, imported plans, progress reports, feature versions), kept safely.

The base of record stays in ``data/``; the store holds what planners write, with
its history. With no configuration it is a SQLite file, ``store/planning.sqlite``
(git-ignored, created and migrated on first use); ``DATABASE_URL`` selects
PostgreSQL (with PostGIS, a geometry column mirrors the feature versions). Pure Python: no streamlit, no folium.

Every write goes through :func:`geo.store.service.writing` (one transaction,
permission checked there, version bumped, audit appended); the functions below
are its callers.

Examples
--------
>>> from geo.store import open_store, add_user, get_user, import_plan  # doctest: +SKIP
>>> store = open_store()  # doctest: +SKIP
>>> admin = add_user(store, None, "lan", role="coordinator", password="...")  # the first account  # doctest: +SKIP
"""

from geo.store.accounts import (
    add_user,
    authenticate,
    disable_user,
    get_user,
    list_users,
    lock_duration,
    set_password,
    update_user,
    user_for_oidc,
)
from geo.store.audit import AuditEntry, audit_entries
from geo.store.backup import backup, backup_bytes, dump_tables, read_backup, restore
from geo.store.plans import ImportedPlan, active_imported_tasks, import_plan, list_plans, withdraw_plan
from geo.store.progress import (
    IndicatorValue,
    Report,
    add_indicator_value,
    add_report,
    evidence_file,
    indicator_values_frame,
    latest_report_ids,
    report_history,
    reports_frame,
    save_report,
)
from geo.store.roles import ACTIONS, ROLES, User, allowed, can_report, require
from geo.store.service import Store, open_store, store_status, writing
from geo.store.store_settings import get_setting, set_setting

__all__ = [
    "ACTIONS", "ROLES", "AuditEntry", "ImportedPlan", "IndicatorValue", "Report", "Store", "User", "active_imported_tasks",
    "add_indicator_value", "add_report", "add_user", "allowed", "audit_entries", "authenticate", "backup", "backup_bytes",
    "can_report", "disable_user", "dump_tables", "evidence_file", "get_setting", "get_user", "import_plan",
    "indicator_values_frame", "latest_report_ids", "list_plans", "list_users", "lock_duration", "open_store", "read_backup",
    "report_history", "reports_frame", "require", "restore", "save_report", "set_password", "set_setting", "store_status",
    "update_user", "user_for_oidc", "withdraw_plan", "writing",
]  # fmt: skip
