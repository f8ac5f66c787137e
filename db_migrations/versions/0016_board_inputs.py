"""board inputs: each patient's day-independent practice-board inputs, derived with the usage

Revision ID: 0016_board_inputs
Revises: 0013_visit_history
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0016_board_inputs"
down_revision: str | Sequence[str] | None = "0013_visit_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Created empty; ptdesk fills it with the other derived rows right after the upgrade, inside
# the upgrade's transaction (storage/migrate.py, services.derived_usage).
rebuilds_derived_usage = True


def upgrade() -> None:
    op.create_table(
        "board_inputs",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_board_inputs_patient_id_patients"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_board_inputs")),
    )


def downgrade() -> None:
    # Every row is derived (rebuilt from visits, authorizations and coverages on the next
    # upgrade), so dropping the table loses nothing typed.
    op.drop_table("board_inputs")
