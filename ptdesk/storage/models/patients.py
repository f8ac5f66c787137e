"""Patients, and the search keys that make lookup instant on any database."""

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptdesk.storage.base import Base, Timestamps


class Patient(Timestamps, Base):
    __tablename__ = "patients"
    __table_args__ = (
        Index("ix_patients_name_dob", "last_name", "first_name", "date_of_birth"),
        Index("ix_patients_sort_name_id", "sort_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chart_number: Mapped[str] = mapped_column(String(20), unique=True)
    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    middle_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    preferred_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    # domain.search_keys.sort_name(last, first): written with the search terms, read for order.
    sort_name: Mapped[str] = mapped_column(
        String(160).with_variant(String(160, collation="C"), "postgresql"),
        default="",
        server_default="",
    )
    date_of_birth: Mapped[date] = mapped_column(Date, index=True)
    sex: Mapped[str] = mapped_column(String(1), default="U", server_default="U")
    phone_mobile: Mapped[str] = mapped_column(String(30), default="", server_default="")
    phone_home: Mapped[str] = mapped_column(String(30), default="", server_default="")
    email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    address_line1: Mapped[str] = mapped_column(String(120), default="", server_default="")
    address_line2: Mapped[str] = mapped_column(String(120), default="", server_default="")
    city: Mapped[str] = mapped_column(String(80), default="", server_default="")
    state: Mapped[str] = mapped_column(String(2), default="", server_default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    search_terms: Mapped[list["PatientSearchTerm"]] = relationship(
        back_populates="patient", cascade="all, delete-orphan"
    )


class PatientSearchTerm(Base):
    """One normalised key a patient can be found by (name prefix, phone digits, member id...).

    Lookup is a range scan `term >= 'smi' AND term < 'smj'` on one index, which is the same fast
    plan on SQLite and PostgreSQL, unlike LIKE with collations. Rows are rewritten by the
    patients service whenever a patient or coverage changes, never by hand.
    """

    __tablename__ = "patient_search_terms"
    # patient_id in the index makes the range scan covering: no table row is read per match.
    __table_args__ = (
        Index("ix_patient_search_terms_kind_term_patient", "kind", "term", "patient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    # "name", "phone", "phone_rev" (digits reversed: finds the last four), "chart", "member"
    kind: Mapped[str] = mapped_column(String(10))
    # Byte order on PostgreSQL too, so the range scan means the same on every server locale.
    term: Mapped[str] = mapped_column(
        String(80).with_variant(String(80, collation="C"), "postgresql")
    )

    patient: Mapped[Patient] = relationship(back_populates="search_terms")
