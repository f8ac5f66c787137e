"""Checks on an estimate request before any arithmetic: each problem is a `ValidationError`
whose message starts with the field (named as in the scenario file, e.g.
`benefits.coinsurance_percent`) and says what is wrong, so the CLI prints it as one line and a
screen can show it next to the field."""

import re
from collections.abc import Iterable
from decimal import Decimal

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.estimate_model import (
    EstimatePayer,
    EstimateRequest,
    EstimateTables,
    ServiceLine,
)
from ptdesk.domain.estimate_pricing import PriceBook
from ptdesk.domain.estimate_schedule import parse_month_day
from ptdesk.domain.patient_rules import MAX_AMOUNT

CODE_PATTERN = re.compile(r"^[A-Z0-9]{5}$")
MAX_VISITS = 366  # a year of daily visits: more is a typo, not a plan of care
MAX_UNITS = 24  # no PT code is billed 24 units in one visit (MUEs are 1-8)


def fail(field: str, problem: str) -> ValidationError:
    return ValidationError(f"{field}: {problem}", field=field)


def check_money(field: str, value: Decimal | None) -> None:
    if value is None:
        return
    if not value.is_finite():
        raise fail(field, "is not an amount")
    if value < 0:
        raise fail(field, f"cannot be negative ({value})")
    if value >= MAX_AMOUNT:  # also keeps quantize below from overflowing on 1e999999999
        raise fail(field, f"is too large: under ${MAX_AMOUNT:,} expected")
    if value != value.quantize(Decimal("0.01")):  # exact test: no rounding involved
        raise fail(field, f"has more than two decimals ({value})")


def check_count(field: str, value: int | None, *, low: int = 0, high: int | None = None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(field, "must be a whole number")
    if value < low:
        raise fail(field, "cannot be negative" if low == 0 else f"must be at least {low}")
    if high is not None and value > high:
        raise fail(field, f"must be at most {high}")


def _check_code(field: str, code: str, book: PriceBook) -> None:
    if not CODE_PATTERN.match(code):
        raise fail(field, f"'{code}' is not a CPT/HCPCS code (5 characters)")
    if not book.knows(code):
        raise fail(field, f"{code} is not a code ptdesk knows (not in fees, self_pay_prices or "
                   "the CMS fee schedule)")


def _check_lines(field: str, lines: Iterable[ServiceLine], book: PriceBook) -> None:
    for i, line in enumerate(lines):
        where = f"{field}[{i}]"
        _check_code(f"{where}.code", line.code, book)
        check_count(f"{where}.units", line.units, low=1, high=MAX_UNITS)


def _check_plan(request: EstimateRequest, book: PriceBook) -> None:
    plan = request.plan
    check_count("plan_of_care.visits_per_week", plan.visits_per_week, low=1, high=7)
    if plan.visits is None and plan.weeks is None:
        raise fail("plan_of_care", "give weeks or visits")
    check_count("plan_of_care.weeks", plan.weeks, low=1, high=MAX_VISITS // 7)
    check_count("plan_of_care.visits", plan.visits, low=1, high=MAX_VISITS)
    if plan.visit_count > MAX_VISITS:
        raise fail("plan_of_care.weeks", f"more than {MAX_VISITS} visits in all")
    if plan.evaluation is not None:
        _check_code("plan_of_care.evaluation", plan.evaluation, book)
    if plan.first_visit_lines is not None:
        if not plan.first_visit_lines:
            raise fail("plan_of_care.first_visit_lines", "list at least one code")
        _check_lines("plan_of_care.first_visit_lines", plan.first_visit_lines, book)
    if not plan.per_visit and plan.visit_count > 1:
        raise fail("plan_of_care.per_visit", "list at least one code")
    _check_lines("plan_of_care.per_visit", plan.per_visit, book)


def _check_benefits(request: EstimateRequest) -> None:
    b = request.benefits
    if b is None:
        if request.payer_type.pays_own_way or request.payer_type is EstimatePayer.MEDICARE:
            return
        raise fail("benefits", f"required for a {request.payer_type.value} payer")
    for name in ("deductible", "deductible_met", "copay", "oop_max", "oop_met"):
        check_money(f"benefits.{name}", getattr(b, name))
    pct = b.coinsurance_percent
    if pct is not None and (not pct.is_finite() or pct < 0 or pct > 100):
        raise fail("benefits.coinsurance_percent", f"must be between 0 and 100 (not {pct})")
    parse_month_day(b.plan_year_start, field="benefits.plan_year_start")
    check_count("benefits.visit_limit", b.visit_limit)
    check_count("benefits.visits_used", b.visits_used)
    check_count("benefits.auth_visits_left", b.auth_visits_left)


def validate_request(request: EstimateRequest, tables: EstimateTables) -> None:
    if not isinstance(request.payer_type, EstimatePayer):
        raise fail("payer_type", f"'{request.payer_type}' is not a payer type")
    fees = request.fees
    for code, amount in fees.allowed.items():
        check_money(f"fees.{code}", amount)
    for code, amount in fees.self_pay.items():
        check_money(f"self_pay_prices.{code}", amount)
    lf = fees.locality_factor
    if not lf.is_finite() or lf <= 0 or lf > 5:
        raise fail("locality_factor", f"must be more than 0 and at most 5 (not {lf})")
    _check_benefits(request)
    _check_plan(request, PriceBook(request, tables))
