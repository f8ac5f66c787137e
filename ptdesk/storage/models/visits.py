"""Visits (booked or done) and the service lines billed for them."""

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptdesk.domain.payers import VisitStatus
from ptdesk.storage.base import Base, Timestamps
from ptdesk.storage.types import Cents, Instant, str_enum


class Visit(Timestamps, Base):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_patient_date", "patient_id", "visit_date"),
        Index("ix_visits_coverage_status_date", "coverage_id", "status", "visit_date"),
        Index("ix_visits_date_status", "visit_date", "status"),
        Index("ix_visits_authorization_status", "authorization_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    # The coverage the visit is billed to; None for self-pay.
    coverage_id: Mapped[int | None] = mapped_column(ForeignKey("coverages.id", ondelete="SET NULL"))
    # The authorization this visit draws from. Derived, never typed: the authorizations service
    # rewrites it with domain.visit_allocation.allocate() whenever the patient's visits or
    # authorizations change, so the board can count with one GROUP BY.
    authorization_id: Mapped[int | None] = mapped_column(
        ForeignKey("authorizations.id", ondelete="SET NULL")
    )
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    assistant_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    visit_date: Mapped[date] = mapped_column(Date)
    scheduled_time: Mapped[time | None] = mapped_column(Time)
    status: Mapped[VisitStatus] = mapped_column(
        str_enum(VisitStatus, "visit_status"), default=VisitStatus.BOOKED
    )
    checked_in_at: Mapped[datetime | None] = mapped_column(Instant)
    void_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Booked although the authorization or plan-year limit will not cover it (issue 10 #2):
    # why, in the desk's words ("past the authorization's 12 visits"); "" = booked covered.
    outside_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Why a re-evaluation (97164) was done (pt-rules F4): one of domain.visit_history's reasons.
    reeval_reason: Mapped[str] = mapped_column(String(40), default="", server_default="")

    lines: Mapped[list["ServiceLine"]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        order_by="ServiceLine.line_no",
        lazy="selectin",
    )


class ServiceLine(Base):
    __tablename__ = "service_lines"
    __table_args__ = (
        CheckConstraint("minutes >= 0 AND minutes <= 1440", name="minutes_range"),
        CheckConstraint(
            "assistant_minutes >= 0 AND assistant_minutes <= minutes", name="assistant_minutes"
        ),
        CheckConstraint("units >= 0", name="units_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(SmallInteger)
    code: Mapped[str] = mapped_column(String(10), index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    # Minutes the assistant (PTA) furnished independently of the PT (CQ de minimis rule).
    assistant_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    units: Mapped[int] = mapped_column(Integer, default=0)
    # Space-separated, e.g. "GP KX".
    modifiers: Mapped[str] = mapped_column(String(40), default="", server_default="")
    allowed_amount: Mapped[Decimal | None] = mapped_column(Cents)

    visit: Mapped[Visit] = relationship(back_populates="lines")
