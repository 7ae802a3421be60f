"""the audit log names its subjects with the newsroom's words: story, photo, tickeritem

The audit log records a subject's kind as its model's name. The models are now Story, Photo and
TickerItem (they were Article, Image and BreakingItem), so older entries are renamed to match and
"what happened to this story?" finds them all.

Revision ID: d1a7words01
Revises: c5d2e8a41f37
Create Date: 2026-12-05 07:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d1a7words01"
down_revision = "c5d2e8a41f37"
branch_labels = None
depends_on = None

RENAMED = {"article": "story", "image": "photo", "breakingitem": "tickeritem"}
RENAME = sa.text("UPDATE audit_log SET subject_type = :new WHERE subject_type = :old")


def upgrade():
    for old, new in RENAMED.items():
        op.execute(RENAME.bindparams(old=old, new=new))


def downgrade():
    for old, new in RENAMED.items():
        op.execute(RENAME.bindparams(old=new, new=old))
