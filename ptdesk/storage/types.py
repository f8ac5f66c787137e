"""Column types that keep money and moments in time exact on every database.

Money is `Decimal` in Python and integer cents in the database (docs/architecture.md §5):
SQLite has no decimal type, and `Numeric` on float-returning drivers loses precision.
Times are `Instant`: aware in Python, UTC in the database.
"""

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, Integer
from sqlalchemy.types import TypeDecorator

from ptdesk.domain.money import from_cents, to_cents


class _Hundredths(TypeDecorator[Decimal]):
    """A two-decimal `Decimal` in Python, an integer count of hundredths in the database."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return to_cents(Decimal(value))  # the project's one rule: half-up to the cent

    def process_result_value(self, value: Any | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_cents(int(value))


class Cents(_Hundredths):
    """A dollar amount as `Decimal` in Python, stored as an integer number of cents."""

    cache_ok = True


class BasisPoints(_Hundredths):
    """A percentage such as 20.00 (%), stored as integer hundredths of a percent (2000)."""

    cache_ok = True


class Instant(TypeDecorator[datetime]):
    """A moment in time: the one convention for every stored time.

    Python side: always timezone-aware (the app's clock, `app.clock.local_now`, is aware).
    Stored as UTC: SQLite keeps it as naive UTC text (as its CURRENT_TIMESTAMP does),
    PostgreSQL as `timestamptz`. Read back aware in the desk's local zone, whatever the
    backend or its session time zone, so it compares with the clock and reads as the desk
    entered it. A naive value is refused: it would be stored as a guess of its zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("A stored time needs its time zone (use the app clock's aware "
                             "time, not a naive datetime).")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect
                             ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: stored as UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone()


def str_enum(enum_cls: type[StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a named CHECK constraint, storing the values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls) + 4,
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )
