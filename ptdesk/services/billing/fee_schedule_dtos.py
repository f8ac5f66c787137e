"""What the fee schedule and clinic details screens exchange with their services."""

from dataclasses import dataclass
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


