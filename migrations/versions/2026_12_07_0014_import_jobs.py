"""Bulk imports run as jobs: each import keeps its status, its progress (rows done of
``row_count``) and when it last moved (``progress_at``: a job that stopped moving is
started again), a reason when it failed, and where its invitation codes file is stored.

Imports confirmed before this revision were imported whole in their request: they are
``ready`` (their codes are made on request, as before: no file yet).

Revision ID: 0014_import_jobs
Revises: 0013_programmes
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime
from migrations.sqlite_rebuild import foreign_keys_off, foreign_keys_on

# revision identifiers, used by Alembic.
revision = "0014_import_jobs"
down_revision = "0013_programmes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="draft")
        )
        batch_op.add_column(
            sa.Column("rows_done", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("error_template", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("error_params", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("codes_key", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("progress_at", UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE import_batches SET status = 'ready', rows_done = row_count "
        "WHERE confirmed_at IS NOT NULL"
    )


def downgrade():
    # An import still queued or running when rolled back stays confirmed but half-done:
    # its leaders are in their cohorts, as far as it got.
    # On SQLite this rebuilds import_batches: with foreign keys on, that would cut every
    # cohort member's link to the import that brought them (SET NULL).
    foreign_keys_off()
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_column("progress_at")
        batch_op.drop_column("codes_key")
        batch_op.drop_column("error_params")
        batch_op.drop_column("error_template")
        batch_op.drop_column("rows_done")
        batch_op.drop_column("status")
    foreign_keys_on()
