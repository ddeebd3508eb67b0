"""Media: keep each error as a template and its parameters, so pages can translate it.

``media_assets.error`` keeps the English sentence; rows written before this revision have only
that, and are shown as they are.

Revision ID: 0004_media_error_templates
Revises: 0003_learning
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from migrations.sqlite_rebuild import foreign_keys_off, foreign_keys_on

# revision identifiers, used by Alembic.
revision = "0004_media_error_templates"
down_revision = "0003_learning"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("media_assets") as batch_op:
        batch_op.add_column(sa.Column("error_template", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("error_params", sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    # On SQLite this rebuilds media_assets: with foreign keys on, that would delete its
    # renditions (ON DELETE CASCADE) and take lessons' videos away (SET NULL).
    foreign_keys_off()
    with op.batch_alter_table("media_assets") as batch_op:
        batch_op.drop_column("error_params")
        batch_op.drop_column("error_template")
    foreign_keys_on()
