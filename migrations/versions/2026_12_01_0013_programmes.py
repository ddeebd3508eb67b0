"""Programmes: cohorts and their members, bulk imports, leaders' optional research answers,
requests to erase a person's data, and the audit log of admin actions.

Revision ID: 0013_programmes
Revises: 0012_studio
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0013_programmes"
down_revision = "0012_studio"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_user_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_audit_entries_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_user_id"],
            ["users.id"],
            name=op.f("fk_audit_entries_target_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_entries_target_user_id"), ["target_user_id"], unique=False
        )

    op.create_table(
        "erasure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["completed_by_id"],
            ["users.id"],
            name=op.f("fk_erasure_requests_completed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_erasure_requests_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_requests")),
        sa.UniqueConstraint("user_id", name=op.f("uq_erasure_requests_user_id")),
    )
    op.create_table(
        "leader_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("consent_at", UTCDateTime(), nullable=True),
        sa.Column("gender", sa.String(length=20), nullable=True),
        sa.Column("years_as_head", sa.Integer(), nullable=True),
        sa.Column("school_type", sa.String(length=20), nullable=True),
        sa.Column("school_size", sa.String(length=20), nullable=True),
        sa.Column("locality", sa.String(length=20), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_leader_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_leader_profiles")),
    )
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=2), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_programmes_framework_id_frameworks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("name", name=op.f("uq_programmes_name")),
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programmes_framework_id"), ["framework_id"], unique=False
        )

    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_cohorts_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohorts")),
        sa.UniqueConstraint("programme_id", "name", name=op.f("uq_cohorts_programme_id")),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_import_batches_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_import_batches_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint("key", name=op.f("uq_import_batches_key")),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_batches_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "programme_courses",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_programme_courses_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_courses_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", "course_id", name=op.f("pk_programme_courses")),
    )
    with op.batch_alter_table("programme_courses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_courses_course_id"), ["course_id"], unique=False
        )

    op.create_table(
        "cohort_members",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_cohort_members_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=op.f("fk_cohort_members_import_batch_id_import_batches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_cohort_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", "user_id", name=op.f("pk_cohort_members")),
    )
    with op.batch_alter_table("cohort_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cohort_members_import_batch_id"), ["import_batch_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cohort_members_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_members_user_id"), ["user_id"], unique=False)


def downgrade():
    for table in (
        "cohort_members",
        "programme_courses",
        "import_batches",
        "cohorts",
        "programmes",
        "leader_profiles",
        "erasure_requests",
        "audit_entries",
    ):
        op.drop_table(table)
