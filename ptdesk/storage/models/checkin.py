"""What issue 10 keeps: a stop overridden at check-in (with the visit), and plans of care."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ptdesk.domain.overrides import OverrideKind, OverrideReason
from ptdesk.storage.base import Base, Timestamps
from ptdesk.storage.types import Instant, str_enum


class VisitOverride(Base):
    """A decision a person overrode for one visit (one per visit and kind).

    `at` is stored in UTC (timestamptz on PostgreSQL; SQLite keeps the naive UTC value): the
    services convert the desk's aware clock to UTC on write and back on read.
    """

    __tablename__ = "visit_overrides"
    __table_args__ = (
        Index("ix_visit_overrides_at", "at"),
        Index("uq_visit_overrides_visit_kind", "visit_id", "kind", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    kind: Mapped[OverrideKind] = mapped_column(str_enum(OverrideKind, "override_kind"))
    reason: Mapped[OverrideReason] = mapped_column(str_enum(OverrideReason, "override_reason"))
    detail: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Who: initials or a name typed at the desk until ptdesk has accounts (then the user).
    by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(Instant)  # aware; UTC in the database
    # The stop rule ids overridden ("stop.auth_expired stop.limit_reached") and their words.
    rules: Mapped[str] = mapped_column(String(200), default="", server_default="")
    words: Mapped[str] = mapped_column(Text, default="", server_default="")


class PlanOfCareRecord(Timestamps, Base):
    """One certification period of a patient's plan of care (pt-rules F)."""

    __tablename__ = "plans_of_care"
    __table_args__ = (
        CheckConstraint("plan_end >= plan_date", name="dates_order"),
        Index("ix_plans_of_care_patient_first_visit", "patient_id", "first_visit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    coverage_id: Mapped[int | None] = mapped_column(
        ForeignKey("coverages.id", ondelete="SET NULL"))
    first_visit: Mapped[date] = mapped_column(Date)
    plan_date: Mapped[date] = mapped_column(Date)
    plan_end: Mapped[date] = mapped_column(Date)
    certifier: Mapped[str] = mapped_column(String(120), default="", server_default="")
    sent_on: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    verbal_order_on: Mapped[date | None] = mapped_column(Date)
    last_progress_report_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
