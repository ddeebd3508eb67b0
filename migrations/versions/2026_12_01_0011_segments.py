"""Lessons on slow, expensive data: segments beside each rendition, the leader's rung choice
and monthly limit (replacing the ``data_saver`` flag), and data used per person and month.

Every leader's ``data_saver`` becomes the default rung ("low", 240p: the lowest on which a
slide's text stays legible). The old flag was on for everyone by default, so it said nothing
about a choice; a leader who wants less chooses it once on Me or on the player.

``users`` is not rebuilt (a SQLite table rebuild would cascade-delete everything that refers
to a person): columns are added and dropped in place (SQLite 3.35+).

Revision ID: 0011_segments
Revises: 0010_translations
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_segments"
down_revision = "0010_translations"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("renditions", sa.Column("playlist_key", sa.String(length=255), nullable=True))
    op.add_column("renditions", sa.Column("segments_bytes", sa.BigInteger(), nullable=True))
    op.add_column(
        "users",
        sa.Column("data_rung", sa.String(length=8), server_default="low", nullable=False),
    )
    op.add_column("users", sa.Column("data_limit_mb", sa.Integer(), nullable=True))
    op.drop_column("users", "data_saver")
    op.create_table(
        "data_usage",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("media_bytes", sa.BigInteger(), nullable=False),
        sa.Column("page_bytes", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_data_usage_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "month", name=op.f("pk_data_usage")),
    )


def downgrade():
    op.drop_table("data_usage")
    op.add_column(
        "users",
        sa.Column("data_saver", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.execute("UPDATE users SET data_saver = (data_rung IN ('audio', 'lowest'))")
    op.drop_column("users", "data_limit_mb")
    op.drop_column("users", "data_rung")
    op.drop_column("renditions", "segments_bytes")
    op.drop_column("renditions", "playlist_key")
