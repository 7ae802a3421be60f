"""live coverage: a live page's posts, its pinned summary, its contributors, when it closed

Stories of kind "live" gain a pinned summary ("What we know", Markdown and its HTML), the time
the coverage closed (None while open) and the time of the page's last change (readers' polls
compare it). Posts are rows of their own; a deleted post keeps its row (`deleted_at`) so that
polls can take it off readers' pages. Writers an editor adds to a live page may post to it.

Revision ID: live01
Revises: pdesk01
Create Date: 2026-12-05 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "live01"
down_revision = "pdesk01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("live_summary_md", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("live_summary_html", sa.Text(), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("live_closed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("live_changed_at", sa.DateTime(), nullable=True))
    op.create_table(
        "live_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "story_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("body_md", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("embed_ids", sa.JSON(), nullable=False),
        sa.Column("is_key_event", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column(
            "author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
    )
    op.create_index("ix_live_posts_page", "live_posts", ["story_id", "posted_at", "id"])
    op.create_index("ix_live_posts_changed", "live_posts", ["story_id", "changed_at"])
    op.create_table(
        "live_contributors",
        sa.Column(
            "story_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
    )


def downgrade():
    op.drop_table("live_contributors")
    op.drop_index("ix_live_posts_changed", table_name="live_posts")
    op.drop_index("ix_live_posts_page", table_name="live_posts")
    op.drop_table("live_posts")
    with op.batch_alter_table("articles") as batch:
        for name in ("live_changed_at", "live_closed_at", "live_summary_html", "live_summary_md"):
            batch.drop_column(name)
