"""replicas: row-by-row outbox claims, recorded scan runs, Telegram updates handled once

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 23:30:00

Several replicas of the service may share one PostgreSQL database:
- the outbox is claimed one message at a time, in each chat's order: an index on (chat_id, id) lets a claim see
  cheaply whether an earlier message of the same chat is still on its way;
- `scan_runs` records each scheduled scan as it starts and when it ends, so a replica that becomes the leader
  re-runs a scan the previous leader left half done (scans are idempotent on their window);
- `telegram_updates` records each webhook update id once, so an update Telegram (or a load balancer) delivers to
  two replicas is handled by one.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_chat_id_id', ['chat_id', 'id'], unique=False)
    op.create_table(
        'scan_runs',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('scan', sa.String(length=64), nullable=False),
        sa.Column('replica', sa.String(length=128), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_scan_runs_unfinished', 'scan_runs', ['finished_at', 'scan'], unique=False)
    op.create_table(
        'telegram_updates',
        sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('replica', sa.String(length=128), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('update_id'),
    )


def downgrade() -> None:
    op.drop_table('telegram_updates')
    op.drop_index('ix_scan_runs_unfinished', table_name='scan_runs')
    op.drop_table('scan_runs')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_chat_id_id')
