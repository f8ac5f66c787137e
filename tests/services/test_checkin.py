"""Check-in through the service on both backends: a stop needs a reason; the override (reason,
by, when with the aware clock) round-trips; the plan of care stops a Medicare visit past its
certification; the board counts visits treated at risk this week."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.app.clock import local_now
from ptdesk.domain.checkin import Outcome, Rule
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.overrides import OverrideDraft, OverrideReason
from ptdesk.domain.payers import VisitStatus
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.authorizations.plan_of_care import PlanOfCareDraft, PlanOfCareService
from ptdesk.services.board.at_risk import week_of
from ptdesk.services.board.practice_board import BoardService
from ptdesk.services.visits.checkin import CheckInService, CheckInStopped
from ptdesk.services.visits.dtos import VisitDraft
from ptdesk.services.visits.records import VisitService
from tests.services.auth_fixtures import make_clinic


def _expired_visit(factory: sessionmaker[Session], today: date) -> int:
    c = make_clinic(factory)
    AuthorizationService(factory).add(AuthorizationDraft(
        c.coverage_id, today - timedelta(days=60), today - timedelta(days=1), 12, number="EXP"))
    return VisitService(factory).book(VisitDraft(c.patient_id, today, c.coverage_id)).id


def test_stop_then_override_round_trips(session_factory: sessionmaker[Session]) -> None:
    now = local_now()
    today = now.date()
    vid = _expired_visit(session_factory, today)
    svc = CheckInService(session_factory)
    d = svc.decide(vid, today)
    assert d.outcome is Outcome.STOP
    assert d.stop_rules == (Rule.STOP_AUTH_EXPIRED,)
    assert "expired yesterday" in d.line
    with pytest.raises(CheckInStopped) as stopped:
        svc.check_in(vid, now)
    assert stopped.value.view.stopped
    assert VisitService(session_factory).get(vid).status is VisitStatus.BOOKED
    with pytest.raises(ValidationErrors) as bad:
        svc.check_in(vid, now, OverrideDraft(OverrideReason.PHONE_CONFIRMED, "", "JD"))
    assert "reference" in bad.value.errors["detail"]
    r = svc.check_in(vid, now, OverrideDraft(OverrideReason.PHONE_CONFIRMED, " 12345 ", " JD "))
    assert r.visit.status is VisitStatus.CHECKED_IN
    assert r.override is not None
    rows = svc.overrides(today - timedelta(days=7), today)
    assert len(rows) == 1
    o = rows[0]
    assert (o.visit_id, o.reason, o.detail, o.by) == (vid, OverrideReason.PHONE_CONFIRMED,
                                                       "12345", "Test manager")
    # ("Test manager": recorded under the signed-in person's name; tests/conftest.py)
    assert o.reason_words == "Payer confirmed by phone: ref 12345"
    assert o.rules == (Rule.STOP_AUTH_EXPIRED,)
    # The aware clock, stored in UTC, reads back as the same instant (to the second).
    assert o.at.tzinfo is not None
    assert abs((o.at - now).total_seconds()) < 1
    board = BoardService(session_factory).board(today, now)
    start, end = week_of(today)
    assert start <= today <= end
    assert board.at_risk_week == 1


def test_go_needs_no_reason(session_factory: sessionmaker[Session]) -> None:
    now = local_now()
    today = now.date()
    c = make_clinic(session_factory)
    AuthorizationService(session_factory).add(AuthorizationDraft(
        c.coverage_id, today - timedelta(days=5), today + timedelta(days=60), 20))
    vid = VisitService(session_factory).book(VisitDraft(c.patient_id, today, c.coverage_id)).id
    r = CheckInService(session_factory).check_in(vid, now)
    assert r.decision.outcome is Outcome.GO
    assert r.override is None
    assert r.visit.status is VisitStatus.CHECKED_IN


def test_naive_time_refused(session_factory: sessionmaker[Session]) -> None:
    today = local_now().date()
    vid = _expired_visit(session_factory, today)
    with pytest.raises(ValueError, match="aware"):
        CheckInService(session_factory).check_in(vid, datetime(2026, 3, 1, 9, 0))


def test_medicare_recert_overdue_stops(session_factory: sessionmaker[Session]) -> None:
    now = local_now()
    today = now.date()
    c = make_clinic(session_factory)
    first = today - timedelta(days=95)
    poc = PlanOfCareService(session_factory)
    v = poc.save(None, PlanOfCareDraft(c.medicare_patient_id, c.medicare_coverage_id, first,
                                       first, first + timedelta(days=120), "Dr Reyes",
                                       first, first + timedelta(days=3)), today)
    assert v.recert_due == first + timedelta(days=90)
    assert v.recert_overdue
    assert v.applies
    assert v.current
    assert "physician" in v.next_step
    vid = VisitService(session_factory).book(
        VisitDraft(c.medicare_patient_id, today, c.medicare_coverage_id)).id
    d = CheckInService(session_factory).decide(vid, today)
    assert d.outcome is Outcome.STOP
    assert d.stop_rules == (Rule.STOP_RECERT_OVERDUE,)
    board = BoardService(session_factory).board(today, now)
    steps = [p for p in board.plan_steps if p.patient_id == c.medicare_patient_id]
    assert steps
    assert "Recertification overdue" in steps[0].next_step
    # A recertification is a new plan: the stop lifts.
    poc.save(None, PlanOfCareDraft(c.medicare_patient_id, c.medicare_coverage_id,
                                   today - timedelta(days=2), today - timedelta(days=2),
                                   today + timedelta(days=60), "Dr Reyes",
                                   today - timedelta(days=2), today - timedelta(days=1)), today)
    assert CheckInService(session_factory).decide(vid, today).outcome is Outcome.GO


def test_plan_validation(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    with pytest.raises(ValidationErrors) as e:
        PlanOfCareService(session_factory).save(
            None, PlanOfCareDraft(c.patient_id, None, None, None, None), date(2026, 3, 1))
    assert set(e.value.errors) == {"first_visit", "plan_date", "plan_end"}


def test_payer_setting_turns_the_plan_of_care_rules_on(
    session_factory: sessionmaker[Session],
) -> None:
    """Another payer's plan of care is checked only when its setting is on (off by default);
    Medicare's always is."""
    now = local_now()
    today = now.date()
    c = make_clinic(session_factory)
    AuthorizationService(session_factory).add(AuthorizationDraft(
        c.coverage_id, today - timedelta(days=100), today + timedelta(days=60), 40))
    first = today - timedelta(days=95)
    poc = PlanOfCareService(session_factory)
    plan = poc.save(None, PlanOfCareDraft(c.patient_id, c.coverage_id, first, first,
                                          first + timedelta(days=120), "Dr Reyes", first,
                                          first + timedelta(days=2)), today)
    assert not plan.applies
    vid = VisitService(session_factory).book(VisitDraft(c.patient_id, today, c.coverage_id)).id
    svc = CheckInService(session_factory)
    assert svc.decide(vid, today).outcome is Outcome.GO
    assert poc.payer_rules(c.payer_id) == (False, False)
    assert poc.set_payer_rules(c.payer_id, True) == (True, False)
    assert svc.decide(vid, today).stop_rules == (Rule.STOP_RECERT_OVERDUE,)
    medicare = poc.payer_rules(next(iter(_medicare_payer(session_factory))))
    assert medicare == (True, True)


def _medicare_payer(factory: sessionmaker[Session]) -> list[int]:
    from sqlalchemy import select

    from ptdesk.domain.payers import PayerKind
    from ptdesk.storage.engine import session_scope
    from ptdesk.storage.models import Payer

    with session_scope(factory) as s:
        return list(s.scalars(select(Payer.id).where(Payer.kind == PayerKind.MEDICARE)))



def test_only_a_manager_may_check_in_over_a_stop(session_factory: sessionmaker[Session]) -> None:
    """Issue 12: overriding a stop is the office manager's decision; the service refuses a
    front desk in words, and nothing is checked in."""
    from ptdesk.domain.permissions import Role
    from ptdesk.services.accounts.access import NotPermitted
    from ptdesk.storage.actor import Actor, acting_as

    now = local_now()
    vid = _expired_visit(session_factory, now.date())
    svc = CheckInService(session_factory)
    with acting_as(Actor("Dana", frozenset({Role.FRONT_DESK}))), \
            pytest.raises(NotPermitted) as refused:
        svc.check_in(vid, now, OverrideDraft(OverrideReason.AT_RISK, "", "Dana"))
    assert "Dana" in refused.value.message
    assert VisitService(session_factory).get(vid).status is VisitStatus.BOOKED


def test_the_visits_coverage_alone_decides_as_the_whole_patient(
    session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decision reads only the visit's coverage (speed); with two coverages, each carrying
    authorizations and visits, it equals the decision from the whole patient's data."""
    import ptdesk.services.visits.checkin as checkin
    from ptdesk.services.authorizations.records import load_patient
    from ptdesk.storage.engine import session_scope
    from ptdesk.storage.models import Coverage

    today = local_now().date()
    c = make_clinic(session_factory)
    with session_scope(session_factory) as s:
        second = Coverage(patient_id=c.patient_id, payer_id=c.payer_id, priority=2,
                          member_id="A2", effective_date=date(2025, 1, 1))
        s.add(second)
        s.flush()
        second_id = second.id
    auths, visits = AuthorizationService(session_factory), VisitService(session_factory)
    auths.add(AuthorizationDraft(c.coverage_id, today - timedelta(days=30),
                                 today + timedelta(days=5), 3))
    auths.add(AuthorizationDraft(second_id, today - timedelta(days=30),
                                 today + timedelta(days=60), 20))
    booked = []
    for cov in (c.coverage_id, second_id):
        for k in (9, 6, 3):
            visits.book(VisitDraft(c.patient_id, today - timedelta(days=k), cov))
        booked.append(visits.book(VisitDraft(c.patient_id, today, cov)).id)
        booked.append(visits.book(VisitDraft(c.patient_id, today + timedelta(days=2), cov)).id)
    svc = CheckInService(session_factory)
    mine = [svc.decide(v, today) for v in booked]
    monkeypatch.setattr(checkin, "load_coverage", lambda s, pid, _cov: load_patient(s, pid))
    assert [svc.decide(v, today) for v in booked] == mine
    assert {d.outcome for d in mine} != {Outcome.GO}  # the small authorization speaks
