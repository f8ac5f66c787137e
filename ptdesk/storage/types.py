"""Column types that keep money exact on every database.

Money is `Decimal` in Python and integer cents in the database (docs/architecture.md §5):
SQLite has no decimal type, and `Numeric` on float-returning drivers loses precision.
"""

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Dialect, Enum, Integer
from sqlalchemy.types import TypeDecorator

_CENT = Decimal("0.01")


class _Hundredths(TypeDecorator[Decimal]):
    """A two-decimal `Decimal` in Python, an integer count of hundredths in the database."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def process_result_value(self, value: Any | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(_CENT)


class Cents(_Hundredths):
    """A dollar amount as `Decimal` in Python, stored as an integer number of cents."""

    cache_ok = True


class BasisPoints(_Hundredths):
    """A percentage such as 20.00 (%), stored as integer hundredths of a percent (2000)."""

    cache_ok = True


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
