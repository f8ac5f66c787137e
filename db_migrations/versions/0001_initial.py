"""initial clinic schema

Revision ID: 0001_initial
Revises: (none)
Create Date: 2026-11-24 14:22:22.557281
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ptdesk.storage.migration_guard import refuse_if_rows


revision: str = '0001_initial'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('app_settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_settings'))
    )
    op.create_table('patients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chart_number', sa.String(length=20), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('middle_name', sa.String(length=80), server_default='', nullable=False),
    sa.Column('preferred_name', sa.String(length=80), server_default='', nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), server_default='U', nullable=False),
    sa.Column('phone_mobile', sa.String(length=30), server_default='', nullable=False),
    sa.Column('phone_home', sa.String(length=30), server_default='', nullable=False),
    sa.Column('email', sa.String(length=200), server_default='', nullable=False),
    sa.Column('address_line1', sa.String(length=120), server_default='', nullable=False),
    sa.Column('address_line2', sa.String(length=120), server_default='', nullable=False),
    sa.Column('city', sa.String(length=80), server_default='', nullable=False),
    sa.Column('state', sa.String(length=2), server_default='', nullable=False),
    sa.Column('postal_code', sa.String(length=10), server_default='', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patients')),
    sa.UniqueConstraint('chart_number', name=op.f('uq_patients_chart_number'))
    )
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patients_date_of_birth'), ['date_of_birth'], unique=False)
        batch_op.create_index('ix_patients_name_dob', ['last_name', 'first_name', 'date_of_birth'], unique=False)

    op.create_table('payers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('medicare', 'medicare_advantage', 'medicaid', 'commercial', 'workers_comp', 'self_pay', name='payer_kind', native_enum=False, create_constraint=True, length=22), nullable=False),
    sa.Column('unit_method', sa.Enum('cms', 'ama', name='unit_method', native_enum=False, create_constraint=True, length=7), nullable=False),
    sa.Column('requires_prior_auth', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=40), server_default='', nullable=False),
    sa.Column('portal_url', sa.String(length=300), server_default='', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payers')),
    sa.UniqueConstraint('name', name=op.f('uq_payers_name'))
    )
    op.create_table('providers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('credentials', sa.String(length=40), server_default='', nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=True),
    sa.Column('role', sa.Enum('PT', 'PTA', name='provider_role', native_enum=False, create_constraint=True, length=7), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.CheckConstraint('npi IS NULL OR length(npi) = 10', name=op.f('ck_providers_npi_ten_digits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_providers')),
    sa.UniqueConstraint('npi', name=op.f('uq_providers_npi'))
    )
    op.create_table('coverages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('member_id', sa.String(length=40), nullable=False),
    sa.Column('group_id', sa.String(length=40), server_default='', nullable=False),
    sa.Column('subscriber_name', sa.String(length=160), server_default='', nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('plan_year_start_month', sa.SmallInteger(), nullable=False),
    sa.Column('plan_year_start_day', sa.SmallInteger(), nullable=False),
    sa.Column('visit_limit_per_year', sa.Integer(), nullable=True),
    sa.Column('visits_used_elsewhere', sa.Integer(), server_default='0', nullable=False),
    sa.Column('visits_used_elsewhere_as_of', sa.Date(), nullable=True),
    sa.Column('deductible', sa.Integer(), nullable=True),
    sa.Column('deductible_met', sa.Integer(), nullable=True),
    sa.Column('copay', sa.Integer(), nullable=True),
    sa.Column('coinsurance_bp', sa.Integer(), nullable=True),
    sa.Column('oop_max', sa.Integer(), nullable=True),
    sa.Column('oop_met', sa.Integer(), nullable=True),
    sa.Column('therapy_amount_elsewhere', sa.Integer(), nullable=True),
    sa.Column('therapy_amount_elsewhere_year', sa.SmallInteger(), nullable=True),
    sa.Column('benefits_verified_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint('coinsurance_bp IS NULL OR (coinsurance_bp >= 0 AND coinsurance_bp <= 10000)', name=op.f('ck_coverages_coinsurance_range')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= effective_date', name=op.f('ck_coverages_dates_order')),
    sa.CheckConstraint('plan_year_start_day BETWEEN 1 AND 31', name=op.f('ck_coverages_plan_year_day')),
    sa.CheckConstraint('plan_year_start_month BETWEEN 1 AND 12', name=op.f('ck_coverages_plan_year_month')),
    sa.CheckConstraint('priority BETWEEN 1 AND 3', name=op.f('ck_coverages_priority_range')),
    sa.CheckConstraint('visits_used_elsewhere >= 0', name=op.f('ck_coverages_visits_elsewhere_nonneg')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_coverages_patient_id_patients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_coverages_payer_id_payers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverages'))
    )
    with op.batch_alter_table('coverages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coverages_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coverages_payer_id'), ['payer_id'], unique=False)

    op.create_table('fee_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('source', sa.String(length=300), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_fee_schedules_payer_id_payers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_schedules')),
    sa.UniqueConstraint('payer_id', 'year', 'name', name=op.f('uq_fee_schedules_payer_id_year_name'))
    )
    op.create_table('patient_search_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('term', sa.String(length=80).with_variant(sa.String(length=80, collation='C'), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_patient_search_terms_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_search_terms'))
    )
    with op.batch_alter_table('patient_search_terms', schema=None) as batch_op:
        batch_op.create_index('ix_patient_search_terms_kind_term', ['kind', 'term'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_search_terms_patient_id'), ['patient_id'], unique=False)

    op.create_table('authorizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coverage_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), server_default='', nullable=False),
    sa.Column('state', sa.Enum('active', 'pending', 'ended', name='authorization_state', native_enum=False, create_constraint=True, length=11), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('counts', sa.Enum('visits', 'units', name='auth_unit', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('authorized', sa.Integer(), nullable=False),
    sa.Column('used_before_ptdesk', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=200), server_default='', nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('authorized >= 0', name=op.f('ck_authorizations_authorized_nonneg')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_authorizations_dates_order')),
    sa.CheckConstraint('used_before_ptdesk >= 0', name=op.f('ck_authorizations_carry_in_nonneg')),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_authorizations_coverage_id_coverages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorizations'))
    )
    with op.batch_alter_table('authorizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorizations_coverage_id'), ['coverage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_authorizations_end_date'), ['end_date'], unique=False)

    op.create_table('fee_schedule_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('allowed_amount', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['fee_schedules.id'], name=op.f('fk_fee_schedule_entries_schedule_id_fee_schedules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_schedule_entries')),
    sa.UniqueConstraint('schedule_id', 'code', name=op.f('uq_fee_schedule_entries_schedule_id_code'))
    )
    with op.batch_alter_table('fee_schedule_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_schedule_entries_schedule_id'), ['schedule_id'], unique=False)

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('coverage_id', sa.Integer(), nullable=True),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('assistant_id', sa.Integer(), nullable=True),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('scheduled_time', sa.Time(), nullable=True),
    sa.Column('status', sa.Enum('booked', 'checked_in', 'completed', 'cancelled', 'no_show', 'voided', name='visit_status', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('void_reason', sa.String(length=200), server_default='', nullable=False),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['assistant_id'], ['providers.id'], name=op.f('fk_visits_assistant_id_providers')),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_visits_coverage_id_coverages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_visits_patient_id_patients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_visits_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_coverage_status_date', ['coverage_id', 'status', 'visit_date'], unique=False)
        batch_op.create_index('ix_visits_date_status', ['visit_date', 'status'], unique=False)
        batch_op.create_index('ix_visits_patient_date', ['patient_id', 'visit_date'], unique=False)

    op.create_table('authorization_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authorization_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('authorized_units', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['authorization_id'], ['authorizations.id'], name=op.f('fk_authorization_codes_authorization_id_authorizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorization_codes')),
    sa.UniqueConstraint('authorization_id', 'code', name=op.f('uq_authorization_codes_authorization_id_code'))
    )
    with op.batch_alter_table('authorization_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorization_codes_authorization_id'), ['authorization_id'], unique=False)

    op.create_table('service_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.SmallInteger(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('assistant_minutes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('modifiers', sa.String(length=40), server_default='', nullable=False),
    sa.Column('allowed_amount', sa.Integer(), nullable=True),
    sa.CheckConstraint('assistant_minutes >= 0 AND assistant_minutes <= minutes', name=op.f('ck_service_lines_assistant_minutes')),
    sa.CheckConstraint('minutes >= 0 AND minutes <= 1440', name=op.f('ck_service_lines_minutes_range')),
    sa.CheckConstraint('units >= 0', name=op.f('ck_service_lines_units_nonneg')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_service_lines_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_lines'))
    )
    with op.batch_alter_table('service_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_lines_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_lines_visit_id'), ['visit_id'], unique=False)

    


def downgrade() -> None:
    refuse_if_rows(op.get_bind(), [
        "patients", "payers", "providers", "coverages", "fee_schedules", "authorizations",
        "fee_schedule_entries", "visits", "authorization_codes", "service_lines"],
        "0001_initial")
    
    with op.batch_alter_table('service_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_lines_visit_id'))
        batch_op.drop_index(batch_op.f('ix_service_lines_code'))

    op.drop_table('service_lines')
    with op.batch_alter_table('authorization_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorization_codes_authorization_id'))

    op.drop_table('authorization_codes')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_patient_date')
        batch_op.drop_index('ix_visits_date_status')
        batch_op.drop_index('ix_visits_coverage_status_date')

    op.drop_table('visits')
    with op.batch_alter_table('fee_schedule_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_schedule_entries_schedule_id'))

    op.drop_table('fee_schedule_entries')
    with op.batch_alter_table('authorizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorizations_end_date'))
        batch_op.drop_index(batch_op.f('ix_authorizations_coverage_id'))

    op.drop_table('authorizations')
    with op.batch_alter_table('patient_search_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_search_terms_patient_id'))
        batch_op.drop_index('ix_patient_search_terms_kind_term')

    op.drop_table('patient_search_terms')
    op.drop_table('fee_schedules')
    with op.batch_alter_table('coverages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coverages_payer_id'))
        batch_op.drop_index(batch_op.f('ix_coverages_patient_id'))

    op.drop_table('coverages')
    op.drop_table('providers')
    op.drop_table('payers')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index('ix_patients_name_dob')
        batch_op.drop_index(batch_op.f('ix_patients_date_of_birth'))

    op.drop_table('patients')
    op.drop_table('app_settings')
    
