"""visits.outside_reason: a visit booked outside the authorization or plan-year limit

Revision ID: 0012_booking_outside
Revises: 0009_checkin
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_booking_outside"
down_revision: str | Sequence[str] | None = "0009_checkin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch rebuild on SQLite, so no cascade into service_lines).
    op.add_column("visits", sa.Column("outside_reason", sa.String(length=200),
                                      server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("visits", recreate="never") as batch_op:
        batch_op.drop_column("outside_reason")
