"""Plan-year visit limits ("30 PT visits per plan year") and benefit re-verification.

The plan year restarts every year on the coverage's plan-year start (January 1 for a calendar
year plan, or the plan's anniversary). A start day that a month lacks (Feb 29, Apr 31) falls on
that month's last day. Visits used elsewhere this plan year (the payer's figure) count too, but
only while the date they were reported falls inside the current plan year: a figure from last
plan year is ignored and the reasons say to re-verify.

Like authorizations, the status comes from counts (`LimitCounts`) so the board and the panel
share one rule; `count_plan_year` derives the counts from visits for the per-patient path.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.status import (
    DEFAULT_BANDS,
    ReasonCode,
    Status,
    StatusBands,
    StatusReason,
    long_date,
    plural,
    short_date,
)
from ptdesk.domain.visit_allocation import PROJECTED_STATUSES, USED_STATUSES, VisitRecord


def _anniversary(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class PlanYear:
    start: date
    end: date  # inclusive

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@lru_cache(maxsize=4096)
def plan_year(today: date, start_month: int = 1, start_day: int = 1) -> PlanYear:
    """The plan year that contains `today` (cached: the board asks for thousands)."""
    if not 1 <= start_month <= 12 or not 1 <= start_day <= 31:
        raise ValidationErrors({"plan_year_start": "The plan-year start is not a valid date."})
    if not date.min.year < today.year < date.max.year:  # a plan year either side must exist
        raise ValidationErrors({"today": "That date is outside the years ptdesk can count."})
    this = _anniversary(today.year, start_month, start_day)
    start = this if this <= today else _anniversary(today.year - 1, start_month, start_day)
    nxt = _anniversary(start.year + 1, start_month, start_day)
    return PlanYear(start, nxt - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class VisitLimit:
    coverage_id: int
    limit: int
    start_month: int = 1
    start_day: int = 1
    used_elsewhere: int = 0
    # When the payer reported `used_elsewhere`; None = unknown date (counted, with a note).
    used_elsewhere_as_of: date | None = None
    payer_name: str = ""

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        if self.limit < 0:
            errors["limit"] = "The visit limit cannot be negative."
        if self.used_elsewhere < 0:
            errors["used_elsewhere"] = "Visits used elsewhere cannot be negative."
        if errors:
            raise ValidationErrors(errors)

    @property
    def subject(self) -> str:
        return f"Plan-year limit ({self.payer_name})" if self.payer_name else "Plan-year limit"


@dataclass(frozen=True, slots=True)
class LimitCounts:
    """Visits of this coverage inside the current plan year (from SQL or `count_plan_year`)."""

    used: int = 0  # checked-in and completed
    booked: int = 0  # booked, dated inside the plan year
    last_booked: date | None = None


@dataclass(frozen=True, slots=True)
class LimitStatus:
    limit: VisitLimit
    year: PlanYear
    today: date
    bands: StatusBands
    used_here: int
    elsewhere_counted: int
    booked: int
    last_booked: date | None
    status: Status

    @property
    def used(self) -> int:
        return self.used_here + self.elsewhere_counted

    @property
    def remaining(self) -> int:
        return max(0, self.limit.limit - self.used)

    @property
    def booked_over(self) -> int:
        return min(self.booked, max(0, self.used + self.booked - self.limit.limit))

    def reasons(self) -> tuple[StatusReason, ...]:
        return _reasons(self)


def limit_status(
    limit: VisitLimit, counts: LimitCounts, today: date, bands: StatusBands = DEFAULT_BANDS
) -> LimitStatus:
    year = plan_year(today, limit.start_month, limit.start_day)
    as_of = limit.used_elsewhere_as_of
    elsewhere = limit.used_elsewhere if as_of is None or year.contains(as_of) else 0
    used = counts.used + elsewhere
    if used >= limit.limit:
        status = Status.RED
    else:
        status = bands.for_remaining(limit.limit - used)
        if used + counts.booked > limit.limit and status is Status.GREEN:
            status = Status.YELLOW
    return LimitStatus(limit, year, today, bands, counts.used, elsewhere, counts.booked,
                       counts.last_booked, status)


def count_plan_year(
    visits: Iterable[VisitRecord], coverage_id: int, year: PlanYear
) -> LimitCounts:
    """Counts for the per-patient path; the SQL path computes the same with GROUP BY."""
    used = booked = 0
    last: date | None = None
    for v in visits:
        if v.coverage_id != coverage_id or not year.contains(v.day):
            continue
        if v.status in USED_STATUSES:
            used += 1
        elif v.status in PROJECTED_STATUSES:
            booked += 1
            if last is None or v.day > last:
                last = v.day
    return LimitCounts(used, booked, last)


def _reasons(s: LimitStatus) -> tuple[StatusReason, ...]:
    lim = s.limit
    subj = lim.subject
    yr = f"plan year {long_date(s.year.start)} to {long_date(s.year.end)}"
    elsewhere = f" (including {s.elsewhere_counted} elsewhere)" if s.elsewhere_counted else ""
    summary = (f"{plural(lim.limit, 'visit')} a year, {s.used} used{elsewhere}, "
               f"{s.booked} booked, {s.remaining} left in the {yr}")
    out: list[StatusReason] = []
    if s.used >= lim.limit:
        out.append(StatusReason(
            Status.RED, ReasonCode.LIMIT_REACHED, subj, "plan-year limit reached",
            f"{summary}. Further visits this plan year are not covered.",
            "Tell the patient before the visit: self-pay, secondary insurance or an exception; "
            f"the limit resets on {long_date(s.year.end + timedelta(days=1))}.",
        ))
    else:
        band = s.bands.for_remaining(s.remaining)
        out.append(StatusReason(
            band, ReasonCode.LIMIT_LOW if band is not Status.GREEN else ReasonCode.LIMIT_OK,
            subj, f"{plural(s.remaining, 'visit')} left this plan year", summary + ".",
            "Warn the patient and plan the remaining visits." if band is not Status.GREEN
            else "",
        ))
    if s.booked_over:
        when = f" (last booked {short_date(s.last_booked)})" if s.last_booked else ""
        out.append(StatusReason(
            Status.YELLOW if s.used < lim.limit else Status.RED,
            ReasonCode.LIMIT_BOOKED_BEYOND, subj,
            f"{plural(s.booked_over, 'booked visit')} over the limit",
            f"{plural(s.booked_over, 'booked visit')} would go over the plan-year limit{when}.",
            "Discuss the options with the patient before those visits.",
        ))
    as_of = lim.used_elsewhere_as_of
    if lim.used_elsewhere and as_of is not None and not s.year.contains(as_of):
        out.append(StatusReason(
            Status.NOT_TRACKED, ReasonCode.LIMIT_ELSEWHERE_STALE, subj,
            "visits elsewhere not re-verified",
            f"{lim.used_elsewhere} visits elsewhere were reported on {long_date(as_of)}, "
            "before this plan year began, and are not counted.",
            "Re-verify benefits: ask the payer for visits used this plan year.",
        ))
    return tuple(sorted(out, key=lambda x: -x.status.severity))


@dataclass(frozen=True, slots=True)
class VerificationDue:
    due: bool
    why: str


def verification_due(
    today: date,
    verified_on: date | None,
    start_month: int = 1,
    start_day: int = 1,
    episode_started_on: date | None = None,
) -> VerificationDue:
    """Are benefits due for re-verification? Never verified, a new plan year started since
    the last verification, or a new episode of care started after it."""
    if verified_on is None:
        return VerificationDue(True, "Benefits were never verified.")
    year = plan_year(today, start_month, start_day)
    if verified_on < year.start:
        return VerificationDue(
            True, f"A new plan year began on {long_date(year.start)}; last verified "
                  f"{long_date(verified_on)}.")
    if episode_started_on is not None and episode_started_on > verified_on:
        return VerificationDue(
            True, f"A new episode began on {long_date(episode_started_on)}, after the last "
                  f"verification ({long_date(verified_on)}).")
    return _NOT_DUE  # no words built: the board asks this for every coverage


_NOT_DUE = VerificationDue(False, "Verified this plan year.")
