"""readings keep a meter's counter

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 21:40:00

Interval energy is computed from the previous STORED sample of a switch or meter (whichever replica stored it), so a
meter row keeps the counter it reported: the next writer takes the difference from it. Nullable, no default: on
PostgreSQL adding it does not rewrite the table. Meter rows stored before this migration have no counter, so a
meter's first sample after the upgrade starts its interval anew (energy unknown for that one interval).
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('readings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meter_kwh', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('readings', schema=None) as batch_op:
        batch_op.drop_column('meter_kwh')
