"""an honest update log (story_updates) and embargoes

A story's single correction note becomes an entry of its update log, with the time it was
made; "Updated" follows the log and the edits an editor marks as substantive (edited_at). A
story may be embargoed (embargo_until): readers see it from the later of its publication time
and the embargo's end, which is what live_at stores.

The old correction and correction_at columns stay (nothing reads them any more) so that this
migration can be undone without loss; a later migration drops them.

Revision ID: ulog01
Revises: d1a7words01
Create Date: 2026-12-06 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "ulog01"
down_revision = "revs01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "story_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["story_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("story_updates") as batch_op:
        batch_op.create_index("ix_story_updates_story", ["story_id", "at", "id"])
        batch_op.create_index("ix_story_updates_kind", ["kind", "at", "id"])
    with op.batch_alter_table("articles") as batch_op:
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("embargo_until", sa.DateTime(), nullable=True))
    # Each correction note becomes a correction entry, at the time it was made (stories
    # corrected before that time was kept: when they were last updated, else published).
    op.execute(
        "INSERT INTO story_updates (story_id, kind, text, at) "
        "SELECT id, 'correction', correction, "
        "COALESCE(correction_at, updated_at, published_at, modified_at) "
        "FROM articles WHERE correction <> ''"
    )
    # "Updated" times that were not a correction's were an editor's marked, substantive edit.
    op.execute(
        "UPDATE articles SET edited_at = updated_at WHERE updated_at IS NOT NULL "
        "AND (correction_at IS NULL OR correction = '' OR updated_at <> correction_at)"
    )


def downgrade():
    # The newest correction of each story goes back into its single correction note.
    op.execute(
        "UPDATE articles SET "
        "correction = (SELECT u.text FROM story_updates u WHERE u.story_id = articles.id "
        "AND u.kind = 'correction' ORDER BY u.at DESC, u.id DESC LIMIT 1), "
        "correction_at = (SELECT MAX(u.at) FROM story_updates u WHERE u.story_id = articles.id "
        "AND u.kind = 'correction') "
        "WHERE EXISTS (SELECT 1 FROM story_updates u WHERE u.story_id = articles.id "
        "AND u.kind = 'correction')"
    )
    with op.batch_alter_table("articles") as batch_op:
        batch_op.drop_column("embargo_until")
        batch_op.drop_column("edited_at")
    op.drop_table("story_updates")
