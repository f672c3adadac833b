"""The store's tables as SQLAlchemy Core objects (the head revision of the migrations).

The migrations in ``geo/store/migrations/versions`` create these tables; this
module describes them for queries, the write path and backups. A change here
comes with a new migration (``tests/test_store_migrations.py`` compares both).
Times are stored as UTC without a zone and read back as aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

ROLES: Final[tuple[str, ...]] = ("viewer", "reporter", "editor", "coordinator")


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and read back as an aware UTC datetime (the same on SQLite and PostgreSQL)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        """Return `value` in UTC without its zone; refuse a naive datetime (its zone would be a guess)."""
        if value is None:
            return None
        if value.tzinfo is None:
            msg = f"store timestamps must carry a time zone, got the naive {value!r}."
            raise ValueError(msg)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        """Return the stored UTC time as an aware datetime."""
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("agency_id", String(64)),
    Column("password_hash", String(255)),
    Column("disabled", Boolean, nullable=False),
    Column("oidc_subject", String(255), unique=True),
    Column("email", String(320)),
    Column("failed_attempts", Integer, nullable=False),
    Column("locked_until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("role IN ('viewer', 'reporter', 'editor', 'coordinator')", name="ck_users_role"),
)  # fmt: skip

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("who", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("record_type", String(32), nullable=False),
    Column("record_id", String(255), nullable=False),
    Column("before", JSON(none_as_null=True)),
    Column("after", JSON(none_as_null=True)),
    Index("ix_audit_log_who", "who"),
    Index("ix_audit_log_record", "record_type", "record_id"),
    Index("ix_audit_log_at", "at"),
)  # fmt: skip

store_settings = Table(
    "settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSON(none_as_null=True)),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("version", Integer, nullable=False),
)  # fmt: skip

imported_plans = Table(
    "imported_plans", metadata,
    Column("id", Integer, primary_key=True),
    Column("doc_id", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("task_count", Integer, nullable=False),
    Column("imported_by", String(64), nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime),
    Column("withdrawn_by", String(64)),
    Column("version", Integer, nullable=False),
    Index("ux_imported_plans_active_doc", "doc_id", unique=True,
          sqlite_where=text("withdrawn_at IS NULL"), postgresql_where=text("withdrawn_at IS NULL")),
)  # fmt: skip

imported_tasks = Table(
    "imported_tasks", metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", Integer, ForeignKey("imported_plans.id", name="fk_imported_tasks_plan"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("task_id", String(128), nullable=False),
    Column("record", JSON(none_as_null=True), nullable=False),
    UniqueConstraint("plan_id", "task_id", name="uq_imported_tasks_plan_task"),
    Index("ix_imported_tasks_task_id", "task_id"),
)  # fmt: skip

# Progress reports (revision 0003): append-only, the latest saved is current. ``supersedes`` is the id of the report that
# was the task's latest when this one was saved (None for the first): two saves based on the same report cannot both land.
FIRST_REPORT = text("supersedes IS NULL")
progress_reports = Table(
    "progress_reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("task_id", String(128), nullable=False),
    Column("status", String(16), nullable=False),
    Column("completed_on", Date),
    Column("percent", Float),
    Column("milestone", Text, nullable=False),
    Column("results", Text, nullable=False),
    Column("difficulties", Text, nullable=False),
    Column("proposals", Text, nullable=False),
    Column("evidence_ref", String(255), nullable=False),
    Column("evidence_link", String(2048), nullable=False),
    Column("evidence_name", String(255)),
    Column("evidence_media_type", String(127)),
    Column("evidence_size", Integer),
    Column("evidence_sha256", String(64)),
    Column("period", String(8), nullable=False),
    Column("reported_on", Date, nullable=False),
    Column("reporter", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("supersedes", Integer),
    CheckConstraint("status IN ('not_started', 'in_progress', 'completed', 'blocked')", name="ck_progress_reports_status"),
    CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="ck_progress_reports_percent"),
    CheckConstraint("(status = 'completed' AND completed_on IS NOT NULL AND completed_on <= reported_on) "
                    "OR (status <> 'completed' AND completed_on IS NULL)", name="ck_progress_reports_completed"),
    Index("ix_progress_reports_task", "task_id", "id"),
    Index("ix_progress_reports_content", "task_id", "content_sha256"),
    Index("ux_progress_reports_chain", "task_id", "supersedes", unique=True),
    Index("ux_progress_reports_first", "task_id", unique=True, sqlite_where=FIRST_REPORT, postgresql_where=FIRST_REPORT),
)  # fmt: skip

progress_evidence = Table(
    "progress_evidence", metadata,
    Column("report_id", Integer, ForeignKey("progress_reports.id", name="fk_progress_evidence_report"), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)  # fmt: skip

indicator_values = Table(
    "indicator_values", metadata,
    Column("id", Integer, primary_key=True),
    Column("indicator_id", String(128), nullable=False),
    Column("value", Float, nullable=False),
    Column("on", Date, nullable=False),
    Column("source", String(500), nullable=False),
    Column("reporter", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_indicator_values_indicator", "indicator_id", "on"),
)  # fmt: skip

# Feature versions (revision 0004): what planners change on the map. Version ``seq`` 0 of a shipped feature is the base
# file (data/projects.geojson and data/links.csv); every change appends the whole feature (properties, GeoJSON geometry in
# EPSG:4326, links with their basis). The current feature is its highest approved version; ``version`` is the row's own
# counter (a review changes it). On PostGIS a ``geom`` column mirrors ``geometry`` (not described here: see the migration).
FEATURE_ACTIONS: Final[tuple[str, ...]] = ("add", "edit", "link", "unlink", "retire", "revert")
REVIEW_STATES: Final[tuple[str, ...]] = ("approved", "pending", "rejected")
feature_versions = Table(
    "feature_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("feature_id", String(128), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("layer", String(64), nullable=False),
    Column("properties", JSON(none_as_null=True), nullable=False),
    Column("geometry", Text, nullable=False),
    Column("links", JSON(none_as_null=True), nullable=False),
    Column("retired", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
    Column("author", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("review", String(16), nullable=False),
    Column("reviewed_by", String(64)),
    Column("reviewed_at", UTCDateTime),
    Column("version", Integer, nullable=False),
    CheckConstraint("seq >= 1", name="ck_feature_versions_seq"),
    CheckConstraint("review IN ('approved', 'pending', 'rejected')", name="ck_feature_versions_review"),
    CheckConstraint("action IN ('add', 'edit', 'link', 'unlink', 'retire', 'revert')", name="ck_feature_versions_action"),
    UniqueConstraint("feature_id", "seq", name="uq_feature_versions_seq"),
    Index("ix_feature_versions_review", "review", "feature_id"),
)  # fmt: skip

# Tables in the order they can be filled (parents first); a backup lists them in this order.
TABLES: Final[tuple[Table, ...]] = tuple(metadata.sorted_tables)
