"""Record visits and watch the panel, the board and the lookup column agree (both backends)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.renewal import SendWhen
from ptdesk.domain.status import Status
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.board.chips import StatusChips
from ptdesk.services.board.practice_board import BoardService
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from tests.services.auth_fixtures import TODAY, make_clinic

NOW = datetime(2026, 3, 16, 9, 0).astimezone()


def _setup(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    c = make_clinic(factory)
    a = AuthorizationService(factory).add(AuthorizationDraft(
        c.coverage_id, date(2026, 3, 1), date(2026, 6, 30), 8, number="AU-77"))
    return c.patient_id, c.coverage_id, a.authorization_id


def test_counts_and_status_follow_the_visits(session_factory: sessionmaker[Session]) -> None:
    pid, cov, _aid = _setup(session_factory)
    visits, panel = VisitService(session_factory), PanelService(session_factory)
    card = panel.panel(pid, TODAY, NOW).authorizations[0]
    assert (card.authorized, card.used, card.remaining, card.status) == (8, 0, 8, Status.GREEN)
    done = []
    for d in (2, 4, 6, 9, 11):
        v = visits.book(VisitDraft(pid, date(2026, 3, d), cov))
        visits.complete(v.id, [ServiceLineDraft("97110", 2)])
        done.append(v.id)
    card = panel.panel(pid, TODAY, NOW).authorizations[0]
    assert (card.used, card.remaining, card.status) == (5, 3, Status.YELLOW)
    assert card.chip.text == "Yellow · 3 visits left"
    assert card.chip.icon == "status-yellow"
    assert card.send_when is SendWhen.LATE
    # cancelled and no-show never count; voided stops counting
    x = visits.book(VisitDraft(pid, date(2026, 3, 12), cov))
    visits.cancel(x.id)
    y = visits.book(VisitDraft(pid, date(2026, 3, 13), cov))
    visits.no_show(y.id)
    visits.void(done[0], "Wrong patient")
    view = panel.panel(pid, TODAY, NOW)
    card = view.authorizations[0]
    assert card.used == 4
    reasons = {u.reason for u in card.explanation.not_counted}
    assert {"cancelled", "no-show", "voided"} <= reasons
    assert len(card.explanation.counted) == 4
    # booked visits project: 4 used + 5 booked > 8 -> the last booked one is not covered
    for d in (17, 19, 21, 23, 25):
        visits.book(VisitDraft(pid, date(2026, 3, d), cov))
    card = panel.panel(pid, TODAY, NOW).authorizations[0]
    assert card.booked == 5
    assert card.booked_over == 1
    assert card.projected_warning.startswith("8 visits authorized, 4 used, 5 booked: ")
    assert "(Mar 25) is not covered" in card.projected_warning


def test_board_and_lookup_agree_with_the_panel(session_factory: sessionmaker[Session]) -> None:
    pid, cov, _aid = _setup(session_factory)
    visits = VisitService(session_factory)
    board_svc = BoardService(session_factory)
    token = board_svc.change_token()
    for d in range(2, 9):
        v = visits.book(VisitDraft(pid, date(2026, 3, d), cov))
        visits.check_in(v.id, datetime(2026, 3, d, 9).astimezone())
    assert board_svc.change_token() > token
    view = PanelService(session_factory).panel(pid, TODAY, NOW)
    board = board_svc.board(TODAY, NOW)
    row = next(r for r in board.rows if r.patient_id == pid)
    assert view.status.status is Status.RED is row.status
    assert row.chip.text == view.status.chip.text == "Red · 1 visit left"
    assert row.remaining == view.authorizations[0].remaining == 1
    assert board.rows[0].patient_id == pid  # Red first
    assert board.counts.red == 1
    chips = StatusChips(session_factory).statuses_for([pid], TODAY)
    assert chips[pid].text == row.chip.text


def test_medicare_kx_card(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    visits = VisitService(session_factory)
    for d in (2, 5):
        v = visits.book(VisitDraft(c.medicare_patient_id, date(2026, 3, d),
                                   c.medicare_coverage_id))
        visits.complete(v.id, [ServiceLineDraft("97110", 2, allowed_amount=Decimal("1100"))])
    view = PanelService(session_factory).panel(c.medicare_patient_id, TODAY, NOW)
    assert view.kx is not None
    assert view.kx.threshold == Decimal("2480")
    assert view.kx.own_amount == Decimal("2200.00")
    assert view.kx.chip.status is Status.YELLOW  # within the $400 margin
    board = BoardService(session_factory).board(TODAY, NOW)
    row = next(r for r in board.rows if r.patient_id == c.medicare_patient_id)
    assert row.status is Status.YELLOW
