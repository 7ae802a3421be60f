"""story revisions and autosaves: every save keeps a version; unsaved text has one slot

story_revisions keeps a snapshot of a story's editable fields at every save, so editors can
compare any two and restore one. story_autosaves holds what one person typed in a story's form
and did not save yet (one row per story and person, overwritten).

Revision ID: revs01
Revises: d1a7words01
Create Date: 2026-12-06 07:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "revs01"
down_revision = "tz01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "story_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("story_id", "number", name="uq_story_revisions_number"),
    )
    op.create_table(
        "story_autosaves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("story_id", "user_id", name="uq_story_autosaves_slot"),
    )


def downgrade():
    op.drop_table("story_autosaves")
    op.drop_table("story_revisions")
