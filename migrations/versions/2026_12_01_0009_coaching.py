"""Coaching: pairings of coach and leaders, improvement priorities and their history,
check-ins with the leader's preparation and the coach's notes and ratings, action items,
and the notebook entries a leader shares with their coach.

Revision ID: 0009_coaching
Revises: 0008_groups
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0009_coaching"
down_revision = "0008_groups"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade():
    op.create_table(
        "coaching_pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _fk("coaching_pairings", "coach_id", "users", "CASCADE"),
        _fk("coaching_pairings", "leader_id", "users", "CASCADE"),
        _fk("coaching_pairings", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_pairings")),
        sa.UniqueConstraint("leader_id", name=op.f("uq_coaching_pairings_leader_id")),
    )
    op.create_index(
        op.f("ix_coaching_pairings_coach_id"), "coaching_pairings", ["coach_id"], unique=False
    )
    op.create_table(
        "coaching_priorities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("measure", sa.String(length=300), nullable=False),
        sa.Column("baseline", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        _fk("coaching_priorities", "leader_id", "users", "CASCADE"),
        _fk("coaching_priorities", "updated_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_priorities")),
        sa.UniqueConstraint("leader_id", name=op.f("uq_coaching_priorities_leader_id")),
    )
    op.create_table(
        "coaching_priority_competencies",
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        _fk("coaching_priority_competencies", "priority_id", "coaching_priorities", "CASCADE"),
        _fk("coaching_priority_competencies", "competency_id", "competencies", "CASCADE"),
        sa.PrimaryKeyConstraint(
            "priority_id", "competency_id", name=op.f("pk_coaching_priority_competencies")
        ),
    )
    op.create_index(
        op.f("ix_coaching_priority_competencies_competency_id"),
        "coaching_priority_competencies",
        ["competency_id"],
        unique=False,
    )
    op.create_table(
        "coaching_priority_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("edit_key", sa.String(length=64), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        _fk("coaching_priority_changes", "priority_id", "coaching_priorities", "CASCADE"),
        _fk("coaching_priority_changes", "changed_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_priority_changes")),
    )
    op.create_index(
        "uq_coaching_priority_changes_edit_key",
        "coaching_priority_changes",
        ["priority_id", "edit_key"],
        unique=True,
    )
    _create_check_ins()
    _create_check_in_records()


def _create_check_ins():
    op.create_table(
        "coaching_check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("schedule_key", sa.String(length=64), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("prep_tried", sa.Text(), nullable=False),
        sa.Column("prep_happened", sa.Text(), nullable=False),
        sa.Column("prep_help", sa.Text(), nullable=False),
        sa.Column("prepared_at", UTCDateTime(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("held_at", UTCDateTime(), nullable=True),
        _fk("coaching_check_ins", "coach_id", "users", "CASCADE"),
        _fk("coaching_check_ins", "leader_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_check_ins")),
    )
    op.create_index(
        op.f("ix_coaching_check_ins_coach_id"), "coaching_check_ins", ["coach_id"], unique=False
    )
    op.create_index(
        "uq_coaching_check_ins_schedule_key",
        "coaching_check_ins",
        ["coach_id", "schedule_key"],
        unique=True,
    )
    op.create_index(
        "ix_coaching_check_ins_leader_id_starts_at",
        "coaching_check_ins",
        ["leader_id", "starts_at"],
        unique=False,
    )
    op.create_index(
        "ix_coaching_check_ins_starts_at", "coaching_check_ins", ["starts_at"], unique=False
    )


def _create_check_in_records():
    op.create_table(
        "coaching_private_notes",
        sa.Column("check_in_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _fk("coaching_private_notes", "check_in_id", "coaching_check_ins", "CASCADE"),
        sa.PrimaryKeyConstraint("check_in_id", name=op.f("pk_coaching_private_notes")),
    )
    op.create_table(
        "coaching_ratings",
        sa.Column("check_in_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        _fk("coaching_ratings", "check_in_id", "coaching_check_ins", "CASCADE"),
        _fk("coaching_ratings", "competency_id", "competencies", "CASCADE"),
        sa.PrimaryKeyConstraint("check_in_id", "competency_id", name=op.f("pk_coaching_ratings")),
    )
    op.create_index(
        op.f("ix_coaching_ratings_competency_id"),
        "coaching_ratings",
        ["competency_id"],
        unique=False,
    )
    op.create_table(
        "coaching_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_in_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("create_key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=8), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        _fk("coaching_actions", "check_in_id", "coaching_check_ins", "CASCADE"),
        _fk("coaching_actions", "leader_id", "users", "CASCADE"),
        _fk("coaching_actions", "done_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_actions")),
    )
    op.create_index(
        "uq_coaching_actions_create_key",
        "coaching_actions",
        ["check_in_id", "create_key"],
        unique=True,
    )
    op.create_index(
        "ix_coaching_actions_leader_id_status",
        "coaching_actions",
        ["leader_id", "status"],
        unique=False,
    )
    op.create_table(
        "coaching_shared_entries",
        sa.Column("reflection_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("shared_at", UTCDateTime(), nullable=False),
        _fk("coaching_shared_entries", "reflection_id", "reflections", "CASCADE"),
        _fk("coaching_shared_entries", "leader_id", "users", "CASCADE"),
        _fk("coaching_shared_entries", "coach_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("reflection_id", name=op.f("pk_coaching_shared_entries")),
    )
    op.create_index(
        op.f("ix_coaching_shared_entries_leader_id"),
        "coaching_shared_entries",
        ["leader_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_coaching_shared_entries_coach_id"),
        "coaching_shared_entries",
        ["coach_id"],
        unique=False,
    )


def downgrade():
    for table in (
        "coaching_shared_entries",
        "coaching_actions",
        "coaching_ratings",
        "coaching_private_notes",
        "coaching_check_ins",
        "coaching_priority_changes",
        "coaching_priority_competencies",
        "coaching_priorities",
        "coaching_pairings",
    ):
        op.drop_table(table)
