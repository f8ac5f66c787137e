"""FastEvaluator == evaluate_visit, on random visits and on the hand-picked hard cases."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.billing import RuleSet, ServiceLine, VisitInput, evaluate_visit
from ptdesk.domain.billing.fast import FastEvaluator, finding_tuple
from ptdesk.domain.payers import PayerKind, UnitMethod
from ptdesk.storage.rule_tables import load_bundled_ruleset

RULES = load_bundled_ruleset()
FAST = FastEvaluator(RULES)  # one evaluator for every example: its memory must not leak
CODES = [*sorted(RULES.codes), "99999", "97163", "G0283"]
TIMED = [c for c, i in RULES.codes.items() if i.is_timed]
MODS = ["GP", "KX", "CQ", "59", "XU", "GO", "CO"]

money = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=200, places=2, allow_nan=False),
    st.sampled_from([Decimal("0"), Decimal("12.5"), Decimal("3.333"), Decimal("1E+2")]),
    st.integers(0, 60).map(Decimal),  # whole dollars: a total can land exactly on a threshold
)
days = st.one_of(
    st.dates(date(2017, 1, 1), date(2027, 12, 31)),
    st.sampled_from([date(2019, 12, 31), date(2020, 1, 1), date(2020, 10, 1),
                     date(2022, 1, 1), date(2026, 6, 30), date(2026, 7, 1), date(2026, 10, 1)]),
)


@st.composite
def lines(draw: st.DrawFn) -> ServiceLine:
    code = draw(st.one_of(st.sampled_from(CODES), st.sampled_from(TIMED)))
    minutes = draw(st.one_of(st.integers(0, 60), st.sampled_from([7, 8, 15, 22, 23, 38, 53])))
    asst = draw(st.one_of(st.just(0), st.just(minutes), st.integers(0, minutes)))
    billed = draw(st.one_of(st.none(), st.integers(0, 8)))
    mods = draw(st.one_of(st.none(), st.frozensets(st.sampled_from(MODS), max_size=4)))
    return ServiceLine(code, minutes, asst, billed, mods, draw(money))


@st.composite
def visits(draw: st.DrawFn) -> VisitInput:
    day = draw(days)
    auth = None
    if draw(st.booleans()):
        start = draw(st.dates(date(2019, 1, 1), date(2027, 1, 1)))
        auth = AuthorizationTerms(
            start=start,
            end=draw(st.dates(start, date(2027, 12, 31))),
            authorized=draw(st.integers(0, 20)),
            codes=draw(st.frozensets(st.sampled_from([*CODES[:12], "97110"]), max_size=3)),
            counts=draw(st.sampled_from(list(AuthUnit))),
            number=draw(st.sampled_from(["", "A-17"])),
        )
    ytd = draw(st.one_of(
        st.none(),
        st.decimals(min_value=0, max_value=3500, places=2, allow_nan=False),
        st.decimals(min_value=2300, max_value=3100, places=3, allow_nan=False),
        st.integers(2000, 3100).map(Decimal),
    ))
    return VisitInput(
        day=day,
        payer_kind=draw(st.sampled_from(list(PayerKind))),
        unit_method=draw(st.sampled_from(list(UnitMethod))),
        lines=tuple(draw(st.lists(lines(), min_size=1, max_size=6))),
        ytd_allowed_before=ytd,
        authorization=auth,
        visit_number=draw(st.one_of(st.none(), st.integers(0, 30))),
    )


def assert_same(v: VisitInput, rules: RuleSet = RULES, fast: FastEvaluator = FAST) -> None:
    want = evaluate_visit(v, rules)
    got = fast.evaluate(
        v.day, v.payer_kind, v.unit_method,
        [(s.code, s.minutes, s.assistant_minutes, s.billed_units, s.billed_modifiers,
          s.allowed_amount) for s in v.lines],
        v.ytd_allowed_before, v.authorization, v.visit_number,
    )
    assert got.lines == [
        (b.code, b.minutes, b.units, b.modifiers, b.assistant_minutes, b.allowed_amount, b.note)
        for b in want.lines
    ]
    # Decimals compare by value: the text must match too (it is what the audit writes).
    assert [str(b[5]) for b in got.lines] == [str(b.allowed_amount) for b in want.lines]
    assert got.findings == [finding_tuple(f) for f in want.findings]
    assert (got.total_timed_minutes, got.total_timed_units) == (
        want.total_timed_minutes, want.total_timed_units
    )
    assert (got.units_overbilled, got.units_underbilled) == (
        want.units_overbilled, want.units_underbilled
    )
    assert got.ties == want.ties
    assert str(got.ytd_after) == str(want.ytd_after)
    assert got.explain.text() == want.explanation()


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visits())
def test_fast_path_equals_evaluate_visit(v: VisitInput) -> None:
    assert_same(v)


D = date(2026, 8, 3)
MC = PayerKind.MEDICARE
CASES = {
    # §20.2 example 2: equal remainders, the therapist's choice (and a billed choice).
    "tie": (ServiceLine("97110", 7), ServiceLine("97140", 7), ServiceLine("97112", 7)),
    "tie-billed": (ServiceLine("97110", 7, billed_units=0), ServiceLine("97140", 7, 0, 1)),
    # PTA 23 + PT 13 of 97110: two units, one with CQ (a CQ split into two lines).
    "cq-split": (ServiceLine("97110", 36, 23, 2, frozenset({"GP"})),),
    "cq-untimed": (ServiceLine("97012", 15, 3, 1, frozenset({"GP", "CQ"})),),
    "same-code": (ServiceLine("97110", 10, 2, 1, frozenset({"GP"})),
                  ServiceLine("97110", 14, 0, None, frozenset({"GP", "KX"}))),
    "ncci-0": (ServiceLine("97161", 30, 0, 1), ServiceLine("97162", 30, 0, 1)),
    "mue": (ServiceLine("97161", 30, 0, 3), ServiceLine("97110", 130, 0, 12)),
    "unknown": (ServiceLine("99999", 30, 0, 2, None, Decimal("1E+2")),
                ServiceLine("97110", 30)),
    # 2450 + 30 = 2480, exactly the 2026 threshold: not above, so KX only from the next line.
    "kx-exact": (ServiceLine("97110", 30, 0, 2, frozenset({"GP", "KX"}), Decimal("30.00")),
                 ServiceLine("97112", 15, 0, 1, frozenset({"GP"}), Decimal("5"))),
    "bundled": (ServiceLine("97010", 10, 0, 1), ServiceLine("97014", 10, 0, 1)),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("ytd", [None, Decimal("2450"), Decimal("2990.5"), Decimal("4000")])
@pytest.mark.parametrize("day", [D, date(2019, 6, 1), date(2021, 3, 1), date(2030, 1, 1)])
def test_hard_cases(name: str, ytd: Decimal | None, day: date) -> None:
    auth = AuthorizationTerms(date(2026, 1, 1), date(2026, 6, 30), 3, frozenset({"97110"}))
    for payer in PayerKind:
        for method in UnitMethod:
            assert_same(VisitInput(day, payer, method, CASES[name], ytd, auth, 4))


def test_kx_straddle_adds_kx_from_the_crossing_line() -> None:
    v = VisitInput(D, MC, UnitMethod.CMS, (ServiceLine("97110", 30), ServiceLine("97112", 30)),
                   Decimal("2420"))
    got = FAST.evaluate(v.day, MC, UnitMethod.CMS, [("97110", 30, 0, None, None, None),
                                                    ("97112", 30, 0, None, None, None)],
                        Decimal("2420"))
    assert [b[3] for b in got.lines] == [("GP",), ("GP", "KX")]
    assert_same(v)
