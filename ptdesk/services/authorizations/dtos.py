"""What the authorization screens receive and send (issue 5): frozen rows, no ORM, no Qt.

Drafts go in (`AuthorizationDraft`, `VisitDraft`, `ServiceLineDraft`, `RenewalRequestDraft`,
`RenewalDecision`, `BandSettingsDraft`); views come out (`PanelView`, `BoardView`,
`RequestView`, `BandSettingsView`, `StatusChipView`). Every status travels with its icon name
and words, so no screen has to rely on colour (DESIGN §3.17).

The enums are the domain's own (`Status`, `AuthState`, `AuthUnit`, `Phase`, `RequestStatus`,
`RequestMethod`, `Urgency`, `SendWhen`, `VisitStatus`): the UI may import the domain.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.authorization import AuthState, Phase
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.renewal import RequestMethod, RequestStatus, SendWhen, Urgency
from ptdesk.domain.status import ReasonCode, Status, StatusReason

# --- status, everywhere -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusChipView:
    """One status as colour + icon + words: the lookup's status column, a card's chip.

    `text` is "Red · 2 visits left"; `tooltip` the full sentence(s) and what to do next.
    """

    status: Status
    icon: str  # theme icon name, e.g. "status-red" (each status has its own shape)
    text: str
    tooltip: str = ""

    @property
    def severity(self) -> int:
        """For sorting a status column: higher is worse."""
        return self.status.severity


@dataclass(frozen=True, slots=True)
class ReasonView:
    """One reason behind a status, ready to show as a line of the panel."""

    status: Status
    icon: str
    code: ReasonCode
    subject: str  # "Auth 12345 (Aetna)", "Plan-year limit (BCBS)", "Medicare KX 2026"
    chip: str  # "Red · 2 visits left"
    sentence: str
    next_step: str  # "" when nothing is needed

    @classmethod
    def of(cls, r: StatusReason) -> "ReasonView":
        return cls(r.status, r.status.icon_name, r.code, r.subject, r.chip, r.sentence,
                   r.next_step)


@dataclass(frozen=True, slots=True)
class PatientStatusView:
    """The patient's overall status: the worst of every part, with every reason (worst first)."""

    chip: StatusChipView
    reasons: tuple[ReasonView, ...]

    @property
    def status(self) -> Status:
        return self.chip.status


# --- authorizations: drafts in, cards out -------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuthorizationCodeDraft:
    code: str
    # Approved units of this code, for a units-counted authorization ("24 units of 97110");
    # None for a visits-counted one (the code only limits which visits it covers).
    units: int | None = None


@dataclass(frozen=True, slots=True)
class AuthorizationDraft:
    """Every field of the add/edit authorization dialog.

    `state` is ACTIVE (approved) or PENDING (a placeholder while a request is out; nothing
    draws from it). ENDED is not typed: use `AuthorizationService.end`.
    For `counts=UNITS`, each code carries its units and `authorized` is their total (the
    service checks it); `carried_in` is what was used before the clinic used ptdesk.
    """

    coverage_id: int
    start: date
    end: date
    authorized: int
    number: str = ""
    state: AuthState = AuthState.ACTIVE
    counts: AuthUnit = AuthUnit.VISITS
    codes: tuple[AuthorizationCodeDraft, ...] = ()
    carried_in: int = 0
    notes: str = ""


@dataclass(frozen=True, slots=True)
class OverlapWarning:
    """Not an error: two authorizations of one coverage overlap in dates and codes, which is
    usually a typing mistake (the dialog shows it and lets the user save anyway)."""

    other_authorization_id: int
    other_number: str
    other_start: date
    other_end: date
    sentence: str


@dataclass(frozen=True, slots=True)
class AuthorizationSaved:
    authorization_id: int
    warnings: tuple[OverlapWarning, ...] = ()
    change_token: int = 0


@dataclass(frozen=True, slots=True)
class UsageLineView:
    visit_id: int
    day: date
    status: VisitStatus
    amount: int  # visits or units drawn (0 for a visit not counted)
    words: str  # "Dec 4: completed; Auth 123 (Aetna) is the only one covering ..."
    reason: str = ""  # why it was not counted, in words ("cancelled", "no-show", ...)


@dataclass(frozen=True, slots=True)
class UsageExplanationView:
    """"Why 5 used?": the visits counted (used, then booked) and those not counted, why."""

    headline: str  # "5 visits used: 3 recorded in ptdesk + 2 before ptdesk."
    carried_in: int
    counted: tuple[UsageLineView, ...]
    not_counted: tuple[UsageLineView, ...]


@dataclass(frozen=True, slots=True)
class AuthorizationCardView:
    """One authorization (or one code's unit allowance) on the patient's panel."""

    authorization_id: int
    pool_code: str  # "" for the whole authorization; the code for a units-per-code pool
    coverage_id: int
    payer_name: str
    number: str
    state: AuthState
    phase: Phase
    counts: AuthUnit
    noun: str  # "visit" or "unit"
    authorized: int
    used: int  # including carried-in
    booked: int  # projected use from booked visits
    remaining: int
    booked_over: int  # booked visits (units) the authorization cannot cover
    start: date
    end: date
    effective_end: date  # the end date, or the day the clinic ended it
    days_left: int  # 0 = ends today (still covered); negative = expired
    codes: tuple[str, ...]  # "97110", or "97110 (24 units)"; empty = any therapy code
    carried_in: int
    notes: str
    chip: StatusChipView  # status + icon + "Red · 2 visits left" + tooltip
    sentence: str  # the headline reason's sentence
    next_step: str  # "" when nothing to do
    reasons: tuple[ReasonView, ...]
    send_when: SendWhen
    send_advice: str  # "Send the extension request now (6 visits left, ends Dec 20)."
    # "8 authorized, 5 used, 4 booked: the last booked visit (Dec 14) is not covered"; "" if none.
    projected_warning: str
    explanation: UsageExplanationView
    draft: AuthorizationDraft  # the dialog's fields, for "Edit"

    @property
    def status(self) -> Status:
        return self.chip.status


@dataclass(frozen=True, slots=True)
class LimitCardView:
    """A plan-year visit limit ("30 PT visits per plan year")."""

    coverage_id: int
    payer_name: str
    limit: int
    used_here: int
    used_elsewhere: int  # counted only when reported inside the current plan year
    used: int
    booked: int
    remaining: int
    booked_over: int
    plan_year_start: date
    plan_year_end: date
    chip: StatusChipView
    reasons: tuple[ReasonView, ...]


@dataclass(frozen=True, slots=True)
class KxCardView:
    """Medicare: year-to-date PT+SLP allowed amount against the KX and review thresholds."""

    coverage_id: int
    year: int
    threshold: Decimal | None  # None: no figure on file for the year
    threshold_note: str  # e.g. "medium (secondary source only)"
    review_threshold: Decimal
    own_amount: Decimal
    elsewhere_amount: Decimal  # counted (entered at intake for this year)
    ytd: Decimal
    left_before_kx: Decimal | None
    exceeded: bool
    review_exceeded: bool
    chip: StatusChipView
    reasons: tuple[ReasonView, ...]


# --- renewal (extension) requests ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenewalRequestDraft:
    """A new or edited request (not yet decided). `authorization_id` is the one to extend,
    None when asking for a new authorization. `sent_at` None = not sent yet."""

    coverage_id: int
    authorization_id: int | None = None
    method: RequestMethod = RequestMethod.PORTAL
    urgency: Urgency = Urgency.STANDARD
    visits_requested: int = 0
    start_requested: date | None = None
    end_requested: date | None = None
    codes_requested: tuple[str, ...] = ()
    clinical_notes: str = ""
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RenewalDecision:
    """The payer's answer: APPROVED, PARTLY_APPROVED or DENIED (with a reason)."""

    status: RequestStatus
    decided_on: date
    visits_approved: int = 0
    start_approved: date | None = None
    end_approved: date | None = None
    number_approved: str = ""
    denial_reason: str = ""


@dataclass(frozen=True, slots=True)
class RequestView:
    request_id: int
    patient_id: int
    patient_name: str
    coverage_id: int
    payer_name: str
    authorization_id: int | None
    authorization_number: str
    status: RequestStatus
    method: RequestMethod
    urgency: Urgency
    sent_at: datetime | None
    visits_requested: int
    start_requested: date | None
    end_requested: date | None
    codes_requested: tuple[str, ...]
    clinical_notes: str
    decided_on: date | None
    appealed_at: datetime | None
    visits_approved: int
    start_approved: date | None
    end_approved: date | None
    number_approved: str
    denial_reason: str
    resulting_authorization_id: int | None
    due_at: datetime | None  # the payer's decision (or appeal follow-up) is due
    overdue: bool
    check_portal_at: datetime | None  # 48 hours after sending, while awaiting
    check_portal_now: bool
    sentence: str  # "Decision due Dec 04, 2026 09:00; check the payer portal ..."
    draft: RenewalRequestDraft


@dataclass(frozen=True, slots=True)
class DecisionRecorded:
    """What recording a decision did: the request, and the authorization it extended or
    added (None for a denial), in words."""

    request: RequestView
    authorization_id: int | None
    sentence: str
    change_token: int = 0


# --- one patient's panel ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PanelView:
    patient_id: int
    patient_name: str
    today: date
    status: PatientStatusView  # the worst of everything below, every reason listed
    authorizations: tuple[AuthorizationCardView, ...]  # worst first, then by end date
    limits: tuple[LimitCardView, ...]
    kx: KxCardView | None  # Medicare only
    requests: tuple[RequestView, ...]  # open (not sent, pending, appealed) first, then recent
    # Coverage-level reasons (no authorization in force, booked visits nothing covers).
    coverage_reasons: tuple[ReasonView, ...]
    change_token: int


# --- visits -------------------------------------------------------------------------------


# --- the practice board -------------------------------------------------------------------


# --- status bands and renewal timing ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BandSettingsDraft:
    red_visits: int
    yellow_visits: int
    red_days: int
    yellow_days: int
    renew_at_visits: int
    renew_late_below_visits: int
    renew_days_before_end: int
    kx_approaching_within: Decimal


@dataclass(frozen=True, slots=True)
class BandSettingsView:
    """The bands in effect for the clinic (payer_id None) or one payer.

    `own` is False when a payer has no row of its own and inherits the clinic's settings
    (themselves the bundled defaults until the clinic saves some).
    """

    payer_id: int | None
    payer_name: str  # "Clinic default" for the clinic row
    own: bool
    settings: BandSettingsDraft


@dataclass(frozen=True, slots=True)
class BandDefaultView:
    """One bundled default with where it comes from (resources/rules/status_defaults.csv)."""

    key: str
    value: str
    meaning: str
    source: str
