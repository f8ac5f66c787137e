"""What the plan-of-care screens exchange with their service (issue 10 item 4)."""

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ptdesk.domain.status import Status
from ptdesk.services.authorizations.dtos import StatusChipView


@dataclass(frozen=True, slots=True)
class PlanOfCareDraft:
    patient_id: int
    coverage_id: int | None
    first_visit: date | None
    plan_date: date | None
    plan_end: date | None
    certifier: str = ""
    sent_on: date | None = None
    signed_on: date | None = None
    verbal_order_on: date | None = None
    last_progress_report_on: date | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class PlanOfCareView:
    plan_id: int
    patient_id: int
    coverage_id: int | None
    payer_name: str
    applies: bool  # Medicare, the payer's setting on, or no coverage named
    draft: PlanOfCareDraft
    recert_due: date
    cert_due: date
    treatment_days: int
    visits_to_progress_report: int
    recert_overdue: bool
    chip: StatusChipView
    reasons: tuple[tuple[Status, str, str], ...]  # (status, sentence, next step), worst first
    next_step: str
    current: bool  # the latest plan of its coverage (the one that speaks for today)


class PlanOfCareApi(Protocol):
    def plans(self, patient_id: int, today: date) -> tuple[PlanOfCareView, ...]: ...

    def save(self, plan_id: int | None, draft: PlanOfCareDraft,
             today: date) -> PlanOfCareView: ...
