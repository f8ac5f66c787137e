"""Booking ahead on both backends: a series is previewed with the dates that fall outside,
booked all or nothing (marked when booked anyway), and moving or cancelling a booked visit
re-projects the counts at once and moves the change counter."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.booking import Coverage, SeriesPlan
from ptdesk.domain.errors import ValidationErrors
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.board.practice_board import BoardService
from ptdesk.services.visits.booking import BookingService, SeriesRequest
from ptdesk.services.visits.dtos import VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Provider, Visit
from tests.services.auth_fixtures import TODAY, make_clinic

NOW = datetime(2026, 3, 16, 9, 0).astimezone()
NINE = time(9, 0)
MON, THU = 0, 3


def _setup(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    c = make_clinic(factory)
    AuthorizationService(factory).add(AuthorizationDraft(
        c.coverage_id, date(2026, 3, 1), date(2026, 6, 30), 10, number="AU-9"))
    with session_scope(factory) as s:
        from ptdesk.domain.payers import ProviderRole

        p = Provider(first_name="Dana", last_name="Cole", role=ProviderRole.PT)
        s.add(p)
        s.flush()
        prov = p.id
    return c.patient_id, c.coverage_id, prov


def _six_weeks(pid: int, cov: int, prov: int) -> SeriesRequest:
    return SeriesRequest(pid, cov, prov, SeriesPlan(date(2026, 3, 16), (MON, THU), NINE,
                                                    weeks=6))


def _card(factory: sessionmaker[Session], pid: int) -> tuple[int, int, int]:
    card = PanelService(factory).panel(pid, TODAY, NOW).authorizations[0]
    return card.booked, card.booked_over, card.remaining


def test_series_past_the_count_is_named_then_booked_anyway_marked(
    session_factory: sessionmaker[Session],
) -> None:
    pid, cov, prov = _setup(session_factory)
    svc = BookingService(session_factory)
    p = svc.preview(_six_weeks(pid, cov, prov))
    assert len(p.visits) == 12
    assert p.outside_count == 2
    assert p.outside == ("Apr 20 and Apr 23: past the authorization's 10 visits",)
    assert [v.coverage for v in p.visits[-3:]] == [Coverage.COVERED, Coverage.OUTSIDE,
                                                  Coverage.OUTSIDE]
    with pytest.raises(ValidationErrors) as e:
        svc.book(_six_weeks(pid, cov, prov))
    assert "Apr 20 and Apr 23" in e.value.errors["outside"]
    t0 = BoardService(session_factory).change_token()
    done = svc.book(_six_weeks(pid, cov, prov), anyway=True)
    assert len(done.visit_ids) == 12
    assert done.marked == 2
    assert done.change_token > t0
    with session_scope(session_factory) as s:
        marks = {d: r for d, r in s.execute(select(Visit.visit_date, Visit.outside_reason)
                                            .where(Visit.patient_id == pid))}
    assert marks[date(2026, 4, 23)] == "past the authorization's 10 visits"
    assert marks[date(2026, 3, 16)] == ""
    assert _card(session_factory, pid) == (12, 2, 10)


def test_series_is_all_or_nothing(session_factory: sessionmaker[Session]) -> None:
    pid, cov, prov = _setup(session_factory)
    # The patient already has a visit on one of the dates (another provider, another time).
    VisitService(session_factory).book(VisitDraft(pid, date(2026, 4, 2), cov, time(15, 0)))
    with pytest.raises(ValidationErrors) as e:
        BookingService(session_factory).book(_six_weeks(pid, cov, prov), anyway=True)
    assert "Apr 2" in e.value.errors["day"]
    with session_scope(session_factory) as s:
        n = len(s.execute(select(Visit.id).where(Visit.patient_id == pid)).all())
    assert n == 1  # only the visit that was there


def test_cancel_and_move_reproject_at_once(session_factory: sessionmaker[Session]) -> None:
    pid, cov, prov = _setup(session_factory)
    svc, board = BookingService(session_factory), BoardService(session_factory)
    ids = svc.book(_six_weeks(pid, cov, prov), anyway=True).visit_ids
    assert _card(session_factory, pid) == (12, 2, 10)
    board.board(TODAY, NOW)  # the board caches: it must notice the changes below
    t0 = board.change_token()
    VisitService(session_factory).cancel(ids[0])
    assert _card(session_factory, pid) == (11, 1, 10)
    assert board.change_token() > t0
    t1 = board.change_token()
    # The last visit moves past the authorization's end: it is outside by date now.
    moved = svc.move(ids[-1], date(2026, 7, 2), time(10, 0))
    assert moved.day == date(2026, 7, 2)
    assert moved.change_token > t1
    assert _card(session_factory, pid) == (10, 0, 10)
    with session_scope(session_factory) as s:
        reason = s.execute(select(Visit.outside_reason).where(Visit.id == ids[-1])).scalar()
    assert reason == "after the authorization ends Jun 30"
    # Back inside the dates it is the 11th of 10 again: the mark follows the new reason;
    # with one more cancelled, it fits and the mark goes.
    svc.move(ids[-1], date(2026, 4, 24), None)
    with session_scope(session_factory) as s:
        reason = s.execute(select(Visit.outside_reason).where(Visit.id == ids[-1])).scalar()
    assert reason == "past the authorization's 10 visits"
    VisitService(session_factory).cancel(ids[1])
    svc.move(ids[-1], date(2026, 4, 27), None)
    with session_scope(session_factory) as s:
        reason = s.execute(select(Visit.outside_reason).where(Visit.id == ids[-1])).scalar()
    assert reason == ""


def test_move_refuses_a_visit_not_booked(session_factory: sessionmaker[Session]) -> None:
    pid, cov, _prov = _setup(session_factory)
    v = VisitService(session_factory).book(VisitDraft(pid, date(2026, 3, 20), cov))
    VisitService(session_factory).cancel(v.id)
    with pytest.raises(ValidationErrors):
        BookingService(session_factory).move(v.id, date(2026, 3, 21), None)
