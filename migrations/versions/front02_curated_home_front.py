"""the home page as editors arrange it: fronts and the stories chosen for their slots

Revision ID: front02
Revises: fronts01
Create Date: 2026-12-05 13:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "front02"
down_revision = "fronts01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fronts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column("arranged_at", sa.DateTime(), nullable=True),
        sa.Column("arranged_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["arranged_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "front_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("front_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=20), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["front_id"], ["fronts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["story_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("front_id", "story_id", name="uq_front_slots_story"),
    )
    op.create_index("ix_front_slots_section_id", "front_slots", ["section_id"])
    op.create_index("ix_front_slots_story_id", "front_slots", ["story_id"])


def downgrade():
    op.drop_index("ix_front_slots_story_id", table_name="front_slots")
    op.drop_index("ix_front_slots_section_id", table_name="front_slots")
    op.drop_table("front_slots")
    op.drop_table("fronts")
