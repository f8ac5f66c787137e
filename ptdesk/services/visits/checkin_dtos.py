"""What the check-in service hands the screens: the decision in words, the overrides."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from ptdesk.domain.checkin import Outcome
from ptdesk.domain.errors import DomainError
from ptdesk.domain.overrides import OverrideDraft, OverrideKind, OverrideReason
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.visits.dtos import VisitView


@dataclass(frozen=True, slots=True)
class FindingView:
    outcome: Outcome
    rule: str
    subject: str
    phrase: str
    sentence: str
    next_step: str


@dataclass(frozen=True, slots=True)
class CheckInView:
    visit_id: int
    patient_id: int
    patient_name: str
    chart_number: str
    day: date
    outcome: Outcome
    line: str  # "Stop · Auth 123 (Aetna) expired yesterday: Get a new authorization ..."
    findings: tuple[FindingView, ...]
    chip: StatusChipView  # the outcome as colour + icon + words
    patient_chip: StatusChipView  # the patient's status chip from the same evaluation
    stop_rules: tuple[str, ...]

    @property
    def stopped(self) -> bool:
        return self.outcome is Outcome.STOP


@dataclass(frozen=True, slots=True)
class OverrideView:
    visit_id: int
    patient_id: int
    patient_name: str
    chart_number: str
    day: date  # the visit's date
    reason: OverrideReason
    reason_words: str  # "Payer confirmed by phone: ref 12345"
    detail: str
    by: str
    at: datetime  # aware, in the desk's local time
    rules: tuple[str, ...]  # the stop rule ids overridden
    words: str  # what the stop said
    kind: OverrideKind = OverrideKind.CHECK_IN  # a stopped check-in, or a session's errors

    @property
    def kind_words(self) -> str:
        return ("Check-in over a stop" if self.kind is OverrideKind.CHECK_IN
                else "Session over errors")


class CheckInStopped(DomainError):
    """The rules stop this check-in: it needs an override with a reason."""

    def __init__(self, view: CheckInView) -> None:
        super().__init__(view.line)
        self.view = view


@dataclass(frozen=True, slots=True)
class CheckInResult:
    visit: VisitView
    decision: CheckInView
    override: OverrideView | None


class CheckInApi(Protocol):
    def decide(self, visit_id: int, today: date) -> CheckInView: ...

    def check_in(self, visit_id: int, at: datetime,
                 override: OverrideDraft | None = None) -> CheckInResult: ...

    def overrides(self, start: date, end: date) -> tuple[OverrideView, ...]: ...

    def visit_today(self, patient_id: int, day: date) -> int | None: ...


class PayerPlanRulesApi(Protocol):
    def payer_rules(self, payer_id: int) -> tuple[bool, bool]: ...

    def set_payer_rules(self, payer_id: int, on: bool) -> tuple[bool, bool]: ...


