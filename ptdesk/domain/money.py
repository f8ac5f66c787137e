"""Money rounding: ONE rule for the whole project.

Every amount ptdesk computes is rounded **half-up to the cent** (0.005 -> 0.01, 2.675 -> 2.68,
-0.005 -> -0.01: half away from zero, as a person rounds on paper and as payers' explanation of
benefits do). Python's `Decimal.quantize` without a rounding argument uses the context's
default, half-EVEN (2.675 -> 2.67), so calling it bare is a bug: call `round_cents` instead.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_cents(value: Decimal) -> Decimal:
    """`value` rounded half-up (away from zero) to two decimals."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal) -> int:
    """Whole cents, for the database (`storage.types.Cents`): rounded with the same rule."""
    return int(round_cents(value) * 100)


def from_cents(cents: int) -> Decimal:
    """Dollars with exactly two decimals from a whole number of cents."""
    return (Decimal(int(cents)) / 100).quantize(CENT)


def format_usd(value: Decimal) -> str:
    """"$1,250.50", "-$5.00": US dollars as a US patient reads them, in English and in Spanish
    alike (US Spanish writes dollars the same way). Python's "," format ignores the desktop's
    locale, so a German or Spanish desktop prints the same."""
    cents = round_cents(value)
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents):,.2f}"
