"""The vocabulary of a patient cost estimate: what goes in and what comes out (issue 11).

Plain frozen dataclasses, money as `Decimal`. The arithmetic is `domain/estimate.py`; the
scenario file's JSON shape is `domain/estimate_scenario.py`; the printed documents take these
objects as they are (`reports/`). Text meant for people (phases, assumptions) is carried as a
key plus values, so a document can word it in English or Spanish; `.text` is the English.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ptdesk.domain.billing.ruleset import FeeEntry
from ptdesk.domain.payers import PayerKind


class EstimatePayer(StrEnum):
    """The audit's payer types plus `uninsured` (45 CFR 149.610 treats both alike)."""

    MEDICARE = PayerKind.MEDICARE.value
    MEDICARE_ADVANTAGE = PayerKind.MEDICARE_ADVANTAGE.value
    MEDICAID = PayerKind.MEDICAID.value
    COMMERCIAL = PayerKind.COMMERCIAL.value
    WORKERS_COMP = PayerKind.WORKERS_COMP.value
    SELF_PAY = PayerKind.SELF_PAY.value
    UNINSURED = "uninsured"

    @property
    def pays_own_way(self) -> bool:
        """Self-pay and uninsured: the self-pay price list, and a Good Faith Estimate is due."""
        return self in (EstimatePayer.SELF_PAY, EstimatePayer.UNINSURED)


class Phase(StrEnum):
    """Where a visit falls in the patient's cost sharing (several may apply to one visit)."""

    DEDUCTIBLE = "deductible"
    COINSURANCE = "coinsurance"
    COPAY = "copay"
    OOP_MAX_REACHED = "out-of-pocket max reached"
    COVERED_IN_FULL = "covered in full"
    NOT_COVERED_LIMIT = "not covered: visit limit"
    SELF_PAY = "self-pay"


@dataclass(frozen=True, slots=True)
class ServiceLine:
    code: str
    units: int = 1


@dataclass(frozen=True, slots=True)
class PlanOfCare:
    """`visits` (the eval visit included) or `weeks` x `visits_per_week`; the first visit is
    the evaluation alone unless `first_visit_lines` lists its lines."""

    first_visit: date
    visits_per_week: int
    per_visit: tuple[ServiceLine, ...]
    evaluation: str | None = None
    weeks: int | None = None
    visits: int | None = None
    first_visit_lines: tuple[ServiceLine, ...] | None = None

    @property
    def visit_count(self) -> int:
        if self.visits is not None:
            return self.visits
        return self.visits_per_week * (self.weeks or 0)


@dataclass(frozen=True, slots=True)
class Benefits:
    """The coverage's benefits as verified. None = the plan has no such feature (no limit, no
    authorization, no out-of-pocket maximum). For Medicare, `deductible`/`coinsurance_percent`
    None mean "the year's Part B figures"; for other payers None means none (0)."""

    deductible: Decimal | None = None
    deductible_met: Decimal = Decimal("0.00")
    deductible_waived: bool = False  # the plan waives the deductible for therapy
    copay: Decimal = Decimal("0.00")
    coinsurance_percent: Decimal | None = None
    oop_max: Decimal | None = None
    oop_met: Decimal = Decimal("0.00")
    plan_year_start: str = "01-01"  # MM-DD
    visit_limit: int | None = None  # per plan year
    visits_used: int = 0  # toward the visit limit, this plan year
    auth_visits_left: int | None = None
    auth_end: date | None = None
    verified_on: date | None = None  # the date the met amounts were true (for the documents)
    verified_by: str | None = None


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """The payer's allowed amount per unit by code, the clinic's self-pay prices per unit, and
    the clinic's locality factor for codes priced from the default (CMS RVU) schedule."""

    allowed: Mapping[str, Decimal] = field(default_factory=dict)
    self_pay: Mapping[str, Decimal] = field(default_factory=dict)
    locality_factor: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class PartBFigures:
    """Medicare Part B for one calendar year (resources/rules/medicare_part_b.csv)."""

    year: int
    deductible: Decimal
    coinsurance_percent: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class EstimateTables:
    """Data from resources/: the default fee schedule by year and Part B figures by year."""

    default_fees: Mapping[int, Mapping[str, FeeEntry]]
    part_b: Mapping[int, PartBFigures]


@dataclass(frozen=True, slots=True)
class EstimateRequest:
    payer_type: EstimatePayer
    plan: PlanOfCare
    fees: FeeSchedule
    benefits: Benefits | None = None  # may be None for self-pay, uninsured and Medicare
    as_of: date | None = None  # the date the benefits were true; default: the first visit


@dataclass(frozen=True, slots=True)
class Assumption:
    """One stated basis of the estimate: a key (for translation), values, the English text."""

    key: str
    values: tuple[tuple[str, object], ...]
    text: str

    def value(self, name: str) -> object:
        return dict(self.values)[name]


@dataclass(frozen=True, slots=True)
class PricedLine:
    code: str
    units: int
    allowed: Decimal  # fee x units at the price that applies to this visit


@dataclass(frozen=True, slots=True)
class VisitEstimate:
    n: int  # 1-based
    date: date
    lines: tuple[PricedLine, ...]
    allowed: Decimal  # == insurance_pays + patient_pays
    insurance_pays: Decimal
    patient_pays: Decimal
    covered: bool
    needs_extension: bool  # past the authorization: priced as covered, the extension is the plan
    if_not_extended: Decimal | None  # what the patient owes at self-pay prices if it is refused
    phases: tuple[Phase, ...]

    @property
    def phase(self) -> str:
        return ", ".join(p.value for p in self.phases)

    @property
    def codes(self) -> str:
        return ", ".join(
            f"{ln.code} x{ln.units}" if ln.units != 1 else ln.code for ln in self.lines
        )


@dataclass(frozen=True, slots=True)
class EstimateTotals:
    allowed: Decimal
    insurance_pays: Decimal
    patient_pays: Decimal
    # what the patient would pay in all if no authorization extension is granted
    patient_pays_if_not_extended: Decimal


@dataclass(frozen=True, slots=True)
class Estimate:
    request: EstimateRequest
    visits: tuple[VisitEstimate, ...]
    totals: EstimateTotals
    assumptions: tuple[Assumption, ...]
