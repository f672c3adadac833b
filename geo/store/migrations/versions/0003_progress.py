"""Progress reports (append-only, with evidence files) and reported indicator values.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FIRST_REPORT = sa.text("supersedes IS NULL")


def upgrade() -> None:
    """Create ``progress_reports``, ``progress_evidence`` and ``indicator_values``."""
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("completed_on", sa.Date),
        sa.Column("percent", sa.Float),
        sa.Column("milestone", sa.Text, nullable=False),
        sa.Column("results", sa.Text, nullable=False),
        sa.Column("difficulties", sa.Text, nullable=False),
        sa.Column("proposals", sa.Text, nullable=False),
        sa.Column("evidence_ref", sa.String(255), nullable=False),
        sa.Column("evidence_link", sa.String(2048), nullable=False),
        sa.Column("evidence_name", sa.String(255)),
        sa.Column("evidence_media_type", sa.String(127)),
        sa.Column("evidence_size", sa.Integer),
        sa.Column("evidence_sha256", sa.String(64)),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("reported_on", sa.Date, nullable=False),
        sa.Column("reporter", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("supersedes", sa.Integer),
        sa.CheckConstraint("status IN ('not_started', 'in_progress', 'completed', 'blocked')", name="ck_progress_reports_status"),
        sa.CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="ck_progress_reports_percent"),
        sa.CheckConstraint("(status = 'completed' AND completed_on IS NOT NULL AND completed_on <= reported_on) "
                           "OR (status <> 'completed' AND completed_on IS NULL)", name="ck_progress_reports_completed"),
    )
    op.create_index("ix_progress_reports_task", "progress_reports", ["task_id", "id"])
    op.create_index("ix_progress_reports_content", "progress_reports", ["task_id", "content_sha256"])
    op.create_index("ux_progress_reports_chain", "progress_reports", ["task_id", "supersedes"], unique=True)
    op.create_index("ux_progress_reports_first", "progress_reports", ["task_id"], unique=True,
                    sqlite_where=FIRST_REPORT, postgresql_where=FIRST_REPORT)  # fmt: skip
    op.create_table(
        "progress_evidence",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("progress_reports.id", name="fk_progress_evidence_report"), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("indicator_id", sa.String(128), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("reporter", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_indicator_values_indicator", "indicator_values", ["indicator_id", "on"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("indicator_values")
    op.drop_table("progress_evidence")
    op.drop_table("progress_reports")
