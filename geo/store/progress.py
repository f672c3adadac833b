"""Progress reports and indicator values: written through the one write path, every report kept, the latest current.

A report is never changed or deleted: a new one is appended and becomes the task's
latest. Saving checks, in one transaction: the account may report on the task
(:func:`geo.store.roles.can_report`: a reporter for its agency's tasks, 2025
successions counted; a coordinator for any), the values keep the rules of
:mod:`geo.progress.rules`, and the latest report the caller saw is still the latest
(no lost update: otherwise :class:`geo.errors.ConflictError` names who reported
what and when). The audit record is written in the same transaction.

Examples
--------
>>> report = add_report(store, rita, tasks.loc["KH-183-2021.012"], agencies=agencies,  # doctest: +SKIP
...                     status="in_progress", reported_on=date(2026, 11, 20), percent=40, expected_latest=None)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Final

import pandas as pd
from sqlalchemy import Connection, insert, select, text

from geo.agencies import AgencyIndex
from geo.errors import ConflictError, InvalidArgumentError, PermissionDenied, UnknownValueError, problem
from geo.progress.rules import Evidence, ReportValues, check_indicator_value, check_report
from geo.store.roles import User, can_report
from geo.store.schema import indicator_values, progress_evidence, progress_reports
from geo.store.service import Store, writing
from geo.text import split_ids

REPORT_COLUMNS: Final[tuple[str, ...]] = (
    "task_id", "id", "reported_on", "status", "completed_on", "percent", "milestone", "results", "difficulties", "proposals",
    "evidence_ref", "evidence_link", "evidence_name", "period", "reporter", "created_at",
)  # fmt: skip
INDICATOR_COLUMNS: Final[tuple[str, ...]] = ("id", "indicator_id", "value", "on", "source", "reporter", "created_at")
_PG_TASK_LOCK: Final[int] = 7_238_114  # pg_advisory_xact_lock(namespace, hashtext(task_id)): one save per task at a time


@dataclass(frozen=True)
class Report:
    """One saved progress report (the evidence file's content is read with :func:`evidence_file`)."""

    id: int
    task_id: str
    status: str
    completed_on: date | None
    percent: float | None
    milestone: str
    results: str
    difficulties: str
    proposals: str
    evidence_ref: str
    evidence_link: str
    evidence_name: str | None
    evidence_media_type: str | None
    evidence_size: int | None
    evidence_sha256: str | None
    period: str
    reported_on: date
    reporter: str
    created_at: datetime
    content_sha256: str
    supersedes: int | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Report:
        """Return the report of a ``progress_reports`` row."""
        values = {item.name: row[item.name] for item in fields(cls)}
        values["percent"] = None if values["percent"] is None else float(values["percent"])
        return cls(**values)


@dataclass(frozen=True)
class IndicatorValue:
    """One reported value of an indicator of ``data/indicators.csv``."""

    id: int
    indicator_id: str
    value: float
    on: date
    source: str
    reporter: str
    created_at: datetime


def add_report(
    store: Store,
    user: User | None,
    task: pd.Series,
    *,
    agencies: AgencyIndex,
    status: str,
    reported_on: date,
    completed_on: date | None = None,
    percent: float | None = None,
    milestone: str = "",
    results: str = "",
    difficulties: str = "",
    proposals: str = "",
    evidence_ref: str = "",
    evidence_link: str = "",
    evidence_file: Evidence | tuple[str, bytes] | None = None,
    period: str = "",
    expected_latest: int | None = None,
) -> Report:
    """Append a progress report on `task` and return it (it becomes the task's latest).

    Parameters
    ----------
    store : Store
        The open store.
    user : User or None
        The acting account: a reporter of an agency that leads or coordinates the
        task (or an agency merged into it in 2025), or a coordinator.
    task : pandas.Series
        The task's register row (``id``, ``lead_agency``, ``coordinating``, ``due_kind``, ``due_raw``).
    agencies : AgencyIndex
        The agency table with its successions.
    status, reported_on, completed_on, percent, milestone, results, difficulties, proposals,
    evidence_ref, evidence_link, period
        The report (rules in :mod:`geo.progress.rules`; `period` only for a recurring
        task, default the period of `reported_on`).
    evidence_file : Evidence or (name, bytes) or None
        A PDF, image or office document of at most 10 MiB, kept in the store.
    expected_latest : int or None
        The id of the latest report the caller saw for the task (None: it saw none).

    Raises
    ------
    InvalidArgumentError
        If a value breaks a rule (the first broken rule, from the catalogue).
    PermissionDenied
        If `user` may not report on the task (naming the user, role and task).
    ConflictError
        If a report was saved on the task after `expected_latest` (naming who reported what and when); nothing is saved.
    """
    values, issues = check_report(
        task, status=status, reported_on=reported_on, completed_on=completed_on, percent=percent, milestone=milestone,
        results=results, difficulties=difficulties, proposals=proposals, evidence_ref=evidence_ref, evidence_link=evidence_link,
        evidence_file=evidence_file, period=period,
    )  # fmt: skip
    if values is None:
        issue = issues[0]
        raise problem(InvalidArgumentError, issue.key, **issue.values)
    report, _ = save_report(store, user, task, values, agencies=agencies, expected_latest=expected_latest)
    return report


def save_report(
    store: Store, user: User | None, task: Mapping[str, object], values: ReportValues, *, agencies: AgencyIndex,
    expected_latest: int | None, skip_same: bool = False,
) -> tuple[Report, bool]:
    """Save checked values (:func:`geo.progress.rules.check_report`); return (the report, whether it was saved now).

    With `skip_same`, a report of the task that says exactly the same (same content
    hash) is returned instead of saving a copy (an import uploaded twice changes nothing).

    Raises
    ------
    PermissionDenied, ConflictError
        As :func:`add_report`.
    """
    task_id = str(task["id"])
    if values.task_id != task_id:
        msg = f"the values are for task {values.task_id!r}, not {task_id!r}."
        raise InvalidArgumentError(msg)
    digest = values.content_sha256()
    what = f"report progress on task {task_id}"
    with writing(store, user, "progress.report", what=what, check=lambda actor: _may_report(actor, task, agencies)) as write:
        connection = write.connection
        if store.backend == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:task))"), {"space": _PG_TASK_LOCK, "task": task_id})
        if skip_same:
            same = connection.execute(select(progress_reports).where(
                progress_reports.c.task_id == task_id, progress_reports.c.content_sha256 == digest).limit(1)).mappings().first()  # fmt: skip
            if same is not None:
                return Report.from_row(same), False
        latest = _latest(connection, task_id)
        if (latest["id"] if latest is not None else None) != expected_latest:
            raise _conflict(task_id, expected_latest, latest)
        evidence = values.evidence
        row = write.insert(progress_reports, {
            "task_id": task_id, "status": values.status, "completed_on": values.completed_on, "percent": values.percent,
            "milestone": values.milestone, "results": values.results, "difficulties": values.difficulties,
            "proposals": values.proposals, "evidence_ref": values.evidence_ref, "evidence_link": values.evidence_link,
            "evidence_name": evidence.name if evidence else None, "evidence_media_type": evidence.media_type if evidence else None,
            "evidence_size": len(evidence.content) if evidence else None, "evidence_sha256": evidence.sha256 if evidence else None,
            "period": values.period, "reported_on": values.reported_on, "reporter": write.who, "created_at": write.at,
            "content_sha256": digest, "supersedes": expected_latest,
        }, record_type="progress_report")  # fmt: skip
        if evidence is not None:
            connection.execute(insert(progress_evidence).values(report_id=row["id"], content=evidence.content))
    return Report.from_row(row), True


def latest_report_ids(store: Store, task_ids: list[str] | None = None) -> dict[str, int]:
    """Return the id of the latest saved report per task (the `expected_latest` a caller passes), for `task_ids` or all."""
    query = select(progress_reports.c.task_id, progress_reports.c.id)
    if task_ids is not None:
        query = query.where(progress_reports.c.task_id.in_(list(task_ids)))
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    latest: dict[str, int] = {}
    for task_id, report_id in rows:
        latest[task_id] = max(report_id, latest.get(task_id, report_id))
    return latest


def reports_frame(store: Store) -> pd.DataFrame:
    """Return every progress report, oldest first: the columns of ``REPORT_COLUMNS`` (dates as ``datetime.date``, UTC ``created_at``)."""
    query = select(*(progress_reports.c[name] for name in REPORT_COLUMNS)).order_by(progress_reports.c.id)
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame.from_records([tuple(row) for row in rows], columns=list(REPORT_COLUMNS))
    if frame.empty:
        return frame
    return frame.assign(evidence_name=frame["evidence_name"].fillna("")).astype({"percent": "float64"})


def report_history(store: Store, task_id: str) -> list[Report]:
    """Return every report of the task, newest saved first (the first is the latest, current one)."""
    query = select(progress_reports).where(progress_reports.c.task_id == str(task_id)).order_by(progress_reports.c.id.desc())
    with store.engine.connect() as connection:
        return [Report.from_row(row) for row in connection.execute(query).mappings()]


def evidence_file(store: Store, report_id: int) -> tuple[str, str, bytes]:
    """Return (name, media type, content) of the file attached to a report.

    Raises
    ------
    UnknownValueError
        If there is no such report, or it has no file.
    """
    query = (select(progress_reports.c.evidence_name, progress_reports.c.evidence_media_type, progress_evidence.c.content)
             .join(progress_evidence, progress_evidence.c.report_id == progress_reports.c.id)
             .where(progress_reports.c.id == int(report_id)))  # fmt: skip
    with store.engine.connect() as connection:
        row = connection.execute(query).first()
    if row is None:
        raise problem(UnknownValueError, "err.evidence_missing", report_id=report_id)
    return str(row[0]), str(row[1]), bytes(row[2])


def add_indicator_value(
    store: Store, user: User | None, indicator_row: Mapping[str, object], *, value: float, on: date, source: str, agencies: AgencyIndex
) -> IndicatorValue:
    """Record the value of an indicator on a day, with its source; return it (every value kept, the latest by date current).

    The account must be a reporter of the indicator's lead agency (or of an agency
    that succeeded it in 2025) or a coordinator.

    Raises
    ------
    InvalidArgumentError
        For a value that is not a finite number, a bad or future date, a source over the limit.
    PermissionDenied
        If `user` may not report the indicator.
    """
    indicator_id = str(indicator_row["id"])
    checked, issues = check_indicator_value(value, on, source)
    if checked is None:
        raise problem(InvalidArgumentError, issues[0].key, **issues[0].values)
    number, day, text_source = checked
    lead_only = {"id": indicator_id, "lead_agency": indicator_row.get("lead_agency", ""), "coordinating": ""}
    what = f"report a value of indicator {indicator_id}"
    with writing(store, user, "progress.report", what=what, check=lambda actor: _may_report(actor, lead_only, agencies)) as write:
        row = write.insert(indicator_values, {"indicator_id": indicator_id, "value": number, "on": day, "source": text_source,
                                              "reporter": write.who, "created_at": write.at}, record_type="indicator_value")  # fmt: skip
    return IndicatorValue(**{item.name: row[item.name] for item in fields(IndicatorValue)})


def indicator_values_frame(store: Store) -> pd.DataFrame:
    """Return every reported indicator value, oldest first: ``INDICATOR_COLUMNS`` (``on`` a ``datetime.date``)."""
    query = select(*(indicator_values.c[name] for name in INDICATOR_COLUMNS)).order_by(indicator_values.c.id)
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=list(INDICATOR_COLUMNS))


def _latest(connection: Connection, task_id: str) -> Mapping[str, Any] | None:
    query = select(progress_reports).where(progress_reports.c.task_id == task_id).order_by(progress_reports.c.id.desc()).limit(1)
    return connection.execute(query).mappings().first()


def _conflict(task_id: str, expected: int | None, latest: Mapping[str, Any] | None) -> ConflictError:
    if latest is None:  # the caller named a report the task does not have
        return problem(ConflictError, "err.progress_conflict_gone", task_id=task_id, seen=expected)  # type: ignore[return-value]
    done = f" (completed on {latest['completed_on']:%Y-%m-%d})" if latest["completed_on"] else ""
    return problem(  # type: ignore[return-value]
        ConflictError, "err.progress_conflict", task_id=task_id, seen="none" if expected is None else f"report {expected}",
        who=latest["reporter"], status=f"{latest['status']}{done}", reported_on=f"{latest['reported_on']:%Y-%m-%d}",
        at=f"{latest['created_at']:%Y-%m-%d %H:%M:%S}", report_id=latest["id"],
    )  # fmt: skip


def _may_report(actor: User, task: Mapping[str, object], agencies: AgencyIndex) -> bool:
    """Return True when `actor` may report on `task`; otherwise raise PermissionDenied naming the task and its agencies."""
    if can_report(actor, task, agencies):
        return True
    raise problem(
        PermissionDenied, "err.refused_report", user=actor.name, role=actor.role, agency=actor.agency_id or "none",
        task_id=str(task.get("id", "")), lead=", ".join(split_ids(task.get("lead_agency", ""))) or "none",
        coordinating=", ".join(split_ids(task.get("coordinating", ""))) or "none",
    )
