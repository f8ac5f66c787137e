"""Authorizations: what the payer approved, for which dates and codes."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.authorization import AuthState
from ptdesk.storage.base import Base
from ptdesk.storage.types import Instant, str_enum

# The stored state is the domain's own enum (active / pending placeholder / ended early).
AuthorizationState = AuthState


class Authorization(Base):
    __tablename__ = "authorizations"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_order"),
        CheckConstraint("authorized >= 0", name="authorized_nonneg"),
        CheckConstraint("used_before_ptdesk >= 0", name="carry_in_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coverage_id: Mapped[int] = mapped_column(
        ForeignKey("coverages.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    state: Mapped[AuthorizationState] = mapped_column(
        str_enum(AuthorizationState, "authorization_state"), default=AuthorizationState.ACTIVE
    )
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    counts: Mapped[AuthUnit] = mapped_column(
        str_enum(AuthUnit, "auth_unit"), default=AuthUnit.VISITS
    )
    # Visits (or units, when `counts` is units) the payer approved.
    authorized: Mapped[int] = mapped_column(Integer)
    # Visits already used under this authorization before the clinic started using ptdesk.
    used_before_ptdesk: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(
        Instant, server_default=func.current_timestamp()
    )

    codes: Mapped[list["AuthorizationCode"]] = relationship(
        back_populates="authorization", cascade="all, delete-orphan", lazy="selectin"
    )


class AuthorizationCode(Base):
    """A code the authorization names; for unit-counted authorizations, its approved units."""

    __tablename__ = "authorization_codes"
    __table_args__ = (UniqueConstraint("authorization_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authorization_id: Mapped[int] = mapped_column(
        ForeignKey("authorizations.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(10))
    authorized_units: Mapped[int | None] = mapped_column(Integer)

    authorization: Mapped[Authorization] = relationship(back_populates="codes")
