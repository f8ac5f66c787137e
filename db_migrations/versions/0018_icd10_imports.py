"""imported ICD-10-CM code sets (issue 10 item 3: `ptdesk rules import` of CMS's yearly file)

Revision ID: 0018_icd10_imports
Revises: 0017_sign_in_lockout
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ptdesk.storage.migration_guard import refuse_if_rows

revision: str = "0018_icd10_imports"
down_revision: str | Sequence[str] | None = "0017_sign_in_lockout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table only: rule_imports keeps its rows ("icd10cm" fits its kind column).
    op.create_table(
        "imported_icd10_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("description", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["rule_imports.id"],
                                name=op.f("fk_imported_icd10_codes_import_id_rule_imports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_icd10_codes")),
        sa.UniqueConstraint("import_id", "code",
                            name=op.f("uq_imported_icd10_codes_import_id_code")),
    )


def downgrade() -> None:
    # An imported code set is the clinic's data: keep it or refuse (visits' diagnoses were
    # checked against it).
    conn = op.get_bind()
    refuse_if_rows(conn, ["imported_icd10_codes"], revision)
    op.drop_table("imported_icd10_codes")
