"""each person's time zone: editors type and read times on their own clock

Revision ID: tz01
Revises: d1a7words01
Create Date: 2026-12-06 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "tz01"
down_revision = "d1a7words01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("timezone")
