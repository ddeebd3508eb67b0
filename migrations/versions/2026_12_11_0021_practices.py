"""Bright spots: practices, their competencies, reviews and tries (``app/practices/``).

Revision ID: 0021_practices
Revises: 0020_review
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0021_practices"
down_revision = "0020_review"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column],
        [target],
        name=op.f(f"fk_{table}_{column}_{target.split('.')[0]}"),
        ondelete=ondelete,
    )


def upgrade():
    op.create_table(
        "practices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("takes", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("video_asset_id", sa.Integer(), nullable=True),
        sa.Column("tried_count", sa.Integer(), nullable=False),
        sa.Column("worked_count", sa.Integer(), nullable=False),
        sa.Column("partly_count", sa.Integer(), nullable=False),
        sa.Column("not_count", sa.Integer(), nullable=False),
        _fk("practices", "author_id", "users.id", "SET NULL"),
        _fk("practices", "reviewer_id", "users.id", "SET NULL"),
        _fk("practices", "programme_id", "programmes.id", "SET NULL"),
        _fk("practices", "video_asset_id", "media_assets.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practices")),
    )
    op.create_index("ix_practices_status_language", "practices", ["status", "language"])
    op.create_index("ix_practices_author_id", "practices", ["author_id"])
    op.create_index("ix_practices_reviewer_id_status", "practices", ["reviewer_id", "status"])
    op.create_table(
        "practice_competencies",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        _fk("practice_competencies", "practice_id", "practices.id", "CASCADE"),
        _fk("practice_competencies", "competency_id", "competencies.id", "CASCADE"),
        sa.PrimaryKeyConstraint(
            "practice_id", "competency_id", name=op.f("pk_practice_competencies")
        ),
    )
    op.create_index(
        op.f("ix_practice_competencies_competency_id"), "practice_competencies", ["competency_id"]
    )
    op.create_table(
        "practice_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("practice_reviews", "practice_id", "practices.id", "CASCADE"),
        _fk("practice_reviews", "reviewer_id", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_reviews")),
    )
    op.create_index(op.f("ix_practice_reviews_practice_id"), "practice_reviews", ["practice_id"])
    op.create_table(
        "practice_tries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column("outcome_note", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=True),
        _fk("practice_tries", "practice_id", "practices.id", "CASCADE"),
        _fk("practice_tries", "leader_id", "users.id", "CASCADE"),
        _fk("practice_tries", "action_id", "coaching_actions.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_tries")),
        sa.UniqueConstraint("practice_id", "leader_id", name=op.f("uq_practice_tries_practice_id")),
    )
    op.create_index(op.f("ix_practice_tries_leader_id"), "practice_tries", ["leader_id"])
    op.create_table(
        "practice_erasure_choices",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("remove", sa.Boolean(), nullable=False),
        sa.Column("chosen_at", UTCDateTime(), nullable=False),
        _fk("practice_erasure_choices", "user_id", "users.id", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_practice_erasure_choices")),
    )
    op.create_table(
        "practice_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("practice_photos", "practice_id", "practices.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_photos")),
        sa.UniqueConstraint("practice_id", "position", name=op.f("uq_practice_photos_practice_id")),
    )


def downgrade():
    op.drop_table("practice_photos")
    op.drop_table("practice_erasure_choices")
    op.drop_index(op.f("ix_practice_tries_leader_id"), table_name="practice_tries")
    op.drop_table("practice_tries")
    op.drop_index(op.f("ix_practice_reviews_practice_id"), table_name="practice_reviews")
    op.drop_table("practice_reviews")
    op.drop_index(
        op.f("ix_practice_competencies_competency_id"), table_name="practice_competencies"
    )
    op.drop_table("practice_competencies")
    op.drop_index("ix_practices_reviewer_id_status", table_name="practices")
    op.drop_index("ix_practices_author_id", table_name="practices")
    op.drop_index("ix_practices_status_language", table_name="practices")
    op.drop_table("practices")
