"""One patient's stored coverages, authorizations and visits as plain rows: what the
allocation, the usage rows and the board inputs are derived from (read by `records.py`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.authorization import AuthState
from ptdesk.domain.payers import PayerKind
from ptdesk.domain.visit_allocation import VisitRecord


@dataclass(frozen=True, slots=True)
class CoverageRow:
    id: int
    payer_id: int
    payer_name: str
    payer_kind: PayerKind
    requires_auth: bool
    priority: int
    effective_date: date
    end_date: date | None
    plan_year_start_month: int
    plan_year_start_day: int
    visit_limit: int | None
    visits_used_elsewhere: int
    visits_used_elsewhere_as_of: date | None
    therapy_amount_elsewhere: Decimal | None
    therapy_amount_elsewhere_year: int | None
    verified_on: date | None
    decision_days_standard: int | None
    decision_hours_expedited: int | None

    def in_force(self, today: date) -> bool:
        return self.effective_date <= today and (self.end_date is None or self.end_date >= today)


@dataclass(frozen=True, slots=True)
class AuthRow:
    id: int
    coverage_id: int
    number: str
    state: AuthState
    start: date
    end: date
    counts: AuthUnit
    authorized: int
    carried_in: int
    ended_on: date | None
    notes: str
    codes: tuple[tuple[str, int | None], ...]  # (code, units) sorted by code


@dataclass(frozen=True, slots=True)
class PatientData:
    patient_id: int
    coverages: tuple[CoverageRow, ...]
    auths: tuple[AuthRow, ...]
    visits: tuple[VisitRecord, ...]
    # visit id -> (stored authorization_id, PT+SLP allowed amount of its lines)
    stored: dict[int, int | None]
    amounts: dict[int, Decimal]

    def coverage(self, coverage_id: int) -> CoverageRow | None:
        return next((c for c in self.coverages if c.id == coverage_id), None)
