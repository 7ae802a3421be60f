"""indexes for every reader list: a section's and a kind's stories on (live_at, id)

Revision ID: speed01
Revises: front02
Create Date: 2026-12-05 17:30:00

Reader lists filter and order on live_at since e9c13ba464c7, but the section and kind indexes
still ended in (status, published_at, id): a section page found its section's rows by index and
then sorted all of them (about 25,000 at 100,000 stories) for every render. The new indexes end in
(live_at, id), so a page is one index walk that stops after the page, at any depth; the old two
serve no query any more (the desk's section and kind filters use the new ones as well).

Plain CREATE/DROP INDEX on every database: never batch mode, whose copy of the table on SQLite
would cascade the link tables' rows away when it drops the old one (see fronts01).
"""

from alembic import op

revision = "speed01"
down_revision = "front02"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_articles_section_live", "articles", ["section_id", "live_at", "id"])
    op.create_index("ix_articles_kind_live", "articles", ["kind", "live_at", "id"])
    op.drop_index("ix_articles_section_stream", table_name="articles")
    op.drop_index("ix_articles_kind_stream", table_name="articles")


def downgrade():
    op.create_index("ix_articles_kind_stream", "articles", ["kind", "status", "published_at", "id"])
    op.create_index(
        "ix_articles_section_stream", "articles", ["section_id", "status", "published_at", "id"]
    )
    op.drop_index("ix_articles_kind_live", table_name="articles")
    op.drop_index("ix_articles_section_live", table_name="articles")
