"""What the visit summary (superbill) says (issue 10 item 6): plain data for the PDF builder."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ptdesk.domain.estimate_document import ClinicDetails


@dataclass(frozen=True, slots=True)
class SummaryLine:
    code: str
    description: str  # ptdesk's own words (resources/rules/codes.csv)
    minutes: int
    units: int
    modifiers: str
    charge: Decimal | None  # fee schedule amount for the line; None = no fee on file


@dataclass(frozen=True, slots=True)
class VisitSummary:
    clinic: ClinicDetails
    patient_name: str
    patient_dob: date | None
    chart_number: str
    payer_name: str
    member_id: str
    provider_name: str
    provider_credential: str
    provider_npi: str
    day: date
    diagnoses: tuple[tuple[str, str], ...]  # (dotted code, description), primary first
    lines: tuple[SummaryLine, ...]
    overrides: tuple[str, ...] = ()  # "Completed over errors: Other: ..., by JD on ..."
    status_note: str = ""  # "Voided: wrong patient" / "Corrected 2 times"
    fee_note: str = ""  # which fee schedule priced the charges
    voided: bool = False  # printed with VOID across every page

    @property
    def total(self) -> Decimal:
        return sum((ln.charge for ln in self.lines if ln.charge is not None), Decimal("0.00"))
