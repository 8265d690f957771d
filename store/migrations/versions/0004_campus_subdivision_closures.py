"""campus: the holiday region and campus closures

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:30:00

The campus file may name a subdivision of its country (regional public holidays, e.g. IN-MH) and list closures:
whole days the campus is shut that are no public holiday. Both are optional; the campus row an older schema holds
gets no subdivision and an empty closure list.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campus', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subdivision', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('closures', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('campus', schema=None) as batch_op:
        batch_op.drop_column('closures')
        batch_op.drop_column('subdivision')
