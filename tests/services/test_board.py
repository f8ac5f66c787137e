"""The practice board through the service (both backends): counts, Red first, ending soon,
awaiting decisions, payer statistics, agreement with the panel and the lookup column, and the
refresh after a change (only the changed patients are recomputed, the result is the same)."""

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.renewal import RequestStatus
from ptdesk.domain.status import Status
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
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Coverage, Patient
from tests.services.auth_fixtures import TODAY, Clinic, make_clinic

NOW = datetime(2026, 3, 16, 9, 0).astimezone()


def _patient(factory: sessionmaker[Session], c: Clinic, last: str) -> tuple[int, int]:
    with session_scope(factory) as s:
        p = Patient(chart_number=f"K-{last}", last_name=last, first_name="Test",
                    date_of_birth=date(1970, 1, 1))
        s.add(p)
        s.flush()
        cov = Coverage(patient_id=p.id, payer_id=c.payer_id, priority=1, member_id=last,
                       effective_date=date(2025, 1, 1))
        s.add(cov)
        s.flush()
        return p.id, cov.id


def _auth(factory: sessionmaker[Session], cov: int, end: date, n: int, number: str) -> int:
    return AuthorizationService(factory).add(AuthorizationDraft(
        cov, date(2026, 2, 1), end, n, number=number)).authorization_id


def _used(factory: sessionmaker[Session], pid: int, cov: int, k: int) -> list[int]:
    vs = VisitService(factory)
    out = []
    for i in range(k):
        v = vs.book(VisitDraft(pid, date(2026, 2, 2) + timedelta(days=i), cov))
        vs.complete(v.id, [ServiceLineDraft("97110", 1)])
        out.append(v.id)
    return out


def _clinic(factory: sessionmaker[Session]) -> dict[str, tuple[int, int]]:
    """red (1 visit left), yellow (ends in 12 days), green, none (no authorization), and the
    Medicare patient (Green: the whole KX threshold left)."""
    c = make_clinic(factory)
    out = {"none": (c.patient_id, c.coverage_id),
           "medicare": (c.medicare_patient_id, c.medicare_coverage_id)}
    for name in ("red", "yellow", "green"):
        out[name] = _patient(factory, c, name.title())
    _auth(factory, out["red"][1], date(2026, 6, 30), 5, "R-1")
    _used(factory, *out["red"], 4)
    _auth(factory, out["yellow"][1], TODAY + timedelta(days=12), 20, "Y-1")
    _auth(factory, out["green"][1], date(2026, 6, 30), 20, "G-1")
    return out


def _statuses(board_rows: object) -> dict[int, Status]:
    return {r.patient_id: r.status for r in board_rows}  # type: ignore[attr-defined]


def test_counts_and_order(session_factory: sessionmaker[Session]) -> None:
    who = _clinic(session_factory)
    board = BoardService(session_factory).board(TODAY, NOW)
    st = _statuses(board.rows)
    assert st[who["red"][0]] is Status.RED
    assert st[who["yellow"][0]] is Status.YELLOW
    assert st[who["green"][0]] is Status.GREEN
    assert st[who["none"][0]] is Status.NONE
    assert st[who["medicare"][0]] is Status.GREEN
    n = board.counts
    assert (n.red, n.none, n.yellow, n.green, n.not_tracked) == (1, 1, 1, 2, 0)
    assert [r.status for r in board.rows] == [
        Status.RED, Status.NONE, Status.YELLOW, Status.GREEN, Status.GREEN]
    medicare = next(r for r in board.rows if r.patient_id == who["medicare"][0])
    assert medicare.chip.text.endswith("before KX")  # the same words as the panel
    red = board.rows[0]
    assert red.chip.text == "Red · 1 visit left"
    assert (red.remaining, red.remaining_text, red.payer_name) == (1, "1 visit left",
                                                                   "Acme Health")
    assert board.rows[1].chip.text == "None · no authorization"
    assert board.rows[1].next_step


def test_ending_in_14_days(session_factory: sessionmaker[Session]) -> None:
    who = _clinic(session_factory)
    board = BoardService(session_factory).board(TODAY, NOW)
    assert [e.patient_id for e in board.ending_soon] == [who["yellow"][0]]
    e = board.ending_soon[0]
    assert (e.number, e.days_left, e.end_date) == ("Y-1", 12, TODAY + timedelta(days=12))
    assert board.counts.ending_soon == 1


def test_awaiting_decision_overdue_first_and_payer_stats(
    session_factory: sessionmaker[Session],
) -> None:
    who = _clinic(session_factory)
    rs = RenewalService(session_factory)
    recent = rs.create(RenewalRequestDraft(
        who["yellow"][1], None, visits_requested=10, start_requested=TODAY,
        end_requested=date(2026, 6, 30), sent_at=NOW - timedelta(days=1)), NOW)
    old = rs.create(RenewalRequestDraft(
        who["red"][1], None, visits_requested=10, start_requested=TODAY,
        end_requested=date(2026, 6, 30), sent_at=NOW - timedelta(days=9)), NOW)
    denied = rs.create(RenewalRequestDraft(
        who["green"][1], None, visits_requested=10, start_requested=TODAY,
        end_requested=date(2026, 6, 30), sent_at=NOW - timedelta(days=20)), NOW)
    rs.record_decision(denied.request_id, RenewalDecision(
        RequestStatus.DENIED, (NOW - timedelta(days=16)).date(),
        denial_reason="Not medically necessary"), NOW)
    board = BoardService(session_factory).board(TODAY, NOW)
    assert [a.request_id for a in board.awaiting] == [old.request_id, recent.request_id]
    assert board.awaiting[0].overdue
    assert not board.awaiting[1].overdue
    assert (board.counts.requests_awaiting, board.counts.requests_overdue) == (2, 1)
    (acme,) = board.payers
    assert (acme.payer_name, acme.requests, acme.decided) == ("Acme Health", 3, 1)
    assert acme.median_turnaround_days == 4.0
    assert acme.approval_rate == 0.0
    assert acme.denial_reasons == (("Not medically necessary", 1),)
    # later, the recent one becomes overdue too (re-timed without a reload)
    later = BoardService(session_factory).board(TODAY, NOW + timedelta(days=7))
    assert [a.overdue for a in later.awaiting] == [True, True]


def test_board_equals_panel_and_lookup(session_factory: sessionmaker[Session]) -> None:
    who = _clinic(session_factory)
    board = BoardService(session_factory).board(TODAY, NOW)
    panel = PanelService(session_factory)
    look = StatusChips(session_factory).statuses_for([pid for pid, _ in who.values()], TODAY)
    for row in board.rows:
        chip = panel.panel(row.patient_id, TODAY, NOW).status.chip
        assert (row.chip.status, row.chip.text) == (chip.status, chip.text)
        assert look[row.patient_id] == row.chip


def test_refresh_after_a_visit_recomputes_and_matches_a_cold_board(
    session_factory: sessionmaker[Session],
) -> None:
    who = _clinic(session_factory)
    svc = BoardService(session_factory)
    first = svc.board(TODAY, NOW)
    assert svc.board(TODAY, NOW) is first  # nothing changed: the same board
    pid, cov = who["yellow"]
    _used(session_factory, pid, cov, 16)  # 4 left: still yellow, now by visits too
    pid, cov = who["green"]
    _used(session_factory, pid, cov, 19)  # 1 left: red
    second = svc.board(TODAY, NOW)
    assert second.change_token > first.change_token
    cold = BoardService(session_factory).board(TODAY, NOW)
    assert second == cold
    assert _statuses(second.rows)[who["green"][0]] is Status.RED
    assert second.counts.red == 2


def test_a_secondary_coverage_s_status_is_named_on_the_board_panel_and_lookup(
    session_factory: sessionmaker[Session],
) -> None:
    """Medicare primary, a secondary that needs an authorization whose only one expired."""
    c = make_clinic(session_factory)
    with session_scope(session_factory) as s:
        sec = Coverage(patient_id=c.medicare_patient_id, payer_id=c.payer_id, priority=2,
                       member_id="S2", effective_date=date(2025, 1, 1))
        s.add(sec)
        s.flush()
        sec_id = sec.id
    AuthorizationService(session_factory).add(
        AuthorizationDraft(sec_id, date(2025, 12, 1), date(2026, 2, 28), 10, number="S-1"))
    pid = c.medicare_patient_id
    want = "Red · secondary Acme Health: expired Feb 28"
    row = next(r for r in BoardService(session_factory).board(TODAY, NOW).rows
               if r.patient_id == pid)
    assert row.chip.text == want
    panel = PanelService(session_factory).panel(pid, TODAY, NOW)
    assert panel.status.chip.text == want
    assert StatusChips(session_factory).statuses_for([pid], TODAY)[pid].text == want
