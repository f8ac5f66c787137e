"""The people who use ptdesk and the trail of what they did (ONC 170.315(d)(1)-(d)(3))."""

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ptdesk.storage.base import Base
from ptdesk.storage.types import Instant


class User(Base):
    """A person who signs in. Secrets are argon2 hashes only (never logged, never audited)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    roles: Mapped[str] = mapped_column(String(120))  # comma-separated domain Role values
    password_hash: Mapped[str] = mapped_column(String(200))
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Failed sign-in lockout (storage/sign_in_attempts.py): wrong passwords or PINs in a row,
    # and until when the account is refused. Written only by atomic UPDATEs, never the ORM.
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(Instant)
    created_at: Mapped[datetime] = mapped_column(Instant, server_default=func.current_timestamp())


class AuditEntry(Base):
    """One thing someone did. Append-only: the database refuses UPDATE and DELETE (triggers
    in migration 0011) and each entry carries the hash of the one before it, so an edited or
    removed entry breaks the chain (`ptdesk verify-audit`).

    No foreign keys: the trail outlives the rows it speaks of.
    """

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Instant, index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(20), index=True)
    table_name: Mapped[str | None] = mapped_column(String(60))
    row_id: Mapped[str | None] = mapped_column(String(40))
    patient_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[str | None] = mapped_column(Text)  # canonical JSON of the changed columns
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
