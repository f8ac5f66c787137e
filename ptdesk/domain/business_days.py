"""Business days: weekdays that are neither a US federal holiday nor a day the clinic is closed.

The federal holidays are the eleven of 5 U.S.C. 6103(a), with the observed-day shift of
5 U.S.C. 6103(b) and Executive Order 11582 (a Saturday holiday is observed the Friday before,
a Sunday holiday the Monday after), as OPM publishes them each year. Juneteenth is in the list
from 2021 (Pub. L. 117-17). Inauguration Day (DC area only) is left out. Computed by rule, so
no year runs out; tests check the rule against OPM's published 2025-2027 dates.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

_MON, _THU, _SAT, _SUN = 0, 3, 5, 6


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(d: date) -> date:
    if d.weekday() == _SAT:
        return d - timedelta(days=1)
    if d.weekday() == _SUN:
        return d + timedelta(days=1)
    return d


@lru_cache(maxsize=64)
def federal_holidays(year: int) -> frozenset[date]:
    """The observed federal holidays that fall in `year` (Jan 1 of the next year, when it is
    a Saturday, is observed on Dec 31 of this one)."""
    fixed = [date(year, 1, 1), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    if year >= 2021:
        fixed.append(date(year, 6, 19))
    days = {_observed(d) for d in fixed}
    days |= {
        _nth_weekday(year, 1, _MON, 3),  # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, _MON, 3),  # Washington's Birthday
        _last_weekday(year, 5, _MON),  # Memorial Day
        _nth_weekday(year, 9, _MON, 1),  # Labor Day
        _nth_weekday(year, 10, _MON, 2),  # Columbus Day
        _nth_weekday(year, 11, _THU, 4),  # Thanksgiving Day
    }
    next_new_year = date(year + 1, 1, 1)
    if next_new_year.weekday() == _SAT:
        days.add(next_new_year - timedelta(days=1))
    return frozenset(d for d in days if d.year == year)


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekdays the clinic is open: not Saturday/Sunday (or other `closed_weekdays`), not a
    federal holiday, not one of the clinic's own `closed_dates`."""

    closed_dates: frozenset[date] = field(default_factory=frozenset)
    closed_weekdays: frozenset[int] = frozenset({_SAT, _SUN})

    @classmethod
    def of(cls, closed_dates: Iterable[date] = ()) -> "BusinessCalendar":
        return cls(frozenset(closed_dates))

    def is_business_day(self, d: date) -> bool:
        return (d.weekday() not in self.closed_weekdays and d not in self.closed_dates
                and d not in federal_holidays(d.year))

    def add(self, start: date, n: int) -> date:
        """The n-th business day after `start` (n >= 1); `start` itself never counts."""
        if n < 1:
            raise ValueError("n must be at least 1")
        d = start
        while n:
            d += timedelta(days=1)
            if self.is_business_day(d):
                n -= 1
        return d

    def between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (0 when end <= start):
        Monday to Thursday of one week is 3."""
        if end <= start:
            return 0
        return sum(1 for i in range(1, (end - start).days + 1)
                   if self.is_business_day(start + timedelta(days=i)))
