"""One rounding rule for the project: half-up to the cent."""

from decimal import Decimal

import pytest

from ptdesk.domain.money import from_cents, round_cents, to_cents


@pytest.mark.parametrize(("value", "expected"), [
    ("2.675", "2.68"),
    ("2.665", "2.67"),  # half-even gives 2.66
    ("0.005", "0.01"),
    ("-0.005", "-0.01"),  # away from zero
    ("4.545", "4.55"),
    ("1.994", "1.99"),
    ("10", "10.00"),
])
def test_round_cents_is_half_up(value: str, expected: str) -> None:
    assert str(round_cents(Decimal(value))) == expected


def test_cents_round_trip() -> None:
    assert to_cents(Decimal("29.065")) == 2907
    assert from_cents(2907) == Decimal("29.07")
    assert str(from_cents(0)) == "0.00"
