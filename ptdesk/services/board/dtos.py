"""What the practice board hands the screens: its rows, counts, lists and payer statistics."""

from dataclasses import dataclass
from datetime import date, datetime

from ptdesk.domain.renewal import RequestStatus
from ptdesk.domain.status import Status
from ptdesk.services.authorizations.dtos import StatusChipView


@dataclass(frozen=True, slots=True)
class BoardRowView:
    patient_id: int
    name: str
    chart_number: str
    payer_name: str  # of the authorization (or coverage) behind the status
    chip: StatusChipView
    remaining: int | None  # visits left on the soonest-ending authorization in force
    remaining_text: str  # "3 visits left", "24 units left", "" when none
    end_date: date | None  # soonest end of an authorization in force
    next_step: str

    @property
    def status(self) -> Status:
        return self.chip.status


@dataclass(frozen=True, slots=True)
class BoardCounts:
    red: int
    none: int  # payer requires an authorization and none is in force
    yellow: int
    green: int
    not_tracked: int
    ending_soon: int  # authorizations in force ending in the next 14 days
    requests_awaiting: int
    requests_overdue: int


@dataclass(frozen=True, slots=True)
class EndingSoonView:
    patient_id: int
    name: str
    authorization_id: int
    payer_name: str
    number: str
    end_date: date
    days_left: int
    remaining_text: str
    chip: StatusChipView


@dataclass(frozen=True, slots=True)
class AwaitingDecisionView:
    request_id: int
    patient_id: int
    name: str
    payer_name: str
    status: RequestStatus
    sent_at: datetime | None
    due_at: datetime | None
    overdue: bool
    check_portal_now: bool
    sentence: str


@dataclass(frozen=True, slots=True)
class ReverifyView:
    patient_id: int
    name: str
    coverage_id: int
    payer_name: str
    why: str


@dataclass(frozen=True, slots=True)
class WeekOutcome:
    iso_year: int
    iso_week: int
    outcome: RequestStatus
    count: int


@dataclass(frozen=True, slots=True)
class PayerStatsView:
    payer_name: str
    requests: int
    decided: int
    median_turnaround_days: float | None
    approval_rate: float | None  # 0..1, (approved + partly approved) / decided
    denial_reasons: tuple[tuple[str, int], ...]  # most frequent first
    by_week: tuple[WeekOutcome, ...]  # by ISO week of sending, then outcome


@dataclass(frozen=True, slots=True)
class BoardView:
    today: date
    generated_at: datetime
    change_token: int  # poll `BoardService.change_token()`; refresh when it differs
    rows: tuple[BoardRowView, ...]  # every active patient, Red first
    counts: BoardCounts
    ending_soon: tuple[EndingSoonView, ...]  # soonest first
    awaiting: tuple[AwaitingDecisionView, ...]  # overdue first, then by due time
    reverify: tuple[ReverifyView, ...]
    payers: tuple[PayerStatsView, ...]  # by payer name
    # Visits dated this week (Monday to Sunday) checked in over a stop (issue 10).
    at_risk_week: int = 0
    # Plans of care with something to do: "progress report due in 2 visits" (issue 10).
    plan_steps: tuple["PlanStepView", ...] = ()


@dataclass(frozen=True, slots=True)
class PlanStepView:
    patient_id: int
    name: str
    chart_number: str
    payer_name: str
    chip: StatusChipView
    recert_due: date
    next_step: str
