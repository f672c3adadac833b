"""Imported plans and their task records.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE = sa.text("withdrawn_at IS NULL")


def upgrade() -> None:
    """Create ``imported_plans`` (one active plan per doc_id) and ``imported_tasks``."""
    op.create_table(
        "imported_plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("doc_id", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("task_count", sa.Integer, nullable=False),
        sa.Column("imported_by", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("withdrawn_at", sa.DateTime),
        sa.Column("withdrawn_by", sa.String(64)),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ux_imported_plans_active_doc", "imported_plans", ["doc_id"], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)  # fmt: skip
    op.create_table(
        "imported_tasks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("imported_plans.id", name="fk_imported_tasks_plan"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("task_id", sa.String(128), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.UniqueConstraint("plan_id", "task_id", name="uq_imported_tasks_plan_task"),
    )
    op.create_index("ix_imported_tasks_task_id", "imported_tasks", ["task_id"])


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_table("imported_tasks")
    op.drop_table("imported_plans")
