"""A practice's discussion thread in its author's peer group.

Revision ID: 0024_practice_threads
Revises: 0023_review_tried
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0024_practice_threads"
down_revision = "0023_review_tried"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practice_threads",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_practice_threads_practice_id_practices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["group_threads.id"],
            name=op.f("fk_practice_threads_thread_id_group_threads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_practice_threads_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("practice_id", name=op.f("pk_practice_threads")),
        sa.UniqueConstraint("thread_id", name=op.f("uq_practice_threads_thread_id")),
    )
    op.create_index(
        op.f("ix_practice_threads_group_id"), "practice_threads", ["group_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_practice_threads_group_id"), table_name="practice_threads")
    op.drop_table("practice_threads")
