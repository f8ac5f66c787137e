"""When the visits of a plan of care fall, and which plan year each one belongs to."""

from datetime import date, timedelta

from ptdesk.domain.errors import ValidationError


def visit_dates(first_visit: date, visits_per_week: int, count: int) -> tuple[date, ...]:
    """Visit i (0-based) falls on first_visit + floor(i x 7 / visits_per_week) days (issue 11):
    2 a week from a Tuesday gives Tue, Fri (+3), Tue (+7), Fri (+10) ..."""
    return tuple(first_visit + timedelta(days=i * 7 // visits_per_week) for i in range(count))


def parse_month_day(text: str, *, field: str) -> tuple[int, int]:
    """'MM-DD' as (month, day); 02-29 is accepted (it becomes Feb 28 in a common year)."""
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        raise ValidationError(f"{field}: '{text}' is not a month and day as MM-DD", field=field)
    month, day = int(parts[0]), int(parts[1])
    try:
        date(2024, month, day)  # a leap year, so 02-29 passes
    except ValueError:
        problem = f"{field}: '{text}' is not a real month and day"
        raise ValidationError(problem, field=field) from None
    return month, day


def _start_in(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # Feb 29 in a common year
        return date(year, month, day - 1)


def plan_year_start(day: date, month_day: tuple[int, int]) -> date:
    """The first day of the plan year that contains `day` (a plan year starting each MM-DD)."""
    month, dom = month_day
    this_year = _start_in(day.year, month, dom)
    return this_year if day >= this_year else _start_in(day.year - 1, month, dom)
