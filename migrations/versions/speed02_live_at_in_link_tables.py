"""live_at in the link tables: an author's, a country's and a tag's stories walk (subject, live_at)

Revision ID: speed02
Revises: speed01
Create Date: 2026-12-05 18:00:00

An author's, country's, region's or tag's list walked ix_articles_live newest first and looked
each story up in the link table: a subject with few stories read the whole archive for a page (a
tag with one story, 72 ms at 100,000 stories). Each link row now keeps its story's live_at
(newsroom.models.story_links keeps it in step on every save), and the lists walk an index on
(subject, live_at, article_id) that stops after a page. The old (subject, article_id) indexes go:
the new ones start with the subject too, and serve every query the old ones did.

Plain ALTER TABLE ADD COLUMN and CREATE/DROP INDEX on every database, and one UPDATE per table to
fill the column from articles: never batch mode, whose copy of a table on SQLite drops the old
one and cascades rows away (see fronts01). The downgrade's DROP COLUMN needs SQLite 3.35 or later.
"""

import sqlalchemy as sa
from alembic import op

revision = "speed02"
down_revision = "speed01"
branch_labels = None
depends_on = None

# (table, subject column, new index, old index)
LINKS = (
    ("article_authors", "author_id", "ix_article_authors_author_live", "ix_article_authors_author"),
    (
        "article_countries",
        "country_id",
        "ix_article_countries_country_live",
        "ix_article_countries_country",
    ),
    ("article_tags", "tag_id", "ix_article_tags_tag_live", "ix_article_tags_tag"),
)


def upgrade():
    for table, subject, new_index, old_index in LINKS:
        op.add_column(table, sa.Column("live_at", sa.DateTime(), nullable=True))
        op.execute(
            f"UPDATE {table} SET live_at = "  # noqa: S608  # nosec B608 - names from LINKS
            f"(SELECT articles.live_at FROM articles WHERE articles.id = {table}.article_id)"
        )
        op.create_index(new_index, table, [subject, "live_at", "article_id"])
        op.drop_index(old_index, table_name=table)


def downgrade():
    for table, subject, new_index, old_index in LINKS:
        op.create_index(old_index, table, [subject, "article_id"])
        op.drop_index(new_index, table_name=table)
        op.drop_column(table, "live_at")
