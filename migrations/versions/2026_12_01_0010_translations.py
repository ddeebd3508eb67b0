"""Courses and frameworks in several languages: a ``translations`` column on every row of
translatable content, and ``lesson_media`` for a translation's own narrated media.

Adding a nullable column needs no table rebuild on SQLite (a rebuild of ``lessons`` would
delete every leader's progress through ON DELETE CASCADE), so no batch mode here.

Revision ID: 0010_translations
Revises: 0009_coaching
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_translations"
down_revision = "0009_coaching"
branch_labels = None
depends_on = None

TABLES = (
    "courses",
    "course_modules",
    "lessons",
    "quick_check_questions",
    "frameworks",
    "framework_levels",
    "framework_domains",
    "competencies",
)


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("translations", sa.JSON(), nullable=True))
    op.create_table(
        "lesson_media",
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("media_asset_id", sa.Integer(), nullable=True),
        sa.Column("media_source", sa.String(length=300), nullable=True),
        sa.Column("captions_source", sa.String(length=300), nullable=True),
        sa.Column("media_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_lesson_media_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["media_asset_id"],
            ["media_assets.id"],
            name=op.f("fk_lesson_media_media_asset_id_media_assets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("lesson_id", "language", name=op.f("pk_lesson_media")),
    )
    with op.batch_alter_table("lesson_media") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lesson_media_media_asset_id"), ["media_asset_id"], unique=False
        )


def downgrade():
    op.drop_table("lesson_media")
    for table in TABLES:
        op.drop_column(table, "translations")
