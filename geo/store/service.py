"""Open the store, and the one write path every change goes through.

:func:`writing` is the only way the project changes the store (docs/STYLE.md,
point 17). It opens one transaction, reads the acting account afresh inside it,
checks the account's permission for the action, and hands out a :class:`Write`
whose :meth:`Write.insert` and :meth:`Write.update` bump the record's version
(optimistic concurrency: a stale version raises :class:`geo.errors.ConflictError`
naming who changed the record, when and what) and append the audit record in the
same transaction. An exception anywhere inside leaves no trace.

Examples
--------
>>> with writing(store, user, "plan.withdraw", what="withdraw plan 3") as write:  # doctest: +SKIP
...     write.update(imported_plans, ("id", 3), expected_version=1, values={...}, record_type="plan")
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine, Table, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from geo.errors import ConflictError, PermissionDenied, StoreError, UnknownValueError, problem
from geo.store.engine import check_connection, driver_message, make_engine, safe_url, spatial_backend, store_url
from geo.store.migrate import current_revision, head_revision, upgrade
from geo.store.roles import BOOTSTRAP_ACTIONS, SYSTEM_ACTIONS, User, require
from geo.store.schema import audit_log, users

SYSTEM_ACTOR: Final[str] = "(store admin)"  # the audit's "who" of a write made without an account (first account, restore)
REDACTED: Final[frozenset[str]] = frozenset({"password_hash"})  # shown in the audit as "(set 1a2b3c4d)" / None, never as stored


@dataclass(frozen=True)
class Store:
    """An open planning store.

    Attributes
    ----------
    engine : sqlalchemy.Engine
        The connection pool.
    url : str
        The URL with its password hidden (for messages).
    backend : str
        ``"sqlite"`` or ``"postgresql"``.
    revision : str
        The schema revision (the head of the migrations once opened).
    opened_at_revision : str or None
        The revision found before opening (None: the store was created now).
    spatial : str or None
        ``"spatialite"`` or ``"postgis"`` when geometry columns can be stored, else None.
    """

    engine: Engine
    url: str
    backend: str
    revision: str
    opened_at_revision: str | None
    spatial: str | None

    def close(self) -> None:
        """Close the store's pooled connections (the store can still be used: connections reopen on demand)."""
        self.engine.dispose()


def open_store(url: str | None = None, *, migrate_schema: bool = True) -> Store:
    """Open the store at `url` (default ``DATABASE_URL``, else ``store/planning.sqlite``), creating and migrating it.

    Parameters
    ----------
    url : str or None
        An SQLAlchemy URL; None reads ``DATABASE_URL``.
    migrate_schema : bool
        Bring an older (or new, empty) store to the head revision. When False, a
        store that is not at the head raises StoreError saying how to upgrade.

    Raises
    ------
    StoreError
        For a malformed URL, an unknown driver, an unreachable server, a file that
        is not a database, or a store made by a newer version of the app; every
        message names the URL without its password.
    """
    engine = make_engine(store_url(url))
    shown = safe_url(engine.url)
    check_connection(engine)
    try:
        before = current_revision(engine)
        head = head_revision()
        if before != head and not migrate_schema:
            msg = f"the store at {shown} is at revision {before or 'none (empty)'}, the app needs {head}: run python -m geo store upgrade."
            raise StoreError(msg)
        if before != head:
            upgrade(engine)
    except StoreError as error:
        engine.dispose()
        if shown in str(error):
            raise
        msg = f"store at {shown}: {error}"
        raise StoreError(msg) from error
    except OperationalError as error:
        engine.dispose()
        msg = f"cannot open the store at {shown}: {driver_message(error, engine.url)}"
        raise StoreError(msg) from error
    return Store(engine=engine, url=shown, backend=engine.dialect.name, revision=head, opened_at_revision=before,
                 spatial=spatial_backend(engine))  # fmt: skip


def store_status(url: str | None = None) -> tuple[str, str | None]:
    """Return (the URL without password, the schema revision or None) without creating or migrating anything.

    A SQLite file that does not exist yet has revision None and is not created.

    Raises
    ------
    StoreError
        As :func:`open_store`, for a bad URL or an unreachable server.
    """
    parsed = store_url(url)
    shown = safe_url(parsed)
    if parsed.get_backend_name() == "sqlite" and not Path(str(parsed.database)).expanduser().exists():
        return shown, None
    engine = make_engine(parsed)
    try:
        check_connection(engine)
        return shown, current_revision(engine)
    finally:
        engine.dispose()


def utc_now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


class Write:
    """One write in progress: its transaction's connection, the acting account and the action (see :func:`writing`)."""

    def __init__(self, connection: Connection, actor: User | None, who: str, action: str, at: datetime) -> None:
        self.connection = connection
        self.actor = actor
        self.who = who
        self.action = action
        self.at = at

    def insert(self, table: Table, values: Mapping[str, Any], *, record_type: str, key: str = "id") -> dict[str, Any]:
        """Insert one record at version 1 (when the table has versions), audit it, and return the row as stored."""
        row = dict(values)
        if "version" in table.c:
            row["version"] = 1
        try:
            stored = self.connection.execute(insert(table).values(row).returning(*table.c)).mappings().one()
        except IntegrityError as error:
            msg = f"cannot add this {record_type}: it clashes with a record already in the store ({first_line(error)})."
            raise StoreError(msg) from error
        self.audit(record_type, stored[key], None, stored)
        return dict(stored)

    def update(
        self, table: Table, key: tuple[str, object], *, expected_version: int | None, values: Mapping[str, Any], record_type: str
    ) -> dict[str, Any]:
        """Change one record read at `expected_version`, bump its version, audit before/after; return the new row.

        Parameters
        ----------
        table : sqlalchemy.Table
            The record's table.
        key : (str, object)
            The column that names the record and its value, e.g. ``("name", "lan")``.
        expected_version : int or None
            The version the caller read. None only for the store's own counters
            (``SYSTEM_ACTIONS``): no check and no bump.
        values : mapping
            The columns to set.
        record_type : str
            The audit's record type, e.g. ``"user"``.

        Raises
        ------
        ConflictError
            If the record changed since `expected_version` (the message names who
            changed it, when and what), or no longer exists.
        """
        column, value = key
        if expected_version is None and self.action not in SYSTEM_ACTIONS:
            msg = f"{self.action}: a change of a {record_type} must pass the version it read (expected_version)."
            raise ValueError(msg)
        before = self.connection.execute(select(table).where(table.c[column] == value).with_for_update()).mappings().first()
        if before is None:
            msg = f"{record_type} {value!r} does not exist in the store."
            raise UnknownValueError(msg)
        statement = update(table).where(table.c[column] == value)
        changes = dict(values)
        if expected_version is not None:
            if before["version"] != expected_version:
                raise self._conflict(record_type, value, expected_version, before["version"])
            statement = statement.where(table.c.version == expected_version)
            changes["version"] = table.c.version + 1
        after = self.connection.execute(statement.values(changes).returning(*table.c)).mappings().first()
        if after is None:  # pragma: no cover - the row lock above makes this a second line of defence
            raise self._conflict(record_type, value, expected_version or 0, None)
        self.audit(record_type, value, before, after)
        return dict(after)

    def audit(self, record_type: str, record_id: object, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
        """Append an audit record of this write (who, when, action, record, before and after as JSON)."""
        self.connection.execute(insert(audit_log).values(
            at=self.at, who=self.who, action=self.action, record_type=record_type, record_id=str(record_id),
            before=jsonable(before), after=jsonable(after),
        ))  # fmt: skip

    def _conflict(self, record_type: str, record_id: object, expected: int, current: int | None) -> ConflictError:
        last = self.connection.execute(
            select(audit_log).where(audit_log.c.record_type == record_type, audit_log.c.record_id == str(record_id))
            .order_by(audit_log.c.id.desc()).limit(1)
        ).mappings().first()  # fmt: skip
        if last is None:
            return problem(ConflictError, "err.conflict_unknown", record_type=record_type, record_id=record_id, expected=expected,
                           current=current)  # fmt: skip
        return problem(
            ConflictError, "err.conflict", record_type=record_type, record_id=record_id, who=last["who"],
            at=f"{last['at']:%Y-%m-%d %H:%M:%S}", change=f"{last['action']}: {describe_change(last['before'], last['after'])}",
            expected=expected, current=current,
        )  # fmt: skip


@contextmanager
def writing(
    store: Store, user: User | None, action: str, *, what: str, check: Callable[[User], bool] | None = None,
    who: str | None = None, snapshot: bool = False,
) -> Iterator[Write]:
    """Open the one write path: a transaction in which `user` may do `action`, with version checks and audit.

    Parameters
    ----------
    store : Store
        The open store.
    user : User or None
        The acting account as the caller knows it; it is read again inside the
        transaction, so a role changed or an account disabled meanwhile counts.
        None (no account) is allowed only while the store has no accounts, for
        ``BOOTSTRAP_ACTIONS``, and for the store's own ``SYSTEM_ACTIONS``.
    action : str
        A key of :data:`geo.store.roles.ACTIONS` (or a system action).
    what : str
        The write in words, for a refusal ("import the plan KH-12-2027").
    check : callable or None
        A further rule on the fresh account (e.g. :func:`geo.store.roles.can_report` on a task).
    who : str or None
        The audit's "who" for a system action (the account signing in).
    snapshot : bool
        Read every table as of one moment (PostgreSQL: repeatable read; SQLite's
        write lock gives that anyway), for a backup.

    Raises
    ------
    PermissionDenied
        If the account may not do `action` (naming the user, the role and `what`).
    StoreError
        If the store cannot be written (e.g. another writer held it too long).
    """
    try:
        with store.engine.begin() as connection:
            if store.backend == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock now: writes queue instead of failing
            elif snapshot:
                connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            at = utc_now()
            actor = _fresh_actor(connection, user)
            if action in SYSTEM_ACTIONS:
                name = who or SYSTEM_ACTOR
            elif actor is None and action in BOOTSTRAP_ACTIONS and _no_accounts(connection, store.backend):
                name = SYSTEM_ACTOR
            else:
                require(actor, action, what=what)
                assert actor is not None
                if check is not None and not check(actor):
                    msg = f"refused: user {actor.name!r} ({actor.role}, agency {actor.agency_id or 'none'}) may not {what}."
                    raise PermissionDenied(msg)
                name = actor.name
            yield Write(connection, actor, name, action, at)
    except OperationalError as error:  # locked too long, connection lost, server gone
        msg = f"the store at {store.url} could not be written ({driver_message(error, store.engine.url)}) Nothing was saved; try again."
        raise StoreError(msg) from error
    except DBAPIError as error:  # a value the database refuses (a constraint, a character it cannot store)
        msg = f"the store at {store.url} refused the write ({driver_message(error, store.engine.url)}) Nothing was saved."
        raise StoreError(msg) from error


def jsonable(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return a record as JSON-ready values: datetimes and dates as ISO text, password hashes hidden."""
    if row is None:
        return None
    out: dict[str, Any] = {}
    for key, value in dict(row).items():
        if key in REDACTED:  # a fingerprint of the hash: a change shows, nothing of the password does
            out[key] = f"(set {hashlib.sha256(str(value).encode()).hexdigest()[:8]})" if value else None
        elif isinstance(value, datetime | date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def describe_change(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """Return the fields a change touched in words: ``role 'reporter' -> 'editor'; disabled False -> True``."""
    if before is None:
        return "created"
    if after is None:
        return "removed"
    parts = []
    for key in after:
        if key in ("version",) or before.get(key) == after.get(key):
            continue
        if key in REDACTED:
            parts.append("password changed")
            continue
        parts.append(f"{key} {_short(before.get(key))} -> {_short(after.get(key))}")
    return "; ".join(parts) or "no visible change"


def _fresh_actor(connection: Connection, user: User | None) -> User | None:
    if user is None:
        return None
    row = connection.execute(select(users).where(users.c.name == user.name)).mappings().first()
    if row is None:
        msg = f"no account named {user.name!r} in the store; python -m geo users list shows the accounts."
        raise UnknownValueError(msg)
    return User.from_row(row)


def _no_accounts(connection: Connection, backend: str) -> bool:
    if backend == "postgresql":  # two first accounts at once: the second waits, then sees the first
        connection.exec_driver_sql("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
    return connection.execute(select(func.count()).select_from(users)).scalar_one() == 0


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def first_line(error: BaseException) -> str:
    """Return the first line of a (driver's) error message."""
    original = getattr(error, "orig", None) or error
    return next((line.strip() for line in str(original).splitlines() if line.strip()), type(original).__name__)
