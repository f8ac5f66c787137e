"""Recording visits (both backends): each step changes the derived counts and moves the
change token; wrong transitions are refused."""

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.payers import VisitStatus
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.board.practice_board import BoardService
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitNotFound, VisitService
from tests.services.auth_fixtures import TODAY, make_clinic

NOW = datetime(2026, 3, 16, 9, 0).astimezone()


def _setup(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    c = make_clinic(factory)
    a = AuthorizationService(factory).add(AuthorizationDraft(
        c.coverage_id, date(2026, 3, 1), date(2026, 6, 30), 10, number="AU-9"))
    return c.patient_id, c.coverage_id, a.authorization_id


def _counts(factory: sessionmaker[Session], pid: int) -> tuple[int, int, int]:
    card = PanelService(factory).panel(pid, TODAY, NOW).authorizations[0]
    return card.used, card.booked, card.remaining


def test_book_check_in_complete(session_factory: sessionmaker[Session]) -> None:
    pid, cov, aid = _setup(session_factory)
    svc, board = VisitService(session_factory), BoardService(session_factory)
    t0 = board.change_token()
    v = svc.book(VisitDraft(pid, date(2026, 3, 20), cov))
    assert v.status is VisitStatus.BOOKED
    assert v.authorization_id == aid
    assert v.change_token == board.change_token() > t0
    assert _counts(session_factory, pid) == (0, 1, 10)
    v = svc.check_in(v.id, datetime(2026, 3, 20, 8, 55).astimezone())
    assert v.status is VisitStatus.CHECKED_IN
    assert _counts(session_factory, pid) == (1, 0, 9)
    t1 = board.change_token()
    v = svc.complete(v.id, [ServiceLineDraft(" 97110 ", 2), ServiceLineDraft("97140", 1)])
    assert v.status is VisitStatus.COMPLETED
    assert [ln.code for ln in v.lines] == ["97110", "97140"]
    assert v.change_token > t1
    assert _counts(session_factory, pid) == (1, 0, 9)
    assert svc.get(v.id).lines == v.lines


@pytest.mark.parametrize("action", ["cancel", "no_show"])
def test_cancelled_and_no_show_never_count(
    session_factory: sessionmaker[Session], action: str
) -> None:
    pid, cov, _aid = _setup(session_factory)
    svc = VisitService(session_factory)
    v = svc.book(VisitDraft(pid, date(2026, 3, 20), cov))
    t = BoardService(session_factory).change_token()
    done = getattr(svc, action)(v.id)
    assert done.status in (VisitStatus.CANCELLED, VisitStatus.NO_SHOW)
    assert done.authorization_id is None
    assert done.change_token > t
    assert _counts(session_factory, pid) == (0, 0, 10)
    with pytest.raises(ValidationErrors):  # only a booked visit can be cancelled
        svc.check_in(v.id, NOW)


def test_void_stops_counting_and_needs_a_reason(session_factory: sessionmaker[Session]) -> None:
    pid, cov, _aid = _setup(session_factory)
    svc = VisitService(session_factory)
    v = svc.book(VisitDraft(pid, date(2026, 3, 10), cov))
    svc.complete(v.id, [ServiceLineDraft("97110", 2)])
    assert _counts(session_factory, pid) == (1, 0, 9)
    with pytest.raises(ValidationErrors) as e:
        svc.void(v.id, "  ")
    assert "void_reason" in e.value.errors
    voided = svc.void(v.id, "Wrong patient")
    assert voided.status is VisitStatus.VOIDED
    assert voided.void_reason == "Wrong patient"
    assert _counts(session_factory, pid) == (0, 0, 10)
    with pytest.raises(ValidationErrors):
        svc.void(v.id, "again")


def test_book_validates_patient_and_coverage(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    svc = VisitService(session_factory)
    with pytest.raises(ValidationErrors) as e:
        svc.book(VisitDraft(c.patient_id, TODAY, c.medicare_coverage_id))
    assert "coverage_id" in e.value.errors
    with pytest.raises(ValidationErrors):
        svc.book(VisitDraft(999_999, TODAY, None))
    with pytest.raises(VisitNotFound):
        svc.cancel(999_999)


def test_complete_refuses_bad_lines(session_factory: sessionmaker[Session]) -> None:
    pid, cov, _aid = _setup(session_factory)
    svc = VisitService(session_factory)
    v = svc.book(VisitDraft(pid, TODAY, cov))
    with pytest.raises(ValidationErrors) as e:
        svc.complete(v.id, [ServiceLineDraft("", 1), ServiceLineDraft("97110", -1)])
    assert set(e.value.errors) == {"lines.1.code", "lines.2.units"}
    assert svc.get(v.id).status is VisitStatus.BOOKED
