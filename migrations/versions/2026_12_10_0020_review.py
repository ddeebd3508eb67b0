"""The daily review (``app/review/``): a scheduler card per leader and question, every
review answer with the moment it was given, and each leader's choices.

Revision ID: 0020_review
Revises: 0019_form_keys
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0020_review"
down_revision = "0019_form_keys"
branch_labels = None
depends_on = None


def upgrade():
    # Every quick-check question takes part unless its author says not (no table rebuild:
    # a column with a default is added in place on SQLite).
    op.add_column(
        "quick_check_questions",
        sa.Column("in_review", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.create_table(
        "review_cards",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", UTCDateTime(), nullable=False),
        sa.Column("last_review", UTCDateTime(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_review_cards_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["quick_check_questions.id"],
            name=op.f("fk_review_cards_question_id_quick_check_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_review_cards_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "question_id", name=op.f("pk_review_cards")),
    )
    op.create_index("ix_review_cards_user_due", "review_cards", ["user_id", "due"])
    op.create_index(op.f("ix_review_cards_lesson_id"), "review_cards", ["lesson_id"])

    op.create_table(
        "review_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_review_answers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["quick_check_questions.id"],
            name=op.f("fk_review_answers_question_id_quick_check_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_review_answers_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_answers")),
    )
    op.create_index("ix_review_answers_user_answered", "review_answers", ["user_id", "answered_at"])
    op.create_index(op.f("ix_review_answers_question_id"), "review_answers", ["question_id"])
    op.create_index(op.f("ix_review_answers_lesson_id"), "review_answers", ["lesson_id"])

    op.create_table(
        "review_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("per_day", sa.Integer(), nullable=False),
        sa.Column("remind_hour", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_review_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_review_settings")),
    )


def downgrade():
    op.drop_table("review_settings")
    op.drop_index(op.f("ix_review_answers_lesson_id"), table_name="review_answers")
    op.drop_index(op.f("ix_review_answers_question_id"), table_name="review_answers")
    op.drop_index("ix_review_answers_user_answered", table_name="review_answers")
    op.drop_table("review_answers")
    op.drop_index(op.f("ix_review_cards_lesson_id"), table_name="review_cards")
    op.drop_index("ix_review_cards_user_due", table_name="review_cards")
    op.drop_table("review_cards")
    # In place, as 0010 does: a batch rebuild of a table others point at would cascade
    # their deletes on SQLite.
    op.drop_column("quick_check_questions", "in_review")
