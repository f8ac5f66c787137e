"""Extension (renewal) requests sent to payers, and what the payer decided."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ptdesk.domain.renewal import RequestMethod, RequestStatus, Urgency
from ptdesk.storage.base import Base, Timestamps
from ptdesk.storage.types import Instant, str_enum


class AuthorizationRequest(Timestamps, Base):
    __tablename__ = "authorization_requests"
    __table_args__ = (
        CheckConstraint("visits_requested >= 0", name="visits_requested_nonneg"),
        CheckConstraint("visits_approved >= 0", name="visits_approved_nonneg"),
        CheckConstraint(
            "end_requested IS NULL OR start_requested IS NULL OR end_requested >= start_requested",
            name="requested_dates_order",
        ),
        CheckConstraint(
            "end_approved IS NULL OR start_approved IS NULL OR end_approved >= start_approved",
            name="approved_dates_order",
        ),
        Index("ix_authorization_requests_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coverage_id: Mapped[int] = mapped_column(
        ForeignKey("coverages.id", ondelete="CASCADE"), index=True
    )
    # The authorization this request would extend; None when it asks for a new one.
    authorization_id: Mapped[int | None] = mapped_column(
        ForeignKey("authorizations.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus, "request_status"), default=RequestStatus.NOT_SENT
    )
    method: Mapped[RequestMethod] = mapped_column(
        str_enum(RequestMethod, "request_method"), default=RequestMethod.PORTAL
    )
    urgency: Mapped[Urgency] = mapped_column(
        str_enum(Urgency, "request_urgency"), default=Urgency.STANDARD
    )
    sent_at: Mapped[datetime | None] = mapped_column(Instant)
    visits_requested: Mapped[int] = mapped_column(Integer, default=0)
    start_requested: Mapped[date | None] = mapped_column(Date)
    end_requested: Mapped[date | None] = mapped_column(Date)
    codes_requested: Mapped[str] = mapped_column(String(200), default="", server_default="")
    clinical_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    appealed_at: Mapped[datetime | None] = mapped_column(Instant)
    visits_approved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    start_approved: Mapped[date | None] = mapped_column(Date)
    end_approved: Mapped[date | None] = mapped_column(Date)
    number_approved: Mapped[str] = mapped_column(String(40), default="", server_default="")
    denial_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The authorization the approval created or extended.
    resulting_authorization_id: Mapped[int | None] = mapped_column(
        ForeignKey("authorizations.id", ondelete="SET NULL")
    )
