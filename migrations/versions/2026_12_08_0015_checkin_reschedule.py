"""Check-ins can be moved and cancelled, by the coach or the leader: each change counts up
the calendar file's ``sequence`` and says when and by whom; a cancelled one keeps its
reason (``cancel_reason``, may be empty).

Check-ins booked before this revision are as booked: sequence 0, never changed.

On SQLite the foreign key rebuilds ``coaching_check_ins``, with foreign keys off: with them
on, dropping the old table deleted every check-in's actions, ratings and private notes
(``migrations/sqlite_rebuild.py``).

Revision ID: 0015_checkin_reschedule
Revises: 0014_import_jobs
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime
from migrations.sqlite_rebuild import foreign_keys_off, foreign_keys_on

# revision identifiers, used by Alembic.
revision = "0015_checkin_reschedule"
down_revision = "0014_import_jobs"
branch_labels = None
depends_on = None


def upgrade():
    foreign_keys_off()
    with op.batch_alter_table("coaching_check_ins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("changed_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("changed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("cancel_reason", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            "fk_coaching_check_ins_changed_by_id_users",
            "users",
            ["changed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    foreign_keys_on()


def downgrade():
    # A cancelled check-in rolled back reads as booked again: its cancellation is lost.
    foreign_keys_off()
    with op.batch_alter_table("coaching_check_ins", schema=None) as batch_op:
        batch_op.drop_constraint("fk_coaching_check_ins_changed_by_id_users", type_="foreignkey")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("changed_by_id")
        batch_op.drop_column("changed_at")
        batch_op.drop_column("sequence")
    foreign_keys_on()
