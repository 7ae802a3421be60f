"""the photo desk: keywords and copyright from the file, a focal point, cropped variants

Photos keep the keywords and copyright notice read from their IPTC/XMP metadata (the library
searches the keywords), a focal point (0..1 across and down, the middle by default) that every
crop is centred on, and the set of cropped variants made around it: `crop_tag` names the current
set's files ("" for photos stored before crops existed, which keep their uncropped variants) and
`crop_widths` lists the widths made for each shape.

Revision ID: pdesk01
Revises: d1a7words01
Create Date: 2026-12-06 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "pdesk01"
down_revision = "ulog01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("images") as batch:
        batch.add_column(sa.Column("keywords", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("copyright", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("focal_x", sa.Float(), nullable=False, server_default="0.5"))
        batch.add_column(sa.Column("focal_y", sa.Float(), nullable=False, server_default="0.5"))
        batch.add_column(sa.Column("crop_tag", sa.String(16), nullable=False, server_default=""))
        batch.add_column(sa.Column("crop_widths", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    with op.batch_alter_table("images") as batch:
        for name in ("crop_widths", "crop_tag", "focal_y", "focal_x", "copyright", "keywords"):
            batch.drop_column(name)
