"""Every form that adds a row claims its key in ``form_keys`` (``app/form_keys.py``): the
keys each area kept on its own rows go.

- groups: ``group_threads.idempotency_key``, ``group_posts.idempotency_key`` and their
  unique constraints on ``(author_id, idempotency_key)``.

Rolled back, the columns come back holding a key no form will send again (``was-<id>``), so
every row keeps a unique, non-empty key; the forms sent before the upgrade are forgotten.

On SQLite dropping a column rebuilds the table (batch mode), and dropping the old copy of a
table others point at, with foreign keys on, deletes or empties their rows (``ON DELETE
CASCADE``, ``SET NULL``): foreign keys are off while the tables are rebuilt, and checked
after.

Revision ID: 0020_one_form_key_scheme
Revises: 0019_form_keys
Create Date: 2026-12-10
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_one_form_key_scheme"
down_revision = "0019_form_keys"
branch_labels = None
depends_on = None

# (table, column, unique constraint or index on it, the columns it is unique over, nullable)
GROUPS = [
    ("group_threads", "idempotency_key", "uq_group_threads_author_id_idempotency_key", "author_id"),
    ("group_posts", "idempotency_key", "uq_group_posts_author_id_idempotency_key", "author_id"),
]


@contextmanager
def _foreign_keys_off():
    """SQLite's foreign keys off while tables are rebuilt (``PRAGMA foreign_keys`` does
    nothing inside a transaction, hence the autocommit blocks), checked before they are on
    again. PostgreSQL alters its tables in place: nothing to do."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"rebuilding the tables broke foreign keys: {broken[:5]}")
    finally:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")


def upgrade():
    with _foreign_keys_off():
        for table, column, constraint, _owner in GROUPS:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_constraint(constraint, type_="unique")
                batch_op.drop_column(column)


def downgrade():
    with _foreign_keys_off():
        for table, column, constraint, owner in GROUPS:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.add_column(sa.Column(column, sa.String(length=64), nullable=True))
            op.execute(f"UPDATE {table} SET {column} = 'was-' || id")
            with op.batch_alter_table(table, schema=None) as batch_op:
                if table == "group_posts":
                    batch_op.alter_column(
                        column, existing_type=sa.String(length=64), nullable=False
                    )
                batch_op.create_unique_constraint(constraint, [owner, column])
