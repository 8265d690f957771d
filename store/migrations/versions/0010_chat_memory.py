"""chat memory shared by replicas

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 20:20:00

A chat's next message may reach another replica (webhook mode behind a load balancer), so what a follow-up or a
correction leans on (the previous command, what a switch command left behind, the alerts last shown) is one row
per chat in the store instead of one replica's memory. A new table: nothing to fill; the downgrade forgets the
conversations in flight (a follow-up after it is read as a first message).
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'chat_memory',
        sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('state', sa.JSON(), nullable=False),
        sa.Column('turn_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('chat_id'),
    )
    op.create_index('ix_chat_memory_expires_at', 'chat_memory', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_chat_memory_expires_at', table_name='chat_memory')
    op.drop_table('chat_memory')
