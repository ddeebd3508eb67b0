"""Every form that adds a row claims its key in ``form_keys`` (``app/form_keys.py``): the
keys each area kept on its own rows go.

- groups: ``group_threads.idempotency_key`` and ``group_posts.idempotency_key``, with their
  unique constraints on ``(author_id, idempotency_key)``;
- learning: ``self_assessments.sitting_key`` and its unique index;
- coaching: ``coaching_check_ins.schedule_key``, ``coaching_priority_changes.edit_key`` and
  their unique indexes (``coaching_actions.create_key`` stays: the practices area adds a
  leader's action by a key of its own, ``coaching.add_leader_action``);
- studio: the ``studio_form_keys`` table, whose keys move to ``form_keys`` (kind ``course``
  becomes action ``studio.add_course``, and so on).

Rolled back, the columns come back holding a key no form will send again (``was-<id>``),
so every row keeps a unique key; the studio's keys go back to ``studio_form_keys``.

A column under a unique index is dropped in place (SQLite 3.35+, as 0006 added one). One
under a unique constraint is part of its table's ``CREATE TABLE`` on SQLite: dropping it
rebuilds the table (batch mode), and dropping the old copy of a table others point at,
with foreign keys on, deletes or empties their rows (``ON DELETE CASCADE``, ``SET NULL``).
Foreign keys are off while tables are rebuilt, and checked after
(``migrations/sqlite_rebuild.py``).

Revision ID: 0022_one_form_key_scheme
Revises: 0021_practices
Create Date: 2026-12-11
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime
from migrations.sqlite_rebuild import foreign_keys_off, foreign_keys_on

# revision identifiers, used by Alembic.
revision = "0022_one_form_key_scheme"
down_revision = "0021_practices"
branch_labels = None
depends_on = None

# Under a unique constraint: (table, column, constraint, the other columns it is unique over)
REBUILT = [
    (
        "group_threads",
        "idempotency_key",
        "uq_group_threads_author_id_idempotency_key",
        ("author_id",),
    ),
    ("group_posts", "idempotency_key", "uq_group_posts_author_id_idempotency_key", ("author_id",)),
]
# Under a unique index: (table, column, index, the other columns it is unique over)
IN_PLACE = [
    (
        "self_assessments",
        "sitting_key",
        "uq_self_assessments_sitting_key",
        ("user_id", "framework_id"),
    ),
    ("coaching_check_ins", "schedule_key", "uq_coaching_check_ins_schedule_key", ("coach_id",)),
    (
        "coaching_priority_changes",
        "edit_key",
        "uq_coaching_priority_changes_edit_key",
        ("priority_id",),
    ),
]
# What those unique keys also served as, kept as plain indexes: (index, table, column).
INDEXES = [
    ("ix_group_threads_author_id", "group_threads", "author_id"),
    ("ix_group_posts_author_id", "group_posts", "author_id"),
    ("ix_coaching_priority_changes_priority_id", "coaching_priority_changes", "priority_id"),
]
# Nullable before this revision (a sitting or thread could have none).
WAS_NULLABLE = {"self_assessments", "group_threads"}


def upgrade():
    for index, table, column in INDEXES:
        op.create_index(index, table, [column], unique=False)
    for table, column, index, _other in IN_PLACE:
        with op.batch_alter_table(table, recreate="never") as batch_op:
            batch_op.drop_index(index)
            batch_op.drop_column(column)
    foreign_keys_off()
    for table, column, constraint, _other in REBUILT:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(constraint, type_="unique")
            batch_op.drop_column(column)
    foreign_keys_on()
    op.execute(
        "INSERT INTO form_keys (person_id, key, action, row_id, created_at) "
        "SELECT user_id, key, 'studio.add_' || kind, row_id, created_at FROM studio_form_keys"
    )
    op.drop_index("ix_studio_form_keys_user_id", table_name="studio_form_keys")
    op.drop_table("studio_form_keys")


def downgrade():
    op.create_table(
        "studio_form_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_studio_form_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_studio_form_keys")),
    )
    op.create_index("ix_studio_form_keys_user_id", "studio_form_keys", ["user_id"], unique=False)
    # One key per row there (its primary key): a key two authors drew alike keeps the first.
    op.execute(
        "INSERT INTO studio_form_keys (key, user_id, kind, row_id, created_at) "
        "SELECT key, MIN(person_id), SUBSTR(MIN(action), 12), MIN(row_id), MIN(created_at) "
        "FROM form_keys WHERE action LIKE 'studio.add_%' GROUP BY key"
    )
    op.execute("DELETE FROM form_keys WHERE action LIKE 'studio.add_%'")
    for index, table, _column in INDEXES:
        op.drop_index(index, table_name=table)
    foreign_keys_off()
    for table, column, constraint, other in REBUILT + IN_PLACE:
        with op.batch_alter_table(table, recreate="never") as batch_op:
            batch_op.add_column(sa.Column(column, sa.String(length=64), nullable=True))
        op.execute(f"UPDATE {table} SET {column} = 'was-' || id")
        with op.batch_alter_table(table) as batch_op:
            if table not in WAS_NULLABLE:
                batch_op.alter_column(column, existing_type=sa.String(length=64), nullable=False)
            if (table, column, constraint, other) in REBUILT:
                batch_op.create_unique_constraint(constraint, [*other, column])
            else:
                batch_op.create_index(constraint, [*other, column], unique=True)
    foreign_keys_on()
