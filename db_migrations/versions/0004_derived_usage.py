"""derived usage: per-authorization, per-coverage and per-period counts from the allocation; patient changes

Revision ID: 0004_derived_usage
Revises: 0003_authorization_workflow
Create Date: 2026-11-24 14:41:45.168818
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004_derived_usage'
down_revision: str | Sequence[str] | None = '0003_authorization_workflow'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The usage tables are created empty: ptdesk fills them after the upgrade (storage/migrate.py).
rebuilds_derived_usage = True


def upgrade() -> None:
    op.create_table('patient_changes',
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_patient_changes_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('patient_id', name=op.f('pk_patient_changes'))
    )
    with op.batch_alter_table('patient_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_changes_seq'), ['seq'], unique=False)

    op.create_table('coverage_usage',
    sa.Column('coverage_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('uncovered_booked', sa.Integer(), nullable=False),
    sa.Column('first_uncovered', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_coverage_usage_coverage_id_coverages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_coverage_usage_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('coverage_id', name=op.f('pk_coverage_usage'))
    )
    with op.batch_alter_table('coverage_usage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coverage_usage_patient_id'), ['patient_id'], unique=False)

    op.create_table('period_usage',
    sa.Column('coverage_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('last_booked', sa.Date(), nullable=True),
    sa.Column('allowed_amount', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_period_usage_coverage_id_coverages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_period_usage_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('coverage_id', 'kind', 'period_start', name=op.f('pk_period_usage'))
    )
    with op.batch_alter_table('period_usage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_usage_patient_id'), ['patient_id'], unique=False)

    op.create_table('authorization_usage',
    sa.Column('authorization_id', sa.Integer(), nullable=False),
    sa.Column('pool_code', sa.String(length=10), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('last_booked', sa.Date(), nullable=True),
    sa.Column('first_booked_over', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['authorization_id'], ['authorizations.id'], name=op.f('fk_authorization_usage_authorization_id_authorizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_authorization_usage_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('authorization_id', 'pool_code', name=op.f('pk_authorization_usage'))
    )
    with op.batch_alter_table('authorization_usage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorization_usage_patient_id'), ['patient_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('authorization_usage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorization_usage_patient_id'))

    op.drop_table('authorization_usage')
    with op.batch_alter_table('period_usage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_usage_patient_id'))

    op.drop_table('period_usage')
    with op.batch_alter_table('coverage_usage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coverage_usage_patient_id'))

    op.drop_table('coverage_usage')
    with op.batch_alter_table('patient_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_changes_seq'))

    op.drop_table('patient_changes')
