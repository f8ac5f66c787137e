"""imported CMS rule tables (MUE, NCCI PTP)

Revision ID: 0002_rule_tables
Revises: 0001_initial
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ptdesk.storage.migration_guard import refuse_if_rows

revision: str = "0002_rule_tables"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rule_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_kept", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_imports")),
    )
    with op.batch_alter_table("rule_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_imports_sha256"), ["sha256"], unique=False)

    op.create_table(
        "imported_mue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("limit_units", sa.Integer(), nullable=False),
        sa.Column("mai", sa.SmallInteger(), nullable=False),
        sa.Column("rationale", sa.String(length=200), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["rule_imports.id"],
            name=op.f("fk_imported_mue_import_id_rule_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_mue")),
        sa.UniqueConstraint("import_id", "code", name=op.f("uq_imported_mue_import_id_code")),
    )
    with op.batch_alter_table("imported_mue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imported_mue_import_id"), ["import_id"], unique=False)

    op.create_table(
        "imported_ptp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("column1", sa.String(length=10), nullable=False),
        sa.Column("column2", sa.String(length=10), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("deletion", sa.Date(), nullable=True),
        sa.Column("indicator", sa.SmallInteger(), nullable=False),
        sa.Column("rationale", sa.String(length=200), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["rule_imports.id"],
            name=op.f("fk_imported_ptp_import_id_rule_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_ptp")),
    )
    with op.batch_alter_table("imported_ptp", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imported_ptp_import_id"), ["import_id"], unique=False)


def downgrade() -> None:
    refuse_if_rows(op.get_bind(), ["rule_imports", "imported_mue", "imported_ptp"],
                   "0002_rule_tables")
    with op.batch_alter_table("imported_ptp", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imported_ptp_import_id"))
    op.drop_table("imported_ptp")
    with op.batch_alter_table("imported_mue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imported_mue_import_id"))
    op.drop_table("imported_mue")
    with op.batch_alter_table("rule_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_imports_sha256"))
    op.drop_table("rule_imports")
