"""Booking ahead: the dates of a series and which of them fall outside (table tests)."""

from datetime import date, time

import pytest

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.authorization import AuthorizationRecord, AuthState
from ptdesk.domain.booking import (
    Coverage,
    CoverageTerms,
    ProposedVisit,
    SeriesPlan,
    outside_summary,
    plan_words,
    project_series,
    series_dates,
)
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.visit_allocation import VisitRecord
from ptdesk.domain.visit_limits import VisitLimit

COV = 7
MON, THU = 0, 3
NINE = time(9, 0)


def auth(start: date, end: date, n: int, aid: int = 1,
         state: AuthState = AuthState.ACTIVE) -> AuthorizationRecord:
    return AuthorizationRecord(aid, COV, AuthorizationTerms(start, end, n), state=state)


def done(vid: int, day: date) -> VisitRecord:
    return VisitRecord(vid, day, VisitStatus.COMPLETED, COV)


def statuses(out: tuple[ProposedVisit, ...]) -> list[tuple[date, Coverage, str]]:
    return [(v.day, v.coverage, v.why) for v in out]


def test_six_weeks_mon_thu_is_twelve_dates() -> None:
    days, skipped = series_dates(SeriesPlan(date(2026, 3, 2), (MON, THU), NINE, weeks=6))
    assert len(days) == 12
    assert not skipped
    assert days[0] == date(2026, 3, 2)
    assert days[-1] == date(2026, 4, 9)
    assert {d.weekday() for d in days} == {MON, THU}


@pytest.mark.parametrize(
    ("plan", "closed", "n", "skipped"),
    [
        pytest.param(SeriesPlan(date(2026, 1, 12), (MON,), weeks=3), frozenset(), 2,
                     [(date(2026, 1, 19), "federal holiday")], id="mlk-day-skipped"),
        pytest.param(SeriesPlan(date(2026, 1, 12), (MON,), count=3), frozenset(), 3,
                     [(date(2026, 1, 19), "federal holiday")], id="count-runs-on-past-holiday"),
        pytest.param(SeriesPlan(date(2026, 3, 2), (MON, THU), weeks=1),
                     frozenset({date(2026, 3, 5)}), 1,
                     [(date(2026, 3, 5), "clinic closed")], id="clinic-closed-day-skipped"),
        pytest.param(SeriesPlan(date(2026, 7, 2), (THU, 4), weeks=1), frozenset(), 1,
                     [(date(2026, 7, 3), "federal holiday")], id="july-4-observed-friday"),
    ],
)
def test_closed_days_and_holidays_skipped(
    plan: SeriesPlan, closed: frozenset[date], n: int, skipped: list[tuple[date, str]]
) -> None:
    days, skip = series_dates(plan, closed)
    assert len(days) == n
    assert [(s.day, s.why) for s in skip] == skipped
    assert not set(days) & {s.day for s in skip}


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        (SeriesPlan(date(2026, 3, 2), (), weeks=2), "weekdays"),
        (SeriesPlan(date(2026, 3, 2), (MON,)), "repeat"),
        (SeriesPlan(date(2026, 3, 2), (MON,), weeks=2, count=3), "repeat"),
        (SeriesPlan(date(2026, 3, 2), (MON,), weeks=0), "weeks"),
        (SeriesPlan(date(2026, 3, 2), (MON,), count=500), "count"),
    ],
)
def test_bad_plan_names_the_field(plan: SeriesPlan, field: str) -> None:
    with pytest.raises(ValidationErrors) as e:
        series_dates(plan)
    assert field in e.value.errors


SERIES, _ = series_dates(SeriesPlan(date(2026, 3, 2), (MON, THU), NINE, weeks=6))
TERMS = CoverageTerms(COV, requires_auth=True)


@pytest.mark.parametrize(
    ("records", "existing", "terms", "outside"),
    [
        pytest.param([auth(date(2026, 3, 1), date(2026, 6, 30), 12)], [], TERMS, {},
                     id="all-covered"),
        pytest.param([auth(date(2026, 3, 1), date(2026, 6, 30), 12)],
                     [done(1, date(2026, 2, 26)), done(2, date(2026, 2, 27))], TERMS, {},
                     id="earlier-visits-outside-dates-do-not-count"),
        pytest.param([auth(date(2026, 2, 1), date(2026, 6, 30), 12)],
                     [done(1, date(2026, 2, 23)), done(2, date(2026, 2, 26))], TERMS,
                     {date(2026, 4, 6): "past the authorization's 12 visits",
                      date(2026, 4, 9): "past the authorization's 12 visits"},
                     id="past-count"),
        pytest.param([auth(date(2026, 3, 1), date(2026, 4, 3), 20)], [], TERMS,
                     {date(2026, 4, 6): "after the authorization ends Apr 3",
                      date(2026, 4, 9): "after the authorization ends Apr 3"},
                     id="past-end-date"),
        pytest.param([auth(date(2026, 3, 9), date(2026, 6, 30), 20)], [], TERMS,
                     {date(2026, 3, 2): "before the authorization starts Mar 9",
                      date(2026, 3, 5): "before the authorization starts Mar 9"},
                     id="before-start"),
        pytest.param([], [], TERMS, {d: "no authorization on file" for d in SERIES},
                     id="no-authorization"),
        pytest.param([auth(date(2026, 3, 1), date(2026, 6, 30), 20,
                           state=AuthState.PENDING)], [], TERMS,
                     {d: "the authorization is still pending" for d in SERIES},
                     id="pending-only"),
        pytest.param([], [done(i, date(2026, 1, 5 + i)) for i in range(18)],
                     CoverageTerms(COV, False, VisitLimit(COV, 20)),
                     {d: "plan-year limit of 20 visits reached" for d in SERIES[2:]},
                     id="past-plan-year-limit"),
        pytest.param([], [], CoverageTerms(COV, False, VisitLimit(
                         COV, 20, used_elsewhere=15, used_elsewhere_as_of=date(2026, 1, 20))),
                     {d: "plan-year limit of 20 visits reached" for d in SERIES[5:]},
                     id="visits-elsewhere-count"),
        pytest.param([], [], TERMS, {}, id="self-pay-is-not-checked"),
    ],
)
def test_projection(records: list[AuthorizationRecord], existing: list[VisitRecord],
                    terms: CoverageTerms, outside: dict[date, str],
                    request: pytest.FixtureRequest) -> None:
    self_pay = request.node.callspec.id == "self-pay-is-not-checked"
    out = project_series(SERIES, NINE, None if self_pay else terms, existing, records)
    assert [v.day for v in out] == list(SERIES)
    got = {v.day: v.why for v in out if v.coverage is Coverage.OUTSIDE}
    assert got == outside
    if self_pay:
        assert {v.coverage for v in out} == {Coverage.SELF_PAY}


def test_series_crossing_plan_year_start_counts_again() -> None:
    # Limit 3 per calendar year, 2 used in 2026: Dec 28 is the 3rd, Dec 31 the 4th (over);
    # Jan 4 and 7 fall in the new plan year and are covered again.
    days, _ = series_dates(SeriesPlan(date(2026, 12, 28), (MON, THU), weeks=2))
    existing = [done(1, date(2026, 3, 2)), done(2, date(2026, 3, 5))]
    out = project_series(days, None, CoverageTerms(COV, False, VisitLimit(COV, 3)), existing, [])
    assert statuses(out) == [
        (date(2026, 12, 28), Coverage.COVERED, ""),
        (date(2026, 12, 31), Coverage.OUTSIDE, "plan-year limit of 3 visits reached"),
        (date(2027, 1, 4), Coverage.COVERED, ""),
        (date(2027, 1, 7), Coverage.COVERED, ""),
    ]


def test_both_reasons_on_one_date_and_summary_groups_dates() -> None:
    records = [auth(date(2026, 3, 1), date(2026, 4, 3), 20)]
    out = project_series(SERIES, NINE, CoverageTerms(COV, True, VisitLimit(COV, 11)), [], records)
    assert out[-1].why == ("after the authorization ends Apr 3; "
                           "plan-year limit of 11 visits reached")
    assert outside_summary(out) == (
        "Apr 6: after the authorization ends Apr 3",
        "Apr 9: after the authorization ends Apr 3; plan-year limit of 11 visits reached",
    )
    past = project_series(SERIES, NINE, TERMS, [], [auth(date(2026, 3, 1), date(2026, 6, 30),
                                                         10)])
    assert outside_summary(past) == ("Apr 6 and Apr 9: past the authorization's 10 visits",)


def test_plan_words() -> None:
    assert plan_words(SeriesPlan(date(2026, 3, 2), (THU, MON), weeks=6)) == \
        "2 a week for 6 weeks, Mon/Thu"
    assert plan_words(SeriesPlan(date(2026, 3, 2), (MON,), count=1)) == "1 visit, Mon"


def test_earlier_dates_push_visits_already_booked_outside() -> None:
    from ptdesk.domain.booking import displaced

    records = [auth(date(2026, 3, 1), date(2026, 6, 30), 3)]
    booked = [VisitRecord(1, date(2026, 3, 10), VisitStatus.BOOKED, COV),
              VisitRecord(2, date(2026, 3, 12), VisitStatus.BOOKED, COV)]
    # Two new visits on Mar 2 and 5 take the room first: Mar 12 is the 4th of 3.
    assert displaced((date(2026, 3, 2), date(2026, 3, 5)), TERMS, booked, records) == (
        date(2026, 3, 12),)
    assert displaced((date(2026, 3, 20),), TERMS, booked, records) == ()
    assert displaced((date(2026, 3, 2),), None, booked, records) == ()
