"""Back up the whole store to one JSON file, and restore it into an empty (or, asked, wiped) store.

The file holds a format id, the app version, the schema revision, every table's
columns and rows, and a SHA-256 of the tables. :func:`restore` checks all of it
before it writes anything, then writes everything in one transaction: a file from
elsewhere (another format, another schema, altered or cut) is refused with a
clear message and the store is left as it was. The file holds the accounts'
password hashes: keep it as safe as the store itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Boolean, Connection, Date, Float, Integer, LargeBinary, String, Text, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import JSON

import geo
from geo.errors import StoreError
from geo.outputs import checked_output, write_atomic
from geo.store.feature_versions import sync_geom
from geo.store.roles import User
from geo.store.schema import TABLES, UTCDateTime
from geo.store.service import Store, first_line, utc_now, writing

FORMAT_ID: Final[str] = "hanoi-planning-map/store-backup"
FORMAT_VERSION: Final[int] = 1


def dump_tables(store: Store) -> dict[str, dict[str, list]]:
    """Return every table of the store as ``{name: {"columns": [...], "rows": [[...], ...]}}``, JSON-ready, by primary key."""
    with store.engine.connect() as connection:
        return _dump(connection)


def backup_bytes(store: Store, *, user: User | None) -> bytes:
    """Return the backup of the whole store as UTF-8 JSON bytes (for a download); `user` must be a coordinator.

    Raises
    ------
    PermissionDenied
        If `user` is not a coordinator (None is allowed only while the store has no accounts).
    """
    with writing(store, user, "store.backup", what="back up the store", snapshot=True) as write:
        tables = _dump(write.connection)  # read inside the write lock: one consistent picture of every table
        write.audit("store", "backup", None, {"rows": {name: len(table["rows"]) for name, table in tables.items()}})
        who = write.who
    document = {
        "format": FORMAT_ID, "format_version": FORMAT_VERSION, "app_version": geo.__version__,
        "schema_revision": store.revision, "created_at": utc_now().isoformat(), "created_by": who,
        "tables": tables, "tables_sha256": _checksum(tables),
    }  # fmt: skip
    return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def backup(store: Store, path: Path | str, *, user: User | None, force: bool = False) -> Path:
    """Write the backup of the whole store to `path` (a ``.json`` file outside ``data/``), atomically; return the path.

    Raises
    ------
    InvalidArgumentError
        If `path` is refused by :func:`geo.outputs.checked_output` (inside ``data/``,
        an existing file without `force`, a missing folder).
    PermissionDenied
        If `user` is not a coordinator.
    """
    target = checked_output(path, force=force, suffixes=(".json",), option="backup FILE")
    return write_atomic(target, backup_bytes(store, user=user))


def read_backup(path: Path | str) -> dict[str, Any]:
    """Read and check a backup file; return its document.

    Raises
    ------
    StoreError
        If the file cannot be read, is not JSON, is not a backup of this app's
        store, was made by another format version, or its tables do not match their
        checksum (altered or cut).
    """
    path = Path(path)
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        msg = f"cannot read the backup {path}: {error.strerror or error}."
        raise StoreError(msg) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        msg = f"{path.name} is not a backup of the planning store: it is not UTF-8 JSON ({error}); nothing was restored."
        raise StoreError(msg) from error
    if not isinstance(document, dict) or document.get("format") != FORMAT_ID:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        msg = f"{path.name} is not a backup of the planning store (format {found!r}, expected {FORMAT_ID!r}); nothing was restored."
        raise StoreError(msg)
    if document.get("format_version") != FORMAT_VERSION:
        msg = f"{path.name}: backup format version {document.get('format_version')!r}, this app reads {FORMAT_VERSION}; nothing was restored."
        raise StoreError(msg)
    tables = document.get("tables")
    if not isinstance(tables, dict) or document.get("tables_sha256") != _checksum(tables):
        msg = f"{path.name}: the tables do not match the file's checksum (the file was altered or cut); nothing was restored."
        raise StoreError(msg)
    return document


def restore(store: Store, path: Path | str, *, user: User | None = None, replace: bool = False) -> dict[str, int]:
    """Restore a backup into the store; return the rows restored per table.

    The store must be empty, or `replace` must be given: then its rows are deleted
    and the backup's written in the same transaction. The restore itself is the
    last audit record. Nothing is written unless everything checks.

    Parameters
    ----------
    store : Store
        The open store, at the backup's schema revision.
    path : pathlib.Path or str
        A file written by :func:`backup`.
    user : User or None
        A coordinator; None only while the store has no accounts.
    replace : bool
        Replace a store that holds records.

    Raises
    ------
    StoreError
        For a file from elsewhere (see :func:`read_backup`), another schema
        revision, a table or column this store does not have, a malformed value,
        or a store that is not empty without `replace`.
    PermissionDenied
        If `user` may not restore.
    """
    path = Path(path)
    document = read_backup(path)
    if document.get("schema_revision") != store.revision:
        msg = (f"{path.name} is a backup of schema revision {document.get('schema_revision')!r}; this store is at {store.revision}. "
               "Restore it with the app version that made it, or upgrade that store first; nothing was restored.")  # fmt: skip
        raise StoreError(msg)
    rows = _checked_rows(document["tables"], path.name)
    with writing(store, user, "store.restore", what=f"restore the backup {path.name}") as write:
        counts = _counts(write.connection)
        if any(counts.values()) and not (replace and write.actor is not None):
            held = ", ".join(f"{count} {name}" for name, count in counts.items() if count)
            msg = f"the store at {store.url} is not empty ({held}); restore into a new store, or replace it (--replace, a coordinator)."
            raise StoreError(msg)
        for table in reversed(TABLES):
            write.connection.execute(delete(table))
        for table in TABLES:
            if not rows[table.name]:
                continue
            try:
                write.connection.execute(insert(table), rows[table.name])
            except IntegrityError as error:
                msg = f"{path.name}: the rows of table {table.name} break the store's rules ({first_line(error)}); nothing was restored."
                raise StoreError(msg) from error
        _reset_sequences(write.connection)
        if store.spatial == "postgis":  # the geometry mirror is not in the backup: rebuild it from the GeoJSON text
            sync_geom(write.connection)
        restored = {name: len(table_rows) for name, table_rows in rows.items()}
        write.audit("store", "restore", None, {"file": path.name, "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                                               "backup_created_at": document.get("created_at"), "rows": restored})  # fmt: skip
    return restored


def _dump(connection: Connection) -> dict[str, dict[str, list]]:
    out = {}
    for table in TABLES:
        columns = [column.name for column in table.columns]
        order = list(table.primary_key.columns)
        result = connection.execute(select(table).order_by(*order)).all()
        out[table.name] = {"columns": columns, "rows": [[_plain(value) for value in row] for row in result]}
    return out


def _checked_rows(tables: Mapping[str, Any], name: str) -> dict[str, list[dict[str, Any]]]:
    """Return the backup's rows as column dicts with Python values, or raise StoreError at the first thing out of place."""
    expected = {table.name for table in TABLES}
    if set(tables) != expected:
        msg = f"{name}: tables {sorted(tables)} do not match this store's {sorted(expected)}; nothing was restored."
        raise StoreError(msg)
    out: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        block = tables[table.name]
        columns = [column.name for column in table.columns]
        if not isinstance(block, dict) or block.get("columns") != columns or not isinstance(block.get("rows"), list):
            msg = f"{name}: table {table.name} has columns {block.get('columns') if isinstance(block, dict) else '?'}, expected {columns}; nothing was restored."
            raise StoreError(msg)
        out[table.name] = []
        for number, row in enumerate(block["rows"], start=1):
            if not isinstance(row, list) or len(row) != len(columns):
                msg = f"{name}: table {table.name} row {number} does not have {len(columns)} values; nothing was restored."
                raise StoreError(msg)
            out[table.name].append({column.name: _value(column, value, f"{name}: table {table.name} row {number}")
                                    for column, value in zip(table.columns, row, strict=True)})  # fmt: skip
    return out


def _value(column: Any, value: Any, where: str) -> Any:
    """Return a backup value as the column stores it; raise StoreError for a value of the wrong kind."""
    if value is None:
        if not column.nullable:
            msg = f"{where}: column {column.name} may not be empty; nothing was restored."
            raise StoreError(msg)
        return None
    kind, found = column.type, value
    ok = True
    if isinstance(kind, UTCDateTime):
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        ok = parsed is not None and parsed.tzinfo is not None
        value = parsed
    elif isinstance(kind, Date):
        try:
            value = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            value = None
        ok = value is not None
    elif isinstance(kind, LargeBinary):
        try:
            value = base64.b64decode(value, validate=True) if isinstance(value, str) else None
        except (binascii.Error, ValueError):
            value = None
        ok = value is not None
    elif isinstance(kind, Float):
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    elif isinstance(kind, Boolean):
        ok = isinstance(value, bool)
    elif isinstance(kind, Integer):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(kind, String | Text):
        ok = isinstance(value, str) and (kind.length is None or len(value) <= kind.length)
    elif not isinstance(kind, JSON):  # pragma: no cover - every column type of the schema is listed above
        ok = False
    if not ok:
        msg = f"{where}: column {column.name} holds {str(found)[:40]!r}, not a {type(kind).__name__} value; nothing was restored."
        raise StoreError(msg)
    return value


def _counts(connection: Connection) -> dict[str, int]:
    return {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one() for table in TABLES}


def _reset_sequences(connection: Connection) -> None:
    """Move PostgreSQL's id sequences past the restored ids (SQLite takes the next id from the rows themselves)."""
    if connection.dialect.name != "postgresql":
        return
    for table in TABLES:
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and isinstance(keys[0].type, Integer):
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{keys[0].name}'), "
                f"COALESCE((SELECT MAX({keys[0].name}) FROM {table.name}), 0) + 1, false)"
            ))  # fmt: skip  # names from the schema, not from the file


def _plain(value: Any) -> Any:
    """Return a stored value as JSON: datetimes and dates as ISO text, bytes (evidence files) as base64 text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _checksum(tables: Any) -> str:
    canonical = json.dumps(tables, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

