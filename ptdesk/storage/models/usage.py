"""Derived usage: what each authorization, plan year and calendar year has used, per patient.

Like `visits.authorization_id`, every row here is DERIVED, never typed: the authorizations
service rewrites a patient's rows with `domain.visit_allocation.allocate` in the same
transaction as any change to the patient's visits or authorizations. They are the GROUP BY of
the allocation, stored, so the practice board reads one row per authorization instead of
counting 2,000,000 visits and their service lines on every refresh (the board's 100 ms target).
`patient_changes` records which patients changed at which change-counter value, so a board that
is already open refreshes only those.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ptdesk.storage.base import Base
from ptdesk.storage.types import Cents


class AuthorizationUsage(Base):
    """Per authorization (or units pool of one code): used and booked, from the allocation."""

    __tablename__ = "authorization_usage"

    authorization_id: Mapped[int] = mapped_column(
        ForeignKey("authorizations.id", ondelete="CASCADE"), primary_key=True
    )
    pool_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    used: Mapped[int] = mapped_column(Integer)  # not including the carried-in count
    booked: Mapped[int] = mapped_column(Integer)
    last_booked: Mapped[date | None] = mapped_column(Date)
    first_booked_over: Mapped[date | None] = mapped_column(Date)


class CoverageUsage(Base):
    """Per coverage: booked visits no authorization covers (for 'no authorization' checks)."""

    __tablename__ = "coverage_usage"

    coverage_id: Mapped[int] = mapped_column(
        ForeignKey("coverages.id", ondelete="CASCADE"), primary_key=True
    )
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    uncovered_booked: Mapped[int] = mapped_column(Integer)
    first_uncovered: Mapped[date | None] = mapped_column(Date)


class PeriodUsage(Base):
    """Per coverage and period: visits of a plan year (`kind` 'plan', keyed by the plan year's
    start under the coverage's plan-year start when written) and PT+SLP allowed amounts of a
    calendar year (`kind` 'year', keyed by Jan 1), for visit limits and Medicare KX."""

    __tablename__ = "period_usage"

    coverage_id: Mapped[int] = mapped_column(
        ForeignKey("coverages.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(4), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    used: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer)
    last_booked: Mapped[date | None] = mapped_column(Date)
    allowed_amount: Mapped[Decimal] = mapped_column(Cents)


class PatientChange(Base):
    """The change-counter value at a patient's last authorization/visit change."""

    __tablename__ = "patient_changes"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, index=True)


class BoardInputs(Base):
    """Per patient: what the practice board needs of the patient that does not depend on the day
    (the coverages, the authorizations not ended with their codes and usage counts, the
    coverage and period counts), as one compact JSON text written with the usage rows above
    (`services.authorizations.board_inputs`), so the board reads one row per patient instead
    of joining six tables and converting ~60,000 rows. DERIVED like the rows above:
    rewritten under the patient's lock in the same transaction, and rebuilt with them after
    an upgrade."""

    __tablename__ = "board_inputs"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True
    )
    inputs: Mapped[str] = mapped_column(Text)
