"""Renewal (extension) requests: when to send, when the payer's decision is due, what changes.

Decision due (pt-rules G1, CMS-0057-F, from 1 Jan 2026): the request's send time + 7 calendar
days (standard) or + 72 hours (expedited). The turnaround is a per-payer input: QHP exchange
plans keep 15 days standard / 72 hours urgent (`QHP_TURNAROUND`); employer plans and original
Medicare are not bound by the rule, so the clinic sets theirs. An appealed request is followed
up from the appeal date with the same turnaround (no federal deadline is assumed).

"Check the payer portal" is due 48 hours after sending while the request awaits a decision.
"When to send" (configurable): when the visits left fall to `send_at_visits` (7, the top of
the 5-7 window) or the end is `send_days_before_end` (21) days away; LATE once fewer than
`late_below_visits` (5) visits or fewer than the turnaround's days remain.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.authorization import AuthorizationStatus, Phase
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.status import long_date, plural, short_date


class RequestStatus(StrEnum):
    NOT_SENT = "not_sent"
    PENDING = "pending"
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    DENIED = "denied"
    APPEALED = "appealed"

    @property
    def awaiting(self) -> bool:
        return self in (RequestStatus.PENDING, RequestStatus.APPEALED)

    @property
    def decided(self) -> bool:
        return self in (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED,
                        RequestStatus.DENIED)


class RequestMethod(StrEnum):
    PORTAL = "portal"
    FAX = "fax"
    PHONE = "phone"
    EDI = "edi"  # X12 278 / FHIR prior-authorization API
    MAIL = "mail"


class Urgency(StrEnum):
    STANDARD = "standard"
    EXPEDITED = "expedited"


@dataclass(frozen=True, slots=True)
class Turnaround:
    standard: timedelta = timedelta(days=7)
    expedited: timedelta = timedelta(hours=72)

    def for_urgency(self, urgency: Urgency) -> timedelta:
        return self.expedited if urgency is Urgency.EXPEDITED else self.standard


CMS_0057_F_TURNAROUND = Turnaround()
QHP_TURNAROUND = Turnaround(standard=timedelta(days=15), expedited=timedelta(hours=72))
PORTAL_CHECK_AFTER = timedelta(hours=48)


@dataclass(frozen=True, slots=True)
class RenewalRequest:
    request_id: int
    coverage_id: int
    authorization_id: int | None  # the authorization it extends; None for a new one
    status: RequestStatus
    method: RequestMethod = RequestMethod.PORTAL
    urgency: Urgency = Urgency.STANDARD
    sent_at: datetime | None = None
    visits_requested: int = 0
    start_requested: date | None = None
    end_requested: date | None = None
    decided_on: date | None = None
    appealed_at: datetime | None = None
    visits_approved: int = 0
    start_approved: date | None = None
    end_approved: date | None = None
    number_approved: str = ""  # the payer's authorization number on the approval
    denial_reason: str = ""
    payer_name: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        if self.status is not RequestStatus.NOT_SENT and self.sent_at is None:
            errors["sent_at"] = "A request that was sent needs the date it was sent."
        if self.visits_requested < 0 or self.visits_approved < 0:
            errors["visits"] = "Visit counts cannot be negative."
        if (self.start_requested and self.end_requested
                and self.end_requested < self.start_requested):
            errors["end_requested"] = "The requested end is before the requested start."
        if self.status is RequestStatus.APPEALED and self.appealed_at is None:
            errors["appealed_at"] = "An appealed request needs the date of the appeal."
        if errors:
            raise ValidationErrors(errors)


@dataclass(frozen=True, slots=True)
class RequestTimeline:
    request: RenewalRequest
    due_at: datetime | None  # when the payer's decision (or appeal follow-up) is due
    overdue: bool
    check_portal_at: datetime | None
    check_portal_now: bool

    @property
    def sentence(self) -> str:
        r = self.request
        if r.status is RequestStatus.NOT_SENT:
            return "Not sent yet."
        if self.due_at is None:
            return f"{r.status.value.replace('_', ' ').capitalize()}."
        due = f"{long_date(self.due_at)} {self.due_at:%H:%M}"
        if self.overdue:
            return f"Decision overdue since {due}: call the payer."
        if self.check_portal_now:
            return f"Decision due {due}; check the payer portal for a decision."
        return f"Decision due {due}."


def request_timeline(
    req: RenewalRequest, now: datetime, turnaround: Turnaround = CMS_0057_F_TURNAROUND
) -> RequestTimeline:
    """Due date, overdue flag and the portal reminder, given `now` (pass it in)."""
    start = req.appealed_at if req.status is RequestStatus.APPEALED else req.sent_at
    if start is None or not req.status.awaiting:
        due = None if start is None else start + turnaround.for_urgency(req.urgency)
        return RequestTimeline(req, due, False, None, False)
    due = start + turnaround.for_urgency(req.urgency)
    portal = start + PORTAL_CHECK_AFTER
    return RequestTimeline(req, due, now > due, portal, now >= portal)


class SendWhen(StrEnum):
    NOT_YET = "not_yet"
    SEND_NOW = "send_now"
    LATE = "late"  # send today, and ask for an expedited review if care would lapse
    ALREADY_SENT = "already_sent"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class RenewalTiming:
    send_at_visits: int = 7
    late_below_visits: int = 5
    send_days_before_end: int = 21

    def __post_init__(self) -> None:
        if self.late_below_visits > self.send_at_visits:
            raise ValidationErrors({"late_below_visits": "Late must be below the send point."})


DEFAULT_TIMING = RenewalTiming()


@dataclass(frozen=True, slots=True)
class SendAdvice:
    when: SendWhen
    send_on: date | None  # the date the window opens (by date); None when unknown/now
    sentence: str


def send_advice(
    auth: AuthorizationStatus,
    open_request: bool,
    timing: RenewalTiming = DEFAULT_TIMING,
    turnaround: Turnaround = CMS_0057_F_TURNAROUND,
) -> SendAdvice:
    """When to send the extension request for this authorization."""
    phase = auth.phase
    if phase in (Phase.PENDING, Phase.ENDED):
        return SendAdvice(SendWhen.NOT_APPLICABLE, None, "")
    if open_request:
        return SendAdvice(SendWhen.ALREADY_SENT, None, "A request is already with the payer.")
    by_date = auth.record.effective_end - timedelta(days=timing.send_days_before_end)
    left_now = auth.remaining_visits
    turnaround_days = turnaround.standard.days
    if phase is Phase.EXPIRED or left_now < timing.late_below_visits or (
        auth.days_left < turnaround_days
    ):
        return SendAdvice(
            SendWhen.LATE, None,
            f"Send today ({plural(left_now, 'visit')} and {plural(max(0, auth.days_left), 'day')}"
            f" left, payer turnaround {turnaround_days} days); ask for an expedited review if "
            "care would lapse.",
        )
    if left_now <= timing.send_at_visits or auth.today >= by_date or auth.booked_over > 0:
        return SendAdvice(
            SendWhen.SEND_NOW, None,
            f"Send the extension request now ({plural(left_now, 'visit')} left, ends "
            f"{short_date(auth.record.effective_end)}).",
        )
    return SendAdvice(
        SendWhen.NOT_YET, by_date,
        f"Send by {short_date(by_date)} or when {timing.send_at_visits} visits remain, "
        "whichever comes first.",
    )


class ChangeKind(StrEnum):
    EXTEND = "extend"  # same authorization: new end date and/or more visits
    ADD = "add"  # a new authorization (new number, or a gap after the current one)


@dataclass(frozen=True, slots=True)
class AuthorizationChange:
    kind: ChangeKind
    authorization_id: int | None  # the one to extend; None for ADD
    terms: AuthorizationTerms  # the complete new terms (EXTEND: replaces; ADD: the new one)
    sentence: str


def approval_change(
    req: RenewalRequest, current: AuthorizationTerms | None, current_id: int | None = None
) -> AuthorizationChange | None:
    """What an approval changes (nothing is mutated); None when not approved.

    EXTEND when the approval carries no new number (or the current one) and starts no later
    than the day after the current end: the end moves and the visits add up. ADD otherwise:
    a new authorization with the approved dates and visits, the current one's codes and unit.
    """
    if req.status not in (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED):
        return None
    start = req.start_approved or req.start_requested
    end = req.end_approved or req.end_requested
    if start is None or end is None or end < start:
        raise ValidationErrors({"dates": "Enter the approved start and end dates."})
    if req.visits_approved <= 0:
        raise ValidationErrors({"visits_approved": "Enter how many visits were approved."})
    partly = (f" (partly approved: {req.visits_approved} of {req.visits_requested} asked)"
              if req.status is RequestStatus.PARTLY_APPROVED else "")
    if current is not None and current_id is not None and (
        req.number_approved in ("", current.number)
        and (start - current.end).days <= 1  # no later than the day after the end
    ):
        terms = AuthorizationTerms(
            start=current.start, end=max(current.end, end),
            authorized=current.authorized + req.visits_approved,
            codes=current.codes, counts=current.counts, number=current.number,
        )
        return AuthorizationChange(
            ChangeKind.EXTEND, current_id, terms,
            f"Extend to {long_date(terms.end)} with {req.visits_approved} more "
            f"(total {terms.authorized}){partly}.",
        )
    terms = AuthorizationTerms(
        start=start, end=end, authorized=req.visits_approved,
        codes=current.codes if current else frozenset(),
        counts=current.counts if current else AuthUnit.VISITS,
        number=req.number_approved,
    )
    return AuthorizationChange(
        ChangeKind.ADD, None, terms,
        f"Add a new authorization {req.number_approved or ''} {long_date(start)} to "
        f"{long_date(end)}, {plural(req.visits_approved, 'visit')}{partly}.".replace("  ", " "),
    )
