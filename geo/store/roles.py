"""Who may do what: the four roles, the actions each allows, and the reporter's agency rule.

docs/DESIGN.md ("Roles"): a **viewer** reads; a **reporter** writes progress for
the tasks its agency leads or coordinates, counting the 2025 successions (an
account of Sở Xây dựng reports on the 2021 tasks of Sở Giao thông vận tải); an
**editor** edits geometry, features and links; a **coordinator** does everything,
including accounts and imports. The write path (:func:`geo.store.service.writing`)
applies these rules; pages and the command line only call it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from geo.agencies import AgencyIndex
from geo.errors import PermissionDenied, problem
from geo.store.schema import ROLES
from geo.text import split_ids

__all__ = ["ACTIONS", "ROLES", "User", "allowed", "can_report", "reporting_agencies", "require"]

# action -> the roles that may do it. A reporter's progress is further limited to its agency's tasks (can_report).
ACTIONS: Final[dict[str, tuple[str, ...]]] = {
    "read": ROLES,
    "progress.report": ("reporter", "coordinator"),
    "geometry.edit": ("editor", "coordinator"),
    "feature.edit": ("editor", "coordinator"),
    "link.edit": ("editor", "coordinator"),
    "edit.review": ("coordinator",),  # approve or reject an editor's pending change (setting edit_review)
    "plan.import": ("coordinator",),
    "plan.withdraw": ("coordinator",),
    "account.add": ("coordinator",),
    "account.update": ("coordinator",),
    "account.password": ("coordinator",),
    "account.own_password": ROLES,  # every active account may change its own password
    "settings.change": ("coordinator",),
    "store.backup": ("coordinator",),
    "store.restore": ("coordinator",),
}
# Writes the store makes for nobody in particular: the sign-in counters of an account.
SYSTEM_ACTIONS: Final[frozenset[str]] = frozenset({"auth.attempt"})
# Allowed without an account while the store has none: the first account (a coordinator), restoring a backup.
BOOTSTRAP_ACTIONS: Final[frozenset[str]] = frozenset({"account.add", "store.restore", "store.backup"})


@dataclass(frozen=True)
class User:
    """An account as the store holds it, without its password hash.

    Attributes
    ----------
    id : int
        The row id.
    name : str
        The unique sign-in name.
    role : str
        One of ``ROLES``.
    agency_id : str or None
        Canonical id from ``data/agencies.csv``; required for a reporter.
    disabled : bool
        A disabled account is kept (its history names it) but may do nothing.
    has_password : bool
        Whether a local password is set (an OpenID Connect account may have none).
    oidc_subject, email : str or None
        The OpenID Connect identity the account maps to, if any.
    failed_attempts : int
        Consecutive failed sign-ins.
    locked_until : datetime.datetime or None
        Sign-in refused until this UTC time.
    created_at : datetime.datetime
        UTC.
    version : int
        Bumped by every change of the account (optimistic concurrency).
    """

    id: int
    name: str
    role: str
    agency_id: str | None
    disabled: bool
    has_password: bool
    oidc_subject: str | None
    email: str | None
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> User:
        """Return the account of a ``users`` row (the hash itself is dropped)."""
        return cls(
            id=int(row["id"]), name=str(row["name"]), role=str(row["role"]), agency_id=row["agency_id"] or None,
            disabled=bool(row["disabled"]), has_password=bool(row["password_hash"]), oidc_subject=row["oidc_subject"] or None,
            email=row["email"] or None, failed_attempts=int(row["failed_attempts"]), locked_until=row["locked_until"],
            created_at=row["created_at"], version=int(row["version"]),
        )  # type: ignore[arg-type]  # fmt: skip


def allowed(user: User | None, action: str) -> bool:
    """Return True when `user` (an active account) may do `action`; None (no account) may do nothing."""
    if action not in ACTIONS:
        msg = f"unknown action {action!r}; known: {', '.join(ACTIONS)}."
        raise ValueError(msg)
    return user is not None and not user.disabled and user.role in ACTIONS[action]


def require(user: User | None, action: str, *, what: str) -> None:
    """Raise PermissionDenied naming the user, the role and `what` was refused, unless `user` may do `action`.

    Parameters
    ----------
    user : User or None
        The acting account, as read in the write's transaction; None when no account was given.
    action : str
        A key of ``ACTIONS``.
    what : str
        The refused write in words, e.g. "import the plan KH-12-2027".
    """
    if allowed(user, action):
        return
    needed = " or ".join(ACTIONS[action])
    if user is None:
        raise problem(PermissionDenied, "err.refused_no_user", what=what, needed=needed)
    if user.disabled:
        raise problem(PermissionDenied, "err.refused_disabled", user=user.name, role=user.role, what=what)
    raise problem(PermissionDenied, "err.refused_role", user=user.name, role=user.role, what=what, needed=needed)


def reporting_agencies(user: User, agencies: AgencyIndex) -> frozenset[str]:
    """Return the agencies whose tasks a reporter answers for: its own and every agency merged into it in 2025."""
    if not user.agency_id:
        return frozenset()
    return agencies.with_predecessors([user.agency_id])


def can_report(user: User, task_row: Mapping[str, object], agencies: AgencyIndex) -> bool:
    """Return True when `user` may write progress for the task `task_row`.

    A coordinator may for every task. A reporter may when its agency, or an agency
    merged into it in 2025, leads or coordinates the task (the register's
    ``lead_agency`` and ``coordinating`` columns, ``;``-separated canonical ids).
    A viewer, an editor and a disabled account may not.

    Parameters
    ----------
    user : User
        The account.
    task_row : mapping
        A register row (a pandas Series of :func:`geo.register.load_register` or a dict).
    agencies : AgencyIndex
        The agency table with its successions.
    """
    if user.disabled:
        return False
    if user.role == "coordinator":
        return True
    if user.role != "reporter":
        return False
    named = set(split_ids(task_row.get("lead_agency", ""))) | set(split_ids(task_row.get("coordinating", "")))
    return bool(named & reporting_agencies(user, agencies))
