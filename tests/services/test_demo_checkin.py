"""The demo clinic shows every check-in state: one patient per stop reason, warnings, go, a
visit checked in at risk this week, plans of care near and past recertification."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.app.clock import local_now
from ptdesk.demo.checkin import add_check_in_showcase
from ptdesk.demo.clinic import ensure_demo_clinic
from ptdesk.domain.checkin import Outcome, Rule
from ptdesk.domain.payers import VisitStatus
from ptdesk.services.board.practice_board import BoardService
from ptdesk.services.visits.checkin import CheckInService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, Visit

EXPECTED = {
    "CK0001": (Outcome.STOP, Rule.STOP_AUTH_EXPIRED),
    "CK0002": (Outcome.STOP, Rule.STOP_AUTH_EXHAUSTED),
    "CK0003": (Outcome.STOP, Rule.STOP_AUTH_NOT_STARTED),
    "CK0004": (Outcome.STOP, Rule.STOP_AUTH_PENDING),
    "CK0005": (Outcome.STOP, Rule.STOP_AUTH_MISSING),
    "CK0006": (Outcome.STOP, Rule.STOP_CODES_NOT_COVERED),
    "CK0007": (Outcome.STOP, Rule.STOP_LIMIT_REACHED),
    "CK0008": (Outcome.STOP, Rule.STOP_RECERT_OVERDUE),
    "CK0009": (Outcome.WARN, "warn.auth_visits_low"),
    "CK0010": (Outcome.WARN, "warn.poc_progress_due"),
    "CK0011": (Outcome.WARN, "warn.poc_recert_due"),
    "CK0012": (Outcome.GO, Rule.GO_COVERED),
    "CK0013": (Outcome.GO, Rule.GO_SELF_PAY),
    "CK0014": (Outcome.GO, Rule.GO_NO_AUTH_REQUIRED),
}


def test_every_state_is_in_the_demo(session_factory: sessionmaker[Session]) -> None:
    now = local_now()
    today = now.date()
    ensure_demo_clinic(session_factory, today=today, patients=3)
    assert add_check_in_showcase(session_factory, today=today, now=local_now) == 15
    assert add_check_in_showcase(session_factory, today=today, now=local_now) == 0  # once
    with session_scope(session_factory) as s:
        booked = dict(s.execute(
            select(Patient.chart_number, Visit.id).join(Visit, Visit.patient_id == Patient.id)
            .where(Patient.chart_number.like("CK%"), Visit.visit_date == today,
                   Visit.status == VisitStatus.BOOKED)).all())
    svc = CheckInService(session_factory)
    got = {chart: (d.outcome, d.findings[0].rule)
           for chart, vid in booked.items() if chart in EXPECTED
           for d in [svc.decide(vid, today)]}
    assert got == EXPECTED
    board = BoardService(session_factory).board(today, now)
    assert board.at_risk_week >= 1
    steps = " ".join(p.next_step for p in board.plan_steps)
    assert "Recertification overdue" in steps
    assert any(p.recert_due <= today + timedelta(days=7) for p in board.plan_steps)
    rows = svc.overrides(today - timedelta(days=today.weekday()), today)
    assert [r.chart_number for r in rows] == ["CK0015"]
