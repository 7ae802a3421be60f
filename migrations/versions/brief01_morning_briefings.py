"""morning briefings: each region's main time zone, subscribers and their regions, editions

Revision ID: brief01
Revises: reads01
Create Date: 2026-12-05 21:00:00

regions.timezone is added with "UTC" and filled for the five regions of the site's frame (the
zones demo/data/places.toml names); a region an operator added keeps UTC until an editor sets it.
"""

import sqlalchemy as sa
from alembic import op

revision = "brief01"
down_revision = "reads01"
branch_labels = None
depends_on = None

# A copy, as of this migration, of the zones in demo/data/places.toml.
REGION_ZONES = {
    "east-asia": "Asia/Shanghai",
    "southeast-asia": "Asia/Jakarta",
    "south-asia": "Asia/Kolkata",
    "central-asia": "Asia/Tashkent",
    "west-asia": "Asia/Riyadh",
}


def upgrade():
    # Plain ALTER TABLE on every database, never batch mode: its copy of `regions` on SQLite
    # drops the old table, which the countries' foreign keys refuse (see fronts01).
    op.add_column(
        "regions", sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC")
    )
    regions = sa.table("regions", sa.column("slug", sa.String), sa.column("timezone", sa.String))
    for slug, zone in REGION_ZONES.items():
        op.execute(regions.update().where(regions.c.slug == slug).values(timezone=zone))
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("mailed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_subscribers_unconfirmed", "subscribers", ["confirmed_at", "created_at"])
    op.create_table(
        "subscriber_regions",
        sa.Column(
            "subscriber_id",
            sa.Integer(),
            sa.ForeignKey("subscribers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "region_id",
            sa.Integer(),
            sa.ForeignKey("regions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index(
        "ix_subscriber_regions_region", "subscriber_regions", ["region_id", "subscriber_id"]
    )
    op.create_table(
        "briefings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "region_id",
            sa.Integer(),
            sa.ForeignKey("regions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("edition", sa.Date(), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column(
            "lead_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("story_ids", sa.JSON(), nullable=False),
        sa.Column("send_at", sa.DateTime(), nullable=False),
        sa.Column("assembled_at", sa.DateTime(), nullable=False),
        sa.Column(
            "reviewed_by_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("region_id", "edition", name="uq_briefings_region_edition"),
    )
    op.create_index("ix_briefings_send_at", "briefings", ["send_at"])


def downgrade():
    op.drop_index("ix_briefings_send_at", table_name="briefings")
    op.drop_table("briefings")
    op.drop_index("ix_subscriber_regions_region", table_name="subscriber_regions")
    op.drop_table("subscriber_regions")
    op.drop_index("ix_subscribers_unconfirmed", table_name="subscribers")
    op.drop_table("subscribers")
    op.drop_column("regions", "timezone")  # SQLite 3.35 or later, as speed02
