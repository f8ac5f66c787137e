"""authorization workflow: requests, bands, drawn-from authorization, change counters

Revision ID: 0003_authorization_workflow
Revises: 0002_rule_tables
Create Date: 2026-11-24 14:33:37.242915
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ptdesk.storage.migration_guard import foreign_keys_off, refuse_if_rows


revision: str = '0003_authorization_workflow'
down_revision: str | Sequence[str] | None = '0002_rule_tables'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# visits.authorization_id is derived: ptdesk recomputes it (and the usage tables) after an
# upgrade that crosses this revision (storage/migrate.py).
rebuilds_derived_usage = True


def upgrade() -> None:
    foreign_keys_off(op.get_bind(), ["payers", "visits"])  # batch rebuilds of payers and visits below
    
    op.create_table('change_counters',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_change_counters'))
    )
    op.create_table('status_band_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('red_visits', sa.Integer(), nullable=False),
    sa.Column('yellow_visits', sa.Integer(), nullable=False),
    sa.Column('red_days', sa.Integer(), nullable=False),
    sa.Column('yellow_days', sa.Integer(), nullable=False),
    sa.Column('renew_at_visits', sa.Integer(), nullable=False),
    sa.Column('renew_late_below_visits', sa.Integer(), nullable=False),
    sa.Column('renew_days_before_end', sa.Integer(), nullable=False),
    sa.Column('kx_approaching_within', sa.Integer(), nullable=False),
    sa.CheckConstraint('red_days >= 0 AND yellow_days >= red_days', name=op.f('ck_status_band_settings_days_bands')),
    sa.CheckConstraint('red_visits >= 0 AND yellow_visits >= red_visits', name=op.f('ck_status_band_settings_visits_bands')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_status_band_settings_payer_id_payers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_band_settings')),
    sa.UniqueConstraint('payer_id', name=op.f('uq_status_band_settings_payer_id'))
    )
    op.create_table('authorization_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coverage_id', sa.Integer(), nullable=False),
    sa.Column('authorization_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('not_sent', 'pending', 'approved', 'partly_approved', 'denied', 'appealed', name='request_status', native_enum=False, create_constraint=True, length=19), nullable=False),
    sa.Column('method', sa.Enum('portal', 'fax', 'phone', 'edi', 'mail', name='request_method', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('urgency', sa.Enum('standard', 'expedited', name='request_urgency', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('visits_requested', sa.Integer(), nullable=False),
    sa.Column('start_requested', sa.Date(), nullable=True),
    sa.Column('end_requested', sa.Date(), nullable=True),
    sa.Column('codes_requested', sa.String(length=200), server_default='', nullable=False),
    sa.Column('clinical_notes', sa.Text(), server_default='', nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('appealed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('visits_approved', sa.Integer(), server_default='0', nullable=False),
    sa.Column('start_approved', sa.Date(), nullable=True),
    sa.Column('end_approved', sa.Date(), nullable=True),
    sa.Column('number_approved', sa.String(length=40), server_default='', nullable=False),
    sa.Column('denial_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('resulting_authorization_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('end_approved IS NULL OR start_approved IS NULL OR end_approved >= start_approved', name=op.f('ck_authorization_requests_approved_dates_order')),
    sa.CheckConstraint('end_requested IS NULL OR start_requested IS NULL OR end_requested >= start_requested', name=op.f('ck_authorization_requests_requested_dates_order')),
    sa.CheckConstraint('visits_approved >= 0', name=op.f('ck_authorization_requests_visits_approved_nonneg')),
    sa.CheckConstraint('visits_requested >= 0', name=op.f('ck_authorization_requests_visits_requested_nonneg')),
    sa.ForeignKeyConstraint(['authorization_id'], ['authorizations.id'], name=op.f('fk_authorization_requests_authorization_id_authorizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_authorization_requests_coverage_id_coverages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resulting_authorization_id'], ['authorizations.id'], name=op.f('fk_authorization_requests_resulting_authorization_id_authorizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorization_requests'))
    )
    with op.batch_alter_table('authorization_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorization_requests_authorization_id'), ['authorization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_authorization_requests_coverage_id'), ['coverage_id'], unique=False)
        batch_op.create_index('ix_authorization_requests_status', ['status'], unique=False)

    with op.batch_alter_table('payers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_days_standard', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decision_hours_expedited', sa.Integer(), nullable=True))

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authorization_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_visits_authorization_status', ['authorization_id', 'status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_visits_authorization_id_authorizations'), 'authorizations', ['authorization_id'], ['id'], ondelete='SET NULL')

    


def downgrade() -> None:
    conn = op.get_bind()
    foreign_keys_off(conn, ["payers", "visits"])
    refuse_if_rows(conn, ["authorization_requests", "status_band_settings"],
                   "0003_authorization_workflow")
    
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_visits_authorization_id_authorizations'), type_='foreignkey')
        batch_op.drop_index('ix_visits_authorization_status')
        batch_op.drop_column('authorization_id')

    with op.batch_alter_table('payers', schema=None) as batch_op:
        batch_op.drop_column('decision_hours_expedited')
        batch_op.drop_column('decision_days_standard')

    with op.batch_alter_table('authorization_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_authorization_requests_status')
        batch_op.drop_index(batch_op.f('ix_authorization_requests_coverage_id'))
        batch_op.drop_index(batch_op.f('ix_authorization_requests_authorization_id'))

    op.drop_table('authorization_requests')
    op.drop_table('status_band_settings')
    op.drop_table('change_counters')
    
