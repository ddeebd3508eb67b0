"""Imports keep their good rows: the uploaded file is checked by a job (statuses
``uploaded`` and ``checking`` before ``draft``, and ``unreadable``), which records what it
found for the preview (``summary``), the lines it refused (``refused_lines``) and a file of
those rows with what to fix (``refused_key``, in the uploader's ``locale``). The file's
hash lets the same file sent again while its check runs join that check.

Drafts not yet confirmed were checked the old way and have no summary: they are dropped
(a draft is kept a day at most; the admin uploads the file again).

Revision ID: 0016_import_rows
Revises: 0015_checkin_reschedule
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

from migrations.sqlite_rebuild import foreign_keys_off, foreign_keys_on

# revision identifiers, used by Alembic.
revision = "0016_import_rows"
down_revision = "0015_checkin_reschedule"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM import_batches WHERE confirmed_at IS NULL")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("content_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("locale", sa.String(length=12), nullable=False, server_default="en")
        )
        batch_op.add_column(sa.Column("summary", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("refused_lines", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("refused_key", sa.String(length=255), nullable=True))


def downgrade():
    # Drafts checked by a job may hold refused rows the old preview never expected.
    op.execute("DELETE FROM import_batches WHERE confirmed_at IS NULL")
    # On SQLite this rebuilds import_batches: with foreign keys on, that would cut every
    # cohort member's link to the import that brought them (SET NULL).
    foreign_keys_off()
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_column("refused_key")
        batch_op.drop_column("refused_lines")
        batch_op.drop_column("summary")
        batch_op.drop_column("locale")
        batch_op.drop_column("content_hash")
    foreign_keys_on()
