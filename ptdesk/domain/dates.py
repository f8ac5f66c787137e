"""Dates as the clinic reads and types them: one module for every date ptdesk writes or parses.

Month and weekday names come from fixed English tables, never from `%b`/`%a`/`strftime`: those
take their names from the C library's LC_TIME, which Qt switches to the desktop's locale when the
application starts, so a Spanish desktop would print "mar 7, 2026" inside English sentences.
"""

import re
from datetime import date, time

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_LONG = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_DATE_US = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DIGITS_ONLY = re.compile(r"^\d{6}$|^\d{8}$")
_NAMED = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
# With no birth-date rule, a two-digit year means 20yy (coverage dates, visit dates).
FAR_FUTURE = date(2099, 12, 31)


def long_date(d: date) -> str:
    """ "Mar 7, 2026": the one on-screen date format (UI.md), in every sentence ptdesk writes."""
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def short_date(d: date) -> str:
    """ "Dec 14" (no year), the way the desk says it."""
    return f"{MONTHS[d.month - 1]} {d.day}"


def weekday(d: date) -> str:
    """ "Tue": the three-letter English weekday."""
    return WEEKDAYS[d.weekday()]


_WEEKDAYS_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday_long(d: date) -> str:
    """ "Tuesday"."""
    return _WEEKDAYS_LONG[d.weekday()]


def clock(t: time, *, seconds: bool = False) -> str:
    """ "7:05 AM" (`%p` too follows the desktop's locale)."""
    text = f"{(t.hour % 12) or 12}:{t.minute:02d}" + (f":{t.second:02d}" if seconds else "")
    return f"{text} {'AM' if t.hour < 12 else 'PM'}"


def _two_digit_year(yy: int, pivot: date) -> int:
    """A year typed as two digits: the latest century that is not after `pivot`."""
    year = 2000 + yy
    return year if year <= pivot.year else 1900 + yy


def _month_number(word: str) -> int | None:
    for i, name in enumerate(_MONTHS_LONG):
        if word == name or (len(word) >= 3 and name.startswith(word)):
            return i + 1
    return None


def parse_date(text: str, pivot: date = FAR_FUTURE) -> date | None:
    """What a person typed as a date, or None when it is not a real one.

    Accepts 03/07/1961, 3/7/61, 3-7-1961, 030761, 03071961, 1961-03-07 and Mar 7, 1961. A
    two-digit year is the latest one not after `pivot` (pass today for a birth date: 61 ->
    1961; the default makes it 20yy)."""
    text = text.strip()
    if _DIGITS_ONLY.match(text):
        text = f"{text[:2]}/{text[2:4]}/{text[4:]}"
    try:
        iso = _DATE_ISO.match(text)
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        us = _DATE_US.match(text)
        if us:
            year = int(us[3])
            if len(us[3]) == 2:
                year = _two_digit_year(year, pivot)
            return date(year, int(us[1]), int(us[2]))
        named = _NAMED.match(text.lower())
        if named:
            month = _month_number(named[1])
            if month is not None:
                return date(int(named[3]), month, int(named[2]))
    except ValueError:
        return None
    return None
