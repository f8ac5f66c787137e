"""Renewal (extension) requests: record, send, decide; an approval extends or adds the
authorization (`domain.renewal.approval_change`) in the same transaction.

Due dates use the payer's own turnaround when the payer record has one, else CMS-0057-F's
7 calendar days / 72 hours (pt-rules G1). Every change bumps the change counter.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.authorization import AuthState
from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.permissions import Permission
from ptdesk.domain.renewal import (
    CMS_0057_F_TURNAROUND,
    ChangeKind,
    RenewalRequest,
    RequestStatus,
    Turnaround,
    approval_change,
    request_timeline,
)
from ptdesk.services.accounts.access import require
from ptdesk.services.authorizations.dtos import (
    DecisionRecorded,
    RenewalDecision,
    RenewalRequestDraft,
    RequestView,
)
from ptdesk.services.authorizations.records import refresh_patient
from ptdesk.services.patients.dtos import display_name
from ptdesk.storage.concurrency import retry_conflicts
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    Authorization,
    AuthorizationCode,
    AuthorizationRequest,
    Coverage,
    Patient,
    Payer,
)


class RequestNotFound(DomainError):
    """The request was removed (another desk may have changed it)."""


def turnaround_of(days: int | None, hours: int | None) -> Turnaround:
    if days is None and hours is None:
        return CMS_0057_F_TURNAROUND
    return Turnaround(
        timedelta(days=days) if days is not None else CMS_0057_F_TURNAROUND.standard,
        timedelta(hours=hours) if hours is not None else CMS_0057_F_TURNAROUND.expedited,
    )


def domain_request(r: AuthorizationRequest, payer_name: str = "") -> RenewalRequest:
    return RenewalRequest(
        r.id, r.coverage_id, r.authorization_id, r.status, r.method, r.urgency, r.sent_at,
        r.visits_requested, r.start_requested, r.end_requested, r.decided_on,
        r.appealed_at,
        r.visits_approved, r.start_approved, r.end_approved, r.number_approved,
        r.denial_reason, payer_name, r.clinical_notes,
    )


@cache
def _request_query(by_coverage: bool, by_request: bool) -> Select[Any]:
    """Built once per filter (the panel asks on every refresh)."""
    q = (select(AuthorizationRequest, Coverage.patient_id, Patient.last_name,
                Patient.first_name, Patient.preferred_name, Payer.name,
                Payer.decision_days_standard, Payer.decision_hours_expedited,
                Authorization.number)
         .join(Coverage, Coverage.id == AuthorizationRequest.coverage_id)
         .join(Patient, Patient.id == Coverage.patient_id)
         .join(Payer, Payer.id == Coverage.payer_id)
         .outerjoin(Authorization, Authorization.id == AuthorizationRequest.authorization_id))
    if by_coverage:
        q = q.where(AuthorizationRequest.coverage_id.in_(
            bindparam("coverage_ids", expanding=True)))
    if by_request:
        q = q.where(AuthorizationRequest.id.in_(bindparam("request_ids", expanding=True)))
    return q


def request_views(
    s: Session, now: datetime, *, coverage_ids: Iterable[int] | None = None,
    request_ids: Iterable[int] | None = None,
) -> tuple[RequestView, ...]:
    """Views of the given coverages' (or given) requests: open ones first, then newest."""
    params: dict[str, list[int]] = {}
    if coverage_ids is not None:
        params["coverage_ids"] = list(coverage_ids)
    if request_ids is not None:
        params["request_ids"] = list(request_ids)
    q = _request_query(coverage_ids is not None, request_ids is not None)
    out = []
    for r, pid, last, first, pref, payer, days, hours, number in s.execute(q, params):
        t = request_timeline(domain_request(r, payer), now, turnaround_of(days, hours))
        out.append(RequestView(
            r.id, pid, display_name(last, first, pref), r.coverage_id, payer,
            r.authorization_id, number or "", r.status, r.method, r.urgency, r.sent_at,
            r.visits_requested, r.start_requested, r.end_requested,
            tuple(c for c in r.codes_requested.split() if c), r.clinical_notes, r.decided_on,
            r.appealed_at, r.visits_approved, r.start_approved, r.end_approved,
            r.number_approved, r.denial_reason, r.resulting_authorization_id, t.due_at,
            t.overdue, t.check_portal_at, t.check_portal_now, t.sentence, _draft(r),
        ))
    closed = (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED, RequestStatus.DENIED)
    out.sort(key=lambda v: (v.status in closed, not v.overdue,
                            -(v.sent_at.timestamp() if v.sent_at else 0), -v.request_id))
    return tuple(out)


def _draft(r: AuthorizationRequest) -> RenewalRequestDraft:
    return RenewalRequestDraft(
        r.coverage_id, r.authorization_id, r.method, r.urgency, r.visits_requested,
        r.start_requested, r.end_requested, tuple(c for c in r.codes_requested.split() if c),
        r.clinical_notes, r.sent_at,
    )


def _check(s: Session, d: RenewalRequestDraft) -> int:
    """Validate through the domain; returns the patient id."""
    pid = s.execute(select(Coverage.patient_id).where(Coverage.id == d.coverage_id)
                    ).scalar_one_or_none()
    if pid is None:
        raise ValidationErrors({"coverage_id": "This coverage no longer exists."})
    if d.authorization_id is not None:
        a = s.get(Authorization, d.authorization_id)
        if a is None or a.coverage_id != d.coverage_id:
            raise ValidationErrors({"authorization_id": "Choose an authorization of this "
                                                        "coverage."})
    status = RequestStatus.PENDING if d.sent_at is not None else RequestStatus.NOT_SENT
    RenewalRequest(0, d.coverage_id, d.authorization_id, status, d.method, d.urgency,
                   d.sent_at, d.visits_requested, d.start_requested, d.end_requested)
    return pid


class RenewalService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    @retry_conflicts
    def create(self, draft: RenewalRequestDraft, now: datetime) -> RequestView:
        """A new request; sent already when `draft.sent_at` is given (then pending)."""
        require(Permission.EDIT_PATIENTS)
        with session_scope(self._factory) as s:
            pid = _check(s, draft)
            r = AuthorizationRequest(coverage_id=draft.coverage_id)
            _apply(r, draft)
            r.status = RequestStatus.PENDING if draft.sent_at else RequestStatus.NOT_SENT
            s.add(r)
            s.flush()
            refresh_patient(s, pid)
            return self._view(s, r.id, now)

    @retry_conflicts
    def update(self, request_id: int, draft: RenewalRequestDraft, now: datetime) -> RequestView:
        require(Permission.EDIT_PATIENTS)
        with session_scope(self._factory) as s:
            r = self._get(s, request_id)
            if r.status.decided:
                raise ValidationErrors({"status": "A decided request cannot be edited."})
            if draft.coverage_id != r.coverage_id:
                raise ValidationErrors({"coverage_id": "A request stays with its coverage."})
            pid = _check(s, draft)
            _apply(r, draft)
            if r.status is RequestStatus.NOT_SENT and draft.sent_at is not None:
                r.status = RequestStatus.PENDING
            s.flush()
            refresh_patient(s, pid)
            return self._view(s, r.id, now)

    @retry_conflicts
    def mark_sent(self, request_id: int, sent_at: datetime, now: datetime) -> RequestView:
        require(Permission.EDIT_PATIENTS)
        with session_scope(self._factory) as s:
            r = self._get(s, request_id)
            if r.status is not RequestStatus.NOT_SENT:
                raise ValidationErrors({"status": "This request was already sent."})
            r.sent_at = sent_at
            r.status = RequestStatus.PENDING
            s.flush()
            refresh_patient(s, self._patient(s, r))
            return self._view(s, r.id, now)

    @retry_conflicts
    def record_decision(
        self, request_id: int, decision: RenewalDecision, now: datetime
    ) -> DecisionRecorded:
        """Approved / partly approved: extend or add the authorization (one transaction);
        denied: needs a reason."""
        require(Permission.EDIT_PATIENTS)
        if decision.status not in (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED,
                                   RequestStatus.DENIED):
            raise ValidationErrors({"status": "Choose approved, partly approved or denied."})
        if decision.status is RequestStatus.DENIED and not decision.denial_reason.strip():
            raise ValidationErrors({"denial_reason": "Enter the payer's denial reason."})
        with session_scope(self._factory) as s:
            r = self._get(s, request_id)
            if not r.status.awaiting:
                raise ValidationErrors({"status": "Only a sent (pending or appealed) request "
                                                  "can be decided."})
            if r.sent_at is not None and decision.decided_on < r.sent_at.date():
                raise ValidationErrors({"decided_on": "The decision cannot be before the "
                                                      "request was sent."})
            r.status = decision.status
            r.decided_on = decision.decided_on
            r.visits_approved = decision.visits_approved
            r.start_approved = decision.start_approved
            r.end_approved = decision.end_approved
            r.number_approved = decision.number_approved.strip()
            r.denial_reason = decision.denial_reason.strip()
            current = s.get(Authorization, r.authorization_id) if r.authorization_id else None
            terms = None if current is None else AuthorizationTerms(
                current.start_date, current.end_date, current.authorized,
                frozenset(c.code for c in current.codes), current.counts, current.number)
            change = approval_change(domain_request(r), terms,
                                     current.id if current is not None else None)
            auth_id: int | None = None
            sentence = f"Denied: {r.denial_reason}."
            if change is not None:
                if change.kind is ChangeKind.EXTEND and current is not None:
                    current.end_date = change.terms.end
                    current.authorized = change.terms.authorized
                    current.state = AuthState.ACTIVE
                    auth = current
                else:
                    auth = Authorization(
                        coverage_id=r.coverage_id, number=change.terms.number,
                        state=AuthState.ACTIVE, start_date=change.terms.start,
                        end_date=change.terms.end, counts=change.terms.counts,
                        authorized=change.terms.authorized,
                        notes=f"From request #{r.id}.",
                        codes=[AuthorizationCode(code=c) for c in sorted(change.terms.codes)],
                    )
                    s.add(auth)
                s.flush()
                auth_id = auth.id
                r.resulting_authorization_id = auth.id
                sentence = change.sentence
            s.flush()
            _, token = refresh_patient(s, self._patient(s, r))
            return DecisionRecorded(self._view(s, r.id, now), auth_id, sentence, token)

    @retry_conflicts
    def appeal(self, request_id: int, appealed_at: datetime, now: datetime) -> RequestView:
        require(Permission.EDIT_PATIENTS)
        with session_scope(self._factory) as s:
            r = self._get(s, request_id)
            if r.status is not RequestStatus.DENIED:
                raise ValidationErrors({"status": "Only a denied request can be appealed."})
            r.status = RequestStatus.APPEALED
            r.appealed_at = appealed_at
            s.flush()
            refresh_patient(s, self._patient(s, r))
            return self._view(s, r.id, now)

    def for_patient(self, patient_id: int, now: datetime) -> tuple[RequestView, ...]:
        with session_scope(self._factory) as s:
            covs = s.scalars(select(Coverage.id).where(Coverage.patient_id == patient_id)).all()
            return request_views(s, now, coverage_ids=covs)

    @staticmethod
    def _get(s: Session, request_id: int) -> AuthorizationRequest:
        r = s.get(AuthorizationRequest, request_id)
        if r is None:
            raise RequestNotFound("This request is no longer in the database.")
        return r

    @staticmethod
    def _patient(s: Session, r: AuthorizationRequest) -> int:
        return int(s.execute(select(Coverage.patient_id)
                             .where(Coverage.id == r.coverage_id)).scalar_one())

    @staticmethod
    def _view(s: Session, request_id: int, now: datetime) -> RequestView:
        return request_views(s, now, request_ids=(request_id,))[0]


def _apply(r: AuthorizationRequest, d: RenewalRequestDraft) -> None:
    r.authorization_id = d.authorization_id
    r.method = d.method
    r.urgency = d.urgency
    r.sent_at = d.sent_at
    r.visits_requested = d.visits_requested
    r.start_requested = d.start_requested
    r.end_requested = d.end_requested
    r.codes_requested = " ".join(c.strip().upper() for c in d.codes_requested if c.strip())
    r.clinical_notes = d.clinical_notes
