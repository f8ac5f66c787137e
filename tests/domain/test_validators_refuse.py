"""Every domain validator refuses what it cannot handle (ValidationErrors), never raises else.

Hypothesis feeds each one hostile values of the right types: NaN and infinite amounts, numbers
far past any C integer, the first and last dates Python knows, long and odd text.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.authorization import AuthorizationRecord
from ptdesk.domain.billing.modifiers import parse_modifiers
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.kx_status import KxBands
from ptdesk.domain.patient_rules import CoverageDraft, PatientDraft, check_coverage, check_patient
from ptdesk.domain.renewal import RenewalRequest, RenewalTiming, RequestStatus, approval_change
from ptdesk.domain.search_keys import parse_date_of_birth, parse_query
from ptdesk.domain.status import StatusBands
from ptdesk.domain.visit_limits import VisitLimit, plan_year

HOSTILE_INTS = st.one_of(st.integers(-5, 40), st.integers(), st.sampled_from([10**30, -(10**30)]))
AMOUNTS = st.one_of(
    st.none(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
                     Decimal("1e30"), Decimal("1e999999999"), Decimal("-0")]),
)
MONEY = st.one_of(st.decimals(allow_nan=True, allow_infinity=True),
                  st.sampled_from([Decimal("NaN"), Decimal("sNaN"), Decimal("-1")]))
DATES = st.one_of(st.dates(), st.sampled_from([date.min, date.max]))
OPT_DATES = st.one_of(st.none(), DATES)
TEXT = st.one_of(st.text(max_size=300), st.just("a@" + "a." * 5000))
SETTINGS = settings(max_examples=150, deadline=None)


def refuses_or_accepts(fn, *args) -> None:  # type: ignore[no-untyped-def]
    errors: dict[str, str] = {"": ""}
    try:
        fn(*args)
    except ValidationErrors as exc:
        errors = exc.errors
    assert errors  # a refusal names its field(s)


@SETTINGS
@given(st.builds(PatientDraft, last_name=TEXT, first_name=TEXT, date_of_birth=OPT_DATES,
                 email=TEXT, phone_mobile=TEXT, postal_code=TEXT, state=TEXT, sex=TEXT),
       DATES)
def test_check_patient(draft: PatientDraft, today: date) -> None:
    refuses_or_accepts(check_patient, draft, today)


@SETTINGS
@given(st.builds(CoverageDraft, payer_id=st.one_of(st.none(), st.integers()), member_id=TEXT,
                 effective_date=OPT_DATES, end_date=OPT_DATES, priority=HOSTILE_INTS,
                 plan_year_start_month=HOSTILE_INTS, plan_year_start_day=HOSTILE_INTS,
                 visit_limit_per_year=st.one_of(st.none(), HOSTILE_INTS),
                 visits_used_elsewhere=HOSTILE_INTS, visits_used_elsewhere_as_of=OPT_DATES,
                 deductible=AMOUNTS, deductible_met=AMOUNTS, copay=AMOUNTS,
                 coinsurance_pct=AMOUNTS, oop_max=AMOUNTS, oop_met=AMOUNTS,
                 benefits_verified_on=OPT_DATES),
       DATES)
def test_check_coverage(draft: CoverageDraft, today: date) -> None:
    refuses_or_accepts(check_coverage, draft, today)


def test_check_coverage_refuses_nan_and_an_impossible_day() -> None:
    draft = CoverageDraft(1, "M1", date(2026, 1, 1), deductible=Decimal("NaN"),
                          coinsurance_pct=Decimal("NaN"), plan_year_start_day=10**30)
    with pytest.raises(ValidationErrors) as caught:
        check_coverage(draft, date(2026, 3, 1))
    assert {"deductible", "coinsurance_pct", "plan_year_start_day"} <= set(caught.value.errors)


TERMS = st.builds(AuthorizationTerms, start=DATES, end=DATES, authorized=HOSTILE_INTS,
                  codes=st.frozensets(st.text(max_size=6), max_size=3),
                  counts=st.sampled_from(AuthUnit), number=st.text(max_size=20))


@SETTINGS
@given(TERMS, HOSTILE_INTS, HOSTILE_INTS)
def test_authorization_record(terms: AuthorizationTerms, carried: int, upv: int) -> None:
    refuses_or_accepts(lambda: AuthorizationRecord(1, 1, terms, carried_in=carried,
                                                   units_per_visit=upv))


REQUESTS = st.builds(
    RenewalRequest, request_id=st.integers(), coverage_id=st.integers(),
    authorization_id=st.one_of(st.none(), st.integers()), status=st.sampled_from(RequestStatus),
    sent_at=st.one_of(st.none(), st.datetimes(), st.just(datetime.max)),
    visits_requested=HOSTILE_INTS, start_requested=OPT_DATES, end_requested=OPT_DATES,
    appealed_at=st.one_of(st.none(), st.datetimes()), visits_approved=HOSTILE_INTS,
    start_approved=OPT_DATES, end_approved=OPT_DATES, number_approved=st.text(max_size=10),
)


@SETTINGS
@given(st.data())
def test_renewal_request_and_approval(data: st.DataObject) -> None:
    try:
        req = data.draw(REQUESTS)
    except ValidationErrors:
        return
    current = data.draw(st.one_of(st.none(), TERMS))
    refuses_or_accepts(approval_change, req, current, data.draw(st.one_of(st.none(),
                                                                             st.integers())))


@SETTINGS
@given(HOSTILE_INTS, HOSTILE_INTS, HOSTILE_INTS, HOSTILE_INTS, HOSTILE_INTS, MONEY)
def test_bands_and_timing(a: int, b: int, c: int, d: int, e: int, margin: Decimal) -> None:
    refuses_or_accepts(StatusBands, a, b, c, d)
    refuses_or_accepts(RenewalTiming, a, b, e)
    refuses_or_accepts(KxBands, margin)


@SETTINGS
@given(DATES, HOSTILE_INTS, HOSTILE_INTS, HOSTILE_INTS, HOSTILE_INTS)
def test_plan_year_and_visit_limit(today: date, month: int, day: int, limit: int,
                                   used: int) -> None:
    refuses_or_accepts(plan_year, today, month, day)
    refuses_or_accepts(VisitLimit, 1, limit, month, day, used)


@SETTINGS
@given(st.text(max_size=400), DATES)
def test_text_parsers_never_raise(text: str, today: date) -> None:
    parse_query(text, today)
    parse_date_of_birth(text, today)
    parse_modifiers(text)
