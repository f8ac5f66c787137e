"""The patient's share of a plan of care, visit by visit in date order (issue 11, pt-rules H).

Per covered visit (pt-rules H1):
    A = sum(fee x units); ded = min(A, deductible left) (0 when waived for therapy);
    coins = c% x (A - ded) rounded half-up to the cent; patient = min(ded + coins + copay,
    out-of-pocket left, A); insurance = A - patient; deductible met += min(ded, patient);
    out-of-pocket met += patient.
Visits past the plan-year visit limit are not covered: the self-pay price (else A), counting
toward neither deductible nor out-of-pocket. Visits past the authorization (count or end date)
are priced as covered and marked; `if_not_extended` is what the patient owes at self-pay prices
if the extension is refused. A plan year starting during the course resets the deductible, the
out-of-pocket and the visit-limit counts (the authorization is not plan-year based: it carries
on). Medicare Part B: the year's deductible then 20%, no out-of-pocket maximum (pt-rules H2).
Self-pay and uninsured: the self-pay price list, else the allowed amount.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.estimate_model import (
    Benefits,
    Estimate,
    EstimatePayer,
    EstimateRequest,
    EstimateTables,
    EstimateTotals,
    PartBFigures,
    Phase,
    PricedLine,
    ServiceLine,
    VisitEstimate,
)
from ptdesk.domain.estimate_pricing import PriceBook
from ptdesk.domain.estimate_schedule import parse_month_day, plan_year_start, visit_dates
from ptdesk.domain.estimate_text import assumptions_for
from ptdesk.domain.estimate_validate import validate_request
from ptdesk.domain.money import ZERO, round_cents

_HUNDRED = Decimal(100)


def visit_lines(request: EstimateRequest, index: int) -> tuple[ServiceLine, ...]:
    """The lines of visit `index` (0-based): the first is the evaluation alone unless the plan
    lists the first visit's lines."""
    plan = request.plan
    if index == 0:
        if plan.first_visit_lines is not None:
            return plan.first_visit_lines
        if plan.evaluation:
            return (ServiceLine(plan.evaluation, 1),)
    return plan.per_visit


def part_b_for(tables: EstimateTables, year: int) -> PartBFigures:
    figures = tables.part_b.get(year)
    if figures is None:
        known = ", ".join(str(y) for y in sorted(tables.part_b)) or "none"
        raise ValidationError(
            f"benefits.deductible: ptdesk has no Medicare Part B deductible for {year} (it has "
            f"{known}); give the deductible and coinsurance_percent in benefits",
            field="benefits.deductible",
        )
    return figures


@dataclass(slots=True)
class _Year:
    """Cost-sharing counters of the plan year in progress."""

    start: date
    deductible: Decimal
    coinsurance: Decimal  # percent
    deductible_met: Decimal
    oop_met: Decimal
    visits_used: int


def _year_terms(
    request: EstimateRequest, tables: EstimateTables, start: date, first: bool
) -> tuple[Decimal, Decimal]:
    """(deductible, coinsurance %) for the plan year starting `start`. For Medicare a figure
    left out is the year's Part B figure; a deductible given is the one of the year in progress
    when the benefits were verified, so later years take Part B's."""
    b = request.benefits or Benefits()
    if request.payer_type is not EstimatePayer.MEDICARE:
        return b.deductible or ZERO, b.coinsurance_percent or ZERO
    deductible = b.deductible if first else None
    coins = b.coinsurance_percent
    if deductible is None or coins is None:
        figures = part_b_for(tables, start.year)
        deductible = figures.deductible if deductible is None else deductible
        coins = figures.coinsurance_percent if coins is None else coins
    return deductible, coins


def _price(book: PriceBook, lines: tuple[ServiceLine, ...], day: date, *, self_pay: bool) -> (
    tuple[PricedLine, ...]
):
    unit = book.self_pay if self_pay else book.allowed
    return tuple(PricedLine(ln.code, ln.units, unit(ln.code, day) * ln.units) for ln in lines)


def _share(
    a: Decimal, year: _Year, b: Benefits, oop_max: Decimal | None
) -> tuple[Decimal, tuple[Phase, ...]]:
    """The patient's part of allowed amount `a` (pt-rules H1); updates the year's counters."""
    ded = ZERO if b.deductible_waived else min(a, max(year.deductible - year.deductible_met, ZERO))
    coins = round_cents(year.coinsurance / _HUNDRED * (a - ded))
    raw = ded + coins + b.copay
    oop_left = None if oop_max is None else max(oop_max - year.oop_met, ZERO)
    patient = min(raw, a) if oop_left is None else min(raw, oop_left, a)
    year.deductible_met += min(ded, patient)
    year.oop_met += patient
    capped = oop_left is not None and oop_left < raw and oop_left < a
    phases: list[Phase] = []
    if patient > 0:
        phases += [p for p, amount in ((Phase.DEDUCTIBLE, ded), (Phase.COINSURANCE, coins),
                                       (Phase.COPAY, b.copay)) if amount > 0]
    if capped:
        phases.append(Phase.OOP_MAX_REACHED)
    if not phases:
        phases.append(Phase.COVERED_IN_FULL)
    return patient, tuple(phases)


def _self_pay_visits(
    request: EstimateRequest, book: PriceBook, dates: tuple[date, ...]
) -> list[VisitEstimate]:
    out = []
    for i, day in enumerate(dates):
        lines = _price(book, visit_lines(request, i), day, self_pay=True)
        total = sum((ln.allowed for ln in lines), ZERO)
        out.append(
            VisitEstimate(i + 1, day, lines, total, ZERO, total, False, False, None,
                          (Phase.SELF_PAY,))
        )
    return out


def _insured_visits(
    request: EstimateRequest, tables: EstimateTables, book: PriceBook, dates: tuple[date, ...]
) -> list[VisitEstimate]:
    b = request.benefits or Benefits()
    medicare = request.payer_type is EstimatePayer.MEDICARE
    month_day = (1, 1) if medicare else parse_month_day(b.plan_year_start,
                                                        field="benefits.plan_year_start")
    start = plan_year_start(request.as_of or request.plan.first_visit, month_day)
    ded, coins = _year_terms(request, tables, start, True)
    year = _Year(start, ded, coins, b.deductible_met, b.oop_met, b.visits_used)
    auth_left = b.auth_visits_left
    out = []
    for i, day in enumerate(dates):
        starts = plan_year_start(day, month_day)
        if starts > year.start:  # a new plan year: the counters start over (not the auth)
            ded, coins = _year_terms(request, tables, starts, False)
            year = _Year(starts, ded, coins, ZERO, ZERO, 0)
        lines = visit_lines(request, i)
        if b.visit_limit is not None and year.visits_used >= b.visit_limit:
            priced = _price(book, lines, day, self_pay=True)
            total = sum((ln.allowed for ln in priced), ZERO)
            out.append(VisitEstimate(i + 1, day, priced, total, ZERO, total, False, False, None,
                                     (Phase.NOT_COVERED_LIMIT,)))
            continue
        year.visits_used += 1
        needs_extension = (auth_left is not None and auth_left <= 0) or (
            b.auth_end is not None and day > b.auth_end
        )
        if auth_left is not None:
            auth_left -= 1
        priced = _price(book, lines, day, self_pay=False)
        a = sum((ln.allowed for ln in priced), ZERO)
        patient, phases = _share(a, year, b, b.oop_max)
        if_not = None
        if needs_extension:
            if_not = sum((ln.allowed for ln in _price(book, lines, day, self_pay=True)), ZERO)
        out.append(VisitEstimate(i + 1, day, priced, a, a - patient, patient, True,
                                 needs_extension, if_not, phases))
    return out


def compute_estimate(request: EstimateRequest, tables: EstimateTables) -> Estimate:
    """The estimate of `request`, visit by visit. Raises `ValidationError` (a `DomainError`)
    naming the field and the problem when an input is not acceptable."""
    validate_request(request, tables)
    book = PriceBook(request, tables)
    plan = request.plan
    dates = visit_dates(plan.first_visit, plan.visits_per_week, plan.visit_count)
    if request.payer_type.pays_own_way:
        visits = _self_pay_visits(request, book, dates)
    else:
        visits = _insured_visits(request, tables, book, dates)
    totals = EstimateTotals(
        allowed=sum((v.allowed for v in visits), ZERO),
        insurance_pays=sum((v.insurance_pays for v in visits), ZERO),
        patient_pays=sum((v.patient_pays for v in visits), ZERO),
        patient_pays_if_not_extended=sum(
            (v.patient_pays if v.if_not_extended is None else v.if_not_extended for v in visits),
            ZERO,
        ),
    )
    return Estimate(request, tuple(visits), totals,
                    assumptions_for(request, tables, tuple(visits), book))
