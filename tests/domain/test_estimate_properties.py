"""Properties of every estimate (hypothesis): totals are the sums of the visits to the cent,
a covered visit never costs the patient more than its allowed amount, nothing is negative."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ptdesk.domain.estimate import compute_estimate
from ptdesk.domain.estimate_model import (
    Benefits,
    EstimatePayer,
    EstimateRequest,
    EstimateTables,
    FeeSchedule,
    PartBFigures,
    PlanOfCare,
    ServiceLine,
)

TABLES = EstimateTables(
    default_fees={},
    part_b={y: PartBFigures(y, Decimal(d), Decimal(20), "test")
            for y, d in ((2025, "257.00"), (2026, "283.00"), (2027, "300.00"))},
)
cents = st.integers(0, 300_000).map(lambda c: Decimal(c) / 100)
small_cents = st.integers(0, 30_000).map(lambda c: Decimal(c) / 100)
maybe = st.none() | cents


@st.composite
def requests(draw: st.DrawFn) -> EstimateRequest:
    benefits = Benefits(
        deductible=draw(maybe),
        deductible_met=draw(cents),
        deductible_waived=draw(st.booleans()),
        copay=draw(small_cents),
        coinsurance_percent=draw(st.none() | st.integers(0, 100).map(Decimal)
                                 | st.decimals(0, 100, places=2)),
        oop_max=draw(maybe),
        oop_met=draw(cents),
        plan_year_start=draw(st.sampled_from(["01-01", "07-01", "02-29", "10-15"])),
        visit_limit=draw(st.none() | st.integers(0, 30)),
        visits_used=draw(st.integers(0, 30)),
        auth_visits_left=draw(st.none() | st.integers(0, 30)),
        auth_end=draw(st.none() | st.dates(date(2025, 6, 1), date(2027, 6, 1))),
    )
    codes = ["97110", "97140", "97161"]
    fees = {c: draw(small_cents) for c in codes}
    self_pay = {c: draw(small_cents) for c in codes if draw(st.booleans())}
    first = draw(st.dates(date(2025, 6, 1), date(2026, 12, 1)))
    plan = PlanOfCare(
        first_visit=first,
        visits_per_week=draw(st.integers(1, 7)),
        per_visit=tuple(ServiceLine(c, draw(st.integers(1, 4)))
                        for c in draw(st.lists(st.sampled_from(codes[:2]), min_size=1,
                                               max_size=2, unique=True))),
        evaluation=draw(st.none() | st.just("97161")),
        visits=draw(st.integers(1, 40)),
    )
    payer = draw(st.sampled_from(list(EstimatePayer)))
    if payer is EstimatePayer.MEDICARE and first + timedelta(days=40 * 7) > date(2027, 12, 31):
        payer = EstimatePayer.COMMERCIAL
    as_of = draw(st.none() | st.dates(first - timedelta(days=30), first))
    return EstimateRequest(payer, plan, FeeSchedule(fees, self_pay), benefits, as_of)


@settings(max_examples=300, deadline=None)
@given(requests())
def test_totals_are_sums_and_nothing_goes_wrong(request: EstimateRequest) -> None:
    est = compute_estimate(request, TABLES)
    assert len(est.visits) == request.plan.visit_count
    assert est.totals.allowed == sum(v.allowed for v in est.visits)
    assert est.totals.insurance_pays == sum(v.insurance_pays for v in est.visits)
    assert est.totals.patient_pays == sum(v.patient_pays for v in est.visits)
    for v in est.visits:
        assert v.allowed >= 0
        assert v.patient_pays >= 0
        assert v.insurance_pays >= 0
        assert v.insurance_pays + v.patient_pays == v.allowed
        assert v.patient_pays == v.patient_pays.quantize(Decimal("0.01"))
        if v.covered:
            assert v.patient_pays <= v.allowed
        else:
            assert v.insurance_pays == 0
        assert (v.if_not_extended is not None) == v.needs_extension
        assert not (v.needs_extension and not v.covered)
    dates = [v.date for v in est.visits]
    assert dates == sorted(dates)
    b = request.benefits
    if (b is not None and b.oop_max is not None and b.oop_met <= b.oop_max
            and b.plan_year_start == "01-01" and request.as_of is None
            and not request.payer_type.pays_own_way):
        # in the plan year of the first visit the patient never pays past the OOP maximum
        year = request.plan.first_visit.year
        paid = sum(v.patient_pays for v in est.visits if v.covered and v.date.year == year)
        assert paid <= b.oop_max - b.oop_met
