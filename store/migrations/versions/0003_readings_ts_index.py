"""readings: an index on ts alone

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 08:50:00

Retention compacts readings a UTC day at a time across every device (store/retention.py); without an index led by
`ts` each day would scan the whole table. Time-only range queries (the alert scans' hourly sums) use it too.
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_readings_ts', 'readings', ['ts'])


def downgrade() -> None:
    op.drop_index('ix_readings_ts', table_name='readings')
