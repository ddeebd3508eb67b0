"""Keys for writes a person repeats, one scheme for every form that adds a row
(``app/form_keys.py``).

Revision ID: 0019_form_keys
Revises: 0018_published_version
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0019_form_keys"
down_revision = "0018_published_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_keys",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
            name=op.f("fk_form_keys_person_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "key", name=op.f("pk_form_keys")),
    )
    op.create_index("ix_form_keys_created_at", "form_keys", ["created_at"], unique=False)


def downgrade():
    op.drop_index("ix_form_keys_created_at", table_name="form_keys")
    op.drop_table("form_keys")
