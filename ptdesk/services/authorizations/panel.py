"""One patient's authorization panel, and the status column of the patient lookup.

The panel is the per-visit path: the patient's visits are allocated in Python
(`domain.patient_status.patient_panel`), so it is right even before the stored allocation is;
the lookup's column uses the board's stored counts for a page of patients.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from sqlalchemy import Select, bindparam, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.authorization import AuthorizationStatus
from ptdesk.domain.kx_status import KxStatus
from ptdesk.domain.patient_status import (
    CoverageRule,
    Panel,
    patient_panel,
    relevant_authorizations,
)
from ptdesk.domain.plan_of_care import PlanOfCareStatus
from ptdesk.domain.renewal import send_advice
from ptdesk.domain.status import ReasonCode, StatusReason, coverage_role
from ptdesk.domain.visit_allocation import USED_STATUSES
from ptdesk.domain.visit_limits import LimitStatus
from ptdesk.domain.words import plural
from ptdesk.services.authorizations.change_counter import COUNTER
from ptdesk.services.authorizations.dtos import (
    AuthorizationCardView,
    AuthorizationCodeDraft,
    AuthorizationDraft,
    KxCardView,
    LimitCardView,
    PanelView,
    PatientStatusView,
    ReasonView,
    RequestView,
    UsageExplanationView,
    UsageLineView,
)
from ptdesk.services.authorizations.patient_data import AuthRow, CoverageRow, PatientData
from ptdesk.services.authorizations.records import load_patient
from ptdesk.services.authorizations.renewals import request_views, turnaround_of
from ptdesk.services.authorizations.status_inputs import (
    chip,
    kx_input,
    medicare_coverage,
    visit_limit,
)
from ptdesk.services.authorizations.status_settings import BandTable, load_bands
from ptdesk.services.patients.dtos import display_name
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    AuthorizationRequest,
    ChangeCounter,
    Coverage,
    Patient,
    PlanOfCareRecord,
)


def reason_views(reasons: Iterable[StatusReason]) -> tuple[ReasonView, ...]:
    return tuple(ReasonView.of(r) for r in reasons)


@cache
def _head_statement() -> Select[tuple[object, ...]]:
    """The name, "any plan of care", the change token and "any authorization request" in one
    row, built once."""
    plans = (select(func.count(PlanOfCareRecord.id))
             .where(PlanOfCareRecord.patient_id == Patient.id).scalar_subquery())
    token = (select(ChangeCounter.value).where(ChangeCounter.name == COUNTER)
             .scalar_subquery())
    requests = exists().where(AuthorizationRequest.coverage_id == Coverage.id,
                              Coverage.patient_id == Patient.id)
    return (select(Patient.last_name, Patient.first_name, Patient.preferred_name, plans, token,
                   requests)
            .where(Patient.id == bindparam("pid")))


class PanelService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def panel(self, patient_id: int, today: date, now: datetime) -> PanelView:
        """Every authorization, limit, KX and request of the patient, with the status and
        every reason (the per-visit path: `domain.patient_status.patient_panel`)."""
        with session_scope(self._factory) as s:
            p = s.connection().execute(_head_statement(), {"pid": patient_id}).first()
            if p is None:
                from ptdesk.services.patients.records import PatientNotFound

                raise PatientNotFound("This patient is no longer in the database.")
            data = load_patient(s, patient_id)
            bands = load_bands(s)
            # Most patients never had a request: that query (the ORM's) only when one exists.
            requests = (request_views(s, now, coverage_ids=[c.id for c in data.coverages])
                        if p[5] else ())
            token = int(p[4] or 0)
            plans: tuple[PlanOfCareStatus, ...] = ()
            if p[3]:  # any plan of care on file (most patients have none: skip that query)
                from ptdesk.services.authorizations.plan_of_care import current_plans

                plans = tuple(r.status for r in current_plans(s, today, bands, [patient_id])
                              .get(patient_id, ()))
        return build_panel(patient_id, display_name(p[0], p[1], p[2]), data, bands, requests,
                           today, token, plans)


def build_panel(
    patient_id: int, name: str, data: PatientData, bands: BandTable,
    requests: tuple[RequestView, ...], today: date, token: int,
    plans: tuple[PlanOfCareStatus, ...] = (),
) -> PanelView:
    in_force = [c for c in data.coverages if c.in_force(today)]
    rules = [CoverageRule(c.id, c.payer_name, c.requires_auth, bands.for_payer(c.payer_id).status,
                          coverage_role(c.priority))
             for c in in_force]
    limits = [lim for c in in_force if (lim := visit_limit(c)) is not None]
    mc = medicare_coverage(data.coverages, today)
    kx = None
    if mc is not None:
        own = sum((data.amounts.get(v.visit_id, Decimal("0")) for v in data.visits
                   if v.coverage_id == mc.id and v.day.year == today.year
                   and v.status in USED_STATUSES), Decimal("0.00"))
        kx = kx_input(mc, today.year, own)
    open_reqs = [r for r in requests if r.status.awaiting]
    from ptdesk.services.authorizations.records import patient_records

    panel = patient_panel(
        today, patient_records(data), data.visits, rules, limits, kx,
        kx_bands=bands.for_payer(mc.payer_id).kx if mc else bands.clinic.kx,
        pending_request_coverages=frozenset(r.coverage_id for r in open_reqs), plans=plans,
    )
    covs = {c.id: c for c in data.coverages}
    auth_rows = {a.id: a for a in data.auths}
    relevant = {id(a) for a in relevant_authorizations(panel.authorizations)}
    cards = [
        _card(panel, a, auth_rows[a.record.auth_id], covs, bands, requests)
        for a in panel.authorizations
    ]
    order = {id(a): i for i, a in enumerate(panel.authorizations)}
    cards_sorted = sorted(
        zip(panel.authorizations, cards, strict=True),
        key=lambda ac: (id(ac[0]) not in relevant, -ac[0].status.severity
                        if id(ac[0]) in relevant else 0, -ac[0].record.effective_end.toordinal()
                        if id(ac[0]) not in relevant else ac[0].record.effective_end.toordinal(),
                        order[id(ac[0])]),
    )
    st = panel.status
    cov_reasons = tuple(r for c in panel.coverages for r in c.reasons())
    return PanelView(
        patient_id, name, today,
        PatientStatusView(chip(st.status, st.reasons), reason_views(st.reasons)),
        tuple(c for _, c in cards_sorted),
        tuple(_limit_card(x) for x in panel.limits),
        _kx_card(panel.kx, mc.id) if panel.kx is not None and mc is not None else None,
        requests, reason_views(cov_reasons), token,
    )


def _card(panel: Panel, a: AuthorizationStatus, row: AuthRow, covs: dict[int, CoverageRow],
          bands: BandTable, requests: tuple[RequestView, ...]) -> AuthorizationCardView:
    r = a.record
    cov = covs.get(r.coverage_id)
    b = bands.for_payer(cov.payer_id if cov else None)
    reasons = a.reasons()
    open_request = any(q.status.awaiting and (q.authorization_id == r.auth_id or (
        q.authorization_id is None and q.coverage_id == r.coverage_id)) for q in requests)
    advice = send_advice(a, open_request, b.timing,
                         turnaround_of(cov.decision_days_standard, cov.decision_hours_expedited)
                         if cov else turnaround_of(None, None))
    c = chip(a.status, reasons)
    head = next((x for x in reasons if x.status is a.status), None)
    over = next((x for x in reasons if x.code is ReasonCode.BOOKED_BEYOND_AUTH), None)
    ex = panel.explain(r.key, outside_dates=False)  # the card leaves those out
    codes = tuple(f"{code} ({plural(units, 'unit')})" if units is not None else code
                  for code, units in row.codes if not r.pool_code or code == r.pool_code)
    return AuthorizationCardView(
        r.auth_id, r.pool_code, r.coverage_id, r.payer_name, r.terms.number, r.state, a.phase,
        r.terms.counts, r.noun, a.authorized, a.used, a.booked, a.remaining, a.booked_over,
        r.terms.start, r.terms.end, r.effective_end, a.days_left, codes, r.carried_in,
        row.notes, c, head.sentence if head else "", head.next_step if head else "",
        reason_views(reasons), advice.when, advice.sentence, over.sentence if over else "",
        UsageExplanationView(
            ex.headline, ex.carried_in,
            tuple(UsageLineView(u.visit_id, u.day, u.status, u.amount, u.words)
                  for u in ex.counted),
            tuple(UsageLineView(u.visit_id, u.day, u.status, 0, u.words,
                                u.reason.label if u.reason else "")
                  for u in ex.not_counted),
        ),
        AuthorizationDraft(
            row.coverage_id, row.start, row.end, row.authorized, row.number, row.state,
            row.counts, tuple(AuthorizationCodeDraft(cd, u) for cd, u in row.codes),
            row.carried_in, row.notes),
    )


def _limit_card(x: LimitStatus) -> LimitCardView:
    reasons = x.reasons()
    return LimitCardView(
        x.limit.coverage_id, x.limit.payer_name, x.limit.limit, x.used_here,
        x.elsewhere_counted, x.used, x.booked, x.remaining, x.booked_over, x.year.start,
        x.year.end, chip(x.status, reasons), reason_views(reasons),
    )


def _kx_card(k: KxStatus, coverage_id: int) -> KxCardView:
    reasons = k.reasons()
    d = k.data
    return KxCardView(
        coverage_id, d.year, d.threshold, d.threshold_note, d.review_threshold, d.own_amount,
        k.elsewhere_counted, k.ytd, k.left_before_kx, k.exceeded, k.review_exceeded,
        chip(k.status, reasons), reason_views(reasons),
    )
