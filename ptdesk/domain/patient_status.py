"""A patient's status: the worst of every authorization, limit, KX and coverage check, with
every reason listed; and `patient_panel`, the per-visit path for one patient's screen.

Which authorizations count for the patient (`relevant_authorizations`): every one in force or
upcoming and every pending placeholder; an expired one only while nothing of the same coverage
is in force or upcoming (then only the latest per coverage and code scope: "expired, nothing
replaced it" is Red); authorizations the clinic ended are left out.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ptdesk.domain.authorization import (
    NO_USAGE,
    AuthorizationRecord,
    AuthorizationStatus,
    AuthState,
    Phase,
    authorization_status,
)
from ptdesk.domain.kx_status import DEFAULT_KX_BANDS, KxBands, KxInput, KxStatus, kx_status
from ptdesk.domain.plan_of_care import PlanOfCareStatus
from ptdesk.domain.status import (
    DEFAULT_BANDS,
    ReasonCode,
    Status,
    StatusBands,
    StatusReason,
    long_date,
    plural,
    short_date,
    sort_reasons,
    worst,
)
from ptdesk.domain.visit_allocation import (
    Allocation,
    UsageExplanation,
    VisitRecord,
    allocate,
)
from ptdesk.domain.visit_limits import (
    LimitStatus,
    VisitLimit,
    count_plan_year,
    limit_status,
    plan_year,
)


@dataclass(frozen=True, slots=True)
class CoverageRule:
    coverage_id: int
    payer_name: str = ""
    requires_auth: bool = False
    bands: StatusBands = DEFAULT_BANDS


@dataclass(frozen=True, slots=True)
class CoverageCheck:
    rule: CoverageRule
    today: date
    in_force: bool  # an approved authorization covers today
    pending: bool  # a request or pending placeholder is with the payer
    uncovered_booked: int  # booked visits no authorization covers
    first_uncovered: date | None
    status: Status

    def reasons(self) -> tuple[StatusReason, ...]:
        rule = self.rule
        subj = rule.payer_name or "Coverage"
        out: list[StatusReason] = []
        if rule.requires_auth and not self.in_force:
            wait = (" A request is with the payer." if self.pending
                    else " No request has been sent.")
            out.append(StatusReason(
                Status.NONE, ReasonCode.NO_AUTH_IN_FORCE, subj, "no authorization",
                f"{subj} requires an authorization and none covers today.{wait}",
                "Follow up with the payer before treating." if self.pending
                else "Request an authorization before the next visit.",
            ))
        if self.uncovered_booked and self.first_uncovered is not None:
            s = _uncovered_status(self.first_uncovered, self.today, rule.bands)
            out.append(StatusReason(
                s, ReasonCode.BOOKED_UNCOVERED, subj,
                f"{plural(self.uncovered_booked, 'booked visit')} not covered",
                f"{plural(self.uncovered_booked, 'booked visit')} fall outside every "
                f"authorization, the first on {long_date(self.first_uncovered)}.",
                f"Get the authorization extended before {short_date(self.first_uncovered)}, "
                "or reschedule.",
            ))
        return tuple(out)


def _uncovered_status(first: date, today: date, bands: StatusBands) -> Status:
    return Status.RED if (first - today).days <= bands.red_days else Status.YELLOW


def coverage_check(
    rule: CoverageRule,
    records: Iterable[AuthorizationRecord],
    today: date,
    *,
    request_pending: bool = False,
    uncovered_booked: int = 0,
    first_uncovered: date | None = None,
) -> CoverageCheck:
    """NONE when the payer requires an authorization and none is in force today; booked
    visits no authorization covers are Red within the Red day band, else Yellow."""
    in_force = pending = False
    for r in records:
        if r.coverage_id != rule.coverage_id:
            continue
        if r.usable_on(today):
            in_force = True
        elif r.state is AuthState.PENDING:
            pending = True
    pending = pending or request_pending
    status = Status.NOT_TRACKED
    if rule.requires_auth:
        status = Status.GREEN if in_force else Status.NONE
        if uncovered_booked and first_uncovered is not None:
            s = _uncovered_status(first_uncovered, today, rule.bands)
            if s.severity > status.severity:
                status = s
    return CoverageCheck(rule, today, in_force, pending, uncovered_booked if rule.requires_auth
                         else 0, first_uncovered, status)


def relevant_authorizations(
    statuses: Iterable[AuthorizationStatus],
) -> tuple[AuthorizationStatus, ...]:
    """The authorizations that speak for the patient today (see the module docstring)."""
    statuses = tuple(statuses)
    if len(statuses) == 1:  # the usual case, kept fast for the board
        return () if statuses[0].phase is Phase.ENDED else statuses
    live_coverages = {
        a.record.coverage_id for a in statuses
        if a.phase in (Phase.IN_FORCE, Phase.UPCOMING)
    }
    latest_expired: dict[tuple[int, str, frozenset[str]], AuthorizationStatus] = {}
    out: list[AuthorizationStatus] = []
    for a in statuses:
        phase = a.phase
        if phase is Phase.ENDED:
            continue
        if phase is Phase.EXPIRED:
            r = a.record
            if r.coverage_id in live_coverages:
                continue
            k = (r.coverage_id, r.pool_code, r.terms.codes)
            prev = latest_expired.get(k)
            if prev is None or prev.record.effective_end < r.effective_end:
                latest_expired[k] = a
            continue
        out.append(a)
    out.extend(latest_expired.values())
    return tuple(out)


@dataclass(frozen=True, slots=True)
class PatientStatus:
    status: Status
    reasons: tuple[StatusReason, ...]  # every reason, worst first

    @property
    def headline(self) -> StatusReason | None:
        return self.reasons[0] if self.reasons else None

    @property
    def chip(self) -> str:
        h = self.headline
        return h.chip if h is not None and h.status is self.status else self.status.label


def patient_status(
    authorizations: Iterable[AuthorizationStatus] = (),
    limits: Iterable[LimitStatus] = (),
    kx: KxStatus | None = None,
    coverages: Iterable[CoverageCheck] = (),
    plans: Iterable[PlanOfCareStatus] = (),
) -> PatientStatus:
    """Worst of all parts (authorizations filtered by `relevant_authorizations`)."""
    parts: list[AuthorizationStatus | LimitStatus | KxStatus | CoverageCheck
                | PlanOfCareStatus] = [
        *relevant_authorizations(authorizations), *limits, *coverages, *plans,
    ]
    if kx is not None:
        parts.append(kx)
    reasons: list[StatusReason] = []
    for p in parts:
        reasons.extend(p.reasons())
    return PatientStatus(worst(p.status for p in parts), sort_reasons(reasons))


@dataclass(frozen=True, slots=True)
class Panel:
    """Everything one patient's authorization panel shows."""

    today: date
    status: PatientStatus
    authorizations: tuple[AuthorizationStatus, ...]  # all given, in the order given
    limits: tuple[LimitStatus, ...]
    kx: KxStatus | None
    coverages: tuple[CoverageCheck, ...]
    allocation: Allocation = field(repr=False)

    def explain(self, key: tuple[int, str], *, outside_dates: bool = True) -> UsageExplanation:
        """"Why N used?" for one authorization (key = (auth_id, pool_code))."""
        record = next(r for r in self.allocation.records if r.key == key)
        return self.allocation.explain(record, outside_dates=outside_dates)


def patient_panel(
    today: date,
    records: Sequence[AuthorizationRecord],
    visits: Iterable[VisitRecord],
    coverages: Sequence[CoverageRule] = (),
    limits: Sequence[VisitLimit] = (),
    kx: KxInput | None = None,
    *,
    kx_bands: KxBands = DEFAULT_KX_BANDS,
    pending_request_coverages: frozenset[int] = frozenset(),
    plans: Sequence[PlanOfCareStatus] = (),
) -> Panel:
    """The per-visit path: allocate the patient's visits, derive the counts, then apply the
    same count-based rules the board uses. Bands come from each coverage's `CoverageRule`."""
    visits = tuple(visits)
    bands_of: Mapping[int, StatusBands] = {c.coverage_id: c.bands for c in coverages}
    allocation = allocate(visits, records)
    counts = allocation.counts()
    auths = tuple(
        authorization_status(r, counts.get(r.key, NO_USAGE), today,
                             bands_of.get(r.coverage_id, DEFAULT_BANDS))
        for r in records
    )
    limit_statuses = tuple(
        limit_status(
            lim,
            count_plan_year(visits, lim.coverage_id,
                            plan_year(today, lim.start_month, lim.start_day)),
            today, bands_of.get(lim.coverage_id, DEFAULT_BANDS),
        )
        for lim in limits
    )
    checks = []
    for rule in coverages:
        uncovered = allocation.uncovered_booked(rule.coverage_id)
        checks.append(coverage_check(
            rule, records, today,
            request_pending=rule.coverage_id in pending_request_coverages,
            uncovered_booked=len(uncovered),
            first_uncovered=uncovered[0].day if uncovered else None,
        ))
    kx_result = kx_status(kx, kx_bands) if kx is not None else None
    status = patient_status(auths, limit_statuses, kx_result, checks, plans)
    return Panel(today, status, auths, limit_statuses, kx_result, tuple(checks), allocation)
