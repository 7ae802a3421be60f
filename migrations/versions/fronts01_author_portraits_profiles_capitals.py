"""authors' portraits and profiles elsewhere, countries' capitals: for the fronts of issue 15

Revision ID: fronts01
Revises: live01
Create Date: 2026-12-05 13:30:00

On SQLite, columns are added and dropped with plain ALTER TABLE, never by batch mode's copy of the
table: dropping the old `authors` or `countries` table during the copy runs SQLite's implicit
DELETE, whose ON DELETE CASCADE would empty article_authors (every byline) or fail on articles'
datelines. SQLite cannot drop a column that references another table, so a downgrade there keeps
`authors.photo_id` (nullable, unused by the older code) and the upgrade adds only what is missing.
"""

import sqlalchemy as sa
from alembic import op

revision = "fronts01"
down_revision = "live01"
branch_labels = None
depends_on = None


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade():
    authors = _columns("authors")
    if op.get_bind().dialect.name == "sqlite":
        if "photo_id" not in authors:
            op.execute(
                "ALTER TABLE authors ADD COLUMN photo_id INTEGER CONSTRAINT "
                "fk_authors_photo_id_images REFERENCES images (id) ON DELETE SET NULL"
            )
        op.execute("ALTER TABLE authors ADD COLUMN profiles TEXT NOT NULL DEFAULT ''")
        op.create_index("ix_authors_photo_id", "authors", ["photo_id"])
        op.execute("ALTER TABLE countries ADD COLUMN capital VARCHAR(80) NOT NULL DEFAULT ''")
        return
    op.add_column("authors", sa.Column("photo_id", sa.Integer(), nullable=True))
    op.add_column("authors", sa.Column("profiles", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_authors_photo_id", "authors", ["photo_id"])
    op.create_foreign_key(
        "fk_authors_photo_id_images", "authors", "images", ["photo_id"], ["id"], ondelete="SET NULL"
    )
    op.add_column(
        "countries", sa.Column("capital", sa.String(length=80), nullable=False, server_default="")
    )


def downgrade():
    op.drop_index("ix_authors_photo_id", table_name="authors")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE countries DROP COLUMN capital")
        op.execute("ALTER TABLE authors DROP COLUMN profiles")
        return
    op.drop_column("countries", "capital")
    op.drop_constraint("fk_authors_photo_id_images", "authors", type_="foreignkey")
    op.drop_column("authors", "profiles")
    op.drop_column("authors", "photo_id")
