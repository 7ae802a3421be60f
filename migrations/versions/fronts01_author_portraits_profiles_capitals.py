"""authors' portraits and profiles elsewhere, countries' capitals: for the fronts of issue 15

Revision ID: fronts01
Revises: live01
Create Date: 2026-12-05 13:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "fronts01"
down_revision = "live01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("authors") as batch:
        batch.add_column(sa.Column("photo_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("profiles", sa.Text(), nullable=False, server_default=""))
        batch.create_index("ix_authors_photo_id", ["photo_id"])
        batch.create_foreign_key(
            "fk_authors_photo_id_images", "images", ["photo_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("countries") as batch:
        batch.add_column(sa.Column("capital", sa.String(length=80), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("countries") as batch:
        batch.drop_column("capital")
    with op.batch_alter_table("authors") as batch:
        batch.drop_constraint("fk_authors_photo_id_images", type_="foreignkey")
        batch.drop_index("ix_authors_photo_id")
        batch.drop_column("profiles")
        batch.drop_column("photo_id")
