"""Peer groups: groups and members, threads, posts (with idempotency keys), read markers,
reports and the moderation log.

Revision ID: 0008_groups
Revises: 0007_notifications
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0008_groups"
down_revision = "0007_notifications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
    )
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_members_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_group_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_group_members")),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "group_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("competency_id", sa.Integer(), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_activity_at", UTCDateTime(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("first_post_id", sa.Integer(), nullable=True),
        sa.Column("last_post_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_group_threads_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_group_threads_competency_id_competencies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_threads_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_group_threads_lesson_id_lessons"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_threads")),
        sa.UniqueConstraint(
            "author_id", "idempotency_key", name="uq_group_threads_author_id_idempotency_key"
        ),
        sa.UniqueConstraint(
            "group_id", "competency_id", name="uq_group_threads_group_id_competency_id"
        ),
        sa.UniqueConstraint("group_id", "lesson_id", name="uq_group_threads_group_id_lesson_id"),
    )
    with op.batch_alter_table("group_threads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_threads_competency_id"), ["competency_id"], unique=False
        )
        batch_op.create_index(
            "ix_group_threads_group_id_pinned_last_activity_at",
            ["group_id", "pinned", "last_activity_at", "id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_group_threads_lesson_id"), ["lesson_id"], unique=False)

    op.create_table(
        "group_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("quoted_post_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("hidden_at", UTCDateTime(), nullable=True),
        sa.Column("photo_key", sa.String(length=255), nullable=True),
        sa.Column("photo_bytes", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_group_posts_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["quoted_post_id"],
            ["group_posts.id"],
            name=op.f("fk_group_posts_quoted_post_id_group_posts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["group_threads.id"],
            name=op.f("fk_group_posts_thread_id_group_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_posts")),
        sa.UniqueConstraint(
            "author_id", "idempotency_key", name="uq_group_posts_author_id_idempotency_key"
        ),
    )
    with op.batch_alter_table("group_posts", schema=None) as batch_op:
        batch_op.create_index("ix_group_posts_thread_id_id", ["thread_id", "id"], unique=False)

    op.create_table(
        "group_thread_reads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("last_read_post_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["group_threads.id"],
            name=op.f("fk_group_thread_reads_thread_id_group_threads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_group_thread_reads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "thread_id", name=op.f("pk_group_thread_reads")),
    )
    with op.batch_alter_table("group_thread_reads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_thread_reads_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "group_moderation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_group_moderation_log_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_moderation_log_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["group_posts.id"],
            name=op.f("fk_group_moderation_log_post_id_group_posts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["group_threads.id"],
            name=op.f("fk_group_moderation_log_thread_id_group_threads"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_moderation_log")),
    )
    with op.batch_alter_table("group_moderation_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_moderation_log_group_id_id", ["group_id", "id"], unique=False
        )

    op.create_table(
        "group_post_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_post_reports_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["group_posts.id"],
            name=op.f("fk_group_post_reports_post_id_group_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_group_post_reports_reporter_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_post_reports")),
        sa.UniqueConstraint(
            "post_id", "reporter_id", name="uq_group_post_reports_post_id_reporter_id"
        ),
    )
    with op.batch_alter_table("group_post_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_post_reports_group_id"), ["group_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("group_post_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_post_reports_group_id"))

    op.drop_table("group_post_reports")
    with op.batch_alter_table("group_moderation_log", schema=None) as batch_op:
        batch_op.drop_index("ix_group_moderation_log_group_id_id")

    op.drop_table("group_moderation_log")
    with op.batch_alter_table("group_thread_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_thread_reads_thread_id"))

    op.drop_table("group_thread_reads")
    with op.batch_alter_table("group_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_group_posts_thread_id_id")

    op.drop_table("group_posts")
    with op.batch_alter_table("group_threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_threads_lesson_id"))
        batch_op.drop_index("ix_group_threads_group_id_pinned_last_activity_at")
        batch_op.drop_index(batch_op.f("ix_group_threads_competency_id"))

    op.drop_table("group_threads")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_user_id"))

    op.drop_table("group_members")
    op.drop_table("groups")
