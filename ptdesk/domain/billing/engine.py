"""`evaluate_visit`: the engine's answer for one visit as the frozen dataclasses screens use.

A view over `core.Evaluator` (the one implementation of the rules, see core.py for where a new
rule goes): the input dataclasses become tuples, the result's tuples become dataclasses.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.billing.core import evaluator_for
from ptdesk.domain.billing.explain import explain_units
from ptdesk.domain.billing.findings import Finding
from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.domain.billing.units import Allocation
from ptdesk.domain.payers import PayerKind, UnitMethod

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One block of service as documented (several blocks of one code are merged)."""

    code: str
    minutes: int
    assistant_minutes: int = 0  # minutes the assistant furnished independently
    billed_units: int | None = None  # what was (or is about to be) billed, when known
    billed_modifiers: frozenset[str] | None = None
    allowed_amount: Decimal | None = None  # for the whole line; None = default fee schedule


@dataclass(frozen=True, slots=True)
class VisitInput:
    day: date
    payer_kind: PayerKind
    unit_method: UnitMethod
    lines: tuple[ServiceLine, ...]
    ytd_allowed_before: Decimal | None = None  # PT+SLP allowed this year before this visit
    authorization: AuthorizationTerms | None = None
    visit_number: int | None = None  # this visit's number within the authorization
    # Codes the therapist prefers when CMS lets them choose (equal remainders), first = most.
    tie_preference: tuple[str, ...] = ()
    # Why a re-evaluation (97164) is done (pt-rules F4); None = not asked, "" = not given.
    reeval_reason: str | None = None


@dataclass(frozen=True, slots=True)
class BilledLine:
    code: str
    minutes: int
    units: int | None  # None for a code ptdesk does not know (not computed)
    modifiers: tuple[str, ...]
    assistant_minutes: int = 0
    allowed_amount: Decimal = _ZERO
    note: str = ""


@dataclass(frozen=True, slots=True)
class VisitResult:
    lines: tuple[BilledLine, ...]
    findings: tuple[Finding, ...]
    total_timed_minutes: int
    total_timed_units: int
    allocation: Allocation  # by the payer's method
    alternative: Allocation  # by the other method, for "would give N"
    cq_reasons: Mapping[str, str] = field(default_factory=dict)
    ytd_after: Decimal | None = None
    units_overbilled: int = 0
    units_underbilled: int = 0

    @property
    def ties(self) -> tuple[str, ...]:
        """Codes the therapist may choose between for the last unit(s) (empty: no choice)."""
        return self.allocation.tied_codes

    def explanation(self) -> str:
        text = explain_units(self.allocation, self.alternative)
        extra = [f"{code}: {why}" for code, why in self.cq_reasons.items() if why]
        return text if not extra else text + ". CQ: " + "; ".join(extra)


def evaluate_visit(visit: VisitInput, rules: RuleSet) -> VisitResult:
    res = evaluator_for(rules).evaluate(
        visit.day,
        visit.payer_kind,
        visit.unit_method,
        [
            (s.code, s.minutes, s.assistant_minutes, s.billed_units, s.billed_modifiers,
             s.allowed_amount)
            for s in visit.lines
        ],
        visit.ytd_allowed_before,
        visit.authorization,
        visit.visit_number,
        visit.tie_preference,
        visit.reeval_reason,
    )
    return VisitResult(
        lines=tuple(BilledLine(*b) for b in res.lines),
        findings=tuple(Finding(*f) for f in res.findings),
        total_timed_minutes=res.allocation.total_minutes,
        total_timed_units=res.allocation.total_units,
        allocation=res.allocation,
        alternative=res.alternative,
        cq_reasons=dict(res.cq_reasons),
        ytd_after=res.ytd_after,
        units_overbilled=res.units_overbilled,
        units_underbilled=res.units_underbilled,
    )
