"""campus coordinates and the outdoor temperature

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 09:00:00

The campus file may give the campus's latitude and longitude (both or neither): the weather feed fetches the
outdoor temperature there, one row per UTC hour, which the forecasts learn from. A campus row an older schema holds
gets no coordinates, so its feed stays off until the file gives them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campus', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
    op.create_table(
        'outdoor_temperature',
        sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
        sa.Column('temperature_c', sa.Float(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=64), nullable=False),
        sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('ts'),
    )


def downgrade() -> None:
    op.drop_table('outdoor_temperature')
    with op.batch_alter_table('campus', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
