"""search in every script: story search text, SQLite FTS5 trigram index, PostgreSQL pg_trgm

Revision ID: a7c1search01
Revises: f0e87a1e79b6
Create Date: 2026-11-27 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a7c1search01"
down_revision = "f0e87a1e79b6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE article_search USING fts5(headline, body, tokenize='trigram')"
        )
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_articles_search_trgm ON articles USING gin (search_text gin_trgm_ops)"
        )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS article_search")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search_trgm")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("search_text")
