"""The rule data the engine needs, as one plain object handed over by the storage layer."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ptdesk.domain.billing.codes import CodeInfo
from ptdesk.domain.billing.edits import MueTable, PtpTable
from ptdesk.domain.billing.kx import KxThreshold
from ptdesk.domain.billing.modifiers import PayerPolicy
from ptdesk.domain.payers import PayerKind


@dataclass(frozen=True, slots=True)
class FeeEntry:
    """One code's national non-facility amount for a year (total RVU x conversion factor)."""

    code: str
    year: int
    status: str  # PFS status code: A active, B bundled, I not valid for Medicare, C carrier, R
    total_rvu: Decimal
    conversion_factor: Decimal
    amount: Decimal  # rounded to the cent
    version: str


@dataclass(frozen=True, slots=True)
class TableInfo:
    """What `ptdesk rules list` shows for each table."""

    name: str
    version: str
    source: str
    confidence: str
    rows: int


@dataclass(frozen=True, slots=True)
class RuleSet:
    codes: Mapping[str, CodeInfo]
    codes_version: str
    kx: Mapping[int, KxThreshold]
    mue: MueTable
    ptp: PtpTable
    fees: Mapping[int, Mapping[str, FeeEntry]]  # year -> code -> entry
    policies: Mapping[PayerKind, PayerPolicy]
    tables: tuple[TableInfo, ...] = field(default=())

    def fee(self, code: str, year: int) -> FeeEntry | None:
        """The year's fee, else the nearest year's (the entry's version says which year)."""
        table = self.fees.get(year)
        if table is None and self.fees:
            nearest = min(self.fees, key=lambda y: (abs(y - year), -y))
            table = self.fees[nearest]
        return None if table is None else table.get(code)

    def policy(self, kind: PayerKind) -> PayerPolicy:
        return self.policies[kind]
