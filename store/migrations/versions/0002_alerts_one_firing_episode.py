"""alerts: at most one firing episode per alert key

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 05:50:00

A partial unique index, so that two alert components on one database (e.g. during a rolling restart) cannot both
open an episode for the same key and announce it twice.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('uq_alerts_firing_key', ['key'], unique=True,
                              sqlite_where=sa.text("status = 'firing'"),
                              postgresql_where=sa.text("status = 'firing'"))


def downgrade() -> None:
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('uq_alerts_firing_key')
