"""What the visit screens send and receive: a visit to book, its lines, the visit as saved."""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from ptdesk.domain.payers import VisitStatus


@dataclass(frozen=True, slots=True)
class VisitDraft:
    patient_id: int
    day: date
    coverage_id: int | None  # None = self-pay
    scheduled_time: time | None = None
    provider_id: int | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ServiceLineDraft:
    code: str
    units: int = 1
    minutes: int = 0
    assistant_minutes: int = 0
    modifiers: str = ""  # space-separated, "GP KX"
    allowed_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class VisitView:
    id: int
    patient_id: int
    coverage_id: int | None
    day: date
    scheduled_time: time | None
    provider_id: int | None
    status: VisitStatus
    authorization_id: int | None  # the (visit-counted) authorization it draws from, derived
    lines: tuple[ServiceLineDraft, ...]
    void_reason: str
    change_token: int
    reeval_reason: str = ""  # why a re-evaluation (97164) was done (pt-rules F4)
