"""spooled batches

Revision ID: 0006_spool
Revises: 0005
Create Date: 2026-12-04 23:30:00

Ids of the batches (readings, audit records) replayed from the service's local spool after a database outage,
written in the same transaction as their rows so that a replay after a crash never stores a batch twice.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_spool'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'spooled_batches',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('spooled_batches')
