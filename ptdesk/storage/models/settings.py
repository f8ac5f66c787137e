"""Clinic configuration that travels with the data: status bands, and change counters."""

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ptdesk.storage.base import Base
from ptdesk.storage.types import Cents


class StatusBandSetting(Base):
    """Where Red and Yellow start, and when to send a renewal: the clinic's defaults (payer_id
    NULL, at most one row, enforced by the service) or one payer's own."""

    __tablename__ = "status_band_settings"
    __table_args__ = (
        CheckConstraint("red_visits >= 0 AND yellow_visits >= red_visits", name="visits_bands"),
        CheckConstraint("red_days >= 0 AND yellow_days >= red_days", name="days_bands"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int | None] = mapped_column(
        ForeignKey("payers.id", ondelete="CASCADE"), unique=True
    )
    red_visits: Mapped[int] = mapped_column(Integer)
    yellow_visits: Mapped[int] = mapped_column(Integer)
    red_days: Mapped[int] = mapped_column(Integer)
    yellow_days: Mapped[int] = mapped_column(Integer)
    renew_at_visits: Mapped[int] = mapped_column(Integer)
    renew_late_below_visits: Mapped[int] = mapped_column(Integer)
    renew_days_before_end: Mapped[int] = mapped_column(Integer)
    kx_approaching_within: Mapped[Decimal] = mapped_column(Cents)


class ChangeCounter(Base):
    """A number bumped in the same transaction as a change, so every workstation can notice
    new visits or authorizations by reading one row instead of scanning tables."""

    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
