"""The practice board's inputs for a day: one row per active patient (the name, the chart
number and the day-independent inputs kept derived in `board_inputs`), the payers, the
renewal requests and the plans of care; then `domain.board.build_board` applies the rules.

What depends on the day is decided here as the board always did: the coverages in force, the
authorizations not ended whose end is today or later plus, for a coverage with no approved one
still running, the latest expired ones; the plan-year and calendar-year counts of today.
Order (it decides which reason a chip shows among equals): patients by id, a patient's
coverages and authorizations by id (the expired ones after the running ones).
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy import BindParameter, Executable, bindparam, or_, select
from sqlalchemy.orm import Session

from ptdesk.domain.authorization import NO_USAGE, UsageCounts
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
from ptdesk.domain.status import coverage_role
from ptdesk.domain.visit_limits import LimitCounts, plan_year
from ptdesk.services.authorizations.board_inputs import StoredCoverage, StoredInputs
from ptdesk.services.authorizations.patient_data import AuthRow, CoverageRow
from ptdesk.services.authorizations.plan_of_care import current_plans
from ptdesk.services.authorizations.records import records_for
from ptdesk.services.authorizations.renewals import domain_request, turnaround_of
from ptdesk.services.authorizations.status_inputs import kx_input, medicare_coverage, visit_limit
from ptdesk.services.authorizations.status_settings import default_value, load_bands
from ptdesk.services.authorizations.usage_rows import PLAN, YEAR
from ptdesk.services.patients.dtos import display_name
from ptdesk.storage.models import (
    AuthorizationRequest,
    BoardInputs,
    Coverage,
    Patient,
    Payer,
)

STATS_WEEKS = 26  # decided requests in the per-payer statistics: the last six months


class BoardExtra:
    """What the views need beside the domain's board."""

    def __init__(self) -> None:
        self.requests: list[BoardRequest] = []
        self.chart: dict[int, str] = {}
        self.payer_of_cov: dict[int, str] = {}
        self.first_payer: dict[int, str] = {}


@cache
def _patients_statement(some: bool) -> Executable:
    """Built once (building a statement costs more than SQLite running it for a few ids)."""
    q = (select(Patient.id, Patient.last_name, Patient.first_name, Patient.preferred_name,
                Patient.chart_number, BoardInputs.inputs)
         .outerjoin(BoardInputs, BoardInputs.patient_id == Patient.id)
         .where(Patient.active))
    if some:
        ids: BindParameter[int] = bindparam("ids", expanding=True)
        q = q.where(Patient.id.in_(ids))
    return q.order_by(Patient.id)


_PAYERS = select(Payer.id, Payer.name, Payer.kind, Payer.requires_prior_auth,
                 Payer.decision_days_standard, Payer.decision_hours_expedited)


def _coverage_row(c: StoredCoverage, p: tuple[object, ...]) -> CoverageRow:
    return CoverageRow(
        c.id, c.payer_id, p[1], p[2], p[3], c.priority,  # type: ignore[arg-type]
        c.effective_date, c.end_date, c.plan_year_start_month, c.plan_year_start_day,
        c.visit_limit, c.visits_used_elsewhere, c.visits_used_elsewhere_as_of,
        c.therapy_amount_elsewhere, c.therapy_amount_elsewhere_year, c.verified_on,
        p[4], p[5])  # type: ignore[arg-type]


def load_board(
    s: Session, today: date, now: datetime, patient_ids: Sequence[int] | None
) -> tuple[Board, BoardExtra]:
    extra = BoardExtra()
    bands = load_bands(s)
    conn = s.connection()
    payers = {r[0]: tuple(r) for r in conn.execute(_PAYERS)}
    params = {"ids": list(patient_ids)} if patient_ids is not None else {}
    rows = conn.execute(_patients_statement(patient_ids is not None), params).all()
    patients: list[BoardPatient] = []
    board_auths: list[BoardAuth] = []
    board_covs: list[BoardCoverage] = []
    limits: list[BoardLimit] = []
    kx: list[BoardKx] = []
    jan1 = date(today.year, 1, 1)
    t = today.isoformat()
    for pid, last, first, preferred, chart, text in rows:
        patients.append(BoardPatient(pid, display_name(last, first, preferred)))
        extra.chart[pid] = chart
        if text is None:
            continue
        got = StoredInputs(text, today)
        if not got.coverages:
            continue
        covs = [_coverage_row(c, payers[c.payer_id]) for c in got.coverages]
        extra.first_payer.setdefault(pid, covs[0].payer_name)
        # Not ended, ending today or later; then, for a coverage with no approved one still
        # running, its latest expired ones (ISO dates compare as the dates do).
        chosen = [a for a in got.auths if a[5] >= t]
        running = {a[1] for a in chosen if a[3] == "active"}
        last_end: dict[int, str] = {}
        for a in got.auths:
            if a[1] not in running and t > a[5] > last_end.get(a[1], ""):
                last_end[a[1]] = a[5]
        if last_end:
            chosen += [a for a in got.auths if a[1] in last_end and a[5] == last_end[a[1]]]
        usage: dict[tuple[int, str], UsageCounts] = {}
        for a in chosen:
            usage.update(got.usage(a))
        names = {c.id: c.payer_name for c in covs}
        roles = {c.id: coverage_role(c.priority) for c in covs}
        for rec in records_for([AuthRow(*got.auth_row(a)) for a in chosen], names, roles):
            board_auths.append(BoardAuth(pid, rec, usage.get(rec.key, NO_USAGE)))
        unc = got.uncovered()
        for c in covs:
            extra.payer_of_cov[c.id] = c.payer_name
            n, first_unc = unc.get(c.id, (0, None))
            board_covs.append(BoardCoverage(
                pid, CoverageRule(c.id, c.payer_name, c.requires_auth,
                                  bands.for_payer(c.payer_id).status, coverage_role(c.priority)),
                n, first_unc, c.verified_on, c.plan_year_start_month, c.plan_year_start_day))
            lim = visit_limit(c)
            if lim is not None:
                start = plan_year(today, c.plan_year_start_month, c.plan_year_start_day).start
                u = got.period(c.id, PLAN, start)
                limits.append(BoardLimit(pid, lim, LimitCounts(u[0], u[1], u[2]) if u
                                         else LimitCounts()))
        mc = medicare_coverage(covs, today)
        if mc is not None:
            u = got.period(mc.id, YEAR, jan1)
            kx.append(BoardKx(pid, kx_input(mc, today.year, u[3] if u else Decimal("0"))))
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
