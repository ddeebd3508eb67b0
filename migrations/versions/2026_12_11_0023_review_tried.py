"""The daily review's "have you tried it?": the author's question on each lesson (its
translations live in the lesson's ``translations``), and each leader's answer.

Revision ID: 0023_review_tried
Revises: 0022_one_form_key_scheme
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0023_review_tried"
down_revision = "0022_one_form_key_scheme"
branch_labels = None
depends_on = None


def upgrade():
    # In place (a column with a default): no rebuild of a table others point at.
    op.add_column(
        "lessons", sa.Column("tried_prompt", sa.Text(), server_default="", nullable=False)
    )
    op.create_table(
        "review_tried_answers",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_review_tried_answers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_review_tried_answers_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "lesson_id", name=op.f("pk_review_tried_answers")),
    )
    op.create_index(
        op.f("ix_review_tried_answers_lesson_id"), "review_tried_answers", ["lesson_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_review_tried_answers_lesson_id"), table_name="review_tried_answers")
    op.drop_table("review_tried_answers")
    op.drop_column("lessons", "tried_prompt")
