"""Learning: a self-assessment sitting keeps the key its form was drawn with, unique per
leader and framework, so a double-tapped submission makes one sitting, not two.

Sittings recorded before this revision have no key (NULL); NULLs never conflict.

Batch mode never recreates the table here: on SQLite a rebuild drops ``self_assessments``,
and with foreign keys on that deletes every ``self_ratings`` row (ON DELETE CASCADE).
Adding a column and a unique index, and dropping them again (SQLite 3.35+), need no
rebuild on either database.

Revision ID: 0006_self_assessment_sitting_key
Revises: 0005_sign_ins
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_self_assessment_sitting_key"
down_revision = "0005_sign_ins"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("self_assessments", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("sitting_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            op.f("uq_self_assessments_sitting_key"),
            ["user_id", "framework_id", "sitting_key"],
            unique=True,
        )


def downgrade():
    with op.batch_alter_table("self_assessments", recreate="never") as batch_op:
        batch_op.drop_index(op.f("uq_self_assessments_sitting_key"))
        batch_op.drop_column("sitting_key")
