"""Imported plans: a new plan's task table kept in the store for everyone, withdrawn (never deleted) by a coordinator.

:func:`active_imported_tasks` returns the tasks of the plans not withdrawn with
exactly the register's columns (:data:`geo.register.COLUMNS`) plus
``imported_by`` and ``imported_at``, so the one view pipeline can append them to
the base register of ``data/``.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import insert, select

from geo.errors import InvalidArgumentError, problem
from geo.importer import ImportResult
from geo.register import COLUMNS
from geo.store.roles import User
from geo.store.schema import imported_plans, imported_tasks
from geo.store.service import Store, utc_now, writing
from geo.text import nfc

IMPORT_COLUMNS = (*COLUMNS, "imported_by", "imported_at")


@dataclass(frozen=True)
class ImportedPlan:
    """One imported plan (its tasks are in ``imported_tasks``)."""

    id: int
    doc_id: str
    title: str
    file_name: str
    file_sha256: str
    task_count: int
    imported_by: str
    imported_at: datetime
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    version: int

    @property
    def active(self) -> bool:
        """Return True while the plan is not withdrawn."""
        return self.withdrawn_at is None


def import_plan(
    store: Store,
    user: User | None,
    result: ImportResult,
    *,
    doc_id: str,
    file_name: str,
    file_bytes: bytes,
    title: str = "",
    base_doc_ids: Iterable[str] | None = None,
) -> ImportedPlan:
    """Store the records of an imported task table as the plan `doc_id`; return the plan.

    Parameters
    ----------
    store : Store
        The open store.
    user : User or None
        The acting account (a coordinator).
    result : geo.importer.ImportResult
        The table read by :func:`geo.importer.import_tasks` with the same `doc_id`
        (flagged rows are kept with their flags).
    doc_id : str
        The new document's id; it may not be a document of the base register or an
        active imported plan.
    file_name, file_bytes : str, bytes
        The uploaded file's name and content (its SHA-256 is kept).
    title : str
        The plan's title, free text.
    base_doc_ids : iterable of str or None
        The documents of the base register (default: ``data/tasks.csv`` and ``data/documents.csv``).

    Raises
    ------
    InvalidArgumentError
        For an empty table, a doc_id of the base register or of an active plan, or
        records of another doc_id.
    PermissionDenied
        If `user` is not a coordinator.
    """
    doc_id = nfc(doc_id).strip()
    if not doc_id:
        msg = "--doc-id: give the new plan's document id, e.g. KH-12-2027."
        raise InvalidArgumentError(msg)
    if len(doc_id) > 64:
        msg = f"--doc-id {doc_id[:40]!r}...: a document id has at most 64 characters."
        raise InvalidArgumentError(msg)
    tasks = result.tasks
    if tasks["id"].duplicated().any():
        msg = f"{file_name}: task ids repeat ({sorted(set(tasks.loc[tasks['id'].duplicated(), 'id']))[:5]}); read the table with geo.importer.import_tasks."
        raise InvalidArgumentError(msg)
    if tasks.empty:
        msg = f"{file_name}: the table has no task rows; nothing to import."
        raise InvalidArgumentError(msg)
    other = sorted(set(tasks["doc_id"]) - {doc_id})
    if other:
        msg = f"the records carry doc_id {other}, not {doc_id!r}: read the table again with --doc-id {doc_id}."
        raise InvalidArgumentError(msg)
    if doc_id in set(base_doc_ids if base_doc_ids is not None else _base_doc_ids()):
        raise problem(InvalidArgumentError, "err.plan_base_doc", doc_id=doc_id)
    records = [{column: _text(row[column]) for column in COLUMNS} for _, row in tasks.iterrows()]
    plan_values = {
        "doc_id": doc_id, "title": nfc(title), "file_name": nfc(file_name)[:255], "file_sha256": hashlib.sha256(file_bytes).hexdigest(),
        "task_count": len(records), "imported_at": utc_now(), "withdrawn_at": None, "withdrawn_by": None,
    }  # fmt: skip
    with writing(store, user, "plan.import", what=f"import the plan {doc_id!r}") as write:
        active = write.connection.execute(
            select(imported_plans).where(imported_plans.c.doc_id == doc_id, imported_plans.c.withdrawn_at.is_(None))
        ).mappings().first()  # fmt: skip
        if active is not None:
            error = problem(InvalidArgumentError, "err.plan_exists", doc_id=doc_id, plan=active["id"], who=active["imported_by"],
                            at=f"{active['imported_at']:%Y-%m-%d %H:%M}")  # fmt: skip
            raise error
        plan = write.insert(imported_plans, {**plan_values, "imported_by": write.who}, record_type="plan")
        write.connection.execute(insert(imported_tasks), [
            {"plan_id": plan["id"], "position": position, "task_id": record["id"], "record": record}
            for position, record in enumerate(records)
        ])  # fmt: skip
    return ImportedPlan(**{key: plan[key] for key in ImportedPlan.__dataclass_fields__})


def withdraw_plan(store: Store, user: User | None, plan_id: int, expected_version: int) -> ImportedPlan:
    """Withdraw an imported plan: its tasks leave the view, the plan and its tasks stay in the store's history.

    Raises
    ------
    ConflictError
        If the plan changed (e.g. was withdrawn) since `expected_version`.
    InvalidArgumentError
        If the plan is already withdrawn.
    """
    with writing(store, user, "plan.withdraw", what=f"withdraw the imported plan {plan_id}") as write:
        current = write.connection.execute(select(imported_plans).where(imported_plans.c.id == int(plan_id))).mappings().first()
        if current is not None and current["withdrawn_at"] is not None and current["version"] == expected_version:
            msg = (f"plan {plan_id} ({current['doc_id']}) was already withdrawn by {current['withdrawn_by']!r} at "
                   f"{current['withdrawn_at']:%Y-%m-%d %H:%M} UTC.")  # fmt: skip
            raise InvalidArgumentError(msg)
        row = write.update(imported_plans, ("id", int(plan_id)), expected_version=expected_version,
                           values={"withdrawn_at": write.at, "withdrawn_by": write.who}, record_type="plan")  # fmt: skip
    return ImportedPlan(**{key: row[key] for key in ImportedPlan.__dataclass_fields__})


def list_plans(store: Store, *, include_withdrawn: bool = True) -> list[ImportedPlan]:
    """Return the imported plans, oldest first (withdrawn ones too unless `include_withdrawn` is False)."""
    query = select(imported_plans).order_by(imported_plans.c.id)
    if not include_withdrawn:
        query = query.where(imported_plans.c.withdrawn_at.is_(None))
    with store.engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [ImportedPlan(**{key: row[key] for key in ImportedPlan.__dataclass_fields__}) for row in rows]


def active_imported_tasks(store: Store) -> pd.DataFrame:
    """Return the tasks of every plan not withdrawn, as the register holds tasks.

    Returns
    -------
    pandas.DataFrame
        Indexed by task ``id``; the columns of :data:`geo.register.COLUMNS` (text,
        except ``due_start`` and ``due_end``: ``datetime.date`` or None, as
        :func:`geo.register.load_register` gives them) followed by ``imported_by``
        and ``imported_at`` (UTC datetime). Plans in import order, rows in file order.
    """
    query = (
        select(imported_tasks.c.record, imported_plans.c.imported_by, imported_plans.c.imported_at)
        .join(imported_plans, imported_plans.c.id == imported_tasks.c.plan_id)
        .where(imported_plans.c.withdrawn_at.is_(None))
        .order_by(imported_plans.c.id, imported_tasks.c.position)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    records = []
    for record, imported_by, imported_at in rows:
        row = {column: _text(record.get(column, "")) for column in COLUMNS}
        for column in ("due_start", "due_end"):
            row[column] = date.fromisoformat(row[column]) if row[column] else None
        records.append({**row, "imported_by": imported_by, "imported_at": imported_at})
    frame = pd.DataFrame.from_records(records, columns=list(IMPORT_COLUMNS))
    return frame.set_index("id", drop=False)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@functools.cache
def _base_doc_ids() -> frozenset[str]:
    from geo.register import load_documents, load_register

    return frozenset(load_register()["doc_id"]) | frozenset(load_documents().index)
