"""The practice board: pure aggregation over plain rows the service reads with GROUP BY.

Built for 20,000 active authorizations in well under 100 ms: per authorization it applies the
same count-based `authorization_status` the patient panel uses, and builds no words; a row's
reasons are built on demand (`BoardRow.reasons()`), for the rows a screen actually shows.

Inputs the service provides (one row each, all plain):
- `BoardPatient`: the active patients (name for sorting and display);
- `BoardAuth`: per authorization (or unit pool) its record and `UsageCounts` (used, booked,
  last booked; from visits whose allocation the service persisted);
- `BoardCoverage`: per coverage whether the payer needs an authorization, booked visits no
  authorization covers, and what re-verification needs (verified on, plan-year start, episode);
- `BoardLimit`, `BoardKx`: plan-year limit counts and Medicare KX inputs;
- `BoardRequest`: renewal requests (all awaiting ones, plus decided ones in the report window).
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from ptdesk.domain.authorization import (
    AuthorizationRecord,
    AuthorizationStatus,
    Phase,
    UsageCounts,
    authorization_status,
)
from ptdesk.domain.checkin import CheckInDecision, decide_check_in
from ptdesk.domain.kx_status import DEFAULT_KX_BANDS, KxBands, KxInput, KxStatus, kx_status
from ptdesk.domain.patient_status import (
    CoverageCheck,
    CoverageRule,
    PatientStatus,
    coverage_check,
    patient_status,
    relevant_authorizations,
)
from ptdesk.domain.plan_of_care import PlanOfCareStatus
from ptdesk.domain.renewal import (
    CMS_0057_F_TURNAROUND,
    RenewalRequest,
    RequestStatus,
    RequestTimeline,
    Turnaround,
    request_timeline,
)
from ptdesk.domain.status import DEFAULT_BANDS, Status
from ptdesk.domain.visit_limits import (
    LimitCounts,
    LimitStatus,
    VisitLimit,
    limit_status,
    verification_due,
)


@dataclass(frozen=True, slots=True)
class BoardPatient:
    patient_id: int
    name: str


@dataclass(frozen=True, slots=True)
class BoardAuth:
    patient_id: int
    record: AuthorizationRecord
    counts: UsageCounts


@dataclass(frozen=True, slots=True)
class BoardCoverage:
    patient_id: int
    rule: CoverageRule
    uncovered_booked: int = 0
    first_uncovered: date | None = None
    verified_on: date | None = None
    plan_year_start_month: int = 1
    plan_year_start_day: int = 1
    episode_started_on: date | None = None


@dataclass(frozen=True, slots=True)
class BoardLimit:
    patient_id: int
    limit: VisitLimit
    counts: LimitCounts


@dataclass(frozen=True, slots=True)
class BoardKx:
    patient_id: int
    data: KxInput


@dataclass(frozen=True, slots=True)
class BoardPlan:
    patient_id: int
    status: PlanOfCareStatus  # the plan of care that speaks for today


@dataclass(frozen=True, slots=True)
class BoardRequest:
    patient_id: int
    request: RenewalRequest
    turnaround: Turnaround = CMS_0057_F_TURNAROUND


@dataclass(frozen=True, slots=True)
class BoardRow:
    patient_id: int
    name: str
    status: Status
    next_end: date | None  # soonest end of an in-force authorization
    authorizations: tuple[AuthorizationStatus, ...]
    limits: tuple[LimitStatus, ...]
    kx: KxStatus | None
    coverages: tuple[CoverageCheck, ...]
    plans: tuple[PlanOfCareStatus, ...] = ()

    def patient_status(self) -> PatientStatus:
        """Every reason, worst first (built on demand)."""
        return patient_status(self.authorizations, self.limits, self.kx, self.coverages,
                              self.plans)

    def check_in(self, today: date) -> CheckInDecision:
        """Go / warn / stop for a visit today, over every coverage of the row (the board's
        export and work list; the desk's check-in narrows to the visit's coverage)."""
        return decide_check_in(
            today, authorizations=self.authorizations, limits=self.limits, kx=self.kx,
            coverages=self.coverages, plans=self.plans, self_pay=not self.coverages)


@dataclass(frozen=True, slots=True)
class EndingSoon:
    patient_id: int
    name: str
    authorization: AuthorizationStatus


@dataclass(frozen=True, slots=True)
class AwaitingDecision:
    patient_id: int
    name: str
    timeline: RequestTimeline


@dataclass(frozen=True, slots=True)
class Reverify:
    patient_id: int
    name: str
    coverage_id: int
    payer_name: str
    why: str


@dataclass(frozen=True, slots=True)
class PayerStats:
    payer_name: str
    requests: int
    decided: int
    median_turnaround_days: float | None  # sent date to decision date, decided requests
    approval_rate: float | None  # (approved + partly approved) / decided
    denial_reasons: tuple[tuple[str, int], ...]  # most frequent first
    # ((ISO year, ISO week of sending), outcome) -> count, sorted by week then outcome.
    by_week: tuple[tuple[tuple[int, int], RequestStatus, int], ...]


@dataclass(frozen=True, slots=True)
class Board:
    today: date
    rows: tuple[BoardRow, ...]  # Red first, then No authorization, Yellow, Green, untracked
    counts: dict[Status, int]
    ending_soon: tuple[EndingSoon, ...]  # in force, ending within `ending_within_days`
    awaiting: tuple[AwaitingDecision, ...]  # overdue first, then by due time
    reverify: tuple[Reverify, ...]
    payers: tuple[PayerStats, ...]  # by payer name

    @property
    def red(self) -> int:
        return self.counts.get(Status.RED, 0)

    @property
    def yellow(self) -> int:
        return self.counts.get(Status.YELLOW, 0)


_FAR = date.max


def build_board(
    today: date,
    now: datetime,
    patients: Sequence[BoardPatient],
    auths: Sequence[BoardAuth] = (),
    coverages: Sequence[BoardCoverage] = (),
    limits: Sequence[BoardLimit] = (),
    kx: Sequence[BoardKx] = (),
    requests: Sequence[BoardRequest] = (),
    *,
    ending_within_days: int = 14,
    kx_bands: KxBands = DEFAULT_KX_BANDS,
    plans: Sequence[BoardPlan] = (),
) -> Board:
    names = {p.patient_id: p.name for p in patients}
    bands_of = {c.rule.coverage_id: c.rule.bands for c in coverages}
    by_patient: dict[int, list[AuthorizationStatus]] = defaultdict(list)
    records_of: dict[int, list[AuthorizationRecord]] = defaultdict(list)
    ending: list[EndingSoon] = []
    for row in auths:
        if row.patient_id not in names:
            continue
        r = row.record
        a = authorization_status(r, row.counts, today, bands_of.get(r.coverage_id, DEFAULT_BANDS))
        by_patient[row.patient_id].append(a)
        records_of[row.patient_id].append(r)
        if a.phase is Phase.IN_FORCE and a.days_left <= ending_within_days:
            ending.append(EndingSoon(row.patient_id, names[row.patient_id], a))

    awaiting: list[AwaitingDecision] = []
    pending_cov: set[int] = set()
    for req in requests:
        if req.request.status.awaiting:
            pending_cov.add(req.request.coverage_id)
            if req.patient_id in names:
                awaiting.append(AwaitingDecision(
                    req.patient_id, names[req.patient_id],
                    request_timeline(req.request, now, req.turnaround)))

    checks: dict[int, list[CoverageCheck]] = defaultdict(list)
    reverify: list[Reverify] = []
    for c in coverages:
        if c.patient_id not in names:
            continue
        checks[c.patient_id].append(coverage_check(
            c.rule, records_of.get(c.patient_id, ()), today,
            request_pending=c.rule.coverage_id in pending_cov,
            uncovered_booked=c.uncovered_booked, first_uncovered=c.first_uncovered))
        v = verification_due(today, c.verified_on, c.plan_year_start_month,
                             c.plan_year_start_day, c.episode_started_on)
        if v.due:
            reverify.append(Reverify(c.patient_id, names[c.patient_id], c.rule.coverage_id,
                                     c.rule.payer_name, v.why))

    limit_of: dict[int, list[LimitStatus]] = defaultdict(list)
    for lim in limits:
        if lim.patient_id in names:
            limit_of[lim.patient_id].append(limit_status(
                lim.limit, lim.counts, today, bands_of.get(lim.limit.coverage_id, DEFAULT_BANDS)))
    kx_of = {k.patient_id: kx_status(k.data, kx_bands) for k in kx if k.patient_id in names}

    plans_of: dict[int, list[PlanOfCareStatus]] = defaultdict(list)
    for bp in plans:
        if bp.patient_id in names:
            plans_of[bp.patient_id].append(bp.status)

    rows: list[BoardRow] = []
    in_force = Phase.IN_FORCE
    no_parts: tuple[LimitStatus | CoverageCheck, ...] = ()
    for p in patients:
        pid = p.patient_id
        mine = by_patient.get(pid)
        rel = relevant_authorizations(mine) if mine else ()
        lims = tuple(limit_of[pid]) if pid in limit_of else ()
        k = kx_of.get(pid)
        covs = tuple(checks[pid]) if pid in checks else ()
        st = Status.NOT_TRACKED
        sev = 0
        next_end = _FAR
        for a in rel:
            s = a.status.severity
            if s > sev:
                st, sev = a.status, s
            if a.phase is in_force and a.record.effective_end < next_end:
                next_end = a.record.effective_end
        for part in (lims + covs) if (lims or covs) else no_parts:
            s = part.status.severity
            if s > sev:
                st, sev = part.status, s
        if k is not None and k.status.severity > sev:
            st, sev = k.status, k.status.severity
        pls = tuple(plans_of[pid]) if pid in plans_of else ()
        for pl in pls:
            if pl.status.severity > sev:
                st, sev = pl.status, pl.status.severity
        rows.append(BoardRow(pid, p.name, st, None if next_end is _FAR else next_end,
                             rel, lims, k, covs, pls))
    rows.sort(key=lambda r: (-r.status.severity, r.next_end or _FAR, r.name, r.patient_id))
    counts = Counter(r.status for r in rows)
    ending.sort(key=lambda e: (e.authorization.record.effective_end, e.name, e.patient_id))
    awaiting.sort(key=lambda a: (not a.timeline.overdue, a.timeline.due_at or now, a.name))
    reverify.sort(key=lambda v: (v.name, v.patient_id, v.coverage_id))
    return Board(today, tuple(rows), dict(counts), tuple(ending), tuple(awaiting),
                 tuple(reverify), payer_stats([r.request for r in requests]))


def payer_stats(requests: Sequence[RenewalRequest]) -> tuple[PayerStats, ...]:
    """Per payer: turnaround median, approval rate, denial reasons, requests by week."""
    groups: dict[str, list[RenewalRequest]] = defaultdict(list)
    for r in requests:
        if r.sent_at is not None:
            groups[r.payer_name].append(r)
    out: list[PayerStats] = []
    for payer in sorted(groups):
        rs = groups[payer]
        decided = [r for r in rs if r.status.decided and r.decided_on is not None]
        turn = [
            (r.decided_on - r.sent_at.date()).days
            for r in decided
            if r.decided_on is not None and r.sent_at is not None
        ]
        approved = sum(r.status is not RequestStatus.DENIED for r in decided)
        denials = Counter(r.denial_reason or "(no reason given)" for r in decided
                          if r.status is RequestStatus.DENIED)
        weeks: Counter[tuple[tuple[int, int], RequestStatus]] = Counter()
        for r in rs:
            assert r.sent_at is not None
            iso = r.sent_at.date().isocalendar()
            weeks[((iso.year, iso.week), r.status)] += 1
        out.append(PayerStats(
            payer, len(rs), len(decided),
            float(median(turn)) if turn else None,
            approved / len(decided) if decided else None,
            tuple(sorted(denials.items(), key=lambda kv: (-kv[1], kv[0]))),
            tuple((w, s, n) for (w, s), n in sorted(weeks.items())),
        ))
    return tuple(out)
