"""What the patients service hands out: frozen rows that cross threads and outlive sessions.

The drafts (what a form holds) are the domain's, re-exported here so callers need one import.
`PatientsApi` and `ReferenceApi` are what the screens need of the services: the UI depends on
these protocols (this module imports no SQLAlchemy), and the app hands in the real services.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from ptdesk.domain.patient_rules import CoverageDraft, PatientDraft
from ptdesk.domain.payers import PayerKind, VisitStatus

__all__ = [
    "CoverageDraft",
    "CoverageInfo",
    "CoverageState",
    "DuplicateCandidate",
    "PatientDetail",
    "PatientDraft",
    "PatientRecord",
    "PatientSearchResult",
    "PatientSearchRow",
    "PatientsApi",
    "PayerOption",
    "ProviderOption",
    "ReferenceApi",
    "VisitInfo",
]


def display_name(last: str, first: str, preferred: str = "") -> str:
    """'Smith, Josephine "Jo"': last name first, the name they go by in quotes."""
    name = f"{last}, {first}"
    if preferred and preferred.casefold() != first.casefold():
        name += f' "{preferred}"'
    return name


@dataclass(frozen=True, slots=True)
class PatientSearchRow:
    patient_id: int
    chart_number: str
    display_name: str
    last_name: str
    first_name: str
    date_of_birth: date
    age: int
    phone: str  # mobile, else home, as stored
    primary_payer: str  # "" when no primary coverage is in force today
    next_visit: date | None  # the next booked visit from today on
    last_visit: date | None  # the last visit that happened, when nothing is booked
    active: bool


@dataclass(frozen=True, slots=True)
class PatientSearchResult:
    text: str
    rows: tuple[PatientSearchRow, ...]
    # More patients matched than `rows` holds: the person should keep typing.
    more: bool = False
    # What kind of search it was, for the status line: "name", "date of birth", "number", "".
    kind: str = ""


@dataclass(frozen=True, slots=True)
class PatientDetail:
    id: int
    chart_number: str
    last_name: str
    first_name: str
    middle_name: str
    preferred_name: str
    date_of_birth: date
    sex: str
    phone_mobile: str
    phone_home: str
    email: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    postal_code: str
    active: bool
    notes: str

    @property
    def display_name(self) -> str:
        return display_name(self.last_name, self.first_name, self.preferred_name)

    def to_draft(self) -> PatientDraft:
        return PatientDraft(
            last_name=self.last_name,
            first_name=self.first_name,
            date_of_birth=self.date_of_birth,
            middle_name=self.middle_name,
            preferred_name=self.preferred_name,
            sex=self.sex,
            phone_mobile=self.phone_mobile,
            phone_home=self.phone_home,
            email=self.email,
            address_line1=self.address_line1,
            address_line2=self.address_line2,
            city=self.city,
            state=self.state,
            postal_code=self.postal_code,
            chart_number=self.chart_number,
            notes=self.notes,
            active=self.active,
        )


class CoverageState(StrEnum):
    ACTIVE = "active"
    FUTURE = "future"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return {"active": "In force", "future": "Starts later", "ended": "Ended"}[self.value]


PRIORITY_LABELS = {1: "Primary", 2: "Secondary", 3: "Tertiary"}


@dataclass(frozen=True, slots=True)
class CoverageInfo:
    id: int
    patient_id: int
    payer_id: int
    payer_name: str
    payer_kind: PayerKind
    draft: CoverageDraft  # every editable field, ready for the coverage form
    state: CoverageState

    @property
    def priority(self) -> int:
        return self.draft.priority

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS.get(self.draft.priority, str(self.draft.priority))

    @property
    def member_id(self) -> str:
        return self.draft.member_id

    @property
    def effective_date(self) -> date:
        assert self.draft.effective_date is not None  # always set once saved
        return self.draft.effective_date

    @property
    def end_date(self) -> date | None:
        return self.draft.end_date

    @property
    def copay(self) -> Decimal | None:
        return self.draft.copay


@dataclass(frozen=True, slots=True)
class VisitInfo:
    id: int
    visit_date: date
    status: VisitStatus
    provider_name: str
    payer_name: str
    # A stop overridden at check-in: "Evaluation only, by JD" ("" when none; issue 10).
    override: str = ""
    # Booked although the authorization or limit will not cover it: why ("" = covered; #2).
    outside: str = ""


@dataclass(frozen=True, slots=True)
class PatientRecord:
    patient: PatientDetail
    age: int
    coverages: tuple[CoverageInfo, ...]  # in force first (by priority), then future, then ended
    upcoming_visits: tuple[VisitInfo, ...]  # soonest first
    past_visits: tuple[VisitInfo, ...]  # most recent first

    def in_force(self, priority: int) -> CoverageInfo | None:
        return next(
            (
                c
                for c in self.coverages
                if c.state is CoverageState.ACTIVE and c.priority == priority
            ),
            None,
        )


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    patient_id: int
    chart_number: str
    display_name: str
    date_of_birth: date
    phone: str


@dataclass(frozen=True, slots=True)
class PayerOption:
    id: int
    name: str
    kind: PayerKind
    requires_prior_auth: bool
    active: bool = True

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind.label})"


@dataclass(frozen=True, slots=True)
class ProviderOption:
    id: int
    name: str  # "Lee, Dana, PT"
    role: str
    npi: str


class PatientsApi(Protocol):
    """What the screens ask of the patients service (ptdesk.services.patients.records)."""

    def search(self, text: str, today: date, limit: int = 100) -> PatientSearchResult: ...

    def get(self, patient_id: int, today: date) -> PatientRecord: ...

    def find_possible_duplicates(
        self,
        last_name: str,
        first_name: str,
        date_of_birth: date | None,
        exclude_id: int | None = None,
    ) -> tuple[DuplicateCandidate, ...]: ...

    def create_patient(self, draft: PatientDraft, today: date) -> PatientDetail: ...

    def update_patient(
        self, patient_id: int, draft: PatientDraft, today: date
    ) -> PatientDetail: ...

    def add_coverage(self, patient_id: int, draft: CoverageDraft, today: date) -> CoverageInfo: ...

    def update_coverage(
        self, coverage_id: int, draft: CoverageDraft, today: date
    ) -> CoverageInfo: ...

    def end_coverage(self, coverage_id: int, end_date: date, today: date) -> CoverageInfo: ...


class ReferenceApi(Protocol):
    """Pick lists (ptdesk.services.clinic.reference)."""

    def payers(self, *, include_inactive: bool = False) -> tuple[PayerOption, ...]: ...

    def providers(self, *, include_inactive: bool = False) -> tuple[ProviderOption, ...]: ...
