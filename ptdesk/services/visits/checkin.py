"""Check-in (issue 10 item 1): decide go / warn / stop for one visit, check it in, and keep
every stop a person overrode (reason, by, when) with the visit.

The decision is `domain.checkin.decide_check_in` over the parts of the visit's coverage, built
exactly as the patient's panel builds them (`domain.patient_status.patient_panel` on the
patient's visits), plus the plan of care that speaks for today. Checking in re-decides inside
the same transaction, so a stop cannot slip through between the screen and the save.

Times: `at` is the desk's aware clock; it is stored in UTC and read back aware (SQLite keeps
the naive UTC value, PostgreSQL a timestamptz), then shown in the desk's local time.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.checkin import CheckInDecision, Outcome, decide_check_in
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.overrides import OverrideDraft, OverrideKind, OverrideReason, check_override
from ptdesk.domain.patient_status import CoverageRule, patient_panel
from ptdesk.domain.payers import PayerKind, VisitStatus
from ptdesk.domain.status import Status
from ptdesk.domain.visit_allocation import USED_STATUSES
from ptdesk.services.accounts.access import Permission, require
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.authorizations.plan_of_care import current_plans
from ptdesk.services.authorizations.records import (
    flushed_connection,
    load_coverage,
    patient_records,
    refresh_patient,
)
from ptdesk.services.authorizations.status_inputs import chip, kx_input, visit_limit
from ptdesk.services.authorizations.status_settings import load_bands
from ptdesk.services.patients.dtos import display_name
from ptdesk.services.visits.checkin_dtos import (
    CheckInResult,
    CheckInStopped,
    CheckInView,
    FindingView,
    OverrideView,
)
from ptdesk.services.visits.records import VisitNotFound, _view
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    AuthorizationRequest,
    Patient,
    PlanOfCareRecord,
    Visit,
    VisitOverride,
)

_OUTCOME_STATUS = {Outcome.GO: Status.GREEN, Outcome.WARN: Status.YELLOW,
                   Outcome.STOP: Status.RED}


@dataclass(frozen=True, slots=True)
class VisitHead:
    """What the decision needs of the visit, read in one row (the ORM's `get` of a visit,
    its lines and its patient cost more than the rest of the decision)."""

    id: int
    patient_id: int
    coverage_id: int | None
    visit_date: date
    status: VisitStatus
    patient_name: str
    chart_number: str
    has_plans: bool  # any plan of care on file (else that query is skipped)
    pending: bool  # a request awaiting the payer on the visit's coverage


@cache
def _head_statement() -> Select[tuple[object, ...]]:
    """Built once: building it costs about as much as SQLite running it."""
    plans = (select(func.count(PlanOfCareRecord.id))
             .where(PlanOfCareRecord.patient_id == Visit.patient_id).scalar_subquery())
    pending = (select(func.count(AuthorizationRequest.id))
               .where(AuthorizationRequest.coverage_id == Visit.coverage_id,
                      AuthorizationRequest.status.in_(("pending", "appealed")))
               .scalar_subquery())
    return (select(Visit.id, Visit.patient_id, Visit.coverage_id, Visit.visit_date, Visit.status,
                   Patient.last_name, Patient.first_name, Patient.preferred_name,
                   Patient.chart_number, plans, pending)
            .join(Patient, Patient.id == Visit.patient_id)
            .where(Visit.id == bindparam("visit_id")))


def visit_head(s: Session, visit_id: int) -> VisitHead:
    r = flushed_connection(s).execute(_head_statement(), {"visit_id": visit_id}).one_or_none()
    if r is None:
        raise VisitNotFound("This visit is no longer in the database.")
    return VisitHead(r[0], r[1], r[2], r[3], r[4], display_name(r[5], r[6], r[7]), r[8],
                     bool(r[9]), bool(r[10]))


def decide_visit(s: Session, visit: VisitHead, today: date) -> CheckInDecision:
    """The decision for `visit` on `today`, from the same parts as the patient's panel."""
    if visit.coverage_id is None:
        return decide_check_in(today, self_pay=True)
    data = load_coverage(s, visit.patient_id, visit.coverage_id)
    cov = data.coverage(visit.coverage_id)
    if cov is None or cov.payer_kind is PayerKind.SELF_PAY:
        return decide_check_in(today, self_pay=True)
    bands = load_bands(s)
    plans = [p.status for p in current_plans(s, today, bands, [visit.patient_id])
             .get(visit.patient_id, ()) if p.plan.coverage_id in (None, cov.id)
             ] if visit.has_plans else []
    b = bands.for_payer(cov.payer_id)
    rule = CoverageRule(cov.id, cov.payer_name, cov.requires_auth, b.status)
    lim = visit_limit(cov)
    kx = None
    if cov.payer_kind is PayerKind.MEDICARE:
        own = sum((data.amounts.get(v.visit_id, Decimal("0")) for v in data.visits
                   if v.coverage_id == cov.id and v.day.year == today.year
                   and v.status in USED_STATUSES), Decimal("0.00"))
        kx = kx_input(cov, today.year, own)
    pending = visit.pending
    records = [r for r in patient_records(data) if r.coverage_id == cov.id]
    panel = patient_panel(today, records, data.visits, [rule], [lim] if lim else [], kx,
                          kx_bands=b.kx,
                          pending_request_coverages=frozenset({cov.id}) if pending else
                          frozenset())
    mine = next((v for v in data.visits if v.visit_id == visit.id), None)
    return decide_check_in(
        today, authorizations=panel.authorizations, limits=panel.limits, kx=panel.kx,
        coverages=panel.coverages, plans=plans, codes=mine.codes if mine else ())


def _view_of(visit: VisitHead, d: CheckInDecision) -> CheckInView:
    st = _OUTCOME_STATUS[d.outcome]
    h = d.headline
    tip = " ".join(x for x in (h.sentence, h.next_step) if x)
    return CheckInView(
        visit.id, visit.patient_id, visit.patient_name, visit.chart_number, visit.visit_date,
        d.outcome, d.line,
        tuple(FindingView(f.outcome, f.rule, f.subject, f.phrase, f.sentence, f.next_step)
              for f in d.findings),
        StatusChipView(st, st.icon_name, d.line, tip),
        chip(d.status.status, d.status.reasons), d.stop_rules,
    )


def override_view(o: VisitOverride, v: Visit, p: Patient) -> OverrideView:
    draft = OverrideDraft(o.reason, o.detail, o.by)
    return OverrideView(
        v.id, v.patient_id, display_name(p.last_name, p.first_name, p.preferred_name),
        p.chart_number, v.visit_date, o.reason, draft.words(), o.detail, o.by,
        o.at, tuple(x for x in o.rules.split(" ") if x), o.words, o.kind)


class CheckInService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def decide(self, visit_id: int, today: date) -> CheckInView:
        with session_scope(self._factory) as s:
            head = visit_head(s, visit_id)
            return _view_of(head, decide_visit(s, head, today))

    def check_in(self, visit_id: int, at: datetime,
                 override: OverrideDraft | None = None) -> CheckInResult:
        """Check the visit in. A stop raises `CheckInStopped` unless `override` gives a reason
        (checked by `domain.overrides.check_override`). Overriding a stop needs the
        `override_checkin` permission (issue 12: a manager's decision); the override is recorded
        under the signed-in person's name, whatever was typed."""
        if at.tzinfo is None:  # refused before deciding (the Instant column would refuse it too)
            raise ValueError("check-in times must be timezone-aware (ptdesk.app.clock.local_now)")
        require(Permission.SCHEDULE_VISITS)
        when = at  # an Instant column: aware in, UTC stored, aware out
        clean = check_override(override) if override is not None else None
        with session_scope(self._factory) as s:
            v, p = self._get(s, visit_id)
            if v.status is not VisitStatus.BOOKED:
                raise ValidationErrors({"status": f"This visit is already "
                                                  f"{v.status.label.lower()}."})
            head = visit_head(s, visit_id)
            d = decide_visit(s, head, at.date())
            view = _view_of(head, d)
            ov: OverrideView | None = None
            if d.outcome is Outcome.STOP:
                if clean is None or clean.reason is None:
                    raise CheckInStopped(view)
                actor = require(Permission.OVERRIDE_CHECKIN)
                o = VisitOverride(visit_id=v.id, kind=OverrideKind.CHECK_IN, reason=clean.reason,
                                  detail=clean.detail, by=actor.name[:80], at=when,
                                  rules=" ".join(d.stop_rules)[:200], words=d.line)
                s.add(o)
                s.flush()
                ov = override_view(o, v, p)
            v.status = VisitStatus.CHECKED_IN
            v.checked_in_at = when
            s.flush()
            _, token = refresh_patient(s, v.patient_id)
            s.refresh(v, ["authorization_id"])
            return CheckInResult(_view(v, token), view, ov)

    def overrides(self, start: date, end: date) -> tuple[OverrideView, ...]:
        """Every overridden stop on visits dated start..end (inclusive), newest first."""
        with session_scope(self._factory) as s:
            rows = s.execute(
                select(VisitOverride, Visit, Patient)
                .join(Visit, Visit.id == VisitOverride.visit_id)
                .join(Patient, Patient.id == Visit.patient_id)
                .where(Visit.visit_date >= start, Visit.visit_date <= end)
                .order_by(Visit.visit_date.desc(), VisitOverride.at.desc(), VisitOverride.id)
            ).all()
            return tuple(override_view(o, v, p) for o, v, p in rows)

    def visit_today(self, patient_id: int, day: date) -> int | None:
        """The patient's first booked visit on `day` (what Ctrl+I in the lookup checks in)."""
        with session_scope(self._factory) as s:
            return s.execute(
                select(Visit.id).where(Visit.patient_id == patient_id, Visit.visit_date == day,
                                       Visit.status == VisitStatus.BOOKED)
                .order_by(Visit.scheduled_time, Visit.id).limit(1)).scalar_one_or_none()

    @staticmethod
    def _get(s: Session, visit_id: int) -> tuple[Visit, Patient]:
        v = s.get(Visit, visit_id)
        if v is None:
            raise VisitNotFound("This visit is no longer in the database.")
        p = s.get(Patient, v.patient_id)
        assert p is not None
        return v, p


__all__ = ["CheckInService", "CheckInStopped", "OverrideReason"]
