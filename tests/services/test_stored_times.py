"""Every service that stores a time round-trips it on SQLite and PostgreSQL with the app's real
clock (`ptdesk.app.clock.local_now`, timezone-aware), and what reads the stored times (request
due dates, the board, the panel) compares them with that clock without failing (issue 8 #1).

The desk runs in a zone away from UTC here, so a time stored as wall-clock and read back as
UTC (or the reverse) would show as a wrong instant, not pass by luck on a UTC machine."""

import time as _time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.app.clock import local_now
from ptdesk.domain.renewal import RequestStatus
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import (
    AuthorizationDraft,
    RenewalDecision,
    RenewalRequestDraft,
)
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.authorizations.renewals import RenewalService
from ptdesk.services.board.chips import StatusChips
from ptdesk.services.board.practice_board import BoardService
from ptdesk.services.visits.dtos import VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import RuleImport, Visit
from tests.services.auth_fixtures import make_clinic


@pytest.fixture(autouse=True)
def _desk_in_chicago(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/Chicago")
    _time.tzset()
    yield
    monkeypatch.undo()
    _time.tzset()


def _aware_equal(got: datetime | None, want: datetime) -> None:
    assert got is not None
    assert got.tzinfo is not None, "stored times come back aware"
    assert got == want
    assert got.utcoffset() == want.utcoffset(), "read back in the desk's own zone"


def _setup(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    c = make_clinic(factory)
    today = local_now().date()
    a = AuthorizationService(factory).add(AuthorizationDraft(
        c.coverage_id, today - timedelta(days=60), today + timedelta(days=30), 12,
        number="AU-1"))
    return c.patient_id, c.coverage_id, a.authorization_id


def test_check_in_time_round_trips(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    visits = VisitService(session_factory)
    v = visits.book(VisitDraft(c.patient_id, local_now().date(), c.coverage_id))
    at = local_now()
    visits.check_in(v.id, at)
    with session_scope(session_factory) as s:
        _aware_equal(s.get(Visit, v.id).checked_in_at, at)  # type: ignore[union-attr]


def test_rule_import_time_round_trips(session_factory: sessionmaker[Session]) -> None:
    at = local_now()
    with session_scope(session_factory) as s:
        s.add(RuleImport(kind="mue", version="v", file_name="f.csv", sha256="0" * 64,
                         imported_at=at, rows_read=0, rows_kept=0))
    with session_scope(session_factory) as s:
        _aware_equal(s.scalar(select(RuleImport.imported_at)), at)


def test_a_naive_time_is_refused_before_it_is_stored(
    session_factory: sessionmaker[Session],
) -> None:
    c = make_clinic(session_factory)
    visits = VisitService(session_factory)
    v = visits.book(VisitDraft(c.patient_id, local_now().date(), c.coverage_id))
    with pytest.raises(Exception, match="time zone"):
        visits.check_in(v.id, datetime(2026, 3, 16, 9, 0))


def test_renewal_request_lifecycle_with_the_real_clock(
    session_factory: sessionmaker[Session],
) -> None:
    pid, cov, aid = _setup(session_factory)
    svc = RenewalService(session_factory)
    now = local_now()
    today = now.date()
    draft = RenewalRequestDraft(cov, aid, visits_requested=12,
                                start_requested=today + timedelta(days=31),
                                end_requested=today + timedelta(days=120),
                                clinical_notes="Progress note.")
    r = svc.create(draft, now)  # not sent yet
    sent = now - timedelta(days=2)
    r = svc.mark_sent(r.request_id, sent, local_now())
    _aware_equal(r.sent_at, sent)
    assert r.due_at == sent + timedelta(days=7)
    assert r.check_portal_now  # 48 hours passed

    # a second request sent "now", then the board and the panel with it stored
    svc.create(RenewalRequestDraft(cov, aid, visits_requested=6, sent_at=local_now()),
               local_now())
    [first, second] = sorted(svc.for_patient(pid, local_now()), key=lambda v: v.request_id)
    _aware_equal(first.sent_at, sent)
    board = BoardService(session_factory).board(today, local_now())
    assert {a.request_id for a in board.awaiting} == {first.request_id, second.request_id}
    assert board.counts.requests_awaiting == 2
    panel = PanelService(session_factory).panel(pid, today, local_now())
    assert {q.request_id for q in panel.requests} == {first.request_id, second.request_id}

    # decide: denied, appealed (the appeal time round-trips), then approved
    denied = svc.record_decision(first.request_id, RenewalDecision(
        RequestStatus.DENIED, today, denial_reason="Not medically necessary"), local_now())
    assert denied.request.status is RequestStatus.DENIED
    appealed_at = local_now()
    appealed = svc.appeal(first.request_id, appealed_at, local_now())
    _aware_equal(appealed.appealed_at, appealed_at)
    done = svc.record_decision(second.request_id, RenewalDecision(
        RequestStatus.APPROVED, today, visits_approved=6,
        start_approved=today, end_approved=today + timedelta(days=60)), local_now())
    assert done.authorization_id is not None
    board = BoardService(session_factory).board(today, local_now())
    assert [a.request_id for a in board.awaiting] == [first.request_id]


def test_board_request_window_uses_aware_bounds(session_factory: sessionmaker[Session]) -> None:
    """The board's statistics look back from a local midnight: an aware bound."""
    pid, cov, aid = _setup(session_factory)
    RenewalService(session_factory).create(
        RenewalRequestDraft(cov, aid, visits_requested=6, sent_at=local_now()), local_now())
    assert StatusChips(session_factory).statuses_for([pid], date.today())
