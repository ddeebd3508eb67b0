"""Programme reports served from figures the job queue keeps: per programme, how far its
figures are (``report_states``), and per scope the report as the job put it together
with where its researchers' records file is (``report_snapshots``).

Revision ID: 0017_reports_agg
Revises: 0016_import_rows
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0017_reports_agg"
down_revision = "0016_import_rows"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_states",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=True),
        sa.Column("asked_at", UTCDateTime(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("failed_at", UTCDateTime(), nullable=True),
        sa.Column("regions", sa.JSON(), nullable=True),
        sa.Column("files_prefix", sa.String(length=255), nullable=True),
        sa.Column("previous_files_prefix", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("programme_id"),
    )
    op.create_table(
        "report_snapshots",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("scope_key", sa.String(length=120), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("records_key", sa.String(length=255), nullable=True),
        sa.Column("records_rows", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("programme_id", "scope_key"),
    )


def downgrade():
    # The figures are the job's to make again: nothing is lost.
    op.drop_table("report_snapshots")
    op.drop_table("report_states")
