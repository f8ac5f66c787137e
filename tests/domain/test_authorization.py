"""Effective status of one authorization from its counts: every band edge."""

from datetime import date, timedelta

import pytest

from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.authorization import (
    AuthorizationRecord,
    AuthState,
    Phase,
    UsageCounts,
    authorization_status,
    unit_pools,
)
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.status import ReasonCode, Status, StatusBands

TODAY = date(2025, 12, 1)


def rec(
    authorized: int = 20, days_left: int = 60, carried: int = 0, **kw: object
) -> AuthorizationRecord:
    terms = AuthorizationTerms(start=date(2025, 10, 1), end=TODAY + timedelta(days=days_left),
                               authorized=authorized, number="A1")
    return AuthorizationRecord(1, 10, terms, carried_in=carried, payer_name="Aetna", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("authorized", "used", "days_left", "expected"),
    [
        pytest.param(20, 14, 60, Status.GREEN, id="visits-6-green"),
        pytest.param(20, 15, 60, Status.YELLOW, id="visits-5-yellow"),
        pytest.param(20, 17, 60, Status.YELLOW, id="visits-3-yellow"),
        pytest.param(20, 18, 60, Status.RED, id="visits-2-red"),
        pytest.param(20, 20, 60, Status.RED, id="visits-0-exhausted-red"),
        pytest.param(20, 0, 22, Status.GREEN, id="days-22-green"),
        pytest.param(20, 0, 21, Status.YELLOW, id="days-21-yellow"),
        pytest.param(20, 0, 8, Status.YELLOW, id="days-8-yellow"),
        pytest.param(20, 0, 7, Status.RED, id="days-7-red"),
        pytest.param(20, 0, 0, Status.RED, id="expires-today-red"),
        pytest.param(20, 0, -1, Status.RED, id="visits-left-but-date-passed"),
        pytest.param(20, 20, 200, Status.RED, id="date-left-but-visits-gone"),
        pytest.param(20, 10, 10, Status.YELLOW, id="visits-left-days-running-out-yellow"),
        pytest.param(20, 23, 60, Status.RED, id="overdrawn"),
    ],
)
def test_band_edges(authorized: int, used: int, days_left: int, expected: Status) -> None:
    a = authorization_status(rec(authorized, days_left), UsageCounts(used=used), TODAY)
    assert a.status is expected
    assert a.reasons()[0].status is expected


def test_end_date_is_inclusive() -> None:
    r = rec(days_left=0)
    assert r.usable_on(TODAY)
    assert not r.usable_on(TODAY + timedelta(days=1))
    a = authorization_status(r, UsageCounts(used=0), TODAY)
    assert a.phase is Phase.IN_FORCE
    assert a.days_left == 0
    assert any(x.phrase == "ends today" for x in a.reasons())


def test_expired_says_so() -> None:
    a = authorization_status(rec(days_left=-1), UsageCounts(used=3), TODAY)
    assert a.phase is Phase.EXPIRED
    assert [x.code for x in a.reasons()] == [ReasonCode.AUTH_EXPIRED]


def test_days_reason_explains_visits_left_but_days_running_out() -> None:
    a = authorization_status(rec(days_left=5), UsageCounts(used=2), TODAY)
    days = next(x for x in a.reasons() if x.code is ReasonCode.AUTH_DAYS_LOW)
    assert days.status is Status.RED
    assert "even though 18 visits left" in days.sentence


def test_carried_in_counts_as_used() -> None:
    a = authorization_status(rec(20, carried=12), UsageCounts(used=3), TODAY)
    assert (a.used, a.remaining, a.status) == (15, 5, Status.YELLOW)


def test_projected_issue_example() -> None:
    """8 authorized, 5 used, 4 booked: the last booked visit (Dec 14) is not covered."""
    a = authorization_status(
        rec(8, days_left=60), UsageCounts(used=5, booked=4, last_booked=date(2025, 12, 14)),
        TODAY,
    )
    assert a.remaining == 3
    assert a.booked_over == 1
    over = next(x for x in a.reasons() if x.code is ReasonCode.BOOKED_BEYOND_AUTH)
    assert over.sentence == (
        "8 visits authorized, 5 used, 4 booked: the last booked visit (Dec 14) is not covered."
    )
    assert a.status is Status.YELLOW  # 3 left (Yellow); first uncovered visit 13 days away


def test_projected_overflow_within_a_week_is_red_and_green_becomes_yellow() -> None:
    soon = authorization_status(
        rec(20), UsageCounts(used=10, booked=11, first_booked_over=TODAY + timedelta(days=5)),
        TODAY)
    assert soon.status is Status.RED
    later = authorization_status(
        rec(20), UsageCounts(used=10, booked=11, first_booked_over=TODAY + timedelta(days=30)),
        TODAY)
    assert later.status is Status.YELLOW


@pytest.mark.parametrize(
    ("state", "ended_on", "phase", "status"),
    [
        pytest.param(AuthState.PENDING, None, Phase.PENDING, Status.NOT_TRACKED, id="pending"),
        pytest.param(AuthState.ENDED, None, Phase.ENDED, Status.NOT_TRACKED, id="ended"),
        pytest.param(AuthState.ACTIVE, date(2025, 11, 20), Phase.ENDED, Status.NOT_TRACKED,
                     id="ended-on-date"),
    ],
)
def test_not_tracked_phases(state: AuthState, ended_on: date | None, phase: Phase,
                            status: Status) -> None:
    a = authorization_status(rec(state=state, ended_on=ended_on), UsageCounts(), TODAY)
    assert (a.phase, a.status) == (phase, status)


def test_upcoming_authorization() -> None:
    terms = AuthorizationTerms(start=date(2026, 1, 5), end=date(2026, 3, 31), authorized=12)
    a = authorization_status(AuthorizationRecord(2, 10, terms), UsageCounts(), TODAY)
    assert a.phase is Phase.UPCOMING
    assert a.status is Status.GREEN
    assert any(x.code is ReasonCode.AUTH_NOT_STARTED for x in a.reasons())


def test_per_payer_bands() -> None:
    bands = StatusBands(red_visits=3, yellow_visits=7, red_days=7, yellow_days=21)
    a = authorization_status(rec(20), UsageCounts(used=17), TODAY, bands)
    assert a.status is Status.RED


def test_units_pools_and_units_per_visit() -> None:
    terms = AuthorizationTerms(start=date(2025, 11, 1), end=date(2026, 2, 1), authorized=0,
                               counts=AuthUnit.UNITS, number="U9")
    pools = unit_pools(7, 10, terms, {"97140": 12, "97110": 24}, units_per_visit=2)
    assert [p.key for p in pools] == [(7, "97110"), (7, "97140")]
    assert pools[0].terms.authorized == 24
    assert pools[0].terms.codes == {"97110"}
    a = authorization_status(pools[0], UsageCounts(used=18), TODAY)
    assert (a.remaining, a.remaining_visits, a.status) == (6, 3, Status.YELLOW)
    assert "about 3 visits" in a.reasons()[0].sentence


def test_invalid_record_is_refused() -> None:
    terms = AuthorizationTerms(start=date(2025, 12, 1), end=date(2025, 11, 1), authorized=-1)
    with pytest.raises(ValidationErrors) as err:
        AuthorizationRecord(1, 1, terms, carried_in=-2)
    assert set(err.value.errors) == {"end", "authorized", "carried_in"}
