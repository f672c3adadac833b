"""Where the store lives and how to reach it: the URL, the engine, the backend's spatial support.

With no configuration the store is a SQLite file, ``store/planning.sqlite`` under
the repository (a git-ignored folder, created on first use). ``DATABASE_URL``, an
SQLAlchemy URL, selects PostgreSQL for a shared deployment, e.g.
``postgresql+psycopg://planner:secret@db.example:5432/planning``. Every message
shows the URL with its password replaced by ``***``.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
from pathlib import Path
from typing import Final

from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from geo import settings
from geo.errors import StoreError

URL_ENV: Final[str] = "DATABASE_URL"
STORE_DIR: Final[Path] = settings.ROOT / "store"
DEFAULT_SQLITE: Final[Path] = STORE_DIR / "planning.sqlite"
BACKENDS: Final[tuple[str, ...]] = ("sqlite", "postgresql")
CONNECT_TIMEOUT_S: Final[int] = 10  # PostgreSQL: give up on an unreachable server after this many seconds
SQLITE_BUSY_TIMEOUT_S: Final[float] = 15.0  # SQLite: wait this long for another writer before failing
SPATIALITE_ENV: Final[str] = "SPATIALITE_LIBRARY_PATH"  # the variable GeoAlchemy2 reads too
_EXAMPLES = "sqlite:////path/to/planning.sqlite or postgresql+psycopg://USER:PASSWORD@HOST:5432/DATABASE"


def store_url(url: str | URL | None = None) -> URL:
    """Return the SQLAlchemy URL of the store: `url`, else ``DATABASE_URL``, else the default SQLite file.

    ``postgresql://`` and ``postgres://`` mean the psycopg 3 driver. The default
    folder ``store/`` is created when missing.

    Raises
    ------
    StoreError
        If the URL is malformed, names a database or driver the store does not
        support, or a SQLite file whose folder does not exist.
    """
    raw = url if url is not None else os.environ.get(URL_ENV, "").strip()
    if isinstance(raw, str) and not raw:
        STORE_DIR.mkdir(exist_ok=True)
        return URL.create("sqlite", database=str(DEFAULT_SQLITE))
    try:
        parsed = make_url(raw)
    except (ArgumentError, ValueError) as error:
        msg = f"{URL_ENV} {mask_url_text(str(raw))!r} is not a database URL; expected {_EXAMPLES}."
        raise StoreError(msg) from error
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend, driver = parsed.drivername.partition("+")[::2]
    shown = safe_url(parsed)
    if backend not in BACKENDS:
        msg = f"{URL_ENV} {shown!r}: unknown or unsupported database {backend!r}; the store runs on SQLite or PostgreSQL: {_EXAMPLES}."
        raise StoreError(msg)
    if backend == "postgresql" and driver != "psycopg":
        msg = f"{URL_ENV} {shown!r}: unknown or unsupported driver {driver!r}; use postgresql+psycopg:// (psycopg 3)."
        raise StoreError(msg)
    if backend == "sqlite":
        if driver not in ("", "pysqlite"):
            msg = f"{URL_ENV} {shown!r}: unknown or unsupported driver {driver!r}; use sqlite:///PATH."
            raise StoreError(msg)
        if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
            msg = f"{URL_ENV} {shown!r}: give the store a file, e.g. sqlite:////srv/planning/planning.sqlite (an in-memory store forgets everything)."
            raise StoreError(msg)
        folder = Path(parsed.database).expanduser().resolve().parent
        if not folder.is_dir():
            msg = f"{URL_ENV} {shown!r}: the folder {folder} does not exist; create it first."
            raise StoreError(msg)
    return parsed


def safe_url(url: URL) -> str:
    """Return `url` as text with its password replaced by ``***``."""
    return url.render_as_string(hide_password=True)


def mask_url_text(raw: str) -> str:
    """Return a URL-like text with anything between ``user:`` and ``@`` replaced by ``***`` (for unparsable URLs)."""
    return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", raw)


def make_engine(url: URL) -> Engine:
    """Return an engine for `url` (from :func:`store_url`) with the store's connection settings.

    SQLite: foreign keys on, write-ahead log, a busy timeout, and SpatiaLite loaded
    on each connection when this Python can load extensions and the library is
    installed (GeoAlchemy2 columns need it). PostgreSQL: a connect timeout of
    ``CONNECT_TIMEOUT_S`` unless the URL sets ``connect_timeout``, and a liveness
    check of pooled connections.

    Raises
    ------
    StoreError
        If SQLAlchemy has no dialect or driver for the URL.
    """
    serializer = functools.partial(json.dumps, ensure_ascii=False, allow_nan=False)
    try:
        if url.get_backend_name() == "sqlite":
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, json_serializer=serializer)
            event.listen(engine, "connect", _prepare_sqlite)
            return engine
        connect_args = {} if "connect_timeout" in url.query else {"connect_timeout": CONNECT_TIMEOUT_S}
        return create_engine(url, connect_args=connect_args, pool_pre_ping=True, json_serializer=serializer)
    except (NoSuchModuleError, ModuleNotFoundError, ArgumentError) as error:
        msg = f"{URL_ENV} {safe_url(url)!r}: no driver for this URL ({error}); use {_EXAMPLES}."
        raise StoreError(msg) from error


def check_connection(engine: Engine) -> None:
    """Open one connection to the store and run ``SELECT 1``.

    Raises
    ------
    StoreError
        Naming the URL (without its password) and the server's or driver's first
        line, when the server is unreachable, refuses the login, or the file is not
        a database.
    """
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (DBAPIError, SQLAlchemyError, OSError) as error:
        msg = f"cannot open the store at {safe_url(engine.url)}: {driver_message(error, engine.url)} Check {URL_ENV} and that the server runs."
        raise StoreError(msg) from error


def driver_message(error: BaseException, url: URL) -> str:
    """Return the first line of a driver's error, without the URL's password, ending in a full stop."""
    original = getattr(error, "orig", None) or error
    line = next((part.strip() for part in str(original).splitlines() if part.strip()), type(original).__name__)
    if url.password:
        line = line.replace(str(url.password), "***")
    return line if line.endswith(".") else f"{line}."


def spatial_backend(engine: Engine) -> str | None:
    """Return ``"spatialite"`` or ``"postgis"`` when GeoAlchemy2 geometry columns can live in this store, else None.

    SQLite needs a Python whose ``sqlite3`` can load extensions and the
    ``mod_spatialite`` library (Debian: ``libsqlite3-mod-spatialite``); PostgreSQL
    needs the ``postgis`` extension in the database. Without it the feature versions keep their
    GeoJSON text only (:mod:`geo.store.feature_versions`); this is reported, not required.
    """
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                if spatialite_library() is None:
                    return None
                return "spatialite" if connection.execute(text("SELECT spatialite_version()")).scalar() else None
            found = connection.execute(text("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")).scalar()
            return "postgis" if found else None
    except SQLAlchemyError:
        return None


@functools.cache
def spatialite_library() -> str | None:
    """Return the SpatiaLite library this Python can load (``SPATIALITE_LIBRARY_PATH`` or ``mod_spatialite``), or None."""
    candidate = os.environ.get(SPATIALITE_ENV) or "mod_spatialite"
    probe = sqlite3.connect(":memory:")
    try:
        if not hasattr(probe, "enable_load_extension"):  # Python built without extension loading (pyenv's default)
            return None
        probe.enable_load_extension(True)
        probe.load_extension(candidate)
        return candidate
    except sqlite3.Error:
        return None
    finally:
        probe.close()


def _prepare_sqlite(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """Set the pragmas of a new SQLite connection and load SpatiaLite when available."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
    library = spatialite_library()
    if library is not None:
        dbapi_connection.enable_load_extension(True)
        dbapi_connection.load_extension(library)
        dbapi_connection.enable_load_extension(False)
