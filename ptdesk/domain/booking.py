"""Booking ahead (issue 10 #2): the dates of a series, and which of them the authorization or
the plan-year limit will not cover, said when the visits are BOOKED rather than on the day.

The projection reuses the one allocation (`visit_allocation.allocate`): the proposed visits are
added as booked visits after the patient's own, so they draw exactly as they will once saved,
and a proposed visit falls outside when it draws beyond an authorization's count, when no
usable authorization covers its date, or when it would go past the plan-year visit limit.
Pure: no clock, no storage; the caller passes the calendar (clinic's closed days + federal
holidays, `business_days`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

from ptdesk.domain.authorization import AuthorizationRecord, AuthState
from ptdesk.domain.business_days import federal_holidays
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.status import short_date
from ptdesk.domain.visit_allocation import (
    PROJECTED_STATUSES,
    USED_STATUSES,
    VisitRecord,
    allocate,
)
from ptdesk.domain.visit_limits import VisitLimit, plan_year
from ptdesk.domain.words import plural

MAX_VISITS = 120  # a series longer than this is a typo (120 = 5 a week for 24 weeks)
OUTSIDE_MARK = "booked outside the authorization"  # the words on the visit, Today, record
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    """'2 a week for 6 weeks, Mon/Thu at 9:00' (weeks) or '12 visits, Mon/Thu' (count).
    One visit is a plan with `count=1` on the start date's weekday."""

    start: date
    weekdays: tuple[int, ...]  # 0 = Monday
    at: time | None = None
    weeks: int | None = None
    count: int | None = None

    def problems(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.weekdays or any(not 0 <= d <= 6 for d in self.weekdays):
            errors["weekdays"] = "Choose at least one day of the week."
        if (self.weeks is None) == (self.count is None):
            errors["repeat"] = "Say how many weeks, or how many visits."
        elif self.weeks is not None and not 1 <= self.weeks <= 52:
            errors["weeks"] = "Between 1 and 52 weeks."
        elif self.count is not None and not 1 <= self.count <= MAX_VISITS:
            errors["count"] = f"Between 1 and {MAX_VISITS} visits."
        return errors


@dataclass(frozen=True, slots=True)
class SkippedDay:
    day: date
    why: str  # "clinic closed", "federal holiday"


def series_dates(
    plan: SeriesPlan, closed_dates: frozenset[date] = frozenset()
) -> tuple[tuple[date, ...], tuple[SkippedDay, ...]]:
    """The dates of the series and the days skipped because the clinic is closed (its own
    closed days, US federal holidays). A count-based series runs on until it has `count`
    visits; a week-based one keeps to its weeks (a skipped day is not replaced)."""
    if errors := plan.problems():
        raise ValidationErrors(errors)
    days = sorted(set(plan.weekdays))
    last = (plan.start + timedelta(weeks=plan.weeks) - timedelta(days=1)
            if plan.weeks is not None else None)
    want = plan.count
    out: list[date] = []
    skipped: list[SkippedDay] = []
    d = plan.start
    # Bounded: a count series over a year of closed days still stops.
    for _ in range(7 * 60):
        if last is not None and d > last:
            break
        if want is not None and len(out) >= want:
            break
        if d.weekday() in days:
            if d in federal_holidays(d.year):
                skipped.append(SkippedDay(d, "federal holiday"))
            elif d in closed_dates:
                skipped.append(SkippedDay(d, "clinic closed"))
            else:
                out.append(d)
        d += timedelta(days=1)
    return tuple(out), tuple(skipped)


class Coverage(StrEnum):
    COVERED = "covered"
    OUTSIDE = "outside"  # the authorization or the limit will not cover it
    SKIPPED = "skipped"  # the clinic is closed: not booked
    SELF_PAY = "self_pay"  # no coverage billed: nothing to check


@dataclass(frozen=True, slots=True)
class ProposedVisit:
    day: date
    at: time | None
    coverage: Coverage
    why: str  # "past the authorization's 12 visits", "" when covered


@dataclass(frozen=True, slots=True)
class CoverageTerms:
    """What the coverage billed needs: `requires_auth` False means no authorization is
    checked (only the plan-year limit, if any)."""

    coverage_id: int
    requires_auth: bool
    limit: VisitLimit | None = None


def project_series(
    days: Sequence[date],
    at: time | None,
    terms: CoverageTerms | None,
    existing: Sequence[VisitRecord],
    records: Sequence[AuthorizationRecord],
) -> tuple[ProposedVisit, ...]:
    """Each proposed day with whether it is covered and, when not, why in the desk's words.
    `terms` None is self-pay. `existing` are the patient's visits (all statuses)."""
    if terms is None:
        return tuple(ProposedVisit(d, at, Coverage.SELF_PAY, "self-pay") for d in days)
    cid = terms.coverage_id
    first_id = max((v.visit_id for v in existing), default=0) + 1
    proposed = [VisitRecord(first_id + i, d, VisitStatus.BOOKED, cid) for i, d in enumerate(days)]
    mine = [r for r in records if r.coverage_id == cid]
    by_id = {r.key: r for r in mine}
    alloc = allocate((*existing, *proposed), mine) if terms.requires_auth else None
    drawn = {va.visit.visit_id: va for va in alloc.visits} if alloc is not None else {}
    over_limit = _over_limit(proposed, existing, terms.limit)
    out: list[ProposedVisit] = []
    for v in proposed:
        whys: list[str] = []
        if terms.requires_auth:
            va = drawn[v.visit_id]
            beyond = [by_id[d.key] for d in va.draws if not d.within]
            if beyond:
                r = beyond[0]
                whys.append(f"past the authorization's {plural(r.terms.authorized, r.noun)}")
            elif not va.draws and not _units_only(mine, v.day):
                whys.append(_why_uncovered(mine, v.day))
        if v.visit_id in over_limit and terms.limit is not None:
            whys.append(f"plan-year limit of {terms.limit.limit} visits reached")
        out.append(ProposedVisit(v.day, at, Coverage.OUTSIDE if whys else Coverage.COVERED,
                                 "; ".join(whys)))
    return tuple(out)


def displaced(
    days: Sequence[date], terms: CoverageTerms | None, existing: Sequence[VisitRecord],
    records: Sequence[AuthorizationRecord],
) -> tuple[date, ...]:
    """Visits ALREADY booked that the authorization covers now but will not once these days
    are booked: booked visits draw in date order, so new earlier dates take their room."""
    if terms is None or not terms.requires_auth or not days:
        return ()
    mine = [r for r in records if r.coverage_id == terms.coverage_id]
    first_id = max((v.visit_id for v in existing), default=0) + 1
    proposed = [VisitRecord(first_id + i, d, VisitStatus.BOOKED, terms.coverage_id)
                for i, d in enumerate(days)]

    def covered(visits: Sequence[VisitRecord]) -> set[int]:
        return {va.visit.visit_id for va in allocate(visits, mine).visits
                if va.draws and all(d.within for d in va.draws)}

    before, after = covered(existing), covered((*existing, *proposed))
    return tuple(sorted(v.day for v in existing if v.status in PROJECTED_STATUSES
                        and v.visit_id in before and v.visit_id not in after))


def _units_only(records: Sequence[AuthorizationRecord], day: date) -> bool:
    """A units-counted authorization covers the visit's codes, which a booking does not know
    yet: such a visit is checked when its lines are entered, not flagged now."""
    usable = [r for r in records if r.usable_on(day)]
    return bool(usable) and all(r.counts_units for r in usable)


def _why_uncovered(records: Sequence[AuthorizationRecord], day: date) -> str:
    if not records:
        return "no authorization on file"
    around = [r for r in records if r.terms.start <= day <= r.effective_end]
    if any(r.state is AuthState.PENDING for r in around):
        return "the authorization is still pending"
    if any(r.state is AuthState.ENDED for r in around):
        return "the authorization was ended"
    later = [r for r in records if r.terms.start > day and r.state is not AuthState.PENDING]
    if later:
        return f"before the authorization starts {short_date(min(r.terms.start for r in later))}"
    ended = max(r.effective_end for r in records)
    return f"after the authorization ends {short_date(ended)}"


def _over_limit(
    proposed: Sequence[VisitRecord], existing: Sequence[VisitRecord], limit: VisitLimit | None
) -> set[int]:
    """Proposed visits beyond the plan-year limit, counted per plan year (a series crossing
    the plan-year start begins counting again), after the visits already used or booked."""
    if limit is None:
        return set()
    counting = USED_STATUSES | PROJECTED_STATUSES
    over: set[int] = set()
    taken: dict[date, int] = {}
    for v in sorted(proposed, key=lambda x: (x.day, x.visit_id)):
        year = plan_year(v.day, limit.start_month, limit.start_day)
        if year.start not in taken:
            as_of = limit.used_elsewhere_as_of
            elsewhere = (limit.used_elsewhere
                         if as_of is None or year.contains(as_of) else 0)
            taken[year.start] = elsewhere + sum(
                1 for e in existing if e.coverage_id == limit.coverage_id
                and e.status in counting and year.contains(e.day))
        taken[year.start] += 1
        if taken[year.start] > limit.limit:
            over.add(v.visit_id)
    return over


def outside_summary(visits: Sequence[ProposedVisit]) -> tuple[str, ...]:
    """'Mar 30 and Apr 2: past the authorization's 12 visits', one line per reason, in the
    order the reasons first occur."""
    groups: dict[str, list[date]] = {}
    for v in visits:
        if v.coverage is Coverage.OUTSIDE:
            groups.setdefault(v.why, []).append(v.day)
    return tuple(f"{dates_words(ds)}: {why}" for why, ds in groups.items())


def dates_words(ds: Sequence[date]) -> str:
    """'Mar 30', 'Mar 30 and Apr 2', 'Mar 26, Mar 30 and Apr 2'."""
    words = [short_date(d) for d in ds]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def plan_words(plan: SeriesPlan) -> str:
    """'2 a week for 6 weeks, Mon/Thu' or '12 visits, Mon/Thu'."""
    days = "/".join(WEEKDAY_NAMES[d] for d in sorted(set(plan.weekdays)))
    n = len(set(plan.weekdays))
    if plan.weeks is not None:
        return f"{n} a week for {plural(plan.weeks, 'week')}, {days}"
    return f"{plural(plan.count or 0, 'visit')}, {days}"
