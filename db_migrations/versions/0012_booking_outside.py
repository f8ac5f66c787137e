"""visits.outside_reason: a visit booked outside the authorization or plan-year limit

Revision ID: 0012_booking_outside
Revises: 0011_accounts_audit
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ptdesk.storage.migration_guard import MigrationRefused

revision: str = "0012_booking_outside"
down_revision: str | Sequence[str] | None = "0011_accounts_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch rebuild on SQLite, so no cascade into service_lines).
    op.add_column("visits", sa.Column("outside_reason", sa.String(length=200),
                                      server_default="", nullable=False))


def downgrade() -> None:
    # Keep the data or refuse: a visit booked outside its authorization would lose its mark.
    if op.get_bind().execute(sa.text(
            "SELECT 1 FROM visits WHERE outside_reason IS NOT NULL AND outside_reason <> ''")
            ).first():
        raise MigrationRefused(
            f"Downgrading below {revision} would forget which visits were booked outside their "
            "authorization. Nothing was changed. Restore the backup taken before the upgrade "
            "instead.")
    with op.batch_alter_table("visits", recreate="never") as batch_op:
        batch_op.drop_column("outside_reason")
