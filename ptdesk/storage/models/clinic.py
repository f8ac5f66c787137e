"""The clinic's own people and the payers it bills."""

from sqlalchemy import Boolean, CheckConstraint, Integer, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column

from ptdesk.domain.payers import PayerKind, ProviderRole, UnitMethod
from ptdesk.storage.base import Base
from ptdesk.storage.types import str_enum


class Provider(Base):
    __tablename__ = "providers"
    __table_args__ = (CheckConstraint("npi IS NULL OR length(npi) = 10", name="npi_ten_digits"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    credentials: Mapped[str] = mapped_column(String(40), default="", server_default="")
    npi: Mapped[str | None] = mapped_column(String(10), unique=True)
    role: Mapped[ProviderRole] = mapped_column(str_enum(ProviderRole, "provider_role"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Payer(Base):
    __tablename__ = "payers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[PayerKind] = mapped_column(str_enum(PayerKind, "payer_kind"))
    unit_method: Mapped[UnitMethod] = mapped_column(str_enum(UnitMethod, "unit_method"))
    requires_prior_auth: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    portal_url: Mapped[str] = mapped_column(String(300), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # How long the payer takes to decide a prior-authorization request; NULL = the CMS-0057-F
    # default (7 calendar days standard, 72 hours expedited; shared/rules/pt-rules.md G1).
    decision_days_standard: Mapped[int | None] = mapped_column(Integer)
    decision_hours_expedited: Mapped[int | None] = mapped_column(Integer)
    # Apply Medicare's plan-of-care rules (pt-rules F) to this payer too; Medicare always has
    # them. Off by default (issue 10).
    plan_of_care_rules: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AppSetting(Base):
    """Clinic-wide configuration that must travel with the data (not look-and-feel)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
