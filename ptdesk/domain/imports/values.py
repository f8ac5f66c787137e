"""Cell parsers for imported rows. Each raises `CellError` with words for the desk."""

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ptdesk.domain.search_keys import parse_date_of_birth


class CellError(ValueError):
    """One cell cannot be read; the message names the column and what is wrong."""


_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_US = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_YES = frozenset({"yes", "y", "true", "t", "1", "x", "active"})
_NO = frozenset({"no", "n", "false", "f", "0", "inactive", ""})
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)
_CODE = re.compile(r"[A-Za-z0-9]{5}")


@lru_cache(maxsize=65536)  # a file repeats its dates, times and lines
def day(text: str, column: str) -> date:
    """YYYY-MM-DD or MM/DD/YYYY, through the same parser as the lookup's dates of birth (four-
    digit years only: a two-digit year in a file is too easy to misread by a century)."""
    t = text.strip()
    if not (_ISO.match(t) or _US.match(t)):
        raise CellError(f"{column} '{t}' is not a date (YYYY-MM-DD or MM/DD/YYYY)")
    d = parse_date_of_birth(t, date(2000, 1, 1))
    if d is None:
        raise CellError(f"{column} '{t}' is not a real date")
    return d


def optional_day(text: str, column: str) -> date | None:
    return day(text, column) if text.strip() else None


def yes_no(text: str, column: str, default: bool) -> bool:
    t = text.strip().lower()
    if not t:
        return default
    if t in _YES:
        return True
    if t in _NO:
        return False
    raise CellError(f"{column} '{text.strip()}' is not yes or no")


def count(text: str, column: str) -> int | None:
    """A whole number of visits or units, never negative; empty = None."""
    t = text.strip().replace(",", "")
    if not t:
        return None
    try:
        n = int(t)
    except ValueError:
        raise CellError(f"{column} '{t}' is not a whole number") from None
    if n < 0:
        raise CellError(f"{column} {n} is negative")
    return n


def money(text: str, column: str) -> Decimal | None:
    """Dollars ("$1,250.50", "1250.5"); refused when negative or finer than a cent."""
    t = text.strip().replace("$", "").replace(",", "").strip()
    if not t:
        return None
    try:
        v = Decimal(t)
    except InvalidOperation:
        raise CellError(f"{column} '{text.strip()}' is not an amount in dollars") from None
    if not v.is_finite():
        raise CellError(f"{column} '{text.strip()}' is not an amount in dollars")
    if v < 0:
        raise CellError(f"{column} {text.strip()} is negative")
    if v != v.quantize(Decimal("0.01")):
        raise CellError(f"{column} {text.strip()} has fractions of a cent")
    return v.quantize(Decimal("0.01"))


def percent(text: str, column: str) -> Decimal | None:
    t = text.strip().rstrip("%").strip()
    v = money(t, column)
    if v is not None and v > 100:
        raise CellError(f"{column} {t} is above 100%")
    return v


def month_day(text: str, column: str) -> tuple[int, int] | None:
    """A plan-year start as MM-DD (also MM/DD); 02-29 is refused (not every year has it)."""
    t = text.strip()
    if not t:
        return None
    m = re.match(r"^(\d{1,2})[-/](\d{1,2})$", t)
    if m is None:
        raise CellError(f"{column} '{t}' is not a month and day (MM-DD)")
    month, dd = int(m[1]), int(m[2])
    try:
        date(2001, month, dd)
    except ValueError:
        raise CellError(f"{column} '{t}' is not a day of the year") from None
    return month, dd


@lru_cache(maxsize=65536)  # a file repeats its dates, times and lines
def clock(text: str, column: str) -> time | None:
    """09:30, 9:30, 14:05:00, 9:30 AM; empty = None."""
    t = text.strip()
    if not t:
        return None
    m = _TIME.match(t)
    if m is None:
        raise CellError(f"{column} '{t}' is not a time (HH:MM)")
    h, mi, sec = int(m[1]), int(m[2]), int(m[3] or 0)
    if m[4]:
        if not 1 <= h <= 12:
            raise CellError(f"{column} '{t}' is not a time")
        h = h % 12 + (12 if m[4].lower().startswith("p") else 0)
    if h > 23 or mi > 59 or sec > 59:
        raise CellError(f"{column} '{t}' is not a time")
    return time(h, mi, sec)


def codes(text: str, column: str) -> tuple[str, ...]:
    """Procedure codes with any separator ("97110, 97140", "97110;97140", "97110 97140")."""
    t = text.strip().upper()
    if not t:
        return ()
    parts = [p for p in re.split(r"[^A-Z0-9]+", t) if p]
    bad = [p for p in parts if not _CODE.fullmatch(p)]
    if bad:
        raise CellError(f"{column}: '{bad[0]}' is not a procedure code")
    seen: list[str] = []
    for p in parts:
        if p not in seen:
            seen.append(p)
    return tuple(seen)


@lru_cache(maxsize=65536)  # a file repeats its dates, times and lines
def code_numbers(text: str, column: str, what: str) -> tuple[tuple[str, int], ...]:
    """'97110:24;97140:12' -> (("97110", 24), ("97140", 12)); `what` is units or minutes."""
    t = text.strip()
    if not t:
        return ()
    out: list[tuple[str, int]] = []
    for part in re.split(r"[;|]", t):
        part = part.strip()
        if not part:
            continue
        code, sep, num = part.partition(":")
        code = code.strip().upper()
        if not sep or not _CODE.fullmatch(code):
            raise CellError(f"{column}: '{part}' is not code:{what} (e.g. 97110:23)")
        n = count(num, f"{column} {what} for {code}")
        if n is None:
            raise CellError(f"{column}: '{part}' has no {what}")
        out.append((code, n))
    return tuple(out)
