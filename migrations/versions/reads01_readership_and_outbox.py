"""readership counts (views per story and hour, referrers, searches that found nothing, the
embedded default's buffer) and the outbox (emails and search-engine pings, each delivered once)

Revision ID: reads01
Revises: speed02
Create Date: 2026-12-05 20:40:00

New tables only; nothing existing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "reads01"
down_revision = "speed02"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "story_view_hours",
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("hour", sa.DateTime(), primary_key=True),
        sa.Column("views", sa.Integer(), nullable=False),
    )
    op.create_index("ix_story_view_hours_hour", "story_view_hours", ["hour", "article_id"])
    op.create_table(
        "referrer_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("host", sa.String(253), primary_key=True),
        sa.Column("views", sa.Integer(), nullable=False),
    )
    op.create_table(
        "search_miss_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("query", sa.String(200), primary_key=True),
        sa.Column("searches", sa.Integer(), nullable=False),
    )
    op.create_table(
        "view_buffer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(253), nullable=False),
        sa.Column("bucket", sa.String(32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_index("ix_outbox_pending", "outbox", ["kind", "sent_at", "failed_at", "due_at"])


def downgrade():
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("view_buffer")
    op.drop_table("search_miss_days")
    op.drop_table("referrer_days")
    op.drop_index("ix_story_view_hours_hour", table_name="story_view_hours")
    op.drop_table("story_view_hours")
