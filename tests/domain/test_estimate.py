"""The estimate arithmetic (issue 11, pt-rules H1/H2), table-driven.

Every expected figure below was worked BY HAND from the rule, with the arithmetic in the
comments; none was produced by running the code. Visit dates: first + floor(i x 7 / per week).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ptdesk.domain.billing.ruleset import FeeEntry
from ptdesk.domain.errors import ValidationError
from ptdesk.domain.estimate import compute_estimate
from ptdesk.domain.estimate_model import Estimate, EstimateTables, PartBFigures
from ptdesk.domain.estimate_scenario import estimate_json, parse_scenario
from ptdesk.domain.money import round_cents

D = Decimal


def _fee(code: str, year: int, rvu: str, cf: str, status: str = "A") -> FeeEntry:
    return FeeEntry(code, year, status, D(rvu), D(cf), round_cents(D(rvu) * D(cf)), f"PFS {year}")


# Hand-made tables (the bundled ones are checked separately below).
TABLES = EstimateTables(
    default_fees={
        2026: {
            "97140": _fee("97140", 2026, "0.83", "33.4009"),  # 27.722747 -> 27.72
            "97010": _fee("97010", 2026, "0.20", "33.4009", "B"),
            "98978": _fee("98978", 2026, "0.00", "33.4009", "C"),
        },
    },
    part_b={
        2025: PartBFigures(2025, D("257.00"), D("20"), "pt-rules H2"),
        2026: PartBFigures(2026, D("283.00"), D("20"), "pt-rules H2"),
    },
)


def scenario(payer: str, benefits: dict[str, Any] | None, fees: dict[str, str],
             plan: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"payer_type": payer, "fees": fees, "plan_of_care": plan, **extra}
    if benefits is not None:
        data["benefits"] = benefits
    return data


def run(data: dict[str, Any], tables: EstimateTables = TABLES) -> Estimate:
    return compute_estimate(parse_scenario(data).request, tables)


@dataclass(frozen=True)
class V:
    """One expected visit: date, allowed, insurance, patient, phase (+ coverage flags)."""

    day: str
    allowed: str
    insurance: str
    patient: str
    phase: str
    covered: bool = True
    needs_extension: bool = False
    if_not_extended: str | None = None


EVAL_AND_97110 = {"97161": "80.00", "97110": "30.00"}
PLAN_3_MAR2 = {"first_visit": "2026-03-02", "visits_per_week": 2, "visits": 3,
               "evaluation": "97161", "per_visit": [{"code": "97110", "units": 2}]}

CASES: list[tuple[str, dict[str, Any], list[V]]] = [
    (
        # deductible $100, 20% coinsurance. Visit 1 eval A=80: ded=min(80,100)=80, coins=0.
        # Visit 2 (Mar 2 + floor(7/2)=3 -> Mar 5) A=2x30=60: ded=min(60,20)=20,
        # coins=0.20x40=8.00 -> 28.00, ins 32.00. Visit 3 (+7 -> Mar 9): coins 0.20x60=12.00.
        "deductible crossed in the middle of a visit",
        scenario("commercial", {"deductible": "100.00", "coinsurance_percent": "20"},
                 EVAL_AND_97110, PLAN_3_MAR2),
        [V("2026-03-02", "80.00", "0.00", "80.00", "deductible"),
         V("2026-03-05", "60.00", "32.00", "28.00", "deductible, coinsurance"),
         V("2026-03-09", "60.00", "48.00", "12.00", "coinsurance")],
    ),
    (
        # deductible $500 waived for therapy, copay $25: 3 a week -> Mar 2, +floor(7/3)=2 -> 4,
        # +floor(14/3)=4 -> 6. Each visit: patient min(0+0+25, A)=25; ins = A - 25.
        "copay only, deductible waived",
        scenario("commercial", {"deductible": "500.00", "deductible_waived": True,
                                "copay": "25.00"},
                 EVAL_AND_97110, {**PLAN_3_MAR2, "visits_per_week": 3}),
        [V("2026-03-02", "80.00", "55.00", "25.00", "copay"),
         V("2026-03-04", "60.00", "35.00", "25.00", "copay"),
         V("2026-03-06", "60.00", "35.00", "25.00", "copay")],
    ),
    (
        # copay $25 larger than a visit's allowed $20: patient = min(25, A=20) = 20 (never more
        # than the allowed amount, H1).
        "copay above the allowed amount",
        scenario("commercial", {"copay": "25.00"}, {"97161": "80.00", "97110": "20.00"},
                 {**PLAN_3_MAR2, "visits": 2, "per_visit": [{"code": "97110"}]}),
        [V("2026-03-02", "80.00", "55.00", "25.00", "copay"),
         V("2026-03-05", "20.00", "0.00", "20.00", "copay")],
    ),
    (
        # no deductible, 20%, OOP max 1000 with 975 met; each visit A=100.
        # V1: coins 20, oop left 25 -> 20 (met 995). V2: coins 20, oop left 5 -> 5 (cap).
        # V3, V4: oop left 0 -> 0, the plan pays 100.
        "coinsurance with the out-of-pocket maximum reached mid-course",
        scenario("commercial", {"coinsurance_percent": "20", "oop_max": "1000.00",
                                "oop_met": "975.00"},
                 {"97161": "100.00", "97110": "50.00"}, {**PLAN_3_MAR2, "visits": 4}),
        [V("2026-03-02", "100.00", "80.00", "20.00", "coinsurance"),
         V("2026-03-05", "100.00", "95.00", "5.00", "coinsurance, out-of-pocket max reached"),
         V("2026-03-09", "100.00", "100.00", "0.00", "out-of-pocket max reached"),
         V("2026-03-12", "100.00", "100.00", "0.00", "out-of-pocket max reached")],
    ),
    (
        # limit 10 a year, 8 used, copay 20. V1 (9th) 20/80, V2 (10th) 20/30; V3, V4 past the
        # limit: not covered, self-pay price 97110 $40.00 x1, insurance 0.
        "visit limit reached mid-course",
        scenario("commercial", {"copay": "20.00", "visit_limit": 10, "visits_used": 8},
                 {"97161": "100.00", "97110": "50.00"},
                 {**PLAN_3_MAR2, "visits": 4, "per_visit": [{"code": "97110", "units": 1}]},
                 self_pay_prices={"97110": "40.00"}),
        [V("2026-03-02", "100.00", "80.00", "20.00", "copay"),
         V("2026-03-05", "50.00", "30.00", "20.00", "copay"),
         V("2026-03-09", "40.00", "0.00", "40.00", "not covered: visit limit", covered=False),
         V("2026-03-12", "40.00", "0.00", "40.00", "not covered: visit limit", covered=False)],
    ),
    (
        # authorization: 2 visits left, copay 10. V3, V4 priced as covered (10 / 40) but
        # marked; if refused the patient owes the self-pay price $40.00.
        "authorization runs out by count",
        scenario("commercial", {"copay": "10.00", "auth_visits_left": 2},
                 {"97161": "100.00", "97110": "50.00"},
                 {**PLAN_3_MAR2, "visits": 4, "per_visit": [{"code": "97110"}]},
                 self_pay_prices={"97161": "150.00", "97110": "40.00"}),
        [V("2026-03-02", "100.00", "90.00", "10.00", "copay"),
         V("2026-03-05", "50.00", "40.00", "10.00", "copay"),
         V("2026-03-09", "50.00", "40.00", "10.00", "copay", needs_extension=True,
           if_not_extended="40.00"),
         V("2026-03-12", "50.00", "40.00", "10.00", "copay", needs_extension=True,
           if_not_extended="40.00")],
    ),
    (
        # authorization through Mar 5 (inclusive): Mar 9 and Mar 12 need an extension; no
        # self-pay price for 97110, so if refused the patient owes the allowed $50.00.
        "authorization runs out by date",
        scenario("commercial", {"copay": "10.00", "auth_end": "2026-03-05"},
                 {"97161": "100.00", "97110": "50.00"},
                 {**PLAN_3_MAR2, "visits": 4, "per_visit": [{"code": "97110"}]}),
        [V("2026-03-02", "100.00", "90.00", "10.00", "copay"),
         V("2026-03-05", "50.00", "40.00", "10.00", "copay"),
         V("2026-03-09", "50.00", "40.00", "10.00", "copay", needs_extension=True,
           if_not_extended="50.00"),
         V("2026-03-12", "50.00", "40.00", "10.00", "copay", needs_extension=True,
           if_not_extended="50.00")],
    ),
    (
        # deductible 100 (90 met), 10%, limit 3 (2 used), auth 3 left; Dec 29, Jan 1, Jan 5, 8.
        # V1 (2025): ded 10, coins 0.10x90=9 -> 19. Jan 1 resets deductible and limit:
        # V2 A=50 ded 50; V3 ded 50 (met 100); V4 coins 5.00. The authorization is not
        # plan-year based: V4 is its 4th visit -> needs an extension (allowed $50 if refused).
        "a course crossing January 1",
        scenario("commercial", {"deductible": "100.00", "deductible_met": "90.00",
                                "coinsurance_percent": "10", "visit_limit": 3,
                                "visits_used": 2, "auth_visits_left": 3},
                 {"97161": "100.00", "97110": "50.00"},
                 {"first_visit": "2025-12-29", "visits_per_week": 2, "visits": 4,
                  "evaluation": "97161", "per_visit": [{"code": "97110"}]},
                 as_of="2025-12-28"),
        [V("2025-12-29", "100.00", "81.00", "19.00", "deductible, coinsurance"),
         V("2026-01-01", "50.00", "0.00", "50.00", "deductible"),
         V("2026-01-05", "50.00", "0.00", "50.00", "deductible"),
         V("2026-01-08", "50.00", "45.00", "5.00", "coinsurance", needs_extension=True,
           if_not_extended="50.00")],
    ),
    (
        # plan year from 07-01, deductible 100 already met, 20%: Jun 29 coins 0.20x50 = 10;
        # Jul 6 starts a new plan year: the deductible is owed again, ded = min(50, 100) = 50.
        "a plan year starting July 1 during the course",
        scenario("commercial", {"deductible": "100.00", "deductible_met": "100.00",
                                "coinsurance_percent": "20", "plan_year_start": "07-01"},
                 {"97110": "50.00"},
                 {"first_visit": "2026-06-29", "visits_per_week": 1, "visits": 2,
                  "per_visit": [{"code": "97110"}]},
                 as_of="2026-06-25"),
        [V("2026-06-29", "50.00", "40.00", "10.00", "coinsurance"),
         V("2026-07-06", "50.00", "0.00", "50.00", "deductible")],
    ),
    (
        # Medicare 2026, benefits left out: Part B $283 then 20%, no OOP max.
        # A: eval 97.86, then 2 x 29.06 = 58.12. Deductible met: 97.86, 155.98, 214.10, 272.22;
        # V5: ded = 283 - 272.22 = 10.78, coins 0.20 x 47.34 = 9.468 -> 9.47, patient 20.25,
        # ins 37.87. V6: coins 0.20 x 58.12 = 11.624 -> 11.62, ins 46.50.
        "Medicare: the Part B deductible, then 20%",
        scenario("medicare", None, {"97162": "97.86", "97110": "29.06"},
                 {"first_visit": "2026-01-13", "visits_per_week": 2, "weeks": 3,
                  "evaluation": "97162", "per_visit": [{"code": "97110", "units": 2}]}),
        [V("2026-01-13", "97.86", "0.00", "97.86", "deductible"),
         V("2026-01-16", "58.12", "0.00", "58.12", "deductible"),
         V("2026-01-20", "58.12", "0.00", "58.12", "deductible"),
         V("2026-01-23", "58.12", "0.00", "58.12", "deductible"),
         V("2026-01-27", "58.12", "37.87", "20.25", "deductible, coinsurance"),
         V("2026-01-30", "58.12", "46.50", "11.62", "coinsurance")],
    ),
    (
        # Medicare across Jan 1: 2025 deductible 257 with 250 met -> V1 A=100: ded 7,
        # coins 0.20 x 93 = 18.60 -> 25.60. Jan 5 2026: the 2026 deductible 283 starts: 100.
        "Medicare across January 1 takes the new year's deductible",
        scenario("medicare", {"deductible_met": "250.00"}, {"97110": "100.00"},
                 {"first_visit": "2025-12-29", "visits_per_week": 1, "visits": 2,
                  "per_visit": [{"code": "97110"}]}, as_of="2025-12-20"),
        [V("2025-12-29", "100.00", "74.40", "25.60", "deductible, coinsurance"),
         V("2026-01-05", "100.00", "0.00", "100.00", "deductible")],
    ),
    (
        # self-pay: 97161 $120.00; 97110 $45.00 x 2 = 90.00 plus 97140 with no self-pay price
        # and no fee: the 2026 default 0.83 x 33.4009 = 27.7227 -> 27.72; 117.72.
        "self-pay prices, else the default schedule",
        scenario("uninsured", None, {},
                 {"first_visit": "2026-03-02", "visits_per_week": 2, "visits": 2,
                  "evaluation": "97161",
                  "per_visit": [{"code": "97110", "units": 2}, {"code": "97140"}]},
                 self_pay_prices={"97161": "120.00", "97110": "45.00"}),
        [V("2026-03-02", "120.00", "0.00", "120.00", "self-pay", covered=False),
         V("2026-03-05", "117.72", "0.00", "117.72", "self-pay", covered=False)],
    ),
    (
        # a zero-dollar plan (no deductible, copay, coinsurance): the patient owes 0.
        "zero-dollar plan",
        scenario("medicaid", {}, EVAL_AND_97110, PLAN_3_MAR2),
        [V("2026-03-02", "80.00", "80.00", "0.00", "covered in full"),
         V("2026-03-05", "60.00", "60.00", "0.00", "covered in full"),
         V("2026-03-09", "60.00", "60.00", "0.00", "covered in full")],
    ),
    (
        # 15% of 30.30 = 4.545: half-UP gives 4.55 (half-even would give 4.54); ins 25.75.
        "coinsurance rounds half-up to the cent",
        scenario("commercial", {"coinsurance_percent": "15"}, {"97110": "30.30"},
                 {"first_visit": "2026-03-02", "visits_per_week": 1, "visits": 1,
                  "first_visit_lines": [{"code": "97110", "units": 1}], "per_visit": []}),
        [V("2026-03-02", "30.30", "25.75", "4.55", "coinsurance")],
    ),
]


@pytest.mark.parametrize(("name", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_estimate_visit_by_visit(name: str, data: dict[str, Any], expected: list[V]) -> None:
    out = estimate_json(run(data))
    got = [V(v["date"], v["allowed"], v["insurance_pays"], v["patient_pays"], v["phase"],
             v["covered"], v["needs_extension"], v["if_not_extended"]) for v in out["visits"]]
    assert got == expected
    totals = out["totals"]
    assert totals == {
        "allowed": str(sum(D(v.allowed) for v in expected)),
        "insurance_pays": str(sum(D(v.insurance) for v in expected)),
        "patient_pays": str(sum(D(v.patient) for v in expected)),
    }
    assert [v["n"] for v in out["visits"]] == list(range(1, len(expected) + 1))


def test_the_issue_example_runs_on_the_bundled_tables() -> None:
    """The issue's scenario: 97162 has no fee, so the 2026 default (2.93 x 33.4009 = 97.8646
    -> 97.86) applies; the deductible (1300 left) absorbs all 12 visits: 97.86 + 11 x 58.12
    = 737.18; the authorization (8 left) runs out at visit 9, if refused 2 x $45 = $90."""
    from ptdesk.storage.estimate_tables import load_estimate_tables

    data = scenario(
        "commercial",
        {"deductible": "1500.00", "deductible_met": "200.00", "deductible_waived": False,
         "copay": "0.00", "coinsurance_percent": "20", "oop_max": "4000.00", "oop_met": "500.00",
         "plan_year_start": "01-01", "visit_limit": 20, "visits_used": 4,
         "auth_visits_left": 8, "auth_end": "2026-03-31"},
        {"97110": "29.06"},
        {"first_visit": "2026-01-13", "visits_per_week": 2, "weeks": 6, "evaluation": "97162",
         "per_visit": [{"code": "97110", "units": 2}]},
        as_of="2026-01-12", self_pay_prices={"97110": "45.00"}, diagnoses=["M54.50"],
    )
    est = run(data, load_estimate_tables())
    assert est.visits[0].allowed == D("97.86")
    assert est.totals.patient_pays == D("737.18")
    assert [v.needs_extension for v in est.visits] == [False] * 8 + [True] * 4
    assert {v.if_not_extended for v in est.visits[8:]} == {D("90.00")}
    assert est.totals.patient_pays_if_not_extended == D("97.86") + 7 * D("58.12") + 4 * D("90")
    assert any("97162 priced from the CMS 2026" in a.text for a in est.assumptions)


def test_bundled_part_b_figures_are_pt_rules_h2() -> None:
    from ptdesk.storage.estimate_tables import load_estimate_tables

    part_b = load_estimate_tables().part_b
    assert {y: (f.deductible, f.coinsurance_percent) for y, f in part_b.items()} == {
        2024: (D("240.00"), D("20")), 2025: (D("257.00"), D("20")), 2026: (D("283.00"), D("20"))}


def test_locality_factor_scales_the_default_schedule() -> None:
    # 0.83 x 33.4009 x 1.1 = 30.49502... -> 30.50 (the clinic's factor, then the cent)
    data = scenario("self_pay", None, {},
                    {"first_visit": "2026-03-02", "visits_per_week": 1, "visits": 1,
                     "first_visit_lines": [{"code": "97140"}], "per_visit": []},
                    locality_factor="1.1")
    assert run(data).visits[0].patient_pays == D("30.50")


def test_medicare_bundled_code_is_zero_and_said() -> None:
    data = scenario("medicare", {"deductible_met": "283.00"}, {"97110": "30.00"},
                    {"first_visit": "2026-03-02", "visits_per_week": 1, "visits": 1,
                     "first_visit_lines": [{"code": "97110"}, {"code": "97010"}],
                     "per_visit": []})
    est = run(data)
    # 30.00 + 97010 $0 (bundled) -> coins 0.20 x 30 = 6.00
    assert (est.visits[0].allowed, est.visits[0].patient_pays) == (D("30.00"), D("6.00"))
    assert any("97010: bundled" in a.text for a in est.assumptions)


def _plan(**over: Any) -> dict[str, Any]:
    return {**PLAN_3_MAR2, **over}


BAD: list[tuple[dict[str, Any], str]] = [
    (scenario("insured", {}, EVAL_AND_97110, PLAN_3_MAR2), "payer_type:"),
    (scenario("commercial", {"deductible": "-5.00"}, EVAL_AND_97110, PLAN_3_MAR2),
     "benefits.deductible: cannot be negative"),
    (scenario("commercial", {"copay": "abc"}, EVAL_AND_97110, PLAN_3_MAR2),
     "benefits.copay: 'abc' is not an amount"),
    (scenario("commercial", {"coinsurance_percent": "120"}, EVAL_AND_97110, PLAN_3_MAR2),
     "benefits.coinsurance_percent: must be between 0 and 100"),
    (scenario("commercial", {}, {"97110": "-1.00"}, PLAN_3_MAR2), "fees.97110: cannot be negative"),
    (scenario("commercial", {}, EVAL_AND_97110, _plan(first_visit="2026-02-30")),
     "plan_of_care.first_visit: '2026-02-30' is not a real date"),
    (scenario("commercial", {"auth_end": "2026-13-01"}, EVAL_AND_97110, PLAN_3_MAR2),
     "benefits.auth_end: '2026-13-01' is not a real date"),
    (scenario("commercial", {}, EVAL_AND_97110, _plan(per_visit=[{"code": "99999"}])),
     "plan_of_care.per_visit[0].code: 99999 is not a code ptdesk knows"),
    (scenario("commercial", {}, EVAL_AND_97110, _plan(evaluation="9716")),
     "plan_of_care.evaluation: '9716' is not a CPT/HCPCS code"),
    (scenario("commercial", {}, EVAL_AND_97110, _plan(visits_per_week=0)),
     "plan_of_care.visits_per_week: must be at least 1"),
    (scenario("commercial", {}, EVAL_AND_97110, _plan(visits_per_week=8)),
     "plan_of_care.visits_per_week: must be at most 7"),
    (scenario("commercial", {}, EVAL_AND_97110, _plan(per_visit=[{"code": "97110", "units": 0}])),
     "plan_of_care.per_visit[0].units: must be at least 1"),
    (scenario("commercial", {}, EVAL_AND_97110, {k: v for k, v in PLAN_3_MAR2.items()
                                                  if k != "visits"}),
     "plan_of_care: give weeks or visits"),
    (scenario("commercial", None, EVAL_AND_97110, PLAN_3_MAR2),
     "benefits: required for a commercial payer"),
    (scenario("commercial", {"plan_year_start": "13-01"}, EVAL_AND_97110, PLAN_3_MAR2),
     "benefits.plan_year_start: '13-01' is not a real month and day"),
    (scenario("commercial", {"coinsurance": "20"}, EVAL_AND_97110, PLAN_3_MAR2),
     "benefits.coinsurance: is not a field ptdesk knows"),
    (scenario("commercial", {"visit_limit": -1}, EVAL_AND_97110, PLAN_3_MAR2),
     "benefits.visit_limit: cannot be negative"),
    (scenario("commercial", {}, {"97110": "29.065"}, PLAN_3_MAR2),
     "fees.97110: has more than two decimals"),
    (scenario("medicare", None, {"97110": "30.00", "97161": "80.00"},
              _plan(first_visit="2027-01-04")),
     "benefits.deductible: ptdesk has no Medicare Part B deductible for 2027"),
    (scenario("self_pay", None, {}, _plan(per_visit=[{"code": "98978"}]),
              self_pay_prices={"97161": "100.00"}),
     "fees: 98978 is carrier-priced"),
    (scenario("commercial", {}, {"97110": "30.00"}, _plan(first_visit="2027-03-01")),
     "fees: no allowed amount for 97161 and ptdesk has no default fee schedule for 2027"),
]


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_names_the_field(data: dict[str, Any], message: str) -> None:
    tables = EstimateTables(
        default_fees={2026: {**TABLES.default_fees[2026],
                             "97161": _fee("97161", 2026, "2.93", "33.4009")}},
        part_b=TABLES.part_b)
    with pytest.raises(ValidationError) as err:
        run(data, tables)
    assert err.value.message.startswith(message.split(":")[0] + ":")
    assert message in err.value.message


def test_visit_dates_follow_floor_i_times_7_over_k() -> None:
    # 3 a week from Mon Mar 2: +0, +2, +4, +7, +9, +11 (floor(i*7/3)) -> Mon, Wed, Fri...
    data = scenario("self_pay", None, {"97110": "1.00"},
                    {"first_visit": "2026-03-02", "visits_per_week": 3, "weeks": 2,
                     "per_visit": [{"code": "97110"}]})
    days = [v.date for v in run(data).visits]
    assert days == [date(2026, 3, d) for d in (2, 4, 6, 9, 11, 13)]


def test_medicare_on_national_amounts_says_it_is_approximate() -> None:
    """pt-rules H2: without PE RVUs the therapy multiple-procedure reduction is not applied,
    so an estimate with 2+ units a day on national amounts says it is approximate."""
    data = scenario("medicare", None, {},
                    {"first_visit": "2026-03-02", "visits_per_week": 1, "visits": 1,
                     "first_visit_lines": [{"code": "97140", "units": 2}], "per_visit": []})
    assert any(a.key == "mppr_approx" for a in run(data).assumptions)
    one_unit = {**data, "plan_of_care": {**data["plan_of_care"],
                                         "first_visit_lines": [{"code": "97140"}]}}
    assert not any(a.key == "mppr_approx" for a in run(one_unit).assumptions)
