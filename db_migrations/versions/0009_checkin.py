"""check-in overrides and plans of care

Revision ID: 0009_checkin
Revises: 0005_lookup_speed
Create Date: 2026-12-01 04:17:47.020367
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009_checkin'
down_revision: str | Sequence[str] | None = '0008_estimates_desk'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New tables and one added column: on SQLite the column is a plain ALTER TABLE ADD (no
    # table rebuild, so no cascade into coverages).
    op.create_table('plans_of_care',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('coverage_id', sa.Integer(), nullable=True),
    sa.Column('first_visit', sa.Date(), nullable=False),
    sa.Column('plan_date', sa.Date(), nullable=False),
    sa.Column('plan_end', sa.Date(), nullable=False),
    sa.Column('certifier', sa.String(length=120), server_default='', nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('verbal_order_on', sa.Date(), nullable=True),
    sa.Column('last_progress_report_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('plan_end >= plan_date', name=op.f('ck_plans_of_care_dates_order')),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_plans_of_care_coverage_id_coverages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_plans_of_care_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans_of_care'))
    )
    with op.batch_alter_table('plans_of_care', schema=None) as batch_op:
        batch_op.create_index('ix_plans_of_care_patient_first_visit', ['patient_id', 'first_visit'], unique=False)

    op.create_table('visit_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('check_in', name='override_kind', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('reason', sa.Enum('at_risk', 'waiver', 'evaluation_only', 'phone_confirmed', 'other', name='override_reason', native_enum=False, create_constraint=True, length=19), nullable=False),
    sa.Column('detail', sa.String(length=200), server_default='', nullable=False),
    sa.Column('by', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rules', sa.String(length=200), server_default='', nullable=False),
    sa.Column('words', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_overrides_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_overrides'))
    )
    with op.batch_alter_table('visit_overrides', schema=None) as batch_op:
        batch_op.create_index('ix_visit_overrides_at', ['at'], unique=False)
        batch_op.create_index('uq_visit_overrides_visit_kind', ['visit_id', 'kind'], unique=True)

    with op.batch_alter_table('payers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_of_care_rules', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    # Dropping a column rebuilds `payers` on SQLite: with foreign keys on, the rebuild would
    # cascade into coverages (STACK.md §10), so they are off around it and checked after.
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table('payers', schema=None) as batch_op:
        batch_op.drop_column('plan_of_care_rules')
    if sqlite:
        if conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
            raise RuntimeError("foreign key check failed after rebuilding payers")
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")

    with op.batch_alter_table('visit_overrides', schema=None) as batch_op:
        batch_op.drop_index('uq_visit_overrides_visit_kind')
        batch_op.drop_index('ix_visit_overrides_at')

    op.drop_table('visit_overrides')
    with op.batch_alter_table('plans_of_care', schema=None) as batch_op:
        batch_op.drop_index('ix_plans_of_care_patient_first_visit')

    op.drop_table('plans_of_care')
