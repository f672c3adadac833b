"""Schema migrations of the store, run in code with Alembic (no ``alembic.ini``, no command to remember).

The revisions live in ``geo/store/migrations/versions`` (``0001`` accounts,
audit log and settings; ``0002`` imported plans; ``0003`` progress reports and indicator values; ``0004`` feature versions). :func:`upgrade` brings a store
to a revision inside one transaction, holding a lock so that two processes
opening a new store at once do not both create it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from geo.errors import StoreError

MIGRATIONS_DIR: Final[Path] = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY: Final[int] = 7_238_110_013  # pg_advisory_xact_lock key of the store's migrations


def head_revision() -> str:
    """Return the newest revision this code knows (the schema of :mod:`geo.store.schema`)."""
    head = _scripts().get_current_head()
    if head is None:  # pragma: no cover - the package ships its revisions
        msg = f"no migrations found in {MIGRATIONS_DIR}."
        raise StoreError(msg)
    return head


def known_revisions() -> tuple[str, ...]:
    """Return every revision this code knows, oldest first."""
    return tuple(reversed([script.revision for script in _scripts().walk_revisions()]))


def current_revision(engine_or_connection: Engine | Connection) -> str | None:
    """Return the store's schema revision, or None for a database without the store's tables."""
    if isinstance(engine_or_connection, Engine):
        with engine_or_connection.connect() as connection:
            return current_revision(connection)
    return MigrationContext.configure(engine_or_connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the store at `engine` to `revision`; return (the revision before, the revision after).

    Raises
    ------
    StoreError
        If the database holds tables of the store without a revision, a revision
        this code does not know (a newer app made it), or a migration fails (then
        nothing of it is kept).
    """
    target = head_revision() if revision == "head" else revision
    if target not in known_revisions():
        msg = f"unknown store revision {revision!r}; known: {', '.join(known_revisions())}."
        raise StoreError(msg)
    with engine.begin() as connection:
        _lock(connection)
        before = current_revision(connection)
        _check_known(connection, before)
        if before == target:
            return before, target
        config = _config()
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, target)
        except Exception as error:
            msg = f"migrating the store from {before or 'empty'} to {target} failed, nothing was changed: {error}"
            raise StoreError(msg) from error
    return before, target


def _check_known(connection: Connection, revision: str | None) -> None:
    """Refuse a revision from a newer app, and store tables without a revision (a store made by hand or half-copied)."""
    if revision is not None and revision not in known_revisions():
        msg = (
            f"the store is at revision {revision!r}, which this version of the app does not know (it knows up to "
            f"{head_revision()}): a newer version made it. Update the app, or point DATABASE_URL at another store."
        )
        raise StoreError(msg)
    if revision is None:
        from geo.store.schema import metadata

        present = sorted(set(inspect(connection).get_table_names()) & set(metadata.tables))
        if present:
            msg = (
                f"the database has the store's table(s) {present} but no schema revision (no alembic_version): it was "
                "not made by this app. Point DATABASE_URL at an empty database, or restore a backup into a new store."
            )
            raise StoreError(msg)


def _lock(connection: Connection) -> None:
    """Serialise migrations: an advisory lock on PostgreSQL, the write lock on SQLite (both end with the transaction)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())
