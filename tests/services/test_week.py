"""The week view's data on both backends: one provider's visits in the clinic's slots, free
slots, closed days and holidays, marks; clinic hours saved and read back."""

from datetime import date, time

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.booking import SeriesPlan
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.payers import ProviderRole
from ptdesk.domain.week_grid import ClinicHours
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.visits.booking import BookingService, SeriesRequest
from ptdesk.services.visits.dtos import VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.services.visits.week import WeekService, short_name
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Provider
from tests.services.auth_fixtures import make_clinic


def _providers(factory: sessionmaker[Session]) -> tuple[int, int]:
    with session_scope(factory) as s:
        a = Provider(first_name="Dana", last_name="Cole", role=ProviderRole.PT)
        b = Provider(first_name="Eli", last_name="Berg", role=ProviderRole.PTA)
        s.add_all([a, b])
        s.flush()
        return a.id, b.id


def test_week_of_one_provider(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    cole, berg = _providers(session_factory)
    AuthorizationService(session_factory).add(AuthorizationDraft(
        c.coverage_id, date(2026, 1, 1), date(2026, 1, 15), 10, number="AU-1"))
    # Mon Jan 12 - Sat Jan 17 2026; Mon Jan 19 is MLK day (next week).
    BookingService(session_factory).book(SeriesRequest(
        c.patient_id, c.coverage_id, cole, SeriesPlan(date(2026, 1, 12), (0, 3, 4), time(9, 10),
                                                      weeks=1)), anyway=True)
    VisitService(session_factory).book(VisitDraft(c.medicare_patient_id, date(2026, 1, 13),
                                                  c.medicare_coverage_id, None, cole))
    VisitService(session_factory).book(VisitDraft(c.medicare_patient_id, date(2026, 1, 14),
                                                  c.medicare_coverage_id, time(9, 0), berg))
    w = WeekService(session_factory).week(date(2026, 1, 15), cole, date(2026, 1, 12))
    assert w.monday == date(2026, 1, 12)
    assert w.provider_id == cole
    assert [p.name for p in w.providers] == ["Berg, Eli", "Cole, Dana"]
    assert len(w.cells) == 20  # 8:00-18:00 in 30 minutes
    nine = w.hours.slot_of(time(9, 10))
    assert nine == 2
    assert [v.short_name for v in w.cells[nine][0]] == ["Rivera A."]
    assert w.cells[nine][2] == ()  # Berg's visit is not in Cole's week
    assert [v.short_name for v in w.untimed[1]] == ["Okafor B."]
    fri = w.cells[nine][4][0]
    assert fri.outside == "after the authorization ends Jan 15"
    assert w.cells[nine][3][0].outside == ""
    assert w.closed == ("", "", "", "", "", "")
    w2 = WeekService(session_factory).week(date(2026, 1, 19), None, date(2026, 1, 12))
    assert w2.provider_id == berg  # the first in the list when none is chosen
    assert w2.closed[0] == "federal holiday"


def test_clinic_hours_saved_and_read(session_factory: sessionmaker[Session]) -> None:
    svc = WeekService(session_factory)
    assert svc.hours() == ClinicHours()
    saved = svc.save_hours(ClinicHours(time(7, 0), time(19, 0), 15))
    assert saved == ClinicHours(time(7, 0), time(19, 0), 15)
    assert svc.hours() == saved
    assert len(saved.slots()) == 48
    with pytest.raises(ValidationErrors):
        ClinicHours(time(18, 0), time(8, 0))


def test_short_name() -> None:
    assert short_name("Quintero", "Rosa", None) == "Quintero R."
    assert short_name("Quintero", "Rosa", "Rosie") == "Quintero R."
    assert short_name("Quintero", "", None) == "Quintero"
