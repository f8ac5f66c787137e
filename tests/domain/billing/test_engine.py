"""evaluate_visit end to end on the bundled tables."""

from datetime import date
from decimal import Decimal

import pytest

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.billing import RuleId, RuleSet, ServiceLine, Severity, VisitInput, evaluate_visit
from ptdesk.domain.payers import PayerKind, UnitMethod

D = date(2026, 8, 3)
MC = PayerKind.MEDICARE


def visit(*lines: ServiceLine, **kw) -> VisitInput:  # type: ignore[no-untyped-def]
    kw.setdefault("day", D)
    kw.setdefault("payer_kind", MC)
    kw.setdefault("unit_method", UnitMethod.CMS)
    return VisitInput(lines=tuple(lines), **kw)


def rules_of(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule for f in result.findings]


def units(result) -> dict[str, int]:  # type: ignore[no-untyped-def]
    out: dict[str, int] = {}
    for line in result.lines:
        out[line.code] = out.get(line.code, 0) + (line.units or 0)
    return out


def test_same_code_in_several_blocks_is_one_line(rules: RuleSet) -> None:
    r = evaluate_visit(visit(ServiceLine("97110", 10), ServiceLine("97110", 14)), rules)
    assert [(b.code, b.minutes, b.units) for b in r.lines] == [("97110", 24, 2)]


def test_untimed_mixed_with_timed(rules: RuleSet) -> None:
    r = evaluate_visit(
        visit(ServiceLine("97162", 45), ServiceLine("97012", 15), ServiceLine("97110", 20)),
        rules,
    )
    assert units(r) == {"97162": 1, "97012": 1, "97110": 1}
    assert r.total_timed_minutes == 20


def test_gp_on_every_line_including_2026_rtm(rules: RuleSet) -> None:
    r = evaluate_visit(visit(ServiceLine("97110", 30), ServiceLine("98985", 0)), rules)
    assert all("GP" in b.modifiers for b in r.lines)


def test_ama_method_for_commercial(rules: RuleSet) -> None:
    r = evaluate_visit(
        visit(
            ServiceLine("97110", 10),
            ServiceLine("97112", 10),
            ServiceLine("97140", 10),
            payer_kind=PayerKind.COMMERCIAL,
            unit_method=UnitMethod.AMA,
        ),
        rules,
    )
    assert units(r) == {"97110": 1, "97112": 1, "97140": 1}
    assert "CMS total-time would give 2 units" in r.explanation()


def test_cq_scenario_splits_the_code_into_two_lines(rules: RuleSet) -> None:
    r = evaluate_visit(
        visit(
            ServiceLine("97110", 23, assistant_minutes=23),
            ServiceLine("97110", 13),
            ServiceLine("97140", 30),
        ),
        rules,
    )
    lines = [(b.code, b.units, "CQ" in b.modifiers) for b in r.lines]
    assert lines == [("97110", 1, False), ("97110", 1, True), ("97140", 2, False)]
    cq_line = r.lines[1]
    assert "85%" in cq_line.note
    assert cq_line.allowed_amount == (Decimal("29.06") * Decimal("0.85")).quantize(Decimal("0.01"))


def test_cq_not_used_before_2020_nor_for_commercial_by_default(rules: RuleSet) -> None:
    line = ServiceLine("97110", 30, assistant_minutes=30)
    assert all(
        "CQ" not in b.modifiers
        for b in evaluate_visit(visit(line, day=date(2019, 6, 1)), rules).lines
    )
    assert all(
        "CQ" not in b.modifiers
        for b in evaluate_visit(visit(line, payer_kind=PayerKind.COMMERCIAL), rules).lines
    )


KX_CASES = [
    # year, threshold, ytd before, line allowed, KX expected
    (2022, "2150", "2100.00", "50.00", False),
    (2022, "2150", "2100.00", "50.01", True),
    (2023, "2230", "2000.00", "29.99", False),
    (2023, "2230", "2230.00", "10.00", True),
    (2024, "2330", "2300.00", "30.00", False),
    (2024, "2330", "2300.00", "30.01", True),
    (2025, "2410", "2380.00", "30.00", False),
    (2025, "2410", "2400.00", "29.06", True),
    (2026, "2480", "2450.94", "29.06", False),
    (2026, "2480", "2450.95", "29.06", True),
    (2018, "2010", "2000.00", "10.01", True),
]


@pytest.mark.parametrize(
    ("year", "threshold", "ytd", "allowed", "kx"),
    KX_CASES,
    ids=[f"KX-{c[0]}-{c[2]}+{c[3]}" for c in KX_CASES],
)
def test_kx_before_at_after(
    rules: RuleSet, year: int, threshold: str, ytd: str, allowed: str, kx: bool
) -> None:
    assert rules.kx[year].pt_slp == Decimal(threshold)
    r = evaluate_visit(
        visit(
            ServiceLine("97110", 15, allowed_amount=Decimal(allowed)),
            day=date(year, 5, 2),
            ytd_allowed_before=Decimal(ytd),
        ),
        rules,
    )
    assert ("KX" in r.lines[0].modifiers) is kx


def test_kx_straddling_line_and_later_lines(rules: RuleSet) -> None:
    r = evaluate_visit(
        visit(
            ServiceLine("97110", 15),
            ServiceLine("97112", 15),
            ServiceLine("97140", 15),
            ytd_allowed_before=Decimal("2440"),
        ),
        rules,
    )  # 2026: 29.06 -> 2469.06 (no), +32.73 -> 2501.79 (straddles), +27.72 (after)
    assert [("KX" in b.modifiers) for b in r.lines] == [False, True, True]


def test_review_threshold_warning(rules: RuleSet) -> None:
    r = evaluate_visit(visit(ServiceLine("97110", 15), ytd_allowed_before=Decimal("2990")), rules)
    assert RuleId.KX_REVIEW_THRESHOLD in rules_of(r)
    r = evaluate_visit(visit(ServiceLine("97110", 15), ytd_allowed_before=Decimal("2900")), rules)
    assert RuleId.KX_REVIEW_THRESHOLD not in rules_of(r)


def test_kx_threshold_unknown_year(rules: RuleSet) -> None:
    r = evaluate_visit(
        visit(ServiceLine("97110", 15), day=date(2027, 1, 5), ytd_allowed_before=Decimal(0)), rules
    )
    assert RuleId.KX_THRESHOLD_UNKNOWN in rules_of(r)


def test_billed_units_compared(rules: RuleSet) -> None:
    r = evaluate_visit(
        visit(ServiceLine("97110", 33, billed_units=3), ServiceLine("97140", 7, billed_units=0)),
        rules,
    )
    assert RuleId.UNITS_OVERBILLED in rules_of(r)
    assert RuleId.UNITS_UNDERBILLED in rules_of(r)
    assert (r.units_overbilled, r.units_underbilled) == (1, 1)


@pytest.mark.parametrize("choice", ["97110", "97112"])
def test_billed_tie_choice_is_accepted(rules: RuleSet, choice: str) -> None:
    other = "97112" if choice == "97110" else "97110"
    r = evaluate_visit(
        visit(
            ServiceLine(choice, 20, billed_units=2, billed_modifiers=frozenset({"GP"})),
            ServiceLine(other, 20, billed_units=1, billed_modifiers=frozenset({"GP"})),
        ),
        rules,
    )
    assert r.findings == ()
    assert r.ties


def test_modifier_missing_names_the_modifier(rules: RuleSet) -> None:
    r = evaluate_visit(
        visit(
            ServiceLine(
                "97110", 30, assistant_minutes=30, billed_units=2, billed_modifiers=frozenset()
            )
        ),
        rules,
    )
    msgs = [f.message for f in r.findings if f.rule == RuleId.MODIFIER_MISSING]
    assert any("GP" in m for m in msgs)
    assert any("CQ" in m for m in msgs)


def test_modifier_unexpected_kx(rules: RuleSet) -> None:
    r = evaluate_visit(
        visit(
            ServiceLine("97110", 15, billed_units=1, billed_modifiers=frozenset({"GP", "KX"})),
            ytd_allowed_before=Decimal(0),
        ),
        rules,
    )
    assert [f.rule for f in r.findings] == [RuleId.MODIFIER_UNEXPECTED]


def test_mue_exceeded(rules: RuleSet) -> None:
    r = evaluate_visit(visit(ServiceLine("97112", 75)), rules)  # 5 units, MUE 4 (2026 Q3)
    f = next(f for f in r.findings if f.rule == RuleId.MUE_EXCEEDED)
    assert "MAI 3" in f.message
    assert "2026Q3" in f.table_version


def test_mue_fallback_table_is_labelled(rules: RuleSet) -> None:
    r = evaluate_visit(visit(ServiceLine("97535", 135), day=date(2025, 9, 1)), rules)  # 9 > 8
    f = next(f for f in r.findings if f.rule == RuleId.MUE_EXCEEDED)
    assert "FALLBACK" in f.table_version


def test_ncci_indicator_0_pair_in_force(rules: RuleSet) -> None:
    r = evaluate_visit(visit(ServiceLine("97161", 30), ServiceLine("97162", 30)), rules)
    f = next(f for f in r.findings if f.rule == RuleId.NCCI_NOT_TOGETHER)
    assert f.code == "97161"
    assert f.severity is Severity.ERROR


def test_ncci_gap_between_edits_is_not_in_force(rules: RuleSet) -> None:
    # 97162/97161: 2017-01-01..2019-12-31, then again from 2020-10-01.
    r = evaluate_visit(
        visit(ServiceLine("97161", 30), ServiceLine("97162", 30), day=date(2020, 6, 1)), rules
    )
    assert RuleId.NCCI_NOT_TOGETHER not in rules_of(r)


def test_ncci_indicator_1_needs_modifier_only_while_in_force(rules: RuleSet) -> None:
    lines = (
        ServiceLine("97140", 15, billed_units=1, billed_modifiers=frozenset({"GP"})),
        ServiceLine("97530", 15, billed_units=1, billed_modifiers=frozenset({"GP"})),
    )
    old = evaluate_visit(visit(*lines, day=date(2019, 3, 1)), rules)
    assert RuleId.NCCI_MODIFIER_NEEDED in rules_of(old)
    assert "59" in next(f.message for f in old.findings if f.rule == RuleId.NCCI_MODIFIER_NEEDED)
    assert all("59" not in b.modifiers for b in old.lines)  # suggested, never added
    assert RuleId.NCCI_MODIFIER_NEEDED not in rules_of(evaluate_visit(visit(*lines), rules))
    with_59 = (
        lines[0],
        ServiceLine("97530", 15, billed_units=1, billed_modifiers=frozenset({"GP", "59"})),
    )
    assert RuleId.NCCI_MODIFIER_NEEDED not in rules_of(
        evaluate_visit(visit(*with_59, day=date(2019, 3, 1)), rules)
    )


def test_status_b_and_i(rules: RuleSet) -> None:
    r = evaluate_visit(visit(ServiceLine("97010", 10), ServiceLine("97014", 15)), rules)
    assert RuleId.CODE_BUNDLED in rules_of(r)
    f = next(f for f in r.findings if f.rule == RuleId.CODE_NOT_VALID_MEDICARE)
    assert "G0283" in f.message


def test_authorization_findings(rules: RuleSet) -> None:
    auth = AuthorizationTerms(date(2026, 1, 1), date(2026, 6, 30), 12, frozenset({"97110"}))
    r = evaluate_visit(
        visit(
            ServiceLine("97110", 15), ServiceLine("97140", 15), authorization=auth, visit_number=13
        ),
        rules,
    )
    assert {
        RuleId.AUTH_DATE_OUTSIDE,
        RuleId.AUTH_VISITS_EXCEEDED,
        RuleId.AUTH_CODE_NOT_COVERED,
    } <= set(rules_of(r))
    ok = evaluate_visit(
        visit(ServiceLine("97110", 15), day=date(2026, 3, 1), authorization=auth, visit_number=12),
        rules,
    )
    assert ok.findings == ()


def test_unknown_code(rules: RuleSet) -> None:
    r = evaluate_visit(visit(ServiceLine("99999", 15), ServiceLine("97110", 15)), rules)
    assert rules_of(r) == [RuleId.UNKNOWN_CODE]
    assert r.lines[0].units is None
    assert r.total_timed_minutes == 15


def test_every_finding_has_source_and_message(rules: RuleSet) -> None:
    r = evaluate_visit(
        visit(
            ServiceLine("97161", 30, billed_units=2, billed_modifiers=frozenset({"GO"})),
            ServiceLine("97162", 30),
            ServiceLine("97112", 80),
        ),
        rules,
    )
    assert r.findings
    for f in r.findings:
        assert f.source
        assert f.message
        assert f.severity in (Severity.ERROR, Severity.WARNING)


@pytest.mark.parametrize(
    ("line", "day", "expected"),
    [
        # 2025 Medicare 97112 ($32.02), 5 units all by the assistant: 32.02 x 5 x 0.85 =
        # 136.085 -> 136.09 half-up (half-even gave 136.08 before issue 11's one rounding rule)
        (ServiceLine("97112", 75, assistant_minutes=75), date(2025, 6, 2), "136.09"),
        # a given allowed amount with a half cent: 10.125 -> 10.13 (half-even gave 10.12)
        (ServiceLine("97110", 15, allowed_amount=Decimal("10.125")), D, "10.13"),
    ],
)
def test_money_is_rounded_half_up_to_the_cent(
    rules: RuleSet, line: ServiceLine, day: date, expected: str
) -> None:
    (billed,) = evaluate_visit(visit(line, day=day), rules).lines
    assert billed.allowed_amount == Decimal(expected)
