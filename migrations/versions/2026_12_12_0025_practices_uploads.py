"""A practice's video by the resumable upload (tus): its uploads, as the studio's are.

Revision ID: 0025_practices_uploads
Revises: 0024_practice_threads
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0025_practices_uploads"
down_revision = "0024_practice_threads"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practice_uploads",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("s3_upload_id", sa.String(length=255), nullable=True),
        sa.Column("s3_parts", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("lock_token", sa.String(length=32), nullable=True),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_uploads_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_practice_uploads_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["media_assets.id"],
            name=op.f("fk_practice_uploads_asset_id_media_assets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_uploads")),
    )
    for column in ("practice_id", "owner_id", "status", "asset_id"):
        op.create_index(
            op.f(f"ix_practice_uploads_{column}"), "practice_uploads", [column], unique=False
        )


def downgrade():
    for column in ("asset_id", "status", "owner_id", "practice_id"):
        op.drop_index(op.f(f"ix_practice_uploads_{column}"), table_name="practice_uploads")
    op.drop_table("practice_uploads")
