"""The version of the published content: one row whose number every process compares with
the one its copy of the course structure was read at (``app/published.py``). Whatever
writes published content gives it a new (random) number in the same transaction.

Revision ID: 0018_published_version
Revises: 0017_reports_agg
Create Date: 2026-12-07
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_published_version"
down_revision = "0017_reports_agg"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "published_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": secrets.randbits(62)}])


def downgrade():
    op.drop_table("published_version")
