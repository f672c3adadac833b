"""The store's settings table: switches a coordinator changes, with versions and audit like every record.

Known settings and their defaults are in ``DEFAULTS``; a setting never written
reads as its default at version 0.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select

from geo.errors import InvalidArgumentError, UnknownValueError
from geo.store.roles import User
from geo.store.schema import store_settings
from geo.store.service import Store, writing

DEFAULTS: Final[dict[str, Any]] = {
    "anonymous_viewing": True,  # the app opens for viewing without sign-in; writing always needs an account
    "edit_review": False,  # an editor's change of a feature waits for a coordinator's approval before the map shows it
}


def get_setting(store: Store, key: str) -> tuple[Any, int]:
    """Return a setting's value and version (the default at version 0 when never set).

    Raises
    ------
    UnknownValueError
        If `key` is not a known setting.
    """
    _check_key(key)
    with store.engine.connect() as connection:
        row = connection.execute(select(store_settings).where(store_settings.c.key == key)).mappings().first()
    return (row["value"], row["version"]) if row is not None else (DEFAULTS[key], 0)


def set_setting(store: Store, user: User | None, key: str, value: Any, *, expected_version: int) -> int:
    """Set a setting (a coordinator's write) read at `expected_version` (0: never set); return the new version.

    Raises
    ------
    UnknownValueError, InvalidArgumentError
        For an unknown key, or a value of another type than the default's.
    ConflictError
        If the setting changed since `expected_version`.
    """
    _check_key(key)
    if type(value) is not type(DEFAULTS[key]):
        msg = f"setting {key!r} takes a {type(DEFAULTS[key]).__name__}, got {value!r}."
        raise InvalidArgumentError(msg)
    with writing(store, user, "settings.change", what=f"change the setting {key!r}") as write:
        exists = write.connection.execute(select(store_settings.c.key).where(store_settings.c.key == key)).first() is not None
        values = {"value": value, "updated_at": write.at, "updated_by": write.who}
        if exists or expected_version != 0:
            row = write.update(store_settings, ("key", key), expected_version=expected_version, values=values, record_type="setting")
        else:
            row = write.insert(store_settings, {"key": key, **values}, record_type="setting", key="key")
    return int(row["version"])


def _check_key(key: str) -> None:
    if key not in DEFAULTS:
        msg = f"unknown setting {key!r}; known: {', '.join(DEFAULTS)}."
        raise UnknownValueError(msg)
