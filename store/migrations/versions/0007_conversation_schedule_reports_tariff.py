"""conversation: scheduled-action channel and reports; the campus tariff

Revision ID: 0007
Revises: 0006_spool
Create Date: 2026-12-04 23:30:00

Scheduled actions now run in the service whatever channels are on, so each row says which channel set it
(`telegram` or `terminal`) and keeps the report sent to its owner (`report`, and `reported_at` once a terminal
chat has shown it). Rows an older schema holds came from Telegram. The campus file may give a tariff (flat, or
time-of-day bands), kept as JSON on the campus row; none means energy answers give no cost.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006_spool'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('scheduled_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), nullable=False, server_default='telegram'))
        batch_op.add_column(sa.Column('report', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('campus', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tariff', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('campus', schema=None) as batch_op:
        batch_op.drop_column('tariff')
    with op.batch_alter_table('scheduled_actions', schema=None) as batch_op:
        batch_op.drop_column('reported_at')
        batch_op.drop_column('report')
        batch_op.drop_column('channel')
