"""Renewal requests through the service (both backends): create, send, due dates, portal
reminder, decisions (approved extends, partly approved, denied), appeal."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.renewal import RequestStatus, Urgency
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import (
    AuthorizationDraft,
    RenewalDecision,
    RenewalRequestDraft,
)
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.authorizations.renewals import RenewalService
from ptdesk.services.board.practice_board import BoardService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Authorization
from tests.services.auth_fixtures import TODAY, make_clinic

SENT = datetime(2026, 3, 10, 9, 0).astimezone()


def _setup(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    c = make_clinic(factory)
    a = AuthorizationService(factory).add(AuthorizationDraft(
        c.coverage_id, date(2026, 1, 1), date(2026, 3, 31), 12, number="AU-1"))
    return c.patient_id, c.coverage_id, a.authorization_id


def _draft(cov: int, aid: int | None, **kw: object) -> RenewalRequestDraft:
    base: dict[str, object] = {"visits_requested": 12, "start_requested": date(2026, 4, 1),
                               "end_requested": date(2026, 6, 30),
                               "clinical_notes": "Progress note: ROM +20 degrees."}
    base.update(kw)
    return RenewalRequestDraft(cov, aid, **base)  # type: ignore[arg-type]


def test_create_not_sent_then_mark_sent(session_factory: sessionmaker[Session]) -> None:
    _pid, cov, aid = _setup(session_factory)
    svc = RenewalService(session_factory)
    r = svc.create(_draft(cov, aid), SENT)
    assert r.status is RequestStatus.NOT_SENT
    assert r.due_at is None
    assert not r.overdue
    assert r.clinical_notes == "Progress note: ROM +20 degrees."
    r = svc.mark_sent(r.request_id, SENT, SENT)
    assert r.status is RequestStatus.PENDING
    assert r.sent_at == SENT
    with pytest.raises(ValidationErrors):
        svc.mark_sent(r.request_id, SENT, SENT)


def test_due_in_7_days_standard_and_72_hours_expedited(
    session_factory: sessionmaker[Session],
) -> None:
    _pid, cov, aid = _setup(session_factory)
    svc = RenewalService(session_factory)
    std = svc.create(_draft(cov, aid, sent_at=SENT), SENT)
    assert std.status is RequestStatus.PENDING
    assert std.due_at == SENT + timedelta(days=7)
    exp = svc.create(_draft(cov, aid, sent_at=SENT, urgency=Urgency.EXPEDITED), SENT)
    assert exp.due_at == SENT + timedelta(hours=72)


def test_overdue_and_portal_reminder(session_factory: sessionmaker[Session]) -> None:
    pid, cov, aid = _setup(session_factory)
    svc = RenewalService(session_factory)
    r = svc.create(_draft(cov, aid, sent_at=SENT), SENT)
    assert r.check_portal_at == SENT + timedelta(hours=48)
    early = svc.for_patient(pid, SENT + timedelta(hours=47))[0]
    assert not early.check_portal_now
    assert not early.overdue
    later = svc.for_patient(pid, SENT + timedelta(hours=48))[0]
    assert later.check_portal_now
    assert not later.overdue
    at_due = svc.for_patient(pid, SENT + timedelta(days=7))[0]
    assert not at_due.overdue
    past = svc.for_patient(pid, SENT + timedelta(days=7, minutes=1))[0]
    assert past.overdue


def test_approved_extends_the_authorization_in_one_transaction(
    session_factory: sessionmaker[Session],
) -> None:
    pid, cov, aid = _setup(session_factory)
    svc = RenewalService(session_factory)
    r = svc.create(_draft(cov, aid, sent_at=SENT), SENT)
    before = BoardService(session_factory).change_token()
    done = svc.record_decision(r.request_id, RenewalDecision(
        RequestStatus.APPROVED, date(2026, 3, 14), visits_approved=12,
        end_approved=date(2026, 6, 30)), SENT)
    assert done.authorization_id == aid
    assert done.request.status is RequestStatus.APPROVED
    assert done.request.resulting_authorization_id == aid
    assert done.change_token > before
    with session_scope(session_factory) as s:
        a = s.get(Authorization, aid)
        assert a is not None
        assert (a.end_date, a.authorized) == (date(2026, 6, 30), 24)
        assert s.scalar(select(func.count()).select_from(Authorization)) == 1
    card = PanelService(session_factory).panel(pid, TODAY, SENT).authorizations[0]
    assert (card.authorized, card.end) == (24, date(2026, 6, 30))


def test_partly_approved_with_a_new_number_adds_one(
    session_factory: sessionmaker[Session],
) -> None:
    _pid, cov, aid = _setup(session_factory)
    svc = RenewalService(session_factory)
    r = svc.create(_draft(cov, aid, sent_at=SENT), SENT)
    done = svc.record_decision(r.request_id, RenewalDecision(
        RequestStatus.PARTLY_APPROVED, date(2026, 3, 14), visits_approved=6,
        start_approved=date(2026, 4, 1), end_approved=date(2026, 5, 31),
        number_approved="AU-2"), SENT)
    assert done.authorization_id is not None
    assert done.authorization_id != aid
    assert "partly approved: 6 of 12" in done.sentence
    with session_scope(session_factory) as s:
        new = s.get(Authorization, done.authorization_id)
        assert new is not None
        assert (new.number, new.authorized, new.start_date) == ("AU-2", 6, date(2026, 4, 1))


def test_denied_needs_a_reason_then_appeal(session_factory: sessionmaker[Session]) -> None:
    _pid, cov, aid = _setup(session_factory)
    svc = RenewalService(session_factory)
    r = svc.create(_draft(cov, aid, sent_at=SENT), SENT)
    with pytest.raises(ValidationErrors) as e:
        svc.record_decision(r.request_id, RenewalDecision(
            RequestStatus.DENIED, date(2026, 3, 14)), SENT)
    assert "denial_reason" in e.value.errors
    done = svc.record_decision(r.request_id, RenewalDecision(
        RequestStatus.DENIED, date(2026, 3, 14), denial_reason="Not medically necessary"), SENT)
    assert done.authorization_id is None
    assert done.request.denial_reason == "Not medically necessary"
    with pytest.raises(ValidationErrors):  # decided: cannot be decided again
        svc.record_decision(r.request_id, RenewalDecision(
            RequestStatus.APPROVED, date(2026, 3, 15), visits_approved=3), SENT)
    appealed_at = datetime(2026, 3, 15, 10, 0).astimezone()
    ap = svc.appeal(r.request_id, appealed_at, appealed_at)
    assert ap.status is RequestStatus.APPEALED
    assert ap.due_at == appealed_at + timedelta(days=7)


def test_decision_before_sending_is_refused(session_factory: sessionmaker[Session]) -> None:
    _pid, cov, aid = _setup(session_factory)
    svc = RenewalService(session_factory)
    r = svc.create(_draft(cov, aid, sent_at=SENT), SENT)
    with pytest.raises(ValidationErrors) as e:
        svc.record_decision(r.request_id, RenewalDecision(
            RequestStatus.APPROVED, date(2026, 3, 1), visits_approved=3), SENT)
    assert "decided_on" in e.value.errors
    with session_scope(session_factory) as s:  # nothing changed
        a = s.get(Authorization, aid)
        assert a is not None
        assert a.authorized == 12
