"""Checks on the identifiers a Good Faith Estimate prints (45 CFR 149.610(c)(1)(v)).

NPI: 10 digits whose last is a Luhn check digit computed over "80840" + the first nine (CMS,
"Requirements for National Provider Identifier Check Digit Algorithm", the ISO 7812 prefix
80840 for US health applications). TIN (an EIN or SSN): 9 digits; "12-3456789" is accepted
and kept as digits only.
"""

import re
from decimal import Decimal, InvalidOperation

LOCALITY_MIN = Decimal("0.5")
LOCALITY_MAX = Decimal("2.0")


def npi_check_digit(first_nine: str) -> int:
    total = 0
    for i, c in enumerate(reversed("80840" + first_nine)):
        d = int(c)
        if i % 2 == 0:  # every second digit from the right of the 14, starting with the last
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_problem(npi: str) -> str | None:
    """None when `npi` is a valid NPI (or empty: not entered yet), else what is wrong."""
    if not npi:
        return None
    if not re.fullmatch(r"\d{10}", npi):
        return "An NPI is 10 digits."
    if npi_check_digit(npi[:9]) != int(npi[9]):
        return "This NPI's check digit is wrong: a digit is mistyped."
    return None


def clean_tin(text: str) -> str:
    return re.sub(r"[\s-]", "", text)


def tin_problem(tin: str) -> str | None:
    if tin and not re.fullmatch(r"\d{9}", tin):
        return "A TIN (EIN) is 9 digits, e.g. 12-3456789."
    return None


def parse_locality(text: str) -> tuple[Decimal | None, str | None]:
    """The locality factor the clinic applies to the national amounts, e.g. 1.0425."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None, "Enter a number such as 1.0000 (1 = the national amount)."
    if not value.is_finite() or value.as_tuple().exponent < -4:  # type: ignore[operator]
        return None, "At most 4 decimals, e.g. 1.0425."
    if not LOCALITY_MIN <= value <= LOCALITY_MAX:
        return None, f"Between {LOCALITY_MIN} and {LOCALITY_MAX} (1 = the national amount)."
    return value, None
