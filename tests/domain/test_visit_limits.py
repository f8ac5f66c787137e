"""Plan-year limits: reset across January 1 and an anniversary; elsewhere counts; bands."""

from datetime import date

import pytest

from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.status import ReasonCode, Status
from ptdesk.domain.visit_allocation import VisitRecord
from ptdesk.domain.visit_limits import (
    LimitCounts,
    PlanYear,
    VisitLimit,
    count_plan_year,
    limit_status,
    plan_year,
    verification_due,
)


@pytest.mark.parametrize(
    ("today", "month", "day", "expected"),
    [
        pytest.param(date(2025, 12, 31), 1, 1, PlanYear(date(2025, 1, 1), date(2025, 12, 31)),
                     id="calendar-dec-31"),
        pytest.param(date(2026, 1, 1), 1, 1, PlanYear(date(2026, 1, 1), date(2026, 12, 31)),
                     id="calendar-resets-jan-1"),
        pytest.param(date(2026, 6, 30), 7, 1, PlanYear(date(2025, 7, 1), date(2026, 6, 30)),
                     id="anniversary-day-before"),
        pytest.param(date(2026, 7, 1), 7, 1, PlanYear(date(2026, 7, 1), date(2027, 6, 30)),
                     id="anniversary-resets"),
        pytest.param(date(2026, 1, 15), 7, 1, PlanYear(date(2025, 7, 1), date(2026, 6, 30)),
                     id="anniversary-plan-does-not-reset-on-jan-1"),
        pytest.param(date(2025, 3, 1), 2, 29, PlanYear(date(2025, 2, 28), date(2026, 2, 27)),
                     id="feb-29-anniversary-in-common-year"),
    ],
)
def test_plan_year(today: date, month: int, day: int, expected: PlanYear) -> None:
    assert plan_year(today, month, day) == expected


def _visits() -> list[VisitRecord]:
    return [
        VisitRecord(1, date(2025, 12, 20), VisitStatus.COMPLETED, 10),
        VisitRecord(2, date(2025, 12, 30), VisitStatus.COMPLETED, 10),
        VisitRecord(3, date(2026, 1, 2), VisitStatus.COMPLETED, 10),
        VisitRecord(4, date(2026, 1, 3), VisitStatus.CANCELLED, 10),
        VisitRecord(5, date(2026, 1, 9), VisitStatus.BOOKED, 10),
        VisitRecord(6, date(2026, 1, 4), VisitStatus.COMPLETED, 99),
    ]


def test_counts_reset_across_january_1() -> None:
    dec = count_plan_year(_visits(), 10, plan_year(date(2025, 12, 31)))
    jan = count_plan_year(_visits(), 10, plan_year(date(2026, 1, 2)))
    assert (dec.used, dec.booked) == (2, 0)
    assert (jan.used, jan.booked, jan.last_booked) == (1, 1, date(2026, 1, 9))


def test_counts_do_not_reset_on_january_1_for_an_anniversary_plan() -> None:
    c = count_plan_year(_visits(), 10, plan_year(date(2026, 1, 2), 7, 1))
    assert c.used == 3


@pytest.mark.parametrize(
    ("used", "elsewhere", "expected"),
    [
        pytest.param(14, 0, Status.GREEN, id="6-left-green"),
        pytest.param(10, 5, Status.YELLOW, id="5-left-with-elsewhere-yellow"),
        pytest.param(17, 0, Status.YELLOW, id="3-left-yellow"),
        pytest.param(15, 3, Status.RED, id="2-left-red"),
        pytest.param(20, 0, Status.RED, id="limit-reached-red"),
    ],
)
def test_limit_bands(used: int, elsewhere: int, expected: Status) -> None:
    lim = VisitLimit(10, 20, used_elsewhere=elsewhere, used_elsewhere_as_of=date(2025, 3, 1))
    s = limit_status(lim, LimitCounts(used=used), date(2025, 6, 1))
    assert s.status is expected
    assert s.reasons()[0].status is expected


def test_visits_elsewhere_from_last_plan_year_are_ignored_and_flagged() -> None:
    lim = VisitLimit(10, 20, used_elsewhere=12, used_elsewhere_as_of=date(2025, 11, 1))
    s = limit_status(lim, LimitCounts(used=2), date(2026, 1, 5))
    assert s.used == 2
    assert s.status is Status.GREEN
    assert ReasonCode.LIMIT_ELSEWHERE_STALE in [r.code for r in s.reasons()]


def test_booked_over_the_limit_turns_green_yellow() -> None:
    s = limit_status(VisitLimit(10, 30), LimitCounts(used=20, booked=12,
                                                     last_booked=date(2025, 8, 1)),
                     date(2025, 6, 1))
    assert s.status is Status.YELLOW
    assert s.booked_over == 2
    assert ReasonCode.LIMIT_BOOKED_BEYOND in [r.code for r in s.reasons()]


@pytest.mark.parametrize(
    ("verified", "episode", "due"),
    [
        pytest.param(None, None, True, id="never-verified"),
        pytest.param(date(2025, 12, 15), None, True, id="new-plan-year-since"),
        pytest.param(date(2026, 1, 2), None, False, id="verified-this-plan-year"),
        pytest.param(date(2026, 1, 2), date(2026, 2, 1), True, id="new-episode-since"),
    ],
)
def test_verification_due(verified: date | None, episode: date | None, due: bool) -> None:
    assert verification_due(date(2026, 2, 10), verified, 1, 1, episode).due is due
