"""The assumptions an estimate states, as keys with values plus their English wording.

A document in another language words the same key with its own template
(`reports/i18n.py`); `render` fills a template for a language: Decimal values named `*_pct`
are percentages, other Decimals dollars, dates are written out, payer types get their label.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from ptdesk.domain.estimate_model import (
    Assumption,
    Benefits,
    EstimatePayer,
    EstimateRequest,
    EstimateTables,
    Phase,
    VisitEstimate,
)
from ptdesk.domain.estimate_pricing import PriceBook
from ptdesk.domain.estimate_schedule import parse_month_day, plan_year_start
from ptdesk.domain.lang_format import format_date, format_money, format_percent

PAYER_LABELS_EN = {
    EstimatePayer.MEDICARE: "Medicare (Original, Part B)",
    EstimatePayer.MEDICARE_ADVANTAGE: "Medicare Advantage",
    EstimatePayer.MEDICAID: "Medicaid",
    EstimatePayer.COMMERCIAL: "Commercial insurance",
    EstimatePayer.WORKERS_COMP: "Workers' compensation",
    EstimatePayer.SELF_PAY: "Self-pay",
    EstimatePayer.UNINSURED: "Uninsured",
}

TEMPLATES_EN: Mapping[str, str] = {
    "payer": "Payer type: {payer}.",
    "plan": "Plan of care: {visits} visits, {per_week} a week from {first}; "
    "visit 1 is {first_what}.",
    "as_of": "Benefits as of {as_of}{verified}.",
    "verified_by": ", verified by {who}",
    "deductible": "Deductible {deductible}, of which {met} already met.",
    "deductible_waived": "The plan waives the deductible for therapy.",
    "no_deductible": "No deductible.",
    "part_b": "Medicare Part B {year}: deductible {deductible}, then {coins_pct} of the allowed "
    "amount; no out-of-pocket maximum (CMS figures for {year}).",
    "coinsurance": "Coinsurance {coins_pct} of the allowed amount after the deductible, "
    "rounded to the cent.",
    "copay": "Copay {copay} a visit.",
    "oop": "Out-of-pocket maximum {oop_max}, of which {met} already met; once reached the plan "
    "pays the rest.",
    "no_oop": "No out-of-pocket maximum.",
    "new_plan_year": "A new plan year starts on {start}: the deductible, out-of-pocket and "
    "visit counts start over that day.",
    "visit_limit": "Visit limit: {limit} visits a plan year, {used} used before this plan.",
    "limit_reached": "From visit {n} ({date}) the plan's visit limit is reached: those visits "
    "are not covered and are priced at the clinic's self-pay price.",
    "auth": "Authorization: {left} visits left{until}.",
    "auth_date_only": "Authorization through {end}.",
    "first_eval": "the evaluation ({code}) alone",
    "first_lines": "the lines listed for it",
    "first_treatment": "a treatment visit",
    "auth_until": ", through {end}",
    "auth_runs_out": "From visit {n} ({date}) the authorization is used up: those visits are "
    "covered only if it is extended; if not, the patient owes the self-pay price.",
    "self_pay": "Self-pay prices from the clinic's price list; a code without one is priced at "
    "its allowed amount.",
    "default_fees": "{codes} priced from the CMS {year} national fee schedule (non-facility "
    "RVU x conversion factor) x locality factor {factor}.",
    "mppr_approx": "Approximate: Medicare lowers the practice-expense part of the second and "
    "later therapy units of a day by 50% (multiple-procedure reduction); the national amounts "
    "used here do not, so the allowed amounts and your share may be somewhat lower.",
    "bundled": "{codes}: bundled for Medicare (paid as part of the other services), $0.00.",
    "estimate_only": "This is an estimate: the plan decides what it pays when the claims are "
    "processed.",
}


def render(a: Assumption, lang: str, templates: Mapping[str, str],
           payer_labels: Mapping[EstimatePayer, str]) -> str:
    """`a` worded in `lang` from `templates` (falls back to the English text)."""
    template = templates.get(a.key)
    if template is None:
        return a.text
    values: dict[str, str] = {}
    for name, value in a.values:
        if isinstance(value, EstimatePayer):
            values[name] = payer_labels[value]
        elif isinstance(value, Decimal):
            values[name] = format_percent(value) if name.endswith("_pct") else format_money(value)
        elif isinstance(value, date):
            values[name] = format_date(value, lang)
        elif isinstance(value, tuple):  # a nested key: a sub-phrase with its own values
            key, sub = value
            values[name] = render(Assumption(key, sub, ""), lang, templates, payer_labels)
        else:
            values[name] = str(value)
    return template.format(**values)


def _a(key: str, **values: object) -> Assumption:
    items = tuple(values.items())
    draft = Assumption(key, items, "")
    return Assumption(key, items, render(draft, "en", TEMPLATES_EN, PAYER_LABELS_EN))


def _first(visits: tuple[VisitEstimate, ...], test: object) -> VisitEstimate | None:
    return next((v for v in visits if test(v)), None)  # type: ignore[operator]


def _benefit_lines(request: EstimateRequest, tables: EstimateTables,
                   visits: tuple[VisitEstimate, ...]) -> list[Assumption]:
    b = request.benefits or Benefits()
    medicare = request.payer_type is EstimatePayer.MEDICARE
    as_of = request.as_of or request.plan.first_visit
    who = ("verified_by", (("who", b.verified_by),)) if b.verified_by else ""
    out = [_a("as_of", as_of=as_of, verified=who)]
    years = sorted({plan_year_start(v.date, (1, 1)).year for v in visits}) if medicare else []
    for year in years:
        fig = tables.part_b.get(year)
        if fig is not None:
            out.append(_a("part_b", year=year, deductible=fig.deductible,
                          coins_pct=fig.coinsurance_percent, source=fig.source))
    if b.deductible_waived:
        out.append(_a("deductible_waived"))
    elif b.deductible is not None:
        out.append(_a("deductible", deductible=b.deductible, met=b.deductible_met))
    elif not medicare:
        out.append(_a("no_deductible"))
    if b.coinsurance_percent is not None and b.coinsurance_percent > 0:
        out.append(_a("coinsurance", coins_pct=b.coinsurance_percent))
    if b.copay > 0:
        out.append(_a("copay", copay=b.copay))
    if b.oop_max is not None:
        out.append(_a("oop", oop_max=b.oop_max, met=b.oop_met))
    elif not medicare:
        out.append(_a("no_oop"))
    month_day = (1, 1) if medicare else parse_month_day(b.plan_year_start, field="")
    start = plan_year_start(as_of, month_day)
    for v in visits:
        if plan_year_start(v.date, month_day) > start:
            start = plan_year_start(v.date, month_day)
            out.append(_a("new_plan_year", start=start))
    if b.visit_limit is not None:
        out.append(_a("visit_limit", limit=b.visit_limit, used=b.visits_used))
        hit = _first(visits, lambda v: Phase.NOT_COVERED_LIMIT in v.phases)
        if hit is not None:
            out.append(_a("limit_reached", n=hit.n, date=hit.date))
    if b.auth_visits_left is not None or b.auth_end is not None:
        if b.auth_visits_left is None:
            out.append(_a("auth_date_only", end=b.auth_end))
        else:
            until = ("auth_until", (("end", b.auth_end),)) if b.auth_end else ""
            out.append(_a("auth", left=b.auth_visits_left, until=until))
        ext = _first(visits, lambda v: v.needs_extension)
        if ext is not None:
            out.append(_a("auth_runs_out", n=ext.n, date=ext.date))
    return out


def assumptions_for(request: EstimateRequest, tables: EstimateTables,
                    visits: tuple[VisitEstimate, ...], book: PriceBook) -> tuple[Assumption, ...]:
    plan = request.plan
    first_what: tuple[str, tuple[tuple[str, object], ...]]
    if plan.first_visit_lines is not None:
        first_what = ("first_lines", ())
    elif plan.evaluation:
        first_what = ("first_eval", (("code", plan.evaluation),))
    else:
        first_what = ("first_treatment", ())
    out = [_a("payer", payer=request.payer_type),
           _a("plan", visits=plan.visit_count, per_week=plan.visits_per_week,
              first=plan.first_visit, first_what=first_what)]
    if request.payer_type.pays_own_way:
        out.append(_a("self_pay"))
    else:
        out.extend(_benefit_lines(request, tables, visits))
        if any(not v.covered or v.needs_extension for v in visits):
            out.append(_a("self_pay"))
    by_year: dict[int, list[str]] = {}
    for (year, code) in sorted(book.from_default):
        by_year.setdefault(year, []).append(code)
    for year, codes in by_year.items():
        out.append(_a("default_fees", codes=", ".join(codes), year=year,
                      factor=f"{request.fees.locality_factor.normalize():f}"))
    medicare = request.payer_type is EstimatePayer.MEDICARE
    if medicare and book.from_default and any(
        sum(ln.units for ln in v.lines) > 1 for v in visits if v.covered
    ):  # pt-rules H2: MPPR needs PE RVUs per code; without it the estimate is approximate
        out.append(_a("mppr_approx"))
    if book.bundled:
        out.append(_a("bundled", codes=", ".join(sorted(book.bundled))))
    out.append(_a("estimate_only"))
    return tuple(out)
