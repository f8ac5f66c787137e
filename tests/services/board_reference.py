"""The practice board's loader as it was before `board_inputs` (issue 9 #3): reads the
coverages, authorizations, usage, coverage and period rows of every active patient from their
own tables. Kept here only as the reference the derived-input board must equal
(tests/services/test_board_inputs.py). The one change: ORDER BY id on the coverages and the
authorizations (the old statements had none, so the order among equal reasons was whatever
the database returned); the derived board orders by id.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from ptdesk.domain.authorization import NO_USAGE, AuthState, UsageCounts
from ptdesk.domain.board import (
    Board,
    BoardAuth,
    BoardCoverage,
    BoardKx,
    BoardLimit,
    BoardPatient,
    BoardPlan,
    BoardRequest,
    build_board,
)
from ptdesk.domain.patient_status import CoverageRule
from ptdesk.domain.payers import PayerKind
from ptdesk.domain.status import coverage_role
from ptdesk.domain.visit_limits import LimitCounts, plan_year
from ptdesk.services.authorizations.patient_data import AuthRow, CoverageRow
from ptdesk.services.authorizations.plan_of_care import current_plans
from ptdesk.services.authorizations.records import _AUTH_COLS, _COV_COLS, coverage_row, records_for
from ptdesk.services.authorizations.renewals import domain_request, turnaround_of
from ptdesk.services.authorizations.status_inputs import kx_input, medicare_coverage, visit_limit
from ptdesk.services.authorizations.status_settings import default_value, load_bands
from ptdesk.services.authorizations.usage_rows import PLAN, YEAR
from ptdesk.services.patients.dtos import display_name
from ptdesk.storage.models import (
    Authorization,
    AuthorizationCode,
    AuthorizationRequest,
    AuthorizationUsage,
    Coverage,
    CoverageUsage,
    Patient,
    Payer,
    PeriodUsage,
)

STATS_WEEKS = 26


class _Extra:
    def __init__(self) -> None:
        self.requests: list[BoardRequest] = []
        self.chart: dict[int, str] = {}
        self.payer_of_cov: dict[int, str] = {}
        self.first_payer: dict[int, str] = {}


def reference_board(
    s: Session, today: date, now: datetime, patient_ids: Sequence[int] | None
) -> tuple[Board, _Extra]:
    extra = _Extra()
    bands = load_bands(s)
    pq = select(Patient.id, Patient.last_name, Patient.first_name, Patient.preferred_name,
                Patient.chart_number).where(Patient.active)
    cq = (select(Coverage.patient_id, *_COV_COLS).join(Payer, Payer.id == Coverage.payer_id)
          .join(Patient, Patient.id == Coverage.patient_id)
          .where(Patient.active, Coverage.effective_date <= today,
                 or_(Coverage.end_date.is_(None), Coverage.end_date >= today)))
    if patient_ids is not None:
        pq = pq.where(Patient.id.in_(patient_ids))
        cq = cq.where(Coverage.patient_id.in_(patient_ids))
    patients = [BoardPatient(r[0], display_name(r[1], r[2], r[3]))
                for r in s.execute(pq.order_by(Patient.id))]
    for r in s.execute(pq):
        extra.chart[r[0]] = r[4]
    covs: dict[int, tuple[int, CoverageRow]] = {}
    for r in s.execute(cq.order_by(Coverage.id)):
        c = coverage_row(r[1:])
        covs[c.id] = (r[0], c)
        extra.payer_of_cov[c.id] = c.payer_name
        extra.first_payer.setdefault(r[0], c.payer_name)
    cov_ids = list(covs)
    # Authorizations: every one not ended whose end is today or later, plus, for coverages
    # with no approved one still running, the expired ones (the domain keeps the latest).
    live = and_(Authorization.state != AuthState.ENDED, Authorization.end_date >= today)
    auths, usage = _auths(s, live, patient_ids)
    running = {a.coverage_id for a in auths if a.state is AuthState.ACTIVE}
    stale = [c for c in cov_ids if c not in running]
    if stale:
        # Only the latest expired one of each coverage with nothing running, never the history.
        wanted = set(stale)
        last: dict[int, tuple[date, list[int]]] = {}
        for aid, cid, end in s.execute(
            select(Authorization.id, Authorization.coverage_id, Authorization.end_date)
            .where(Authorization.state != AuthState.ENDED, Authorization.end_date < today,
                   Authorization.coverage_id.in_(stale) if patient_ids is not None
                   else Authorization.id > 0).order_by(Authorization.id)
        ):
            if cid in wanted:
                prev = last.get(cid)
                if prev is None or end > prev[0]:
                    last[cid] = (end, [aid])
                elif end == prev[0]:
                    prev[1].append(aid)
        ids = sorted(i for _, group in last.values() for i in group)
        for k in range(0, len(ids), 900):
            more, more_usage = _auths(s, Authorization.id.in_(ids[k:k + 900]), None)
            auths += more
            usage.update(more_usage)
    names = {cid: c.payer_name for cid, (_, c) in covs.items()}
    roles = {cid: coverage_role(c.priority) for cid, (_, c) in covs.items()}
    board_auths = []
    for rec in records_for((a for a in auths if a.coverage_id in covs), names, roles):
        board_auths.append(BoardAuth(covs[rec.coverage_id][0], rec,
                                     usage.get(rec.key, NO_USAGE)))
    uq = (select(CoverageUsage.coverage_id, CoverageUsage.uncovered_booked,
                 CoverageUsage.first_uncovered).where(CoverageUsage.uncovered_booked > 0))
    if patient_ids is not None:
        uq = uq.where(CoverageUsage.patient_id.in_(patient_ids))
    unc = {r[0]: (r[1], r[2]) for r in s.execute(uq)}
    board_covs = []
    for cid, (pid, c) in covs.items():
        n, first = unc.get(cid, (0, None))
        board_covs.append(BoardCoverage(
            pid, CoverageRule(cid, c.payer_name, c.requires_auth,
                              bands.for_payer(c.payer_id).status, coverage_role(c.priority)),
            n, first, c.verified_on, c.plan_year_start_month, c.plan_year_start_day))
    periods: dict[tuple[int, str, date], tuple[int, int, date | None, object]] = {}
    pu = select(PeriodUsage.coverage_id, PeriodUsage.kind, PeriodUsage.period_start,
                PeriodUsage.used, PeriodUsage.booked, PeriodUsage.last_booked,
                PeriodUsage.allowed_amount).join(Coverage, Coverage.id == PeriodUsage.coverage_id)
    pu = pu.join(Payer, Payer.id == Coverage.payer_id).where(or_(
        and_(PeriodUsage.kind == PLAN, Coverage.visit_limit_per_year.is_not(None),
             PeriodUsage.period_start >= today - timedelta(days=366)),
        and_(PeriodUsage.kind == YEAR, Payer.kind == PayerKind.MEDICARE,
             PeriodUsage.period_start == date(today.year, 1, 1))))
    if patient_ids is not None:
        pu = pu.where(PeriodUsage.patient_id.in_(patient_ids))
    for pr in s.execute(pu):
        periods[(pr[0], pr[1], pr[2])] = (pr[3], pr[4], pr[5], pr[6])
    limits = []
    kx = []
    by_patient: dict[int, list[CoverageRow]] = defaultdict(list)
    for pid, c in covs.values():
        by_patient[pid].append(c)
        lim = visit_limit(c)
        if lim is not None:
            start = plan_year(today, c.plan_year_start_month, c.plan_year_start_day).start
            u = periods.get((c.id, PLAN, start))
            limits.append(BoardLimit(pid, lim, LimitCounts(u[0], u[1], u[2]) if u
                                     else LimitCounts()))
    for pid, cs in by_patient.items():
        mc = medicare_coverage(cs, today)
        if mc is not None:
            u = periods.get((mc.id, YEAR, date(today.year, 1, 1)))
            own = u[3] if u else None
            kx.append(BoardKx(pid, kx_input(mc, today.year,
                                            own if isinstance(own, Decimal) else Decimal("0"))))
    requests = _requests(s, today, patient_ids)
    extra.requests = requests
    plans = [BoardPlan(pid, p.status) for pid, ps in
             current_plans(s, today, bands, patient_ids).items() for p in ps]
    board = build_board(
        today, now, patients, board_auths, board_covs, limits, kx, requests,
        ending_within_days=int(default_value("ending_soon_days")), kx_bands=bands.clinic.kx,
        plans=plans,
    )
    return board, extra


def _auths(
    s: Session, cond: ColumnElement[bool], patient_ids: Sequence[int] | None
) -> tuple[list[AuthRow], dict[tuple[int, str], UsageCounts]]:
    q = select(*_AUTH_COLS).where(cond)
    cq = (select(AuthorizationCode.authorization_id, AuthorizationCode.code,
                 AuthorizationCode.authorized_units)
          .join(Authorization, Authorization.id == AuthorizationCode.authorization_id)
          .where(cond))
    uq = (select(AuthorizationUsage.authorization_id, AuthorizationUsage.pool_code,
                 AuthorizationUsage.used, AuthorizationUsage.booked,
                 AuthorizationUsage.last_booked, AuthorizationUsage.first_booked_over)
          .join(Authorization, Authorization.id == AuthorizationUsage.authorization_id)
          .where(cond))
    if patient_ids is not None:
        own = select(Coverage.id).where(Coverage.patient_id.in_(patient_ids))
        q = q.where(Authorization.coverage_id.in_(own))
        cq = cq.where(Authorization.coverage_id.in_(own))
        uq = uq.where(Authorization.coverage_id.in_(own))
    codes: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for aid, code, units in s.execute(cq):
        codes[aid].append((code, units))
    rows = [AuthRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                    tuple(sorted(codes[r[0]])) if r[0] in codes else ())
            for r in s.execute(q.order_by(Authorization.id))]
    usage = {(r[0], r[1]): UsageCounts(r[2], r[3], r[4], r[5]) for r in s.execute(uq)}
    return rows, usage


def _requests(s: Session, today: date, patient_ids: Sequence[int] | None) -> list[BoardRequest]:
    # local midnight, aware: stored times are aware (storage.types.Instant)
    since = datetime.combine(today - timedelta(weeks=STATS_WEEKS), datetime.min.time()).astimezone()
    q = (select(AuthorizationRequest, Coverage.patient_id, Payer.name,
                Payer.decision_days_standard, Payer.decision_hours_expedited)
         .join(Coverage, Coverage.id == AuthorizationRequest.coverage_id)
         .join(Payer, Payer.id == Coverage.payer_id)
         .where(or_(AuthorizationRequest.status.in_(("pending", "appealed")),
                    AuthorizationRequest.sent_at >= since)))
    if patient_ids is not None:
        q = q.where(Coverage.patient_id.in_(patient_ids))
    return [BoardRequest(pid, domain_request(r, payer), turnaround_of(d, h))
            for r, pid, payer, d, h in s.execute(q)]
