"""Renewal requests for the demo clinic, one or more in every state a request can be in.

Without them the board's "Awaiting decision" and "Payers" tabs and the panel's request list
are empty on the demo (issue 8). They are recorded through `RenewalService`, the path the
desk uses, so approvals extend their authorization as a real one would. Deterministic: the
authorizations are taken in id order and every time is relative to `today` (9:00 local).
All words are synthetic.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.authorization import AuthState
from ptdesk.domain.renewal import RequestMethod, RequestStatus, Urgency
from ptdesk.services.authorizations.dtos import RenewalDecision, RenewalRequestDraft
from ptdesk.services.authorizations.renewals import RenewalService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Authorization, Coverage, Payer


@dataclass(frozen=True)
class _Plan:
    """One request: sent `sent_days` ago (None = not sent), then what happened to it."""

    sent_days: int | None
    outcome: RequestStatus  # the state it ends in
    decided_after: int = 0  # days from sending to the payer's decision
    urgency: Urgency = Urgency.STANDARD
    method: RequestMethod = RequestMethod.PORTAL
    share: float = 1.0  # of the visits asked, the share approved (partly approved)
    denial: str = ""
    appealed_days: int = 0  # an appeal, this many days ago


PLANS: tuple[_Plan, ...] = (
    _Plan(None, RequestStatus.NOT_SENT),  # a draft waiting for the progress note
    _Plan(1, RequestStatus.PENDING, method=RequestMethod.FAX),  # due in 6 days
    _Plan(3, RequestStatus.PENDING),  # past 48 hours: check the portal
    _Plan(9, RequestStatus.PENDING, method=RequestMethod.PHONE),  # overdue (7 days)
    _Plan(4, RequestStatus.PENDING, urgency=Urgency.EXPEDITED),  # overdue (72 hours)
    _Plan(20, RequestStatus.APPROVED, decided_after=5),
    _Plan(34, RequestStatus.APPROVED, decided_after=8, method=RequestMethod.EDI),
    _Plan(27, RequestStatus.PARTLY_APPROVED, decided_after=6, share=0.5),
    _Plan(15, RequestStatus.DENIED, decided_after=7,
          denial="Progress toward goals not documented"),
    _Plan(41, RequestStatus.DENIED, decided_after=4, denial="Maximum benefit reached"),
    _Plan(18, RequestStatus.APPEALED, decided_after=6, appealed_days=2,
          denial="Progress toward goals not documented"),
    _Plan(30, RequestStatus.APPEALED, decided_after=5, appealed_days=9,
          denial="Visits exceed the plan's guideline"),  # the appeal's follow-up is overdue
)
NOTES = "Progress note attached: range of motion and strength improving; goals updated."


def _candidates(s: Session, today: date, n: int) -> list[tuple[int, int, date, int]]:
    """(coverage, authorization, end, visits) of approved authorizations in force today at
    payers that require one, one per patient, in id order."""
    q = (select(Authorization.coverage_id, Authorization.id, Authorization.end_date,
                Authorization.authorized, Coverage.patient_id)
         .join(Coverage, Coverage.id == Authorization.coverage_id)
         .join(Payer, Payer.id == Coverage.payer_id)
         .where(Payer.requires_prior_auth.is_(True), Authorization.state == AuthState.ACTIVE,
                Authorization.start_date <= today, Authorization.end_date >= today)
         .order_by(Authorization.id))
    out: list[tuple[int, int, date, int]] = []
    seen: set[int] = set()
    for cov, aid, end, visits, pid in s.execute(q):
        if pid in seen:
            continue
        seen.add(pid)
        out.append((cov, aid, end, visits))
        if len(out) == n:
            break
    return out


def add_demo_requests(factory: sessionmaker[Session], today: date) -> int:
    """Record the demo's requests; returns how many (fewer when the clinic is tiny)."""
    with session_scope(factory) as s:
        targets = _candidates(s, today, len(PLANS))
    svc = RenewalService(factory)
    nine = datetime.combine(today, time(9, 0)).astimezone()
    for plan, (cov, aid, end, visits) in zip(PLANS, targets, strict=False):
        asked = max(6, visits)
        draft = RenewalRequestDraft(
            cov, aid, plan.method, plan.urgency, asked, end + timedelta(days=1),
            end + timedelta(days=60), ("97110", "97140"), NOTES,
            None if plan.sent_days is None else nine - timedelta(days=plan.sent_days),
        )
        r = svc.create(draft, nine)
        if plan.outcome in (RequestStatus.NOT_SENT, RequestStatus.PENDING):
            continue
        assert plan.sent_days is not None
        decided_on = today - timedelta(days=plan.sent_days - plan.decided_after)
        if plan.outcome in (RequestStatus.DENIED, RequestStatus.APPEALED):
            decision = RenewalDecision(RequestStatus.DENIED, decided_on, denial_reason=plan.denial)
        else:
            decision = RenewalDecision(
                plan.outcome, decided_on, visits_approved=max(1, round(asked * plan.share)),
                start_approved=draft.start_requested, end_approved=draft.end_requested)
        svc.record_decision(r.request_id, decision, nine)
        if plan.outcome is RequestStatus.APPEALED:
            svc.appeal(r.request_id, nine - timedelta(days=plan.appealed_days), nine)
    return min(len(PLANS), len(targets))
