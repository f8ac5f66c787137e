"""What the estimate screens exchange with their services (issue 11 items 3-4)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ptdesk.services.clinic.dtos import ClinicDetailsDraft


@dataclass(frozen=True, slots=True)
class EstimatePrefill:
    """A patient's estimate inputs as ptdesk knows them today, in the scenario file's JSON
    shape (`scenario`), plus what the document and the dialog show besides."""

    patient_id: int | None
    patient_name: str
    date_of_birth: date | None
    chart_number: str
    payer_name: str  # "" for self-pay / uninsured
    plan_name: str  # member / group, for the document
    scenario: dict[str, Any]
    clinic: ClinicDetailsDraft
    notes: tuple[str, ...]  # where each pre-filled figure came from


@dataclass(frozen=True, slots=True)
class EstimateTotalsDraft:
    allowed: Decimal
    insurance_pays: Decimal
    patient_pays: Decimal


@dataclass(frozen=True, slots=True)
class EstimateToStore:
    patient_id: int
    prepared_by: str
    kind: str  # "estimate" or "gfe"
    language: str  # "en" or "es"
    scenario: dict[str, Any]
    totals: EstimateTotalsDraft
    visit_count: int
    first_visit: date


@dataclass(frozen=True, slots=True)
class StoredEstimate:
    id: int
    patient_id: int
    created_at: datetime
    given_on: date
    prepared_by: str
    kind: str
    language: str
    payer_type: str
    first_visit: date
    visit_count: int
    totals: EstimateTotalsDraft
    scenario: dict[str, Any]
    # Since the first estimated visit: visits completed and the allowed amounts recorded on
    # them (what ptdesk knows was billed; the patient's share of it needs the payer's EOB).
    visits_done: int
    billed_allowed: Decimal | None

    @property
    def kind_label(self) -> str:
        return "Good Faith Estimate" if self.kind == "gfe" else "Cost estimate"


@dataclass(frozen=True, slots=True)
class GfeDueRow:
    patient_id: int
    patient_name: str
    chart_number: str
    booked_on: date
    first_visit: date
    due: date
    business_days_ahead: int
    overdue: bool
    why: str
