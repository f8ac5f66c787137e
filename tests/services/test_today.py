"""The Today list on both backends: the day's visits in time order, with names, provider,
coverage, status and chip; cancelled and other days' visits left out."""

from datetime import date, datetime, time

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.payers import PayerKind, ProviderRole, VisitStatus
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.services.visits.today import TodayService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Provider
from tests.services.auth_fixtures import TODAY, make_clinic


def test_day_lists_visits_in_time_order(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    with session_scope(session_factory) as s:
        pr = Provider(first_name="Dana", last_name="Lee", credentials="PT", role=ProviderRole.PT)
        s.add(pr)
        s.flush()
        provider_id = pr.id
    visits = VisitService(session_factory)
    late = visits.book(VisitDraft(c.patient_id, TODAY, c.coverage_id, time(15, 0),
                                  provider_id=provider_id))
    early = visits.book(VisitDraft(c.medicare_patient_id, TODAY, c.medicare_coverage_id,
                                   time(8, 30)))
    untimed = visits.book(VisitDraft(c.patient_id, TODAY, None))
    gone = visits.book(VisitDraft(c.patient_id, TODAY, c.coverage_id, time(9, 0)))
    visits.cancel(gone.id)
    visits.book(VisitDraft(c.patient_id, date(2026, 3, 17), c.coverage_id, time(7, 0)))
    visits.check_in(early.id, datetime(2026, 3, 16, 8, 25).astimezone())
    visits.complete(early.id, [ServiceLineDraft("97110", 2, 30)])

    view = TodayService(session_factory).day(TODAY)
    assert view.day == TODAY
    assert [r.visit_id for r in view.rows] == [early.id, late.id, untimed.id]
    first, second, third = view.rows
    assert first.patient_name == "Okafor, Ben"
    assert first.status is VisitStatus.COMPLETED
    assert first.payer_name == "Medicare Part B"
    assert first.payer_kind is PayerKind.MEDICARE
    assert first.lines == 1
    assert first.scheduled_time == time(8, 30)
    assert second.provider_name == "Dana Lee, PT"
    assert second.chart_number == "C1"
    assert second.status is VisitStatus.BOOKED
    assert second.lines == 0
    assert third.payer_name == "Self-pay"
    assert third.scheduled_time is None
    assert all(r.chip is not None for r in view.rows)
    assert view.counts() == {VisitStatus.COMPLETED: 1, VisitStatus.BOOKED: 2}


def test_empty_day(session_factory: sessionmaker[Session]) -> None:
    make_clinic(session_factory)
    assert TodayService(session_factory).day(date(2026, 1, 1)).rows == ()
