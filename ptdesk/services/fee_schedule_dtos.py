"""What the fee schedule and clinic details screens exchange with their services."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

ScheduleKind = Literal["default", "allowed", "self_pay"]


@dataclass(frozen=True, slots=True)
class ScheduleScope:
    """One schedule a clinic keeps: the computed default, the self-pay prices, or a payer's."""

    kind: ScheduleKind
    payer_id: int | None
    label: str
    editable: bool


@dataclass(frozen=True, slots=True)
class FeeRow:
    code: str
    amount: Decimal  # per unit
    default_amount: Decimal | None  # the clinic's default (CMS x locality) for comparison
    description: str = ""
    note: str = ""  # e.g. "PFS status B: bundled, not paid separately by Medicare"


@dataclass(frozen=True, slots=True)
class FeeScheduleView:
    scope: ScheduleScope
    year: int
    rows: tuple[FeeRow, ...]
    source: str


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int  # as a spreadsheet numbers it: the header is line 1
    reason: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    kept: int
    problems: tuple[ImportProblem, ...]


@dataclass(frozen=True, slots=True)
class ClinicDetailsDraft:
    name: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    phone: str = ""
    npi: str = ""
    tin: str = ""
    locality_factor: Decimal = Decimal("1.0000")
    closed_dates: tuple[date, ...] = ()

    @property
    def address(self) -> str:
        tail = " ".join(x for x in (self.state, self.postal_code) if x)
        return ", ".join(x for x in (self.address_line1, self.address_line2, self.city, tail)
                         if x.strip())

    @property
    def complete_for_gfe(self) -> bool:
        return bool(self.name and self.npi and self.tin and self.address_line1 and self.city)
