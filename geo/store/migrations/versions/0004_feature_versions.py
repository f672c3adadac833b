"""Feature versions: geometry, properties and links as planners correct and add them, every version kept.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

On PostgreSQL with PostGIS a ``geom`` column (geometry, SRID 4326, GiST-indexed) mirrors the
portable GeoJSON text, so QGIS can open the versions as a layer; other stores keep the text alone.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``feature_versions`` (and its PostGIS geometry column when the extension is there)."""
    op.create_table(
        "feature_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feature_id", sa.String(128), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("layer", sa.String(64), nullable=False),
        sa.Column("properties", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("geometry", sa.Text, nullable=False),
        sa.Column("links", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("retired", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("review", sa.String(16), nullable=False),
        sa.Column("reviewed_by", sa.String(64)),
        sa.Column("reviewed_at", sa.DateTime),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("seq >= 1", name="ck_feature_versions_seq"),
        sa.CheckConstraint("review IN ('approved', 'pending', 'rejected')", name="ck_feature_versions_review"),
        sa.CheckConstraint("action IN ('add', 'edit', 'link', 'unlink', 'retire', 'revert')", name="ck_feature_versions_action"),
        sa.UniqueConstraint("feature_id", "seq", name="uq_feature_versions_seq"),
    )
    op.create_index("ix_feature_versions_review", "feature_versions", ["review", "feature_id"])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).scalar():
        op.execute("ALTER TABLE feature_versions ADD COLUMN geom geometry(Geometry, 4326)")
        op.execute("CREATE INDEX ix_feature_versions_geom ON feature_versions USING GIST (geom)")


def downgrade() -> None:
    """Drop the table."""
    op.drop_table("feature_versions")
