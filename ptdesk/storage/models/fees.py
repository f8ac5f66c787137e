"""Fee schedules: allowed amounts per code and year, for one payer or the clinic default."""

from decimal import Decimal

from sqlalchemy import ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptdesk.storage.base import Base
from ptdesk.storage.types import Cents


class FeeSchedule(Base):
    __tablename__ = "fee_schedules"
    __table_args__ = (UniqueConstraint("payer_id", "year", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None = the clinic's default schedule (used when a payer has none of its own).
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # (the service checks the value: a CHECK would make SQLite rebuild the table)
    # "allowed" = what the payer (or, payer_id None, any payer without its own) allows;
    # "self_pay" = the clinic's cash price list (payer_id None).
    kind: Mapped[str] = mapped_column(String(10), default="allowed", server_default="allowed")

    entries: Mapped[list["FeeScheduleEntry"]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan"
    )


class FeeScheduleEntry(Base):
    __tablename__ = "fee_schedule_entries"
    __table_args__ = (UniqueConstraint("schedule_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("fee_schedules.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(10))
    allowed_amount: Mapped[Decimal] = mapped_column(Cents)

    schedule: Mapped[FeeSchedule] = relationship(back_populates="entries")
