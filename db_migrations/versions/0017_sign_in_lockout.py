"""users.failed_attempts and users.locked_until: the failed sign-in lockout (issue 12)

Revision ID: 0017_sign_in_lockout
Revises: 0016_board_inputs
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ptdesk.storage.migration_guard import MigrationRefused
from ptdesk.storage.types import Instant

revision: str = "0017_sign_in_lockout"
down_revision: str | Sequence[str] | None = "0016_board_inputs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs: no batch rebuild on SQLite, nothing cascades.
    op.add_column("users", sa.Column("failed_attempts", sa.Integer(), server_default="0",
                                     nullable=False))
    op.add_column("users", sa.Column("locked_until", Instant(), nullable=True))


def downgrade() -> None:
    # Keep the data or refuse: an account locked after too many attempts would open again.
    if op.get_bind().execute(sa.text(
            "SELECT 1 FROM users WHERE locked_until IS NOT NULL")).first():
        raise MigrationRefused(
            f"Downgrading below {revision} would unlock the accounts locked after too many "
            "failed sign-ins. Nothing was changed. Unlock them on the Users page first, or "
            "restore the backup taken before the upgrade.")
    op.drop_column("users", "locked_until")  # SQLite >= 3.35: no table rebuild
    op.drop_column("users", "failed_attempts")
