"""two-step setup secret kept on the server, not in the session cookie

Revision ID: c5d2e8a41f37
Revises: 80c50fe98e09
Create Date: 2026-12-01 20:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5d2e8a41f37'
down_revision = '80c50fe98e09'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_pending_secret', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_pending_secret')
