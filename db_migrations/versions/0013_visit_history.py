"""visit corrections, diagnoses, re-evaluation reason, session overrides (issue 10 items 3, 5)

Revision ID: 0013_visit_history
Revises: 0012_booking_outside
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ptdesk.storage.migration_guard import MigrationRefused, refuse_if_rows

revision: str = "0013_visit_history"
down_revision: str | Sequence[str] | None = "0012_booking_outside"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # visits has children (service_lines, overrides): a plain ALTER TABLE ADD, never a batch
    # rebuild on SQLite (a rebuild would cascade-delete them, STACK.md §10).
    op.add_column("visits", sa.Column("reeval_reason", sa.String(length=40), server_default="",
                                      nullable=False))
    op.create_table(
        "visit_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("why", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"],
                                name=op.f("fk_visit_versions_visit_id_visits"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_versions")),
    )
    op.create_index("uq_visit_versions_visit_number", "visit_versions", ["visit_id", "number"],
                    unique=True)
    op.create_table(
        "visit_diagnoses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"],
                                name=op.f("fk_visit_diagnoses_visit_id_visits"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_diagnoses")),
    )
    op.create_index("uq_visit_diagnoses_visit_position", "visit_diagnoses",
                    ["visit_id", "position"], unique=True)
    # The override kind gains "session": visit_overrides has no children, so the SQLite batch
    # rebuild is safe; on PostgreSQL batch mode alters in place.
    with op.batch_alter_table("visit_overrides", recreate="auto") as batch:
        batch.drop_constraint(op.f("ck_visit_overrides_override_kind"), type_="check")
        batch.create_check_constraint("override_kind", sa.text("kind IN ('check_in', 'session')"))


def downgrade() -> None:
    # Keep the data or refuse: corrections' earlier versions, diagnoses, session overrides and
    # re-evaluation reasons would be lost.
    conn = op.get_bind()
    refuse_if_rows(conn, ["visit_versions", "visit_diagnoses"], revision)
    if conn.execute(sa.text("SELECT 1 FROM visit_overrides WHERE kind = 'session' UNION ALL "
                            "SELECT 1 FROM visits WHERE reeval_reason <> ''")).first():
        raise MigrationRefused(
            f"Downgrading below {revision} would lose session overrides or re-evaluation "
            "reasons. Nothing was changed. Restore the backup taken before the upgrade instead.")
    with op.batch_alter_table("visit_overrides", recreate="auto") as batch:
        batch.drop_constraint(op.f("ck_visit_overrides_override_kind"), type_="check")
        batch.create_check_constraint("override_kind", sa.text("kind IN ('check_in')"))
    op.drop_index("uq_visit_diagnoses_visit_position", table_name="visit_diagnoses")
    op.drop_table("visit_diagnoses")
    op.drop_index("uq_visit_versions_visit_number", table_name="visit_versions")
    op.drop_table("visit_versions")
    op.drop_column("visits", "reeval_reason")  # SQLite >= 3.35: no table rebuild
