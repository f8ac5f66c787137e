"""clinic details, stored patient estimates, self-pay fee schedules

Revision ID: 0008_estimates_desk
Revises: 0006_times_utc
Create Date: 2026-12-01 04:14:26.384813
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ptdesk.storage.migration_guard import MigrationRefused, foreign_keys_off, refuse_if_rows


revision: str = "0008_estimates_desk"
down_revision: str | Sequence[str] | None = "0006_times_utc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clinic_details",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("address_line1", sa.String(length=160), nullable=False),
        sa.Column("address_line2", sa.String(length=160), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("tin", sa.String(length=9), nullable=False),
        sa.Column("locality_factor_e4", sa.Integer(), nullable=False),
        sa.Column("closed_dates", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "npi = '' OR length(npi) = 10", name=op.f("ck_clinic_details_npi_ten_digits")
        ),
        sa.CheckConstraint(
            "tin = '' OR length(tin) = 9", name=op.f("ck_clinic_details_tin_nine_digits")
        ),
        sa.CheckConstraint("id = 1", name=op.f("ck_clinic_details_single_row")),
        sa.CheckConstraint(
            "locality_factor_e4 > 0", name=op.f("ck_clinic_details_locality_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_details")),
    )
    op.create_table(
        "patient_estimates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("prepared_by", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("payer_type", sa.String(length=24), nullable=False),
        sa.Column("first_visit", sa.Date(), nullable=False),
        sa.Column("visit_count", sa.Integer(), nullable=False),
        sa.Column("inputs_json", sa.Text(), nullable=False),
        sa.Column("total_allowed", sa.Integer(), nullable=False),
        sa.Column("total_insurance", sa.Integer(), nullable=False),
        sa.Column("total_patient", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_patient_estimates_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_estimates")),
    )
    with op.batch_alter_table("patient_estimates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_patient_estimates_patient_created", ["patient_id", "created_at"], unique=False
        )

    with op.batch_alter_table("fee_schedules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), server_default="allowed", nullable=False)
        )


def downgrade() -> None:
    # Keep the data or refuse: estimates given, the clinic's details and self-pay price lists
    # (which would turn into allowed amounts without their `kind`) would be lost.
    conn = op.get_bind()
    refuse_if_rows(conn, ["patient_estimates", "clinic_details"], revision)
    if conn.execute(sa.text("SELECT 1 FROM fee_schedules WHERE kind <> 'allowed'")).first():
        raise MigrationRefused(
            f"Downgrading below {revision} would mix the self-pay prices into the allowed "
            "amounts. Nothing was changed. Restore the backup taken before the upgrade instead.")
    foreign_keys_off(conn, ["fee_schedules"])
    with op.batch_alter_table("fee_schedules", schema=None) as batch_op:
        batch_op.drop_column("kind")

    with op.batch_alter_table("patient_estimates", schema=None) as batch_op:
        batch_op.drop_index("ix_patient_estimates_patient_created")

    op.drop_table("patient_estimates")
    op.drop_table("clinic_details")
