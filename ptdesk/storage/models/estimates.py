"""What the documents need from the clinic, and every cost estimate given to a patient."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ptdesk.storage.base import Base
from ptdesk.storage.types import Cents, Instant


class ClinicDetails(Base):
    """One row (id 1): the convening provider on every estimate and Good Faith Estimate."""

    __tablename__ = "clinic_details"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("npi = '' OR length(npi) = 10", name="npi_ten_digits"),
        CheckConstraint("tin = '' OR length(tin) = 9", name="tin_nine_digits"),
        CheckConstraint("locality_factor_e4 > 0", name="locality_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), default="")
    address_line1: Mapped[str] = mapped_column(String(160), default="")
    address_line2: Mapped[str] = mapped_column(String(160), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    npi: Mapped[str] = mapped_column(String(10), default="")
    tin: Mapped[str] = mapped_column(String(9), default="")
    # The clinic's multiplier on the national non-facility amounts (GPCI, participation),
    # as ten-thousandths: 10000 = 1.0000.
    locality_factor_e4: Mapped[int] = mapped_column(Integer, default=10000)
    # Days the clinic is closed besides weekends and federal holidays: ISO dates, one a line.
    closed_dates: Mapped[str] = mapped_column(Text, default="")


class PatientEstimate(Base):
    """An estimate as given: its inputs (the scenario JSON the engine reads) reprint it
    exactly; the totals are kept to compare with what was billed later."""

    __tablename__ = "patient_estimates"
    __table_args__ = (Index("ix_patient_estimates_patient_created", "patient_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(Instant)  # aware; UTC in the database
    given_on: Mapped[date] = mapped_column(Date)
    prepared_by: Mapped[str] = mapped_column(String(120), default="")
    # "estimate" or "gfe" (a Good Faith Estimate, for an uninsured or self-pay patient)
    kind: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2))
    payer_type: Mapped[str] = mapped_column(String(24))
    first_visit: Mapped[date] = mapped_column(Date)
    visit_count: Mapped[int] = mapped_column(Integer)
    inputs_json: Mapped[str] = mapped_column(Text)
    total_allowed: Mapped[Decimal] = mapped_column(Cents)
    total_insurance: Mapped[Decimal] = mapped_column(Cents)
    total_patient: Mapped[Decimal] = mapped_column(Cents)
