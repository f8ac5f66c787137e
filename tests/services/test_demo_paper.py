"""The demo's paper-trail patient (issue 10 item 4): a visit with diagnoses, a corrected visit
with its history, a voided one, and today's visit completed over the engine's error (a
session override with the engine's words), added once, on both backends."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.app.clock import local_now
from ptdesk.demo.paper import CHART, add_paper_trail_showcase
from ptdesk.domain.overrides import OverrideKind
from ptdesk.domain.payers import VisitStatus
from ptdesk.services.visits.history import VisitHistoryService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, Visit, VisitDiagnosis, VisitOverride
from tests.services.auth_fixtures import make_clinic

TODAY = date(2026, 12, 1)


def test_every_state_of_a_visit_is_there_once(session_factory: sessionmaker[Session]) -> None:
    make_clinic(session_factory)  # a Medicare payer
    assert add_paper_trail_showcase(session_factory, today=TODAY, now=local_now()) == 5
    assert add_paper_trail_showcase(session_factory, today=TODAY, now=local_now()) == 0
    with session_scope(session_factory) as s:
        pid = s.scalars(select(Patient.id).where(Patient.chart_number == CHART)).one()
        visits = s.execute(select(Visit.id, Visit.visit_date, Visit.status)
                           .where(Visit.patient_id == pid).order_by(Visit.visit_date, Visit.id)
                           ).all()
        with_diagnoses = s.scalar(select(func.count(func.distinct(VisitDiagnosis.visit_id)))
                                  .where(VisitDiagnosis.visit_id.in_([v[0] for v in visits])))
        override = s.scalars(select(VisitOverride).where(
            VisitOverride.visit_id == visits[-1][0])).one()
        assert (override.kind, override.by, override.detail) == (OverrideKind.SESSION, "MK",
                                                                 "MCR-55821")
        assert "MUE_EXCEEDED" in override.rules
        assert "per-day limit (MUE) is 6" in override.words
    assert [v[2] for v in visits] == [VisitStatus.COMPLETED, VisitStatus.VOIDED,
                                      VisitStatus.COMPLETED, VisitStatus.COMPLETED,
                                      VisitStatus.COMPLETED]
    assert visits[-1][1] == TODAY
    assert with_diagnoses == 5
    history = VisitHistoryService(session_factory).history(visits[3][0])
    assert len(history.versions) == 1
    assert history.versions[0].why.startswith("The note documents 30 minutes")
