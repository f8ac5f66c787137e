"""A patient's insurance: which payer, in what order, and the plan's money and visit limits."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptdesk.storage.base import Base
from ptdesk.storage.models.clinic import Payer
from ptdesk.storage.types import BasisPoints, Cents


class Coverage(Base):
    __tablename__ = "coverages"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 3", name="priority_range"),
        CheckConstraint("end_date IS NULL OR end_date >= effective_date", name="dates_order"),
        CheckConstraint("plan_year_start_month BETWEEN 1 AND 12", name="plan_year_month"),
        CheckConstraint("plan_year_start_day BETWEEN 1 AND 31", name="plan_year_day"),
        CheckConstraint("visits_used_elsewhere >= 0", name="visits_elsewhere_nonneg"),
        CheckConstraint(
            "coinsurance_bp IS NULL OR (coinsurance_bp >= 0 AND coinsurance_bp <= 10000)",
            name="coinsurance_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"), index=True)
    # 1 = primary, 2 = secondary, 3 = tertiary
    priority: Mapped[int] = mapped_column(SmallInteger, default=1)
    member_id: Mapped[str] = mapped_column(String(40))
    group_id: Mapped[str] = mapped_column(String(40), default="", server_default="")
    subscriber_name: Mapped[str] = mapped_column(String(160), default="", server_default="")
    effective_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    # The plan year restarts every year on this month/day (1/1 for calendar-year plans).
    plan_year_start_month: Mapped[int] = mapped_column(SmallInteger, default=1)
    plan_year_start_day: Mapped[int] = mapped_column(SmallInteger, default=1)
    visit_limit_per_year: Mapped[int | None] = mapped_column(Integer)
    # Visits the patient used at other clinics this plan year, as the payer reported it.
    visits_used_elsewhere: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    visits_used_elsewhere_as_of: Mapped[date | None] = mapped_column(Date)
    deductible: Mapped[Decimal | None] = mapped_column(Cents)
    deductible_met: Mapped[Decimal | None] = mapped_column(Cents)
    copay: Mapped[Decimal | None] = mapped_column(Cents)
    coinsurance_pct: Mapped[Decimal | None] = mapped_column("coinsurance_bp", BasisPoints)
    oop_max: Mapped[Decimal | None] = mapped_column(Cents)
    oop_met: Mapped[Decimal | None] = mapped_column(Cents)
    # Medicare: PT+SLP allowed amounts from other providers this calendar year (HETS/portal).
    therapy_amount_elsewhere: Mapped[Decimal | None] = mapped_column(Cents)
    therapy_amount_elsewhere_year: Mapped[int | None] = mapped_column(SmallInteger)
    benefits_verified_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    payer: Mapped[Payer] = relationship(lazy="joined")
