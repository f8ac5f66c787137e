"""Which authorization each visit draws from, and "why N used?".

Counting (issue 5, DESIGN §3.5): checked-in and completed visits are USED; booked visits are
PROJECTED use; cancelled and no-show never count; a voided visit stops counting (its status is
voided, so it simply drops out). Visits billed to another coverage (or self-pay) never count.

Two dimensions are drawn independently:
- visits: a visit draws one visit from each visits-counted authorization chosen for its codes
  (usually one; two when code-specific visit authorizations sit side by side);
- units: each service line draws its units from one units-counted authorization for its code.

Choosing among several that cover the visit's coverage, date and code (deterministic):
1. one with room left before one already used up (by count);
2. one that names the code before an "any code" one (keep the general one for the rest);
3. the one ending soonest (use it before it lapses);
4. the earliest start, then the lowest authorization id and pool code.
Pending placeholders and ended authorizations are never drawn from.

Used visits are allocated first, in date order, then booked visits in date order, so a
booked visit can never take the room of a visit that already happened.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from ptdesk.domain.authorization import AuthorizationRecord, UsageCounts
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.status import plural, short_date

USED_STATUSES = frozenset({VisitStatus.CHECKED_IN, VisitStatus.COMPLETED})
PROJECTED_STATUSES = frozenset({VisitStatus.BOOKED})


@dataclass(frozen=True, slots=True)
class VisitLine:
    code: str
    units: int = 1


@dataclass(frozen=True, slots=True)
class VisitRecord:
    visit_id: int
    day: date
    status: VisitStatus
    # The coverage the visit is billed to; None for self-pay.
    coverage_id: int | None
    # A booked visit may have no lines yet (codes unknown): it still draws a visit.
    lines: tuple[VisitLine, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.code for line in self.lines))


class NotCounted(StrEnum):
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    VOIDED = "voided"
    OTHER_COVERAGE = "other_coverage"
    OUTSIDE_DATES = "outside_dates"
    CODE_NOT_COVERED = "code_not_covered"
    OTHER_AUTHORIZATION = "other_authorization"
    NOT_USABLE = "not_usable"  # pending placeholder or ended authorization

    @property
    def label(self) -> str:
        return _NOT_COUNTED_LABELS[self]


_NOT_COUNTED_LABELS = {
    NotCounted.CANCELLED: "cancelled",
    NotCounted.NO_SHOW: "no-show",
    NotCounted.VOIDED: "voided",
    NotCounted.OTHER_COVERAGE: "billed to another coverage",
    NotCounted.OUTSIDE_DATES: "outside the authorization's dates",
    NotCounted.CODE_NOT_COVERED: "codes not covered by this authorization",
    NotCounted.OTHER_AUTHORIZATION: "drawn from another authorization",
    NotCounted.NOT_USABLE: "authorization pending or ended",
}
_STATUS_NOT_COUNTED = {
    VisitStatus.CANCELLED: NotCounted.CANCELLED,
    VisitStatus.NO_SHOW: NotCounted.NO_SHOW,
    VisitStatus.VOIDED: NotCounted.VOIDED,
}


@dataclass(frozen=True, slots=True)
class Draw:
    key: tuple[int, str]
    amount: int  # 1 visit, or the line's units
    codes: tuple[str, ...]
    projected: bool  # from a booked visit
    within: bool  # False when the authorization had no room left for it
    why: str  # how it was chosen, in words


@dataclass(frozen=True, slots=True)
class VisitAllocation:
    visit: VisitRecord
    draws: tuple[Draw, ...]
    # Codes no usable authorization covers (for a coverage that needs one, a problem).
    uncovered_codes: tuple[str, ...]

    @property
    def counts(self) -> bool:
        return self.visit.status in USED_STATUSES or self.visit.status in PROJECTED_STATUSES

    @property
    def uncovered(self) -> bool:
        """A counting visit that no authorization covers at all."""
        return self.counts and not self.draws


@dataclass(frozen=True, slots=True)
class UsageLine:
    visit_id: int
    day: date
    status: VisitStatus
    amount: int
    reason: NotCounted | None
    words: str


@dataclass(frozen=True, slots=True)
class UsageExplanation:
    """"Why 5 used?" for one authorization."""

    record: AuthorizationRecord
    carried_in: int
    counted: tuple[UsageLine, ...]  # used, then booked (projected), by date
    not_counted: tuple[UsageLine, ...]

    @property
    def used(self) -> int:
        return self.carried_in + sum(u.amount for u in self.counted
                                     if u.status in USED_STATUSES)

    @property
    def headline(self) -> str:
        n = self.record.noun
        mine = sum(u.amount for u in self.counted if u.status in USED_STATUSES)
        carried = f" + {self.carried_in} before ptdesk" if self.carried_in else ""
        return f"{plural(self.used, n)} used: {mine} recorded in ptdesk{carried}."


@dataclass(frozen=True, slots=True)
class Allocation:
    visits: tuple[VisitAllocation, ...]  # in the order given
    records: tuple[AuthorizationRecord, ...]
    # The same visits by (day, visit id), sorted once for `counts` and every `explain` (the
    # panel explains each authorization card); empty: sorted when asked.
    by_day: tuple[VisitAllocation, ...] = field(default=(), compare=False, repr=False)

    def _by_day(self) -> tuple[VisitAllocation, ...] | list[VisitAllocation]:
        if self.by_day or not self.visits:
            return self.by_day
        return sorted(self.visits, key=lambda v: (v.visit.day, v.visit.visit_id))

    def counts(self) -> dict[tuple[int, str], UsageCounts]:
        """Per authorization key: the counts `authorization_status` takes."""
        used = {r.key: 0 for r in self.records}
        booked = dict(used)
        last: dict[tuple[int, str], date] = {}
        first_over: dict[tuple[int, str], date] = {}
        for va in self._by_day():
            for d in va.draws:
                if d.projected:
                    booked[d.key] += d.amount
                    last[d.key] = va.visit.day
                    if not d.within:
                        first_over.setdefault(d.key, va.visit.day)
                else:
                    used[d.key] += d.amount
        return {
            k: UsageCounts(used[k], booked[k], last.get(k), first_over.get(k)) for k in used
        }

    def uncovered_booked(self, coverage_id: int) -> tuple[VisitRecord, ...]:
        """Booked visits of this coverage that no authorization covers, by date."""
        return tuple(sorted(
            (va.visit for va in self.visits
             if va.uncovered and va.visit.status in PROJECTED_STATUSES
             and va.visit.coverage_id == coverage_id),
            key=lambda v: (v.day, v.visit_id),
        ))

    def explain(
        self, record: AuthorizationRecord, *, outside_dates: bool = True
    ) -> UsageExplanation:
        """Every visit, counted or not and why; `outside_dates=False` leaves out the visits
        not counted only because they fall outside the authorization's dates (most of an
        old authorization's list, which the panel does not show)."""
        counted: list[UsageLine] = []
        not_counted: list[UsageLine] = []
        key = record.key
        subjects: dict[tuple[int, str], str] | None = None
        for va in self._by_day():
            v = va.visit
            mine = [d for d in va.draws if d.key == key] if va.draws else None
            if mine:
                amount = sum(d.amount for d in mine)
                kind = "booked (projected)" if mine[0].projected else v.status.label.lower()
                beyond = "" if all(d.within for d in mine) else ", beyond the authorized count"
                counted.append(UsageLine(v.visit_id, v.day, v.status, amount, None,
                                         f"{short_date(v.day)}: {kind}{beyond}; {mine[0].why}"))
                continue
            reason = _why_not(v, va, record)
            if reason is NotCounted.OUTSIDE_DATES and not outside_dates:
                continue
            words = f"{short_date(v.day)}: {reason.label}"
            if reason is NotCounted.OTHER_AUTHORIZATION:
                if subjects is None:
                    subjects = {r.key: r.subject for r in self.records}
                others = sorted({subjects[d.key] for d in va.draws})
                words += f" ({', '.join(others)})"
            not_counted.append(UsageLine(v.visit_id, v.day, v.status, 0, reason, words))
        counted.sort(key=lambda u: (u.status not in USED_STATUSES, u.day, u.visit_id))
        return UsageExplanation(record, record.carried_in, tuple(counted), tuple(not_counted))


def _why_not(v: VisitRecord, va: VisitAllocation, r: AuthorizationRecord) -> NotCounted:
    if v.status in _STATUS_NOT_COUNTED:
        return _STATUS_NOT_COUNTED[v.status]
    if v.coverage_id != r.coverage_id:
        return NotCounted.OTHER_COVERAGE
    if not (r.terms.start <= v.day <= r.effective_end):
        return NotCounted.OUTSIDE_DATES
    if not r.usable_on(v.day):
        return NotCounted.NOT_USABLE
    codes = v.codes
    if codes and not any(r.terms.covers_code(c) for c in codes):
        return NotCounted.CODE_NOT_COVERED
    if r.counts_units and not codes:
        return NotCounted.CODE_NOT_COVERED
    return NotCounted.OTHER_AUTHORIZATION


def _rank(r: AuthorizationRecord, code: str | None, room: int, need: int) -> tuple[object, ...]:
    names_code = code is not None and code in r.terms.codes
    return (room < need, not names_code, r.effective_end, r.terms.start, r.auth_id, r.pool_code)


def _why(r: AuthorizationRecord, n_candidates: int, room: int, need: int) -> str:
    if n_candidates == 1:
        return f"{r.subject} is the only one covering this date and code"
    if room < need:
        return f"{r.subject}: every candidate is used up; it ends soonest"
    return (f"{r.subject}: of {n_candidates} covering this date and code, it has room, "
            f"names the code or ends soonest (through {short_date(r.effective_end)})")


def allocate(
    visits: Iterable[VisitRecord], records: Sequence[AuthorizationRecord]
) -> Allocation:
    """Allocate every visit to the authorizations it draws from (pure, deterministic)."""
    visits = tuple(visits)
    room = {r.key: r.terms.authorized - r.carried_in for r in records}
    by_cov: dict[int, list[AuthorizationRecord]] = {}
    for r in records:
        by_cov.setdefault(r.coverage_id, []).append(r)
    order = sorted(
        range(len(visits)),
        key=lambda i: (visits[i].status not in USED_STATUSES, visits[i].day, visits[i].visit_id),
    )
    result: list[VisitAllocation | None] = [None] * len(visits)
    for i in order:
        v = visits[i]
        counting = v.status in USED_STATUSES or v.status in PROJECTED_STATUSES
        if not counting or v.coverage_id is None:
            result[i] = VisitAllocation(v, (), ())
            continue
        usable = [r for r in by_cov.get(v.coverage_id, ()) if r.usable_on(v.day)]
        result[i] = _allocate_one(v, usable, room)
    done = tuple(a for a in result if a is not None)
    return Allocation(done, tuple(records),
                      tuple(sorted(done, key=lambda a: (a.visit.day, a.visit.visit_id))))


def _allocate_one(
    v: VisitRecord, usable: list[AuthorizationRecord], room: dict[tuple[int, str], int]
) -> VisitAllocation:
    projected = v.status in PROJECTED_STATUSES
    draws: list[Draw] = []
    uncovered: list[str] = []
    visit_auths = [r for r in usable if not r.counts_units]
    unit_auths = [r for r in usable if r.counts_units]
    # Visits dimension: pick per code, then one draw per distinct authorization.
    chosen: dict[tuple[int, str], tuple[AuthorizationRecord, list[str], str]] = {}
    codes: tuple[str | None, ...] = v.codes or (None,)
    covered_by_units: set[str] = set()
    for line in v.lines:
        cands = [r for r in unit_auths if r.terms.covers_code(line.code)]
        if not cands:
            continue
        covered_by_units.add(line.code)
        best = min(cands, key=lambda r: _rank(r, line.code, room[r.key], line.units))
        within = room[best.key] >= line.units
        draws.append(Draw(best.key, line.units, (line.code,), projected, within,
                          _why(best, len(cands), room[best.key], line.units)))
        room[best.key] -= line.units
    for code in codes:
        cands = [r for r in visit_auths if code is None or r.terms.covers_code(code)]
        if not cands:
            if code is not None and code not in covered_by_units:
                uncovered.append(code)
            continue
        already = [r for r in cands if r.key in chosen]
        if already:
            chosen[already[0].key][1].append(code or "")
            continue
        best = min(cands, key=lambda r: _rank(r, code, room[r.key], 1))
        chosen[best.key] = (best, [code] if code else [], _why(best, len(cands), room[best.key], 1))
    for key, (_rec, rec_codes, why) in chosen.items():
        within = room[key] >= 1
        draws.append(Draw(key, 1, tuple(rec_codes), projected, within, why))
        room[key] -= 1
    return VisitAllocation(v, tuple(draws), tuple(uncovered))
