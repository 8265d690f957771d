"""readings carry the energy partition their writer stored them in

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 08:45:00

With energy partitions (`AUTOVOLT_ENERGY_PARTITIONS`, devices/stored_energy.py) each writer reads back, per
partition, the rows the other writers stored since its mark. By id alone that scans the rows of every partition
stored since then and keeps a quarter. `energy_part` (set by partitioned writers, NULL otherwise) and a partial
index on (energy_part, id) over the rows the read-back needs let it walk only its own partition's rows. Rows written
without partitions (the default) get no index entry, so the single-section path pays nothing for it. PostgreSQL only
for the index: SQLite serves one process and never partitions. The column is nullable without a default: adding it
does not rewrite the table, and the index starts empty (old rows have NULL).
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# Must stay the read-back's condition (devices.stored_energy._NEEDED) for PostgreSQL to use the partial index.
NEEDED = ("((switch_id IS NOT NULL AND state IS NOT NULL AND (state OR energy_wh IS NULL OR energy_wh <> 0))"
          " OR (switch_id IS NULL AND meter_kwh IS NOT NULL))")


def upgrade() -> None:
    with op.batch_alter_table('readings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('energy_part', sa.SmallInteger(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_readings_energy_part_id', 'readings', ['energy_part', 'id'], unique=False,
                        postgresql_where=sa.text(f"energy_part IS NOT NULL AND {NEEDED}"))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_readings_energy_part_id', table_name='readings')
    with op.batch_alter_table('readings', schema=None) as batch_op:
        batch_op.drop_column('energy_part')
