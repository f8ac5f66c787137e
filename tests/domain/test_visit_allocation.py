"""Derived counts and which authorization a visit draws from."""

from datetime import date

import pytest

from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.authorization import AuthorizationRecord, AuthState, UsageCounts
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.visit_allocation import NotCounted, VisitLine, VisitRecord, allocate

COV, OTHER_COV = 10, 20
S = VisitStatus


def auth(aid: int, start: date, end: date, n: int, codes: frozenset[str] = frozenset(),
         counts: AuthUnit = AuthUnit.VISITS, cov: int = COV, carried: int = 0,
         state: AuthState = AuthState.ACTIVE, pool: str = "") -> AuthorizationRecord:
    return AuthorizationRecord(aid, cov, AuthorizationTerms(start, end, n, codes, counts,
                                                            f"N{aid}"),
                               state=state, carried_in=carried, pool_code=pool)


def visit(vid: int, day: date, status: VisitStatus = S.COMPLETED, cov: int | None = COV,
          *lines: tuple[str, int]) -> VisitRecord:
    return VisitRecord(vid, day, status, cov, tuple(VisitLine(c, u) for c, u in lines))


A = auth(1, date(2025, 11, 1), date(2025, 12, 31), 8, carried=1)


@pytest.mark.parametrize(
    ("status", "used", "booked", "reason"),
    [
        pytest.param(S.COMPLETED, 1, 0, None, id="completed-counts"),
        pytest.param(S.CHECKED_IN, 1, 0, None, id="checked-in-counts"),
        pytest.param(S.BOOKED, 0, 1, None, id="booked-is-projected"),
        pytest.param(S.CANCELLED, 0, 0, NotCounted.CANCELLED, id="cancelled-never"),
        pytest.param(S.NO_SHOW, 0, 0, NotCounted.NO_SHOW, id="no-show-never"),
        pytest.param(S.VOIDED, 0, 0, NotCounted.VOIDED, id="voided-stops"),
    ],
)
def test_derived_counts(status: VisitStatus, used: int, booked: int,
                        reason: NotCounted | None) -> None:
    alloc = allocate([visit(1, date(2025, 11, 5), status, COV, ("97110", 2))], [A])
    c = alloc.counts()[A.key]
    assert (c.used, c.booked) == (used, booked)
    ex = alloc.explain(A)
    if reason is None:
        assert len(ex.counted) == 1
        assert not ex.not_counted
    else:
        assert [u.reason for u in ex.not_counted] == [reason]


def test_voiding_a_visit_stops_it_counting() -> None:
    before = allocate([visit(1, date(2025, 11, 5)), visit(2, date(2025, 11, 6))], [A])
    after = allocate([visit(1, date(2025, 11, 5)), visit(2, date(2025, 11, 6), S.VOIDED)], [A])
    assert before.counts()[A.key].used == 2
    assert after.counts()[A.key].used == 1


def test_why_n_used_lists_counted_and_not_counted_with_reasons() -> None:
    visits = [
        visit(1, date(2025, 11, 3), S.COMPLETED, COV, ("97110", 2)),
        visit(2, date(2025, 11, 4), S.CANCELLED),
        visit(3, date(2025, 11, 5), S.COMPLETED, OTHER_COV, ("97110", 1)),
        visit(4, date(2025, 10, 20), S.COMPLETED),
        visit(5, date(2025, 11, 7), S.NO_SHOW),
        visit(6, date(2025, 11, 8), S.COMPLETED, None),
        visit(7, date(2025, 12, 14), S.BOOKED),
    ]
    ex = allocate(visits, [A]).explain(A)
    assert [u.visit_id for u in ex.counted] == [1, 7]
    assert {u.visit_id: u.reason for u in ex.not_counted} == {
        4: NotCounted.OUTSIDE_DATES, 2: NotCounted.CANCELLED, 3: NotCounted.OTHER_COVERAGE,
        5: NotCounted.NO_SHOW, 6: NotCounted.OTHER_COVERAGE,
    }
    assert ex.used == 2
    assert ex.headline == "2 visits used: 1 recorded in ptdesk + 1 before ptdesk."
    assert "booked (projected)" in ex.counted[1].words


def test_consecutive_authorizations_split_by_date() -> None:
    first = auth(1, date(2025, 10, 1), date(2025, 11, 30), 10)
    second = auth(2, date(2025, 12, 1), date(2026, 1, 31), 10)
    alloc = allocate([visit(1, date(2025, 11, 30)), visit(2, date(2025, 12, 1)),
                      visit(3, date(2025, 12, 2), S.BOOKED)], [first, second])
    c = alloc.counts()
    assert (c[first.key].used, c[second.key].used, c[second.key].booked) == (1, 1, 1)
    assert alloc.explain(first).not_counted[0].reason is NotCounted.OUTSIDE_DATES
    # the panel's short form leaves out what lies outside the dates, nothing else
    short = alloc.explain(first, outside_dates=False)
    assert short.not_counted == ()
    assert short.counted == alloc.explain(first).counted


def test_pending_placeholder_is_never_drawn_and_booked_visit_is_uncovered() -> None:
    current = auth(1, date(2025, 11, 1), date(2025, 11, 30), 10)
    pending = auth(2, date(2025, 12, 1), date(2026, 1, 31), 10, state=AuthState.PENDING)
    alloc = allocate([visit(1, date(2025, 12, 3), S.BOOKED)], [current, pending])
    assert alloc.counts()[pending.key] == UsageCounts()
    assert [v.visit_id for v in alloc.uncovered_booked(COV)] == [1]
    assert alloc.explain(pending).not_counted[0].reason is NotCounted.NOT_USABLE


def test_secondary_insurance_has_its_own_authorization() -> None:
    primary = auth(1, date(2025, 11, 1), date(2025, 12, 31), 10)
    secondary = auth(2, date(2025, 11, 1), date(2025, 12, 31), 10, cov=OTHER_COV)
    alloc = allocate([visit(1, date(2025, 11, 5)), visit(2, date(2025, 11, 6), S.COMPLETED,
                                                          OTHER_COV)], [primary, secondary])
    c = alloc.counts()
    assert (c[primary.key].used, c[secondary.key].used) == (1, 1)


def test_overlapping_authorizations_prefer_the_one_ending_soonest() -> None:
    late = auth(1, date(2025, 11, 1), date(2026, 1, 31), 10)
    soon = auth(2, date(2025, 11, 1), date(2025, 12, 15), 2)
    alloc = allocate([visit(i, date(2025, 11, i)) for i in range(1, 5)], [late, soon])
    c = alloc.counts()
    # The two visits that fit go to the one ending soonest; then it has no room.
    assert (c[soon.key].used, c[late.key].used) == (2, 2)
    assert "ends soonest" in alloc.visits[0].draws[0].why


def test_tie_break_is_deterministic_by_id() -> None:
    a = auth(5, date(2025, 11, 1), date(2025, 12, 31), 10)
    b = auth(3, date(2025, 11, 1), date(2025, 12, 31), 10)
    alloc = allocate([visit(1, date(2025, 11, 5))], [a, b])
    assert alloc.visits[0].draws[0].key == b.key


def test_code_specific_visit_authorizations_side_by_side() -> None:
    ex = auth(1, date(2025, 11, 1), date(2025, 12, 31), 6, frozenset({"97110"}))
    manual = auth(2, date(2025, 11, 1), date(2025, 12, 31), 6, frozenset({"97140"}))
    alloc = allocate([visit(1, date(2025, 11, 5), S.COMPLETED, COV, ("97110", 2),
                            ("97140", 1), ("97035", 1))], [ex, manual])
    c = alloc.counts()
    assert (c[ex.key].used, c[manual.key].used) == (1, 1)
    assert alloc.visits[0].uncovered_codes == ("97035",)


def test_specific_authorization_preferred_over_any_code() -> None:
    general = auth(1, date(2025, 11, 1), date(2025, 12, 1), 10)
    specific = auth(2, date(2025, 11, 1), date(2025, 12, 31), 10, frozenset({"97110"}))
    alloc = allocate([visit(1, date(2025, 11, 5), S.COMPLETED, COV, ("97110", 1)),
                      visit(2, date(2025, 11, 6), S.COMPLETED, COV, ("97140", 1))],
                     [general, specific])
    c = alloc.counts()
    assert (c[specific.key].used, c[general.key].used) == (1, 1)
    assert alloc.explain(specific).not_counted[0].reason is NotCounted.CODE_NOT_COVERED


def test_units_per_code_are_drawn_by_line() -> None:
    u110 = auth(1, date(2025, 11, 1), date(2025, 12, 31), 24, frozenset({"97110"}),
                AuthUnit.UNITS, pool="97110")
    u140 = auth(1, date(2025, 11, 1), date(2025, 12, 31), 12, frozenset({"97140"}),
                AuthUnit.UNITS, pool="97140")
    visits = [visit(1, date(2025, 11, 5), S.COMPLETED, COV, ("97110", 3), ("97140", 1)),
              visit(2, date(2025, 11, 7), S.COMPLETED, COV, ("97110", 2)),
              visit(3, date(2025, 11, 9), S.BOOKED)]  # no lines: no units projected
    c = allocate(visits, [u110, u140]).counts()
    assert (c[u110.key].used, c[u140.key].used, c[u110.key].booked) == (5, 1, 0)


def test_booked_never_takes_room_from_visits_that_happened_and_overflow_is_dated() -> None:
    a = auth(1, date(2025, 11, 1), date(2025, 12, 31), 3)
    visits = [visit(1, date(2025, 11, 2), S.BOOKED),  # booked, date passed, not yet marked
              visit(2, date(2025, 11, 3)), visit(3, date(2025, 11, 4)),
              visit(4, date(2025, 12, 10), S.BOOKED)]
    alloc = allocate(visits, [a])
    c = alloc.counts()[a.key]
    assert (c.used, c.booked, c.last_booked, c.first_booked_over) == (
        2, 2, date(2025, 12, 10), date(2025, 12, 10))
    assert all(d.within for v in alloc.visits if v.visit.visit_id in (2, 3) for d in v.draws)
