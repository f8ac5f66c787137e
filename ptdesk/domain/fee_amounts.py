"""An amount typed in a fee schedule (or read from a CSV file): dollars and cents, never
negative, with "$" and thousands separators tolerated."""

from decimal import Decimal, InvalidOperation

MAX_AMOUNT = Decimal("99999.99")


def parse_amount(text: str) -> tuple[Decimal | None, str | None]:
    t = text.strip().replace("$", "").replace(",", "")
    if not t:
        return None, "no amount"
    try:
        value = Decimal(t)
    except InvalidOperation:
        return None, f"amount {text.strip()!r} is not a number"
    if not value.is_finite():
        return None, f"amount {text.strip()!r} is not a number"
    if value < 0:
        return None, "the amount is negative"
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        return None, "more than two decimals (cents)"
    if value > MAX_AMOUNT:
        return None, f"over ${MAX_AMOUNT:,}"
    return value.quantize(Decimal("0.01")), None
