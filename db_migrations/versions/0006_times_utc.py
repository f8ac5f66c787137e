"""stored times in UTC on SQLite (storage.types.Instant)

Revision ID: 0006_times_utc
Revises: 0005_lookup_speed
Create Date: 2026-12-01 04:50:00

Until now SQLite kept the desk's aware times as their local wall-clock text (SQLAlchemy drops
the zone), while its CURRENT_TIMESTAMP defaults are UTC. `Instant` stores UTC everywhere:
move the desk-written columns from the local wall clock (the zone of the machine that runs
the upgrade, the clinic's) to UTC. PostgreSQL's timestamptz already holds instants: no change.
Data only; no schema change.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006_times_utc"
down_revision: str | Sequence[str] | None = "0005_lookup_speed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column) written from the desk's clock; created_at/updated_at were UTC already.
COLUMNS = (
    ("authorization_requests", "sent_at"),
    ("authorization_requests", "appealed_at"),
    ("visits", "checked_in_at"),
)  # rule_imports.imported_at: `ptdesk rules import` always wrote it as UTC
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite DATETIME text


def _shift(to_utc: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table, column in COLUMNS:
        rows = bind.execute(sa.text(
            f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")).all()
        for row_id, value in rows:
            at = datetime.fromisoformat(str(value))
            if to_utc:  # naive local wall clock -> naive UTC
                moved = at.astimezone(UTC).replace(tzinfo=None)
            else:  # naive UTC -> naive local wall clock
                moved = at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),
                         {"v": moved.strftime(_FORMAT), "id": row_id})


def upgrade() -> None:
    _shift(to_utc=True)


def downgrade() -> None:
    _shift(to_utc=False)
