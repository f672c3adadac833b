"""Read the audit log: who changed what, when, with the record before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from geo.errors import InvalidArgumentError
from geo.store.schema import audit_log
from geo.store.service import Store


@dataclass(frozen=True)
class AuditEntry:
    """One audit record: `who` did `action` on the record (`record_type`, `record_id`) at `at` (UTC).

    ``before`` is None for a record created, ``after`` None for one removed; both
    are JSON values (dates as ISO text, password hashes hidden).
    """

    id: int
    at: datetime
    who: str
    action: str
    record_type: str
    record_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def audit_entries(
    store: Store,
    *,
    who: str | None = None,
    record_type: str | None = None,
    record_id: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int = 1000,
) -> list[AuditEntry]:
    """Return audit records, newest first, filtered by user, record and time.

    Parameters
    ----------
    store : Store
        The open store.
    who : str or None
        The account (or ``(store admin)``) that wrote.
    record_type, record_id : str or None
        The record, e.g. ``"user"`` and ``"lan"``, or ``"plan"`` and ``"3"``.
    since, until : datetime.date, datetime.datetime or None
        The time window, both ends included; a date means the whole day (UTC); a
        naive datetime is taken as UTC.
    limit : int
        At most this many records (1-100,000).

    Raises
    ------
    InvalidArgumentError
        If the window is reversed or the limit out of range.
    """
    if not 1 <= limit <= 100_000:
        msg = f"limit must be 1-100000, got {limit}."
        raise InvalidArgumentError(msg)
    start = _moment(since, end=False)
    stop = _moment(until, end=True)
    if start is not None and stop is not None and start >= stop:
        msg = f"the audit window is reversed: from {since} is after until {until}."
        raise InvalidArgumentError(msg)
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if who:
        query = query.where(audit_log.c.who == who)
    if record_type:
        query = query.where(audit_log.c.record_type == record_type)
    if record_id:
        query = query.where(audit_log.c.record_id == str(record_id))
    if start is not None:
        query = query.where(audit_log.c.at >= start)
    if stop is not None:
        query = query.where(audit_log.c.at < stop)
    with store.engine.connect() as connection:
        return [AuditEntry(**row) for row in connection.execute(query).mappings()]


def _moment(value: date | datetime | None, *, end: bool) -> datetime | None:
    """Return the window bound as an aware UTC datetime (an end date counts to the next midnight, exclusive)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment + timedelta(microseconds=1) if end else moment
    return datetime.combine(value + timedelta(days=1) if end else value, time(0), tzinfo=UTC)
