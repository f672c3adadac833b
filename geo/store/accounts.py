"""Accounts: add, list, change, disable (never delete), passwords hashed with argon2, sign-in with a growing lock.

Bootstrap: while the store has no account, the first one can be added with no
acting user, and it must be a coordinator (``python -m geo users add NAME --role
coordinator --password-stdin``). Every later account is added by a coordinator.

A password is never stored, logged, returned or put in a message: the store keeps
its argon2 hash, the audit log shows only that it changed. After
``MAX_FAILED_ATTEMPTS`` failed sign-ins in a row an account is locked for
``LOCK_BASE``, doubling with every further failure up to ``LOCK_MAX``; a
successful sign-in or a new password clears the count.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from geo.agencies import AgencyIndex, load_agencies
from geo.errors import AuthenticationError, InvalidArgumentError, StoreError, UnknownValueError, problem
from geo.store.roles import ROLES, User
from geo.store.schema import users
from geo.store.service import Store, utc_now, writing
from geo.text import nfc

NAME_PATTERN: Final[re.Pattern[str]] = re.compile(r"^[\w.@-]{1,64}$")  # letters (accents too), digits, . _ @ -
MIN_PASSWORD_CHARS: Final[int] = 8
MAX_PASSWORD_CHARS: Final[int] = 1024
MAX_FAILED_ATTEMPTS: Final[int] = 5
LOCK_BASE: Final[timedelta] = timedelta(minutes=1)
LOCK_MAX: Final[timedelta] = timedelta(hours=24)
_HASHER: Final[PasswordHasher] = PasswordHasher()
_WRONG = "wrong name or password."


def add_user(
    store: Store,
    actor: User | None,
    name: str,
    *,
    role: str,
    agency_id: str | None = None,
    password: str | None = None,
    email: str | None = None,
    oidc_subject: str | None = None,
    agencies: AgencyIndex | None = None,
) -> User:
    """Add an account and return it.

    Parameters
    ----------
    store : Store
        The open store.
    actor : User or None
        The coordinator adding it; None only for the very first account, which must be a coordinator.
    name : str
        1-64 letters, digits, ``.``, ``_``, ``@`` or ``-``; unique.
    role : str
        ``viewer``, ``reporter``, ``editor`` or ``coordinator``.
    agency_id : str or None
        A current agency of ``data/agencies.csv`` (required for a reporter).
    password : str or None
        A local password (hashed with argon2); None for an OpenID Connect account or to set one later.
    email, oidc_subject : str or None
        The OpenID Connect identity of the account.
    agencies : AgencyIndex or None
        The agency table (default: ``data/agencies.csv``).

    Raises
    ------
    InvalidArgumentError, UnknownValueError
        For a bad name, role, agency or password.
    PermissionDenied
        If `actor` is not a coordinator, or no actor is given once accounts exist.
    StoreError
        If the name (or OpenID subject) is taken.
    """
    name = _checked_name(name)
    role = _checked_role(role)
    agency_id = _checked_agency(agency_id, role, agencies)
    values = {
        "name": name, "role": role, "agency_id": agency_id, "password_hash": _hash(password) if password is not None else None,
        "disabled": False, "oidc_subject": nfc(oidc_subject) or None, "email": nfc(email) or None, "failed_attempts": 0,
        "locked_until": None, "created_at": utc_now(),
    }  # fmt: skip
    with writing(store, actor, "account.add", what=f"add the account {name!r}") as write:
        if write.actor is None and role != "coordinator":
            msg = f"the first account must be a coordinator (it adds the others); got role {role!r} for {name!r}."
            raise InvalidArgumentError(msg)
        taken = write.connection.execute(select(users.c.name).where(func.lower(users.c.name) == name.lower())).scalar()
        if taken is not None:
            msg = f"an account named {taken!r} exists already; choose another name (accounts are never deleted, only disabled)."
            raise StoreError(msg)
        row = write.insert(users, values, record_type="user", key="name")
    return User.from_row(row)


def get_user(store: Store, name: str) -> User:
    """Return the account named `name`; raise UnknownValueError naming the known accounts when there is none."""
    row = _row(store, nfc(name).strip())
    if row is None:
        with store.engine.connect() as connection:
            known = [str(n) for n in connection.execute(select(users.c.name).order_by(users.c.name).limit(20)).scalars()]
        listed = ", ".join(known) if known else "none yet: add the first coordinator with python -m geo users add NAME --role coordinator"
        msg = f"no account named {name!r} in the store at {store.url}; accounts: {listed}."
        raise UnknownValueError(msg)
    return User.from_row(row)


def list_users(store: Store) -> list[User]:
    """Return every account, disabled ones included, by name."""
    with store.engine.connect() as connection:
        return [User.from_row(row) for row in connection.execute(select(users).order_by(users.c.name)).mappings()]


def update_user(
    store: Store, actor: User | None, name: str, *, expected_version: int, role: str | None = None,
    agency_id: str | None = None, agencies: AgencyIndex | None = None,
) -> User:  # fmt: skip
    """Change an account's role and/or agency (a coordinator's write); return the account as saved.

    Raises
    ------
    ConflictError
        If the account changed since `expected_version`.
    """
    current = get_user(store, name)
    new_role = _checked_role(role) if role is not None else current.role
    new_agency = _checked_agency(agency_id if agency_id is not None else current.agency_id, new_role, agencies)
    with writing(store, actor, "account.update", what=f"change the account {current.name!r}") as write:
        row = write.update(users, ("name", current.name), expected_version=expected_version,
                           values={"role": new_role, "agency_id": new_agency}, record_type="user")  # fmt: skip
    return User.from_row(row)


def disable_user(store: Store, actor: User | None, name: str, *, expected_version: int, disabled: bool = True) -> User:
    """Disable (or, with ``disabled=False``, enable again) an account; it is kept, never deleted.

    A coordinator cannot disable itself (the store would risk having none).
    """
    current = get_user(store, name)
    verb = "disable" if disabled else "enable"
    with writing(store, actor, "account.update", what=f"{verb} the account {current.name!r}") as write:
        if disabled and write.actor is not None and write.actor.name == current.name:
            msg = f"{current.name!r} cannot disable its own account; another coordinator can."
            raise InvalidArgumentError(msg)
        row = write.update(users, ("name", current.name), expected_version=expected_version,
                           values={"disabled": disabled}, record_type="user")  # fmt: skip
    return User.from_row(row)


def set_password(store: Store, actor: User | None, name: str, password: str, *, expected_version: int) -> User:
    """Set an account's password (a coordinator for anyone, every account for its own); clears a sign-in lock."""
    current = get_user(store, name)
    values = {"password_hash": _hash(password), "failed_attempts": 0, "locked_until": None}
    own = actor is not None and actor.name == current.name
    action = "account.own_password" if own else "account.password"
    with writing(store, actor, action, what=f"set the password of {current.name!r}") as write:
        row = write.update(users, ("name", current.name), expected_version=expected_version, values=values, record_type="user")
    return User.from_row(row)


def authenticate(store: Store, name: str, password: str, *, now: datetime | None = None) -> User:
    """Return the account when `password` is its password; count failures and lock after repeated ones.

    Raises
    ------
    AuthenticationError
        "wrong name or password" (the same for an unknown name, with the same work
        done), a disabled account, or a locked one (saying until when, UTC).
    """
    now = now or utc_now()
    row = _row(store, nfc(name).strip())
    if row is None:
        _verify(_dummy_hash(), password)  # the same work as for a real account: the time tells nothing
        raise problem(AuthenticationError, "err.auth_wrong")
    if row["disabled"]:
        raise problem(AuthenticationError, "err.auth_disabled", name=row["name"])
    if row["locked_until"] is not None and row["locked_until"] > now:
        raise problem(AuthenticationError, "err.auth_locked", name=row["name"], n=row["failed_attempts"],
                      until=f"{row['locked_until']:%Y-%m-%d %H:%M:%S}")  # fmt: skip
    if row["password_hash"] and _verify(row["password_hash"], password):
        if row["failed_attempts"] or row["locked_until"] is not None:
            _record_attempt(store, row["name"], success=True, now=now)
        return User.from_row(row)
    locked_until = _record_attempt(store, row["name"], success=False, now=now)
    if locked_until is not None:
        raise problem(AuthenticationError, "err.auth_now_locked", until=f"{locked_until:%Y-%m-%d %H:%M:%S}")
    raise problem(AuthenticationError, "err.auth_wrong")


def user_for_oidc(store: Store, *, subject: str, email: str | None = None) -> User | None:
    """Return the account mapped to an OpenID Connect identity (by subject, else by e-mail), or None."""
    with store.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.oidc_subject == subject)).mappings().first()
        if row is None and email:
            row = connection.execute(select(users).where(users.c.email == email, users.c.oidc_subject.is_(None))).mappings().first()
    return User.from_row(row) if row is not None else None


def lock_duration(failed_attempts: int) -> timedelta | None:
    """Return how long an account is locked after `failed_attempts` failures in a row (None below the threshold)."""
    if failed_attempts < MAX_FAILED_ATTEMPTS:
        return None
    return min(LOCK_BASE * 2 ** min(failed_attempts - MAX_FAILED_ATTEMPTS, 20), LOCK_MAX)


def _record_attempt(store: Store, name: str, *, success: bool, now: datetime) -> datetime | None:
    """Count a failure (locking when due) or clear the count after a success; return the lock's end, if any."""
    with writing(store, None, "auth.attempt", what="record a sign-in", who=name) as write:
        if success:
            write.update(users, ("name", name), expected_version=None, values={"failed_attempts": 0, "locked_until": None},
                         record_type="user")  # fmt: skip
            return None
        current = select(users.c.failed_attempts).where(users.c.name == name).with_for_update()  # two failures at once count twice
        failures = write.connection.execute(current).scalar_one() + 1
        duration = lock_duration(failures)
        locked_until = now + duration if duration is not None else None
        write.update(users, ("name", name), expected_version=None, values={"failed_attempts": failures, "locked_until": locked_until},
                     record_type="user")  # fmt: skip
        return locked_until


def _row(store: Store, name: str) -> dict | None:
    with store.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.name == name)).mappings().first()
    return dict(row) if row is not None else None


def _checked_name(name: str) -> str:
    cleaned = nfc(name).strip()
    if not NAME_PATTERN.match(cleaned):
        msg = f"account name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-' (no spaces), e.g. nguyen.lan."
        raise InvalidArgumentError(msg)
    return cleaned


def _checked_role(role: str) -> str:
    if role not in ROLES:
        msg = f"unknown role {role!r}; expected one of {', '.join(ROLES)}."
        raise UnknownValueError(msg)
    return role


def _checked_agency(agency_id: str | None, role: str, agencies: AgencyIndex | None) -> str | None:
    if not agency_id:
        if role == "reporter":
            msg = "a reporter needs an agency (--agency ID from data/agencies.csv): it reports on that agency's tasks."
            raise InvalidArgumentError(msg)
        return None
    index = agencies if agencies is not None else _default_agencies()
    canonical = index.require(agency_id)
    successors = index.successors(canonical)
    if successors:
        msg = f"agency {canonical!r} was merged into {', '.join(successors)} in 2025; give the current agency (its tasks count for it)."
        raise InvalidArgumentError(msg)
    return canonical


def _hash(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        msg = f"a password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters."
        raise InvalidArgumentError(msg)
    return _HASHER.hash(password)


@functools.cache
def _default_agencies() -> AgencyIndex:
    return load_agencies()


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash("no such account")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
