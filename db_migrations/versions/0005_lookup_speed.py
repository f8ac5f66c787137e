"""patient sort name and covering search index

Revision ID: 0005_lookup_speed
Revises: 0004_derived_usage
Create Date: 2026-11-24 15:18:53.227903
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ptdesk.storage.migration_guard import foreign_keys_off


revision: str = "0005_lookup_speed"
down_revision: str | Sequence[str] | None = "0004_derived_usage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    foreign_keys_off(op.get_bind(), ["patients"])  # the batch rebuild of patients below

    with op.batch_alter_table("patient_search_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_search_terms_kind_term"))
        batch_op.create_index(
            "ix_patient_search_terms_kind_term_patient",
            ["kind", "term", "patient_id"],
            unique=False,
        )

    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "sort_name",
                sa.String(length=160).with_variant(
                    sa.String(length=160, collation="C"), "postgresql"
                ),
                server_default="",
                nullable=False,
            )
        )
        batch_op.create_index("ix_patients_sort_name_id", ["sort_name", "id"], unique=False)

    _backfill_sort_names()


def _key(text: str) -> str:
    # A frozen copy of domain.search_keys.name_key as of this revision: a migration must keep
    # meaning the same thing even if the application's rule changes later.
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "", folded)


def _backfill_sort_names() -> None:
    conn = op.get_bind()
    patients = sa.table(
        "patients",
        sa.column("id"),
        sa.column("last_name"),
        sa.column("first_name"),
        sa.column("sort_name"),
    )
    rows = conn.execute(sa.select(patients.c.id, patients.c.last_name, patients.c.first_name))
    updates = [
        {"pid": pid, "name": f"{_key(last)} {_key(first)}"[:160]} for pid, last, first in rows
    ]
    for start in range(0, len(updates), 1000):
        conn.execute(
            patients.update()
            .where(patients.c.id == sa.bindparam("pid"))
            .values(sort_name=sa.bindparam("name")),
            updates[start : start + 1000],
        )


def downgrade() -> None:
    foreign_keys_off(op.get_bind(), ["patients"])  # the batch rebuild of patients below

    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index("ix_patients_sort_name_id")
        batch_op.drop_column("sort_name")

    with op.batch_alter_table("patient_search_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_patient_search_terms_kind_term_patient")
        batch_op.create_index(
            batch_op.f("ix_patient_search_terms_kind_term"), ["kind", "term"], unique=False
        )
